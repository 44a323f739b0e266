"""Realistic sensor readings for the demo, the tests and the benchmark.

Each simulated sensor has a baseline for its kind, Gaussian noise, a slow drift (a bounded random
walk), occasional excursions (the value ramps past the high threshold for a while, then
recovers) and dropouts (the sensor falls silent for a while). Deterministic for a given seed.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from anjian.monitoring.ingest import RawReading, ingest
from anjian.monitoring.models import Sensor, SensorState

BASELINES = {  # kind: (unit, baseline, noise σ, high, range max)
    "combustible_gas": ("%LEL", 2.0, 0.6, 20.0, 100.0),
    "toxic_gas": ("ppm", 1.0, 0.3, 10.0, 100.0),
    "temperature": ("℃", 25.0, 0.4, 60.0, 200.0),
    "pressure": ("MPa", 0.8, 0.02, 1.6, 4.0),
    "liquid_level": ("m", 5.0, 0.05, 9.0, 12.0),
    "flow": ("m3/h", 40.0, 1.5, 80.0, 200.0),
}


@dataclass
class SimSensor:
    code: str
    kind: str
    topic: str
    drift: float = 0.0
    excursion_left: int = 0
    silent_left: int = 0
    peak: float = 0.0
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def unit(self) -> str:
        return BASELINES[self.kind][0]


class Simulator:
    def __init__(
        self, sensors: list[SimSensor], *, seed: int = 1, excursion_p: float = 0.0005, dropout_p: float = 0.0002
    ) -> None:
        self.sensors = sensors
        self.rng = random.Random(seed)
        self.excursion_p, self.dropout_p = excursion_p, dropout_p

    @classmethod
    def synthetic(cls, n: int, *, prefix: str = "SIM", topic_prefix: str = "anjian/sim", **kw: Any) -> Simulator:
        kinds = list(BASELINES)
        sensors = [
            SimSensor(f"{prefix}-{i:06d}", kinds[i % len(kinds)], f"{topic_prefix}/{prefix}-{i:06d}") for i in range(n)
        ]
        return cls(sensors, **kw)

    def value(self, s: SimSensor) -> float | None:
        _unit, base, sigma, high, top = BASELINES[s.kind]
        if s.silent_left > 0:
            s.silent_left -= 1
            return None
        if self.rng.random() < self.dropout_p:
            s.silent_left = self.rng.randint(5, 50)
            return None
        s.drift = max(-5 * sigma, min(5 * sigma, s.drift + self.rng.gauss(0, sigma / 10)))
        v = base + s.drift + self.rng.gauss(0, sigma)
        if s.excursion_left == 0 and self.rng.random() < self.excursion_p:
            s.excursion_left = self.rng.randint(5, 30)
            s.peak = high * self.rng.uniform(1.1, 1.8)
        if s.excursion_left > 0:
            s.excursion_left -= 1
            v = s.peak + self.rng.gauss(0, sigma)
        return round(max(0.0, min(top, v)), 4)

    def readings(self, now_ms: int) -> Iterator[tuple[str, bytes]]:
        """One reading per (non-silent) sensor at ``now_ms``: (topic, payload)."""
        for s in self.sensors:
            v = self.value(s)
            if v is None:
                continue
            yield s.topic, json.dumps({"sensor": s.code, "ts": now_ms, "value": v, "unit": s.unit}).encode()


def publish(client: Any, sim: Simulator, *, rate: float, duration: float, qos: int = 1) -> int:
    """Publish ``rate`` readings per second in total for ``duration`` seconds; returns the count."""
    n = len(sim.sensors)
    rounds_per_s = rate / max(n, 1)
    start = time.monotonic()
    sent = 0
    k = 0
    last_ms = 0
    info = None
    while time.monotonic() - start < duration:
        now_ms = max(int(time.time() * 1000), last_ms + 1)  # strictly increasing: (sensor, ts) stays unique
        last_ms = now_ms
        for topic, payload in sim.readings(now_ms):
            info = client.publish(topic, payload, qos=qos)
            sent += 1
        k += 1
        wait = start + k / rounds_per_s - time.monotonic() if rounds_per_s > 0 else 0
        if wait > 0:
            time.sleep(wait)
    if info is not None and qos > 0:
        info.wait_for_publish(timeout=10)
    return sent


def demo_tick(*, now: Any = None, seed: int | None = None) -> int:
    """One reading for each enabled sensor of the synthetic (demo) enterprises, at ``now``, through
    the real ingest path: a value near the middle of its normal band with Gaussian noise (no
    excursions: the demo's alarms are the ones it was built with). Sensors that are already
    offline stay silent — the demo shows one on purpose. Run every minute by the demo's worker
    (``demo_sensors_task``), so the sensors stay 在线 instead of all going 离线 within minutes.
    Returns the number of readings stored."""

    now = now or timezone.now()
    rng = random.Random(seed if seed is not None else int(now.timestamp() // 60))
    rows = []
    sensors = Sensor.objects.filter(enabled=True, enterprise__is_synthetic=True).exclude(state=SensorState.OFFLINE)
    for s in sensors.only("code", "kind", "unit", "low", "high", "last_value", "range_min", "range_max"):
        top = s.high if s.high is not None else (s.range_max if s.range_max is not None else 100.0)
        bottom = s.low if s.low is not None else (s.range_min if s.range_min is not None else 0.0)
        centre = s.last_value if s.last_value is not None and bottom < s.last_value < top else (bottom + top) / 4
        sigma = max((top - bottom) * 0.005, 1e-3)
        value = min(top - sigma, max(bottom + sigma, rng.gauss(centre, sigma)))
        rows.append(RawReading(s.code, int(now.timestamp() * 1000), round(value, 3), s.unit))
    if not rows:
        return 0
    return ingest(rows, now=now).stored
