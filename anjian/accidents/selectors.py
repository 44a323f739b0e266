"""Reads of accidents, always scoped. One filter definition feeds the page, the export and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from anjian.accidents.models import Accident
from anjian.orgs.models import Jurisdiction, JurisdictionLevel


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def in_area(jur: Jurisdiction) -> Q:
    """Accidents inside the area's subtree.

    For the city or a district the denormalised ``district`` (the accident's district, or the
    root for a city-level accident) decides: ``district_id IN`` the area and its districts — at
    most a dozen ids and the ``(district, occurred_at)`` index — instead of ``jurisdiction_id IN``
    every street, community and grid of the subtree (20,000+ ids for a megacity, measured in
    ``bench/bench_accidents.py``). Deeper areas use the subtree of jurisdictions."""
    if jur.level <= JurisdictionLevel.DISTRICT:
        return Q(district_id__in=Jurisdiction.objects.filter(
            path__startswith=jur.path, level__lte=JurisdictionLevel.DISTRICT).values("id"))
    return Q(jurisdiction_id__in=Jurisdiction.objects.filter(path__startswith=jur.path).values("id"))


def filter_accidents(qs: QuerySet[Accident], f: dict[str, Any]) -> QuerySet[Accident]:
    """Apply the list filters (period, district, category, grade, type, kind, text, origin:
    ``reported`` here or ``imported``)."""
    if start := f.get("start"):
        qs = qs.filter(occurred_at__gte=_start(start))
    if end := f.get("end"):
        qs = qs.filter(occurred_at__lt=_start(end + dt.timedelta(days=1)))
    if jur := f.get("jurisdiction"):
        qs = qs.filter(in_area(jur))
    if category := f.get("category"):
        qs = qs.filter(category=category)
    if grade := f.get("grade"):
        qs = qs.filter(grade=int(grade))
    if type_code := f.get("type_code"):
        qs = qs.filter(type_code=type_code)
    if kind := f.get("kind"):
        qs = qs.filter(kind=kind)
    if q := (f.get("q") or "").strip():
        qs = qs.filter(unit_name__icontains=q)
    if origin := f.get("origin"):
        qs = qs.filter(is_imported=origin == "imported")
    return qs


def accident_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Accident]:
    qs = Accident.objects.restrict(user, "accidents.view")
    return filter_accidents(qs, filters or {}).select_related("jurisdiction", "sector", "department")
