from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.core.errors import DomainError
from anjian.core.pagination import keyset_page
from anjian.core.scoping import can, get_in_scope, has_action
from anjian.core.views import partial_or_full, require_action
from anjian.documents.export_jobs import FORMATS
from anjian.documents.exports import bytes_response
from anjian.documents.imports import import_start
from anjian.documents.views import import_page
from anjian.documents.views_exports import export_or_start
from anjian.enterprises import services
from anjian.enterprises.exports import EXPORT
from anjian.enterprises.filters import EnterpriseFilterForm
from anjian.enterprises.forms import (
    ChangeRequestForm,
    DecisionForm,
    EnterpriseForm,
    ImportForm,
    LicenceForm,
    LicenceRenewForm,
)
from anjian.enterprises.imports import EnterpriseImport, template_workbook
from anjian.enterprises.models import (
    FLAGS,
    ChangeRequestStatus,
    Enterprise,
    EnterpriseChangeRequest,
    EnterpriseStatus,
    Licence,
)
from anjian.enterprises.risk import enterprise_recompute_risk
from anjian.enterprises.selectors import enterprise_list, enterprise_routing
from anjian.enterprises.tabs import visible_tabs
from anjian.orgs.models import Jurisdiction, Sector


@require_action("enterprises.view")
def enterprise_list_view(request: HttpRequest) -> HttpResponse:
    form = EnterpriseFilterForm(request.GET or None, user=request.user)
    qs = enterprise_list(user=request.user, filters=form.filters())
    page = keyset_page(qs, request.GET, sort="-id", size=20)
    template = partial_or_full(request, "enterprises/list.html", "enterprises/partials/_table.html")
    query = request.GET.copy()
    for key in ("after", "before", "cursor", "page"):
        query.pop(key, None)
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "can_add": has_action(request.user, "enterprises.add"),
            "can_import": has_action(request.user, "enterprises.import"),
            "can_export": has_action(request.user, "enterprises.export"),
            "query": query.urlencode(),
        },
    )


# --- export ------------------------------------------------------------------------------

@require_action("enterprises.export")
def enterprise_export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    return export_or_start(request, EXPORT, fmt)  # a job above EXPORT_IMMEDIATE_MAX_ROWS rows


# --- create / edit -----------------------------------------------------------------------

def _field(exc: DomainError, form: Any) -> str | None:
    return exc.field if exc.field in form.fields else None


@require_action("enterprises.add")
def enterprise_create_view(request: HttpRequest) -> HttpResponse:
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            data, jurisdiction = form.service_data()
            ent = services.enterprise_create(actor=request.user, data=data, jurisdiction=jurisdiction)
        except DomainError as exc:
            form.add_error(_field(exc, form), exc.zh)
        else:
            messages.success(request, _("已建档。监管部门路由：%(rule)s") % {"rule": enterprise_routing(ent) or "—"})
            return redirect("enterprises:detail", pk=ent.pk)
    return render(request, "enterprises/form.html", {"form": form, "title": _("新增企业")})


@require_action("enterprises.change")
def enterprise_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    ent = get_in_scope(Enterprise.objects.select_related("jurisdiction"), request.user, "enterprises.change", pk=pk)
    form = EnterpriseForm(request.POST or None, user=request.user, enterprise=ent,
                          supervisor=services.supervises(request.user, ent))
    if request.method == "POST" and form.is_valid():
        try:
            data, jurisdiction = form.service_data()
            if jurisdiction is not None and jurisdiction.pk != ent.jurisdiction_id:
                data["jurisdiction"] = jurisdiction
            ent = services.enterprise_update(actor=request.user, enterprise=ent, data=data,
                                             reason=request.POST.get("reason", "").strip())
        except DomainError as exc:
            form.add_error(_field(exc, form), exc.zh)
        else:
            messages.success(request, _("已保存。监管部门路由：%(rule)s") % {"rule": enterprise_routing(ent) or "—"})
            return redirect("enterprises:detail", pk=ent.pk)
    return render(request, "enterprises/form.html", {"form": form, "e": ent, "title": _("修改企业档案")})


# --- detail and licences -----------------------------------------------------------------

def _detail(request: HttpRequest, ent: Enterprise, tab_code: str, extra: dict[str, Any] | None = None,
            status: int = 200) -> HttpResponse:
    tabs = visible_tabs(request.user)
    tab = next((t for t in tabs if t.code == tab_code), None)
    if tab is None:
        raise Http404
    can_change = can(request.user, "enterprises.change", ent)
    context: dict[str, Any] = {
        "e": ent,
        "tab": tab.code,
        "current_tab": tab,
        "tabs": tabs,
        "can_change": can_change,
        "supervisor": can_change and services.supervises(request.user, ent),
        "pending_requests": [_describe_request(r) for r in EnterpriseChangeRequest.objects.restrict(
            request.user, "enterprises.view").filter(enterprise=ent, status=ChangeRequestStatus.PENDING)],
        "decision_form": DecisionForm(),
    }
    if tab.context is not None:
        context.update(tab.context(request, ent))
    context.update(extra or {})
    return render(request, "enterprises/detail.html", context, status=status)


