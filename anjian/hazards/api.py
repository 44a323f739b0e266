"""Hazards API: list (same filters as the page), detail with the available transitions,
report, and one endpoint per lifecycle step. Out-of-scope hazards are 404."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Annotated, Any

from django.db import connection
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from anjian.core.api import require
from anjian.core.apifast import json_response
from anjian.core.apischema import Id, In, Limit, Param, Year
from anjian.core.errors import DomainError
from anjian.core.lookups import Ref, resolve_refs
from anjian.core.scoping import RowScope, get_in_scope, row_allowed
from anjian.hazards import services
from anjian.hazards.models import Hazard, HazardListing, HazardStatus
from anjian.hazards.selectors import hazard_list, hazard_transitions, listing_list
from anjian.hazards.stats import as_json, hazard_statistics
from anjian.orgs.models import Jurisdiction, Sector

router = Router(tags=["hazards"])


class HazardOut(Schema):
    id: int
    code: str
    source: str
    enterprise_id: int | None
    unit_name: str
    address: str
    lng: float | None
    lat: float | None
    location_accuracy_m: float | None
    jurisdiction_code: str
    sector_code: str | None
    department: str | None
    routing_rule: str
    category: str
    description: str
    level: str
    standard_item: str
    checklist_item_id: int | None
    finder_name: str
    found_at: dt.datetime
    responsible_person: str
    measures: str
    funds: Decimal | None
    deadline: dt.datetime | None
    status: str
    is_overdue: bool
    plan: dict[str, str]
    risk_method: str
    risk_factors: dict
    risk_score: Decimal | None
    risk_colour: str

    @staticmethod
    def resolve_jurisdiction_code(obj: Hazard) -> str:
        return obj.jurisdiction.code

    @staticmethod
    def resolve_sector_code(obj: Hazard) -> str | None:
        return obj.sector.code if obj.sector_id else None

    @staticmethod
    def resolve_department(obj: Hazard) -> str | None:
        return obj.department.name if obj.department_id else None


class TransitionOut(Schema):
    target: str
    action: str
    label: str
    needs_note: bool


class HazardDetailOut(HazardOut):
    transitions: list[TransitionOut]


class HazardReportIn(In):  # not "ReportIn": the OpenAPI schema name is shared by the whole API
    db_model = Hazard
    source: str
    category: str
    description: str
    level: str = "general"
    enterprise_id: Annotated[int | None, Ref("enterprises")] = None
    place_name: str = ""
    address: str = ""
    lng: float | None = None
    lat: float | None = None
    accuracy_m: float | None = None
    jurisdiction_code: Annotated[str | None, Ref("orgs.jurisdictions@hazards.report", by="code")] = None
    sector_code: Annotated[str | None, Ref("orgs.sectors", by="code")] = None
    standard_item: str = ""
    found_at: dt.datetime | None = None
    checklist_item_id: Annotated[int | None, Ref("checklists.hazard_items")] = None


class TransitionIn(In):
    db_model = Hazard
    note: str = ""
    level: str | None = None
    standard_item: str | None = None
    deadline: dt.datetime | None = None
    responsible_person: str = ""
    measures: str = ""
    funds: Decimal | None = None
    reason: str = ""
    duplicate_of: Annotated[int | None, Ref("hazards")] = None


class PlanIn(In):
    plan: dict[str, str]
    deadline: dt.datetime | None = None


class RerouteIn(In):
    reason: str
    department_id: Annotated[int | None, Ref("orgs.departments@hazards.reroute")] = None
    jurisdiction_code: Annotated[str | None, Ref("orgs.jurisdictions@hazards.reroute", by="code")] = None
    sector_code: Annotated[str | None, Ref("orgs.sectors", by="code")] = None


# The list and the detail (issue 22) answer HazardOut / HazardDetailOut from plain rows, without a
# model instance per related row and a pydantic object per hazard: the same JSON (tests/api/
# test_hazards_plain.py compares both), the schema still documents it.
_ROW_COLUMNS = (
    "id", "source", "enterprise_id", "enterprise__name", "place_name", "address", "lng", "lat", "location_accuracy_m",
    "jurisdiction__code", "sector__code", "department__name", "routing_rule", "category", "description", "level",
    "standard_item", "checklist_item_id", "finder_name", "found_at", "responsible_person", "measures", "funds",
    "deadline", "status", "plan", "risk_method", "risk_factors", "risk_score", "risk_colour",
)


def _plain_row(row: tuple, now: dt.datetime) -> dict:
    """One ``_ROW_COLUMNS`` tuple as ``HazardOut`` renders it (field order included)."""
    (pk, source, enterprise_id, enterprise_name, place_name, address, lng, lat, accuracy, jurisdiction_code,
     sector_code, department, routing_rule, category, description, level, standard_item, checklist_item_id,
     finder_name, found_at, responsible_person, measures, funds, deadline, status, plan, risk_method, risk_factors,
     risk_score, risk_colour) = row
    return {
        "id": pk, "code": Hazard.code_of(pk, found_at), "source": source, "enterprise_id": enterprise_id,
        "unit_name": enterprise_name if enterprise_id else place_name, "address": address,
        "lng": lng, "lat": lat, "location_accuracy_m": accuracy, "jurisdiction_code": jurisdiction_code,
        "sector_code": sector_code, "department": department, "routing_rule": routing_rule, "category": category,
        "description": description, "level": level, "standard_item": standard_item,
        "checklist_item_id": checklist_item_id, "finder_name": finder_name, "found_at": found_at,
        "responsible_person": responsible_person, "measures": measures, "funds": funds, "deadline": deadline,
        "status": status, "is_overdue": Hazard.overdue(status, deadline, now), "plan": plan,
        "risk_method": risk_method, "risk_factors": risk_factors, "risk_score": risk_score, "risk_colour": risk_colour,
    }


def _plain(h: Hazard, now: dt.datetime) -> dict:
    """A hazard read with ``_get`` (its related rows joined) as ``HazardOut`` renders it."""
    return _plain_row((
        h.pk, h.source, h.enterprise_id, h.enterprise.name if h.enterprise_id else None, h.place_name, h.address,
        h.lng, h.lat, h.location_accuracy_m, h.jurisdiction.code, h.sector.code if h.sector_id else None,
        h.department.name if h.department_id else None, h.routing_rule, h.category, h.description, h.level,
        h.standard_item, h.checklist_item_id, h.finder_name, h.found_at, h.responsible_person, h.measures, h.funds,
        h.deadline, h.status, h.plan, h.risk_method, h.risk_factors, h.risk_score, h.risk_colour,
    ), now)


def _get(request: HttpRequest, pk: Id) -> Hazard:
    return get_in_scope(Hazard.objects.select_related("jurisdiction", "sector", "department", "enterprise"),
                        request.user, "hazards.view", pk=pk)


def _detail(request: HttpRequest, h: Hazard) -> Hazard:
    h.transitions = [  # type: ignore[attr-defined]
        {"target": t.target, "action": t.action, "label": str(t.label), "needs_note": t.needs_note}
        for t in hazard_transitions(hazard=h, user=request.user)
    ]
    return h


@router.get("/", response=list[HazardOut], summary="隐患列表 / hazards in scope (keyset by id, newest first)")
def list_hazards(
    request: HttpRequest, q: Param = "", level: Param = "", status: Param = "", source: Param = "", overdue: bool = False,
    sector_code: Param = "", jurisdiction_code: Param = "", after_id: Id | None = None, limit: Limit = 100,
):
    require(request, "hazards.view")
    filters: dict = {"q": q, "level": level, "status": status, "source": source, "overdue": overdue}
    if sector_code:
        sector = Sector.objects.filter(code=sector_code).first()
        if sector is None:
            raise HttpError(400, "unknown sector")
        filters["sector"] = sector
    if jurisdiction_code:
        jur = Jurisdiction.objects.filter(code=jurisdiction_code).first()
        if jur is None:
            raise HttpError(400, "unknown jurisdiction")
        filters["jurisdiction"] = jur
    qs = hazard_list(user=request.user, filters=filters).order_by("-id")
    if after_id:
        qs = qs.filter(id__lt=after_id)
    now = timezone.now()
    return json_response([_plain_row(row, now) for row in qs.values_list(*_ROW_COLUMNS)[: max(1, min(limit, 1000))]])


@router.get("/statistics", summary="隐患统计 / found, rectified, overdue and rate by district, sector, level, month "
            "and the 重大 hazards table (same figures as the page)")
def hazard_statistics_api(request: HttpRequest, year: Year | None = None, jurisdiction_code: Param = "",
                          sector_code: Param = "", source: Param = ""):


    require(request, "hazards.view")
    filters: dict = {"source": source}
    if sector_code:
        sector = Sector.objects.filter(code=sector_code).first()
        if sector is None:
            raise HttpError(400, "unknown sector")
        filters["sector"] = sector
    if jurisdiction_code:
        jur = Jurisdiction.objects.filter(code=jurisdiction_code).first()
        if jur is None:
            raise HttpError(400, "unknown jurisdiction")
        filters["jurisdiction"] = jur
    return as_json(hazard_statistics(user=request.user, year=year or timezone.localdate().year, filters=filters))


_DETAIL_EXTRA = ("jurisdiction_id", "jurisdiction__path", "sector_id", "department_id")


@functools.cache
def _detail_statement(vendor: str) -> tuple[str, Any, Any]:
    """The detail's one statement: the ORM's own SQL for the list's columns and the scoping values
    of one hazard by id, and its value converters, compiled once per process (compiling the four
    joins cost more than running them) — the id is its only parameter."""
    compiler = (Hazard.objects.filter(pk=0).values_list(*_ROW_COLUMNS, *_DETAIL_EXTRA)
                .query.get_compiler(connection=connection))
    sql, params = compiler.as_sql()
    assert tuple(params) == (0,), params
    return sql, compiler, compiler.get_converters([col for col, _sql, _alias in compiler.select])


def _scoped_detail_row(request: HttpRequest, pk: int) -> tuple:
    """The hazard's row, as ``values_list`` gives it, if the user may see it (``row_allowed``:
    ``restrict`` decided in Python on the row's values), else 404 as everywhere."""
    sql, compiler, converters = _detail_statement(connection.vendor)
    with connection.cursor() as cur:
        cur.execute(sql, [pk])
        rows = cur.fetchall()
    if not rows:
        raise Http404
    row = tuple(next(iter(compiler.apply_converters(rows, converters)))) if converters else tuple(rows[0])
    _j, path, sector_id, department_id = row[len(_ROW_COLUMNS):]
    scope = RowScope(pk=row[0], path=path, sector_id=sector_id, department_id=department_id, enterprise_id=row[2])
    if not row_allowed(request.user, "hazards.view", Hazard, scope):
        raise Http404
    return row


