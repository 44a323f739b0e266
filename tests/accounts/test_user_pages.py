"""The user administration pages as administrators use them, and who may reach them."""

from __future__ import annotations

import html
import re

import pytest

from anjian.accounts.models import Membership, Role, User
from anjian.accounts.services import membership_grant, user_create
from anjian.audit.models import Event
from anjian.testing.world import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_a(world):
    roles = {r.code: r for r in Role.objects.all()}
    user = user_create(actor=None, username="admin_a", password=PASSWORD, must_change_password=False)
    for code in ("district_admin", "district_office", "street_office"):
        membership_grant(actor=None, user=user, role=roles[code], jurisdiction=world.district_a)
    return user


def test_city_admin_creates_a_user_grants_a_role_and_the_user_logs_in(client, login, world):
    c = login("city_admin")
    r = c.post("/accounts/users/new/", {"username": "zhang_san", "display_name": "张三", "phone": "13800000001"})
    user = User.objects.get(username="zhang_san")
    assert r.status_code == 302 and r.url == f"/accounts/users/{user.pk}/"
    page = c.get(r.url).content.decode()
    initial = html.unescape(re.search(r'user-select-all">([^<]+)<', page).group(1))  # "&" comes as &amp;
    assert "只显示这一次" in page and initial not in c.get(r.url).content.decode()  # shown once
    role = Role.objects.get(code="district_office")
    r = c.post(f"/accounts/users/{user.pk}/grant/", {"role": role.pk, "jurisdiction": world.district_a.pk})
    assert Membership.objects.get(user=user, is_active=True).jurisdiction == world.district_a
    c.logout()
    r = c.post("/accounts/login/", {"username": "zhang_san", "password": initial})
    assert r.status_code == 302 and r.url == "/accounts/password/"  # must set a password of their own


def test_district_admin_sees_and_manages_only_its_district(client, world, admin_a):
    assert client.login(username="admin_a", password=PASSWORD)
    listing = client.get("/accounts/users/").content.decode()
    assert "district_a" in listing and "district_b" not in listing and "city_admin" not in listing
    other = world.users["district_b"]
    assert client.get(f"/accounts/users/{other.pk}/").status_code == 404
    before = list(Membership.objects.values_list("id", "is_active"))
    for url in (f"/accounts/users/{other.pk}/reset/", f"/accounts/users/{other.pk}/active/"):
        assert client.post(url, {"active": "0"}).status_code == 404
    assert User.objects.get(pk=other.pk).is_active and list(Membership.objects.values_list("id", "is_active")) == before
    # its own new user: a grant in 乙区 is not even a choice; a city role is refused and audited
    client.post("/accounts/users/new/", {"username": "clerk", "display_name": "李四"})
    clerk = User.objects.get(username="clerk")
    page = client.get(f"/accounts/users/{clerk.pk}/").content.decode()
    assert "乙区" not in page and "甲区" in page
    client.post(f"/accounts/users/{clerk.pk}/grant/",
                {"role": Role.objects.get(code="district_office").pk, "jurisdiction": world.district_b.pk})
    assert not Membership.objects.filter(user=clerk).exists()
    r = client.post(f"/accounts/users/{clerk.pk}/grant/",
                    {"role": Role.objects.get(code="city_admin").pk, "jurisdiction": world.district_a.pk}, follow=True)
    assert "不能授予" in r.content.decode() and not Membership.objects.filter(user=clerk).exists()
    assert Event.objects.filter(verb="escalation_refused", actor=admin_a).count() == 1


@pytest.mark.parametrize("persona, status", [
    ("city_admin", 200), ("district_a", 404), ("district_b", 404), ("regulator", 404), ("grid_inspector", 404),
    ("enterprise", 404), ("anonymous", 302),
])
def test_authorization_matrix(login, world, persona, status):
    c = login(persona)
    target = world.users["grid_inspector"]
    assert c.get("/accounts/users/new/").status_code == status
    for url in ("grant/", "reset/", "active/", "edit/"):
        assert c.post(f"/accounts/users/{target.pk}/{url}", {"active": "0", "display_name": "x"}).status_code in (
            (302,) if persona in ("city_admin", "anonymous") else (404,))
    if persona not in ("city_admin",):
        target.refresh_from_db()
        assert target.is_active and target.display_name == "grid_inspector"
