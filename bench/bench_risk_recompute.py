"""Benchmark the whole-city enterprise risk recompute (``enterprises.risk.recompute_all``).

Builds a fresh SQLite database in a temporary directory (or uses a *scratch* PostgreSQL given in
``DATABASE_URL``; it refuses a database that already has enterprises), loads the sectors, creates
N enterprises with ``bulk_create`` (random GB/T 4754 divisions and flags, all blue with no
explanation, as if stale), about N/5 open hazards (a third 重大, a quarter overdue) and N/50
accidents with deaths, then times two runs of ``recompute_all``: the first writes most rows (bulk
update with history rows and events), the second finds nothing to change (the nightly case).
Prints enterprises/s for both and the number of SQL queries of the second run.

Run: ``.venv/bin/python bench/bench_risk_recompute.py [--enterprises 100000] [--seed 1]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--enterprises", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="anjian-bench-risk-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.config.settings")
    os.environ["ANJIAN_DATA_DIR"] = tmp
    os.environ["HUEY_IMMEDIATE"] = "1"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from anjian.accidents.models import Accident
    from anjian.enterprises.models import FLAGS, Enterprise
    from anjian.enterprises.risk import recompute_all
    from anjian.hazards.models import Hazard
    from anjian.orgs.models import JurisdictionLevel, Sector
    from anjian.orgs.services import jurisdiction_create, sectors_load_gb4754

    if Enterprise.objects.exists():
        sys.exit("refusing: the database already has enterprises (use a scratch database)")
    rng = random.Random(args.seed)
    sectors_load_gb4754()
    city = jurisdiction_create(actor=None, code="990100", name="基准市", level=JurisdictionLevel.CITY, parent=None)
    divisions = list(Sector.objects.filter(parent__isnull=False))
    flags = list(FLAGS)
    now = timezone.now()
    n = args.enterprises
    print(f"{connection.vendor}: building {n} enterprises …", flush=True)
    with transaction.atomic():
        Enterprise.objects.bulk_create(
            [Enterprise(name=f"企业{i}", sector=rng.choice(divisions), jurisdiction=city,
                        flags=sorted(set(rng.sample(flags, rng.choice((0, 0, 0, 1, 2))))), is_synthetic=True)
             for i in range(n)], batch_size=5000)
        ids = list(Enterprise.objects.values_list("id", flat=True))
        hazards = []
        for _ in range(n // 5):
            overdue = rng.random() < 0.25
            hazards.append(Hazard(
                source="patrol", enterprise_id=rng.choice(ids), jurisdiction=city, category="x", description="y",
                level="major" if rng.random() < 0.33 else "general", status="rectifying" if overdue else "confirmed",
                found_at=now, deadline=now - dt.timedelta(days=2) if overdue else now + dt.timedelta(days=30)))
        Hazard.objects.bulk_create(hazards, batch_size=5000)
        accidents = []
        for _ in range(n // 50):
            at = now - dt.timedelta(days=rng.randint(1, 1200))
            accidents.append(Accident(
                enterprise_id=rng.choice(ids), unit_name="u", occurred_at=at, known_at=at, reported_at=at, place="p",
                jurisdiction=city, district=city, category="industrial_commercial", type_code="09", type_name="高处坠落",
                type_standard="GB/T 6441-1986", description="d", deaths=rng.choice((0, 0, 1, 2)), reporter="r",
                report_due_at=at))
        Accident.objects.bulk_create(accidents, batch_size=5000)
    for run in ("first (writes)", "second (no change)"):
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            stats = recompute_all()
            elapsed = time.perf_counter() - t0
        print(f"{run}: {stats} in {elapsed:.1f} s = {n / elapsed:,.0f} enterprises/s, {len(queries)} queries",
              flush=True)


if __name__ == "__main__":
    main()
