"""The case file (案卷) as a workflow, and the plan's approval flow.

Case (普通程序):
  filed (立案, the department investigates; decision due: 行政处罚法 Art. 60)
  → notified (告知书 served; the party may state its case or ask for a hearing within 5 working
    days, Art. 64/85 — a to-do in the enterprise's inbox)
  → hearing (the party asked for a hearing within the window: the department gives notice 7
    working days before it (Art. 64(2), 85), holds it, keeps the 听证笔录 and reports (听证会报告书);
    the internal target for holding it is 15 days from the request, 15号令)
  → heard (the party has stated its case, or the hearing is reported; the department decides; Art. 60's 90 days still run)
    — or, the window over without a statement, straight to
  → decided (决定书; delivery within 7 working days, Art. 61/85)
  → delivered (the party pays within 15 days, Art. 67 — the enterprise's to-do)
  → paid (executed; the department closes the case) → closed.
A warning needs no payment: decided → paid on delivery. A case may be dropped while filed
(不予处罚/撤销立案, with reasons). 简易程序 (Art. 51) starts at delivered.

Every state that waits for somebody names exactly one unit: the enforcing department, or the
enterprise (the party).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.errors import DomainError
from anjian.core.periods import end_of_day
from anjian.core.workflow import Owner, State, Transition, Workflow
from anjian.enforcement.models import Case, CaseStatus, InspectionPlan, PlanStatus
from anjian.inbox import registry as due_registry
from anjian.rules import enforcement as rules
from anjian.rules.workdays import HolidayDataMissing

S = CaseStatus


def _kind(code: str, label: Any, action: str, closed_by: Any, remind_days: int = 2, levels: int = 2) -> str:
    due_registry.register(due_registry.DueKind(
        code=code, label=label, action=action, closed_by=closed_by,
        remind_before=dt.timedelta(days=remind_days), escalate_after=dt.timedelta(days=1),
        escalate_every=dt.timedelta(days=7), max_level=levels,
    ))
    return code


DUE_DECIDE = _kind("enforcement.decide", _("案件待决定"), "enforcement.decide", _("送达行政处罚告知书、作出行政处罚决定"), 10)
DUE_RESPOND = _kind("enforcement.respond", _("陈述申辩与听证申请期限"), "enforcement.respond", _("陈述申辩 / 申请听证"), 1, 0)
DUE_DELIVER = _kind("enforcement.deliver", _("处罚决定书待送达"), "enforcement.handle", _("送达决定书"))
DUE_HEARING = _kind("enforcement.hearing", _("听证待举行"), "enforcement.handle", _("听证会报告书"), 3)
DUE_HEARING_ATTEND = _kind("enforcement.hearing_attend", _("参加听证"), "enforcement.respond", _("听证笔录"), 2, 0)
DUE_PAY = _kind("enforcement.pay", _("罚款待缴纳"), "enforcement.pay", _("缴纳罚款"), 3)
DUE_CLOSE = _kind("enforcement.close", _("案件待结案"), "enforcement.handle", _("结案"))
DUE_RECTIFY = _kind("enforcement.rectify", _("责令限期整改"), "enforcement.respond", _("申请复查"), 3)
DUE_RECHECK = _kind("enforcement.recheck", _("整改复查"), "enforcement.handle", _("出具整改复查意见书"))
DUE_PLAN_APPROVE = _kind("enforcement.plan_approve", _("检查计划待审批"), "enforcement.approve", _("审批通过"))

DUE_STD_EXPIRY = _kind("enforcement.std_expiry", _("安全生产标准化等级到期"), "enforcement.standardize",
                       _("提交标准化自评"), 90)
DUE_OH_INITIAL = _kind("enforcement.oh_initial", _("职业病危害项目首次申报"), "enforcement.standardize",
                       _("职业病危害项目申报"))
DUE_OH_CHANGE = _kind("enforcement.oh_change", _("职业病危害项目变更申报"), "enforcement.standardize",
                      _("职业病危害项目申报"))
DUE_OH_ANNUAL = _kind("enforcement.oh_annual", _("职业病危害项目年度更新"), "enforcement.standardize",
                      _("职业病危害项目申报"), 30)

DUE_CAMPAIGN_TASK = _kind("enforcement.campaign_task", _("专项整治任务"), "enforcement.inspect", _("报告完成情况"))

DUE_PLAN_PROGRESS = _kind("enforcement.plan_progress", _("年度监督检查计划执行"), "enforcement.inspect",
                          _("开始检查"), 30)

CLOSE_DAYS = 30
"""No statute fixes how soon an executed case is closed; the internal target is 30 days."""
PLAN_APPROVE_DAYS = 10
"""Internal target for approving a submitted plan."""



def safe(fn: Any, *args: Any) -> dt.date:
    """Run a deadline rule; a year without holiday data becomes a refusal in the user's language."""
    try:
        return fn(*args)  # type: ignore[no-any-return]
    except HolidayDataMissing as exc:
        raise DomainError(exc.zh, exc.en) from exc


