"""The responsibility and committee pages in a real Chromium: at 390 px (phone) and 1366 px
(desktop) every list, detail and form fits the window (no sideways scrolling); a district answers
its task and signs in at a meeting on a phone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.committee.test_authz_matrix import _scenario
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser]

PAGES = [
    "/committee/cases/", "/committee/cases/new/", "/committee/cases/{case}/", "/committee/tasks/",
    "/committee/tasks/{tb}/", "/committee/meetings/", "/committee/meetings/new/", "/committee/meetings/{meeting}/",
    "/committee/notices/", "/committee/notices/new/", "/committee/notices/{notice}/", "/committee/interviews/",
    "/committee/interviews/new/", "/committee/interviews/{iv}/", "/committee/members/", "/committee/members/set/",
    "/committee/members/{member}/", "/responsibility/letters/", "/responsibility/letters/{la}/",
    "/responsibility/templates/new/", "/responsibility/templates/{template}/", "/responsibility/assessment/",
    "/responsibility/assessment/new/", "/responsibility/assessment/{scheme}/",
    "/responsibility/assessment/rounds/{round}/", "/responsibility/assessment/results/{ra}/",
    "/responsibility/assessment/{scheme}/indicators/", "/responsibility/settings/", "/responsibility/posts/",
]


def _shots() -> Path | None:
    where = os.environ.get("ANJIAN_SHOTS")
    return Path(where) if where else None


def test_pages_fit_phone_and_desktop(e2e_world, new_page, live_server):
    ids = _scenario(e2e_world)
    shots = _shots()
    for width in (390, 1366):
        page = new_page(width=width, height=860)
        log_in(page, live_server, "city_admin")
        for url in PAGES:
            response = page.goto(live_server.url + url.format(**ids))
            assert response is not None and response.status == 200, url
            scroll, client = page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert scroll <= client + 1, (width, url, scroll, client)
            if shots:
                shots.mkdir(parents=True, exist_ok=True)
                name = url.format(**ids).strip("/").replace("/", "_") or "home"
                page.screenshot(path=str(shots / f"{width}-{name}.png"), full_page=True)


def test_district_answers_on_a_phone(e2e_world, new_page, live_server):
    from anjian.committee.models import Attendance, Task, TaskStatus

    ids = _scenario(e2e_world)
    page = new_page(width=390, height=860)
    log_in(page, live_server, "district_b")
    page.goto(f"{live_server.url}/committee/tasks/{ids['tb']}/")
    page.click("[data-testid=btn-read]")
    page.fill("#id_feedback", "已完成排查，整改隐患5项")
    page.click("[data-testid=btn-submit]")
    page.wait_for_selector("text=已反馈")
    assert Task.objects.get(pk=ids["tb"]).status == TaskStatus.SUBMITTED
    page = new_page(width=390, height=860)
    log_in(page, live_server, "regulator")
    page.goto(f"{live_server.url}/committee/meetings/{ids['meeting']}/")
    page.click("[data-testid=sign-in-form] button")
    page.wait_for_selector("text=已签到")
    assert Attendance.objects.filter(meeting_id=ids["meeting"]).count() == 1


def test_a_visit_recorded_on_a_phone_registers_its_hazard(e2e_world, new_page, live_server):
    """The leader's office records a supervision visit at 390 px: the findings, and a hazard at an
    enterprise chosen by typing its name, which becomes a hazard linked from the visit."""
    import datetime as dt

    from anjian.committee import services as cs
    from anjian.hazards.models import Hazard, HazardSource

    v = cs.visit_plan(actor=e2e_world.user("district_a"), jurisdiction=e2e_world.district_a, focus="sector",
                      title="危化企业复工督导", target="甲区危险化学品企业", leader="区长",
                      planned_on=dt.date.today())
    page = new_page(width=390, height=860)
    log_in(page, live_server, "district_a")
    page.goto(f"{live_server.url}/committee/visits/{v.pk}/")
    form = page.locator("[data-testid=visit-form]")
    form.locator("textarea[name=findings]").fill("储罐区防火堤破损")
    box = form.locator(".aj-lookup input[type=text]").first
    box.click()
    box.fill("甲区化工")
    page.wait_for_selector(".aj-lookup-list [data-pk]")
    assert "乙区" not in page.locator(".aj-lookup-list").first.inner_text()  # only the office's enterprises
    page.locator(".aj-lookup-list [data-pk]", has_text=e2e_world.ent_a.name).first.dispatch_event("mousedown")
    form.locator("input[name=hazard_category]").fill("防火防爆")
    form.locator("textarea[name=hazard_description]").fill("二号储罐防火堤有裂缝")
    scroll, client = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll <= client + 1
    if _shots():
        page.screenshot(path=str(_shots() / "390-visit-form.png"), full_page=True)
    form.get_by_role("button", name="记录督导情况").click()
    page.wait_for_selector("[data-testid=visit-hazards]")
    h = Hazard.objects.get()
    assert h.source == HazardSource.SUPERVISION and h.enterprise == e2e_world.ent_a
    assert h.code in page.locator("[data-testid=visit-hazards]").inner_text()
    if _shots():
        page.screenshot(path=str(_shots() / "390-visit-done.png"), full_page=True)
