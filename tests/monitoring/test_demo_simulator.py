"""The demo stays alive: while ``anjian rundemo`` runs, its worker keeps the demo's sensors
reporting (one reading a minute each) instead of all going 离线 and flooding the inboxes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from huey.contrib.djhuey import HUEY

from anjian.enterprises.models import Enterprise
from anjian.inbox.models import DueItem
from anjian.monitoring import tasks
from anjian.monitoring.models import Alarm, Reading, Sensor
from anjian.monitoring.services import sensors_check_offline
from anjian.monitoring.simulate import demo_tick

from .factories import make_sensor

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)


def _demo_sensors(world):
    Enterprise.objects.filter(pk=world.ent_a.pk).update(is_synthetic=True)  # the demo's enterprises are synthetic
    world.ent_a.refresh_from_db()
    make_sensor(world, code="AD-GT-101", expected_interval_s=60)
    make_sensor(world, code="AD-TT-301", kind="temperature", unit="℃", high=40.0, high_high=50.0,
                range_min=-20.0, range_max=100.0, expected_interval_s=60)
    make_sensor(world, code="REAL-1", enterprise=world.ent_b, expected_interval_s=60)  # a real enterprise's


def test_the_task_runs_every_minute_and_only_in_the_demo(world, settings):
    assert "demo_sensors_task" in [p.name for p in HUEY._registry.periodic_tasks]
    every_minute = tasks.demo_sensors_task.task_class()
    assert all(every_minute.validate_datetime(dt.datetime(2026, 1, 1, h, m)) for h in (0, 13) for m in (0, 17, 59))
    _demo_sensors(world)
    settings.DEMO_SENSOR_SIMULATOR = False
    with time_machine.travel(NOW, tick=False):
        assert tasks.demo_sensors_task.call_local() == 0
    assert Reading.objects.count() == 0


def test_a_tick_keeps_the_demo_sensors_online_for_twenty_minutes(world, settings):
    _demo_sensors(world)
    settings.DEMO_SENSOR_SIMULATOR = True
    for minute in range(21):
        moment = NOW + dt.timedelta(minutes=minute)
        with time_machine.travel(moment, tick=False):
            assert tasks.demo_sensors_task.call_local() == 2  # the demo's two sensors, not the real one
            sensors_check_offline(now=moment + dt.timedelta(seconds=30))
    states = dict(Sensor.objects.values_list("code", "state"))
    assert states["AD-GT-101"] == "normal" and states["AD-TT-301"] == "normal"
    assert states["REAL-1"] != "normal"  # never simulated: a real enterprise's sensor is left alone
    assert not Reading.objects.filter(sensor__code="REAL-1").exists()
    assert not Alarm.objects.filter(sensor__code__startswith="AD-").exists()
    assert not DueItem.objects.filter(owner_enterprise=world.ent_a).exists()
    values = list(Reading.objects.filter(sensor__code="AD-GT-101").values_list("value", flat=True))
    assert len(values) == 21 and all(0 <= v < 20 for v in values)  # under the high threshold


def test_an_offline_demo_sensor_stays_silent(world):
    _demo_sensors(world)
    Sensor.objects.filter(code="AD-TT-301").update(state="offline")
    with time_machine.travel(NOW, tick=False):
        assert demo_tick() == 1
