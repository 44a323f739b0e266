"""A hazard's verification reaches the street office's 我的待办 in a real browser: the enterprise
submits its rectification, the street office (街道安办) finds the item in 我的待办, opens it,
verifies (验收销号) — and the item is gone; the other street office never sees it."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser]


def _street_offices(world):
    from anjian.accounts.models import Role
    from anjian.accounts.services import membership_grant, user_create
    from anjian.testing.world import PASSWORD

    for name, street in (("street_a", world.street_a), ("street_b", world.street_b)):
        user = user_create(actor=None, username=name, password=PASSWORD, display_name=name, must_change_password=False)
        membership_grant(actor=None, user=user, role=Role.objects.get(code="street_office"), jurisdiction=street)


def _hazard_waiting_for_verification(world):
    from anjian.hazards import services as hs
    from anjian.hazards.models import HazardSource
    from tests.hazards.helpers import photo

    h = hs.hazard_report(actor=world.user("grid_inspector"), source=HazardSource.PATROL, enterprise=world.ent_a,
                         category="消防通道堵塞", description="二号仓库消防通道堆放货物", lng=114.05, lat=22.05)
    hs.hazard_confirm(actor=world.user("regulator"), hazard=h, responsible_person="李四")
    hs.hazard_start_rectification(actor=world.user("enterprise"), hazard=h)
    hs.hazard_submit(actor=world.user("enterprise"), hazard=h, note="已清理", photos=[photo("after.jpg")])
    return h


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)])
def test_hazard_verification_reaches_the_street_office_inbox(e2e_world, new_page, live_server, width, height):
    _street_offices(e2e_world)
    h = _hazard_waiting_for_verification(e2e_world)
    title = "待验收：甲区化工有限公司 消防通道堵塞"

    other = new_page(width, height)
    log_in(other, live_server, "street_b")
    other.goto(f"{live_server.url}/inbox/")
    assert title not in other.locator("[data-testid=inbox]").inner_text()

    page = new_page(width, height)
    log_in(page, live_server, "street_a")
    page.goto(f"{live_server.url}/inbox/")
    inbox = page.locator("[data-testid=inbox]")
    assert title in inbox.inner_text()
    page.get_by_role("link", name=title).click()
    page.wait_for_url(f"{live_server.url}/hazards/{h.pk}/")
    page.click("[data-testid=act-written_off]")
    page.locator(f"form[action='/hazards/{h.pk}/act/written_off/'] button").click()
    page.wait_for_load_state()
    h.refresh_from_db()
    assert h.status == "written_off"
    page.goto(f"{live_server.url}/inbox/")
    assert title not in page.locator("[data-testid=inbox]").inner_text()
