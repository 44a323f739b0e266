"""Table tests for the pure threshold/hysteresis/min-duration logic."""

from __future__ import annotations

import datetime as dt

import pytest

from anjian.monitoring.evaluate import EvalState, Thresholds, band_of, step

T0 = dt.datetime(2026, 11, 28, 8, 0, tzinfo=dt.UTC)
GAS = Thresholds(low=None, high=20, high_high=50, deadband=2, min_duration=0)


def run(t: Thresholds, values: list[float], every: float = 1.0) -> list[tuple[int, str, str | None]]:
    state = EvalState()
    out = []
    for i, v in enumerate(values):
        state, changes = step(state, t, T0 + dt.timedelta(seconds=i * every), v)
        out += [(i, c.kind, c.band) for c in changes]
    return out


@pytest.mark.parametrize(
    ("value", "active", "band"),
    [
        (19.9, None, None), (20, None, "high"), (49.9, None, "high"), (50, None, "high_high"),
        (18.5, "high", "high"), (18.0, "high", None), (48.5, "high_high", "high_high"), (48.0, "high_high", "high"),
        (17.9, "high_high", None), (0, None, None),
    ],
)
def test_band_of_gas(value, active, band):
    assert band_of(value, GAS, active) == band


@pytest.mark.parametrize(
    ("value", "active", "band"),
    [(10.0, None, "low"), (10.5, None, None), (11.9, "low", "low"), (12.0, "low", None), (95, None, "high")],
)
def test_band_of_low_and_high(value, active, band):
    assert band_of(value, Thresholds(low=10, high=95, deadband=2), active) == band


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([5, 6, 7], []),
        ([5, 25, 26, 27, 5], [(1, "raise", "high"), (4, "clear", None)]),  # one alarm per excursion
        ([5, 21, 19, 21, 19, 17], [(1, "raise", "high"), (5, "clear", None)]),  # chatter inside deadband
        ([5, 25, 55, 30, 10], [(1, "raise", "high"), (2, "upgrade", "high_high"), (4, "clear", None)]),
        ([5, 55, 5], [(1, "raise", "high_high"), (2, "clear", None)]),
        ([5, 25, 5, 25, 5], [(1, "raise", "high"), (2, "clear", None), (3, "raise", "high"), (4, "clear", None)]),
    ],
)
def test_sequences_without_min_duration(values, expected):
    assert run(GAS, values) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([5, 25, 5, 25, 5], []),  # spikes shorter than 10 s never alarm
        ([5, 25, 25, 25, 5], [(3, "raise", "high"), (4, "clear", None)]),  # held 10 s (i=1..3, every 5 s)
        ([5, 25, 25, 60, 60, 60, 5], [(3, "raise", "high"), (5, "upgrade", "high_high"), (6, "clear", None)]),
        ([5, 60, 60, 60, 5], [(3, "raise", "high_high"), (4, "clear", None)]),
        ([5, 25, 60, 25, 60, 25, 5], [(3, "raise", "high"), (6, "clear", None)]),  # HH never held 10 s
    ],
)
def test_min_duration(values, expected):
    assert run(Thresholds(high=20, high_high=50, deadband=2, min_duration=10), values, every=5) == expected


def test_low_alarm_and_late_reading_ignored():
    t = Thresholds(low=1.0, high=9.0, deadband=0.5)
    state, ch = step(EvalState(), t, T0, 0.5)
    assert [(c.kind, c.band) for c in ch] == [("raise", "low")]
    state2, ch = step(state, t, T0 - dt.timedelta(seconds=1), 5.0)
    assert (state2, ch) == (state, [])
    state, ch = step(state, t, T0 + dt.timedelta(seconds=1), 1.2)
    assert ch == []
    state, ch = step(state, t, T0 + dt.timedelta(seconds=2), 1.6)
    assert [(c.kind, c.band) for c in ch] == [("clear", None)]


def test_low_to_high_is_clear_then_raise():
    t = Thresholds(low=1.0, high=9.0)
    state, _ = step(EvalState(), t, T0, 0.5)
    state, ch = step(state, t, T0 + dt.timedelta(seconds=1), 10)
    assert [(c.kind, c.band) for c in ch] == [("clear", None), ("raise", "high")]


def test_state_round_trips_json():
    state = EvalState("high", (("high", T0), ("high_high", T0)), T0 + dt.timedelta(seconds=3))
    assert EvalState.from_json(state.to_json()) == state
    assert EvalState.from_json({}) == EvalState()
