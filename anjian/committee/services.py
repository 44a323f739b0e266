"""Writes for the committee's work. Every function takes keyword arguments, the first ``actor``
(``None`` for the system), runs in one transaction, records a timeline event and opens or closes
the to-dos of whoever must act next."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from anjian.audit.display import register_verbs
from anjian.audit.services import Msg, record_event
from anjian.committee.models import (
    Attendance,
    Case,
    CaseSource,
    CaseStatus,
    Interview,
    Meeting,
    MeetingStatus,
    MemberRole,
    MemberUnit,
    Notice,
    NoticeReceipt,
    Task,
    TaskStatus,
    Visit,
    VisitFocus,
    VisitStatus,
)
from anjian.committee.policy import terms_for
from anjian.committee.workflow import (
    DUE_MINUTES,
    DUE_NOTICE,
    DUE_OVERDUE,
    DUE_VISIT,
    TASK_WORKFLOW,
    end_of,
    minutes_due,
    task_owner,
)
from anjian.core.errors import DomainError, NotAllowed, NotFoundInScope
from anjian.core.scoping import can, scope_allows
from anjian.documents.attachments import attachments_add
from anjian.documents.numbering import number_issue
from anjian.hazards.models import HazardLevel, HazardSource
from anjian.hazards.services import hazard_report
from anjian.inbox.services import due_close, due_open
from anjian.orgs.models import Department, Jurisdiction

register_verbs([
    ("committee.member_set", gettext_lazy("调整安委会成员单位")),
    ("committee.member_left", gettext_lazy("成员单位退出")),
    ("committee.meeting", gettext_lazy("登记会议")),
    ("committee.signed_in", gettext_lazy("会议签到")),
    ("committee.minutes", gettext_lazy("印发会议纪要")),
    ("committee.case", gettext_lazy("登记督办事项")),
    ("committee.task_read", gettext_lazy("签收督办任务")),
    ("committee.task_escalated", gettext_lazy("逾期升级督办")),
    ("committee.case_closed", gettext_lazy("督办事项办结")),
    ("committee.case_deadline", gettext_lazy("调整办理期限")),
    ("committee.notice", gettext_lazy("印发通报")),
    ("committee.notice_read", gettext_lazy("通报已阅")),
    ("committee.interview", gettext_lazy("约谈")),
    ("committee.visit_planned", gettext_lazy("制定督导计划")),
    ("committee.visit_done", gettext_lazy("记录督导情况")),
])


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _require_at(actor: Any, action: str, jurisdiction: Jurisdiction, zh: str, en: str) -> None:
    if actor is not None and not scope_allows(actor, action, jurisdiction=jurisdiction):
        raise NotAllowed(zh, en)


def _lock(model: Any, obj: Any, actor: Any, action: str = "committee.view") -> Any:
    row = model.objects.select_for_update().filter(pk=obj.pk).first()
    if row is None or (actor is not None and not can(actor, action, row)):
        raise NotFoundInScope()
    return row


def _inside(unit: Any, area: Jurisdiction) -> bool:
    jur = unit.jurisdiction if isinstance(unit, Department) else unit
    return bool(jur.path.startswith(area.path))


def _issue_number(actor: Any, series: Any, title: str, obj: Any) -> str:
    if series is None:
        return ""
    if actor is not None and not can(actor, "documents.issue", series):
        raise NotAllowed("您无权使用该文号序列", "You may not take numbers from this series")
    issued = number_issue(series=series, actor=actor, title=title)
    issued.content_type = ContentType.objects.get_for_model(type(obj))
    issued.object_id = str(obj.pk)
    issued.save(update_fields=["content_type", "object_id"])
    return str(issued.text)


# --- member units ------------------------------------------------------------------------------


@transaction.atomic
def member_set(
    *, actor: Any, jurisdiction: Jurisdiction, department: Department, role: str = MemberRole.MEMBER,
    representative: str = "", representative_post: str = "", liaison: str = "", liaison_phone: str = "",
    joined_on: dt.date | None = None,
) -> MemberUnit:
    """Seat a department on the committee of ``jurisdiction`` or change its people (kept in history)."""
    _require_at(actor, "committee.manage", jurisdiction, "您无权调整该安委会成员", "You may not change this committee")
    if not _inside(department, jurisdiction):
        raise DomainError("成员单位须在本辖区内", "The member must belong to this area", field="department")
    if role not in MemberRole.values:
        raise DomainError("身份无效", "Invalid role", field="role")
    member = MemberUnit.objects.select_for_update().filter(jurisdiction=jurisdiction, department=department).first()
    fields = {"role": role, "representative": representative.strip(), "representative_post": representative_post.strip(),
              "liaison": liaison.strip(), "liaison_phone": liaison_phone.strip(), "left_on": None}
    if member is None:
        member = MemberUnit(jurisdiction=jurisdiction, department=department, joined_on=joined_on or timezone.localdate(),
                            **fields)
    else:
        for k, v in fields.items():
            setattr(member, k, v)
    member._change_reason = "调整成员单位"  # type: ignore[attr-defined]
    member.save()
    record_event(member, "committee.member_set", actor=actor,
                 summary=Msg(gettext_noop("{unit}：成员 {rep}，联络员 {liaison}"), unit=department.name,
                             rep=member.representative or "—", liaison=member.liaison or "—"))
    return member


@transaction.atomic
def member_leave(*, actor: Any, member: MemberUnit, left_on: dt.date | None = None) -> MemberUnit:
    member = _lock(MemberUnit, member, actor)
    _require_at(actor, "committee.manage", member.jurisdiction, "您无权调整该安委会成员", "You may not change this committee")
    member.left_on = left_on or timezone.localdate()
    member._change_reason = "退出安委会"  # type: ignore[attr-defined]
    member.save(update_fields=["left_on"])
    record_event(member, "committee.member_left", actor=actor,
                 summary=Msg(gettext_noop("{unit} 退出安委会"), unit=member.department.name))
    return member


# --- meetings ------------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *, actor: Any, jurisdiction: Jurisdiction, kind: str, title: str, held_at: dt.datetime, place: str = "",
    chair: str = "", agenda: str = "", invited: Iterable[Department] = (),
) -> Meeting:
    _require_at(actor, "committee.manage", jurisdiction, "您无权登记该辖区的会议", "You may not add meetings here")
    if not title.strip():
        raise DomainError("须填写会议名称", "The title is required", field="title")
    invited = list(invited)
    if any(not _inside(d, jurisdiction) for d in invited):
        raise DomainError("参会单位须在本辖区内", "Invited units must belong to this area", field="invited")
    m = Meeting.objects.create(jurisdiction=jurisdiction, kind=kind, title=title.strip(), held_at=held_at,
                               place=place.strip(), chair=chair.strip(), agenda=agenda.strip(), created_by=_user(actor))
    m.invited.set(invited)
    record_event(m, "committee.meeting", actor=actor,
                 summary=Msg(gettext_noop("登记会议「{title}」"), title=m.title))
    due_open(m, DUE_MINUTES, title=f"会议纪要待印发：{m.title}", due_at=minutes_due(m),
             url=_meeting_url(m), owner_jurisdiction=jurisdiction)
    return m


def _meeting_url(m: Meeting) -> str:
    return reverse("committee:meeting", args=[m.pk])


@transaction.atomic
def meeting_sign_in(*, actor: Any, meeting: Meeting, name: str = "", department: Department | None = None) -> Attendance:
    """Sign in at a meeting (on a phone): the signed-in user for a unit, once per person."""
    m = _lock(Meeting, meeting, actor)
    person = (name or getattr(actor, "display_name", "") or getattr(actor, "username", "")).strip()
    if not person:
        raise DomainError("须填写姓名", "The name is required", field="name")
    if department is not None and not _inside(department, m.jurisdiction):
        raise DomainError("单位须在本辖区内", "The unit must belong to this area", field="department")
    if Attendance.objects.filter(meeting=m, name=person, department=department).exists():
        raise DomainError("已签到", "Already signed in", field="name")
    a = Attendance.objects.create(meeting=m, name=person[:50], department=department, user=_user(actor))
    if m.status == MeetingStatus.PLANNED:
        m.status = MeetingStatus.HELD
        m.save(update_fields=["status"])
    record_event(m, "committee.signed_in", actor=actor,
                 summary=Msg(gettext_noop("{name}（{unit}）签到"), name=a.name, unit=department.name if department else "—"))
    return a


@transaction.atomic
def meeting_minutes(
    *, actor: Any, meeting: Meeting, minutes: str, series: Any = None,
    decisions: Sequence[dict[str, Any]] = (),
) -> Meeting:
    """Record and issue the minutes; each decision (``title``, ``content``, ``tasks``) becomes a
    supervised case with its tasks."""
    m = _lock(Meeting, meeting, actor)
    _require_at(actor, "committee.manage", m.jurisdiction, "您无权印发该会议纪要", "You may not issue these minutes")
    if not minutes.strip():
        raise DomainError("须填写会议纪要", "The minutes are required", field="minutes")
    m.minutes = minutes.strip()
    m.status = MeetingStatus.MINUTED
    if series is not None and not m.minutes_number:
        m.minutes_number = _issue_number(actor, series, f"{m.title}纪要", m)
    m._change_reason = "印发会议纪要"  # type: ignore[attr-defined]
    m.save()
    for d in decisions:
        case_create(actor=actor, source=CaseSource.DECISION, title=d["title"], content=d.get("content") or d["title"],
                    jurisdiction=m.jurisdiction, meeting=m, tasks=d.get("tasks", ()),
                    instructed_on=timezone.localtime(m.held_at).date())
    record_event(m, "committee.minutes", actor=actor,
                 summary=Msg(gettext_noop("印发纪要 {number}，决定事项 {n} 项"), number=m.minutes_number or "—",
                             n=len(decisions)))
    due_close(m, DUE_MINUTES)
    return m


# --- supervision cases and tasks -----------------------------------------------------------------


def _task_unit(unit: Any) -> tuple[Jurisdiction, Department | None]:
    if isinstance(unit, Department):
        return unit.jurisdiction, unit
    if isinstance(unit, Jurisdiction):
        return unit, None
    raise DomainError("承办单位无效", "Invalid unit", field="tasks")


@transaction.atomic
def case_create(
    *, actor: Any, source: str, title: str, content: str, jurisdiction: Jurisdiction,
    tasks: Iterable[dict[str, Any]], leader: str = "", instructed_on: dt.date | None = None,
    issuer_department: Department | None = None, meeting: Meeting | None = None,
    interview: Interview | None = None, source_ref: str = "", series: Any = None,
) -> Case:
    """Register a supervised matter and split it into tasks (``unit``: a district/street or a
    department inside ``jurisdiction``; ``requirement``; ``deadline``), each a to-do of its unit."""
    _require_at(actor, "committee.supervise", jurisdiction, "您无权在该辖区督办", "You may not supervise here")
    if source not in CaseSource.values:
        raise DomainError("来源无效", "Invalid source", field="source")
    if not title.strip():
        raise DomainError("须填写督办事项", "The title is required", field="title")
    tasks = list(tasks)
    if not tasks:
        raise DomainError("至少分解给一个承办单位", "Assign the matter to at least one unit", field="tasks")
    # A matter recorded after the fact (a paper instruction of last week) keeps its own date;
    # its deadlines may not precede it.
    start = instructed_on or timezone.localdate()
    seen: set[tuple[int, int | None]] = set()
    for t in tasks:
        jur, dept = _task_unit(t.get("unit"))
        if not _inside(dept or jur, jurisdiction):
            raise DomainError("承办单位须在督办辖区内", "Units must belong to the supervising area", field="tasks")
        key = (jur.pk, dept.pk if dept else None)
        if key in seen:
            raise DomainError("承办单位重复", "A unit is named twice", field="tasks")
        seen.add(key)
        deadline = t.get("deadline")
        if not isinstance(deadline, dt.date) or isinstance(deadline, dt.datetime) or deadline < start:
            raise DomainError("办理期限不能早于批示/决定日期", "A deadline cannot precede the instruction",
                              field="tasks")
    case = Case.objects.create(
        source=source, title=title.strip()[:200], content=content.strip(), leader=leader.strip(),
        instructed_on=start, jurisdiction=jurisdiction, issuer_department=issuer_department,
        meeting=meeting, interview=interview, source_ref=source_ref[:200], created_by=_user(actor),
    )
    if series is not None:
        case.number = _issue_number(actor, series, case.title, case)
        case.save(update_fields=["number"])
    record_event(case, "committee.case", actor=actor,
                 summary=Msg(gettext_noop("{source}「{title}」分解给 {n} 个单位"), source=CaseSource(source).label,
                             title=case.title, n=len(tasks)))
    for t in tasks:
        jur, dept = _task_unit(t["unit"])
        task = Task.objects.create(case=case, jurisdiction=jur, department=dept,
                                   requirement=(t.get("requirement") or case.title).strip(), deadline=t["deadline"])
        _open_task_due(task)
    return case


def _open_task_due(task: Task) -> None:
    owner = task_owner(task)
    due_open(task, "committee.task", title=f"待办理：{TASK_WORKFLOW.title(task)}", due_at=end_of(task.deadline),
             url=TASK_WORKFLOW.url(task), owner_jurisdiction=owner.jurisdiction, owner_department=owner.department)


@transaction.atomic
def task_read(*, actor: Any, task: Task) -> Task:
    """The unit's read receipt (签收); the first one counts."""
    t = _lock(Task, task, actor, "committee.handle")
    if t.read_at is None:
        t.read_at = timezone.now()
        t._change_reason = "签收"  # type: ignore[attr-defined]
        t.save(update_fields=["read_at"])
        record_event(t, "committee.task_read", actor=actor, summary=Msg(gettext_noop("{unit} 已签收"), unit=t.unit_name))
    return t


