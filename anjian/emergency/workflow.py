"""The plan filing lifecycle (预案管理办法 Art. 24–28) as a table.

draft → published (signed by the 主要负责人 and announced) → submitted (filing materials sent,
the authority checks within 5 working days) → filed, or → returned (everything missing listed
at once) → submitted again. A plan that need not be filed stays published. Any plan may be
superseded by a new version.

Who acts:
* published / returned — the plan's own unit files it within 20 working days of announcement
  (an enterprise: its own inbox; a government body: its office);
* submitted — the filing authority: the enterprise's sector regulator, or, when it has none,
  the district (county-level) office of its territory; a government body's plan goes to the
  office one level up.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anjian.core.periods import end_of_day
from anjian.core.workflow import Owner, State, Transition, Workflow
from anjian.emergency.models import EmergencyPlan, PlanStatus
from anjian.inbox import registry as due_registry
from anjian.orgs.models import JurisdictionLevel

S = PlanStatus


def _kind(code: str, label: Any, action: str, closed_by: Any, unit_level: int | None = None,
          remind_days: int = 3) -> str:
    due_registry.register(due_registry.DueKind(
        code=code, label=label, action=action, closed_by=closed_by, unit_level=unit_level,
        remind_before=dt.timedelta(days=remind_days), escalate_after=dt.timedelta(days=1),
        escalate_every=dt.timedelta(days=7), max_level=2,
    ))
    return code


DUE_FILE = _kind("emergency.file_plan", _("应急预案待备案"), "emergency.plan", _("提交备案"), remind_days=5)
DUE_CHECK = _kind("emergency.check_filing", _("应急预案备案待审查"), "emergency.file", _("准予备案、退回补正"),
                  JurisdictionLevel.DISTRICT, remind_days=2)
DUE_EVALUATE = _kind("emergency.evaluate_plan", _("应急预案三年评估"), "emergency.plan", _("记录评估"),
                     remind_days=60)
DUE_REVISE = _kind("emergency.revise_plan", _("应急预案待修订"), "emergency.plan", _("发布新版本"), remind_days=7)
DUE_DRILL = _kind("emergency.drill", _("应急演练到期"), "emergency.drill", _("记录演练"), remind_days=30)
# An incident opened automatically (an accident at or above the grade, a high-high alarm) waits in the
# duty office's inbox (the district office of its territory) until somebody logs the first action.
DUE_INCIDENT = due_registry.register(due_registry.DueKind(
    code="emergency.incident", label=_("应急事件待处置"), action="emergency.command", closed_by=_("记录调派或态势"),
    unit_level=JurisdictionLevel.DISTRICT, remind_before=dt.timedelta(0), escalate_after=dt.timedelta(minutes=30),
    escalate_every=dt.timedelta(hours=1), max_level=2,
)).code


def plan_unit(p: EmergencyPlan) -> Owner:
    """The plan's own unit (it files, evaluates, revises and drills)."""
    if p.enterprise_id:
        return Owner(enterprise=p.enterprise, jurisdiction=p.jurisdiction, sector=p.sector)
    if p.department_id:
        return Owner(department=p.department, sector=p.sector)
    return Owner(jurisdiction=p.jurisdiction)


def _authority(p: EmergencyPlan) -> Owner:
    if p.filing_department_id:
        return Owner(department=p.filing_department, sector=p.sector)
    return Owner(jurisdiction=p.filing_jurisdiction or p.jurisdiction, sector=p.sector)


def _filing_deadline(p: EmergencyPlan) -> dt.datetime | None:
    return end_of_day(p.filing_due) if p.must_file and p.filing_due else None


def _check_deadline(p: EmergencyPlan) -> dt.datetime | None:
    return end_of_day(p.check_due) if p.check_due else None


def _must_file(p: EmergencyPlan) -> str | None:
    return None if p.must_file else "该预案无须备案"


def _signed(p: EmergencyPlan) -> str | None:
    return None if p.signed_by.strip() and p.published_on else "须由主要负责人签署并填写公布日期"


def _title(p: EmergencyPlan) -> str:
    return f"{p.unit_name} {p.title}"


def _url(p: EmergencyPlan) -> str:
    return reverse("emergency:plan_detail", args=[p.pk])


PLAN_WORKFLOW = Workflow(
    name="emergency_plan",
    field_name="status",
    title=_title,
    url=_url,
    states=[
        State(S.DRAFT, S.DRAFT.label),
        State(S.PUBLISHED, S.PUBLISHED.label, owner=plan_unit, deadline=_filing_deadline, due_kind=DUE_FILE),
        State(S.SUBMITTED, S.SUBMITTED.label, owner=_authority, deadline=_check_deadline, due_kind=DUE_CHECK),
        State(S.RETURNED, S.RETURNED.label, owner=plan_unit, deadline=_filing_deadline, due_kind=DUE_FILE),
        State(S.FILED, S.FILED.label),
        State(S.SUPERSEDED, S.SUPERSEDED.label, final=True),
    ],
    transitions=[
        Transition((S.DRAFT,), S.PUBLISHED, "emergency.plan", _("签署公布"), guards=(_signed,)),
        Transition((S.PUBLISHED, S.RETURNED), S.SUBMITTED, "emergency.plan", _("提交备案"), guards=(_must_file,)),
        Transition((S.SUBMITTED,), S.FILED, "emergency.file", _("准予备案")),
        Transition((S.SUBMITTED,), S.RETURNED, "emergency.file", _("退回补正"), needs_note=True),
        Transition((S.PUBLISHED, S.FILED, S.RETURNED), S.SUPERSEDED, "emergency.plan", _("废止")),
    ],
)
