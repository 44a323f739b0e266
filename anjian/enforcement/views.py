"""Enforcement pages: inspections on a phone, the case file, plans and 双随机 draws."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.audit.selectors import timeline_for
from anjian.core.errors import DomainError
from anjian.core.forms import form_refusal
from anjian.core.lookups import lookup
from anjian.core.pagination import keyset_page, list_query
from anjian.core.scoping import can, get_in_scope, has_action, scope_allows
from anjian.core.views import post_form_action, require_action
from anjian.documents.exports import bytes_response, column, xlsx_response
from anjian.enforcement import documents, forms, services
from anjian.enforcement.models import (
    Campaign,
    CampaignTask,
    Case,
    CaseStatus,
    ClassificationRule,
    CreditKind,
    CreditListing,
    Disposition,
    DocKind,
    DrawPick,
    Inspection,
    InspectionKind,
    InspectionPlan,
    InspectionStatus,
    OhDeclaration,
    PlanStatus,
    PlanTarget,
    Policy,
    RandomDraw,
    SelfAssessment,
    StandardizationCert,
)
from anjian.enforcement.policy import policy_for
from anjian.enforcement.selectors import (
    campaign_list,
    campaign_progress,
    case_deadlines_estimated,
    case_documents,
    case_list,
    case_transitions,
    draw_list,
    draw_progress,
    inspection_list,
    oh_statistics,
    plan_list,
    plan_progress,
    published_draws,
)
from anjian.enforcement.workflow import PLAN_WORKFLOW
from anjian.enterprises.models import RiskColour, flag_labels
from anjian.offline.services import captured_time, replay, submit_once
from anjian.offline.views import answer, flashes, form_errors, refusal, wants_json
from anjian.orgs.models import Jurisdiction, JurisdictionLevel, Sector
from anjian.orgs.selectors import city_of


def _deadline_label(key: str) -> str:
    labels = {
        "decision": _("作出处罚决定期限（行政处罚法第六十条）"),
        "hearing": _("陈述申辩、申请听证期限（第六十四条，工作日）"),
        "hearing_hold": _("举行听证（15号令内部时限：申请后十五日内）"),
        "hearing_on": _("听证日期（已通知）"),
        "delivery": _("送达决定书期限（第六十一条，工作日）"),
        "payment": _("缴纳罚款期限（第六十七条）"),
        "review": _("申请行政复议期限（行政复议法第二十条）"),
        "lawsuit": _("提起行政诉讼期限（行政诉讼法第四十六条）"),
    }
    return labels[key]


def _hearing_label(ground: str) -> str:
    """What the case page says of the party's hearing right (行政处罚法 Art. 63)."""
    labels = {
        "large_fine": _("享有：较大数额罚款（行政处罚法第六十三条第一款第（一）项）"),
        "suspend": _("享有：责令停产停业（行政处罚法第六十三条第一款第（四）项）"),
        "": _("不属于听证范围（行政处罚法第六十三条），可以陈述、申辩"),
    }
    return labels[ground]


# --- cases ----------------------------------------------------------------------------------


@require_action("enforcement.view")
def case_list_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in CaseStatus.values:
        status = ""
    page = keyset_page(case_list(user=request.user, status=status), request.GET, sort="-id", size=20)
    return render(request, "enforcement/cases.html", {"page": page, "status": status, "statuses": CaseStatus.choices,
                                                       "query": f"status={status}" if status else ""})


def _case(request: HttpRequest, pk: int) -> Case:
    return get_in_scope(Case.objects.select_related("enterprise", "department", "jurisdiction", "inspection"),
                        request.user, "enforcement.view", pk=pk)


STEP_FORMS: dict[str, tuple[str, Any]] = {
    "notify": ("enforcement.handle", forms.NotifyForm),
    "respond": ("enforcement.respond", forms.RespondForm),
    "decide": ("enforcement.decide", forms.DecideForm),
    "deliver": ("enforcement.handle", forms.DeliverForm),
    "pay": ("enforcement.pay", forms.PayForm),
    "close": ("enforcement.handle", forms.CloseForm),
    "order": ("enforcement.handle", forms.OrderForm),
    "dun": ("enforcement.handle", forms.CloseForm),
    "hearing_notice": ("enforcement.handle", forms.HearingNoticeForm),
    "hearing_record": ("enforcement.handle", forms.HearingRecordForm),
    "hearing_report": ("enforcement.handle", forms.HearingReportForm),
}


