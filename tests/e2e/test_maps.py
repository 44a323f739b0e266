"""Maps in a real browser without any tile server: each map draws the user's jurisdiction boundaries
underneath its own layer, fitted to the user's scope, and the public form's map places a point.

The screenshots are checked as pictures: the scope's outline colour (#0d47a1, anjian/basemap.js)
must be on screen, so a map that shows dots on grey fails."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pytest
from django.core.cache import cache
from PIL import Image

from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser]

SCOPE_OUTLINE = (0x0D, 0x47, 0xA1)


def _outline_pixels(png: bytes) -> int:
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)
    close = (np.abs(pixels - np.array(SCOPE_OUTLINE, dtype=np.int16)) < 40).all(axis=2)
    return int(close.sum())


def _keep(png: bytes, name: str) -> None:
    """Keep the picture for a human to look at when ANJIAN_SCREENSHOTS names a folder."""
    folder = os.environ.get("ANJIAN_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{name}.png").write_bytes(png)


def _boundary_names(page, selector: str) -> set[str]:
    page.wait_for_selector(f"{selector}[data-boundaries-loaded][data-fitted]")
    return set(page.locator(f"{selector} .aj-boundary-label").all_inner_texts())


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)])
def test_hazard_map_draws_the_district_and_its_streets_only(e2e_world, new_page, live_server, width, height):
    page = new_page(width=width, height=height)
    log_in(page, live_server, "district_a")
    page.goto(f"{live_server.url}/hazards/?view=map")
    names = _boundary_names(page, "#hz-map")
    assert names == {"甲一街道"}  # its street named; nothing of district B
    # The view is fitted to district A (114.0–114.2 E, 22.0–22.4 N), not to the city.
    view = page.evaluate("(() => { const b = document.getElementById('hz-map').ajMap.getBounds();"
                         " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; })()")
    centre_lng, centre_lat = (view[0] + view[2]) / 2, (view[1] + view[3]) / 2
    assert 114.0 < centre_lng < 114.2 and 22.0 < centre_lat < 22.4
    assert view[2] - view[0] < 0.4 or view[3] - view[1] < 0.8  # closer than the whole city
    shot = page.locator("#hz-map").screenshot()
    _keep(shot, f"hazard-map-{width}")
    assert _outline_pixels(shot) > 200


def test_sensor_map_and_jurisdiction_page_draw_boundaries(e2e_world, new_page, live_server):
    page = new_page()
    log_in(page, live_server, "city_admin")
    page.goto(f"{live_server.url}/monitoring/map/")
    assert _boundary_names(page, "#sensor-map") == {"甲区", "乙区"}
    shot = page.locator("#sensor-map").screenshot()
    _keep(shot, "sensor-map-1366")
    assert _outline_pixels(shot) > 200

    page.goto(f"{live_server.url}/orgs/jurisdictions/{e2e_world.street_a.pk}/")
    assert _boundary_names(page, "#map") == {"甲区", "乙区"}
    # The city and both districts under the street's own blue outline.
    assert page.locator("#map .leaflet-ajBoundaries-pane path").count() == 3


def test_public_form_map_places_the_point_without_tiles(e2e_world, new_page, live_server):
    cache.clear()
    page = new_page(width=390, height=844)
    page.goto(f"{live_server.url}/public/")
    assert _boundary_names(page, "#pr-map") == {"甲区", "乙区"}
    page.locator("#pr-map").scroll_into_view_if_needed()
    box = page.locator("#pr-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.5)
    lng = float(page.input_value("#id_lng"))
    lat = float(page.input_value("#id_lat"))
    assert 114.0 < lng < 114.4 and 22.0 < lat < 22.4  # inside the city the map was fitted to
    assert page.locator("#pr-map .leaflet-marker-icon").count() == 1
    assert page.locator("[data-testid=position]").inner_text().startswith("✓")
    shot = page.locator("#pr-map").screenshot()
    _keep(shot, "public-form-map-390")
    assert _outline_pixels(shot) > 200
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
