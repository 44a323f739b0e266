"""Reads for the committee's work, always from the user's scope.

A unit reaches a case through its own tasks and a notice through its own receipt, so a bureau
sees the instruction it must answer without seeing the rest of the office's work."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from anjian.committee.models import (
    Case,
    Interview,
    Meeting,
    MemberUnit,
    Notice,
    NoticeReceipt,
    Task,
    TaskStatus,
)
from anjian.core.scoping import can


def case_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Case]:
    own = Case.objects.restrict(user, "committee.view").values("pk")
    via_tasks = Task.objects.restrict(user, "committee.view").values("case_id")
    qs = Case.objects.filter(Q(pk__in=own) | Q(pk__in=via_tasks))
    f = filters or {}
    if f.get("source"):
        qs = qs.filter(source=f["source"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if q := (f.get("q") or "").strip():
        qs = qs.filter(title__icontains=q)
    return qs.select_related("jurisdiction", "meeting")


def task_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Task]:
    qs = Task.objects.restrict(user, "committee.view")
    f = filters or {}
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("case"):
        qs = qs.filter(case=f["case"])
    return qs.select_related("case", "jurisdiction", "department")


def tasks_of_case(*, user: Any, case: Case) -> QuerySet[Task]:
    """The issuer sees every task of its case; a unit sees its own."""
    if can(user, "committee.view", case):
        return case.tasks.select_related("jurisdiction", "department")
    return task_list(user=user).filter(case=case)


def open_tasks_count(*, user: Any) -> int:
    return task_list(user=user).exclude(status=TaskStatus.CLOSED).count()


def meeting_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Meeting]:
    qs = Meeting.objects.restrict(user, "committee.view")
    f = filters or {}
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    return qs.select_related("jurisdiction")


def member_list(*, user: Any, current: bool = True) -> QuerySet[MemberUnit]:
    qs = MemberUnit.objects.restrict(user, "committee.view").select_related("department", "jurisdiction")
    return qs.filter(left_on__isnull=True) if current else qs


def notice_list(*, user: Any) -> QuerySet[Notice]:
    own = Notice.objects.restrict(user, "committee.view").values("pk")
    received = NoticeReceipt.objects.restrict(user, "committee.view").values("notice_id")
    return Notice.objects.filter(Q(pk__in=own) | Q(pk__in=received)).select_related("jurisdiction")


def receipts_of(*, user: Any, notice: Notice) -> QuerySet[NoticeReceipt]:
    if can(user, "committee.view", notice):
        return notice.receipts.select_related("jurisdiction", "department")
    return NoticeReceipt.objects.restrict(user, "committee.view").filter(notice=notice).select_related(
        "jurisdiction", "department")


def interview_list(*, user: Any) -> QuerySet[Interview]:
    return Interview.objects.restrict(user, "committee.view").select_related(
        "target_jurisdiction", "target_department")


def tasks_for_unit(*, jurisdiction: Any = None, department: Any = None, start: Any = None, end: Any = None) -> QuerySet[Task]:
    """The tasks of one unit whose deadline falls in [start, end] (for the assessment)."""
    qs = Task.objects.all()
    qs = qs.filter(department=department) if department is not None else qs.filter(jurisdiction=jurisdiction,
                                                                                     department__isnull=True)
    if start is not None:
        qs = qs.filter(deadline__gte=start)
    if end is not None:
        qs = qs.filter(deadline__lte=end)
    return qs
