"""Training API: sessions, hours against the required hours, certificates, publicity; the phone
sign-in is a page (no account), not an API call."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from anjian.core.api import require
from anjian.core.apischema import Id, Limit, Year
from anjian.training import selectors as sel

router = Router(tags=["training"])


class SessionOut(Schema):
    id: int
    title: str
    group: str
    hours: Decimal
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    enterprise_id: int | None
    jurisdiction_id: int
    enrolled: int
    present: int
    closed_at: dt.datetime | None


class HoursOut(Schema):
    trainee_id: int
    name: str
    role: str
    enterprise_id: int | None
    required: int | None
    attended: Decimal
    shortfall: Decimal


class CertificateOut(Schema):
    id: int
    trainee_id: int
    kind: str
    issued_on: dt.date
    expires_on: dt.date
    renew_from: dt.date
    next_review_on: dt.date | None
    licence_id: int


class ActivityOut(Schema):
    id: int
    kind: str
    title: str
    organiser: str
    place: str
    starts_on: dt.date
    ends_on: dt.date
    reach: int
    materials: int


def _page(qs, after_id, limit):  # type: ignore[no-untyped-def]
    qs = qs.order_by("id")
    if after_id:
        qs = qs.filter(id__gt=after_id)
    return list(qs[: max(1, min(limit, 1000))])


@router.get("/sessions", response=list[SessionOut], summary="培训班次 / training sessions")
def sessions(request: HttpRequest, after_id: Id | None = None, limit: Limit = 100):
    require(request, "training.view")
    return _page(sel.sessions(user=request.user), after_id, limit)


@router.get("/hours", response=list[HoursOut], summary="人员学时与应训学时 / hours against required hours")
def hours(request: HttpRequest, year: Year, short_only: bool = False):
    require(request, "training.view")
    return [{"trainee_id": r["trainee"].pk, "name": r["trainee"].name, "role": r["trainee"].role,
             "enterprise_id": r["trainee"].enterprise_id, "required": r["required"], "attended": r["attended"],
             "shortfall": r["shortfall"]} for r in sel.hours_report(user=request.user, year=year, short_only=short_only)]


@router.get("/certificates", response=list[CertificateOut], summary="人员证书 / personal certificates")
def certificates(request: HttpRequest, after_id: Id | None = None, limit: Limit = 100):
    require(request, "training.view")
    return _page(sel.certificates(user=request.user), after_id, limit)


@router.get("/activities", response=list[ActivityOut], summary="宣传活动 / publicity activities")
def activities(request: HttpRequest, after_id: Id | None = None, limit: Limit = 100):
    require(request, "training.view")
    return _page(sel.activities(user=request.user), after_id, limit)
