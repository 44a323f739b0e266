"""Geometry helpers: GCJ-02 ↔ WGS-84, loading boundary GeoJSON, point-in-polygon at scale.

Pure Python on top of shapely 2 (GEOS) and numpy; no Django import. Coordinates are always
``(lng, lat)`` — x first, as in GeoJSON — in decimal degrees. The project stores WGS-84; points
typed or picked on a Chinese web map (Amap, Tencent) are GCJ-02 and are converted on entry.

GCJ-02
------
GCJ-02 (国测局坐标, "Mars coordinates") is WGS-84 plus a deliberate, smooth, position-dependent
offset of a few hundred metres. The forward function is public and widely re-implemented; it
is not in PROJ. This module's version is written from its mathematical description:

1. With ``x = lng - 105`` and ``y = lat - 35``, two trigonometric polynomials give an offset in
   metres east (``_east_shift``) and north (``_north_shift``).
2. The offsets are turned into degrees with the radii of curvature of the Krasovsky 1940
   ellipsoid (a = 6378245 m, e² = 0.00669342162296594323) at the latitude: meridional
   M = a(1-e²)/(1-e² sin²φ)^1.5 for north, prime vertical N = a/√(1-e² sin²φ) times cos φ for east.

The inverse has no closed form. ``gcj02_to_wgs84`` solves ``forward(w) = g`` by fixed-point
iteration ``w ← w - (forward(w) - g)``. The offset changes by only a few thousandths of a degree
per degree, so each step shrinks the error several-hundred-fold: across China two or three
steps reach the 1e-9° tolerance used here (1e-6° is about 0.1 m).

Outside a rectangle around China (lng 72.004–137.8347, lat 0.8293–55.8271, the usual test
that goes with the public algorithm) both directions return the input unchanged. The rectangle
is coarse: it also covers parts of neighbouring countries, which is harmless for this project.

Point in polygon
----------------
``PolygonIndex`` wraps ``shapely.STRtree``. It queries with ``predicate="intersects"`` (for a
point: inside *or on the boundary*), so a point exactly on a boundary is never lost; when a point
touches several polygons (a shared edge or vertex, or overlapping input) the owner is the one with
the **lowest key** (keys that cannot be compared with each other fall back to the earliest
polygon in the input). Every point therefore has at most one, deterministic owner.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Generic, Literal, TypeVar, cast

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry

__all__ = [
    "EARTH_RADIUS_M",
    "GeoFeature",
    "GeoJSONError",
    "GeoJSONLoadResult",
    "GeoJSONProblem",
    "PolygonIndex",
    "bbox_of",
    "distance_m",
    "gcj02_to_wgs84",
    "load_geojson",
    "out_of_china",
    "wgs84_to_gcj02",
]

BBox = tuple[float, float, float, float]
LngLat = tuple[float, float]

# --- GCJ-02 ----------------------------------------------------------------------------------

_KRASOVSKY_A = 6378245.0  # semi-major axis (m) of the Krasovsky 1940 ellipsoid
_KRASOVSKY_E2 = 0.00669342162296594323  # its first eccentricity squared
_TWO_THIRDS = 2.0 / 3.0


def out_of_china(lng: float, lat: float) -> bool:
    """``True`` outside the rectangle in which GCJ-02 is applied (see the module docstring).

    Non-finite input counts as outside, so it is returned unchanged.
    """
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _common_wave(x: float) -> float:
    # The short-period terms that both shifts share (periods of 1/3 and 1 degree of longitude).
    return (20.0 * math.sin(6.0 * math.pi * x) + 20.0 * math.sin(2.0 * math.pi * x)) * _TWO_THIRDS


def _east_shift(x: float, y: float) -> float:
    """Offset towards the east, in metres, at ``x = lng - 105``, ``y = lat - 35``."""
    smooth = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    waves = (20.0 * math.sin(math.pi * x) + 40.0 * math.sin(math.pi * x / 3.0)) * _TWO_THIRDS
    long_waves = (150.0 * math.sin(math.pi * x / 12.0) + 300.0 * math.sin(math.pi * x / 30.0)) * _TWO_THIRDS
    return smooth + _common_wave(x) + waves + long_waves


def _north_shift(x: float, y: float) -> float:
    """Offset towards the north, in metres, at ``x = lng - 105``, ``y = lat - 35``."""
    smooth = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    waves = (20.0 * math.sin(math.pi * y) + 40.0 * math.sin(math.pi * y / 3.0)) * _TWO_THIRDS
    long_waves = (160.0 * math.sin(math.pi * y / 12.0) + 320.0 * math.sin(math.pi * y / 30.0)) * _TWO_THIRDS
    return smooth + _common_wave(x) + waves + long_waves


def _gcj_offset_deg(lng: float, lat: float) -> LngLat:
    """GCJ-02 minus WGS-84 at a WGS-84 point, in degrees (lng, lat)."""
    x, y = lng - 105.0, lat - 35.0
    phi = math.radians(lat)
    w = 1.0 - _KRASOVSKY_E2 * math.sin(phi) ** 2
    meridional = _KRASOVSKY_A * (1.0 - _KRASOVSKY_E2) / (w * math.sqrt(w))
    prime_vertical = _KRASOVSKY_A / math.sqrt(w)
    dlat = math.degrees(_north_shift(x, y) / meridional)
    dlng = math.degrees(_east_shift(x, y) / (prime_vertical * math.cos(phi)))
    return dlng, dlat


def wgs84_to_gcj02(lng: float, lat: float) -> LngLat:
    """WGS-84 → GCJ-02 (the public forward algorithm, see the module docstring)."""
    if out_of_china(lng, lat):
        return lng, lat
    dlng, dlat = _gcj_offset_deg(lng, lat)
    return lng + dlng, lat + dlat


def gcj02_to_wgs84(lng: float, lat: float, *, tolerance: float = 1e-9, max_iterations: int = 20) -> LngLat:
    """GCJ-02 → WGS-84 by iterating the forward function until it reproduces the input to
    ``tolerance`` degrees (default 1e-9°, about 0.1 mm). Outside China: input unchanged."""
    if out_of_china(lng, lat):
        return lng, lat
    dlng, dlat = _gcj_offset_deg(lng, lat)
    wlng, wlat = lng - dlng, lat - dlat  # first guess: the offset taken at the GCJ point
    for _ in range(max_iterations):
        glng, glat = wgs84_to_gcj02(wlng, wlat)
        elng, elat = glng - lng, glat - lat
        wlng -= elng
        wlat -= elat
        if abs(elng) < tolerance and abs(elat) < tolerance:
            break
    return wlng, wlat


# --- distance and bounds ---------------------------------------------------------------------

#: Mean Earth radius (IUGG, R1), metres.
EARTH_RADIUS_M = 6371008.8


def distance_m(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    """Great-circle (haversine) distance in metres between two WGS-84 points.

    A sphere of the mean radius: within about 0.5 % of the ellipsoidal distance, i.e. well under
    a metre for the few-hundred-metre radii of a GPS check-in.
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lng2 - lng1)
    h = math.sin(dphi / 2.0) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def bbox_of(geometry: BaseGeometry | Iterable[BaseGeometry]) -> BBox:
    """``(minx, miny, maxx, maxy)`` of a geometry or of several together.

    Raises ``ValueError`` when there is nothing non-empty to bound.
    """
    geoms = [geometry] if isinstance(geometry, BaseGeometry) else list(geometry)
    bounds = shapely.total_bounds(np.asarray(geoms, dtype=object)) if geoms else [math.nan] * 4
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    if math.isnan(minx):
        raise ValueError("bbox_of: no non-empty geometry / 没有非空的几何图形")
    return minx, miny, maxx, maxy


