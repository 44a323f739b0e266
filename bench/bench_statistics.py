"""Benchmark the yearly hazard statistics (page and API) live and from the rollup (issue 22).

In the PostgreSQL database named by ``DATABASE_URL`` (kept: build it once, then grow it): the demo
city and N hazards loaded with ``bench_hazards.build`` (``COPY``, no history rows) — only the
hazards missing to reach ``--hazards`` are added, so 500,000 first and 5,000,000 later reuse the
same city. Then:

* the rollup refresh (``hazard_rollup_refresh``, the job's work) is timed ``--refreshes`` times;
* as the demo personas ``admin`` (city), ``district1`` (a district office) and ``regulator``
  (the emergency management bureau: its sectors), through the Django test ``Client`` against the
  real view and API, the statistics page and API of the current year are requested ``--repeat``
  times **alternating** live (``HAZARD_STATISTICS_ROLLUP=False``: the path before issue 22) and
  from the rollup, after one warm-up each; p50 and p95 per kind and mode, and the ratio;
* the API figures of both modes are compared (they must be equal) — after the refresh and again
  after some hazards were changed, created and backdated through the services (so the live
  corrections run).

Django is loaded as an ``anjian serve`` worker loads it (``anjian.config.wsgi``: every view
imported, then ``gc.freeze()``). ``--modes rollup`` times the rollup alone (the live path takes
seconds per request at 5,000,000).

Run: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/anjian_bench_rollup .venv/bin/python
bench/bench_statistics.py --hazards 500000 [--repeat 20] [--modes live,rollup]``. Prints only; the
database is kept (drop it afterwards).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_hazards import build, pctl  # noqa: E402  (the bench directory on the path above)


def _figures(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "freshness"}


def measure(args: argparse.Namespace) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.config.settings")
    import time_machine
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings
    from django.utils import timezone

    # Django loaded as an ``anjian serve`` worker loads it: every view imported, then gc.freeze()
    import anjian.config.wsgi  # noqa: F401
    from anjian.accounts.models import User
    from anjian.hazards import services as hs
    from anjian.hazards.models import Hazard, HazardRollup
    from anjian.hazards.rollup import hazard_rollup_refresh

    out: dict[str, Any] = {"hazards_target": args.hazards}
    with connection.cursor() as cur:
        cur.execute("SELECT to_regclass('enterprises_enterprise') IS NOT NULL")
        have_city = cur.fetchone()[0]
    if have_city:
        call_command("migrate", verbosity=0, interactive=False)
        with connection.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM enterprises_enterprise")
            have_city = cur.fetchone()[0] > 0
    have = Hazard.objects.count() if have_city else 0
    if have < args.hazards:
        out["build"] = build(args.hazards - have, args.seed + have, demo=not have_city)
    out["hazards"] = Hazard.objects.count()
    year = timezone.localdate().year
    out["hazards_this_year"] = Hazard.objects.filter(found_at__year=year).count()
    # hazards written by the application have their history from creation; the COPY loader writes
    # none: give the hazards changed below a history row older than the refresh margin
    some = list(Hazard.objects.filter(found_at__year=year, status="confirmed", enterprise__isnull=False)
                .order_by("id")[:20])
    with time_machine.travel(timezone.now() - dt.timedelta(hours=1), tick=False):
        for h in some:
            h._change_reason = "bench baseline"
            h.save()
    refreshes = []
    for _ in range(args.refreshes):
        r = hazard_rollup_refresh()
        refreshes.append(r["seconds"])
    out["refresh_s"] = refreshes
    out["rollup_rows"] = HazardRollup.objects.count()
    out["rollup_rows_this_year"] = HazardRollup.objects.filter(month__year=year).count()
    print(f"  refresh {refreshes} s, {out['rollup_rows']:,} rollup rows ({out['rollup_rows_this_year']:,} this year)",
          file=sys.stderr, flush=True)

    personas = ("admin", "district1", "regulator")
    kinds = (("statistics page", "/hazards/statistics/"), ("statistics API", "/api/v1/hazards/statistics"))
    both = (("live", False), ("rollup", True))  # the figures are always compared in both modes
    modes = tuple(m for m in both if m[0] in args.modes.split(","))
    out["requests"] = {}
    out["equal"] = {}

    def compare(stage: str) -> None:
        """Both modes at the same frozen moment (a deadline falling due between two requests
        would change "overdue")."""
        for username in personas:
            client = Client()
            client.force_login(User.objects.get(username=username))
            got = {}
            with time_machine.travel(timezone.now(), tick=False):
                for mode, flag in both:
                    with override_settings(HAZARD_STATISTICS_ROLLUP=flag):
                        got[mode] = _figures(client.get("/api/v1/hazards/statistics", {"year": year}).json())
            out["equal"][f"{stage} / {username}"] = got["live"] == got["rollup"]

    compare("after refresh")
    for username in personas if args.repeat else ():
        client = Client()
        client.force_login(User.objects.get(username=username))
        for label, url in kinds:
            times: dict[str, list[float]] = {m: [] for m, _ in modes}
            for _mode, flag in modes:  # warm-up
                with override_settings(HAZARD_STATISTICS_ROLLUP=flag):
                    assert client.get(url, {"year": year}).status_code == 200
            for _k in range(args.repeat):
                for mode, flag in modes:
                    with override_settings(HAZARD_STATISTICS_ROLLUP=flag):
                        t = time.perf_counter()
                        r = client.get(url, {"year": year})
                        times[mode].append((time.perf_counter() - t) * 1000)
                        assert r.status_code == 200
            for mode, _flag in modes:
                rec = {"n": len(times[mode]), "p50": round(pctl(times[mode], 0.5), 1),
                       "p95": round(pctl(times[mode], 0.95), 1)}
                out["requests"][f"{username} / {label} / {mode}"] = rec
                print(f"  {username:9s} {label:16s} {mode:6s} n={rec['n']:3d} p50 {rec['p50']:8.1f} ms  "
                      f"p95 {rec['p95']:8.1f} ms", file=sys.stderr, flush=True)

    # changes after the refresh, through the services (history rows): the corrections run
    admin = User.objects.get(username="admin")
    for h in some:
        hs.hazard_report(actor=admin, source="patrol", enterprise=h.enterprise, category="基准测试新增",
                         description="基准测试", level="general", found_at=h.found_at)
    for h in some[:10]:
        h.status = "written_off"
        h._change_reason = "bench"
        h.save(update_fields=["status"])
    compare("after 30 changes")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hazards", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--refreshes", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--modes", default="live,rollup", help="the modes timed (comma list): live, rollup")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args), default=str))
        return
    pg = os.environ.get("DATABASE_URL", "")
    if not pg.startswith("postgres"):
        sys.exit("set DATABASE_URL=postgres://…/anjian_bench_rollup (a scratch database)")
    from _bulkload import recreate_postgres

    recreate_postgres(pg, keep=True)
    print(f"bench_statistics: hazards={args.hazards:,} repeat={args.repeat}")
    print(f"python {platform.python_version()} on {platform.platform()}, {os.cpu_count()} CPUs")
    print("load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    env = {**os.environ, "ANJIAN_TESTING": "1", "ANJIAN_DEMO": "1", "LOG_LEVEL": "WARNING", "DB_CONN_MAX_AGE": "600",
           "ANJIAN_DATA_DIR": os.environ.get("ANJIAN_DATA_DIR", "/tmp/anjian-bench-statistics")}
    cmd = [sys.executable, __file__, "--child", "--hazards", str(args.hazards), "--repeat", str(args.repeat), "--modes", args.modes,
           "--refreshes", str(args.refreshes), "--seed", str(args.seed)]
    res = subprocess.run(cmd, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout
    r = json.loads(res.strip().splitlines()[-1])
    if "build" in r:
        b = r["build"]
        print(f"build: demo {b['demo_s']} s; COPY {b['rows']:,} hazards {b['copy_s']} s")
    print(f"hazards {r['hazards']:,} ({r['hazards_this_year']:,} found this year)")
    print(f"refresh (whole table) {r['refresh_s']} s; rollup rows {r['rollup_rows']:,} "
          f"({r['rollup_rows_this_year']:,} this year)")
    print(f"\n{'persona / request':36s} {'live p50':>9s} {'live p95':>9s} {'rollup p50':>11s} {'rollup p95':>11s} "
          f"{'p95 ratio':>9s}")
    for username in ("admin", "district1", "regulator") if args.repeat else ():
        for label in ("statistics page", "statistics API"):
            none = {"p50": float("nan"), "p95": float("nan")}
            a = r["requests"].get(f"{username} / {label} / live", none)
            b = r["requests"].get(f"{username} / {label} / rollup", none)
            print(f"{username + ' / ' + label:36s} {a['p50']:9.1f} {a['p95']:9.1f} {b['p50']:11.1f} {b['p95']:11.1f} "
                  f"{b['p95'] / a['p95']:9.3f}")
    print("figures equal (live vs rollup): " + ", ".join(f"{k}: {v}" for k, v in r["equal"].items()))
    print("load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
