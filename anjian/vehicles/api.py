"""Vehicles API: the register, positions in (HTTP), live positions, tracks, geofences.

``POST /positions`` is the HTTP batch endpoint for on-board terminals and platforms that relay
them. Authentication as monitoring's readings: a hashed bearer token of a user holding
``vehicles.change`` on the carrier; a position of a device outside that user's scope is counted
as an unknown device, exactly like a device that does not exist (docs/vehicles.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Router, Schema, Status

from anjian.core.api import require
from anjian.core.apischema import Id, In, Limit, Param, When
from anjian.core.errors import DomainError
from anjian.core.lookups import Ref, resolve_refs
from anjian.core.scoping import get_in_scope
from anjian.vehicles import selectors
from anjian.vehicles.fences import FenceIndex
from anjian.vehicles.ingest import DeviceDirectory, RawPosition, ingest_positions
from anjian.vehicles.models import Geofence, Vehicle
from anjian.vehicles.services import (
    GEOFENCE_FIELDS,
    VEHICLE_FIELDS,
    geofence_create,
    geofence_set_enabled,
    geofence_update,
    vehicle_create,
    vehicle_set_enabled,
    vehicle_update,
)

router = Router(tags=["vehicles"])

MAX_BATCH = 10_000
_FENCES = FenceIndex()  # shared by the HTTP endpoint's requests in this process, reloaded on its TTL


class PositionIn(In):
    device: str
    ts: str | int | float
    lng: float
    lat: float
    speed: float = 0.0
    crs: str | None = None


class PositionsOut(Schema):
    stored: int
    checked: int
    rejected: dict[str, int]
    alarms_raised: int
    alarms_cleared: int


@router.post("/positions", response=PositionsOut, summary="批量上报车辆定位 / post a batch of positions")
def post_positions(request: HttpRequest, positions: list[PositionIn]) -> Any:
    require(request, "vehicles.change")
    if len(positions) > MAX_BATCH:
        raise DomainError(f"每批最多 {MAX_BATCH} 条", f"At most {MAX_BATCH} positions per batch", field="positions")
    directory = DeviceDirectory(queryset=Vehicle.objects.restrict(request.user, "vehicles.change"))
    result = ingest_positions(
        (RawPosition(p.device, p.ts, p.lng, p.lat, p.speed, p.crs) for p in positions), directory=directory,
        fences=_FENCES,
    )
    return {"stored": result.stored, "checked": result.checked,
            "rejected": {str(k): v for k, v in sorted(result.rejected.items())},
            "alarms_raised": result.raised, "alarms_cleared": result.cleared}


# --- the register --------------------------------------------------------------------------------


class VehicleIn(In):
    """Vehicle settings; on PATCH only the fields sent are changed."""

    db_model = Vehicle
    plate: str | None = None
    kind: str | None = None
    cargo_class: str | None = None
    un_number: str | None = None
    cargo_name: str | None = None
    seats: int | None = None
    device_id: str | None = None
    route: Annotated[int | None, Ref("vehicles.routes")] = None


class VehicleCreateIn(VehicleIn):
    carrier: Annotated[int, Ref("enterprises@vehicles.change")]
    plate: str  # type: ignore[assignment]
    kind: str  # type: ignore[assignment]
    device_id: str  # type: ignore[assignment]


class VehiclePatchIn(VehicleIn):
    reason: str = ""
    enabled: bool | None = None


class VehicleOut(Schema):
    id: int
    plate: str
    kind: str
    carrier: int
    cargo_class: str
    un_number: str
    cargo_name: str
    seats: int | None
    device_id: str
    route: int | None
    enabled: bool
    last_ts: dt.datetime | None
    last_lng: float | None
    last_lat: float | None
    last_speed: float | None


def _vehicle_out(v: Vehicle) -> dict[str, Any]:
    out = {k: getattr(v, k) for k in VEHICLE_FIELDS if k != "route"}
    out.update(id=v.pk, carrier=v.carrier_id, route=v.route_id, enabled=v.enabled, last_ts=v.last_ts,
               last_lng=v.last_lng, last_lat=v.last_lat, last_speed=v.last_speed)
    return out


def _vehicle_data(request: HttpRequest, payload: VehicleIn) -> dict[str, Any]:
    sent = payload.model_fields_set
    data = {k: v for k, v in payload.model_dump().items() if k in VEHICLE_FIELDS and k in sent}
    if "route" in data:
        data["route"] = resolve_refs(request.user, payload, only=["route"])["route"]
    return data


@router.get("/vehicles", response=list[VehicleOut], summary="车辆列表 / vehicles in scope (keyset by id)")
def list_vehicles(request: HttpRequest, q: Param = "", after_id: Id | None = None, limit: Limit = 100) -> Any:
    require(request, "vehicles.view")
    qs = selectors.vehicle_list(user=request.user, filters={"q": q}).order_by("-id")
    if after_id:
        qs = qs.filter(id__lt=after_id)
    return [_vehicle_out(v) for v in qs[:limit]]


@router.post("/vehicles", response={201: VehicleOut}, summary="登记车辆 / register a vehicle")
def create_vehicle(request: HttpRequest, payload: VehicleCreateIn) -> Any:
    require(request, "vehicles.change")
    carrier = resolve_refs(request.user, payload, only=["carrier"])["carrier"]
    vehicle = vehicle_create(actor=request.user, carrier=carrier, data=_vehicle_data(request, payload))
    return Status(201, _vehicle_out(vehicle))


@router.get("/vehicles/{vehicle_id}", response=VehicleOut, summary="车辆 / a vehicle")
def get_vehicle(request: HttpRequest, vehicle_id: Id) -> Any:
    require(request, "vehicles.view")
    return _vehicle_out(get_in_scope(Vehicle.objects.all(), request.user, "vehicles.view", pk=vehicle_id))


@router.patch("/vehicles/{vehicle_id}", response=VehicleOut, summary="修改、停用或启用车辆 / change, disable or enable")
def patch_vehicle(request: HttpRequest, vehicle_id: Id, payload: VehiclePatchIn) -> Any:
    require(request, "vehicles.change")
    vehicle = get_in_scope(Vehicle.objects.select_related("carrier"), request.user, "vehicles.change", pk=vehicle_id)
    data = _vehicle_data(request, payload)
    with transaction.atomic():
        if payload.enabled is True:
            vehicle = vehicle_set_enabled(actor=request.user, vehicle=vehicle, enabled=True, reason=payload.reason)
        if data:
            vehicle = vehicle_update(actor=request.user, vehicle=vehicle, data=data, reason=payload.reason)
        if payload.enabled is False:
            vehicle = vehicle_set_enabled(actor=request.user, vehicle=vehicle, enabled=False, reason=payload.reason)
    vehicle.refresh_from_db()
    return _vehicle_out(vehicle)


class TrackPointOut(Schema):
    ts: dt.datetime
    lng: float
    lat: float
    speed: float


@router.get("/vehicles/{vehicle_id}/track", response=list[TrackPointOut],
            summary="车辆轨迹（至多7天）/ a vehicle's track (at most 7 days)")
def get_track(request: HttpRequest, vehicle_id: Id, start: When | None = None, end: When | None = None) -> Any:
    require(request, "vehicles.view")
    vehicle = get_in_scope(Vehicle.objects.all(), request.user, "vehicles.view", pk=vehicle_id)
    d_start, d_end = selectors.default_span()
    start, end = start or d_start, end or d_end
    if start > end:
        raise DomainError("开始时间不能晚于结束时间", "The start cannot be after the end", field="start")
    rows = selectors.track(vehicle=vehicle, start=start, end=end)
    return [{"ts": ts, "lng": lng, "lat": lat, "speed": speed} for ts, lng, lat, speed in rows]


class LiveOut(Schema):
    id: int
    plate: str
    kind: str
    carrier: str
    ts: dt.datetime
    lng: float
    lat: float
    speed: float | None
    alarms: list[str]


@router.get("/live", response=list[LiveOut], summary="车辆最新位置 / the latest position of every vehicle in scope")
def get_live(request: HttpRequest) -> Any:
    require(request, "vehicles.view")
    return [{"id": r["id"], "plate": r["plate"], "kind": r["kind"], "carrier": r["carrier__name"], "ts": r["last_ts"],
             "lng": r["last_lng"], "lat": r["last_lat"], "speed": r["last_speed"], "alarms": r["alarms"]}
            for r in selectors.live_positions(user=request.user)]


# --- geofences -------------------------------------------------------------------------------------


class GeofenceIn(In):
    db_model = Geofence
    name: str | None = None
    kind: str | None = None
    geometry: dict[str, Any] | None = None
    corridor_m: int | None = None
    windows: list[list[str]] | None = None
    vehicle_kinds: list[str] | None = None
    speed_limit_kmh: float | None = None


class GeofenceCreateIn(GeofenceIn):
    jurisdiction: Annotated[int, Ref("orgs.jurisdictions@vehicles.manage")]
    name: str  # type: ignore[assignment]
    kind: str  # type: ignore[assignment]
    geometry: dict[str, Any]  # type: ignore[assignment]


class GeofencePatchIn(GeofenceIn):
    reason: str = ""
    enabled: bool | None = None


class GeofenceOut(Schema):
    id: int
    name: str
    kind: str
    jurisdiction: int
    geometry: dict[str, Any]
    corridor_m: int
    windows: list[list[str]]
    vehicle_kinds: list[str]
    speed_limit_kmh: float | None
    enabled: bool


def _fence_out(f: Geofence) -> dict[str, Any]:
    out = {k: getattr(f, k) for k in GEOFENCE_FIELDS}
    out.update(id=f.pk, jurisdiction=f.jurisdiction_id, enabled=f.enabled)
    return out


@router.get("/geofences", response=list[GeofenceOut], summary="电子围栏 / geofences in scope (keyset by id)")
def list_geofences(request: HttpRequest, kind: Param = "", after_id: Id | None = None, limit: Limit = 100) -> Any:
    require(request, "vehicles.view")
    qs = selectors.geofence_list(user=request.user, filters={"kind": kind}).order_by("-id")
    if after_id:
        qs = qs.filter(id__lt=after_id)
    return [_fence_out(f) for f in qs[:limit]]


@router.post("/geofences", response={201: GeofenceOut}, summary="新建电子围栏 / create a geofence")
def create_geofence(request: HttpRequest, payload: GeofenceCreateIn) -> Any:
    require(request, "vehicles.manage")
    jurisdiction = resolve_refs(request.user, payload, only=["jurisdiction"])["jurisdiction"]
    data = {k: v for k, v in payload.model_dump().items() if k in GEOFENCE_FIELDS and k in payload.model_fields_set}
    return Status(201, _fence_out(geofence_create(actor=request.user, jurisdiction=jurisdiction, data=data)))


@router.get("/geofences/{fence_id}", response=GeofenceOut, summary="电子围栏 / a geofence")
def get_geofence(request: HttpRequest, fence_id: Id) -> Any:
    require(request, "vehicles.view")
    return _fence_out(get_in_scope(Geofence.objects.all(), request.user, "vehicles.view", pk=fence_id))


@router.patch("/geofences/{fence_id}", response=GeofenceOut, summary="修改、停用或启用电子围栏 / change, disable or enable")
def patch_geofence(request: HttpRequest, fence_id: Id, payload: GeofencePatchIn) -> Any:
    require(request, "vehicles.manage")
    fence = get_in_scope(Geofence.objects.all(), request.user, "vehicles.manage", pk=fence_id)
    data = {k: v for k, v in payload.model_dump().items() if k in GEOFENCE_FIELDS and k in payload.model_fields_set}
    with transaction.atomic():
        if data:
            fence = geofence_update(actor=request.user, fence=fence, data=data, reason=payload.reason)
        if payload.enabled is not None:
            fence = geofence_set_enabled(actor=request.user, fence=fence, enabled=payload.enabled)
    fence.refresh_from_db()
    return _fence_out(fence)
