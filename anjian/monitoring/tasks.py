"""Huey tasks for monitoring: thin wrappers around services."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anjian.monitoring.partitions import ensure_partitions
from anjian.monitoring.services import readings_purge, readings_rollup, sensors_check_offline
from anjian.monitoring.simulate import demo_tick


@db_periodic_task(crontab(minute="*"))
def check_offline_sensors_task() -> None:
    sensors_check_offline()


@db_periodic_task(crontab(minute="*"))
def demo_sensors_task() -> int:
    """The demo's sensors keep reporting while ``anjian rundemo`` runs (its worker sets
    ``ANJIAN_DEMO_SENSOR_SIMULATOR``); a no-op everywhere else."""

    if not getattr(settings, "DEMO_SENSOR_SIMULATOR", False):
        return 0

    return demo_tick()


@db_periodic_task(crontab(minute="*/5"))
def rollup_readings_task() -> None:
    """Minute and hour rollups for the last ``MONITORING_ROLLUP_LOOKBACK_HOURS`` (default 3) hours;
    re-running over the same window is harmless (upsert)."""

    now = timezone.now()
    hours = int(getattr(settings, "MONITORING_ROLLUP_LOOKBACK_HOURS", 3))
    readings_rollup(start=now - dt.timedelta(hours=hours), end=now)


@db_periodic_task(crontab(hour="3", minute="30"))
def purge_raw_readings_task() -> None:
    """Raw readings older than ``MONITORING_RAW_RETENTION_DAYS`` (default 90), where rolled up."""

    readings_purge()


@db_periodic_task(crontab(minute="7"))
def ensure_reading_partitions_task() -> list[str]:
    """PostgreSQL: the readings table's daily partitions from 8 days back to 7 days ahead exist
    (``partitions.ensure_partitions``; hourly, so a missed run or a changed clock is caught up
    early). A no-op on SQLite."""

    return ensure_partitions()
