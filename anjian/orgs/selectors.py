"""Reads of the territory tree for maps: the boundaries a user may see, and the public outline.

Every map draws the user's jurisdiction boundaries underneath its own layer and fits its first
view to them (docs/maps.md). What a user may see is ``Jurisdiction.objects.restrict(user,
action)`` for the action of the page holding the map: the jurisdictions of every membership
that grants it (a department's territory for a regulator, nothing for an enterprise account).
Of that set the map gets the *top* units (those whose parent is outside it: the city for a
city-wide grant, a district for a district office, a grid for a grid inspector) and their direct
children, so that a city map shows its districts and a street map its communities, never the
thousands of grids below.
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import get_language

from anjian.orgs.models import Jurisdiction, JurisdictionLevel

# Maps of these apps draw the boundaries of the territory in which the user may use the app.
MAP_ACTIONS = {
    "hazards": "hazards.view",
    "monitoring": "monitoring.view",
    "grids": "grids.view",
    "orgs": "orgs.view",
}
MAX_TOPS = 200
MAX_PARTS = 1000


def _name(j: Jurisdiction) -> str:
    if (get_language() or "").startswith("en") and j.name_en:
        return j.name_en
    return j.name


def _feature(j: Jurisdiction, role: str) -> dict[str, Any]:
    properties: dict[str, Any] = {"id": j.pk, "name": _name(j), "level": j.level, "role": role}
    if j.center_lng is not None and j.center_lat is not None:
        properties["label_at"] = [j.center_lng, j.center_lat]
    return {"type": "Feature", "properties": properties, "geometry": json.loads(j.boundary)}


def _collection(tops: list[Jurisdiction], parts: list[Jurisdiction]) -> dict[str, Any]:
    features = [_feature(j, "scope") for j in tops] + [_feature(j, "part") for j in parts]
    known: list[tuple[float, float, float, float]] = []
    for j in tops:
        if j.min_lng is not None and j.min_lat is not None and j.max_lng is not None and j.max_lat is not None:
            known.append((j.min_lng, j.min_lat, j.max_lng, j.max_lat))
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if known:
        collection["bbox"] = [min(k[0] for k in known), min(k[1] for k in known),
                              max(k[2] for k in known), max(k[3] for k in known)]
    return collection


def scope_boundaries(*, user: Any, action: str) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the units the user may see for ``action`` (``role``
    ``scope``) and of their direct children (``role`` ``part``), with a ``bbox`` of the scope.
    Units without a boundary are left out; nothing outside the user's scope is ever included."""
    visible: QuerySet[Jurisdiction] = Jurisdiction.objects.restrict(user, action)
    # The tops are found on the whole scope, so that an inactive or unmapped unit does not turn
    # its children into tops; such units are only left out of what is drawn.
    top_ids = list(visible.exclude(parent_id__in=visible.values("id")).order_by("path").values_list("id", flat=True)[:MAX_TOPS])
    drawn = visible.filter(is_active=True).exclude(boundary="").order_by("path")
    tops = list(drawn.filter(pk__in=top_ids))
    parts = list(drawn.filter(parent_id__in=top_ids)[:MAX_PARTS])
    return _collection(tops, parts)


def public_outline() -> dict[str, Any]:
    """The city and its districts, for the public report form (administrative boundaries are
    public information; the form needs them to show where the city is without a base map)."""
    units = Jurisdiction.objects.filter(is_active=True, level__lte=JurisdictionLevel.DISTRICT).exclude(boundary="")
    tops = [j for j in units.order_by("path") if j.level == JurisdictionLevel.CITY]
    parts = [j for j in units.order_by("path")[:MAX_PARTS] if j.level == JurisdictionLevel.DISTRICT]
    return _collection(tops, parts)
