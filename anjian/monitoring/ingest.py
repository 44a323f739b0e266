"""Taking readings in: parse, validate, deduplicate, store in batches, evaluate alarms.

One entry point, :func:`ingest`, serves the MQTT subscriber, the HTTP batch endpoint and the
simulator's tests. It never raises for bad input: every rejected reading is counted by reason
(``IngestCounter``, one ``F()`` increment per reason and batch) and the batch goes on.

Storage: readings go in with one ``COPY`` per batch on PostgreSQL (psycopg 3 ``cursor.copy``),
``bulk_create`` elsewhere. Duplicates are removed before the write (inside the batch and against
the (sensor, ts) unique index); if a concurrent writer wins a race the batch is retried once after
re-reading the index, so a duplicate never fails a batch.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from anjian.monitoring.models import IngestCounter, Reading, RejectReason, Sensor

MAX_FUTURE_SKEW = dt.timedelta(minutes=5)
"""A reading stamped further in the future than this is refused as clock skew."""
MAX_AGE = dt.timedelta(days=7)
"""A reading older than this (a device with a reset clock, a replayed buffer) is refused as clock skew."""


@dataclass(frozen=True)
class RawReading:
    sensor: str
    ts: Any
    value: Any
    unit: str | None = None


@dataclass(frozen=True)
class SensorInfo:
    id: int
    code: str
    unit: str
    range_min: float | None
    range_max: float | None
    enterprise_id: int


@dataclass
class IngestResult:
    stored: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    raised: int = 0
    cleared: int = 0

    def add(self, other: IngestResult) -> None:
        self.stored += other.stored
        self.rejected.update(other.rejected)
        self.raised += other.raised
        self.cleared += other.cleared


class Rejected(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def norm_unit(unit: str) -> str:
    return unit.strip().lower().replace(" ", "").replace("°c", "℃").replace("m³", "m3")


class SensorDirectory:
    """Sensor code → what validation needs, cached; reloaded every ``ttl`` seconds and, for an
    unknown code, at most every ``miss_ttl`` seconds (new sensors appear without a restart)."""

    def __init__(self, ttl: float = 60.0, miss_ttl: float = 5.0, queryset: Any = None) -> None:
        self.ttl, self.miss_ttl = ttl, miss_ttl
        self.queryset = queryset
        self._by_code: dict[str, SensorInfo] = {}
        self._loaded = 0.0

    def load(self) -> None:
        qs = self.queryset if self.queryset is not None else Sensor.objects.all()
        rows = qs.filter(enabled=True).values_list("id", "code", "unit", "range_min", "range_max", "enterprise_id")
        self._by_code = {r[1]: SensorInfo(r[0], r[1], norm_unit(r[2]), r[3], r[4], r[5]) for r in rows}
        self._loaded = time.monotonic()

    def get(self, code: str) -> SensorInfo | None:
        age = time.monotonic() - self._loaded
        if age > self.ttl:
            self.load()
        info = self._by_code.get(code)
        if info is None and age > self.miss_ttl:
            self.load()
            info = self._by_code.get(code)
        return info


def parse_ts(value: Any) -> dt.datetime:
    """ISO 8601 (with offset; naive means Asia/Shanghai) or epoch milliseconds."""
    if isinstance(value, bool):
        raise Rejected(RejectReason.MALFORMED)
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise Rejected(RejectReason.MALFORMED)
        try:
            return dt.datetime.fromtimestamp(value / 1000, tz=dt.UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise Rejected(RejectReason.MALFORMED) from exc
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError as exc:
            raise Rejected(RejectReason.MALFORMED) from exc
    else:
        raise Rejected(RejectReason.MALFORMED)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def parse_payload(payload: bytes | str, topic: str = "") -> RawReading:
    """One MQTT message: JSON ``{"sensor": code, "ts": iso or epoch ms, "value": float, "unit": str}``.
    Without ``sensor`` the code is the topic's last level (``anjian/<enterprise>/<sensor>``)."""
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Rejected(RejectReason.MALFORMED) from exc
    if isinstance(data, dict) and "sensor" not in data and topic.strip("/"):
        data["sensor"] = topic.rstrip("/").rsplit("/", 1)[-1]
    if not isinstance(data, dict) or not isinstance(data.get("sensor"), str) or "value" not in data or "ts" not in data:
        raise Rejected(RejectReason.MALFORMED)
    unit = data.get("unit")
    return RawReading(data["sensor"], data["ts"], data["value"], unit if isinstance(unit, str) else None)


