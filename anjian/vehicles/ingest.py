"""Taking vehicle positions in: parse, validate, deduplicate, store in batches, check the rules.

Built like ``anjian.monitoring.ingest`` (one entry point, :func:`ingest_positions`, for the MQTT
subscriber, the HTTP endpoint, the simulator and the benchmark; it never raises for bad input —
rejected positions are counted by reason in the result). Per batch:

1. validate against the device directory (device id → vehicle, cached) and the clock;
2. drop duplicates (inside the batch and against the (vehicle, ts) index) and write the rest
   with one ``COPY`` (PostgreSQL) or one ``executemany`` (elsewhere);
3. check the positions newer than each vehicle's latest one against the geofence index (one
   vectorised query for the whole batch) and the speed limits, raising and clearing alarms
   through ``anjian.monitoring.services`` (deduplicated while active);
4. write each vehicle's latest position back in one statement.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from anjian.audit.services import Msg
from anjian.core.geo import gcj02_to_wgs84
from anjian.monitoring.ingest import MAX_AGE, MAX_FUTURE_SKEW, Rejected, parse_ts
from anjian.monitoring.services import alarm_clear, alarm_raise_for, id_set
from anjian.vehicles.fences import FenceIndex, Violation, kind_limit, tolerance, violations
from anjian.vehicles.models import Position, Vehicle, VehicleAlarm

MAX_POSITIONS_PER_MESSAGE = 10_000
MAX_SPEED_KMH = 250.0
"""A speed above this is a broken fix, refused as out of range."""


class Reason:
    UNKNOWN_DEVICE = "unknown_device"
    MALFORMED = "malformed"
    OUT_OF_RANGE = "out_of_range"
    CLOCK_SKEW = "clock_skew"
    DUPLICATE = "duplicate"


class RawPosition(NamedTuple):
    device: str
    ts: Any
    lng: Any
    lat: Any
    speed: Any = 0.0
    crs: str | None = None


@dataclass(frozen=True)
class DeviceInfo:
    vehicle_id: int
    plate: str
    kind: str
    route_id: int | None
    carrier_id: int


class DeviceDirectory:
    """Device id → vehicle, cached; reloaded every ``ttl`` seconds and, for an unknown device, at
    most every ``miss_ttl`` seconds. ``queryset`` limits it (the HTTP endpoint: the token's scope)."""

    def __init__(self, ttl: float = 60.0, miss_ttl: float = 5.0, queryset: Any = None) -> None:
        self.ttl, self.miss_ttl, self.queryset = ttl, miss_ttl, queryset
        self._by_device: dict[str, DeviceInfo] = {}
        self._loaded = 0.0

    def load(self) -> None:
        qs = self.queryset if self.queryset is not None else Vehicle.objects.all()
        rows = qs.filter(enabled=True).values_list("id", "plate", "kind", "route_id", "carrier_id", "device_id")
        self._by_device = {r[5]: DeviceInfo(*r[:5]) for r in rows}
        self._loaded = time.monotonic()

    def refresh(self) -> dict[str, DeviceInfo]:
        if time.monotonic() - self._loaded > self.ttl:
            self.load()
        return self._by_device

    def get(self, device: str) -> DeviceInfo | None:
        info = self.refresh().get(device)
        if info is None and time.monotonic() - self._loaded > self.miss_ttl:
            self.load()
            info = self._by_device.get(device)
        return info


@dataclass
class PositionResult:
    stored: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    raised: int = 0
    cleared: int = 0
    checked: int = 0  # positions checked against the geofences and limits

    def add(self, other: PositionResult) -> None:
        self.stored += other.stored
        self.rejected.update(other.rejected)
        self.raised += other.raised
        self.cleared += other.cleared
        self.checked += other.checked


def _position(data: Any, topic: str) -> RawPosition | Rejected:
    if isinstance(data, dict) and "device" not in data and topic.strip("/"):
        data["device"] = topic.rstrip("/").rsplit("/", 1)[-1]
    if not isinstance(data, dict) or not isinstance(data.get("device"), str):
        return Rejected(Reason.MALFORMED)
    if any(k not in data for k in ("ts", "lng", "lat")):
        return Rejected(Reason.MALFORMED)
    crs = data.get("crs")
    return RawPosition(data["device"], data["ts"], data["lng"], data["lat"], data.get("speed", 0.0),
                       crs if isinstance(crs, str) else None)


def parse_message(payload: bytes | str, topic: str = "") -> list[RawPosition | Rejected]:
    """One MQTT message: a JSON object ``{"device", "ts", "lng", "lat", "speed", "crs"?}`` (without
    ``device`` the topic's last level, ``vehicles/<device>``) or a JSON array of them."""
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return [Rejected(Reason.MALFORMED)]
    if isinstance(data, list):
        if not data or len(data) > MAX_POSITIONS_PER_MESSAGE:
            return [Rejected(Reason.MALFORMED)]
        return [_position(item, topic) for item in data]
    return [_position(data, topic)]


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise Rejected(Reason.MALFORMED)
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise Rejected(Reason.MALFORMED) from exc
    if not math.isfinite(number):
        raise Rejected(Reason.MALFORMED)
    return number


def validate(raw: RawPosition, directory: DeviceDirectory, now: dt.datetime) -> tuple[DeviceInfo, dt.datetime, float, float, float]:
    info = directory.get(raw.device) if isinstance(raw.device, str) else None
    if info is None:
        raise Rejected(Reason.UNKNOWN_DEVICE)
    lng, lat, speed = _number(raw.lng), _number(raw.lat), _number(raw.speed if raw.speed is not None else 0.0)
    if not (-180 <= lng <= 180 and -90 <= lat <= 90) or not 0 <= speed <= MAX_SPEED_KMH:
        raise Rejected(Reason.OUT_OF_RANGE)
    if raw.crs is not None and raw.crs.strip().lower().replace("-", "") == "gcj02":
        lng, lat = gcj02_to_wgs84(lng, lat)
    try:
        ts = parse_ts(raw.ts)
    except Rejected as exc:
        raise Rejected(Reason.MALFORMED) from exc
    if ts > now + MAX_FUTURE_SKEW or ts < now - MAX_AGE:
        raise Rejected(Reason.CLOCK_SKEW)
    return info, ts, lng, lat, speed


Row = tuple[int, dt.datetime, float, float, float]


def _existing(rows: list[Row]) -> set[tuple[int, dt.datetime]]:
    ids = {r[0] for r in rows}
    lo, hi = min(r[1] for r in rows), max(r[1] for r in rows)
    found = Position.objects.filter(vehicle_id__in=id_set(ids), ts__gte=lo, ts__lte=hi).values_list("vehicle_id", "ts")
    return set(found)


def _write(rows: list[Row]) -> None:
    table = Position._meta.db_table
    if connection.vendor == "postgresql":
        buf = "".join([f"{vid}\t{ts.isoformat()}\t{lng!r}\t{lat!r}\t{speed!r}\n" for vid, ts, lng, lat, speed in rows])
        with connection.cursor() as cursor, cursor.cursor.copy(
            f'COPY "{table}" (vehicle_id, ts, lng, lat, speed) FROM STDIN'
        ) as copy:
            copy.write(buf)
        return
    field_ts = Position._meta.get_field("ts")
    params = [(vid, field_ts.get_db_prep_value(ts, connection), lng, lat, speed) for vid, ts, lng, lat, speed in rows]
    with connection.cursor() as cursor:
        cursor.executemany(
            f'INSERT INTO "{table}" (vehicle_id, ts, lng, lat, speed) VALUES (%s, %s, %s, %s, %s)',  # noqa: S608
            params,
        )


def _live_update(latest: dict[int, Row]) -> None:
    """Each vehicle's newest position, one statement (PostgreSQL) or one executemany."""
    if not latest:
        return
    table = Vehicle._meta.db_table
    if connection.vendor == "postgresql":
        doc = json.dumps([{"id": vid, "ts": ts.isoformat(), "lng": lng, "lat": lat, "speed": speed}
                          for vid, ts, lng, lat, speed in latest.values()])
        sql = (
            f'UPDATE "{table}" AS v SET last_ts = r.ts, last_lng = r.lng, last_lat = r.lat, last_speed = r.speed '  # noqa: S608
            "FROM jsonb_to_recordset(%s::jsonb) AS r(id bigint, ts timestamptz, lng float8, lat float8, speed float8) "
            "WHERE v.id = r.id AND (v.last_ts IS NULL OR v.last_ts <= r.ts)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [doc])
        return
    field_ts = Vehicle._meta.get_field("last_ts")
    rows = []
    for vid, ts, lng, lat, speed in latest.values():
        when = field_ts.get_db_prep_value(ts, connection)
        rows.append((when, lng, lat, speed, vid, when))
    with connection.cursor() as cursor:
        cursor.executemany(
            f'UPDATE "{table}" SET last_ts = %s, last_lng = %s, last_lat = %s, last_speed = %s '  # noqa: S608
            "WHERE id = %s AND (last_ts IS NULL OR last_ts <= %s)",
            rows,
        )


ALARM_SUMMARIES = {
    "no_go": gettext_noop("驶入禁行区域「{fence}」"),
    "off_route": gettext_noop("偏离核定线路「{fence}」"),
    "off_hours": gettext_noop("非核定时段在线路「{fence}」上通行"),
    "speeding": gettext_noop("超速：{value} 公里/小时，限速 {threshold} 公里/小时"),
}


def _raise(info: DeviceInfo, carrier: Any, v: Violation, ts: dt.datetime, lng: float, lat: float) -> Any:
    summary = Msg(ALARM_SUMMARIES[v.kind], fence=v.fence.name if v.fence else "",
                  value=f"{v.value:g}" if v.value is not None else "", threshold=f"{v.threshold:g}" if v.threshold else "")
    alarm = alarm_raise_for(
        enterprise=carrier, kind=v.kind, at=ts, subject=info.plate, subject_url=f"/vehicles/{info.vehicle_id}/",
        subject_key=f"vehicle:{info.vehicle_id}:{v.key}", value=v.value, threshold=v.threshold,
        unit="km/h" if v.kind == "speeding" else "", summary=summary,
    )
    if not VehicleAlarm.objects.filter(alarm=alarm).exists():
        VehicleAlarm.objects.create(alarm=alarm, vehicle_id=info.vehicle_id, carrier_id=info.carrier_id,
                                    geofence_id=v.fence.id if v.fence else None, lng=lng, lat=lat)
    return alarm


CLEAR_SUMMARIES = {
    "no_go": gettext_noop("驶离禁行区域"),
    "off_route": gettext_noop("回到核定线路"),
    "off_hours": gettext_noop("离开线路或进入核定时段"),
    "speeding": gettext_noop("车速恢复正常"),
}


def check_positions(rows: list[Row], infos: dict[int, DeviceInfo], fences: FenceIndex) -> tuple[int, int, int]:
    """Check fresh positions against the geofences and limits; raise and clear alarms. Only
    positions newer than the vehicle's latest stored one are checked (late ones are history).
    Returns (checked, raised, cleared). Call inside the ingest transaction."""

    ids = sorted({r[0] for r in rows})
    last = dict(Vehicle.objects.filter(id__in=id_set(ids)).values_list("id", "last_ts"))
    fresh = [r for r in rows if last.get(r[0]) is None or r[1] > last[r[0]]]
    fresh.sort(key=lambda r: (r[0], r[1]))
    if not fresh:
        return 0, 0, 0
    hits = fences.hits([r[2] for r in fresh], [r[3] for r in fresh])
    active: dict[int, dict[str, Any]] = defaultdict(dict)
    for link in VehicleAlarm.objects.filter(vehicle_id__in=id_set(ids), alarm__active=True).select_related("alarm"):
        key = link.alarm.subject_key.split(":", 2)[-1]
        active[link.vehicle_id][key] = link.alarm
    tol = tolerance()
    limits: dict[str, float | None] = {}
    carriers: dict[int, Any] = {}
    raised = cleared = 0
    peaked: dict[int, Any] = {}  # speeding alarms whose peak rose in this batch
    for i, (vid, ts, lng, lat, speed) in enumerate(fresh):
        info = infos[vid]
        if info.kind not in limits:
            limits[info.kind] = kind_limit(info.kind)
        found = violations(
            vehicle_kind=info.kind, route_id=info.route_id, local_time=timezone.localtime(ts).time(), speed=speed,
            hits=hits[i], index=fences, kind_limit_kmh=limits[info.kind], tolerance_kmh=tol,
        )
        open_now = active.get(vid)
        if not found and not open_now:
            continue  # the common case: nothing broken, nothing open
        current = {v.key: v for v in found}
        for key, alarm in list((open_now or {}).items()):
            if key not in current:
                kind = key.split(":", 1)[0]
                alarm_clear(alarm=alarm, at=ts, summary=Msg(CLEAR_SUMMARIES.get(kind, gettext_noop("恢复"))))
                peaked.pop(alarm.pk, None)  # the clear saved the peak
                del active[vid][key]
                cleared += 1
            elif key == "speeding" and speed > (alarm.peak or 0.0):
                alarm.peak = speed
                peaked[alarm.pk] = alarm
        for key, v in current.items():
            if key in active[vid]:
                continue
            if info.carrier_id not in carriers:
                carriers[info.carrier_id] = Vehicle.objects.select_related(
                    "carrier__jurisdiction", "carrier__department", "carrier__sector"
                ).get(pk=vid).carrier
            active[vid][key] = _raise(info, carriers[info.carrier_id], v, ts, lng, lat)
            raised += 1
    for alarm in peaked.values():
        type(alarm).objects.filter(pk=alarm.pk).update(peak=alarm.peak)
    return len(fresh), raised, cleared


def ingest_positions(
    raws: Iterable[RawPosition | Rejected],
    *,
    directory: DeviceDirectory | None = None,
    fences: FenceIndex | None = None,
    now: dt.datetime | None = None,
) -> PositionResult:
    """Validate and store one batch of positions, then check them (see the module docstring)."""
    now = now or timezone.now()
    directory = directory or DeviceDirectory()
    fences = (fences or FenceIndex()).refresh()
    result = PositionResult()
    accepted: dict[tuple[int, dt.datetime], Row] = {}
    infos: dict[int, DeviceInfo] = {}
    for raw in raws:
        if isinstance(raw, Rejected):
            result.rejected[raw.reason] += 1
            continue
        try:
            info, ts, lng, lat, speed = validate(raw, directory, now)
        except Rejected as exc:
            result.rejected[exc.reason] += 1
            continue
        key = (info.vehicle_id, ts)
        if key in accepted:
            result.rejected[Reason.DUPLICATE] += 1
            continue
        accepted[key] = (info.vehicle_id, ts, lng, lat, speed)
        infos[info.vehicle_id] = info
    rows = list(accepted.values())
    fresh: list[Row] = []
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                fresh = rows
                checked = raised = cleared = 0
                if rows:
                    seen = _existing(rows)
                    fresh = [r for r in rows if (r[0], r[1]) not in seen]
                if fresh:
                    _write(fresh)
                    checked, raised, cleared = check_positions(fresh, infos, fences)
                    latest: dict[int, Row] = {}
                    for r in fresh:
                        if r[0] not in latest or r[1] > latest[r[0]][1]:
                            latest[r[0]] = r
                    _live_update(latest)
            break
        except IntegrityError:
            if attempt == 2:
                raise
    dupes = len(rows) - len(fresh)
    if dupes:
        result.rejected[Reason.DUPLICATE] += dupes
    result.stored, result.checked, result.raised, result.cleared = len(fresh), checked, raised, cleared
    return result
