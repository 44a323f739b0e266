"""Grids API: the inspector's open patrol tasks, recording a patrol (findings become hazards),
coverage per grid, per inspector and as a GeoJSON map, and one grid's summary. Out-of-scope
objects are 404."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Schema, Status

from anjian.core.api import require
from anjian.core.apischema import Day, Id, In, Limit, Year
from anjian.core.errors import DomainError
from anjian.core.lookups import Ref, resolve_refs
from anjian.core.scoping import get_in_scope
from anjian.grids import adjustments, services
from anjian.grids.models import Adjustment, GridRole, PatrolRecord, PatrolStatus, PatrolTask
from anjian.grids.selectors import staff_candidates
from anjian.hazards.models import Hazard
from anjian.jobs.api import JobOut
from anjian.orgs.adjust import jurisdiction_rename, parse_geometry
from anjian.orgs.models import Jurisdiction, JurisdictionLevel

router = Router(tags=["grids"])


class TaskOut(Schema):
    id: int
    grid_code: str
    enterprise_id: int
    enterprise_name: str
    enterprise_lng: float | None
    enterprise_lat: float | None
    due_date: dt.date
    risk_colour: str
    status: str

    @staticmethod
    def resolve_grid_code(obj: PatrolTask) -> str:
        return obj.grid.code

    @staticmethod
    def resolve_enterprise_name(obj: PatrolTask) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_enterprise_lng(obj: PatrolTask) -> float | None:
        return obj.enterprise.lng

    @staticmethod
    def resolve_enterprise_lat(obj: PatrolTask) -> float | None:
        return obj.enterprise.lat


class FindingIn(In):
    db_model = Hazard
    category: str
    description: str
    level: str = "general"
    standard_item: str = ""


class PatrolIn(In):
    db_model = PatrolRecord
    lng: float | None = None
    lat: float | None = None
    accuracy_m: float | None = None
    answers: dict[str, str] = {}
    note: str = ""
    findings: list[FindingIn] = []


class RecordOut(Schema):
    id: int
    task_id: int | None
    enterprise_id: int
    checked_in_at: dt.datetime
    distance_m: float | None
    far_from_site: bool
    hazard_count: int


class CoverageOut(Schema):
    grid_id: int
    grid_code: str
    grid_name: str
    planned: int
    done: int
    on_time: int
    overdue: int
    rate: float


@router.get("/tasks", response=list[TaskOut], summary="我的巡查任务 / my open patrol tasks")
def my_tasks(request: HttpRequest, limit: Limit = 100):
    require(request, "grids.patrol")
    qs = (PatrolTask.objects.restrict(request.user, "grids.view").filter(status=PatrolStatus.OPEN, inspector=request.user)
          .select_related("grid", "enterprise").order_by("due_date", "id"))
    return list(qs[: max(1, min(limit, 500))])


@router.post("/tasks/{pk}/record", response={201: RecordOut},
             summary="巡查签到与记录（发现即上报隐患）/ record a patrol; findings become hazards")
def record_patrol(request: HttpRequest, pk: Id, payload: PatrolIn):
    require(request, "grids.patrol")
    task = get_in_scope(PatrolTask.objects.select_related("enterprise"), request.user, "grids.view", pk=pk)
    record = services.patrol_record_create(
        actor=request.user, enterprise=task.enterprise, task=task, lng=payload.lng, lat=payload.lat,
        accuracy_m=payload.accuracy_m, answers=payload.answers, note=payload.note,
        findings=[f.model_dump() for f in payload.findings],
    )
    return Status(201, record)


@router.get("/coverage", response=list[CoverageOut], summary="网格巡查覆盖率 / coverage per grid")
def coverage(request: HttpRequest, start: Day, end: Day):
    require(request, "grids.view")
    return [
        {"grid_id": r["grid_id"], "grid_code": r["grid__code"], "grid_name": r["grid__name"], "planned": r["planned"],
         "done": r["done"], "on_time": r["on_time"], "overdue": r["overdue"], "rate": r["rate"]}
        for r in services.grid_coverage(user=request.user, start=start, end=end)
    ]


class CoverageCounts(Schema):
    planned: int
    done: int
    on_time: int
    overdue: int
    rate: float
    on_time_rate: float


class InspectorCoverageOut(CoverageCounts):
    inspector_id: int | None
    username: str
    name: str


class InspectorCoverageReport(Schema):
    start: dt.date
    end: dt.date
    rows: list[InspectorCoverageOut]
    totals: CoverageCounts


def _period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    first = today.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return services.coverage_period(start.isoformat() if start else None, end.isoformat() if end else None,
                                    default=(first, last))


@router.get("/coverage/inspectors", response=InspectorCoverageReport,
            summary="网格员巡查覆盖率 / coverage per inspector (planned, done, on time, overdue) with totals")
def coverage_inspectors(request: HttpRequest, start: Day | None = None, end: Day | None = None):
    require(request, "grids.view")
    first, last = _period(start, end)
    rows = services.inspector_coverage(user=request.user, start=first, end=last)
    return {
        "start": first, "end": last,
        "rows": [{**r, "username": r["inspector__username"] or "", "name": r["name"]} for r in rows],
        "totals": services.coverage_totals(user=request.user, start=first, end=last),
    }


@router.get("/coverage/geojson", summary="网格覆盖率地图（GeoJSON，简化边界）/ grids with coverage as GeoJSON",
            response={200: dict})
def coverage_geojson(request: HttpRequest, start: Day | None = None, end: Day | None = None):
    require(request, "grids.view")
    first, last = _period(start, end)
    text = services.coverage_geojson(user=request.user, start=first, end=last,
                                     url_of=lambda pk: reverse("grids:detail", args=[pk]))
    return HttpResponse(text, content_type="application/geo+json; charset=utf-8")


class StaffOut(Schema):
    user_id: int
    name: str
    role: str


class KeyPlaceOut(Schema):
    id: int
    name: str
    risk_colour: str
    flags: list[str]
    lng: float | None
    lat: float | None


class HazardSourceOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    name: str
    grade: int | None
    grade_label: str


class GridSummaryOut(Schema):
    id: int
    code: str
    name: str
    start: dt.date
    end: dt.date
    leaders: list[StaffOut]
    inspectors: list[StaffOut]
    enterprises_by_colour: dict[str, int]
    key_places_total: int
    key_places: list[KeyPlaceOut]
    major_hazard_sources: list[HazardSourceOut]
    flagged_major_hazard_without_record: list[int]
    coverage: CoverageCounts
    open_hazards: int
    major_open_hazards: int


def _staff(rows: list[Any]) -> list[dict[str, Any]]:
    return [{"user_id": s.user_id, "name": str(s.user), "role": s.role} for s in rows]


@router.get("/{pk}", response=GridSummaryOut,
            summary="网格概况：人员、风险分级、重点场所、重大危险源、巡查覆盖、未销号隐患 / one grid's summary")
def grid_summary(request: HttpRequest, pk: Id, start: Day | None = None, end: Day | None = None):
    require(request, "grids.view")
    grid = get_in_scope(Jurisdiction.objects.filter(level=JurisdictionLevel.GRID), request.user, "grids.view", pk=pk)
    first, last = _period(start, end)
    s = services.grid_summary(user=request.user, grid=grid, start=first, end=last)
    return {
        "id": grid.pk, "code": grid.code, "name": grid.name, "start": first, "end": last,
        "leaders": _staff(s["leaders"]), "inspectors": _staff(s["inspectors"]),
        "enterprises_by_colour": dict(s["by_colour"]),
        "key_places_total": s["n_key_places"],
        "key_places": [{"id": e.pk, "name": e.name, "risk_colour": e.risk_colour, "flags": list(e.flags or []),
                        "lng": e.lng, "lat": e.lat} for e in s["key_places"]],
        "major_hazard_sources": [{"id": h.pk, "enterprise_id": h.enterprise_id, "enterprise_name": h.enterprise.name,
                                  "name": h.name, "grade": h.grade, "grade_label": h.grade_label}
                                 for h in s["hazard_sources"]],
        "flagged_major_hazard_without_record": [e.pk for e in s["flagged_without_record"]],
        "coverage": s["coverage"],
        "open_hazards": s["open_hazards"], "major_open_hazards": s["major_open_hazards"],
    }


# --- staff and yearly plans (设置 › 网格人员与巡查计划) ----------------------------------------------


class StaffIn(In):
    grid_code: Annotated[str, Ref("orgs.jurisdictions@grids.manage", by="code")]
    username: str
    role: str = GridRole.INSPECTOR
    active: bool = True


class StaffSetOut(Schema):
    grid_code: str
    username: str
    role: str
    active: bool


@router.put("/staff/set", response=StaffSetOut, summary="安排网格人员 / put a person on a grid (or take them off)")
def staff_set(request: HttpRequest, payload: StaffIn):
    require(request, "grids.manage")
    grid = resolve_refs(request.user, payload)["grid_code"]
    person = staff_candidates(request.user).filter(username=payload.username.strip()).first()
    if person is None:
        raise DomainError("您的辖区内没有该用户", "No such user in your territory", field="username")
    staff = services.grid_staff_set(actor=request.user, grid=grid, user=person, role=payload.role, active=payload.active)
    return {"grid_code": grid.code, "username": person.username, "role": staff.role, "active": staff.is_active}


class PlanYearIn(In):
    year: Year


@router.post("/plans/year", response={202: JobOut}, summary="生成全年巡查计划（后台任务） / plan a year's patrols of every grid in scope (a job)")
def plans_year(request: HttpRequest, payload: PlanYearIn):
    require(request, "grids.plan")
    return Status(202, services.patrol_plans_year_start(actor=request.user, year=payload.year))


# --- 行政区划调整: split, merge (grids.adjustments) --------------------------------------------


class SplitIn(In):
    unit_code: Annotated[str, Ref("orgs.jurisdictions@orgs.change", by="code")]
    name: str
    code: str
    geometry: dict[str, Any]
    reason: str = ""


class MergeIn(In):
    unit_code: Annotated[str, Ref("orgs.jurisdictions@orgs.change", by="code")]
    other_code: Annotated[str, Ref("orgs.jurisdictions@orgs.change", by="code")]
    reason: str = ""


class AdjustmentOut(Schema):
    id: int
    kind: str
    unit_code: str
    other_code: str
    other_active: bool
    reason: str
    children_moved: list[str]
    job_id: int | None
    job_status: str | None
    report: dict[str, Any]


def _adjustment_out(a: Adjustment) -> dict[str, Any]:
    return {"id": a.pk, "kind": a.kind, "unit_code": a.unit.code, "other_code": a.other.code,
            "other_active": a.other.is_active, "reason": a.reason, "children_moved": a.children_moved,
            "job_id": a.job_id, "job_status": a.job.status if a.job else None, "report": a.report}


def _split_args(request: HttpRequest, payload: SplitIn) -> dict[str, Any]:
    require(request, "orgs.change")
    unit = resolve_refs(request.user, payload)["unit_code"]
    geometry = parse_geometry(json.dumps(payload.geometry))
    return {"actor": request.user, "unit": unit, "geometry": geometry, "name": payload.name, "code": payload.code}


@router.post("/adjustments/split/preview", response=dict[str, Any],
             summary="预览街道拆分（不保存） / preview splitting a unit: what would move")
def split_preview(request: HttpRequest, payload: SplitIn):
    return adjustments.split_preview(**_split_args(request, payload)).as_dict()


@router.post("/adjustments/split", response={202: AdjustmentOut},
             summary="拆分街道并启动重新归属任务 / split a unit and start moving enterprises and open records")
def split(request: HttpRequest, payload: SplitIn):
    a = adjustments.split_commit(**_split_args(request, payload), reason=payload.reason)
    return Status(202, _adjustment_out(a))


def _merge_args(request: HttpRequest, payload: MergeIn) -> dict[str, Any]:
    require(request, "orgs.change")
    refs = resolve_refs(request.user, payload)
    return {"actor": request.user, "unit": refs["unit_code"], "other": refs["other_code"]}


@router.post("/adjustments/merge/preview", response=dict[str, Any],
             summary="预览街道合并（不保存） / preview merging two units: what would move")
def merge_preview(request: HttpRequest, payload: MergeIn):
    return adjustments.merge_preview(**_merge_args(request, payload)).as_dict()


@router.post("/adjustments/merge", response={202: AdjustmentOut},
             summary="合并街道并启动重新归属任务 / merge two units and start moving enterprises and open records")
def merge(request: HttpRequest, payload: MergeIn):
    a = adjustments.merge_commit(**_merge_args(request, payload), reason=payload.reason)
    return Status(202, _adjustment_out(a))


class RenameIn(In):
    unit_code: Annotated[str, Ref("orgs.jurisdictions@orgs.change", by="code")]
    name: str
    reason: str = ""


class RenameOut(Schema):
    code: str
    name: str


@router.post("/adjustments/rename", response=RenameOut,
             summary="辖区更名（代码、隶属和记录不变） / rename a unit (its code, tree and records stay)")
def rename(request: HttpRequest, payload: RenameIn):
    require(request, "orgs.change")
    unit = resolve_refs(request.user, payload)["unit_code"]
    j = jurisdiction_rename(actor=request.user, jurisdiction=unit, name=payload.name, reason=payload.reason)
    return {"code": j.code, "name": j.name}


@router.get("/adjustments/{pk}", response=AdjustmentOut,
            summary="一次行政区划调整及其结果 / one adjustment and its report of what moved")
def adjustment_detail(request: HttpRequest, pk: Id):
    require(request, "orgs.change")
    a = get_in_scope(Adjustment.objects.select_related("unit", "other", "job"), request.user, "orgs.change", pk=pk)
    return _adjustment_out(a)
