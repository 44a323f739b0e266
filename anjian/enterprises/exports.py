"""The enterprise register's export (企业档案): the columns, and its registration so that a large
export runs as a job (docs/mechanisms/import-export.md). Without SQL columns the CSV job uses
the iterated writer on every database."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from anjian.documents.export_jobs import ExportSpec, register_export
from anjian.documents.exports import Column
from anjian.enterprises.filters import EnterpriseFilterForm
from anjian.enterprises.models import FLAGS
from anjian.enterprises.selectors import enterprise_list


def _yes(flag: str) -> Column:
    return Column(FLAGS[flag][0], lambda e: flag in (e.flags or []))


EXPORT_COLUMNS = [
    Column("单位名称", lambda e: e.name),
    Column("统一社会信用代码", lambda e: e.credit_code),
    Column("类型", lambda e: e.get_kind_display()),
    Column("行业代码", lambda e: e.sector.code if e.sector_id else ""),
    Column("行业名称", lambda e: e.sector.name if e.sector_id else ""),
    Column("规模", lambda e: e.get_size_display()),
    Column("从业人数", lambda e: e.employees),
    Column("经营状态", lambda e: e.get_status_display()),
    Column("地址", lambda e: e.address),
    Column("经度", lambda e: e.lng),
    Column("纬度", lambda e: e.lat),
    Column("坐标系", lambda e: "WGS-84" if e.lng is not None else ""),
    Column("所属辖区代码", lambda e: e.jurisdiction.code),
    Column("属地", lambda e: e.jurisdiction.name),
    Column("行业监管部门", lambda e: e.department.name if e.department_id else ""),
    Column("主要负责人", lambda e: e.principal),
    Column("负责人电话", lambda e: e.principal_phone),
    Column("安全管理人员", lambda e: e.safety_manager),
    Column("安全管理人员电话", lambda e: e.safety_manager_phone),
    *[_yes(f) for f in FLAGS],
    Column("风险等级", lambda e: e.get_risk_colour_display()),
]


def export_rows(user: Any, params: Mapping[str, list[str]]) -> QuerySet:
    """The register page's rows for ``user`` with the page's filters."""
    form = EnterpriseFilterForm(params or None, user=user)
    return enterprise_list(user=user, filters=form.filters(), action="enterprises.export")


EXPORT = register_export(ExportSpec(
    kind="enterprises", label=gettext_lazy("企业档案"), action="enterprises.export", rows=export_rows,
    columns=lambda: EXPORT_COLUMNS, order_by=("id",), form=EnterpriseFilterForm,
))
