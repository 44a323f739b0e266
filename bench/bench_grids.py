"""Benchmark the whole-city grid reassignment: N enterprises (default 1,000,000) into 20,000 grids.

Territory: a 100 x 200 lattice over a Shenzhen-sized box whose shared vertices are jittered, so
the 20,000 grids are irregular quadrilaterals that tile the city without gaps or overlaps; blocks
of the same lattice form 10 districts, 80 streets and 400 communities (their boundaries follow
the jittered grid edges), all under one city: 20,491 jurisdictions, each with a GeoJSON boundary,
as the real locator sees them. Enterprises: uniformly random points over a box 1 % larger than
the city (about 2 % fall outside every boundary), bulk-loaded (COPY on PostgreSQL) with the city
as their jurisdiction.

Timed, end to end, with the REAL job handler ``anjian.grids.services.reassign_enterprises_job``
(run synchronously with a real ``Job`` row and ``Progress``; history rows and change reasons as
in production):

* ``first``  — every enterprise still on the city: nearly all move (worst case);
* ``again``  — the same run once more: nothing moves (the read + locate cost);
* ``redraw`` — grid boundaries redrawn (interior vertices moved by up to 10 % of a cell): the
  enterprises near a moved edge change grid.

Separately, ``locate_jurisdiction_ids`` over all points with a warm index (the in-memory share).

Comparison on PostgreSQL (``--postgis``, needs ``scripts/install-postgis.sh``): the same join in
PostGIS — the extension is created in the scratch database only; grid polygons from the GeoJSON
and points from lng/lat into geometry columns, a GiST index on the polygons, then
``ST_Contains`` join of every point to its grid, and the ``UPDATE … FROM`` of the enterprise
table from that join. The script checks the join agrees with the job's result.

Each database runs in its own subprocess. PostgreSQL: ``DATABASE_URL`` must name a scratch
database (dropped, recreated, dropped again at the end). SQLite: a temporary file.

Run: ``.venv/bin/python bench/bench_grids.py [--points 1000000] [--sqlite-points N | 0]
[--postgis] [--skip-redraw]``, with ``DATABASE_URL=postgres://…/anjian_bench_grids`` for
PostgreSQL. Prints only.
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
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

ROWS, COLS = 100, 200
MIN_LNG, MAX_LNG = 113.75, 114.65
MIN_LAT, MAX_LAT = 22.40, 22.85
# Block sizes in cells: district 50x40, street 25x10 (8 per district), community 5x10 (5 per street).
DISTRICT = (50, 40)
STREET = (25, 10)
COMMUNITY = (5, 10)


def lattice(seed: int, jitter: float) -> tuple[Any, Any]:
    import numpy as np

    rng = np.random.default_rng(seed)
    xs = np.linspace(MIN_LNG, MAX_LNG, COLS + 1)
    ys = np.linspace(MIN_LAT, MAX_LAT, ROWS + 1)
    dx, dy = xs[1] - xs[0], ys[1] - ys[0]
    vx, vy = np.meshgrid(xs, ys)
    jx = rng.uniform(-jitter, jitter, vx.shape) * dx
    jy = rng.uniform(-jitter, jitter, vy.shape) * dy
    jx[:, [0, -1]] = 0.0
    jy[[0, -1], :] = 0.0
    return vx + jx, vy + jy


def block_ring(vx: Any, vy: Any, r0: int, c0: int, r1: int, c1: int) -> list[tuple[float, float]]:
    """The outline of lattice cells [r0, r1) x [c0, c1), walking the shared (jittered) vertices."""
    pts = [(r0, c) for c in range(c0, c1 + 1)]
    pts += [(r, c1) for r in range(r0 + 1, r1 + 1)]
    pts += [(r1, c) for c in range(c1 - 1, c0 - 1, -1)]
    pts += [(r, c0) for r in range(r1 - 1, r0, -1)]
    ring = [(float(vx[r, c]), float(vy[r, c])) for r, c in pts]
    return [*ring, ring[0]]


def territory(vx: Any, vy: Any) -> list[dict[str, Any]]:
    """Rows for every jurisdiction: code, name, level, parent code, depth, ring."""
    out: list[dict[str, Any]] = []

    def add(code: str, name: str, level: int, parent: str | None, block: tuple[int, int, int, int]) -> None:
        out.append({"code": code, "name": name, "level": level, "parent": parent,
                    "ring": block_ring(vx, vy, *block)})

    add("BG", "基准市", 1, None, (0, 0, ROWS, COLS))
    d = 0
    for dr in range(0, ROWS, DISTRICT[0]):
        for dc in range(0, COLS, DISTRICT[1]):
            d += 1
            dcode = f"BG{d:02d}"
            add(dcode, f"基准{d}区", 2, "BG", (dr, dc, dr + DISTRICT[0], dc + DISTRICT[1]))
            s = 0
            for sr in range(dr, dr + DISTRICT[0], STREET[0]):
                for sc in range(dc, dc + DISTRICT[1], STREET[1]):
                    s += 1
                    scode = f"{dcode}{s:02d}"
                    add(scode, f"基准{d}区{s}街道", 3, dcode, (sr, sc, sr + STREET[0], sc + STREET[1]))
                    c = 0
                    for cr in range(sr, sr + STREET[0], COMMUNITY[0]):
                        for cc in range(sc, sc + STREET[1], COMMUNITY[1]):
                            c += 1
                            ccode = f"{scode}{c:02d}"
                            add(ccode, f"{scode}社区{c}", 4, scode, (cr, cc, cr + COMMUNITY[0], cc + COMMUNITY[1]))
                            g = 0
                            for gr in range(cr, cr + COMMUNITY[0]):
                                for gc in range(cc, cc + COMMUNITY[1]):
                                    g += 1
                                    add(f"{ccode}{g:02d}", f"{ccode}网格{g}", 5, ccode, (gr, gc, gr + 1, gc + 1))
    return out


def load_territory(rows: list[dict[str, Any]]) -> dict[str, int]:
    import shapely
    from _bulkload import bulk_load

    from anjian.orgs.models import Jurisdiction
    from anjian.orgs.services import _bounds_fields

    paths: dict[str, str] = {}
    fields = ["code", "name", "level", "parent_id", "path", "depth", "boundary", "min_lng", "min_lat", "max_lng",
              "max_lat", "center_lng", "center_lat", "is_synthetic", "is_active"]
    ids: dict[str, int] = {}
    for level in range(1, 6):  # parents first, so their ids are known
        batch = []
        for r in rows:
            if r["level"] != level:
                continue
            poly = shapely.Polygon(r["ring"])
            assert poly.is_valid, r["code"]
            b = _bounds_fields(poly)
            path = f"{paths[r['parent']] if r['parent'] else '/'}{r['code']}/"
            paths[r["code"]] = path
            batch.append((r["code"], r["name"], level, ids.get(r["parent"]) if r["parent"] else None, path,
                          level - 1, b["boundary"], b["min_lng"], b["min_lat"], b["max_lng"], b["max_lat"],
                          b["center_lng"], b["center_lat"], True, True))
        bulk_load(Jurisdiction, fields, batch)
        ids.update(dict(Jurisdiction.objects.filter(level=level).values_list("code", "id")))
    return ids


def redraw_grids(rows: list[dict[str, Any]], vx: Any, vy: Any) -> int:
    """Write new boundaries for the grids in ``rows`` (each with its lattice cell in ``block``)."""
    import shapely
    from django.db import connection, transaction

    from anjian.orgs.services import _bounds_fields

    updates = []
    for r in rows:
        code, (gr, gc) = r["code"], r["block"]
        b = _bounds_fields(shapely.Polygon(block_ring(vx, vy, gr, gc, gr + 1, gc + 1)))
        updates.append((b["boundary"], b["min_lng"], b["min_lat"], b["max_lng"], b["max_lat"], b["center_lng"],
                        b["center_lat"], code))
    with transaction.atomic(), connection.cursor() as cur:
        cur.executemany(
            "UPDATE orgs_jurisdiction SET boundary=%s, min_lng=%s, min_lat=%s, max_lng=%s, max_lat=%s, "
            "center_lng=%s, center_lat=%s WHERE code=%s", updates)
    return len(updates)


def measure(args: argparse.Namespace, points: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.config.settings")
    import django

    django.setup()
    import numpy as np
    from _bulkload import bulk_load
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from anjian.enterprises.models import Enterprise
    from anjian.grids.services import reassign_enterprises_job
    from anjian.jobs.models import Job
    from anjian.jobs.services import Progress
    from anjian.orgs.services import invalidate_locator, locate_jurisdiction_ids

    out: dict[str, Any] = {"vendor": connection.vendor, "points": points}
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    out["migrate_s"] = round(time.perf_counter() - t0, 1)

    vx, vy = lattice(args.seed, 0.3)
    rows = territory(vx, vy)
    grid_rows = [r for r in rows if r["level"] == 5]
    t0 = time.perf_counter()
    ids = load_territory(rows)
    out["territory_s"] = round(time.perf_counter() - t0, 2)
    out["jurisdictions"] = len(rows)
    out["grids"] = len(grid_rows)
    # cells of each grid, from the code layout (district, street, community, grid) → lattice
    for r in grid_rows:
        code = r["code"]
        d, s, c, g = int(code[2:4]), int(code[4:6]), int(code[6:8]), int(code[8:10])
        dr, dc = divmod(d - 1, COLS // DISTRICT[1])
        sr, sc = divmod(s - 1, DISTRICT[1] // STREET[1])
        cr, cc = divmod(c - 1, STREET[1] // COMMUNITY[1])
        gr, gc = divmod(g - 1, COMMUNITY[1])
        row = dr * DISTRICT[0] + sr * STREET[0] + cr * COMMUNITY[0] + gr
        col = dc * DISTRICT[1] + sc * STREET[1] + cc * COMMUNITY[1] + gc
        r["block"] = (row, col)
        assert r["ring"][0] == (float(vx[row, col]), float(vy[row, col])), code

    rng = np.random.default_rng(args.seed + 1)
    pad_x, pad_y = (MAX_LNG - MIN_LNG) * 0.005, (MAX_LAT - MIN_LAT) * 0.005
    lngs = rng.uniform(MIN_LNG - pad_x, MAX_LNG + pad_x, points)
    lats = rng.uniform(MIN_LAT - pad_y, MAX_LAT + pad_y, points)
    city = ids["BG"]
    now = timezone.now()
    t0 = time.perf_counter()
    n = bulk_load(Enterprise, ["name", "lng", "lat", "jurisdiction_id", "created_at", "updated_at", "is_synthetic"],
                  ((f"基准企业{i}", float(lngs[i]), float(lats[i]), city, now, now, True) for i in range(points)))
    out["load_s"] = round(time.perf_counter() - t0, 1)
    assert n == points
    with connection.cursor() as cur:
        cur.execute("ANALYZE")

    invalidate_locator()
    pts = list(zip(lngs.tolist(), lats.tolist(), strict=True))
    t0 = time.perf_counter()
    located = locate_jurisdiction_ids(pts[:1000])  # builds the index
    out["index_build_s"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    located = locate_jurisdiction_ids(pts)
    out["locate_warm_s"] = round(time.perf_counter() - t0, 2)
    del pts
    grid_ids = {ids[r["code"]] for r in grid_rows}
    out["locate_in_grid"] = sum(1 for j in located if j in grid_ids)
    expected = dict(enumerate(located))  # index i → id; enterprise ids are 1..N in order on a fresh table
    del located

    def run(label: str) -> None:
        job = Job.objects.create(kind="grids.reassign", title=f"bench {label}", params={"chunk": args.chunk})
        t = time.perf_counter()
        result = reassign_enterprises_job(job, Progress(job))
        seconds = time.perf_counter() - t
        out[label] = {"s": round(seconds, 2), **result}
        print(f"  [{connection.vendor}] {label}: {seconds:.1f} s {result}", file=sys.stderr, flush=True)

    run("first")
    # Check the job put enterprises where locate said (first row id ↔ index 0).
    first_id = Enterprise.objects.order_by("id").values_list("id", flat=True).first()
    sample = Enterprise.objects.filter(id__lt=first_id + 2000).values_list("id", "jurisdiction_id")
    out["first_agrees"] = all(expected[pk - first_id] in (j, None) for pk, j in sample)
    expected_pairs = [(first_id + i, j) for i, j in expected.items() if j is not None]
    del expected
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM enterprises_historicalenterprise")
        out["history_rows"] = cur.fetchone()[0]
    if connection.vendor == "postgresql" and args.rounds:
        out["rounds"] = alternate(args, city, expected_pairs)
    run("again")
    if not args.skip_redraw:
        vx2, vy2 = lattice(args.seed + 7, 0.3)
        # move interior vertices by at most 10 % of a cell from where they were
        dx = (MAX_LNG - MIN_LNG) / COLS
        dy = (MAX_LAT - MIN_LAT) / ROWS
        nvx = vx + np.clip(vx2 - vx, -0.1 * dx, 0.1 * dx)
        nvy = vy + np.clip(vy2 - vy, -0.1 * dy, 0.1 * dy)
        nvx[:, [0, -1]] = vx[:, [0, -1]]
        nvy[[0, -1], :] = vy[[0, -1], :]
        # district/street/community outlines stay; only grids change: the outer ring of each
        # community must stay, so keep vertices on community edges fixed.
        for r in range(ROWS + 1):
            if r % COMMUNITY[0] == 0:
                nvx[r, :], nvy[r, :] = vx[r, :], vy[r, :]
        for c in range(COLS + 1):
            if c % COMMUNITY[1] == 0:
                nvx[:, c], nvy[:, c] = vx[:, c], vy[:, c]
        redraw_grids(grid_rows, nvx, nvy)
        run("redraw")

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_database_size(current_database())")
            out["db_bytes"] = cur.fetchone()[0]
        if args.postgis:
            out["postgis"] = postgis(ids, grid_rows)
    return out


def alternate(args: argparse.Namespace, city: int, pairs: list[tuple[int, int]]) -> dict[str, Any]:
    """The reference and the job in the same run, alternating, ``args.rounds`` times each.

    Reference (no PostGIS on this machine): the (id, new jurisdiction) pairs the locator computes
    (the same ``locate_jurisdiction_ids`` the job calls, computed once, untimed) in a table, then
    one plain ``UPDATE enterprises_enterprise … FROM`` that table — no history rows, no open
    records followed, no locating. Before each timed step every enterprise is put back on the
    city and the table vacuumed (untimed), so both start from the same state: nearly every row
    moves."""
    from django.db import connection
    from django.utils import timezone

    from anjian.grids.services import reassign_enterprises_job
    from anjian.jobs.models import Job
    from anjian.jobs.services import Progress

    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_assign_ref")
        cur.execute("CREATE UNLOGGED TABLE bench_assign_ref (id bigint PRIMARY KEY, j bigint NOT NULL)")
        with cur.cursor.copy("COPY bench_assign_ref (id, j) FROM STDIN") as copy:
            for row in pairs:
                copy.write_row(row)
        cur.execute("ANALYZE bench_assign_ref")

    def reset() -> None:
        with connection.cursor() as cur:
            cur.execute("UPDATE enterprises_enterprise SET jurisdiction_id = %s", [city])
            cur.execute("VACUUM ANALYZE enterprises_enterprise")

    ref: list[float] = []
    job_s: list[float] = []
    loads: list[float] = []
    moved = 0
    for n in range(args.rounds):
        loads.append(os.getloadavg()[0])
        reset()
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("UPDATE enterprises_enterprise e SET jurisdiction_id = a.j, updated_at = %s "
                        "FROM bench_assign_ref a WHERE e.id = a.id", [timezone.now()])
            rows = cur.rowcount
        ref.append(time.perf_counter() - t)
        reset()
        job = Job.objects.create(kind="grids.reassign", title=f"bench round {n}", params={"chunk": args.chunk})
        t = time.perf_counter()
        result = reassign_enterprises_job(job, Progress(job))
        job_s.append(time.perf_counter() - t)
        moved = result["moved"]
        print(f"  [round {n}] reference UPDATE {ref[-1]:.2f} s ({rows:,} rows), job {job_s[-1]:.2f} s "
              f"(moved {moved:,}), load {loads[-1]:.2f}", file=sys.stderr, flush=True)
    med_ref, med_job = statistics.median(ref), statistics.median(job_s)
    return {"reference_s": [round(x, 2) for x in ref], "job_s": [round(x, 2) for x in job_s],
            "reference_median_s": round(med_ref, 2), "job_median_s": round(med_job, 2),
            "ratio": round(med_job / med_ref, 2), "reference_rows": rows, "job_moved": moved,
            "load_1min": [round(x, 2) for x in loads]}


def postgis(ids: dict[str, int], grid_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The same join in PostGIS (scratch database only)."""
    from django.db import connection

    res: dict[str, Any] = {}
    with connection.cursor() as cur:
        cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        cur.execute("SELECT postgis_lib_version()")
        res["version"] = cur.fetchone()[0]
        t = time.perf_counter()
        cur.execute("CREATE TABLE bench_grid_geom AS SELECT id, ST_SetSRID(ST_GeomFromGeoJSON(boundary), 4326) AS geom "
                    "FROM orgs_jurisdiction WHERE level = 5")
        res["polygons_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        cur.execute("CREATE INDEX bench_grid_geom_gist ON bench_grid_geom USING gist (geom)")
        cur.execute("ANALYZE bench_grid_geom")
        res["gist_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        cur.execute("CREATE TABLE bench_pt AS SELECT id, ST_SetSRID(ST_MakePoint(lng, lat), 4326) AS geom "
                    "FROM enterprises_enterprise WHERE lng IS NOT NULL AND lat IS NOT NULL")
        cur.execute("ANALYZE bench_pt")
        res["points_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        cur.execute("CREATE TABLE bench_assign AS SELECT p.id, g.id AS grid_id FROM bench_pt p "
                    "JOIN bench_grid_geom g ON ST_Contains(g.geom, p.geom)")
        res["join_s"] = round(time.perf_counter() - t, 2)
        cur.execute("SELECT COUNT(*) FROM bench_assign")
        res["joined"] = cur.fetchone()[0]
        cur.execute("EXPLAIN CREATE TABLE x AS SELECT p.id, g.id FROM bench_pt p "
                    "JOIN bench_grid_geom g ON ST_Contains(g.geom, p.geom)")
        res["plan"] = [r[0] for r in cur.fetchall()]
        # The planner's estimate is large enough to switch JIT compilation on; the same join without it:
        cur.execute("SET jit = off")
        t = time.perf_counter()
        cur.execute("CREATE TABLE bench_assign2 AS SELECT p.id, g.id AS grid_id FROM bench_pt p "
                    "JOIN bench_grid_geom g ON ST_Contains(g.geom, p.geom)")
        res["join_nojit_s"] = round(time.perf_counter() - t, 2)
        cur.execute("SELECT COUNT(*) FROM bench_assign a JOIN enterprises_enterprise e ON e.id = a.id "
                    "WHERE e.jurisdiction_id <> a.grid_id")
        res["disagree_with_job"] = cur.fetchone()[0]
        # The UPDATE a PostGIS-based reassignment would run (no history rows; jit off), after
        # putting every enterprise back on the city. The scratch database is dropped afterwards.
        t = time.perf_counter()
        cur.execute("UPDATE enterprises_enterprise e SET jurisdiction_id = %s", [ids["BG"]])
        res["reset_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        cur.execute("UPDATE enterprises_enterprise e SET jurisdiction_id = g.id FROM bench_pt p "
                    "JOIN bench_grid_geom g ON ST_Contains(g.geom, p.geom) WHERE e.id = p.id")
        res["join_update_s"] = round(time.perf_counter() - t, 2)
        res["join_update_rows"] = cur.rowcount
    return res


def run_child(env: dict[str, str], args: argparse.Namespace, points: int) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", "--points", str(points), "--chunk", str(args.chunk),
           "--seed", str(args.seed), "--rounds", str(args.rounds)] + (["--postgis"] if args.postgis else []) + (
        ["--skip-redraw"] if args.skip_redraw else [])
    out = subprocess.run(cmd, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def report(r: dict[str, Any]) -> None:
    pts = r["points"]
    print(f"\n== {r['vendor']}: {r['jurisdictions']:,} jurisdictions ({r['grids']:,} grids), {pts:,} enterprises ==")
    print(f"  load: territory {r['territory_s']} s, enterprises {r['load_s']} s")
    print(f"  locator index build {r['index_build_s']} s; locate_jurisdiction_ids of all {pts:,} points, warm: "
          f"{r['locate_warm_s']} s = {pts / r['locate_warm_s']:,.0f} points/s; {r['locate_in_grid']:,} inside a grid")
    for label in ("first", "again", "redraw"):
        if label in r:
            x = r[label]
            print(f"  reassign_enterprises_job [{label}]: {x['s']} s = {x['total'] / x['s']:,.0f} points/s; "
                  f"moved {x['moved']:,}, unplaced {x['unplaced']:,} of {x['total']:,}")
    print(f"  job result agrees with locate on a 2,000-row sample: {r['first_agrees']}; "
          f"history rows after first run: {r['history_rows']:,}")
    if "rounds" in r:
        x = r["rounds"]
        print(f"  reference: plain UPDATE … FROM a table of the located (id, jurisdiction) pairs, no history: "
              f"{x['reference_s']} s, median {x['reference_median_s']} s ({x['reference_rows']:,} rows)")
        print(f"  reassign_enterprises_job, same state, alternating: {x['job_s']} s, median {x['job_median_s']} s "
              f"(moved {x['job_moved']:,}) = {x['ratio']}x the reference; load (1 min) per round {x['load_1min']}")
    if "db_bytes" in r:
        print(f"  database size: {r['db_bytes'] / 1e6:,.0f} MB")
    if "postgis" in r:
        p = r["postgis"]
        print(f"  PostGIS {p['version']}: polygons from GeoJSON {p['polygons_s']} s, GiST index {p['gist_s']} s, "
              f"points {p['points_s']} s")
        print(f"  PostGIS ST_Contains join of {pts:,} points: {p['join_s']} s = {pts / p['join_s']:,.0f} points/s "
              f"({p['joined']:,} matched; {p['disagree_with_job']} disagree with the job)")
        print(f"  PostGIS join with jit = off: {p['join_nojit_s']} s = {pts / p['join_nojit_s']:,.0f} points/s")
        print(f"  PostGIS UPDATE … FROM join (every row, no history): {p['join_update_s']} s "
              f"({p['join_update_rows']:,} rows)")
        print("  plan: " + " | ".join(s.strip() for s in p["plan"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--sqlite-points", type=int, default=None,
                        help="points for the SQLite run (default: --points; 0 skips SQLite)")
    parser.add_argument("--chunk", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--postgis", action="store_true")
    parser.add_argument("--skip-redraw", action="store_true")
    parser.add_argument("--rounds", type=int, default=3,
                        help="PostgreSQL: alternating rounds of the reference UPDATE and the job (0: none)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args, args.points)))
        return
    from _bulkload import recreate_postgres

    print(f"bench_grids: points={args.points:,} chunk={args.chunk} seed={args.seed}")
    print(f"python {platform.python_version()} on {platform.platform()}, {os.cpu_count()} CPUs")
    print("load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    base.update({"ANJIAN_TESTING": "0", "ANJIAN_DEMO": "1", "HUEY_IMMEDIATE": "0", "LOG_LEVEL": "WARNING"})
    pg = os.environ.get("DATABASE_URL", "")
    if pg.startswith("postgres"):
        recreate_postgres(pg)
        try:
            with tempfile.TemporaryDirectory(prefix="anjian-bench-grids-pg-") as tmp:
                report(run_child({**base, "ANJIAN_DATA_DIR": tmp, "DATABASE_URL": pg}, args, args.points))
        finally:
            recreate_postgres(pg, drop_only=True)
    else:
        print("\n(PostgreSQL skipped: set DATABASE_URL=postgres://…/anjian_bench_grids to include it)")
    sqlite_points = args.points if args.sqlite_points is None else args.sqlite_points
    if sqlite_points:
        args.postgis = False
        with tempfile.TemporaryDirectory(prefix="anjian-bench-grids-") as tmp:
            report(run_child({**base, "ANJIAN_DATA_DIR": tmp}, args, sqlite_points))
    print("load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
