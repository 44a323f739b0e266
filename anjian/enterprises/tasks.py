"""Periodic enterprise jobs (thin wrappers over services)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anjian.enterprises.risk import recompute_all_start


@db_periodic_task(crontab(hour="2", minute="30"))
def recompute_risk_nightly_task() -> int:
    """Every night at 02:30: recompute every enterprise's risk colour ("overdue" changes with
    time, not only on writes). Runs as a job so its progress and result are recorded."""

    return int(recompute_all_start(actor=None).pk)
