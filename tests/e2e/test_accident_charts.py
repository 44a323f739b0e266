"""The accident statistics charts in a real browser: whole names, every month."""

from __future__ import annotations

import os

import pytest
import time_machine

from tests.accidents.factories import at, report, when
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser]


def _chart_texts(page, chart_id: str) -> list[str]:
    page.wait_for_selector(f"#{chart_id} svg text")
    texts = page.eval_on_selector_all(f"#{chart_id} svg text", "els => els.map(e => e.textContent)")
    return [t.strip() for t in texts if t and t.strip()]


@pytest.mark.parametrize("width", [1366, 390])
def test_pies_name_their_slices_whole_and_the_trend_has_every_month(e2e_world, new_page, live_server, width):
    with time_machine.travel(at(2026, 8, 20), tick=False):
        report(e2e_world, **when(2026, 2, 10), category="road_traffic", type_code="02", deaths=1)
        report(e2e_world, **when(2026, 5, 3), deaths=0, minor_injuries=1)
        report(e2e_world, **when(2026, 5, 9), category="fire", type_code="09", deaths=0, minor_injuries=1)
    page = new_page(width=width, height=900 if width > 500 else 844)
    log_in(page, live_server, "city_admin")
    page.goto(f"{live_server.url}/accidents/statistics/?year=2026")
    category = _chart_texts(page, "chart-category")
    # a category's whole name, never cut to "道…"
    assert {"道路交通", "工矿商贸"} <= set(category), category
    assert not any("…" in t for t in category), category
    grade = _chart_texts(page, "chart-grade")
    assert "一般事故" in grade and not any("…" in t for t in grade)
    _chart_texts(page, "chart-month")
    axis = page.evaluate("echarts.getInstanceByDom(document.getElementById('chart-month')).getOption().xAxis[0].data")
    bars = page.evaluate("echarts.getInstanceByDom(document.getElementById('chart-month')).getOption().series[0].data")
    # every month of the year so far is on the axis, not only the months with accidents
    assert axis[:8] == [f"2026-{m:02d}" for m in range(1, 9)], axis
    assert bars[:8] == [0, 1, 0, 0, 2, 0, 0, 0], bars
    if (shots := os.environ.get("ANJIAN_SCREENSHOTS")):
        page.screenshot(path=f"{shots}/accident-statistics-{width}.png", full_page=True)
