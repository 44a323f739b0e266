"""The report lifecycle as a table (举报受理办理流程).

received → accepted | rejected (reason from the configurable list) | merged (into a duplicate)
accepted → dispatched (to the territorial unit and the sector department; 60 days to handle,
           extendable by 30 with approval — ``anjian.rules.rewards.handling_due``)
dispatched → handled (linked to the hazard / inspection / accident created from it)
handled → verified (substantiated / partly / not) → replied (public reply; 10 days,
           ``feedback_due``) → closed.
The triage period is a local setting (``PUBLIC_REPORT_TRIAGE_DAYS``, default 5 days: the
national texts fix none that we could verify).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.workflow import Owner, State, Transition, Workflow
from anjian.inbox import registry as due_registry
from anjian.orgs.models import JurisdictionLevel
from anjian.public_reports.models import Report, ReportStatus
from anjian.public_reports.selectors import policy_for
from anjian.rules import rewards as rules

S = ReportStatus


def _kind(code: str, label: Any, action: str, closed_by: Any, unit_level: int) -> str:
    due_registry.register(
        due_registry.DueKind(
            code=code, label=label, remind_before=dt.timedelta(days=3), escalate_after=dt.timedelta(days=1),
            escalate_every=dt.timedelta(days=7), max_level=2, action=action, closed_by=closed_by,
            unit_level=unit_level,
        )
    )
    return code


# The district office (with the sector department) receives, dispatches, verifies and answers;
# the street office a report is dispatched to handles it on the spot.
DUE_TRIAGE = _kind("public_reports.triage", _("举报待受理"), "public_reports.triage", _("受理、不予受理、合并重复举报"),
                   JurisdictionLevel.DISTRICT)
DUE_DISPATCH = _kind("public_reports.dispatch", _("举报待交办"), "public_reports.triage", _("交办"),
                     JurisdictionLevel.DISTRICT)
DUE_HANDLE = _kind("public_reports.handle", _("举报待核查办理"), "public_reports.handle", _("办理完成"),
                   JurisdictionLevel.STREET)
DUE_VERIFY = _kind("public_reports.verify", _("举报待核实"), "public_reports.verify", _("核实"),
                   JurisdictionLevel.DISTRICT)
DUE_REPLY = _kind("public_reports.reply", _("举报待答复"), "public_reports.triage", _("答复举报人"),
                  JurisdictionLevel.DISTRICT)


def triage_days() -> int:
    return int(getattr(settings, "PUBLIC_REPORT_TRIAGE_DAYS", 5))


def end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def _handlers(r: Report) -> Owner:
    """Dual routing: the territorial unit and the sector department together."""
    return Owner(jurisdiction=r.jurisdiction, department=r.department, sector=r.sector)


def _triage_deadline(r: Report) -> dt.datetime:
    return r.received_at + dt.timedelta(days=triage_days())


def _handling_deadline(r: Report) -> dt.datetime | None:
    return end_of_day(r.handling_due) if r.handling_due else None


def _reply_deadline(r: Report) -> dt.datetime | None:
    if r.verified_at is None:
        return None

    return end_of_day(rules.feedback_due(timezone.localdate(r.verified_at), policy=policy_for(r.jurisdiction)))


def _has_verification(r: Report) -> str | None:
    return None if r.verification else "须填写核查结论"


def _has_reply(r: Report) -> str | None:
    return None if r.public_reply.strip() else "须填写答复内容"


def _has_handler(r: Report) -> str | None:
    return None if (r.jurisdiction_id or r.department_id) else "须确定属地或承办部门"


def _title(r: Report) -> str:
    return f"{r.display_code} {r.get_report_type_display()} {r.unit_name}".strip()


def _url(r: Report) -> str:
    return reverse("public_reports:detail", args=[r.pk])


REPORT_WORKFLOW = Workflow(
    name="public_report",
    field_name="status",
    title=_title,
    url=_url,
    states=[
        State(S.RECEIVED, S.RECEIVED.label, owner=_handlers, deadline=_triage_deadline, due_kind=DUE_TRIAGE),
        State(S.REJECTED, S.REJECTED.label, final=True),
        State(S.MERGED, S.MERGED.label, final=True),
        State(S.ACCEPTED, S.ACCEPTED.label, owner=_handlers, deadline=_handling_deadline, due_kind=DUE_DISPATCH),
        State(S.DISPATCHED, S.DISPATCHED.label, owner=_handlers, deadline=_handling_deadline, due_kind=DUE_HANDLE),
        State(S.HANDLED, S.HANDLED.label, owner=_handlers, deadline=_handling_deadline, due_kind=DUE_VERIFY),
        State(S.VERIFIED, S.VERIFIED.label, owner=_handlers, deadline=_reply_deadline, due_kind=DUE_REPLY),
        State(S.REPLIED, S.REPLIED.label),
        State(S.CLOSED, S.CLOSED.label, final=True),
    ],
    transitions=[
        Transition((S.RECEIVED,), S.ACCEPTED, "public_reports.triage", _("受理")),
        Transition((S.RECEIVED,), S.REJECTED, "public_reports.triage", _("不予受理")),
        Transition((S.RECEIVED,), S.MERGED, "public_reports.triage", _("合并重复举报")),
        Transition((S.ACCEPTED,), S.DISPATCHED, "public_reports.triage", _("交办"), guards=(_has_handler,)),
        Transition((S.DISPATCHED,), S.HANDLED, "public_reports.handle", _("办理完成"), needs_note=True),
        Transition((S.HANDLED,), S.VERIFIED, "public_reports.verify", _("核实"), guards=(_has_verification,)),
        Transition((S.VERIFIED,), S.REPLIED, "public_reports.triage", _("答复举报人"), guards=(_has_reply,)),
        Transition((S.REPLIED,), S.CLOSED, "public_reports.triage", _("办结")),
    ],
)
