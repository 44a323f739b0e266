"""The reports list's export (举报台账): its columns, and its registration so that a large export
runs as a job and lands in 我的导出 (docs/mechanisms/import-export.md) instead of being built in the
request. No column names or identifies the reporter, and none may be added (docs/public_reports.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from anjian.documents.export_jobs import ExportSpec, register_export
from anjian.documents.exports import Column
from anjian.public_reports import selectors
from anjian.public_reports.forms import FilterForm

EXPORT_COLUMNS = [
    Column("查询码", lambda r: r.display_code),
    Column("渠道", lambda r: r.get_channel_display()),
    Column("类型", lambda r: r.get_report_type_display()),
    Column("收到时间", lambda r: r.received_at),
    Column("状态", lambda r: r.get_status_display()),
    Column("被举报单位", lambda r: r.unit_name),
    Column("地点", lambda r: r.address),
    Column("属地", lambda r: r.jurisdiction.name if r.jurisdiction_id else ""),
    Column("承办部门", lambda r: r.department.name if r.department_id else ""),
    Column("办理期限", lambda r: r.handling_due),
    Column("核查结论", lambda r: r.get_verification_display()),
    Column("答复时间", lambda r: r.replied_at),
]


def export_rows(user: Any, params: Mapping[str, list[str]]) -> QuerySet:
    """The inbox's rows for ``user`` with the inbox's filters (an invalid filter: none)."""
    form = FilterForm(params or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return selectors.report_list(user=user, filters=filters).select_related("jurisdiction", "department")


EXPORT = register_export(ExportSpec(
    kind="public_reports", label=gettext_lazy("群众举报"), action="public_reports.view", rows=export_rows,
    columns=lambda: EXPORT_COLUMNS, order_by=("-id",),
))
