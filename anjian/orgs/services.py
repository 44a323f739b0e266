"""Writes for jurisdictions, departments and routes; point-in-polygon assignment; routing."""

from __future__ import annotations

import csv
import json
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import shapely
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.db.models.deletion import Collector, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext_noop

from anjian.audit.services import Msg, record_event
from anjian.core.errors import DomainError, NotAllowed
from anjian.core.geo import PolygonIndex, load_geojson
from anjian.orgs.boundaries import check_layer, read_layer
from anjian.orgs.models import (
    BoundaryImport,
    BoundaryImportStatus,
    Department,
    Duty,
    Jurisdiction,
    JurisdictionLevel,
    Sector,
    SectorRoute,
)
from anjian.orgs.risk import DEFAULT_INHERENT_RISK
from anjian.rules import gb4754


def _path_for(code: str, parent: Jurisdiction | None) -> str:
    return f"{parent.path if parent else '/'}{code}/"


def _bounds_fields(geometry: Any) -> dict[str, Any]:
    if geometry is None or geometry.is_empty:
        return {"boundary": "", "min_lng": None, "min_lat": None, "max_lng": None, "max_lat": None,
                "center_lng": None, "center_lat": None}
    import shapely  # heavy optional library: imported on use

    minx, miny, maxx, maxy = geometry.bounds
    inner = geometry.point_on_surface()
    return {
        "boundary": shapely.to_geojson(geometry),
        "min_lng": minx,
        "min_lat": miny,
        "max_lng": maxx,
        "max_lat": maxy,
        "center_lng": inner.x,
        "center_lat": inner.y,
    }


@transaction.atomic
def jurisdiction_create(
    *,
    actor: Any,
    code: str,
    name: str,
    level: int,
    parent: Jurisdiction | None,
    geometry: Any = None,
    name_en: str = "",
    is_synthetic: bool = False,
) -> Jurisdiction:
    code = code.strip()
    if not code or "/" in code:
        raise DomainError("区划代码不能为空且不能含“/”", "The code must be non-empty and contain no '/'", field="code")
    if parent is not None and level <= parent.level:
        raise DomainError("下级辖区的层级必须低于上级", "A child must sit below its parent's level", field="level")
    if Jurisdiction.objects.filter(code=code).exists():
        raise DomainError(f"区划代码 {code} 已存在", f"Code {code} already exists", field="code")
    j = Jurisdiction.objects.create(
        code=code,
        name=name.strip(),
        name_en=name_en,
        level=level,
        parent=parent,
        path=_path_for(code, parent),
        depth=(parent.depth + 1) if parent else 0,
        is_synthetic=is_synthetic,
        **_bounds_fields(geometry),
    )
    record_event(j, "created", actor=actor, summary=Msg(gettext_noop("新建辖区 {name}（{code}）"), name=j.name, code=j.code))
    invalidate_locator()
    return j


