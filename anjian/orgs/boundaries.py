"""Reading and checking boundary files before anything is stored.

A GIS office hands over districts, streets, communities or grids as GeoJSON or as a zipped ESRI
Shapefile (``.shp`` + ``.shx`` + ``.dbf``, often ``.prj`` and ``.cpg``). ``read_layer`` turns
either into the same list of repaired, valid polygons (through ``core.geo.load_geojson``, so the
ring repairs are the same for both), in WGS-84 whatever the file's coordinate system;
``check_layer`` then says, feature by feature, what would be created or updated and what is wrong:
missing or duplicate codes, a unit outside its parent, overlaps and gaps between siblings (with
their area). Nothing here writes; ``orgs.services.boundary_import_*`` store the checked result.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapefile  # pyshp
import shapely
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

from anjian.core.errors import DomainError
from anjian.core.geo import GeoJSONError, gcj02_to_wgs84, load_geojson
from anjian.orgs.models import Jurisdiction

CRS_CHOICES = ("wgs84", "cgcs2000", "gcj02")

#: a unit mostly outside its parent is refused (the wrong parent, or the wrong coordinate system); a
#: part outside it is reported with its area, as are overlaps and gaps between siblings: files from
#: different sources, or simplified to different tolerances, never fit exactly
OUTSIDE_PARENT_REFUSE = 0.5
OVERLAP_REPORT_KM2 = 0.01
GAP_REPORT_SHARE = 0.005

MAX_SHAPEFILE_MEMBERS = 64
MAX_UNCOMPRESSED = 256 * 1024 * 1024


@dataclass
class Finding:
    severity: str  # "error" refuses the whole import; "warning" is shown and stored with it
    zh: str
    en: str
    code: str = ""

    @property
    def text(self) -> str:
        return f"{self.zh} / {self.en}"


@dataclass
class LayerFeature:
    index: int
    code: str
    name: str
    parent_code: str
    geometry: BaseGeometry
    repaired: bool = False
    area_km2: float = 0.0
    action: str = "create"  # or "update"


@dataclass
class Layer:
    columns: list[str]
    features: list[LayerFeature] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    raw_properties: list[dict[str, Any]] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


def area_km2(geometry: BaseGeometry) -> float:
    """The area of a lon/lat geometry in km², on a local equal-area projection around its centre
    (Lambert azimuthal on the sphere): good to a fraction of a percent at the size of a city."""
    if geometry.is_empty:
        return 0.0
    c = geometry.centroid
    lon0, lat0 = math.radians(c.x), math.radians(c.y)
    radius_km = 6371.0088

    def project(coords: np.ndarray) -> np.ndarray:
        lon, lat = np.radians(coords[:, 0]), np.radians(coords[:, 1])
        cos_c = np.sin(lat0) * np.sin(lat) + np.cos(lat0) * np.cos(lat) * np.cos(lon - lon0)
        k = np.sqrt(2.0 / (1.0 + cos_c))
        x = k * np.cos(lat) * np.sin(lon - lon0)
        y = k * (np.cos(lat0) * np.sin(lat) - np.sin(lat0) * np.cos(lat) * np.cos(lon - lon0))
        return np.column_stack([x * radius_km, y * radius_km])

    return float(shapely.transform(geometry, project).area)


def _gcj02_to_wgs84(coords: np.ndarray) -> np.ndarray:
    out = np.empty_like(coords)
    for i, (lng, lat) in enumerate(coords):
        out[i] = gcj02_to_wgs84(float(lng), float(lat))
    return out


def _shapefile_collection(data: bytes) -> dict[str, Any]:
    """A zipped Shapefile as a GeoJSON FeatureCollection (attributes decoded with the ``.cpg``
    encoding, else UTF-8, else GBK — the two that Chinese GIS software writes)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise DomainError("不是有效的 zip 压缩包", "not a valid zip archive", field="file") from exc
    members = archive.infolist()
    if len(members) > MAX_SHAPEFILE_MEMBERS or sum(m.file_size for m in members) > MAX_UNCOMPRESSED:
        raise DomainError("压缩包过大或文件过多", "the archive is too large or has too many files", field="file")
    by_ext: dict[str, dict[str, zipfile.ZipInfo]] = {}
    for m in members:
        if m.is_dir() or "__MACOSX" in m.filename:
            continue
        stem, _, ext = m.filename.rpartition(".")
        by_ext.setdefault(ext.lower(), {})[stem] = m
    stems = sorted(by_ext.get("shp", {}))
    if len(stems) != 1:
        raise DomainError(
            "压缩包中应恰好有一个 .shp 文件" + (f"（有 {len(stems)} 个）" if stems else ""),
            f"the archive must hold exactly one .shp file (it has {len(stems)})", field="file",
        )
    stem = stems[0]
    missing = [ext for ext in ("shx", "dbf") if stem not in by_ext.get(ext, {})]
    if missing:
        raise DomainError(
            f"缺少与 .shp 同名的 {'、'.join('.' + e for e in missing)} 文件",
            f"the {', '.join('.' + e for e in missing)} file(s) beside the .shp are missing", field="file",
        )

    def read(ext: str) -> bytes:
        return archive.read(by_ext[ext][stem])

    encodings = ["utf-8", "gbk"]
    if stem in by_ext.get("cpg", {}):
        declared = read("cpg").decode("ascii", "ignore").strip().lower()
        declared = {"936": "gbk", "cp936": "gbk", "gb2312": "gbk", "65001": "utf-8", "utf8": "utf-8"}.get(declared, declared)
        if declared:
            encodings = [declared, *[e for e in encodings if e != declared]]
    prj = read("prj").decode("utf-8", "ignore") if stem in by_ext.get("prj", {}) else ""
    if prj.strip().upper().startswith("PROJCS"):
        raise DomainError(
            "该 Shapefile 使用投影坐标（.prj 为 PROJCS），请先在 GIS 软件中转换为经纬度（WGS-84 或 CGCS2000 地理坐标）",
            "the Shapefile uses projected coordinates (.prj is PROJCS): convert it to longitude/latitude "
            "(WGS-84 or CGCS2000 geographic) in GIS software first",
            field="file",
        )
    last_error: Exception | None = None
    for encoding in encodings:
        try:
            reader = shapefile.Reader(
                shp=io.BytesIO(read("shp")), shx=io.BytesIO(read("shx")), dbf=io.BytesIO(read("dbf")),
                encoding=encoding, encodingErrors="strict",
            )
            fields = [f[0] for f in reader.fields[1:]]
            features = []
            for rec in reader.iterShapeRecords():
                features.append({
                    "type": "Feature",
                    "properties": dict(zip(fields, rec.record, strict=False)),
                    "geometry": rec.shape.__geo_interface__ if rec.shape.shapeType != shapefile.NULL else None,
                })
            return {"type": "FeatureCollection", "features": features}
        except UnicodeDecodeError as exc:
            last_error = exc
        except (shapefile.ShapefileException, ValueError, IndexError, OSError) as exc:
            raise DomainError(f"无法读取 Shapefile：{exc}", f"the Shapefile cannot be read: {exc}", field="file") from exc
    raise DomainError(
        f"Shapefile 属性表的文字编码无法识别（试过 {', '.join(encodings)}）",
        f"the Shapefile's attribute encoding is not recognised (tried {', '.join(encodings)}): {last_error}",
        field="file",
    )


