from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.audit.selectors import timeline_for
from anjian.core.errors import DomainError
from anjian.core.pagination import keyset_page
from anjian.core.scoping import can, get_in_scope, has_action
from anjian.core.views import post_form_action, require_action
from anjian.documents.exports import Column, bytes_response, xlsx_response
from anjian.documents.uploads import refuse_oversize
from anjian.emergency import services
from anjian.emergency.documents import registration_bytes
from anjian.emergency.forms import (
    AlertForm,
    AlertImportForm,
    CloseForm,
    DrillRecordForm,
    DutyFilterForm,
    DutyShiftForm,
    EvaluateForm,
    ExpertForm,
    IncidentForm,
    LawFilterForm,
    LawForm,
    LogForm,
    MovementForm,
    NoteForm,
    PlanFilterForm,
    PlanForm,
    PublishForm,
    ReadinessForm,
    ReasonForm,
    ReviewForm,
    RevisionForm,
    ShelterForm,
    TeamForm,
    TeamMemberForm,
    WarehouseForm,
)
from anjian.emergency.models import (
    AlertStatus,
    CapAlert,
    Drill,
    DutyShift,
    EmergencyPlan,
    Expert,
    Incident,
    IncidentSource,
    LawEntry,
    PlanStatus,
    Shelter,
    StockMovement,
    Team,
    Warehouse,
)
from anjian.emergency.selectors import (
    active_alerts,
    alerts_in_scope,
    compliance,
    compliance_by_area,
    coverage_gaps,
    drill_obligations,
    duty_shifts,
    incident_points,
    law_citations,
    law_list,
    nearest_resources,
    on_duty_now,
    plan_list,
    resource_points,
    risk_gaps,
    rule_index,
    stock_alerts,
)
from anjian.emergency.workflow import PLAN_WORKFLOW
from anjian.rules.emergency import REVISION_TRIGGERS


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    for key in ("after", "before"):
        query.pop(key, None)
    return query.urlencode()


def _save_form(request: HttpRequest, form: Any, template: str, do: Any, ctx: dict[str, Any] | None = None) -> Any:
    """Validate, call the service, or render the form again with the errors (422)."""
    if request.method == "POST" and form.is_valid():
        try:
            return do(form.cleaned_data)
        except DomainError as exc:
            if exc.status == 404:
                raise Http404 from exc
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(request, template, {"form": form, **(ctx or {})}, status=422 if form.errors else 200)


# --- plans ---------------------------------------------------------------------------------


@require_action("emergency.view")
def plan_list_view(request: HttpRequest) -> HttpResponse:
    form = PlanFilterForm(request.GET or None)
    qs = plan_list(user=request.user, filters=form.filters())
    page = keyset_page(qs, request.GET, sort="-id", size=20)
    return render(request, "emergency/plans.html", {
        "form": form, "page": page, "query": _query(request), "can_add": has_action(request.user, "emergency.plan"),
        "queue": plan_list(user=request.user).filter(status=PlanStatus.SUBMITTED).count()
        if has_action(request.user, "emergency.file") else None,
    })


@require_action("emergency.plan")
def plan_new_view(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST or None, user=request.user)

    def do(d: dict[str, Any]) -> HttpResponse:
        plan = services.plan_create(actor=request.user, plan_type=d["plan_type"], title=d["title"],
                                    enterprise=d["enterprise"], jurisdiction=d["jurisdiction"],
                                    department=d["department"], accident_types=form.types(), summary=d["summary"],
                                    response_card=d["response_card"])
        messages.success(request, _("预案已保存为草稿"))
        return redirect("emergency:plan_detail", pk=plan.pk)

    return _save_form(request, form, "emergency/form.html", do, {"title": _("编制应急预案"), "back": "emergency:plans"})


def _plan(request: HttpRequest, pk: int) -> EmergencyPlan:
    return get_in_scope(EmergencyPlan.objects.select_related(
        "enterprise", "jurisdiction", "department", "sector", "filing_department", "filing_jurisdiction", "previous"),
        request.user, "emergency.view", pk=pk)


