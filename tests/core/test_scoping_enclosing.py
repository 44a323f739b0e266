"""``scoping.enclosing_paths``: the territories a user works inside, and every one above them."""

from __future__ import annotations

import pytest

from anjian.core.scoping import enclosing_paths

pytestmark = pytest.mark.django_db


def test_enclosing_paths_are_each_grants_territory_and_everything_above(world):
    city, a = world.city.path, world.district_a.path
    assert enclosing_paths(world.user("city_admin"), "emergency.view") == [city]
    assert enclosing_paths(world.user("district_a"), "emergency.view") == sorted([city, a])
    grid = world.grid_a
    assert enclosing_paths(world.user("grid_inspector"), "emergency.view") == sorted(
        [city, a, world.street_a.path, grid.path])
    assert enclosing_paths(world.user("regulator"), "emergency.view") == [city]  # its department's territory
    # an enterprise's grant has no territory; an action the grant lacks encloses nothing
    assert enclosing_paths(world.user("enterprise"), "emergency.view") == []
    assert enclosing_paths(world.user("district_a"), "grids.patrol") == []
    assert enclosing_paths(None, "emergency.view") == []
    user = world.user("district_a")
    user.is_active = False
    assert enclosing_paths(user, "emergency.view") == []