def _weekdays(start: dt.date, n: int) -> dt.date:
    day = start
    while n:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


# Earliest possible dates when a year has no holiday data: holidays only ever push a deadline
# later, so a to-do dated this way comes early, never late. Used for inbox dates only; a date
# that decides a party's rights (the end of the statement window, the payment deadline in a
# notice, the surcharge) is not estimated.
_EARLIEST: dict[Any, Any] = {
    rules.decision_due: lambda d: d + dt.timedelta(days=rules.DECISION_DAYS),
    rules.hearing_request_due: lambda d: _weekdays(d, rules.HEARING_REQUEST_WORKING_DAYS),
    rules.delivery_due: lambda d: _weekdays(d, rules.DELIVERY_WORKING_DAYS),
    rules.hearing_hold_due: lambda d: d + dt.timedelta(days=rules.HEARING_HOLD_DAYS),
    rules.payment_due: lambda d: d + dt.timedelta(days=rules.PAYMENT_DAYS),
    rules.recheck_due: lambda d, applied=None: min(d, applied or d) + dt.timedelta(days=rules.RECHECK_DAYS),
}


def due_date(fn: Any, *args: Any) -> dt.date:
    """A to-do's date: the rule's, or — in a year without holiday data — the earliest the
    deadline can be (see ``_EARLIEST``)."""
    try:
        return fn(*args)  # type: ignore[no-any-return]
    except HolidayDataMissing:
        return _EARLIEST[fn](*args)  # type: ignore[no-any-return]


def maybe(fn: Any, *args: Any) -> dt.date | None:
    """The rule's date, or None in a year without holiday data (the document then states the
    period in words instead of a date)."""
    try:
        return fn(*args)  # type: ignore[no-any-return]
    except HolidayDataMissing:
        return None


def _department(c: Case) -> Owner:
    return Owner(department=c.department)


def _party(c: Case) -> Owner:
    return Owner(enterprise=c.enterprise, jurisdiction=c.jurisdiction, sector=c.sector)


def _decision_deadline(c: Case) -> dt.datetime:
    return end_of_day(due_date(rules.decision_due, c.filed_on))


def _respond_deadline(c: Case) -> dt.datetime | None:
    return end_of_day(due_date(rules.hearing_request_due, c.notified_on)) if c.notified_on else None


def _hearing_deadline(c: Case) -> dt.datetime | None:
    """The hearing's date once noticed; before that the internal 15-day target (15号令)."""
    if c.hearing_at is not None:
        return end_of_day(timezone.localdate(c.hearing_at))
    return end_of_day(due_date(rules.hearing_hold_due, c.responded_on)) if c.responded_on else None


def _hearing_reported(c: Case) -> str | None:
    return None if c.documents.filter(kind="h_report").exists() else "须先制作听证会报告书"


def _delivery_deadline(c: Case) -> dt.datetime | None:
    return end_of_day(due_date(rules.delivery_due, c.decided_on)) if c.decided_on else None


def _payment_deadline(c: Case) -> dt.datetime | None:
    if not c.delivered_on or not c.fine:
        return None
    return end_of_day(due_date(rules.payment_due, c.delivered_on))


def _close_deadline(c: Case) -> dt.datetime:
    return end_of_day((c.paid_on or c.delivered_on or timezone.localdate()) + dt.timedelta(days=CLOSE_DAYS))


def _window_over(c: Case) -> str | None:
    if c.notified_on is None:
        return "尚未送达告知书"
    due = safe(rules.hearing_request_due, c.notified_on)
    return None if timezone.localdate() > due else f"陈述申辩期限至 {due:%Y-%m-%d}，期满后方可转入决定"


def _has_fine(c: Case) -> str | None:
    return None if c.fine else "未处罚款的案件送达后即执行完毕"


