"""``row_allowed`` (the scope decided in Python on a row's values, used by the API detail and the
detail pages' buttons) keeps exactly the rows ``restrict`` keeps: every persona, extra grant
shapes (a regulator posted to one district, a street office, a citywide regulator, an intake
grant), every row of several scoped models, several actions."""

from __future__ import annotations

import pytest

from anjian.accidents.models import Accident
from anjian.accounts.models import Role
from anjian.accounts.services import membership_grant, user_create
from anjian.core.scoping import RowScope, can, can_shown, loaded_row_scope, row_allowed
from anjian.enterprises.models import Enterprise
from anjian.hazards import services as hs
from anjian.hazards.models import Hazard
from anjian.orgs.models import Department, DepartmentKind, Jurisdiction, Sector
from anjian.orgs.services import department_create
from anjian.testing.world import PASSWORD
from tests.accidents import factories as accident_factory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):  # type: ignore[no-untyped-def]
    roles = {r.code: r for r in Role.objects.all()}
    users = dict(world.users)

    def person(name: str, role: str, **scope) -> None:  # type: ignore[no-untyped-def]
        user = user_create(actor=None, username=name, password=PASSWORD, display_name=name, must_change_password=False)
        membership_grant(actor=None, user=user, role=roles[role], **scope)
        users[name] = user

    person("posted_regulator", "regulator", department=world.housing, jurisdiction=world.district_a)
    person("housing_city", "regulator", department=world.housing)
    street = department_create(actor=None, name="甲一街道办", kind=DepartmentKind.STREET_OFFICE,
                               jurisdiction=world.street_a)
    person("street_office", "district_office", department=street)
    person("two_grants", "grid_inspector", jurisdiction=world.grid_b)
    membership_grant(actor=None, user=users["two_grants"], role=roles["enterprise"], enterprise=world.ent_b)
    return users


@pytest.fixture
def rows(world, people):  # type: ignore[no-untyped-def]
    admin, hotline = world.user("city_admin"), world.user("hotline")
    for ent in (world.ent_a, world.ent_b, world.ent_a2):
        hs.hazard_report(actor=admin, source="patrol", enterprise=ent, category="消防", description="通道堵塞")
    hs.hazard_report(actor=admin, source="patrol", place_name="无名作坊", jurisdiction=world.grid_b, category="电气",
                     description="私拉乱接")
    h = hs.hazard_report(actor=admin, source="patrol", enterprise=world.ent_b, category="电气", description="改派")
    # routed on purpose to a department that does not hold the sector, in another district
    Hazard.objects.filter(pk=h.pk).update(department=world.housing, sector=Sector.objects.get(code="26"))
    Hazard.objects.filter(pk=h.pk - 1).update(sector=None, department=None)
    accident_factory.report(world, actor=admin)
    accident_factory.report(world, actor=admin, enterprise=world.ent_b)
    accident_factory.report(world, actor=hotline, enterprise=world.ent_a2)  # the intake grant's own row
    return people


def _row(obj) -> RowScope:  # type: ignore[no-untyped-def]
    row = loaded_row_scope(obj)
    assert row is not None
    return row


CASES = [
    (Hazard, ["hazards.view", "hazards.confirm", "hazards.write_off"], ("jurisdiction",)),
    (Enterprise, ["enterprises.view", "enterprises.change"], ("jurisdiction",)),
    (Jurisdiction, ["orgs.view"], ()),
    (Accident, ["accidents.view", "accidents.report"], ("jurisdiction",)),
]


@pytest.mark.parametrize("model, actions, related", CASES, ids=[c[0].__name__ for c in CASES])
def test_row_allowed_keeps_exactly_the_rows_restrict_keeps(world, rows, model, actions, related):
    objs = list(model.objects.select_related(*related))
    assert objs
    checked = 0
    for name, user in rows.items():
        if user is None:
            continue
        for action in actions:
            kept = set(model.objects.restrict(user, action).values_list("pk", flat=True))
            for obj in objs:
                assert row_allowed(user, action, model, _row(obj)) == (obj.pk in kept), (name, action, obj.pk)
                assert can_shown(user, action, obj) == can(user, action, obj), (name, action, obj.pk)
                checked += 1
    assert checked > 50


def test_an_instance_without_its_territory_loaded_falls_back_to_the_query(world, rows, django_assert_num_queries):
    user = world.user("district_a")
    expected = {h.pk: can(user, "hazards.view", h) for h in Hazard.objects.all()}  # also caches the grants
    assert set(expected.values()) == {True, False}
    for h in Hazard.objects.all():
        assert loaded_row_scope(h) is None  # the jurisdiction row is not cached: only the query knows
        with django_assert_num_queries(1):
            assert can_shown(user, "hazards.view", h) == expected[h.pk]
    for h in Hazard.objects.select_related("jurisdiction"):
        with django_assert_num_queries(0):
            assert can_shown(user, "hazards.view", h) == expected[h.pk]


def test_a_department_row_and_a_model_through_another_model_use_the_query(world):
    dept = Department.objects.first()
    assert loaded_row_scope(dept) is None  # territory through department__jurisdiction
