"""Benchmark the coverage map and the coverage aggregates over 2,000 grids.

Builds a scratch database (fresh SQLite file; PostgreSQL when ``DATABASE_URL`` is set and
``--pg`` is given): one city, 20 streets, 2,000 grids whose boundaries are irregular 200-vertex
rings, one enterprise per grid and 10 patrol tasks per grid (20,000 tasks, 40 inspectors, a mix
of done, late and open), bulk-written (no history). Then times, for a city-wide user:

* ``grid_coverage`` (per grid) and ``inspector_coverage`` (per inspector), one aggregate each;
* ``coverage_geojson``: the body of ``/grids/coverage/map.geojson`` — first call reads and
  simplifies the 2,000 boundaries (cold), later calls use the per-process cache (warm) — with its
  size and vertex count before/after.

Run: ``.venv/bin/python bench/bench_grid_coverage.py [--grids N] [--repeat N]``. Prints only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _ring(cx: float, cy: float, r: float, n: int, rnd: random.Random) -> list[tuple[float, float]]:
    pts = []
    for k in range(n):
        a = 2 * math.pi * k / n
        rr = r * (0.85 + 0.15 * math.sin(5 * a) + rnd.uniform(-0.01, 0.01))
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    return [*pts, pts[0]]


def build(n_grids: int) -> object:
    import json

    from django.core.management import call_command

    from anjian.accounts.models import Role
    from anjian.accounts.services import membership_grant, roles_ensure_system, user_create
    from anjian.enterprises.models import Enterprise
    from anjian.grids.models import PatrolTask
    from anjian.orgs.models import Jurisdiction, JurisdictionLevel

    call_command("migrate", verbosity=0, interactive=False)
    roles_ensure_system()
    rnd = random.Random(7)
    city = Jurisdiction.objects.create(code="990100", name="基准市", level=JurisdictionLevel.CITY, path="/990100/", depth=0)
    streets = [Jurisdiction.objects.create(code=f"990100{s:03d}", name=f"街道{s}", level=JurisdictionLevel.STREET,
                                           parent=city, path=f"/990100/990100{s:03d}/", depth=1) for s in range(20)]
    side = math.ceil(math.sqrt(n_grids))
    cell = 0.5 / side
    grids = []
    for i in range(n_grids):
        street = streets[i % 20]
        cx, cy = 113.8 + cell * (i % side + 0.5), 22.4 + cell * (i // side + 0.5)
        ring = _ring(cx, cy, cell * 0.5, 200, rnd)
        code = f"{street.code}{i:05d}"
        grids.append(Jurisdiction(code=code, name=f"网格{i}", level=JurisdictionLevel.GRID, parent=street,
                                  path=f"{street.path}{code}/", depth=2,
                                  boundary=json.dumps({"type": "Polygon", "coordinates": [ring]}),
                                  min_lng=cx - cell, max_lng=cx + cell, min_lat=cy - cell, max_lat=cy + cell,
                                  center_lng=cx, center_lat=cy))
    grids = Jurisdiction.objects.bulk_create(grids, batch_size=500)
    ents = Enterprise.objects.bulk_create([Enterprise(name=f"企业{g.pk}", jurisdiction=g, lng=g.center_lng,
                                                      lat=g.center_lat) for g in grids], batch_size=500)
    inspectors = [user_create(actor=None, username=f"insp{k}", password="Bench-2026-xyz!", display_name=f"网格员{k}",
                              must_change_password=False) for k in range(40)]
    tasks = []
    today = dt.date.today()
    start = today.replace(day=1) - dt.timedelta(days=90)
    for n, (g, e) in enumerate(zip(grids, ents, strict=True)):
        for k in range(10):
            due = start + dt.timedelta(days=9 * k)
            status = rnd.choice(["done", "done", "done", "open"])
            done_at = (dt.datetime.combine(due + dt.timedelta(days=rnd.choice([-1, 0, 3])), dt.time(10), dt.UTC)
                       if status == "done" else None)
            tasks.append(PatrolTask(grid=g, enterprise=e, inspector=inspectors[n % 40], due_date=due,
                                    risk_colour="blue", status=status, done_at=done_at))
    PatrolTask.objects.bulk_create(tasks, batch_size=2000)
    admin = user_create(actor=None, username="bench_admin", password="Bench-2026-xyz!", must_change_password=False)
    membership_grant(actor=None, user=admin, role=Role.objects.get(code="city_admin"), jurisdiction=city)
    return admin, start, start + dt.timedelta(days=120)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--grids", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg", action="store_true", help="use DATABASE_URL (PostgreSQL) instead of a fresh SQLite")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-grids-")
    os.environ["ANJIAN_DATA_DIR"] = tmp
    if not args.pg:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.config.settings")
    os.environ.setdefault("ANJIAN_TESTING", "1")  # a scratch database: development settings
    import django

    django.setup()
    import json

    import shapely
    from django.db import connection

    from anjian.grids import services as gs
    from anjian.orgs.models import Jurisdiction

    t = time.perf_counter()
    user, start, end = build(args.grids)
    print(f"built {args.grids} grids, {args.grids * 10} tasks in {time.perf_counter() - t:.1f} s "
          f"({connection.vendor}, Python {platform.python_version()})")

    def timed(label: str, fn):  # type: ignore[no-untyped-def]
        times, out = [], None
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            out = fn()
            times.append(time.perf_counter() - t0)
        print(f"{label}: first {times[0] * 1000:.0f} ms, best of {args.repeat} {min(times) * 1000:.0f} ms")
        return out

    rows = timed("grid_coverage (per grid)", lambda: gs.grid_coverage(user=user, start=start, end=end))
    print(f"  rows {len(rows)}")
    rows = timed("inspector_coverage (per inspector)", lambda: gs.inspector_coverage(user=user, start=start, end=end))
    print(f"  rows {len(rows)}")
    text = timed("coverage_geojson (map body)", lambda: gs.coverage_geojson(user=user, start=start, end=end))
    fc = json.loads(text)
    before = sum(shapely.get_num_coordinates(shapely.from_geojson(b))
                 for b in Jurisdiction.objects.filter(level=5).values_list("boundary", flat=True))
    after = sum(shapely.get_num_coordinates(shapely.geometry.shape(f["geometry"])) for f in fc["features"])
    print(f"  features {len(fc['features'])}, body {len(text.encode()) / 1e6:.2f} MB, vertices {before} -> {after}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
