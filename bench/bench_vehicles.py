"""Benchmark vehicle position ingest: positions/s stored *and* checked against the geofences.

The target (issue 21, item 23): 20,000 两客一危 vehicles each reporting every 10 s = 2,000
positions/s, each stored and checked against the geofences and speed limits.

Builds a fresh SQLite database in a temporary directory (or uses a *scratch* PostgreSQL given in
``DATABASE_URL``; it refuses a database that already has vehicles), creates ``--vehicles``
vehicles of 200 carriers (two thirds hazardous goods, half of those with a permitted route) and
``--fences`` geofences in a 0.6° × 0.5° city: 70 % no-go polygons (8–24 vertices, 0.3–1.5 km
across, a third with time windows), 20 % routes (lines of 4–10 vertices, 300 m corridors), 10 %
speed zones. Then drives the vehicles: each round is one report per vehicle (10 s of traffic),
fed to ``ingest_positions`` in batches of ``--batch`` (the MQTT ingester's batches); a vehicle
with a route moves along it (1 % of them ~1 km beside it), the others on a random walk at
55 km/h; speeds drift around 55 km/h (a few over the limits, many in the 40 km/h zones). Runs for ``--seconds`` (at least one round) and
prints positions/s stored and checked, alarms raised and cleared, and the time of the geofence
check alone (``FenceIndex.hits`` for one batch).

Run: ``.venv/bin/python bench/bench_vehicles.py [--vehicles 20000] [--fences 200] [--seconds 60]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

LNG0, LAT0, W, H = 113.9, 22.5, 0.6, 0.5


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--vehicles", type=int, default=20_000)
    ap.add_argument("--fences", type=int, default=200)
    ap.add_argument("--batch", type=int, default=2_000)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="anjian-bench-vehicles-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.config.settings")
    os.environ["ANJIAN_DATA_DIR"] = tmp
    os.environ["HUEY_IMMEDIATE"] = "1"
    os.environ["DEBUG"] = "0"  # as production runs it (with DEBUG Django keeps every query's SQL)
    os.environ.setdefault("SECRET_KEY", "bench-" + os.urandom(16).hex())
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from shapely.geometry import box

    call_command("migrate", verbosity=0)
    from anjian.enterprises.models import Enterprise
    from anjian.monitoring.models import Alarm
    from anjian.orgs.models import JurisdictionLevel, Sector
    from anjian.orgs.services import jurisdiction_create, sectors_load_gb4754
    from anjian.vehicles.fences import FenceIndex
    from anjian.vehicles.ingest import DeviceDirectory, PositionResult, RawPosition, ingest_positions
    from anjian.vehicles.models import Geofence, Position, Vehicle
    from anjian.vehicles.services import geofence_create

    if Vehicle.objects.exists():
        sys.exit("refusing: the database already has vehicles (use a scratch database)")
    rng = random.Random(args.seed)
    sectors_load_gb4754()
    city = jurisdiction_create(actor=None, code="990100", name="基准市", level=JurisdictionLevel.CITY, parent=None,
                               geometry=box(LNG0, LAT0, LNG0 + W, LAT0 + H))
    transport = Sector.objects.filter(code="54").first() or Sector.objects.filter(parent__isnull=False).first()
    print(f"{connection.vendor}: building {args.fences} geofences and {args.vehicles} vehicles …", flush=True)

    def rand_point() -> tuple[float, float]:
        return LNG0 + rng.random() * W, LAT0 + rng.random() * H

    routes: list[tuple[int, list[tuple[float, float]]]] = []
    n_no_go, n_route = int(args.fences * 0.7), int(args.fences * 0.2)
    with transaction.atomic():
        for i in range(args.fences):
            if i < n_no_go or i >= n_no_go + n_route:
                cx, cy = rand_point()
                r = rng.uniform(0.0015, 0.007)
                k = rng.randint(8, 24)
                ring = [(cx + r * math.cos(2 * math.pi * j / k) * rng.uniform(0.7, 1.0),
                         cy + r * math.sin(2 * math.pi * j / k) * rng.uniform(0.7, 1.0)) for j in range(k)]
                ring.append(ring[0])
                data = {"name": f"禁行区{i}", "kind": "no_go", "geometry": {"type": "Polygon", "coordinates": [ring]},
                        "windows": "07:00-09:00,17:00-19:00" if i % 3 == 0 else ""}
                if i >= n_no_go + n_route:
                    data.update({"name": f"限速区{i}", "kind": "speed", "speed_limit_kmh": 40, "windows": ""})
            else:
                x, y = rand_point()
                line = [(x, y)]
                for _ in range(rng.randint(3, 9)):
                    x = min(LNG0 + W, max(LNG0, x + rng.uniform(-0.05, 0.05)))
                    y = min(LAT0 + H, max(LAT0, y + rng.uniform(-0.05, 0.05)))
                    line.append((x, y))
                data = {"name": f"线路{i}", "kind": "route", "corridor_m": 300,
                        "geometry": {"type": "LineString", "coordinates": line}}
            fence = geofence_create(actor=None, jurisdiction=city, data=data)
            if fence.kind == "route":
                routes.append((fence.pk, line))
        carriers = Enterprise.objects.bulk_create(
            [Enterprise(name=f"运输企业{i}", sector=transport, jurisdiction=city, is_synthetic=True) for i in range(200)])
        vehicles = []
        for i in range(args.vehicles):
            kind = "hazmat" if i % 3 else rng.choice(["coach", "bus"])
            route = routes[i % len(routes)][0] if kind == "hazmat" and i % 2 and routes else None
            vehicles.append(Vehicle(plate=f"粤B{i:05d}", kind=kind, carrier=carriers[i % len(carriers)],
                                    cargo_class="3" if kind == "hazmat" else "", device_id=f"BENCH-{i:06d}",
                                    route_id=route))
        Vehicle.objects.bulk_create(vehicles, batch_size=5000)
    line_of = dict(routes)
    fleet = list(Vehicle.objects.order_by("id").values_list("device_id", "route_id"))
    progress = {dev: rng.random() for dev, _r in fleet}
    free = {dev: (*rand_point(), rng.uniform(0, 2 * math.pi)) for dev, route in fleet if route is None}
    strays = {dev for dev, route in fleet if route is not None and rng.random() < 0.01}
    step = 55 / 3.6 * 10 / 111_320  # 10 s at 55 km/h, in degrees
    speeds = {dev: rng.gauss(55, 8) for dev, _r in fleet}

    def speed_of(dev: str) -> float:  # drifts around 55 km/h: a driver keeps a speed for a while
        speeds[dev] = min(120.0, max(0.0, speeds[dev] + rng.gauss(0, 3) + (55 - speeds[dev]) * 0.05))
        return round(speeds[dev], 1)

    def where(dev: str, route: int | None) -> tuple[float, float]:
        if route is None:  # a random walk that turns a little each report and bounces off the city's edge
            x, y, heading = free[dev]
            heading += rng.gauss(0, 0.3)
            x, y = x + step * math.cos(heading), y + step * math.sin(heading)
            if not (LNG0 < x < LNG0 + W and LAT0 < y < LAT0 + H):
                heading += math.pi
                x, y = min(LNG0 + W, max(LNG0, x)), min(LAT0 + H, max(LAT0, y))
            free[dev] = (x, y, heading)
            return x, y
        line = line_of[route]
        t = progress[dev] = (progress[dev] + 0.01) % 1.0
        seg = min(int(t * (len(line) - 1)), len(line) - 2)
        f = t * (len(line) - 1) - seg
        (x1, y1), (x2, y2) = line[seg], line[seg + 1]
        off = 0.01 if dev in strays else 0.0  # 1 % of the route vehicles drive ~1 km beside their route
        return x1 + (x2 - x1) * f + rng.gauss(0, 0.0003) + off, y1 + (y2 - y1) * f + rng.gauss(0, 0.0003)

    directory, fences = DeviceDirectory(), FenceIndex()
    fences.refresh()
    print(f"geofences in the index: {len(fences)} (of {Geofence.objects.count()})", flush=True)
    start_ts = timezone.now() - dt.timedelta(days=2)
    total = PositionResult()
    round_no = 0
    batch_times: list[float] = []
    t0 = time.perf_counter()
    while round_no == 0 or time.perf_counter() - t0 < args.seconds:
        ts_ms = int((start_ts + dt.timedelta(seconds=10 * round_no)).timestamp() * 1000)
        raws = []
        for dev, route in fleet:
            lng, lat = where(dev, route)
            raws.append(RawPosition(dev, ts_ms + rng.randint(0, 9000), lng, lat, speed_of(dev)))
        for i in range(0, len(raws), args.batch):
            b0 = time.perf_counter()
            total.add(ingest_positions(raws[i:i + args.batch], directory=directory, fences=fences))
            batch_times.append(time.perf_counter() - b0)
            if time.perf_counter() - t0 >= args.seconds and round_no > 0:
                break
        round_no += 1
    elapsed = time.perf_counter() - t0
    sample = [where(dev, route) for dev, route in fleet[: args.batch]]
    c0 = time.perf_counter()
    for _ in range(20):
        fences.hits([p[0] for p in sample], [p[1] for p in sample])
    check_ms = (time.perf_counter() - c0) / 20 * 1000
    batch_times.sort()
    p50 = batch_times[len(batch_times) // 2] * 1000
    p95 = batch_times[int(len(batch_times) * 0.95) - 1] * 1000 if len(batch_times) > 1 else p50
    print(f"rounds: {round_no} ({round_no * 10} s of traffic), batches: {len(batch_times)} of {args.batch}")
    print(f"stored {total.stored}, checked {total.checked}, rejected {dict(total.rejected)}, "
          f"alarms raised {total.raised}, cleared {total.cleared}; rows in table {Position.objects.count()}")
    print(f"elapsed {elapsed:.1f} s → {total.stored / elapsed:,.0f} positions/s stored and checked "
          f"(need 2,000/s); batch p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    print(f"geofence check alone: {check_ms:.1f} ms per {args.batch} positions "
          f"({args.batch / check_ms * 1000:,.0f} positions/s); active alarms {Alarm.objects.filter(active=True).count()}")


if __name__ == "__main__":
    main()
