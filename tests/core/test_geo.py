"""anjian.core.geo: GCJ-02, distances, GeoJSON loading, point-in-polygon. No Django."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

from anjian.core.geo import (
    EARTH_RADIUS_M,
    GeoJSONError,
    PolygonIndex,
    bbox_of,
    distance_m,
    gcj02_to_wgs84,
    load_geojson,
    out_of_china,
    wgs84_to_gcj02,
)

GEO_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "geo"
needs_shared = pytest.mark.skipif(
    not GEO_DIR.is_dir(), reason=f"shared boundary data not found at {GEO_DIR} (it lives next to the repo)"
)


def _shared(name: str) -> Path:
    path = GEO_DIR / name
    if not path.is_file():
        pytest.skip(f"shared file {path} is missing")
    return path


# --- GCJ-02 ----------------------------------------------------------------------------------

# Published test vectors of the public algorithm (googollee/eviltransform test suite), as
# (wgs lng, wgs lat) -> (gcj lng, gcj lat).
VECTORS = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),  # Shanghai
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),  # Shenzhen
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),  # Beijing
]


@pytest.mark.parametrize(("wgs", "gcj"), VECTORS)
def test_forward_matches_published_vectors(wgs: tuple[float, float], gcj: tuple[float, float]) -> None:
    assert wgs84_to_gcj02(*wgs) == pytest.approx(gcj, abs=1e-9)


@pytest.mark.parametrize(("wgs", "gcj"), VECTORS)
def test_inverse_recovers_published_vectors(wgs: tuple[float, float], gcj: tuple[float, float]) -> None:
    lng, lat = gcj02_to_wgs84(*gcj)
    assert abs(lng - wgs[0]) < 1e-8
    assert abs(lat - wgs[1]) < 1e-8


def test_round_trip_across_china() -> None:
    worst = 0.0
    for lng in np.linspace(73.5, 134.5, 41):
        for lat in np.linspace(18.2, 53.3, 31):
            back = gcj02_to_wgs84(*wgs84_to_gcj02(float(lng), float(lat)))
            worst = max(worst, abs(back[0] - lng), abs(back[1] - lat))
    assert worst < 1e-6
    assert worst < 1e-8  # in practice far better than required


@pytest.mark.parametrize(
    ("name", "wgs"),
    [("Beijing, Tiananmen", (116.3975, 39.9087)), ("Shenzhen, Civic Center", (114.0596, 22.5431))],
)
def test_offset_is_a_few_hundred_metres(name: str, wgs: tuple[float, float]) -> None:
    gcj = wgs84_to_gcj02(*wgs)
    offset = distance_m(*wgs, *gcj)
    assert 300 < offset < 700, name
    # GCJ-02 is east of WGS-84 in both cities
    assert gcj[0] > wgs[0]


@pytest.mark.parametrize(
    "point", [(-0.1276, 51.5072), (-104.9903, 39.7392), (151.2093, -33.8688), (140.0, 36.0), (100.0, 60.0)]
)
def test_outside_china_unchanged(point: tuple[float, float]) -> None:
    assert out_of_china(*point)
    assert wgs84_to_gcj02(*point) == point
    assert gcj02_to_wgs84(*point) == point


def test_nan_is_returned_unchanged() -> None:
    lng, lat = gcj02_to_wgs84(math.nan, 22.5)
    assert math.isnan(lng)
    assert lat == 22.5


# --- distance and bbox -----------------------------------------------------------------------


def test_distance_one_degree_of_latitude() -> None:
    assert distance_m(114.0, 22.0, 114.0, 23.0) == pytest.approx(EARTH_RADIUS_M * math.pi / 180, rel=1e-12)
    assert distance_m(114.0, 22.0, 114.0, 23.0) == pytest.approx(111_195, abs=1)


def test_distance_small_check_in_radius() -> None:
    # 0.001° east at 22.5° N ≈ 102.8 m
    d = distance_m(114.0, 22.5, 114.001, 22.5)
    assert d == pytest.approx(102.8, abs=0.2)
    assert distance_m(114.0, 22.5, 114.0, 22.5) == 0.0
    assert distance_m(1, 2, 3, 4) == distance_m(3, 4, 1, 2)


def test_distance_antipodal_does_not_fail() -> None:
    assert distance_m(0, 0, 180, 0) == pytest.approx(math.pi * EARTH_RADIUS_M)


def test_bbox_of() -> None:
    assert bbox_of(box(1, 2, 3, 4)) == (1.0, 2.0, 3.0, 4.0)
    assert bbox_of([box(1, 2, 3, 4), Point(10, -1)]) == (1.0, -1.0, 10.0, 4.0)
    with pytest.raises(ValueError):
        bbox_of([])
    with pytest.raises(ValueError):
        bbox_of(Polygon())


# --- load_geojson: synthetic -----------------------------------------------------------------


def _fc(*features: object) -> dict[str, object]:
    return {"type": "FeatureCollection", "features": list(features)}


def _feature(geometry: object, **props: object) -> dict[str, object]:
    return {"type": "Feature", "properties": props, "geometry": geometry}


SQUARE = {"type": "Polygon", "coordinates": [[[114, 22], [114.1, 22], [114.1, 22.1], [114, 22.1], [114, 22]]]}
BOWTIE = {"type": "Polygon", "coordinates": [[[114, 22], [114.1, 22.1], [114.1, 22], [114, 22.1], [114, 22]]]}


def test_bom_crlf_polygon_and_multipolygon(tmp_path: Path) -> None:
    multi = {
        "type": "MultiPolygon",
        "coordinates": [SQUARE["coordinates"], [[[115, 23], [115.1, 23], [115.1, 23.1], [115, 23]]]],
    }
    text = json.dumps(
        _fc(_feature(SQUARE, name="甲街道", code="440305001"), _feature(multi, name="乙")), indent=1
    )
    path = tmp_path / "b.geojson"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    result = load_geojson(path)
    assert result.problems == []
    first, second = result.features
    assert first.properties == {"name": "甲街道", "code": "440305001"}
    assert (first.name, first.code) == ("甲街道", "440305001")
    assert first.geometry.geom_type == "Polygon"
    assert second.geometry.geom_type == "MultiPolygon"
    assert first.bbox == pytest.approx((114, 22, 114.1, 22.1))
    assert first.centroid == pytest.approx((114.05, 22.05))
    assert first.geometry.contains(Point(first.representative_point))
    assert shapely.from_geojson(first.to_geojson()).equals(first.geometry)
    as_feature = json.loads(first.to_geojson(feature=True))
    assert as_feature["properties"]["name"] == "甲街道"
    # same through bytes, str path and a file object
    assert len(load_geojson(path.read_bytes()).features) == 2
    assert len(load_geojson(str(path)).features) == 2
    assert len(load_geojson(io.BytesIO(path.read_bytes())).features) == 2


def test_invalid_polygon_is_repaired_and_reported() -> None:
    result = load_geojson(json.dumps(_fc(_feature(BOWTIE, name="蝴蝶"))).encode())
    [feature] = result.features
    [problem] = result.problems
    assert feature.repaired
    assert feature.geometry.is_valid
    assert feature.geometry.geom_type == "MultiPolygon"  # the two triangles
    assert problem.severity == "warning"
    assert problem.kind == "invalid"
    assert problem.reason is not None and "Self-intersection" in problem.reason
    assert problem.index == 0
    assert problem.name == "蝴蝶"
    # a bow-tie's signed rings cancel out (area 0 before repair): no percentage possible
    assert problem.area_change_pct is None
    assert "蝴蝶" in problem.message and "repaired" in problem.message_en and "修复" in problem.message_zh


def test_overlapping_multipolygon_parts_keep_their_area() -> None:
    overlapping = {
        "type": "MultiPolygon",
        "coordinates": [
            [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]],
            [[[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]],
        ],
    }
    result = load_geojson(json.dumps(_fc(_feature(overlapping, name="x"))).encode())
    [feature] = result.features
    assert feature.geometry.area == pytest.approx(7.0)  # union, no hole punched in the overlap
    [problem] = result.problems
    assert problem.area_change_pct == pytest.approx((7 - 8) / 8 * 100)


@pytest.mark.parametrize(
    ("geometry", "kind"),
    [
        (None, "no_geometry"),
        ({"type": "LineString", "coordinates": [[114, 22], [115, 23]]}, "not_polygon"),
        ({"type": "Polygon", "coordinates": [[[114, 22], [115, 23]]]}, "unparseable"),
        ({"type": "Polygon", "coordinates": "nonsense"}, "unparseable"),
        ({"type": "Hexagon", "coordinates": []}, "unparseable"),
        ({"type": "Polygon", "coordinates": []}, "empty"),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [
                        [12_690_000, 2_580_000],
                        [12_700_000, 2_580_000],
                        [12_700_000, 2_590_000],
                        [12_690_000, 2_580_000],
                    ]
                ],
            },
            "not_lnglat",
        ),
    ],
)
def test_bad_geometry_is_an_error_entry_not_a_crash(geometry: object, kind: str) -> None:
    data = _fc(_feature(SQUARE, name="好"), _feature(geometry, name="坏", adcode=440300))
    result = load_geojson(json.dumps(data).encode())
    assert [f.name for f in result.features] == ["好"]
    [problem] = result.problems
    assert (problem.index, problem.severity, problem.kind) == (1, "error", kind)
    assert (problem.name, problem.code) == ("坏", "440300")
    assert problem.label == "#1 坏 (440300)"
    assert problem.message_zh and problem.message_en
    assert result.errors == [problem]
    assert result.warnings == []


def test_nan_coordinates() -> None:
    text = '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[114,22],[NaN,22],[114.1,22.1],[114,22]]]}}]}'
    result = load_geojson(text.encode())
    assert result.features == []
    assert result.problems[0].kind == "non_finite"


def test_geometry_collection_keeps_polygons_and_drops_the_rest() -> None:
    gc = {"type": "GeometryCollection", "geometries": [SQUARE, {"type": "Point", "coordinates": [114, 22]}]}
    result = load_geojson(json.dumps(_fc(_feature(gc))).encode())
    [feature] = result.features
    assert feature.geometry.geom_type == "Polygon"
    assert [p.kind for p in result.problems] == ["parts_dropped"]


def test_z_coordinates_are_dropped_and_ids_kept() -> None:
    poly_z = {
        "type": "Polygon",
        "coordinates": [[[114, 22, 5], [114.1, 22, 5], [114.1, 22.1, 5], [114, 22, 5]]],
    }
    data = _fc({"type": "Feature", "id": 7, "properties": None, "geometry": poly_z})
    [feature] = load_geojson(json.dumps(data).encode()).features
    assert not feature.geometry.has_z
    assert feature.id == 7
    assert feature.properties == {}


def test_not_a_feature_entry() -> None:
    result = load_geojson(json.dumps(_fc(42, _feature(SQUARE))).encode())
    assert len(result.features) == 1
    assert result.problems[0].kind == "not_feature"


def test_single_feature_and_bare_geometry_accepted() -> None:
    assert len(load_geojson(json.dumps(_feature(SQUARE)).encode()).features) == 1
    assert len(load_geojson(json.dumps(SQUARE).encode()).features) == 1


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b"", "empty"),
        (b"{not json", "not valid JSON"),
        (b'{"type": "Topology"}', "not a GeoJSON FeatureCollection"),
        (b'{"type": "FeatureCollection"}', "features"),
        ('{"name": "深圳"}'.encode("gb18030"), "not UTF-8"),
    ],
)
def test_unreadable_file_raises(raw: bytes, fragment: str) -> None:
    with pytest.raises(GeoJSONError) as err:
        load_geojson(raw)
    assert fragment in err.value.en
    assert err.value.zh


def test_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(GeoJSONError):
        load_geojson(tmp_path / "nope.geojson")


# --- load_geojson: the shared real boundaries ------------------------------------------------


@needs_shared
def test_shenzhen_districts() -> None:
    result = load_geojson(_shared("shenzhen_districts.geojson"))
    assert result.problems == []
    assert len(result.features) == 9
    names = {f.name for f in result.features}
    assert {"福田区", "南山区", "宝安区", "龙岗区"} <= names
    for f in result.features:
        assert f.geometry.is_valid
        minx, miny, maxx, maxy = f.bbox
        assert 113.7 < minx < maxx < 114.7 and 22.3 < miny < maxy < 22.9
        assert f.geometry.contains(Point(f.representative_point))


@needs_shared
def test_shenzhen_streets() -> None:
    result = load_geojson(_shared("shenzhen_streets.geojson"))
    assert result.problems == []
    assert len(result.features) == 78
    assert len({f.name for f in result.features}) == 78
    coded = [f for f in result.features if f.properties.get("street_code_2023")]
    assert all(f.code == f.properties["street_code_2023"] for f in coded)


@needs_shared
def test_provinces_with_bom_and_invalid_polygons() -> None:
    path = _shared("china_provinces_bom_invalid.geojson")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    result = load_geojson(path)
    assert len(result.features) + len(result.errors) == 35
    repaired = [p for p in result.problems if p.kind == "invalid"]
    assert len(repaired) >= 10
    for p in repaired:
        assert p.severity == "warning"
        assert p.reason and "Self-intersection" in p.reason
        assert p.name
        assert p.area_change_pct is not None and abs(p.area_change_pct) < 1.0
    by_index = {f.index: f for f in result.features}
    assert all(by_index[p.index].repaired for p in repaired)
    assert all(f.geometry.is_valid for f in result.features)
    assert by_index[0].name == "北京市"
    # every feature still locatable: its representative point is inside it
    index = PolygonIndex([(f.code, f.geometry) for f in result.features if f.code])
    beijing = by_index[0]
    assert index.locate(*beijing.representative_point) == "110000"


# --- PolygonIndex ----------------------------------------------------------------------------


@needs_shared
def test_each_street_locates_its_own_representative_point() -> None:
    streets = load_geojson(_shared("shenzhen_streets.geojson")).features
    index = PolygonIndex([(f.name, f.geometry) for f in streets])
    for f in streets:
        assert index.locate(*f.representative_point) == f.name
    lngs = [f.representative_point[0] for f in streets]
    lats = [f.representative_point[1] for f in streets]
    assert index.locate_many(lngs, lats) == [f.name for f in streets]


@needs_shared
def test_streets_fall_in_their_district() -> None:
    districts = load_geojson(_shared("shenzhen_districts.geojson")).features
    streets = load_geojson(_shared("shenzhen_streets.geojson")).features
    index = PolygonIndex([(str(f.properties["adcode"]), f.geometry) for f in districts])
    points = np.array([f.representative_point for f in streets])
    found = index.locate_many(points[:, 0], points[:, 1])
    assert found == [f.properties["district_adcode"] for f in streets]


def _two_squares(left_key: object, right_key: object) -> list[tuple[object, Polygon]]:
    return [(left_key, box(0, 0, 1, 1)), (right_key, box(1, 0, 2, 1))]


def test_shared_boundary_goes_to_the_lowest_key() -> None:
    index = PolygonIndex(_two_squares("b", "a"))
    assert index.locate(1.0, 0.5) == "a"  # on the shared edge
    assert index.locate(1.0, 1.0) == "a"  # on a shared corner
    assert index.locate(0.0, 0.5) == "b"  # on an outer edge: still owned
    assert index.locate(0.5, 0.5) == "b"
    assert index.locate(1.5, 0.5) == "a"
    assert index.locate(5.0, 5.0) is None
    assert index.locate_many([1.0, 0.5, 5.0], [0.5, 0.5, 5.0]) == ["a", "b", None]
    ints = PolygonIndex(_two_squares(20, 10))
    assert ints.locate(1.0, 0.5) == 10


def test_incomparable_keys_fall_back_to_input_order() -> None:
    index = PolygonIndex(_two_squares(("t", 1), "s"))
    assert index.locate(1.0, 0.5) == ("t", 1)
    assert index.locate_many([1.0], [0.5]) == [("t", 1)]


def test_holes_and_multipolygons() -> None:
    donut = Polygon([(0, 0), (4, 0), (4, 4), (0, 4)], holes=[[(1, 1), (3, 1), (3, 3), (1, 3)]])
    islands = MultiPolygon([box(10, 0, 11, 1), box(12, 0, 13, 1)])
    index = PolygonIndex([("donut", donut), ("filling", box(1, 1, 3, 3)), ("islands", islands)])
    assert index.locate(0.5, 0.5) == "donut"
    assert index.locate(2, 2) == "filling"
    assert index.locate(12.5, 0.5) == "islands"
    assert index.locate(11.5, 0.5) is None


def test_locate_many_agrees_with_locate_on_a_large_batch() -> None:
    rng = np.random.default_rng(7)
    cells = [((r, c), box(c, r, c + 1, r + 1)) for r in range(10) for c in range(10)]
    index = PolygonIndex(cells)
    # more points than the spatial-ordering threshold, some on grid lines, some outside, a NaN
    x = np.round(rng.uniform(-1, 11, 6000), 1)
    y = np.round(rng.uniform(-1, 11, 6000), 1)
    x[0] = np.nan
    many = index.locate_many(x, y)
    assert many[0] is None
    assert many == [index.locate(float(a), float(b)) for a, b in zip(x, y, strict=True)]
    for a, b, got in zip(x[1:], y[1:], many[1:], strict=True):
        if a != int(a) and b != int(b):  # not on a grid line: exactly one cell or none
            inside = 0 < a < 10 and 0 < b < 10
            assert got == ((int(b), int(a)) if inside else None)
    idx = index.locate_indices(x, y)
    assert idx.dtype == np.intp and idx[0] == -1


def test_grid_point_on_lines_lowest_key() -> None:
    cells = [((r, c), box(c, r, c + 1, r + 1)) for r in range(3) for c in range(3)]
    index = PolygonIndex(cells)
    # a vertex shared by (0,0), (0,1), (1,0), (1,1): lowest key is (0, 0)
    assert index.locate(1.0, 1.0) == (0, 0)
    assert index.locate(2.0, 1.5) == (1, 1)


def test_index_repairs_invalid_and_rejects_non_polygons() -> None:
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    assert not bowtie.is_valid
    index = PolygonIndex([("bow", bowtie)])
    assert index.locate(0.2, 0.5) == "bow"
    assert index.locate(0.5, 0.2) is None  # the bow-tie has no area there
    with pytest.raises(ValueError):
        PolygonIndex([("line", LineString([(0, 0), (1, 1)]))])
    with pytest.raises(ValueError):
        PolygonIndex([("empty", Polygon())])


def test_empty_index_and_mismatched_input() -> None:
    index: PolygonIndex[str] = PolygonIndex([])
    assert len(index) == 0
    assert index.locate(1, 1) is None
    assert index.locate_many([1, 2], [1, 2]) == [None, None]
    with pytest.raises(ValueError):
        PolygonIndex(_two_squares("a", "b")).locate_many([1, 2], [1])
