"""Huey tasks: the inbox's periodic schedule (deadline escalation, reminders)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anjian.inbox.services import escalate_overdue, remind_due


@db_periodic_task(crontab(minute="*/10"))
def escalate_overdue_task() -> None:
    escalate_overdue()


@db_periodic_task(crontab(minute="5"))
def remind_due_task() -> None:
    remind_due()