@transaction.atomic
def jurisdiction_set_boundary(*, actor: Any, jurisdiction: Jurisdiction, geometry: Any, reason: str = "") -> Jurisdiction:
    j = Jurisdiction.objects.select_for_update().get(pk=jurisdiction.pk)
    for key, value in _bounds_fields(geometry).items():
        setattr(j, key, value)
    j._change_reason = reason or gettext_noop("更新边界")  # type: ignore[attr-defined]
    j.save()
    record_event(j, "boundary_changed", actor=actor, summary=Msg(gettext_noop("更新辖区边界 {name}"), name=j.name), note=reason)
    invalidate_locator()
    return j


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    problems: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def jurisdiction_import_geojson(
    *,
    actor: Any,
    source: bytes | str,
    level: int,
    parent: Jurisdiction,
    code_property: Sequence[str] = ("code", "adcode", "street_code", "id"),
    name_property: Sequence[str] = ("name", "NAME", "street_name"),
    parent_property: str | None = None,
    code_fallback: Callable[[dict[str, Any]], str] | None = None,
    name_fallback: Callable[[dict[str, Any]], str] | None = None,
) -> ImportReport:
    """Load jurisdictions from a GeoJSON FeatureCollection (UTF-8 BOM tolerated, invalid polygons
    repaired and reported). Existing codes get their boundary updated; new ones are created under
    ``parent`` (or under the jurisdiction whose code is in ``parent_property``). All or nothing.

    ``code_fallback``/``name_fallback`` give a code or name to a feature whose properties have
    none (e.g. a unit without an official code); each use is listed in ``problems``."""

    if isinstance(source, str) and source.lstrip("\ufeff \t\r\n").startswith("{"):
        source = source.encode("utf-8")  # GeoJSON text (a str that is not a path)
    loaded = load_geojson(source)
    report = ImportReport(problems=[f"{p.message_zh} / {p.message_en}" for p in loaded.problems])

    def pick(props: dict[str, Any], keys: Sequence[str]) -> str:
        for key in keys:
            if props.get(key) not in (None, ""):
                return str(props[key]).strip()
        return ""

    with transaction.atomic():
        for index, feature in enumerate(loaded.features):
            props = feature.properties
            code, name = pick(props, code_property), pick(props, name_property)
            if not code and code_fallback is not None and (code := code_fallback(props).strip()):
                report.problems.append(f"第{index + 1}个要素无代码，使用 {code} / feature {index + 1} has no code: using {code}")
            if not name and name_fallback is not None and (name := name_fallback(props).strip()):
                report.problems.append(f"第{index + 1}个要素无名称，使用「{name}」 / feature {index + 1} has no name: using {name!r}")
            if not code or not name:
                report.errors.append(f"第{index + 1}个要素缺少代码或名称 / feature {index + 1} lacks a code or name")
                continue
            this_parent = parent
            if parent_property and props.get(parent_property):
                this_parent = Jurisdiction.objects.filter(code=str(props[parent_property])).first() or parent
            existing = Jurisdiction.objects.filter(code=code).first()
            if existing is not None:
                jurisdiction_set_boundary(actor=actor, jurisdiction=existing, geometry=feature.geometry, reason="GeoJSON导入")
                report.updated += 1
            else:
                jurisdiction_create(
                    actor=actor, code=code, name=name, level=level, parent=this_parent, geometry=feature.geometry
                )
                report.created += 1
        if report.errors:
            transaction.set_rollback(True)
            report.created = report.updated = 0
    return report


# --- locating points ---------------------------------------------------------------------

_locator_lock = threading.Lock()
_locator: dict[str, Any] = {"key": None, "index": None}


def invalidate_locator() -> None:
    with _locator_lock:
        _locator["key"] = None
        _locator["index"] = None


def _locator_key() -> tuple[Any, ...]:
    agg = Jurisdiction.objects.exclude(boundary="").aggregate(m=Max("id"))
    return (agg["m"], Jurisdiction.objects.exclude(boundary="").count(), Jurisdiction.history.aggregate(m=Max("history_id"))["m"])


def _leaf_index() -> Any:
    """An STRtree over the deepest boundaries: each point goes to the smallest unit containing it."""
    from shapely import from_geojson  # heavy optional library: imported on use


    key = _locator_key()
    with _locator_lock:
        if _locator["key"] == key and _locator["index"] is not None:
            return _locator["index"]
    rows = list(
        Jurisdiction.objects.exclude(boundary="").filter(is_active=True).values_list("id", "depth", "boundary")
    )
    # Deepest first: PolygonIndex resolves overlaps (a grid inside its community) to the first key
    # in sort order, so we give deeper units smaller sort keys.
    items = [((-depth, pk), from_geojson(boundary)) for pk, depth, boundary in rows]
    index = PolygonIndex(items) if items else None
    with _locator_lock:
        _locator["key"] = key
        _locator["index"] = index
    return index


