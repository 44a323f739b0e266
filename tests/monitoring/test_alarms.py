"""Alarm lifecycle: raise/dedupe/clear through ingest, offline, acknowledge/handle/close,
false alarms, escalation through the inbox, the link to hazards."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from anjian.audit.models import Event
from anjian.core.errors import DomainError, InvalidTransition, NotFoundInScope
from anjian.inbox.models import DueItem, DueState
from anjian.inbox.services import escalate_overdue
from anjian.monitoring import services
from anjian.monitoring.ingest import RawReading, ingest
from anjian.monitoring.models import Alarm, Sensor

from .factories import make_sensor

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)


def feed(code: str, start: dt.datetime, values: list[float], every: int = 10) -> None:
    ingest([RawReading(code, int((start + dt.timedelta(seconds=i * every)).timestamp() * 1000), v) for i, v in enumerate(values)])


def test_excursion_across_batches_is_one_alarm(world):
    make_sensor(world, min_duration_s=20)
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        feed("GAS-1", NOW, [5, 25, 26])  # 25 held only 10 s: nothing yet
        assert Alarm.objects.count() == 0
        feed("GAS-1", NOW + dt.timedelta(seconds=30), [27, 60, 61, 62])  # held ≥ 20 s; then HH
        feed("GAS-1", NOW + dt.timedelta(seconds=70), [40, 30, 19.5])  # inside deadband: still active
        alarm = Alarm.objects.get()
        assert (alarm.kind, alarm.active, alarm.peak, alarm.threshold) == ("high_high", True, 62.0, 50.0)
        assert Sensor.objects.get().state == "alarm"
        feed("GAS-1", NOW + dt.timedelta(seconds=100), [17.0])
    alarm.refresh_from_db()
    assert (alarm.active, alarm.cleared_at, Alarm.objects.count()) == (False, NOW + dt.timedelta(seconds=100), 1)
    assert alarm.raised_at == NOW + dt.timedelta(seconds=30)
    assert Sensor.objects.get().state == "normal"
    verbs = list(Event.objects.filter(object_id=str(alarm.pk), content_type__model="alarm").values_list("verb", flat=True))
    assert verbs == ["raised", "upgraded", "cleared"]


def test_offline_alarm_raised_once_and_cleared_on_report(world):
    make_sensor(world, expected_interval_s=10)
    with time_machine.travel(NOW, tick=False):
        feed("GAS-1", NOW, [5])
    assert services.sensors_check_offline(now=NOW + dt.timedelta(seconds=29)) == 0
    assert services.sensors_check_offline(now=NOW + dt.timedelta(seconds=31)) == 1
    assert services.sensors_check_offline(now=NOW + dt.timedelta(seconds=60)) == 0
    alarm = Alarm.objects.get()
    assert (alarm.kind, alarm.active, Sensor.objects.get().state) == ("offline", True, "offline")
    with time_machine.travel(NOW + dt.timedelta(seconds=90), tick=False):
        feed("GAS-1", NOW + dt.timedelta(seconds=90), [5])
    alarm.refresh_from_db()
    assert (alarm.active, Sensor.objects.get().state) == (False, "normal")


def test_escalates_when_not_acknowledged(world):
    make_sensor(world)
    with time_machine.travel(NOW, tick=False):
        feed("GAS-1", NOW, [30])
    alarm = Alarm.objects.get()
    due = DueItem.objects.get(kind="monitoring.alarm_ack", object_id=str(alarm.pk))
    assert (due.due_at, due.owner_enterprise_id, due.owner_jurisdiction_id) == (
        NOW + dt.timedelta(minutes=15), world.ent_a.pk, world.ent_a.jurisdiction_id)
    assert escalate_overdue(now=NOW + dt.timedelta(minutes=14)) == 0
    assert escalate_overdue(now=NOW + dt.timedelta(minutes=16)) == 1
    due.refresh_from_db()
    assert (due.escalation_level, due.escalated_to) == (1, world.ent_a.jurisdiction.parent)


def test_acknowledge_handle_close_and_due_items(world):
    make_sensor(world)
    with time_machine.travel(NOW, tick=False):
        feed("GAS-1", NOW, [30])
    alarm = Alarm.objects.get()
    user = world.user("enterprise")
    services.alarm_acknowledge(actor=user, alarm=alarm, note="已到现场")
    assert DueItem.objects.get(kind="monitoring.alarm_ack").state == DueState.DONE
    assert DueItem.objects.get(kind="monitoring.alarm_handle").state == DueState.OPEN
    with pytest.raises(InvalidTransition):
        services.alarm_handle(actor=user, alarm=alarm, note="")
    alarm = services.alarm_handle(actor=user, alarm=alarm, note="关闭阀门，通风", real=True)
    assert alarm.status == "handled" and alarm.real is True
    # hazards may or may not have landed: either a hazard is linked or the skip is recorded
    skipped = Event.objects.filter(object_id=str(alarm.pk), verb="hazard_skipped").count()
    created = Event.objects.filter(object_id=str(alarm.pk), verb="hazard_created").count()
    assert (skipped, created) == ((0, 1) if alarm.hazard_ref else (1, 0))
    services.alarm_close(actor=user, alarm=alarm, note="处置完毕")
    alarm.refresh_from_db()
    assert (alarm.status, alarm.false_alarm) == ("closed", False)
    assert DueItem.objects.filter(state=DueState.OPEN, kind__startswith="monitoring.").count() == 0


def test_false_alarm_needs_reason(world):
    make_sensor(world)
    with time_machine.travel(NOW, tick=False):
        feed("GAS-1", NOW, [30])
    alarm = Alarm.objects.get()
    with pytest.raises(DomainError):
        services.alarm_close(actor=world.user("enterprise"), alarm=alarm, note="误报", false_alarm=True)
    services.alarm_close(actor=world.user("enterprise"), alarm=alarm, note="误报", false_alarm=True, false_reason="探头受潮")
    alarm.refresh_from_db()
    assert (alarm.status, alarm.false_alarm, alarm.false_reason) == ("closed", True, "探头受潮")


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("city_admin", True), ("district_a", True), ("regulator", True), ("enterprise", True),
     ("district_b", False), ("grid_inspector", False)],
)
def test_acknowledge_matrix(world, persona, allowed):
    make_sensor(world)
    with time_machine.travel(NOW, tick=False):
        feed("GAS-1", NOW, [30])
    alarm = Alarm.objects.get()
    if allowed:
        services.alarm_acknowledge(actor=world.user(persona), alarm=alarm)
        assert Alarm.objects.get().status == "acknowledged"
    else:
        with pytest.raises(DomainError) as exc:
            services.alarm_acknowledge(actor=world.user(persona), alarm=alarm)
        assert isinstance(exc.value, NotFoundInScope) or exc.value.status == 403
        assert Alarm.objects.get().status == "new"
        assert not Event.objects.filter(verb="alarm.acknowledged").exists()
