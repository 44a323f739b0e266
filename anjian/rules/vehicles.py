"""Rules for 两客一危 vehicles: speeding, permitted time windows, permit validity.

Sources. The shared regulations summary (regulations.md) lists, for road transport, only the title
of 《道路运输企业和城市客运企业安全生产重大事故隐患判定标准（试行）》(交办运〔2023〕52号); it gives no
speed limits and no time windows for 两客一危 vehicles. So **no number here is law**: the speed
limits per vehicle kind, the tolerance and the windows are the city's settings
(``VEHICLE_SPEED_LIMITS_KMH``, ``VEHICLE_SPEED_TOLERANCE_KMH``, each geofence's windows and limit),
passed in by the caller. This module fixes only the *semantics*, so every checker agrees:

* speeding: the applicable limit is the lowest of the vehicle kind's limit and the limits of the
  zones the point lies in; a position is speeding when its speed exceeds the limit by more than
  the tolerance (``>``, not ``≥``: driving at the limit plus the tolerance is allowed);
* a time window ``(start, end)`` in local (Beijing) time is half-open ``[start, end)``; a window
  whose end is not after its start runs over midnight (``("22:00", "06:00")``); an empty list of
  windows means "at all times";
* a permit is valid from its first to its last day, both included.

Pure Python, no Django import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Final

__all__ = [
    "DEFAULT_SPEED_LIMITS_KMH",
    "DEFAULT_TOLERANCE_KMH",
    "applicable_limit",
    "in_windows",
    "is_speeding",
    "parse_window",
    "permit_valid",
]

DEFAULT_SPEED_LIMITS_KMH: Final[dict[str, float]] = {"hazmat": 80.0, "coach": 100.0, "bus": 100.0}
"""Fallback per vehicle kind when the settings give none — a city choice, not a legal figure."""

DEFAULT_TOLERANCE_KMH: Final[float] = 0.0


def parse_window(window: Sequence[str]) -> tuple[dt.time, dt.time]:
    """``("08:00", "18:00")`` → two times; ``ValueError`` for anything else."""
    if len(window) != 2:
        raise ValueError("时段须为起止两个时间 / A window is a start and an end time")
    start, end = (dt.time.fromisoformat(str(part).strip()) for part in window)
    if start == end:
        raise ValueError("时段起止时间不能相同 / A window's start and end must differ")
    return start, end


def in_windows(moment: dt.time, windows: Iterable[tuple[dt.time, dt.time]]) -> bool:
    """Whether the local time of day lies in one of the windows (none given: always)."""
    listed = list(windows)
    if not listed:
        return True
    for start, end in listed:
        if start < end:
            if start <= moment < end:
                return True
        elif moment >= start or moment < end:  # over midnight
            return True
    return False


def applicable_limit(kind_limit: float | None, zone_limits: Iterable[float]) -> float | None:
    """The lowest of the kind's limit and the zones' limits; ``None`` when there is none."""
    limits = [x for x in (kind_limit, *zone_limits) if x is not None and x > 0]
    return min(limits) if limits else None


def is_speeding(
    speed_kmh: float, limit_kmh: float | None, tolerance_kmh: float = DEFAULT_TOLERANCE_KMH
) -> bool:
    """Speed above the limit by more than the tolerance."""
    if limit_kmh is None:
        return False
    return speed_kmh > limit_kmh + max(tolerance_kmh, 0.0)


def permit_valid(day: dt.date, valid_from: dt.date | None, valid_until: dt.date | None) -> bool:
    """A permit covers its first and last day; an open end is unbounded."""
    if valid_from is not None and day < valid_from:
        return False
    return not (valid_until is not None and day > valid_until)
