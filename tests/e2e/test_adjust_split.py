"""Splitting a street in a real browser (issue 14, 行政区划调整), at 1366 and 390 px: draw the new
part on the map, preview what would move, confirm; the job page shows the progress and the report,
the enterprise in the new part and its open hazard have moved."""

from __future__ import annotations

import os

import pytest

from anjian.enterprises.models import Enterprise
from anjian.hazards import services as hs
from anjian.hazards.models import Hazard, HazardSource
from anjian.orgs.models import Jurisdiction
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser]
SHOTS = os.environ.get("ANJIAN_SHOTS")  # a directory to keep the screenshots in (the guide's images)
# the east half of 甲一街道 (114.0–114.2, 22.0–22.2), drawn a little over its edge (under the 5 % the split clips)
OUTLINE = [(22.01, 114.11), (22.19, 114.11), (22.19, 114.202), (22.01, 114.202)]


@pytest.mark.parametrize("width", [1366, 390])
def test_draw_preview_and_split(e2e_world, new_page, live_server, width):
    street = e2e_world.street_a
    hazard = hs.hazard_report(actor=e2e_world.user("city_admin"), source=HazardSource.SUPERVISION,
                              enterprise=e2e_world.ent_a2, category="消防", description="消防通道堵塞")
    page = new_page(width=width)
    log_in(page, live_server, "city_admin")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/orgs/jurisdictions/{street.pk}/adjust/")
    page.click("[data-testid=split-link]")
    page.wait_for_selector("#adjust-map[data-ready='1']")
    page.locator("#adjust-map").scroll_into_view_if_needed()
    for lat, lng in OUTLINE:
        x, y = page.evaluate("([lat, lng]) => { const p = document.getElementById('adjust-map').ajMap"
                             ".latLngToContainerPoint([lat, lng]); return [p.x, p.y]; }", [lat, lng])
        box = page.locator("#adjust-map").bounding_box()
        page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_function("document.getElementById('adjust-map').dataset.points === '4'")
    page.fill("#id_name", "甲东街道")
    page.fill("#id_code", "990101002")
    page.fill("#id_reason", "甲民〔2026〕3号")
    page.click("[data-testid=split-preview]")
    page.wait_for_selector("[data-testid=adjust-preview]")
    assert "1" in page.inner_text("[data-testid=preview-enterprises]")
    assert not Jurisdiction.objects.filter(code="990101002").exists()  # the preview stored nothing
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/setup-split-preview{'-phone' if width < 500 else ''}.png", full_page=True)
    page.click("[data-testid=split-commit]")
    page.wait_for_selector("[data-testid=job-progress][data-status=succeeded]")
    assert "随迁未销号隐患" in page.inner_text("[data-testid=job-result]")
    assert page.locator("[data-testid=job-download]").count() == 1
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/setup-split-report{'-phone' if width < 500 else ''}.png", full_page=True)
    new = Jurisdiction.objects.get(code="990101002")
    assert Enterprise.objects.get(pk=e2e_world.ent_a2.pk).jurisdiction == new
    assert Hazard.objects.get(pk=hazard.pk).jurisdiction == new
    assert errors == [], errors
    overflow = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    assert not overflow