@transaction.atomic
def task_submit(*, actor: Any, task: Task, feedback: str, files: Iterable[Any] = ()) -> Task:
    """The unit's feedback with its completion evidence: the issuer now closes or returns it."""
    t = _lock(Task, task, actor)
    if t.read_at is None:
        t.read_at = timezone.now()
    t.feedback = feedback.strip()
    t.submitted_at = timezone.now()
    t._change_reason = "反馈办理情况"  # type: ignore[attr-defined]
    t.save(update_fields=["read_at", "feedback", "submitted_at"])
    TASK_WORKFLOW.apply(t, TaskStatus.SUBMITTED, actor=actor, note=t.feedback)
    files = list(files)
    if files:
        attachments_add(owner=t, files=files, actor=actor)
    due_close(t, DUE_OVERDUE)
    return t


def _require_issuer(actor: Any, case: Case) -> None:
    if actor is not None and not can(actor, "committee.supervise", case):
        raise NotAllowed("只有督办单位可以审核", "Only the issuing office may review")


@transaction.atomic
def task_close(*, actor: Any, task: Task, note: str = "") -> Task:
    t = _lock(Task, task, actor)
    _require_issuer(actor, t.case)
    t.closed_at = timezone.now()
    t.save(update_fields=["closed_at"])
    TASK_WORKFLOW.apply(t, TaskStatus.CLOSED, actor=actor, note=note)
    due_close(t, DUE_OVERDUE)
    return t


