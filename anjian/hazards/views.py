from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.audit.selectors import history_for, timeline_for
from anjian.checklists.selectors import hazard_items
from anjian.core.errors import DomainError
from anjian.core.pagination import keyset_page
from anjian.core.scoping import can, get_in_scope, has_action
from anjian.core.views import partial_or_full, post_form_action, require_action
from anjian.documents.attachments import pending_discard, pending_files, pending_keep
from anjian.documents.export_jobs import FORMATS
from anjian.documents.exports import bytes_response
from anjian.documents.imports import import_start
from anjian.documents.models import Attachment
from anjian.documents.views import import_page
from anjian.documents.views_exports import export_or_start
from anjian.enterprises.forms import ImportForm
from anjian.enterprises.models import Enterprise
from anjian.hazards import services
from anjian.hazards.documents import listing_notice_bytes
from anjian.hazards.exports import EXPORT
from anjian.hazards.filters import HazardFilterForm, HazardStatsForm
from anjian.hazards.forms import (
    ConfirmForm,
    HazardReportForm,
    ListingForm,
    NoteForm,
    PlanForm,
    RejectForm,
    RerouteForm,
    RiskForm,
)
from anjian.hazards.imports import HazardLedgerImport, template_workbook
from anjian.hazards.links import hazard_links
from anjian.hazards.models import Hazard, HazardLevel, HazardStatus, RepeatOffenderFlag
from anjian.hazards.selectors import (
    hazard_list,
    hazard_map_points,
    hazard_transitions,
    listing_list,
    penalty_list,
    repeat_flags_for,
)
from anjian.hazards.stats import as_json, hazard_statistics
from anjian.offline.services import captured_time, replay, submit_once
from anjian.offline.views import answer, flashes, form_errors, refusal, wants_json
from anjian.rules.hazards import TREATMENT_PLAN_PARTS


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    for key in ("after", "before"):
        query.pop(key, None)
    return query.urlencode()


@require_action("hazards.view")
def hazard_list_view(request: HttpRequest) -> HttpResponse:
    form = HazardFilterForm(request.GET or None, user=request.user)
    qs = hazard_list(user=request.user, filters=form.filters())
    page = keyset_page(qs, request.GET, sort="-id", size=20)
    template = partial_or_full(request, "hazards/list.html", "hazards/partials/_table.html")
    return render(request, template, {
        "form": form, "page": page, "query": _query(request), "now": timezone.now(),
        "can_report": has_action(request.user, "hazards.report"),
        "can_import": has_action(request.user, "hazards.import"),
        "view": "map" if request.GET.get("view") == "map" else "table",
    })


@require_action("hazards.view")
def hazard_points_view(request: HttpRequest) -> JsonResponse:
    form = HazardFilterForm(request.GET or None, user=request.user)
    return JsonResponse(hazard_map_points(user=request.user, filters=form.filters()))


@require_action("hazards.view")
def hazard_export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    return export_or_start(request, EXPORT, fmt)


def _get(request: HttpRequest, pk: int) -> Hazard:
    return get_in_scope(
        Hazard.objects.select_related("jurisdiction", "sector", "department", "enterprise__jurisdiction",
                                      "enterprise__sector", "duplicate_of"),
        request.user, "hazards.view", pk=pk,
    )


def _form_for(hazard: Hazard, target: str) -> Any:
    if target == HazardStatus.CONFIRMED:
        return ConfirmForm(initial={"level": hazard.level, "standard_item": hazard.standard_item}, hazard=hazard)
    if target == HazardStatus.REJECTED:
        return RejectForm()
    return NoteForm()


