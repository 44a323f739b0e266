"""The grid list and grid detail pages (and the grid summary API): what they show, read within
scope, and who may open them."""

from __future__ import annotations

import pytest
import time_machine

from anjian.enterprises.services import enterprise_create
from anjian.grids.models import PatrolRecord
from anjian.hazards.services import hazard_report
from anjian.monitoring.services import SubstanceRow, hazard_source_create
from anjian.orgs.models import Sector
from anjian.testing.matrix import Route, check_matrix

from .coverage_fixtures import PERIOD, TODAY, build_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid_world(world):
    build_history(world)
    with time_machine.travel(TODAY, tick=False):
        retail = Sector.objects.get(code="52")
        mall = enterprise_create(actor=None, data={"name": "甲一商场", "sector": retail, "lng": 114.02, "lat": 22.02,
                                                   "employees": 60, "flags": ["crowded_place"]})
        depot = enterprise_create(actor=None, data={"name": "甲一油库", "sector": Sector.objects.get(code="26"),
                                                    "lng": 114.03, "lat": 22.08, "flags": ["major_hazard_source"]})
        enterprise_create(actor=None, data={"name": "甲一小店", "sector": retail, "lng": 114.04, "lat": 22.04})
        source = hazard_source_create(actor=None, enterprise=world.ent_a, name="液氯储罐区", unit_kind="storage",
                                      exposed_population=100, substances=[SubstanceRow("氯", "7782-50-5", "10")])
        hazard_report(actor=None, source="patrol", enterprise=world.ent_a, category="消防通道堵塞",
                      description="北侧通道堆放货物", level="major")
        hazard_report(actor=None, source="patrol", enterprise=mall, category="灭火器过期", description="3 具")
        hazard_report(actor=None, source="patrol", enterprise=world.ent_b, category="临边防护缺失", description="5 层")
    return {"mall": mall, "depot": depot, "source": source}


def test_authorization_matrix(login, world, grid_world):
    a, b = world.grid_a.pk, world.grid_b.pk
    own_a = {"city_admin", "district_a", "grid_inspector"}
    viewers = {"city_admin", "district_a", "district_b", "grid_inspector"}
    problems = check_matrix(login, [
        Route("GET", "/grids/", allow=viewers),
        Route("GET", f"/grids/{a}/", allow=own_a),
        Route("GET", f"/grids/{b}/", allow={"city_admin", "district_b"}),
        Route("GET", f"/grids/{a}/geojson/", allow=own_a),
        Route("GET", "/grids/coverage/?by=inspector", allow=viewers),
        Route("GET", "/grids/coverage/?view=map", allow=viewers),
        Route("GET", "/grids/coverage/map.geojson", allow=viewers),
        Route("GET", "/grids/coverage/export.csv?by=inspector", allow=viewers),
        Route("GET", "/grids/coverage/export.xlsx", allow=viewers),
        Route("GET", f"/api/v1/grids/{a}", allow=own_a),
        Route("GET", "/api/v1/grids/coverage/inspectors", allow=viewers),
        Route("GET", "/api/v1/grids/coverage/geojson", allow=viewers),
    ])
    assert problems == []


