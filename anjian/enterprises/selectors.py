"""Reads of the enterprise registry, always scoped. One filter set feeds page, export and API."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q, QuerySet

from anjian.audit.models import Event
from anjian.enterprises.models import Enterprise
from anjian.orgs.models import Jurisdiction, Sector


def enterprise_list(*, user: Any, filters: dict[str, Any] | None = None, action: str = "enterprises.view") -> QuerySet[Enterprise]:
    qs = Enterprise.objects.restrict(user, action)
    f = filters or {}
    if q := (f.get("q") or "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__startswith=q.upper()))
    if jur := f.get("jurisdiction"):
        qs = qs.filter(jurisdiction_id__in=Jurisdiction.objects.filter(path__startswith=jur.path).values("id"))
    if sector := f.get("sector"):
        qs = qs.filter(sector_id__in=Sector.ids_within([sector]))
    if colour := f.get("risk_colour"):
        qs = qs.filter(risk_colour=colour)
    if size := f.get("size"):
        qs = qs.filter(size=size)
    if status := f.get("status"):
        qs = qs.filter(status=status)
    if flag := f.get("flag"):
        qs = qs.filter(flags__contains=[flag]) if _json_contains_supported() else qs.filter(flags__icontains=f'"{flag}"')
    return qs.select_related("jurisdiction", "sector", "department")


def _json_contains_supported() -> bool:
    return connection.features.supports_json_field_contains


def enterprise_routing(enterprise: Enterprise) -> str:
    """The routing rule that chose the current department (from the latest event that routed it)."""

    ct = ContentType.objects.get_for_model(Enterprise)
    for data in (
        Event.objects.filter(content_type=ct, object_id=str(enterprise.pk), verb__in=["created", "updated"])
        .order_by("-at", "-id")
        .values_list("data", flat=True)[:20]
    ):
        if isinstance(data, dict) and data.get("routing"):
            return str(data["routing"])
    return ""
