"""Choosing a vehicle's permitted route (see ``core/lookups.py``)."""

from __future__ import annotations

from anjian.core.lookups import Lookup, register
from anjian.vehicles.models import Geofence, GeofenceKind

register(Lookup(
    key="vehicles.routes", model=Geofence, action="vehicles.view", search=("name",), order=("name",),
    base=lambda qs: qs.filter(kind=GeofenceKind.ROUTE, enabled=True),
    group=lambda g: g.jurisdiction.name, group_order=lambda g: g.jurisdiction.path, select_related=("jurisdiction",),
))
