"""Benchmark the import mechanism (documents/imports.py) on a 100,000-row enterprise ledger whose
headers differ from the accepted names, against openpyxl's own read-only read of the same file.

Builds the synthetic city of ``bench_enterprise_import.py``, writes the ledger with ledger-style
headers (从业人员数, 详细地址, 是否涉及危险化学品 …) and two columns no field takes (序号,
成立日期), then measures in one process:

1. openpyxl ``load_workbook(read_only=True)`` iterating every row (``values_only``): the floor;
2. ``import_upload``: the header row found, the column mapping proposed (synonyms, closeness);
3. ``import_check``: the dry run — every row read, validated with all its errors, checked for
   duplicate credit codes inside the file and against the register, staged (ImportRow);
4. ``import_store``: the staged rows committed in chunks of ``batch_size`` (history rows and one
   timeline event per enterprise, as the services write them).

Prints rows/s per phase and the peak RSS after each (the process's high-water mark, so a later
phase shows only what it adds above an earlier one).

Run: ``.venv/bin/python bench/bench_import_mapping.py [--rows N] [--grid 60x50]``; PostgreSQL
with ``DATABASE_URL`` pointing at a scratch database.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_enterprise_import import build_city, rss_mb, setup_django, write_workbook

RENAMED = {"从业人数": "从业人员数", "地址": "详细地址", "涉及危险化学品": "是否涉及危险化学品",
           "单位名称": "企业名称（全称）", "负责人电话": "负责人联系电话", "安全管理人员": "安全管理员"}


def load() -> str:
    """The 1, 5 and 15-minute load averages (the machine is shared: figures are read as ratios)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


class Quiet:
    def __init__(self) -> None:
        self.total = 0

    def set_total(self, total: int, message: str = "") -> None:
        self.total = total

    def advance(self, done: int, message: str = "") -> None:
        pass


def messy_copy(src: str, dst: str) -> None:
    """The same rows with ledger-style headers and two columns no field takes (streamed)."""
    import xlsxwriter
    from openpyxl import load_workbook

    wb = load_workbook(src, read_only=True)
    out = xlsxwriter.Workbook(dst, {"constant_memory": True})
    ws = out.add_worksheet("企业台账")
    for n, row in enumerate(wb.active.iter_rows(values_only=True)):
        values = list(row)
        if n == 1:
            values = ["序号", *[RENAMED.get(str(v), v) for v in values], "成立日期"]
        elif n > 1:
            values = [n - 1, *values, "2014.02.09"]
        ws.write_row(n, 0, ["" if v is None else v for v in values])
    out.close()
    wb.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--grid", default="60x50")
    parser.add_argument("--seed", type=int, default=20261206)
    args = parser.parse_args()
    cols, rows = (int(x) for x in args.grid.lower().split("x"))
    with tempfile.TemporaryDirectory(prefix="aj-bench-mapping-") as tmp:
        setup_django(tmp)
        from django.core.files import File
        from django.db import connection
        from openpyxl import load_workbook

        from anjian.documents.imports import import_check, import_set_mapping, import_store, import_upload
        from anjian.enterprises.models import Enterprise

        if Enterprise.objects.exists():
            sys.exit("the database already holds enterprises: point DATABASE_URL at a scratch database")
        user, grid_codes = build_city(cols, rows)
        plain = os.path.join(tmp, "plain.xlsx")
        path = os.path.join(tmp, "台账.xlsx")
        write_workbook(plain, args.rows, grid_codes, args.seed)
        messy_copy(plain, path)
        size_mb = os.path.getsize(path) / 1e6
        print(f"python {platform.python_version()} · {platform.machine()} · database {connection.vendor}")
        print(f"workbook: {args.rows:,} rows, {size_mb:.1f} MB; RSS before: {rss_mb():.0f} MB")

        def openpyxl_read(label: str) -> float:
            t0 = time.perf_counter()
            wb = load_workbook(path, read_only=True, data_only=True)
            n = sum(1 for _ in wb.active.iter_rows(values_only=True))
            wb.close()
            took = time.perf_counter() - t0
            print(f"openpyxl read-only read ({label}): {n:,} rows in {took:.1f} s → {args.rows / took:,.0f} rows/s; "
                  f"peak RSS {rss_mb():.0f} MB; load average {load()}")
            return took

        print(f"load average at start: {load()}")
        reads = [openpyxl_read("before the import")]

        t0 = time.perf_counter()
        with open(path, "rb") as fh:
            batch = import_upload(kind="enterprises", actor=user, upload=File(fh, name="台账.xlsx"))
        t_map = time.perf_counter() - t0
        mapped = len(batch.mapping)
        unmapped = [c["label"] for c in batch.columns if str(c["index"]) not in batch.mapping]
        import_set_mapping(actor=user, batch=batch, mapping=batch.mapping)
        print(f"upload + mapping proposed: {t_map:.1f} s; {mapped} columns mapped, unmapped {unmapped}")

        t0 = time.perf_counter()
        summary = import_check(batch, Quiet())
        t_check = time.perf_counter() - t0
        reads.append(openpyxl_read("between the dry run and the store"))
        t_read = statistics.median(reads)
        print(f"dry run (read, validate, duplicates, stage): {t_check:.1f} s → {args.rows / t_check:,.0f} rows/s; "
              f"{summary['failed_rows']} rows with errors; peak RSS {rss_mb():.0f} MB "
              f"({t_check / t_read:.1f}× the openpyxl read)")

        t0 = time.perf_counter()
        result = import_store(batch, Quiet(), partial=True)
        t_store = time.perf_counter() - t0
        print(f"store in chunks: {t_store:.1f} s → {result['stored'] / max(t_store, 1e-9):,.0f} rows/s; "
              f"stored {result['stored']:,}; peak RSS {rss_mb():.0f} MB")
        reads.append(openpyxl_read("after the import"))
        t_read = statistics.median(reads)
        total = t_map + t_check + t_store
        print(f"openpyxl read: median of {len(reads)} = {t_read:.1f} s → {args.rows / t_read:,.0f} rows/s "
              f"(reads {', '.join(f'{r:.1f}' for r in reads)} s)")
        print(f"whole import: {total:.1f} s → {args.rows / total:,.0f} rows/s "
              f"({total / t_read:.1f}× the median openpyxl read; dry run {t_check / t_read:.1f}×, "
              f"store {t_store / t_read:.1f}×); enterprises {Enterprise.objects.count():,}; load average {load()}")


if __name__ == "__main__":
    main()