def validate(raw: RawReading, directory: SensorDirectory, now: dt.datetime) -> tuple[int, dt.datetime, float]:
    info = directory.get(raw.sensor) if isinstance(raw.sensor, str) else None
    if info is None:
        raise Rejected(RejectReason.UNKNOWN_SENSOR)
    value = raw.value
    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            value = float(value)
        except (TypeError, ValueError) as exc:
            raise Rejected(RejectReason.MALFORMED) from exc
    value = float(value)
    if not math.isfinite(value):
        raise Rejected(RejectReason.MALFORMED)
    ts = parse_ts(raw.ts)
    if raw.unit is not None and raw.unit.strip() and norm_unit(raw.unit) != info.unit:
        raise Rejected(RejectReason.UNIT_MISMATCH)
    if (info.range_min is not None and value < info.range_min) or (info.range_max is not None and value > info.range_max):
        raise Rejected(RejectReason.OUT_OF_RANGE)
    if ts > now + MAX_FUTURE_SKEW or ts < now - MAX_AGE:
        raise Rejected(RejectReason.CLOCK_SKEW)
    return info.id, ts, value


def _existing(rows: list[tuple[int, dt.datetime, float]]) -> set[tuple[int, dt.datetime]]:
    by_sensor: dict[int, list[dt.datetime]] = defaultdict(list)
    for sid, ts, _v in rows:
        by_sensor[sid].append(ts)
    lo = min(ts for _s, ts, _v in rows)
    hi = max(ts for _s, ts, _v in rows)
    found = Reading.objects.filter(sensor_id__in=list(by_sensor), ts__gte=lo, ts__lte=hi).values_list("sensor_id", "ts")
    return {(sid, ts) for sid, ts in found}


def _write(rows: list[tuple[int, dt.datetime, float]]) -> None:
    if connection.vendor == "postgresql":
        table = Reading._meta.db_table
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3 cursor
            with raw.copy(f'COPY "{table}" (sensor_id, ts, value) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
    else:
        Reading.objects.bulk_create([Reading(sensor_id=s, ts=t, value=v) for s, t, v in rows], batch_size=2000)


def _count(rejected: Counter[str], day: dt.date) -> None:
    for reason, n in rejected.items():
        updated = IngestCounter.objects.filter(day=day, reason=reason).update(count=F("count") + n)
        if not updated:
            try:
                with transaction.atomic():
                    IngestCounter.objects.create(day=day, reason=reason, count=n)
            except IntegrityError:
                IngestCounter.objects.filter(day=day, reason=reason).update(count=F("count") + n)


def ingest(
    raws: Iterable[RawReading | Rejected],
    *,
    directory: SensorDirectory | None = None,
    now: dt.datetime | None = None,
) -> IngestResult:
    """Validate and store one batch, then evaluate alarms for the sensors it touched. Items may be
    ``Rejected`` already (a payload that did not parse) so they are counted with the rest."""
    from anjian.monitoring.services import readings_evaluate

    now = now or timezone.now()
    directory = directory or SensorDirectory()
    result = IngestResult()
    accepted: dict[tuple[int, dt.datetime], float] = {}
    for raw in raws:
        if isinstance(raw, Rejected):
            result.rejected[raw.reason] += 1
            continue
        try:
            sid, ts, value = validate(raw, directory, now)
        except Rejected as exc:
            result.rejected[exc.reason] += 1
            continue
        if (sid, ts) in accepted:
            result.rejected[RejectReason.DUPLICATE] += 1
            continue
        accepted[(sid, ts)] = value
    rows = [(sid, ts, v) for (sid, ts), v in accepted.items()]
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                fresh = rows
                if rows:
                    seen = _existing(rows)
                    fresh = [r for r in rows if (r[0], r[1]) not in seen]
                    if fresh:
                        _write(fresh)
                dupes = len(rows) - len(fresh)
                rejected = result.rejected + Counter({RejectReason.DUPLICATE: dupes} if dupes else {})
                _count(rejected, timezone.localdate(now))
                raised, cleared = readings_evaluate(fresh) if fresh else (0, 0)
            break
        except IntegrityError:
            if attempt == 2:
                raise
    result.rejected = rejected
    result.stored, result.raised, result.cleared = len(fresh), raised, cleared
    return result
