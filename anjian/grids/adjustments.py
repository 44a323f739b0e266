"""行政区划调整 as a workflow: split a street in two, merge two streets into one.

Each adjustment has a preview (``split_preview``, ``merge_preview``: nothing is stored) that says
what the units become, which lower units change parent, which enterprises would move and how many
of their open records go with them; and a commit (``split_commit``, ``merge_commit``) that, in one
transaction, changes the units (a new unit created with its checked code and boundary, or the
absorbed unit retired — kept for history, never deleted), records the ``Adjustment`` with its
audit events, and starts the reassignment job (``grids.reassign`` with ``params["adjustment"]``).
A merger also moves the grants scoped to the retired unit to the unit that absorbed it
(``accounts.services.memberships_follow_unit``, each audited). The job moves the enterprises and their open records all at once, shows its progress and keeps a
report of what moved (counts per kind and a downloadable list). Renaming needs no move: records
point at the unit, whose code stays (``orgs.adjust.jurisdiction_rename``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import shapely
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_noop
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from anjian.accounts.models import Membership
from anjian.accounts.services import memberships_follow_unit
from anjian.audit.services import Msg, record_event
from anjian.core.errors import DomainError, NotAllowed
from anjian.enterprises.follow import follower_labels, followers
from anjian.enterprises.models import Enterprise
from anjian.grids.models import Adjustment, AdjustmentKind
from anjian.inbox.models import DueItem, DueState
from anjian.jobs.services import job_start
from anjian.orgs.boundaries import area_km2, read_layer
from anjian.orgs.models import Department, Jurisdiction, JurisdictionLevel
from anjian.orgs.services import invalidate_locator, jurisdiction_create, jurisdiction_set_boundary

#: a new part mostly outside the street it is cut from is refused (the wrong street or file)
SPLIT_INSIDE_SHARE = 0.95
#: a lower unit goes with the part holding most of it; one cut across is reported
CHILD_STRADDLE = (0.02, 0.98)
MIN_PART_KM2 = 0.01
PREVIEW_LIST = 50


@dataclass
class Preview:
    """What an adjustment would do; nothing is stored."""

    kind: str
    unit: Jurisdiction
    other: Jurisdiction | None
    new_name: str = ""
    new_code: str = ""
    geometry: BaseGeometry | None = None  # split: the new part; merge: the union
    rest: BaseGeometry | None = None  # split: what the street keeps
    children: list[Jurisdiction] = field(default_factory=list)  # change parent
    warnings: list[str] = field(default_factory=list)
    enterprises: list[tuple[int, str, str]] = field(default_factory=list)  # (id, name, from unit)
    enterprises_total: int = 0
    no_coordinates: int = 0
    records: dict[str, int] = field(default_factory=dict)  # follower code -> open records
    todos: int = 0
    memberships: int = 0

    def records_labelled(self) -> list[tuple[str, int]]:
        labels = follower_labels()
        return [(labels[k], v) for k, v in self.records.items()]

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "unit": self.unit.code, "other": self.other.code if self.other else self.new_code,
            "new_name": self.new_name, "children": [c.code for c in self.children], "warnings": self.warnings,
            "enterprises_total": self.enterprises_total, "no_coordinates": self.no_coordinates,
            "enterprises": [{"id": pk, "name": name, "from": unit} for pk, name, unit in self.enterprises],
            "records": self.records, "todos": self.todos, "memberships": self.memberships,
            "area_km2": round(area_km2(self.geometry), 3) if self.geometry is not None else None,
            "rest_area_km2": round(area_km2(self.rest), 3) if self.rest is not None else None,
        }


def geometry_from_upload(data: bytes, filename: str, crs: str) -> BaseGeometry:
    """The polygon(s) of an uploaded boundary file, repaired and in WGS-84, as one geometry."""
    limit = settings.BOUNDARY_MAX_BYTES
    if len(data) > limit:
        raise DomainError(f"文件过大（上限 {limit // 1048576} MB）", f"The file is too large ({limit // 1048576} MB at most)",
                          field="file")
    layer = read_layer(data, filename=filename, code_column="", name_column="", crs=crs or "wgs84", need_codes=False)
    parts = [f.geometry for f in layer.features if f.geometry is not None]
    if not parts:
        problems = "；".join(f.zh for f in layer.findings if f.severity == "error")[:300]
        raise DomainError(f"文件中没有可用的面{('：' + problems) if problems else ''}", "The file holds no usable polygon",
                          field="file")
    return shapely.union_all(parts)


def _geometry(j: Jurisdiction) -> BaseGeometry | None:
    return shapely.from_geojson(j.boundary) if j.boundary else None


def _require(actor: Any, *units: Jurisdiction) -> None:
    """The actor changes the units and their parent (creating or retiring a sibling)."""
    if actor is None:
        return
    pks = {u.pk for u in units}
    if Jurisdiction.objects.restrict(actor, "orgs.change").filter(pk__in=pks).count() != len(pks):
        raise NotAllowed("您无权调整该辖区", "You may not adjust this jurisdiction")


def _check_unit(j: Jurisdiction) -> None:
    if not j.is_active:
        raise DomainError(f"{j.name} 已撤销，不能再调整", f"{j.name} is retired", field="unit")
    if j.parent_id is None or j.level <= JurisdictionLevel.DISTRICT:
        raise DomainError("只能拆分或合并街道、社区、网格", "Only streets, communities and grids can be split or merged",
                          field="unit")


def _polygonal(g: BaseGeometry) -> BaseGeometry:
    if isinstance(g, Polygon | MultiPolygon):
        return g
    parts = [p for p in getattr(g, "geoms", []) if isinstance(p, Polygon | MultiPolygon)]
    return shapely.union_all(parts) if parts else Polygon()


def _moving(preview: Preview, area: Q, *, inside: BaseGeometry | None) -> list[int]:
    """Which enterprises would change unit: those of ``area`` whose coordinates lie in ``inside``
    (a split: the new part, before it exists), or all of ``area`` (a merger)."""
    rows = list(Enterprise.objects.filter(area).order_by("id").values_list("id", "name", "lng", "lat",
                                                                            "jurisdiction__name"))
    moving: list[tuple[int, str, str]] = []
    for pk, name, lng, lat, unit_name in rows:
        has_xy = lng is not None and lat is not None
        if not has_xy:
            preview.no_coordinates += 1
        if inside is None or (has_xy and inside.covers(shapely.Point(lng, lat))):
            moving.append((pk, name, unit_name))
    preview.enterprises_total = len(moving)
    preview.enterprises = moving[:PREVIEW_LIST]
    return [pk for pk, _n, _u in moving]


def _records(qs_filter: Any) -> dict[str, int]:
    return {f.code: qs_filter(f).count() for f in followers()}


def split_preview(*, actor: Any, unit: Jurisdiction, geometry: BaseGeometry, name: str, code: str) -> Preview:
    """Cut ``geometry`` (the new unit, as drawn or imported) out of ``unit``. Refused: a part
    mostly outside the unit, an empty remainder, a code already used (also by a retired unit) or
    not of the unit's form, a name already used under the parent."""
    _require(actor, unit)
    _check_unit(unit)
    parent = unit.parent
    assert parent is not None
    _require(actor, parent)
    name, code = name.strip(), code.strip()
    if not name:
        raise DomainError("请填写新单位名称", "The new unit's name is required", field="name")
    if not code:
        raise DomainError("请填写新单位的区划代码", "The new unit's code is required", field="code")
    if Jurisdiction.objects.filter(code=code).exists():
        raise DomainError(f"区划代码 {code} 已被使用（含已撤销单位）", f"Code {code} is already used (retired units too)",
                          field="code")
    if unit.code.startswith(parent.code) and (not code.startswith(parent.code) or len(code) != len(unit.code)
                                              or code.isdigit() != unit.code.isdigit()):
        raise DomainError(f"区划代码应以上级代码 {parent.code} 开头，共 {len(unit.code)} 位（同 {unit.code}）",
                          f"The code must start with the parent's {parent.code} and have {len(unit.code)} characters",
                          field="code")
    if Jurisdiction.objects.filter(parent=parent, name=name, is_active=True).exists():
        raise DomainError(f"{parent.name} 下已有名为 {name} 的单位", f"{parent.name} already has a unit named {name}",
                          field="name")
    whole = _geometry(unit)
    if whole is None:
        raise DomainError(f"{unit.name} 没有边界，请先导入或绘制其边界", f"{unit.name} has no boundary yet", field="unit")
    drawn = area_km2(geometry)
    part = _polygonal(geometry.intersection(whole))
    if drawn <= 0 or area_km2(part) < drawn * SPLIT_INSIDE_SHARE:
        outside = max(drawn - area_km2(part), 0)
        raise DomainError(f"新单位有 {outside:.2f} 平方公里在 {unit.name} 之外，请检查边界",
                          f"{outside:.2f} km² of the new unit lie outside {unit.name}", field="geometry")
    rest = _polygonal(whole.difference(part))
    if area_km2(part) < MIN_PART_KM2 or area_km2(rest) < MIN_PART_KM2:
        raise DomainError(f"拆分后 {unit.name} 或新单位的面积过小（不足 0.01 平方公里）",
                          f"After the split {unit.name} or the new unit is too small", field="geometry")
    preview = Preview(kind=AdjustmentKind.SPLIT, unit=unit, other=None, new_name=name, new_code=code,
                      geometry=part, rest=rest)
    for child in Jurisdiction.objects.filter(parent=unit, is_active=True).exclude(boundary="").order_by("code"):
        g = shapely.from_geojson(child.boundary)
        share = area_km2(g.intersection(part)) / max(area_km2(g), 1e-12)
        if share > 0.5:
            preview.children.append(child)
        if CHILD_STRADDLE[0] < share < CHILD_STRADDLE[1]:
            preview.warnings.append(
                f"{child.name}（{child.code}）跨越新边界，{share:.0%} 在新单位内，归属{'新单位' if share > 0.5 else unit.name}")
    ids = _moving(preview, Q(jurisdiction__path__startswith=unit.path), inside=part)
    stays = Q()
    for child in preview.children:
        stays |= Q(path__startswith=child.path)
    staying = Jurisdiction.objects.filter(stays) if preview.children else Jurisdiction.objects.none()
    preview.records = _records(lambda f: f.queryset().filter(**{"enterprise_id__in": ids,
                                                                f"{f.field}__path__startswith": unit.path})
                               .exclude(**{f"{f.field}__in": staying}))
    preview.todos = DueItem.objects.filter(state=DueState.OPEN, owner_jurisdiction__in=preview.children).count()
    return preview


