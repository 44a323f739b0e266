"""Reads for enforcement, each starting from ``restrict(user, action)``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet

from anjian.enforcement.models import (
    Case,
    CaseDocument,
    DrawStatus,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    PlanTarget,
    RandomDraw,
)
from anjian.enforcement.workflow import CASE_WORKFLOW
from anjian.rules import enforcement as rules
from anjian.rules.workdays import HolidayDataMissing


def case_list(*, user: Any, status: str = "") -> QuerySet[Case]:
    qs = Case.objects.restrict(user, "enforcement.view").select_related("enterprise", "department", "jurisdiction")
    return qs.filter(status=status) if status else qs


def inspection_list(*, user: Any) -> QuerySet[Inspection]:
    return Inspection.objects.restrict(user, "enforcement.view").select_related("enterprise", "department")


def plan_list(*, user: Any) -> QuerySet[InspectionPlan]:
    return InspectionPlan.objects.restrict(user, "enforcement.view").select_related("department", "jurisdiction")


def draw_list(*, user: Any) -> QuerySet[RandomDraw]:
    return RandomDraw.objects.restrict(user, "enforcement.view").select_related("department", "jurisdiction", "matter")


def published_draws() -> QuerySet[RandomDraw]:
    """What the public site shows (一公开): published draws only."""
    return RandomDraw.objects.filter(status=DrawStatus.PUBLISHED).select_related(
        "department", "jurisdiction", "matter").prefetch_related("picks__enterprise")


def case_documents(*, user: Any, case: Case) -> QuerySet[CaseDocument]:
    return CaseDocument.objects.restrict(user, "enforcement.view").filter(case=case).order_by("id")


def case_transitions(*, case: Case, user: Any) -> list[Any]:
    return CASE_WORKFLOW.available(case, user)


def case_deadlines(case: Case) -> list[tuple[str, dt.date | None]]:
    """The statutory dates of a case (行政处罚法), for the page; years without holiday data are left out."""
    out: list[tuple[str, Any]] = []
    items = [
        ("decision", rules.decision_due, case.filed_on),
        ("hearing", rules.hearing_request_due, case.notified_on),
        ("delivery", rules.delivery_due, case.decided_on if case.procedure == "general" else None),
        ("payment", rules.payment_due, case.delivered_on if case.fine else None),
        ("review", rules.review_application_due, case.delivered_on),
        ("lawsuit", rules.lawsuit_due, case.delivered_on),
    ]
    for key, fn, start in items:
        if start is None:
            continue
        try:
            out.append((key, fn(start)))
        except HolidayDataMissing:  # a year without holiday data: the date is not shown
            out.append((key, None))
    return out


def plan_progress(plan: InspectionPlan) -> dict[str, Any]:
    """Quota and inspections done per class, and overall (progress against the plan)."""
    targets = PlanTarget.objects.filter(plan=plan).annotate(
        done=Count("inspections", filter=Q(inspections__status=InspectionStatus.DONE)))
    by_class: dict[str, dict[str, int]] = {}
    for t in targets:
        row = by_class.setdefault(t.klass, {"targets": 0, "quota": 0, "done": 0})
        row["targets"] += 1
        row["quota"] += t.quota
        row["done"] += min(t.done, t.quota)
    quota = sum(r["quota"] for r in by_class.values())
    done = sum(r["done"] for r in by_class.values())
    return {"by_class": sorted(by_class.items()), "quota": quota, "done": done,
            "percent": round(100 * done / quota) if quota else 0, "targets": sum(r["targets"] for r in by_class.values())}
