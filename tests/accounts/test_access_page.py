"""Who can see or do what here: a unit's page lists the people whose current grants reach it,
with their roles' actions as labelled groups — only the grants the viewer may see."""

from __future__ import annotations

import datetime as dt

import pytest

from anjian.accounts.models import Role
from anjian.accounts.services import membership_grant, user_create

pytestmark = pytest.mark.django_db


def test_a_street_lists_the_grants_above_and_on_it(login, world):
    street_office = Role.objects.get(code="street_office")
    clerk = user_create(actor=None, username="clerk", password=None, display_name="街道科员")
    membership_grant(actor=None, user=clerk, role=street_office, jurisdiction=world.street_a)
    old = user_create(actor=None, username="former", password=None, display_name="已离任")
    membership_grant(actor=None, user=old, role=street_office, jurisdiction=world.street_a,
                     valid_until=dt.date(2000, 1, 1))
    client = login("city_admin")
    assert f'href="/accounts/access/jurisdictions/{world.street_a.pk}/"' in client.get(
        f"/orgs/jurisdictions/{world.street_a.pk}/").content.decode()
    html = client.get(f"/accounts/access/jurisdictions/{world.street_a.pk}/").content.decode()
    for name in ("街道科员", "district_a", "city_admin", "regulator"):  # own, district, city, a city department
        assert name in html, name
    assert "已离任" not in html and "district_b" not in html and "grid_inspector" not in html
    assert "隐患：" in html or "隐患" in html  # actions grouped under their labels
    # a department: its own grants and the territory grants over its place
    html = client.get(f"/accounts/access/departments/{world.ema.pk}/").content.decode()
    assert "regulator" in html and "city_admin" in html and "district_a" not in html


def test_only_viewers_of_users_and_only_what_they_see(login, world):
    assert login("regulator").get(f"/accounts/access/jurisdictions/{world.street_a.pk}/").status_code == 404
    assert 'btn-access' not in login("regulator").get(f"/orgs/departments/{world.ema.pk}/").content.decode()
    client = login("district_a")  # 区安委办 has accounts.view over its district
    html = client.get(f"/accounts/access/jurisdictions/{world.street_a.pk}/").content.decode()
    assert "district_a" in html and "city_admin" not in html  # the city's grants are beyond its view
    assert client.get(f"/accounts/access/jurisdictions/{world.street_b.pk}/").status_code == 404