def read_layer(
    data: bytes,
    *,
    filename: str,
    code_column: str,
    name_column: str,
    parent_column: str = "",
    crs: str = "wgs84",
    need_codes: bool = True,
) -> Layer:
    """The file's polygons in WGS-84 with their code, name and parent code from the mapped
    columns; every feature that cannot be used is an error finding naming it. ``need_codes=False``
    keeps polygons without a code or name (one new part drawn elsewhere, 行政区划调整)."""
    if crs not in CRS_CHOICES:
        raise DomainError(f"未知坐标系：{crs}", f"unknown coordinate system: {crs}", field="crs")
    if filename.lower().endswith(".zip") or data[:4] == b"PK\x03\x04":
        source: bytes = json.dumps(_shapefile_collection(data), ensure_ascii=False).encode()
    else:
        source = data
    try:
        loaded = load_geojson(source)
    except GeoJSONError as exc:
        raise DomainError(exc.zh, exc.en, field="file") from exc
    columns: list[str] = []
    for f in loaded.features:
        for key in f.properties:
            if key not in columns:
                columns.append(key)
    layer = Layer(columns=columns)
    for p in loaded.problems:
        layer.findings.append(Finding(p.severity, f"{p.label}：{p.message_zh}", f"{p.label}: {p.message_en}", p.code or ""))
    for name, column in (("code", code_column), ("name", name_column)):
        if column and columns and column not in columns:
            raise DomainError(
                f"文件中没有「{column}」列；可选：{'、'.join(columns)}",
                f"the file has no column {column!r} for the {name}; it has: {', '.join(columns)}",
                field=f"{name}_column",
            )
    seen: dict[str, int] = {}
    for f in loaded.features:
        props = f.properties
        code = _text(props.get(code_column))
        name = _text(props.get(name_column))
        label = f"#{f.index} {name or ''}".strip()
        if (not code or not name) and need_codes:
            layer.findings.append(Finding(
                "error", f"{label}：缺少代码或名称", f"{label}: the code or the name is missing", code))
            continue
        if code and code in seen:
            layer.findings.append(Finding(
                "error", f"{label}：代码 {code} 与第 #{seen[code]} 个要素重复",
                f"{label}: code {code} repeats feature #{seen[code]}", code))
            continue
        seen[code] = f.index
        geometry: BaseGeometry = f.geometry
        if crs == "gcj02":
            geometry = shapely.make_valid(shapely.transform(geometry, _gcj02_to_wgs84))
        layer.features.append(LayerFeature(
            index=f.index, code=code, name=name, parent_code=_text(props.get(parent_column)) if parent_column else "",
            geometry=geometry, repaired=f.repaired, area_km2=round(area_km2(geometry), 3),
        ))
        layer.raw_properties.append(props)
    if not layer.features and not layer.errors:
        layer.findings.append(Finding("error", "文件中没有可导入的面要素", "the file has no polygon to import"))
    return layer


