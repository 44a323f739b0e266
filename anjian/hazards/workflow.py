"""The hazard lifecycle as a table: states (owner unit, deadline, due kind) and transitions.

一般 (general):  reported → confirmed → rectifying → submitted → written_off
                                          ↑______ send back ______|
重大 (major):    reported → confirmed →(six-part plan)→ rectifying → applied (销号申请)
                 → reviewed (on-site review passed) → written_off; a failed review → rectifying.
Any reported hazard may be rejected (duplicate / not a hazard) with a reason.

Deadlines come from ``anjian.rules.hazards``; only the confirmation period is a local setting
(``HAZARD_CONFIRM_DAYS``, default 1 day: no source fixes it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anjian.core.workflow import Owner, State, Transition, Workflow
from anjian.hazards.models import Hazard, HazardLevel, HazardStatus
from anjian.inbox import registry as due_registry
from anjian.orgs.models import JurisdictionLevel
from anjian.rules import hazards as rules

S = HazardStatus

_POLICY = rules.DEFAULT_POLICY
_STEPS = _POLICY.escalation_after_days


def _kind(code: str, label: Any, action: str, closed_by: Any, unit_level: int | None = None) -> str:
    due_registry.register(
        due_registry.DueKind(
            code=code,
            label=label,
            action=action,
            closed_by=closed_by,
            unit_level=unit_level,
            remind_before=dt.timedelta(days=_POLICY.reminder_days_before),
            schedule=tuple(dt.timedelta(days=d) for d in _STEPS),
        )
    )
    return code


# Who acts (docs/hazards.md): the street office confirms and verifies a 一般 hazard found in its
# grids, the district office reviews a 重大 one; the sector department of the hazard is the
# second owner of each (管行业必须管安全).
DUE_CONFIRM = _kind("hazards.confirm", _("隐患待确认"), "hazards.confirm", _("确认隐患"), JurisdictionLevel.STREET)
DUE_RECTIFY = _kind("hazards.rectify", _("隐患待整改"), "hazards.rectify", _("开始整改、提交验收、申请销号"),
                    JurisdictionLevel.STREET)
DUE_VERIFY = _kind("hazards.verify", _("隐患待验收"), "hazards.verify", _("验收销号"), JurisdictionLevel.STREET)
DUE_REVIEW = _kind("hazards.review", _("重大隐患销号核查"), "hazards.verify", _("现场核查通过、批准销号"),
                   JurisdictionLevel.DISTRICT)
DUE_REFERRAL = _kind("hazards.referral", _("重复处罚企业提请关闭"), "hazards.penalty", _("提请关闭、不予提请"),
                     JurisdictionLevel.DISTRICT)
DUE_LISTING = _kind("hazards.listing", _("挂牌督办到期核查"), "hazards.verify", _("批准销号、验收销号"))


def confirm_days() -> int:
    return int(getattr(settings, "HAZARD_CONFIRM_DAYS", 1))


def _regulators(h: Hazard) -> Owner:
    """Territory and sector department together (confirming, verifying)."""
    return Owner(jurisdiction=h.jurisdiction, department=h.department, sector=h.sector)


def _rectifier(h: Hazard) -> Owner:
    """The enterprise rectifies its own hazard; a place without one falls to its territory.

    The sector department is named too, so an overdue item escalates to it as well.
    """
    if h.enterprise_id:
        return Owner(jurisdiction=h.jurisdiction, department=h.department, enterprise=h.enterprise, sector=h.sector)
    return Owner(jurisdiction=h.jurisdiction, department=h.department, sector=h.sector)


def _confirm_deadline(h: Hazard) -> dt.datetime:
    return h.reported_at + dt.timedelta(days=confirm_days())


def _rectify_deadline(h: Hazard) -> dt.datetime | None:
    return h.deadline


def _verify_deadline(h: Hazard) -> dt.datetime | None:
    if h.submitted_at is None:
        return None
    deadline = h.deadline or h.submitted_at
    return rules.reinspection_due(deadline=deadline, applied_at=h.submitted_at, policy=_POLICY)


def _review_deadline(h: Hazard) -> dt.datetime | None:
    return rules.review_due(h.applied_at, policy=_POLICY) if h.applied_at else None


def _is_general(h: Hazard) -> str | None:
    return None if h.level == HazardLevel.GENERAL else "重大隐患须经销号申请与现场核查"


def _is_major(h: Hazard) -> str | None:
    return None if h.level == HazardLevel.MAJOR else "仅重大隐患走销号申请与现场核查"


def _plan_complete(h: Hazard) -> str | None:
    if h.level != HazardLevel.MAJOR:
        return None
    missing = rules.missing_plan_parts(h.plan or {})
    if not missing:
        return None
    labels = {key: zh for key, zh, _en in rules.TREATMENT_PLAN_PARTS}
    return "重大隐患治理方案缺少：" + "、".join(labels[k] for k in missing)


def _has_deadline(h: Hazard) -> str | None:
    return None if h.deadline is not None else "须确定整改期限"


def _title(h: Hazard) -> str:
    return f"{h.unit_name} {h.category}"


def _url(h: Hazard) -> str:
    return reverse("hazards:detail", args=[h.pk])


HAZARD_WORKFLOW = Workflow(
    name="hazard",
    field_name="status",
    title=_title,
    url=_url,
    states=[
        State(S.REPORTED, S.REPORTED.label, owner=_regulators, deadline=_confirm_deadline, due_kind=DUE_CONFIRM),
        State(S.REJECTED, S.REJECTED.label, final=True),
        State(S.CONFIRMED, S.CONFIRMED.label, owner=_rectifier, deadline=_rectify_deadline, due_kind=DUE_RECTIFY),
        State(S.RECTIFYING, S.RECTIFYING.label, owner=_rectifier, deadline=_rectify_deadline, due_kind=DUE_RECTIFY),
        State(S.SUBMITTED, S.SUBMITTED.label, owner=_regulators, deadline=_verify_deadline, due_kind=DUE_VERIFY),
        State(S.APPLIED, S.APPLIED.label, owner=_regulators, deadline=_review_deadline, due_kind=DUE_REVIEW),
        State(S.REVIEWED, S.REVIEWED.label, owner=_regulators, deadline=_review_deadline, due_kind=DUE_REVIEW),
        State(S.WRITTEN_OFF, S.WRITTEN_OFF.label, final=True),
    ],
    transitions=[
        Transition((S.REPORTED,), S.CONFIRMED, "hazards.confirm", _("确认隐患"), guards=(_has_deadline,)),
        Transition((S.REPORTED,), S.REJECTED, "hazards.confirm", _("不予确认"), needs_note=True),
        Transition((S.CONFIRMED,), S.RECTIFYING, "hazards.rectify", _("开始整改"), guards=(_plan_complete,)),
        Transition((S.RECTIFYING,), S.SUBMITTED, "hazards.rectify", _("提交验收"), guards=(_is_general,)),
        Transition((S.SUBMITTED,), S.RECTIFYING, "hazards.verify", _("退回整改"), needs_note=True),
        Transition((S.SUBMITTED,), S.WRITTEN_OFF, "hazards.verify", _("验收销号"), guards=(_is_general,)),
        Transition((S.RECTIFYING,), S.APPLIED, "hazards.rectify", _("申请销号"), guards=(_is_major,)),
        Transition((S.APPLIED,), S.REVIEWED, "hazards.verify", _("现场核查通过")),
        Transition((S.APPLIED,), S.RECTIFYING, "hazards.verify", _("核查不通过"), needs_note=True),
        Transition((S.REVIEWED,), S.WRITTEN_OFF, "hazards.verify", _("批准销号"), guards=(_is_major,)),
    ],
)