@router.get("/{pk}", response=HazardDetailOut, summary="隐患详情及可办理事项 / one hazard with its available steps")
def get_hazard(request: HttpRequest, pk: Id):
    require(request, "hazards.view")
    row = _scoped_detail_row(request, pk)
    n = len(_ROW_COLUMNS)
    jurisdiction_id, path, sector_id, department_id = row[n:]
    # What the buttons need (state, level, the scoping values), without loading the hazard again.
    h = Hazard(pk=row[0], status=row[_ROW_COLUMNS.index("status")], level=row[_ROW_COLUMNS.index("level")],
               sector_id=sector_id, department_id=department_id, enterprise_id=row[2],
               jurisdiction=Jurisdiction(pk=jurisdiction_id, path=path, code=row[_ROW_COLUMNS.index("jurisdiction__code")]))
    transitions = [
        {"target": t.target, "action": t.action, "label": str(t.label), "needs_note": t.needs_note}
        for t in hazard_transitions(hazard=h, user=request.user)
    ]
    return json_response({**_plain_row(row[:n], timezone.now()), "transitions": transitions})


@router.post("/", response={201: HazardDetailOut}, summary="上报隐患 / report a hazard")
def report_hazard(request: HttpRequest, payload: HazardReportIn):
    require(request, "hazards.report")
    refs = resolve_refs(request.user, payload)
    h = services.hazard_report(
        actor=request.user, source=payload.source, category=payload.category, description=payload.description,
        level=payload.level, enterprise=refs["enterprise_id"], place_name=payload.place_name, address=payload.address,
        lng=payload.lng, lat=payload.lat, accuracy_m=payload.accuracy_m, jurisdiction=refs["jurisdiction_code"],
        sector=refs["sector_code"], standard_item=payload.standard_item, found_at=payload.found_at,
        checklist_item=refs["checklist_item_id"],
    )
    if not Hazard.objects.restrict(request.user, "hazards.view").filter(pk=h.pk).exists():
        h.transitions = []  # type: ignore[attr-defined]
        return Status(201, h)
    return Status(201, _detail(request, _get(request, h.pk)))


