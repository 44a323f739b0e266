"""Reads for vehicles, tracks, geofences and vehicle alarms — always within the user's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from anjian.core.maplayers import collection, feature
from anjian.monitoring.models import Alarm
from anjian.vehicles.models import Geofence, Position, Vehicle, VehicleAlarm

MAX_TRACK_POINTS = 20_000
MAX_TRACK_SPAN = dt.timedelta(days=7)


def vehicle_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Any]:
    filters = filters or {}
    qs = Vehicle.objects.restrict(user, "vehicles.view").select_related("carrier", "route")
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(plate__icontains=q) | Q(carrier__name__icontains=q) | Q(device_id__iexact=q))
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    return qs


def live_positions(*, user: Any) -> list[dict[str, Any]]:
    """The latest position of every enabled vehicle in scope that has reported, plus its active
    alarm kinds (for the live map)."""
    rows = list(
        Vehicle.objects.restrict(user, "vehicles.view").filter(enabled=True, last_ts__isnull=False)
        .values("id", "plate", "kind", "carrier__name", "last_ts", "last_lng", "last_lat", "last_speed")
    )
    alarms: dict[int, list[str]] = {}
    for vid, kind in vehicle_alarms(user=user).filter(alarm__active=True).values_list("vehicle_id", "alarm__kind"):
        alarms.setdefault(vid, []).append(kind)
    for r in rows:
        r["alarms"] = alarms.get(r["id"], [])
    return rows


def cockpit_layer(user: Any, place: Any) -> dict[str, Any]:
    """The cockpit's vehicle layer: the latest position of each enabled vehicle in scope whose
    carrier lies inside ``place`` (a vehicle in alarm named so)."""
    rows = (Vehicle.objects.restrict(user, "vehicles.view")
            .filter(enabled=True, last_lng__isnull=False, last_lat__isnull=False,
                    carrier__jurisdiction__path__startswith=place.path)
            .order_by("-last_ts").values_list("id", "plate", "last_lng", "last_lat")[:2000])
    in_alarm = set(vehicle_alarms(user=user).filter(alarm__active=True).values_list("vehicle_id", flat=True))
    return collection([feature(lng, lat, name=gettext("%(plate)s（报警中）") % {"plate": plate} if pk in in_alarm else plate,
                               url=reverse("vehicles:detail", args=[pk]))
                       for pk, plate, lng, lat in rows])


def track(*, vehicle: Vehicle, start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, float, float, float]]:
    """The vehicle's positions in ``[start, end]`` (at most ``MAX_TRACK_SPAN``; the (vehicle, ts)
    index serves it), thinned evenly to ``MAX_TRACK_POINTS``."""
    end = min(end, start + MAX_TRACK_SPAN)
    rows = list(
        Position.objects.filter(vehicle=vehicle, ts__gte=start, ts__lte=end)
        .order_by("ts").values_list("ts", "lng", "lat", "speed")
    )
    if len(rows) > MAX_TRACK_POINTS:
        step = len(rows) / MAX_TRACK_POINTS
        rows = [rows[int(i * step)] for i in range(MAX_TRACK_POINTS)] + [rows[-1]]
    return rows


def default_span() -> tuple[dt.datetime, dt.datetime]:
    end = timezone.now()
    return end - dt.timedelta(hours=2), end


def geofence_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Any]:
    filters = filters or {}
    qs = Geofence.objects.restrict(user, "vehicles.view").select_related("jurisdiction")
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if (filters.get("q") or "").strip():
        qs = qs.filter(name__icontains=filters["q"].strip())
    return qs


def vehicle_alarms(*, user: Any) -> QuerySet[Any]:
    """Vehicle alarm links the user may see: the vehicle in ``vehicles.view`` and the alarm in
    ``monitoring.view`` (the alarm pages are monitoring's)."""
    visible = Alarm.objects.restrict(user, "monitoring.view").values("pk")
    return VehicleAlarm.objects.restrict(user, "vehicles.view").filter(alarm__in=visible)
