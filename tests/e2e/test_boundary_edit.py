"""The boundary editor in a real browser: drag one vertex of a street on the map and save; the
stored boundary has moved, inside its district."""

from __future__ import annotations

import pytest
import shapely

from anjian.orgs.models import Jurisdiction
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize("width", [1366, 390])
def test_drag_a_vertex_and_save(e2e_world, new_page, live_server, width):
    street = e2e_world.street_a
    page = new_page(width=width)
    log_in(page, live_server, "city_admin")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/orgs/jurisdictions/{street.pk}/adjust/")
    page.wait_for_selector("#boundary-map[data-ready='1']")
    assert errors == [], errors
    assert page.locator("#boundary-map").get_attribute("data-vertices") == "4"
    handles = page.locator(".aj-vertex:not(.aj-vertex-mid)")
    assert handles.count() == 4
    mid = page.locator(".aj-vertex-mid").first
    mid.click()
    page.wait_for_function("document.getElementById('boundary-map').dataset.vertices === '5'")
    vertex = page.locator(".aj-vertex:not(.aj-vertex-mid)").nth(1)
    box = vertex.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 8, box["y"] + box["height"] / 2 - 8, steps=5)
    page.mouse.up()
    page.fill("#id_reason", "测绘更新")
    page.click("[data-testid=boundary-form] button.btn-primary")
    page.wait_for_url(f"{live_server.url}/orgs/jurisdictions/{street.pk}/adjust/")
    stored = shapely.from_geojson(Jurisdiction.objects.get(pk=street.pk).boundary)
    assert len(stored.exterior.coords) == 6  # five vertices, closed
    assert not stored.equals(shapely.from_geojson(street.boundary))
