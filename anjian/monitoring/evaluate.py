"""Threshold alarms with hysteresis and a minimum duration — pure, no Django.

A sensor has optional thresholds ``low``, ``high``, ``high_high``, a ``deadband`` (hysteresis) and
a ``min_duration`` in seconds. Feeding its readings in time order through :func:`step`:

* the *condition* of a reading is the most severe band it is in: ``high_high`` (value ≥ HH),
  ``high`` (value ≥ H), ``low`` (value ≤ L), or none. While an alarm is active, its band is left
  only when the value is back past the threshold by the deadband (H − deadband, L + deadband), so
  a value hovering at the threshold does not chatter;
* an alarm is **raised** when a condition has held continuously for ``min_duration`` seconds
  (0: at once); while it is active no second alarm is raised (dedupe), but a worse band
  **upgrades** it (high → high_high) once that band has also held for ``min_duration``;
* the alarm **clears** at the first reading back in range (past the deadband);
* a reading older than the last one evaluated is ignored (late data is stored, not re-judged).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

SEVERITY = {None: 0, "low": 1, "high": 1, "high_high": 2}


@dataclass(frozen=True)
class Thresholds:
    low: float | None = None
    high: float | None = None
    high_high: float | None = None
    deadband: float = 0.0
    min_duration: float = 0.0  # seconds


@dataclass(frozen=True)
class EvalState:
    active: str | None = None  # band of the active alarm
    streaks: tuple[tuple[str, dt.datetime], ...] = ()  # band → since when it has held
    last_ts: dt.datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "active": self.active,
            "streaks": {band: since.isoformat() for band, since in self.streaks},
            "last_ts": self.last_ts.isoformat() if self.last_ts else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> EvalState:
        data = data or {}
        streaks = tuple((band, dt.datetime.fromisoformat(since)) for band, since in (data.get("streaks") or {}).items())
        last = data.get("last_ts")
        return cls(data.get("active"), streaks, dt.datetime.fromisoformat(last) if last else None)


@dataclass(frozen=True)
class Change:
    """``raise`` / ``upgrade`` (band, ts, value) or ``clear`` (band None)."""

    kind: str
    band: str | None
    ts: dt.datetime
    value: float


def band_of(value: float, t: Thresholds, active: str | None) -> str | None:
    """The condition of one reading, given the active band (for the deadband)."""
    db = t.deadband
    if t.high_high is not None and (value >= t.high_high or (active == "high_high" and value > t.high_high - db)):
        return "high_high"
    if t.high is not None and (value >= t.high or (active in ("high", "high_high") and value > t.high - db)):
        return "high"
    if t.high_high is not None and t.high is None and active == "high_high" and value > t.high_high - db:
        return "high_high"
    if t.low is not None and (value <= t.low or (active == "low" and value < t.low + db)):
        return "low"
    return None


MEMBERSHIP = {None: (), "low": ("low",), "high": ("high",), "high_high": ("high", "high_high")}


def step(state: EvalState, t: Thresholds, ts: dt.datetime, value: float) -> tuple[EvalState, list[Change]]:
    """Feed one reading; returns the new state and the changes it caused (usually none).

    A band's streak runs while every reading is in it (a high-high reading is also "high"), so a
    value that climbs through H into HH raises the high alarm once it has been ≥ H for the
    minimum duration, and upgrades to high-high once it has been ≥ HH that long.
    """
    if state.last_ts is not None and ts <= state.last_ts:
        return state, []
    band = band_of(value, t, state.active)
    old = dict(state.streaks)
    streaks = {b: old.get(b, ts) for b in MEMBERSHIP[band]}
    held = [b for b, since in streaks.items() if (ts - since).total_seconds() >= t.min_duration]
    target = max(held, key=lambda b: SEVERITY[b], default=None)
    changes: list[Change] = []
    active = state.active
    if band is None and active is not None:
        changes.append(Change("clear", None, ts, value))
        active = None
    elif target is not None and target != active:
        if active is None:
            changes.append(Change("raise", target, ts, value))
            active = target
        elif active == "low" or target == "low":
            changes += [Change("clear", None, ts, value), Change("raise", target, ts, value)]
            active = target
        elif SEVERITY[target] > SEVERITY[active]:
            changes.append(Change("upgrade", target, ts, value))
            active = target
    return EvalState(active, tuple(sorted(streaks.items())), ts), changes


def quiet(state: EvalState, t: Thresholds, values: list[float]) -> bool:
    """True when feeding ``values`` through :func:`step` cannot raise, clear or start anything:
    no alarm is active, no band streak is running and every value is strictly inside the normal
    band (below H and HH, above L). The common case; the caller then only moves ``last_ts``."""
    if state.active is not None or state.streaks:
        return False
    return quiet_values(t.low, t.high, t.high_high, values)


def quiet_values(low: float | None, high: float | None, high_high: float | None, values: list[float]) -> bool:
    """:func:`quiet` for a state already known to be calm (no active band, no streak), on bare
    thresholds: at least one value, all strictly inside the normal band."""
    if not values:
        return False
    ceilings = [x for x in (high, high_high) if x is not None]
    if ceilings and max(values) >= min(ceilings):
        return False
    return low is None or min(values) > low
