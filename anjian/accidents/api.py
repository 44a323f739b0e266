"""Accident API: list (keyset), detail, quick report and supplement. Out of scope is 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from anjian.accidents import services
from anjian.accidents.models import Accident, AccidentSupplement, ControlTarget, ReferenceFigure
from anjian.accidents.selectors import accident_list
from anjian.accidents.stats import Period, _plain, accident_indicators, statistics_report
from anjian.accidents.targets import target_progress, target_set, target_split
from anjian.core.api import require
from anjian.core.apischema import Id, In, Limit, Month, Param, Year
from anjian.core.errors import DomainError
from anjian.core.lookups import Ref, resolve_refs
from anjian.core.scoping import get_in_scope
from anjian.orgs.models import Jurisdiction

router = Router(tags=["accidents"])


class AccidentOut(Schema):
    id: int
    kind: str
    unit_name: str
    enterprise_id: int | None
    occurred_at: dt.datetime
    known_at: dt.datetime
    reported_at: dt.datetime
    report_due_at: dt.datetime
    late_minutes: int | None
    place: str
    lng: float | None
    lat: float | None
    jurisdiction_code: str
    sector_code: str | None
    department: str | None
    category: str
    type_code: str
    type_name: str
    type_standard: str
    description: str
    deaths: int
    missing: int
    trapped: int
    serious_injuries: int
    minor_injuries: int
    direct_loss_yuan: Decimal
    grade: int | None
    grade_label: str | None
    grade_reason: str
    reported_grade: int | None
    grade_raised: bool
    supervision: int

    @staticmethod
    def resolve_jurisdiction_code(obj: Accident) -> str:
        return obj.jurisdiction.code

    @staticmethod
    def resolve_sector_code(obj: Accident) -> str | None:
        return obj.sector.code if obj.sector_id else None

    @staticmethod
    def resolve_department(obj: Accident) -> str | None:
        return obj.department.name if obj.department_id else None

    @staticmethod
    def resolve_grade_label(obj: Accident) -> str | None:
        return obj.get_grade_display() if obj.grade else None


class AccidentFilters(In):
    start: dt.date | None = None
    end: dt.date | None = None
    jurisdiction: str | None = None
    category: str | None = None
    grade: int | None = None
    type_code: str | None = None
    kind: str | None = None
    after_id: Id | None = None
    limit: Limit = 100


class ReportIn(In):
    db_model = Accident
    kind: str = "accident"
    enterprise_id: Annotated[int | None, Ref("enterprises@accidents.report")] = None
    unit_name: str = ""
    unit_overview: str = ""
    occurred_at: dt.datetime
    known_at: dt.datetime
    reported_at: dt.datetime | None = None
    place: str
    lng: float | None = None
    lat: float | None = None
    jurisdiction_code: Annotated[str | None, Ref("orgs.jurisdictions", by="code")] = None
    sector_code: Annotated[str | None, Ref("orgs.sectors", by="code")] = None
    category: str
    type_code: str
    description: str
    deaths: int = 0
    missing: int = 0
    trapped: int = 0
    serious_injuries: int = 0
    minor_injuries: int = 0
    direct_loss_yuan: Decimal = Decimal(0)
    people_at_risk: int = 0
    evacuated: int = 0
    serious_pollution: bool = False
    key_site_endangered: bool = False
    measures: str = ""
    other: str = ""
    reporter: str
    reporter_phone: str = ""


class SupplementIn(In):
    db_model = AccidentSupplement
    changed_on: dt.date
    deaths: int | None = None
    missing: int | None = None
    trapped: int | None = None
    serious_injuries: int | None = None
    minor_injuries: int | None = None
    direct_loss_yuan: Decimal | None = None
    note: str = ""


class SupplementOut(Schema):
    id: int
    counted: bool
    window_end: dt.date
    grade_before: int | None
    grade_after: int | None
    accident: AccidentOut


def _one(request: HttpRequest, pk: Id) -> Accident:
    return get_in_scope(
        Accident.objects.select_related("jurisdiction", "sector", "department"), request.user, "accidents.view", pk=pk
    )


@router.get("/", response=list[AccidentOut], summary="事故列表 / accidents in scope (keyset by id)")
def list_accidents(request: HttpRequest, filters: Query[AccidentFilters]):
    require(request, "accidents.view")
    f = filters.dict()
    if code := f.pop("jurisdiction"):
        f["jurisdiction"] = get_in_scope(Jurisdiction.objects.all(), request.user, "orgs.view", code=code)
    qs = accident_list(user=request.user, filters=f).order_by("-id")
    if filters.after_id:
        qs = qs.filter(id__lt=filters.after_id)
    return list(qs[: max(1, min(filters.limit, 1000))])


@router.get("/{pk}", response=AccidentOut, summary="事故详情 / one accident")
def get_accident(request: HttpRequest, pk: Id):
    require(request, "accidents.view")
    return _one(request, pk)


@router.post("/", response={201: AccidentOut}, summary="事故快报 / quick report")
def report_accident(request: HttpRequest, payload: ReportIn):
    require(request, "accidents.report")
    refs = resolve_refs(request.user, payload)
    data = payload.dict()
    for name, key in (("enterprise_id", "enterprise"), ("jurisdiction_code", "jurisdiction"), ("sector_code", "sector")):
        data.pop(name)
        if refs[name] is not None:
            data[key] = refs[name]
    acc = services.accident_report(actor=request.user, data=data)
    return Status(201, _one(request, acc.pk))


class VerifyIn(Schema):
    note: str = ""


@router.post("/{pk}/verify", response=AccidentOut,
             summary="核报 / verify a report or a raised grade and pass it up (completes the 核报 to-dos)")
def verify_accident(request: HttpRequest, pk: int, payload: VerifyIn):
    require(request, "accidents.investigate")
    acc = _one(request, pk)
    services.accident_verify(actor=request.user, accident=acc, note=payload.note)
    return _one(request, pk)


@router.post("/{pk}/supplements", response={201: SupplementOut}, summary="续报/补报 / supplement")
def supplement_accident(request: HttpRequest, pk: Id, payload: SupplementIn):
    require(request, "accidents.supplement")
    acc = _one(request, pk)
    figures = {k: v for k, v in payload.dict().items() if k not in ("changed_on", "note") and v is not None}
    sup = services.accident_supplement(actor=request.user, accident=acc, changed_on=payload.changed_on,
                                       figures=figures, note=payload.note)
    return Status(201, {"id": sup.pk, "counted": sup.counted, "window_end": sup.window_end, "grade_before": sup.grade_before,
                        "grade_after": sup.grade_after, "accident": _one(request, pk)})


@router.get("/stats/summary", summary="事故统计 / statistics for a year or month (same figures as the page)")
def accident_statistics(request: HttpRequest, year: Year, month: Month | None = None, jurisdiction: Param | None = None,
                        category: Param | None = None):
    require(request, "accidents.view")
    if month is not None and not 1 <= month <= 12:
        raise DomainError("月份不正确", "Bad month", field="month")
    period = Period.month(year, month) if month else Period.year(year)
    filters: dict = {"category": category} if category else {}
    if jurisdiction:
        filters["jurisdiction"] = get_in_scope(Jurisdiction.objects.all(), request.user, "orgs.view", code=jurisdiction)
    data = statistics_report(user=request.user, period=period, filters=filters)
    if jurisdiction and not category:
        # a year's report has the year's rows by category for this very area: no second grouping
        data["indicators"] = _plain(accident_indicators(user=request.user, year=year, jurisdiction=filters["jurisdiction"],
                                                        by_category=None if month else data["by"]["category"]))
    return data


# --- control targets ----------------------------------------------------------------------------


class TargetOut(Schema):
    id: int
    year: int
    jurisdiction_code: str
    jurisdiction: str
    department_id: int | None
    department: str | None
    parent_id: int | None
    category: str
    metric: str
    quota: int
    amber_ratio: Decimal
    red_ratio: Decimal
    actual: int
    percent: Decimal | None
    pace: Decimal
    status: str


class TargetIn(In):
    db_model = ControlTarget
    year: int
    metric: str
    quota: int
    category: str = ""
    jurisdiction_code: Annotated[str | None, Ref("orgs.jurisdictions@accidents.targets", by="code")] = None
    department_id: Annotated[int | None, Ref("orgs.departments_inside@accidents.targets")] = None
    amber_ratio: Decimal = Decimal("0.8")
    red_ratio: Decimal = Decimal("1")
    note: str = ""


class SplitIn(In):
    to: str = "districts"
    manual: dict[int, int] | None = None


def _target_rows(request: HttpRequest, year: int, ids: set[int] | None = None) -> list[dict]:
    rows = []
    for r in target_progress(user=request.user, year=year):
        t = r["target"]
        if ids is not None and t.pk not in ids:
            continue
        rows.append({
            "id": t.pk, "year": t.year, "jurisdiction_code": t.jurisdiction.code, "jurisdiction": t.jurisdiction.name,
            "department_id": t.department_id, "department": t.department.name if t.department_id else None,
            "parent_id": t.parent_id, "category": t.category, "metric": t.metric, "quota": t.quota,
            "amber_ratio": t.amber_ratio, "red_ratio": t.red_ratio, "actual": r["actual"], "percent": r["percent"],
            "pace": r["pace"], "status": r["status"],
        })
    return rows


@router.get("/targets/", response=list[TargetOut],
            summary="控制指标进展 / control targets in scope with progress (areas and departments)")
def list_targets(request: HttpRequest, year: Year):
    require(request, "accidents.view")
    return _target_rows(request, year)


@router.post("/targets/", response={201: TargetOut}, summary="下达/调整控制指标 / set an area's or a department's target")
def set_target(request: HttpRequest, payload: TargetIn):
    require(request, "accidents.targets")
    refs = resolve_refs(request.user, payload)
    department = refs["department_id"]
    if department is not None:
        jurisdiction = department.jurisdiction
    elif refs["jurisdiction_code"] is not None:
        jurisdiction = refs["jurisdiction_code"]
    else:
        raise DomainError("请指定区域或部门", "Give jurisdiction_code or department_id", field="jurisdiction_code")
    target = target_set(actor=request.user, year=payload.year, jurisdiction=jurisdiction, department=department,
                        metric=payload.metric, quota=payload.quota, category=payload.category,
                        amber_ratio=payload.amber_ratio, red_ratio=payload.red_ratio, note=payload.note)
    return Status(201, _target_rows(request, target.year, {target.pk})[0])


@router.post("/targets/{pk}/split", response={201: list[TargetOut]},
             summary="分解控制指标 / split a target to districts or departments (manual or by last year)")
def split_target(request: HttpRequest, pk: Id, payload: SplitIn):
    require(request, "accidents.targets")
    target = get_in_scope(ControlTarget.objects.select_related("jurisdiction"), request.user, "accidents.targets", pk=pk)
    children = target_split(actor=request.user, target=target, manual=payload.manual, to=payload.to)
    return Status(201, _target_rows(request, target.year, {c.pk for c in children}))


# --- reference figures (设置 › 统计参考数据) ------------------------------------------------------


class FigureIn(In):
    db_model = ReferenceFigure
    year: int
    jurisdiction_code: Annotated[str, Ref("orgs.jurisdictions@accidents.targets", by="code")]
    gdp_yi_yuan: Decimal | None = None
    industrial_employed: int | None = None
    motor_vehicles: int | None = None
    source: str = ""


class FigureOut(Schema):
    year: int
    jurisdiction_code: str
    jurisdiction: str
    gdp_yi_yuan: Decimal | None
    industrial_employed: int | None
    motor_vehicles: int | None
    source: str


def _figure_out(f: ReferenceFigure) -> dict:
    return {"year": f.year, "jurisdiction_code": f.jurisdiction.code, "jurisdiction": f.jurisdiction.name,
            "gdp_yi_yuan": f.gdp_yi_yuan, "industrial_employed": f.industrial_employed,
            "motor_vehicles": f.motor_vehicles, "source": f.source}


@router.get("/figures/", response=list[FigureOut], summary="统计参考数据 / reference figures (GDP, employment, vehicles)")
def list_figures(request: HttpRequest, year: Year | None = None):
    require(request, "accidents.targets")
    qs = ReferenceFigure.objects.restrict(request.user, "accidents.targets").select_related("jurisdiction")
    if year is not None:
        qs = qs.filter(year=year)
    return [_figure_out(f) for f in qs[:1000]]


@router.put("/figures/", response=FigureOut, summary="录入或修改统计参考数据 / enter or correct one year's figures of an area")
def set_figure(request: HttpRequest, payload: FigureIn):
    require(request, "accidents.targets")
    refs = resolve_refs(request.user, payload)
    figure = services.reference_figure_set(
        actor=request.user, year=payload.year, jurisdiction=refs["jurisdiction_code"],
        data={k: getattr(payload, k) for k in ("gdp_yi_yuan", "industrial_employed", "motor_vehicles", "source")})
    return _figure_out(figure)
