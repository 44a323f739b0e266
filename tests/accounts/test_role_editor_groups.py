"""The role editor offers the actions as labelled, grouped choices (issue 14, users and grants)."""

from __future__ import annotations

import re

import pytest

from anjian.accounts.models import Role

pytestmark = pytest.mark.django_db


def test_role_editor_offers_actions_as_labelled_groups(world, login):
    role = Role.objects.get(code="grid_inspector")
    page = login("city_admin").get(f"/accounts/roles/{role.pk}/").content.decode()
    legends = re.findall(r"<legend[^>]*>([^<]+)</legend>", page)
    assert {"隐患", "网格", "组织"} <= set(legends), legends  # grouped by domain
    assert "查看隐患" in page and "全市企业网格重新归属" in page  # each action by its label
    assert login("district_a").get(f"/accounts/roles/{role.pk}/").status_code == 404
