"""Funds API: the special fund ledger (lines with execution, spending), the enterprises' safety
cost, custody contracts and visits, safety technology. Reads are scoped; out of scope is 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import Http404, HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from anjian.core.api import require
from anjian.core.apischema import Id, In, Limit, Year
from anjian.core.lookups import Ref, resolve_refs
from anjian.funds import selectors as sel
from anjian.funds import services
from anjian.funds.models import CustodyVisit, FundSpending, SafetyCostYear, TechInstallation

router = Router(tags=["funds"])


class BalanceOut(Schema):
    key: str
    allocated: Decimal
    spent: Decimal
    remaining: Decimal
    rate: Decimal | None


class LedgerOut(Schema):
    year: Year
    by_line: list[BalanceOut]
    by_district: list[BalanceOut]


class SpendingIn(Schema):
    allocation_id: Annotated[int, Ref("funds.allocations")]
    spent_on: dt.date
    amount: Decimal
    voucher_no: str
    purpose: str
    payee: str = ""


class SpendingOut(Schema):
    id: int
    allocation_id: int
    spent_on: dt.date
    amount: Decimal
    voucher_no: str
    purpose: str
    reverses_id: int | None


class FileOut(Schema):
    id: int
    name: str
    mime: str
    size: int
    url: str

    @staticmethod
    def resolve_name(obj: object) -> str:
        return obj.original_name  # type: ignore[attr-defined, no-any-return]

    @staticmethod
    def resolve_url(obj: object) -> str:
        return f"/documents/attachments/{obj.pk}/"  # type: ignore[attr-defined]


class CostOut(Schema):
    enterprise_id: int
    enterprise: str
    year: Year
    regime: str
    required: Decimal | None
    extracted: Decimal
    carried_over: Decimal
    used: Decimal
    shortfall: Decimal | None
    usage_rate: Decimal | None


class CostIn(In):
    db_model = SafetyCostYear
    enterprise_id: Annotated[int, Ref("enterprises@funds.cost")]
    year: Year
    regime: str
    category: str = ""
    base: Decimal
    extracted: Decimal
    carried_over: Decimal = Decimal(0)


class ContractOut(Schema):
    id: int
    number: str
    enterprise_id: int
    provider_id: int
    provider: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str

    @staticmethod
    def resolve_provider(obj: object) -> str:
        return obj.provider.name  # type: ignore[attr-defined, no-any-return]


class VisitIn(Schema):
    visited_on: dt.date
    content: str
    hazards_found: int = 0
    hazards_fixed: int = 0


class VisitOut(Schema):
    id: int
    contract_id: int
    visited_on: dt.date
    hazards_found: int
    hazards_fixed: int


class InstallationOut(Schema):
    id: int
    enterprise_id: int
    kind: str
    quantity: int
    installed_on: dt.date
    maintained_on: dt.date | None
    sensor_code: str


@router.get("/ledger", response=LedgerOut, summary="专项经费执行情况 / fund execution by line and district")
def ledger(request: HttpRequest, year: Year):
    require(request, "funds.manage")
    s = sel.ledger_summary(user=request.user, year=year)
    return {"year": year, "by_line": s["line"], "by_district": s["district"]}


@router.post("/spendings", response={201: SpendingOut}, summary="登记经费支出 / record a payment")
def spend(request: HttpRequest, payload: SpendingIn):
    require(request, "funds.manage")
    alloc = resolve_refs(request.user, payload)["allocation_id"]
    data = payload.dict()
    data.pop("allocation_id")
    return Status(201, services.spending_record(actor=request.user, allocation=alloc, **data))


@router.post("/spendings/{pk}/vouchers", response={201: list[FileOut]},
             summary="上传支出凭证扫描件 / upload voucher scans (multipart, field files)")
def spending_vouchers(request: HttpRequest, pk: Id, files: list[UploadedFile] = File(...)):  # noqa: B008 - ninja's way
    require(request, "funds.manage")
    s = FundSpending.objects.restrict(request.user, "funds.manage").filter(pk=pk).first()
    if s is None:
        raise Http404
    return Status(201, services.spending_attach(actor=request.user, spending=s, files=files))


@router.get("/costs", response=list[CostOut], summary="企业安全生产费用 / enterprises' safety cost")
def costs(request: HttpRequest, year: Year):
    require(request, "funds.view")
    return [{**r, "enterprise_id": r["enterprise"].pk, "enterprise": r["enterprise"].name, "year": year,
             "regime": r["record"].regime} for r in sel.cost_rows(user=request.user, year=year)]


@router.post("/costs", response={201: CostOut}, summary="填报安全生产费用 / file the year's safety cost")
def cost_save(request: HttpRequest, payload: CostIn):
    require(request, "funds.cost")
    refs = resolve_refs(request.user, payload)
    data = payload.dict()
    data.pop("enterprise_id")
    rec: SafetyCostYear = services.cost_year_save(actor=request.user, enterprise=refs["enterprise_id"], **data)
    row = next(r for r in sel.cost_rows(user=request.user, year=rec.year) if r["record"].pk == rec.pk)
    return Status(201, {**row, "enterprise_id": rec.enterprise_id, "enterprise": rec.enterprise.name, "year": rec.year,
                        "regime": rec.regime})


@router.get("/contracts", response=list[ContractOut], summary="托管合同 / custody contracts")
def contracts(request: HttpRequest, after_id: Id | None = None, limit: Limit = 100):
    require(request, "funds.view")
    qs = sel.contracts(user=request.user).order_by("id")
    if after_id:
        qs = qs.filter(id__gt=after_id)
    return list(qs[: max(1, min(limit, 1000))])


@router.post("/contracts/{pk}/visits", response={201: VisitOut}, summary="托管服务记录 / record a custody visit")
def visit(request: HttpRequest, pk: Id, payload: VisitIn):
    require(request, "funds.visit")
    c = sel.contracts(user=request.user).filter(pk=pk).first()
    if c is None:
        raise Http404
    return Status(201, services.visit_record(actor=request.user, contract=c, **payload.dict()))


@router.post("/visits/{pk}/evidence", response={201: list[FileOut]},
             summary="上传托管服务佐证 / upload evidence for a custody visit (multipart, field files)")
def visit_evidence(request: HttpRequest, pk: Id, files: list[UploadedFile] = File(...)):  # noqa: B008 - ninja's way
    require(request, "funds.visit")
    v = CustodyVisit.objects.restrict(request.user, "funds.visit").filter(pk=pk).select_related(
        "contract__enterprise", "contract__provider").first()
    if v is None:
        raise Http404
    return Status(201, services.visit_attach(actor=request.user, visit=v, files=files))


@router.get("/installations", response=list[InstallationOut], summary="安全技术装备 / safety technology")
def installations(request: HttpRequest, kind: str = "", after_id: Id | None = None, limit: Limit = 100):
    require(request, "funds.view")
    qs = TechInstallation.objects.restrict(request.user, "funds.view").order_by("id")
    if kind:
        qs = qs.filter(kind=kind)
    if after_id:
        qs = qs.filter(id__gt=after_id)
    return list(qs[: max(1, min(limit, 1000))])
