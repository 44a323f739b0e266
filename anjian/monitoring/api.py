"""Monitoring API. ``POST /readings`` is the HTTP batch endpoint for devices and gateways.

Device authentication reuses the platform's hashed bearer tokens (``accounts.ApiToken``): an
enterprise (or its gateway operator) creates a token for a user that holds ``monitoring.change``
on the enterprise, and the device sends ``Authorization: Bearer <token>``. A reading for a sensor
outside that user's scope is counted as an unknown sensor, exactly like a code that does not
exist, so a token cannot probe other enterprises' sensor codes. See ``docs/monitoring.md``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from anjian.config.api import require

router = Router(tags=["monitoring"])

MAX_BATCH = 10_000


class ReadingIn(Schema):
    sensor: str
    ts: str | int | float
    value: float | int | str
    unit: str | None = None


class IngestOut(Schema):
    stored: int
    rejected: dict[str, int]
    alarms_raised: int
    alarms_cleared: int


@router.post("/readings", response=IngestOut, summary="批量上报监测数据 / post a batch of readings")
def post_readings(request: HttpRequest, readings: list[ReadingIn]) -> Any:
    from anjian.core.errors import DomainError
    from anjian.monitoring.ingest import RawReading, SensorDirectory, ingest
    from anjian.monitoring.models import Sensor

    require(request, "monitoring.change")
    if len(readings) > MAX_BATCH:
        raise DomainError(f"每批最多 {MAX_BATCH} 条", f"At most {MAX_BATCH} readings per batch", field="readings")
    directory = SensorDirectory(queryset=Sensor.objects.restrict(request.user, "monitoring.change"))
    result = ingest((RawReading(r.sensor, r.ts, r.value, r.unit) for r in readings), directory=directory)
    return {
        "stored": result.stored,
        "rejected": {str(k): v for k, v in sorted(result.rejected.items())},
        "alarms_raised": result.raised,
        "alarms_cleared": result.cleared,
    }
