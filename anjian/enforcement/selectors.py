"""Reads for enforcement, each starting from ``restrict(user, action)``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from anjian.enforcement.models import (
    Campaign,
    Case,
    CaseDocument,
    DrawStatus,
    Finding,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    OhDeclaration,
    PlanTarget,
    RandomDraw,
)
from anjian.enforcement.workflow import CASE_WORKFLOW, due_date
from anjian.orgs.models import Jurisdiction, Sector
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
    """The statutory dates of a case (行政处罚法); None where the year has no holiday data."""
    return _case_deadlines(case)


def case_deadlines_estimated(case: Case) -> list[tuple[str, dt.date, bool]]:
    """For the page: each date, or the earliest it can be when the year has no holiday data yet
    (flagged as an estimate)."""
    out: list[tuple[str, dt.date, bool]] = []
    for key, day in _case_deadlines(case):
        if day is not None:
            out.append((key, day, False))
            continue
        start = {"decision": case.filed_on, "hearing": case.notified_on, "delivery": case.decided_on,
                 "payment": case.delivered_on, "hearing_hold": case.responded_on}.get(key)
        fn = {"decision": rules.decision_due, "hearing": rules.hearing_request_due, "delivery": rules.delivery_due,
              "payment": rules.payment_due, "hearing_hold": rules.hearing_hold_due}.get(key)
        if start is not None and fn is not None:
            out.append((key, due_date(fn, start), True))
    return out


def _case_deadlines(case: Case) -> list[tuple[str, dt.date | None]]:
    out: list[tuple[str, Any]] = []
    items = [
        ("decision", rules.decision_due, case.filed_on),
        ("hearing", rules.hearing_request_due, case.notified_on),
        ("delivery", rules.delivery_due, case.decided_on if case.procedure == "general" else None),
        ("payment", rules.payment_due, case.delivered_on if case.fine else None),
        ("review", rules.review_application_due, case.delivered_on),
        ("lawsuit", rules.lawsuit_due, case.delivered_on),
    ]
    if case.hearing_requested and case.responded_on:
        if case.hearing_at is not None:
            out.append(("hearing_on", timezone.localdate(case.hearing_at)))
        else:
            items.insert(2, ("hearing_hold", rules.hearing_hold_due, case.responded_on))
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


def oh_statistics(*, user: Any, by: str = "district") -> list[dict[str, Any]]:
    """The survey the plan asks for (item 18): per district or sector, the enterprises that
    declared, workers exposed, and those with dust or highly toxic substances (latest declaration
    of each enterprise)."""
    latest: dict[int, Any] = {}
    for d in OhDeclaration.objects.restrict(user, "enforcement.view").select_related(
            "enterprise__jurisdiction", "enterprise__sector").order_by("enterprise_id", "-declared_on", "-id"):
        latest.setdefault(d.enterprise_id, d)
    rows: dict[str, dict[str, Any]] = {}
    for d in latest.values():
        ent = d.enterprise
        if by == "sector":
            key = ent.sector.code[:1] if ent.sector_id else "—"
            label = key
        else:
            parts = ent.jurisdiction.path.strip("/").split("/")
            key = parts[1] if len(parts) > 1 else parts[0]
            label = key
        row = rows.setdefault(key, {"key": label, "enterprises": 0, "exposed": 0, "dust": 0, "toxic": 0})
        row["enterprises"] += 1
        row["exposed"] += d.exposed
        row["dust"] += int(d.has_dust)
        row["toxic"] += int(d.has_highly_toxic)
    model = Sector if by == "sector" else Jurisdiction
    names = dict(model.objects.filter(code__in=list(rows)).values_list("code", "name"))
    for code, row in rows.items():
        row["label"] = names.get(code, code)
    return sorted(rows.values(), key=lambda r: str(r["key"]))


def campaign_list(*, user: Any) -> QuerySet[Campaign]:
    return Campaign.objects.restrict(user, "enforcement.view").select_related("jurisdiction", "lead")


def campaign_progress(campaign: Campaign) -> dict[str, Any]:
    """Targets inspected, hazards and violations found, tasks done (the progress dashboard)."""
    targets = campaign.targets.count()
    inspections = Inspection.objects.filter(campaign=campaign, status=InspectionStatus.DONE)
    inspected = inspections.values("enterprise").distinct().count()
    findings = Finding.objects.filter(inspection__campaign=campaign)
    tasks = list(campaign.tasks.select_related("department"))
    return {
        "targets": targets, "inspected": inspected,
        "percent": round(100 * inspected / targets) if targets else 0,
        "hazards": findings.filter(disposition="hazard").count(),
        "violations": findings.filter(disposition="violation").count(),
        "tasks": tasks, "tasks_done": sum(1 for t in tasks if t.done_on),
    }


def draw_progress(draw: RandomDraw) -> dict[str, Any]:
    """How far the inspections of a draw's targets have got: targets inspected (an inspection
    started for the pick and finished), hazards and violations found."""
    picks = draw.picks.count()
    done = Inspection.objects.filter(draw_pick__draw=draw, status=InspectionStatus.DONE)
    inspected = done.values("draw_pick").distinct().count()
    findings = Finding.objects.filter(inspection__draw_pick__draw=draw)
    return {"targets": picks, "inspected": inspected, "percent": round(100 * inspected / picks) if picks else 0,
            "hazards": findings.filter(disposition="hazard").count(),
            "violations": findings.filter(disposition="violation").count()}