# --- GeoJSON loading -------------------------------------------------------------------------

_NAME_KEYS = ("name", "NAME", "Name", "名称", "mc", "MC")
_CODE_KEYS = ("code", "adcode", "CODE", "ADCODE", "Code", "区划代码", "dm", "DM")


class GeoJSONError(ValueError):
    """The file as a whole cannot be read as GeoJSON (not decodable, not JSON, wrong type)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


@dataclass(frozen=True)
class GeoJSONProblem:
    """One thing wrong with one feature (``index`` is its 0-based position in the file).

    ``severity`` is ``"error"`` when the feature was left out of ``features``, ``"warning"`` when
    it was kept after a repair. ``kind`` is a stable machine code: ``no_geometry``,
    ``unparseable``, ``empty``, ``not_polygon``, ``not_lnglat``, ``non_finite``, ``invalid``
    (repaired), ``parts_dropped``, ``repair_failed``, ``not_feature``.
    """

    index: int
    severity: Literal["error", "warning"]
    kind: str
    message_zh: str
    message_en: str
    name: str | None = None
    code: str | None = None
    reason: str | None = None  #: ``shapely.is_valid_reason`` for invalid geometries
    area_change_pct: float | None = None  #: (repaired - original) / original x 100

    @property
    def label(self) -> str:
        """``#3 北京市 (110000)`` — how to point a person at the feature."""
        parts = [f"#{self.index}"]
        if self.name:
            parts.append(self.name)
        if self.code:
            parts.append(f"({self.code})")
        return " ".join(parts)

    @property
    def message(self) -> str:
        return f"{self.label}: {self.message_zh} / {self.message_en}"


