"""The monitoring app's part of the enterprise risk colour (registered in ``MonitoringConfig.ready``
into ``enterprises.risk``): the ``major_hazard_source`` flag when a non-retired GB 18218 unit of the
enterprise is a major hazard source."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from anjian.enterprises.risk import RiskFactor
from anjian.monitoring.models import HazardSource


def one(enterprise_id: int, now: dt.datetime) -> dict[str, Any]:
    return {"major_source": HazardSource.objects.filter(enterprise_id=enterprise_id, is_major=True, retired=False).exists()}


def bulk(only: Q, now: dt.datetime) -> dict[str, dict[int, Any]]:
    sources = set(
        HazardSource.objects.filter(only, is_major=True, retired=False).values_list("enterprise_id", flat=True).distinct()
    )
    return {"sources": dict.fromkeys(sources, True)}


FACTOR = RiskFactor("monitoring", one, bulk)