def merge_preview(*, actor: Any, unit: Jurisdiction, other: Jurisdiction) -> Preview:
    """``unit`` absorbs ``other`` (a sibling of the same level): the union boundary, ``other``'s
    lower units under ``unit``, its enterprises, open records and to-dos to ``unit``."""
    _require(actor, unit, other)
    _check_unit(unit)
    _check_unit(other)
    if unit.pk == other.pk:
        raise DomainError("请选择另一个单位", "Choose another unit", field="other")
    if unit.parent_id != other.parent_id or unit.level != other.level:
        raise DomainError("只能合并同一上级下的同级单位", "Only units of the same level under the same parent can merge",
                          field="other")
    parts = [g for g in (_geometry(unit), _geometry(other)) if g is not None]
    union = _polygonal(shapely.union_all(parts)) if parts else None
    preview = Preview(kind=AdjustmentKind.MERGE, unit=unit, other=other, geometry=union)
    preview.children = list(Jurisdiction.objects.filter(parent=other, is_active=True).order_by("code"))
    if union is not None and len(parts) == 2 and isinstance(union, MultiPolygon):
        preview.warnings.append(f"{unit.name} 与 {other.name} 不相邻，合并后为不连续的多块区域")
    _moving(preview, Q(jurisdiction__path__startswith=other.path), inside=None)
    preview.records = _records(lambda f: f.queryset().filter(**{f.field: other}))
    preview.todos = DueItem.objects.filter(state=DueState.OPEN, owner_jurisdiction=other).count()
    preview.memberships = Membership.objects.filter(jurisdiction=other, is_active=True).count()
    if preview.memberships:
        preview.warnings.append(f"{other.name} 的 {preview.memberships} 项授权将转到 {unit.name}（同一用户、角色和有效期），"
                                "请在合并后于“用户与授权”中复核")
    departments = Department.objects.filter(jurisdiction=other).count()
    if departments:
        preview.warnings.append(f"{other.name} 有 {departments} 个部门，合并后仍属已撤销的 {other.name}，"
                                "请在“部门与职责”中调整其所属辖区或停用")
    return preview


