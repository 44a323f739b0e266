"""Benchmark building the synthetic demo city and assigning points to its grids.

For each database (a fresh SQLite file; PostgreSQL too when ``DATABASE_URL`` is set): migrate,
build ``anjian demo --scale <scale>`` (default ``city``: 10 districts, 75 streets, 2,000 grids,
100,000 enterprises) and print the build time and the database size (file size incl. WAL for
SQLite, ``pg_database_size`` for PostgreSQL). Then time ``locate_jurisdiction_ids`` for N random
points (default 200,000) over the city's bounding box: the first call includes building the
polygon index from the database, the second uses the cached index.

Each database runs in its own subprocess (settings are read once per process). The PostgreSQL
database named in ``DATABASE_URL`` is dropped and recreated: point it at a scratch database.

Run: ``.venv/bin/python bench/bench_demo.py [--scale city] [--points 200000] [--seed 2026]``. Prints only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(scale: str, points: int, seed: int) -> dict[str, object]:
    """Runs inside the child process, with DATABASE_URL / ANJIAN_DATA_DIR already set."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.config.settings")
    import django

    django.setup()
    import random

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    call_command("demo", "--scale", scale, "--seed", str(seed), stdout=sys.stderr)
    build_s = time.perf_counter() - started
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        name = Path(connection.settings_dict["NAME"])
        size = sum(p.stat().st_size for p in name.parent.glob(name.name + "*"))
    else:
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
            cur.execute("SELECT pg_database_size(current_database())")
            size = cur.fetchone()[0]
    from anjian.enterprises.models import Enterprise
    from anjian.orgs.models import Jurisdiction
    from anjian.orgs.services import invalidate_locator, locate_jurisdiction_ids

    city = Jurisdiction.objects.get(level=1)
    rng = random.Random(seed)
    pts = [(rng.uniform(city.min_lng, city.max_lng), rng.uniform(city.min_lat, city.max_lat)) for _ in range(points)]
    invalidate_locator()
    t0 = time.perf_counter()
    first = locate_jurisdiction_ids(pts)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = locate_jurisdiction_ids(pts)
    warm = time.perf_counter() - t0
    assert first == again
    grids = set(Jurisdiction.objects.filter(level=5).values_list("id", flat=True))
    return {
        "vendor": connection.vendor,
        "enterprises": Enterprise.objects.count(),
        "grids": len(grids),
        "build_s": round(build_s, 1),
        "db_bytes": size,
        "points": points,
        "inside_grid": sum(1 for pk in first if pk in grids),
        "locate_cold_s": round(cold, 3),
        "locate_warm_s": round(warm, 3),
    }


def run_child(env: dict[str, str], args: argparse.Namespace) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--child", "--scale", args.scale, "--points", str(args.points),
           "--seed", str(args.seed)]
    out = subprocess.run(cmd, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def recreate_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def report(result: dict[str, object]) -> None:
    points = int(result["points"])  # type: ignore[call-overload]
    print(f"\n== {result['vendor']} ==")
    print(f"  built {result['grids']:,} grids, {result['enterprises']:,} enterprises in {result['build_s']} s")
    print(f"  database size: {int(result['db_bytes']) / 1e6:,.1f} MB")  # type: ignore[call-overload]
    for label, key in (("cold (index built from DB)", "locate_cold_s"), ("warm (cached index)", "locate_warm_s")):
        seconds = float(result[key])  # type: ignore[arg-type]
        print(f"  locate {points:,} points, {label}: {seconds:.2f} s = {points / seconds:,.0f} points/s")
    print(f"  points inside a grid: {result['inside_grid']:,} of {points:,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="city", choices=["small", "city", "megacity"])
    parser.add_argument("--points", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.scale, args.points, args.seed)))
        return
    print(f"bench_demo: scale={args.scale} points={args.points:,} seed={args.seed}")
    print(f"python {platform.python_version()} on {platform.platform()}, {os.cpu_count()} CPUs")
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    base.update({"ANJIAN_TESTING": "0", "ANJIAN_DEMO": "1", "HUEY_IMMEDIATE": "0", "LOG_LEVEL": "WARNING"})
    with tempfile.TemporaryDirectory(prefix="anjian-bench-demo-") as tmp:
        report(run_child({**base, "ANJIAN_DATA_DIR": tmp}, args))
    pg = os.environ.get("DATABASE_URL", "")
    if pg.startswith("postgres"):
        recreate_postgres(pg)
        with tempfile.TemporaryDirectory(prefix="anjian-bench-demo-pg-") as tmp:
            report(run_child({**base, "ANJIAN_DATA_DIR": tmp, "DATABASE_URL": pg}, args))
    else:
        print("\n(PostgreSQL skipped: set DATABASE_URL=postgres://… to include it)")


if __name__ == "__main__":
    main()
