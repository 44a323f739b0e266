"""Enterprise registry API: list/detail (scoped), create and partial update through the services.

Out-of-scope objects are 404; rule violations are 400 with ``zh``/``en`` messages."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from anjian.core.api import require
from anjian.core.apischema import Id, In, Limit, Param
from anjian.core.lookups import Ref, resolve_refs
from anjian.core.scoping import get_in_scope
from anjian.enterprises import services
from anjian.enterprises.models import (
    Enterprise,
    EnterpriseChangeRequest,
    EnterpriseKind,
    EnterpriseSize,
    EnterpriseStatus,
)
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


class ErrorOut(Schema):
    detail: str
    zh: str | None = None
    en: str | None = None
    field: str | None = None


Kind = Literal[tuple(EnterpriseKind.values)]  # type: ignore[valid-type]
Size = Literal[tuple(EnterpriseSize.values)]  # type: ignore[valid-type]
StatusValue = Literal[tuple(EnterpriseStatus.values)]  # type: ignore[valid-type]


class EnterpriseIn(In):
    """New enterprise. Coordinates are WGS-84 unless ``crs`` is ``gcj02``; without coordinates
    ``jurisdiction_code`` is required. ``sector_code`` is a GB/T 4754 section letter or division."""

    db_model = Enterprise
    name: str
    credit_code: str = ""
    kind: Kind = "enterprise"
    sector_code: Annotated[str | None, Ref("orgs.sectors", by="code")] = None
    size: Size = "small"
    employees: int = 0
    status: StatusValue = "operating"
    address: str = ""
    lng: float | None = None
    lat: float | None = None
    crs: Literal["wgs84", "gcj02"] = "wgs84"
    jurisdiction_code: Annotated[str | None, Ref("orgs.jurisdictions@enterprises.add", by="code")] = None
    principal: str = ""
    principal_phone: str = ""
    safety_manager: str = ""
    safety_manager_phone: str = ""
    flags: list[str] = []


class EnterprisePatch(In):
    """Fields to change; omitted fields stay as they are. A new point re-assigns the jurisdiction
    and the department."""

    db_model = Enterprise
    name: str | None = None
    credit_code: str | None = None
    kind: Kind | None = None
    sector_code: Annotated[str | None, Ref("orgs.sectors", by="code")] = None
    size: Size | None = None
    employees: int | None = None
    status: StatusValue | None = None
    address: str | None = None
    lng: float | None = None
    lat: float | None = None
    crs: Literal["wgs84", "gcj02"] = "wgs84"
    jurisdiction_code: Annotated[str | None, Ref("orgs.jurisdictions@enterprises.change", by="code")] = None
    principal: str | None = None
    principal_phone: str | None = None
    safety_manager: str | None = None
    safety_manager_phone: str | None = None
    flags: list[str] | None = None
    reason: str = ""


def _resolve(payload: dict[str, Any], refs: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    """The payload as service data; sector and jurisdiction are the rows ``resolve_refs`` found
    within the caller's scope (an unknown or out-of-scope code was refused there)."""
    data = dict(payload)
    crs = data.pop("crs", "wgs84")
    data.pop("reason", None)
    if "sector_code" in data:
        data.pop("sector_code")
        data["sector"] = refs["sector_code"]
    data.pop("jurisdiction_code", None)
    jurisdiction = refs.get("jurisdiction_code")
    if "lng" in data or "lat" in data:
        data["lng"], data["lat"] = services.normalise_point(data.get("lng"), data.get("lat"), crs=crs)
    return data, jurisdiction


def _out(request: HttpRequest, pk: int) -> Enterprise:
    """The saved row as the caller may see it (scoped: never a row outside their scope)."""
    return get_in_scope(Enterprise.objects.select_related("jurisdiction", "sector", "department"), request.user,
                        "enterprises.view", pk=pk)


@router.get("/", response=list[EnterpriseOut], summary="企业列表 / enterprises in scope (keyset by id)")
def list_enterprises(request: HttpRequest, q: Param = "", after_id: Id | None = None, limit: Limit = 100):
    require(request, "enterprises.view")
    qs = enterprise_list(user=request.user, filters={"q": q}).order_by("-id")
    if after_id:
        qs = qs.filter(id__lt=after_id)
    return list(qs[: min(limit, 1000)])


@router.get("/{pk}", response=EnterpriseOut, summary="企业档案 / one enterprise")
def get_enterprise(request: HttpRequest, pk: Id):
    require(request, "enterprises.view")
    return get_in_scope(Enterprise.objects.select_related("jurisdiction", "sector", "department"), request.user, "enterprises.view", pk=pk)


