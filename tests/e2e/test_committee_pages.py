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
