"""A case's penalty decision feeds the hazards' penalty register end to end: the public-report
reward is computed from the decided fine (15 %, 安全生产领域举报奖励办法), and three decisions about
重大事故隐患 within 180 days flag the enterprise under 安全生产法 Art. 113 — no hand entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from anjian.enforcement import services
from anjian.enforcement.models import Disposition
from anjian.hazards.models import Hazard, HazardPenalty, RepeatOffenderFlag
from anjian.inbox.models import DueItem, DueState
from anjian.public_reports import rewards as rw
from anjian.public_reports import services as ps
from tests.enforcement.helpers import NOW, TZ, inspectors
from tests.public_reports.helpers import file_report, real_name

D = dt.date


def _case_with_major_hazard(world, officers, day, fine, *, report=None):
    """An inspection on ``day`` finds a major hazard; the case is filed, the party waives its
    statement and the decision is made after the window."""
    reg = world.users["regulator"]
    with time_machine.travel(dt.datetime.combine(day, dt.time(9), tzinfo=TZ), tick=False):
        insp = services.inspection_start(actor=reg, department=world.ema, enterprise=world.ent_a,
                                         inspectors=officers[:2])
        f = services.finding_add(actor=reg, inspection=insp, description="储罐区可燃气体报警器未投用",
                                 disposition=Disposition.HAZARD, is_major=True)
        services.inspection_complete(actor=reg, inspection=insp, content="检查储罐区")
        if report is not None:  # the public report is handled by linking the hazard the inspection found
            ps.report_handle(actor=world.users["city_admin"], report=report, note="执法检查查实",
                             link=Hazard.objects.get(pk=f.hazard_id))
        case = services.case_file(actor=reg, department=world.ema, enterprise=world.ent_a,
                                  cause="存在重大事故隐患未采取措施消除", inspection=insp, findings=[f])
        services.case_notify(actor=reg, case=case, facts="储罐区可燃气体报警器未投用", legal_basis="《安全生产法》第一百零二条",
                             penalty_basis="《安全生产法》第一百零二条", penalty_kind="fine", proposed_fine=fine)
    with time_machine.travel(dt.datetime.combine(day + dt.timedelta(days=14), dt.time(9), tzinfo=TZ), tick=False):
        services.case_decide(actor=reg, case=case, penalty_kind="fine", fine=fine)
    return case, f


@pytest.mark.django_db
def test_decided_fine_sets_the_report_reward(world):
    officers = inspectors(world)
    admin = world.users["city_admin"]
    with time_machine.travel(NOW, tick=False):
        report, _secret = file_report(world, identity=real_name())
        ps.report_accept(actor=admin, report=report)
        ps.report_dispatch(actor=admin, report=report)
    case, finding = _case_with_major_hazard(world, officers, D(2026, 3, 2), Decimal("100000"), report=report)
    decision = case.documents.get(kind="decision")
    penalty = HazardPenalty.objects.get(document_number=decision.number)
    assert penalty.hazard_id == finding.hazard_id and penalty.amount == Decimal("100000")
    with time_machine.travel(dt.datetime(2026, 3, 20, 9, tzinfo=TZ), tick=False):
        # the fine noted at verification (a guess before the decision) does not decide the reward
        ps.report_verify(actor=admin, report=report, result="substantiated", fine_yuan=Decimal("5000"))
        reward = rw.reward_propose(actor=admin, report=report)
    assert reward.amount == Decimal("15000")  # 15 % of the decided 100,000 yuan
    assert decision.number in reward.basis


@pytest.mark.django_db
def test_three_major_hazard_decisions_in_180_days_flag_art_113(world):
    officers = inspectors(world)
    for n, day in enumerate((D(2026, 1, 5), D(2026, 3, 2), D(2026, 5, 6))):
        _case_with_major_hazard(world, officers, day, Decimal(30000 * (n + 1)))
        assert RepeatOffenderFlag.objects.filter(enterprise=world.ent_a).exists() == (n == 2)
    assert HazardPenalty.objects.filter(enterprise=world.ent_a).count() == 3
    assert all(p.note.startswith("案件 ") for p in HazardPenalty.objects.all())  # from the cases, not typed in
    flag = RepeatOffenderFlag.objects.get(enterprise=world.ent_a)
    item = DueItem.objects.get(kind="hazards.referral", object_id=str(flag.pk), state=DueState.OPEN)
    assert item.owner_jurisdiction == world.district_a
