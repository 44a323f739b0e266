"""End-to-end tests in a real headless Chromium (the distribution's, never a downloaded one).

Outside CI they skip with a message when no browser is installed; under CI (CI=true) a missing
browser is a failure, since `.ci/run` installs it (scripts/install-browser.sh)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium_browser():
    path = _chromium()
    if path is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("Chromium is missing under CI: scripts/install-browser.sh should have installed it")
        pytest.skip("no Chromium installed: run scripts/install-browser.sh to enable browser tests")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def e2e_world(transactional_db):
    from anjian.testing.world import build_world

    return build_world()


@pytest.fixture
def new_page(chromium_browser, live_server):
    contexts = []

    def _new(width: int = 1366, height: int = 900, locale: str = "zh-CN", *, bypass_csp: bool = False):
        # bypass_csp: only for a test that injects a checker script (axe) into the page
        context = chromium_browser.new_context(viewport={"width": width, "height": height}, locale=locale,
                                               bypass_csp=bypass_csp)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield _new
    for context in contexts:
        context.close()


def log_in(page, live_server, username: str) -> None:
    from anjian.testing.world import PASSWORD

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    # the home, or the page the role's home redirects to (a leader's is the cockpit)
    page.wait_for_url(lambda url: url in (f"{live_server.url}/", f"{live_server.url}/cockpit/"))
