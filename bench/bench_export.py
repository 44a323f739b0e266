"""Benchmark the hazard list export as a job against a plain ``COPY`` of the same join (PostgreSQL).

Builds, in the scratch PostgreSQL database named by ``DATABASE_URL`` (dropped and recreated): the
demo city (``anjian demo --scale small`` by default) and N hazards (default 100,000) loaded with
``COPY`` by ``bench_hazards.build`` (the same distribution as the hazard list benchmark).

Then, alternating, ``--repeat`` times each (medians reported):

* **reference** — ``COPY (SELECT hazard.*, enterprise name and credit code, jurisdiction, sector
  and department names FROM … LEFT JOIN …) TO STDOUT WITH (FORMAT csv)`` into a file: the
  database's own speed for the rows and joins the export holds;
* **export job, CSV** — ``export_start`` as the city administrator (every hazard) and the job run
  to the end in this process (huey immediate): count, ``COPY`` of the export's query (labels, local
  times, 是/否, the formula guard in SQL) into a temporary file, the file saved to the media
  storage, the job row updated;

and once each, for the record: the CSV job through the iterated writer (the SQLite path, forced on
PostgreSQL) and the xlsx job (xlsxwriter, constant memory). The process's resident memory (RSS)
is sampled every 50 ms during each run; the peak growth over the RSS before the run is printed
beside the file's size (flat: it does not follow the file).

Run: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/anjian_bench_export .venv/bin/python
bench/bench_export.py [--hazards 100000] [--repeat 3] [--scale small] [--keep]``. Prints only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

REFERENCE_SQL = """
COPY (
  SELECT h.id, h.source, e.name, h.place_name, e.credit_code, j.name, s.name, d.name, h.category, h.description,
         h.level, h.standard_item, h.finder_name, h.found_at, h.responsible_person, h.deadline, h.measures,
         h.status, h.written_off_at, h.address, h.lng, h.lat
  FROM hazards_hazard h
  LEFT JOIN enterprises_enterprise e ON e.id = h.enterprise_id
  JOIN orgs_jurisdiction j ON j.id = h.jurisdiction_id
  LEFT JOIN orgs_sector s ON s.id = h.sector_id
  LEFT JOIN orgs_department d ON d.id = h.department_id
  ORDER BY h.id DESC
) TO STDOUT WITH (FORMAT csv)
"""


def _rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class RssPeak:
    """The peak RSS growth while the block runs (sampled every 50 ms)."""

    def __enter__(self) -> RssPeak:
        self.base = self.peak = _rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, _rss())

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss())

    @property
    def growth_mb(self) -> float:
        return round((self.peak - self.base) / 1e6, 1)


def measure(args: argparse.Namespace) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.config.settings")
    import django

    django.setup()
    from bench_hazards import build
    from django.core.management import call_command
    from django.db import connection

    import anjian.documents.export_jobs as ej
    from anjian.accounts.models import User
    from anjian.jobs.models import Job

    out: dict[str, Any] = {}
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("demo", "--scale", args.scale, "--seed", str(args.seed), stdout=sys.stderr)
    out["demo_s"] = round(time.perf_counter() - t0, 1)
    out["build"] = build(args.hazards, args.seed, demo=False)
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM hazards_hazard")
        out["hazards"] = cur.fetchone()[0]
    admin = User.objects.get(username="admin")

    def reference() -> dict[str, Any]:
        with tempfile.NamedTemporaryFile(suffix=".csv") as fh, RssPeak() as rss:
            t = time.perf_counter()
            with connection.cursor() as cur, cur.cursor.copy(REFERENCE_SQL) as copy:
                for chunk in copy:
                    fh.write(bytes(chunk))
            fh.flush()
            return {"s": time.perf_counter() - t, "bytes": os.path.getsize(fh.name), "rss_mb": rss.growth_mb}

    def job(fmt: str) -> dict[str, Any]:
        with RssPeak() as rss:
            t = time.perf_counter()
            started = ej.export_start(actor=admin, kind="hazards", fmt=fmt, query={})
            elapsed = time.perf_counter() - t
        done = Job.objects.get(pk=started.pk)
        assert done.status == "succeeded", done.error
        done.result_file.delete(save=False)
        return {"s": elapsed, "bytes": done.result["bytes"], "rows": done.result["rows"], "rss_mb": rss.growth_mb}

    runs: dict[str, list[dict[str, Any]]] = {"reference COPY of the join": [], "export job, CSV (COPY)": []}
    for _ in range(args.repeat):
        runs["reference COPY of the join"].append(reference())
        runs["export job, CSV (COPY)"].append(job("csv"))
    spec = ej.EXPORTS["hazards"]
    ej.EXPORTS["hazards"] = ej.ExportSpec(**{**spec.__dict__, "copy_values": None})  # the SQLite path
    runs["export job, CSV (iterated writer)"] = [job("csv")]
    ej.EXPORTS["hazards"] = spec
    runs["export job, xlsx"] = [job("xlsx")]
    out["runs"] = {
        label: {"n": len(xs), "median_s": round(statistics.median(x["s"] for x in xs), 2),
                "all_s": [round(x["s"], 2) for x in xs], "bytes": xs[-1]["bytes"],
                "rss_mb": max(x["rss_mb"] for x in xs), "rows": xs[-1].get("rows")}
        for label, xs in runs.items()
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hazards", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", default="small", choices=["small", "city"])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args), default=str))
        return
    from _bulkload import recreate_postgres

    pg = os.environ.get("DATABASE_URL", "")
    if not pg.startswith("postgres"):
        sys.exit("set DATABASE_URL=postgres://…/anjian_bench_export (a scratch database: it is dropped)")
    print(f"bench_export: hazards={args.hazards:,} repeat={args.repeat} scale={args.scale} seed={args.seed}")
    print(f"python {platform.python_version()} on {platform.platform()}, {os.cpu_count()} CPUs")
    print("load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    recreate_postgres(pg)
    env = {**os.environ, "ANJIAN_TESTING": "1", "ANJIAN_DEMO": "1", "LOG_LEVEL": "WARNING"}
    cmd = [sys.executable, __file__, "--child", "--hazards", str(args.hazards), "--repeat", str(args.repeat),
           "--scale", args.scale, "--seed", str(args.seed)]
    try:
        with tempfile.TemporaryDirectory(prefix="anjian-bench-export-") as tmp:
            res = subprocess.run(cmd, env={**env, "ANJIAN_DATA_DIR": tmp}, cwd=ROOT, check=True,
                                 stdout=subprocess.PIPE, text=True).stdout
    finally:
        if not args.keep:
            recreate_postgres(pg, drop_only=True)
    r = json.loads(res.strip().splitlines()[-1])
    b = r["build"]
    print(f"build: demo ({args.scale}) {r['demo_s']} s; COPY {b['rows']:,} hazards {b['copy_s']} s")
    ref = r["runs"]["reference COPY of the join"]["median_s"]
    print(f"\n{'run':36s} {'n':>2s} {'median s':>9s} {'× COPY':>7s} {'file MB':>8s} {'RSS +MB':>8s}  all s")
    for label, x in r["runs"].items():
        print(f"{label:36s} {x['n']:2d} {x['median_s']:9.2f} {x['median_s'] / ref:7.2f} {x['bytes'] / 1e6:8.1f} "
              f"{x['rss_mb']:8.1f}  {x['all_s']}")
    print("load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