@require_action("emergency.view")
def plan_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    p = _plan(request, pk)
    user = request.user
    may_plan = can(user, "emergency.plan", p) and services.acts_for_unit(user, p)
    in_force = p.status not in (PlanStatus.DRAFT, PlanStatus.SUPERSEDED)
    transitions = [t for t in PLAN_WORKFLOW.available(p, user)
                   if t.target not in (PlanStatus.PUBLISHED, PlanStatus.SUPERSEDED)
                   and (t.action != "emergency.file" or services.acts_for_authority(user, p))
                   and (t.target != PlanStatus.SUBMITTED or (p.must_file and may_plan))]
    triggers = {c: zh for c, zh, _en in REVISION_TRIGGERS}
    return render(request, "emergency/plan_detail.html", {
        "p": p, "events": timeline_for(p), "reviews": p.reviews.all(),
        "drills": Drill.objects.filter(plan=p).order_by("-held_on")[:20],
        "triggers": [(t, triggers.get(t.code, t.code)) for t in p.revision_triggers.all()],
        "transitions": [(t, NoteForm(prefix=t.target)) for t in transitions],
        "publish_form": PublishForm(initial={"signed_by": p.enterprise.principal if p.enterprise_id else ""})
        if p.status == PlanStatus.DRAFT and may_plan else None,
        "review_form": ReviewForm(initial={"held_on": timezone.localdate()}) if p.status == PlanStatus.DRAFT and may_plan
        else None,
        "evaluate_form": EvaluateForm() if in_force and may_plan else None,
        "revision_form": RevisionForm() if in_force and (may_plan or can(user, "emergency.file", p)) else None,
        "can_version": in_force and may_plan and not EmergencyPlan.objects.filter(previous=p).exists(),
        "can_supersede": p.status in (PlanStatus.PUBLISHED, PlanStatus.FILED) and may_plan,
        "today": timezone.localdate(),
    })


@require_action("emergency.view")
def plan_card_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The response card (应急处置卡, Art. 19) and the simplified version, printable on a phone."""
    p = _plan(request, pk)
    return render(request, "emergency/plan_card.html", {"p": p, "steps": [s for s in p.response_card.splitlines() if s.strip()]})


@require_action("emergency.view")
def plan_registration_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The filing registration form (备案登记表) as Word."""
    p = _plan(request, pk)
    if p.status != PlanStatus.FILED:
        raise Http404
    return bytes_response(registration_bytes(p), f"{_('应急预案备案登记表')}-{p.filing_number}.docx")


