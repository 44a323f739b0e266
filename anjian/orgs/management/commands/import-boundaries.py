"""``anjian import-boundaries FILE``: the boundary import page as a command, for operators and scripts."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.core.errors import DomainError
from anjian.orgs import services
from anjian.orgs.boundaries import CRS_CHOICES, guess_columns, read_layer
from anjian.orgs.models import Jurisdiction, JurisdictionLevel

LEVELS = {"district": JurisdictionLevel.DISTRICT, "street": JurisdictionLevel.STREET,
          "community": JurisdictionLevel.COMMUNITY, "grid": JurisdictionLevel.GRID}


class Command(BaseCommand):
    help = (
        "Import district/street/community/grid boundaries from GeoJSON or a zipped Shapefile: checked first, "
        "stored as one batch (undo it on the boundary import page). The last line printed is a JSON summary; "
        "exit status 0 when stored (or checked clean with --dry-run), 1 when refused, 2 on a bad command line. "
        "导入辖区边界。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--as", dest="username", required=True, help="acting user (their scope applies) / 操作用户")
        parser.add_argument("--level", required=True, choices=sorted(LEVELS))
        parser.add_argument("--parent", required=True, help="上级辖区代码 / the parent's division code")
        parser.add_argument("--crs", default="wgs84", choices=CRS_CHOICES)
        parser.add_argument("--code-column", default="")
        parser.add_argument("--name-column", default="")
        parser.add_argument("--parent-column", default="")
        parser.add_argument("--dry-run", action="store_true", help="check only / 只检查，不导入")

    def handle(self, *args: Any, **o: Any) -> None:
        user = get_user_model().objects.filter(username=o["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户不存在 / no active user {o['username']!r}", returncode=2)
        parent = Jurisdiction.objects.filter(code=o["parent"]).first()
        if parent is None:
            raise CommandError(f"上级辖区不存在 / no jurisdiction with code {o['parent']}", returncode=2)
        path = Path(o["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在 / no such file: {path}", returncode=2)
        data = path.read_bytes()
        columns = {k: o[k] for k in ("code_column", "name_column", "parent_column")}
        try:
            if not columns["code_column"] or not columns["name_column"]:
                guessed = guess_columns(read_layer(data, filename=path.name, code_column="", name_column="",
                                                   crs=o["crs"]).columns)
                columns = {k: columns[k] or guessed[k] for k in columns}
            batch = services.boundary_import_preview(
                actor=user, data=data, filename=path.name, level=LEVELS[o["level"]], parent=parent, crs=o["crs"],
                **columns,
            )
        except DomainError as exc:
            raise CommandError(f"{exc.zh} / {exc.en}", returncode=1) from exc
        for f in batch.findings:
            self.stdout.write(f"{'错误 error' if f['severity'] == 'error' else '提示 warning'}: {f['zh']} / {f['en']}")
        new = sum(1 for f in batch.features if f["action"] == "create")
        summary = {"batch": batch.pk, "features": len(batch.features), "created": 0, "updated": 0,
                   "errors": batch.error_count, "warnings": batch.warning_count, "mapping": columns}
        if not batch.error_count and not o["dry_run"]:
            services.boundary_import_commit(actor=user, batch=batch)
            summary.update(created=new, updated=len(batch.features) - new)
        elif o["dry_run"] or batch.error_count:
            services.boundary_import_discard(actor=user, batch=batch)
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
        if batch.error_count:
            sys.exit(1)
