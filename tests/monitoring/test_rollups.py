"""Minute / hour rollups (idempotent upsert) and raw-reading retention, with the clock frozen."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from anjian.monitoring.models import Reading, ReadingRollup
from anjian.monitoring.services import readings_purge, readings_rollup
from anjian.monitoring.tasks import purge_raw_readings_task, rollup_readings_task

from .factories import make_sensor

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)


def _store(sensor, rows):
    Reading.objects.bulk_create([Reading(sensor=sensor, ts=T0 + dt.timedelta(seconds=s), value=v) for s, v in rows])


def _rollups(period):
    return list(ReadingRollup.objects.filter(period=period).order_by("sensor_id", "bucket")
                .values_list("sensor__code", "bucket", "min", "max", "avg", "count"))


@time_machine.travel(T0 + dt.timedelta(hours=1, minutes=5), tick=False)
def test_rollup_minutes_and_hours_idempotently(world):
    gas, temp = make_sensor(world), make_sensor(world, code="T-1", kind="temperature", unit="℃", high=None,
                                                 high_high=None)
    _store(gas, [(0, 1.0), (20, 3.0), (40, 5.0), (60, 10.0), (3599, 2.0), (3600, 7.0), (3900, 9.0)])
    _store(temp, [(30, 20.0)])
    # start goes back to 02:00 so the hour is complete; 03:05 is the running minute, left for later
    assert readings_rollup(start=T0 + dt.timedelta(minutes=30), end=T0 + dt.timedelta(hours=1, minutes=5)) == (5, 3)
    hour = dt.timedelta(hours=1)
    assert _rollups("minute") == [
        ("GAS-1", T0, 1.0, 5.0, 3.0, 3),
        ("GAS-1", T0 + dt.timedelta(minutes=1), 10.0, 10.0, 10.0, 1),
        ("GAS-1", T0 + dt.timedelta(minutes=59), 2.0, 2.0, 2.0, 1),
        ("GAS-1", T0 + hour, 7.0, 7.0, 7.0, 1),
        ("T-1", T0, 20.0, 20.0, 20.0, 1),
    ]
    assert _rollups("hour") == [
        ("GAS-1", T0, 1.0, 10.0, pytest.approx(21.0 / 5), 5),
        ("GAS-1", T0 + hour, 7.0, 7.0, 7.0, 1),
        ("T-1", T0, 20.0, 20.0, 20.0, 1),
    ]
    before = _rollups("minute"), _rollups("hour"), ReadingRollup.objects.count()
    readings_rollup(start=T0, end=T0 + dt.timedelta(hours=1, minutes=5))
    assert (_rollups("minute"), _rollups("hour"), ReadingRollup.objects.count()) == before
    _store(gas, [(3610, 1.0)])  # a late reading: the next run updates its buckets in place
    readings_rollup(start=T0, end=T0 + dt.timedelta(hours=1, minutes=5))
    assert ("GAS-1", T0 + hour, 1.0, 7.0, 4.0, 2) in _rollups("minute")
    assert _rollups("hour")[1] == ("GAS-1", T0 + hour, 1.0, 7.0, 4.0, 2)
    assert ReadingRollup.objects.count() == before[2]


@time_machine.travel(T0 + dt.timedelta(minutes=2, seconds=30), tick=False)
def test_rollup_leaves_the_running_minute_and_task_uses_lookback(world):
    gas = make_sensor(world)
    _store(gas, [(10, 1.0), (70, 2.0), (130, 3.0)])
    rollup_readings_task.call_local()
    assert [b for _c, b, *_ in _rollups("minute")] == [T0, T0 + dt.timedelta(minutes=1)]
    assert _rollups("hour") == [("GAS-1", T0, 1.0, 2.0, 1.5, 2)]


def test_retention_deletes_only_rolled_up_old_readings_in_batches(world):
    gas, other = make_sensor(world), make_sensor(world, code="GAS-2")
    old = [(i * 30, float(i)) for i in range(10)]  # 02:00:00 … 02:04:30 on T0
    _store(gas, old)
    _store(other, old[:3])
    with time_machine.travel(T0 + dt.timedelta(minutes=10), tick=False):
        readings_rollup(start=T0, end=T0 + dt.timedelta(minutes=10))
    _store(gas, [(7200, 50.0)])  # 04:00, after the rollup ran: never rolled up
    with time_machine.travel(T0 + dt.timedelta(days=90, hours=3), tick=False):
        assert readings_purge(batch=3) == 13
        assert list(Reading.objects.values_list("value", flat=True)) == [50.0]  # kept: no rollup yet
        assert ReadingRollup.objects.filter(period="hour").count() == 2  # rollups outlive the raw data
        # the rollup job never recomputes buckets older than the retention (their raw data is gone)
        assert readings_rollup(start=T0, end=T0 + dt.timedelta(hours=1)) == (0, 0)
    with time_machine.travel(T0 + dt.timedelta(days=89, hours=23), tick=False):
        _store(other, [(7500, 1.0)])
        readings_rollup(start=T0 + dt.timedelta(hours=2), end=T0 + dt.timedelta(hours=3))
    with time_machine.travel(T0 + dt.timedelta(days=90, hours=1), tick=False):
        assert readings_purge() == 0  # 04:00 and 04:05 are inside the 90 days (cutoff 03:00)


def test_retention_setting_and_task(world, settings):
    settings.MONITORING_RAW_RETENTION_DAYS = 7
    gas = make_sensor(world)
    _store(gas, [(0, 1.0), (30, 2.0)])
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        readings_rollup(start=T0, end=T0 + dt.timedelta(minutes=5))
    with time_machine.travel(T0 + dt.timedelta(days=6), tick=False):
        purge_raw_readings_task.call_local()
        assert Reading.objects.count() == 2
    # the next day: on PostgreSQL the readings' day is dropped whole once it is all past the cutoff
    # (by then it has its own partition, made by the purge of day 6); SQLite deletes the rows
    with time_machine.travel(T0 + dt.timedelta(days=8), tick=False):
        purge_raw_readings_task.call_local()
        assert Reading.objects.count() == 0


@time_machine.travel(T0 + dt.timedelta(hours=2), tick=False)
def test_chart_reads_rollups_for_days(world, login):
    gas = make_sensor(world)
    _store(gas, [(0, 1.0), (30, 3.0), (3600, 5.0)])
    client = login("enterprise")
    assert client.get(f"/monitoring/sensors/{gas.pk}/series.json?range=7d").json()["points"] == []
    readings_rollup(start=T0, end=T0 + dt.timedelta(hours=2))
    Reading.objects.all().delete()  # the chart for days no longer needs the raw readings
    points = client.get(f"/monitoring/sensors/{gas.pk}/series.json?range=7d").json()["points"]
    assert [(p[1], p[2]) for p in points] == [(2.0, 3.0), (5.0, 5.0)]
    points = client.get(f"/monitoring/sensors/{gas.pk}/series.json?range=24h").json()["points"]
    assert [(p[1], p[2]) for p in points] == [(2.0, 3.0), (5.0, 5.0)]
    assert points[0][0] == "2026-11-28T02:00:00+00:00"
