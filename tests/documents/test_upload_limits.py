"""Upload size limits are enforced while the body streams in, on every upload route (issue 13
item 3): an oversize CAP alert, boundary file or attachment is refused with a message in Chinese
and English, nothing is stored, and the handlers that store uploads never see the bytes past the
limit (bounded memory, no temporary file of the whole upload)."""

from __future__ import annotations

import io
import re
import tracemalloc

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.test import Client

from anjian.accounts.services import token_create
from anjian.documents.models import Attachment
from anjian.documents.uploads import UPLOAD_ROUTES, upload_route
from anjian.emergency.models import CapAlert
from anjian.orgs.models import BoundaryImport
from anjian.public_reports.models import Report

pytestmark = pytest.mark.django_db

LIMIT = 4096


@pytest.fixture(autouse=True)
def _small_limits(settings, tmp_path):
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.CAP_MAX_BYTES = LIMIT
    settings.BOUNDARY_MAX_BYTES = LIMIT
    settings.ATTACHMENT_MAX_BYTES = LIMIT
    settings.UPLOAD_MAX_REQUEST_BYTES = 3 * LIMIT


@pytest.fixture
def stored_bytes(monkeypatch):
    """How many bytes reached the handlers that keep an upload (in memory or in a temporary file)."""
    seen = {"bytes": 0}
    for cls in (MemoryFileUploadHandler, TemporaryFileUploadHandler):
        original = cls.receive_data_chunk

        def spy(self, raw_data, start, _original=original):
            if getattr(self, "activated", True):  # an inactive memory handler passes the chunk on
                seen["bytes"] += len(raw_data)
            return _original(self, raw_data, start)

        monkeypatch.setattr(cls, "receive_data_chunk", spy)
    return seen


def _refused(response):
    refusal = response.wsgi_request.upload_refused
    assert refusal.status == 413 and refusal.zh and refusal.en
    return refusal


def test_every_upload_route_names_a_real_url_and_kind():
    from django.urls import reverse

    from anjian.documents.uploads import UPLOAD_KINDS

    for name, route in UPLOAD_ROUTES.items():
        assert route.kind in UPLOAD_KINDS
        if ":" in name:
            reverse(name, kwargs={"pk": 1} if name == "grids:adjust_split" else None)


