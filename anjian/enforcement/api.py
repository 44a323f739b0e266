"""Enforcement API: cases (with documents, deadlines and available steps), the payment and
response steps, inspections, and draws with their audit (re-run from the stored seed).
Out-of-scope rows are 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from anjian.core.api import require
from anjian.core.apischema import Id, Limit
from anjian.core.scoping import get_in_scope
from anjian.enforcement import services
from anjian.enforcement.models import Campaign, Case, Inspection, RandomDraw, StandardizationCert
from anjian.enforcement.selectors import (
    campaign_list,
    campaign_progress,
    case_deadlines_estimated,
    case_documents,
    case_list,
    case_transitions,
    inspection_list,
    oh_statistics,
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
    date: dt.date
    estimate: bool = False  # the year has no holiday data yet: the earliest the date can be


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
    c.deadlines_out = [{"key": k, "date": d, "estimate": est}  # type: ignore[attr-defined]
                       for k, d, est in case_deadlines_estimated(c)]
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



class CampaignOut(Schema):
    id: int
    title: str
    field: str
    jurisdiction_code: str
    lead: str
    starts_on: dt.date
    ends_on: dt.date
    status: str

    @staticmethod
    def resolve_jurisdiction_code(obj: Campaign) -> str:
        return obj.jurisdiction.code

    @staticmethod
    def resolve_lead(obj: Campaign) -> str:
        return obj.lead.name


class CertOut(Schema):
    id: int
    enterprise_id: int
    grade: str
    number: str
    issuer: str
    issued_on: dt.date
    valid_until: dt.date
    revoked_on: dt.date | None


@router.get("/campaigns", response=list[CampaignOut], summary="专项整治 / campaigns in scope")
def list_campaigns(request: HttpRequest, after_id: Id | None = None, limit: Limit = 100):
    require(request, "enforcement.view")
    qs = campaign_list(user=request.user).order_by("-id")
    if after_id:
        qs = qs.filter(id__lt=after_id)
    return list(qs[: max(1, min(limit, 1000))])


@router.get("/campaigns/{pk}/progress", summary="专项整治进度 / targets inspected, findings, tasks")
def get_campaign_progress(request: HttpRequest, pk: Id):
    require(request, "enforcement.view")
    c = get_in_scope(Campaign.objects.all(), request.user, "enforcement.view", pk=pk)
    p = campaign_progress(c)
    return {"targets": p["targets"], "inspected": p["inspected"], "percent": p["percent"], "hazards": p["hazards"],
            "violations": p["violations"], "tasks": len(p["tasks"]), "tasks_done": p["tasks_done"]}


@router.get("/standardization", response=list[CertOut], summary="标准化等级 / standardisation grades in scope")
def list_certs(request: HttpRequest, after_id: Id | None = None, limit: Limit = 100):
    require(request, "enforcement.view")
    qs = StandardizationCert.objects.restrict(request.user, "enforcement.view").order_by("-id")
    if after_id:
        qs = qs.filter(id__lt=after_id)
    return list(qs[: max(1, min(limit, 1000))])


@router.get("/occupational/statistics", summary="职业病危害申报统计 / declarations, exposure, dust and highly "
            "toxic substances by district or sector")
def oh_stats(request: HttpRequest, by: str = "district"):
    require(request, "enforcement.view")
    return oh_statistics(user=request.user, by="sector" if by == "sector" else "district")
