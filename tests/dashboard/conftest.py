"""A leader and a street office over the test world, and records counted by hand for the cockpit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from anjian.accidents.services import accident_report
from anjian.accidents.targets import target_set
from anjian.accounts.models import Role
from anjian.accounts.services import membership_grant, user_create
from anjian.emergency.services import incident_open, team_create
from anjian.hazards import services as hs
from anjian.hazards.models import HazardLevel, HazardSource
from anjian.orgs.models import DepartmentKind
from anjian.orgs.services import department_create
from anjian.rules.accidents import accident_types_for
from anjian.testing.world import PASSWORD


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def add_persona(world: Any, name: str, role: str, **scope: Any) -> Any:
    user = user_create(actor=None, username=name, password=PASSWORD, display_name=name, must_change_password=False)
    membership_grant(actor=None, user=user, role=Role.objects.get(code=role), **scope)
    world.users[name] = user
    return user


@pytest.fixture
def leader(world):
    return add_persona(world, "leader", "leader", jurisdiction=world.city)


@pytest.fixture
def street(world):
    office = department_create(actor=None, name="甲一街道安办", kind=DepartmentKind.STREET_OFFICE, jurisdiction=world.street_a)
    return add_persona(world, "street_a", "street_office", department=office)


def _accident(world: Any, when: dt.datetime, deaths: int, enterprise: Any) -> Any:
    code = accident_types_for(timezone.localdate(when) if timezone.is_aware(when) else when.date()).by_code
    type_code = next(c for c in ("WSA10023", "19", "17") if _has(code, c))
    return accident_report(actor=None, data={
        "enterprise": enterprise, "occurred_at": when, "known_at": when, "reported_at": when + dt.timedelta(minutes=20),
        "place": "一号车间", "description": "反应釜检修时发生物料泄漏。", "category": "industrial_commercial",
        "type_code": type_code, "deaths": deaths, "serious_injuries": 0, "minor_injuries": 0,
        "direct_loss_yuan": 100000, "measures": "疏散人员", "reporter": "张三"})


def _has(by_code: Any, code: str) -> bool:
    try:
        by_code(code)
    except KeyError:
        return False
    return True


@pytest.fixture
def counted(world):
    """Hand-counted records: district A (甲区) holds ent_a (grid 甲一网格) and ent_a2 (street 甲一街道),
    district B (乙区) ent_b.

    * hazards open (待整改): A — ent_a 重大 + ent_a 一般 (overdue), ent_a2 一般; B — ent_b 一般 → city 4,
      A 3, B 1; 重大 open: city 1 (A); one more reported but never confirmed (not open);
    * deaths this year: A 1 (ent_a), B 2 (ent_b) → city 3; the same period last year: A 4 → city 4;
      a city control target of 10 deaths;
    * an open incident and a team in B.
    """
    admin = world.user("city_admin")
    now = timezone.now()

    def hazard(ent: Any, level: str, *, confirm: bool = True, deadline: dt.datetime | None = None) -> Any:
        h = hs.hazard_report(actor=admin, source=HazardSource.PATROL, enterprise=ent, category="消防通道堵塞",
                             description="消防通道堆放纸箱", level=level)
        if confirm:
            h = hs.hazard_confirm(actor=admin, hazard=h, level=level)
        if deadline is not None:
            type(h).objects.filter(pk=h.pk).update(deadline=deadline)
        return h

    hazard(world.ent_a, HazardLevel.MAJOR)
    hazard(world.ent_a, HazardLevel.GENERAL, deadline=now - dt.timedelta(days=2))
    hazard(world.ent_a2, HazardLevel.GENERAL)
    hazard(world.ent_b, HazardLevel.GENERAL)
    hazard(world.ent_b, HazardLevel.GENERAL, confirm=False)
    local = timezone.localtime(now).replace(minute=0, second=0, microsecond=0)
    this_year = local - dt.timedelta(hours=2)
    if this_year.year != local.year:  # the first hours of 1 January
        this_year = local
    _accident(world, this_year, 1, world.ent_a)
    _accident(world, this_year, 2, world.ent_b)
    _accident(world, this_year.replace(year=this_year.year - 1), 4, world.ent_a)
    target_set(actor=None, year=local.year, jurisdiction=world.city, metric="deaths", quota=10)
    incident_open(actor=admin, title="乙区仓库火情", lng=114.25, lat=22.06)
    team_create(actor=admin, name="乙区综合救援队", kind="general", jurisdiction=world.district_b, lng=114.3, lat=22.1)
    return world
