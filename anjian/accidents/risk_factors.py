"""The accidents' part of the enterprise risk colour (registered in ``AccidentsConfig.ready`` into
``enterprises.risk``): 生产安全事故 (not 较大涉险事故) in the last 365 days, deaths in the last 1,096."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, Sum

from anjian.accidents.choices import AccidentKind
from anjian.accidents.models import Accident
from anjian.enterprises.risk import THREE_YEARS, YEAR, RiskFactor


def one(enterprise_id: int, now: dt.datetime) -> dict[str, Any]:
    accidents = Accident.objects.filter(enterprise_id=enterprise_id, kind=AccidentKind.ACCIDENT)
    return {
        "accidents_last_year": accidents.filter(occurred_at__gte=now - YEAR, occurred_at__lte=now).count(),
        "deaths_last_3y": accidents.filter(occurred_at__gte=now - THREE_YEARS, occurred_at__lte=now)
        .aggregate(n=Sum("deaths"))["n"] or 0,
    }


def bulk(only: Q, now: dt.datetime) -> dict[str, dict[int, Any]]:
    acc = Accident.objects.filter(only, enterprise__isnull=False, kind=AccidentKind.ACCIDENT, occurred_at__lte=now)
    accidents = dict(
        acc.filter(occurred_at__gte=now - YEAR).values_list("enterprise_id").annotate(n=Count("id")).order_by()
    )
    deaths = dict(
        acc.filter(occurred_at__gte=now - THREE_YEARS, deaths__gt=0)
        .values_list("enterprise_id").annotate(n=Sum("deaths")).order_by()
    )
    return {"accidents": accidents, "deaths": deaths}


FACTOR = RiskFactor("accidents", one, bulk)
