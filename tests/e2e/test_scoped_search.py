"""The search-as-you-type choice in a real browser: scoped, grouped suggestions on a desktop and a
phone, picking one submits it, and without JavaScript the typed name still works."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser]

SHOTS = Path(os.environ.get("ANJIAN_SCREENSHOTS", "")) if os.environ.get("ANJIAN_SCREENSHOTS") else None


def _setup(world):
    from anjian.orgs.models import DepartmentKind, Sector
    from anjian.orgs.services import department_create
    from anjian.public_reports import services as ps
    from tests.public_reports.helpers import file_report

    department_create(actor=None, name="乙区住房和建设局", kind=DepartmentKind.REGULATOR,
                      jurisdiction=world.district_b, sectors=Sector.objects.filter(code="E"))
    street = department_create(actor=None, name="甲一街道办", kind=DepartmentKind.STREET_OFFICE,
                               jurisdiction=world.street_a)
    r, _ = file_report(world)
    ps.report_accept(actor=world.user("city_admin"), report=r)
    return r, street


def _shot(page, name):
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / name), full_page=False)


def test_dispatch_department_search_is_scoped_grouped_and_submits(e2e_world, new_page, live_server):
    r, street = _setup(e2e_world)
    page = new_page()
    log_in(page, live_server, "district_a")
    page.goto(f"{live_server.url}/reports/{r.pk}/")
    box = page.locator(".aj-lookup input[type=text]").first
    box.click()
    box.fill("甲")
    page.wait_for_selector(".aj-lookup-list [data-pk]")
    listing = page.locator(".aj-lookup-list").first.inner_text()
    assert "甲一街道办" in listing and "乙区" not in listing
    assert "甲一街道 · 街道办" in listing  # under its heading
    box.fill("")
    box.type("示范")
    page.wait_for_selector(".aj-lookup-list [data-pk]:has-text('示范市应急管理局')")  # the city's bureaus serve district A
    assert "示范市 · 行业监管部门" in page.locator(".aj-lookup-list").first.inner_text()
    _shot(page, "lookup-dispatch-1366.png")
    box.fill("")
    box.type("甲一")
    page.wait_for_selector(".aj-lookup-list [data-pk]:has-text('甲一街道办')")
    page.locator(".aj-lookup-list [data-pk]", has_text="甲一街道办").first.dispatch_event("mousedown")
    assert box.input_value() == "甲一街道办"
    page.locator("form:has(.aj-lookup) button.btn-primary").first.click()
    page.wait_for_load_state()
    r.refresh_from_db()
    assert (r.status, r.department_id) == ("dispatched", street.pk)


def test_enterprise_search_on_a_phone(e2e_world, new_page, live_server):
    page = new_page(width=390, height=844)
    log_in(page, live_server, "district_a")
    page.goto(f"{live_server.url}/hazards/new/")
    box = page.locator(".aj-lookup input[type=text]").first
    box.click()
    box.type("甲区")
    page.wait_for_selector(".aj-lookup-list [data-pk]")
    listing = page.locator(".aj-lookup-list").first.inner_text()
    assert "甲区化工有限公司" in listing and "乙区建筑工程有限公司" not in listing
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    _shot(page, "lookup-enterprise-390.png")


def test_without_javascript_the_typed_name_is_the_choice(e2e_world, chromium_browser, live_server):
    r, street = _setup(e2e_world)
    context = chromium_browser.new_context(viewport={"width": 1366, "height": 900}, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, live_server, "district_a")
        page.goto(f"{live_server.url}/reports/{r.pk}/")
        page.fill(".aj-lookup input[name=department]", "甲一街道办")
        page.locator("form:has(.aj-lookup) button.btn-primary").first.click()
        page.wait_for_load_state()
        r.refresh_from_db()
        assert (r.status, r.department_id) == ("dispatched", street.pk)
    finally:
        context.close()
