"""我的导出 in a real browser: a large list export (threshold set low) started with the list's
button lands on the page, which offers the finished file; on a phone the page does not overflow."""

from __future__ import annotations

import csv
import io
import os

import pytest

from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser]


def test_large_export_lands_on_my_exports_and_downloads(e2e_world, new_page, live_server, tmp_path, settings):
    from anjian.hazards import services as hs

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXPORT_IMMEDIATE_MAX_ROWS = 1
    for n in range(3):
        hs.hazard_report(actor=None, source="patrol", enterprise=e2e_world.ent_a, category=f"=隐患{n}",
                         description="浏览器导出", lng=114.05, lat=22.05)
    page = new_page(width=390, height=844)
    log_in(page, live_server, "district_a")
    page.goto(f"{live_server.url}/hazards/")
    page.click("[data-testid=export-csv]")
    page.wait_for_url(f"{live_server.url}/documents/exports/*")
    row = page.locator("[data-testid=export-row]").first
    row.locator("[data-testid=export-download]").wait_for()
    assert "已完成" in row.inner_text() and "隐患台账" in row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    if shots := os.environ.get("ANJIAN_SCREENSHOTS"):
        page.screenshot(path=f"{shots}/my-exports-390.png", full_page=True)
    with page.expect_download() as info:
        row.locator("[data-testid=export-download]").click()
    path = info.value.path()
    rows = list(csv.reader(io.StringIO(open(path, encoding="utf-8-sig").read())))  # noqa: SIM115
    assert len(rows) == 4 and {r[7] for r in rows[1:]} == {"'=隐患0", "'=隐患1", "'=隐患2"}
