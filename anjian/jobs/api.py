from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from anjian.core.api import require
from anjian.core.apischema import Id
from anjian.jobs.models import visible_jobs

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    total: int
    done: int
    percent: int
    message: str
    result: dict[str, Any]
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


@router.get("/{pk}", response=JobOut, summary="任务状态 / job status and progress")
def job_get(request: HttpRequest, pk: Id):
    require(request, "jobs.view")
    return get_object_or_404(visible_jobs(request.user), pk=pk)
