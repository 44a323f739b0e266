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
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import get_language

from anjian.orgs.models import Department, Duty, Jurisdiction, JurisdictionLevel, Sector, SectorRoute

# Maps of these apps draw the boundaries of the territory in which the user may use the app.
MAP_ACTIONS = {
    "hazards": "hazards.view",
    "monitoring": "monitoring.view",
    "vehicles": "vehicles.view",
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


# --- who regulates what, where: gaps and overlaps (管行业必须管安全) ----------------------------


@dataclass(frozen=True)
class CoverageCell:
    department: Department | None  # the department a section-level route gives, if any
    routed_divisions: int  # divisions of the section with a route of their own
    divisions: int

    @property
    def status(self) -> str:
        if self.department is not None:
            return "covered"
        return "partial" if self.routed_divisions else "gap"


@dataclass
class Coverage:
    places: list[Jurisdiction]
    rows: list[tuple[Sector, list[CoverageCell]]]
    overlaps: list[tuple[Jurisdiction, Sector, list[Department]]]

    @property
    def gaps(self) -> int:
        return sum(1 for _s, cells in self.rows for c in cells if c.status == "gap")


def routing_coverage(user: Any) -> Coverage:
    """For each district in the user's view (or the root, for a single-district install) and each
    GB/T 4754 section: the department that regulates it there by the route table (most specific
    route: the place's own, else the nearest ancestor's, else the city-wide default), or how many
    of its divisions have a route of their own. Overlaps: two active departments of one
    jurisdiction claiming the same sector. Computed from the route table in memory (a few
    hundred rows), not one query per cell."""
    visible = Jurisdiction.objects.restrict(user, "orgs.view").filter(is_active=True)
    places = list(visible.filter(level=JurisdictionLevel.DISTRICT).order_by("path"))
    if not places:
        places = list(visible.filter(parent__isnull=True)) or list(visible.order_by("depth", "path")[:1])
    sections = list(Sector.objects.filter(parent__isnull=True).order_by("path"))
    division_count: dict[int, int] = {}
    for parent_id in Sector.objects.filter(parent__isnull=False).values_list("parent_id", flat=True):
        division_count[parent_id] = division_count.get(parent_id, 0) + 1
    routes = list(SectorRoute.objects.filter(department__is_active=True).select_related("sector", "jurisdiction", "department"))
    rows = []
    for section in sections:
        cells = []
        for place in places:
            codes = [c for c in place.path.strip("/").split("/") if c]
            best: tuple[int, Department] | None = None
            routed: set[int] = set()
            for r in routes:
                if r.jurisdiction_id and r.jurisdiction.code not in codes:
                    continue
                depth = codes.index(r.jurisdiction.code) if r.jurisdiction_id else -1
                if r.sector_id == section.pk:
                    if best is None or depth > best[0]:
                        best = (depth, r.department)
                elif r.sector.parent_id == section.pk:
                    routed.add(r.sector_id)
            cells.append(CoverageCell(best[1] if best else None, len(routed), division_count.get(section.pk, 0)))
        rows.append((section, cells))
    claims: dict[tuple[int, int], list[Department]] = {}
    depts = Department.objects.restrict(user, "orgs.view").filter(is_active=True).select_related("jurisdiction")
    for d in depts.prefetch_related("sectors"):
        for s in d.sectors.all():
            claims.setdefault((d.jurisdiction_id, s.pk), []).append(d)
    sectors = {s.pk: s for s in Sector.objects.all()}
    overlaps = [(ds[0].jurisdiction, sectors[sid], ds) for (_j, sid), ds in claims.items() if len(ds) > 1]
    overlaps.sort(key=lambda o: (o[0].path, o[1].path))
    return Coverage(places=places, rows=rows, overlaps=overlaps)


def duties_for_year(user: Any, year: int) -> list[tuple[Department, list[Duty]]]:
    """The current duties of every department in the user's view for ``year``, department first
    then its posts — the 安全生产职责清单."""
    duties = (Duty.objects.restrict(user, "orgs.view").filter(year=year, is_current=True)
              .select_related("department__jurisdiction").order_by("department__jurisdiction__path", "department__name", "post"))
    grouped: dict[int, tuple[Department, list[Duty]]] = {}
    for d in duties:
        grouped.setdefault(d.department_id, (d.department, []))[1].append(d)
    return list(grouped.values())


def city_of(jurisdiction: Jurisdiction | None) -> Jurisdiction | None:
    """The city a jurisdiction belongs to (itself at city level or above): whose settings apply
    to it (the responsibility and enforcement settings pages)."""
    if jurisdiction is None:
        return None
    if jurisdiction.level <= JurisdictionLevel.CITY:
        return jurisdiction
    codes = [c for c in jurisdiction.path.strip("/").split("/") if c]
    return (Jurisdiction.objects.filter(code__in=codes, level=JurisdictionLevel.CITY).first() or jurisdiction)
