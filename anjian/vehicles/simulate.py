"""Simulated vehicles for the demo, the tests and the command ``anjian simulate-vehicles``.

Each simulated vehicle drives back and forth along a path (its permitted route's line, or a
random route between two points of the city) at a speed that drifts around a cruising speed; a
few events are scripted by the seeded random generator: a vehicle sometimes speeds for a while or
leaves its route for a while. Deterministic for a given seed. Positions go to MQTT
(``vehicles/<device>``) or straight into ``ingest_positions``.
"""

from __future__ import annotations

import itertools
import json
import math
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from shapely.geometry import shape

from anjian.vehicles.ingest import RawPosition

M_PER_DEG = 111_320.0


@dataclass
class SimVehicle:
    device: str
    path: list[tuple[float, float]]
    cruise: float = 55.0
    speed: float = 55.0
    at: float = 0.0  # metres along the path
    direction: int = 1
    speeding_left: int = 0
    detour_left: int = 0
    state: dict[str, Any] = field(default_factory=dict)


def _seg_len(a: tuple[float, float], b: tuple[float, float]) -> float:
    kx = math.cos(math.radians((a[1] + b[1]) / 2))
    return math.hypot((b[0] - a[0]) * kx, b[1] - a[1]) * M_PER_DEG


def point_along(path: list[tuple[float, float]], metres: float) -> tuple[float, float]:
    left = metres
    for a, b in itertools.pairwise(path):
        length = _seg_len(a, b)
        if left <= length:
            f = 0.0 if length == 0 else min(1.0, left / length)
            return a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f
        left -= length
    return path[-1]


def path_length(path: list[tuple[float, float]]) -> float:
    return sum(_seg_len(a, b) for a, b in itertools.pairwise(path))


def route_path(geometry: dict[str, Any]) -> list[tuple[float, float]]:
    """A drivable line from a route geofence: its line, or its polygon's outline."""
    geom = shape(geometry)
    if geom.geom_type == "MultiLineString":
        geom = max(geom.geoms, key=lambda g: g.length)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        geom = (max(geom.geoms, key=lambda g: g.area) if geom.geom_type == "MultiPolygon" else geom).exterior
    return [(float(x), float(y)) for x, y in geom.coords]


class Simulator:
    def __init__(self, vehicles: list[SimVehicle], *, seed: int = 1, speeding_p: float = 0.002,
                 detour_p: float = 0.001) -> None:
        self.vehicles = vehicles
        self.rng = random.Random(seed)
        self.speeding_p, self.detour_p = speeding_p, detour_p
        for v in vehicles:
            v.at = self.rng.random() * path_length(v.path)

    @classmethod
    def synthetic(cls, n: int, bbox: tuple[float, float, float, float], *, prefix: str = "SIMV", **kw: Any) -> Simulator:
        rng = random.Random(kw.get("seed", 1))
        x0, y0, x1, y1 = bbox
        vehicles = []
        for i in range(n):
            path = [(rng.uniform(x0, x1), rng.uniform(y0, y1)) for _ in range(rng.randint(2, 5))]
            vehicles.append(SimVehicle(f"{prefix}-{i:06d}", path, cruise=rng.uniform(40, 70)))
        return cls(vehicles, **kw)

    def step(self, v: SimVehicle, seconds: float) -> tuple[float, float, float]:
        """Advance one vehicle; returns (lng, lat, speed km/h)."""
        if v.speeding_left == 0 and self.rng.random() < self.speeding_p:
            v.speeding_left = self.rng.randint(3, 12)
        if v.detour_left == 0 and self.rng.random() < self.detour_p:
            v.detour_left = self.rng.randint(3, 20)
        target = v.cruise * (1.6 if v.speeding_left > 0 else 1.0)
        v.speed = max(0.0, v.speed + (target - v.speed) * 0.5 + self.rng.gauss(0, 2))
        v.speeding_left = max(0, v.speeding_left - 1)
        total = path_length(v.path)
        v.at += v.direction * v.speed / 3.6 * seconds
        if v.at > total or v.at < 0:  # turn round at either end
            v.direction = -v.direction
            v.at = min(max(v.at, 0.0), total)
        lng, lat = point_along(v.path, v.at)
        if v.detour_left > 0:  # ~1.5 km beside the path
            v.detour_left -= 1
            lat += 0.0135
        return round(lng, 6), round(lat, 6), round(v.speed, 1)

    def positions(self, now_ms: int, seconds: float) -> Iterator[RawPosition]:
        for v in self.vehicles:
            lng, lat, speed = self.step(v, seconds)
            yield RawPosition(v.device, now_ms, lng, lat, speed)


def publish(client: Any, sim: Simulator, *, every: float, duration: float, qos: int = 1) -> int:
    """One position per vehicle every ``every`` seconds for ``duration`` seconds, over MQTT."""
    start = time.monotonic()
    sent = 0
    info = None
    rounds = 0
    while time.monotonic() - start < duration:
        now_ms = int(time.time() * 1000)
        for p in sim.positions(now_ms, every):
            payload = json.dumps({"device": p.device, "ts": p.ts, "lng": p.lng, "lat": p.lat, "speed": p.speed})
            info = client.publish(f"vehicles/{p.device}", payload.encode(), qos=qos)
            sent += 1
        rounds += 1
        wait = start + rounds * every - time.monotonic()
        if wait > 0:
            time.sleep(wait)
    if info is not None and qos > 0:
        info.wait_for_publish(timeout=10)
    return sent
