"""Benchmark (and check) the graded plan generator and the 双随机 draw on the demo city.

In a fresh SQLite file (a scratch database; ``DATABASE_URL`` for PostgreSQL, dropped and
recreated): migrate, build ``anjian demo --scale <scale>`` (default ``megacity``: 10 districts,
1,000,000 enterprises), then for the 市应急管理局 and the whole city and each district:

* time ``plan_generate`` (the classification rule set over every enterprise of its sectors) and
  check that the quotas add up: the plan's total = the sum over its targets = the sum of the
  per-class totals of ``plan_progress``; the reference in the same run is the floor of that work —
  reading the same enterprises with the columns the rules look at (``read_s``) — and the ratio
  ``plan_s / read_s`` says what classifying and storing the targets cost on top;
* time ``draw_run`` at 5 % with a fixed seed and check ``draw_verify`` (re-run from the stored
  seed, population and inspector pool gives the same targets and inspector pairs), then run the
  same draw again with the same seed and check the result is identical; its reference is the
  sampling alone (``rules.enforcement.draw`` over the population in memory, ``sample_s``).

``--bulk N`` builds the demo at ``--scale`` and then adds enterprises with ``bench/_bulkload.py``
(PostgreSQL ``COPY``, SQLite ``executemany``; no history rows) until the city has N, each a copy
of a demo enterprise's place, sector, risk colour, flags and state (so the sector mix is the
demo's), with standardisation grades for one in ten and a 严重失信 listing for one in two
hundred — the megacity's population without the hour its demo build takes.

Run: ``.venv/bin/python bench/bench_enforcement_plan.py [--scale megacity] [--bulk 1000000] [--seed 2026]``.
Prints one JSON line per area; exit code 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _bulk_enterprises(total: int, seed: int) -> dict[str, float]:
    """Copies of the demo's enterprises until there are ``total``; grades and credit listings for some."""
    import datetime as dt
    import random

    from django.db import connection
    from django.utils import timezone

    sys.path.insert(0, str(ROOT / "bench"))
    from _bulkload import bulk_load

    from anjian.enforcement.models import CreditListing, StandardizationCert
    from anjian.enterprises.models import Enterprise
    from anjian.rules import enforcement as enf_rules
    from anjian.rules import standardization as std_rules

    have = Enterprise.objects.count()
    source = list(Enterprise.objects.order_by("id").values_list(
        "jurisdiction_id", "sector_id", "risk_colour", "flags", "status", "kind", "size", "employees", "lng", "lat"))
    rng = random.Random(seed)
    now = timezone.now()
    t0 = time.perf_counter()
    added = bulk_load(Enterprise, ["name", "jurisdiction_id", "sector_id", "risk_colour", "flags", "status", "kind",
                                   "size", "employees", "lng", "lat", "created_at", "updated_at", "is_synthetic"],
                      ((f"基准企业{i:07d}", *rng.choice(source), now, now, True) for i in range(max(0, total - have))))
    load_s = time.perf_counter() - t0
    ids = list(Enterprise.objects.filter(is_synthetic=True, name__startswith="基准企业").values_list("id", flat=True))
    today = timezone.localdate()
    issued = today - dt.timedelta(days=400)
    t0 = time.perf_counter()
    certs = bulk_load(StandardizationCert, ["enterprise_id", "grade", "number", "issuer", "issued_on", "valid_until",
                                           "created_at"],
                      ((pk, str(n % 3 + 1), f"BENCH-{pk}", "基准定级部门", issued, std_rules.valid_until(issued), now)
                       for n, pk in enumerate(ids[::10])))
    listed = today - dt.timedelta(days=100)
    credit = bulk_load(CreditListing, ["enterprise_id", "kind", "decision_number", "authority", "reason", "listed_on",
                                      "ends_on", "created_at"],
                       ((pk, "bad", f"BENCH-{pk}", "基准执法部门", "基准", listed, enf_rules.credit_listing_ends(listed), now)
                        for pk in ids[5::200]))
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return {"enterprises_added": added, "enterprises": Enterprise.objects.count(), "load_s": round(load_s, 1),
            "certs": certs, "credit_listings": credit, "extras_s": round(time.perf_counter() - t0, 1)}