def _steps(case: Case, user: Any) -> list[tuple[str, str, Any]]:
    """The steps this user may take on the case now, with their forms (label, key, form)."""
    today = timezone.localdate()
    out: list[tuple[str, str, Any]] = []
    targets = {t.target: t for t in case_transitions(case=case, user=user)}
    if CaseStatus.NOTIFIED in targets:
        out.append((_("送达行政处罚告知书"), "notify", forms.NotifyForm(user=user, initial={
            "facts": case.facts, "legal_basis": case.legal_basis, "penalty_basis": case.penalty_basis})))
    if case.status == CaseStatus.NOTIFIED and CaseStatus.HEARD in targets:
        respond = forms.RespondForm(user=user)
        if not services.hearing_right(case):  # Art. 63: this penalty carries no hearing right
            del respond.fields["hearing_requested"]
        out.append((_("陈述申辩 / 申请听证") if "hearing_requested" in respond.fields else _("陈述申辩"), "respond",
                    respond))
    if case.status == CaseStatus.HEARING and can(user, "enforcement.handle", case):
        kinds = set(case.documents.values_list("kind", flat=True))
        if DocKind.HEARING_RECORD not in kinds:
            out.append((_("送达听证会通知书"), "hearing_notice", forms.HearingNoticeForm(user=user, initial={
                "place": case.hearing_place, "host": case.hearing_host})))
        if DocKind.HEARING_NOTICE in kinds and DocKind.HEARING_RECORD not in kinds:
            out.append((_("制作听证笔录"), "hearing_record", forms.HearingRecordForm(user=user, initial={
                "held_on": timezone.localdate(case.hearing_at) if case.hearing_at else today})))
        if DocKind.HEARING_RECORD in kinds:
            out.append((_("听证会报告书"), "hearing_report", forms.HearingReportForm(user=user)))
    if CaseStatus.DECIDED in targets:
        out.append((_("作出行政处罚决定"), "decide", forms.DecideForm(user=user, initial={
            "penalty_kind": case.penalty_kind, "fine": case.proposed_fine, "penalty_basis": case.penalty_basis})))
    if CaseStatus.DELIVERED in targets or (CaseStatus.PAID in targets and case.status == CaseStatus.DECIDED):
        out.append((_("送达决定书"), "deliver", forms.DeliverForm(user=user, initial={"delivered_on": today})))
    if case.status == CaseStatus.DELIVERED and CaseStatus.PAID in targets:
        out.append((_("缴纳罚款"), "pay", forms.PayForm(user=user, initial={"paid_on": today})))
        if can(user, "enforcement.handle", case):
            out.append((_("催缴罚款"), "dun", forms.CloseForm(user=user)))
    if CaseStatus.CLOSED in targets:
        label = _("撤销立案") if case.status == CaseStatus.FILED else _("结案")
        out.append((label, "close", forms.CloseForm(user=user)))
    if case.status != CaseStatus.CLOSED and can(user, "enforcement.handle", case):
        out.append((_("下达责令限期整改指令书"), "order", forms.OrderForm(user=user)))
    return out


@require_action("enforcement.view")
def case_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    docs = list(case_documents(user=request.user, case=case))
    open_orders = [d for d in docs if d.kind == DocKind.ORDER and not d.done_on]
    return render(request, "enforcement/case.html", {
        "case": case, "docs": docs, "steps": _steps(case, request.user),
        "deadlines": [(_deadline_label(k), d, est) for k, d, est in case_deadlines_estimated(case)],
        "open_orders": open_orders, "recheck_form": forms.RecheckForm(user=request.user),
        "can_handle": can(request.user, "enforcement.handle", case),
        "can_respond": can(request.user, "enforcement.respond", case),
        "surcharge": services.surcharge_now(case) if case.status == CaseStatus.DELIVERED else None,
        "hazards": case.hazards.all(), "events": timeline_for(case),
        "hearing_right": _hearing_label(services.hearing_right(case))
        if case.penalty_kind and case.procedure != "simple" else "",
        "hearing_rule": _("行政处罚法第六十三条：拟作出较大数额罚款（本市未另定数额时，单位五万元以上、个人二万元以上，"
                          "15号令第三十三条）或责令停产停业等处罚的，告知当事人有权要求听证；其他处罚当事人可以陈述、申辩。"),
    })


