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

# page → the most queries it may run for the city administrator over the test world
BUDGETS = {
    "/": 9,
    "/inbox/": 8,
    "/enterprises/": 10,
    "/enterprises/{ent}/": 11,
    "/hazards/": 10,
    "/hazards/{hazard}/": 20,
    "/accidents/": 9,
    "/reports/": 9,
}


@pytest.fixture
def pages(world):
    hazard = hs.hazard_report(
        actor=world.user("grid_inspector"), source=HazardSource.PATROL, enterprise=world.ent_a,
        category="消防通道堵塞", description="二号车间东侧消防通道堆放纸箱", level=HazardLevel.GENERAL,
    )
    return {path: path.format(ent=world.ent_a.pk, hazard=hazard.pk) for path in BUDGETS}


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
