from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.core.errors import DomainError
from anjian.core.pagination import keyset_page
from anjian.core.scoping import can, get_in_scope, has_action
from anjian.core.views import partial_or_full, require_action
from anjian.documents.imports import (
    IMPORTS,
    batch_undoable,
    import_columns,
    import_override_choices,
    import_run,
    import_set_mapping,
    import_set_overrides,
    import_undo,
    import_use_saved,
    mapping_keys,
    preview_imports,
    saved_sources,
    unmapped_columns,
)
from anjian.documents.models import Attachment, DocumentSeries, ImportBatch, ImportBatchStatus, IssuedNumber
from anjian.documents.numbering import number_issue, number_void
from anjian.documents.uploads import refuse_oversize


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
    """An attachment is readable by whoever may view its owner (an owner model may name a
    narrower action in ``ATTACHMENT_ACTION``, e.g. the fund ledger's ``funds.manage``); anyone
    else gets a 404."""
    if not request.user.is_authenticated:
        raise Http404
    att = Attachment.objects.select_related("content_type").filter(pk=pk).first()
    owner = att.owner if att is not None else None
    action = getattr(type(owner), "ATTACHMENT_ACTION", "view")
    if owner is None or not hasattr(type(owner), "SCOPE") or not can(request.user, action, owner):
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
    (the caller's ``import_start`` or a service wrapping it) runs inside ``preview_imports()``,
    so it stores the file as a batch, and the user goes to the batch's mapping page; a start
    function that still returns a job sends the user to the job's page. A refusal (wrong type,
    no permission, too large — measured while the upload streams in …) shows under the file
    field. The page lists the accepted columns (``import_columns``)."""
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and refuse_oversize(request, form):
        pass  # the message is under the file field
    elif request.method == "POST" and form.is_valid():
        try:
            with preview_imports():
                started = start(form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            if isinstance(started, ImportBatch):
                return redirect("documents:import_batch", pk=started.pk)
            return redirect("jobs:detail", pk=started.pk)
    return render(request, template, {**(context or {}), "form": form, "columns": import_columns(spec)})


# --- import batches: mapping, preview, store, undo ------------------------------------------------


def _batch(request: HttpRequest, pk: int) -> ImportBatch:
    batch = get_in_scope(ImportBatch.objects, request.user, "jobs.view", pk=pk)
    if batch.kind not in IMPORTS or not has_action(request.user, IMPORTS[batch.kind].action):
        raise Http404
    return batch


PREVIEW_PROBLEMS = 300
PREVIEW_CHANGES = 200


def _field_choices(spec: Any) -> list[tuple[str, str]]:
    return [(key, labels[0]) for key, labels in spec.headers.items()]


@require_action("jobs.view")
def import_batch_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The batch's page: the column mapping (to confirm or change), then the dry run's progress
    and preview (every error, what an update changes), the choice how to store, the result and
    undo."""
    batch = _batch(request, pk)
    spec = IMPORTS[batch.kind]
    if request.method == "POST":
        return _batch_post(request, batch, spec)
    job = batch.store_job if batch.status in (ImportBatchStatus.STORING, ImportBatchStatus.STORED) else batch.check_job
    if batch.status == ImportBatchStatus.FAILED and batch.store_job_id and batch.store_job.status == "failed":
        job = batch.store_job
    rows = batch.rows.all()
    problems = []
    english = (get_language() or "").startswith("en")
    for row in rows.exclude(problems=[]).order_by("row_no")[:PREVIEW_PROBLEMS]:
        problems.extend((row.row_no, {**p, "reason": p["en"] if english else p["zh"]}) for p in row.problems)
    changes = list(rows.filter(action="update").order_by("row_no")[:PREVIEW_CHANGES])
    chosen = batch.options.get("overrides") or {}
    confirm = [(row, chosen.get(str(row.row_no), "")) for row in
               rows.filter(action="create").exclude(changes=[]).order_by("row_no")[:PREVIEW_CHANGES]]
    mapped = batch.mapping
    columns = [{**c, "key": mapped.get(str(c["index"]), ""), "how": (batch.summary.get("suggested") or {}).get(str(c["index"]), "")}
               for c in batch.columns]
    context = {
        "batch": batch, "spec": spec, "job": job, "columns": columns, "fields": _field_choices(spec),
        "unmapped": unmapped_columns(batch), "missing": [spec.headers[k][0] for k in spec.required if k not in mapping_keys(batch)],
        "problems": problems[:PREVIEW_PROBLEMS], "more_problems": max(0, (batch.summary.get("errors") or 0) - PREVIEW_PROBLEMS),
        "changes": changes, "can_update": spec.can_update(), "can_undo": batch_undoable(batch),
        "key_label": spec.headers[spec.key_field][0] if spec.key_field else "",
        "busy": batch.status in (ImportBatchStatus.CHECKING, ImportBatchStatus.STORING),
        "editing": batch.status in (ImportBatchStatus.UPLOADED, ImportBatchStatus.FAILED) or request.GET.get("edit") == "1",
        "result": (batch.summary or {}).get("result") or {},
        "sources": saved_sources(batch),
        "confirm": confirm, "more_confirm": max(0, rows.filter(action="create").exclude(changes=[]).count() - PREVIEW_CHANGES)
        if len(confirm) >= PREVIEW_CHANGES else 0,
        "override_label": spec.headers[spec.override_key][0] if spec.override_key else "",
        "override_choices": import_override_choices(batch) if confirm else [],
    }
    template = partial_or_full(request, "documents/import_batch.html", "documents/_import_state.html")
    return render(request, template, context)


def _batch_post(request: HttpRequest, batch: ImportBatch, spec: Any) -> HttpResponse:
    do = request.POST.get("do", "")
    try:
        if do == "check":
            mapping = {str(c["index"]): request.POST.get(f"col-{c['index']}", "") for c in batch.columns}
            options = {"update": bool(request.POST.get("update")) and spec.can_update(),
                       "default_area": request.POST.get("default_area", "").strip()[:20]}
            import_set_mapping(actor=request.user, batch=batch, mapping=mapping, options=options,
                               save_as=request.POST.get("save_as", "").strip())
            import_run(actor=request.user, batch=batch, phase="check")
        elif do == "overrides":
            overrides = {k[3:]: v for k, v in request.POST.items() if k.startswith("ov-")}
            import_set_overrides(actor=request.user, batch=batch, overrides=overrides)
            import_run(actor=request.user, batch=batch, phase="check")
        elif do == "use_saved":
            import_use_saved(actor=request.user, batch=batch, source=request.POST.get("source", ""))
        elif do in ("store", "store_partial"):
            batch.options = {**batch.options, "partial": do == "store_partial"}
            batch.save(update_fields=["options"])
            import_run(actor=request.user, batch=batch, phase="store")
        elif do == "undo":
            import_undo(actor=request.user, batch=batch)
            messages.success(request, _("已撤销该导入"))
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("documents:import_batch", pk=batch.pk)


@require_action("jobs.view")
def import_batch_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """The error workbook of a batch (the error list and the rows to fix)."""
    batch = _batch(request, pk)
    if not batch.errors_file:
        raise Http404
    return FileResponse(batch.errors_file.open("rb"), as_attachment=True, filename=f"错误-{batch.filename.rsplit('.', 1)[0]}.xlsx")
