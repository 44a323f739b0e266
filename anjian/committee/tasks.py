"""Periodic committee jobs (thin wrappers over services)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anjian.committee.services import tasks_escalate_overdue


@db_periodic_task(crontab(hour="7", minute="20"))
def escalate_tasks_task() -> int:
    """Every morning: escalate supervision tasks left unanswered past their deadline."""
    return tasks_escalate_overdue()