@transaction.atomic
def task_return(*, actor: Any, task: Task, note: str, deadline: dt.date | None = None) -> Task:
    t = _lock(Task, task, actor)
    _require_issuer(actor, t.case)
    if deadline is not None:
        if deadline < timezone.localdate():
            raise DomainError("办理期限须为今天或以后的日期", "The deadline must be today or later", field="deadline")
        t.deadline = deadline
    t.submitted_at = None
    t.save(update_fields=["deadline", "submitted_at"])
    TASK_WORKFLOW.apply(t, TaskStatus.ASSIGNED, actor=actor, note=note)
    return t


@transaction.atomic
def task_deadline_shorten(*, actor: Any, case: Case, deadline: dt.date, reason: str) -> int:
    """Bring the deadline of the matter's unanswered tasks forward to ``deadline`` (an accident
    raised from 重点 to 挂牌 督办); their to-dos follow. Returns how many tasks moved."""
    c = _lock(Case, case, actor)
    _require_issuer(actor, c)
    moved = 0
    for t in c.tasks.select_for_update().filter(status=TaskStatus.ASSIGNED, deadline__gt=deadline):
        t.deadline = deadline
        t._change_reason = reason[:100]  # type: ignore[attr-defined]
        t.save(update_fields=["deadline"])
        _open_task_due(t)
        moved += 1
    if moved:
        record_event(c, "committee.case_deadline", actor=actor,
                     summary=Msg(gettext_noop("{n} 项任务办理期限提前至 {due}"), n=moved, due=deadline), note=reason)
    return moved


