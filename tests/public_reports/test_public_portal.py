"""The public portal: no login, idempotent submission, rate limits, errors that keep input,
tracking by code and secret showing only public information."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import override_settings

from anjian.public_reports import services as ps
from anjian.public_reports.models import Report, ReporterIdentity

from .helpers import PLANTED_NAME, PLANTED_PHONE, photo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _form_key(client) -> str:
    html = client.get("/public/").content.decode()
    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)


def _post(client, key, **extra):
    data = {
        "idempotency_key": key, "report_type": "hazard", "description": "仓库里堆放大量液化气瓶，无人看管",
        "address": "甲区化工路 9 号", "lng": "114.05", "lat": "22.05", "real_name": "0", "consent": "on",
        "enterprise_name": "甲区化工有限公司",
    }
    data.update(extra)
    return client.post("/public/", data)


def test_form_renders_without_login_and_says_real_name_only_for_reward(client, world):
    resp = client.get("/public/")
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "只有申请举报奖励时才需要实名和联系电话" in html
    assert 'name="idempotency_key"' in html
    assert "aj_device" in resp.cookies


def test_anonymous_submit_shows_code_and_secret_once_and_retry_is_idempotent(client, world):
    key = _form_key(client)
    first = _post(client, key, files=[photo()])
    assert first.status_code == 200
    code = re.search(r'data-testid="code">([^<]+)<', first.content.decode()).group(1)
    secret = re.search(r'data-testid="secret">([^<]+)<', first.content.decode()).group(1)
    again = _post(client, key, files=[photo()])  # a browser retry sends the same form again
    assert re.search(r'data-testid="code">([^<]+)<', again.content.decode()).group(1) == code
    assert re.search(r'data-testid="secret">([^<]+)<', again.content.decode()).group(1) == secret
    assert Report.objects.count() == 1
    r = Report.objects.get()
    assert (r.enterprise, r.jurisdiction) == (world.ent_a, world.grid_a)
    assert not ReporterIdentity.objects.exists()
    assert "no-store" in first["Cache-Control"]


def test_bad_input_keeps_what_was_typed(client, world):
    key = _form_key(client)
    resp = _post(client, key, description="短", real_name="1", name=PLANTED_NAME, phone="123", consent="")
    html = resp.content.decode()
    assert resp.status_code == 400
    assert Report.objects.count() == 0
    assert 'data-testid="error-consent"' in html
    assert f'value="{PLANTED_NAME}"' in html  # kept for the reporter themself
    assert ">\n短</textarea>" in html
    resp = _post(client, key, real_name="1", name=PLANTED_NAME, phone="123")
    html = resp.content.decode()
    assert resp.status_code == 400
    assert 'data-testid="error-phone"' in html and "联系电话格式不正确" in html
    assert Report.objects.count() == 0


@override_settings(PUBLIC_REPORT_RATE_DEVICE=2, PUBLIC_REPORT_RATE_IP=100)
def test_rate_limit_per_device_but_retries_pass(client, world):
    keys = [_form_key(client) for _ in range(3)]
    assert _post(client, keys[0]).status_code == 200
    assert _post(client, keys[1]).status_code == 200
    limited = _post(client, keys[2])
    assert limited.status_code == 429
    assert "提交过于频繁" in limited.content.decode()
    assert "仓库里堆放大量液化气瓶" in limited.content.decode()
    assert _post(client, keys[0]).status_code == 200  # a retry of a stored report is not counted
    assert Report.objects.count() == 2


@override_settings(PUBLIC_REPORT_RATE_DEVICE=100, PUBLIC_REPORT_RATE_IP=1)
def test_rate_limit_per_ip(client, world):
    assert _post(client, _form_key(client)).status_code == 200
    client.cookies.clear()  # a new device token, same IP
    assert _post(client, _form_key(client)).status_code == 429
    assert Report.objects.count() == 1


def test_video_and_bad_upload(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    exe = SimpleUploadedFile("x.jpg", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg")
    resp = _post(client, _form_key(client), files=[exe])
    assert resp.status_code == 400
    assert 'data-testid="error-files">不允许的文件类型（application/x-msdownload）：x.jpg<' in resp.content.decode()
    assert Report.objects.count() == 0


def test_tracking_shows_only_public_information(client, world):
    r, secret, _ = ps.report_submit(actor=None, channel="public", report_type="hazard", description="配电房积水漏电危险",
                                    address="乙区某路", identity={"name": PLANTED_NAME, "phone": PLANTED_PHONE})
    ps.report_add_note(actor=world.user("city_admin"), report=r, text="内部：疑似竞争对手恶意举报")
    bad = client.post("/public/track/", {"code": r.tracking_code, "secret": "WRONGWRONG"})
    assert bad.status_code == 404 and "查询码或查询密码不正确" in bad.content.decode()
    ok = client.post("/public/track/", {"code": r.display_code, "secret": secret})
    html = ok.content.decode()
    assert ok.status_code == 200
    assert "已收到，等待受理" in html
    for hidden in ("内部：疑似", PLANTED_NAME, PLANTED_PHONE, "应急管理局", r.routing_rule):
        assert hidden not in html
