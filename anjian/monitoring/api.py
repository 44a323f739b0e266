"""Monitoring API. ``POST /readings`` is the HTTP batch endpoint for devices and gateways.

Device authentication reuses the platform's hashed bearer tokens (``accounts.ApiToken``): an
enterprise (or its gateway operator) creates a token for a user that holds ``monitoring.change``
on the enterprise, and the device sends ``Authorization: Bearer <token>``. A reading for a sensor
outside that user's scope is counted as an unknown sensor, exactly like a code that does not
exist, so a token cannot probe other enterprises' sensor codes. See ``docs/monitoring.md``.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Router, Schema, Status

from anjian.core.api import require
from anjian.core.apischema import Id, In
from anjian.core.errors import DomainError
from anjian.core.lookups import Ref, resolve_refs
from anjian.core.scoping import get_in_scope
from anjian.monitoring.ingest import RawReading, SensorDirectory, ingest
from anjian.monitoring.models import Sensor
from anjian.monitoring.services import (
    SENSOR_FIELDS,
    sensor_create,
    sensor_deactivate,
    sensor_reactivate,
    sensor_update,
)

router = Router(tags=["monitoring"])

MAX_BATCH = 10_000


class ReadingIn(In):
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


# --- sensor registry --------------------------------------------------------------------------

class SensorIn(In):
    """Sensor settings; on PATCH only the fields sent are changed."""

    db_model = Sensor
    name: str | None = None
    kind: str | None = None
    unit: str | None = None
    source: Annotated[int | None, Ref("monitoring.sources")] = None
    low: float | None = None
    high: float | None = None
    high_high: float | None = None
    deadband: float | None = None
    min_duration_s: int | None = None
    expected_interval_s: int | None = None
    topic: str | None = None
    range_min: float | None = None
    range_max: float | None = None
    lng: float | None = None
    lat: float | None = None


class SensorCreateIn(SensorIn):
    enterprise: Annotated[int, Ref("enterprises@monitoring.change")]
    code: str
    name: str  # type: ignore[assignment]
    kind: str  # type: ignore[assignment]


class SensorPatchIn(SensorIn):
    reason: str = ""
    enabled: bool | None = None


class SensorOut(Schema):
    id: int
    enterprise: int
    code: str
    name: str
    kind: str
    unit: str
    source: int | None
    low: float | None
    high: float | None
    high_high: float | None
    deadband: float
    min_duration_s: int
    expected_interval_s: int
    topic: str
    range_min: float | None
    range_max: float | None
    lng: float | None
    lat: float | None
    enabled: bool
    state: str


def _sensor_out(sensor: Any) -> dict[str, Any]:
    out = {k: getattr(sensor, k) for k in SENSOR_FIELDS if k != "source"}
    out.update(id=sensor.pk, enterprise=sensor.enterprise_id, code=sensor.code, source=sensor.source_id,
               enabled=sensor.enabled, state=sensor.state)
    return out


def _sensor_data(request: HttpRequest, payload: SensorIn, fields: set[str]) -> dict[str, Any]:
    data = {k: v for k, v in payload.model_dump().items() if k in SENSOR_FIELDS and k in fields}
    if "source" in data:
        data["source"] = resolve_refs(request.user, payload, only=["source"])["source"]
    return data


@router.post("/sensors", response={201: SensorOut}, summary="新增测点 / create a sensor")
def create_sensor(request: HttpRequest, payload: SensorCreateIn) -> Any:
    require(request, "monitoring.change")
    enterprise = resolve_refs(request.user, payload, only=["enterprise"])["enterprise"]
    sent = payload.model_fields_set
    sensor = sensor_create(actor=request.user, enterprise=enterprise, code=payload.code,
                           data=_sensor_data(request, payload, sent))
    return Status(201, _sensor_out(sensor))


@router.get("/sensors/{sensor_id}", response=SensorOut, summary="测点 / a sensor")
def get_sensor(request: HttpRequest, sensor_id: Id) -> Any:
    require(request, "monitoring.view")
    return _sensor_out(get_in_scope(Sensor.objects.all(), request.user, "monitoring.view", pk=sensor_id))


@router.patch("/sensors/{sensor_id}", response=SensorOut, summary="修改、停用或启用测点 / change, deactivate or reactivate")
def patch_sensor(request: HttpRequest, sensor_id: Id, payload: SensorPatchIn) -> Any:
    require(request, "monitoring.change")
    sensor = get_in_scope(Sensor.objects.select_related("enterprise"), request.user, "monitoring.change", pk=sensor_id)
    sent = payload.model_fields_set
    data = _sensor_data(request, payload, sent)
    with transaction.atomic():
        if payload.enabled is True and not sensor.enabled:
            sensor = sensor_reactivate(actor=request.user, sensor=sensor, reason=payload.reason)
        if data:
            sensor = sensor_update(actor=request.user, sensor=sensor, data=data, reason=payload.reason)
        if payload.enabled is False and sensor.enabled:
            sensor = sensor_deactivate(actor=request.user, sensor=sensor, reason=payload.reason)
    sensor.refresh_from_db()
    return _sensor_out(sensor)
