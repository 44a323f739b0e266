"""The case file from inspection to penalty and payment: every document numbered and generated,
every deadline from the rules in exactly one unit's inbox."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from anjian.core.errors import DomainError, NotAllowed, NotFoundInScope
from anjian.enforcement import documents, services
from anjian.enforcement.models import Case, CaseStatus, DocKind, InspectionStatus
from anjian.hazards.models import Hazard, HazardPenalty, HazardSource
from anjian.inbox.models import DueItem, DueState
from tests.enforcement.helpers import FINE, NOW, TZ, filed_case, inspection_with_findings, inspectors

D = dt.date


def _open(obj, kind):
    from django.contrib.contenttypes.models import ContentType

    return DueItem.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk),
                                  kind=kind, state=DueState.OPEN).first()


def _local(item):
    return item.due_at.astimezone(TZ).date()


@pytest.mark.django_db
def test_inspection_findings_become_hazard_and_record(world):
    with time_machine.travel(NOW, tick=False):
        officers = inspectors(world)
        insp, hz, vio = inspection_with_findings(world, officers)
    insp.refresh_from_db()
    assert insp.status == InspectionStatus.DONE
    assert insp.record_number.startswith("示应急检记〔2026〕")
    h = Hazard.objects.get(pk=hz.hazard_id)
    assert h.source == HazardSource.INSPECTION and h.level == "major" and h.enterprise == world.ent_a
    assert vio.hazard_id is None
    assert documents.inspection_record_bytes(insp)[:2] == b"PK"


@pytest.mark.django_db
def test_two_officers_and_conflicts_of_interest(world):
    with time_machine.travel(NOW, tick=False):
        a, b, c = inspectors(world)
        with pytest.raises(DomainError, match="两名"):
            services.inspection_start(actor=world.users["regulator"], department=world.ema, enterprise=world.ent_a,
                                      inspectors=[a])
        with pytest.raises(DomainError, match="回避"):
            services.inspection_start(actor=world.users["regulator"], department=world.ema, enterprise=world.ent_a,
                                      inspectors=[a, c])
        # a department's officers inspect only in its sectors: 住建 enterprise is outside 应急's scope
        with pytest.raises(NotFoundInScope):
            services.inspection_start(actor=world.users["regulator"], department=world.ema, enterprise=world.ent_b,
                                      inspectors=[a, b])


@pytest.mark.django_db
def test_case_from_filing_to_closing(world):
    reg, ent_user = world.users["regulator"], world.users["enterprise"]
    with time_machine.travel(NOW, tick=False):
        officers = inspectors(world)
        case = filed_case(world, officers)
        assert case.number == "示应急立〔2026〕1号"
        item = _open(case, "enforcement.decide")
        assert item.owner_department == world.ema and item.owner_enterprise is None and item.owner_jurisdiction is None
        assert _local(item) == D(2026, 6, 1)  # Art. 60: 90 days, 31 May a Sunday
        assert case.hazards.count() == 1

        order = services.case_order(actor=reg, case=case, items=["恢复可燃气体报警器", "建立维护台账"],
                                    deadline=D(2026, 3, 16))
        rectify = _open(order, "enforcement.rectify")
        assert rectify.owner_enterprise == world.ent_a and _local(rectify) == D(2026, 3, 16)
        recheck = _open(order, "enforcement.recheck")
        assert recheck.owner_department == world.ema and _local(recheck) == D(2026, 3, 26)
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, tzinfo=TZ), tick=False):
        services.case_recheck_apply(actor=ent_user, order=order, note="已整改")
        assert _open(order, "enforcement.rectify") is None
        assert _local(_open(order, "enforcement.recheck")) == D(2026, 3, 20)  # 10 days from the application
        rec = services.case_recheck(actor=reg, order=order, results=["已恢复", "已建立"], passed=True)
        assert rec.number.startswith("示应急复查〔2026〕")
        assert _open(order, "enforcement.recheck") is None

        services.case_notify(actor=reg, case=case, facts="储罐区可燃气体报警器未投用", legal_basis="《安全生产法》第三十六条第二款",
                             penalty_basis="《安全生产法》第九十九条第（二）项", penalty_kind="fine", proposed_fine=FINE)
        case.refresh_from_db()
        assert case.status == CaseStatus.NOTIFIED
        assert _open(case, "enforcement.decide") is None
        respond = _open(case, "enforcement.respond")
        assert respond.owner_enterprise == world.ent_a
        assert _local(respond) == D(2026, 3, 17)  # 5 working days after Tue 10 Mar
        with pytest.raises(NotAllowed):
            services.case_decide(actor=ent_user, case=case, penalty_kind="fine", fine=FINE)
        services.case_respond(actor=ent_user, case=case, statement="已立即整改，请求从轻处罚")
        case.refresh_from_db()
        assert case.status == CaseStatus.HEARD
        assert _open(case, "enforcement.decide").owner_department == world.ema

        services.case_decide(actor=reg, case=case, penalty_kind="fine", fine=FINE)
        case.refresh_from_db()
        deliver = _open(case, "enforcement.deliver")
        assert deliver.owner_department == world.ema and _local(deliver) == D(2026, 3, 19)  # 7 working days
        decision = case.documents.get(kind=DocKind.DECISION)
        assert decision.number == "示应急罚决〔2026〕1号"
        # the decision feeds the hazards' penalty register (Art. 113)
        assert HazardPenalty.objects.filter(document_number=decision.number, amount=FINE).exists()

        services.case_deliver(actor=reg, case=case, delivered_on=D(2026, 3, 10), method="直接送达", received_by="赵安全")
        case.refresh_from_db()
        pay = _open(case, "enforcement.pay")
        assert case.status == CaseStatus.DELIVERED and pay.owner_enterprise == world.ent_a
        assert _local(pay) == D(2026, 3, 25)
        with pytest.raises(DomainError):
            services.case_dun(actor=reg, case=case)
    with time_machine.travel(dt.datetime(2026, 3, 30, 9, tzinfo=TZ), tick=False):
        dun = services.case_dun(actor=reg, case=case)
        assert dun.fields["surcharge"] == "3000.00"  # 5 days × 3 %
        services.case_pay(actor=ent_user, case=case, paid_on=D(2026, 3, 30))
        case.refresh_from_db()
        assert case.status == CaseStatus.PAID and case.surcharge == Decimal("3000.00")
        assert _open(case, "enforcement.pay") is None
        assert _open(case, "enforcement.close").owner_department == world.ema
        services.case_close(actor=reg, case=case, note="罚款及加处罚款已缴清")
        case.refresh_from_db()
        assert case.status == CaseStatus.CLOSED and _open(case, "enforcement.close") is None
    kinds = set(case.documents.values_list("kind", flat=True))
    assert kinds >= {"filing", "order", "recheck", "notice", "statement", "decision", "receipt", "dunning", "closing"}
    for doc in case.documents.all():
        assert documents.document_bytes(doc)[:2] == b"PK", doc.kind


@pytest.mark.django_db
def test_window_lapses_then_decide_and_warning_is_executed_on_delivery(world):
    reg = world.users["regulator"]
    with time_machine.travel(NOW, tick=False):
        case = filed_case(world, inspectors(world))
        services.case_notify(actor=reg, case=case, facts="事实", legal_basis="规定", penalty_basis="依据",
                             penalty_kind="warning", proposed_fine=0)
        with pytest.raises(DomainError, match="陈述申辩期限"):
            services.case_decide(actor=reg, case=case, penalty_kind="warning", fine=0)
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, tzinfo=TZ), tick=False):
        services.case_decide(actor=reg, case=case, penalty_kind="warning", fine=0)
        services.case_deliver(actor=reg, case=case, delivered_on=D(2026, 3, 10), method="直接送达", received_by="赵")
        case.refresh_from_db()
        assert case.status == CaseStatus.PAID and _open(case, "enforcement.pay") is None


@pytest.mark.django_db
def test_on_the_spot_limits(world):
    reg = world.users["regulator"]
    with time_machine.travel(NOW, tick=False):
        insp, _h, _v = inspection_with_findings(world, inspectors(world))
        with pytest.raises(DomainError, match="3000"):
            services.case_on_the_spot(actor=reg, inspection=insp, cause="x", facts="x", legal_basis="x",
                                      penalty_basis="x", penalty_kind="fine", fine=3001, received_by="赵")
        case = services.case_on_the_spot(actor=reg, inspection=insp, cause="安全警示标志缺失", facts="x",
                                         legal_basis="x", penalty_basis="x", penalty_kind="fine", fine=2000,
                                         received_by="赵")
    assert case.status == CaseStatus.DELIVERED and case.number.startswith("示应急简罚")
    pay = _open(case, "enforcement.pay")
    assert pay.owner_enterprise == world.ent_a and _local(pay) == D(2026, 3, 17)


@pytest.mark.django_db
def test_out_of_scope_actor_changes_nothing(world):
    with time_machine.travel(NOW, tick=False):
        case = filed_case(world, inspectors(world))
        before = Case.objects.get(pk=case.pk).status
        with pytest.raises(NotFoundInScope):
            services.case_notify(actor=world.users["district_b"], case=case, facts="f", legal_basis="l",
                                 penalty_basis="p", penalty_kind="warning", proposed_fine=0)
        with pytest.raises(NotFoundInScope):
            services.case_close(actor=world.users["district_b"], case=case, note="x")
    assert Case.objects.get(pk=case.pk).status == before
    assert case.documents.count() == 1