def locate_jurisdiction_ids(points: Sequence[tuple[float, float]]) -> list[int | None]:
    """The id of the deepest jurisdiction containing each (lng, lat) WGS-84 point, or None."""
    index = _leaf_index()
    if index is None or not points:
        return [None] * len(points)
    keys = index.locate_many([p[0] for p in points], [p[1] for p in points])
    return [key[1] if key is not None else None for key in keys]


def locate_jurisdiction(lng: float, lat: float) -> Jurisdiction | None:
    (pk,) = locate_jurisdiction_ids([(lng, lat)])
    return Jurisdiction.objects.filter(pk=pk).first() if pk else None


# --- sector routing ----------------------------------------------------------------------


def route_department(sector: Sector | None, jurisdiction: Jurisdiction | None) -> tuple[Department | None, str]:
    """The supervising department for a sector at a place, with the rule that chose it.

    Most specific wins: the sector itself before its section; a route bound to the nearest
    jurisdiction up the tree before a farther one, and before the city-wide default.
    """
    if sector is None:
        return None, "未指定行业，未路由 / no sector, not routed"
    sector_chain = sector.chain()
    jur_codes = [c for c in (jurisdiction.path.strip("/").split("/") if jurisdiction else []) if c]
    routes = list(
        SectorRoute.objects.filter(sector__in=sector_chain)
        .filter(Q(jurisdiction__isnull=True) | Q(jurisdiction__code__in=jur_codes))
        .select_related("department", "jurisdiction", "sector")
    )
    if not routes:
        return None, f"行业 {sector.code} 无路由规则 / no route for sector {sector.code}"

    def rank(route: SectorRoute) -> tuple[int, int]:
        sector_rank = next(i for i, s in enumerate(sector_chain) if s.pk == route.sector_id)
        depth = jur_codes.index(route.jurisdiction.code) if route.jurisdiction_id else -1
        return (sector_rank, -depth)

    best = min(routes, key=rank)
    where = best.jurisdiction.name if best.jurisdiction_id else "全市默认"
    return best.department, f"行业 {best.sector.code} {best.sector.name} @ {where} → {best.department.name}"


def _require_org_scope(actor: Any, jurisdiction: Jurisdiction | None) -> None:
    """The actor maintains departments and routes (``orgs.change``) at this place: inside their
    territory, or city-wide for ``None`` (a city-wide default route)."""
    if actor is None:
        return
    qs = Jurisdiction.objects.restrict(actor, "orgs.change")
    if jurisdiction is None:
        root = Jurisdiction.objects.filter(parent__isnull=True).first()
        allowed = root is not None and qs.filter(pk=root.pk).exists()
    else:
        allowed = qs.filter(pk=jurisdiction.pk).exists()
    if not allowed:
        raise NotAllowed("该辖区不在您的管理范围内", "That jurisdiction is outside what you maintain")


@transaction.atomic
def route_set(*, actor: Any, sector: Sector, department: Department, jurisdiction: Jurisdiction | None = None, note: str = "") -> SectorRoute:
    """Which department regulates ``sector`` at ``jurisdiction`` (city-wide when None). Both the
    place and the department must be within the actor's territory."""
    _require_org_scope(actor, jurisdiction)
    _require_org_scope(actor, department.jurisdiction)
    route, _created = SectorRoute.objects.update_or_create(
        sector=sector, jurisdiction=jurisdiction, defaults={"department": department, "note": note}
    )
    record_event(
        route, "route_set", actor=actor,
        summary=Msg(gettext_noop("行业路由：{code} {sector} → {department}（{place}）") if jurisdiction
                    else gettext_noop("行业路由：{code} {sector} → {department}"), code=sector.code, sector=sector.name,
                    department=department.name, place=jurisdiction.name if jurisdiction else ""),
    )
    return route


