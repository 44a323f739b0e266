"""Choosing a hazard (the one a duplicate repeats; see ``core/lookups.py``)."""

from __future__ import annotations

from anjian.core.lookups import Lookup, register
from anjian.hazards.models import Hazard

register(Lookup(
    key="hazards", model=Hazard, action="hazards.view", search=("category",), order=("-id",),
    label=lambda h: f"{h.code} {h.category}",
))
