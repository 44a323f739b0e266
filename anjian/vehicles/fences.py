"""The geofence index the ingester checks positions against, and the per-position rule check.

``FenceIndex`` is built once from the enabled geofences (reloaded every ``ttl`` seconds): each
fence becomes a polygon — a route given as a line is buffered by half its corridor width in a
local metric frame — and all go into ``anjian.core.geo.PolygonIndex`` (an STRtree: bounding boxes
first, then exact point-in-polygon). ``locate_all_indices`` answers a whole batch in one
vectorised query. ``violations`` then applies ``anjian.rules.vehicles`` to one position.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from shapely.affinity import scale
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from anjian.core.geo import PolygonIndex
from anjian.rules import vehicles as rules
from anjian.vehicles.models import Geofence, GeofenceKind

M_PER_DEG = 111_320.0


@dataclass(frozen=True)
class Fence:
    id: int
    name: str
    kind: str
    windows: tuple[tuple[dt.time, dt.time], ...]
    vehicle_kinds: frozenset[str]
    speed_limit: float | None

    def applies_to(self, vehicle_kind: str) -> bool:
        return not self.vehicle_kinds or vehicle_kind in self.vehicle_kinds


def fence_polygon(geometry: dict[str, Any], corridor_m: float) -> BaseGeometry:
    """The area of a fence: its polygon, or its line buffered by half the corridor width (metres,
    in an equirectangular frame at the line's latitude — exact enough over a city)."""
    geom = shape(geometry)
    if geom.geom_type in ("LineString", "MultiLineString"):
        lat0 = geom.centroid.y
        kx = math.cos(math.radians(lat0))
        metric = scale(geom, xfact=M_PER_DEG * kx, yfact=M_PER_DEG, origin=(0, 0))
        area = metric.buffer(max(corridor_m, 1) / 2)
        return scale(area, xfact=1 / (M_PER_DEG * kx), yfact=1 / M_PER_DEG, origin=(0, 0))
    return geom


def parse_windows(raw: Iterable[Sequence[str]]) -> tuple[tuple[dt.time, dt.time], ...]:
    return tuple(rules.parse_window(w) for w in raw or ())


class FenceIndex:
    def __init__(self, fences: Iterable[Geofence] | None = None, *, ttl: float = 60.0) -> None:
        self.ttl = ttl
        self._loaded = 0.0
        self._fixed = fences is not None
        self._build(list(fences) if fences is not None else [])
        if self._fixed:
            self._loaded = math.inf

    def _build(self, rows: list[Geofence]) -> None:
        items: list[tuple[int, BaseGeometry]] = []
        meta: list[Fence] = []
        for f in rows:
            if not f.enabled:
                continue
            try:
                poly = fence_polygon(f.geometry, f.corridor_m)
                windows = parse_windows(f.windows)
            except (ValueError, TypeError, KeyError, AttributeError, shapely.errors.GEOSException):
                continue  # refused on entry by the services; never let one row stop the ingester
            if poly.is_empty:
                continue
            items.append((f.pk, poly))
            meta.append(Fence(f.pk, f.name, f.kind, windows, frozenset(f.vehicle_kinds or ()), f.speed_limit_kmh))
        self.index: PolygonIndex[int] = PolygonIndex(items)
        self.meta = meta
        self.by_id = {m.id: m for m in meta}

    def refresh(self) -> FenceIndex:
        if not self._fixed and time.monotonic() - self._loaded > self.ttl:
            self._build(list(Geofence.objects.filter(enabled=True)))
            self._loaded = time.monotonic()
        return self

    def __len__(self) -> int:
        return len(self.meta)

    def hits(self, lngs: Sequence[float], lats: Sequence[float]) -> list[list[Fence]]:
        """For each point, the fences containing it (one vectorised STRtree query)."""
        out: list[list[Fence]] = [[] for _ in lngs]
        if not self.meta or not lngs:
            return out
        points, polys = self.index.locate_all_indices(np.asarray(lngs), np.asarray(lats))
        meta = self.meta
        for p, g in zip(points.tolist(), polys.tolist(), strict=True):
            out[p].append(meta[g])
        return out


def kind_limit(vehicle_kind: str) -> float | None:
    limits = getattr(settings, "VEHICLE_SPEED_LIMITS_KMH", None) or rules.DEFAULT_SPEED_LIMITS_KMH
    value = limits.get(vehicle_kind)
    return float(value) if value is not None else None


def tolerance() -> float:
    return float(getattr(settings, "VEHICLE_SPEED_TOLERANCE_KMH", rules.DEFAULT_TOLERANCE_KMH))


@dataclass(frozen=True)
class Violation:
    key: str  # "no_go:<fence id>", "off_route", "off_hours", "speeding"
    kind: str  # the AlarmKind
    fence: Fence | None = None
    value: float | None = None
    threshold: float | None = None


def violations(
    *, vehicle_kind: str, route_id: int | None, local_time: dt.time, speed: float, hits: list[Fence],
    index: FenceIndex, kind_limit_kmh: float | None, tolerance_kmh: float,
) -> list[Violation]:
    """What one position breaks (the rule semantics are ``anjian.rules.vehicles``'s)."""
    out: list[Violation] = []
    for f in hits:
        if f.kind == GeofenceKind.NO_GO and f.applies_to(vehicle_kind) and rules.in_windows(local_time, f.windows):
            out.append(Violation(f"no_go:{f.id}", "no_go", f))
    if route_id is not None and route_id in index.by_id:
        route = index.by_id[route_id]
        if not any(f.id == route_id for f in hits):
            out.append(Violation("off_route", "off_route", route))
        elif not rules.in_windows(local_time, route.windows):
            out.append(Violation("off_hours", "off_hours", route))
    zone_limits = [f.speed_limit for f in hits if f.speed_limit and f.applies_to(vehicle_kind)]
    limit = rules.applicable_limit(kind_limit_kmh, zone_limits)
    if rules.is_speeding(speed, limit, tolerance_kmh):
        out.append(Violation("speeding", "speeding", None, speed, limit))
    return out
