from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from anjian.audit.selectors import history_for, timeline_for
from anjian.core.pagination import keyset_page
from anjian.core.scoping import get_in_scope, has_action
from anjian.core.views import require_action
from anjian.orgs.lookups import routes_visible
from anjian.orgs.models import Department, Jurisdiction, JurisdictionLevel
from anjian.orgs.selectors import MAP_ACTIONS, scope_boundaries
from anjian.orgs.services import boundary_feature


@require_action("orgs.view")
def jurisdictions(request: HttpRequest) -> HttpResponse:
    qs = Jurisdiction.objects.restrict(request.user, "orgs.view")
    level = request.GET.get("level", "")
    q = request.GET.get("q", "").strip()
    if level.isdigit():
        qs = qs.filter(level=int(level))
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(code__startswith=q)
    page = keyset_page(qs.select_related("parent"), request.GET, sort="path", size=50)
    return render(
        request, "orgs/jurisdictions.html", {"page": page, "levels": JurisdictionLevel.choices, "level": level, "q": q}
    )


@require_action("orgs.view")
def jurisdiction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    j = get_in_scope(Jurisdiction.objects.select_related("parent"), request.user, "orgs.view", pk=pk)
    children = j.children.annotate(n=Count("enterprises")).order_by("code")
    return render(
        request,
        "orgs/jurisdiction_detail.html",
        {
            "j": j,
            "children": children,
            "ancestors": j.ancestors(),
            "events": timeline_for(j),
            "history": history_for(j),
            "can_see_users": has_action(request.user, "accounts.view"),
            "can_adjust": j.parent_id is not None
            and Jurisdiction.objects.restrict(request.user, "orgs.change").filter(pk=j.pk).exists(),
        },
    )


@require_action("orgs.view")
def jurisdiction_geojson(request: HttpRequest, pk: int) -> JsonResponse:
    """The boundary of a jurisdiction and of its children, for the map."""
    j = get_in_scope(Jurisdiction.objects, request.user, "orgs.view", pk=pk)
    features = [boundary_feature(j)] + [boundary_feature(c) for c in j.children.exclude(boundary="")[:2000]]
    return JsonResponse({"type": "FeatureCollection", "features": [f for f in features if f["geometry"]]},
                        json_dumps_params={"ensure_ascii": False})


def boundaries(request: HttpRequest) -> HttpResponse:
    """The user's jurisdiction boundaries under a map of ``?for=<app>`` (hazards, monitoring,
    grids, orgs): the territory in which the user may use that app, and its direct children.
    A user whose roles do not grant the app gets a 404, like the map's page."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    action = MAP_ACTIONS.get(request.GET.get("for", ""))
    if action is None or not has_action(request.user, action):
        raise Http404
    response = JsonResponse(scope_boundaries(user=request.user, action=action), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, max-age=300"
    response["Vary"] = "Cookie, Accept-Language"
    return response


@require_action("orgs.view")
def departments(request: HttpRequest) -> HttpResponse:
    depts = Department.objects.restrict(request.user, "orgs.view").select_related("jurisdiction").prefetch_related("sectors")

    routes = routes_visible(request.user).order_by("sector__path")
    return render(request, "orgs/departments.html", {
        "departments": depts, "routes": routes, "can_change": has_action(request.user, "orgs.change"),
    })


