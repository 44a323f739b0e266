"""``anjian adjust-division split|merge``: the 行政区划调整 pages as a command, for operators.

``anjian adjust-division split --as USER --unit 440303001 --name 新街道 --code 440303013 --boundary part.geojson --reason 文号``
``anjian adjust-division merge --as USER --unit 440303001 --absorb 440303002 --reason 文号``
``anjian adjust-division rename --as USER --unit 440303001 --name 新名称 --reason 文号``

``--dry-run`` prints the preview (what would move) and stores nothing. Without it the units change
in one transaction and the reassignment job starts; ``--wait`` runs the job here and prints its
report. The last line printed is JSON; exit status 0 when done, 1 when refused, 2 on a bad
command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.core.errors import DomainError
from anjian.grids import adjustments
from anjian.jobs.models import Job
from anjian.jobs.services import job_run
from anjian.orgs.adjust import jurisdiction_rename
from anjian.orgs.boundaries import CRS_CHOICES
from anjian.orgs.models import Jurisdiction


class Command(BaseCommand):
    help = ("Split a unit (the new part from a GeoJSON or zipped Shapefile) or merge two sibling units; "
            "enterprises and their open records move through the reassignment job. 行政区划调整：拆分、合并。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["split", "merge", "rename"])
        parser.add_argument("--as", dest="username", required=True, help="acting user (their scope applies) / 操作用户")
        parser.add_argument("--unit", required=True, help="被拆分或保留的单位代码 / the unit split, or the one that stays")
        parser.add_argument("--absorb", default="", help="merge: 被并入（撤销）的单位代码 / the unit retired")
        parser.add_argument("--name", default="", help="split: 新单位名称 / the new unit's name; rename: 新名称")
        parser.add_argument("--code", default="", help="split: 新单位区划代码 / the new unit's code")
        parser.add_argument("--boundary", default="", help="split: 新单位边界文件 / the new part's boundary file")
        parser.add_argument("--crs", default="wgs84", choices=CRS_CHOICES)
        parser.add_argument("--reason", default="", help="调整依据 / the decision's number")
        parser.add_argument("--dry-run", action="store_true", help="preview only / 只预览，不保存")
        parser.add_argument("--wait", action="store_true", help="run the job here and print its report / 在此运行任务")

    def _unit(self, code: str) -> Jurisdiction:
        j = Jurisdiction.objects.filter(code=code).first()
        if j is None:
            raise CommandError(f"辖区不存在 / no jurisdiction with code {code}", returncode=2)
        return j

    def handle(self, *args: Any, **o: Any) -> None:
        user = get_user_model().objects.filter(username=o["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户不存在 / no active user {o['username']!r}", returncode=2)
        unit = self._unit(o["unit"])
        try:
            if o["kind"] == "rename":
                j = jurisdiction_rename(actor=user, jurisdiction=unit, name=o["name"], reason=o["reason"])
                self.stdout.write(json.dumps({"code": j.code, "name": j.name}, ensure_ascii=False))
                return
            if o["kind"] == "split":
                path = Path(o["boundary"])
                if not o["boundary"] or not path.is_file():
                    raise CommandError(f"边界文件不存在 / no such file: {o['boundary']}", returncode=2)
                geometry = adjustments.geometry_from_upload(path.read_bytes(), path.name, o["crs"])
                kwargs: dict[str, Any] = {"actor": user, "unit": unit, "geometry": geometry, "name": o["name"],
                                          "code": o["code"]}
                preview = adjustments.split_preview(**kwargs)
                commit = adjustments.split_commit
            else:
                if not o["absorb"]:
                    raise CommandError("请用 --absorb 指定被并入的单位 / --absorb is required", returncode=2)
                kwargs = {"actor": user, "unit": unit, "other": self._unit(o["absorb"])}
                preview = adjustments.merge_preview(**kwargs)
                commit = adjustments.merge_commit
            for w in preview.warnings:
                self.stdout.write(f"提示 warning: {w}")
            summary: dict[str, Any] = {"preview": preview.as_dict()}
            if not o["dry_run"]:
                adjustment = commit(**kwargs, reason=o["reason"])
                summary.update(adjustment=adjustment.pk, job=adjustment.job_id)
                if o["wait"] and adjustment.job_id:
                    job_run(adjustment.job_id)
                    job = Job.objects.get(pk=adjustment.job_id)
                    summary.update(status=job.status, report=job.result)
        except DomainError as exc:
            raise CommandError(f"{exc.zh} / {exc.en}", returncode=1) from exc
        self.stdout.write(json.dumps(summary, ensure_ascii=False, default=str))
