"""Taking readings in: parse, validate, deduplicate, store in batches, evaluate alarms.

One entry point, :func:`ingest`, serves the MQTT subscriber, the HTTP batch endpoint and the
simulator's tests. It never raises for bad input: every rejected reading is counted by reason
(``IngestCounter``, one ``F()`` increment per reason and batch) and the batch goes on.

Storage: readings go in with one ``COPY`` per batch on PostgreSQL (psycopg 3 ``cursor.copy`` fed
a text buffer), one ``executemany`` INSERT elsewhere. Duplicates are removed before the write (inside the batch and against
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
from functools import lru_cache
from typing import Any, NamedTuple

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from anjian.monitoring.models import IngestCounter, Reading, RejectReason, Sensor
from anjian.monitoring.services import id_set, readings_evaluate

MAX_FUTURE_SKEW = dt.timedelta(minutes=5)
"""A reading stamped further in the future than this is refused as clock skew."""
MAX_AGE = dt.timedelta(days=7)
"""A reading older than this (a device with a reset clock, a replayed buffer) is refused as clock skew."""


class RawReading(NamedTuple):
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


@lru_cache(maxsize=1024)
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

    def refresh(self) -> dict[str, SensorInfo]:
        """The code → sensor map, reloaded first if older than ``ttl`` (once per batch)."""
        if time.monotonic() - self._loaded > self.ttl:
            self.load()
        return self._by_code

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
    Without ``sensor`` the code is the topic's last level (``anjian/<enterprise>/<sensor>``).
    Raises :class:`Rejected` for anything else (an array is :func:`parse_message`'s)."""
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Rejected(RejectReason.MALFORMED) from exc
    reading = _reading(data, topic)
    if isinstance(reading, Rejected):
        raise reading
    return reading


MAX_READINGS_PER_MESSAGE = 10_000


def _reading(data: Any, topic: str) -> RawReading | Rejected:
    if isinstance(data, dict) and "sensor" not in data and topic.strip("/"):
        data["sensor"] = topic.rstrip("/").rsplit("/", 1)[-1]
    if not isinstance(data, dict) or not isinstance(data.get("sensor"), str) or "value" not in data or "ts" not in data:
        return Rejected(RejectReason.MALFORMED)
    unit = data.get("unit")
    return RawReading(data["sensor"], data["ts"], data["value"], unit if isinstance(unit, str) else None)


def parse_message(payload: bytes | str, topic: str = "") -> list[RawReading | Rejected]:
    """One MQTT message holding one reading (a JSON object, as :func:`parse_payload`) or a
    gateway's batch: a JSON array of such objects (at most ``MAX_READINGS_PER_MESSAGE``). A
    malformed element is one rejected reading; the others go on. An array element without
    ``sensor`` takes the topic's last level, like a single reading."""
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return [Rejected(RejectReason.MALFORMED)]
    if isinstance(data, list):
        if not data or len(data) > MAX_READINGS_PER_MESSAGE:
            return [Rejected(RejectReason.MALFORMED)]
        return [_reading(item, topic) for item in data]
    return [_reading(data, topic)]


