"""Choosing emergency rows, and the accidents and alarms an incident starts from (read through
the lower apps' own scope; their models are fetched from the registry, not imported)."""

from __future__ import annotations

from django.apps import apps
from django.utils import timezone

from anjian.core.lookups import Lookup, register
from anjian.emergency.models import EmergencyPlan, LawEntry, Team, Warehouse

register(Lookup(key="emergency.plans", model=EmergencyPlan, action="emergency.view", search=("title",),
                order=("-id",), base=lambda qs: qs.exclude(status__in=("draft", "superseded")),
                label=lambda p: f"{p.unit_name} · {p.title}", select_related=("enterprise", "jurisdiction", "department")))
register(Lookup(key="emergency.laws", model=LawEntry, action=None, search=("title", "number"), order=("title",),
                label=lambda e: f"{e.title}（{e.number}）" if e.number else e.title))  # the library serves everyone
register(Lookup(key="emergency.teams", model=Team, action="emergency.view", order=("name",)))
register(Lookup(key="emergency.warehouses", model=Warehouse, action="emergency.view", order=("name",)))
register(Lookup(
    key="emergency.accidents", model=apps.get_model("accidents", "Accident"), action="accidents.view",
    search=("unit_name",), order=("-occurred_at",),
    label=lambda a: f"{timezone.localtime(a.occurred_at):%Y-%m-%d %H:%M} {a.unit_name} {a.type_name}",
))
register(Lookup(
    key="emergency.alarms", model=apps.get_model("monitoring", "Alarm"), action="monitoring.view",
    search=("sensor__name", "subject"), order=("-raised_at",), base=lambda qs: qs.filter(active=True),
    select_related=("enterprise", "sensor"),  # a vehicle's alarm names a subject instead of a sensor
    label=lambda a: f"{timezone.localtime(a.raised_at):%Y-%m-%d %H:%M} {a.enterprise.name} {a.subject_name}",
))