@dataclass(frozen=True)
class GeoFeature:
    """A polygonal feature, valid, 2-D, in the order of the file (``index``)."""

    index: int
    properties: dict[str, Any]
    geometry: Polygon | MultiPolygon
    id: Any = None  #: the feature's ``id`` member, if it had one
    repaired: bool = False
    bbox: BBox = field(init=False)
    #: a point guaranteed inside the polygon (``point_on_surface``): use it for labels and tests
    representative_point: LngLat = field(init=False)
    #: the true centroid, which can fall outside a concave or multi-part polygon
    centroid: LngLat = field(init=False)

    def __post_init__(self) -> None:
        minx, miny, maxx, maxy = (float(v) for v in self.geometry.bounds)
        object.__setattr__(self, "bbox", (minx, miny, maxx, maxy))
        rep = self.geometry.representative_point()
        object.__setattr__(self, "representative_point", (float(rep.x), float(rep.y)))
        cen = self.geometry.centroid
        object.__setattr__(self, "centroid", (float(cen.x), float(cen.y)))

    @property
    def name(self) -> str | None:
        return _first_property(self.properties, _NAME_KEYS, containing=None)

    @property
    def code(self) -> str | None:
        return _first_property(self.properties, _CODE_KEYS, containing="code")

    def to_geojson(self, *, feature: bool = False) -> str:
        """The geometry as GeoJSON text (what the project stores), or with ``feature=True`` a whole
        ``Feature`` with the properties."""
        geometry_text = cast(str, shapely.to_geojson(self.geometry))
        if not feature:
            return geometry_text
        obj: dict[str, Any] = {"type": "Feature", "properties": self.properties}
        if self.id is not None:
            obj["id"] = self.id
        obj["geometry"] = json.loads(geometry_text)
        return json.dumps(obj, ensure_ascii=False)


