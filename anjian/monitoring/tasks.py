"""Huey tasks for monitoring: thin wrappers around services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))
def check_offline_sensors_task() -> None:
    from anjian.monitoring.services import sensors_check_offline

    sensors_check_offline()
