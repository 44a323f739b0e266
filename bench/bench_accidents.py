"""Benchmark the accident statistics on 500,000 accidents and the monthly report of a large month.

For each database (a scratch SQLite file; the scratch PostgreSQL database
``postgres://postgres@127.0.0.1:5432/anjian_bench_acc``, dropped and recreated, then dropped at
the end): migrate, build the territory and departments of the synthetic demo city
(``anjian/demo/generator.py``, scale ``megacity``: 10 districts, 75 streets, 600 communities,
20,000 grids — no enterprises, the accidents name their unit), then load N accidents
(default 500,000) over 36 months (2023-11 … 2026-10) with ``bulk_create`` (SQLite) or ``COPY``
(PostgreSQL), not through the services: uneven districts, a monthly season, categories, sectors
routed to the demo departments, GB/T 6441-1986 types before 2026-07-01 and GB 6441—2025 after,
deaths/injuries/loss drawn per category and the grade computed by the rule function.

Then, for the city administrator and for one district office (real users with memberships), it
times ``--runs`` calls (default 30, after one warm-up) of each statistics function
(``anjian/accidents/stats.py``) and of the API ``GET /api/v1/accidents/stats/summary`` and prints
p50/p95 in ms; ``--explain`` prints the query plans of the grouped queries.

Last, in a fresh process, it generates the monthly report (``monthly_report_generate``: Word +
Excel) of 2026-10 for the city and prints the seconds and the peak RSS of that process.

Each phase runs in its own subprocess (settings are read once per process). ``--keep`` keeps
the loaded databases (SQLite in ``/tmp/anjian-bench-acc``) and ``--reuse`` measures them again
without loading (after ``migrate``, so new indexes are applied): before/after comparisons.
``--pg-db``/``--sqlite-dir`` name other scratch databases. ``--phases rollup`` (issue 22) refreshes
the accident rollup and times the year's statistics and API alternating live and rollup, and
compares their figures.

Run: ``.venv/bin/python bench/bench_accidents.py [--accidents 500000] [--runs 30] [--only sqlite|pg]``.
Prints only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SQLITE_DIR = Path("/tmp/anjian-bench-acc")
PG_BASE = "postgres://postgres@127.0.0.1:5432"
PG_DB = "anjian_bench_acc"
FIRST_MONTH = (2023, 11)
MONTHS = 36
REPORT_MONTH = (2026, 10)

# --- child side -----------------------------------------------------------------------------------


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.config.settings")
    import django

    django.setup()


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def load(n: int, seed: int) -> dict[str, Any]:
    """Migrate, build the territory and departments, the two users and ``n`` accidents."""
    import datetime as dt
    import random
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from django.core.management import call_command
    from django.db import connection, transaction

    from anjian.accidents.models import Accident
    from anjian.accounts.models import Role
    from anjian.accounts.services import membership_grant, roles_ensure_system, user_create
    from anjian.demo.generator import PROFILES, Builder
    from anjian.orgs.models import Sector
    from anjian.orgs.services import sectors_load_gb4754
    from anjian.rules import accidents as law

    call_command("migrate", verbosity=0, interactive=False)
    t0 = time.perf_counter()
    builder = Builder(scale="megacity", seed=seed, out=lambda s: print(s, file=sys.stderr))
    with transaction.atomic():
        sectors_load_gb4754()
        roles_ensure_system()
        builder.build_territory()
        builder.build_departments()
        roles = {r.code: r for r in Role.objects.all()}
        for username, role, jur in (("bench_city", "city_admin", builder.city),
                                    ("bench_district", "district_office", builder.districts[0])):
            user = user_create(actor=None, username=username, password="Bench-Acc-2026!", display_name=username,
                               must_change_password=False)
            membership_grant(actor=None, user=user, role=roles[role], jurisdiction=jur)
    territory_s = time.perf_counter() - t0

    rng = random.Random(seed)
    tz = ZoneInfo("Asia/Shanghai")
    from anjian.orgs.services import route_department

    routes = builder._route_map()
    routes["55"] = route_department(Sector.objects.get(code="55"), builder.city)[0]
    sectors = {s.code: s for s in Sector.objects.all()}
    districts = builder.districts
    by_district: dict[int, list[int]] = {d.pk: [] for d in districts}
    district_of_path = {d.path: d.pk for d in districts}
    for place in [*builder.streets, *builder.grids]:
        for path, pk in district_of_path.items():
            if place.path.startswith(path):
                by_district[pk].append(place.pk)
                break
    d_weights = [1.8, 1.5, 1.3, 1.2, 1.0, 0.9, 0.8, 0.6, 0.5, 0.4][: len(districts)]
    categories = [("industrial_commercial", 45), ("road_traffic", 38), ("fire", 9), ("waterway", 2), ("railway", 1),
                  ("agricultural_machinery", 1), ("fishing_vessel", 1), ("other", 3)]
    cat_names, cat_w = zip(*categories, strict=True)
    profile_codes = [p.code for p in PROFILES]
    profile_w = [p.weight for p in PROFILES]
    # GB/T 6441-1986 types of industrial accidents, roughly as frequent as in the national figures
    ind_types = [("01", 12), ("02", 6), ("03", 14), ("04", 6), ("05", 6), ("06", 2), ("07", 3), ("08", 3), ("09", 25),
                 ("10", 8), ("13", 1), ("15", 2), ("16", 2), ("17", 1), ("18", 2), ("19", 3), ("20", 4)]
    type_codes, type_w = zip(*ind_types, strict=True)
    names_1986 = {t.code: t.name_zh for t in law.GB6441_1986.types}
    month_starts = []
    y, m = FIRST_MONTH
    for _ in range(MONTHS):
        month_starts.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    season = {1: 0.85, 2: 0.7, 3: 0.95, 4: 1.0, 5: 1.05, 6: 1.1, 7: 1.15, 8: 1.15, 9: 1.05, 10: 1.0, 11: 1.0, 12: 1.1}
    m_weights = [season[mm] * (0.95 ** ((yy - 2023) + mm / 12)) for yy, mm in month_starts]
    switch = dt.datetime(2026, 7, 1, tzinfo=tz)
    fields = [f for f in Accident._meta.concrete_fields if f.name != "id"]
    now = dt.datetime(2026, 11, 1, tzinfo=tz)

    def deaths_for(category: str) -> int:
        r = rng.random()
        if category == "road_traffic":
            return 0 if r < 0.35 else 1 if r < 0.90 else 2 if r < 0.97 else rng.randint(3, 6)
        if r < 0.60:
            return 0
        if r < 0.96:
            return 1
        if r < 0.985:
            return 2
        return rng.randint(3, 9) if r < 0.9995 else rng.randint(10, 15)

    grades: dict[tuple[int, int, int], Any] = {}

    def grade_of(deaths: int, serious: int, loss: Decimal) -> int:
        # the grade depends on the loss only through its thresholds: memoise per loss class
        bucket = sum(loss >= x for x in (10_000_000, 50_000_000, 100_000_000))
        key = (deaths, serious, bucket)
        if key not in grades:
            grades[key] = int(law.accident_grade(deaths, serious, loss))
        return grades[key]

    static = {f.attname: f.get_default() for f in fields}
    static.update({"routing": "演示数据（合成）", "description": "合成基准数据：事故简要经过。", "reporter": "基准",
                   "grade_reason": "", "supervision": 0, "created_at": now, "updated_at": now, "is_synthetic": True})
    sqlite = connection.vendor == "sqlite"
    ops = connection.ops
    datetime_cols = [i for i, f in enumerate(fields) if f.get_internal_type() == "DateTimeField"]
    bool_cols = [i for i, f in enumerate(fields) if f.get_internal_type() == "BooleanField"]
    decimal_cols = [i for i, f in enumerate(fields) if f.get_internal_type() == "DecimalField"]

    def one(i: int) -> list[Any]:
        yy, mm = rng.choices(month_starts, weights=m_weights)[0]
        day = rng.randint(1, 28)
        occurred = dt.datetime(yy, mm, day, rng.randint(0, 23), rng.randint(0, 59), tzinfo=tz)
        district = rng.choices(districts, weights=d_weights)[0]
        place = rng.choice(by_district[district.pk])
        category = rng.choices(cat_names, weights=cat_w)[0]
        sector = None
        if category == "industrial_commercial" or (category == "fire" and rng.random() < 0.3):
            sector = sectors[rng.choices(profile_codes, weights=profile_w)[0]]
        elif category == "road_traffic" and rng.random() < 0.3:
            sector = sectors["54"]
        elif category == "waterway":
            sector = sectors["55"]
        department = routes.get(sector.code) if sector is not None else None
        code = (rng.choices(type_codes, weights=type_w)[0] if category == "industrial_commercial"
                else {"road_traffic": "02", "fire": "08", "waterway": "06"}.get(category, "20"))
        if occurred >= switch:
            t = law.to_2025_type(code)
            code, name, standard = t.code, t.name_zh, law.GB6441_2025.standard
        else:
            name, standard = names_1986[code], law.GB6441_1986.standard
        at_risk = rng.random() < 0.005
        deaths = 0 if at_risk else deaths_for(category)
        serious = 0 if at_risk else min(60, int(rng.expovariate(1.5)))
        minor = int(rng.expovariate(0.6))
        loss = Decimal(0) if at_risk else Decimal(int(min(6e7, rng.lognormvariate(12.0, 1.3))))
        grade = None if at_risk else grade_of(deaths, serious, loss)
        known = occurred + dt.timedelta(minutes=rng.randint(5, 40))
        reported = known + dt.timedelta(minutes=rng.randint(10, 70))
        due = known + dt.timedelta(hours=1)
        late = int((reported - due).total_seconds() // 60) if reported > due else None
        row = dict(static)
        row.update(
            kind="larger_at_risk" if at_risk else "accident", unit_name=f"演示单位{i % 97_000:05d}",
            occurred_at=occurred, known_at=known, reported_at=reported, place=f"演示路{i % 800}号",
            jurisdiction_id=place, district_id=district.pk, sector_id=sector.pk if sector else None,
            department_id=department.pk if department else None, category=category, type_code=code,
            type_name=name, type_standard=standard, deaths=deaths, serious_injuries=serious, minor_injuries=minor,
            direct_loss_yuan=loss, grade=grade, reported_grade=grade, report_due_at=due, late_minutes=late,
        )
        values = [row[f.attname] for f in fields]
        if sqlite:
            for c in datetime_cols:
                values[c] = ops.adapt_datetimefield_value(values[c])
            for c in bool_cols:
                values[c] = int(values[c])
            for c in decimal_cols:
                values[c] = str(values[c])
        return values

    t0 = time.perf_counter()
    batch = 5_000
    done = 0
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    if not sqlite:
        with connection.cursor() as cur:
            raw = cur.cursor
            with raw.copy(f"COPY {Accident._meta.db_table} ({columns}) FROM STDIN") as copy:
                for i in range(n):
                    copy.write_row(one(i))
    else:
        insert = f"INSERT INTO {Accident._meta.db_table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        while done < n:
            rows = [one(i) for i in range(done, min(n, done + batch))]
            with transaction.atomic(), connection.cursor() as cur:
                cur.executemany(insert, rows)
            done += len(rows)
    load_s = time.perf_counter() - t0
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("ANALYZE")
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            cur.execute("VACUUM ANALYZE")
    return {"vendor": connection.vendor, "accidents": Accident.objects.count(), "territory_s": round(territory_s, 1),
            "load_s": round(load_s, 1)}


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def stats(runs: int, explain: bool, only: list[str]) -> dict[str, Any]:
    """Time the statistics functions and the API for the two users."""
    import datetime as dt

    from django.db import connection
    from django.test import Client

    from anjian.accidents import stats as s
    from anjian.accidents.models import Accident
    from anjian.accidents.selectors import in_area
    from anjian.accounts.models import User
    from anjian.orgs.models import Jurisdiction

    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("ANALYZE")
        else:
            cur.execute("ANALYZE")
    city = Jurisdiction.objects.get(level=1)
    district = Jurisdiction.objects.filter(level=2).order_by("code").first()
    assert district is not None
    year, month = REPORT_MONTH
    y_period, m_period = s.Period.year(year), s.Period.month(year, month)
    results: dict[str, Any] = {"vendor": connection.vendor, "accidents": Accident.objects.count(), "rows": []}
    for username, jur in (("bench_city", city), ("bench_district", district)):
        user = User.objects.get(username=username)
        filt = {"jurisdiction": jur}
        cases: list[tuple[str, Any]] = [
            ("totals, month", lambda u=user, f=filt: s.accident_totals(user=u, period=m_period, filters=f)),
            ("totals, year", lambda u=user, f=filt: s.accident_totals(user=u, period=y_period, filters=f)),
            *[(f"by {by}, year", lambda u=user, f=filt, by=by: s.accident_stats(
                user=u, period=y_period, by=by, filters=f, harmonise_types=by == "type")) for by in s.DIMENSIONS],
            ("同比/环比 comparison, month", lambda u=user, f=filt: s.accident_comparison(user=u, period=m_period, filters=f)),
            ("indicators, year", lambda u=user, j=jur: s.accident_indicators(user=u, year=year, jurisdiction=j)),
            ("statistics_report, month", lambda u=user, f=filt: s.statistics_report(user=u, period=m_period, filters=f)),
            ("statistics_report, year", lambda u=user, f=filt: s.statistics_report(user=u, period=y_period, filters=f)),
        ]
        client = Client()
        client.force_login(user)
        url = f"/api/v1/accidents/stats/summary?year={year}&month={month}&jurisdiction={jur.code}"
        url_year = f"/api/v1/accidents/stats/summary?year={year}&jurisdiction={jur.code}"

        def api(c: Client = client, u: str = url) -> None:
            response = c.get(u)
            assert response.status_code == 200, response.content[:300]

        def api_year(c: Client = client, u: str = url_year) -> None:
            response = c.get(u)
            assert response.status_code == 200, response.content[:300]

        cases += [("API stats/summary, month", api), ("API stats/summary, year", api_year)]

        def old_filter(u: Any = user, j: Any = jur) -> None:
            # the area filter before bench_accidents: jurisdiction_id IN every node of the subtree
            qs = Accident.objects.restrict(u, "accidents.view").filter(
                jurisdiction_id__in=Jurisdiction.objects.filter(path__startswith=j.path).values("id"),
                occurred_at__gte=s._aware(y_period.start), occurred_at__lt=s._aware(y_period.end + dt.timedelta(days=1)),
                kind="accident")
            qs.aggregate(**s.AGGREGATES)

        def new_filter(u: Any = user, j: Any = jur) -> None:
            qs = Accident.objects.restrict(u, "accidents.view").filter(
                in_area(j), occurred_at__gte=s._aware(y_period.start),
                occurred_at__lt=s._aware(y_period.end + dt.timedelta(days=1)), kind="accident")
            qs.aggregate(**s.AGGREGATES)

        cases += [("area filter, old: jurisdiction subtree", old_filter), ("area filter, new: district_id", new_filter)]
        for label, fn in cases:
            if only and not any(part in label for part in only):
                continue
            fn()  # warm-up (caches, first compile)
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                fn()
                times.append((time.perf_counter() - t0) * 1000)
            results["rows"].append({"user": username, "what": label, "runs": runs, "p50": round(_pct(times, 50), 1),
                                    "p95": round(_pct(times, 95), 1)})
            print(f"  {username:15} {label:32} p50 {_pct(times, 50):8.1f} ms  p95 {_pct(times, 95):8.1f} ms",
                  file=sys.stderr)
        if explain:
            for by in ("district", "industry", "month"):
                qs = s._base(user, y_period, filt).annotate(key={
                    "district": s.F("district_id"), "industry": s.Coalesce(s.F("sector__parent__code"), s.F("sector__code")),
                    "month": s.TruncMonth("occurred_at")}[by]).values("key").annotate(**s.AGGREGATES).order_by("key")
                print(f"\n--- EXPLAIN {username} by {by} ({connection.vendor})\n{qs.explain()}", file=sys.stderr)
    return results


def rollup_phase(runs: int) -> dict[str, Any]:
    """Issue 22: refresh the accident rollup, then time the year's statistics (``statistics_report``
    and the API) **alternating** live (``ACCIDENT_STATISTICS_ROLLUP=False``: the path before issue
    22) and from the rollup, in this one process; and check that both give the same figures."""
    from django.db import connection
    from django.test import Client, override_settings

    from anjian.accidents import stats as s
    from anjian.accidents.models import AccidentRollup
    from anjian.accidents.rollup import accident_rollup_refresh
    from anjian.accounts.models import User
    from anjian.orgs.models import Jurisdiction

    t0 = time.perf_counter()
    # margin 0: the bench built its territory minutes ago; with the usual 15 minutes the requests
    # would rebuild the territory maps to compare them (as for 15 minutes after a real 区划 change)
    with override_settings(HAZARD_ROLLUP_MARGIN_MINUTES=0):
        info = accident_rollup_refresh()
    refresh_s = time.perf_counter() - t0
    year, _month = REPORT_MONTH
    y_period = s.Period.year(year)
    city = Jurisdiction.objects.get(level=1)
    district = Jurisdiction.objects.filter(level=2).order_by("code").first()
    out: dict[str, Any] = {"vendor": connection.vendor, "refresh_s": round(refresh_s, 1), "rollup_rows": info["rows"],
                           "year_rows": AccidentRollup.objects.filter(month__year=year).count(), "rows": [],
                           "equal": {}}
    for username, jur in (("bench_city", city), ("bench_district", district)):
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        filt = {"jurisdiction": jur}
        url = f"/api/v1/accidents/stats/summary?year={year}&jurisdiction={jur.code}"

        def report(u: Any = user, f: dict[str, Any] = filt) -> Any:
            return s.statistics_report(user=u, period=y_period, filters=f)

        def api(c: Client = client, u: str = url) -> Any:
            response = c.get(u)
            assert response.status_code == 200, response.content[:300]
            return response.json()

        for label, fn in (("statistics_report, year", report), ("API stats/summary, year", api)):
            times: dict[bool, list[float]] = {True: [], False: []}
            results: dict[bool, Any] = {}
            for flag in (False, True):  # warm-up
                with override_settings(ACCIDENT_STATISTICS_ROLLUP=flag):
                    results[flag] = fn()
            for _ in range(runs):
                for flag in (False, True):
                    with override_settings(ACCIDENT_STATISTICS_ROLLUP=flag):
                        t = time.perf_counter()
                        fn()
                        times[flag].append((time.perf_counter() - t) * 1000)
            live, rolled = dict(results[False]), dict(results[True])
            sources = (live.pop("freshness")["source"], rolled.pop("freshness")["source"])
            out["equal"][f"{username} {label}"] = [live == rolled, *sources]
            row = {"user": username, "what": label, "runs": runs,
                   "live_p50": round(_pct(times[False], 50), 1), "live_p95": round(_pct(times[False], 95), 1),
                   "rollup_p50": round(_pct(times[True], 50), 1), "rollup_p95": round(_pct(times[True], 95), 1)}
            out["rows"].append(row)
            print(f"  {username:15} {label:28} live p50 {row['live_p50']:8.1f} p95 {row['live_p95']:8.1f}   "
                  f"rollup p50 {row['rollup_p50']:7.1f} p95 {row['rollup_p95']:7.1f}   load {os.getloadavg()[0]:.1f}",
                  file=sys.stderr)
    return out


def monthly() -> dict[str, Any]:
    """Generate the city's monthly report for REPORT_MONTH in this fresh process."""
    import datetime as dt

    from django.db import connection

    from anjian.accidents.monthly import monthly_report_generate
    from anjian.accidents.stats import Period, accident_totals
    from anjian.accounts.models import User
    from anjian.orgs.models import Jurisdiction

    city = Jurisdiction.objects.get(level=1)
    year, month = REPORT_MONTH
    admin = User.objects.get(username="bench_city")
    in_month = accident_totals(user=admin, period=Period.month(year, month))["count"]
    rss_before = _rss_kb("VmRSS")
    t0 = time.perf_counter()
    report = monthly_report_generate(actor=admin, year=year, month=month, jurisdiction=city,
                                     today=dt.date(2026, 11, 2))
    seconds = time.perf_counter() - t0
    return {"vendor": connection.vendor, "month_accidents": in_month, "seconds": round(seconds, 2),
            "rss_before_mb": round(rss_before / 1024), "peak_rss_mb": round(_rss_kb("VmHWM") / 1024),
            "docx_kb": round(report.docx.size / 1024), "xlsx_kb": round(report.xlsx.size / 1024)}


