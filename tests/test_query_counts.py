"""The main pages cost no more queries than they did before the layers became a contract (issue 15).

Each budget is the count measured on ``main`` before the change (a page warmed once, then counted):
moving imports and registering effects at start-up must not add a query to any request.
"""

from __future__ import annotations

import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anjian.hazards import services as hs
from anjian.hazards.models import HazardLevel, HazardSource
from anjian.vehicles.services import vehicle_create

# page → the most queries it may run for the city administrator over the test world
BUDGETS = {
    "/": 14,  # +5 (issue 21): the home is per role — the leader check, the top place of the cockpit-lite figures (cached), what waits (hazards to verify, reports to handle: a count and the first rows each)
    "/inbox/": 8,
    "/enterprises/": 10,
    "/enterprises/{ent}/": 11,
    "/hazards/": 10,
    "/hazards/{hazard}/": 21,  # +1 (issue 18): the enforcement cases about the hazard, listed on its page
    "/accidents/": 9,
    "/reports/": 9,
    "/vehicles/": 8,
    "/vehicles/{vehicle}/": 11,
    "/vehicles/geofences/": 8,
    "/vehicles/map/": 7,
    "/offline/": 6,  # issue 21: the 待发送 page is the base page; the queue is drawn on the phone
    "/cockpit/": 12,  # issue 21: the overview is cached per user and place (dashboard/cockpit.py); warm
}


@pytest.fixture
def pages(world):
    hazard = hs.hazard_report(
        actor=world.user("grid_inspector"), source=HazardSource.PATROL, enterprise=world.ent_a,
        category="消防通道堵塞", description="二号车间东侧消防通道堆放纸箱", level=HazardLevel.GENERAL,
    )
    vehicle = vehicle_create(actor=None, carrier=world.ent_a, data={"plate": "粤A12345", "kind": "hazmat",
                                                                    "cargo_class": "3", "device_id": "Q-1"})
    return {path: path.format(ent=world.ent_a.pk, hazard=hazard.pk, vehicle=vehicle.pk) for path in BUDGETS}


@pytest.mark.parametrize("page", list(BUDGETS))
def test_main_pages_do_not_grow_in_queries(login, world, pages, page):
    client = login("city_admin")
    assert client.get(pages[page]).status_code == 200  # warm: sessions, content types, menus
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(pages[page])
    assert response.status_code == 200
    if os.environ.get("ANJIAN_MEASURE_QUERIES"):
        print(f"QUERIES {page} {len(ctx.captured_queries)}")
        return
    assert len(ctx.captured_queries) <= BUDGETS[page], f"{page}: {len(ctx.captured_queries)} queries"
