from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.core.errors import DomainError
from anjian.core.pagination import keyset_page
from anjian.core.scoping import can, get_in_scope
from anjian.core.views import require_action
from anjian.documents.imports import import_columns
from anjian.documents.models import Attachment, DocumentSeries, IssuedNumber
from anjian.documents.numbering import number_issue, number_void


@require_action("documents.view")
def numbers(request: HttpRequest) -> HttpResponse:
    qs = IssuedNumber.objects.restrict(request.user, "documents.view").select_related("series", "issued_by")
    series = DocumentSeries.objects.restrict(request.user, "documents.issue")
    page = keyset_page(qs, request.GET, sort="-id", size=30)
    return render(request, "documents/numbers.html", {"page": page, "series": series})


@require_action("documents.issue")
@require_POST
def number_take(request: HttpRequest) -> HttpResponse:
    series = get_in_scope(DocumentSeries.objects, request.user, "documents.issue", pk=request.POST.get("series") or 0)
    issued = number_issue(series=series, actor=request.user, title=request.POST.get("title", ""))
    messages.success(request, _("已取号：%(n)s") % {"n": issued.text})
    return redirect("documents:numbers")


@require_action("documents.issue")
@require_POST
def number_void_view(request: HttpRequest, pk: int) -> HttpResponse:
    number = get_in_scope(IssuedNumber.objects, request.user, "documents.issue", pk=pk)
    try:
        number_void(number=number, actor=request.user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("documents:numbers")


def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """An attachment is readable by whoever may view its owner; anyone else gets a 404."""
    if not request.user.is_authenticated:
        raise Http404
    att = Attachment.objects.select_related("content_type").filter(pk=pk).first()
    owner = att.owner if att is not None else None
    if owner is None or not hasattr(type(owner), "SCOPE") or not can(request.user, "view", owner):
        raise Http404
    return FileResponse(att.file.open("rb"), filename=att.original_name, content_type=att.mime,
                        as_attachment=not att.is_image)


def import_page(
    request: HttpRequest,
    form_class: Any,
    spec: Any,
    template: str,
    start: Callable[[Any], Any],
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """An upload page for an import (``documents.imports``): on a valid POST ``start(upload)``
    starts the job (the caller's ``import_start`` or a service wrapping it) and the user goes to the
    job's progress page; a refusal (wrong type, no permission …) shows under the file field. The
    page lists the accepted columns (``import_columns``)."""

    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = start(form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("jobs:detail", pk=job.pk)
    return render(request, template, {**(context or {}), "form": form, "columns": import_columns(spec)})
