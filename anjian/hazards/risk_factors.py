"""The hazards' part of the enterprise risk colour (registered in ``HazardsConfig.ready`` into
``enterprises.risk``): open 重大 / 一般 hazards — confirmed, not yet written off (an unconfirmed
report does not count) — and overdue hazards, in rectification past their deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q

from anjian.enterprises.risk import RiskFactor
from anjian.hazards.models import OPEN_STATUSES, RECTIFICATION_STATUSES, Hazard, HazardLevel, HazardStatus


def counted_statuses() -> tuple[str, ...]:
    return tuple(s for s in OPEN_STATUSES if s != HazardStatus.REPORTED)


def one(enterprise_id: int, now: dt.datetime) -> dict[str, Any]:
    hazards = Hazard.objects.filter(enterprise_id=enterprise_id)
    open_ = hazards.filter(status__in=counted_statuses())
    return {
        "open_major": open_.filter(level=HazardLevel.MAJOR).count(),
        "open_general": open_.filter(level=HazardLevel.GENERAL).count(),
        "overdue": hazards.filter(status__in=RECTIFICATION_STATUSES, deadline__lt=now).count(),
    }


def bulk(only: Q, now: dt.datetime) -> dict[str, dict[int, Any]]:
    open_major: dict[int, int] = {}
    open_general: dict[int, int] = {}
    for ent, level, n in (
        Hazard.objects.filter(only, enterprise__isnull=False, status__in=counted_statuses())
        .values_list("enterprise_id", "level").annotate(n=Count("id")).order_by()
    ):
        (open_major if level == HazardLevel.MAJOR else open_general)[ent] = n
    overdue = dict(
        Hazard.objects.filter(only, enterprise__isnull=False, status__in=RECTIFICATION_STATUSES, deadline__lt=now)
        .values_list("enterprise_id").annotate(n=Count("id")).order_by()
    )
    return {"open_major": open_major, "open_general": open_general, "overdue": overdue}


FACTOR = RiskFactor("hazards", one, bulk)
