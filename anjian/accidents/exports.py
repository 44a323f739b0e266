"""The accident list's export (事故信息): its columns, and its registration so that a large export
runs as a job and lands in 我的导出 (docs/mechanisms/import-export.md) instead of being built in the
request — a city's years of accidents run to hundreds of thousands of rows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.accidents.forms import AccidentFilterForm
from anjian.accidents.selectors import accident_list
from anjian.documents.export_jobs import ExportSpec, register_export
from anjian.documents.exports import Column


def export_columns() -> list[Column]:
    """The export's columns, headed in the active language."""
    return [
        Column(_("编号"), lambda a: a.pk),
        Column(_("发生时间"), lambda a: a.occurred_at),
        Column(_("事故单位"), lambda a: a.unit_name),
        Column(_("属地"), lambda a: a.jurisdiction.name),
        Column(_("行业"), lambda a: a.sector.name if a.sector_id else ""),
        Column(_("事故类别"), lambda a: str(a.get_category_display())),
        Column(_("事故类型"), lambda a: f"{a.type_code} {a.type_name}"),
        Column(_("等级"), lambda a: str(a.get_grade_display() or a.get_kind_display())),
        Column(_("死亡"), lambda a: a.deaths),
        Column(_("下落不明"), lambda a: a.missing),
        Column(_("重伤"), lambda a: a.serious_injuries),
        Column(_("轻伤"), lambda a: a.minor_injuries),
        Column(_("直接经济损失(元)"), lambda a: a.direct_loss_yuan),
        Column(_("迟报(分钟)"), lambda a: a.late_minutes),
    ]


def export_rows(user: Any, params: Mapping[str, list[str]]) -> QuerySet:
    """The list page's rows for ``user`` with the page's filters."""
    form = AccidentFilterForm(params or None, user=user)
    return accident_list(user=user, filters=form.filters()).select_related("jurisdiction", "sector")


EXPORT = register_export(ExportSpec(
    kind="accidents", label=gettext_lazy("事故信息"), action="accidents.view", rows=export_rows,
    columns=export_columns, order_by=("-occurred_at", "-id"), form=AccidentFilterForm,
))
