"""设置 › 网格人员与巡查计划: who works on which grid (``services.grid_staff_set``) and the button
that plans a whole year's patrols of every grid in scope (``services.patrol_plans_year_start``,
also run each December by ``grids.tasks``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anjian.core.errors import DomainError
from anjian.core.forms import ScopedModelChoiceField, bootstrap, scope_fields
from anjian.core.pagination import keyset_page
from anjian.core.views import require_action
from anjian.grids import services
from anjian.grids.models import GridRole, GridStaff
from anjian.grids.selectors import staff_candidates
from anjian.orgs.models import Jurisdiction, JurisdictionLevel


class StaffForm(forms.Form):
    grid = ScopedModelChoiceField("orgs.jurisdictions@grids.manage", label=gettext_lazy("网格"))
    username = forms.CharField(label=gettext_lazy("人员用户名"), max_length=150,
                               help_text=gettext_lazy("须已在本辖区内授权的用户（如网格员角色）"))
    role = forms.ChoiceField(label=gettext_lazy("职务"), choices=GridRole.choices)
    active = forms.TypedChoiceField(label=gettext_lazy("状态"), coerce=lambda v: v == "1",
                                    choices=[("1", gettext_lazy("在岗")), ("0", gettext_lazy("离岗"))])

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._user = user
        scope_fields(self, user)
        self.fields["grid"].bind(user, narrow=lambda qs: qs.filter(level=JurisdictionLevel.GRID))
        bootstrap(self)

    def clean_username(self) -> Any:
        found = staff_candidates(self._user).filter(username=self.cleaned_data["username"].strip()).first()
        if found is None:
            raise forms.ValidationError(_("您的辖区内没有该用户"))
        return found


class PlanForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)


@require_action("grids.manage")
def staff_view(request: HttpRequest) -> HttpResponse:
    grids = (Jurisdiction.objects.restrict(request.user, "grids.manage")
             .filter(level=JurisdictionLevel.GRID, is_active=True).select_related("parent"))
    page = keyset_page(grids, request.GET, sort="path", size=30)
    staff: dict[int, list[GridStaff]] = {}
    for s in GridStaff.objects.filter(grid__in=page.rows).select_related("user").order_by("-is_active", "role", "id"):
        staff.setdefault(s.grid_id, []).append(s)
    form = StaffForm(user=request.user)
    plan_form = PlanForm(initial={"year": timezone.localdate().year})
    bootstrap(plan_form)
    return render(request, "grids/staff.html", {"page": page, "rows": [(g, staff.get(g.pk, [])) for g in page.rows],
                                                "form": form, "plan_form": plan_form})


@require_POST
@require_action("grids.manage")
def staff_set_view(request: HttpRequest) -> HttpResponse:
    form = StaffForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("grids:staff")
    d = form.cleaned_data
    try:
        services.grid_staff_set(actor=request.user, grid=d["grid"], user=d["username"], role=d["role"], active=d["active"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存"))
    return redirect("grids:staff")


@require_POST
@require_action("grids.plan")
def plan_year_view(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("grids:staff")
    try:
        job = services.patrol_plans_year_start(actor=request.user, year=form.cleaned_data["year"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("grids:staff")
    return redirect("jobs:detail", pk=job.pk)