@router.post("/{pk}/transitions/{target}", response=HazardDetailOut,
             summary="办理：确认/不予确认/开始整改/提交验收/退回/申请销号/现场核查/销号 / take a lifecycle step")
def transition_hazard(request: HttpRequest, pk: Id, target: Param, payload: TransitionIn):
    require(request, "hazards.view")
    h = _get(request, pk)
    refs = resolve_refs(request.user, payload)
    user, current = request.user, h.status
    if target == HazardStatus.CONFIRMED:
        services.hazard_confirm(actor=user, hazard=h, level=payload.level, standard_item=payload.standard_item,
                                deadline=payload.deadline, responsible_person=payload.responsible_person,
                                measures=payload.measures, funds=payload.funds, note=payload.note)
    elif target == HazardStatus.REJECTED:
        services.hazard_reject(actor=user, hazard=h, reason=payload.reason, note=payload.note,
                               duplicate_of=refs["duplicate_of"])
    elif target == HazardStatus.RECTIFYING and current == HazardStatus.CONFIRMED:
        services.hazard_start_rectification(actor=user, hazard=h, note=payload.note)
    elif target == HazardStatus.RECTIFYING and current == HazardStatus.SUBMITTED:
        services.hazard_send_back(actor=user, hazard=h, note=payload.note, deadline=payload.deadline)
    elif target == HazardStatus.RECTIFYING and current == HazardStatus.APPLIED:
        services.hazard_review(actor=user, hazard=h, passed=False, note=payload.note)
    elif target == HazardStatus.SUBMITTED:
        services.hazard_submit(actor=user, hazard=h, note=payload.note)
    elif target == HazardStatus.APPLIED:
        services.hazard_apply_writeoff(actor=user, hazard=h, note=payload.note)
    elif target == HazardStatus.REVIEWED:
        services.hazard_review(actor=user, hazard=h, passed=True, note=payload.note)
    elif target == HazardStatus.WRITTEN_OFF:
        services.hazard_write_off(actor=user, hazard=h, note=payload.note)
    else:
        raise DomainError(f"未知的目标状态：{target}", f"Unknown target state: {target}", field="target")
    return _detail(request, _get(request, pk))


