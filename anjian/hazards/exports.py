"""The hazard list's export (隐患台账): columns in Python for the immediate export, xlsx and
SQLite, and the same columns in SQL for ``COPY`` on PostgreSQL (docs/mechanisms/import-export.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.documents.export_jobs import (
    ExportSpec,
    guarded,
    register_export,
    sql_choice,
    sql_local,
    sql_moment,
    sql_padded_id,
    sql_yes_no,
)
from anjian.documents.exports import Column
from anjian.hazards.filters import HazardFilterForm
from anjian.hazards.models import RECTIFICATION_STATUSES, HazardLevel, HazardSource, HazardStatus
from anjian.hazards.selectors import hazard_list


def export_columns() -> list[Column]:
    """The export's columns, headers in the active language."""
    return [
        Column(_("编号"), lambda h: h.code),
        Column(_("来源"), lambda h: h.get_source_display()),
        Column(_("企业/场所"), lambda h: h.unit_name),
        Column(_("统一社会信用代码"), lambda h: h.enterprise.credit_code if h.enterprise_id else ""),
        Column(_("属地"), lambda h: h.jurisdiction.name),
        Column(_("行业"), lambda h: h.sector.name if h.sector_id else ""),
        Column(_("监管部门"), lambda h: h.department.name if h.department_id else ""),
        Column(_("隐患类别"), lambda h: h.category),
        Column(_("隐患描述"), lambda h: h.description),
        Column(_("等级"), lambda h: h.get_level_display()),
        Column(_("判定标准条款"), lambda h: h.standard_item),
        Column(_("发现人"), lambda h: h.finder_name),
        Column(_("发现时间"), lambda h: h.found_at),
        Column(_("整改责任人"), lambda h: h.responsible_person),
        Column(_("整改期限"), lambda h: h.deadline),
        Column(_("整改措施"), lambda h: h.measures),
        Column(_("状态"), lambda h: h.get_status_display()),
        Column(_("整改完成时间"), lambda h: h.written_off_at),
        Column(_("是否逾期"), lambda h: h.is_overdue),
        Column(_("地址"), lambda h: h.address),
        Column(_("经度"), lambda h: h.lng),
        Column(_("纬度"), lambda h: h.lat),
    ]


def copy_values(qs: QuerySet) -> QuerySet:
    """``export_columns`` in SQL, column by column the text the CSV writer writes."""
    now = timezone.now()
    unit = Case(When(enterprise_id__isnull=False, then=F("enterprise__name")), default=F("place_name"),
                output_field=CharField())
    code = Concat(Value("YH"), sql_local("found_at", "YYYY"), Value("-"), sql_padded_id(6), output_field=CharField())
    return qs.annotate(
        x_code=code,
        x_source=sql_choice("source", HazardSource.choices),
        x_unit=guarded(unit),
        x_credit=guarded(Case(When(enterprise_id__isnull=False, then=F("enterprise__credit_code")),
                              default=Value(""), output_field=CharField())),
        x_jurisdiction=guarded("jurisdiction__name"),
        x_sector=guarded(Case(When(sector_id__isnull=False, then=F("sector__name")), default=Value(""),
                              output_field=CharField())),
        x_department=guarded(Case(When(department_id__isnull=False, then=F("department__name")),
                                  default=Value(""), output_field=CharField())),
        x_category=guarded("category"),
        x_description=guarded("description"),
        x_level=sql_choice("level", HazardLevel.choices),
        x_standard=guarded("standard_item"),
        x_finder=guarded("finder_name"),
        x_found=sql_moment("found_at"),
        x_responsible=guarded("responsible_person"),
        x_deadline=sql_moment("deadline"),
        x_measures=guarded("measures"),
        x_status=sql_choice("status", HazardStatus.choices),
        x_written_off=sql_moment("written_off_at"),
        x_overdue=sql_yes_no(_overdue_q(now)),
        x_address=guarded("address"),
    ).values_list(
        "x_code", "x_source", "x_unit", "x_credit", "x_jurisdiction", "x_sector", "x_department", "x_category",
        "x_description", "x_level", "x_standard", "x_finder", "x_found", "x_responsible", "x_deadline",
        "x_measures", "x_status", "x_written_off", "x_overdue", "x_address", "lng", "lat",
    )


def _overdue_q(now: Any) -> Any:
    return Q(status__in=RECTIFICATION_STATUSES, deadline__isnull=False, deadline__lt=now)


def export_rows(user: Any, params: Mapping[str, list[str]]) -> QuerySet:
    """The list page's rows for ``user`` with the page's filters (``hazard_list_view``)."""
    form = HazardFilterForm(params or None, user=user)
    return hazard_list(user=user, filters=form.filters())


EXPORT = register_export(ExportSpec(
    kind="hazards", label=gettext_lazy("隐患台账"), action="hazards.view", rows=export_rows,
    columns=export_columns, copy_values=copy_values, form=HazardFilterForm,
))
