"""``anjian import KIND FILE``: every import page as a command, for operators and scripts.

Reads the file with the automatic column mapping (plus ``--map 源列=字段``), checks every row,
and stores (all or nothing, or ``--partial`` the valid rows; ``--update`` updates records found
by key). Progress goes to stderr-free plain lines; the LAST line is one JSON object
``{"stored": n, "updated": n, "failed_rows": n, "errors": n, "unmapped": [...]}``. Exit status
0 when it stored what was asked (or, with ``--dry-run``, found nothing wrong), 1 when rows were
refused, 2 on a bad command line.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.core.errors import DomainError
from anjian.documents.colmap import match_score
from anjian.documents.imports import (
    FILE_IMPORTS,
    IMPORTS,
    import_check,
    import_cli_result,
    import_set_mapping,
    import_spec,
    import_store,
    import_upload,
    mapping_keys,
    unmapped_columns,
    write_error_workbook,
)
from anjian.documents.models import ImportBatch, ImportBatchStatus
from anjian.jobs.services import JobRejected


class PrintedProgress:
    """The job's ``Progress`` interface, printed: one line per phase and per 10 %."""

    def __init__(self, out: Any) -> None:
        self.out, self.total, self.message, self._shown = out, 0, "", -1
        self.started = time.monotonic()

    def set_total(self, total: int, message: str = "") -> None:
        self.total, self._shown = total, -1
        if message and message != self.message:
            self.message = message
            self.out.write(message)

    def advance(self, done: int, message: str = "") -> None:
        percent = int(done * 100 / self.total) if self.total else 100
        if (percent // 10 != self._shown // 10 and percent < 100) or (percent == 100 and self._shown != 100):
            self._shown = percent
            self.out.write(f"{min(percent, 100):3d}% {message or self.message}")


class Command(BaseCommand):
    help = (
        "Import a ledger (xlsx/csv) of KIND: the column mapping is proposed as on the page and can be changed "
        "with --map; every row is checked first. The last line printed is a JSON summary; exit status 0 when "
        "stored (or checked clean with --dry-run), 1 when rows were refused, 2 on a bad command line. 导入台账。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="导入类型 / import kind: " + ", ".join(sorted([*IMPORTS, *FILE_IMPORTS])))
        parser.add_argument("file")
        parser.add_argument("--as", dest="username", default="", help="acting user (their scope applies) / 操作用户")
        parser.add_argument("--map", dest="maps", action="append", default=[], metavar="源列=字段",
                            help="map a column to a field (key or label); 源列= leaves the column out")
        parser.add_argument("--dry-run", action="store_true", help="check only / 只检查，不导入")
        parser.add_argument("--partial", action="store_true", help="store the valid rows / 只导入无误的行")
        parser.add_argument("--update", action="store_true", help="update records found by key / 按关键字段更新")
        parser.add_argument("--default-area", default="", help="辖区代码 for rows without a place / 默认辖区代码")
        parser.add_argument("--errors", default="", metavar="OUT.xlsx", help="write the error workbook here / 错误工作簿")

    def _file_import(self, entry: Any, actor: Any, path: Path, o: dict[str, Any]) -> None:
        """A whole-file import (a CAP alert): no mapping, rows or update; received or refused."""
        if o["maps"] or o["partial"] or o["update"] or o["default_area"] or o["errors"] or o["dry_run"]:
            raise CommandError(f"{entry.kind} 是整份文件导入，不接受 --map/--partial/--update/--default-area/--errors/"
                               f"--dry-run / {entry.kind} imports a whole file: those options do not apply", returncode=2)
        if actor is None:
            raise CommandError("请用 --as 指定操作用户 / give the acting user with --as", returncode=2)
        if path.stat().st_size > entry.max_bytes:
            self._finish({"stored": False, "errors": 1}, f"文件超过 {entry.max_bytes // 1024} KB，未导入 / "
                         f"the file is over {entry.max_bytes // 1024} KB: nothing was imported", 1)
            return
        try:
            summary = entry.receive(actor, path.read_bytes(), path.name)
        except DomainError as exc:
            self._finish({"stored": False, "errors": 1, "error": exc.zh}, f"{exc.zh} / {exc.en}", 1)
            return
        self._finish(summary, "", 0)

    def handle(self, *args: Any, **o: Any) -> None:
        kind = o["kind"]
        if kind not in IMPORTS and kind not in FILE_IMPORTS:
            known = ", ".join(sorted([*IMPORTS, *FILE_IMPORTS]))
            raise CommandError(f"未知的导入类型 / unknown import kind {kind!r} (known: {known})", returncode=2)
        actor = None
        if o["username"]:
            actor = get_user_model().objects.filter(username=o["username"], is_active=True).first()
            if actor is None:
                raise CommandError(f"用户不存在 / no active user {o['username']!r}", returncode=2)
        path = Path(o["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在 / no such file: {path}", returncode=2)
        if kind in FILE_IMPORTS:
            self._file_import(FILE_IMPORTS[kind], actor, path, o)
            return
        spec = import_spec(kind)
        maps: list[tuple[str, str]] = []
        for item in o["maps"]:
            column, sep, target = item.partition("=")
            if not sep or not column.strip():
                raise CommandError(f"--map 应写作 源列=字段 / --map takes COLUMN=FIELD, not {item!r}", returncode=2)
            maps.append((column.strip(), target.strip()))
        if o["update"] and not spec.can_update():
            raise CommandError(f"{kind} 不支持 --update / {kind} cannot update by key", returncode=2)
        out = self.stdout
        progress = PrintedProgress(out)
        try:
            with path.open("rb") as fh:
                batch = import_upload(kind=kind, actor=actor, upload=File(fh, name=path.name),
                                      options={"source": ""})
        except DomainError as exc:
            self._finish({"stored": 0, "updated": 0, "failed_rows": 0, "errors": 1, "unmapped": []},
                         f"{exc.zh} / {exc.en}", 1)
            return
        mapping = dict(batch.mapping)
        for column, target in maps:
            index = self._column(batch, column)
            key = self._field(spec, target) if target else ""
            mapping = {i: k for i, k in mapping.items() if k != key}
            mapping[index] = key
        try:
            import_set_mapping(actor=actor, batch=batch, mapping=mapping, options={
                "partial": o["partial"], "update": o["update"], "default_area": o["default_area"]})
        except DomainError as exc:
            raise CommandError(f"{exc.zh} / {exc.en}", returncode=2) from exc
        keys = mapping_keys(batch)
        out.write("列对应 / columns: " + "; ".join(f"{c['label']} → {spec.headers[k][0]}" for k, c in keys.items()))
        unmapped = [c["label"] for c in unmapped_columns(batch)]
        if unmapped:
            out.write("未对应的列（未导入）/ unmapped columns (not imported): " + "、".join(unmapped))
        try:
            summary = import_check(batch, progress)
        except JobRejected as exc:
            batch.status = ImportBatchStatus.FAILED
            batch.save(update_fields=["status"])
            self._finish({**import_cli_result(batch), "errors": exc.result.get("errors", 1)}, str(exc), 1)
            return
        self._errors_out(batch, o["errors"])
        self._print_problems(batch)
        if o["dry_run"]:
            self._finish(import_cli_result(batch), "检查完成，未导入 / checked, nothing stored",
                         1 if summary["failed_rows"] else 0)
            return
        try:
            import_store(batch, progress, partial=o["partial"])
        except JobRejected as exc:
            batch.refresh_from_db()
            self._errors_out(batch, o["errors"])
            self._finish({**import_cli_result(batch), "stored": 0, "updated": 0}, str(exc), 1)
            return
        batch.refresh_from_db()
        result = import_cli_result(batch)
        self._finish(result, f"导入完成，批次 {batch.pk} / stored, batch {batch.pk}", 1 if result["failed_rows"] else 0)

    def _column(self, batch: ImportBatch, column: str) -> str:
        for c in batch.columns:
            if c["label"] == column or c["letter"] == column.upper():
                return str(c["index"])
        best = max(batch.columns, key=lambda c: match_score(c["label"], column), default=None)
        if best is None or match_score(best["label"], column) < 0.95:
            labels = "、".join(c["label"] for c in batch.columns)
            raise CommandError(f"文件中没有列 {column!r} / no column {column!r} (columns: {labels})", returncode=2)
        return str(best["index"])

    def _field(self, spec: Any, target: str) -> str:
        if target in spec.headers:
            return str(target)
        for key, labels in spec.headers.items():
            if any(match_score(target, label) >= 0.95 for label in labels):
                return str(key)
        raise CommandError(f"未知的字段 / unknown field {target!r} (fields: {', '.join(spec.headers)})", returncode=2)

    def _print_problems(self, batch: ImportBatch, limit: int = 200) -> None:
        shown = 0
        for row in batch.rows.exclude(problems=[]).order_by("row_no"):
            for p in row.problems:
                if shown >= limit:
                    self.stdout.write(f"… {batch.summary.get('errors', 0) - shown} more / 另有更多错误，见错误工作簿")
                    return
                self.stdout.write(f"第 {row.row_no} 行 / row {row.row_no} · {p['column']} · {p['value']!s}: "
                                  f"{p['zh']} / {p['en']}")
                shown += 1

    def _errors_out(self, batch: ImportBatch, target: str) -> None:
        if not target:
            return
        if not batch.errors_file and batch.summary.get("errors"):
            write_error_workbook(batch)
            batch.save(update_fields=["errors_file"])
        if batch.errors_file:
            with batch.errors_file.open("rb") as src:
                Path(target).write_bytes(src.read())
            self.stdout.write(f"错误工作簿 / error workbook: {target}")

    def _finish(self, result: dict[str, Any], message: str, code: int) -> None:
        if message:
            self.stdout.write(message)
        self.stdout.write(json.dumps(result, ensure_ascii=False))
        self.stdout.flush()
        if code:
            sys.exit(code)