@require_action("hazards.view")
def hazard_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    h = _get(request, pk)
    transitions = hazard_transitions(hazard=h, user=request.user)
    photos = Attachment.objects.filter(content_type__model="hazard", content_type__app_label="hazards",
                                       object_id=str(h.pk)).order_by("id")
    can_plan = (h.level == HazardLevel.MAJOR and h.status in (HazardStatus.CONFIRMED, HazardStatus.RECTIFYING)
                and can(request.user, "hazards.rectify", h))
    plan_parts = [(key, zh, (h.plan or {}).get(key, "")) for key, zh, _en in TREATMENT_PLAN_PARTS]
    return render(request, "hazards/detail.html", {
        "h": h,
        "actions": [(t, _form_for(h, t.target)) for t in transitions],
        "photos_before": [a for a in photos if a.role == services.PHOTO_BEFORE],
        "photos_after": [a for a in photos if a.role == services.PHOTO_AFTER],
        "events": timeline_for(h),
        "history": history_for(h),
        "plan_parts": plan_parts,
        "plan_form": PlanForm(initial={**(h.plan or {}), "deadline": timezone.localdate(h.deadline) if h.deadline else None})
        if can_plan else None,
        "reroute_form": RerouteForm(initial={"department": h.department_id}, user=request.user)
        if h.status not in (HazardStatus.WRITTEN_OFF, HazardStatus.REJECTED) and can(request.user, "hazards.reroute", h)
        else None,
        "needs_photos": {HazardStatus.SUBMITTED, HazardStatus.APPLIED},
        "repeat_flags": repeat_flags_for(user=request.user, enterprise=h.enterprise),
        "may_decide_referral": has_action(request.user, "hazards.penalty"),
        "penalties": penalty_list(user=request.user, hazard=h),
        "listings": listing_list(user=request.user, hazard=h),
        "listing_form": ListingForm(user=request.user, initial={"deadline": timezone.localdate(h.deadline)
                                                                 if h.deadline else None})
        if h.level == HazardLevel.MAJOR and h.status not in (HazardStatus.WRITTEN_OFF, HazardStatus.REJECTED)
        and can(request.user, "hazards.supervise", h) else None,
        "case_links": hazard_links(request, h),  # the case file a penalty belongs to (enforcement)
        "today": timezone.localdate(),
        "risk_form": RiskForm(initial=_risk_initial(h))
        if h.status not in (HazardStatus.WRITTEN_OFF, HazardStatus.REJECTED) and can(request.user, "hazards.confirm", h)
        else None,
    })


def _risk_initial(h: Hazard) -> dict[str, Any]:
    f = h.risk_factors or {}
    if h.risk_method == "lec":
        return {"method": "lec", "lec_l": f.get("l"), "lec_e": f.get("e"), "lec_c": f.get("c")}
    if h.risk_method == "ls":
        return {"method": "ls", "ls_l": f.get("l"), "ls_s": f.get("s")}
    return {}


def _run(request: HttpRequest, h: Hazard, target: str) -> None:
    """Call the service behind a button. Raises DomainError or ValueError on bad input."""
    files = request.FILES.getlist("photos")
    user, current = request.user, h.status
    if target == HazardStatus.CONFIRMED:
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            raise ValueError(form.errors.as_text())
        d = form.cleaned_data
        services.hazard_confirm(actor=user, hazard=h, level=d["level"], standard_item=d["standard_item"],
                                deadline=form.deadline_at(), responsible_person=d["responsible_person"],
                                measures=d["measures"], funds=d["funds"], note=d["note"])
        return
    if target == HazardStatus.REJECTED:
        form = RejectForm(request.POST)
        if not form.is_valid():
            raise ValueError(form.errors.as_text())
        d = form.cleaned_data
        dup = None
        if d["duplicate_of"]:
            dup = Hazard.objects.restrict(user, "hazards.view").filter(pk=d["duplicate_of"]).first()
            if dup is None:
                raise DomainError("原隐患不存在或不在您的管辖范围内", "No such hazard", field="duplicate_of")
        services.hazard_reject(actor=user, hazard=h, reason=d["reason"], note=d["note"], duplicate_of=dup)
        return
    form = NoteForm(request.POST)
    if not form.is_valid():
        raise ValueError(form.errors.as_text())
    note = form.cleaned_data["note"] or ""
    if target == HazardStatus.RECTIFYING and current == HazardStatus.CONFIRMED:
        services.hazard_start_rectification(actor=user, hazard=h, note=note)
    elif target == HazardStatus.RECTIFYING and current == HazardStatus.SUBMITTED:
        services.hazard_send_back(actor=user, hazard=h, note=note, deadline=form.deadline_at())
    elif target == HazardStatus.RECTIFYING and current == HazardStatus.APPLIED:
        services.hazard_review(actor=user, hazard=h, passed=False, note=note)
    elif target == HazardStatus.SUBMITTED:
        services.hazard_submit(actor=user, hazard=h, note=note, photos=files)
    elif target == HazardStatus.APPLIED:
        services.hazard_apply_writeoff(actor=user, hazard=h, note=note, photos=files)
    elif target == HazardStatus.REVIEWED:
        services.hazard_review(actor=user, hazard=h, passed=True, note=note)
    elif target == HazardStatus.WRITTEN_OFF:
        services.hazard_write_off(actor=user, hazard=h, note=note)
    else:
        raise Http404


