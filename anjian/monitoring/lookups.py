"""Choosing a major-hazard unit for a sensor (see ``core/lookups.py``)."""

from __future__ import annotations

from anjian.core.lookups import Lookup, register
from anjian.monitoring.models import HazardSource

register(Lookup(
    key="monitoring.sources", model=HazardSource, action="monitoring.change", search=("name",),
    order=("enterprise__name", "name"), base=lambda qs: qs.filter(retired=False),
    label=lambda s: f"{s.enterprise.name} · {s.name}", select_related=("enterprise",),
))
