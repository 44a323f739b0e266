"""Issue 13 item 10: with the Content-Security-Policy on, the pages' own scripts still run in
Chromium and the browser reports no violation; an injected inline script does not run."""

from __future__ import annotations

import pytest

from .conftest import log_in

pytestmark = [pytest.mark.browser]

PAGES = [
    # (url, a selector that exists only when the page's script ran)
    ("/accidents/", ".aj-query input.form-control, .aj-query select.form-select"),
    ("/accidents/report/", "main form input.form-control"),
    ("/accidents/statistics/", "#chart-month svg, #chart-month canvas"),  # ECharts draws SVG here (i12-docsforms)
    ("/hazards/statistics/", "canvas"),
    ("/hazards/new/", "#btn-gps"),
]


def test_pages_run_their_scripts_under_the_policy(e2e_world, live_server, new_page):
    page = new_page()
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    log_in(page, live_server, "city_admin")
    for url, ran in PAGES:
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, url
        assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
        page.wait_for_selector(ran, state="attached")
    assert violations == []


def test_injected_inline_script_is_blocked(e2e_world, live_server, new_page):
    page = new_page()
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(f"{live_server.url}/public/")
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__pwned = 1';
                             document.body.appendChild(s); }""")
    assert page.evaluate("() => window.__pwned") is None
    assert violations
