"""Validation, counters, dedupe, storage and the HTTP batch endpoint."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from anjian.accounts.services import token_create
from anjian.monitoring.ingest import RawReading, Rejected, SensorDirectory, ingest, parse_payload, parse_ts
from anjian.monitoring.models import Alarm, IngestCounter, Reading, Sensor

from .factories import make_sensor

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)


def ms(t: dt.datetime) -> int:
    return int(t.timestamp() * 1000)


@time_machine.travel(NOW, tick=False)
def test_each_reject_reason_counted_and_good_rows_stored(world):
    make_sensor(world)
    batch = [
        RawReading("GAS-1", ms(NOW), 3.0, "%LEL"),
        RawReading("GAS-1", (NOW - dt.timedelta(seconds=10)).isoformat(), 4, None),
        RawReading("GAS-1", ms(NOW), 9.0, "%LEL"),  # duplicate in batch
        RawReading("NOPE", ms(NOW), 1.0, "%LEL"),
        RawReading("GAS-1", ms(NOW) + 1, 1.0, "ppm"),
        RawReading("GAS-1", ms(NOW) + 2, 150.0, "%LEL"),
        RawReading("GAS-1", ms(NOW + dt.timedelta(minutes=6)), 1.0, "%LEL"),
        RawReading("GAS-1", ms(NOW - dt.timedelta(days=8)), 1.0, "%LEL"),
        RawReading("GAS-1", "yesterday", 1.0, "%LEL"),
        RawReading("GAS-1", ms(NOW) + 3, float("nan"), "%LEL"),
        Rejected("malformed"),
    ]
    result = ingest(batch)
    assert result.stored == 2
    assert dict(result.rejected) == {
        "duplicate": 1, "unknown_sensor": 1, "unit_mismatch": 1, "out_of_range": 1, "clock_skew": 2, "malformed": 3,
    }
    assert sorted(Reading.objects.values_list("value", flat=True)) == [3.0, 4.0]
    # the same batch again: everything already stored is a duplicate, counters add up
    result = ingest(batch[:2])
    assert (result.stored, dict(result.rejected)) == (0, {"duplicate": 2})
    counts = dict(IngestCounter.objects.values_list("reason", "count"))
    assert counts == {"duplicate": 3, "unknown_sensor": 1, "unit_mismatch": 1, "out_of_range": 1, "clock_skew": 2, "malformed": 3}
    sensor = Sensor.objects.get(code="GAS-1")
    assert (sensor.last_value, sensor.last_ts, sensor.state) == (3.0, NOW, "normal")


def test_parse_payload_and_ts():
    r = parse_payload(b'{"sensor": "A", "ts": 1764295200000, "value": 1.5, "unit": "ppm"}')
    assert (r.sensor, r.value, r.unit) == ("A", 1.5, "ppm")
    assert parse_ts(1764295200000) == dt.datetime(2025, 11, 28, 2, 0, tzinfo=dt.UTC)
    assert parse_ts("2026-11-28T10:00:00") == dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)  # naive = Asia/Shanghai
    assert parse_ts("2026-11-28T02:00:00Z") == dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)
    for bad in (b"not json", b"[1]", b'{"sensor": 1, "ts": 1, "value": 1}', b'{"sensor": "A", "value": 1}'):
        with pytest.raises(Rejected) as exc:
            parse_payload(bad)
        assert exc.value.reason == "malformed"


@time_machine.travel(NOW, tick=False)
def test_new_sensor_found_after_cache_miss(world):
    directory = SensorDirectory(ttl=3600, miss_ttl=0)
    directory.load()
    make_sensor(world, code="LATE")
    assert ingest([RawReading("LATE", ms(NOW), 1.0)], directory=directory).stored == 1


@time_machine.travel(NOW, tick=False)
def test_batch_raises_and_clears_one_alarm(world):
    make_sensor(world)
    values = [5, 25, 30, 28, 5]
    result = ingest([RawReading("GAS-1", ms(NOW - dt.timedelta(seconds=50 - i * 10)), v) for i, v in enumerate(values)])
    assert (result.stored, result.raised, result.cleared) == (5, 1, 1)
    alarm = Alarm.objects.get()
    assert (alarm.kind, alarm.value, alarm.peak, alarm.active, alarm.threshold) == ("high", 25.0, 30.0, False, 20.0)


# --- HTTP batch endpoint ---------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_http_batch_with_device_token(world, client):
    make_sensor(world)
    make_sensor(world, code="B-1", enterprise=world.ent_b)
    _token, raw = token_create(actor=world.user("enterprise"), name="网关01")
    body = [
        {"sensor": "GAS-1", "ts": ms(NOW), "value": 60, "unit": "%LEL"},
        {"sensor": "B-1", "ts": ms(NOW), "value": 1},  # other enterprise: unknown to this token
    ]
    resp = client.post("/api/v1/monitoring/readings", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert resp.status_code == 200
    assert resp.json() == {"stored": 1, "rejected": {"unknown_sensor": 1}, "alarms_raised": 1, "alarms_cleared": 0}
    assert list(Reading.objects.values_list("sensor__code", "value")) == [("GAS-1", 60.0)]


@pytest.mark.parametrize("persona", ["grid_inspector", "district_b"])
@time_machine.travel(NOW, tick=False)
def test_http_batch_denied_without_change_action(world, client, persona):
    make_sensor(world)
    _token, raw = token_create(actor=world.user(persona), name="t")
    body = [{"sensor": "GAS-1", "ts": ms(NOW), "value": 1}]
    resp = client.post("/api/v1/monitoring/readings", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    if persona == "grid_inspector":
        assert resp.status_code == 404
    else:  # district B has monitoring.change but not over ent_a
        assert resp.json()["rejected"] == {"unknown_sensor": 1}
    assert Reading.objects.count() == 0


def test_http_batch_anonymous(world, client):
    resp = client.post("/api/v1/monitoring/readings", [], content_type="application/json")
    assert resp.status_code == 401
