"""In the browser: the enterprise proposes a change to its supervision fields and its district
approves it (issue 13, item 7). Screenshots go to $ANJIAN_SCREENSHOTS when set."""

from __future__ import annotations

import os

import pytest

from anjian.enterprises.models import Enterprise
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser]


def _shot(page, name: str) -> None:
    folder = os.environ.get("ANJIAN_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


@pytest.mark.parametrize("size", [(1366, 900), (390, 844)])
def test_enterprise_proposes_and_the_district_approves(e2e_world, new_page, live_server, size):
    ent = e2e_world.ent_a
    page = new_page(*size)
    log_in(page, live_server, "enterprise")
    page.goto(f"{live_server.url}/enterprises/{ent.pk}/edit/")
    assert page.locator("#id_status").is_disabled()
    _shot(page, f"edit-enterprise-{size[0]}")
    page.goto(f"{live_server.url}/enterprises/{ent.pk}/")
    page.click('[data-testid="btn-change-request"]')
    page.select_option("#id_status", "suspended")
    page.fill("#id_reason", "停产检修三个月")
    _shot(page, f"change-request-form-{size[0]}")
    page.click('[data-testid="submit-change-request"]')
    page.wait_for_selector('[data-testid="change-request"]')
    assert Enterprise.objects.get(pk=ent.pk).status == "operating"

    staff = new_page(*size)
    log_in(staff, live_server, "district_a")
    staff.goto(f"{live_server.url}/enterprises/{ent.pk}/")
    assert "停产停业" in staff.inner_text('[data-testid="change-request"]')
    _shot(staff, f"change-request-pending-{size[0]}")
    staff.fill("textarea[name=note]", "现场核实")
    staff.click('[data-testid="approve"]')
    staff.wait_for_selector("text=已批准变更申请")
    assert Enterprise.objects.get(pk=ent.pk).status == "suspended"
