"""Fixtures shared by the grid tests."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from anjian.grids import services as gs

T0 = dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC)
"""Monday 5 January 2026, 10:00 in Beijing: when the January patrol plan is generated."""


@pytest.fixture
def task(world):
    """Enterprise A's patrol task in grid A's January plan, assigned to the grid inspector."""
    gs.grid_staff_set(actor=None, grid=world.grid_a, user=world.user("grid_inspector"))
    with time_machine.travel(T0, tick=False):
        tasks = gs.patrol_plan_generate(actor=None, grid=world.grid_a, start=dt.date(2026, 1, 5),
                                        end=dt.date(2026, 1, 31))
    return next(t for t in tasks if t.enterprise == world.ent_a)
