from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from anjian.audit.display import VERBS, discover, object_name
from anjian.audit.models import Event
from anjian.audit.selectors import events_visible
from anjian.core.pagination import keyset_page
from anjian.core.views import require_action

AUDITED_APPS = ["orgs", "accounts", "enterprises", "documents", "jobs", "checklists", "grids", "hazards",
                "accidents", "monitoring", "public_reports"]


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def target_names(events: list[Event]) -> dict[int, str]:
    """Event id → the name of the object it happened to (one query per object type)."""
    wanted: dict[int, set[str]] = defaultdict(set)
    for e in events:
        wanted[e.content_type_id].add(e.object_id)
    found: dict[tuple[int, str], str] = {}
    for ct_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if model is None:
            continue
        for obj in model._base_manager.filter(pk__in=list(ids)):
            found[(ct_id, str(obj.pk))] = object_name(obj)
    return {e.pk: found.get((e.content_type_id, e.object_id), object_name(None)) for e in events}


@require_action("audit.view")
def search(request: HttpRequest) -> HttpResponse:
    """Auditors search the timeline of the objects in their scope (city-wide auditors: every
    object): by who, what, when and request id."""

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
        qs = qs.filter(verb=verb)
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
    names = target_names(page.rows)
    rows = [(e, names[e.pk]) for e in page.rows]
    models = sorted(ContentType.objects.filter(app_label__in=AUDITED_APPS), key=lambda ct: (ct.app_label, str(ct.name)))
    discover()
    verbs: list[tuple[str, Any]] = sorted(((code, str(label)) for code, label in VERBS.items()), key=lambda p: p[1])
    return render(request, "audit/search.html",
                  {"page": page, "rows": rows, "models": models, "verbs": verbs, "params": request.GET})
