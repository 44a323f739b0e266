from __future__ import annotations

import json
from typing import Any

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anjian.accounts.models import Membership
from anjian.core.maplayers import LAYERS, layers_for
from anjian.core.pagination import keyset_page
from anjian.core.scoping import has_action
from anjian.core.views import partial_or_full, require_action
from anjian.dashboard import cockpit as cp
from anjian.dashboard.figures import (
    LICENCE_WINDOW_DAYS,
    is_enterprise_user,
    is_patrol_user,
    own_enterprises,
    patrols_today,
    street_waiting,
)
from anjian.enterprises.models import Enterprise
from anjian.inbox.models import Notification
from anjian.inbox.selectors import due_counts, due_item_list


def _is_leader(user: Any) -> bool:
    return Membership.objects.filter(user=user, is_active=True, role__code="leader").exists()


@require_action("dashboard.view")
def home(request: HttpRequest) -> HttpResponse:
    """Each role's first screen shows its own work and figures (docs/dashboard.md): a leader's home
    is the cockpit; offices and regulators get the cockpit's figures of their scope and what waits
    for them; a grid inspector today's patrols on a map; an enterprise its own figures."""
    user = request.user
    if has_action(user, "dashboard.cockpit") and _is_leader(user):
        return redirect("dashboard:cockpit")
    figures: dict[str, object] = {}
    if is_enterprise_user(user):  # an enterprise or its custody provider: its own figures
        figures["own"] = own_enterprises(user)
        figures["licence_window"] = LICENCE_WINDOW_DAYS
    elif has_action(user, "dashboard.cockpit"):
        try:
            place: Any = cp.place_for(user, None)
        except Http404:  # a membership without a territory the user may see
            place = None
        if place is not None:
            figures["place"] = place
            figures["tiles"] = cp.overview(user, place)["figures"]
        figures["waiting"] = street_waiting(user)
    elif has_action(user, "enterprises.view"):
        ents = Enterprise.objects.restrict(user, "enterprises.view")
        by_colour = dict(ents.values_list("risk_colour").annotate(n=Count("id")).order_by())
        figures["enterprises"] = sum(by_colour.values())
        figures["by_colour"] = [(c, by_colour.get(c, 0)) for c in ("red", "orange", "yellow", "blue")]
    if is_patrol_user(user):
        figures["patrols"] = patrols_today(user)
    counts = due_counts(user=user) if has_action(user, "inbox.view") else {}
    items = list(due_item_list(user=user)[:10]) if has_action(user, "inbox.view") else []
    patrol_json = json.dumps(figures["patrols"]["geojson"]) if "patrols" in figures else ""  # type: ignore[index]
    return render(request, "dashboard/home.html", {"figures": figures, "counts": counts, "items": items,
                                                   "now": timezone.now(), "patrol_json": patrol_json})


@require_action("inbox.view")
def inbox(request: HttpRequest) -> HttpResponse:
    bucket = request.GET.get("bucket", "mine")
    when = request.GET.get("when", "")
    qs = due_item_list(user=request.user, bucket="scope" if bucket == "scope" else "mine", when=when)
    page = keyset_page(qs, request.GET, sort="due_at", size=30)
    template = partial_or_full(request, "dashboard/inbox.html", "dashboard/partials/_inbox_table.html")
    return render(request, template, {"page": page, "bucket": bucket, "when": when, "now": timezone.now()})


def notifications(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    qs = Notification.objects.filter(user=request.user)
    page = keyset_page(qs, request.GET, sort="-id", size=30)
    return render(request, "dashboard/notifications.html", {"page": page})


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect(note.url or "dashboard:notifications")


def _place_id(request: HttpRequest) -> int | None:
    raw = request.GET.get("place", "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise Http404
    return int(raw)


@require_action("dashboard.cockpit")
def cockpit(request: HttpRequest) -> HttpResponse:
    """领导驾驶舱 of one place in the user's scope (``?place=``; ``?wall=1``: the command-centre wall)."""
    place = cp.place_for(request.user, _place_id(request))
    wall = request.GET.get("wall") == "1"
    data = cp.overview(request.user, place)
    layers = [{"code": la.code, "label": str(la.label), "colour": la.colour, "on": la.on,
               "url": f"{reverse('dashboard:cockpit_layer', args=[la.code])}?place={place.pk}"}
              for la in layers_for(request.user)]
    context = {"place": place, "trail": cp.trail(request.user, place), "wall": wall, "layers": layers,
               "drills_deferred": has_action(request.user, "emergency.view"),
               "layers_json": json.dumps(layers), **data}
    if getattr(request, "htmx", False):
        return render(request, "dashboard/partials/_cockpit_body.html", context)
    return render(request, "dashboard/cockpit_wall.html" if wall else "dashboard/cockpit.html", context)


@require_action("dashboard.cockpit")
def cockpit_drills(request: HttpRequest) -> HttpResponse:
    """The cockpit's drills tile, fetched by the page after it has shown (cockpit.deferred_drills)."""
    if not has_action(request.user, "emergency.view"):
        raise Http404
    place = cp.place_for(request.user, _place_id(request))
    return render(request, "dashboard/partials/_cockpit_tile.html", {"t": cp.deferred_drills(request.user, place)})


@require_action("dashboard.cockpit")
def cockpit_layer(request: HttpRequest, code: str) -> HttpResponse:
    layer = LAYERS.get(code)
    if layer is None or not has_action(request.user, layer.action):
        raise Http404
    place = cp.place_for(request.user, _place_id(request))
    return JsonResponse(layer.points(request.user, place))
