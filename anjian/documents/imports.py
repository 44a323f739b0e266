"""Excel/CSV import framework: column mapping, per-row validation with a downloadable error
report, all-or-nothing commit, progress, run as a job.

An app declares an ``ImportSpec`` subclass and registers it. ``import_start`` stores the upload
and starts a job; the job reads the sheet (``tabular.read_table`` copes with merged title rows,
full-width characters, totals rows), validates every row, and then either commits everything in
one transaction or commits nothing and leaves an error report (row, column, value, message in
Chinese and English) for download.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.core.files import File
from django.db import transaction

from anjian.core.errors import DomainError, NotAllowed
from anjian.core.scoping import has_action
from anjian.core.text import CellError, is_blank, normalise
from anjian.jobs.models import Job
from anjian.jobs.registry import job_handler
from anjian.jobs.services import JobRejected, Progress, job_start

T = TypeVar("T")
D = TypeVar("D")


@dataclass
class RowProblem:
    row: int
    column: str
    value: Any
    zh: str
    en: str


class RowError(Exception):
    def __init__(self, column: str, zh: str, en: str, value: Any = None) -> None:
        super().__init__(f"{column}: {zh} / {en}")
        self.column, self.zh, self.en, self.value = column, zh, en, value


def read_cell(raw: Mapping[str, Any], key: str, column: str, parse: Callable[[Any], T], default: D = None) -> T | D:  # type: ignore[assignment]
    """One cell through a ``core.text`` parser: ``default`` when blank; a parser's ``CellError``
    becomes a ``RowError`` for ``column`` (the column's label) with its zh/en message."""
    value = raw.get(key)
    if is_blank(value):
        return default
    try:
        return parse(value)
    except CellError as exc:
        raise RowError(column, exc.zh, exc.en, value) from exc


def read_text(raw: Mapping[str, Any], key: str, column: str, *, limit: int | None = None, newlines: bool = False) -> str:
    """One text cell, normalised (``core.text.normalise``): ``""`` when blank; a whole-number float
    (Excel's ``123.0`` for a code typed as a number) is read as ``123``; longer than ``limit``
    characters is a ``RowError`` for ``column``."""
    value = raw.get(key)
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = normalise(value, keep_newlines=newlines)
    if limit is not None and len(text) > limit:
        raise RowError(column, f"超过 {limit} 个字符", f"longer than {limit} characters", value)
    return text


def import_columns(spec: type[ImportSpec]) -> list[tuple[str, bool, list[str]]]:
    """The column guide an upload page shows: (main header, required, other accepted headers)."""
    return [(labels[0], key in spec.required, list(labels[1:])) for key, labels in spec.headers.items()]


@dataclass
class Context:
    actor: Any
    params: dict[str, Any]
    cache: dict[str, Any] = field(default_factory=dict)


class ImportSpec:
    """Subclass and register with ``@register_import``."""

    kind: ClassVar[str]
    label: ClassVar[str]
    action: ClassVar[str]
    headers: ClassVar[Mapping[str, Sequence[str]]]  # key → accepted header labels
    required: ClassVar[frozenset[str]] = frozenset()
    batch_size: ClassVar[int] = 2000

    def prepare(self, ctx: Context) -> None:
        """Load lookup tables once (sectors, jurisdictions …)."""

    def validate_batch(
        self, rows: list[tuple[int, dict[str, Any]]], ctx: Context
    ) -> list[tuple[int, dict[str, Any]] | RowProblem]:
        """Clean a batch of raw rows. Return a cleaned row or a problem per row (default: per-row)."""
        out: list[tuple[int, dict[str, Any]] | RowProblem] = []
        for row_no, raw in rows:
            try:
                out.append((row_no, self.validate_row(row_no, raw, ctx)))
            except RowError as exc:
                out.append(RowProblem(row_no, exc.column, exc.value, exc.zh, exc.en))
        return out

    def validate_row(self, row_no: int, raw: dict[str, Any], ctx: Context) -> dict[str, Any]:
        raise NotImplementedError

    def check_all(self, rows: list[tuple[int, dict[str, Any]]], ctx: Context) -> list[RowProblem]:
        """Whole-file checks (e.g. duplicates inside the file and against the database)."""
        return []

    def commit(
        self, rows: list[tuple[int, dict[str, Any]]], ctx: Context, progress: Progress
    ) -> dict[str, Any]:
        raise NotImplementedError


IMPORTS: dict[str, type[ImportSpec]] = {}


def register_import(cls: type[ImportSpec]) -> type[ImportSpec]:
    IMPORTS[cls.kind] = cls
    return cls


def import_start(*, kind: str, actor: Any, upload: Any, params: dict[str, Any] | None = None) -> Job:
    spec = IMPORTS.get(kind)
    if spec is None:
        raise DomainError(f"未知的导入类型 {kind}", f"Unknown import kind {kind}")
    if not has_action(actor, spec.action):
        raise NotAllowed("您无权执行该导入", "You may not run this import")
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith((".xlsx", ".csv")):
        raise DomainError("仅支持 .xlsx 或 .csv 文件", "Only .xlsx or .csv files are accepted", field="file")
    size = getattr(upload, "size", None)
    limit = settings.IMPORT_MAX_BYTES
    if size is not None and size > limit:
        raise DomainError(
            f"文件太大（{size / 2**20:.1f} MB，上限 {limit / 2**20:.0f} MB），请分成几个文件导入",
            f"The file is too large ({size / 2**20:.1f} MB, at most {limit / 2**20:.0f} MB): split it",
            field="file",
        )
    with transaction.atomic():
        return job_start(
            "import",
            actor=actor,
            title=f"{spec.label}：{name}",
            params={"spec": kind, "filename": name, **(params or {})},
            input_file=File(upload, name=name),
        )


def _problems_report(problems: Sequence[RowProblem]) -> str:
    from anjian.documents.exports import Column, write_xlsx

    path = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False).name  # noqa: SIM115
    write_xlsx(
        problems,
        [
            Column("行号 Row", lambda p: p.row),
            Column("列 Column", lambda p: p.column),
            Column("值 Value", lambda p: "" if p.value is None else str(p.value)),
            Column("错误", lambda p: p.zh),
            Column("Error", lambda p: p.en),
        ],
        path,
        sheet="错误报告",
    )
    return path