@transaction.atomic
def case_close(*, actor: Any, case: Case, note: str = "") -> Case:
    """The issuer closes the matter once every task is closed."""
    c = _lock(Case, case, actor)
    _require_issuer(actor, c)
    if c.status == CaseStatus.CLOSED:
        raise DomainError("该事项已办结", "The matter is already closed", field="case")
    if c.tasks.exclude(status=TaskStatus.CLOSED).exists():
        raise DomainError("尚有任务未办结", "Some tasks are still open", field="case")
    c.status = CaseStatus.CLOSED
    c.closed_at = timezone.now()
    c.closing_note = note.strip()
    c._change_reason = "办结"  # type: ignore[attr-defined]
    c.save(update_fields=["status", "closed_at", "closing_note"])
    record_event(c, "committee.case_closed", actor=actor, summary=Msg(gettext_noop("「{title}」办结"), title=c.title),
                 note=c.closing_note)
    return c


def tasks_escalate_overdue(*, today: dt.date | None = None) -> int:
    """Mark every task still unanswered after its deadline as escalated (升级督办) and put a
    to-do in the issuing office's inbox. Each task escalates once; returns how many did."""
    today = today or timezone.localdate()
    done = 0
    for pk in Task.objects.filter(status=TaskStatus.ASSIGNED, deadline__lt=today, escalated=False).values_list("pk", flat=True):
        with transaction.atomic():
            t = Task.objects.select_for_update(of=("self",)).select_related("case", "department", "jurisdiction").get(pk=pk)
            if t.escalated or t.status != TaskStatus.ASSIGNED:
                continue
            t.escalated = True
            t._change_reason = "逾期升级督办"  # type: ignore[attr-defined]
            t.save(update_fields=["escalated"])
            record_event(t, "committee.task_escalated", actor=None,
                         summary=Msg(gettext_noop("{unit} 逾期未反馈（期限 {deadline}），升级督办"), unit=t.unit_name,
                                     deadline=t.deadline))
            record_event(t.case, "committee.task_escalated", actor=None,
                         summary=Msg(gettext_noop("{unit} 逾期未反馈（期限 {deadline}），升级督办"), unit=t.unit_name,
                                     deadline=t.deadline))
            due_open(t, DUE_OVERDUE, title=f"逾期未反馈：{TASK_WORKFLOW.title(t)}",
                     due_at=timezone.now() + dt.timedelta(days=terms_for(t.case.jurisdiction).overdue_answer_days),
                     url=TASK_WORKFLOW.url(t),
                     owner_jurisdiction=t.case.jurisdiction)
            done += 1
    return done


