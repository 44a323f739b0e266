"""Exact recursive partition of convex polygons for the synthetic demo city.

A convex polygon is cut by a slightly slanted straight line into two convex polygons; every
intersection point is computed once and used by both halves, so children tile their parent
exactly (no gaps, no overlaps, up to floating-point rounding of areas). Cutting a convex polygon
by a line always gives exactly two convex pieces, so the recursion never needs repair.
Pure Python plus ``random.Random``; shapely is used only by the tests to check the result.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

Point = tuple[float, float]
Ring = list[Point]


def area(ring: Sequence[Point]) -> float:
    """Signed area (shoelace); positive for counter-clockwise rings."""
    total = 0.0
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % n]
        total += x1 * y2 - x2 * y1
    return total / 2.0


def convex_blob(rng: random.Random, cx: float, cy: float, rx: float, ry: float, vertices: int = 11) -> Ring:
    """A convex, irregular outline around (cx, cy): jittered points on an ellipse, CCW."""
    angles = sorted(2 * math.pi * (i + rng.uniform(-0.3, 0.3)) / vertices for i in range(vertices))
    return [(cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in angles]


def _split_by_line(ring: Ring, px: float, py: float, dx: float, dy: float) -> tuple[Ring, Ring]:
    """Left and right parts of a convex ring cut by the line through (px, py) along (dx, dy)."""
    left: Ring = []
    right: Ring = []
    n = len(ring)
    sides = [(x - px) * dy - (y - py) * dx for x, y in ring]  # > 0 right, < 0 left
    for i in range(n):
        a, b = ring[i], ring[(i + 1) % n]
        sa, sb = sides[i], sides[(i + 1) % n]
        if sa <= 0:
            left.append(a)
        if sa >= 0:
            right.append(a)
        if (sa < 0 < sb) or (sb < 0 < sa):
            t = sa / (sa - sb)
            cut = (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
            left.append(cut)
            right.append(cut)
    return left, right


def _bounds(ring: Sequence[Point]) -> tuple[float, float, float, float]:
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


def cut(ring: Ring, fraction: float, rng: random.Random) -> tuple[Ring, Ring]:
    """Cut ``ring`` across its longer side so the first part holds ≈ ``fraction`` of its area."""
    minx, miny, maxx, maxy = _bounds(ring)
    along_x = (maxx - minx) >= (maxy - miny)
    slant = rng.uniform(-0.25, 0.25)
    # Direction of the cut line: roughly perpendicular to the longer side.
    dx, dy = (slant, 1.0) if along_x else (1.0, slant)
    total = abs(area(ring))
    lo, hi = 0.0, 1.0
    best: tuple[Ring, Ring] | None = None
    for _ in range(40):  # bisection on the line's position to reach the wanted area share
        t = (lo + hi) / 2
        px = minx + t * (maxx - minx) if along_x else (minx + maxx) / 2
        py = (miny + maxy) / 2 if along_x else miny + t * (maxy - miny)
        first, second = _split_by_line(ring, px, py, dx, dy)
        # With the line pointing up (along_x) "left" is the west side; pointing east it is the north.
        low_part, high_part = (first, second) if along_x else (second, first)
        share = abs(area(low_part)) / total if len(low_part) >= 3 else 0.0
        if len(low_part) >= 3 and len(high_part) >= 3:
            best = (low_part, high_part)
        if share < fraction:
            lo = t
        else:
            hi = t
    if best is None:  # pragma: no cover - a convex ring always has an interior cut
        raise ValueError("polygon too small to cut")
    return best


def partition(ring: Ring, n: int, rng: random.Random, jitter: float = 0.12) -> list[Ring]:
    """``n`` convex rings tiling ``ring`` exactly, sizes roughly equal (± ``jitter``)."""
    if n <= 1:
        return [ring]
    k = n // 2
    fraction = (k / n) * (1 + rng.uniform(-jitter, jitter))
    fraction = min(max(fraction, 0.05), 0.95)
    first, second = cut(ring, fraction, rng)
    return partition(first, k, rng, jitter) + partition(second, n - k, rng, jitter)


def random_point_in(ring: Ring, rng: random.Random) -> Point:
    """A point strictly inside a convex ring: a fan triangle chosen by area, then a point in it."""
    x0, y0 = ring[0]
    triangles = []
    weights = []
    for i in range(1, len(ring) - 1):
        (x1, y1), (x2, y2) = ring[i], ring[i + 1]
        triangles.append(((x1, y1), (x2, y2)))
        weights.append(abs((x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0)))
    (x1, y1), (x2, y2) = rng.choices(triangles, weights=weights)[0]
    a, b = rng.random(), rng.random()
    if a + b > 1:
        a, b = 1 - a, 1 - b
    # Pull the point 4% towards the triangle's centroid so it never lies on an edge.
    a, b = 0.96 * a + 0.04 / 3, 0.96 * b + 0.04 / 3
    c = 1 - a - b
    return (c * x0 + a * x1 + b * x2, c * y0 + a * y1 + b * y2)


def to_geojson(ring: Ring) -> str:
    """A GeoJSON Polygon (closed, counter-clockwise) with full float precision."""
    pts = list(ring) if area(ring) > 0 else list(reversed(ring))
    pts.append(pts[0])
    return '{"type":"Polygon","coordinates":[[' + ",".join(f"[{x!r},{y!r}]" for x, y in pts) + "]]}"