def _reparent(*, actor: Any, child: Jurisdiction, parent: Jurisdiction, reason: str) -> None:
    """Move ``child`` and its subtree under ``parent`` (paths rewritten; history and audit kept)."""
    old_prefix = child.path
    new_prefix = f"{parent.path}{child.code}/"
    old_parent = child.parent
    for d in Jurisdiction.objects.select_for_update().filter(path__startswith=old_prefix).order_by("depth"):
        d.path = new_prefix + d.path[len(old_prefix):]
        if d.pk == child.pk:
            d.parent = parent
        d._change_reason = reason[:100]  # type: ignore[attr-defined]
        d.save(update_fields=["path", "parent"])
    record_event(child, "reparented", actor=actor, note=reason,
                 summary=Msg(gettext_noop("改变上级辖区：{old} → {new}"), old=old_parent.name if old_parent else "",
                             new=parent.name))


def _start(*, actor: Any, adjustment: Adjustment) -> Adjustment:
    title = (gettext_noop("行政区划调整（拆分）后重新归属") if adjustment.kind == AdjustmentKind.SPLIT
             else gettext_noop("行政区划调整（合并）后重新归属"))
    adjustment.job = job_start("grids.reassign", actor=actor, title=title, params={"adjustment": adjustment.pk})
    adjustment.save(update_fields=["job"])
    return adjustment


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise DomainError("请填写调整依据（如区划调整批复文号）", "Give the reason (e.g. the decision's number)", field="reason")
    return reason[:300]


