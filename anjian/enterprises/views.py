from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from anjian.audit.selectors import history_for, timeline_for
from anjian.core.pagination import keyset_page
from anjian.core.scoping import can, get_in_scope, has_action
from anjian.core.views import partial_or_full, require_action
from anjian.enterprises.filters import EnterpriseFilterForm
from anjian.enterprises.models import Enterprise
from anjian.enterprises.selectors import enterprise_list

TABS = [
    ("basic", "基本信息"),
    ("licences", "证照"),
    ("timeline", "流程记录"),
    ("history", "变更记录"),
]


@require_action("enterprises.view")
def enterprise_list_view(request: HttpRequest) -> HttpResponse:
    form = EnterpriseFilterForm(request.GET or None, user=request.user)
    qs = enterprise_list(user=request.user, filters=form.filters())
    page = keyset_page(qs, request.GET, sort="-id", size=20)
    template = partial_or_full(request, "enterprises/list.html", "enterprises/partials/_table.html")
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "can_add": has_action(request.user, "enterprises.add"),
            "can_import": has_action(request.user, "enterprises.import"),
            "can_export": has_action(request.user, "enterprises.export"),
            "query": request.GET.urlencode(),
        },
    )


@require_action("enterprises.view")
def enterprise_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    ent = get_in_scope(
        Enterprise.objects.select_related("jurisdiction", "sector", "department"), request.user, "enterprises.view", pk=pk
    )
    tab = request.GET.get("tab", "basic")
    context = {
        "e": ent,
        "tab": tab,
        "tabs": TABS,
        "can_change": can(request.user, "enterprises.change", ent),
        "licences": ent.licences.all(),
    }
    if tab == "timeline":
        context["events"] = timeline_for(ent)
    if tab == "history":
        context["history"] = history_for(ent)
    return render(request, "enterprises/detail.html", context)
