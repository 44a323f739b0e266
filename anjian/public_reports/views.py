"""Staff pages: inbox, detail with timeline and actions, identity (confidential), hotline entry,
statistics and export. Views parse and call services; reads start from ``restrict``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.audit.selectors import history_for, timeline_for
from anjian.core.errors import DomainError
from anjian.core.forms import form_refusal
from anjian.core.pagination import keyset_page
from anjian.core.scoping import can, get_in_scope, has_action
from anjian.core.views import partial_or_full, require_action
from anjian.documents.models import Attachment
from anjian.documents.views_exports import export_or_start
from anjian.orgs.models import Jurisdiction
from anjian.public_reports import rewards, selectors, services
from anjian.public_reports.exports import EXPORT
from anjian.public_reports.forms import (
    DispatchForm,
    FilterForm,
    HotlineForm,
    PolicyForm,
    RejectForm,
    VerifyForm,
)
from anjian.public_reports.models import (
    Channel,
    InternalNote,
    Report,
    ReportStatus,
    ReportType,
    Reward,
    RewardPolicyConfig,
)
from anjian.public_reports.workflow import REPORT_WORKFLOW
from anjian.rules.rewards import NATIONAL

VIEW = "public_reports.view"


def _filtered(request: HttpRequest) -> tuple[FilterForm, Any, str]:
    form = FilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.report_list(user=request.user, filters=filters)
    sort = filters.get("sort") or "-id"
    if sort == "handling_due":
        qs = qs.filter(handling_due__isnull=False)
    return form, qs, sort


@require_action(VIEW)
def inbox(request: HttpRequest) -> HttpResponse:
    form, qs, sort = _filtered(request)
    page = keyset_page(qs, request.GET, sort=sort, size=30)
    counts = dict(selectors.report_list(user=request.user).values_list("status").annotate(n=_count()).order_by())
    query = request.GET.copy()
    query.pop("after", None)
    query.pop("before", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "today": timezone.localdate(),
               "states": [(s, s.label, counts.get(s.value, 0)) for s in ReportStatus]}
    return render(request, partial_or_full(request, "public_reports/inbox.html", "public_reports/partials/_table.html"),
                  context)


def _count() -> Any:
    return Count("id")


def _report(request: HttpRequest, pk: int) -> Report:
    return get_in_scope(
        Report.objects.select_related("jurisdiction", "department", "enterprise", "sector", "reject_reason",
                                      "merged_into"),
        request.user, VIEW, pk=pk,
    )


@require_action(VIEW)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    r = _report(request, pk)
    user = request.user
    may = {a: can(user, f"public_reports.{a}", r) for a in ("triage", "handle", "verify", "reward", "identity")}
    context = {
        "r": r,
        "may": may,
        "transitions": [t.target for t in REPORT_WORKFLOW.available(r, user)],
        "events": timeline_for(r),
        "history": history_for(r),
        "notes": InternalNote.objects.filter(report=r).select_related("author"),
        "attachments": Attachment.objects.filter(content_type__app_label="public_reports", content_type__model="report",
                                                 object_id=str(r.pk)),
        "duplicates": selectors.duplicate_candidates(user=user, report=r) if r.status == ReportStatus.RECEIVED else [],
        "merged": Report.objects.restrict(user, VIEW).filter(merged_into=r).order_by("received_at"),
        "has_identity": hasattr(r, "identity") if may["identity"] else False,
        "reject_form": RejectForm(user=user),
        "dispatch_form": DispatchForm(initial={"department": r.department_id}, user=user),
        "verify_form": VerifyForm(),
        "linked": r.linked,
        "reward": Reward.objects.filter(report=r).select_related("claimant").first() if may["reward"] else None,
        "today": timezone.localdate(),
        "can_create_hazard": has_action(user, "hazards.report"),
    }
    return render(request, "public_reports/detail.html", context)


@require_action("public_reports.identity")
def identity(request: HttpRequest, pk: int) -> HttpResponse:
    """The reporter's identity; each viewing is recorded (without the identity itself)."""
    r = get_in_scope(Report.objects, request.user, "public_reports.identity", pk=pk)
    ident = selectors.identity_for(user=request.user, report=r)
    services.identity_viewed(actor=request.user, report=r)
    response = render(request, "public_reports/identity.html", {"r": r, "ident": ident})
    response["Cache-Control"] = "no-store"
    return response


