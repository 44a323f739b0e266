"""Benchmark the cockpit (领导驾驶舱, issue 21) on the demo city at scale (PostgreSQL).

Builds, in the scratch PostgreSQL database named by ``DATABASE_URL`` (dropped and recreated):
the demo (``anjian demo --scale megacity`` by default: 10 districts, 75 streets, 20,000 grids,
1,000,000 enterprises, the demo logins and activity), then N hazards (default 1,000,000) loaded
with ``COPY`` by the hazard benchmark's loader (``bench_hazards.build``: three years, 2 % 重大,
recent ones spread over the open states so some are overdue).

Then, through the Django test ``Client`` against the real views, as the demo ``leader`` (the
city), ``district1`` (a district office) and ``regulator`` (the city emergency bureau: its
sectors), each request is sent ``--repeat`` times **cold** (the cockpit's per-scope cache off:
``COCKPIT_CACHE_SECONDS = 0``) after one warm-up, and p50/p95 are printed with the query count:
the cockpit of the user's scope, a drill-down into a district, a street and a grid, the map
layers (areas by risk, open 重大 hazards), and each user's home. One warm (cached) cockpit
request is timed too.

Run: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/anjian_bench_cockpit .venv/bin/python
bench/bench_cockpit.py [--scale megacity|city] [--hazards 1000000] [--repeat 10] [--keep] [--reuse]``.
Prints only.
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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def pctl(values: list[float], q: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def child(args: argparse.Namespace) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.config.settings")
    import django

    django.setup()
    from bench_hazards import build
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from anjian.accounts.models import User
    from anjian.hazards.models import Hazard
    from anjian.orgs.models import Jurisdiction, JurisdictionLevel

    out: dict[str, Any] = {}
    if not args.reuse:
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("demo", "--scale", args.scale, "--seed", str(args.seed), stdout=sys.stderr)
        out["demo_s"] = round(time.perf_counter() - t0, 1)
        out["build"] = build(args.hazards, args.seed, demo=False)
    out["hazards"] = Hazard.objects.count()
    out["grids"] = Jurisdiction.objects.filter(level=JurisdictionLevel.GRID).count()
    out["load"] = os.getloadavg()
    settings.COCKPIT_CACHE_SECONDS = 0
    district = Jurisdiction.objects.filter(level=JurisdictionLevel.DISTRICT).order_by("path").first()
    street = Jurisdiction.objects.filter(level=JurisdictionLevel.STREET, path__startswith=district.path).order_by("path").first()
    grid = Jurisdiction.objects.filter(level=JurisdictionLevel.GRID, path__startswith=street.path).order_by("path").first()
    rows = []
    cases = [
        ("leader", "cockpit, city", "/cockpit/"),
        ("leader", "cockpit, a district", f"/cockpit/?place={district.pk}"),
        ("leader", "cockpit, a street", f"/cockpit/?place={street.pk}"),
        ("leader", "cockpit, a grid", f"/cockpit/?place={grid.pk}"),
        ("leader", "wall mode, city", "/cockpit/?wall=1"),
        ("leader", "layer: areas by risk, city", "/cockpit/layers/areas/"),
        ("leader", "layer: open 重大 hazards, city", "/cockpit/layers/major_hazards/"),
        ("district1", "cockpit, own district", "/cockpit/"),
        ("district1", "home (cockpit-lite + waiting)", "/"),
        ("regulator", "cockpit, own sectors", "/cockpit/"),
        ("regulator", "home", "/"),
        ("admin", "home", "/"),
    ]
    for username, label, url in cases:
        client = Client()
        client.force_login(User.objects.get(username=username))
        client.get(url)
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            r = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code in (200, 302), (url, r.status_code)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        rows.append({"user": username, "what": label, "p50": round(pctl(times, 0.5)),
                     "p95": round(pctl(times, 0.95)), "queries": len(ctx.captured_queries), "n": len(times)})
        print(json.dumps(rows[-1], ensure_ascii=False), file=sys.stderr, flush=True)
    settings.COCKPIT_CACHE_SECONDS = 60
    client = Client()
    client.force_login(User.objects.get(username="leader"))
    cache.clear()
    client.get("/cockpit/")
    t0 = time.perf_counter()
    client.get("/cockpit/")
    out["warm_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    out["rows"] = rows
    out["load_after"] = os.getloadavg()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="megacity", choices=["city", "megacity"])
    parser.add_argument("--hazards", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args), default=str, ensure_ascii=False))
        return
    from _bulkload import recreate_postgres

    pg = os.environ.get("DATABASE_URL", "")
    if not pg.startswith("postgres"):
        sys.exit("set DATABASE_URL=postgres://…/anjian_bench_cockpit (a scratch database: it is dropped)")
    print(f"bench_cockpit: scale={args.scale} hazards={args.hazards:,} repeat={args.repeat} seed={args.seed}")
    print(f"python {platform.python_version()} on {platform.platform()}, {os.cpu_count()} CPUs")
    print("load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    recreate_postgres(pg, keep=args.reuse)
    env = {**os.environ, "ANJIAN_TESTING": "1", "ANJIAN_DEMO": "1", "LOG_LEVEL": "WARNING", "DB_CONN_MAX_AGE": "600"}
    cmd = [sys.executable, __file__, "--child", "--scale", args.scale, "--hazards", str(args.hazards),
           "--repeat", str(args.repeat), "--seed", str(args.seed)] + (["--reuse"] if args.reuse else [])
    try:
        with tempfile.TemporaryDirectory(prefix="anjian-bench-cockpit-") as tmp:
            res = subprocess.run(cmd, env={**env, "ANJIAN_DATA_DIR": tmp}, cwd=ROOT, check=True,
                                 stdout=subprocess.PIPE, text=True).stdout
    finally:
        if not args.keep:
            recreate_postgres(pg, drop_only=True)
    r = json.loads(res.strip().splitlines()[-1])
    if "build" in r:
        print(f"build: demo {r['demo_s']} s; hazards COPY {r['build'].get('copy_s')} s")
    print(f"data: {r['hazards']:,} hazards, {r['grids']:,} grids; load {r['load']}")
    print("| user | request | p50 ms | p95 ms | queries |")
    print("|---|---|---|---|---|")
    for row in r["rows"]:
        print(f"| {row['user']} | {row['what']} | {row['p50']} | {row['p95']} | {row['queries']} |")
    print(f"warm (cached) cockpit, city: {r['warm_ms']} ms; load after {r['load_after']}")


if __name__ == "__main__":
    main()
