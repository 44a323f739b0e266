from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from anjian.core.pagination import keyset_page
from anjian.core.views import partial_or_full, require_action
from anjian.jobs.models import visible_jobs


@require_action("jobs.view")
def job_list(request: HttpRequest) -> HttpResponse:
    page = keyset_page(visible_jobs(request.user), request.GET, sort="-id", size=30)
    return render(request, "jobs/list.html", {"page": page})


@require_action("jobs.view")
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(visible_jobs(request.user), pk=pk)
    template = partial_or_full(request, "jobs/detail.html", "jobs/_progress.html")
    return render(request, template, {"job": job})


@require_action("jobs.view")
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(visible_jobs(request.user), pk=pk)
    if not job.result_file or job.is_expired:
        raise Http404
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=job.result_file.name.rsplit("/", 1)[-1])