REWARD_ACTIONS = {"propose", "approve", "refuse", "notify", "pay", "lapse"}


@require_action("public_reports.reward")
@require_POST
def reward_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in REWARD_ACTIONS:
        raise Http404
    r = get_in_scope(Report.objects, request.user, "public_reports.reward", pk=pk)
    p, user = request.POST, request.user
    try:
        if action == "propose":
            rewards.reward_propose(actor=user, report=r, note=p.get("note", ""))
        else:
            reward = Reward.objects.filter(report=r).first()
            if reward is None:
                raise Http404
            if action in ("approve", "refuse"):
                rewards.reward_approve(actor=user, reward=reward, approve=action == "approve", note=p.get("note", ""))
            elif action == "notify":
                rewards.reward_notify(actor=user, reward=reward)
            elif action == "pay":
                try:
                    paid_on = dt.date.fromisoformat(p.get("paid_on", ""))
                except ValueError as exc:
                    raise DomainError("请填写发放日期（YYYY-MM-DD）", "Give the payment date (YYYY-MM-DD)",
                                      field="paid_on") from exc
                rewards.reward_pay(actor=user, reward=reward, paid_on=paid_on, method=p.get("method", ""),
                                   payment_ref=p.get("payment_ref", ""), receipt=request.FILES.getlist("receipt"))
            elif action == "lapse":
                rewards.reward_lapse(actor=user, reward=reward)
        messages.success(request, _("已保存"))
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from exc
        messages.error(request, exc.message)
    return redirect("public_reports:detail", pk=r.pk)


@require_action("public_reports.reward")
def policies(request: HttpRequest) -> HttpResponse:
    """Reward policies per jurisdiction (the national figures apply where none is set)."""

    form = PolicyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            rewards.reward_policy_set(actor=request.user, jurisdiction=form.cleaned_data["jurisdiction"],
                                      values=form.cleaned_data)
            messages.success(request, _("已保存"))
            return redirect("public_reports:policies")
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    configs = RewardPolicyConfig.objects.filter(
        jurisdiction__in=Jurisdiction.objects.restrict(request.user, "public_reports.reward")
    ).select_related("jurisdiction")
    return render(request, "public_reports/policies.html", {"form": form, "configs": configs, "national": NATIONAL},
                  status=400 if form.errors else 200)


ACTIONS = {"accept", "reject", "merge", "dispatch", "extend", "approve_extension", "refuse_extension",
           "handle", "verify", "reply", "close", "note"}


