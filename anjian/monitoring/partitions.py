"""PostgreSQL: ``monitoring_reading`` is range-partitioned by ``ts``, one partition per UTC day.

Why daily: at city scale (100,000 sensors, one reading a minute) a day is ~144 M rows, ~10 GB with
its (sensor, ts) index; a month would be ~4.3 G rows, retention could only drop 30 days at once
(keeping up to a month more than ``MONITORING_RAW_RETENTION_DAYS``) and the month's index would no
longer fit in memory, which is what keeps ``COPY`` fast (every row inserts one entry into the
unique index, in sensor order, not time order). With daily partitions the index being written is
only today's, retention keeps at most one day more than asked, and 90 days are ~100 partitions,
which partition pruning handles (every hot query names a ``ts`` range).

Layout (migration 0005): the parent has primary key (id, ts) — PostgreSQL requires the partition
key in every unique constraint; Django keeps ``id`` as the model's pk and ids stay unique through
the one sequence — and the (sensor_id, ts) unique constraint ``mon_reading_sensor_ts``, created on
each partition. Partitions are ``monitoring_reading_pYYYYMMDD`` for [day 00:00 UTC, next day);
``monitoring_reading_default`` catches any timestamp without a partition, so ingest never fails
for want of one (the ingester accepts readings up to 7 days old and 5 minutes ahead; the job
creates partitions ``BACK_DAYS`` back and ``AHEAD_DAYS`` ahead every day, so the default stays
empty in practice). Creating a partition moves any rows the default holds for its day into it.

SQLite (a real deployment target) has no partitioning: nothing here runs there, and retention
deletes rows in batches (``services.readings_purge``).
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection, transaction
from django.utils import timezone

PARENT = "monitoring_reading"
DEFAULT = "monitoring_reading_default"
BACK_DAYS = 8  # the ingester accepts readings up to 7 days old (ingest.MAX_AGE)
AHEAD_DAYS = 7
LOCK_TIMEOUT = "5s"  # DDL waits at most this long for the ingester's batch, then gives up until the next run
_NAME = re.compile(r"^monitoring_reading_p(\d{8})$")


def partitioned() -> bool:
    """True where the readings table is partitioned (PostgreSQL)."""
    return connection.vendor == "postgresql"


def partition_name(day: dt.date) -> str:
    return f"{PARENT}_p{day:%Y%m%d}"


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    lo = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    return lo, lo + dt.timedelta(days=1)


def partitions() -> dict[dt.date, str]:
    """The daily partitions that exist, by day (the default partition is not listed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [PARENT],
        )
        names = [row[0] for row in cursor.fetchall()]
    found = {}
    for name in names:
        match = _NAME.match(name)
        if match:
            found[dt.datetime.strptime(match.group(1), "%Y%m%d").date()] = name
    return found


def _create(day: dt.date) -> None:
    """One partition, in one transaction: rows the default partition holds for the day are moved
    into it (PostgreSQL refuses a partition whose range the default partition has rows in)."""
    name = partition_name(day)
    lo, hi = day_bounds(day)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        # fire deferred FK checks this transaction may hold for readings (a test's): PostgreSQL
        # refuses DDL on a table with pending trigger events
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            f'CREATE TEMP TABLE _moved ON COMMIT DROP AS WITH d AS (DELETE FROM "{DEFAULT}" '  # noqa: S608 - fixed names
            f"WHERE ts >= %s AND ts < %s RETURNING id, sensor_id, ts, value) SELECT * FROM d",
            [lo, hi],
        )
        cursor.execute(f'CREATE TABLE "{name}" PARTITION OF "{PARENT}" FOR VALUES FROM (%s) TO (%s)', [lo, hi])
        cursor.execute(f'INSERT INTO "{PARENT}" (id, sensor_id, ts, value) SELECT id, sensor_id, ts, value FROM _moved')  # noqa: S608
        cursor.execute("DROP TABLE _moved")  # (not left for the commit: a caller's transaction may create more)


def ensure_partitions(*, now: dt.datetime | None = None, back: int = BACK_DAYS, ahead: int = AHEAD_DAYS) -> list[str]:
    """Create the missing daily partitions from ``back`` days before today (UTC) to ``ahead`` days
    after it; returns the names created. A no-op off PostgreSQL. Run daily by
    ``tasks.ensure_reading_partitions_task`` and at the start of ``readings_purge``."""
    if not partitioned():
        return []
    today = (now or timezone.now()).astimezone(dt.UTC).date()
    existing = partitions()
    created = []
    for offset in range(-back, ahead + 1):
        day = today + dt.timedelta(days=offset)
        if day not in existing:
            _create(day)
            created.append(partition_name(day))
    return created


def lock(name: str) -> None:
    """Inside a transaction: no writes to this partition until the transaction ends (readings_purge
    counts, maybe rolls up, then drops it — no reading may slip in between)."""
    if not _NAME.match(name):
        raise ValueError(name)
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f'LOCK TABLE "{name}" IN SHARE MODE')


def drop(name: str) -> None:
    """Drop one partition (its rows go with it, in O(1)). Waits at most ``LOCK_TIMEOUT`` for the
    ingester's open batch; raises on timeout, the next run tries again."""
    if not _NAME.match(name):
        raise ValueError(name)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        # fire deferred FK checks this transaction may hold for readings (a test's): PostgreSQL
        # refuses DDL on a table with pending trigger events
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f'DROP TABLE "{name}"')


def count_rows(name: str) -> int:
    if not _NAME.match(name) and name != DEFAULT:
        raise ValueError(name)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{name}"')  # noqa: S608 - checked name
        return int(cursor.fetchone()[0])