def _text(value: Any) -> str:
    if isinstance(value, dict):  # DataV.GeoAtlas files write the parent as {"adcode": 440300}
        value = value.get("adcode", value.get("code"))
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def check_layer(layer: Layer, *, level: int, parent: Jurisdiction) -> None:
    """Add the findings that need the tree: where each feature goes (create or update), parents
    by code, units outside their parent, overlaps and gaps between siblings."""
    codes = [f.code for f in layer.features]
    existing = {j.code: j for j in Jurisdiction.objects.filter(code__in=codes)}
    parent_codes = {f.parent_code for f in layer.features if f.parent_code} - set(codes)
    parents = {j.code: j for j in Jurisdiction.objects.filter(code__in=parent_codes)}
    parents[parent.code] = parent
    parent_geometry: dict[str, BaseGeometry | None] = {}
    for f in layer.features:
        target_parent_code = f.parent_code or parent.code
        p = parents.get(target_parent_code)
        if p is None:
            layer.findings.append(Finding(
                "error", f"{f.name}（{f.code}）：上级代码 {target_parent_code} 不存在",
                f"{f.name} ({f.code}): no parent with code {target_parent_code}", f.code))
            continue
        if not p.path.startswith(parent.path):
            layer.findings.append(Finding(
                "error", f"{f.name}（{f.code}）：上级 {p.name} 不在 {parent.name} 之内",
                f"{f.name} ({f.code}): parent {p.name} is not within {parent.name}", f.code))
            continue
        if p.level >= level:
            layer.findings.append(Finding(
                "error", f"{f.name}（{f.code}）：上级 {p.name} 的层级不高于所导入的层级",
                f"{f.name} ({f.code}): parent {p.name} does not sit above the imported level", f.code))
            continue
        old = existing.get(f.code)
        if old is not None:
            if old.level != level or (old.parent is not None and old.parent.code != p.code):
                layer.findings.append(Finding(
                    "error", f"{f.name}（{f.code}）：代码已用于 {old.full_name()}，层级或上级不同",
                    f"{f.name} ({f.code}): the code is already used by {old.name} at another level or parent",
                    f.code))
                continue
            f.action = "update"
        if p.code not in parent_geometry:
            parent_geometry[p.code] = shapely.from_geojson(p.boundary) if p.boundary else None
        pg = parent_geometry[p.code]
        if pg is not None and f.area_km2 > 0:
            outside = area_km2(f.geometry.difference(pg))
            share = outside / max(f.area_km2, 1e-9)
            if share > OUTSIDE_PARENT_REFUSE:
                layer.findings.append(Finding(
                    "error", f"{f.name}（{f.code}）：有 {share:.1%}（{outside:.2f} 平方公里）超出上级 {p.name}",
                    f"{f.name} ({f.code}): {share:.1%} ({outside:.2f} km²) lies outside its parent {p.name}",
                    f.code))
            elif outside > OVERLAP_REPORT_KM2:
                layer.findings.append(Finding(
                    "warning", f"{f.name}（{f.code}）：有 {share:.1%}（{outside:.2f} 平方公里）超出上级 {p.name}",
                    f"{f.name} ({f.code}): {share:.1%} ({outside:.2f} km²) lies outside its parent {p.name}",
                    f.code))
    _check_siblings(layer, parent=parent, parents=parents, parent_geometry=parent_geometry)


