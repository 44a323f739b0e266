"""Funds services: the ledger balances under edits and reversals; custody access ends to the minute;
technology campaigns put a to-do in each enterprise's inbox."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
import time_machine
from django.utils import timezone

from anjian.accounts.services import user_create
from anjian.audit.models import Event
from anjian.core.errors import DomainError, NotAllowed, NotFoundInScope
from anjian.enterprises.models import Enterprise, Licence
from anjian.funds import selectors
from anjian.funds import services as fs
from anjian.funds.models import ContractStatus, CustodyContract, FundAllocation, FundSpending, TechKind
from anjian.inbox.models import DueItem, DueState


def fresh(user):
    return type(user).objects.get(pk=user.pk)


def at(*a: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*a))


def _balanced(line):
    rows = selectors.ledger_rows(user=None, year=line.year)
    by_line = selectors.balances_by(rows, "line")
    by_district = selectors.balances_by(rows, "district")
    for b in list(by_line.values()) + list(by_district.values()):
        assert b.allocated == b.spent + b.remaining
        assert b.remaining >= 0
    return by_line, by_district


@pytest.mark.django_db
def test_ledger_balances_under_edits_and_reversals(world):
    admin = world.users["city_admin"]
    line = fs.line_create(actor=admin, owner=world.city, year=2026, code="01", name="隐患治理", amount=D(1_000_000))
    a = fs.allocation_create(actor=admin, line=line, jurisdiction=world.district_a, project="燃气报警器", amount=D(600_000))
    b = fs.allocation_create(actor=admin, line=line, jurisdiction=world.district_b, project="培训", amount=D(300_000))
    with pytest.raises(DomainError):  # more than the line has left
        fs.allocation_create(actor=admin, line=line, jurisdiction=world.district_b, project="x", amount=D(200_000))
    s1 = fs.spending_record(actor=admin, allocation=a, spent_on=dt.date(2026, 3, 1), amount=D(100_000), voucher_no="记-001",
                            purpose="采购")
    with pytest.raises(DomainError):  # more than the allocation has left
        fs.spending_record(actor=admin, allocation=a, spent_on=dt.date(2026, 3, 2), amount=D(500_001), voucher_no="记-002",
                           purpose="采购")
    fixed = fs.spending_correct(actor=admin, spending=s1, amount=D(120_000), reason="金额录错")
    with pytest.raises(DomainError):  # a reversed row cannot be reversed again
        fs.spending_reverse(actor=admin, spending=s1, reason="again")
    with pytest.raises(DomainError):  # spent from: reverse the spending first
        fs.allocation_reverse(actor=admin, allocation=a, reason="取消")
    fs.allocation_reverse(actor=admin, allocation=b, reason="项目取消")
    by_line, by_district = _balanced(line)
    assert by_line[line.code].allocated == D(600_000)
    assert by_line[line.code].spent == D(120_000)
    assert by_district[world.district_a.name].remaining == D(480_000)
    assert by_district[world.district_b.name].allocated == D(0)
    assert FundSpending.objects.count() == 3 and FundAllocation.objects.count() == 3  # nothing deleted
    assert fixed.amount == D(120_000)
    assert Event.objects.filter(verb="fund_spending_reversed").count() == 1


@pytest.mark.django_db
def test_district_cannot_touch_another_districts_money(world):
    admin = world.users["city_admin"]
    line = fs.line_create(actor=admin, owner=world.city, year=2026, code="02", name="宣传", amount=D(1000))
    alloc = fs.allocation_create(actor=admin, line=line, jurisdiction=world.district_a, project="宣传月", amount=D(1000))
    with pytest.raises(NotFoundInScope):
        fs.spending_record(actor=world.users["district_b"], allocation=alloc, spent_on=dt.date(2026, 1, 2), amount=D(1),
                           voucher_no="v", purpose="p")
    assert FundSpending.objects.count() == 0
    fs.spending_record(actor=world.users["district_a"], allocation=alloc, spent_on=dt.date(2026, 1, 2), amount=D(1),
                       voucher_no="v", purpose="p")


def _provider(world):
    staff = user_create(actor=None, username="tg_staff", password="Anjian-Test-2026!", display_name="托管员小王",
                        must_change_password=False)
    p = fs.provider_save(actor=world.users["district_a"], jurisdiction=world.district_a, name="甲区安全托管服务公司",
                         qualification="安全评价乙级", staff_count=12, capacity=5, staff=[staff])
    return p, staff


@pytest.mark.django_db
def test_custody_access_ends_with_contract_to_the_minute(world):
    provider, staff = _provider(world)
    with time_machine.travel(at(2026, 3, 1, 9), tick=False):
        c = fs.contract_register(actor=world.users["district_a"], provider=provider, enterprise=world.ent_a,
                                 number="TG-2026-01", starts_at=at(2026, 3, 1, 10), ends_at=at(2026, 6, 30, 17, 30))
        assert not Enterprise.objects.restrict(staff, "enterprises.view").exists()  # not started yet
    with time_machine.travel(at(2026, 6, 30, 17, 29), tick=False):
        staff = fresh(staff)  # a new request loads the user afresh
        assert list(Enterprise.objects.restrict(staff, "enterprises.view")) == [world.ent_a]
        fs.visit_record(actor=staff, contract=c, visited_on=dt.date(2026, 6, 30), content="月度检查", hazards_found=3,
                        hazards_fixed=2)
        ev = Event.objects.filter(verb="custody_visit_recorded").first()
        assert ev.actor == staff and ev.data["on_behalf_of"] == world.ent_a.pk and ev.data["provider"] == provider.pk
        assert provider.name in ev.summary and world.ent_a.name in ev.summary
    with time_machine.travel(at(2026, 6, 30, 17, 30), tick=False):
        staff = fresh(staff)  # a new request loads the user afresh
        assert not Enterprise.objects.restrict(staff, "enterprises.view").exists()
        with pytest.raises(NotAllowed):
            fs.visit_record(actor=staff, contract=c, visited_on=dt.date(2026, 6, 30), content="超期")
        assert fs.contracts_expire() == 1
    c.refresh_from_db()
    assert c.status == ContractStatus.ENDED
    assert not DueItem.objects.filter(kind=fs.CUSTODY_VISIT.code, state=DueState.OPEN).exists()


@pytest.mark.django_db
def test_custody_terminate_cuts_access_now_and_eligibility(world):
    provider, staff = _provider(world)
    with pytest.raises(DomainError):  # 300 staff: not a custody target unless accident-prone
        fs.contract_register(actor=world.users["district_b"], provider=provider, enterprise=world.ent_b, number="X",
                             starts_at=timezone.now(), ends_at=timezone.now() + dt.timedelta(days=30))
    with time_machine.travel(at(2026, 3, 1, 9), tick=False):
        c = fs.contract_register(actor=world.users["district_a"], provider=provider, enterprise=world.ent_a, number="TG-2",
                                 starts_at=at(2026, 3, 1, 9), ends_at=at(2027, 3, 1, 9))
        item = DueItem.objects.get(kind=fs.CUSTODY_VISIT.code, state=DueState.OPEN)
        assert item.owner_enterprise_id == world.ent_a.pk and item.owner_jurisdiction_id is None
    with time_machine.travel(at(2026, 4, 1, 8, 15), tick=False):
        fs.contract_terminate(actor=world.users["district_a"], contract=c, reason="企业申请解除")
        staff = fresh(staff)  # a new request loads the user afresh
        assert not Enterprise.objects.restrict(staff, "enterprises.view").exists()
    c.refresh_from_db()
    assert c.ends_at == at(2026, 4, 1, 8, 15) and c.status == ContractStatus.TERMINATED
    with pytest.raises(NotFoundInScope):  # outside district B's territory
        fs.contract_terminate(actor=world.users["district_b"], contract=CustodyContract.objects.get(), reason="x")


@pytest.mark.django_db
def test_campaign_todo_in_each_enterprise_inbox_closed_by_installation(world):
    district = world.users["district_a"]
    deadline = timezone.localdate() + dt.timedelta(days=60)
    camp = fs.campaign_create(actor=district, jurisdiction=world.district_a, name="餐饮燃气报警器推广",
                              kind=TechKind.GAS_ALARM, deadline=deadline, enterprises=[world.ent_a, world.ent_a2])
    items = DueItem.objects.filter(kind=fs.TECH_CAMPAIGN.code, state=DueState.OPEN)
    assert sorted(i.owner_enterprise_id for i in items) == sorted([world.ent_a.pk, world.ent_a2.pk])
    with pytest.raises(NotFoundInScope):
        fs.campaign_create(actor=district, jurisdiction=world.district_a, name="x", kind=TechKind.VIDEO,
                           deadline=deadline, enterprises=[world.ent_b])
    from anjian.monitoring.services import sensor_create

    sensor_create(actor=None, enterprise=world.ent_a, code="GAS-001", data={"name": "燃气报警", "kind": "combustible_gas"})
    fs.installation_add(actor=world.users["enterprise"], enterprise=world.ent_a, kind=TechKind.GAS_ALARM,
                        installed_on=timezone.localdate(), quantity=4, sensor_code="GAS-001")
    assert items.filter(owner_enterprise=world.ent_a).count() == 0
    assert camp.targets.filter(done_at__isnull=False).count() == 1
    cov = selectors.tech_coverage(user=district, kind=TechKind.GAS_ALARM)
    assert any(r["equipped"] == 1 for r in cov)
    with pytest.raises(NotFoundInScope):  # an enterprise user cannot register for another enterprise
        fs.installation_add(actor=world.users["enterprise"], enterprise=world.ent_b, kind=TechKind.VIDEO,
                            installed_on=timezone.localdate())


@pytest.mark.django_db
def test_enterprise_safety_cost_figures(world):
    ent_user = world.users["enterprise"]
    rec = fs.cost_year_save(actor=ent_user, enterprise=world.ent_a, year=2026, regime="hazardous_goods", category="",
                            base=D(50_000_000), extracted=D(1_000_000), carried_over=D(200_000))
    assert rec.required == D("1350000.00")
    fs.cost_use_add(actor=ent_user, record=rec, used_on=dt.date(2026, 5, 1), use="ppe", amount=D(300_000), description="防护用品")
    row = selectors.cost_rows(user=world.users["regulator"], year=2026)[0]
    assert row["shortfall"] == D("350000.00") and row["used"] == D(300_000) and row["usage_rate"] == D("25.0")
    assert selectors.cost_rows(user=world.users["district_b"], year=2026) == []
    with pytest.raises(NotFoundInScope):
        fs.cost_year_save(actor=ent_user, enterprise=world.ent_b, year=2026, regime="other", category="", base=D(1),
                          extracted=D(0))
    assert Licence.objects.count() == 0


@pytest.mark.django_db
def test_every_action_of_custody_staff_names_both_parties(world):
    """While a contract is in force, what the provider's staff do for the enterprise in any app (a
    hazard reported and its rectification, here) is attributed to the person and the enterprise;
    after the contract, nothing is done in the enterprise's name."""
    from anjian.hazards import services as hs

    provider, staff = _provider(world)
    with time_machine.travel(at(2026, 3, 1, 9), tick=False):
        c = fs.contract_register(actor=world.users["district_a"], provider=provider, enterprise=world.ent_a,
                                 number="TG-ATTR", starts_at=at(2026, 3, 1, 9), ends_at=at(2026, 3, 31, 18))
    with time_machine.travel(at(2026, 3, 10, 10), tick=False):
        staff = fresh(staff)
        h = hs.hazard_report(actor=staff, source="self_inspection", category="消防",
                             description="二号仓库灭火器过期", enterprise=world.ent_a)
        event = Event.objects.get(object_id=str(h.pk), verb="hazard.reported")
        assert event.actor == staff
        assert event.data["on_behalf_of"] == world.ent_a.pk and event.data["contract"] == c.pk
        assert event.data["provider"] == provider.pk
        assert "托管员小王" in event.summary and world.ent_a.name in event.summary
        from django.utils import translation

        from anjian.audit.display import render_msg

        with translation.override("en"):  # the timeline in English names both too
            shown = render_msg(event.message)
        assert "托管员小王" in shown and world.ent_a.name in shown and "托管服务人员" not in shown
        mine = hs.hazard_report(actor=world.users["enterprise"], source="self_inspection", category="消防",
                                description="配电箱未上锁", enterprise=world.ent_a)
        assert "on_behalf_of" not in Event.objects.get(object_id=str(mine.pk), verb="hazard.reported").data
    with time_machine.travel(at(2026, 3, 31, 18), tick=False):
        staff = fresh(staff)  # the contract ended to the minute: no access, nothing in the enterprise's name
        with pytest.raises((NotAllowed, NotFoundInScope)):
            hs.hazard_report(actor=staff, source="self_inspection", category="消防", description="超期",
                             enterprise=world.ent_a)
