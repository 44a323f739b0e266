"""In the browser, on a phone (390 px) and a desktop (1366 px): the city administrator makes a
one-time link on a new user's page; the user opens it, sets a password and logs in with it
(issue 14). Screenshots go to $ANJIAN_SCREENSHOTS when set."""

from __future__ import annotations

import os
import re

import pytest

from anjian.accounts.models import Role
from anjian.accounts.services import membership_grant, user_create
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser]

NEW = "Xin-Mima-2026!"


def _shot(page, name: str) -> None:
    folder = os.environ.get("ANJIAN_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize("size", [(1366, 900), (390, 844)])
def test_a_new_user_sets_a_password_through_a_one_time_link(e2e_world, new_page, live_server, size):
    user = user_create(actor=None, username=f"li_si_{size[0]}", password="Chushi-Mima-2026", display_name="李四")
    membership_grant(actor=None, user=user, role=Role.objects.get(code="district_office"),
                     jurisdiction=e2e_world.district_a)
    admin = new_page(*size)
    log_in(admin, live_server, "city_admin")
    admin.goto(f"{live_server.url}/accounts/users/{user.pk}/")
    admin.click('[data-testid="btn-link"]')
    admin.wait_for_selector('[data-testid="password-link"]')
    assert _fits(admin)
    _shot(admin, f"password-link-made-{size[0]}")
    url = admin.locator('[data-testid="password-link"] code').inner_text().strip()
    path = re.search(r"/accounts/password/set/[A-Za-z0-9_-]+/", url).group(0)

    page = new_page(*size)
    page.goto(f"{live_server.url}{path}")
    page.wait_for_selector('[data-testid="password-set-form"]')
    assert _fits(page)
    _shot(page, f"password-set-{size[0]}")
    page.fill("#id_new_password", NEW)
    page.fill("#id_new_password2", NEW)
    page.click('[data-testid="btn-set-password"]')
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", NEW)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    # the link is used up
    page.goto(f"{live_server.url}{path}")
    assert page.locator('[data-testid="link-invalid"]').is_visible()
