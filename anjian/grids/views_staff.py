"""设置 › 网格人员与巡查计划: who works on which grid (``services.grid_staff_set``) and the button
that plans a whole year's patrols of every grid in scope (``services.patrol_plans_year_start``,
also run each December by ``grids.tasks``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.core.errors import DomainError
from anjian.core.forms import bootstrap
from anjian.core.pagination import keyset_page
from anjian.core.views import require_action
from anjian.grids import services
from anjian.grids.forms import PlanForm, StaffForm
from anjian.grids.models import GridStaff
from anjian.orgs.models import Jurisdiction, JurisdictionLevel


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
