"""Enforcement pages: inspections on a phone, the case file, plans and 双随机 draws."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.audit.selectors import timeline_for
from anjian.core.pagination import keyset_page
from anjian.core.scoping import can, get_in_scope, has_action
from anjian.core.views import post_form_action, require_action
from anjian.documents.exports import bytes_response
from anjian.enforcement import documents, forms, services
from anjian.enforcement.models import (
    Campaign,
    CampaignTask,
    Case,
    CaseStatus,
    Disposition,
    DocKind,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    OhDeclaration,
    PlanStatus,
    PlanTarget,
    RandomDraw,
    SelfAssessment,
    StandardizationCert,
)
from anjian.enforcement.selectors import (
    campaign_list,
    campaign_progress,
    case_deadlines_estimated,
    case_documents,
    case_list,
    case_transitions,
    draw_list,
    inspection_list,
    oh_statistics,
    plan_list,
    plan_progress,
    published_draws,
)
from anjian.enforcement.workflow import PLAN_WORKFLOW


def _deadline_label(key: str) -> str:
    labels = {
        "decision": _("作出处罚决定期限（行政处罚法第六十条）"),
        "hearing": _("陈述申辩、申请听证期限（第六十四条，工作日）"),
        "delivery": _("送达决定书期限（第六十一条，工作日）"),
        "payment": _("缴纳罚款期限（第六十七条）"),
        "review": _("申请行政复议期限（行政复议法第二十条）"),
        "lawsuit": _("提起行政诉讼期限（行政诉讼法第四十六条）"),
    }
    return labels[key]


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
}


def _steps(case: Case, user: Any) -> list[tuple[str, str, Any]]:
    """The steps this user may take on the case now, with their forms (label, key, form)."""
    today = timezone.localdate()
    out: list[tuple[str, str, Any]] = []
    targets = {t.target: t for t in case_transitions(case=case, user=user)}
    if CaseStatus.NOTIFIED in targets:
        out.append((_("送达行政处罚告知书"), "notify", forms.NotifyForm(user=user, initial={
            "facts": case.facts, "legal_basis": case.legal_basis, "penalty_basis": case.penalty_basis})))
    if CaseStatus.HEARD in targets:
        out.append((_("陈述申辩 / 申请听证"), "respond", forms.RespondForm(user=user)))
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
    form = forms.InspectionStartForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ok = post_form_action(request, form, lambda d: services.inspection_start(
            actor=request.user, department=d["inspector_1"].department, enterprise=d["enterprise"],
            inspectors=[d["inspector_1"], d["inspector_2"]], kind=d["kind"], place=d["place"]), _("已开始检查"))
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


@require_POST
@require_action("enforcement.view")
def inspection_step_view(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    insp = _inspection(request, pk)
    u = request.user
    if step == "finding":
        form: Any = forms.FindingForm(request.POST, user=u)
        post_form_action(request, form, lambda d: services.finding_add(
            actor=u, inspection=insp, description=d["description"], disposition=d["disposition"],
            checklist_item=d["checklist_item"],
            is_major=d["is_major"], legal_basis=d["legal_basis"], lng=d["lng"], lat=d["lat"],
            accuracy_m=d["accuracy"], photos=request.FILES.getlist("photos")), _("已记录"))
    elif step == "complete":
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
    if request.method == "POST" and post_form_action(request, form, lambda d: services.plan_generate(
            actor=request.user, department=d["department"], jurisdiction=d["jurisdiction"], year=d["year"]),
            _("计划已生成")):
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
        "t": task, "c": task.campaign,
        "form": form if not task.done_on and can(request.user, "enforcement.inspect", task) else None})


@require_action("enforcement.view")
def campaign_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    c = _campaign(request, pk)
    data = documents.campaign_report(c, campaign_progress(c)).to_bytes()
    return bytes_response(data, f"{c.title}-{_('工作总结')}.docx")
