"""Coverage on a map: the scoped GeoJSON of grids coloured by band, simplified geometry, and
the map page with its legend."""

from __future__ import annotations

import json

import pytest
import shapely
import time_machine
from shapely.geometry import Point, shape

from anjian.grids import services as gs
from anjian.orgs.models import JurisdictionLevel
from anjian.orgs.services import jurisdiction_create

from .coverage_fixtures import PERIOD, TODAY, build_history

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("rate", "planned", "band"), [
    (0.0, 3, 0), (49.9, 3, 0), (50.0, 3, 1), (79.9, 3, 1), (80.0, 3, 2), (94.9, 3, 2), (95.0, 3, 3), (100.0, 3, 3),
    (0.0, 0, -1),
])
def test_coverage_band(rate, planned, band):
    assert gs.coverage_band(rate, planned) == band


def test_simplify_tolerance_fits_the_extent():
    assert gs.simplify_tolerance((114.0, 22.0, 114.4, 22.4)) == 2**-14  # 0.4° / 4000 = 1e-4 → 6.1e-5
    assert gs.simplify_tolerance((114.0, 22.0, 114.0, 22.0)) == 2**-20
    assert gs.simplify_tolerance((70.0, 0.0, 140.0, 55.0)) == 2**-10


@time_machine.travel(TODAY, tick=False)
def test_geojson_is_scoped_and_carries_the_figures(login, world):
    build_history(world)
    fc = login("district_a").get("/grids/coverage/map.geojson", PERIOD).json()
    assert [f["properties"]["code"] for f in fc["features"]] == ["990101001001"]
    p = fc["features"][0]["properties"]
    assert (p["planned"], p["done"], p["on_time"], p["overdue"], p["rate"], p["band"]) == (3, 2, 1, 1, 66.7, 1)
    assert p["url"] == f"/grids/{world.grid_a.pk}/"
    fc = login("city_admin").get("/grids/coverage/map.geojson", PERIOD).json()
    assert [(f["properties"]["code"], f["properties"]["band"]) for f in fc["features"]] == [
        ("990101001001", 1), ("990102001001", 0)]
    # no plan in the period: grey band, zero figures
    fc = login("grid_inspector").get("/grids/coverage/map.geojson", {"start": "2025-01-01", "end": "2025-01-31"}).json()
    assert [(f["properties"]["code"], f["properties"]["planned"], f["properties"]["band"]) for f in fc["features"]] == [
        ("990101001001", 0, -1)]
    r = login("city_admin").get("/grids/coverage/map.geojson", {"start": "x", "end": "2026-01-01"})
    assert r.status_code == 400 and r.json()["en"] == "Dates must be YYYY-MM-DD"
    api = login("district_b").get("/api/v1/grids/coverage/geojson", PERIOD)
    assert api.status_code == 200 and api["Content-Type"].startswith("application/geo+json")
    assert [f["properties"]["code"] for f in json.loads(api.content)["features"]] == ["990102001001"]


def test_large_boundaries_are_simplified_within_tolerance(login, world):
    # a round grid with 4,096 vertices inside street A (which is 0.2° wide)
    circle = Point(114.15, 22.15).buffer(0.02, quad_segs=1024)
    grid = jurisdiction_create(actor=None, code="990101001002", name="圆网格", level=JurisdictionLevel.GRID,
                               parent=world.street_a, geometry=circle, is_synthetic=True)
    fc = login("city_admin").get("/grids/coverage/map.geojson").json()
    feature = next(f for f in fc["features"] if f["properties"]["id"] == grid.pk)
    simplified = shape(feature["geometry"])
    assert shapely.get_num_coordinates(circle) == 4097
    assert shapely.get_num_coordinates(simplified) < 200
    tolerance = gs.simplify_tolerance((114.0, 22.0, 114.3, 22.17))
    assert simplified.is_valid and circle.hausdorff_distance(simplified) <= tolerance + 1e-6
    # a redrawn boundary is simplified again (not served from the per-process cache)
    from anjian.orgs.models import Jurisdiction

    Jurisdiction.objects.filter(pk=grid.pk).update(boundary=shapely.to_geojson(Point(114.15, 22.15).buffer(0.01, quad_segs=64)))
    fc = login("city_admin").get("/grids/coverage/map.geojson").json()
    redrawn = shape(next(f for f in fc["features"] if f["properties"]["id"] == grid.pk)["geometry"])
    assert redrawn.bounds[2] == pytest.approx(114.16, abs=1e-5)
    # the square grids lose nothing
    square = next(f for f in fc["features"] if f["properties"]["id"] == world.grid_a.pk)
    assert shape(square["geometry"]).equals(shapely.from_geojson(world.grid_a.boundary))


@time_machine.travel(TODAY, tick=False)
def test_map_page_has_legend_and_data_url(login, world):
    page = login("district_a").get("/grids/coverage/", {**PERIOD, "view": "map"}).content.decode()
    assert 'data-testid="coverage-map"' in page and "/grids/coverage/map.geojson?start=2026-01-01&amp;end=2026-03-31" in page
    for colour, _label in [(c, None) for _low, c in gs.COVERAGE_BANDS] + [(gs.NO_PLAN_COLOUR, None)]:
        assert f"background:{colour}" in page
    assert "≥ 95%" in page and "50% – 80%" in page and "无计划" in page and "grids/coverage_map.js" in page