@transaction.atomic
def department_create(
    *, actor: Any, name: str, kind: str, jurisdiction: Jurisdiction, sectors: Iterable[Sector] = (),
    short_name: str = "", doc_abbr: str = "", name_en: str = "",
) -> Department:
    _require_org_scope(actor, jurisdiction)
    name = name.strip()
    if not name:
        raise DomainError("请填写部门名称", "The department's name is required", field="name")
    if Department.objects.filter(jurisdiction=jurisdiction, name=name).exists():
        raise DomainError("同一辖区内部门名称不能重复", "Department names must be unique within a jurisdiction", field="name")
    dept = Department.objects.create(
        name=name, kind=kind, jurisdiction=jurisdiction, short_name=short_name, doc_abbr=doc_abbr, name_en=name_en
    )
    dept.sectors.set(list(sectors))
    record_event(dept, "created", actor=actor, summary=Msg(gettext_noop("新建部门 {name}"), name=name))
    return dept


@transaction.atomic
def department_update(
    *, actor: Any, department: Department, name: str, kind: str, sectors: Iterable[Sector], short_name: str = "",
    doc_abbr: str = "", name_en: str = "", is_active: bool = True,
) -> Department:
    dept = Department.objects.select_for_update().get(pk=department.pk)
    _require_org_scope(actor, dept.jurisdiction)
    name = name.strip()
    if not name:
        raise DomainError("请填写部门名称", "The department's name is required", field="name")
    if Department.objects.filter(jurisdiction=dept.jurisdiction, name=name).exclude(pk=dept.pk).exists():
        raise DomainError("同一辖区内部门名称不能重复", "Department names must be unique within a jurisdiction", field="name")
    dept.name, dept.kind, dept.short_name, dept.doc_abbr, dept.name_en, dept.is_active = (
        name, kind, short_name.strip(), doc_abbr.strip(), name_en.strip(), is_active)
    dept._change_reason = gettext_noop("修改部门信息")  # type: ignore[attr-defined]
    dept.save()
    dept.sectors.set(list(sectors))
    record_event(dept, "updated", actor=actor, summary=Msg(gettext_noop("修改部门 {name}"), name=name))
    return dept


@transaction.atomic
def duty_set(
    *, actor: Any, department: Department, year: int, text: str, post: str = "", basis: str = "",
) -> Duty:
    """Publish the duties of a department (or of one of its posts) for a year: a new version; the
    previous one stays, no longer current."""
    _require_org_scope(actor, department.jurisdiction)
    text, post, basis = text.strip(), post.strip(), basis.strip()
    if not text:
        raise DomainError("请填写职责内容", "The duties are required", field="text")
    if not 2000 <= year <= 2100:
        raise DomainError("年度不正确", "The year is not valid", field="year")
    current = (Duty.objects.select_for_update()
               .filter(department=department, year=year, post=post, is_current=True).first())
    version = 1
    if current is not None:
        if current.text == text and current.basis == basis:
            return current
        version = current.version + 1
        current.is_current = False
        current.save(update_fields=["is_current"])
    duty = Duty.objects.create(department=department, year=year, post=post, text=text, basis=basis, version=version,
                               created_by=actor if actor else None)
    record_event(department, "duty_set", actor=actor, summary=Msg(
        gettext_noop("{year}年安全生产职责（{post}）第{version}版"), year=year, post=post or department.name,
        version=version))
    return duty


