"""The jurisdiction boundaries under every map: the territory in which the user may use the map's
app and its direct children, nothing outside it; the public form's outline of the city; and the
map pages carrying the base-map settings and the boundaries' address."""

from __future__ import annotations

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def _boundaries(client, app: str):
    return client.get(f"/orgs/boundaries/?for={app}")


def _codes(body, role: str) -> list[str]:
    from anjian.orgs.models import Jurisdiction

    ids = [f["properties"]["id"] for f in body["features"] if f["properties"]["role"] == role]
    return [Jurisdiction.objects.get(pk=i).code for i in ids]


@pytest.mark.parametrize(
    ("persona", "app", "scope", "parts"),
    [
        ("city_admin", "hazards", ["990100"], ["990101", "990102"]),
        ("district_a", "hazards", ["990101"], ["990101001"]),
        ("district_b", "monitoring", ["990102"], ["990102001"]),
        ("district_a", "grids", ["990101"], ["990101001"]),
        ("district_a", "orgs", ["990101"], ["990101001"]),
        ("grid_inspector", "hazards", ["990101001001"], []),
        ("regulator", "hazards", ["990100"], ["990101", "990102"]),  # a city bureau: the whole city
    ],
)
def test_each_user_gets_the_boundaries_of_their_scope_only(world, login, persona, app, scope, parts):
    response = _boundaries(login(persona), app)
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert _codes(body, "scope") == scope
    assert _codes(body, "part") == parts
    assert all(f["geometry"]["type"] == "Polygon" for f in body["features"])
    assert response["Cache-Control"].startswith("private")


def test_the_view_is_fitted_to_the_scope_bbox(world, login):
    body = _boundaries(login("district_b"), "hazards").json()
    assert body["bbox"] == pytest.approx([114.2, 22.0, 114.4, 22.4])
    names = {f["properties"]["name"] for f in body["features"]}
    assert names == {"乙区", "乙一街道"}  # nothing of district A
    city = _boundaries(login("city_admin"), "hazards").json()
    assert city["bbox"] == pytest.approx([114.0, 22.0, 114.4, 22.4])


def test_names_follow_the_language(world, login):
    from anjian.orgs.models import Jurisdiction

    Jurisdiction.objects.filter(pk=world.district_a.pk).update(name_en="Jia District")
    client = login("district_a")
    assert {f["properties"]["name"] for f in _boundaries(client, "hazards").json()["features"]} == {"甲区", "甲一街道"}
    body = client.get("/orgs/boundaries/?for=hazards", HTTP_ACCEPT_LANGUAGE="en").json()
    assert "Jia District" in {f["properties"]["name"] for f in body["features"]}


def test_an_enterprise_account_sees_no_territory(world, login):
    # It may use the hazard map (its own hazards) but no jurisdiction is in its scope.
    body = _boundaries(login("enterprise"), "hazards").json()
    assert body["features"] == [] and "bbox" not in body


@pytest.mark.parametrize(
    ("persona", "app"),
    [("enterprise", "orgs"), ("grid_inspector", "orgs"), ("city_admin", "accounts"), ("city_admin", ""),
     ("enterprise", "grids")],
)
def test_a_map_the_user_cannot_open_is_a_404(world, login, persona, app):
    assert _boundaries(login(persona), app).status_code == 404


def test_anonymous_users_are_sent_to_log_in(world, login):
    response = _boundaries(login("anonymous"), "hazards")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_inactive_units_and_units_without_a_boundary_are_left_out(world, login):
    from anjian.orgs.models import Jurisdiction

    Jurisdiction.objects.filter(pk=world.street_a.pk).update(boundary="")
    assert _codes(_boundaries(login("district_a"), "hazards").json(), "part") == []
    Jurisdiction.objects.filter(pk=world.district_b.pk).update(is_active=False)
    assert _codes(_boundaries(login("city_admin"), "hazards").json(), "part") == ["990101"]


def test_the_public_form_gets_the_city_and_its_districts_only(world, client):
    response = client.get("/public/outline/")
    assert response.status_code == 200
    body = response.json()
    assert _codes(body, "scope") == ["990100"]
    assert _codes(body, "part") == ["990101", "990102"]  # no streets, communities or grids
    assert "Set-Cookie" not in response.headers  # a cacheable public answer


@pytest.mark.parametrize(
    ("persona", "url", "app"),
    [
        ("district_a", "/hazards/?view=map", "hazards"),
        ("district_a", "/monitoring/map/", "monitoring"),
        ("district_a", "/grids/coverage/?view=map", "grids"),
        ("district_a", "/orgs/jurisdictions/{street_a}/", "orgs"),
        ("district_a", "/grids/{grid_a}/", "grids"),
    ],
)
def test_every_map_draws_the_boundaries_and_uses_the_configured_tiles(world, login, persona, url, app):
    tiles = "https://t{s}.tianditu.gov.cn/vec_w/wmts?LAYER=vec&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=k"
    with override_settings(MAP_TILE_URL=tiles, MAP_TILE_SUBDOMAINS="01234567", MAP_TILE_ATTRIBUTION="天地图"):
        response = login(persona).get(url.format(street_a=world.street_a.pk, grid_a=world.grid_a.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-boundaries="/orgs/boundaries/?for={app}"' in html
    assert 'data-tiles="https://t{s}.tianditu.gov.cn/vec_w/wmts?LAYER=vec&amp;TILEMATRIX={z}' in html
    assert 'data-tile-subdomains="01234567"' in html and 'data-tile-attribution="天地图"' in html
    assert "anjian/basemap.js" in html


def test_the_public_form_has_a_map_even_without_tiles(world, client):
    with override_settings(MAP_TILE_URL=""):
        html = client.get("/public/").content.decode()
    assert 'id="pr-map"' in html and 'data-boundaries="/public/outline/"' in html
    assert 'data-tiles=""' in html
    assert "vendor/leaflet-1.9.4/leaflet.js" in html

