"""Huey tasks: thin wrappers that take primary keys and call services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def run_job_task(job_id: int) -> None:
    from anjian.jobs.services import job_run

    job_run(job_id)


@db_periodic_task(crontab(minute="*"))
def jobs_watchdog_task() -> None:
    from anjian.jobs.services import jobs_fail_stale

    jobs_fail_stale()


@db_periodic_task(crontab(minute="*/10"))
def escalate_overdue_task() -> None:
    from anjian.inbox.services import escalate_overdue

    escalate_overdue()


@db_periodic_task(crontab(minute="5"))
def remind_due_task() -> None:
    from anjian.inbox.services import remind_due

    remind_due()
