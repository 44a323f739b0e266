"""领导驾驶舱: figures against hand-counted records, drill-down and its scope, layers, homes."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anjian.core.maplayers import LAYERS, MapLayer, collection, register
from anjian.dashboard import cockpit as cp
from anjian.emergency.models import Incident


def tiles(user, place):
    return {t["key"]: t for t in cp.figures(user, place)}


def test_city_figures_match_the_hand_count(counted, leader):
    t = tiles(leader, counted.city)
    assert (t["deaths"]["value"], t["deaths"]["before"]) == (3, 4)
    assert t["deaths"]["direction"] == "down" and not t["deaths"]["bad"]
    assert "10" in t["deaths"]["note"]  # the control target
    assert t["hazards_open"]["value"] == 4
    assert "1" in t["hazards_open"]["note"]  # one overdue
    assert t["hazards_major"]["value"] == 1
    assert t["hazards_found"]["value"] == 5  # found this year: the four confirmed and the unconfirmed one (not rejected)
    assert t["hazards_found"]["before"] == 0
    assert t["teams"]["value"] == 1
    assert t["incidents"]["value"] == Incident.objects.filter(status="open").count() >= 1


def test_district_figures_are_the_district_only(counted, leader):
    a, b = tiles(leader, counted.district_a), tiles(leader, counted.district_b)
    assert (a["deaths"]["value"], a["deaths"]["before"]) == (1, 4)
    assert (b["deaths"]["value"], b["deaths"]["before"]) == (2, 0)
    assert (a["hazards_open"]["value"], b["hazards_open"]["value"]) == (3, 1)
    assert (a["hazards_major"]["value"], b["hazards_major"]["value"]) == (1, 0)
    assert (a["teams"]["value"], b["teams"]["value"]) == (0, 1)
    assert "未下达" in a["deaths"]["note"]  # the target is the city's


def test_children_are_coloured_by_risk(counted, leader):
    rows = {r["name"]: r for r in cp.children(leader, counted.city)}
    assert rows["甲区"]["colour"] == "red" and rows["甲区"]["major"] == 1 and rows["甲区"]["overdue"] == 1
    assert rows["乙区"]["colour"] == "yellow" and rows["乙区"]["open"] == 1
    assert [r["name"] for r in cp.children(leader, counted.city)] == ["甲区", "乙区"]  # worst first
    grid = cp.children(leader, counted.grid_a)  # a grid lists its enterprises
    assert [r["kind"] for r in grid] == ["enterprise"] and grid[0]["id"] == counted.ent_a.pk


def test_drill_down_city_district_grid_enterprise(counted, leader, login):
    client = login("leader")
    page = client.get("/cockpit/").content.decode()
    assert "示范市" in page and f"?place={counted.district_a.pk}" in page
    page = client.get(f"/cockpit/?place={counted.district_a.pk}").content.decode()
    assert f"?place={counted.street_a.pk}" in page and f'href="?place={counted.city.pk}"' in page  # down and back
    page = client.get(f"/cockpit/?place={counted.grid_a.pk}").content.decode()
    assert f"/enterprises/{counted.ent_a.pk}/" in page


def test_out_of_scope_places_are_404(counted, login):
    client = login("district_a")
    assert client.get(f"/cockpit/?place={counted.district_a.pk}").status_code == 200
    for bad in (counted.district_b.pk, counted.city.pk, counted.grid_b.pk, 999999, "x", "-1"):
        assert client.get(f"/cockpit/?place={bad}").status_code == 404
        assert client.get(f"/cockpit/layers/areas/?place={bad}").status_code == 404
    assert client.get("/cockpit/layers/nope/").status_code == 404
    for persona in ("enterprise", "grid_inspector", "hotline"):
        assert login(persona).get("/cockpit/").status_code == 404


def test_district_sees_its_own_figures_only(counted, login):
    client = login("district_b")
    page = client.get("/cockpit/")
    assert page.context["place"] == counted.district_b
    t = {x["key"]: x for x in page.context["figures"]}
    assert t["hazards_open"]["value"] == 1 and t["deaths"]["value"] == 2


def test_layers_answer_geojson_in_scope(counted, leader, login):
    client = login("leader")
    areas = client.get("/cockpit/layers/areas/").json()
    assert {f["properties"]["name"]: f["properties"]["colour"] for f in areas["features"]} == {"甲区": "red", "乙区": "yellow"}
    incidents = client.get(f"/cockpit/layers/incidents/?place={counted.district_b.pk}").json()
    assert any(f["properties"]["name"] == "乙区仓库火情" for f in incidents["features"])
    assert client.get(f"/cockpit/layers/incidents/?place={counted.district_a.pk}").json()["features"] == [] or all(
        f["properties"]["name"] != "乙区仓库火情" for f in client.get(f"/cockpit/layers/incidents/?place={counted.district_a.pk}").json()["features"])
    teams = login("district_a").get("/cockpit/layers/teams/").json()
    assert teams["features"] == []  # the team is in district B


def test_an_app_adds_a_layer_through_the_registry(counted, leader, login):
    register(MapLayer("test_vehicles", "车辆", "dashboard.cockpit", lambda user, place: collection([]), order=99))
    try:
        page = login("leader").get("/cockpit/").content.decode()
        assert 'data-layer="test_vehicles"' in page
        assert login("leader").get("/cockpit/layers/test_vehicles/").json() == {"type": "FeatureCollection", "features": []}
    finally:
        LAYERS.pop("test_vehicles")


def test_wall_mode_has_no_navigation_and_refreshes(counted, leader, login):
    client = login("leader")
    page = client.get("/cockpit/?wall=1").content.decode()
    assert "aj-wall" in page and 'id="aj-menu"' not in page and 'data-refresh-seconds="60"' in page
    part = client.get("/cockpit/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in part and 'data-testid="cockpit-figures"' in part


def test_the_leader_lands_on_the_cockpit(counted, leader, login):
    response = login("leader").get("/")
    assert response.status_code == 302 and response["Location"] == "/cockpit/"


@pytest.mark.parametrize("place", ["city", "district_a", "grid_a"])
def test_cockpit_query_budget(counted, leader, login, place):
    """Cold (nothing cached) the page stays within a fixed number of queries at any level."""
    client = login("leader")
    url = f"/cockpit/?place={getattr(counted, place).pk}"
    assert client.get(url).status_code == 200
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert len(ctx.captured_queries) <= 45, len(ctx.captured_queries)
    with CaptureQueriesContext(connection) as warm:
        assert client.get(url).status_code == 200
    assert len(warm.captured_queries) <= 12, len(warm.captured_queries)


def test_drills_tile_is_loaded_after_the_page_in_scope(counted, leader, login):
    client = login("leader")
    assert 'data-testid="tile-drills-loading"' in client.get("/cockpit/").content.decode()
    tile = client.get(f"/cockpit/drills/?place={counted.district_a.pk}")
    assert tile.status_code == 200 and 'data-testid="tile-drills"' in tile.content.decode()
    assert login("district_a").get(f"/cockpit/drills/?place={counted.district_b.pk}").status_code == 404