@require_action(VIEW)
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    r = _report(request, pk)
    p = request.POST
    user = request.user
    note = p.get("note", "")
    try:
        if action == "accept":
            services.report_accept(actor=user, report=r, note=note)
        elif action == "reject":
            form = RejectForm(p, user=user)
            if not form.is_valid():
                raise DomainError("请选择不予受理理由", "Choose a reason", field="reason")
            services.report_reject(actor=user, report=r, reason=form.cleaned_data["reason"], note=note)
        elif action == "merge":
            into = get_in_scope(Report.objects, user, VIEW, pk=p.get("into") or 0)
            services.report_merge(actor=user, report=r, into=into, note=note)
        elif action == "dispatch":
            form = DispatchForm(p, user=user)
            if not form.is_valid():
                raise form_refusal(form)
            dept = form.cleaned_data.get("department")
            services.report_dispatch(actor=user, report=r, department=dept, note=note)
        elif action == "extend":
            services.report_request_extension(actor=user, report=r, note=note)
        elif action in ("approve_extension", "refuse_extension"):
            services.report_approve_extension(actor=user, report=r, approve=action == "approve_extension", note=note)
        elif action == "handle":
            services.report_handle(actor=user, report=r, note=note, create_hazard=p.get("create_hazard") == "1",
                                   hazard_category=p.get("hazard_category", ""),
                                   hazard_description=p.get("hazard_description", ""),
                                   hazard_description_confirmed=p.get("hazard_description_confirmed") == "1")
        elif action == "verify":
            form = VerifyForm(p)
            if not form.is_valid():
                raise DomainError("请检查核查结论与金额", "Check the verification result and amounts", field="result")
            d = form.cleaned_data
            services.report_verify(actor=user, report=r, result=d["result"], note=d["note"], fine_yuan=d["fine_yuan"],
                                   deaths=d["deaths"], accident_grade=d["accident_grade"])
        elif action == "reply":
            services.report_reply(actor=user, report=r, text=p.get("text", ""))
        elif action == "close":
            services.report_close(actor=user, report=r, note=note)
        elif action == "note":
            services.report_add_note(actor=user, report=r, text=p.get("text", ""))
        messages.success(request, _("已保存"))
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from exc
        messages.error(request, exc.message)
    return redirect("public_reports:detail", pk=r.pk)


@require_action("public_reports.hotline")
def hotline(request: HttpRequest) -> HttpResponse:
    form = HotlineForm(request.POST or None, request.FILES or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                report, secret, _created = services.report_submit(
                    actor=request.user, channel=Channel.HOTLINE, report_type=d["report_type"],
                    description=d["description"], address=d["address"], lng=d["lng"], lat=d["lat"],
                    occurred_at=d["occurred_at"], enterprise=d.get("enterprise"), enterprise_name=d["enterprise_name"],
                    identity=form.identity(), files=d["files"], idempotency_key=d["idempotency_key"],
                )
                response = render(request, "public_reports/hotline_done.html",
                                  {"r": report, "secret": secret, "code": report.display_code})
                response["Cache-Control"] = "no-store"
                return response
            except DomainError as exc:
                hidden = exc.field in form.fields and form.fields[exc.field].widget.is_hidden
                form.add_error(exc.field if exc.field in form.fields and not hidden else None, exc.message)
                status = exc.status if exc.status in (403, 409) else 400
        else:
            status = 400
    return render(request, "public_reports/hotline.html", {"form": form}, status=status)


@require_action("public_reports.lookup")
def lookup(request: HttpRequest) -> HttpResponse:
    """Read one report by its code after giving a reason (hotline supervisors); each reading
    is recorded with its reason. No identity is shown here."""
    context: dict[str, Any] = {"code": request.POST.get("code", ""), "reason": request.POST.get("reason", "")}
    status = 200
    if request.method == "POST":
        try:
            context["r"] = services.report_lookup(actor=request.user, code=context["code"], reason=context["reason"])
        except DomainError as exc:
            context["error"] = exc.message
            status = exc.status if exc.status == 404 else 400
    response = render(request, "public_reports/lookup.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_action(VIEW)
def stats(request: HttpRequest) -> HttpResponse:
    data = selectors.report_stats(user=request.user)
    channels, types = dict(Channel.choices), dict(ReportType.choices)
    tables = {
        "by_channel": [(channels.get(r["channel"], r["channel"]), r["n"]) for r in data["by_channel"]],
        "by_type": [(types.get(r["report_type"], r["report_type"]), r["n"]) for r in data["by_type"]],
        "by_area": [(r["jurisdiction__name"] or "—", r["n"]) for r in data["by_area"]],
    }
    return render(request, "public_reports/stats.html", {"s": data, "t": tables,
                                                          "rewards": selectors.rewards_paid(user=request.user)})


@require_action(VIEW)
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    return export_or_start(request, EXPORT, fmt)  # a job (我的导出) above EXPORT_IMMEDIATE_MAX_ROWS rows