def _overdue_answered(case: Case | None, jurisdiction: Jurisdiction, department: Department | None) -> None:
    """A notice or an interview about a late unit answers the escalation to-do of its task."""
    if case is None:
        return
    for t in case.tasks.filter(jurisdiction=jurisdiction, department=department, escalated=True):
        due_close(t, DUE_OVERDUE)


# --- notices (通报) ------------------------------------------------------------------------------


@transaction.atomic
def notice_issue(
    *, actor: Any, jurisdiction: Jurisdiction, kind: str, title: str, body: str, issuer: str,
    recipients: Iterable[Any], series: Any, case: Case | None = None,
) -> Notice:
    """Number and send a notice; each recipient unit gets a to-do to confirm reading it."""
    _require_at(actor, "committee.supervise", jurisdiction, "您无权在该辖区发通报", "You may not issue notices here")
    recipients = list(recipients)
    if not title.strip() or not body.strip():
        raise DomainError("须填写标题和正文", "Title and body are required", field="title")
    if not recipients:
        raise DomainError("至少选择一个接收单位", "Choose at least one recipient", field="recipients")
    if any(not _inside(u, jurisdiction) for u in recipients):
        raise DomainError("接收单位须在本辖区内", "Recipients must belong to this area", field="recipients")
    if series is None:
        raise DomainError("须选择文号序列", "Choose a numbering series", field="series")
    n = Notice.objects.create(jurisdiction=jurisdiction, kind=kind, number="", title=title.strip()[:200],
                              body=body.strip(), issuer=issuer.strip()[:100], case=case, created_by=_user(actor))
    n.number = _issue_number(actor, series, n.title, n)
    n.save(update_fields=["number"])
    url = reverse("committee:notice", args=[n.pk])
    due_at = end_of(timezone.localdate() + dt.timedelta(days=terms_for(jurisdiction).notice_read_days))
    for unit in recipients:
        jur, dept = _task_unit(unit)
        r = NoticeReceipt.objects.create(notice=n, jurisdiction=jur, department=dept)
        due_open(r, DUE_NOTICE, title=f"通报待阅：{n.title}", due_at=due_at, url=url,
                 owner_jurisdiction=None if dept else jur, owner_department=dept)
        _overdue_answered(case, jur, dept)
    record_event(n, "committee.notice", actor=actor,
                 summary=Msg(gettext_noop("印发 {number}，发送 {n} 个单位"), number=n.number, n=len(recipients)))
    return n


