"""Enforcement API: cases (with documents, deadlines and available steps), the payment and
response steps, inspections, and draws with their audit (re-run from the stored seed).
Out-of-scope rows are 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from anjian.config.api import require
from anjian.core.apischema import Id, Limit
from anjian.core.scoping import get_in_scope
from anjian.enforcement import services
from anjian.enforcement.models import Case, Inspection, RandomDraw
from anjian.enforcement.selectors import (
    case_deadlines,
    case_documents,
    case_list,
    case_transitions,
    inspection_list,
)

router = Router(tags=["enforcement"])


class CaseOut(Schema):
    id: int
    number: str
    procedure: str
    status: str
    enterprise_id: int
    enterprise: str
    department: str
    cause: str
    penalty_kind: str
    fine: Decimal | None
    filed_on: dt.date
    notified_on: dt.date | None
    decided_on: dt.date | None
    delivered_on: dt.date | None
    paid_on: dt.date | None
    surcharge: Decimal

    @staticmethod
    def resolve_enterprise(obj: Case) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_department(obj: Case) -> str:
        return obj.department.name


class DocumentOut(Schema):
    id: int
    kind: str
    number: str
    issued_on: dt.date
    deadline: dt.date | None
    delivered_on: dt.date | None


class DeadlineOut(Schema):
    key: str
    date: dt.date | None


class CaseDetailOut(CaseOut):
    documents: list[DocumentOut]
    deadlines: list[DeadlineOut]
    transitions: list[dict]


class InspectionOut(Schema):
    id: int
    code: str
    kind: str
    status: str
    enterprise_id: int
    department_id: int
    place: str
    started_at: dt.datetime
    ended_at: dt.datetime | None


class DrawOut(Schema):
    id: int
    seed: str
    ratio_percent: Decimal
    population: list[int]
    status: str
    picks: list[dict]
    reproduced: bool


class _DrawOut(DrawOut):
    @staticmethod
    def resolve_picks(obj: RandomDraw) -> list:
        return obj.picks_out  # type: ignore[attr-defined,no-any-return]


class RespondIn(Schema):
    statement: str = ""
    hearing_requested: bool = False


class PayIn(Schema):
    paid_on: dt.date


def _case(request: HttpRequest, pk: int) -> Case:
    return get_in_scope(Case.objects.select_related("enterprise", "department"), request.user, "enforcement.view", pk=pk)


def _detail(request: HttpRequest, c: Case) -> Case:
    c.documents_out = list(case_documents(user=request.user, case=c))  # type: ignore[attr-defined]
    c.deadlines_out = [{"key": k, "date": d} for k, d in case_deadlines(c)]  # type: ignore[attr-defined]
    c.transitions_out = [{"target": t.target, "action": t.action, "label": str(t.label)}  # type: ignore[attr-defined]
                         for t in case_transitions(case=c, user=request.user)]
    return c


class _Detail(CaseDetailOut):
    @staticmethod
    def resolve_documents(obj: Case) -> list:
        return obj.documents_out  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_deadlines(obj: Case) -> list:
        return obj.deadlines_out  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_transitions(obj: Case) -> list:
        return obj.transitions_out  # type: ignore[attr-defined,no-any-return]


@router.get("/cases", response=list[CaseOut], summary="案件列表 / cases in scope (keyset by id, newest first)")
def list_cases(request: HttpRequest, status: str = "", after_id: Id | None = None, limit: Limit = 100):
    require(request, "enforcement.view")
    qs = case_list(user=request.user, status=status).order_by("-id")
    if after_id:
        qs = qs.filter(id__lt=after_id)
    return list(qs[: max(1, min(limit, 1000))])


@router.get("/cases/{pk}", response=_Detail, summary="案卷 / one case with its documents, deadlines and steps")
def get_case(request: HttpRequest, pk: Id):
    require(request, "enforcement.view")
    return _detail(request, _case(request, pk))


@router.post("/cases/{pk}/respond", response=_Detail, summary="陈述申辩 / the party states its case")
def respond_case(request: HttpRequest, pk: Id, payload: RespondIn):
    require(request, "enforcement.respond")
    c = services.case_respond(actor=request.user, case=_case(request, pk), statement=payload.statement,
                              hearing_requested=payload.hearing_requested)
    return _detail(request, _case(request, c.pk))


@router.post("/cases/{pk}/pay", response=_Detail, summary="缴纳罚款 / record the payment of the fine")
def pay_case(request: HttpRequest, pk: Id, payload: PayIn):
    require(request, "enforcement.pay")
    c = services.case_pay(actor=request.user, case=_case(request, pk), paid_on=payload.paid_on)
    return _detail(request, _case(request, c.pk))


@router.get("/inspections", response=list[InspectionOut], summary="现场检查 / inspections in scope")
def list_inspections(request: HttpRequest, after_id: Id | None = None, limit: Limit = 100):
    require(request, "enforcement.view")
    qs = inspection_list(user=request.user).order_by("-id")
    if after_id:
        qs = qs.filter(id__lt=after_id)
    return list(qs[: max(1, min(limit, 1000))])


@router.get("/inspections/{pk}", response=InspectionOut, summary="现场检查 / one inspection")
def get_inspection(request: HttpRequest, pk: Id):
    require(request, "enforcement.view")
    return get_in_scope(Inspection.objects.all(), request.user, "enforcement.view", pk=pk)


@router.get("/draws/{pk}", response=_DrawOut, summary="双随机抽查 / a draw, its seed and population, re-run to audit it")
def get_draw(request: HttpRequest, pk: Id):
    require(request, "enforcement.view")
    d = get_in_scope(RandomDraw.objects.all(), request.user, "enforcement.view", pk=pk)
    d.picks_out = [{"enterprise_id": p.enterprise_id, "inspector_ids": sorted(i.pk for i in p.inspectors.all())}  # type: ignore[attr-defined]
                   for p in d.picks.order_by("order").prefetch_related("inspectors")]
    d.reproduced = services.draw_verify(d)  # type: ignore[attr-defined]
    return d

