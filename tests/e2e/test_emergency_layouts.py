"""Section 八 pages in Chromium: a 390 px phone (the duty officer, the enterprise's response card)
and a 1366 px desktop never scroll sideways."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser]
SHOTS = os.environ.get("ANJIAN_SHOTS")  # a directory to keep the screenshots in (for a human look)


@pytest.fixture
def em_world(e2e_world):
    from anjian.emergency import services

    w = e2e_world
    ent_user = w.user("enterprise")
    plan = services.plan_create(actor=ent_user, plan_type="onsite", title="储罐区危险化学品泄漏现场处置方案（第二生产基地）",
                                enterprise=w.ent_a, response_card="发现泄漏立即报告班长和中控室\n佩戴正压式空气呼吸器，关闭进料阀\n拨打119")
    services.plan_review_record(actor=ent_user, plan=plan, kind="review", held_on=dt.date.today(), conclusion="通过")
    services.plan_publish(actor=ent_user, plan=plan, signed_by="王总", published_on=dt.date.today())
    wh = services.warehouse_create(actor=None, name="甲区应急物资储备库（化工园区分库）", jurisdiction=w.district_a,
                                   lng=114.08, lat=22.08)
    services.stock_receive(actor=None, warehouse=wh, material="正压式空气呼吸器", quantity=5, unit="套", minimum=10)
    services.team_create(actor=None, name="示范市危险化学品专业应急救援队", kind="professional",
                         jurisdiction=w.district_a, lng=114.06, lat=22.07, phone="0755-12345678")
    inc = services.incident_open(actor=None, title="甲区化工有限公司储罐区液体泄漏", lng=114.05, lat=22.05,
                                 enterprise=w.ent_a, needs="正压式空气呼吸器")
    services.incident_log_add(actor=None, incident=inc, kind="dispatch", text="调派危化救援队2车12人")
    return {"plan": plan, "wh": wh, "inc": inc}


def _overflow(page) -> tuple[int, int]:
    return page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")


@pytest.mark.parametrize("width", [390, 1366])
def test_emergency_pages_fit(new_page, live_server, em_world, width):
    pages = {
        "district_a": ["/emergency/plans/", f"/emergency/plans/{em_world['plan'].pk}/", "/emergency/obligations/",
                       "/emergency/teams/", "/emergency/warehouses/", f"/emergency/warehouses/{em_world['wh'].pk}/",
                       "/emergency/incidents/", f"/emergency/incidents/{em_world['inc'].pk}/", "/emergency/alerts/",
                       "/emergency/incidents/new/", "/emergency/drills/"],
        "enterprise": [f"/emergency/plans/{em_world['plan'].pk}/card/", f"/emergency/plans/{em_world['plan'].pk}/"],
    }
    for persona, urls in pages.items():
        page = new_page(width=width, height=844 if width == 390 else 900)
        log_in(page, live_server, persona)
        for url in urls:
            response = page.goto(f"{live_server.url}{url}")
            assert response.status == 200, url
            scroll, client = _overflow(page)
            assert scroll <= client + 1, f"{persona} {url} at {width}px scrolls sideways ({scroll} > {client})"
            if SHOTS:
                name = url.strip("/").replace("/", "_") or "home"
                page.screenshot(path=f"{SHOTS}/{width}-{persona}-{name}.png", full_page=True)