def sectors_load_gb4754() -> int:
    """Load GB/T 4754-2017 (idempotent): every section, division, group and class. Returns the
    number of rows.

    Codes, names and the hierarchy come from ``rules.gb4754`` (the standard's table, down to the
    4-digit classes); the English names of sections and divisions from ``data/gb4754_2017.csv``.
    New rows are created in bulk; a row whose name or parent changed is updated;
    a locally set inherent colour is kept."""

    text = resources.files("anjian.orgs").joinpath("data/gb4754_2017.csv").read_text(encoding="utf-8")
    english = {row["code"]: row["name_en"] for row in csv.DictReader(text.splitlines())}
    table = gb4754.industries()
    by_code: dict[str, Sector] = {s.code: s for s in Sector.objects.all()}
    with transaction.atomic():
        # Sections and divisions first, in the standard's order (the rows the table held before
        # it knew groups and classes keep their order of creation), then groups, then classes.
        for levels in (("section", "division"), ("group",), ("class",)):
            new: list[Sector] = []
            changed: list[Sector] = []
            for ind in table.values():
                if ind.level not in levels:
                    continue
                if ind.parent and ind.parent not in by_code:  # parent created in this same pass
                    Sector.objects.bulk_create(new, batch_size=500)
                    for obj in Sector.objects.filter(code__in=[s.code for s in new]):
                        by_code[obj.code] = obj
                    new = []
                parent = by_code[ind.parent] if ind.parent else None
                path = f"{parent.path if parent else '/'}{ind.code}/"
                name_en = english.get(ind.code, "")
                obj = by_code.get(ind.code)
                if obj is None:
                    new.append(Sector(code=ind.code, name=ind.name, name_en=name_en, parent=parent, path=path,
                                      inherent_risk=DEFAULT_INHERENT_RISK.get(ind.code, "")))
                elif (obj.name, obj.name_en, obj.parent_id, obj.path) != (
                        ind.name, name_en or obj.name_en, parent.pk if parent else None, path):
                    obj.name, obj.name_en, obj.parent, obj.path = ind.name, name_en or obj.name_en, parent, path
                    changed.append(obj)
            if new:
                Sector.objects.bulk_create(new, batch_size=500)
                for obj in Sector.objects.filter(code__in=[s.code for s in new]):
                    by_code[obj.code] = obj
            for obj in changed:
                obj.save(update_fields=["name", "name_en", "parent", "path"])
    return len(table)


def level_label(level: int) -> str:
    return str(JurisdictionLevel(level).label)


def geometry_of(jurisdiction: Jurisdiction) -> Any:
    from shapely import from_geojson  # heavy optional library: imported on use

    return from_geojson(jurisdiction.boundary) if jurisdiction.boundary else None


def boundary_feature(jurisdiction: Jurisdiction) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"id": jurisdiction.pk, "code": jurisdiction.code, "name": jurisdiction.name, "level": jurisdiction.level},
        "geometry": json.loads(jurisdiction.boundary) if jurisdiction.boundary else None,
    }


# --- boundary files: preview, commit as one batch, undo ------------------------------------


def _require_orgs_change(actor: Any, parent: Jurisdiction) -> None:
    if actor is None:
        return
    if not Jurisdiction.objects.restrict(actor, "orgs.change").filter(pk=parent.pk).exists():
        raise NotAllowed("您无权维护该辖区的边界", "You may not change the boundaries under this jurisdiction")


@transaction.atomic
def boundary_import_preview(
    *, actor: Any, data: bytes, filename: str, level: int, parent: Jurisdiction, crs: str,
    code_column: str, name_column: str, parent_column: str = "",
) -> BoundaryImport:
    """Read and check a boundary file; store the checked result for the preview page. Nothing
    in the territory tree changes until ``boundary_import_commit``."""
    _require_orgs_change(actor, parent)
    if level <= parent.level:
        raise DomainError("导入的层级必须低于上级辖区", "The imported level must sit below the parent", field="level")
    layer = read_layer(data, filename=filename, code_column=code_column, name_column=name_column,
                       parent_column=parent_column, crs=crs)
    check_layer(layer, level=level, parent=parent)
    batch = BoundaryImport.objects.create(
        filename=filename[:200], level=level, parent=parent, crs=crs, created_by=actor if actor else None,
        mapping={"code_column": code_column, "name_column": name_column, "parent_column": parent_column,
                 "columns": layer.columns},
        features=[
            {"code": f.code, "name": f.name, "parent_code": f.parent_code, "action": f.action,
             "area_km2": f.area_km2, "repaired": f.repaired, "geometry": json.loads(shapely.to_geojson(f.geometry))}
            for f in layer.features
        ],
        findings=[{"severity": f.severity, "zh": f.zh, "en": f.en, "code": f.code} for f in layer.findings],
    )
    batch.source.save(f"boundary-{batch.pk}{Path(filename).suffix.lower()[:8]}", ContentFile(data), save=True)
    record_event(batch, "previewed", actor=actor,
                 summary=Msg(gettext_noop("上传边界文件 {file}：{n} 个要素，{errors} 个错误"), file=batch.filename,
                             n=len(layer.features), errors=len(layer.errors)))
    return batch


