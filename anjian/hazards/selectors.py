"""Reads of hazards, always scoped by ``restrict(user, "hazards.view")``. One filter set feeds
the list page, the map, the export and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from anjian.core.workflow import Transition
from anjian.hazards.models import (
    RECTIFICATION_STATUSES,
    Hazard,
    HazardListing,
    HazardPenalty,
    RepeatOffenderFlag,
)
from anjian.hazards.workflow import HAZARD_WORKFLOW
from anjian.orgs.models import Jurisdiction, Sector


def hazard_list(*, user: Any, filters: dict[str, Any] | None = None, action: str = "hazards.view") -> QuerySet[Hazard]:
    qs = Hazard.objects.restrict(user, action)
    f = filters or {}
    if q := (f.get("q") or "").strip():
        qs = qs.filter(Q(category__icontains=q) | Q(description__icontains=q) | Q(enterprise__name__icontains=q)
                       | Q(place_name__icontains=q))
    if level := f.get("level"):
        qs = qs.filter(level=level)
    if status := f.get("status"):
        qs = qs.filter(status=status)
    if source := f.get("source"):
        qs = qs.filter(source=source)
    if f.get("overdue"):
        qs = qs.filter(status__in=RECTIFICATION_STATUSES, deadline__lt=timezone.now())
    if sector := f.get("sector"):
        qs = qs.filter(sector_id__in=Sector.ids_within([sector]))
    if jur := f.get("jurisdiction"):
        qs = qs.filter(jurisdiction_id__in=Jurisdiction.objects.filter(path__startswith=jur.path).values("id"))
    if enterprise := f.get("enterprise"):
        qs = qs.filter(enterprise=enterprise)
    return qs.select_related("jurisdiction", "sector", "department", "enterprise")


def hazard_map_points(*, user: Any, filters: dict[str, Any] | None = None, limit: int = 5000) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the filtered hazards that have a point (newest first)."""
    rows = (
        hazard_list(user=user, filters=filters)
        .filter(lng__isnull=False, lat__isnull=False)
        .order_by("-id")
        .values_list("id", "lng", "lat", "level", "status", "category", "enterprise__name", "place_name")[:limit]
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lng, lat]},
                "properties": {"id": pk, "level": level, "status": status, "name": f"{ent or place} {category}",
                               "url": f"/hazards/{pk}/"},
            }
            for pk, lng, lat, level, status, category, ent, place in rows
        ],
    }


def hazard_transitions(*, hazard: Hazard, user: Any) -> list[Transition]:
    """The transitions the user may take now on this hazard's path (buttons on the detail page).
    Only the level guards (一般 vs 重大 path) hide a button; the others depend on what the form
    supplies (deadline) or explain what is missing (the plan) when the button is pressed."""
    out = []
    for t in HAZARD_WORKFLOW.available(hazard, user):
        problems = [g(hazard) for g in t.guards if g.__name__ in ("_is_general", "_is_major")]
        if not any(problems):
            out.append(t)
    return out


def repeat_flags_for(*, user: Any, enterprise: Any) -> list[Any]:
    """安全生产法 Art. 113 referral flags of an enterprise the user may see (empty without one)."""

    if enterprise is None:
        return []
    return list(RepeatOffenderFlag.objects.restrict(user, "hazards.view").filter(enterprise=enterprise)
                .select_related("district"))


def penalty_list(*, user: Any, enterprise: Any = None, hazard: Any = None) -> QuerySet[Any]:
    qs = HazardPenalty.objects.restrict(user, "hazards.view").select_related("hazard")
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    if hazard is not None:
        qs = qs.filter(hazard=hazard)
    return qs.order_by("-decided_on", "-id")


def listing_list(*, user: Any, hazard: Any) -> list[Any]:
    """The 挂牌督办 records of a hazard, newest first."""

    return list(HazardListing.objects.restrict(user, "hazards.view").filter(hazard=hazard).order_by("-id"))