def measure(scale: str, seed: int, bulk: int = 0) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    print(json.dumps({"load_average_before": [round(x, 2) for x in os.getloadavg()]}), flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    t0 = time.perf_counter()
    call_command("demo", "--scale", scale, "--seed", str(seed), stdout=sys.stderr)
    print(json.dumps({"phase": "demo", "scale": scale, "seconds": round(time.perf_counter() - t0, 1)}), flush=True)
    if bulk:
        print(json.dumps({"phase": "bulk", **_bulk_enterprises(bulk, seed)}), flush=True)

    from anjian.enforcement import services
    from anjian.enforcement.models import DrawPick, InspectionPlan
    from anjian.enforcement.selectors import plan_progress
    from anjian.orgs.models import Department, Jurisdiction
    from anjian.rules import enforcement as rules

    ema = Department.objects.filter(inspectors__isnull=False).distinct().get()  # the demo's 应急管理局
    city = Jurisdiction.objects.get(level=1, is_synthetic=True)
    matter = services.matter_add(actor=None, department=ema, name="基准抽查事项", basis="《安全生产法》第六十二条")
    failed = 0
    year = 2100
    for area in [city, *Jurisdiction.objects.filter(parent=city).order_by("code")]:
        InspectionPlan.objects.filter(department=ema, jurisdiction=area, year=year).delete()
        t = time.perf_counter()
        floor = list(services.enterprises_of(ema, area).values_list(
            "id", "sector__code", "sector__parent__code", "risk_colour", "flags"))
        read_s = time.perf_counter() - t
        t = time.perf_counter()
        plan = services.plan_generate(actor=None, department=ema, jurisdiction=area, year=year)
        plan_s = time.perf_counter() - t
        progress = plan_progress(plan)
        target_sum = sum(plan.targets.values_list("quota", flat=True))
        class_sum = sum(row["quota"] for _k, row in progress["by_class"])
        ok_plan = progress["quota"] == target_sum == class_sum
        t = time.perf_counter()
        draw = services.draw_run(actor=None, department=ema, jurisdiction=area, matter=matter, ratio_percent=5,
                                 seed=f"bench-{seed}-{area.code}")
        draw_s = time.perf_counter() - t
        t = time.perf_counter()
        reproduced = services.draw_verify(draw)
        verify_s = time.perf_counter() - t
        t = time.perf_counter()
        rules.draw(draw.seed, draw.population, draw.picks.count())
        sample_s = time.perf_counter() - t
        again = services.draw_run(actor=None, department=ema, jurisdiction=area, matter=matter, ratio_percent=5,
                                  seed=draw.seed)

        def result(d):
            return [(p.enterprise_id, sorted(i.pk for i in p.inspectors.all()))
                    for p in DrawPick.objects.filter(draw=d).order_by("order").prefetch_related("inspectors")]

        same = result(draw) == result(again)
        failed += not (ok_plan and reproduced and same)
        print(json.dumps({
            "area": area.name, "targets": progress["targets"], "quota": progress["quota"],
            "by_class": {k: row["quota"] for k, row in progress["by_class"]}, "quotas_add_up": ok_plan,
            "plan_s": round(plan_s, 2), "read_s": round(read_s, 2), "read_rows": len(floor), "plan_vs_read": round(plan_s / max(read_s, 1e-6), 1),
            "population": len(draw.population), "picked": draw.picks.count(),
            "draw_s": round(draw_s, 2), "sample_s": round(sample_s, 3), "verify_s": round(verify_s, 2), "reproduced": reproduced,
            "same_seed_same_result": same}, ensure_ascii=False), flush=True)
    print(json.dumps({"load_average": [round(x, 2) for x in os.getloadavg()]}), flush=True)
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="megacity", choices=["small", "city", "megacity"])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--bulk", type=int, default=0, help="add copies of the demo's enterprises up to this many")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return measure(args.scale, args.seed, args.bulk)
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        if "DATABASE_URL" not in env:
            env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        env.update({"ANJIAN_DATA_DIR": tmp, "ANJIAN_TESTING": "0", "ANJIAN_DEMO": "1", "HUEY_IMMEDIATE": "0",
                    "LOG_LEVEL": "WARNING"})
        return subprocess.call([sys.executable, __file__, "--scale", args.scale, "--seed", str(args.seed),
                                "--bulk", str(args.bulk), "--child"],
                               env=env)


if __name__ == "__main__":
    raise SystemExit(main())
