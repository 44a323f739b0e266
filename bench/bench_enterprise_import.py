"""Benchmark the enterprise ledger import (企业台账导入) end to end, in-process.

Builds a synthetic city through the orgs services (4 districts, 16 streets, ROWS x COLS grid
squares), writes an N-row ledger workbook (default 100,000) into a temporary directory (valid
credit codes, GB/T 4754 sector divisions, points inside the city, 10 % GCJ-02, 5 % without
coordinates but with a jurisdiction code, random 是/否 flags), then runs the import job exactly as
the upload page does (``import_start`` → job → validate → ``enterprises_bulk_create``) and prints
rows/s for the whole job and the peak RSS of the process.

SQLite: a fresh database in the temporary directory (default). PostgreSQL: set ``DATABASE_URL``
to a *scratch* database (the script migrates it and refuses to run if it already has
enterprises).

Reference in the same run (issue 22): the openpyxl read-only read of the same workbook (every
cell's value, the floor of any import), alternating with the import, ``--rounds`` times (each round
imports its own workbook: the credit codes differ by round, so nothing clashes); medians, their
ratio, and the growth of the process's resident memory during each step (sampled every 50 ms from
``/proc/self/statm``, over the RSS before the step). Load average printed before and after.

Run: ``.venv/bin/python bench/bench_enterprise_import.py [--rows N] [--grid 60x50] [--seed N] [--rounds 3]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class RssPeak:
    """The peak growth of resident memory while the block runs (sampled every 50 ms)."""

    def __enter__(self) -> RssPeak:
        self.base = self.peak = current_rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, current_rss_mb())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, current_rss_mb())
        self.growth = self.peak - self.base


def read_only_read(path: str) -> int:
    """The reference: every value of the workbook through openpyxl's read-only mode."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            n += len(row)
    wb.close()
    return n


