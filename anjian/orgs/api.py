from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from anjian.core.api import require
from anjian.core.apischema import Id, Level
from anjian.core.scoping import get_in_scope
from anjian.orgs.models import Jurisdiction

router = Router(tags=["orgs"])


class JurisdictionOut(Schema):
    id: int
    code: str
    name: str
    level: int
    parent_id: int | None
    path: str
    center_lng: float | None
    center_lat: float | None


@router.get("/jurisdictions", response=list[JurisdictionOut], summary="辖区列表 / jurisdictions in scope")
def jurisdiction_list(request: HttpRequest, level: Level | None = None, parent: Id | None = None, limit: Annotated[int, Field(ge=1, le=5000)] = 500):
    require(request, "orgs.view")
    qs = Jurisdiction.objects.restrict(request.user, "orgs.view")
    if level is not None:
        qs = qs.filter(level=level)
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    return list(qs.order_by("path")[: min(limit, 5000)])


@router.get("/jurisdictions/{pk}", response=JurisdictionOut, summary="辖区 / one jurisdiction")
def jurisdiction_get(request: HttpRequest, pk: Id):
    require(request, "orgs.view")
    return get_in_scope(Jurisdiction.objects, request.user, "orgs.view", pk=pk)
