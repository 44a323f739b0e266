"""Enforcement pages in Chromium on a phone (390 px, an inspector on site) and a desktop (1366 px):
nothing scrolls sideways, the main controls are on screen."""

from __future__ import annotations

import os

import pytest

from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser]


def _rows(world):
    from anjian.enforcement import services
    from anjian.enforcement.models import Disposition

    reg = world.users["regulator"]
    a = services.inspector_add(actor=None, department=world.ema, name="张执法", cert_no="E2E-1", user=reg)
    b = services.inspector_add(actor=None, department=world.ema, name="李执法", cert_no="E2E-2")
    insp = services.inspection_start(actor=reg, department=world.ema, enterprise=world.ent_a, inspectors=[a, b])
    services.finding_add(actor=reg, inspection=insp, description="未按规定对安全设备进行经常性维护、保养",
                         disposition=Disposition.VIOLATION, legal_basis="《安全生产法》第三十六条第二款")
    case = services.case_file(actor=reg, department=world.ema, enterprise=world.ent_a,
                              cause="未对安全设备进行经常性维护", facts="储罐区可燃气体报警器未投用",
                              inspection=insp, findings=list(insp.findings.all()))
    open_insp = services.inspection_start(actor=reg, department=world.ema, enterprise=world.ent_a, inspectors=[a, b])
    plan = services.plan_generate(actor=reg, department=world.ema, jurisdiction=world.city, year=2027)
    matter = services.matter_add(actor=reg, department=world.ema, name="危险化学品企业安全生产条件", basis="安全生产法第六十二条")
    draw = services.draw_run(actor=reg, department=world.ema, jurisdiction=world.city, matter=matter, ratio_percent=100)
    return {
        "case": f"/enforcement/cases/{case.pk}/", "cases": "/enforcement/cases/",
        "inspection": f"/enforcement/inspections/{open_insp.pk}/", "inspections": "/enforcement/inspections/",
        "start": "/enforcement/inspections/new/", "plan": f"/enforcement/plans/{plan.pk}/",
        "plans": "/enforcement/plans/", "draw": f"/enforcement/draws/{draw.pk}/", "draws": "/enforcement/draws/",
    }


@pytest.mark.parametrize("width", [390, 1366])
def test_enforcement_pages_fit(e2e_world, new_page, live_server, width):
    rows = _rows(e2e_world)
    page = new_page(width=width, height=844 if width == 390 else 900)
    log_in(page, live_server, "regulator")
    shots = os.environ.get("ANJIAN_SCREENSHOTS")
    for name, url in rows.items():
        page.goto(f"{live_server.url}{url}")
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), \
            f"{name} scrolls sideways at {width}px"
        if shots:
            page.screenshot(path=f"{shots}/enforcement-{name}-{width}.png", full_page=True)
    page.goto(f"{live_server.url}{rows['inspection']}")
    assert page.locator("[data-testid=add-finding]").is_visible()
    page.goto(f"{live_server.url}{rows['case']}")
    assert page.locator("[data-testid=step-notify]").is_visible()
