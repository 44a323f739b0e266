"""Two-axis scoping: each standing persona sees exactly its own slice."""

from __future__ import annotations

import pytest

from anjian.core.scoping import can, has_action, scope_allows
from anjian.enterprises.models import Enterprise
from anjian.orgs.models import Jurisdiction

pytestmark = pytest.mark.django_db

EXPECTED = {
    "city_admin": {"ent_a", "ent_b", "ent_a2"},
    "district_a": {"ent_a", "ent_a2"},
    "district_b": {"ent_b"},
    "regulator": {"ent_a"},  # 应急管理局 supervises manufacturing (C) city-wide
    "grid_inspector": {"ent_a"},  # ent_a's point lies in 甲一网格
    "enterprise": {"ent_a"},
    "anonymous": set(),
}


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_enterprise_scope_per_persona(world, persona):
    user = world.user(persona)
    names = {key for key in ("ent_a", "ent_b", "ent_a2") if Enterprise.objects.restrict(user, "view").filter(pk=getattr(world, key).pk).exists()}
    assert names == EXPECTED[persona]


def test_jurisdiction_assigned_from_point_is_the_deepest(world):
    assert world.ent_a.jurisdiction == world.grid_a
    assert world.ent_b.jurisdiction == world.grid_b
    assert world.ent_a2.jurisdiction == world.street_a  # outside every grid, inside the street


def test_routing_applies_sector_table(world):
    assert world.ent_a.department == world.ema
    assert world.ent_b.department == world.housing


def test_district_sees_only_its_subtree_of_jurisdictions(world):
    codes = set(Jurisdiction.objects.restrict(world.user("district_a"), "orgs.view").values_list("code", flat=True))
    assert codes == {"990101", "990101001", "990101001001"}


def test_action_must_be_granted_even_in_scope(world):
    grid = world.user("grid_inspector")
    assert can(grid, "enterprises.view", world.ent_a)
    assert not can(grid, "enterprises.change", world.ent_a)
    assert not has_action(grid, "accounts.manage")


def test_scope_allows_creation_only_inside_territory(world):
    user = world.user("district_a")
    assert scope_allows(user, "enterprises.add", jurisdiction=world.grid_a)
    assert not scope_allows(user, "enterprises.add", jurisdiction=world.grid_b)
    reg = world.user("regulator")
    from anjian.orgs.models import Sector

    assert scope_allows(reg, "enterprises.add", jurisdiction=world.grid_b, sector=Sector.objects.get(code="26"))
    assert not scope_allows(reg, "enterprises.add", jurisdiction=world.grid_b, sector=Sector.objects.get(code="47"))


def test_custody_membership_is_dated(world):
    import datetime as dt

    from anjian.accounts.models import Role
    from anjian.accounts.services import membership_grant, user_create

    user = user_create(actor=None, username="custody1", password=None)
    membership_grant(actor=None, user=user, role=Role.objects.get(code="custody"), enterprise=world.ent_b,
                     valid_from=dt.date(2020, 1, 1), valid_until=dt.date(2020, 12, 31))
    assert not Enterprise.objects.restrict(user, "view").exists()


@pytest.mark.parametrize("with_jurisdiction", [True, False])
def test_committee_office_membership_reaches_its_territory(world, with_jurisdiction):
    """A district officer bound to the district's 安委办 department (as the demo does) sees the
    district's enterprises whatever their sector; the office supervises no sector itself."""
    from anjian.accounts.models import Role
    from anjian.accounts.services import membership_grant, user_create
    from anjian.orgs.models import DepartmentKind
    from anjian.orgs.services import department_create

    office = department_create(actor=None, name="甲区安委办", kind=DepartmentKind.COMMITTEE_OFFICE,
                               jurisdiction=world.district_a)
    user = user_create(actor=None, username="office_a", password=None)
    scope = {"department": office, "jurisdiction": world.district_a} if with_jurisdiction else {"department": office}
    membership_grant(actor=None, user=user, role=Role.objects.get(code="district_office"), **scope)
    visible = set(Enterprise.objects.restrict(user, "view").values_list("pk", flat=True))
    assert visible == {world.ent_a.pk, world.ent_a2.pk}
