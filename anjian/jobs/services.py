"""Starting jobs and running them. ``job_start`` enqueues on commit; the worker claims the job
with a conditional UPDATE (no locks), runs the handler, and records success or failure."""

from __future__ import annotations

import logging
import traceback
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from anjian.core.middleware import set_request_id
from anjian.jobs.models import Job, JobStatus
from anjian.jobs.registry import HANDLERS

log = logging.getLogger(__name__)


class JobRejected(Exception):
    """A handler's clean refusal (bad input): the job fails with this message and result."""

    def __init__(self, message: str, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.result = result or {}


class Progress:
    """Handed to handlers: cheap progress writes (at most one per percent step)."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self._last_percent = -1

    def set_total(self, total: int, message: str = "") -> None:
        self.job.total = total
        Job.objects.filter(pk=self.job.pk).update(total=total, message=message[:300])

    def advance(self, done: int, message: str = "") -> None:
        self.job.done = done
        percent = int(done * 100 / self.job.total) if self.job.total else 0
        if percent != self._last_percent or message:
            self._last_percent = percent
            Job.objects.filter(pk=self.job.pk).update(done=done, message=message[:300])


def job_start(
    kind: str, *, actor: Any, title: str, params: dict[str, Any] | None = None, input_file: File | None = None
) -> Job:
    """Create the job row and enqueue it when the surrounding transaction commits."""
    if kind not in HANDLERS:
        raise KeyError(f"no job handler for {kind!r}")
    job = Job(kind=kind, title=title[:200], params=params or {}, created_by=actor)
    if input_file is not None:
        job.input_file.save(getattr(input_file, "name", "input"), input_file, save=False)
    job.save()
    from anjian.jobs.tasks import run_job_task

    transaction.on_commit(lambda: run_job_task(job.pk))
    return job


def job_run(job_id: int) -> None:
    """Run one job (in the worker). Claims it first so a retried message cannot run it twice."""
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)
    token = set_request_id(f"job-{job.pk}")
    try:
        result = HANDLERS[job.kind](job, Progress(job)) or {}
    except JobRejected as exc:
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, finished_at=timezone.now(), error=str(exc)[:5000], result=exc.result
        )
    except Exception as exc:
        log.exception("job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            error=f"{exc}\n\n{traceback.format_exc(limit=5)}"[:5000],
        )
    else:
        job.refresh_from_db(fields=["result_file", "total", "done"])
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.SUCCEEDED,
            finished_at=timezone.now(),
            result=result,
            done=job.total or job.done,
        )
    finally:
        from anjian.core.middleware import _request_id

        _request_id.reset(token)
