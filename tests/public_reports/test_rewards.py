"""Rewards: per-jurisdiction policy, concealed accidents, claim deadline and lapse, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from anjian.core.errors import DomainError, InvalidTransition
from anjian.public_reports import rewards as rw
from anjian.public_reports import services as ps
from anjian.public_reports.models import RewardStatus
from anjian.rules.rewards import NATIONAL, report_reward

from .helpers import file_report, real_name, verbs

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


def _verified(world, *, report_type="hazard", result="substantiated", **verify):
    r, _ = file_report(world, identity=real_name(), report_type=report_type)
    admin = world.user("city_admin")
    ps.report_accept(actor=admin, report=r)
    ps.report_dispatch(actor=admin, report=r)
    ps.report_handle(actor=admin, report=r, note="查处")
    ps.report_verify(actor=admin, report=r, result=result, **verify)
    return r


def test_district_policy_applies_below_it_and_is_validated(world):
    admin = world.user("city_admin")
    assert ps.policy_for(world.grid_a) is NATIONAL
    rw.reward_policy_set(actor=admin, jurisdiction=world.district_a,
                         values={"violation_rate": Decimal("0.20"), "violation_min": Decimal(1000)})
    assert ps.policy_for(world.grid_a).violation_rate == Decimal("0.20")
    assert ps.policy_for(world.district_b) is NATIONAL
    with pytest.raises(DomainError):
        rw.reward_policy_set(actor=admin, jurisdiction=world.district_a, values={"violation_rate": Decimal(2)})
    r = _verified(world, fine_yuan=Decimal(10000))
    reward = rw.reward_propose(actor=world.user("district_a"), report=r)
    assert reward.amount == Decimal(2000)  # 20 % of 10,000 under 甲区's policy (national would give 3,000)


def test_concealed_accident_amount_and_claim_lapse(world):
    with time_machine.travel(T0, tick=False):
        r = _verified(world, report_type="concealed_accident", deaths=2, accident_grade="较大")
        reward = rw.reward_propose(actor=world.user("district_a"), report=r)
        assert reward.amount == report_reward(kind="concealed_accident", deaths=2, grade="较大") == Decimal(80000)
        rw.reward_approve(actor=world.user("city_admin"), reward=reward, approve=True)
        rw.reward_notify(actor=world.user("district_a"), reward=reward)
    reward.refresh_from_db()
    assert reward.claim_deadline == dt.date(2026, 5, 1)
    with time_machine.travel(T0 + dt.timedelta(days=30), tick=False), pytest.raises(InvalidTransition):
        rw.reward_lapse(actor=world.user("district_a"), reward=reward)
    with time_machine.travel(T0 + dt.timedelta(days=61), tick=False):
        with pytest.raises(InvalidTransition):
            rw.reward_pay(actor=world.user("district_a"), reward=reward, paid_on=dt.date(2026, 5, 2), method="现金")
        rw.reward_lapse(actor=world.user("district_a"), reward=reward)
    reward.refresh_from_db()
    assert reward.status == RewardStatus.LAPSED
    assert verbs(r)[-4:] == ["public_report.reward_proposed", "public_report.reward_approved",
                             "public_report.reward_notified", "public_report.reward_lapsed"]


def test_no_reward_without_a_valid_claim_or_substantiation(world):
    r, _ = file_report(world)  # anonymous
    admin = world.user("city_admin")
    ps.report_accept(actor=admin, report=r)
    ps.report_dispatch(actor=admin, report=r)
    ps.report_handle(actor=admin, report=r, note="查处")
    ps.report_verify(actor=admin, report=r, result="substantiated", fine_yuan=Decimal(50000))
    with pytest.raises(InvalidTransition) as exc:
        rw.reward_propose(actor=world.user("district_a"), report=r)
    assert exc.value.zh == "没有实名并申请奖励的举报人"
    r2 = _verified(world, result="not")
    with pytest.raises(InvalidTransition):
        rw.reward_propose(actor=world.user("district_a"), report=r2)
