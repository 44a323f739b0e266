"""Sector routing specificity, and the organisation pages as an authorization matrix."""

from __future__ import annotations

import pytest

from anjian.orgs.models import DepartmentKind, Jurisdiction, Sector, SectorRoute
from anjian.orgs.services import department_create, route_department, route_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def district_ema(world):
    return department_create(actor=None, name="甲区应急管理局", kind=DepartmentKind.REGULATOR,
                             jurisdiction=world.district_a, sectors=Sector.objects.filter(code="C"))


def test_city_default_route(world):
    dept, why = route_department(Sector.objects.get(code="26"), world.grid_a)
    assert dept == world.ema
    assert why == "行业 C 制造业 @ 全市默认 → 示范市应急管理局"


def test_nearer_jurisdiction_beats_city_default(world, district_ema):
    route_set(actor=None, sector=Sector.objects.get(code="C"), department=district_ema, jurisdiction=world.district_a)
    c26 = Sector.objects.get(code="26")
    assert route_department(c26, world.grid_a)[0] == district_ema
    assert route_department(c26, world.street_a)[0] == district_ema
    assert route_department(c26, world.district_a)[0] == district_ema
    assert route_department(c26, world.grid_b)[0] == world.ema  # district B keeps the city default
    assert route_department(c26, world.city)[0] == world.ema
    assert route_department(c26, None)[0] == world.ema


def test_grid_route_beats_district_route(world, district_ema):
    c = Sector.objects.get(code="C")
    route_set(actor=None, sector=c, department=district_ema, jurisdiction=world.district_a)
    route_set(actor=None, sector=c, department=world.housing, jurisdiction=world.grid_a)
    assert route_department(Sector.objects.get(code="26"), world.grid_a)[0] == world.housing
    assert route_department(Sector.objects.get(code="26"), world.street_a)[0] == district_ema


def test_division_beats_section_even_when_farther(world, district_ema):
    route_set(actor=None, sector=Sector.objects.get(code="C"), department=district_ema, jurisdiction=world.district_a)
    route_set(actor=None, sector=Sector.objects.get(code="26"), department=world.housing)  # city-wide, division
    dept, why = route_department(Sector.objects.get(code="26"), world.grid_a)
    assert dept == world.housing
    assert why.startswith("行业 26 ")
    assert route_department(Sector.objects.get(code="25"), world.grid_a)[0] == district_ema


def test_unrouted_and_missing_sector(world):
    assert route_department(None, world.grid_a) == (None, "未指定行业，未路由 / no sector, not routed")
    dept, why = route_department(Sector.objects.get(code="A"), world.grid_a)
    assert dept is None and why == "行业 A 无路由规则 / no route for sector A"


def test_route_set_replaces_and_records(world):
    c = Sector.objects.get(code="C")
    route_set(actor=world.user("city_admin"), sector=c, department=world.housing, note="调整")
    assert SectorRoute.objects.filter(sector=c, jurisdiction=None).count() == 1
    assert route_department(Sector.objects.get(code="26"), None)[0] == world.housing


# --- pages -------------------------------------------------------------------------------

ORGS_VIEWERS = {"city_admin", "district_a", "district_b", "regulator"}


@pytest.mark.parametrize("persona", ["city_admin", "district_a", "district_b", "regulator", "grid_inspector",
                                     "enterprise", "anonymous"])
def test_orgs_pages_matrix(world, login, persona):
    client = login(persona)
    a = world.district_a
    urls = ["/orgs/jurisdictions/", f"/orgs/jurisdictions/{a.pk}/", f"/orgs/jurisdictions/{a.pk}/geojson/",
            "/orgs/departments/"]
    before = (Jurisdiction.objects.count(), SectorRoute.objects.count())
    for url in urls:
        response = client.get(url)
        if persona == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
        elif persona not in ORGS_VIEWERS or (persona == "district_b" and "/jurisdictions/" in url and str(a.pk) in url):
            assert response.status_code == 404, url
        else:
            assert response.status_code == 200, url
    assert (Jurisdiction.objects.count(), SectorRoute.objects.count()) == before


@pytest.mark.parametrize(
    ("persona", "codes"),
    [
        ("city_admin", {"990100", "990101", "990102", "990101001", "990102001", "990101001001", "990102001001"}),
        ("district_a", {"990101", "990101001", "990101001001"}),
        ("district_b", {"990102", "990102001", "990102001001"}),
        ("regulator", {"990100", "990101", "990102", "990101001", "990102001", "990101001001", "990102001001"}),
    ],
)
def test_jurisdiction_list_shows_only_the_scope(world, login, persona, codes):
    page = login(persona).get("/orgs/jurisdictions/").context["page"]
    assert {j.code for j in page.rows} == codes


def test_jurisdiction_geojson_has_the_unit_and_its_children(world, login):
    body = login("district_a").get(f"/orgs/jurisdictions/{world.district_a.pk}/geojson/").json()
    assert body["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in body["features"]] == ["990101", "990101001"]
    assert body["features"][0]["geometry"]["type"] == "Polygon"


def test_jurisdiction_detail_page(world, login):
    response = login("district_a").get(f"/orgs/jurisdictions/{world.street_a.pk}/")
    html = response.content.decode()
    assert "甲一街道" in html and "甲一网格" in html
    assert [j.code for j in response.context["ancestors"]] == ["990100", "990101"]
    assert [(c.code, c.n) for c in response.context["children"]] == [("990101001001", 1)]


def test_departments_page_lists_scope(world, login, district_ema):
    names = {d.name for d in login("district_b").get("/orgs/departments/").context["departments"]}
    assert "甲区应急管理局" not in names
    names_a = {d.name for d in login("district_a").get("/orgs/departments/").context["departments"]}
    assert "甲区应急管理局" in names_a