@require_POST
@require_action("hazards.view")
def hazard_transition_view(request: HttpRequest, pk: int, target: str) -> HttpResponse:
    h = _get(request, pk)
    try:
        _run(request, h, target)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from exc
        messages.error(request, exc.message)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已办理"))
    return redirect("hazards:detail", pk=h.pk)


@require_POST
@require_action("hazards.rectify")
def hazard_plan_view(request: HttpRequest, pk: int) -> HttpResponse:
    h = _get(request, pk)
    form = PlanForm(request.POST)
    post_form_action(request, form, lambda d: services.hazard_plan_set(
        actor=request.user, hazard=h, plan=form.plan(), deadline=form.deadline_at()), _("治理方案已保存"))
    return redirect("hazards:detail", pk=h.pk)


@require_POST
@require_action("hazards.reroute")
def hazard_reroute_view(request: HttpRequest, pk: int) -> HttpResponse:
    h = _get(request, pk)
    form = RerouteForm(request.POST, user=request.user)
    post_form_action(request, form, lambda d: services.hazard_reroute(
        actor=request.user, hazard=h, reason=d["reason"], department=d["department"]), _("已改派"))
    if not Hazard.objects.restrict(request.user, "hazards.view").filter(pk=h.pk).exists():
        return redirect("hazards:list")
    return redirect("hazards:detail", pk=h.pk)


