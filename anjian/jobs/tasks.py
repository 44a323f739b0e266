"""Huey tasks: thin wrappers that take primary keys and call services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from anjian.jobs.registry import ENQUEUE
from anjian.jobs.services import job_run, jobs_fail_stale


@db_task()
def run_job_task(job_id: int) -> None:
    job_run(job_id)


ENQUEUE.append(run_job_task)  # job_start enqueues through the registry


@db_periodic_task(crontab(minute="*"))
def jobs_watchdog_task() -> None:
    jobs_fail_stale()