def test_an_oversize_cap_file_is_refused_on_the_page_and_the_api(world, login, stored_bytes):
    client = login("city_admin")
    big = b"<?xml version='1.0'?><alert>" + b"x" * (3 * LIMIT) + b"</alert>"
    r = client.post("/emergency/alerts/import/", {"file": SimpleUploadedFile("alert.xml", big)})
    assert r.status_code == 422
    refusal = _refused(r)
    assert refusal.kind.code == "cap" and "CAP 预警文件太大" in r.content.decode()
    assert "未保存任何内容" in r.content.decode()
    assert stored_bytes["bytes"] <= LIMIT and not CapAlert.objects.exists()
    # the API takes the XML as the body: refused from its announced length, before it is read
    _tok, raw = token_create(actor=world.user("city_admin"), name="cap")
    api = Client()
    r = api.post("/api/v1/emergency/alerts/receive", big, content_type="application/xml",
                 HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 413, r.content
    assert "CAP 预警文件太大" in r.json()["zh"] and "too large" in r.json()["en"]
    assert not CapAlert.objects.exists()


def test_an_oversize_boundary_file_is_refused_under_its_field(world, login, stored_bytes):
    client = login("city_admin")
    big = b'{"type": "FeatureCollection", "features": [], "pad": "' + b"x" * (3 * LIMIT) + b'"}'
    r = client.post("/orgs/boundary-imports/", {"file": SimpleUploadedFile("streets.geojson", big), "level": 2,
                                                "parent": world.city.pk, "crs": "wgs84"})
    assert r.status_code == 400
    assert _refused(r).kind.code == "boundary"
    body = r.content.decode()
    assert "边界文件太大" in body and "4 KB" in body
    assert stored_bytes["bytes"] <= LIMIT and not BoundaryImport.objects.exists()
    # the street split page takes a boundary file too
    r = client.post(f"/grids/adjustments/{world.street_a.pk}/split/",
                    {"name": "甲东街道", "code": "990101002", "reason": "批复",
                     "file": SimpleUploadedFile("east.geojson", big)})
    assert r.status_code == 400 and "边界文件太大" in r.content.decode()


def test_an_oversize_attachment_is_refused_with_nothing_stored(world, client, stored_bytes):
    html = client.get("/public/").content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    data = {"idempotency_key": key, "report_type": "hazard", "real_name": "0", "consent": "on",
            "description": "储罐区防火堤破损，工人在罐区违规动火", "address": "甲区化工路 1 号",
            "lng": "114.0501", "lat": "22.0502", "enterprise_name": "甲区化工有限公司",
            "files": [SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff" + b"x" * (2 * LIMIT))]}
    r = client.post("/public/", data)
    assert r.status_code == 413
    assert _refused(r).kind.code == "attachment"
    body = r.content.decode()
    assert "附件太大" in body and 'data-testid="upload-refused"' in body
    assert stored_bytes["bytes"] <= LIMIT
    assert not Report.objects.exists() and not Attachment.objects.exists()


def test_attachments_together_over_the_request_limit_are_refused(world, login, stored_bytes):
    """Each file under its limit, all of them together over ``UPLOAD_MAX_REQUEST_BYTES``."""
    client = login("district_a")
    files = [SimpleUploadedFile(f"p{i}.jpg", b"\xff\xd8\xff" + b"x" * (LIMIT - 100)) for i in range(5)]
    r = client.post("/hazards/new/", {"photos": files})
    assert r.status_code == 413
    assert "合计太大" in r.content.decode()
    assert stored_bytes["bytes"] <= 3 * LIMIT and not Attachment.objects.exists()


def test_the_api_answers_an_oversize_attachment_with_413_json(world, stored_bytes):
    _t, raw = token_create(actor=world.user("district_a"), name="t")
    r = Client().post("/api/v1/funds/spendings/1/vouchers",
                      {"files": [SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"x" * (2 * LIMIT))]},
                      HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 413
    assert "附件太大" in r.json()["zh"] and "attachment is too large" in r.json()["en"]
    assert stored_bytes["bytes"] <= LIMIT and not Attachment.objects.exists()


class _LazyBody(io.RawIOBase):
    """A multipart body of ``size`` bytes that is produced as it is read (never held whole)."""

    BOUNDARY = "aj-boundary"

    def __init__(self, size: int) -> None:
        self.head = (f"--{self.BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.jpg\"\r\n"
                     "Content-Type: image/jpeg\r\n\r\n").encode()
        self.tail = f"\r\n--{self.BOUNDARY}--\r\n".encode()
        self.size = size
        self.length = len(self.head) + size + len(self.tail)
        self.pos = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            n = self.length - self.pos
        n = min(n, self.length - self.pos)
        out = bytearray()
        while len(out) < n:
            p = self.pos + len(out)
            if p < len(self.head):
                out += self.head[p:p + n - len(out)]
            elif p < len(self.head) + self.size:
                out += b"x" * min(n - len(out), len(self.head) + self.size - p)
            else:
                q = p - len(self.head) - self.size
                out += self.tail[q:q + n - len(out)]
        self.pos += len(out)
        return bytes(out)

    def readline(self, limit: int = -1) -> bytes:
        return self.read(limit)


def test_a_huge_upload_streams_through_in_bounded_memory(world, settings, stored_bytes):
    """40 MB announced within the request limit (so it is read): stopped at the file limit, the
    rest read and dropped; the storing handlers see at most the limit; peak memory stays small."""
    settings.ATTACHMENT_MAX_BYTES = 1 << 20
    settings.UPLOAD_MAX_REQUEST_BYTES = 64 << 20
    body = _LazyBody(40 << 20)
    client = Client()
    environ = client._base_environ(PATH_INFO="/public/", REQUEST_METHOD="POST",
                                   CONTENT_TYPE=f"multipart/form-data; boundary={_LazyBody.BOUNDARY}",
                                   CONTENT_LENGTH=str(body.length), **{"wsgi.input": body})
    tracemalloc.start()
    try:
        response = client.handler(environ)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 413
    assert stored_bytes["bytes"] <= 1 << 20
    assert body.pos == body.length  # the rest was read and dropped, so the connection stays usable
    assert peak < 12 << 20, peak
    assert not Report.objects.exists() and not Attachment.objects.exists()


def test_a_route_without_an_entry_takes_attachments(rf):
    request = rf.post("/anything/")
    assert upload_route(request).kind == "attachment"
