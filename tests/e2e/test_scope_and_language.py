from __future__ import annotations

import pytest

from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser]


def test_two_districts_each_see_only_their_scope(e2e_world, new_page, live_server):
    page_a = new_page()
    log_in(page_a, live_server, "district_a")
    page_a.goto(f"{live_server.url}/enterprises/")
    table_a = page_a.locator("[data-testid=enterprise-table]").inner_text()
    assert "甲区化工有限公司" in table_a and "甲区建设集团" in table_a
    assert "乙区建筑工程有限公司" not in table_a
    assert page_a.locator("[data-testid=total]").inner_text().strip() == "共 2 条"

    page_b = new_page(width=390, height=844)  # a phone
    log_in(page_b, live_server, "district_b")
    page_b.goto(f"{live_server.url}/enterprises/")
    table_b = page_b.locator("[data-testid=enterprise-table]").inner_text()
    assert "乙区建筑工程有限公司" in table_b
    assert "甲区" not in table_b
    # District B asking for district A's enterprise by URL gets a 404 page, not the record.
    response = page_b.goto(f"{live_server.url}/enterprises/{e2e_world.ent_a.pk}/")
    assert response.status == 404


def test_language_switch_to_english_and_back(e2e_world, new_page, live_server):
    page = new_page()
    log_in(page, live_server, "district_a")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert "企业档案" in page.locator("#aj-menu").inner_text()
    page.click("[data-testid=lang-switch]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    menu = page.locator("#aj-menu").inner_text()
    assert "Enterprises" in menu and "企业档案" not in menu
    page.click("[data-testid=lang-switch]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
