"""Exports API: start the export of a list (always as a job, whatever its size), poll it, list
the caller's exports and download the file. Only the caller's own exports are reachable (404)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status

from anjian.core.api import require
from anjian.core.apischema import Id, In
from anjian.documents.export_jobs import export_file_name, export_get, export_list, export_start
from anjian.jobs.models import Job

router = Router(tags=["exports"])


class ExportIn(In):
    kind: Literal["hazards", "enterprises"]
    format: Literal["csv", "xlsx"] = "csv"
    # the list page's query parameters, e.g. {"level": "major", "status": "confirmed"}
    filters: dict[str, str | list[str]] = {}


class ExportOut(Schema):
    id: int
    title: str
    status: str
    total: int
    done: int
    percent: int
    rows: int | None
    bytes: int | None
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    expires_at: dt.datetime | None
    download_url: str | None


def _out(job: Job) -> ExportOut:
    available = bool(job.result_file) and not job.is_expired
    return ExportOut(
        id=job.pk, title=job.title_display, status=job.status, total=job.total, done=job.done,
        percent=job.percent, rows=(job.result or {}).get("rows"), bytes=(job.result or {}).get("bytes"),
        error=job.error_display if job.status == "failed" else "", created_at=job.created_at,
        finished_at=job.finished_at, expires_at=job.expires_at,
        download_url=reverse("api:export_file", args=[job.pk]) if available else None,
    )


@router.post("/", response={202: ExportOut}, summary="开始导出（后台任务）/ start an export job")
def export_create(request: HttpRequest, payload: ExportIn):
    require(request, "jobs.view")
    job = export_start(actor=request.user, kind=payload.kind, fmt=payload.format, query=payload.filters,
                       strict=True)
    job.refresh_from_db()
    return Status(202, _out(job))


@router.get("/", response=list[ExportOut], summary="我的导出 / my exports")
def export_index(request: HttpRequest):
    require(request, "jobs.view")
    return [_out(job) for job in export_list(user=request.user)[:100]]


@router.get("/{pk}", response=ExportOut, summary="导出进度 / poll an export")
def export_poll(request: HttpRequest, pk: Id):
    require(request, "jobs.view")
    return _out(export_get(user=request.user, pk=pk))


@router.get("/{pk}/file", url_name="export_file", summary="下载导出文件 / download the file")
def export_file(request: HttpRequest, pk: Id):
    require(request, "jobs.view")
    job = export_get(user=request.user, pk=pk)
    if not job.result_file or job.is_expired:
        raise Http404
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=export_file_name(job))
