"""The API near Django's own cost (issue 22): machine calls on the slim stack, the token cache
that never answers from stale rows, and the hazards list/detail served from plain rows with the
same JSON as the schema."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.client import ClientHandler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder

from anjian.accounts import services as accounts
from anjian.accounts.models import ApiToken, Membership, Role
from anjian.config import wsgi
from anjian.core.apifast import SKIPPED_FOR_TOKEN_CALLS, is_token_api_call, token_middleware
from anjian.hazards import services as hs
from anjian.hazards.api import HazardDetailOut, HazardOut, _detail, _get
from anjian.hazards.models import Hazard
from anjian.hazards.selectors import hazard_list
from anjian.testing.world import PASSWORD

pytestmark = pytest.mark.django_db


class _SlimClientHandler(ClientHandler):
    """The test client's handler with the slim stack (as ``anjian.config.wsgi`` builds it)."""

    def load_middleware(self, is_async: bool = False) -> None:
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = token_middleware(list(full))
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full


class _Dispatch:
    def __init__(self, full: ClientHandler, slim: ClientHandler) -> None:
        self.full, self.slim, self.slim_calls = full, slim, 0

    def __call__(self, environ):  # type: ignore[no-untyped-def]
        if is_token_api_call(environ):
            self.slim_calls += 1
            return self.slim(environ)
        return self.full(environ)


def wsgi_client(**kwargs) -> Client:  # type: ignore[no-untyped-def]
    """A test client dispatching like the served WSGI application."""
    client = Client(**kwargs)
    client.handler = _Dispatch(client.handler, _SlimClientHandler(client.handler.enforce_csrf_checks))
    return client


def token_for(world, persona: str) -> str:  # type: ignore[no-untyped-def]
    return accounts.token_create(actor=world.user(persona), name="t")[1]


@pytest.fixture
def hazards(world):  # type: ignore[no-untyped-def]
    """Hazards with every kind of value the schema renders (place / enterprise, no sector, funds,
    deadlines passed and not, a plan, a risk score)."""
    gi, admin = world.user("grid_inspector"), world.user("city_admin")
    out = [hs.hazard_report(actor=gi, source="patrol", enterprise=world.ent_a, category="消防通道堵塞",
                            description="仓库北侧消防通道堆放货物", lng=114.05, lat=22.05),
           hs.hazard_report(actor=admin, source="inspection", place_name="无证小作坊", jurisdiction=world.grid_a,
                            category="电气线路老化", description="私拉乱接", level="major"),
           hs.hazard_report(actor=admin, source="patrol", enterprise=world.ent_a2, category="脚手架搭设不规范",
                            description="临边防护缺失")]
    hs.hazard_confirm(actor=admin, hazard=out[0], level="general", standard_item="", note="属实",
                      deadline=timezone.now() - dt.timedelta(days=1), responsible_person="张三", measures="清理",
                      funds=Decimal("1234.50"))
    Hazard.objects.filter(pk=out[1].pk).update(plan={"目标": "三日内整改"}, risk_method="lec",
                                               risk_factors={"L": 3, "E": 6, "C": 7}, risk_score=Decimal("126.00"),
                                               risk_colour="yellow")
    return [Hazard.objects.get(pk=h.pk) for h in out]


def _schema_json(data: object) -> str:
    return json.dumps(data, cls=NinjaJSONEncoder)


# --- plain rows = the schema's JSON -------------------------------------------------------------


@pytest.mark.parametrize("persona", ["city_admin", "district_a", "regulator"])
def test_the_list_from_plain_rows_is_the_schemas_json(world, hazards, persona):
    user = world.user(persona)
    new = Client().get("/api/v1/hazards/?limit=50", HTTP_AUTHORIZATION=f"Bearer {token_for(world, persona)}")
    assert new.status_code == 200 and new["Content-Type"] == "application/json; charset=utf-8"
    old = [HazardOut.model_validate(h).model_dump()
           for h in hazard_list(user=user, filters={}).order_by("-id")[:50]]
    assert old
    assert new.content.decode() == _schema_json(old)


@pytest.mark.parametrize("persona", ["city_admin", "district_a", "district_b", "regulator", "grid_inspector",
                                     "enterprise"])
