"""Grids API: the inspector's open patrol tasks, recording a patrol (findings become hazards),
and coverage per grid. Out-of-scope objects are 404."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status

from anjian.config.api import require
from anjian.core.scoping import get_in_scope
from anjian.grids import services
from anjian.grids.models import PatrolStatus, PatrolTask

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


class FindingIn(Schema):
    category: str
    description: str
    level: str = "general"
    standard_item: str = ""


class PatrolIn(Schema):
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
def my_tasks(request: HttpRequest, limit: int = 100):
    require(request, "grids.patrol")
    qs = (PatrolTask.objects.restrict(request.user, "grids.view").filter(status=PatrolStatus.OPEN, inspector=request.user)
          .select_related("grid", "enterprise").order_by("due_date", "id"))
    return list(qs[: max(1, min(limit, 500))])


@router.post("/tasks/{pk}/record", response={201: RecordOut},
             summary="巡查签到与记录（发现即上报隐患）/ record a patrol; findings become hazards")
def record_patrol(request: HttpRequest, pk: int, payload: PatrolIn):
    require(request, "grids.patrol")
    task = get_in_scope(PatrolTask.objects.select_related("enterprise"), request.user, "grids.view", pk=pk)
    record = services.patrol_record_create(
        actor=request.user, enterprise=task.enterprise, task=task, lng=payload.lng, lat=payload.lat,
        accuracy_m=payload.accuracy_m, answers=payload.answers, note=payload.note,
        findings=[f.model_dump() for f in payload.findings],
    )
    return Status(201, record)


@router.get("/coverage", response=list[CoverageOut], summary="网格巡查覆盖率 / coverage per grid")
def coverage(request: HttpRequest, start: dt.date, end: dt.date):
    require(request, "grids.view")
    return [
        {"grid_id": r["grid_id"], "grid_code": r["grid__code"], "grid_name": r["grid__name"], "planned": r["planned"],
         "done": r["done"], "on_time": r["on_time"], "overdue": r["overdue"], "rate": r["rate"]}
        for r in services.grid_coverage(user=request.user, start=start, end=end)
    ]
