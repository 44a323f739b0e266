"""The public portal in a real browser, as a citizen uses it: on a phone, anonymously, with a photo.

Chromium sends ``Origin: null`` with a form post from a page whose referrer policy is
``no-referrer``, and Django's CSRF check refuses that; these tests fail on such a header."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from PIL import Image

pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()  # the portal's per-device and per-IP counters
    yield
    cache.clear()


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buf, format="JPEG")
    return buf.getvalue()


def test_anonymous_report_with_a_photo_then_tracking_it_on_a_phone(e2e_world, new_page, live_server):
    from anjian.documents.models import Attachment
    from anjian.public_reports.models import Report, ReporterIdentity

    page = new_page(**PHONE)
    response = page.goto(f"{live_server.url}/public/")
    assert response.status == 200

    page.check("input[name=report_type][value=hazard]")
    page.fill("#id_description", "菜市场后面的仓库里堆着几十个液化气瓶，晚上没人看管")
    page.fill("#id_address", "甲区化工路 9 号后门")
    # The place, tapped on the form's map (no tile server: the city's boundaries are drawn).
    page.wait_for_selector("#pr-map[data-fitted]")
    page.locator("#pr-map").scroll_into_view_if_needed()
    box = page.locator("#pr-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.5)
    assert page.input_value("#id_lng")
    page.set_input_files("#id_files", files=[{"name": "气瓶.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}])
    page.check("#id_consent")
    with page.expect_navigation():
        page.click("[data-testid=submit]")

    done = page.locator("[data-testid=done]")
    assert done.is_visible(), page.content()[:2000]
    code = page.locator("[data-testid=code]").inner_text().strip()
    secret = page.locator("[data-testid=secret]").inner_text().strip()
    report = Report.objects.get()
    assert report.display_code == code
    assert 114.0 < report.lng < 114.4 and 22.0 < report.lat < 22.4
    assert not ReporterIdentity.objects.filter(report=report).exists()  # anonymous
    photos = Attachment.objects.filter(object_id=str(report.pk), content_type__model="report")
    assert photos.count() == 1 and photos.get().mime == "image/jpeg"

    # The page has no horizontal scrolling on the phone.
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")

    page.click("text=查询办理进度")
    page.wait_for_url(f"{live_server.url}/public/track/")
    page.fill("#code", code)
    page.fill("#secret", secret)
    with page.expect_navigation() as nav:
        page.click("form.aj-card button")
    assert nav.value.status == 200
    assert page.locator("[data-testid=track-result]").is_visible()
    assert code in page.locator("[data-testid=track-result]").inner_text()
    assert page.locator("[data-testid=track-status]").inner_text().strip()
    # No referrer leaves for another site, while the form posts carry this site's origin.
    assert response.headers["referrer-policy"] == "same-origin"


def test_wrong_secret_is_refused_politely_not_with_a_csrf_error(e2e_world, new_page, live_server):
    page = new_page(**PHONE)
    page.goto(f"{live_server.url}/public/track/")
    page.fill("#code", "JB0000000")
    page.fill("#secret", "wrong-secret")
    with page.expect_navigation() as nav:
        page.click("form.aj-card button")
    assert nav.value.status == 404
    assert "查询码或查询密码不正确" in page.locator("[data-testid=track-error]").inner_text()
