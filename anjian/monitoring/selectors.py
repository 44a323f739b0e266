"""Reads for monitoring, always starting from ``restrict(user, action)``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from anjian.monitoring.models import Alarm, HazardSource, Reading, ReadingRollup, RollupPeriod, Sensor


def hazard_source_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[HazardSource]:
    filters = filters or {}
    qs = HazardSource.objects.restrict(user, "monitoring.view").select_related("enterprise")
    if filters.get("q"):
        qs = qs.filter(name__icontains=filters["q"]) | qs.filter(enterprise__name__icontains=filters["q"])
    if filters.get("grade"):
        qs = qs.filter(grade=filters["grade"])
    if not filters.get("include_retired"):
        qs = qs.filter(retired=False)
    return qs


def sensor_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Any]:
    filters = filters or {}
    qs = Sensor.objects.restrict(user, "monitoring.view").select_related("enterprise", "source")
    if filters.get("q"):
        qs = qs.filter(code__icontains=filters["q"]) | qs.filter(name__icontains=filters["q"])
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    if filters.get("enterprise"):
        qs = qs.filter(enterprise_id=filters["enterprise"])
    return qs


def alarm_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Any]:
    filters = filters or {}
    qs = Alarm.objects.restrict(user, "monitoring.view").select_related("sensor", "enterprise")
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    elif not filters.get("all"):
        qs = qs.exclude(status="closed")
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("enterprise"):
        qs = qs.filter(enterprise_id=filters["enterprise"])
    return qs


def sensor_series(*, sensor: Any, hours: int) -> list[tuple[Any, float, float]]:
    """(time, value, max) points for the chart: raw readings up to 6 h; beyond that the rollups
    written by ``readings_rollup`` (minute means with the minute's maximum up to 48 h, hourly
    beyond), which outlive the raw readings' retention."""



    since = timezone.now() - dt.timedelta(hours=hours)
    if hours <= 6:
        qs = Reading.objects.filter(sensor=sensor, ts__gte=since)
        return [(ts, v, v) for ts, v in qs.order_by("ts").values_list("ts", "value")[:20000]]
    period = RollupPeriod.MINUTE if hours <= 48 else RollupPeriod.HOUR
    rows = (
        ReadingRollup.objects.filter(sensor=sensor, period=period, bucket__gte=since)
        .order_by("bucket")
        .values_list("bucket", "avg", "max")[:20000]
    )
    return [(bucket, round(avg, 4), peak) for bucket, avg, peak in rows]


def alarm_stats(*, user: Any, days: int = 30) -> dict[str, Any]:
    """Alarms per day, and per sensor: alarms, alarms/day, false-alarm share (SQL aggregates)."""

    since = timezone.now() - dt.timedelta(days=days)
    qs = alarm_list(user=user, filters={"all": True}).filter(raised_at__gte=since)
    per_day = list(
        qs.annotate(day=TruncDate("raised_at")).values("day").annotate(n=Count("id"), false=Count("id", filter=Q(false_alarm=True))).order_by("day")
    )
    per_sensor = list(
        qs.filter(sensor__isnull=False).values("sensor_id", "sensor__code", "sensor__name", "enterprise__name")
        .annotate(n=Count("id"), false=Count("id", filter=Q(false_alarm=True)), closed=Count("id", filter=Q(status="closed")))
        .order_by("-n")[:200]
    )
    for row in per_sensor:
        row["per_day"] = round(row["n"] / days, 2)
        row["false_share"] = round(100 * row["false"] / row["closed"], 1) if row["closed"] else None
    totals = qs.aggregate(n=Count("id"), false=Count("id", filter=Q(false_alarm=True)), closed=Count("id", filter=Q(status="closed")))
    return {"days": days, "per_day": per_day, "per_sensor": per_sensor, "totals": totals}
