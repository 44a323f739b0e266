"""Reports API: list and detail for staff in scope (no identity field exists in these
schemas), and the reporter's identity only for holders of ``public_reports.identity``."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status

from anjian.core.api import require
from anjian.core.apischema import Id, Limit, Param
from anjian.core.scoping import get_in_scope
from anjian.public_reports import selectors, services
from anjian.public_reports.models import Report

router = Router(tags=["public_reports"])


class ReportOut(Schema):
    id: int
    code: str
    channel: str
    report_type: str
    status: str
    description: str
    address: str
    lng: float | None
    lat: float | None
    jurisdiction_code: str | None
    department: str | None
    enterprise_name: str
    received_at: dt.datetime
    handling_due: dt.date | None
    verification: str
    public_reply: str

    @staticmethod
    def resolve_code(obj: Report) -> str:
        return obj.display_code

    @staticmethod
    def resolve_jurisdiction_code(obj: Report) -> str | None:
        return obj.jurisdiction.code if obj.jurisdiction_id else None

    @staticmethod
    def resolve_department(obj: Report) -> str | None:
        return obj.department.name if obj.department_id else None

    @staticmethod
    def resolve_enterprise_name(obj: Report) -> str:
        return obj.unit_name


class IdentityOut(Schema):
    name: str
    phone: str
    id_number: str
    contact_preference: str
    reward_consent: bool


@router.get("/", response=list[ReportOut])
def report_list_api(request: HttpRequest, status: Param = "", limit: Limit = 100, before_id: Id | None = None) -> list[Report]:
    require(request, "public_reports.view")
    qs = selectors.report_list(user=request.user, filters={"status": status}).order_by("-id")
    if before_id:
        qs = qs.filter(id__lt=before_id)
    return list(qs[: max(1, min(limit, 500))])


@router.get("/{report_id}", response=ReportOut)
def report_detail_api(request: HttpRequest, report_id: Id) -> Report:
    require(request, "public_reports.view")
    return get_in_scope(Report.objects.select_related("jurisdiction", "department", "enterprise"), request.user,
                        "public_reports.view", pk=report_id)


@router.get("/{report_id}/identity", response={200: IdentityOut, 404: dict})
def report_identity_api(request: HttpRequest, report_id: Id) -> object:
    require(request, "public_reports.identity")
    r = get_in_scope(Report.objects, request.user, "public_reports.identity", pk=report_id)
    ident = selectors.identity_for(user=request.user, report=r)
    if ident is None:
        return Status(404, {"detail": "Not found", "zh": "匿名举报，无举报人信息"})
    services.identity_viewed(actor=request.user, report=r)
    return ident
