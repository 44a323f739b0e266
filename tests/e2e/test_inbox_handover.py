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


def _street_office_department(world):
    from anjian.orgs.models import DepartmentKind
    from anjian.orgs.services import department_create

    return department_create(actor=None, name="甲一街道安办", kind=DepartmentKind.STREET_OFFICE, jurisdiction=world.street_a)


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)])
def test_public_report_reaches_the_district_then_the_street_office_it_was_dispatched_to(
        e2e_world, new_page, live_server, width, height):
    """A new public report is the district office's (受理); dispatched to the street office, it is in
    that office's 我的待办 — not the other street's — and leaves it when the office records its work."""
    from anjian.public_reports import services as ps
    from anjian.public_reports.models import Channel, ReportType

    _street_offices(e2e_world)
    office = _street_office_department(e2e_world)
    r, _secret, _ = ps.report_submit(actor=None, identity=None, idempotency_key=None, channel=Channel.PUBLIC,
                                     report_type=ReportType.HAZARD, description="储罐区防火堤破损，夜间有工人违规动火作业",
                                     lng=114.05, lat=22.05, address="甲区化工路 1 号", enterprise=e2e_world.ent_a)
    district = new_page(width, height)
    log_in(district, live_server, "district_a")
    district.goto(f"{live_server.url}/inbox/")
    district.locator("[data-testid=inbox] a", has_text=r.display_code).first.click()
    district.wait_for_url(f"{live_server.url}/reports/{r.pk}/")
    district.locator(f"form[action='/reports/{r.pk}/accept/'] button").click()
    district.wait_for_load_state()
    ps.report_dispatch(actor=e2e_world.user("district_a"), report=r, department=office)

    other = new_page(width, height)
    log_in(other, live_server, "street_b")
    other.goto(f"{live_server.url}/inbox/")
    assert r.display_code not in other.locator("[data-testid=inbox]").inner_text()

    page = new_page(width, height)
    log_in(page, live_server, "street_a")
    page.goto(f"{live_server.url}/inbox/")
    page.locator("[data-testid=inbox] a", has_text=r.display_code).first.click()
    page.wait_for_url(f"{live_server.url}/reports/{r.pk}/")
    form = page.locator(f"form[action='/reports/{r.pk}/handle/']")
    form.locator("textarea[name=note]").fill("现场核查，责令停止动火")
    form.get_by_role("button", name="办理完成").click()
    page.wait_for_load_state()
    r.refresh_from_db()
    assert r.status == "handled"
    page.goto(f"{live_server.url}/inbox/")
    assert r.display_code not in page.locator("[data-testid=inbox]").inner_text()
    # …and the district office now has its verification
    district.goto(f"{live_server.url}/inbox/")
    assert r.display_code in district.locator("[data-testid=inbox]").inner_text()


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)])
def test_a_fatal_accident_reaches_the_district_office_which_verifies_it(e2e_world, new_page, live_server, width, height):
    """A fatal accident the enterprise reports is in the district office's 我的待办 (核报), not the
    other district's; 核报 on the accident page closes it."""
    import datetime as dt

    from django.utils import timezone

    from anjian.rules.accidents import accident_types_for
    from tests.accidents.factories import report as accident_report

    now = timezone.now()
    acc = accident_report(e2e_world, actor=e2e_world.user("enterprise"), occurred_at=now - dt.timedelta(hours=1),
                          known_at=now - dt.timedelta(minutes=50), reported_at=now - dt.timedelta(minutes=30),
                          type_code=accident_types_for(timezone.localdate()).types[0].code)
    other = new_page(width, height)
    log_in(other, live_server, "district_b")
    other.goto(f"{live_server.url}/inbox/")
    assert "甲区化工有限公司" not in other.locator("[data-testid=inbox]").inner_text()

    page = new_page(width, height)
    log_in(page, live_server, "district_a")
    page.goto(f"{live_server.url}/inbox/")
    page.locator("[data-testid=inbox] a", has_text="请核报").first.click()
    page.wait_for_url(f"{live_server.url}/accidents/{acc.pk}/")
    page.fill("#verify-note", "已核实并报市应急管理局")
    page.click("[data-testid=verify-button]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/inbox/")
    inbox = page.locator("[data-testid=inbox]").inner_text()
    assert "请核报" not in inbox  # the verification is done…
    assert "重点督办" in inbox  # …while a fatal accident stays a supervised case of the district's
