"""Issue 13 items 1 and 2: submission keys are namespaced by channel and principal on the
server, a replay must carry the same content, and long keys never collide."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import override_settings

from anjian.accounts.models import Role
from anjian.accounts.services import membership_grant, token_create, user_create
from anjian.public_reports import services as ps
from anjian.public_reports.models import Channel, Report, ReporterIdentity
from anjian.testing.world import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def gateway(world):
    user = user_create(actor=None, username="gw12345", password=PASSWORD, display_name="12345热线网关",
                       must_change_password=False)
    membership_grant(actor=None, user=user, role=Role.objects.get(code="hotline"))
    _token, raw = token_create(actor=user, name="open311")
    return user, raw


def _public(client, key, description="仓库里堆放大量液化气瓶，无人看管", **extra):
    data = {"idempotency_key": key, "report_type": "hazard", "description": description, "address": "甲区化工路 9 号",
            "real_name": "0", "consent": "on"}
    data.update(extra)
    return client.post("/public/", data)


def _code(resp) -> str:
    return re.search(r'data-testid="code">([^<]+)<', resp.content.decode()).group(1)


GATEWAY_BODY = {"service_code": "concealed_accident", "description": "某厂昨夜发生事故，一人受伤被瞒报",
                "address_string": "甲区化工路 1 号", "first_name": "某", "last_name": "王", "phone": "13600000000"}


def test_a_public_key_cannot_name_a_gateways_report(client, world, gateway):
    """The probe: an anonymous post with the key the gateway will use (old and new forms of
    the namespace) must not swallow the gateway's later real report nor reveal its code."""
    user, token = gateway
    for planted in (f"open311:{user.pk}:T20261206-0043", "T20261206-0043"):
        assert _public(client, planted, description=f"攻击者的文字 {planted}").status_code == 200
    resp = client.post("/open311/v2/requests.json", {"api_key": token, **GATEWAY_BODY},
                       HTTP_IDEMPOTENCY_KEY="T20261206-0043")
    assert resp.status_code == 200
    real = Report.objects.get(tracking_code=resp.json()[0]["service_request_id"])
    assert real.description == GATEWAY_BODY["description"]
    assert real.channel == Channel.OPEN311 and real.created_by == user
    assert ReporterIdentity.objects.filter(report=real).exists()
    assert Report.objects.count() == 3
    # and the attacker, replaying the gateway's key anonymously, gets a new report of their own
    again = _public(client, "T20261206-0043", description="攻击者的文字 T20261206-0043")
    assert _code(again).replace("-", "") != real.tracking_code


def test_same_key_different_body_is_refused_not_aliased(client, world):
    first = _public(client, "k-1")
    assert first.status_code == 200
    other = _public(client, "k-1", description="另一件完全不同的事情，在乙区")
    assert other.status_code == 409
    assert "该提交编号已用于另一份不同内容的举报" in other.content.decode()
    assert _code(first) not in other.content.decode()
    assert Report.objects.count() == 1
    retry = _public(client, "k-1")
    assert retry.status_code == 200 and _code(retry) == _code(first)


def test_open311_replay_with_other_content_is_409(client, world, gateway):
    _user, token = gateway
    first = client.post("/open311/v2/requests.json", {"api_key": token, **GATEWAY_BODY}, HTTP_IDEMPOTENCY_KEY="g-7")
    changed = client.post("/open311/v2/requests.json", {"api_key": token, **GATEWAY_BODY, "phone": "13700000000"},
                          HTTP_IDEMPOTENCY_KEY="g-7")
    assert changed.status_code == 409
    assert changed.json()[0]["code"] == 409
    assert first.json()[0]["service_request_id"] not in changed.content.decode()
    assert Report.objects.count() == 1


@override_settings(OPEN311_ALLOW_ANONYMOUS=True)
def test_anonymous_open311_and_gateway_keys_do_not_meet(client, world, gateway):
    _user, token = gateway
    anon = client.post("/open311/v2/requests.json", GATEWAY_BODY, HTTP_IDEMPOTENCY_KEY="same")
    gw = client.post("/open311/v2/requests.json", {"api_key": token, **GATEWAY_BODY}, HTTP_IDEMPOTENCY_KEY="same")
    assert anon.status_code == gw.status_code == 200
    assert anon.json()[0]["service_request_id"] != gw.json()[0]["service_request_id"]
    assert Report.objects.count() == 2


def test_long_keys_sharing_a_prefix_do_not_collide(world):
    prefix = "x" * 57
    a = ps.report_submit(actor=None, channel=Channel.PUBLIC, report_type="hazard", description="第一份举报内容",
                         address="甲区", idempotency_key=prefix + "aaaaaa")
    b = ps.report_submit(actor=None, channel=Channel.PUBLIC, report_type="hazard", description="第二份举报内容",
                         address="甲区", idempotency_key=prefix + "bbbbbb")
    assert a[2] and b[2] and a[0].pk != b[0].pk
    assert Report.objects.count() == 2
    # only a hash of the namespaced key is stored
    assert prefix not in (a[0].idempotency_key or "")


def test_over_long_key_is_a_clear_400(client, world, gateway):
    _user, token = gateway
    resp = _public(client, "k" * (ps.MAX_CLIENT_KEY + 1))
    assert resp.status_code == 400
    assert "提交编号过长" in resp.content.decode()
    api = client.post("/open311/v2/requests.json", {"api_key": token, **GATEWAY_BODY},
                      HTTP_IDEMPOTENCY_KEY="k" * (ps.MAX_CLIENT_KEY + 1))
    assert api.status_code == 400
    assert "too long" in api.json()[0]["description"]
    assert Report.objects.count() == 0
