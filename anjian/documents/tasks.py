"""Periodic document jobs (thin wrappers over services)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anjian.documents.export_jobs import exports_expire
from anjian.documents.imports import import_staging_cleanup


@db_periodic_task(crontab(hour="3", minute="50"))
def import_staging_cleanup_task() -> dict[str, int]:
    """Every night at 03:50: remove the staged rows of finished imports after their retention
    (``IMPORT_UNDO_DAYS`` for stored batches, ``IMPORT_STAGING_RETENTION_DAYS`` for the rest)."""
    return import_staging_cleanup()


@db_periodic_task(crontab(hour="3", minute="40"))
def exports_expire_task() -> int:
    """Every night at 03:40: remove the export files past ``EXPORT_RETENTION_DAYS``."""
    return exports_expire()
