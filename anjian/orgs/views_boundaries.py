"""Boundary import pages: upload → preview on a map with every finding → import as one batch → undo."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.core.errors import DomainError
from anjian.core.forms import bootstrap
from anjian.core.pagination import keyset_page
from anjian.core.scoping import get_in_scope, has_action
from anjian.core.views import post_form_action, require_action
from anjian.documents.uploads import refuse_oversize
from anjian.orgs import services
from anjian.orgs.boundaries import guess_columns, read_layer
from anjian.orgs.forms import BoundaryRemapForm, BoundaryUploadForm
from anjian.orgs.models import BoundaryImport, BoundaryImportStatus


@require_action("orgs.change")
def boundary_imports(request: HttpRequest) -> HttpResponse:
    form = BoundaryUploadForm(request.POST or None, request.FILES or None, user=request.user)
    bootstrap(form)
    refuse_oversize(request, form)  # too large: refused while it streamed in (documents.uploads)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            data = d["file"].read()
            columns = {k: d[k] for k in ("code_column", "name_column", "parent_column")}
            try:
                if not columns["code_column"] or not columns["name_column"]:
                    peek = read_layer(data, filename=d["file"].name, code_column="", name_column="", crs=d["crs"])
                    guessed = guess_columns(peek.columns)
                    columns = {k: columns[k] or guessed[k] for k in columns}
                batch = services.boundary_import_preview(
                    actor=request.user, data=data, filename=d["file"].name, level=d["level"], parent=d["parent"],
                    crs=d["crs"], **columns,
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                return redirect("orgs:boundary_import", batch.pk)
    batches = BoundaryImport.objects.restrict(request.user, "orgs.change").select_related("parent", "created_by")
    page = keyset_page(batches, request.GET, sort="-id", size=20)
    return render(request, "orgs/boundary_imports.html", {"form": form, "page": page}, status=status)


@require_action("orgs.change")
def boundary_import(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_in_scope(BoundaryImport.objects.select_related("parent", "created_by"), request.user, "orgs.change", pk=pk)
    columns = batch.mapping.get("columns", [])
    remap = BoundaryRemapForm(initial=batch.mapping, columns=columns)
    bootstrap(remap)
    n_new = sum(1 for f in batch.features if f["action"] == "create")
    return render(request, "orgs/boundary_import.html", {
        "batch": batch, "remap": remap, "n_new": n_new, "n_update": len(batch.features) - n_new,
        "errors": [f for f in batch.findings if f["severity"] == "error"],
        "warnings": [f for f in batch.findings if f["severity"] == "warning"],
        "can_reassign": has_action(request.user, "grids.reassign"),
        "is_preview": batch.status == BoundaryImportStatus.PREVIEWED,
        "is_committed": batch.status == BoundaryImportStatus.COMMITTED,
    })


@require_action("orgs.change")
def boundary_import_geojson(request: HttpRequest, pk: int) -> JsonResponse:
    batch = get_in_scope(BoundaryImport.objects, request.user, "orgs.change", pk=pk)
    flagged = {f["code"] for f in batch.findings if f.get("code")}
    features = [
        {"type": "Feature", "geometry": f["geometry"],
         "properties": {"code": f["code"], "name": f["name"], "action": f["action"], "flagged": f["code"] in flagged}}
        for f in batch.features
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features}, json_dumps_params={"ensure_ascii": False})


def _act(request: HttpRequest, pk: int, do, success: str) -> HttpResponse:  # type: ignore[no-untyped-def]
    """POST → one service on a batch in scope → message → back to the batch (``post_form_action``)."""
    batch = get_in_scope(BoundaryImport.objects, request.user, "orgs.change", pk=pk)
    post_form_action(request, forms.Form(request.POST), lambda data: do(batch), success)
    return redirect("orgs:boundary_import", batch.pk)


@require_POST
@require_action("orgs.change")
def boundary_import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda b: services.boundary_import_commit(actor=request.user, batch=b), _("边界已导入。"))


@require_POST
@require_action("orgs.change")
def boundary_import_undo(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda b: services.boundary_import_undo(actor=request.user, batch=b), _("该批导入已撤销。"))


@require_POST
@require_action("orgs.change")
def boundary_import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda b: services.boundary_import_discard(actor=request.user, batch=b), _("已放弃该文件。"))


@require_POST
@require_action("orgs.change")
def boundary_import_remap(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_in_scope(BoundaryImport.objects, request.user, "orgs.change", pk=pk)
    form = BoundaryRemapForm(request.POST, columns=batch.mapping.get("columns", []))
    result: dict[str, BoundaryImport] = {}

    def do(d: dict[str, str]) -> BoundaryImport:
        result["batch"] = services.boundary_import_remap(actor=request.user, batch=batch, **d)
        return result["batch"]

    post_form_action(request, form, do, _("已按新的列对应重新检查。"))
    return redirect("orgs:boundary_import", result["batch"].pk if result else batch.pk)
