"""The volume path: gateway batch messages, the evaluator's quiet fast path, the one-statement
sensor update, and the ingester's per-message buffering and acknowledgement."""

from __future__ import annotations

import datetime as dt
import json
import random
from types import SimpleNamespace

import pytest
import time_machine

from anjian.monitoring.evaluate import EvalState, Thresholds, quiet, step
from anjian.monitoring.ingest import RawReading, Rejected, ingest, parse_message
from anjian.monitoring.models import Alarm, Reading, Sensor
from anjian.monitoring.mqtt import Ingester

from .factories import make_sensor

NOW = dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)
T0 = dt.datetime(2026, 11, 28, 1, 0, tzinfo=dt.UTC)
GAS = Thresholds(low=1.0, high=20, high_high=50, deadband=2, min_duration=10)


def ms(t: dt.datetime) -> int:
    return int(t.timestamp() * 1000)


def test_parse_message_single_and_gateway_batch():
    one = parse_message(b'{"sensor": "A", "ts": 1, "value": 1.5}')
    assert one == [RawReading("A", 1, 1.5, None)]
    many = parse_message(json.dumps([
        {"sensor": "A", "ts": 1, "value": 1}, {"ts": 2, "value": 2, "unit": "ppm"}, {"sensor": "A"}, 7,
    ]), "anjian/1/B")
    assert many[:2] == [RawReading("A", 1, 1, None), RawReading("B", 2, 2, "ppm")]  # topic names a sensor-less element
    assert [type(x) for x in many[2:]] == [Rejected, Rejected]
    for bad in (b"not json", b"[]", json.dumps([{}] * 10_001).encode()):
        [item] = parse_message(bad)
        assert isinstance(item, Rejected) and item.reason == "malformed"


def test_quiet_fast_path_agrees_with_step():
    """Whenever ``quiet`` says a batch changes nothing, feeding it through ``step`` indeed raises
    nothing and leaves no streak — over random batches around the thresholds."""
    rng = random.Random(7)
    checked = 0
    for _ in range(3000):
        values = [rng.choice([0.5, 1.0, 1.5, 5, 19.9, 20, 21, 49, 50, 60]) for _ in range(rng.randint(1, 4))]
        state = EvalState(last_ts=T0)
        if not quiet(state, GAS, values):
            continue
        checked += 1
        for i, v in enumerate(values):
            state, changes = step(state, GAS, T0 + dt.timedelta(seconds=i + 1), v)
            assert changes == []
        assert (state.active, state.streaks) == (None, ())
    assert checked > 100
    assert not quiet(EvalState(active="high"), GAS, [5.0])
    assert not quiet(EvalState(streaks=(("high", T0),)), GAS, [5.0])
    assert not quiet(EvalState(), GAS, [20.0]) and not quiet(EvalState(), GAS, [1.0]) and quiet(EvalState(), GAS, [1.01])
    assert quiet(EvalState(), Thresholds(), [1e9])


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_lock_for_evaluation_reads_calm_and_running_states(world):
    """Calm states come back as (None, time of the last evaluated reading) without being decoded —
    in SQL on PostgreSQL, in Python on SQLite — and running ones decoded; times are aware and
    equal to what was stored, whichever loader read them; deactivated sensors are left out."""
    from django.db import transaction

    from anjian.monitoring.services import _lock_for_evaluation

    calm, running, fresh, off = (make_sensor(world, code=f"L{i}") for i in range(4))
    last = dt.datetime(2026, 11, 28, 1, 2, 3, 456789, tzinfo=dt.UTC)
    Sensor.objects.filter(pk=calm.pk).update(
        eval_state=EvalState(None, (), last).to_json(), last_ts=last, offline_after=last + dt.timedelta(seconds=30))
    streak = EvalState(None, (("high", T0),), last)
    Sensor.objects.filter(pk=running.pk).update(eval_state=streak.to_json(), last_ts=last)
    Sensor.objects.filter(pk=off.pk).update(enabled=False)
    with transaction.atomic():
        rows = {row[0]: row for row in _lock_for_evaluation([calm.pk, running.pk, fresh.pk, off.pk])}
    assert set(rows) == {calm.pk, running.pk, fresh.pk}
    assert rows[calm.pk][6:9] == (None, last, last) and rows[calm.pk][10] == last + dt.timedelta(seconds=30)
    assert rows[calm.pk][8].utcoffset() == dt.timedelta(0)
    assert EvalState.from_json(rows[running.pk][6]) == streak and rows[running.pk][7] is None
    assert rows[fresh.pk][6:9] == (None, None, None)
    assert rows[fresh.pk][1:6] == (None, 20.0, 50.0, 2.0, 0)


