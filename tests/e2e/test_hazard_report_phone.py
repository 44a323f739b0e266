"""The phone hazard report form in a real browser: a server-side error keeps the photo taken."""

from __future__ import annotations

import io
import os
import re

import pytest
from PIL import Image

from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser]


def test_a_rejected_report_keeps_the_photo_on_a_phone(e2e_world, new_page, live_server, tmp_path, settings):
    from anjian.documents.models import Attachment
    from anjian.hazards.models import Hazard

    settings.MEDIA_ROOT = tmp_path / "media"
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buf, format="JPEG")
    page = new_page(width=390, height=844)
    log_in(page, live_server, "grid_inspector")
    page.goto(f"{live_server.url}/hazards/new/")
    page.fill("#id_enterprise", "不存在的企业")
    page.fill("#id_category", "灭火器过期")
    page.fill("#id_description", "车间灭火器过期 3 具")
    page.set_input_files("[data-testid=photos]", files=[{"name": "现场.jpg", "mimeType": "image/jpeg",
                                                          "buffer": buf.getvalue()}])
    page.click("[data-testid=report-form] button.btn-primary")
    page.wait_for_selector("[data-testid=kept-photos]")
    assert "所选项不存在或不在您的管辖范围内" in page.content()  # the scoped search field's refusal
    assert "现场.jpg" in page.locator("[data-testid=kept-photos]").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    if shots := os.environ.get("ANJIAN_SCREENSHOTS"):
        page.screenshot(path=f"{shots}/hazard-report-kept-photo-390.png", full_page=True)
    page.fill("#id_enterprise", "甲区化工有限公司")
    page.click("[data-testid=report-form] button.btn-primary")
    # the hazard's own page (a bare "hazards/*/" also matches the form's /hazards/new/, where the page
    # still is while offline.js posts the form)
    page.wait_for_url(re.compile(rf"{re.escape(live_server.url)}/hazards/\d+/$"))
    h = Hazard.objects.get()
    [photo] = Attachment.objects.filter(object_id=str(h.pk))
    assert photo.original_name == "现场.jpg" and photo.mime == "image/jpeg"