@router.post(
    "/", response={201: EnterpriseOut, 400: ErrorOut, 403: ErrorOut},
    summary="新增企业 / create an enterprise (jurisdiction from the point, department by routing)",
)
def create_enterprise(request: HttpRequest, payload: EnterpriseIn):
    require(request, "enterprises.add")
    data, jurisdiction = _resolve(payload.dict(), resolve_refs(request.user, payload))
    ent = services.enterprise_create(actor=request.user, data=data, jurisdiction=jurisdiction)
    return Status(201, _out(request, ent.pk))


@router.patch(
    "/{pk}", response={200: EnterpriseOut, 400: ErrorOut, 403: ErrorOut},
    summary="修改企业档案 / update an enterprise (only the fields sent)",
)
def update_enterprise(request: HttpRequest, pk: Id, payload: EnterprisePatch):
    require(request, "enterprises.change")
    ent = get_in_scope(Enterprise.objects.all(), request.user, "enterprises.change", pk=pk)
    sent = payload.dict(exclude_unset=True)
    reason = sent.get("reason", "")
    if "crs" in sent and not ({"lng", "lat"} & set(sent)):
        sent.pop("crs")
    only = None
    if sent.get("jurisdiction_code") is not None and not services.supervises(request.user, ent):
        # Not a supervising unit (e.g. the enterprise itself): moving it is refused as a
        # supervision field whatever the code (403, propose a change request) before the code is
        # looked up in a scope it does not hold; its own code is simply no change.
        if sent["jurisdiction_code"] != ent.jurisdiction.code:
            raise services.supervision_refusal()
        sent.pop("jurisdiction_code")
        only = [name for name in ("sector_code",) if name in sent]
    data, jurisdiction = _resolve(sent, resolve_refs(request.user, payload, only=only))
    if jurisdiction is not None:
        data["jurisdiction"] = jurisdiction
    ent = services.enterprise_update(actor=request.user, enterprise=ent, data=data, reason=reason)
    return Status(200, _out(request, ent.pk))


# --- change requests to the supervision fields --------------------------------------------------

class ChangeRequestIn(In):
    """What the enterprise proposes (only the fields that change) and why."""

    sector_code: Annotated[str | None, Ref("orgs.sectors", by="code")] = None
    status: StatusValue | None = None
    lng: float | None = None
    lat: float | None = None
    flags: list[str] | None = None
    jurisdiction_code: Annotated[str | None, Ref("orgs.places", by="code")] = None
    reason: str = Field(min_length=1, max_length=2000)


class ChangeRequestOut(Schema):
    id: int
    enterprise_id: int
    changes: dict[str, Any]
    reason: str
    status: str
    created_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str


class DecisionIn(In):
    approve: bool
    note: str = Field(default="", max_length=2000)


@router.get("/{pk}/change-requests", response=list[ChangeRequestOut],
            summary="变更申请 / change requests of an enterprise")
def list_change_requests(request: HttpRequest, pk: Id):
    require(request, "enterprises.view")
    ent = get_in_scope(Enterprise.objects.all(), request.user, "enterprises.view", pk=pk)
    return list(ent.change_requests.order_by("-created_at")[:100])


@router.post("/{pk}/change-requests", response={201: ChangeRequestOut},
             summary="申请变更属地、行业、状态或监管标识 / propose a change to the supervision fields")
def submit_change_request(request: HttpRequest, pk: Id, payload: ChangeRequestIn):
    require(request, "enterprises.change")
    ent = get_in_scope(Enterprise.objects.all(), request.user, "enterprises.change", pk=pk)
    resolve_refs(request.user, payload)  # an unknown sector or place is refused, naming the field
    changes = payload.dict(exclude_unset=True)
    reason = changes.pop("reason")
    return Status(201, services.change_request_submit(actor=request.user, enterprise=ent, changes=changes, reason=reason))


@router.post("/change-requests/{request_id}/decision", response=ChangeRequestOut,
             summary="审核变更申请（批准或驳回）/ approve or reject a change request")
def decide_change_request(request: HttpRequest, request_id: Id, payload: DecisionIn):
    require(request, "enterprises.change")
    req = get_in_scope(EnterpriseChangeRequest.objects.all(), request.user, "enterprises.change", pk=request_id)
    return services.change_request_decide(actor=request.user, request=req, approve=payload.approve, note=payload.note)
