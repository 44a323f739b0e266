"""PostgreSQL: the readings table is partitioned by UTC day (``anjian/monitoring/partitions.py``);
retention drops whole partitions, after their rollups exist. SQLite keeps one plain table (the
retention tests of test_rollups.py run on both)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection

from anjian.monitoring import partitions
from anjian.monitoring.ingest import RawReading, ingest
from anjian.monitoring.models import Reading, ReadingRollup
from anjian.monitoring.services import readings_purge, readings_rollup
from anjian.monitoring.tasks import ensure_reading_partitions_task

from .factories import make_sensor

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 8, 1, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("partitioning is PostgreSQL's; SQLite keeps one table")


def _one(sql: str, params: list | None = None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()


def _where(reading_id: int) -> str:
    return _one("SELECT tableoid::regclass::text FROM monitoring_reading WHERE id = %s", [reading_id])[0]


def _store(sensor, moments):
    return Reading.objects.bulk_create([Reading(sensor=sensor, ts=m, value=1.0 + i % 3) for i, m in enumerate(moments)])


def test_migration_partitions_the_table_by_day_with_a_default():
    assert _one("SELECT relkind FROM pg_class WHERE relname = 'monitoring_reading'")[0] == "p"
    assert _one("SELECT pg_get_partkeydef('monitoring_reading'::regclass)")[0] == "RANGE (ts)"
    assert _one("SELECT count(*) FROM pg_class WHERE relname = %s", [partitions.DEFAULT])[0] == 1
    today = dt.datetime.now(dt.UTC).date()
    days = partitions.partitions()
    for offset in range(-partitions.BACK_DAYS, partitions.AHEAD_DAYS + 1):
        assert today + dt.timedelta(days=offset) in days  # the current and the next days, and a week back
    # primary key (id, ts): the partition key must be in every unique constraint; (sensor, ts) unique
    assert _one("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'monitoring_reading_pk'")[0] == (
        "PRIMARY KEY (id, ts)"
    )
    assert _one("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'mon_reading_sensor_ts' "
                "AND conrelid = 'monitoring_reading'::regclass")[0] == "UNIQUE (sensor_id, ts)"


def test_a_reading_lands_in_its_days_partition_and_a_stray_one_in_the_default(world):
    gas = make_sensor(world)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    result = ingest([RawReading("GAS-1", int(now.timestamp() * 1000), 3.0, "%LEL")])
    assert result.stored == 1
    reading = Reading.objects.get(sensor=gas)
    assert _where(reading.pk) == partitions.partition_name(now.date())
    far = dt.datetime(2031, 5, 3, 8, 0, tzinfo=dt.UTC)
    (stray,) = _store(gas, [far])
    assert _where(stray.pk) == partitions.DEFAULT  # no partition for that day: stored anyway
    # creating the day's partition moves its rows out of the default partition
    assert partitions.ensure_partitions(now=far, back=0, ahead=0) == ["monitoring_reading_p20310503"]
    assert _where(stray.pk) == "monitoring_reading_p20310503"
    assert Reading.objects.get(pk=stray.pk).value == 1.0
    # duplicates are still refused across the parent (the unique index is per partition, ts in it)
    assert ingest([RawReading("GAS-1", int(now.timestamp() * 1000), 4.0, "%LEL")]).rejected == {"duplicate": 1}


def test_partitions_are_created_ahead_by_the_periodic_job():
    with time_machine.travel(dt.datetime(2030, 1, 10, 23, 0, tzinfo=dt.UTC), tick=False):
        created = ensure_reading_partitions_task.call_local()
        assert created[0] == "monitoring_reading_p20300102" and created[-1] == "monitoring_reading_p20300117"
        assert len(created) == partitions.BACK_DAYS + 1 + partitions.AHEAD_DAYS
        assert ensure_reading_partitions_task.call_local() == []  # idempotent


def test_purge_drops_old_partitions_after_rolling_them_up_and_keeps_recent_readings(world):
    gas = make_sensor(world)
    with time_machine.travel(T0, tick=False):
        partitions.ensure_partitions()
    aug1 = [dt.datetime(2026, 8, 1, 2, 0, tzinfo=dt.UTC) + dt.timedelta(seconds=30 * i) for i in range(6)]
    aug2 = [dt.datetime(2026, 8, 2, 5, 0, tzinfo=dt.UTC)]
    aug3 = [dt.datetime(2026, 8, 3, 23, 59, tzinfo=dt.UTC)]  # never rolled up before the purge
    aug4 = [dt.datetime(2026, 8, 4, 0, 30, tzinfo=dt.UTC)]  # older than the cutoff, its day is not
    _store(gas, aug1 + aug2 + aug3 + aug4)
    with time_machine.travel(dt.datetime(2026, 8, 3, 12, 0, tzinfo=dt.UTC), tick=False):
        readings_rollup(start=aug1[0], end=dt.datetime(2026, 8, 3, tzinfo=dt.UTC))
    rolled_before = ReadingRollup.objects.count()
    later = dt.datetime(2026, 11, 2, 1, 30, tzinfo=dt.UTC)  # 90 days on: cutoff 2026-08-04 01:00
    with time_machine.travel(later, tick=False):
        partitions.ensure_partitions()
        (recent,) = _store(gas, [later - dt.timedelta(minutes=5)])
        assert readings_purge() == 8
        days = partitions.partitions()
    assert not {dt.date(2026, 8, d) for d in (1, 2, 3)} & set(days)
    assert dt.date(2026, 8, 4) in days and dt.date(2026, 11, 2) in days
    assert sorted(Reading.objects.values_list("ts", flat=True)) == [aug4[0], recent.ts]
    # the rollups survive the raw readings, and the late day was rolled up before it was dropped
    hours = dict(ReadingRollup.objects.filter(period="hour").values_list("bucket", "count"))
    assert hours[dt.datetime(2026, 8, 1, 2, tzinfo=dt.UTC)] == 6
    assert hours[dt.datetime(2026, 8, 3, 23, tzinfo=dt.UTC)] == 1
    assert ReadingRollup.objects.count() == rolled_before + 2  # 08-03 23:59: one minute, one hour row


def test_purge_deletes_old_rows_of_the_default_partition_row_by_row(world):
    gas = make_sensor(world)
    old = [dt.datetime(2020, 3, 1, 2, 0, tzinfo=dt.UTC) + dt.timedelta(seconds=30 * i) for i in range(4)]
    _store(gas, old)
    with time_machine.travel(old[-1] + dt.timedelta(minutes=5), tick=False):
        readings_rollup(start=old[0], end=old[-1] + dt.timedelta(minutes=5))
    (unrolled,) = _store(gas, [dt.datetime(2020, 3, 1, 5, 0, tzinfo=dt.UTC)])
    assert _where(unrolled.pk) == partitions.DEFAULT
    with time_machine.travel(dt.datetime(2020, 7, 1, tzinfo=dt.UTC), tick=False):
        assert readings_purge() == 4
    assert list(Reading.objects.values_list("pk", flat=True)) == [unrolled.pk]  # never rolled up: kept