@transaction.atomic
def notice_read(*, actor: Any, receipt: NoticeReceipt) -> NoticeReceipt:
    r = _lock(NoticeReceipt, receipt, actor, "committee.handle")
    if r.read_at is None:
        r.read_at = timezone.now()
        r.read_by = _user(actor)
        r.save(update_fields=["read_at", "read_by"])
        record_event(r.notice, "committee.notice_read", actor=actor,
                     summary=Msg(gettext_noop("{unit} 已阅"), unit=r.unit_name))
    due_close(r, DUE_NOTICE)
    return r


# --- interviews (约谈) ---------------------------------------------------------------------------


@transaction.atomic
def interview_record(
    *, actor: Any, jurisdiction: Jurisdiction, target: Any, interviewees: str, interviewer: str, reason: str,
    held_on: dt.date, commitments: str, follow_up_on: dt.date, place: str = "", series: Any = None,
    case: Case | None = None,
) -> Interview:
    """Record an interview; its follow-up date becomes a supervised task of the interviewed unit."""
    _require_at(actor, "committee.supervise", jurisdiction, "您无权在该辖区约谈", "You may not hold interviews here")
    jur, dept = _task_unit(target)
    if not _inside(dept or jur, jurisdiction):
        raise DomainError("被约谈单位须在本辖区内", "The unit must belong to this area", field="target")
    for field, value in (("interviewees", interviewees), ("reason", reason), ("commitments", commitments)):
        if not value.strip():
            raise DomainError("请填写完整的约谈记录", "Fill in the whole record", field=field)
    if follow_up_on < held_on:
        raise DomainError("跟踪检查日期不能早于约谈日期", "The follow-up cannot be before the interview",
                          field="follow_up_on")
    iv = Interview.objects.create(
        jurisdiction=jurisdiction, target_jurisdiction=jur, target_department=dept, interviewees=interviewees.strip(),
        interviewer=interviewer.strip(), reason=reason.strip(), held_on=held_on, place=place.strip(),
        commitments=commitments.strip(), follow_up_on=follow_up_on, case=case, created_by=_user(actor),
    )
    if series is not None:
        iv.number = _issue_number(actor, series, f"约谈{iv.target_name}记录", iv)
        iv.save(update_fields=["number"])
    _overdue_answered(case, jur, dept)
    record_event(iv, "committee.interview", actor=actor,
                 summary=Msg(gettext_noop("约谈 {unit}，{date} 跟踪检查"), unit=iv.target_name, date=follow_up_on))
    case_create(actor=actor, source=CaseSource.INTERVIEW, title=f"约谈整改落实：{iv.target_name}",
                content=iv.commitments, jurisdiction=jurisdiction, interview=iv, instructed_on=held_on,
                tasks=[{"unit": dept or jur, "requirement": f"落实约谈整改承诺：{iv.commitments}",
                        "deadline": max(follow_up_on, timezone.localdate())}])
    return iv


