"""设置 › 文号序列: the numbering series an office issues from (``numbering.series_save``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from anjian.core.errors import DomainError
from anjian.core.scoping import get_in_scope
from anjian.core.views import require_action
from anjian.documents.forms import SeriesForm
from anjian.documents.models import DocumentSeries
from anjian.documents.numbering import format_number, series_save

_FIELDS = {"code", "prefix", "name", "jurisdiction", "department"}


def _save(request: HttpRequest, form: SeriesForm, series: DocumentSeries | None) -> Any:
    d = form.cleaned_data
    try:
        return series_save(actor=request.user, series=series, code=d.get("code") or "", prefix=d["prefix"], name=d["name"],
                           jurisdiction=d["jurisdiction"], department=d["department"])
    except DomainError as exc:
        form.add_error(exc.field if exc.field in _FIELDS else None, exc.message)
        return None


@require_action("documents.series")
def series_list(request: HttpRequest) -> HttpResponse:
    form = SeriesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid() and _save(request, form, None) is not None:
        messages.success(request, _("已保存"))
        return redirect("documents:series")
    rows = (DocumentSeries.objects.restrict(request.user, "documents.series")
            .select_related("jurisdiction", "department").order_by("jurisdiction__path", "prefix"))
    return render(request, "documents/series.html", {"form": form, "rows": rows, "example": format_number("深安委办", 2026, 12)},
                  status=400 if form.errors else 200)


@require_action("documents.series")
def series_edit(request: HttpRequest, pk: int) -> HttpResponse:
    series = get_in_scope(DocumentSeries.objects, request.user, "documents.series", pk=pk)
    initial = {"code": series.code, "prefix": series.prefix, "name": series.name,
               "jurisdiction": series.jurisdiction, "department": series.department}
    form = SeriesForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid() and _save(request, form, series) is not None:
        messages.success(request, _("已保存"))
        return redirect("documents:series")
    return render(request, "documents/series_edit.html", {"form": form, "series": series},
                  status=400 if form.errors else 200)