def _check_siblings(
    layer: Layer, *, parent: Jurisdiction, parents: dict[str, Jurisdiction],
    parent_geometry: dict[str, BaseGeometry | None],
) -> None:
    groups: dict[str, list[LayerFeature]] = {}
    for f in layer.features:
        groups.setdefault(f.parent_code or parent.code, []).append(f)
    for parent_code, members in groups.items():
        if len(members) > 1:
            tree = STRtree([m.geometry for m in members])
            left, right = tree.query([m.geometry for m in members], predicate="intersects")
            for i, j in zip(left.tolist(), right.tolist(), strict=True):
                if i >= j:
                    continue
                a, b = members[i], members[j]
                shared = area_km2(a.geometry.intersection(b.geometry))
                if shared > OVERLAP_REPORT_KM2:
                    layer.findings.append(Finding(
                        "warning", f"{a.name}（{a.code}）与 {b.name}（{b.code}）重叠 {shared:.2f} 平方公里",
                        f"{a.name} ({a.code}) and {b.name} ({b.code}) overlap by {shared:.2f} km²", a.code))
        pg = parent_geometry.get(parent_code)
        p = parents.get(parent_code)
        if pg is None or p is None:
            continue
        siblings_kept = Jurisdiction.objects.filter(parent=p).exclude(code__in=[m.code for m in members]).exclude(boundary="")
        cover = shapely.union_all([m.geometry for m in members] + [shapely.from_geojson(s.boundary) for s in siblings_kept])
        gap = area_km2(pg.difference(cover))
        total = area_km2(pg)
        if total and gap / total > GAP_REPORT_SHARE:
            layer.findings.append(Finding(
                "warning", f"{p.name} 内有 {gap:.2f} 平方公里（{gap / total:.1%}）不属于任何下级单位",
                f"{gap:.2f} km² ({gap / total:.1%}) of {p.name} belongs to none of its units", p.code))


def preview_collection(layer: Layer, *, limit: int = 5000) -> dict[str, Any]:
    """The checked features as GeoJSON for the preview map (coordinates rounded to ~1 m)."""
    flagged = {f.code for f in layer.findings if f.code}
    features = []
    for f in layer.features[:limit]:
        geometry = shapely.set_precision(f.geometry, 0.00001)
        features.append({
            "type": "Feature",
            "properties": {"code": f.code, "name": f.name, "action": f.action, "flagged": f.code in flagged,
                           "area_km2": f.area_km2},
            "geometry": json.loads(shapely.to_geojson(geometry)),
        })
    return {"type": "FeatureCollection", "features": features}


def guess_columns(columns: Sequence[str]) -> dict[str, str]:
    """The columns most likely to hold the code, name and parent code (the user can change them)."""
    lowered = {c.lower(): c for c in columns}

    def first(*names: str) -> str:
        for n in names:
            if n in lowered:
                return lowered[n]
        return ""

    return {
        "code_column": first("code", "adcode", "street_code", "xzqhdm", "qhdm", "dm", "gb", "id", "代码", "区划代码"),
        "name_column": first("name", "street_name", "xzqhmc", "qhmc", "mc", "名称", "name_zh"),
        "parent_column": first("parent", "parent_code", "parent_adcode", "sjdm", "上级代码"),
    }
