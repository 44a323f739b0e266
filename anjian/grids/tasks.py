"""Periodic grid jobs (thin wrappers over services)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anjian.grids.services import patrol_plans_next_year


@db_periodic_task(crontab(month="12", day="15", hour="2", minute="30"))
def patrol_plans_next_year_task() -> dict[str, int]:
    """Every 15 December at 02:30: plan next year's patrols of every grid."""
    return patrol_plans_next_year()