@time_machine.travel(NOW, tick=False)
def test_batch_updates_every_sensor_and_raises_only_where_crossed(world):
    quiet_ones = [make_sensor(world, code=f"Q-{i}", min_duration_s=0) for i in range(30)]
    hot = make_sensor(world, code="HOT", min_duration_s=0)
    rows = [RawReading(s.code, ms(NOW) - 2000 + k, 2.0 + k) for s in quiet_ones for k in range(3)]
    rows += [RawReading("HOT", ms(NOW) - 2000, 5.0), RawReading("HOT", ms(NOW) - 1000, 30.0), RawReading("HOT", ms(NOW) - 500, 40.0)]
    result = ingest(rows)
    assert (result.stored, result.raised, dict(result.rejected)) == (93, 1, {})
    for s in Sensor.objects.filter(code__startswith="Q-"):
        assert (s.last_value, s.last_ts, s.state) == (4.0, NOW - dt.timedelta(milliseconds=1998), "normal")
        assert s.eval_state == {"active": None, "streaks": {}, "last_ts": s.last_ts.isoformat()}
        assert s.offline_after == s.last_ts + dt.timedelta(seconds=3 * s.expected_interval_s)
    hot.refresh_from_db()
    alarm = Alarm.objects.get(sensor=hot)
    assert (hot.state, hot.last_value, alarm.kind, alarm.value, alarm.peak, alarm.active) == ("alarm", 40.0, "high", 30.0, 40.0, True)
    # the next batch: back in range clears; an older reading for a quiet sensor does not move last_ts back
    result = ingest([RawReading("HOT", ms(NOW), 3.0), RawReading("Q-0", ms(NOW) - 60_000, 9.0)])
    assert (result.stored, result.cleared) == (2, 1)
    hot.refresh_from_db()
    alarm.refresh_from_db()
    assert (hot.state, alarm.active, alarm.peak) == ("normal", False, 40.0)
    assert Sensor.objects.get(code="Q-0").last_value == 4.0
    assert Reading.objects.count() == 95


class FakeClient:
    def __init__(self) -> None:
        self.acked: list[int] = []

    def ack(self, mid: int, qos: int) -> None:
        self.acked.append(mid)

    def ack_many(self, mids: list[int]) -> None:  # ``_Client.ack_many``: a batch's QoS 1 acks, one write
        self.acked.extend(mids)


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_ingester_flushes_whole_messages_and_acks_each_once(world):
    for i in range(4):
        make_sensor(world, code=f"G-{i}")
    ingester = Ingester(max_batch=5)
    ingester.client = FakeClient()  # type: ignore[assignment]
    ingester._generation = 1

    def msg(mid: int, payload: object) -> SimpleNamespace:
        return SimpleNamespace(payload=json.dumps(payload).encode(), topic="anjian/1/x", mid=mid, qos=1)

    gateway = [{"sensor": f"G-{i}", "ts": ms(NOW) - 1000, "value": 3.0} for i in range(4)]
    ingester._on_message(None, None, msg(1, gateway))
    ingester._on_message(None, None, msg(2, {"sensor": "G-0", "ts": ms(NOW) - 500, "value": 3.5}))
    ingester._on_message(None, None, msg(3, [*gateway[:3], {"sensor": "NOPE", "ts": 1, "value": 1}]))
    assert (ingester.stats.received, ingester.stats.readings, ingester._buffered) == (3, 9, 9)
    assert ingester.flush() == 5  # messages 1 and 2 (5 readings); message 3 would pass max_batch
    assert ingester.client.acked == [1, 2]
    assert ingester.flush() == 4  # the redelivered-style duplicates of message 3 and an unknown sensor
    assert ingester.client.acked == [1, 2, 3]
    assert ingester.flush() == 0 and ingester._buffered == 0
    assert ingester.stats.result.stored == 5
    assert dict(ingester.stats.result.rejected) == {"duplicate": 3, "unknown_sensor": 1}
