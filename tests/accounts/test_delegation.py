"""Delegated administration: a district administrator manages users and grants inside the district
only, and cannot hand out what they do not hold — every refusal changes nothing and is audited."""

from __future__ import annotations

import pytest

from anjian.accounts.models import ApiToken, Membership, Role, User
from anjian.accounts.services import (
    membership_grant,
    membership_revoke,
    token_authenticate,
    token_create,
    user_create,
    user_reset_password,
    user_set_active,
    user_update,
)
from anjian.audit.models import Event
from anjian.core.errors import NotAllowed
from anjian.testing.world import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_a(world):
    """A district administrator of 甲区, given by the city the district and street office roles there."""
    roles = {r.code: r for r in Role.objects.all()}
    user = user_create(actor=None, username="admin_a", password=PASSWORD, must_change_password=False)
    membership_grant(actor=None, user=user, role=roles["district_admin"], jurisdiction=world.district_a)
    membership_grant(actor=None, user=user, role=roles["district_office"], jurisdiction=world.district_a)
    membership_grant(actor=None, user=user, role=roles["street_office"], jurisdiction=world.district_a)
    return User.objects.get(pk=user.pk)


def _snapshot():
    return (list(Membership.objects.order_by("id").values_list("id", "user_id", "role_id", "jurisdiction_id", "is_active")),
            list(User.objects.order_by("id").values_list("id", "is_active", "password", "display_name")))


def _refused(before, *, count=1):
    assert _snapshot() == before
    assert Event.objects.filter(verb="escalation_refused").count() == count


def test_a_district_administrator_manages_its_own_district(world, admin_a):
    roles = {r.code: r for r in Role.objects.all()}
    clerk = user_create(actor=admin_a, username="clerk_a", password=PASSWORD)
    membership_grant(actor=admin_a, user=clerk, role=roles["street_office"], jurisdiction=world.street_a)
    membership_grant(actor=admin_a, user=clerk, role=roles["district_office"], jurisdiction=world.district_a)
    user_update(actor=admin_a, user=clerk, display_name="王科员", phone="13800000000")
    initial = user_reset_password(actor=admin_a, user=clerk)
    clerk.refresh_from_db()
    assert clerk.check_password(initial) and clerk.must_change_password and clerk.display_name == "王科员"
    user_set_active(actor=admin_a, user=clerk, active=False)
    assert not User.objects.get(pk=clerk.pk).is_active
    assert not Event.objects.filter(verb="escalation_refused").exists()


@pytest.mark.parametrize("attempt", ["city_role", "action_lacked", "other_district", "city_scope", "department"])
def test_escalation_is_refused_changes_nothing_and_is_audited(world, admin_a, attempt):
    roles = {r.code: r for r in Role.objects.all()}
    target = user_create(actor=admin_a, username="target", password=PASSWORD)
    before = _snapshot()
    kwargs = {
        "city_role": {"role": roles["city_admin"], "jurisdiction": world.district_a},  # holds "*"
        "action_lacked": {"role": roles["city_office"], "jurisdiction": world.district_a},  # hazards.* not held
        "other_district": {"role": roles["district_office"], "jurisdiction": world.district_b},
        "city_scope": {"role": roles["district_office"], "jurisdiction": world.city},
        "department": {"role": roles["regulator"], "department": world.ema},  # a city-wide regulator
    }[attempt]
    with pytest.raises(NotAllowed):
        membership_grant(actor=admin_a, user=target, **kwargs)
    _refused(before)
    event = Event.objects.get(verb="escalation_refused")
    assert event.actor_id == admin_a.pk and event.object_id == str(target.pk)


def test_a_user_of_another_district_cannot_be_touched(world, admin_a):
    other = world.users["district_b"]
    _token, raw = token_create(actor=other, name="接口")
    before = _snapshot()
    for attempt in (
        lambda: user_update(actor=admin_a, user=other, display_name="改名", phone=""),
        lambda: user_reset_password(actor=admin_a, user=other),
        lambda: user_set_active(actor=admin_a, user=other, active=False),
        lambda: membership_revoke(actor=admin_a, membership=Membership.objects.get(user=other)),
        lambda: membership_grant(actor=admin_a, user=other, role=Role.objects.get(code="district_office"),
                                 jurisdiction=world.district_a),
    ):
        with pytest.raises(NotAllowed):
            attempt()
    _refused(before, count=5)
    assert token_authenticate(raw) == other  # the token still works


def test_the_city_administrator_cannot_be_managed_by_a_district(world, admin_a):
    before = _snapshot()
    with pytest.raises(NotAllowed):
        user_reset_password(actor=admin_a, user=world.users["city_admin"])
    _refused(before)


def test_deactivation_revokes_tokens_and_ends_sessions(client, world):
    city_admin = world.users["city_admin"]
    victim = world.users["district_a"]
    token, raw = token_create(actor=victim, name="接口")
    assert client.login(username="district_a", password=PASSWORD)
    assert client.get("/").status_code == 200
    user_set_active(actor=city_admin, user=victim, active=False)
    assert token_authenticate(raw) is None and ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert client.get("/").status_code == 302  # the open session no longer works
    user_set_active(actor=city_admin, user=victim, active=True)
    assert client.login(username="district_a", password=PASSWORD)
