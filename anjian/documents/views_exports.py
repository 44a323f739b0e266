"""我的导出: the user's own export files (large list exports run as jobs), with progress, size,
expiry and the download. Only the owner reaches a file; anyone else gets a 404."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from anjian.core.pagination import keyset_page
from anjian.core.scoping import has_action
from anjian.core.views import partial_or_full, require_action
from anjian.documents.export_jobs import (
    ExportSpec,
    export_file_name,
    export_filename,
    export_get,
    export_is_large,
    export_list,
    export_start,
)
from anjian.documents.exports import csv_response, xlsx_response


def export_or_start(request: HttpRequest, spec: ExportSpec, fmt: str) -> HttpResponse:
    """A list page's export button: up to ``EXPORT_IMMEDIATE_MAX_ROWS`` rows the file is streamed
    at once; more start a job and the user is taken to 我的导出, where the file appears."""
    qs = spec.rows(request.user, request.GET).order_by(*spec.order_by)
    rows = qs.count()
    if export_is_large(rows) and has_action(request.user, "jobs.view"):
        job = export_start(actor=request.user, kind=spec.kind, fmt=fmt, query=request.GET, rows=rows)
        messages.info(request, _("共 {n} 行，数据较多，已转为后台生成文件；完成后可在本页下载。").format(n=f"{rows:,}"))
        return redirect(reverse("documents:exports") + f"?started={job.pk}")
    respond = csv_response if fmt == "csv" else xlsx_response
    return respond(qs.iterator(chunk_size=2000), spec.columns(), export_filename(spec, fmt))


@require_action("jobs.view")
def export_list_view(request: HttpRequest) -> HttpResponse:
    page = keyset_page(export_list(user=request.user), request.GET, sort="-id", size=30)
    running = any(not job.is_finished for job in page.rows)
    template = partial_or_full(request, "documents/exports.html", "documents/_exports_table.html")
    return render(request, template, {"page": page, "running": running,
                                      "started": request.GET.get("started", ""),
                                      "retention_days": settings.EXPORT_RETENTION_DAYS})


@require_action("jobs.view")
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = export_get(user=request.user, pk=pk)
    if not job.result_file or job.is_expired:
        raise Http404
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=export_file_name(job))
