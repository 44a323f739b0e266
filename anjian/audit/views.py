from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from anjian.core.pagination import keyset_page
from anjian.core.views import require_action


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@require_action("audit.view")
def search(request: HttpRequest) -> HttpResponse:
    """Auditors search the timeline of the objects in their scope (city-wide auditors: every
    object): by who, what, when and request id."""
    from anjian.audit.selectors import events_visible

    qs = events_visible(request.user).select_related("content_type")
    actor = request.GET.get("actor", "").strip()
    verb = request.GET.get("verb", "").strip()
    model = request.GET.get("model", "")
    rid = request.GET.get("request_id", "").strip()
    text = request.GET.get("q", "").strip()
    start, end = _day(request.GET.get("start", "")), _day(request.GET.get("end", ""))
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if verb:
        qs = qs.filter(verb__icontains=verb)
    if model.isdigit():
        qs = qs.filter(content_type_id=int(model))
    if rid:
        qs = qs.filter(request_id=rid)
    if text:
        qs = qs.filter(summary__icontains=text)
    if start:
        qs = qs.filter(at__gte=timezone.make_aware(dt.datetime.combine(start, dt.time.min)))
    if end:
        qs = qs.filter(at__lt=timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min)))
    page = keyset_page(qs, request.GET, sort="-id", size=50)
    models = ContentType.objects.filter(app_label__in=["orgs", "accounts", "enterprises", "documents", "jobs"]).order_by("app_label", "model")
    return render(request, "audit/search.html", {"page": page, "models": models, "params": request.GET})