@transaction.atomic
def split_commit(*, actor: Any, unit: Jurisdiction, geometry: BaseGeometry, name: str, code: str,
                 reason: str) -> Adjustment:
    """Split ``unit``: the new unit with the drawn part, ``unit`` keeps the rest, lower units in the
    new part change parent; then the reassignment job moves enterprises and their open records."""
    reason = _reason(reason)
    unit = Jurisdiction.objects.select_for_update().get(pk=unit.pk)
    preview = split_preview(actor=actor, unit=unit, geometry=geometry, name=name, code=code)
    assert unit.parent is not None and preview.rest is not None
    new = jurisdiction_create(actor=actor, code=preview.new_code, name=preview.new_name, level=unit.level,
                              parent=unit.parent, geometry=preview.geometry)
    jurisdiction_set_boundary(actor=actor, jurisdiction=unit, geometry=preview.rest, reason=f"拆分：{reason}"[:500])
    for child in preview.children:
        _reparent(actor=actor, child=child, parent=new, reason=f"拆分：{reason}")
    adjustment = Adjustment.objects.create(kind=AdjustmentKind.SPLIT, parent=unit.parent, unit=unit, other=new,
                                           reason=reason, children_moved=[c.code for c in preview.children],
                                           created_by=actor if getattr(actor, "pk", None) else None)
    summary = Msg(gettext_noop("街道拆分：{unit} 拆出 {new}（{code}）"), unit=unit.name, new=new.name, code=new.code)
    for obj in (unit, new, adjustment):
        record_event(obj, "unit_split", actor=actor, note=reason, summary=summary,
                     data={"unit": unit.code, "new": new.code, "children": [c.code for c in preview.children],
                           "warnings": preview.warnings})
    invalidate_locator()
    return _start(actor=actor, adjustment=adjustment)


@transaction.atomic
def merge_commit(*, actor: Any, unit: Jurisdiction, other: Jurisdiction, reason: str) -> Adjustment:
    """``unit`` absorbs ``other``: union boundary, ``other``'s lower units under ``unit``, ``other``
    retired (kept for history and its code reserved); then the job moves enterprises, open records
    and to-dos."""
    reason = _reason(reason)
    locked = {j.pk: j for j in Jurisdiction.objects.select_for_update().filter(pk__in=[unit.pk, other.pk])}
    unit, other = locked.get(unit.pk, unit), locked.get(other.pk, other)
    preview = merge_preview(actor=actor, unit=unit, other=other)
    assert unit.parent is not None
    if preview.geometry is not None:
        jurisdiction_set_boundary(actor=actor, jurisdiction=unit, geometry=preview.geometry, reason=f"合并：{reason}"[:500])
    for child in preview.children:
        _reparent(actor=actor, child=child, parent=unit, reason=f"合并：{reason}")
    other.is_active = False
    gettext_noop("合并后撤销")  # the change reason below, shown in the reader's language (audit.display)
    other._change_reason = f"合并后撤销：{reason}"[:100]  # type: ignore[attr-defined]
    other.save(update_fields=["is_active"])
    record_event(other, "unit_retired", actor=actor, note=reason,
                 summary=Msg(gettext_noop("{name} 并入 {into}，撤销（保留历史）"), name=other.name, into=unit.name))
    grants = memberships_follow_unit(actor=actor, old=other, new=unit, reason=reason)
    adjustment = Adjustment.objects.create(kind=AdjustmentKind.MERGE, parent=unit.parent, unit=unit, other=other,
                                           reason=reason, children_moved=[c.code for c in preview.children],
                                           created_by=actor if getattr(actor, "pk", None) else None)
    summary = Msg(gettext_noop("街道合并：{other} 并入 {unit}"), unit=unit.name, other=other.name)
    for obj in (unit, adjustment):
        record_event(obj, "unit_merged", actor=actor, note=reason, summary=summary,
                     data={"unit": unit.code, "other": other.code, "children": [c.code for c in preview.children],
                           "memberships": [m.pk for m in grants]})
    invalidate_locator()
    return _start(actor=actor, adjustment=adjustment)