@require_POST
@require_action("emergency.view")
def plan_action_view(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    p = _plan(request, pk)
    user = request.user
    actions: dict[str, tuple[Any, Any, str]] = {
        "publish": (PublishForm(request.POST), lambda d: services.plan_publish(
            actor=user, plan=p, signed_by=d["signed_by"], published_on=d["published_on"]), _("预案已签署公布")),
        "review": (ReviewForm(request.POST), lambda d: services.plan_review_record(
            actor=user, plan=p, kind=d["kind"], held_on=d["held_on"], experts=d["experts"],
            conclusion=d["conclusion"], passed=d["passed"]), _("评审已记录")),
        "evaluate": (EvaluateForm(request.POST), lambda d: services.plan_evaluate(
            actor=user, plan=p, evaluated_on=d["evaluated_on"], conclusion=d["conclusion"], revise=d["revise"]),
            _("评估已记录")),
        "revision": (RevisionForm(request.POST), lambda d: services.plan_revision_raise(
            actor=user, plan=p, code=d["code"], note=d["note"]), _("已提出修订")),
        PlanStatus.SUBMITTED: (NoteForm(request.POST, prefix="submitted"), lambda d: services.plan_submit(
            actor=user, plan=p, note=d["note"]), _("已提交备案")),
        PlanStatus.FILED: (NoteForm(request.POST, prefix="filed"), lambda d: services.plan_accept(
            actor=user, plan=p, note=d["note"]), _("已准予备案")),
        PlanStatus.RETURNED: (NoteForm(request.POST, prefix="returned"), lambda d: services.plan_return(
            actor=user, plan=p, note=d["note"] or ""), _("已退回补正")),
        PlanStatus.SUPERSEDED: (NoteForm(request.POST, prefix="superseded"), lambda d: _supersede(user, p, d["note"]),
                                _("预案已废止")),
    }
    if what == "version":
        try:
            new = services.plan_new_version(actor=user, plan=p)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("emergency:plan_detail", pk=p.pk)
        messages.success(request, _("已创建新版本草稿"))
        return redirect("emergency:plan_detail", pk=new.pk)
    if what not in actions:
        raise Http404
    form, do, ok = actions[what]
    post_form_action(request, form, do, ok)
    return redirect("emergency:plan_detail", pk=p.pk)


def _supersede(user: Any, p: EmergencyPlan, note: str) -> None:
    services.plan_supersede(actor=user, plan=p, note=note)


@require_action("emergency.view")
def coverage_gaps_view(request: HttpRequest) -> HttpResponse:
    return render(request, "emergency/gaps.html", {"gaps": coverage_gaps(user=request.user),
                                                   "risks": risk_gaps(user=request.user)})


# --- drills --------------------------------------------------------------------------------


@require_action("emergency.view")
def drill_list_view(request: HttpRequest) -> HttpResponse:
    qs = Drill.objects.restrict(request.user, "emergency.view").select_related("plan", "enterprise", "jurisdiction")
    page = keyset_page(qs, request.GET, sort="-id", size=20)
    return render(request, "emergency/drills.html", {"page": page, "query": _query(request),
                                                     "can_add": has_action(request.user, "emergency.drill")})


@require_action("emergency.drill")
def drill_new_view(request: HttpRequest) -> HttpResponse:
    initial = {}
    if (plan_id := request.GET.get("plan", "")).isdigit():
        initial["plan"] = int(plan_id)
    form = DrillRecordForm(request.POST or None, user=request.user, initial=initial)

    def do(d: dict[str, Any]) -> HttpResponse:
        services.drill_record(actor=request.user, plan=d["plan"], enterprise=d["enterprise"], title=d["title"],
                              topic=d["topic"], content=d["content"], form=d["form"], purpose=d["purpose"],
                              held_on=d["held_on"], participants=d["participants"], evaluation=d["evaluation"],
                              problems=d["problems"])
        messages.success(request, _("演练已记录"))
        return redirect("emergency:drills")

    return _save_form(request, form, "emergency/form.html", do, {"title": _("记录应急演练"), "back": "emergency:drills"})


@require_action("emergency.view")
def obligations_view(request: HttpRequest) -> HttpResponse:
    rows = drill_obligations(user=request.user)
    return render(request, "emergency/obligations.html", {"rows": rows[:500], "total": len(rows),
                                                          "summary": compliance(rows),
                                                          "areas": compliance_by_area(rows, user=request.user)})


# --- teams, experts, warehouses --------------------------------------------------------------


@require_action("emergency.view")
def team_list_view(request: HttpRequest) -> HttpResponse:
    qs = Team.objects.restrict(request.user, "emergency.view").select_related("jurisdiction", "enterprise")
    page = keyset_page(qs, request.GET, sort="-id", size=20)
    return render(request, "emergency/teams.html", {"page": page, "query": _query(request),
                                                    "can_add": has_action(request.user, "emergency.resource")})


@require_action("emergency.resource")
def team_new_view(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None, user=request.user)

    def do(d: dict[str, Any]) -> HttpResponse:
        services.team_create(actor=request.user, name=d["name"], kind=d["kind"], enterprise=d["enterprise"],
                             jurisdiction=d["jurisdiction"], lng=d["lng"], lat=d["lat"], specialties=d["specialties"],
                             equipment=d["equipment"], leader=d["leader"], phone=d["phone"], address=d["address"],
                             readiness=d["readiness"])
        messages.success(request, _("队伍已登记"))
        return redirect("emergency:teams")

    return _save_form(request, form, "emergency/form.html", do, {"title": _("登记救援队伍"), "back": "emergency:teams"})


@require_action("emergency.view")
def expert_list_view(request: HttpRequest) -> HttpResponse:
    experts = Expert.objects.restrict(request.user, "emergency.view").select_related("jurisdiction")
    page = keyset_page(experts, request.GET, sort="-id", size=20)
    shelters = Shelter.objects.restrict(request.user, "emergency.view").select_related("jurisdiction")[:50]
    return render(request, "emergency/experts.html", {"page": page, "query": _query(request), "shelters": shelters,
                                                      "can_add": has_action(request.user, "emergency.resource")})


@require_action("emergency.view")
def warehouse_list_view(request: HttpRequest) -> HttpResponse:
    qs = Warehouse.objects.restrict(request.user, "emergency.view").select_related("jurisdiction", "enterprise")
    page = keyset_page(qs, request.GET, sort="-id", size=20)
    return render(request, "emergency/warehouses.html", {
        "page": page, "query": _query(request), "can_add": has_action(request.user, "emergency.resource"),
        "alerts": stock_alerts(user=request.user)[:50], "today": timezone.localdate(),
    })


@require_action("emergency.resource")
def warehouse_new_view(request: HttpRequest) -> HttpResponse:
    form = WarehouseForm(request.POST or None, user=request.user)

    def do(d: dict[str, Any]) -> HttpResponse:
        wh = services.warehouse_create(actor=request.user, name=d["name"], enterprise=d["enterprise"],
                                       jurisdiction=d["jurisdiction"], lng=d["lng"], lat=d["lat"], keeper=d["keeper"],
                                       phone=d["phone"], address=d["address"])
        messages.success(request, _("仓库已登记"))
        return redirect("emergency:warehouse_detail", pk=wh.pk)

    return _save_form(request, form, "emergency/form.html", do, {"title": _("登记物资仓库"), "back": "emergency:warehouses"})


@require_action("emergency.view")
def warehouse_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    wh = get_in_scope(Warehouse.objects.select_related("jurisdiction", "enterprise"), request.user, "emergency.view", pk=pk)
    return render(request, "emergency/warehouse_detail.html", {
        "wh": wh, "stocks": wh.stocks.all(), "today": timezone.localdate(),
        "movements": StockMovement.objects.filter(stock__warehouse=wh).select_related("stock", "actor")[:100],
        "form": MovementForm(user=request.user) if can(request.user, "emergency.resource", wh) else None,
    })


@require_POST
@require_action("emergency.resource")
def warehouse_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    wh = get_in_scope(Warehouse.objects.all(), request.user, "emergency.view", pk=pk)
    form = MovementForm(request.POST, user=request.user)
    user = request.user

    def do(d: dict[str, Any]) -> Any:
        kind = d["kind"]
        if kind == "receipt":
            return services.stock_receive(actor=user, warehouse=wh, material=d["material"], quantity=d["quantity"],
                                          unit=d["unit"], expires_on=d["expires_on"], minimum=d["minimum"],
                                          note=d["note"])
        if kind == "issue":
            return services.stock_issue(actor=user, warehouse=wh, material=d["material"], quantity=d["quantity"],
                                        note=d["note"])
        if kind == "transfer":
            if d["destination"] is None:
                raise DomainError("请选择调入仓库", "Choose the destination", field="destination")
            return services.stock_transfer(actor=user, source=wh, destination=d["destination"],
                                           material=d["material"], quantity=d["quantity"], note=d["note"])
        return services.stock_count(actor=user, warehouse=wh, material=d["material"], counted=d["quantity"],
                                    note=d["note"])

    post_form_action(request, form, do, _("已记账"))
    return redirect("emergency:warehouse_detail", pk=wh.pk)


# --- incidents -----------------------------------------------------------------------------


@require_action("emergency.view")
def incident_list_view(request: HttpRequest) -> HttpResponse:
    qs = Incident.objects.restrict(request.user, "emergency.view").select_related("jurisdiction", "enterprise")
    page = keyset_page(qs, request.GET, sort="-id", size=20)
    return render(request, "emergency/incidents.html", {"page": page, "query": _query(request),
                                                        "can_add": has_action(request.user, "emergency.command")})


@require_action("emergency.command")
def incident_new_view(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    alert = None
    if (alert_id := request.GET.get("alert", "")).isdigit():
        alert = alerts_in_scope(request.user).filter(pk=alert_id).first()
        if alert is not None:
            initial = {"title": alert.headline_zh, "description": alert.description_zh, "address": alert.area_desc}
    form = IncidentForm(request.POST or None, user=request.user, initial=initial)

    def do(d: dict[str, Any]) -> HttpResponse:
        accident, alarm, ent = d["accident"], d["alarm"], d["enterprise"]
        lng, lat = d["lng"], d["lat"]
        source = IncidentSource.CAP if request.POST.get("from_alert") else IncidentSource.DIRECT
        if accident is not None:
            source = IncidentSource.ACCIDENT
            lng, lat = lng or accident.lng or (accident.enterprise.lng if accident.enterprise_id else None), \
                lat or accident.lat or (accident.enterprise.lat if accident.enterprise_id else None)
        elif alarm is not None:
            source = IncidentSource.ALARM
            lng, lat = lng or alarm.enterprise.lng, lat or alarm.enterprise.lat
        elif ent is not None:
            lng, lat = lng or ent.lng, lat or ent.lat
        if lng is None or lat is None:
            raise DomainError("请填写事件位置（经纬度）", "The place (longitude, latitude) is required", field="lng")
        inc = services.incident_open(actor=request.user, title=d["title"], lng=lng, lat=lat, source=source,
                                     accident=accident, alarm=alarm, enterprise=ent, description=d["description"],
                                     needs=d["needs"], address=d["address"], commander=d["commander"])
        messages.success(request, _("已启动应急处置"))
        return redirect("emergency:incident_detail", pk=inc.pk)

    return _save_form(request, form, "emergency/form.html", do, {"title": _("启动应急处置"), "back": "emergency:incidents",
                                                                  "from_alert": alert})


def _incident(request: HttpRequest, pk: int) -> Incident:
    return get_in_scope(Incident.objects.select_related("jurisdiction", "enterprise"), request.user, "emergency.view", pk=pk)


@require_action("emergency.view")
def incident_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    inc = _incident(request, pk)
    may = can(request.user, "emergency.command", inc) and inc.status == "open"
    return render(request, "emergency/incident_detail.html", {
        "inc": inc, "near": nearest_resources(user=request.user, incident=inc),
        "logs": inc.logs.select_related("team", "actor"), "events": timeline_for(inc),
        "log_form": LogForm(user=request.user) if may else None, "close_form": CloseForm() if may else None,
    })


@require_POST
@require_action("emergency.command")
def incident_log_view(request: HttpRequest, pk: int) -> HttpResponse:
    inc = _incident(request, pk)
    form = LogForm(request.POST, user=request.user)
    post_form_action(request, form, lambda d: services.incident_log_add(
        actor=request.user, incident=inc, kind=d["kind"], text=d["text"], team=d["team"]), _("已记录"))
    return redirect("emergency:incident_detail", pk=inc.pk)


@require_POST
@require_action("emergency.command")
def incident_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    inc = _incident(request, pk)
    form = CloseForm(request.POST)
    post_form_action(request, form, lambda d: services.incident_close(actor=request.user, incident=inc,
                                                                      review=d["review"]), _("处置已结束"))
    return redirect("emergency:incident_detail", pk=inc.pk)


# --- CAP alerts ----------------------------------------------------------------------------


@require_action("emergency.view")
def alert_list_view(request: HttpRequest) -> HttpResponse:
    qs = alerts_in_scope(request.user)
    if request.GET.get("direction") in ("in", "out"):
        qs = qs.filter(direction=request.GET["direction"])
    page = keyset_page(qs, request.GET, sort="-id", size=20)
    return render(request, "emergency/alerts.html", {
        "page": page, "query": _query(request), "direction": request.GET.get("direction", ""),
        "can_add": has_action(request.user, "emergency.alert"),
        "can_import": has_action(request.user, "emergency.alert_import"),
    })


@require_action("emergency.alert")
def alert_new_view(request: HttpRequest) -> HttpResponse:
    original = None
    msg_type = request.GET.get("type", "Alert") if request.method == "GET" else request.POST.get("msg_type", "Alert")
    if (orig_id := (request.GET.get("original") or request.POST.get("original") or "")).isdigit():
        original = get_in_scope(CapAlert.objects.all(), request.user, "emergency.view", pk=orig_id)
    initial: dict[str, Any] = {}
    if original is not None:
        initial = {f: getattr(original, f) for f in (
            "event", "urgency", "severity", "certainty", "headline_zh", "headline_en", "description_zh",
            "description_en", "instruction_zh", "instruction_en", "area_desc")}
        initial.update(jurisdiction=original.jurisdiction_id, polygons="\n".join(original.polygons),
                       circles="\n".join(original.circles))
    form = AlertForm(request.POST or None, user=request.user, initial=initial)

    def do(d: dict[str, Any]) -> HttpResponse:
        alert = services.alert_create(
            actor=request.user, jurisdiction=d["jurisdiction"], event=d["event"], urgency=d["urgency"],
            severity=d["severity"], certainty=d["certainty"], headline_zh=d["headline_zh"],
            headline_en=d["headline_en"], description_zh=d["description_zh"], description_en=d["description_en"],
            instruction_zh=d["instruction_zh"], instruction_en=d["instruction_en"], area_desc=d["area_desc"],
            polygons=form.lines(d["polygons"]), circles=form.lines(d["circles"]), expires=d["expires"],
            original=original, msg_type=msg_type if original is not None else "Alert")
        messages.success(request, _("预警草稿已保存，待审核"))
        return redirect("emergency:alert_detail", pk=alert.pk)

    title = {"Update": _("更新预警"), "Cancel": _("取消预警")}.get(msg_type, _("编写预警")) if original else _("编写预警")
    return _save_form(request, form, "emergency/form.html", do, {
        "title": title, "back": "emergency:alerts",
        "hidden": {"original": original.pk, "msg_type": msg_type} if original else None})


def _alert(request: HttpRequest, pk: int) -> CapAlert:
    alert = alerts_in_scope(request.user).select_related("jurisdiction", "original").filter(pk=pk).first()
    if alert is None:
        raise Http404
    return alert


@require_action("emergency.view")
def alert_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    a = _alert(request, pk)
    may_approve = can(request.user, "emergency.alert_approve", a)
    return render(request, "emergency/alert_detail.html", {
        "a": a, "events": timeline_for(a),
        "can_approve": may_approve and a.status == AlertStatus.DRAFT and a.created_by_id != request.user.pk,
        "can_publish": may_approve and a.status == AlertStatus.APPROVED,
        "can_follow": a.direction == "out" and a.status == AlertStatus.PUBLISHED and a.msg_type != "Cancel"
        and can(request.user, "emergency.alert", a),
        "can_incident": has_action(request.user, "emergency.command"),
    })


@require_action("emergency.view")
def alert_xml_view(request: HttpRequest, pk: int) -> HttpResponse:
    a = _alert(request, pk)
    if not a.xml:
        raise Http404
    return HttpResponse(a.xml, content_type="application/cap+xml; charset=utf-8")


@require_POST
@require_action("emergency.alert_approve")
def alert_action_view(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    a = _alert(request, pk)
    ops = {"approve": (services.alert_approve, _("已审核")), "publish": (services.alert_publish, _("已发布"))}
    if what not in ops:
        raise Http404
    fn, ok = ops[what]
    try:
        fn(actor=request.user, alert=a)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, ok)
    return redirect("emergency:alert_detail", pk=a.pk)


@require_action("emergency.alert_import")
def alert_import_view(request: HttpRequest) -> HttpResponse:
    form = AlertImportForm(request.POST or None, request.FILES or None)
    refuse_oversize(request, form)  # too large: refused while it streamed in (documents.uploads)

    def do(d: dict[str, Any]) -> HttpResponse:
        alert = services.alert_receive(actor=request.user, data=d["file"].read(settings.CAP_MAX_BYTES + 1))
        messages.success(request, _("预警已接收"))
        return redirect("emergency:alert_detail", pk=alert.pk)

    return _save_form(request, form, "emergency/form.html", do, {"title": _("接收外部预警"), "back": "emergency:alerts",
                                                                  "multipart": True})


# --- public CAP feed -----------------------------------------------------------------------


def public_feed_view(request: HttpRequest) -> HttpResponse:
    """Atom feed of the active alerts; each entry links to its CAP XML (the Google/IPAWS CAP-over-Atom shape)."""
    feed = Atom1Feed(title="安全生产预警信息 / Work-safety alerts", link=request.build_absolute_uri("/"),
                     description="CAP 1.2", language="zh-cn", feed_url=request.build_absolute_uri())
    for a in active_alerts()[:200]:
        link = request.build_absolute_uri(reverse("emergency_public:alert_xml", args=[a.identifier]))
        feed.add_item(title=a.headline_zh + (f" / {a.headline_en}" if a.headline_en else ""), link=link,
                      description=a.description_zh or a.headline_zh, unique_id=f"urn:anjian:cap:{a.identifier}",
                      pubdate=a.sent, updateddate=a.sent)
    return HttpResponse(feed.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8")


def public_alert_xml_view(request: HttpRequest, identifier: str) -> HttpResponse:
    a = CapAlert.objects.filter(identifier=identifier, direction="out", status=AlertStatus.PUBLISHED).first()
    if a is None:
        raise Http404
    return HttpResponse(a.xml, content_type="application/cap+xml; charset=utf-8")


# --- teams: detail and members; experts and shelters: forms ---------------------------------


@require_action("emergency.view")
def team_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_in_scope(Team.objects.select_related("jurisdiction", "enterprise", "department"), request.user,
                        "emergency.view", pk=pk)
    may = can(request.user, "emergency.resource", team)
    return render(request, "emergency/team_detail.html", {
        "t": team, "members": team.members.all(), "events": timeline_for(team),
        "member_form": TeamMemberForm() if may else None,
        "readiness_form": ReadinessForm(initial={"readiness": team.readiness}) if may else None,
    })


@require_POST
@require_action("emergency.resource")
def team_member_view(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_in_scope(Team.objects.all(), request.user, "emergency.view", pk=pk)
    form = TeamMemberForm(request.POST)
    post_form_action(request, form, lambda d: services.team_member_add(
        actor=request.user, team=team, name=d["name"], role=d["role"], specialty=d["specialty"], phone=d["phone"],
        certified=d["certified"]), _("队员已登记"))
    return redirect("emergency:team_detail", pk=team.pk)


@require_POST
@require_action("emergency.resource")
def team_readiness_view(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_in_scope(Team.objects.all(), request.user, "emergency.view", pk=pk)
    form = ReadinessForm(request.POST)
    post_form_action(request, form, lambda d: services.team_set_readiness(
        actor=request.user, team=team, readiness=d["readiness"]), _("战备状态已更新"))
    return redirect("emergency:team_detail", pk=team.pk)


@require_action("emergency.resource")
def expert_new_view(request: HttpRequest) -> HttpResponse:
    form = ExpertForm(request.POST or None, user=request.user)

    def do(d: dict[str, Any]) -> HttpResponse:
        services.expert_create(actor=request.user, name=d["name"], specialties=d["specialties"],
                               jurisdiction=d["jurisdiction"], organisation=d["organisation"], title=d["title"],
                               phone=d["phone"], lng=d["lng"], lat=d["lat"])
        messages.success(request, _("专家已登记"))
        return redirect("emergency:experts")

    return _save_form(request, form, "emergency/form.html", do, {"title": _("登记应急专家"), "back": "emergency:experts"})


@require_action("emergency.resource")
def shelter_new_view(request: HttpRequest) -> HttpResponse:
    form = ShelterForm(request.POST or None, user=request.user)

    def do(d: dict[str, Any]) -> HttpResponse:
        services.shelter_create(actor=request.user, name=d["name"], capacity=d["capacity"], address=d["address"],
                                jurisdiction=d["jurisdiction"], lng=d["lng"], lat=d["lat"])
        messages.success(request, _("避难场所已登记"))
        return redirect("emergency:experts")

    return _save_form(request, form, "emergency/form.html", do, {"title": _("登记避难场所"), "back": "emergency:experts"})


# --- maps -----------------------------------------------------------------------------------


@require_action("emergency.view")
def resource_map_view(request: HttpRequest) -> HttpResponse:
    return render(request, "emergency/map.html")


@require_action("emergency.view")
def resource_points_view(request: HttpRequest) -> JsonResponse:
    kinds = {k for k in request.GET.getlist("kind") if k in ("team", "warehouse", "expert", "shelter", "alert")} or None
    return JsonResponse(resource_points(user=request.user, kinds=kinds))


@require_action("emergency.view")
def incident_points_view(request: HttpRequest, pk: int) -> JsonResponse:
    inc = _incident(request, pk)
    return JsonResponse(incident_points(near=nearest_resources(user=request.user, incident=inc), incident=inc))


# --- the law library ------------------------------------------------------------------------


@require_action("emergency.view")
def law_list_view(request: HttpRequest) -> HttpResponse:
    form = LawFilterForm(request.GET or None)
    f = form.filters()
    on = f.get("on") or timezone.localdate()
    qs = law_list(q=f.get("q") or "", kind=f.get("kind") or "", state=f.get("state") or "", on=on)
    page = keyset_page(qs, request.GET, sort="-id", size=30)
    return render(request, "emergency/laws.html", {"form": form, "page": page, "query": _query(request), "on": on,
                                                   "can_add": has_action(request.user, "emergency.law")})


def _law(key: str) -> LawEntry:
    entry = LawEntry.objects.select_related("replaced_by").filter(key=key).first()
    if entry is None:
        raise Http404
    return entry


@require_action("emergency.view")
def law_detail_view(request: HttpRequest, key: str) -> HttpResponse:
    entry = _law(key)
    return render(request, "emergency/law_detail.html", {
        "e": entry, "citations": law_citations(entry), "replaces": entry.replaces.all(), "events": timeline_for(entry),
        "can_edit": has_action(request.user, "emergency.law") and not entry.from_catalogue,
        "today": timezone.localdate(),
    })


@require_action("emergency.view")
def rule_index_view(request: HttpRequest) -> HttpResponse:
    return render(request, "emergency/law_rules.html", {"rules": rule_index()})


@require_action("emergency.law")
def law_new_view(request: HttpRequest) -> HttpResponse:
    form = LawForm(request.POST or None, user=request.user)

    def do(d: dict[str, Any]) -> HttpResponse:
        entry = services.law_create(actor=request.user, **d)
        messages.success(request, _("已收录"))
        return redirect("emergency:law_detail", key=entry.key)

    return _save_form(request, form, "emergency/form.html", do, {"title": _("收录法规标准"), "back": "emergency:laws"})


@require_action("emergency.law")
def law_edit_view(request: HttpRequest, key: str) -> HttpResponse:
    entry = _law(key)
    if entry.from_catalogue:
        raise Http404
    initial = {f: getattr(entry, f) for f in ("kind", "title", "number", "issuer", "issued_on", "effective_on",
                                              "repealed_on", "summary", "link")}
    initial["replaced_by"] = entry.replaced_by_id
    form = LawForm(request.POST or None, user=request.user, initial=initial)

    def do(d: dict[str, Any]) -> HttpResponse:
        services.law_update(actor=request.user, entry=entry, **d)
        messages.success(request, _("已保存"))
        return redirect("emergency:law_detail", key=entry.key)

    return _save_form(request, form, "emergency/form.html", do, {"title": _("修改法规标准"), "back": "emergency:laws"})


# --- duty rosters ---------------------------------------------------------------------------


def _duty_window(request: HttpRequest) -> tuple[DutyFilterForm, dt.datetime, dt.datetime]:
    form = DutyFilterForm(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    start_day = f.get("start") or timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(start_day, dt.time(0, 0)))
    return form, start, start + dt.timedelta(days=f.get("days") or 7)


@require_action("emergency.view")
def duty_list_view(request: HttpRequest) -> HttpResponse:
    form, start, end = _duty_window(request)
    shifts = list(duty_shifts(user=request.user, start=start, end=end)[:1000])
    return render(request, "emergency/duty.html", {
        "form": form, "shifts": shifts, "start": start, "end": end - dt.timedelta(seconds=1), "query": _query(request),
        "now": timezone.now(), "can_add": has_action(request.user, "emergency.resource"),
        "reason_form": ReasonForm() if has_action(request.user, "emergency.resource") else None,
    })


@require_action("emergency.view")
def duty_now_view(request: HttpRequest) -> HttpResponse:
    """The duty officer's phone page: who is on duty now in each unit, with the phones."""
    now = timezone.now()
    return render(request, "emergency/duty_now.html", {"shifts": on_duty_now(user=request.user, at=now), "now": now})


@require_action("emergency.resource")
def duty_new_view(request: HttpRequest) -> HttpResponse:
    form = DutyShiftForm(request.POST or None, user=request.user)

    def do(d: dict[str, Any]) -> HttpResponse:
        services.duty_shift_create(actor=request.user, **d)
        messages.success(request, _("班次已排定"))
        return redirect("emergency:duty")

    return _save_form(request, form, "emergency/form.html", do, {"title": _("排班"), "back": "emergency:duty"})


@require_POST
@require_action("emergency.resource")
def duty_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    shift = get_in_scope(DutyShift.objects.all(), request.user, "emergency.view", pk=pk)
    form = ReasonForm(request.POST)
    post_form_action(request, form, lambda d: services.duty_shift_delete(actor=request.user, shift=shift,
                                                                         reason=d["reason"]), _("班次已撤销"))
    return redirect("emergency:duty")


def duty_columns() -> list[Column]:
    """The roster export's columns, headed in the active language."""
    return [
    Column(_("值班单位"), lambda s: s.unit_name),
    Column(_("开始时间"), lambda s: s.starts_at),
    Column(_("结束时间"), lambda s: s.ends_at),
    Column(_("带班领导"), lambda s: s.leader),
    Column(_("带班领导电话"), lambda s: s.leader_phone),
    Column(_("值班员"), lambda s: s.officer),
    Column(_("值班电话"), lambda s: s.officer_phone),
    Column(_("备注"), lambda s: s.note),
    ]


@require_action("emergency.view")
def duty_export_view(request: HttpRequest) -> HttpResponse:
    _form, start, end = _duty_window(request)
    rows = duty_shifts(user=request.user, start=start, end=end)[:5000]
    return xlsx_response(rows, duty_columns(), f"{_('值班表')}-{timezone.localtime(start):%Y%m%d}.xlsx")
