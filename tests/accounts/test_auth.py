"""Login, throttling, logout, the password policy, API tokens, the roles editor, API CSRF."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from anjian.accounts.models import ApiToken, Role, User
from anjian.accounts.services import token_create, token_revoke
from anjian.audit.models import Event
from anjian.core.errors import NotAllowed
from anjian.enterprises.models import Enterprise
from anjian.testing.world import PASSWORD

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 4, 1, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _post_login(client, username, password, next_url=""):
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": username, "password": password})


def test_login_good_and_bad(world, client):
    bad = _post_login(client, "district_a", "wrong-password")
    assert bad.status_code == 400
    assert "用户名或密码不正确。" in bad.content.decode()
    assert "_auth_user_id" not in client.session
    good = _post_login(client, "district_a", PASSWORD, next_url="/jobs/")
    assert (good.status_code, good["Location"]) == (302, "/jobs/")
    assert int(client.session["_auth_user_id"]) == world.user("district_a").pk


def test_login_refuses_foreign_next(world, client):
    response = _post_login(client, "district_a", PASSWORD, next_url="https://evil.example/")
    assert response["Location"] == "/"


def test_throttle_after_five_failures_then_window_passes(world, client):
    with time_machine.travel(T0, tick=False):
        for _ in range(5):
            assert _post_login(client, "district_a", "nope").status_code == 400
        blocked = _post_login(client, "district_a", PASSWORD)
        assert blocked.status_code == 429
        assert "登录失败次数过多，请15分钟后再试。" in blocked.content.decode()
        assert "_auth_user_id" not in client.session
        # Another user from the same address is not blocked.
        assert _post_login(Client(), "district_b", PASSWORD).status_code == 302
    with time_machine.travel(T0 + dt.timedelta(seconds=901), tick=False):
        assert _post_login(client, "district_a", PASSWORD).status_code == 302


def test_success_resets_the_counter(world, client):
    for _ in range(4):
        _post_login(client, "district_a", "nope")
    assert _post_login(client, "district_a", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _post_login(client, "district_a", "nope")
    assert _post_login(client, "district_a", PASSWORD).status_code == 302


def test_logout_is_post_only(world, login):
    client = login("district_a")
    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post("/accounts/logout/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    assert "_auth_user_id" not in client.session


def _policy_messages(password: str) -> list[str]:
    with translation.override("zh-hans"):
        try:
            validate_password(password, User(username="district_a"))
        except ValidationError as exc:
            return list(exc.messages)
    return []


SIMPLE = "密码须包含小写字母、大写字母、数字和符号中的至少三类。"


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        ("Ab1!short", "short"),
        ("abcdefghijk", SIMPLE),
        ("1234567890123", SIMPLE),
    ],
)
def test_password_policy_rejects(world, login, new, expected):
    client = login("district_a")
    before = User.objects.get(username="district_a").password
    response = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password": new, "new_password2": new})
    assert response.status_code == 200
    errors = response.context["form"].errors["new_password"]
    assert errors == ["；".join(_policy_messages(new))]
    if expected == "short":
        assert "10" in errors[0]
    else:
        assert expected in errors[0]
    assert User.objects.get(username="district_a").password == before


def test_password_change_wrong_old_and_mismatch(world, login):
    client = login("district_a")
    wrong = client.post("/accounts/password/", {"old_password": "x", "new_password": "Good-Pass-2026", "new_password2": "Good-Pass-2026"})
    assert "原密码不正确" in wrong.content.decode()
    mismatch = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password": "Good-Pass-2026", "new_password2": "Other-Pass-2026"})
    assert "两次输入的新密码不一致" in mismatch.content.decode()
    assert User.objects.get(username="district_a").check_password(PASSWORD)


def test_must_change_password_flow(world, client):
    User.objects.filter(username="district_a").update(must_change_password=True)
    response = _post_login(client, "district_a", PASSWORD)
    assert (response.status_code, response["Location"]) == (302, "/accounts/password/")
    changed = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password": "Good-Pass-2026",
                                                  "new_password2": "Good-Pass-2026"})
    assert (changed.status_code, changed["Location"]) == (302, "/")
    user = User.objects.get(username="district_a")
    assert user.check_password("Good-Pass-2026") and not user.must_change_password
    assert client.get("/").status_code == 200  # still logged in after the hash changed
    assert Event.objects.filter(verb="password_changed", object_id=str(user.pk)).count() == 1


# --- API tokens ------------------------------------------------------------------------------


def _bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def test_token_shown_once_hash_stored_and_bearer_works(world, login):
    client = login("district_a")
    created = client.post("/accounts/tokens/", {"name": "数据同步", "days": 30})
    raw = created.context["new_key"]
    assert raw.startswith("aj_") and raw in created.content.decode()
    token = ApiToken.objects.get(user=world.user("district_a"))
    assert token.key_hash == ApiToken.hash(raw) and token.key_prefix == raw[:10]
    assert all(raw not in str(v) for v in ApiToken.objects.values().get().values())
    assert raw not in client.get("/accounts/tokens/").content.decode()  # never shown again

    me = Client().get("/api/v1/accounts/me", headers=_bearer(raw))
    assert me.status_code == 200
    body = me.json()
    assert body["username"] == "district_a"
    assert body["memberships"] == [{"role": "district_office", "jurisdiction": "990101", "department": None, "enterprise": None}]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_no_bad_revoked_and_expired_tokens_are_401(world):
    user = world.user("district_a")
    api = Client()
    assert api.get("/api/v1/accounts/me").status_code == 401
    assert api.get("/api/v1/accounts/me", headers=_bearer("aj_not-a-real-token")).status_code == 401
    _t, revoked_raw = token_create(actor=user, name="已吊销")
    token_revoke(actor=user, token=_t)
    assert api.get("/api/v1/accounts/me", headers=_bearer(revoked_raw)).status_code == 401
    with time_machine.travel(T0, tick=False):
        _expiring, raw = token_create(actor=user, name="一天", days=1)
        assert api.get("/api/v1/accounts/me", headers=_bearer(raw)).status_code == 200
    with time_machine.travel(T0 + dt.timedelta(days=1, seconds=1), tick=False):
        assert api.get("/api/v1/accounts/me", headers=_bearer(raw)).status_code == 401
    User.objects.filter(pk=user.pk).update(is_active=False)
    _t2, live_raw = token_create(actor=user, name="停用用户")
    assert api.get("/api/v1/accounts/me", headers=_bearer(live_raw)).status_code == 401


def test_another_users_token_cannot_be_revoked(world, login):
    token, raw = token_create(actor=world.user("district_a"), name="甲的令牌")
    response = login("district_b").post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    with pytest.raises(NotAllowed):
        token_revoke(actor=world.user("district_b"), token=token)
    token.refresh_from_db()
    assert token.revoked_at is None
    assert Client().get("/api/v1/accounts/me", headers=_bearer(raw)).status_code == 200
    own = login("district_a").post(f"/accounts/tokens/{token.pk}/revoke/")
    assert own.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_session_api_needs_csrf_for_writes_but_bearer_does_not(world):
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username="district_a", password=PASSWORD)
    url = f"/api/v1/enterprises/{world.ent_a.pk}"
    assert browser.get(url).status_code == 200  # reads need no token
    refused = browser.patch(url, json.dumps({"principal": "张三"}), content_type="application/json")
    assert refused.status_code == 403
    assert Enterprise.objects.get(pk=world.ent_a.pk).principal == ""
    browser.get("/accounts/tokens/")  # sets the csrftoken cookie
    csrf = browser.cookies["csrftoken"].value
    ok = browser.patch(url, json.dumps({"principal": "张三"}), content_type="application/json",
                       headers={"X-CSRFToken": csrf})
    assert ok.status_code == 200
    assert Enterprise.objects.get(pk=world.ent_a.pk).principal == "张三"
    _t, raw = token_create(actor=world.user("district_a"), name="机器")
    machine = Client(enforce_csrf_checks=True)
    assert machine.patch(url, json.dumps({"principal": "李四"}), content_type="application/json",
                         headers=_bearer(raw)).status_code == 200


# --- roles editor ----------------------------------------------------------------------------


def test_city_admin_edits_role_with_history_and_event(world, login):
    role = Role.objects.get(code="grid_inspector")
    before = role.history.count()
    old_actions = set(role.actions)
    response = login("city_admin").post(
        f"/accounts/roles/{role.pk}/",
        {"actions": ["dashboard.view", "inbox.view", "enterprises.view", "enterprises.export"], "name": "网格员"},
    )
    assert (response.status_code, response["Location"]) == (302, "/accounts/roles/")
    role.refresh_from_db()
    assert role.actions == ["dashboard.view", "enterprises.export", "enterprises.view", "inbox.view"]
    assert role.history.count() == before + 1
    latest = role.history.first()
    assert (latest.history_change_reason, latest.history_user) == ("修改角色权限", world.user("city_admin"))
    event = Event.objects.get(verb="actions_changed", object_id=str(role.pk))
    wanted = {"dashboard.view", "inbox.view", "enterprises.view", "enterprises.export"}
    assert event.data == {"added": sorted(wanted - old_actions), "removed": sorted(old_actions - wanted)}
    assert "jobs.view" in event.data["removed"] and event.data["added"] == ["enterprises.export"]
    assert event.actor == world.user("city_admin")


def test_unknown_action_is_refused(world, login):
    role = Role.objects.get(code="grid_inspector")
    response = login("city_admin").post(f"/accounts/roles/{role.pk}/", {"actions": ["nuclear.launch"]})
    assert response.status_code == 200
    assert "未知操作" in response.content.decode()
    role.refresh_from_db()
    assert "nuclear.launch" not in role.actions


@pytest.mark.parametrize("persona", ["district_a", "district_b", "regulator", "grid_inspector", "enterprise"])
def test_non_admins_get_404_on_roles_and_nothing_changes(world, login, persona):
    role = Role.objects.get(code="grid_inspector")
    before = (list(role.actions), role.history.count())
    client = login(persona)
    assert client.get("/accounts/roles/").status_code == 404
    assert client.get(f"/accounts/roles/{role.pk}/").status_code == 404
    assert client.post(f"/accounts/roles/{role.pk}/", {"actions": ["*"]}).status_code == 404
    role.refresh_from_db()
    assert (role.actions, role.history.count()) == before
    assert not Event.objects.filter(verb="actions_changed").exists()


def test_anonymous_is_sent_to_login_from_roles(world, client):
    response = client.get("/accounts/roles/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")



def test_openapi_schema_and_docs_are_served(world, client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    spec = schema.json()
    assert spec["info"]["title"] == "anjian API"
    assert "/api/v1/accounts/me" in spec["paths"]
    assert client.get("/api/v1/docs").status_code == 200
