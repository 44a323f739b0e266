"""Committee API: supervision cases (create split into tasks, read, close), tasks (read receipt,
feedback, close, return), meetings, notices (read receipts) and interviews. Out of scope is 404."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from anjian.committee import services
from anjian.committee.models import Case, Meeting, Notice, NoticeReceipt, Task
from anjian.committee.selectors import (
    case_list,
    interview_list,
    meeting_list,
    notice_list,
    task_list,
    tasks_of_case,
)
from anjian.core.api import require
from anjian.core.apischema import Id, In, Limit
from anjian.core.errors import DomainError
from anjian.core.lookups import Ref, resolve_refs

router = Router(tags=["committee"])


class TaskOut(Schema):
    id: int
    case_id: int
    unit: str
    requirement: str
    deadline: dt.date
    status: str
    read_at: dt.datetime | None
    feedback: str
    submitted_at: dt.datetime | None
    escalated: bool

    @staticmethod
    def resolve_unit(obj: Task) -> str:
        return obj.unit_name


class CaseOut(Schema):
    id: int
    source: str
    number: str
    title: str
    content: str
    leader: str
    instructed_on: dt.date
    status: str
    meeting_id: int | None


class CaseDetailOut(CaseOut):
    tasks: list[TaskOut]


class TaskIn(In):
    jurisdiction_code: Annotated[str | None, Ref("orgs.jurisdictions@committee.view", by="code")] = None
    department_id: Annotated[int | None, Ref("orgs.departments@committee.view")] = None
    requirement: str = ""
    deadline: dt.date


class CaseIn(In):
    source: str = "instruction"
    title: str
    content: str
    leader: str = ""
    instructed_on: dt.date | None = None
    jurisdiction_code: Annotated[str, Ref("orgs.jurisdictions@committee.supervise", by="code")]
    tasks: list[TaskIn]


class FeedbackIn(In):
    feedback: str


class NoteIn(In):
    note: str = ""


def _case(request: HttpRequest, pk: int) -> Case:
    c = case_list(user=request.user).filter(pk=pk).first()
    if c is None:
        raise Http404
    return c


def _task(request: HttpRequest, pk: int) -> Task:
    t = task_list(user=request.user).filter(pk=pk).first() or Task.objects.filter(
        pk=pk, case__in=Case.objects.restrict(request.user, "committee.view")).first()
    if t is None:
        raise Http404
    return t


def _detail(request: HttpRequest, c: Case) -> Case:
    c.tasks_visible = list(tasks_of_case(user=request.user, case=c))  # type: ignore[attr-defined]
    return c


class _CaseDetail(CaseDetailOut):
    @staticmethod
    def resolve_tasks(obj: Case) -> list[Task]:
        return getattr(obj, "tasks_visible", [])


@router.get("/cases", response=list[CaseOut], summary="督办事项 / supervised matters")
def cases(request: HttpRequest, status: str = "", limit: Limit = 100):
    require(request, "committee.view")
    return list(case_list(user=request.user, filters={"status": status}).order_by("-created_at")[:limit])


@router.post("/cases", response={201: _CaseDetail}, summary="登记督办并分解到承办单位 / register and split a matter")
def case_create(request: HttpRequest, payload: CaseIn):
    require(request, "committee.supervise")
    refs = resolve_refs(request.user, payload)
    tasks = []
    for i, t in enumerate(payload.tasks):
        r = resolve_refs(request.user, t)
        unit = r["department_id"] or r["jurisdiction_code"]
        if unit is None:
            raise DomainError(f"第{i + 1}个任务缺少承办单位", f"Task {i + 1} names no unit", field="tasks")
        tasks.append({"unit": unit, "requirement": t.requirement, "deadline": t.deadline})
    c = services.case_create(actor=request.user, source=payload.source, title=payload.title, content=payload.content,
                             leader=payload.leader, instructed_on=payload.instructed_on,
                             jurisdiction=refs["jurisdiction_code"], tasks=tasks)
    return Status(201, _detail(request, c))


@router.get("/cases/{pk}", response=_CaseDetail, summary="督办事项详情 / one matter with its tasks")
def case_detail(request: HttpRequest, pk: Id):
    require(request, "committee.view")
    return _detail(request, _case(request, pk))


@router.post("/cases/{pk}/close", response=CaseOut, summary="办结 / close (issuer)")
def case_close(request: HttpRequest, pk: Id, payload: NoteIn):
    require(request, "committee.supervise")
    return services.case_close(actor=request.user, case=_case(request, pk), note=payload.note)


@router.get("/tasks", response=list[TaskOut], summary="督办任务（本单位）/ tasks of my units")
def tasks(request: HttpRequest, status: str = "", limit: Limit = 100):
    require(request, "committee.view")
    return list(task_list(user=request.user, filters={"status": status}).order_by("deadline")[:limit])


@router.post("/tasks/{pk}/read", response=TaskOut, summary="签收 / read receipt")
def task_read(request: HttpRequest, pk: Id):
    require(request, "committee.handle")
    return services.task_read(actor=request.user, task=_task(request, pk))


@router.post("/tasks/{pk}/submit", response=TaskOut, summary="反馈办理情况 / answer")
def task_submit(request: HttpRequest, pk: Id, payload: FeedbackIn):
    require(request, "committee.handle")
    return services.task_submit(actor=request.user, task=_task(request, pk), feedback=payload.feedback)


@router.post("/tasks/{pk}/close", response=TaskOut, summary="审核办结 / close (issuer)")
def task_close(request: HttpRequest, pk: Id, payload: NoteIn):
    require(request, "committee.supervise")
    return services.task_close(actor=request.user, task=_task(request, pk), note=payload.note)


@router.post("/tasks/{pk}/return", response=TaskOut, summary="退回重办 / return (issuer)")
def task_return(request: HttpRequest, pk: Id, payload: NoteIn):
    require(request, "committee.supervise")
    return services.task_return(actor=request.user, task=_task(request, pk), note=payload.note)


class MeetingOut(Schema):
    id: int
    kind: str
    title: str
    held_at: dt.datetime
    place: str
    status: str
    minutes_number: str


@router.get("/meetings", response=list[MeetingOut], summary="安委会会议 / meetings")
def meetings(request: HttpRequest, limit: Limit = 100):
    require(request, "committee.view")
    return list(meeting_list(user=request.user)[:limit])


@router.post("/meetings/{pk}/sign-in", response={201: dict}, summary="签到 / sign in")
def meeting_sign_in(request: HttpRequest, pk: Id):
    require(request, "committee.view")
    m = meeting_list(user=request.user).filter(pk=pk).first()
    if m is None:
        raise Http404
    a = services.meeting_sign_in(actor=request.user, meeting=m)
    return Status(201, {"id": a.pk, "name": a.name, "signed_at": a.signed_at.isoformat()})


class NoticeOut(Schema):
    id: int
    kind: str
    number: str
    title: str
    body: str
    issuer: str
    issued_on: dt.date


@router.get("/notices", response=list[NoticeOut], summary="通报 / notices")
def notices(request: HttpRequest, limit: Limit = 100):
    require(request, "committee.view")
    return list(notice_list(user=request.user).order_by("-issued_on", "-id")[:limit])


@router.post("/notices/{pk}/read", response={200: dict}, summary="确认已阅 / confirm reading")
def notice_read(request: HttpRequest, pk: Id):
    require(request, "committee.handle")
    n: Notice | None = notice_list(user=request.user).filter(pk=pk).first()
    receipts = NoticeReceipt.objects.restrict(request.user, "committee.handle").filter(notice=n) if n else None
    if not receipts:
        raise Http404
    for r in receipts:
        services.notice_read(actor=request.user, receipt=r)
    return {"read": len(receipts)}


class InterviewOut(Schema):
    id: int
    number: str
    target: str
    interviewees: str
    reason: str
    held_on: dt.date
    commitments: str
    follow_up_on: dt.date

    @staticmethod
    def resolve_target(obj: object) -> str:
        return getattr(obj, "target_name", "")


@router.get("/interviews", response=list[InterviewOut], summary="约谈 / interviews")
def interviews(request: HttpRequest, limit: Limit = 100):
    require(request, "committee.view")
    return list(interview_list(user=request.user)[:limit])


__all__ = ["Meeting", "router"]
