"""The training records of a year (安全生产法 Art. 28: time, content, attendees, results) as a list
export: registered so that a year with more records than ``EXPORT_IMMEDIATE_MAX_ROWS`` is written
by a job into 我的导出 (docs/mechanisms/import-export.md) — every record, none cut off — instead of
in the request. A smaller year keeps the page's two-sheet workbook (records and hours)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.documents.export_jobs import ExportSpec, register_export
from anjian.documents.exports import Column
from anjian.training.models import Attendance


def _when(v: Any) -> str:
    return timezone.localtime(v).strftime("%Y-%m-%d %H:%M") if v else ""


def export_year(params: Mapping[str, Any]) -> int:
    """The year asked for (``?year=``), this year when absent or not a year."""
    value = params.get("year") if params else None
    if isinstance(value, list | tuple):
        value = value[-1] if value else None
    try:
        year = int(value or 0)
    except (TypeError, ValueError):
        year = 0
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def export_columns() -> list[Column]:
    return [
        Column(_("培训课程"), lambda a: a.session.title),
        Column(_("开始时间"), lambda a: _when(a.session.starts_at)),
        Column(_("结束时间"), lambda a: _when(a.session.ends_at)),
        Column(_("培训地点"), lambda a: a.session.place),
        Column(_("授课教师"), lambda a: a.session.trainer),
        Column(_("姓名"), lambda a: a.trainee.name),
        Column(_("所在企业"), lambda a: a.trainee.enterprise.name if a.trainee.enterprise_id else ""),
        Column(_("签到时间"), lambda a: _when(a.signed_at)),
        Column(_("获得学时"), lambda a: float(a.hours)),
        Column(_("考试成绩"), lambda a: a.score),
    ]


def export_rows(user: Any, params: Mapping[str, Any]) -> QuerySet:
    """The year's attendance records the user may see."""
    return (Attendance.objects.restrict(user, "training.view").filter(session__starts_at__year=export_year(params))
            .select_related("session", "trainee", "trainee__enterprise"))


EXPORT = register_export(ExportSpec(
    kind="training_records", label=gettext_lazy("培训记录"), action="training.view", rows=export_rows,
    columns=export_columns, order_by=("session__starts_at", "id"),
))
