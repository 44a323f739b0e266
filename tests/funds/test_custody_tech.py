"""Custody coverage of eligible SMEs by district (the staff limit is a setting), provider
performance, and the maintenance to-do of safety technology."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anjian.accounts.services import user_create
from anjian.funds import selectors
from anjian.funds import services as fs
from anjian.funds.models import TechKind
from anjian.inbox.models import DueItem, DueState

pytestmark = pytest.mark.django_db


def test_coverage_by_district_and_provider_performance(world, login, settings):
    staff = user_create(actor=None, username="tg_cov", password="Anjian-Test-2026!", must_change_password=False)
    provider = fs.provider_save(actor=world.users["district_a"], jurisdiction=world.district_a, name="托管公司",
                                qualification="乙级", staff_count=3, capacity=3, staff=[staff])
    now = timezone.now()
    c = fs.contract_register(actor=world.users["district_a"], provider=provider, enterprise=world.ent_a, number="TG-C",
                             starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(days=60))
    staff = type(staff).objects.get(pk=staff.pk)
    fs.visit_record(actor=staff, contract=c, visited_on=timezone.localdate(), content="检查", hazards_found=4,
                    hazards_fixed=3)
    cov = {r["area"]: r for r in selectors.custody_coverage(user=world.users["city_admin"])}
    eligible_a = sum(1 for e in (world.ent_a, world.ent_a2) if e.employees < 300)
    assert cov[world.district_a.name]["eligible"] == eligible_a and cov[world.district_a.name]["covered"] == 1
    assert world.district_b.name not in cov or cov[world.district_b.name]["covered"] == 0
    from anjian.rules.accidents import accident_types_for
    from tests.accidents.factories import report

    for hours_ago in (0.5, 72):  # one accident at the client under the contract, one before it began
        occurred = now - dt.timedelta(hours=hours_ago)
        report(world, occurred_at=occurred, known_at=occurred + dt.timedelta(minutes=5),
               reported_at=occurred + dt.timedelta(minutes=20),
               type_code=accident_types_for(timezone.localdate(occurred)).types[0].code)
    [perf] = selectors.provider_performance(user=world.users["district_a"])
    assert (perf["clients"], perf["visits"], perf["found"], perf["fixed"]) == (1, 1, 4, 3)
    assert (perf["accidents"], perf["deaths"]) == (1, 1)
    # the staff limit is a setting: the page's coverage follows it
    settings.ANJIAN_CUSTODY_STAFF_LIMIT = 10_000
    body = login("city_admin").get("/funds/custody/").content.decode()
    assert "10000 人以下" in body and "托管期间事故" in body


def test_maintenance_todo_in_the_enterprise_inbox(world, login):
    from anjian.core.errors import DomainError
    from anjian.monitoring import services as ms

    ent_user = world.users["enterprise"]
    installed = timezone.localdate() - dt.timedelta(days=170)
    with pytest.raises(DomainError) as refused:  # the alarm link names a point the monitoring app holds
        fs.installation_add(actor=ent_user, enterprise=world.ent_a, kind=TechKind.GAS_ALARM, installed_on=installed,
                            sensor_code="GAS-A-001")
    assert refused.value.field == "sensor_code" and not DueItem.objects.filter(kind=fs.TECH_MAINTENANCE.code).exists()
    sensor = ms.sensor_create(actor=None, enterprise=world.ent_a, code="GAS-A-001",
                              data={"name": "后厨燃气报警器", "kind": "combustible_gas"})
    ms.sensor_create(actor=None, enterprise=world.ent_b, code="GAS-B-001", data={"name": "燃气", "kind": "combustible_gas"})
    with pytest.raises(DomainError):  # another enterprise's point is not this one's link
        fs.installation_add(actor=ent_user, enterprise=world.ent_a, kind=TechKind.GAS_ALARM, installed_on=installed,
                            sensor_code="GAS-B-001")
    inst = fs.installation_add(actor=ent_user, enterprise=world.ent_a, kind=TechKind.GAS_ALARM, installed_on=installed,
                               maintenance_every_days=180, sensor_code="GAS-A-001")
    item = DueItem.objects.get(kind=fs.TECH_MAINTENANCE.code, state=DueState.OPEN)
    assert item.owner_enterprise_id == world.ent_a.pk and item.sector_id == world.ent_a.sector_id
    assert timezone.localtime(item.due_at).date() == installed + dt.timedelta(days=180)
    fs.installation_maintain(actor=ent_user, installation=inst, maintained_on=timezone.localdate())
    item = DueItem.objects.get(kind=fs.TECH_MAINTENANCE.code, state=DueState.OPEN)
    assert timezone.localtime(item.due_at).date() == timezone.localdate() + dt.timedelta(days=180)
    inst.refresh_from_db()
    assert inst.sensor_code == "GAS-A-001"
    page = login("enterprise").get("/funds/tech/").content.decode()
    assert f'href="/monitoring/sensors/{sensor.pk}/"' in page  # the installation links to its point
