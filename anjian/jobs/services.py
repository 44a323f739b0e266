"""Starting jobs and running them. ``job_start`` enqueues on commit; the worker claims the job
with a conditional UPDATE (no locks), runs the handler, and records success or failure."""

from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from anjian.core.middleware import _request_id, set_request_id
from anjian.jobs.models import Job, JobStatus
from anjian.jobs.registry import ENQUEUE, HANDLERS

log = logging.getLogger(__name__)


class JobRejected(Exception):
    """A handler's clean refusal (bad input): the job fails with this message and result."""

    def __init__(self, message: str, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.result = result or {}


HEARTBEAT_EVERY_S = 10


class Progress:
    """Handed to handlers: cheap progress writes (at most one per percent step, or one every
    ``HEARTBEAT_EVERY_S`` seconds). Every write is also the job's heartbeat, which tells the
    watchdog (``jobs_fail_stale``) that the worker is alive."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self._last_percent = -1
        self._last_beat = time.monotonic()

    def set_total(self, total: int, message: str = "") -> None:
        self.job.total = total
        self._last_beat = time.monotonic()
        Job.objects.filter(pk=self.job.pk).update(total=total, message=message[:300], heartbeat_at=timezone.now())

    def advance(self, done: int, message: str = "") -> None:
        self.job.done = done
        percent = int(done * 100 / self.job.total) if self.job.total else 0
        now = time.monotonic()
        if percent != self._last_percent or message or now - self._last_beat >= HEARTBEAT_EVERY_S:
            self._last_percent = percent
            self._last_beat = now
            Job.objects.filter(pk=self.job.pk).update(done=done, message=message[:300], heartbeat_at=timezone.now())


def _error_id() -> str:
    return uuid.uuid4().hex[:12]


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
    enqueue = ENQUEUE[-1]
    transaction.on_commit(lambda: enqueue(job.pk))
    return job


def job_run(job_id: int) -> None:
    """Run one job (in the worker). Claims it first so a retried message cannot run it twice."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now
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
    except Exception:
        # The trace goes to the log under an error id; the person sees only the id to quote.
        error_id = _error_id()
        log.exception("job %s (%s) failed, error id %s", job.pk, job.kind, error_id)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            error=f"处理时发生内部错误，未完成。请联系管理员并提供错误编号 {error_id} / "
            f"an internal error stopped the job: quote error id {error_id} to the administrator",
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
        _request_id.reset(token)


def jobs_fail_stale(*, now: Any = None) -> int:
    """The watchdog: a running job whose heartbeat (or start) is older than ``JOB_STALE_AFTER_S``
    lost its worker (killed, out of memory, machine restarted); mark it failed with an error id
    so it does not show "running" forever. A job whose worker does come back and finish still
    records its real outcome. Returns the number of jobs marked."""

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.JOB_STALE_AFTER_S)
    stale = Job.objects.filter(status=JobStatus.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    marked = 0
    for pk in list(stale.values_list("pk", flat=True)):
        error_id = _error_id()
        marked += Job.objects.filter(pk=pk, status=JobStatus.RUNNING).filter(
            Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
        ).update(
            status=JobStatus.FAILED,
            finished_at=now,
            error=f"后台处理进程已中断，任务未完成，请重新提交。错误编号 {error_id} / "
            f"the worker stopped before the job finished: start it again (error id {error_id})",
        )
        log.error("job %s had no heartbeat since before %s: marked failed, error id %s", pk, cutoff, error_id)
    return marked
