"""The supervision task as a table (督办任务):

assigned (the unit must answer by the deadline) → submitted (the issuer must close or return it)
→ closed; a returned task is assigned again. Read receipts do not change the state.

An overdue task escalates twice: the inbox moves a district's or street's item up the territory
tree, and ``services.tasks_escalate_overdue`` marks the task 升级督办 and puts a to-do in the
issuing office's inbox (to interview or notify the unit).
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.committee.models import Meeting, Task, TaskStatus
from anjian.committee.policy import terms_for
from anjian.core.workflow import Owner, State, Transition, Workflow
from anjian.inbox import registry as due_registry

S = TaskStatus

DUE_TASK = "committee.task"
DUE_REVIEW = "committee.task_review"
DUE_OVERDUE = "committee.overdue"
DUE_NOTICE = "committee.notice_read"
DUE_MINUTES = "committee.minutes"
DUE_VISIT = "committee.visit"

for _code, _label, _action, _closed_by in [
    (DUE_TASK, _("督办任务待办理"), "committee.handle", _("签收、反馈办理情况")),
    (DUE_REVIEW, _("督办反馈待审核"), "committee.supervise", _("审核办结、退回重办")),
    (DUE_OVERDUE, _("督办任务逾期"), "committee.supervise", _("印发通报、登记约谈")),
    (DUE_NOTICE, _("通报待阅"), "committee.handle", _("确认已阅")),
    (DUE_MINUTES, _("会议纪要待印发"), "committee.manage", _("印发会议纪要")),
    (DUE_VISIT, _("督导待开展"), "committee.supervise", _("记录督导情况")),
]:
    due_registry.register(due_registry.DueKind(code=_code, label=_label, action=_action, closed_by=_closed_by,
                                               remind_before=dt.timedelta(days=2)))


def end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def task_owner(t: Task) -> Owner:
    """The unit that must answer: a department alone (not its territory's office), or a district
    or street office."""
    if t.department_id:
        return Owner(department=t.department)
    return Owner(jurisdiction=t.jurisdiction)


def issuer_owner(t: Task) -> Owner:
    return Owner(jurisdiction=t.case.jurisdiction)


def _deadline(t: Task) -> dt.datetime:
    return end_of(t.deadline)


def _review_deadline(t: Task) -> dt.datetime:
    return (t.submitted_at or timezone.now()) + dt.timedelta(days=terms_for(t.case.jurisdiction).task_review_days)


def _has_feedback(t: Task) -> str | None:
    return None if t.feedback.strip() else "须填写办理情况"


TASK_WORKFLOW = Workflow(
    name="committee_task",
    field_name="status",
    title=lambda t: f"{t.case.title}（{t.unit_name}）",
    url=lambda t: reverse("committee:task", args=[t.pk]),
    states=[
        State(S.ASSIGNED, S.ASSIGNED.label, owner=task_owner, deadline=_deadline, due_kind=DUE_TASK),
        State(S.SUBMITTED, S.SUBMITTED.label, owner=issuer_owner, deadline=_review_deadline, due_kind=DUE_REVIEW),
        State(S.CLOSED, S.CLOSED.label, final=True),
    ],
    transitions=[
        Transition((S.ASSIGNED,), S.SUBMITTED, "committee.handle", _("反馈办理情况"), guards=(_has_feedback,)),
        Transition((S.SUBMITTED,), S.CLOSED, "committee.supervise", _("审核办结")),
        Transition((S.SUBMITTED,), S.ASSIGNED, "committee.supervise", _("退回重办"), needs_note=True),
    ],
)


def minutes_due(m: Meeting) -> dt.datetime:
    """Minutes are due three days after the meeting (local practice; no rule fixes it)."""
    return m.held_at + dt.timedelta(days=3)