@transaction.atomic
def boundary_import_commit(*, actor: Any, batch: BoundaryImport) -> BoundaryImport:
    """Store a previewed file as one batch: new units created, existing ones' boundaries
    replaced (the previous boundary kept in ``changes`` for undo). All or nothing."""
    batch = BoundaryImport.objects.select_for_update().get(pk=batch.pk)
    _require_orgs_change(actor, batch.parent)
    if batch.status != BoundaryImportStatus.PREVIEWED:
        raise DomainError("该文件已经处理过", "This file has already been handled")
    if batch.error_count:
        raise DomainError(f"文件有 {batch.error_count} 处错误，请改正后重新上传",
                          f"The file has {batch.error_count} errors: correct them and upload it again")
    changes: list[dict[str, Any]] = []
    created: dict[str, Jurisdiction] = {}
    for f in batch.features:
        geometry = shapely.from_geojson(json.dumps(f["geometry"]))
        existing = Jurisdiction.objects.filter(code=f["code"]).first()
        if existing is not None:
            changes.append({"code": f["code"], "action": "updated", "previous": existing.boundary,
                            "previous_name": existing.name})
            updated = jurisdiction_set_boundary(actor=actor, jurisdiction=existing, geometry=geometry,
                                                reason=f"边界导入 {batch.filename}")
            if existing.name != f["name"]:
                Jurisdiction.objects.filter(pk=existing.pk).update(name=f["name"])
            changes[-1]["boundary"] = updated.boundary
            continue
        parent_code = f["parent_code"] or batch.parent.code
        parent = created.get(parent_code) or Jurisdiction.objects.get(code=parent_code)
        j = jurisdiction_create(actor=actor, code=f["code"], name=f["name"], level=batch.level, parent=parent,
                                geometry=geometry)
        created[j.code] = j
        changes.append({"code": j.code, "action": "created", "boundary": j.boundary})
    batch.changes = changes
    batch.status = BoundaryImportStatus.COMMITTED
    batch.committed_at = timezone.now()
    batch.save(update_fields=["changes", "status", "committed_at"])
    n_new = sum(1 for c in changes if c["action"] == "created")
    record_event(batch, "committed", actor=actor,
                 summary=Msg(gettext_noop("导入边界 {file}：新建 {new} 个，更新 {updated} 个"), file=batch.filename, new=n_new,
                             updated=len(changes) - n_new))
    record_event(batch.parent, "boundaries_imported", actor=actor,
                 summary=Msg(gettext_noop("导入下级边界 {file}：新建 {new} 个，更新 {updated} 个"), file=batch.filename,
                             new=n_new, updated=len(changes) - n_new))
    invalidate_locator()
    return batch


def _only_itself(j: Jurisdiction) -> bool:
    """Whether deleting ``j`` would delete nothing but it and its own history rows."""
    collector = Collector(using="default")
    try:
        collector.collect([j])
    except ProtectedError:
        return False
    for model, objs in collector.data.items():
        if model is Jurisdiction:
            if any(o.pk != j.pk for o in objs):
                return False
        elif not model.__name__.startswith("Historical") and objs:
            return False
    return not any(qs.exists() for qs in collector.fast_deletes if not qs.model.__name__.startswith("Historical"))


