"""Periodic accident jobs (thin wrappers over services)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anjian.accidents.monthly import city_monthly_report
from anjian.accidents.targets import targets_warn


@db_periodic_task(crontab(hour="7", minute="10"))
def warn_targets_task() -> int:
    """Every morning: refresh the control-target warnings in the offices' inboxes."""

    return targets_warn()


@db_periodic_task(crontab(day="1", hour="6", minute="0"))
def monthly_report_task() -> int | None:
    """On the 1st of each month at 06:00: generate last month's city accident report (as a job)."""

    job = city_monthly_report()
    return job.pk if job else None