def import_limits() -> Any:
    """The ``tabular.Limits`` of the ``IMPORT_*`` settings."""
    from anjian.documents.tabular import Limits

    return Limits(
        max_bytes=settings.IMPORT_MAX_BYTES,
        max_uncompressed=settings.IMPORT_MAX_UNCOMPRESSED,
        max_ratio=settings.IMPORT_MAX_RATIO,
        max_members=settings.IMPORT_MAX_MEMBERS,
        max_rows=settings.IMPORT_MAX_ROWS,
        max_cells=settings.IMPORT_MAX_CELLS,
    )


def _batches(reader: Any, size: int) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    batch: list[tuple[int, dict[str, Any]]] = []
    for item in reader:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@job_handler("import")
def run_import(job: Job, progress: Progress) -> dict[str, Any]:
    from anjian.documents.tabular import TableError, read_table

    spec = IMPORTS[job.params["spec"]]()
    ctx = Context(actor=job.created_by, params=job.params)
    with job.input_file.open("rb") as fh:
        try:
            reader = read_table(
                fh, filename=job.params.get("filename", job.input_file.name), known_headers=spec.headers,
                limits=import_limits(),
            )
        except ValueError as exc:
            raise JobRejected(f"无法读取文件：{exc}", {"errors": 1}) from exc
        try:
            return _validate_and_commit(job, progress, spec, ctx, reader)
        except TableError as exc:
            raise JobRejected(f"未导入任何数据：{exc.zh} / nothing was imported: {exc.en}", {"errors": 1}) from exc
        finally:
            reader.close()


def _validate_and_commit(job: Job, progress: Progress, spec: ImportSpec, ctx: Context, reader: Any) -> dict[str, Any]:
    missing = sorted(k for k in spec.required if k not in reader.mapping)
    if missing:
        labels = "、".join(spec.headers[k][0] for k in missing)
        raise JobRejected(f"缺少必需的列：{labels} / missing required columns", {"errors": len(missing)})
    estimate = reader.count_rows() or 0
    if reader.format == "csv" and estimate > reader.limits.max_rows:
        # A CSV line count is an upper bound of its rows: refuse before validating any of them.
        raise JobRejected(
            f"未导入任何数据：文件约有 {estimate} 行，超过上限 {reader.limits.max_rows} 行，请分成几个文件导入 / "
            f"nothing was imported: about {estimate} rows, more than {reader.limits.max_rows}: split the file",
            {"errors": 1},
        )
    progress.set_total(max(estimate, 1) * 2, "校验中 / validating")
    spec.prepare(ctx)
    good: list[tuple[int, dict[str, Any]]] = []
    problems: list[RowProblem] = []
    seen = 0
    for batch in _batches(iter(reader), spec.batch_size):
        for result in spec.validate_batch(batch, ctx):
            if isinstance(result, RowProblem):
                problems.append(result)
            else:
                good.append(result)
        seen += len(batch)
        progress.advance(seen, f"已校验 {seen} 行 / {seen} rows checked")
    problems.extend(spec.check_all(good, ctx))
    if not good and not problems:
        raise JobRejected("文件中没有数据行 / the file has no data rows", {"rows": 0, "errors": 0})
    if problems:
        problems.sort(key=lambda p: (p.row, p.column))
        path = _problems_report(problems)
        with open(path, "rb") as fh:
            job.result_file.save(f"import-errors-{job.pk}.xlsx", File(fh), save=False)
        Job.objects.filter(pk=job.pk).update(result_file=job.result_file.name)
        raise JobRejected(
            f"{len(problems)} 处错误，未导入任何数据，请下载错误报告修改后重新导入 / "
            f"{len(problems)} errors, nothing was imported: download the error report",
            {"rows": seen, "errors": len(problems)},
        )
    progress.set_total(seen + len(good), "导入中 / importing")
    ctx.cache["progress_base"] = seen
    with transaction.atomic():
        result = spec.commit(good, ctx, progress)
    return {"rows": len(good), "errors": 0, **result}
