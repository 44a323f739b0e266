"""Checklists API: templates (filter by sector and kind), one template with its versions, and the
items of a version. Drafts of templates the caller cannot manage are absent (404)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from anjian.checklists.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from anjian.checklists.selectors import template_list, version_get, versions_visible
from anjian.core.api import require
from anjian.core.apischema import Id, Limit, Param
from anjian.orgs.models import Sector

router = Router(tags=["checklists"])


class VersionOut(Schema):
    id: int
    number: int
    status: str
    effective_date: dt.date | None
    published_at: dt.datetime | None
    retired_at: dt.datetime | None
    note: str
    source: str


class TemplateOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    sector_code: str | None
    owner_code: str | None
    description: str
    published_version: int | None

    @staticmethod
    def resolve_sector_code(obj: ChecklistTemplate) -> str | None:
        return obj.sector.code if obj.sector_id else None

    @staticmethod
    def resolve_owner_code(obj: ChecklistTemplate) -> str | None:
        return obj.owner.code if obj.owner_id else None

    @staticmethod
    def resolve_published_version(obj: ChecklistTemplate) -> int | None:
        v = obj.published
        return v.number if v else None


class TemplateDetailOut(TemplateOut):
    versions: list[VersionOut]

    @staticmethod
    def resolve_versions(obj: ChecklistTemplate) -> list[ChecklistVersion]:
        return obj.visible_versions  # type: ignore[attr-defined, no-any-return]


class ItemOut(Schema):
    id: int
    order: int
    code: str
    section: str
    subsection: str
    text: str
    legal_basis: str
    points: int | None
    scoring_method: str
    is_major_criterion: bool
    standard_clause: str


class ItemsOut(Schema):
    template_code: str
    version: VersionOut
    items: list[ItemOut]


@router.get("/", response=list[TemplateOut], summary="排查标准列表 / checklist templates")
def list_templates(request: HttpRequest, sector_code: Param = "", kind: Param = "", q: Param = "",
                   after_id: Id | None = None, limit: Limit = 100):
    require(request, "checklists.view")
    filters: dict = {"kind": kind, "q": q}
    if sector_code:
        sector = Sector.objects.filter(code=sector_code).first()
        if sector is None:
            raise HttpError(400, "unknown sector")
        filters["sector"] = sector
    qs = template_list(user=request.user, filters=filters).order_by("id")
    if after_id:
        qs = qs.filter(id__gt=after_id)
    return list(qs[: max(1, min(limit, 1000))])


@router.get("/{pk}", response=TemplateDetailOut, summary="排查标准及其版本 / one template with its versions")
def get_template(request: HttpRequest, pk: Id):
    require(request, "checklists.view")
    t = template_list(user=request.user).filter(pk=pk).first()
    if t is None:
        raise Http404
    t.visible_versions = list(versions_visible(user=request.user, template=t))  # type: ignore[attr-defined]
    return t


@router.get("/versions/{pk}/items", response=ItemsOut, summary="版本的检查条目 / the items of a version")
def version_items(request: HttpRequest, pk: Id):
    require(request, "checklists.view")
    v: ChecklistVersion = version_get(user=request.user, pk=pk)
    items: list[ChecklistItem] = list(v.items.all())
    return {"template_code": v.template.code, "version": v, "items": items}