@require_POST
@require_action("enforcement.view")
def case_step_view(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    case = _case(request, pk)
    if step not in STEP_FORMS:
        raise Http404
    action, form_class = STEP_FORMS[step]
    if not can(request.user, action, case):
        raise Http404
    form = form_class(request.POST, request.FILES, user=request.user)
    u = request.user
    calls = {
        "notify": lambda d: services.case_notify(actor=u, case=case, facts=d["facts"], legal_basis=d["legal_basis"],
                                                 penalty_basis=d["penalty_basis"], penalty_kind=d["penalty_kind"],
                                                 proposed_fine=d["proposed_fine"]),
        "respond": lambda d: services.case_respond(actor=u, case=case, statement=d["statement"],
                                                   hearing_requested=d["hearing_requested"]),
        "decide": lambda d: services.case_decide(actor=u, case=case, penalty_kind=d["penalty_kind"], fine=d["fine"],
                                                 penalty_basis=d["penalty_basis"]),
        "deliver": lambda d: services.case_deliver(actor=u, case=case, delivered_on=d["delivered_on"],
                                                   method=d["method"], received_by=d["received_by"]),
        "pay": lambda d: services.case_pay(actor=u, case=case, paid_on=d["paid_on"],
                                           receipts=[d["receipts"]] if d.get("receipts") else []),
        "close": lambda d: services.case_close(actor=u, case=case, note=d["note"]),
        "order": lambda d: services.case_order(actor=u, case=case, items=d["items"].splitlines(),
                                               deadline=d["deadline"]),
        "dun": lambda d: services.case_dun(actor=u, case=case),
        "hearing_notice": lambda d: services.case_hearing_notice(actor=u, case=case, hearing_at=d["hearing_at"],
                                                                 place=d["place"], host=d["host"]),
        "hearing_record": lambda d: services.case_hearing_record(
            actor=u, case=case, held_on=d["held_on"], attendees=d["attendees"], proceedings=d["proceedings"],
            party_absent=d["party_absent"], party_signed=d["party_signed"], refusal_note=d["refusal_note"]),
        "hearing_report": lambda d: services.case_hearing_report(actor=u, case=case, opinion=d["opinion"],
                                                                 recommendation=d["recommendation"]),
    }
    post_form_action(request, form, calls[step], _("已办理"))
    return redirect("enforcement:case", pk=case.pk)


@require_POST
@require_action("enforcement.view")
def case_order_step_view(request: HttpRequest, pk: int, doc_pk: int, step: str) -> HttpResponse:
    case = _case(request, pk)
    doc = case_documents(user=request.user, case=case).filter(pk=doc_pk, kind=DocKind.ORDER).first()
    if doc is None or step not in ("apply", "recheck"):
        raise Http404
    if step == "apply":
        form: Any = forms.CloseForm(request.POST, user=request.user)
        post_form_action(request, form, lambda d: services.case_recheck_apply(actor=request.user, order=doc,
                                                                               note=d["note"]), _("已申请复查"))
    else:
        form = forms.RecheckForm(request.POST, user=request.user)
        post_form_action(request, form, lambda d: services.case_recheck(
            actor=request.user, order=doc, results=d["results"].splitlines(), passed=d["passed"]), _("已出具复查意见"))
    return redirect("enforcement:case", pk=case.pk)


@require_action("enforcement.view")
def case_document_view(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    case = _case(request, pk)
    doc = case_documents(user=request.user, case=case).filter(pk=doc_pk).first()
    if doc is None:
        raise Http404
    doc.case = case
    return bytes_response(documents.document_bytes(doc), f"{doc.get_kind_display()}-{case.code}.docx")


# --- inspections ----------------------------------------------------------------------------


@require_action("enforcement.view")
def inspection_list_view(request: HttpRequest) -> HttpResponse:
    page = keyset_page(inspection_list(user=request.user), request.GET, sort="-id", size=20)
    return render(request, "enforcement/inspections.html", {
        "page": page, "query": "", "can_start": has_action(request.user, "enforcement.inspect")})


@require_action("enforcement.inspect")
def inspection_start_view(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    pick = DrawPick.objects.restrict(request.user, "enforcement.view").filter(
        pk=request.GET.get("draw_pick") or 0).first() if (request.GET.get("draw_pick") or "").isdigit() else None
    if pick is not None:
        officers = list(pick.inspectors.all()[:2])
        initial = {"draw_pick": pick.pk, "enterprise": pick.enterprise_id, "kind": InspectionKind.RANDOM,
                   **{f"inspector_{n}": o.pk for n, o in enumerate(officers, start=1)}}
    campaign = lookup("enforcement.campaigns").queryset(request.user).filter(
        pk=request.GET.get("campaign") or 0).first() if (request.GET.get("campaign") or "").isdigit() else None
    if campaign is not None:
        initial = {"campaign": campaign.pk, "kind": InspectionKind.CAMPAIGN}
        if (request.GET.get("enterprise") or "").isdigit():
            initial["enterprise"] = int(request.GET["enterprise"])
    form = forms.InspectionStartForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ok = post_form_action(request, form, lambda d: services.inspection_start(
            actor=request.user, department=d["inspector_1"].department, enterprise=d["enterprise"],
            inspectors=[d["inspector_1"], d["inspector_2"]], kind=d["kind"], place=d["place"],
            draw_pick=d.get("draw_pick"), campaign=d.get("campaign")), _("已开始检查"))
        if ok:
            latest = inspection_list(user=request.user).filter(enterprise=d["enterprise"]).order_by("-id").first()
            if latest is not None:
                return redirect("enforcement:inspection", pk=latest.pk)
    elif request.method == "POST":
        messages.error(request, form.errors.as_text())
    return render(request, "enforcement/inspection_start.html", {"form": form})


def _inspection(request: HttpRequest, pk: int) -> Inspection:
    return get_in_scope(Inspection.objects.select_related("enterprise", "department"), request.user,
                        "enforcement.view", pk=pk)


@require_action("enforcement.view")
def inspection_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    insp = _inspection(request, pk)
    may = can(request.user, "enforcement.inspect", insp)
    is_open = insp.status == InspectionStatus.OPEN
    findings = list(insp.findings.select_related("hazard", "case"))
    violations = [f for f in findings if f.disposition == Disposition.VIOLATION and f.case_id is None]
    return render(request, "enforcement/inspection.html", {
        "insp": insp, "findings": findings, "officers": list(insp.inspectors.all()),
        "finding_form": forms.FindingForm(user=request.user) if may and is_open else None,
        "complete_form": forms.InspectionCompleteForm(user=request.user) if may and is_open else None,
        "case_form": forms.CaseFileForm(user=request.user, initial={
            "cause": violations[0].description[:200] if violations else "",
            "facts": "\n".join(f.description for f in violations),
            "legal_basis": "\n".join(f.legal_basis for f in violations if f.legal_basis)})
        if violations and can(request.user, "enforcement.handle", insp) else None,
        "spot_form": forms.OnTheSpotForm(user=request.user) if can(request.user, "enforcement.decide", insp) else None,
        "cases": list(insp.cases.all()), "events": timeline_for(insp),
    })


def _finding_post(request: HttpRequest, insp: Inspection) -> HttpResponse:
    """A finding noted on the phone: stored once per phone key (a replay answers the first result,
    even after the inspection ended); refusals as JSON for the offline queue."""
    u, for_queue = request.user, wants_json(request)
    key = request.POST.get("idempotency_key")
    try:
        first = replay(actor=u, form="enforcement.finding", client_key=key)
    except DomainError as exc:
        return refusal(exc)
    if first is not None:
        return answer(request, first)
    form = forms.FindingForm(request.POST, user=u)
    if not form.is_valid():
        if for_queue:
            return refusal(errors=form_errors(form))
        messages.error(request, form.errors.as_text())
        return redirect("enforcement:inspection", pk=insp.pk)
    d = form.cleaned_data
    try:
        captured = captured_time(request.POST.get("captured_at"))
        outcome = submit_once(
            actor=u, form="enforcement.finding", client_key=key, captured_at=captured,
            run=lambda: services.finding_add(
                actor=u, inspection=insp, description=d["description"], disposition=d["disposition"],
                checklist_item=d["checklist_item"], is_major=d["is_major"], legal_basis=d["legal_basis"],
                lng=d["lng"], lat=d["lat"], accuracy_m=d["accuracy"], photos=request.FILES.getlist("photos"),
                recorded_at=captured),
            url=lambda f: reverse("enforcement:inspection", args=[insp.pk]),
        )
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from exc
        if for_queue:
            return refusal(exc)
        messages.error(request, exc.message)
        return redirect("enforcement:inspection", pk=insp.pk)
    if outcome.created and flashes(request):
        messages.success(request, _("已记录"))
    return answer(request, outcome)


@require_POST
@require_action("enforcement.view")
def inspection_step_view(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    insp = _inspection(request, pk)
    u = request.user
    if step == "finding":
        return _finding_post(request, insp)
    form: Any
    if step == "complete":
        form = forms.InspectionCompleteForm(request.POST, user=u)
        post_form_action(request, form, lambda d: services.inspection_complete(
            actor=u, inspection=insp, content=d["content"], handling=d["handling"],
            accompanied_by=d["accompanied_by"], head_signed=d["head_signed"], refusal_note=d["refusal_note"]),
            _("检查已结束"))
    elif step == "case":
        form = forms.CaseFileForm(request.POST, user=u)
        open_violations = insp.findings.filter(disposition=Disposition.VIOLATION, case__isnull=True)
        if post_form_action(request, form, lambda d: services.case_file(
                actor=u, department=insp.department, enterprise=insp.enterprise, cause=d["cause"], facts=d["facts"],
                legal_basis=d["legal_basis"], inspection=insp, findings=list(open_violations)), _("已立案")):
            case = insp.cases.order_by("-id").first()
            if case is not None:
                return redirect("enforcement:case", pk=case.pk)
    elif step == "spot":
        form = forms.OnTheSpotForm(request.POST, user=u)
        if post_form_action(request, form, lambda d: services.case_on_the_spot(
                actor=u, inspection=insp, cause=d["cause"], facts=d["facts"], legal_basis=d["legal_basis"],
                penalty_basis=d["penalty_basis"], penalty_kind=d["penalty_kind"], fine=d["fine"],
                received_by=d["received_by"]), _("已当场处罚")):
            case = insp.cases.order_by("-id").first()
            if case is not None:
                return redirect("enforcement:case", pk=case.pk)
    else:
        raise Http404
    return redirect("enforcement:inspection", pk=insp.pk)


@require_action("enforcement.view")
def inspection_record_view(request: HttpRequest, pk: int) -> HttpResponse:
    insp = _inspection(request, pk)
    return bytes_response(documents.inspection_record_bytes(insp), f"{_('现场检查记录')}-{insp.code}.docx")


# --- plans ----------------------------------------------------------------------------------


@require_action("enforcement.plan")
def plan_list_view(request: HttpRequest) -> HttpResponse:
    form = forms.PlanGenerateForm(request.POST or None, user=request.user,
                                  initial={"year": timezone.localdate().year + 1})
    started: list[Any] = []

    def generate(d: dict[str, Any]) -> Any:
        made = services.plan_generate_start(actor=request.user, department=d["department"],
                                            jurisdiction=d["jurisdiction"], year=d["year"])
        started.append(made)
        return made

    def said(made: Any) -> str:
        return _("计划已生成") if isinstance(made, InspectionPlan) else _("企业较多，计划在后台生成，可在本页查看进度")

    if request.method == "POST" and post_form_action(request, form, generate, said):
        if started and not isinstance(started[0], InspectionPlan):  # a job: its page shows the progress
            return redirect("jobs:detail", pk=started[0].pk)
        d = form.cleaned_data
        plan = plan_list(user=request.user).filter(department=d["department"], jurisdiction=d["jurisdiction"],
                                                   year=d["year"]).first()
        if plan is not None:
            return redirect("enforcement:plan", pk=plan.pk)
    page = keyset_page(plan_list(user=request.user), request.GET, sort="-id", size=20)
    return render(request, "enforcement/plans.html", {"page": page, "query": "", "form": form})


def _plan(request: HttpRequest, pk: int) -> InspectionPlan:
    return get_in_scope(InspectionPlan.objects.select_related("department", "jurisdiction"), request.user,
                        "enforcement.view", pk=pk)


@require_action("enforcement.view")
def plan_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    targets = plan.targets.select_related("enterprise").order_by("klass", "enterprise__name")[:500]
    return render(request, "enforcement/plan.html", {
        "plan": plan, "progress": plan_progress(plan), "targets": targets,
        "moves": PLAN_WORKFLOW.available(plan, request.user),
        "adjust_form": forms.TargetAdjustForm(user=request.user)
        if plan.status == PlanStatus.DRAFT and can(request.user, "enforcement.plan", plan) else None,
        "note_form": forms.NoteForm(user=request.user), "events": timeline_for(plan),
        "rules": list(ClassificationRule.objects.filter(department=plan.department).order_by("order", "id"))
        or [ClassificationRule(department=plan.department, **spec) for spec in services.DEFAULT_RULES],
    })


@require_POST
@require_action("enforcement.view")
def plan_move_view(request: HttpRequest, pk: int, target: str) -> HttpResponse:
    plan = _plan(request, pk)
    if target not in PlanStatus.values:
        raise Http404
    form = forms.NoteForm(request.POST, user=request.user)
    post_form_action(request, form, lambda d: services.plan_move(actor=request.user, plan=plan, target=target,
                                                                 note=d["note"]), _("已办理"))
    return redirect("enforcement:plan", pk=plan.pk)


@require_POST
@require_action("enforcement.plan")
def plan_target_view(request: HttpRequest, pk: int, target_pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    target = PlanTarget.objects.filter(plan=plan, pk=target_pk).first()
    if target is None:
        raise Http404
    form = forms.TargetAdjustForm(request.POST, user=request.user)
    post_form_action(request, form, lambda d: services.plan_target_adjust(
        actor=request.user, target=target, klass=d["klass"], quota=d["quota"], note=d["note"]), _("已调整"))
    return redirect("enforcement:plan", pk=plan.pk)


# --- from a hazard to its case (the penalty belongs to the case file) --------------------------


def _hazard(request: HttpRequest, pk: int) -> Any:
    return get_in_scope(apps.get_model("hazards", "Hazard").objects.select_related("enterprise"), request.user,
                        "hazards.view", pk=pk, enterprise__isnull=False)


@require_action("enforcement.handle")
def hazard_case_view(request: HttpRequest, pk: int) -> HttpResponse:
    """From a hazard: open a case about it (立案) or attach it to an open case of the same party.
    Its penalty is then decided in the case and recorded against the hazard (Art. 113)."""
    hazard = _hazard(request, pk)
    form = forms.HazardCaseForm(request.POST or None, user=request.user, initial={
        "cause": _("存在事故隐患：%(d)s") % {"d": hazard.description[:60]}, "facts": hazard.description})
    if request.method == "POST" and post_form_action(request, form, lambda d: services.case_file(
            actor=request.user, department=d["department"], enterprise=hazard.enterprise, cause=d["cause"],
            facts=d["facts"], legal_basis=d["legal_basis"], hazards=[hazard]), _("已立案")):
        case = Case.objects.filter(hazards=hazard).order_by("-id").first()
        return redirect("enforcement:case", pk=case.pk) if case else redirect("hazards:detail", pk=hazard.pk)
    open_cases = (case_list(user=request.user).filter(enterprise=hazard.enterprise, procedure="general",
                                                      status__in=services.CASE_OPEN_FOR_HAZARDS)
                  .exclude(hazards=hazard).order_by("-id")[:20])
    return render(request, "enforcement/hazard_case.html", {
        "hazard": hazard, "form": form, "open_cases": [c for c in open_cases if can(request.user, "enforcement.handle", c)],
        "cases": case_list(user=request.user).filter(hazards=hazard).order_by("-id"),
    }, status=400 if form.errors else 200)


@require_POST
@require_action("enforcement.handle")
def hazard_case_attach_view(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    hazard = _hazard(request, pk)
    case = _case(request, case_pk)
    if not can(request.user, "enforcement.handle", case):
        raise Http404
    form = forms.CloseForm(request.POST, user=request.user)
    if post_form_action(request, form, lambda d: services.case_attach_hazard(
            actor=request.user, case=case, hazard=hazard, note=d["note"]), _("已关联到案件")):
        return redirect("enforcement:case", pk=case.pk)
    return redirect("enforcement:hazard_case", pk=hazard.pk)


def hazard_links(request: HttpRequest, hazard: Any) -> list[tuple[str, str, str]]:
    """What the hazard page shows of enforcement: the cases about it, and 立案查处 / 关联案件 for a
    user who may open cases about its enterprise (registered in ``apps.ready``)."""
    if not hazard.enterprise_id or not has_action(request.user, "enforcement.view"):
        return []
    out = [(_("执法案件 %(n)s（%(s)s）") % {"n": c.number or c.pk, "s": c.get_status_display()},
            reverse("enforcement:case", args=[c.pk]), "link")
           for c in case_list(user=request.user).filter(hazards=hazard).order_by("-id")[:10]]
    if has_action(request.user, "enforcement.handle") and scope_allows(
            request.user, "enforcement.handle", jurisdiction=hazard.enterprise.jurisdiction,
            sector=hazard.enterprise.sector, enterprise=hazard.enterprise):
        out.append((_("立案查处 / 关联到执法案件"), reverse("enforcement:hazard_case", args=[hazard.pk]), "primary"))
    return out


# --- the classification rule set -------------------------------------------------------------


def _rule_conditions(rule: Any, sectors: dict[str, str]) -> str:
    """A rule's conditions in words (the summary table); "" when it matches every enterprise."""
    grade_names = dict(forms.GRADE_CHOICES)
    credit_names = dict(forms.CREDIT_CHOICES)
    parts = []
    if rule.sector_code:
        parts.append(_("行业：%(s)s") % {"s": sectors.get(rule.sector_code, rule.sector_code)})
    if rule.risk_colours:
        parts.append(_("风险：%(s)s") % {"s": _("、").join(str(RiskColour(c).label) for c in rule.risk_colours
                                                         if c in RiskColour.values)})
    if rule.grades:
        parts.append(_("标准化：%(s)s") % {"s": _("、").join(str(grade_names["none" if g == "" else g])
                                                          for g in rule.grades)})
    if rule.credits:
        parts.append(_("信用：%(s)s") % {"s": _("、").join(str(credit_names["normal" if c == "" else c])
                                                        for c in rule.credits)})
    if rule.min_accidents_3y is not None:
        parts.append(_("三年内事故 ≥ %(n)s 起") % {"n": rule.min_accidents_3y})
    if rule.min_penalties_1y is not None:
        parts.append(_("一年内处罚 ≥ %(n)s 次") % {"n": rule.min_penalties_1y})
    if rule.flag:
        parts.append(_("标识：%(s)s") % {"s": "".join(flag_labels([rule.flag]))})
    return _("；").join(parts)


@require_action("enforcement.plan")
def rules_view(request: HttpRequest) -> HttpResponse:
    """A department's classification rule set (安全生产法 Art. 62(2)): the set in force as a
    table, and the editor (rows added, removed, reordered) saved through ``services.rules_set``."""
    chooser = forms.RulesDepartmentForm(request.GET or None, user=request.user)
    if request.GET.get("department"):
        if not chooser.is_valid():  # unknown, or a department the user may not plan for
            raise Http404
        department = chooser.cleaned_data["department"]
    else:
        department = chooser.fields["department"].queryset.first()  # type: ignore[attr-defined]
        chooser = forms.RulesDepartmentForm(initial={"department": department}, user=request.user)
    stored = list(ClassificationRule.objects.filter(department=department).order_by("order", "id")) if department else []
    current = stored or ([ClassificationRule(department=department, **spec) for spec in services.DEFAULT_RULES]
                         if department else [])
    may_edit = department is not None and can(request.user, "enforcement.plan", department)
    if request.method == "POST":  # the posted rows stand on their own (no initial: a kept default row is kept)
        rows = forms.RuleRows(request.POST, prefix="rules", user=request.user)
    else:
        rows = forms.RuleRows(prefix="rules", user=request.user, initial=[forms.rule_initial(r) for r in current])
    note_form = forms.RulesNoteForm(request.POST if request.method == "POST" else None)
    error, status = "", 200
    if request.method == "POST":
        if not may_edit:
            raise Http404
        try:
            if request.POST.get("action") == "reset":
                if not note_form.is_valid():
                    raise form_refusal(note_form)
                services.rules_reset_default(actor=request.user, department=department)
                messages.success(request, _("已恢复默认规则"))
                return redirect(f"{request.path}?department={department.pk}")
            if not rows.is_valid() or not note_form.is_valid():
                raise form_refusal(note_form) if rows.is_valid() else DomainError(
                    "请检查标红的规则：" + rows_errors_zh(rows), "Check the rules marked in red: " + rows_errors_en(rows),
                    field="rows")
            services.rules_set(actor=request.user, department=department, rows=forms.rule_rows(rows),
                               note=note_form.cleaned_data["note"])
        except DomainError as exc:
            if exc.status == 404:
                raise Http404 from exc
            error, status = exc.message, 400
        else:
            messages.success(request, _("分类分级规则已保存"))
            return redirect(f"{request.path}?department={department.pk}")
    codes = {r.sector_code for r in current if r.sector_code}
    sectors = {s.code: f"{s.code} {s.name}" for s in Sector.objects.filter(code__in=codes)}
    return render(request, "enforcement/rules.html", {
        "department": department, "chooser": chooser, "rows": rows, "note_form": note_form, "may_edit": may_edit,
        "current": [(r, _rule_conditions(r, sectors)) for r in current], "is_default": not stored,
        "error": error, "events": timeline_for(department).filter(verb__startswith="enforcement.rules")
        if department else [],
    }, status=status)


def _row_errors(rows: Any) -> list[tuple[int, str, list[str]]]:
    out = []
    for n, form in enumerate(rows.forms, start=1):
        for name, errs in form.errors.items():
            out.append((n, name, [str(e) for e in errs]))
    out += [(0, "", [str(e) for e in rows.non_form_errors()])] if rows.non_form_errors() else []
    return out


def rows_errors_zh(rows: Any) -> str:
    with translation.override("zh-hans"):
        return "；".join(f"第 {n} 行 {rows.forms[n - 1].fields[name].label if n and name in rows.forms[n - 1].fields else ''}"
                        f"{'、'.join(str(m) for m in msgs)}" for n, name, msgs in _row_errors(rows)) or "格式有误"


def rows_errors_en(rows: Any) -> str:
    with translation.override("en"):
        return "; ".join(f"row {n} {rows.forms[n - 1].fields[name].label if n and name in rows.forms[n - 1].fields else ''}: "
                         f"{' '.join(str(m) for m in msgs)}" for n, name, msgs in _row_errors(rows)) or "invalid input"


# --- draws ----------------------------------------------------------------------------------


@require_action("enforcement.draw")
def draw_list_view(request: HttpRequest) -> HttpResponse:
    form = forms.DrawForm(request.POST or None, user=request.user)
    if request.method == "POST" and post_form_action(request, form, lambda d: services.draw_run(
            actor=request.user, department=d["matter"].department, jurisdiction=d["jurisdiction"],
            matter=d["matter"], ratio_percent=d["ratio_percent"], seed=d["seed"]), _("已抽取")):
        draw = draw_list(user=request.user).order_by("-id").first()
        if draw is not None:
            return redirect("enforcement:draw", pk=draw.pk)
    page = keyset_page(draw_list(user=request.user), request.GET, sort="-id", size=20)
    return render(request, "enforcement/draws.html", {"page": page, "query": "", "form": form})


def _draw(request: HttpRequest, pk: int) -> RandomDraw:
    return get_in_scope(RandomDraw.objects.select_related("department", "jurisdiction", "matter"), request.user,
                        "enforcement.view", pk=pk)


@require_action("enforcement.view")
def draw_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    draw = _draw(request, pk)
    return render(request, "enforcement/draw.html", {
        "draw": draw, "picks": draw.picks.select_related("enterprise").prefetch_related("inspectors"),
        "verified": services.draw_verify(draw), "can_publish": can(request.user, "enforcement.draw", draw),
        "progress": draw_progress(draw), "can_inspect": has_action(request.user, "enforcement.inspect"),
        "done_picks": set(draw.picks.filter(inspections__status=InspectionStatus.DONE).values_list("pk", flat=True)),
        "events": timeline_for(draw),
    })


@require_POST
@require_action("enforcement.draw")
def draw_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    draw = _draw(request, pk)
    post_form_action(request, forms.NoteForm(request.POST, user=request.user),
                     lambda d: services.draw_publish(actor=request.user, draw=draw), _("已公示"))
    return redirect("enforcement:draw", pk=draw.pk)


def public_draws_view(request: HttpRequest) -> HttpResponse:
    """The public site's 双随机 results (一公开): no login; published draws only."""
    return render(request, "enforcement/public_draws.html", {"draws": published_draws()[:50]})



# --- standardisation and occupational health ---------------------------------------------------


@require_action("enforcement.view")
def std_list_view(request: HttpRequest) -> HttpResponse:
    form = forms.StdCertForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not has_action(request.user, "enforcement.plan"):
            raise Http404
        if post_form_action(request, form, lambda d: services.std_cert_record(
                actor=request.user, enterprise=d["enterprise"], grade=d["grade"], number=d["number"],
                issuer=d["issuer"], issued_on=d["issued_on"], standard=d["standard"]), _("已录入")):
            return redirect("enforcement:standardization")
    qs = StandardizationCert.objects.restrict(request.user, "enforcement.view").select_related("enterprise")
    page = keyset_page(qs, request.GET, sort="-id", size=20)
    assessments = SelfAssessment.objects.restrict(request.user, "enforcement.view").select_related(
        "enterprise", "version__template")[:20]
    return render(request, "enforcement/standardization.html", {
        "page": page, "query": "", "today": timezone.localdate(), "assessments": assessments,
        "form": form if has_action(request.user, "enforcement.plan") else None,
        "self_form": forms.SelfAssessForm(user=request.user)
        if has_action(request.user, "enforcement.standardize") else None})


CREDIT_STATES = [("in_force", "管理中"), ("ended", "已移出或期满")]


@require_action("enforcement.view")
def credit_list_view(request: HttpRequest) -> HttpResponse:
    """信用名单: enterprises on the 严重失信主体名单 or a trust list, with their terms; listing and
    removal by whoever draws up the plans (the rule set reads the status)."""
    can_list = has_action(request.user, "enforcement.plan")
    form = forms.CreditListForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not can_list:
            raise Http404
        if post_form_action(request, form, lambda d: services.credit_list(
                actor=request.user, enterprise=d["enterprise"], kind=d["kind"], decision_number=d["decision_number"],
                authority=d["authority"], reason=d["reason"], listed_on=d["listed_on"]), _("已列入")):
            return redirect("enforcement:credit")
    today = timezone.localdate()
    kind, state, q = request.GET.get("kind", ""), request.GET.get("state", ""), request.GET.get("q", "").strip()
    qs = CreditListing.objects.restrict(request.user, "enforcement.view").select_related("enterprise")
    if kind in CreditKind.values:
        qs = qs.filter(kind=kind)
    if state == "in_force":
        qs = qs.filter(removed_on__isnull=True, ends_on__gte=today)
    elif state == "ended":
        qs = qs.filter(Q(removed_on__isnull=False) | Q(ends_on__lt=today))
    if q:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(decision_number__icontains=q))
    if request.GET.get("export") == "xlsx":
        return xlsx_response(qs.order_by("-listed_on", "-id"), [
            column(lambda c: c.enterprise.name, "企业"), column(lambda c: c.enterprise.credit_code, "统一社会信用代码"),
            column(lambda c: c.get_kind_display(), "名单"), column("decision_number", "决定文号"),
            column("authority", "作出决定的部门"), column("reason", "列入事由"), column("listed_on", "列入日期"),
            column("ends_on", "管理期限至"), column("removed_on", "移出日期"), column("removal_reason", "移出事由"),
        ], "信用名单.xlsx")
    page = keyset_page(qs, request.GET, sort="-id", size=20)
    if can_list:  # each row its own removal form (its own field ids)
        for row in page.rows:
            row.remove_form = forms.CreditRemoveForm(auto_id=f"id_rm{row.pk}_%s")
    return render(request, "enforcement/credit.html", {
        "page": page, "query": list_query(request.GET), "today": today, "kind": kind, "state": state, "q": q,
        "kinds": CreditKind.choices, "states": [(v, _(label)) for v, label in CREDIT_STATES],
        "form": form if can_list else None,
    })


@require_POST
@require_action("enforcement.plan")
def credit_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    listing = get_object_or_404(CreditListing.objects.restrict(request.user, "enforcement.view"), pk=pk)
    form = forms.CreditRemoveForm(request.POST)
    post_form_action(request, form, lambda d: services.credit_remove(
        actor=request.user, listing=listing, reason=d["reason"], revoked=d["revoked"],
        removed_on=d["removed_on"] or None), _("已移出"))
    return redirect("enforcement:credit")


@require_POST
@require_action("enforcement.standardize")
def self_assess_view(request: HttpRequest) -> HttpResponse:
    form = forms.SelfAssessForm(request.POST, user=request.user)

    def do(d: dict[str, Any]) -> Any:
        deductions, na = form.parsed()
        return services.self_assess(actor=request.user, enterprise=d["enterprise"], version=d["version"],
                                    deductions=deductions, not_applicable=na)

    post_form_action(request, form, do, lambda a: _("自评得分：") + str(a.score))
    return redirect("enforcement:standardization")


@require_action("enforcement.view")
def oh_view(request: HttpRequest) -> HttpResponse:
    form = forms.OhDeclareForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not has_action(request.user, "enforcement.standardize"):
            raise Http404
        if post_form_action(request, form, lambda d: services.oh_declare(
                actor=request.user, enterprise=d["enterprise"], kind=d["kind"], factors=form.factors(),
                workplaces=(d["workplaces"] or "").replace("，", ",").split(","), workers=d["workers"],
                tested_on=d["tested_on"], test_passed=d["test_passed"] if d["tested_on"] else None,
                health_checked=d["health_checked"] or 0, has_highly_toxic=d["has_highly_toxic"]), _("已申报")):
            return redirect("enforcement:occupational")
    qs = OhDeclaration.objects.restrict(request.user, "enforcement.view").select_related("enterprise")
    page = keyset_page(qs, request.GET, sort="-id", size=20)
    return render(request, "enforcement/occupational.html", {
        "page": page, "query": "", "by_district": oh_statistics(user=request.user),
        "by_sector": oh_statistics(user=request.user, by="sector"),
        "form": form if has_action(request.user, "enforcement.standardize") else None})


# --- campaigns ----------------------------------------------------------------------------------


@require_action("enforcement.view")
def campaign_list_view(request: HttpRequest) -> HttpResponse:
    may = has_action(request.user, "enforcement.plan")
    form = forms.CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not may:
            raise Http404
        if post_form_action(request, form, lambda d: services.campaign_create(
                actor=request.user, title=d["title"], field=d["field"], jurisdiction=d["jurisdiction"], lead=d["lead"],
                starts_on=d["starts_on"], ends_on=d["ends_on"], goals=d["goals"],
                sector_codes=(d["sector_codes"] or "").replace("，", ",").split(",")), _("已部署")):
            return redirect("enforcement:campaigns")
    page = keyset_page(campaign_list(user=request.user), request.GET, sort="-id", size=20)
    return render(request, "enforcement/campaigns.html", {"page": page, "query": "", "form": form if may else None})


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    return get_in_scope(Campaign.objects.select_related("jurisdiction", "lead"), request.user, "enforcement.view", pk=pk)


@require_action("enforcement.view")
def campaign_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    c = _campaign(request, pk)
    progress = campaign_progress(c)
    may = can(request.user, "enforcement.plan", c) and c.status == "active"
    return render(request, "enforcement/campaign.html", {
        "c": c, "progress": progress,
        "task_form": forms.CampaignTaskForm(user=request.user) if may else None,
        "close_form": forms.CampaignCloseForm(user=request.user) if may else None,
        "report_form": forms.CampaignReportForm(user=request.user), "events": timeline_for(c),
        "can_inspect": has_action(request.user, "enforcement.inspect"),
    })


@require_POST
@require_action("enforcement.view")
def campaign_step_view(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    c = _campaign(request, pk)
    u = request.user
    if step == "task":
        form: Any = forms.CampaignTaskForm(request.POST, user=u)
        post_form_action(request, form, lambda d: services.campaign_task_add(
            actor=u, campaign=c, department=d["department"], title=d["title"], due_on=d["due_on"]), _("已分配"))
    elif step == "close":
        form = forms.CampaignCloseForm(request.POST, user=u)
        post_form_action(request, form, lambda d: services.campaign_close(actor=u, campaign=c, summary=d["summary"]),
                         _("已总结"))
    else:
        raise Http404
    return redirect("enforcement:campaign", pk=c.pk)


@require_action("enforcement.view")
def campaign_task_view(request: HttpRequest, task_pk: int) -> HttpResponse:
    """A department's task of a campaign (where its to-do leads): the campaign in brief and the
    report form. Reached through the task's own scope (the responsible department)."""
    task = get_in_scope(CampaignTask.objects.select_related("campaign__jurisdiction", "campaign__lead", "department"),
                        request.user, "enforcement.view", pk=task_pk)
    form = forms.CampaignReportForm(request.POST or None, user=request.user)
    if request.method == "POST":
        post_form_action(request, form, lambda d: services.campaign_task_done(actor=request.user, task=task,
                                                                              report=d["report"]), _("已报告"))
        return redirect("enforcement:campaign_task", task_pk=task.pk)
    return render(request, "enforcement/campaign_task.html", {
        "t": task, "c": task.campaign, "can_inspect": can(request.user, "enforcement.inspect", task),
        "form": form if not task.done_on and can(request.user, "enforcement.inspect", task) else None})


@require_action("enforcement.view")
def campaign_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    c = _campaign(request, pk)
    data = documents.campaign_report(c, campaign_progress(c)).to_bytes()
    return bytes_response(data, f"{c.title}-{_('工作总结')}.docx")


@require_action("enforcement.view")
def policy_view(request: HttpRequest) -> HttpResponse:
    """执法设置: the city's "较大数额罚款" for the hearing right. The city office (or a city department
    that approves cases) edits; everyone else who may see enforcement reads their city's settings."""
    city = next((j for j in Jurisdiction.objects.restrict(request.user, "enforcement.approve")
                 .filter(level=JurisdictionLevel.CITY).order_by("path")[:1]), None)
    editable = city is not None
    if city is None:  # a district or a department below the city reads its city's settings
        own = Jurisdiction.objects.restrict(request.user, "enforcement.view").order_by("depth", "path").first()
        city = city_of(own)
        if city is None:
            raise Http404
    current = policy_for(city)
    form = forms.PolicyForm(request.POST or None, instance=Policy(
        **{f: getattr(current, f) for f in services.POLICY_FIELDS}))
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            try:
                services.policy_save(actor=request.user, jurisdiction=city,
                                     data={f: form.cleaned_data[f] for f in services.POLICY_FIELDS})
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("已保存执法设置"))
                return redirect("enforcement:policy")
    return render(request, "enforcement/policy.html", {
        "form": form, "city": city, "editable": editable, "saved": current.pk is not None,
        "events": timeline_for(current) if current.pk else [],
    }, status=400 if form.errors else 200)
