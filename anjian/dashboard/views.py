from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anjian.core.pagination import keyset_page
from anjian.core.scoping import has_action
from anjian.core.views import partial_or_full, require_action
from anjian.dashboard.figures import LICENCE_WINDOW_DAYS, is_enterprise_user, own_enterprises
from anjian.enterprises.models import Enterprise
from anjian.inbox.models import Notification
from anjian.inbox.selectors import due_counts, due_item_list


@require_action("dashboard.view")
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    figures: dict[str, object] = {}
    if is_enterprise_user(user):  # an enterprise or its custody provider: its own figures
        figures["own"] = own_enterprises(user)
        figures["licence_window"] = LICENCE_WINDOW_DAYS
    elif has_action(user, "enterprises.view"):
        ents = Enterprise.objects.restrict(user, "enterprises.view")
        by_colour = dict(ents.values_list("risk_colour").annotate(n=Count("id")).order_by())
        figures["enterprises"] = sum(by_colour.values())
        figures["by_colour"] = [(c, by_colour.get(c, 0)) for c in ("red", "orange", "yellow", "blue")]
    counts = due_counts(user=user) if has_action(user, "inbox.view") else {}
    items = list(due_item_list(user=user)[:10]) if has_action(user, "inbox.view") else []
    return render(request, "dashboard/home.html", {"figures": figures, "counts": counts, "items": items, "now": timezone.now()})


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