def setup_django(tmp: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.config.settings")
    os.environ["ANJIAN_DATA_DIR"] = tmp
    os.environ["HUEY_IMMEDIATE"] = "1"  # the job runs in this process when the upload commits
    os.environ.setdefault("ANJIAN_DEMO", "1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


MIN_LNG, MIN_LAT, MAX_LNG, MAX_LAT = 114.0, 22.4, 114.6, 22.8


def build_city(cols: int, rows: int) -> tuple[object, list[str]]:
    from shapely.geometry import box

    from anjian.accounts.models import Role
    from anjian.accounts.services import membership_grant, roles_ensure_system, user_create
    from anjian.orgs.models import DepartmentKind, JurisdictionLevel, Sector
    from anjian.orgs.services import department_create, jurisdiction_create, route_set, sectors_load_gb4754

    sectors_load_gb4754()
    roles_ensure_system()
    city = jurisdiction_create(actor=None, code="980100", name="基准市", level=JurisdictionLevel.CITY, parent=None,
                               geometry=box(MIN_LNG, MIN_LAT, MAX_LNG, MAX_LAT), is_synthetic=True)
    w, h = (MAX_LNG - MIN_LNG) / cols, (MAX_LAT - MIN_LAT) / rows
    grid_codes: list[str] = []
    for d in range(4):
        dx, dy = d % 2, d // 2
        dc0, dr0 = dx * cols // 2, dy * rows // 2
        dc1, dr1 = dc0 + cols // 2, dr0 + rows // 2
        district = jurisdiction_create(
            actor=None, code=f"9801{d + 1:02d}", name=f"第{d + 1}区", level=JurisdictionLevel.DISTRICT, parent=city,
            geometry=box(MIN_LNG + dc0 * w, MIN_LAT + dr0 * h, MIN_LNG + dc1 * w, MIN_LAT + dr1 * h), is_synthetic=True)
        for s in range(4):
            sx, sy = s % 2, s // 2
            sc0, sr0 = dc0 + sx * (cols // 4), dr0 + sy * (rows // 4)
            sc1 = dc0 + (sx + 1) * (cols // 4) if sx == 0 else dc1
            sr1 = dr0 + (sy + 1) * (rows // 4) if sy == 0 else dr1
            street = jurisdiction_create(
                actor=None, code=f"{district.code}{s + 1:03d}", name=f"{district.name}{s + 1}街道",
                level=JurisdictionLevel.STREET, parent=district,
                geometry=box(MIN_LNG + sc0 * w, MIN_LAT + sr0 * h, MIN_LNG + sc1 * w, MIN_LAT + sr1 * h), is_synthetic=True)
            n = 0
            for c in range(sc0, sc1):
                for r in range(sr0, sr1):
                    n += 1
                    g = jurisdiction_create(
                        actor=None, code=f"{street.code}{n:04d}", name=f"{street.name}{n}网格", level=JurisdictionLevel.GRID,
                        parent=street, geometry=box(MIN_LNG + c * w, MIN_LAT + r * h, MIN_LNG + (c + 1) * w, MIN_LAT + (r + 1) * h),
                        is_synthetic=True)
                    grid_codes.append(g.code)
    ema = department_create(actor=None, name="基准市应急管理局", kind=DepartmentKind.REGULATOR, jurisdiction=city,
                            sectors=Sector.objects.filter(code__in=["B", "C"]))
    housing = department_create(actor=None, name="基准市住房和建设局", kind=DepartmentKind.REGULATOR, jurisdiction=city,
                                sectors=Sector.objects.filter(code="E"))
    for code, dept in (("B", ema), ("C", ema), ("E", housing)):
        route_set(actor=None, sector=Sector.objects.get(code=code), department=dept)
    user = user_create(actor=None, username="bench", password="Bench-Import-2026!", display_name="基准", must_change_password=False)
    membership_grant(actor=None, user=user, role=Role.objects.get(code="city_admin"), jurisdiction=city)
    return user, grid_codes


def write_workbook(path: str, n: int, grid_codes: list[str], seed: int, round_no: int = 0) -> None:
    import xlsxwriter

    from anjian.core.geo import wgs84_to_gcj02
    from anjian.enterprises.imports import LABEL, TEMPLATE_COLUMNS
    from anjian.orgs.models import Sector
    from anjian.rules.uscc import uscc_check_char

    rng = random.Random(seed)
    sectors = list(Sector.objects.filter(parent__code__in=["B", "C", "E", "F", "H"]).values_list("code", flat=True))
    sizes = ["大型", "中型", "小型", "微型"]
    wb = xlsxwriter.Workbook(path, {"constant_memory": True})
    ws = wb.add_worksheet("企业台账")
    ws.write_row(0, 0, ["基准市企业安全生产台账（合成数据）"])
    ws.write_row(1, 0, [LABEL[k] for k in TEMPLATE_COLUMNS])
    for i in range(n):
        first = f"91440300M{'ABCDEFGHJK'[round_no]}{i:07d}"
        lng, lat = rng.uniform(MIN_LNG + 1e-6, MAX_LNG - 1e-6), rng.uniform(MIN_LAT + 1e-6, MAX_LAT - 1e-6)
        crs, jur = "WGS-84", ""
        kind = rng.random()
        if kind < 0.10:
            lng, lat = wgs84_to_gcj02(lng, lat)
            crs = "GCJ-02"
        elif kind < 0.15:
            lng = lat = ""
            crs, jur = "", rng.choice(grid_codes)
        row = [f"基准企业{i:06d}有限公司", first + uscc_check_char(first), rng.choice(sectors), rng.choice(sizes),
               rng.randint(1, 2000), f"基准市某路{i}号", lng, lat, crs, jur, "张三", "13800000000", "李四", "13900000000"]
        row += ["是" if rng.random() < 0.1 else "否" for _ in range(len(TEMPLATE_COLUMNS) - len(row))]
        ws.write_row(i + 2, 0, row)
    wb.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--grid", default="60x50", help="grid squares COLSxROWS (default 60x50 = 3,000)")
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of the reference read and the import")
    args = parser.parse_args()
    cols, rows = (int(x) for x in args.grid.lower().split("x"))
    with tempfile.TemporaryDirectory(prefix="aj-bench-import-") as tmp:
        setup_django(tmp)
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.db import connection

        from anjian.documents.imports import import_start
        from anjian.enterprises.models import Enterprise
        from anjian.jobs.models import Job

        if Enterprise.objects.exists():
            sys.exit("the database already holds enterprises: point DATABASE_URL at a scratch database")
        t0 = time.perf_counter()
        user, grid_codes = build_city(cols, rows)
        t_city = time.perf_counter() - t0
        t0 = time.perf_counter()
        paths = []
        for r in range(args.rounds):
            paths.append(os.path.join(tmp, f"台账{r}.xlsx"))
            write_workbook(paths[-1], args.rows, grid_codes, args.seed + r, round_no=r)
        t_write = time.perf_counter() - t0
        size_mb = os.path.getsize(paths[0]) / 1e6
        print(f"python {platform.python_version()} · {platform.machine()} · {os.cpu_count()} CPUs · database {connection.vendor}")
        print(f"city: {len(grid_codes)} grid squares built in {t_city:.1f} s; {args.rounds} workbooks of {args.rows:,} rows, "
              f"{size_mb:.1f} MB each, written in {t_write:.1f} s")
        print("load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
        reads: list[float] = []
        imports: list[float] = []
        for r, path in enumerate(paths):
            load = os.getloadavg()[0]
            with RssPeak() as mem_read:
                t0 = time.perf_counter()
                cells = read_only_read(path)
                reads.append(time.perf_counter() - t0)
            with RssPeak() as mem_import, open(path, "rb") as fh:
                t0 = time.perf_counter()
                job = import_start(kind="enterprises", actor=user, upload=SimpleUploadedFile(f"台账{r}.xlsx", fh.read()))
                imports.append(time.perf_counter() - t0)
            job = Job.objects.get(pk=job.pk)
            print(f"[round {r}] read-only read {reads[-1]:.1f} s ({cells:,} cells, RSS +{mem_read.growth:.0f} MB); "
                  f"import {imports[-1]:.1f} s = {args.rows / imports[-1]:,.0f} rows/s (RSS +{mem_import.growth:.0f} MB); "
                  f"job {job.status} {job.result} {job.error[:300] if job.error else ''}; load {load:.2f}", flush=True)
        med_read, med_import = statistics.median(reads), statistics.median(imports)
        print(f"median: read {med_read:.1f} s, import {med_import:.1f} s = {med_import / med_read:.2f}x the read")
        print(f"enterprises {Enterprise.objects.count():,}, history rows {Enterprise.history.count():,}")
        print(f"peak RSS of the process: {rss_mb():.0f} MB")
        print("load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
