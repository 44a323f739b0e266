"""Each role's first screen shows its own work and figures (issue 21)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anjian.grids.services import grid_staff_set, patrol_plan_generate
from anjian.hazards import services as hs
from anjian.hazards.models import Hazard, HazardStatus


def tiles(response):
    return {t["key"]: t["value"] for t in response.context["figures"]["tiles"]}


def test_district_office_home_has_its_districts_figures(counted, login):
    response = login("district_a").get("/")
    assert response.context["figures"]["place"] == counted.district_a
    t = tiles(response)
    assert (t["hazards_open"], t["hazards_major"], t["deaths"]) == (3, 1, 1)
    assert 'data-testid="cockpit-link"' in response.content.decode()


def test_regulator_home_has_its_sectors_figures(counted, login):
    """The 应急管理局 regulates manufacturing (C): ent_a's two open hazards, not the construction ones."""
    t = tiles(login("regulator").get("/"))
    assert t["hazards_open"] == 2 and t["hazards_major"] == 1


def test_street_office_home_lists_what_waits_for_it(counted, street, login):
    ent_user = counted.user("enterprise")
    hazard = Hazard.objects.get(enterprise=counted.ent_a, level="general")
    hs.hazard_start_rectification(actor=ent_user, hazard=hazard)
    hs.hazard_submit(actor=ent_user, hazard=Hazard.objects.get(pk=hazard.pk), note="已清理通道")
    assert Hazard.objects.get(pk=hazard.pk).status == HazardStatus.SUBMITTED
    response = login("street_a").get("/")
    page = response.content.decode()
    waiting = response.context["figures"]["waiting"]
    assert waiting["hazards"]["n"] == 1 and waiting["hazards"]["rows"][0].pk == hazard.pk
    assert 'data-testid="wait-hazards"' in page and f"/hazards/{hazard.pk}/" in page
    assert "reports" in waiting and 'data-testid="wait-reports"' in page
    assert tiles(response)["hazards_open"] == 2  # its street: ent_a (grid below) and ent_a2, one now submitted


def test_grid_inspector_home_shows_todays_patrols(counted, login):
    inspector = counted.user("grid_inspector")
    grid_staff_set(actor=None, grid=counted.grid_a, user=inspector)
    today = timezone.localdate()
    patrol_plan_generate(actor=None, grid=counted.grid_a, start=today, end=today + dt.timedelta(days=3))
    response = login("grid_inspector").get("/")
    patrols = response.context["figures"]["patrols"]
    assert [t.enterprise_id for t in patrols["tasks"]] == [counted.ent_a.pk]
    assert patrols["geojson"]["features"][0]["properties"]["name"] == counted.ent_a.name
    page = response.content.decode()
    assert 'data-testid="patrol-map"' in page and "tiles" not in response.context["figures"]


def test_enterprise_home_has_its_drills_due(counted, login):
    response = login("enterprise").get("/")
    own = response.context["figures"]["own"]
    assert [e.pk for e in own] == [counted.ent_a.pk]
    assert own[0].drills_overdue is not None and 'data-testid="fig-drills"' in response.content.decode()
    assert own[0].hazards_to_fix == 2


@pytest.mark.parametrize("persona", ["city_admin", "district_a", "regulator", "grid_inspector", "enterprise", "street_a"])
def test_home_query_budget(counted, street, login, persona):
    client = login(persona)
    assert client.get("/").status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    assert len(ctx.captured_queries) <= 16, f"{persona}: {len(ctx.captured_queries)}"
