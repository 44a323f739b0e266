"""Benchmark ``PolygonIndex.locate_many`` against a naive per-polygon loop.

Synthetic data: a 100 x 200 grid (20,000 cells) over a Shenzhen-sized area whose shared grid
vertices are jittered, so the cells are irregular quadrilaterals that tile the area without
overlaps or gaps; 1,000,000 uniformly random points over a slightly larger box (some fall
outside every cell).

The naive loop tests every polygon against a 10,000-point sample (``shapely.intersects_xy``,
vectorised over the points but looping over polygons in Python, no spatial index); its time is
multiplied by 100 to *extrapolate* to 1,000,000 points. Results on the sample are compared with
``locate_many`` for equality (both give a boundary point to the lowest key).

Run: ``.venv/bin/python bench/bench_geo.py [--points N] [--sample N] [--seed N]``. Prints only.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, not installed

from anjian.core.geo import PolygonIndex

ROWS, COLS = 100, 200
MIN_LNG, MAX_LNG = 113.75, 114.65
MIN_LAT, MAX_LAT = 22.40, 22.85


def make_grid(rng: np.random.Generator) -> list[tuple[int, shapely.Polygon]]:
    xs = np.linspace(MIN_LNG, MAX_LNG, COLS + 1)
    ys = np.linspace(MIN_LAT, MAX_LAT, ROWS + 1)
    dx, dy = xs[1] - xs[0], ys[1] - ys[0]
    vx, vy = np.meshgrid(xs, ys)  # (ROWS+1, COLS+1)
    # Jitter interior vertices by up to 30 % of a cell: cells stay simple convex-ish quads.
    jx = rng.uniform(-0.3, 0.3, vx.shape) * dx
    jy = rng.uniform(-0.3, 0.3, vy.shape) * dy
    jx[:, [0, -1]] = 0.0
    jy[[0, -1], :] = 0.0
    vx, vy = vx + jx, vy + jy
    cells: list[tuple[int, shapely.Polygon]] = []
    for r in range(ROWS):
        for c in range(COLS):
            ring = [
                (vx[r, c], vy[r, c]),
                (vx[r, c + 1], vy[r, c + 1]),
                (vx[r + 1, c + 1], vy[r + 1, c + 1]),
                (vx[r + 1, c], vy[r + 1, c]),
            ]
            cells.append((r * COLS + c, shapely.Polygon(ring)))
    return cells


def naive(cells: list[tuple[int, shapely.Polygon]], lngs: np.ndarray, lats: np.ndarray) -> list[int | None]:
    out: list[int | None] = [None] * len(lngs)
    todo = np.ones(len(lngs), dtype=bool)
    for key, poly in cells:  # keys ascending: the first hit is the lowest key
        hit = shapely.intersects_xy(poly, lngs, lats) & todo
        for i in np.flatnonzero(hit):
            out[i] = key
        todo &= ~hit
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261128)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    print(
        f"python {platform.python_version()}, shapely {shapely.__version__}, GEOS {shapely.geos_version_string}"
    )
    t0 = time.perf_counter()
    cells = make_grid(rng)
    t_grid = time.perf_counter() - t0
    assert all(p.is_valid for _, p in cells)
    print(f"grid: {len(cells):,} quadrilaterals built in {t_grid:.2f} s")

    pad = 0.02
    lngs = rng.uniform(MIN_LNG - pad, MAX_LNG + pad, args.points)
    lats = rng.uniform(MIN_LAT - pad, MAX_LAT + pad, args.points)

    t0 = time.perf_counter()
    index = PolygonIndex(cells)
    t_build = time.perf_counter() - t0
    print(f"PolygonIndex build (validity check + STRtree): {t_build:.2f} s")

    t0 = time.perf_counter()
    idx = index.locate_indices(lngs, lats)
    t_idx = time.perf_counter() - t0
    t0 = time.perf_counter()
    keys = index.locate_many(lngs, lats)
    t_many = time.perf_counter() - t0
    inside = int((idx >= 0).sum())
    print(
        f"locate_indices: {args.points:,} points in {t_idx:.2f} s "
        f"({args.points / t_idx:,.0f} points/s); {inside:,} inside a cell"
    )
    print(f"locate_many (same, plus a list of keys): {t_many:.2f} s")

    sample = slice(0, args.sample)
    t0 = time.perf_counter()
    sample_keys = index.locate_many(lngs[sample], lats[sample])
    t_sample_index = time.perf_counter() - t0
    t0 = time.perf_counter()
    naive_keys = naive(cells, lngs[sample], lats[sample])
    t_naive = time.perf_counter() - t0
    factor = args.points / args.sample
    same = sample_keys == naive_keys == keys[sample]
    print(
        f"sample of {args.sample:,} points: locate_many {t_sample_index:.3f} s, naive loop over polygons {t_naive:.2f} s"
    )
    print(
        f"naive, EXTRAPOLATED x{factor:,.0f} to {args.points:,} points: ~{t_naive * factor:,.0f} s "
        f"(~{t_naive * factor / 60:.1f} min) vs measured locate_many {t_many:.2f} s "
        f"-> ~{t_naive * factor / t_many:,.0f}x faster"
    )
    print(f"naive and index agree on the sample: {same}")


if __name__ == "__main__":
    main()