def test_the_detail_from_plain_rows_is_the_schemas_json(world, hazards, rf, persona):
    """The detail reads one fixed statement and decides the scope in Python (``row_allowed``): the
    same JSON and buttons as the ORM path for each hazard the persona may see, 404 for the rest."""
    user = world.user(persona)
    raw = token_for(world, persona)
    visible = set(Hazard.objects.restrict(user, "hazards.view").values_list("pk", flat=True))
    for h in hazards:
        new = wsgi_client().get(f"/api/v1/hazards/{h.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
        if h.pk not in visible:
            assert new.status_code == 404
            continue
        request = rf.get("/")
        request.user = user
        old = HazardDetailOut.model_validate(_detail(request, _get(request, h.pk))).model_dump()
        assert new.status_code == 200
        assert new.content.decode() == _schema_json(old)
    if persona == "city_admin":
        assert visible >= {h.pk for h in hazards}


def test_a_hazard_of_another_district_is_404_on_the_list_and_the_detail(world, hazards):
    raw = token_for(world, "district_b")
    client = wsgi_client()
    assert client.get("/api/v1/hazards/", HTTP_AUTHORIZATION=f"Bearer {raw}").json() == []
    r = client.get(f"/api/v1/hazards/{hazards[0].pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 404
    assert client.handler.slim_calls == 2


# --- the token cache ------------------------------------------------------------------------------


def _get_list(client: Client, raw: str):  # type: ignore[no-untyped-def]
    return client.get("/api/v1/hazards/", HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_second_call_reads_no_token_user_or_grant_rows(world, hazards):
    raw, client = token_for(world, "district_a"), wsgi_client()
    with CaptureQueriesContext(connection) as first:
        assert _get_list(client, raw).status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert _get_list(client, raw).status_code == 200
    tables = ("accounts_apitoken", "accounts_membership", "accounts_user")
    assert any(t in q["sql"] for q in first.captured_queries for t in tables)
    assert not [q["sql"] for q in second.captured_queries if any(t in q["sql"] for t in tables)]
    assert len(second.captured_queries) < len(first.captured_queries)


def test_a_revoked_token_is_refused_at_once(world, hazards):
    raw, client = token_for(world, "district_a"), wsgi_client()
    assert _get_list(client, raw).status_code == 200  # cached now
    token = ApiToken.objects.get(key_hash=ApiToken.hash(raw))
    accounts.token_revoke(actor=world.user("district_a"), token=token)
    assert _get_list(client, raw).status_code == 401


def test_a_deactivated_user_is_refused_at_once(world, hazards):
    raw, client = token_for(world, "district_a"), wsgi_client()
    assert _get_list(client, raw).status_code == 200
    accounts.user_set_active(actor=world.user("city_admin"), user=world.user("district_a"), active=False)
    assert _get_list(client, raw).status_code == 401


def test_a_password_change_ends_the_cached_token(world, hazards):
    raw, client = token_for(world, "district_a"), wsgi_client()
    assert _get_list(client, raw).status_code == 200
    accounts.password_change(user=world.user("district_a"), old=PASSWORD, new="Ein-neues-Passwort-2026!")
    assert _get_list(client, raw).status_code == 401


def test_a_removed_grant_is_refused_at_once_and_scope_still_holds(world, hazards):
    raw, client = token_for(world, "district_a"), wsgi_client()
    pk = hazards[0].pk
    assert client.get(f"/api/v1/hazards/{pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    for m in Membership.objects.filter(user=world.user("district_a"), is_active=True):
        accounts.membership_revoke(actor=world.user("city_admin"), membership=m)
    assert client.get(f"/api/v1/hazards/{pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 404  # no hazards.view grant left
    # granted again, over district B only: district A's hazard is out of scope, a 404
    accounts.membership_grant(actor=world.user("city_admin"), user=world.user("district_a"),
                              role=Role.objects.get(code="district_office"), jurisdiction=world.district_b)
    assert _get_list(client, raw).json() == []
    assert client.get(f"/api/v1/hazards/{pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 404


def test_a_grant_changed_outside_the_services_is_seen_at_once(world, hazards):
    """The admin site or an import save memberships and roles directly: the model signals outdate
    the cache too."""
    raw, client = token_for(world, "district_a"), wsgi_client()
    pk = hazards[0].pk
    assert client.get(f"/api/v1/hazards/{pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    m = Membership.objects.get(user=world.user("district_a"), is_active=True)
    m.jurisdiction = world.district_b
    m.save()
    assert client.get(f"/api/v1/hazards/{pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 404
    m.jurisdiction = world.district_a
    m.save()
    assert client.get(f"/api/v1/hazards/{pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    role = Role.objects.get(code="district_office")
    role.actions = [a for a in role.actions if not a.startswith("hazards.") and a != "*"]
    role.save()
    assert client.get(f"/api/v1/hazards/{pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 404  # no hazards.view grant left


def test_an_expiring_token_and_an_ending_grant_end_the_cached_entry(world, hazards):
    admin = world.user("city_admin")
    token, raw = accounts.token_create(actor=world.user("district_a"), name="t")
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(expires_at=now + dt.timedelta(seconds=20))
    client = wsgi_client()
    assert _get_list(client, raw).status_code == 200
    with time_machine.travel(now + dt.timedelta(seconds=25), tick=False):
        assert _get_list(client, raw).status_code == 401
    # a grant that ends in 20 s: refused once it has ended, although the entry was cached before
    _token2, raw2 = accounts.token_create(actor=world.user("grid_inspector"), name="t2")
    m = Membership.objects.get(user=world.user("grid_inspector"), is_active=True)
    Membership.objects.filter(pk=m.pk).update(ends_at=now + dt.timedelta(seconds=20))  # no signal
    assert _get_list(client, raw2).status_code == 200
    with time_machine.travel(now + dt.timedelta(seconds=25), tick=False):
        assert _get_list(client, raw2).status_code == 404  # no hazards.view grant left
    assert admin is not None


# --- the slim stack -------------------------------------------------------------------------------


def test_the_served_application_dispatches_machine_calls_to_the_slim_stack():
    assert is_token_api_call({"PATH_INFO": "/api/v1/hazards/", "HTTP_AUTHORIZATION": "Bearer aj_x"})
    assert not is_token_api_call({"PATH_INFO": "/hazards/", "HTTP_AUTHORIZATION": "Bearer aj_x"})
    assert not is_token_api_call({"PATH_INFO": "/api/v1/hazards/"})
    assert not is_token_api_call({"PATH_INFO": "/api/v1/hazards/", "HTTP_AUTHORIZATION": "Bearer aj_x",
                                  "HTTP_COOKIE": f"csrftoken=a; {settings.SESSION_COOKIE_NAME}=abc"})
    slim = token_middleware(list(settings.MIDDLEWARE))
    assert not SKIPPED_FOR_TOKEN_CALLS & set(slim)
    for kept in ("django.middleware.security.SecurityMiddleware", "anjian.core.middleware.RequestIdMiddleware",
                 "anjian.core.csp.ContentSecurityPolicyMiddleware", "django.middleware.locale.LocaleMiddleware",
                 "anjian.documents.uploads.UploadLimitMiddleware", "simple_history.middleware.HistoryRequestMiddleware"):
        assert kept in slim
    names = [type(m).__qualname__ for m in _chain(wsgi.token_api_application)]
    assert "SessionMiddleware" not in names and "CsrfViewMiddleware" not in names and "RequestIdMiddleware" in names
    assert "SessionMiddleware" in [type(m).__qualname__ for m in _chain(wsgi.full_application)]


def _chain(handler):  # type: ignore[no-untyped-def]
    """The middleware instances of a loaded handler, outermost first."""
    out, node = [], handler._middleware_chain
    while node is not None:
        inner = getattr(node, "__wrapped__", node)
        if hasattr(inner, "get_response") and not isinstance(inner, type):
            out.append(inner)
            node = inner.get_response
        else:
            break
    return out


def test_a_machine_call_keeps_headers_language_and_sets_no_cookie(world, hazards):
    raw, client = token_for(world, "district_b"), wsgi_client()
    r = client.get(f"/api/v1/hazards/{hazards[0].pk}", HTTP_AUTHORIZATION=f"Bearer {raw}",
                   HTTP_X_REQUEST_ID="req-12345678")
    assert client.handler.slim_calls == 1
    assert r.status_code == 404
    assert r["X-Request-ID"] == "req-12345678"
    assert r["X-Content-Type-Options"] == "nosniff" and r["X-Frame-Options"] == "DENY"
    assert not r.cookies
    r = client.post("/api/v1/hazards/", data={"source": "patrol"}, content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 422 and r["Content-Language"] == "en"
    r = client.get("/api/v1/hazards/", HTTP_AUTHORIZATION="Bearer aj_wrong")
    assert r.status_code == 401


def test_a_machine_call_is_audited_with_the_tokens_user(world):
    raw, client = token_for(world, "grid_inspector"), wsgi_client()
    r = client.post("/api/v1/hazards/", data={"source": "patrol", "category": "灭火器过期", "description": "过期",
                                              "enterprise_id": world.ent_a.pk},
                    content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 201, r.content
    assert client.handler.slim_calls == 1
    h = Hazard.objects.get(pk=r.json()["id"])
    assert h.history.first().history_user == world.user("grid_inspector")


def test_a_browser_call_keeps_the_full_stack_and_its_csrf_check(world, hazards):
    client = wsgi_client(enforce_csrf_checks=True)
    assert client.login(username="grid_inspector", password=PASSWORD)
    raw = token_for(world, "grid_inspector")
    # a session cookie, even beside a token: the full stack, CSRF checked for an unsafe call
    r = client.post("/api/v1/hazards/", data={"source": "patrol", "category": "x", "description": "y",
                                              "enterprise_id": world.ent_a.pk},
                    content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}x")
    assert r.status_code == 403
    assert client.get(f"/api/v1/hazards/{hazards[0].pk}").status_code == 200
    assert client.handler.slim_calls == 0