def _no_fine(c: Case) -> str | None:
    return None if not c.fine else "须先缴纳罚款"


def _title(c: Case) -> str:
    return f"{c.enterprise.name} {c.cause}"


def _url(c: Case) -> str:
    return reverse("enforcement:case", args=[c.pk])


CASE_WORKFLOW = Workflow(
    name="case",
    field_name="status",
    title=_title,
    url=_url,
    states=[
        State(S.FILED, S.FILED.label, owner=_department, deadline=_decision_deadline, due_kind=DUE_DECIDE),
        State(S.NOTIFIED, S.NOTIFIED.label, owner=_party, deadline=_respond_deadline, due_kind=DUE_RESPOND),
        State(S.HEARING, S.HEARING.label, owner=_department, deadline=_hearing_deadline, due_kind=DUE_HEARING),
        State(S.HEARD, S.HEARD.label, owner=_department, deadline=_decision_deadline, due_kind=DUE_DECIDE),
        State(S.DECIDED, S.DECIDED.label, owner=_department, deadline=_delivery_deadline, due_kind=DUE_DELIVER),
        State(S.DELIVERED, S.DELIVERED.label, owner=_party, deadline=_payment_deadline, due_kind=DUE_PAY),
        State(S.PAID, S.PAID.label, owner=_department, deadline=_close_deadline, due_kind=DUE_CLOSE),
        State(S.CLOSED, S.CLOSED.label, final=True),
    ],
    transitions=[
        Transition((S.FILED,), S.NOTIFIED, "enforcement.handle", _("送达行政处罚告知书")),
        Transition((S.NOTIFIED,), S.HEARD, "enforcement.respond", _("陈述申辩")),
        Transition((S.NOTIFIED,), S.HEARING, "enforcement.respond", _("申请听证")),
        Transition((S.HEARING,), S.HEARD, "enforcement.handle", _("听证会报告"), guards=(_hearing_reported,)),
        Transition((S.NOTIFIED,), S.DECIDED, "enforcement.decide", _("作出行政处罚决定"), guards=(_window_over,)),
        Transition((S.HEARD,), S.DECIDED, "enforcement.decide", _("作出行政处罚决定")),
        Transition((S.DECIDED,), S.DELIVERED, "enforcement.handle", _("送达决定书"), guards=(_has_fine,)),
        Transition((S.DECIDED,), S.PAID, "enforcement.handle", _("送达决定书（警告）"), guards=(_no_fine,)),
        Transition((S.DELIVERED,), S.PAID, "enforcement.pay", _("缴纳罚款")),
        Transition((S.PAID,), S.CLOSED, "enforcement.handle", _("结案")),
        Transition((S.FILED,), S.CLOSED, "enforcement.handle", _("撤销立案"), needs_note=True),
    ],
)


def _plan_approver(p: InspectionPlan) -> Owner:
    return Owner(department=p.department)


def _plan_deadline(p: InspectionPlan) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=PLAN_APPROVE_DAYS)


def _plan_title(p: InspectionPlan) -> str:
    return p.title


def _plan_url(p: InspectionPlan) -> str:
    return reverse("enforcement:plan", args=[p.pk])


def _has_targets(p: InspectionPlan) -> str | None:
    return None if p.targets.exists() else "计划没有检查对象"


P = PlanStatus
PLAN_WORKFLOW = Workflow(
    name="inspection_plan",
    field_name="status",
    title=_plan_title,
    url=_plan_url,
    states=[
        State(P.DRAFT, P.DRAFT.label),
        State(P.SUBMITTED, P.SUBMITTED.label, owner=_plan_approver, deadline=_plan_deadline,
              due_kind=DUE_PLAN_APPROVE),
        State(P.APPROVED, P.APPROVED.label),
        State(P.PUBLISHED, P.PUBLISHED.label, final=True),
    ],
    transitions=[
        Transition((P.DRAFT,), P.SUBMITTED, "enforcement.plan", _("提交审批"), guards=(_has_targets,)),
        Transition((P.SUBMITTED,), P.DRAFT, "enforcement.approve", _("退回修改"), needs_note=True),
        Transition((P.SUBMITTED,), P.APPROVED, "enforcement.approve", _("审批通过")),
        Transition((P.APPROVED,), P.PUBLISHED, "enforcement.approve", _("公布计划")),
    ],
)