# --- supervision visits (督导) -------------------------------------------------------------------


@transaction.atomic
def visit_plan(*, actor: Any, jurisdiction: Jurisdiction, focus: str, title: str, target: str, leader: str,
               planned_on: dt.date) -> Visit:
    """Plan a leader-led visit to a key sector, place, area or a holiday's duty: a to-do for the
    office on the planned day."""
    _require_at(actor, "committee.supervise", jurisdiction, "您无权在该辖区安排督导", "You may not plan visits here")
    if focus not in VisitFocus.values:
        raise DomainError("督导类型无效", "Invalid focus", field="focus")
    if not title.strip() or not target.strip() or not leader.strip():
        raise DomainError("请填写督导事项、对象和带队领导", "Title, target and leader are required", field="title")
    v = Visit.objects.create(jurisdiction=jurisdiction, focus=focus, title=title.strip()[:200],
                             target=target.strip()[:200], leader=leader.strip()[:50], planned_on=planned_on,
                             created_by=_user(actor))
    due_open(v, DUE_VISIT, title=f"督导待开展：{v.title}", due_at=end_of(planned_on),
             url=reverse("committee:visit", args=[v.pk]), owner_jurisdiction=jurisdiction)
    record_event(v, "committee.visit_planned", actor=actor,
                 summary=Msg(gettext_noop("{leader} 带队督导「{title}」，{date}"), leader=v.leader, title=v.title,
                             date=planned_on))
    return v


@transaction.atomic
def visit_record(*, actor: Any, visit: Visit, findings: str, done_on: dt.date | None = None,
                 files: Iterable[Any] = (), tasks: Iterable[dict[str, Any]] = (),
                 hazards: Iterable[dict[str, Any]] = ()) -> Visit:
    """Record the visit (on a phone, with photos); the findings given to units become a
    supervised matter with their tasks, and those found at an enterprise become hazards
    (source 督导检查, found by the leading leader, routed to their regulator like any hazard):
    ``hazards`` = ``[{"enterprise", "category", "description", "level"}]``."""
    v = _lock(Visit, visit, actor, "committee.supervise")
    if v.status == VisitStatus.DONE:
        raise DomainError("该督导已记录", "The visit is already recorded", field="visit")
    if not findings.strip():
        raise DomainError("须填写发现问题", "The findings are required", field="findings")
    v.findings = findings.strip()
    v.done_on = done_on or timezone.localdate()
    v.status = VisitStatus.DONE
    tasks = list(tasks)
    if tasks:
        v.case = case_create(actor=actor, source=CaseSource.VISIT, title=f"督导发现问题整改：{v.title}",
                             content=v.findings, jurisdiction=v.jurisdiction, tasks=tasks, instructed_on=v.done_on)
    v._change_reason = "记录督导情况"  # type: ignore[attr-defined]
    v.save()
    found_at = timezone.make_aware(dt.datetime.combine(v.done_on, dt.time(9))) if v.done_on < timezone.localdate() \
        else timezone.now()
    hazard_ids = [hazard_report(
        actor=actor, source=HazardSource.SUPERVISION, enterprise=h["enterprise"], category=h["category"],
        description=h["description"], level=h.get("level") or HazardLevel.GENERAL, finder_name=v.leader,
        found_at=found_at).pk for h in hazards]
    files = list(files)
    if files:
        attachments_add(owner=v, files=files, actor=actor)
    record_event(v, "committee.visit_done", actor=actor, data={"hazards": hazard_ids},
                 summary=Msg(gettext_noop("督导完成，交办 {n} 个单位，登记隐患 {h} 项"), n=len(tasks), h=len(hazard_ids))
                 if hazard_ids else Msg(gettext_noop("督导完成，交办 {n} 个单位"), n=len(tasks)),
                 note=v.findings)
    due_close(v, DUE_VISIT)
    return v
