"""Benchmark the hazard list, its filters and the statistics on millions of hazards (PostgreSQL).

Builds, in the scratch PostgreSQL database named by ``DATABASE_URL`` (dropped and recreated):
the demo city (``anjian demo --scale city``: 10 districts, 75 streets, 2,000 grids, 100,000
enterprises, the demo logins), then N hazards (default 5,000,000) loaded with ``COPY`` from a
generator (no history rows, no timeline events; secondary indexes and FK triggers off during the
load, indexes rebuilt after, then ``VACUUM ANALYZE``). The distribution: found over the last three
years (more recent ones more often), 95 % at an enterprise (skewed: some have many), 5 % at a
place without a file; the enterprise's grid, sector and regulator; 2 % 重大; seven sources;
older hazards mostly written off, recent ones spread over the open states, so some are overdue.

Then, as three demo personas — ``admin`` (city administrator), ``district1`` (a district safety
office: its district's subtree) and ``regulator`` (the city emergency management bureau: its
sectors city-wide or its own department) — through the Django test ``Client`` against the real
views and API, each request kind is sent ``--repeat`` times (after two warm-up requests) and p50
and p95 are printed:

list first page, a deep keyset page (cursor at the oldest tenth), overdue only, 重大 only, an
area (a district; a street for the district officer), a sector (门类 C), the API list, the
statistics page and the statistics API for the current year.

For each kind one extra request is run with its SQL captured; the slowest statement is written
to ``--sql-out`` (JSON) for EXPLAIN.

Run: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/anjian_bench_hazards .venv/bin/python
bench/bench_hazards.py [--hazards 5000000] [--repeat 50] [--keep] [--reuse]``. ``--keep`` leaves
the scratch database for inspection (drop it afterwards); ``--reuse`` keeps what the database
holds and only adds the hazards missing to reach ``--hazards`` (e.g. 500,000 first, then
5,000,000 on the same city). Prints only.
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

SOURCES = (("patrol", 45), ("self_inspection", 25), ("inspection", 15), ("public_report", 5), ("alarm", 3),
           ("supervision", 5), ("other", 2))
RECENT_STATUS = (("reported", 10), ("confirmed", 25), ("rectifying", 25), ("submitted", 10), ("applied", 3),
                 ("reviewed", 2), ("written_off", 25))
OLD_STATUS = (("written_off", 95), ("confirmed", 2), ("rectifying", 2), ("submitted", 1))
CATEGORIES = ("消防通道堵塞", "灭火器过期", "安全出口锁闭", "电气线路老化", "危化品储存不规范", "有限空间未审批作业",
              "粉尘清扫不及时", "特种设备未检验", "安全培训记录缺失", "应急预案未演练", "脚手架搭设不规范",
              "临边防护缺失", "燃气管道腐蚀", "液氨管道泄漏风险", "疏散指示标志损坏", "违规动火作业",
              "员工宿舍与仓库混设", "安全警示标志缺失", "机械防护罩缺失", "隐患排查制度未落实")


def build(n: int, seed: int, *, demo: bool = True) -> dict[str, Any]:
    import numpy as np
    from _bulkload import _columns, _text
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from anjian.enterprises.models import Enterprise
    from anjian.hazards.models import Hazard
    from anjian.orgs.models import Jurisdiction, JurisdictionLevel

    out: dict[str, Any] = {}
    t0 = time.perf_counter()
    if demo:
        call_command("migrate", verbosity=0, interactive=False)
        call_command("demo", "--scale", "city", "--seed", str(seed), stdout=sys.stderr)
    out["demo_s"] = round(time.perf_counter() - t0, 1)

    ents = list(Enterprise.objects.order_by("id").values_list(
        "id", "lng", "lat", "jurisdiction_id", "sector_id", "department_id", "address"))
    grids = list(Jurisdiction.objects.filter(level=JurisdictionLevel.GRID).values_list("id", "center_lng", "center_lat"))
    fields = ["source", "enterprise_id", "place_name", "address", "lng", "lat", "jurisdiction_id", "sector_id",
              "department_id", "category", "description", "level", "finder_name", "found_at", "reported_at",
              "deadline", "status", "written_off_at"]
    columns, defaults = _columns(Hazard, fields)
    tail = "\t" + "\t".join(_text(v) for v in defaults)
    t = _text
    ent_part = [f"{pk}\t\t{t(addr)}\t{t(lng)}\t{t(lat)}\t{j}\t{t(s)}\t{t(d)}" for pk, lng, lat, j, s, d, addr in ents]
    place_part = [f"\\N\t某无证场所{k}\t\t{t(x)}\t{t(y)}\t{gid}\t\\N\t\\N" for k, (gid, x, y) in enumerate(grids)]

    rng = np.random.default_rng(seed + n)
    now = np.datetime64(timezone.now().replace(tzinfo=None), "s")
    src_vals = np.array([s for s, _ in SOURCES])
    src_p = np.array([w for _, w in SOURCES], dtype=float) / sum(w for _, w in SOURCES)
    rs_vals = np.array([s for s, _ in RECENT_STATUS])
    rs_p = np.array([w for _, w in RECENT_STATUS], dtype=float) / 100
    os_vals = np.array([s for s, _ in OLD_STATUS])
    os_p = np.array([w for _, w in OLD_STATUS], dtype=float) / 100
    cats = np.array(CATEGORIES)

    def iso(a: Any) -> Any:
        return np.char.add(np.datetime_as_string(a, unit="s"), "+00")

    table = connection.ops.quote_name(Hazard._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cur:
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                    "(SELECT conname FROM pg_constraint)", [Hazard._meta.db_table])
        index_defs = cur.fetchall()
        for name, _def in index_defs:
            cur.execute(f'DROP INDEX "{name}"')
    t0 = time.perf_counter()
    chunk = 250_000
    written = 0
    with connection.cursor() as cur:
        cur.execute("SET session_replication_role = replica")  # no FK triggers during the load (scratch DB)
        with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            while written < n:
                m = min(chunk, n - written)
                days_ago = 1095 * rng.random(m) ** 1.3
                found = now - (days_ago * 86400).astype("timedelta64[s]")
                reported = found + rng.integers(60, 7200, m).astype("timedelta64[s]")
                level_major = rng.random(m) < 0.02
                recent = days_ago <= 120
                status = np.where(recent, rng.choice(rs_vals, m, p=rs_p), rng.choice(os_vals, m, p=os_p))
                status = np.where(rng.random(m) < 0.03, "rejected", status)
                has_deadline = ~np.isin(status, ["reported", "rejected"])
                deadline = found + np.where(level_major, 90, 30).astype("timedelta64[D]")
                woff = found + rng.integers(5, 60, m).astype("timedelta64[D]")
                is_place = rng.random(m) < 0.05
                ent_idx = (len(ents) * rng.random(m) ** 1.5).astype(int)
                grid_idx = rng.integers(0, len(grids), m)
                src = rng.choice(src_vals, m, p=src_p)
                cat = rng.choice(cats, m)
                found_s, rep_s, dl_s, wo_s = iso(found), iso(reported), iso(deadline), iso(woff)
                lines = []
                for i in range(m):
                    where = place_part[grid_idx[i]] if is_place[i] else ent_part[ent_idx[i]]
                    st = status[i]
                    lines.append(
                        f"{src[i]}\t{where}\t{cat[i]}\t{cat[i]}：现场检查发现（{written + i}）\t"
                        f"{'major' if level_major[i] else 'general'}\t检查员\t{found_s[i]}\t{rep_s[i]}\t"
                        f"{dl_s[i] if has_deadline[i] else chr(92) + 'N'}\t{st}\t"
                        f"{wo_s[i] if st == 'written_off' else chr(92) + 'N'}{tail}\n")
                copy.write("".join(lines))
                written += m
                print(f"  hazards {written:,}/{n:,} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True)
        cur.execute("SET session_replication_role = DEFAULT")
    out["copy_s"] = round(time.perf_counter() - t0, 1)
    out["rows"] = written
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        for _name, definition in index_defs:
            cur.execute(definition)
    out["indexes_s"] = round(time.perf_counter() - t0, 1)
    t0 = time.perf_counter()
    connection.ensure_connection()
    old = connection.connection.autocommit
    connection.connection.autocommit = True
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    connection.connection.autocommit = old
    out["vacuum_analyze_s"] = round(time.perf_counter() - t0, 1)
    return out


def pctl(values: list[float], q: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def measure(args: argparse.Namespace) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from anjian.accounts.models import User
    from anjian.core.pagination import _encode
    from anjian.hazards.models import Hazard
    from anjian.orgs.models import Jurisdiction, JurisdictionLevel, Sector

    out: dict[str, Any] = {"hazards_target": args.hazards}
    have = 0
    if args.reuse:
        with connection.cursor() as cur:
            cur.execute("SELECT to_regclass('hazards_hazard') IS NOT NULL")
            if cur.fetchone()[0]:
                cur.execute("SELECT COUNT(*) FROM hazards_hazard")
                have = cur.fetchone()[0]
    if have < args.hazards:  # with --reuse: only the missing hazards are added to the database
        out["build"] = build(args.hazards - have, args.seed, demo=have == 0)
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*), MIN(id), MAX(id) FROM hazards_hazard")
        total, min_id, max_id = cur.fetchone()
        cur.execute("SELECT pg_total_relation_size('hazards_hazard'), pg_database_size(current_database())")
        out["hazard_table_bytes"], out["db_bytes"] = cur.fetchone()
    out["hazards"] = total
    year = timezone.localdate().year
    districts = list(Jurisdiction.objects.filter(level=JurisdictionLevel.DISTRICT).order_by("code"))
    district1 = districts[0]
    street = Jurisdiction.objects.filter(level=JurisdictionLevel.STREET, parent=district1).order_by("code").first()
    section_c = Sector.objects.get(code="C")
    deep_id = min_id + (max_id - min_id) // 10
    deep = _encode([deep_id, deep_id])
    personas = {"admin": districts[1], "district1": street, "regulator": districts[1]}
    out["requests"] = {}
    out["slowest_sql"] = {}
    out["visible"] = {}
    for username, area in personas.items():
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        out["visible"][username] = Hazard.objects.restrict(user, "hazards.view").count()
        kinds: list[tuple[str, str, dict[str, Any]]] = [
            ("list first page", "/hazards/", {}),
            ("list deep keyset page", "/hazards/", {"after": deep}),
            ("list overdue", "/hazards/", {"overdue": "on"}),
            ("list level 重大", "/hazards/", {"level": "major"}),
            (f"list area {area.name}", "/hazards/", {"jurisdiction": area.pk}),
            ("list sector C", "/hazards/", {"sector": section_c.pk}),
            ("API list (100)", "/api/v1/hazards/", {}),
            (f"statistics page {year}", "/hazards/statistics/", {"year": year}),
            (f"statistics API {year}", "/api/v1/hazards/statistics", {"year": year}),
        ]
        for label, url, params in kinds:
            if args.only and not any(o in label for o in args.only):
                continue
            for _ in range(2):
                r = client.get(url, params)
                assert r.status_code == 200, (username, label, r.status_code)
            with CaptureQueriesContext(connection) as ctx:
                client.get(url, params)
            captured = list(ctx.captured_queries)
            slow = max(captured, key=lambda q: float(q["time"]))
            out["slowest_sql"][f"{username} / {label}"] = {"time": float(slow["time"]), "sql": slow["sql"],
                                                           "queries": len(captured)}
            times = []
            budget_end = time.perf_counter() + args.budget
            for k in range(args.repeat):
                t = time.perf_counter()
                r = client.get(url, params)
                times.append((time.perf_counter() - t) * 1000)
                if k >= 9 and time.perf_counter() > budget_end:
                    break
            rec = {"n": len(times), "p50": round(pctl(times, 0.5), 1), "p95": round(pctl(times, 0.95), 1),
                   "queries": len(captured)}
            out["requests"][f"{username} / {label}"] = rec
            print(f"  {username:9s} {label:32s} n={rec['n']:3d} p50 {rec['p50']:8.1f} ms  p95 {rec['p95']:8.1f} ms  "
                  f"({rec['queries']} queries; slowest {float(slow['time']) * 1000:.0f} ms)", file=sys.stderr, flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hazards", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--budget", type=float, default=600.0,
                        help="seconds per request kind; stops early (never below 10 requests) and says n")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--only", action="append", help="measure only request kinds whose label contains this")
    parser.add_argument("--sql-out", default="")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args), default=str))
        return
    from _bulkload import recreate_postgres

    pg = os.environ.get("DATABASE_URL", "")
    if not pg.startswith("postgres"):
        sys.exit("set DATABASE_URL=postgres://…/anjian_bench_hazards (a scratch database: it is dropped)")
    print(f"bench_hazards: hazards={args.hazards:,} repeat={args.repeat} seed={args.seed}")
    print(f"python {platform.python_version()} on {platform.platform()}, {os.cpu_count()} CPUs")
    print("load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    recreate_postgres(pg, keep=args.reuse)
    env = {**os.environ, "ANJIAN_TESTING": "1", "ANJIAN_DEMO": "1", "LOG_LEVEL": "WARNING", "DB_CONN_MAX_AGE": "600"}
    cmd = [sys.executable, __file__, "--child", "--hazards", str(args.hazards), "--repeat", str(args.repeat),
           "--budget", str(args.budget), "--seed", str(args.seed)] + (["--reuse"] if args.reuse else [])
    for o in args.only or []:
        cmd += ["--only", o]
    try:
        with tempfile.TemporaryDirectory(prefix="anjian-bench-hazards-") as tmp:
            res = subprocess.run(cmd, env={**env, "ANJIAN_DATA_DIR": tmp}, cwd=ROOT, check=True,
                                 stdout=subprocess.PIPE, text=True).stdout
    finally:
        if not args.keep:
            recreate_postgres(pg, drop_only=True)
    r = json.loads(res.strip().splitlines()[-1])
    if "build" in r:
        b = r["build"]
        print(f"build: demo city {b['demo_s']} s; COPY {b['rows']:,} hazards {b['copy_s']} s "
              f"({b['rows'] / b['copy_s']:,.0f} rows/s); indexes {b['indexes_s']} s; "
              f"VACUUM ANALYZE {b['vacuum_analyze_s']} s")
    print(f"hazards table {r['hazard_table_bytes'] / 1e9:.2f} GB (with indexes), database {r['db_bytes'] / 1e9:.2f} GB")
    print("visible to: " + ", ".join(f"{u} {n:,}" for u, n in r["visible"].items()))
    print(f"\n{'persona / request':58s} {'n':>4s} {'p50 ms':>9s} {'p95 ms':>9s} queries")
    for label, x in r["requests"].items():
        print(f"{label:58s} {x['n']:4d} {x['p50']:9.1f} {x['p95']:9.1f} {x['queries']:4d}")
    if args.sql_out:
        Path(args.sql_out).write_text(json.dumps(r["slowest_sql"], ensure_ascii=False, indent=1))
        print(f"\nslowest statement per request kind written to {args.sql_out}")
    print("load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
