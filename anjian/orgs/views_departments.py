"""Departments, the sector route table, duties (安全生产职责清单) and the coverage page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.core.errors import DomainError
from anjian.core.forms import bootstrap
from anjian.core.scoping import get_in_scope, has_action
from anjian.core.views import post_form_action, require_action
from anjian.documents.exports import bytes_response
from anjian.orgs import services
from anjian.orgs.documents import duties_document
from anjian.orgs.forms import DepartmentForm, DutyForm, RouteForm
from anjian.orgs.models import Department, Duty, Jurisdiction
from anjian.orgs.selectors import duties_for_year, routing_coverage

_DEPT_FIELDS = ("name", "kind", "short_name", "doc_abbr", "name_en", "sectors", "is_active")


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


@require_action("orgs.change")
def department_new(request: HttpRequest) -> HttpResponse:
    form = DepartmentForm(request.POST or None, user=request.user)
    bootstrap(form)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            dept = services.department_create(
                actor=request.user, name=d["name"], kind=d["kind"], jurisdiction=d["jurisdiction"],
                sectors=d["sectors"], short_name=d["short_name"], doc_abbr=d["doc_abbr"], name_en=d["name_en"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("部门已创建。"))
            return redirect("orgs:department", dept.pk)
    return render(request, "orgs/department_new.html", {"form": form}, status=400 if form.errors else 200)


@require_action("orgs.view")
def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dept = get_in_scope(Department.objects.select_related("jurisdiction"), request.user, "orgs.view", pk=pk)
    can_change = Jurisdiction.objects.restrict(request.user, "orgs.change").filter(pk=dept.jurisdiction_id).exists()
    if request.method == "POST" and not can_change:  # a viewer's POST is refused, not silently ignored
        raise Http404
    form = DepartmentForm(
        request.POST or None, user=request.user, editing=True,
        initial={**{f: getattr(dept, f) for f in _DEPT_FIELDS if f != "sectors"}, "sectors": list(dept.sectors.all())},
    )
    bootstrap(form)
    if request.method == "POST" and can_change and form.is_valid():
        d = form.cleaned_data
        try:
            services.department_update(actor=request.user, department=dept, **{f: d[f] for f in _DEPT_FIELDS})
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已保存。"))
            return redirect("orgs:department", dept.pk)
    year = _year(request)
    duty_form = DutyForm(initial={"year": year})
    bootstrap(duty_form)
    duties = Duty.objects.filter(department=dept, year=year).order_by("post", "-version")
    return render(request, "orgs/department_detail.html", {
        "dept": dept, "form": form, "can_change": can_change, "duty_form": duty_form, "duties": duties, "year": year,
        "routes": dept.routes.select_related("sector", "jurisdiction").order_by("sector__path"),
        "can_see_users": has_action(request.user, "accounts.view"),
    }, status=400 if form.errors else 200)


@require_POST
@require_action("orgs.change")
def department_duty(request: HttpRequest, pk: int) -> HttpResponse:
    dept = get_in_scope(Department.objects.select_related("jurisdiction"), request.user, "orgs.view", pk=pk)
    form = DutyForm(request.POST)
    post_form_action(request, form, lambda d: services.duty_set(actor=request.user, department=dept, **d),
                     _("职责已发布。"))
    year = form.cleaned_data.get("year") if form.is_valid() else None
    return redirect(reverse("orgs:department", args=[dept.pk]) + (f"?year={year}" if year else ""))


@require_action("orgs.view")
def coverage(request: HttpRequest) -> HttpResponse:
    form = RouteForm(user=request.user) if has_action(request.user, "orgs.change") else None
    if form is not None:
        bootstrap(form)
    return render(request, "orgs/coverage.html", {"coverage": routing_coverage(request.user), "form": form})


@require_POST
@require_action("orgs.change")
def route_new(request: HttpRequest) -> HttpResponse:
    form = RouteForm(request.POST, user=request.user)
    post_form_action(request, form, lambda d: services.route_set(actor=request.user, **d), _("路由已设置。"))
    return redirect("orgs:coverage")


@require_action("orgs.view")
def duties(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    return render(request, "orgs/duties.html", {"rows": duties_for_year(request.user, year), "year": year})


@require_action("orgs.view")
def duties_docx(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    place = Jurisdiction.objects.restrict(request.user, "orgs.view").order_by("depth", "path").first()
    if place is None:
        return redirect("orgs:duties")
    doc = duties_document(place=place, year=year, rows=duties_for_year(request.user, year), on=timezone.localdate())
    return bytes_response(doc.to_bytes(), f"{place.name}{year}年度安全生产职责清单.docx")