@router.put("/{pk}/plan", response=HazardDetailOut, summary="重大隐患治理方案 / set the six-part treatment plan")
def set_plan(request: HttpRequest, pk: Id, payload: PlanIn):
    require(request, "hazards.rectify")
    h = _get(request, pk)
    services.hazard_plan_set(actor=request.user, hazard=h, plan=payload.plan, deadline=payload.deadline)
    return _detail(request, _get(request, pk))


@router.post("/{pk}/reroute", response={200: HazardOut, 202: dict},
             summary="改派属地/行业/监管部门 / re-route (audited); 202 when the hazard leaves the caller's scope")
def reroute(request: HttpRequest, pk: Id, payload: RerouteIn):
    require(request, "hazards.reroute")
    h = _get(request, pk)
    refs = resolve_refs(request.user, payload)
    h = services.hazard_reroute(actor=request.user, hazard=h, reason=payload.reason, department=refs["department_id"],
                                jurisdiction=refs["jurisdiction_code"], sector=refs["sector_code"])
    if not Hazard.objects.restrict(request.user, "hazards.view").filter(pk=h.pk).exists():
        return Status(202, {"detail": "已改派，该隐患已移出您的管辖范围 / Re-routed; the hazard is now outside your scope"})
    return _get(request, h.pk)


class ListingIn(In):
    db_model = HazardListing
    level: str
    series_id: Annotated[int, Ref("documents.series")]
    issuer: str
    deadline: dt.date
    requirements: str = ""


class ListingOut(Schema):
    id: int
    hazard_id: int
    level: str
    number: str
    issuer: str
    issued_on: dt.date
    deadline: dt.date
    requirements: str
    status: str
    written_off_at: dt.datetime | None
    is_overdue: bool


@router.get("/{pk}/listings", response=list[ListingOut], summary="挂牌督办记录 / listed-supervision records")
def get_listings(request: HttpRequest, pk: Id):
    require(request, "hazards.view")
    return listing_list(user=request.user, hazard=_get(request, pk))


@router.post("/{pk}/listings", response={201: ListingOut}, summary="挂牌督办（取文号）/ list a major hazard for supervision")
def create_listing(request: HttpRequest, pk: Id, payload: ListingIn):

    require(request, "hazards.supervise")
    h = _get(request, pk)
    series = resolve_refs(request.user, payload)["series_id"]
    listing = services.hazard_listing_create(actor=request.user, hazard=h, level=payload.level, series=series,
                                             issuer=payload.issuer, deadline=payload.deadline,
                                             requirements=payload.requirements)
    return Status(201, listing)


class RiskIn(In):
    method: str
    factors: dict


@router.post("/{pk}/risk", response=HazardDetailOut, summary="风险评价（LEC/LS，四色）/ score the hazard's risk")
def assess_risk(request: HttpRequest, pk: Id, payload: RiskIn):
    require(request, "hazards.confirm")
    h = _get(request, pk)
    services.hazard_risk_assess(actor=request.user, hazard=h, method=payload.method, factors=payload.factors)
    return _detail(request, _get(request, pk))
