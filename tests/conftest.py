from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Deterministic-enough and load-tolerant: CI machines are small and shared.
hypothesis_settings.register_profile("anjian", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("anjian")


SHARED = Path(__file__).resolve().parents[2] / "shared"


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    _shift_clock()
    # Tests that read ../shared (GB 18218 tables, real boundaries, Open311 schemas) skip on a
    # developer's machine without it; under CI its absence must fail, never skip silently.
    if os.environ.get("CI", "").lower() in ("1", "true", "yes") and not (SHARED / "data").is_dir():
        raise pytest.UsageError(f"CI needs the shared data next to the repository: {SHARED} is missing")


_clock_traveller = None


def _shift_clock() -> None:
    """``ANJIAN_TEST_CLOCK_SHIFT_DAYS=N`` runs the whole suite with the clock moved N days from today
    (the clock keeps ticking). CI runs it once a year ahead, so that no test passes only on the day
    it was written: a test about a fixed date freezes time at that date itself."""
    global _clock_traveller
    days = os.environ.get("ANJIAN_TEST_CLOCK_SHIFT_DAYS", "").strip()
    if not days or _clock_traveller is not None:
        return
    import datetime as dt

    import time_machine

    _clock_traveller = time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=int(days)), tick=True)
    _clock_traveller.start()


@pytest.fixture
def world(db):
    from anjian.testing.world import build_world

    return build_world()


@pytest.fixture
def login(client, world):
    """``login(persona)`` → the test client logged in as that standing persona (or anonymous)."""

    from anjian.testing.world import PASSWORD

    def _login(persona: str):
        client.logout()
        if persona != "anonymous":
            assert client.login(username=persona, password=PASSWORD)
        return client

    return _login


PERSONAS = [
    "city_admin",
    "district_a",
    "district_b",
    "regulator",
    "grid_inspector",
    "enterprise",
    "anonymous",
]


@pytest.fixture(params=PERSONAS)
def persona(request) -> str:
    return request.param