def test_not_a_grid_is_404(login, world):
    client = login("city_admin")
    assert client.get(f"/grids/{world.street_a.pk}/").status_code == 404
    assert client.get(f"/api/v1/grids/{world.street_a.pk}").status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_detail_shows_staff_risk_key_places_sources_coverage_records_hazards(login, world, grid_world):
    page = login("district_a").get(f"/grids/{world.grid_a.pk}/", PERIOD).content.decode()
    staff = page.split('data-testid="grid-staff"')[1].split('data-testid="grid-risk"')[0]
    assert "district_a" in staff and "grid_inspector" in staff
    risk = page.split('data-testid="grid-risk"')[1].split('data-testid="grid-hazards"')[0]
    assert "在营企业/场所 4 家" in risk
    key = page.split('data-testid="key-places"')[1].split('data-testid="hazard-sources"')[0]
    assert "重点场所与重点监管单位（3）" in key
    assert key.index("甲一商场") < key.index("甲区化工有限公司")  # crowded places first
    assert "甲一油库" in key and "甲一小店" not in key and "人员密集场所" in key
    sources = page.split('data-testid="hazard-sources"')[1].split('data-testid="recent-records"')[0]
    assert "液氯储罐区" in sources and "三级" in sources and "risk-yellow" in sources
    assert "甲一油库" in sources and "尚无辨识分级记录" in sources
    cov = page.split('data-testid="grid-coverage"')[1]
    assert "66.7%" in cov.split('data-testid="grid-coverage-total"')[1].split("</tr>")[0]
    records = page.split('data-testid="recent-records"')[1]
    assert records.count("/grids/records/") == PatrolRecord.objects.filter(grid=world.grid_a).count() == 2
    hazards = page.split('data-testid="grid-hazards"')[1].split('data-testid="grid-coverage"')[0]
    assert '<span class="fs-5 fw-bold overdue">2</span>' in hazards and "其中重大隐患 1 项" in hazards
    assert f"/hazards/?jurisdiction={world.street_a.pk}" in hazards
    assert "乙区建筑工程有限公司" not in page


@time_machine.travel(TODAY, tick=False)
def test_detail_geojson_has_boundary_and_key_places(login, world, grid_world):
    fc = login("grid_inspector").get(f"/grids/{world.grid_a.pk}/geojson/").json()
    assert fc["features"][0]["geometry"]["type"] == "Polygon"
    points = {f["properties"]["name"]: f["properties"]["kind"] for f in fc["features"][1:]}
    assert points == {"甲一商场": "crowded_place", "甲一油库": "major_hazard_source", "甲区化工有限公司": "major_hazard_source"}


@time_machine.travel(TODAY, tick=False)
def test_grid_summary_api(login, world, grid_world):
    body = login("grid_inspector").get(f"/api/v1/grids/{world.grid_a.pk}", PERIOD).json()
    assert [s["name"] for s in body["leaders"]] == ["district_a"]
    assert [s["name"] for s in body["inspectors"]] == ["grid_inspector"]
    assert sum(body["enterprises_by_colour"].values()) == 4
    assert body["key_places_total"] == 3 and body["key_places"][0]["name"] == "甲一商场"
    assert [(s["name"], s["grade"], s["grade_label"]) for s in body["major_hazard_sources"]] == [("液氯储罐区", 3, "三级")]
    assert body["flagged_major_hazard_without_record"] == [grid_world["depot"].pk]
    assert (body["coverage"]["planned"], body["coverage"]["done"], body["open_hazards"], body["major_open_hazards"]) == (3, 2, 2, 1)
    assert login("district_b").get(f"/api/v1/grids/{world.grid_a.pk}").status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_grid_list_scoped_with_leader_staff_and_coverage(login, world, grid_world):
    page = login("district_a").get("/grids/").content.decode()
    table = page.split('data-testid="grid-list"')[1]
    assert f"/grids/{world.grid_a.pk}/" in table and "乙一网格" not in table
    row = table.split("甲一网格")[1].split("</tr>")[0]
    assert "district_a" in row and "<td>1</td>" in row and "<td>4</td>" in row
    assert "0.0%" in row and "逾期 1" in row  # March: one task, open and overdue
    assert "共 1 条" in page
    page = login("city_admin").get("/grids/", {"parent": world.street_b.pk}).content.decode()
    table = page.split('data-testid="grid-list"')[1]
    assert "乙一网格" in table and "甲一网格" not in table
    page = login("city_admin").get("/grids/", {"q": "甲一"}).content.decode()
    assert "甲一网格" in page.split('data-testid="grid-list"')[1] and "乙一网格" not in page.split('data-testid="grid-list"')[1]
    page = login("grid_inspector").get("/grids/").content.decode()
    assert "甲一网格" in page and "乙一网格" not in page