@require_action("hazards.report")
def hazard_report_view(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    if ent_id := request.GET.get("enterprise", "").strip():
        ent = Enterprise.objects.restrict(request.user, "enterprises.view").filter(pk=ent_id if ent_id.isdigit() else 0).first()
        if ent is not None:
            initial = {"enterprise": ent.pk}
    if (item_id := request.GET.get("item", "").strip()).isdigit():
        item = hazard_items(user=request.user).filter(pk=item_id).first()
        if item is not None:
            initial.update({"checklist_item": item.pk, "category": item.as_category(),
                            "level": HazardLevel.MAJOR if item.is_major_criterion else HazardLevel.GENERAL,
                            "standard_item": item.standard_clause if item.is_major_criterion else ""})
    form = HazardReportForm(request.POST or None, user=request.user, initial=initial)
    kept: list[dict[str, str]] = []
    if request.method == "POST":
        for_queue = wants_json(request)
        key = request.POST.get("idempotency_key")
        try:
            first = replay(actor=request.user, form="hazards.report", client_key=key)
        except DomainError as exc:
            return refusal(exc)
        if first is not None:  # the phone resends a report already stored: the first result
            return answer(request, first)
        # photos kept from an earlier attempt that came back with an error, plus the new ones
        earlier = pending_files(user=request.user, tokens=request.POST.getlist("kept_photos"))
        photos = [*earlier, *request.FILES.getlist("photos")]
        if form.is_valid():
            d = form.cleaned_data
            try:
                captured = captured_time(request.POST.get("captured_at"))
                outcome = submit_once(
                    actor=request.user, form="hazards.report", client_key=key, captured_at=captured,
                    run=lambda: services.hazard_report(
                        actor=request.user, source=d["source"], category=d["category"], description=d["description"],
                        level=d["level"], enterprise=d["enterprise_obj"], place_name=d["place_name"],
                        address=d["address"], lng=d["lng"], lat=d["lat"], accuracy_m=d["accuracy_m"],
                        standard_item=d["standard_item"], photos=photos, checklist_item=d.get("checklist_item"),
                        found_at=captured,
                    ),
                    url=lambda h: (reverse("hazards:detail", args=[h.pk]) if can(request.user, "hazards.view", h)
                                   else reverse("hazards:list")),
                )
            except DomainError as exc:
                if for_queue:
                    pending_discard(earlier)
                    return refusal(exc)
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                pending_discard(earlier)
                if outcome.obj is not None and flashes(request):
                    messages.success(request, _("隐患已上报：") + outcome.obj.code)  # type: ignore[attr-defined]
                return answer(request, outcome)
        if for_queue:
            pending_discard(earlier)
            return refusal(errors=form_errors(form))
        # the form comes back: keep the chosen photos (a camera photo cannot be chosen again)
        for upload in photos:
            upload.seek(0)
        pending_discard(earlier)
        kept = pending_keep(user=request.user, files=photos)
    # form errors answer 422 (the page with the messages still renders in the browser)
    return render(request, "hazards/report.html", {"form": form, "kept_photos": kept}, status=422 if form.errors else 200)


@require_action("hazards.view")
def hazard_statistics_view(request: HttpRequest) -> HttpResponse:
    form = HazardStatsForm(request.GET or None, user=request.user)
    data = hazard_statistics(user=request.user, year=form.selected_year(), filters=form.filters())
    return render(request, "hazards/statistics.html", {"form": form, "data": data, "chart": as_json(data)})


@require_POST
@require_action("hazards.supervise")
def hazard_listing_view(request: HttpRequest, pk: int) -> HttpResponse:
    h = _get(request, pk)
    form = ListingForm(request.POST, user=request.user)
    post_form_action(request, form, lambda d: services.hazard_listing_create(
        actor=request.user, hazard=h, level=d["level"], series=d["series"], issuer=d["issuer"],
        deadline=d["deadline"], requirements=d["requirements"]),
        lambda listing: _("已挂牌督办：") + listing.number)
    return redirect("hazards:detail", pk=h.pk)


@require_action("hazards.view")
def hazard_listing_notice_view(request: HttpRequest, pk: int, listing_pk: int) -> HttpResponse:
    h = _get(request, pk)
    listing = next((x for x in listing_list(user=request.user, hazard=h) if x.pk == listing_pk), None)
    if listing is None:
        raise Http404
    listing.hazard = h
    return bytes_response(listing_notice_bytes(listing), _("挂牌督办通知") + f"-{h.code}.docx")


@require_POST
@require_action("hazards.confirm")
def hazard_risk_view(request: HttpRequest, pk: int) -> HttpResponse:
    h = _get(request, pk)
    form = RiskForm(request.POST)
    post_form_action(request, form, lambda d: services.hazard_risk_assess(
        actor=request.user, hazard=h, method=d["method"], factors=form.factors()), _("风险评价已保存"))
    return redirect("hazards:detail", pk=h.pk)


# --- ledger import ------------------------------------------------------------------------


@require_action("hazards.import")
def hazard_import_view(request: HttpRequest) -> HttpResponse:
    return import_page(request, ImportForm, HazardLedgerImport, "hazards/import.html",
                       lambda upload: import_start(kind=HazardLedgerImport.kind, actor=request.user, upload=upload))


@require_action("hazards.import")
def hazard_import_template_view(request: HttpRequest) -> HttpResponse:
    return bytes_response(template_workbook(), "隐患台账模板.xlsx")


@require_POST
@require_action("hazards.penalty")
def repeat_offender_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_in_scope(RepeatOffenderFlag.objects.select_related("enterprise"), request.user, "hazards.view", pk=pk)
    post_form_action(request, forms.Form(request.POST), lambda d: services.repeat_offender_decide(
        actor=request.user, flag=flag, referred=request.POST.get("referred") == "1", note=request.POST.get("note", "")),
        _("已记录决定"))
    return redirect("enterprises:detail", pk=flag.enterprise_id)
