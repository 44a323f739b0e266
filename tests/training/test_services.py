"""Training services: phone sign-in, hours against the required hours, certificates on licences
with their renewal and review to-dos in the enterprise's inbox, the plan, publicity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
import time_machine
from django.utils import timezone

from anjian.core.errors import DomainError, NotFoundInScope
from anjian.enterprises.models import Licence
from anjian.inbox.models import DueItem, DueState
from anjian.training import selectors
from anjian.training import services as ts
from anjian.training.models import Attendance


def at(*a: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*a))


@pytest.fixture
def people(world):
    ent = world.users["enterprise"]
    boss = ts.trainee_save(actor=ent, name="张总", role="principal", group="enterprise_key", enterprise=world.ent_a,
                           phone="13800000001", started_on=dt.date(2020, 1, 1))
    worker = ts.trainee_save(actor=ent, name="李工", role="worker", group="worker", enterprise=world.ent_a,
                             phone="13800000002", started_on=dt.date(2026, 5, 1))
    return boss, worker


@pytest.mark.django_db
def test_session_sign_in_hours_and_shortfall(world, people):
    boss, worker = people
    assert boss.high_risk  # 甲区化工: hazardous chemicals
    with time_machine.travel(at(2026, 5, 10, 8), tick=False):
        s = ts.session_create(actor=world.users["district_a"], title="危化企业主要负责人再培训", hours=D(8), place="区应急局",
                              starts_at=at(2026, 5, 10, 9), ends_at=at(2026, 5, 10, 17), jurisdiction=world.district_a,
                              refresher=True, has_exam=True)
        todo = DueItem.objects.get(kind=ts.SESSION_RECORDS.code, state=DueState.OPEN)
        assert todo.owner_jurisdiction_id == world.district_a.pk and todo.owner_enterprise_id is None
        assert ts.session_enrol(actor=world.users["district_a"], session=s, trainees=[boss, worker]) == 2
        with pytest.raises(DomainError):  # sign-in not open yet (opens 30 min before)
            ts.sign_in(code=s.sign_code, phone="13800000001")
    with time_machine.travel(at(2026, 5, 10, 9, 5), tick=False):
        with pytest.raises(DomainError):
            ts.sign_in(code=s.sign_code, phone="13900000000")  # not on the roster
        a = ts.sign_in(code=s.sign_code, phone="13800000001")
        assert a.signed_by_phone and a.hours == D(8)
    with time_machine.travel(at(2026, 5, 11, 9), tick=False):
        ts.attendance_record(actor=world.users["district_a"], attendance=a, present=True, score=88)
        ts.session_close(actor=world.users["district_a"], session=s)
        assert not DueItem.objects.filter(kind=ts.SESSION_RECORDS.code, state=DueState.OPEN).exists()
        rows = {r["trainee"].name: r for r in selectors.hours_report(user=world.users["enterprise"], year=2026)}
    assert rows["张总"]["required"] == 16 and rows["张总"]["attended"] == D(8) and rows["张总"]["shortfall"] == D(8)
    assert rows["李工"]["required"] == 72 and rows["李工"]["shortfall"] == D(72)
    assert selectors.hours_report(user=world.users["district_b"], year=2026) == []


@pytest.mark.django_db
def test_enterprise_session_takes_only_its_staff(world, people):
    _boss, _w = people
    other = ts.trainee_save(actor=world.users["district_b"], name="王五", role="worker", group="worker",
                            enterprise=world.ent_b)
    s = ts.session_create(actor=world.users["enterprise"], title="三级安全教育", hours=D(24), place="厂区",
                          starts_at=timezone.now(), ends_at=timezone.now() + dt.timedelta(hours=8),
                          enterprise=world.ent_a, group="worker")
    todo = DueItem.objects.get(kind=ts.SESSION_RECORDS.code)
    assert todo.owner_enterprise_id == world.ent_a.pk
    with pytest.raises(NotFoundInScope):
        ts.session_enrol(actor=world.users["enterprise"], session=s, trainees=[other])
    assert Attendance.objects.count() == 0
    with pytest.raises(NotFoundInScope):
        ts.trainee_save(actor=world.users["enterprise"], name="x", role="worker", group="worker", enterprise=world.ent_b)


@pytest.mark.django_db
def test_certificate_on_licence_with_renewal_and_review_todos(world, people):
    boss, worker = people
    with time_machine.travel(at(2026, 1, 5, 9), tick=False):
        cert = ts.certificate_register(actor=world.users["enterprise"], trainee=worker, kind="special_operation",
                                       number="T-001", issued_on=dt.date(2025, 1, 10), issued_by="省应急管理厅")
        assert cert.expires_on == dt.date(2031, 1, 9) and cert.renew_from == dt.date(2030, 11, 10)
        assert cert.next_review_on == dt.date(2028, 1, 10)
        lic = Licence.objects.get()
        assert lic.holder == "李工" and lic.valid_until == dt.date(2031, 1, 9) and lic.kind == "special_operation"
        open_items = DueItem.objects.filter(state=DueState.OPEN)
        kinds = {i.kind: i for i in open_items}
        assert {ts.CERT_RENEWAL.code, ts.CERT_REVIEW.code, "enterprises.licence_expiry"} <= set(kinds)
        for k in (ts.CERT_RENEWAL.code, ts.CERT_REVIEW.code):
            assert kinds[k].owner_enterprise_id == world.ent_a.pk and kinds[k].sector_id == world.ent_a.sector_id
        ts.certificate_reviewed(actor=world.users["enterprise"], certificate=cert, reviewed_on=dt.date(2028, 1, 5))
        cert.refresh_from_db()
        assert cert.next_review_on is None
        assert not DueItem.objects.filter(kind=ts.CERT_REVIEW.code, state=DueState.OPEN).exists()
        with pytest.raises(NotFoundInScope):
            ts.certificate_register(actor=world.users["district_b"], trainee=boss, kind="principal_cert", number="P",
                                    issued_on=dt.date(2025, 1, 1))
    with time_machine.travel(at(2030, 12, 1, 9), tick=False):
        ts.certificate_renew(actor=world.users["enterprise"], certificate=cert, issued_on=dt.date(2030, 12, 1))
        cert.refresh_from_db()
        assert cert.expires_on == dt.date(2036, 11, 30)
        item = DueItem.objects.get(kind=ts.CERT_RENEWAL.code, state=DueState.OPEN)
        assert item.due_at.date() == dt.date(2036, 10, 1)


@pytest.mark.django_db
def test_plan_progress_and_publicity(world, people):
    boss, _w = people
    with pytest.raises(DomainError):
        ts.plan_save(actor=world.users["district_a"], jurisdiction=world.district_a, name="x", start_year=2026,
                     end_year=2027, targets=[])
    plan = ts.plan_save(actor=world.users["district_a"], jurisdiction=world.district_a, name="全员安全培训三年规划",
                        start_year=2026, end_year=2028, targets=[(2026, "enterprise_key", 10)])
    with time_machine.travel(at(2026, 5, 10, 8), tick=False):
        s = ts.session_create(actor=world.users["district_a"], title="t", hours=D(4), place="p",
                              starts_at=at(2026, 5, 10, 9), ends_at=at(2026, 5, 10, 13), jurisdiction=world.district_a)
        ts.session_enrol(actor=world.users["district_a"], session=s, trainees=[boss])
    with time_machine.travel(at(2026, 5, 10, 9), tick=False):
        ts.sign_in(code=s.sign_code, phone=boss.phone)
    prog = selectors.plan_progress(plan)
    assert prog[0]["done"] == 1 and prog[0]["rate"] == 10.0
    with pytest.raises(NotFoundInScope):
        ts.activity_save(actor=world.users["district_b"], jurisdiction=world.district_a, kind="safety_month", title="t",
                         organiser="o", place="p", starts_on=dt.date(2026, 6, 1), ends_on=dt.date(2026, 6, 30))
    today = timezone.localdate()
    ts.activity_save(actor=world.users["district_a"], jurisdiction=world.district_a, kind="consult_day", title="咨询日",
                     organiser="甲区安委办", place="广场", starts_on=today, ends_on=today, reach=500, materials=800)
    assert [a.title for a in selectors.public_activities()] == ["咨询日"]
    stats = selectors.activity_stats(user=world.users["city_admin"], year=today.year)
    assert stats[0]["reach"] == 500
