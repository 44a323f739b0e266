"""行政区划调整 of one unit without a file: edit its boundary on the map, rename it.

The edited boundary goes through the same checks as an imported one (``boundaries.check_layer``:
invalid rings repaired where unambiguous, the share outside the parent, overlaps with the
siblings, with their areas); an error refuses the change and nothing is stored. The change is
audited on the unit (``jurisdiction_set_boundary``, with its simple-history record). Enterprises
and the records that follow them move to the unit now containing them through the city-wide
reassignment job (``grids.reassign``), whose page shows its progress and how many moved.
"""

from __future__ import annotations

from typing import Any

import shapely
from django.db import transaction
from django.utils.translation import gettext_noop
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from anjian.audit.services import Msg, record_event
from anjian.core.errors import DomainError, NotAllowed
from anjian.orgs.boundaries import Finding, Layer, LayerFeature, area_km2, check_layer
from anjian.orgs.models import Jurisdiction
from anjian.orgs.services import jurisdiction_set_boundary


def _require_change(actor: Any, jurisdiction: Jurisdiction) -> None:
    if actor is None:
        return
    if not Jurisdiction.objects.restrict(actor, "orgs.change").filter(pk=jurisdiction.pk).exists():
        raise NotAllowed("您无权调整该辖区", "You may not adjust this jurisdiction")
    if jurisdiction.parent_id is None:
        raise DomainError("市级（根）辖区的边界请通过边界导入更新", "Update the root's boundary with a boundary import")


def parse_geometry(text: str) -> BaseGeometry:
    """A GeoJSON geometry (or Feature) from the map editor: a polygon or multipolygon in
    WGS-84; a self-intersecting ring is repaired when ``make_valid`` leaves polygons only."""
    try:
        geometry = shapely.from_geojson(text)
    except Exception as exc:  # shapely raises GEOSException or ValueError on bad input
        raise DomainError("边界数据无法读取", "The boundary cannot be read", field="geometry") from exc
    if not isinstance(geometry, Polygon | MultiPolygon) or geometry.is_empty:
        raise DomainError("边界应为面（多边形）", "The boundary must be a polygon", field="geometry")
    if not geometry.is_valid:
        repaired = shapely.make_valid(geometry)
        if not isinstance(repaired, Polygon | MultiPolygon):
            raise DomainError("边界自相交且无法自动修复，请调整顶点", "The boundary crosses itself and cannot be repaired",
                              field="geometry")
        geometry = repaired
    minx, miny, maxx, maxy = geometry.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise DomainError("坐标超出经纬度范围", "Coordinates are outside longitude/latitude", field="geometry")
    return geometry


def boundary_findings(jurisdiction: Jurisdiction, geometry: BaseGeometry) -> list[Finding]:
    """The import's checks for one unit's new boundary: outside its parent, overlapping siblings."""
    parent = jurisdiction.parent
    assert parent is not None
    feature = LayerFeature(index=0, code=jurisdiction.code, name=jurisdiction.name, parent_code=parent.code,
                           geometry=geometry, area_km2=area_km2(geometry))
    layer = Layer(columns=[], features=[feature])
    check_layer(layer, level=jurisdiction.level, parent=parent)
    for sibling in Jurisdiction.objects.filter(parent=parent, is_active=True).exclude(pk=jurisdiction.pk).exclude(boundary=""):
        shared = area_km2(geometry.intersection(shapely.from_geojson(sibling.boundary)))
        if shared > 0.01:
            layer.findings.append(Finding(
                "warning", f"{jurisdiction.name} 与 {sibling.name}（{sibling.code}）重叠 {shared:.2f} 平方公里",
                f"{jurisdiction.name} and {sibling.name} ({sibling.code}) overlap by {shared:.2f} km²", sibling.code))
    return layer.findings


def jurisdiction_boundary_edit(*, actor: Any, jurisdiction: Jurisdiction, geometry: BaseGeometry,
                               reason: str = "") -> list[Finding]:
    """Store a unit's boundary edited on the map after the import's checks. An error refuses it
    (``DomainError`` naming the findings); warnings (overlaps, a sliver outside the parent) are
    returned and recorded with the change."""
    _require_change(actor, jurisdiction)
    if not reason.strip():
        raise DomainError("请填写调整依据（如区划调整文件文号）", "Give the reason (e.g. the decision's number)",
                          field="reason")
    findings = boundary_findings(jurisdiction, geometry)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise DomainError("；".join(f.zh for f in errors), "; ".join(f.en for f in errors), field="geometry")
    warnings = [f for f in findings if f.severity == "warning"]
    note = reason.strip() + ("（" + "；".join(f.zh for f in warnings) + "）" if warnings else "")
    jurisdiction_set_boundary(actor=actor, jurisdiction=jurisdiction, geometry=geometry, reason=note[:500])
    return warnings


@transaction.atomic
def jurisdiction_rename(*, actor: Any, jurisdiction: Jurisdiction, name: str, reason: str) -> Jurisdiction:
    """Rename a unit (a street renamed by the government's decision): the code, the tree and every
    record stay; the old name stays in its history and in the audit trail."""
    _require_change(actor, jurisdiction)
    name = name.strip()
    if not name:
        raise DomainError("请填写新名称", "The new name is required", field="name")
    if not reason.strip():
        raise DomainError("请填写调整依据（如区划调整文件文号）", "Give the reason (e.g. the decision's number)",
                          field="reason")
    j = Jurisdiction.objects.select_for_update().get(pk=jurisdiction.pk)
    if j.name == name:
        return j
    if Jurisdiction.objects.filter(parent_id=j.parent_id, name=name).exclude(pk=j.pk).exists():
        raise DomainError("同一上级下已有同名单位", "A unit of that name already exists under the same parent", field="name")
    old = j.name
    j.name = name
    j._change_reason = reason.strip()[:100]  # type: ignore[attr-defined]
    j.save(update_fields=["name"])
    record_event(j, "renamed", actor=actor, note=reason.strip(),
                 summary=Msg(gettext_noop("辖区更名：{old} → {new}"), old=old, new=name), data={"old": old, "new": name})
    return j
