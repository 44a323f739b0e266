from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from anjian.config.api import require
from anjian.core.scoping import get_in_scope
from anjian.enterprises.models import Enterprise
from anjian.enterprises.selectors import enterprise_list

router = Router(tags=["enterprises"])


class EnterpriseOut(Schema):
    id: int
    name: str
    credit_code: str
    kind: str
    sector_code: str | None
    size: str
    employees: int
    status: str
    address: str
    lng: float | None
    lat: float | None
    jurisdiction_code: str
    department: str | None
    flags: list[str]
    risk_colour: str

    @staticmethod
    def resolve_sector_code(obj: Enterprise) -> str | None:
        return obj.sector.code if obj.sector_id else None

    @staticmethod
    def resolve_jurisdiction_code(obj: Enterprise) -> str:
        return obj.jurisdiction.code

    @staticmethod
    def resolve_department(obj: Enterprise) -> str | None:
        return obj.department.name if obj.department_id else None


@router.get("/", response=list[EnterpriseOut], summary="企业列表 / enterprises in scope (keyset by id)")
def list_enterprises(request: HttpRequest, q: str = "", after_id: int | None = None, limit: int = 100):
    require(request, "enterprises.view")
    qs = enterprise_list(user=request.user, filters={"q": q}).order_by("-id")
    if after_id:
        qs = qs.filter(id__lt=after_id)
    return list(qs[: min(limit, 1000)])


@router.get("/{pk}", response=EnterpriseOut, summary="企业档案 / one enterprise")
def get_enterprise(request: HttpRequest, pk: int):
    require(request, "enterprises.view")
    return get_in_scope(Enterprise.objects.select_related("jurisdiction", "sector", "department"), request.user, "enterprises.view", pk=pk)
