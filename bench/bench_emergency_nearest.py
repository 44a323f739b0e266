"""Nearest resources of an incident (``emergency.selectors.nearest_resources``) on megacity-scale
resource data.

Builds a scratch database (SQLite in a temporary directory, or the scratch PostgreSQL database
named by ``DATABASE_URL``, dropped and recreated): a city of 110 × 45 km (Shenzhen's extent) cut
into 10 districts, a city-office login and a district-office login, and — loaded with ``COPY`` /
``executemany`` (``_bulkload``), no history rows — ``--teams`` teams (a tenth unavailable),
``--warehouses`` warehouses with five materials each, ``--experts`` experts and ``--shelters``
shelters at random points. Then ``--incidents`` incidents at random points, and for each one the
real selector as the city office and as a district office, with and without a needed material
(warehouses filtered to those holding it). Prints p50 / p95 / max in milliseconds, and the counts.

Run: ``.venv/bin/python bench/bench_emergency_nearest.py`` (SQLite) or
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/anjian_bench_nearest .venv/bin/python
bench/bench_emergency_nearest.py``. Prints only.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

WEST, EAST, SOUTH, NORTH = 113.75, 114.62, 22.45, 22.86
MATERIALS = ("吸附棉", "防毒面具", "消防水带", "沙袋", "救生衣", "应急照明灯", "担架", "帐篷", "发电机", "堵漏工具")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--teams", type=int, default=20_000)
    parser.add_argument("--warehouses", type=int, default=20_000)
    parser.add_argument("--experts", type=int, default=20_000)
    parser.add_argument("--shelters", type=int, default=10_000)
    parser.add_argument("--incidents", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20261207)
    args = parser.parse_args()
    pg = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="anjian-bench-nearest-") as tmp:
        os.environ.update({"ANJIAN_DATA_DIR": tmp, "ANJIAN_TESTING": "0", "ANJIAN_DEMO": "1", "HUEY_IMMEDIATE": "0",
                           "LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "anjian.config.settings"})
        if pg.startswith("postgres"):
            from _bulkload import recreate_postgres

            recreate_postgres(pg)
        try:
            run(args)
        finally:
            if pg.startswith("postgres"):
                from _bulkload import recreate_postgres

                recreate_postgres(pg, drop_only=True)


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from _bulkload import bulk_load
    from django.core.management import call_command
    from django.db import connection
    from shapely.geometry import box

    from anjian.accounts.models import Role
    from anjian.accounts.services import membership_grant, roles_ensure_system, user_create
    from anjian.emergency.models import Expert, Incident, Shelter, Stock, Team, Warehouse
    from anjian.emergency.selectors import nearest_resources
    from anjian.orgs.models import JurisdictionLevel
    from anjian.orgs.services import jurisdiction_create

    print(f"bench_emergency_nearest on {connection.vendor}; python {platform.python_version()}, {os.cpu_count()} CPUs; "
          "load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    call_command("migrate", verbosity=0, interactive=False)
    roles_ensure_system()
    city = jurisdiction_create(actor=None, code="990100", name="巨城", level=JurisdictionLevel.CITY, parent=None,
                               geometry=box(WEST, SOUTH, EAST, NORTH), is_synthetic=True)
    step = (EAST - WEST) / 10
    districts = [jurisdiction_create(actor=None, code=f"9901{i + 1:02d}", name=f"第{i + 1}区",
                                     level=JurisdictionLevel.DISTRICT, parent=city,
                                     geometry=box(WEST + i * step, SOUTH, WEST + (i + 1) * step, NORTH), is_synthetic=True)
                 for i in range(10)]
    roles = {r.code: r for r in Role.objects.all()}
    users = {}
    for name, role, jur in (("city", "city_office", city), ("district", "district_office", districts[4])):
        users[name] = user_create(actor=None, username=f"bench_{name}", password="Bench-Nearest-2026!",
                                  display_name=name, must_change_password=False)
        membership_grant(actor=None, user=users[name], role=roles[role], jurisdiction=jur)
    rnd = random.Random(args.seed)

    def point() -> tuple[float, float, int]:
        lng, lat = rnd.uniform(WEST, EAST), rnd.uniform(SOUTH, NORTH)
        return lng, lat, districts[min(9, int((lng - WEST) / step))].pk

    t0 = time.perf_counter()
    bulk_load(Team, ["name", "kind", "jurisdiction_id", "lng", "lat", "readiness"],
              ((f"救援队{i}", "professional", j, lng, lat, "unavailable" if i % 10 == 0 else "ready")
               for i, (lng, lat, j) in ((i, point()) for i in range(args.teams))))
    bulk_load(Warehouse, ["name", "jurisdiction_id", "lng", "lat"],
              ((f"物资库{i}", j, lng, lat) for i, (lng, lat, j) in ((i, point()) for i in range(args.warehouses))))
    wh_ids = list(Warehouse.objects.values_list("pk", flat=True))
    bulk_load(Stock, ["warehouse_id", "material", "unit", "balance"],
              ((w, m, "件", rnd.randint(0, 50)) for w in wh_ids for m in rnd.sample(MATERIALS, 5)))
    bulk_load(Expert, ["name", "specialties", "jurisdiction_id", "lng", "lat"],
              ((f"专家{i}", "危险化学品", j, lng, lat) for i, (lng, lat, j) in ((i, point()) for i in range(args.experts))))
    bulk_load(Shelter, ["name", "capacity", "jurisdiction_id", "lng", "lat"],
              ((f"避难场所{i}", 1000, j, lng, lat) for i, (lng, lat, j) in ((i, point()) for i in range(args.shelters))))
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    print(f"loaded {args.teams:,} teams, {args.warehouses:,} warehouses ({len(wh_ids) * 5:,} stock rows), "
          f"{args.experts:,} experts, {args.shelters:,} shelters in {time.perf_counter() - t0:.1f} s")

    for who, user in users.items():
        for needs in ("", "吸附棉"):
            times = []
            for _ in range(args.incidents):
                lng, lat, j = point()
                if who == "district":
                    lng = rnd.uniform(WEST + 4 * step, WEST + 5 * step)
                    j = districts[4].pk
                inc = Incident(title="bench", lng=lng, lat=lat, jurisdiction_id=j, needs=needs, source="direct")
                t = time.perf_counter()
                near = nearest_resources(user=user, incident=inc)
                times.append((time.perf_counter() - t) * 1000)
                assert len(near["teams"]) == 5 and len(near["shelters"]) == 5
            times.sort()
            print(f"{who} office, needs={needs or '—'}: p50 {statistics.median(times):.1f} ms, "
                  f"p95 {times[int(len(times) * 0.95) - 1]:.1f} ms, max {times[-1]:.1f} ms over {len(times)} incidents")


if __name__ == "__main__":
    main()
