"""A one-time link for a new (or reset) user to set their own password (issue 14, users and
grants): only the key's hash is stored, it works once, it expires, a newer link revokes an older
one, the old password stops working, every step is audited, and an administrator outside the
user's district cannot make one."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from anjian.accounts.models import PasswordLink, Role, User
from anjian.accounts.services import (
    membership_grant,
    password_link_create,
    password_link_use,
    token_authenticate,
    token_create,
    user_create,
)
from anjian.audit.models import Event
from anjian.core.errors import DomainError, NotAllowed
from anjian.core.redact import redact
from anjian.testing.world import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "Xin-Mima-2026!"


def _new_user(world):
    user = user_create(actor=world.user("city_admin"), username="zhang_san", password="Chushi-Mima-2026",
                       display_name="张三")
    membership_grant(actor=None, user=user, role=Role.objects.get(code="district_office"),
                     jurisdiction=world.district_a)
    return user


def _key(url: str) -> str:
    return re.search(r"/accounts/password/set/([A-Za-z0-9_-]+)/", url).group(1)


def test_the_administrator_hands_over_a_link_the_user_sets_a_password_once(world, client, login):
    user = _new_user(world)
    _t, token = token_create(actor=user, name="接口")
    admin = login("city_admin")
    r = admin.post(f"/accounts/users/{user.pk}/link/")
    assert r.status_code == 302
    page = admin.get(f"/accounts/users/{user.pk}/").content.decode()
    url = re.search(r'data-testid="password-link".*?<code[^>]*>([^<]+)</code>', page, re.S).group(1)
    key = _key(url)
    assert key not in admin.get(f"/accounts/users/{user.pk}/").content.decode()  # shown once
    link = PasswordLink.objects.get(user=user)
    assert link.key_hash != key and key not in link.key_hash and len(link.key_hash) == 64
    assert not PasswordLink.objects.filter(key_hash=key).exists()
    assert link.expires_at - link.created_at == dt.timedelta(hours=72)
    fresh = User.objects.get(pk=user.pk)
    assert not fresh.has_usable_password() and fresh.must_change_password  # the initial password is dead
    assert token_authenticate(token) is None
    assert Event.objects.filter(verb="password_link_created", object_id=str(user.pk)).exists()

    admin.logout()
    assert "张三" in client.get(f"/accounts/password/set/{key}/").content.decode()
    r = client.post(f"/accounts/password/set/{key}/", {"new_password": NEW, "new_password2": "other"})
    assert r.status_code == 400 and "两次输入的新密码不一致" in r.content.decode()
    r = client.post(f"/accounts/password/set/{key}/", {"new_password": "123", "new_password2": "123"})
    assert r.status_code == 400 and not User.objects.get(pk=user.pk).has_usable_password()
    r = client.post(f"/accounts/password/set/{key}/", {"new_password": NEW, "new_password2": NEW})
    assert r.status_code == 302 and r["Location"] == "/accounts/login/"
    fresh = User.objects.get(pk=user.pk)
    assert fresh.check_password(NEW) and not fresh.must_change_password
    assert PasswordLink.objects.get(pk=link.pk).used_at is not None
    event = Event.objects.get(verb="password_set_by_link", object_id=str(user.pk))
    assert event.actor_id == user.pk
    assert fresh.history.order_by("-history_id").first().history_change_reason == "通过一次性链接设置密码"
    assert client.login(username="zhang_san", password=NEW)
    client.logout()

    # used up: the same key is refused, nothing changes
    r = client.post(f"/accounts/password/set/{key}/", {"new_password": "Andere-Mima-2027!", "new_password2": "Andere-Mima-2027!"})
    assert r.status_code == 404 and "链接无效、已使用或已过期" in r.content.decode()
    assert User.objects.get(pk=user.pk).check_password(NEW)
    with pytest.raises(DomainError, match="已使用或已过期"):
        password_link_use(raw=key, new="Andere-Mima-2027!")


def test_a_link_expires_and_a_newer_one_revokes_the_older(world, client):
    user = _new_user(world)
    admin = world.user("city_admin")
    first = password_link_create(actor=admin, user=user)
    second = password_link_create(actor=admin, user=user)
    assert client.get(f"/accounts/password/set/{first}/").status_code == 404  # revoked by the newer link
    assert client.get(f"/accounts/password/set/{second}/").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(hours=73)):
        assert client.get(f"/accounts/password/set/{second}/").status_code == 404
        with pytest.raises(DomainError):
            password_link_use(raw=second, new=NEW)
    assert not User.objects.get(pk=user.pk).has_usable_password()
    assert client.get("/accounts/password/set/not-a-key/").status_code == 404
    # a deactivated account's link does not work either
    User.objects.filter(pk=user.pk).update(is_active=False)
    with pytest.raises(DomainError):
        password_link_use(raw=second, new=NEW)


def test_an_administrator_of_another_district_cannot_make_a_link(world, login):
    user = _new_user(world)
    admin_b = user_create(actor=None, username="admin_b", password=PASSWORD, must_change_password=False)
    membership_grant(actor=None, user=admin_b, role=Role.objects.get(code="district_admin"), jurisdiction=world.district_b)
    before = User.objects.get(pk=user.pk).password
    with pytest.raises(NotAllowed):
        password_link_create(actor=User.objects.get(pk=admin_b.pk), user=user)
    client = login("anonymous")
    assert client.login(username="admin_b", password=PASSWORD)
    r = client.post(f"/accounts/users/{user.pk}/link/")
    assert r.status_code in (302, 404)
    assert not PasswordLink.objects.exists() and User.objects.get(pk=user.pk).password == before
    assert Event.objects.filter(verb="escalation_refused").exists()
    assert client.post(f"/accounts/users/{user.pk}/link/").status_code != 200
    assert login("grid_inspector").post(f"/accounts/users/{user.pk}/link/").status_code in (403, 404)
    assert not PasswordLink.objects.exists()


def test_the_links_key_is_kept_out_of_the_logs():
    line = '"GET /accounts/password/set/Abc_123-xyz/ HTTP/1.1" 200'
    assert "Abc_123-xyz" not in redact(line) and "/accounts/password/set/[redacted]/" in redact(line)


def test_the_command_makes_a_link_as_the_administrator(world, capsys, client):
    import json

    from django.core.management import call_command

    user = _new_user(world)
    call_command("password-link", "zhang_san", "--as", "city_admin", "--base-url", "https://aj.example.gov.cn/")
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["made"] and out["url"].startswith("https://aj.example.gov.cn/accounts/password/set/")
    assert client.get(out["url"].removeprefix("https://aj.example.gov.cn")).status_code == 200
    admin_b = user_create(actor=None, username="admin_b", password=PASSWORD, must_change_password=False)
    membership_grant(actor=None, user=admin_b, role=Role.objects.get(code="district_admin"), jurisdiction=world.district_b)
    with pytest.raises(SystemExit) as exit_:
        call_command("password-link", "zhang_san", "--as", "admin_b")
    assert exit_.value.code == 1 and PasswordLink.objects.filter(user=user).count() == 1
