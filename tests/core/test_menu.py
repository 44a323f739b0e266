"""The side menu highlights only the most specific entry for the current path."""

import pytest

from anjian.core.menu import menu_for

pytestmark = pytest.mark.django_db


def _active(user, path):
    return [i["url"] for s in menu_for(user, path) for i in s["items"] if i["active"]]


def test_only_the_longest_prefix_is_active(world):
    admin = world.user("city_admin")
    assert _active(admin, "/grids/coverage/") == ["/grids/coverage/"]
    assert _active(admin, "/grids/12/") == ["/grids/"]
    assert _active(admin, "/") == ["/"]


def test_menu_follows_the_users_actions(world):
    urls = {i["url"] for s in menu_for(world.user("enterprise"), "/") for i in s["items"]}
    assert "/accounts/roles/" not in urls and "/grids/" not in urls
