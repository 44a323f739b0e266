"""Periodic hazard jobs (thin wrappers over services)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anjian.hazards.rollup import hazard_rollup_start


@db_periodic_task(crontab(minute="7"))
def rollup_statistics_task() -> int:
    """Every hour at :07: rebuild the statistics rollups as a job (progress and result recorded):
    the hazards' and every registered other (the accidents', ``anjian.core.rollups``). The figures
    are exact between refreshes (``anjian.hazards.rollup``, ``anjian.accidents.rollup``); the hour
    only bounds how many changed records a request adds live."""

    return int(hazard_rollup_start().pk)
