"""The vehicle map in a real browser at 390 and 1366 px: the district's outline, the geofences,
the vehicles' latest positions (one red: in a no-go area), a track played back; the geofence
editor draws a polygon by clicking. Pictures kept in ANJIAN_SCREENSHOTS when set."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.e2e.conftest import log_in
from tests.e2e.test_maps import _keep, _outline_pixels

pytestmark = [pytest.mark.browser]


def _fleet(world):
    from anjian.vehicles.ingest import RawPosition, ingest_positions
    from tests.vehicles.factories import make_no_go, make_route, make_vehicle

    route = make_route(world)
    make_vehicle(world, route=route)
    make_vehicle(world, plate="粤A22222", device="DEV-2")
    make_no_go(world)
    now = timezone.now().replace(microsecond=0)
    raws = []
    for i in range(12):
        at = (now - dt.timedelta(minutes=12 - i)).isoformat()
        raws.append(RawPosition("DEV-1", at, 114.02 + 0.01 * i, 22.01, 50))
        raws.append(RawPosition("DEV-2", at, 114.12 - 0.005 * i, 22.12 - 0.005 * i, 40))  # ends in the no-go area
    ingest_positions(raws)


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)])
def test_live_map_positions_fences_and_track(e2e_world, new_page, live_server, width, height):
    _fleet(e2e_world)
    page = new_page(width=width, height=height)
    log_in(page, live_server, "district_a")
    page.goto(f"{live_server.url}/vehicles/map/")
    page.wait_for_selector("#vehicle-map[data-loaded='2'][data-fitted][data-boundaries-loaded]")
    assert page.locator("#n-total").inner_text() == "2"
    assert page.locator("#n-alarm").inner_text() == "1"
    red = page.locator("#vehicle-map path.leaflet-interactive[fill='#d9001b']")
    assert red.count() == 1
    page.select_option("#track-vehicle", label="粤A12345")
    page.click("#track-show")
    page.wait_for_selector("#vehicle-map[data-track-points='12']")
    assert "12" in page.locator("#track-info").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # fits the phone
    shot = page.screenshot(full_page=True)
    _keep(shot, f"vehicle-map-{width}")
    assert _outline_pixels(page.locator("#vehicle-map").screenshot()) > 100


def test_geofence_drawn_by_clicks_is_saved(e2e_world, new_page, live_server):
    from anjian.vehicles.models import Geofence

    page = new_page(width=1366, height=900)
    log_in(page, live_server, "district_a")
    page.goto(f"{live_server.url}/vehicles/geofences/new/")
    page.wait_for_selector("#draw-map[data-ready]")
    page.fill("#id_name", "加油站周边禁行区")
    box = page.locator("#draw-map").bounding_box()
    for dx, dy in ((0.4, 0.4), (0.6, 0.4), (0.6, 0.6), (0.4, 0.6)):
        page.mouse.click(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
    page.locator("#draw-map .aj-vertex").first.click()  # close the polygon on its first vertex
    assert page.locator("#draw-map").get_attribute("data-vertices") == "4"
    _keep(page.screenshot(full_page=True), "geofence-draw-1366")
    page.click("button.btn-primary.btn-lg")
    page.wait_for_url(f"{live_server.url}/vehicles/geofences/*/")
    fence = Geofence.objects.get()
    assert fence.geometry["type"] == "Polygon" and len(fence.geometry["coordinates"][0]) == 5