@require_action("enterprises.view")
def enterprise_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    ent = get_in_scope(
        Enterprise.objects.select_related("jurisdiction", "sector", "department"), request.user, "enterprises.view", pk=pk
    )
    return _detail(request, ent, request.GET.get("tab", "basic"))


@require_POST
@require_action("enterprises.change")
def licence_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    ent = get_in_scope(Enterprise.objects.select_related("jurisdiction", "sector", "department"), request.user,
                       "enterprises.change", pk=pk)
    form = LicenceForm(request.POST)
    if form.is_valid():
        try:
            services.licence_add(actor=request.user, enterprise=ent, data=form.cleaned_data)
        except DomainError as exc:
            form.add_error(_field(exc, form), exc.zh)
        else:
            messages.success(request, _("证照已登记"))
            return redirect(f"/enterprises/{ent.pk}/?tab=licences")
    return _detail(request, ent, "licences", {"licence_form": form, "show_add": True}, status=400)


@require_POST
@require_action("enterprises.change")
def licence_renew_view(request: HttpRequest, pk: int, licence_pk: int) -> HttpResponse:
    ent = get_in_scope(Enterprise.objects.select_related("jurisdiction", "sector", "department"), request.user,
                       "enterprises.change", pk=pk)
    lic = get_in_scope(Licence.objects.filter(enterprise=ent), request.user, "enterprises.change", pk=licence_pk)
    form = LicenceRenewForm(request.POST)
    if form.is_valid():
        try:
            services.licence_renew(actor=request.user, licence=lic, valid_until=form.cleaned_data["valid_until"],
                                   number=form.cleaned_data["number"])
        except DomainError as exc:
            form.add_error(_field(exc, form), exc.zh)
        else:
            messages.success(request, _("证照已延续"))
            return redirect(f"/enterprises/{ent.pk}/?tab=licences")
    return _detail(request, ent, "licences", {"renew_form": form, "renew_pk": lic.pk}, status=400)


# --- import ------------------------------------------------------------------------------

@require_action("enterprises.import")
def enterprise_import_view(request: HttpRequest) -> HttpResponse:
    return import_page(request, ImportForm, EnterpriseImport, "enterprises/import.html",
                       lambda upload: import_start(kind=EnterpriseImport.kind, actor=request.user, upload=upload))


@require_action("enterprises.import")
def enterprise_import_template_view(request: HttpRequest) -> HttpResponse:
    return bytes_response(template_workbook(), "企业台账模板.xlsx")


@require_POST
@require_action("enterprises.change")
def enterprise_risk_recompute_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Recompute the risk colour now (it is also recomputed on every change and nightly)."""

    ent = get_in_scope(Enterprise.objects, request.user, "enterprises.change", pk=pk)
    enterprise_recompute_risk(enterprise=ent, actor=request.user)
    messages.success(request, _("风险等级已重新计算"))
    return redirect("enterprises:detail", pk=ent.pk)


# --- change requests to the supervision fields -------------------------------------------------

def _describe_request(req: EnterpriseChangeRequest) -> dict[str, Any]:
    """The proposal in words (labels, not codes) for the detail page."""

    lines = []
    changes = req.changes
    if "sector_code" in changes:
        sector = Sector.objects.filter(code=changes["sector_code"]).first()
        lines.append((_("行业"), str(sector) if sector else changes["sector_code"]))
    if "status" in changes:
        lines.append((_("经营状态"), EnterpriseStatus(changes["status"]).label))
    if "lng" in changes:
        lines.append((_("坐标"), f"{changes['lng']:.6f}, {changes['lat']:.6f}"))
    if "jurisdiction_code" in changes:
        place = Jurisdiction.objects.filter(code=changes["jurisdiction_code"]).first()
        lines.append((_("属地"), place.name if place else "—"))
    if "flags" in changes:
        en = (get_language() or "").startswith("en")
        labels = [FLAGS[f][1 if en else 0] for f in changes["flags"] if f in FLAGS]
        lines.append((_("重点监管标识"), ("、" if not en else ", ").join(labels) or _("无")))
    return {"req": req, "lines": lines}


@require_action("enterprises.change")
def change_request_view(request: HttpRequest, pk: int) -> HttpResponse:
    ent = get_in_scope(Enterprise.objects.select_related("jurisdiction", "sector"), request.user, "enterprises.change", pk=pk)
    form = ChangeRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_request_submit(actor=request.user, enterprise=ent, changes=form.changes(),
                                           reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form.add_error(_field(exc, form), exc.message)
        else:
            messages.success(request, _("变更申请已提交，等待监管部门审核"))
            return redirect("enterprises:detail", pk=ent.pk)
    return render(request, "enterprises/change_request.html", {"form": form, "e": ent, "title": _("申请变更监管信息")})


@require_POST
@require_action("enterprises.change")
def change_request_decide_view(request: HttpRequest, request_pk: int) -> HttpResponse:
    req = get_in_scope(EnterpriseChangeRequest.objects.select_related("enterprise"), request.user,
                       "enterprises.change", pk=request_pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        services.change_request_decide(actor=request.user, request=req, approve=request.POST.get("decision") == "approve",
                                       note=form.cleaned_data.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已批准变更申请") if request.POST.get("decision") == "approve" else _("已驳回变更申请"))
    return redirect("enterprises:detail", pk=req.enterprise_id)