def validate(
    raw: RawReading,
    directory: SensorDirectory,
    now: dt.datetime,
    by_code: dict[str, SensorInfo] | None = None,
    window_ms: tuple[float, float] | None = None,
) -> tuple[int, dt.datetime, float]:
    """Check one reading; returns (sensor id, aware time, value) or raises :class:`Rejected`.
    ``by_code`` and ``window_ms`` (the accepted epoch-ms range) are precomputed by :func:`ingest`
    once per batch; the checks and their order are the same either way."""
    sensor = raw.sensor
    info = (by_code.get(sensor) if by_code is not None else None) if isinstance(sensor, str) else None
    if info is None:
        info = directory.get(sensor) if isinstance(sensor, str) else None
        if info is None:
            raise Rejected(RejectReason.UNKNOWN_SENSOR)
    value = raw.value
    if type(value) is not float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            try:
                value = float(value)
            except (TypeError, ValueError) as exc:
                raise Rejected(RejectReason.MALFORMED) from exc
        value = float(value)
    if not math.isfinite(value):
        raise Rejected(RejectReason.MALFORMED)
    raw_ts = raw.ts
    if type(raw_ts) is int and window_ms is not None and window_ms[0] <= raw_ts <= window_ms[1]:
        ts = dt.datetime.fromtimestamp(raw_ts / 1000, tz=dt.UTC)  # the common case: epoch ms, inside the window
        skewed = False
    else:
        ts = parse_ts(raw_ts)
        skewed = ts > now + MAX_FUTURE_SKEW or ts < now - MAX_AGE
    unit = raw.unit
    if unit is not None and unit != info.unit and unit.strip() and norm_unit(unit) != info.unit:
        raise Rejected(RejectReason.UNIT_MISMATCH)
    if (info.range_min is not None and value < info.range_min) or (info.range_max is not None and value > info.range_max):
        raise Rejected(RejectReason.OUT_OF_RANGE)
    if skewed:
        raise Rejected(RejectReason.CLOCK_SKEW)
    return info.id, ts, value


def _existing(rows: list[tuple[int, dt.datetime, float]]) -> set[tuple[int, dt.datetime]]:
    by_sensor: dict[int, list[dt.datetime]] = defaultdict(list)
    for sid, ts, _v in rows:
        by_sensor[sid].append(ts)
    lo = min(ts for _s, ts, _v in rows)
    hi = max(ts for _s, ts, _v in rows)
    found = Reading.objects.filter(sensor_id__in=id_set(by_sensor), ts__gte=lo, ts__lte=hi).values_list("sensor_id", "ts")
    return {(sid, ts) for sid, ts in found}


def _db_datetime(ts: dt.datetime) -> Any:
    """A datetime as the non-PostgreSQL backend stores it (``DateTimeField.get_db_prep_value``),
    with a shortcut for the UTC datetimes :func:`validate` makes (SQLite: naive UTC text)."""
    if connection.vendor == "sqlite" and ts.tzinfo is dt.UTC:
        return str(ts.replace(tzinfo=None))
    return Reading._meta.get_field("ts").get_db_prep_value(ts, connection)


def _write(rows: list[tuple[int, dt.datetime, float]]) -> None:
    """Append rows. PostgreSQL: one ``COPY … FROM STDIN`` fed a text buffer built in one pass
    (tab-separated, ISO times with offset); elsewhere one ``executemany`` INSERT."""
    table = Reading._meta.db_table
    if connection.vendor == "postgresql":
        buf = "".join([f"{sid}\t{ts.isoformat()}\t{value!r}\n" for sid, ts, value in rows])
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3 cursor
            with raw.copy(f'COPY "{table}" (sensor_id, ts, value) FROM STDIN') as copy:
                copy.write(buf)
    else:
        params = [(sid, _db_datetime(ts), value) for sid, ts, value in rows]
        with connection.cursor() as cursor:
            sql = f'INSERT INTO "{table}" (sensor_id, ts, value) VALUES (%s, %s, %s)'  # noqa: S608 - table from the model
            cursor.executemany(sql, params)


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
    now = now or timezone.now()
    directory = directory or SensorDirectory()
    by_code = directory.refresh()
    now_ms = now.timestamp() * 1000
    window_ms = (now_ms - MAX_AGE.total_seconds() * 1000, now_ms + MAX_FUTURE_SKEW.total_seconds() * 1000)
    result = IngestResult()
    accepted: dict[tuple[int, dt.datetime], float] = {}
    for raw in raws:
        if isinstance(raw, Rejected):
            result.rejected[raw.reason] += 1
            continue
        try:
            sid, ts, value = validate(raw, directory, now, by_code, window_ms)
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
