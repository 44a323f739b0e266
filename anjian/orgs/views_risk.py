"""Risk settings pages: sector inherent colours, LEC / LS band policies, the city recompute."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.audit.selectors import history_for, timeline_for
from anjian.core.errors import DomainError
from anjian.core.scoping import get_in_scope, jurisdictions_of, scope_allows
from anjian.core.views import post_form_action, require_action
from anjian.orgs import risk
from anjian.orgs.forms import PolicyCreateForm, PolicyEditForm, SectorRiskForm
from anjian.orgs.models import Jurisdiction, RiskBandPolicy, Sector
from anjian.rules import risk as rules


def _citywide(user: Any) -> bool:
    root = Jurisdiction.objects.filter(parent__isnull=True).order_by("id").first()
    return root is not None and scope_allows(user, risk.ACTION, jurisdiction=root)


def _visible_policies(user: Any) -> Any:
    """Editable ones (in scope) and the ones above the user's units that apply to them (read-only)."""
    mine = RiskBandPolicy.objects.restrict(user, risk.ACTION).values("pk")
    above: set[str] = set()
    for j in Jurisdiction.objects.filter(pk__in=list(jurisdictions_of(user))):
        above.update(c for c in j.path.strip("/").split("/") if c)
    return (
        RiskBandPolicy.objects.filter(Q(pk__in=mine) | Q(jurisdiction__isnull=True) | Q(jurisdiction__code__in=above))
        .select_related("jurisdiction", "sector")
        .order_by("method", "jurisdiction__path", "sector__path")
    )


def _page(request: HttpRequest, create_form: PolicyCreateForm | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    citywide = _citywide(user)
    editable = set(RiskBandPolicy.objects.restrict(user, risk.ACTION).values_list("pk", flat=True))
    policies = [(p, p.pk in editable and (p.jurisdiction_id is not None or citywide)) for p in _visible_policies(user)]
    # sections and divisions: the inherent colour is set there (a group or class inherits it)
    sectors = list(Sector.objects.filter(parent__parent__isnull=True).select_related("parent").order_by("path"))
    rows = [(s, s.resolved_inherent_risk()) for s in sectors]
    return render(request, "orgs/risk_settings.html", {
        "citywide": citywide,
        "policies": policies,
        "sector_rows": rows,
        "colour_choices": SectorRiskForm.base_fields["inherent_risk"].choices,
        "create_form": create_form or PolicyCreateForm(user=user, citywide=citywide),
        "national_lec": rules.NATIONAL_LEC_BANDS,
        "default_ls": rules.DEFAULT_LS_BANDS,
    }, status=status)


@require_action(risk.ACTION)
def risk_settings(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@require_action(risk.ACTION)
def sector_risk_set(request: HttpRequest, pk: int) -> HttpResponse:
    if not _citywide(request.user):
        raise Http404
    sector = Sector.objects.filter(pk=pk).first()
    if sector is None:
        raise Http404
    form = SectorRiskForm(request.POST)
    post_form_action(
        request, form, lambda d: risk.sector_set_inherent_risk(actor=request.user, sector=sector, colour=d["inherent_risk"]),
        _("已保存行业 %(code)s 的固有风险。企业风险等级将在夜间重算，或点击“重算全市企业风险”立即重算。") % {"code": sector.code},
    )
    return redirect(reverse("orgs:risk_settings") + ("#sectors" if form.is_valid() else ""))


@require_POST
@require_action(risk.ACTION)
def policy_create(request: HttpRequest) -> HttpResponse:
    citywide = _citywide(request.user)
    form = PolicyCreateForm(request.POST, user=request.user, citywide=citywide)
    if form.is_valid():
        d = form.cleaned_data
        try:
            risk.risk_policy_save(actor=request.user, method=d["method"], red=d["red"], orange=d["orange"],
                                  yellow=d["yellow"], jurisdiction=d["jurisdiction"], sector=d["sector"], note=d["note"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("风险分级阈值已保存"))
            return redirect("orgs:risk_settings")
    return _page(request, create_form=form, status=400)


@require_action(risk.ACTION)
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_in_scope(RiskBandPolicy.objects.select_related("jurisdiction", "sector"), request.user, risk.ACTION, pk=pk)
    if policy.jurisdiction_id is None and not _citywide(request.user):
        raise Http404
    initial = {"red": policy.red, "orange": policy.orange, "yellow": policy.yellow, "note": policy.note}
    form = PolicyEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                risk.risk_policy_save(actor=request.user, method=policy.method, red=d["red"], orange=d["orange"],
                                      yellow=d["yellow"], note=d["note"], policy=policy)
            except DomainError as exc:
                if exc.status == 404:
                    raise Http404 from exc
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("风险分级阈值已保存"))
                return redirect("orgs:risk_settings")
        status = 400
    return render(request, "orgs/risk_policy.html", {
        "policy": policy, "form": form, "events": timeline_for(policy), "history": history_for(policy),
    }, status=status)


@require_POST
@require_action(risk.ACTION)
def policy_delete(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_in_scope(RiskBandPolicy.objects.select_related("jurisdiction"), request.user, risk.ACTION, pk=pk)
    if policy.jurisdiction_id is None and not _citywide(request.user):
        raise Http404
    post_form_action(request, forms.Form(request.POST),
                     lambda d: risk.risk_policy_delete(actor=request.user, policy=policy, reason=request.POST.get("reason", "")),
                     _("风险分级阈值已删除"))
    return redirect("orgs:risk_settings")


@require_POST
@require_action(risk.ACTION)
def recompute_city(request: HttpRequest) -> HttpResponse:
    if not _citywide(request.user):
        raise Http404
    job = risk.recompute_all_start(actor=request.user)
    return redirect("jobs:detail", job.pk)
