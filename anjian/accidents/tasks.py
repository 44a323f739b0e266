"""Periodic accident jobs (thin wrappers over services)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="7", minute="10"))
def warn_targets_task() -> int:
    """Every morning: refresh the control-target warnings in the offices' inboxes."""
    from anjian.accidents.targets import targets_warn

    return targets_warn()