@transaction.atomic
def boundary_import_undo(*, actor: Any, batch: BoundaryImport) -> BoundaryImport:
    """Undo a committed batch: units it created removed, units it updated given their previous
    boundary back — refused (nothing changed) when anything else has used or changed them since."""
    batch = BoundaryImport.objects.select_for_update().get(pk=batch.pk)
    _require_orgs_change(actor, batch.parent)
    if batch.status != BoundaryImportStatus.COMMITTED:
        raise DomainError("只能撤销已导入的批次", "Only an imported batch can be undone")
    codes = {c["code"] for c in batch.changes}
    for other in BoundaryImport.objects.filter(status=BoundaryImportStatus.COMMITTED, pk__gt=batch.pk):
        if codes & {c["code"] for c in other.changes}:
            raise DomainError(f"之后的导入（{other.filename}）又修改了这些辖区，请先撤销它",
                              f"A later import ({other.filename}) changed these units: undo it first")
    by_code = {j.code: j for j in Jurisdiction.objects.select_for_update().filter(code__in=codes)}
    blocked: list[str] = []
    for c in batch.changes:
        j = by_code.get(c["code"])
        if j is None:
            blocked.append(c["code"])
        elif j.boundary != c["boundary"] or (c["action"] == "created" and not _only_itself(j)):
            blocked.append(f"{j.name}（{j.code}）")
    if blocked:
        raise DomainError(
            f"以下辖区在导入后已被使用或修改，无法撤销：{'、'.join(blocked[:10])}",
            f"These units have been used or changed since the import, so it cannot be undone: {', '.join(blocked[:10])}",
        )
    for c in sorted(batch.changes, key=lambda c: -len(by_code[c["code"]].path)):  # children before parents
        j = by_code[c["code"]]
        if c["action"] == "created":
            j.delete()
        else:
            jurisdiction_set_boundary(
                actor=actor, jurisdiction=j,
                geometry=shapely.from_geojson(c["previous"]) if c["previous"] else None,
                reason=f"撤销边界导入 {batch.filename}",
            )
            if c.get("previous_name") and c["previous_name"] != j.name:
                Jurisdiction.objects.filter(pk=j.pk).update(name=c["previous_name"])
    batch.status = BoundaryImportStatus.UNDONE
    batch.undone_at = timezone.now()
    batch.save(update_fields=["status", "undone_at"])
    record_event(batch, "undone", actor=actor, summary=Msg(gettext_noop("撤销边界导入 {file}"), file=batch.filename))
    record_event(batch.parent, "boundaries_import_undone", actor=actor, summary=Msg(gettext_noop("撤销下级边界导入 {file}"), file=batch.filename))
    invalidate_locator()
    return batch


def boundary_import_remap(
    *, actor: Any, batch: BoundaryImport, code_column: str, name_column: str, parent_column: str = ""
) -> BoundaryImport:
    """Check the same file again with another column mapping: a new preview replaces this one."""
    if batch.status != BoundaryImportStatus.PREVIEWED or not batch.source:
        raise DomainError("该文件已经处理过", "This file has already been handled")
    with batch.source.open("rb") as fh:
        data = fh.read()
    with transaction.atomic():
        fresh = boundary_import_preview(
            actor=actor, data=data, filename=batch.filename, level=batch.level, parent=batch.parent, crs=batch.crs,
            code_column=code_column, name_column=name_column, parent_column=parent_column,
        )
        boundary_import_discard(actor=actor, batch=batch)
    return fresh


@transaction.atomic
def boundary_import_discard(*, actor: Any, batch: BoundaryImport) -> BoundaryImport:
    batch = BoundaryImport.objects.select_for_update().get(pk=batch.pk)
    _require_orgs_change(actor, batch.parent)
    if batch.status != BoundaryImportStatus.PREVIEWED:
        raise DomainError("该文件已经处理过", "This file has already been handled")
    batch.status = BoundaryImportStatus.DISCARDED
    batch.features = []
    batch.save(update_fields=["status", "features"])
    record_event(batch, "discarded", actor=actor, summary=Msg(gettext_noop("放弃边界文件 {file}"), file=batch.filename))
    return batch