# --- parent side ----------------------------------------------------------------------------------


def run_child(env: dict[str, str], phase: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", phase, "--accidents", str(args.accidents), "--runs", str(args.runs),
           "--seed", str(args.seed), "--cases", args.cases] + (["--explain"] if args.explain else [])
    out = subprocess.run(cmd, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--accidents", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", choices=["sqlite", "pg"])
    parser.add_argument("--phases", default="stats,monthly",
                        help="stats,monthly,rollup (load runs unless --reuse; rollup: issue 22, live vs rollup)")
    parser.add_argument("--keep", action="store_true", help="keep the loaded databases")
    parser.add_argument("--reuse", action="store_true", help="measure the kept databases without loading")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--cases", default="", help="only the cases whose label contains one of these (comma list)")
    parser.add_argument("--pg-db", default=PG_DB, help="the scratch PostgreSQL database (dropped and recreated)")
    parser.add_argument("--sqlite-dir", default=str(SQLITE_DIR), help="the scratch SQLite directory")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sqlite_dir = Path(args.sqlite_dir)
    pg_db = args.pg_db
    if not pg_db.replace("_", "").isalnum():
        parser.error("--pg-db: letters, digits and _ only")
    if args.child:
        _setup()
        result = {"load": lambda: load(args.accidents, args.seed), "stats": lambda: stats(args.runs, args.explain, [c for c in args.cases.split(",") if c]),
                  "monthly": monthly, "rollup": lambda: rollup_phase(args.runs)}[args.child]()
        print(json.dumps(result, default=str))
        return
    print(f"bench_accidents: accidents={args.accidents:,} runs={args.runs} seed={args.seed}")
    print(f"python {platform.python_version()} on {platform.platform()}, {os.cpu_count()} CPUs")
    print("load average before:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    base.update({"ANJIAN_TESTING": "0", "ANJIAN_DEMO": "1", "HUEY_IMMEDIATE": "0", "LOG_LEVEL": "WARNING"})
    targets = []
    if args.only != "pg":
        targets.append(("sqlite", {**base, "ANJIAN_DATA_DIR": str(sqlite_dir)}))
    if args.only != "sqlite":
        targets.append(("pg", {**base, "ANJIAN_DATA_DIR": str(sqlite_dir / "pg-data"), "DATABASE_URL": f"{PG_BASE}/{pg_db}"}))
    try:
        for name, env in targets:
            if not args.reuse:
                if name == "sqlite":
                    shutil.rmtree(sqlite_dir / "anjian.sqlite3", ignore_errors=True)
                    for f in sqlite_dir.glob("anjian.sqlite3*"):
                        f.unlink()
                else:
                    pg_admin(f'DROP DATABASE IF EXISTS "{pg_db}"')
                    pg_admin(f'CREATE DATABASE "{pg_db}"')
                sqlite_dir.mkdir(parents=True, exist_ok=True)
                loaded = run_child(env, "load", args)
                print(f"\n== {loaded['vendor']}: loaded {loaded['accidents']:,} accidents in {loaded['load_s']} s "
                      f"(territory and departments {loaded['territory_s']} s)")
            else:
                subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], env=env, cwd=ROOT,
                               check=True)
                print(f"\n== {name}: reusing the loaded database (migrated)")
            for phase in args.phases.split(","):
                if phase == "stats":
                    res = run_child(env, "stats", args)
                    print(f"  {'user':15} {'what':34} {'p50 ms':>9} {'p95 ms':>9}   ({res['accidents']:,} accidents)")
                    for row in res["rows"]:
                        print(f"  {row['user']:15} {row['what']:34} {row['p50']:9.1f} {row['p95']:9.1f}")
                elif phase == "rollup":
                    res = run_child(env, "rollup", args)
                    print(f"  rollup refresh {res['refresh_s']} s: {res['rollup_rows']:,} rows "
                          f"({res['year_rows']:,} for {REPORT_MONTH[0]}); live vs rollup, alternating, n = {args.runs}:")
                    print(f"  {'user':15} {'what':28} {'live p50':>9} {'live p95':>9} {'rollup p50':>11} {'rollup p95':>11}"
                          f" {'p95 ratio':>9}")
                    for row in res["rows"]:
                        print(f"  {row['user']:15} {row['what']:28} {row['live_p50']:9.1f} {row['live_p95']:9.1f} "
                              f"{row['rollup_p50']:11.1f} {row['rollup_p95']:11.1f} "
                              f"{row['rollup_p95'] / row['live_p95']:9.3f}")
                    print(f"  figures equal (live, rollup sources): {res['equal']}")
                elif phase == "monthly":
                    res = run_child(env, "monthly", args)
                    print(f"  monthly report {REPORT_MONTH[0]}-{REPORT_MONTH[1]:02d}, city: {res['month_accidents']:,} "
                          f"accidents in the month; {res['seconds']} s; RSS {res['rss_before_mb']} MB before, peak "
                          f"{res['peak_rss_mb']} MB; docx {res['docx_kb']} KB, xlsx {res['xlsx_kb']} KB")
    finally:
        if not args.keep:
            if args.only != "sqlite":
                pg_admin(f'DROP DATABASE IF EXISTS "{pg_db}"')
            shutil.rmtree(sqlite_dir, ignore_errors=True)
    print("load average after:", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