@dataclass
class GeoJSONLoadResult:
    features: list[GeoFeature] = field(default_factory=list)
    problems: list[GeoJSONProblem] = field(default_factory=list)

    @property
    def errors(self) -> list[GeoJSONProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[GeoJSONProblem]:
        return [p for p in self.problems if p.severity == "warning"]


GeoJSONSource = str | os.PathLike[str] | bytes | bytearray | memoryview | IO[bytes]


def load_geojson(source: GeoJSONSource) -> GeoJSONLoadResult:
    """Read a GeoJSON ``FeatureCollection`` of boundaries (a single ``Feature`` or a bare
    geometry is accepted too).

    ``source`` is a path (``str`` or ``PathLike``), the file's bytes, or a binary file object.
    Text may start with a UTF-8 BOM (or be UTF-16 with a BOM); line endings do not matter.

    Every feature ends up either in ``features`` (Polygon or MultiPolygon, 2-D, valid, properties
    kept) or as an ``"error"`` in ``problems`` — nothing in a feature raises. Invalid polygons are
    repaired with ``shapely.make_valid(method="structure")`` (outer rings add area, holes remove
    it; for the overlapping or self-touching parts typical of simplified boundaries this keeps the
    area, where the default even-odd "linework" method can punch holes), keeping only the
    polygonal parts; the repair is reported as a ``"warning"`` with the GEOS reason and the area
    change. Raises ``GeoJSONError`` only when the file as a whole is unreadable.
    """
    data = _read_json(source)
    raw_features: list[Any]
    kind = data.get("type") if isinstance(data, dict) else None
    if kind == "FeatureCollection":
        raw = data.get("features")
        if not isinstance(raw, list):
            raise GeoJSONError(
                "FeatureCollection 缺少 features 数组", "the FeatureCollection has no 'features' array"
            )
        raw_features = raw
    elif kind == "Feature":
        raw_features = [data]
    elif kind in _GEOMETRY_TYPES:
        raw_features = [{"type": "Feature", "properties": {}, "geometry": data}]
    else:
        raise GeoJSONError(
            f"不是 GeoJSON FeatureCollection（type 为 {kind!r}）",
            f"not a GeoJSON FeatureCollection (type is {kind!r})",
        )
    result = GeoJSONLoadResult()
    for index, raw_feature in enumerate(raw_features):
        try:
            _load_feature(index, raw_feature, result)
        except Exception as exc:  # a GEOS failure on a pathological geometry must not stop the file
            result.problems.append(
                GeoJSONProblem(
                    index,
                    "error",
                    "unparseable",
                    f"处理几何图形时出错：{exc}",
                    f"the geometry could not be processed: {exc}",
                )
            )
    return result


_GEOMETRY_TYPES = frozenset(
    {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"}
)


def _read_json(source: GeoJSONSource) -> Any:
    raw: bytes
    if isinstance(source, bytes | bytearray | memoryview):
        raw = bytes(source)
    elif isinstance(source, str | os.PathLike):
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:
            raise GeoJSONError(f"无法读取文件：{exc}", f"cannot read the file: {exc}") from exc
    else:
        raw = source.read()
    encoding = "utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise GeoJSONError(
            f"文件不是 UTF-8 编码（第 {exc.start} 字节处无法解码）；GeoJSON 必须是 UTF-8",
            f"the file is not UTF-8 (cannot decode at byte {exc.start}); GeoJSON must be UTF-8",
        ) from exc
    if not text.strip():
        raise GeoJSONError("文件为空", "the file is empty")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise GeoJSONError(
            f"不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列，{exc.msg}",
            f"not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}",
        ) from exc


def _first_property(props: dict[str, Any], keys: Sequence[str], *, containing: str | None) -> str | None:
    """The first non-empty of ``keys``; failing that, of the keys containing ``containing``."""
    for key in keys:
        value = props.get(key)
        if value not in (None, ""):
            return str(value)
    if containing:
        for key, value in props.items():
            if containing in key.lower() and value not in (None, ""):
                return str(value)
    return None


def _polygonal_parts(geom: BaseGeometry) -> list[Polygon]:
    parts = shapely.get_parts(geom)
    out: list[Polygon] = []
    for part in parts:
        if isinstance(part, Polygon):
            if not part.is_empty:
                out.append(part)
        elif isinstance(part, MultiPolygon | shapely.GeometryCollection):
            out.extend(_polygonal_parts(part))
    return out


def _count_non_polygonal(geom: BaseGeometry) -> int:
    if isinstance(geom, Polygon | MultiPolygon):
        return 0
    if isinstance(geom, shapely.GeometryCollection):
        return sum(_count_non_polygonal(part) for part in shapely.get_parts(geom))
    return 1


def _combine(polys: list[Polygon]) -> Polygon | MultiPolygon:
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def _load_feature(index: int, raw: Any, result: GeoJSONLoadResult) -> None:
    props: dict[str, Any] = {}
    name = code = None

    def problem(severity: Literal["error", "warning"], kind: str, zh: str, en: str, **extra: Any) -> None:
        result.problems.append(GeoJSONProblem(index, severity, kind, zh, en, name, code, **extra))

    if not isinstance(raw, dict) or raw.get("type") != "Feature":
        problem("error", "not_feature", "不是 GeoJSON Feature 对象", "not a GeoJSON Feature object")
        return
    raw_props = raw.get("properties")
    if isinstance(raw_props, dict):
        props = raw_props
    name = _first_property(props, _NAME_KEYS, containing=None)
    code = _first_property(props, _CODE_KEYS, containing="code")

    raw_geom = raw.get("geometry")
    if not raw_geom:
        problem(
            "error",
            "no_geometry",
            "没有几何图形（geometry 为空）",
            "no geometry (geometry is null or missing)",
        )
        return
    try:
        with np.errstate(invalid="ignore"):  # NaN coordinates are reported below, not warned about
            geom = shape(raw_geom)
    except Exception as exc:  # shapely/GEOS raise several types for malformed coordinates
        problem(
            "error",
            "unparseable",
            f"几何图形无法解析：{exc}",
            f"the geometry cannot be parsed: {exc}",
        )
        return
    if geom.is_empty:
        problem("error", "empty", "几何图形为空", "the geometry is empty")
        return
    geom = shapely.force_2d(geom)
    coords = shapely.get_coordinates(geom)
    if not np.isfinite(coords).all():
        problem("error", "non_finite", "坐标中含有 NaN 或无穷大", "coordinates contain NaN or infinity")
        return
    gtype = geom.geom_type
    polys = _polygonal_parts(geom)
    if not polys:
        problem(
            "error",
            "not_polygon",
            f"不是面状图形（类型为 {gtype}），边界必须是 Polygon 或 MultiPolygon",
            f"not an area (type {gtype}); a boundary must be a Polygon or MultiPolygon",
        )
        return
    dropped = _count_non_polygonal(geom)
    if dropped:
        problem(
            "warning",
            "parts_dropped",
            f"{gtype} 中只保留了 {len(polys)} 个面，丢弃了 {dropped} 个点或线",
            f"{gtype}: kept {len(polys)} polygon(s), dropped {dropped} point/line part(s)",
        )
    poly_geom = _combine(polys)
    minx, miny, maxx, maxy = poly_geom.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        problem(
            "error",
            "not_lnglat",
            f"坐标超出经纬度范围（范围 {minx:.6g},{miny:.6g} – {maxx:.6g},{maxy:.6g}），可能是投影坐标；需要 WGS-84 经纬度",
            f"coordinates outside longitude/latitude range (bounds {minx:.6g},{miny:.6g} - {maxx:.6g},{maxy:.6g}); "
            "probably projected; WGS-84 degrees are required",
        )
        return
    repaired = False
    if not poly_geom.is_valid:
        reason = cast(str, shapely.is_valid_reason(poly_geom))
        before = float(poly_geom.area)
        fixed = _make_valid(poly_geom)
        fixed_polys = _polygonal_parts(fixed)
        if not fixed_polys:
            problem(
                "error",
                "repair_failed",
                f"几何图形无效（{reason}），修复后没有剩下面积",
                f"the geometry is invalid ({reason}) and nothing with an area is left after repair",
                reason=reason,
            )
            return
        poly_geom = _combine(fixed_polys)
        after = float(poly_geom.area)
        change = (after - before) / before * 100.0 if before > 0 else None
        if change is None:
            change_txt = "n/a"
        elif abs(change) < 5e-5:
            change_txt = "≈0%"
        else:
            change_txt = f"{change:+.4f}%"
        problem(
            "warning",
            "invalid",
            f"几何图形无效（{reason}），已自动修复，面积变化 {change_txt}",
            f"invalid geometry ({reason}), repaired; area change {change_txt}",
            reason=reason,
            area_change_pct=change,
        )
        repaired = True
    result.features.append(GeoFeature(index, props, poly_geom, id=raw.get("id"), repaired=repaired))


def _make_valid(geom: BaseGeometry) -> BaseGeometry:
    try:
        return cast(BaseGeometry, shapely.make_valid(geom, method="structure", keep_collapsed=False))
    except (ValueError, shapely.errors.UnsupportedGEOSVersionError):  # GEOS < 3.10
        return cast(BaseGeometry, shapely.make_valid(geom))


# --- point in polygon ------------------------------------------------------------------------

K = TypeVar("K", bound=Hashable)

_CHUNK = 262_144  # points per STRtree query in locate_indices
_SORT_FROM = 4_096  # below this many points, spatial ordering is not worth its cost


def _spatial_order(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> npt.NDArray[np.intp]:
    """Indices of the finite points, neighbours close together (row-by-row snake on a grid)."""
    finite = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
    if finite.size < _SORT_FROM:
        return finite
    fx, fy = x[finite], y[finite]
    side = 1024
    x0, y0 = fx.min(), fy.min()
    sx = (side - 1) / max(float(fx.max() - x0), 1e-12)
    sy = (side - 1) / max(float(fy.max() - y0), 1e-12)
    gx = ((fx - x0) * sx).astype(np.intp)
    gy = ((fy - y0) * sy).astype(np.intp)
    gx = np.where(gy % 2 == 0, gx, side - 1 - gx)
    return finite[np.argsort(gy * side + gx, kind="stable")]


class PolygonIndex(Generic[K]):
    """Which polygon contains a point, for many points at once.

    Built from ``(key, geometry)`` pairs (Polygon or MultiPolygon; invalid ones are repaired with
    ``make_valid``, empty or non-polygonal ones raise ``ValueError``). See the module docstring
    for the boundary rule: a point on a boundary belongs to the touching polygon with the lowest
    key. Keys may repeat (several pieces of one area).
    """

    def __init__(self, items: Iterable[tuple[K, BaseGeometry]]) -> None:
        keys: list[K] = []
        geoms: list[BaseGeometry] = []
        for key, geom in items:
            if geom is None or geom.is_empty:
                raise ValueError(f"PolygonIndex: empty geometry for key {key!r} / 键 {key!r} 的几何图形为空")
            polys = _polygonal_parts(geom)
            if not polys:
                raise ValueError(
                    f"PolygonIndex: {geom.geom_type} for key {key!r} is not a polygon / 键 {key!r} 不是面"
                )
            poly = _combine(polys)
            if not poly.is_valid:
                poly = _combine(_polygonal_parts(_make_valid(poly)))
            keys.append(key)
            geoms.append(poly)
        n = len(keys)
        try:
            order = sorted(range(n), key=lambda i: keys[i])  # type: ignore[arg-type, return-value]
        except TypeError:  # keys of mixed, incomparable types: input order decides
            order = list(range(n))
        rank = np.empty(n, dtype=np.intp)
        rank[np.asarray(order, dtype=np.intp)] = np.arange(n, dtype=np.intp)
        self._keys = keys
        self._geoms = geoms
        self._rank = rank  # tree index -> precedence (0 wins)
        self._by_rank = np.asarray(order, dtype=np.intp)  # precedence -> tree index
        self._tree = shapely.STRtree(geoms)

    def __len__(self) -> int:
        return len(self._keys)

    @property
    def keys(self) -> list[K]:
        return list(self._keys)

    def locate(self, lng: float, lat: float) -> K | None:
        """The key of the polygon containing (or touching) the point, or ``None``."""
        hits = self._tree.query(Point(lng, lat), predicate="intersects")
        if len(hits) == 0:
            return None
        best = int(hits[np.argmin(self._rank[hits])])
        return self._keys[best]

    def locate_indices(self, lngs: npt.ArrayLike, lats: npt.ArrayLike) -> npt.NDArray[np.intp]:
        """Vectorised core: for each point the position (in the constructor's input) of its
        polygon, ``-1`` for none. Non-finite coordinates give ``-1``.

        Points are visited in a spatial order (a snake over a 1024 x 1024 grid of their bounding
        box) and in chunks of ``_CHUNK``: neighbouring points hit the same tree nodes, which about
        halves the query time for large random inputs, and memory stays bounded.
        """
        x = np.asarray(lngs, dtype=np.float64).ravel()
        y = np.asarray(lats, dtype=np.float64).ravel()
        if x.shape != y.shape:
            raise ValueError(f"locate: {x.size} longitudes but {y.size} latitudes / 经度与纬度数量不一致")
        n_points, n_polys = x.size, len(self._keys)
        out = np.full(n_points, -1, dtype=np.intp)
        if n_points == 0 or n_polys == 0:
            return out
        order = _spatial_order(x, y)
        best_rank = np.full(n_points, n_polys, dtype=np.intp)
        for start in range(0, order.size, _CHUNK):
            sel = order[start : start + _CHUNK]
            points = shapely.points(x[sel], y[sel])
            point_idx, tree_idx = self._tree.query(points, predicate="intersects")
            np.minimum.at(best_rank, sel[point_idx], self._rank[tree_idx])
        found = best_rank < n_polys
        out[found] = self._by_rank[best_rank[found]]
        return out

    def locate_all_indices(
        self, lngs: npt.ArrayLike, lats: npt.ArrayLike
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
        """Every (point, polygon) pair where the polygon contains or touches the point, for
        overlapping layers (geofences: a point may lie in several): two arrays of equal length,
        the point's position in the input and the polygon's in the constructor's input. Non-finite
        coordinates match nothing."""
        x = np.asarray(lngs, dtype=np.float64).ravel()
        y = np.asarray(lats, dtype=np.float64).ravel()
        if x.shape != y.shape:
            raise ValueError(f"locate: {x.size} longitudes but {y.size} latitudes / 经度与纬度数量不一致")
        empty = np.empty(0, dtype=np.intp)
        if x.size == 0 or not self._keys:
            return empty, empty
        finite = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
        points_out: list[npt.NDArray[np.intp]] = []
        polys_out: list[npt.NDArray[np.intp]] = []
        for start in range(0, finite.size, _CHUNK):
            sel = finite[start : start + _CHUNK]
            point_idx, tree_idx = self._tree.query(shapely.points(x[sel], y[sel]), predicate="intersects")
            points_out.append(sel[point_idx])
            polys_out.append(tree_idx.astype(np.intp))
        if not points_out:
            return empty, empty
        return np.concatenate(points_out), np.concatenate(polys_out)

    def locate_many(self, lngs: npt.ArrayLike, lats: npt.ArrayLike) -> list[K | None]:
        """``locate`` for many points: sequences or numpy arrays of equal length."""
        idx = self.locate_indices(lngs, lats)
        lookup = np.empty(len(self._keys) + 1, dtype=object)
        for i, key in enumerate(self._keys):
            lookup[i] = key
        lookup[-1] = None  # index -1 -> None
        return cast(list[K | None], lookup[idx].tolist())
