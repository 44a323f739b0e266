"""Fixtures shared by the accident tests."""

from __future__ import annotations

import pytest
import time_machine

from .factories import at, report, when


@pytest.fixture
def history(world):
    """Last year: 3 deaths in district A (ent_a, chemicals → 应急管理局) and 1 in district B (ent_b,
    construction → 住建局); this year so far: 2 deaths in district A, none in B."""
    with time_machine.travel(at(2026, 6, 1), tick=False):
        report(world, **when(2025, 4, 1), deaths=3)
        report(world, enterprise=world.ent_b, type_code="09", **when(2025, 5, 1), deaths=1)
        report(world, **when(2026, 2, 1), deaths=2)
