"""Issue 13 item 4: a reporter's photo file name never reaches staff."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from django.core.cache import cache

from anjian.documents.models import Attachment
from anjian.public_reports.models import Report

from ..public_reports.helpers import photo

pytestmark = pytest.mark.django_db

LEAKY = "测试举报人甲乙_13912345678.jpg"


def test_public_upload_names_are_generated(client, login, world):
    cache.clear()
    resp = client.post("/public/", {
        "idempotency_key": "k-photo", "report_type": "hazard", "description": "仓库里堆放大量液化气瓶，无人看管",
        "address": "甲区化工路 9 号", "lng": "114.05", "lat": "22.05", "real_name": "0", "consent": "on",
        "files": [photo(LEAKY), photo("第二张.png", "blue")],
    })
    assert resp.status_code == 200
    r = Report.objects.get()
    atts = list(Attachment.objects.filter(object_id=str(r.pk)).order_by("id"))
    assert [a.original_name for a in atts] == ["举报附件1.jpg", "举报附件2.jpg"]
    for persona in ("city_admin", "district_a"):  # district_a may also read identities
        c = login(persona)
        page = c.get(f"/reports/{r.pk}/").content.decode()
        assert "13912345678" not in page and "测试举报人" not in page
        assert "举报附件1.jpg" in page
        download = c.get(f"/documents/attachments/{atts[0].pk}/")
        assert download.status_code == 200
        disposition = unquote(download["Content-Disposition"])
        assert "13912345678" not in disposition and "举报附件1.jpg" in disposition
    cache.clear()
