"""Writes for vehicles, their permits and geofences. One transaction each, with history and a
timeline event. Positions come in through ``anjian.vehicles.ingest``; alarms are
``monitoring.Alarm`` rows raised there (their lifecycle is monitoring's ``ALARM_WORKFLOW``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import shapely
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy, gettext_noop
from shapely.geometry import shape
from shapely.validation import make_valid

from anjian.audit.display import register_verbs
from anjian.audit.services import Msg, record_event
from anjian.core.errors import DomainError, NotAllowed
from anjian.core.periods import end_of_day
from anjian.core.scoping import can, scope_allows
from anjian.enterprises.models import Enterprise
from anjian.inbox import registry as due_registry
from anjian.inbox.models import DueState
from anjian.inbox.services import due_close, due_open
from anjian.rules import vehicles as rules
from anjian.vehicles.fences import fence_polygon
from anjian.vehicles.models import (
    CargoClass,
    Geofence,
    GeofenceKind,
    Permit,
    PermitKind,
    Vehicle,
    VehicleKind,
)

register_verbs([
    ("vehicle.permit_added", gettext_lazy("登记证件")),
    ("vehicle.permit_removed", gettext_lazy("注销证件")),
    ("vehicle.disabled", gettext_lazy("停用车辆")),
    ("vehicle.enabled", gettext_lazy("启用车辆")),
])

VEHICLE_FIELDS = ("plate", "kind", "cargo_class", "un_number", "cargo_name", "seats", "device_id", "route")
PLATE_RE = re.compile(r"^[\u4e00-\u9fff][A-Z][A-Z0-9]{4,6}[\u4e00-\u9fff]?$")
DEVICE_RE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


def _check_carrier(actor: Any, carrier: Enterprise) -> None:
    if actor is not None and not can(actor, "vehicles.change", carrier):
        raise NotAllowed("您无权维护该企业的车辆", "You may not maintain this enterprise's vehicles")


def _clean_vehicle(data: dict[str, Any], *, pk: int | None = None) -> dict[str, Any]:
    out = {k: data.get(k) for k in VEHICLE_FIELDS}
    plate = (out["plate"] or "").strip().upper().replace(" ", "")
    if not PLATE_RE.match(plate):
        raise DomainError("车牌号格式不正确（如 粤B12345）", "The plate is not valid (e.g. 粤B12345)", field="plate")
    out["plate"] = plate
    if out["kind"] not in VehicleKind.values:
        raise DomainError("请选择车辆类型", "Choose the vehicle kind", field="kind")
    device = (out["device_id"] or "").strip()
    if not DEVICE_RE.match(device):
        raise DomainError("车载终端编号为1至32位字母、数字、_ . -", "The device id has 1–32 letters, digits, _ . -",
                          field="device_id")
    out["device_id"] = device
    out["cargo_class"] = (out["cargo_class"] or "").strip()
    out["un_number"] = (out["un_number"] or "").strip()
    out["cargo_name"] = (out["cargo_name"] or "").strip()[:100]
    if out["kind"] == VehicleKind.HAZMAT:
        if out["cargo_class"] not in CargoClass.values:
            raise DomainError("危险货物运输车辆须填写危险货物类别", "A hazardous-goods vehicle needs the cargo class",
                              field="cargo_class")
        if out["un_number"] and not re.fullmatch(r"\d{4}", out["un_number"]):
            raise DomainError("联合国编号为4位数字", "The UN number has four digits", field="un_number")
    else:
        out["cargo_class"], out["un_number"], out["cargo_name"] = "", "", ""
    seats = out["seats"]
    if seats in ("", None):
        out["seats"] = None
    else:
        try:
            out["seats"] = int(seats)
        except (TypeError, ValueError) as exc:
            raise DomainError("核定载客须为整数", "Seats must be a whole number", field="seats") from exc
        if not 0 < out["seats"] < 200:
            raise DomainError("核定载客须在1至199之间", "Seats must be between 1 and 199", field="seats")
    route = out["route"]
    if route is not None and (route.kind != GeofenceKind.ROUTE or not route.enabled):
        raise DomainError("核定线路须为启用的线路围栏", "The route must be an enabled route geofence", field="route")
    clash = Vehicle.objects.filter(plate=plate)
    dev_clash = Vehicle.objects.filter(device_id=device)
    if pk is not None:
        clash, dev_clash = clash.exclude(pk=pk), dev_clash.exclude(pk=pk)
    if clash.exists():
        raise DomainError(f"车牌号 {plate} 已登记", f"Plate {plate} is already registered", field="plate")
    if dev_clash.exists():
        raise DomainError(f"车载终端 {device} 已绑定其他车辆", f"Device {device} belongs to another vehicle",
                          field="device_id")
    return out


@transaction.atomic
def vehicle_create(*, actor: Any, carrier: Enterprise, data: dict[str, Any]) -> Vehicle:
    _check_carrier(actor, carrier)
    clean = _clean_vehicle(data)
    vehicle = Vehicle(carrier=carrier, created_by=actor if getattr(actor, "pk", None) else None, **clean)
    vehicle._change_reason = gettext_noop("登记车辆")  # type: ignore[attr-defined]
    vehicle.save()
    record_event(vehicle, "created", actor=actor, summary=Msg(gettext_noop("登记车辆 {plate}"), plate=vehicle.plate))
    return vehicle


@transaction.atomic
def vehicle_update(*, actor: Any, vehicle: Vehicle, data: dict[str, Any], reason: str = "") -> Vehicle:
    _check_carrier(actor, vehicle.carrier)
    v = Vehicle.objects.select_for_update().select_related("carrier").get(pk=vehicle.pk)
    merged = {k: getattr(v, k) for k in VEHICLE_FIELDS}
    merged.update({k: val for k, val in data.items() if k in VEHICLE_FIELDS})
    clean = _clean_vehicle(merged, pk=v.pk)
    changed = [k for k in VEHICLE_FIELDS if getattr(v, k) != clean[k]]
    if not changed:
        return v
    for k in VEHICLE_FIELDS:
        setattr(v, k, clean[k])
    v._change_reason = reason or gettext_noop("修改车辆")  # type: ignore[attr-defined]
    v.save()
    record_event(v, "updated", actor=actor, note=reason,
                 summary=Msg(gettext_noop("修改车辆：{fields}"), fields=[Vehicle._meta.get_field(k).verbose_name for k in changed]),
                 data={"changed": changed})
    return v


@transaction.atomic
def vehicle_set_enabled(*, actor: Any, vehicle: Vehicle, enabled: bool, reason: str = "") -> Vehicle:
    """Stop (or resume) taking this vehicle's positions: sold, scrapped, off the road."""
    _check_carrier(actor, vehicle.carrier)
    if not enabled and not (reason or "").strip():
        raise DomainError("请说明停用原因", "Give the reason for disabling", field="reason")
    v = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    if v.enabled == enabled:
        return v
    v.enabled = enabled
    v._change_reason = gettext_noop("启用") if enabled else gettext_noop("停用")  # type: ignore[attr-defined]
    v.save(update_fields=["enabled"])
    record_event(v, "vehicle.enabled" if enabled else "vehicle.disabled", actor=actor, note=(reason or "").strip(),
                 summary=Msg(gettext_noop("启用车辆") if enabled else gettext_noop("停用车辆")))
    for p in _latest_permits(v):  # off the road: nothing to renew; back on it: the permits' to-dos again
        _permit_due(p)
    return v


@transaction.atomic
def permit_add(
    *, actor: Any, vehicle: Vehicle, kind: str, number: str, valid_from: dt.date | None, valid_until: dt.date | None
) -> Permit:
    _check_carrier(actor, vehicle.carrier)
    if kind not in PermitKind.values:
        raise DomainError("请选择证件类型", "Choose the permit kind", field="kind")
    number = (number or "").strip()
    if not number or len(number) > 64:
        raise DomainError("请填写证件编号（至多64个字符）", "Give the permit number (at most 64 characters)", field="number")
    if valid_from and valid_until and valid_until < valid_from:
        raise DomainError("有效期至不能早于有效期起", "The end of validity cannot precede its start", field="valid_until")
    permit = Permit(vehicle=vehicle, kind=kind, number=number, valid_from=valid_from, valid_until=valid_until)
    permit._change_reason = gettext_noop("登记证件")  # type: ignore[attr-defined]
    permit.save()
    _permit_due(permit)
    record_event(vehicle, "vehicle.permit_added", actor=actor,
                 summary=Msg(gettext_noop("登记{kind} {number}"), kind=PermitKind(kind).label, number=number))
    return permit


@transaction.atomic
def permit_remove(*, actor: Any, permit: Permit) -> None:
    vehicle = permit.vehicle
    _check_carrier(actor, vehicle.carrier)
    record_event(vehicle, "vehicle.permit_removed", actor=actor,
                 summary=Msg(gettext_noop("注销{kind} {number}"), kind=PermitKind(permit.kind).label, number=permit.number))
    due_close(permit, DUE_PERMIT_EXPIRY, state=DueState.CANCELLED)
    kind = permit.kind
    permit.delete()
    remaining = [p for p in _latest_permits(vehicle) if p.kind == kind]
    for p in remaining:  # the one it had replaced is the one to renew again
        _permit_due(p)


def permit_state(permit: Permit, today: dt.date) -> str:
    """``valid``, ``expired`` or ``future`` (rules.permit_valid, both ends included)."""
    if rules.permit_valid(today, permit.valid_from, permit.valid_until):
        return "valid"
    return "future" if permit.valid_from and today < permit.valid_from else "expired"


# =============================================================================================
# Geofences
# =============================================================================================

# The carrier renews a permit before it runs out (道路运输条例 Art. 37: a vehicle carries its valid 道路运输证);
# the to-do sits in the carrier's inbox from 30 days before the last valid day.
DUE_PERMIT_EXPIRY = "vehicles.permit_expiry"
due_registry.register(due_registry.DueKind(
    code=DUE_PERMIT_EXPIRY, label=gettext_lazy("车辆证件到期"), action="vehicles.change",
    closed_by=gettext_lazy("登记新的证件"), remind_before=dt.timedelta(days=30), escalate_after=dt.timedelta(days=1),
    escalate_every=dt.timedelta(days=7), max_level=1,
))


def _permit_due(permit: Permit) -> None:
    """The permit's expiry to-do in the carrier's inbox (none for a permit without an end, of a
    disabled vehicle, or already replaced by a later one of the same kind)."""
    vehicle = permit.vehicle
    later = (Permit.objects.filter(vehicle=vehicle, kind=permit.kind, valid_until__gt=permit.valid_until)
             .exclude(pk=permit.pk).exists() if permit.valid_until else False)
    if permit.valid_until is None or not vehicle.enabled or later:
        due_close(permit, DUE_PERMIT_EXPIRY, state=DueState.CANCELLED)
        return
    for older in Permit.objects.filter(vehicle=vehicle, kind=permit.kind, valid_until__lte=permit.valid_until) \
            .exclude(pk=permit.pk):
        due_close(older, DUE_PERMIT_EXPIRY)  # renewed
    carrier = vehicle.carrier
    with translation.override("zh-hans"):  # stored in Chinese, like every to-do's title
        title = f"{PermitKind(permit.kind).label}到期：{vehicle.plate}"
    due_open(permit, DUE_PERMIT_EXPIRY, title=title,
             due_at=end_of_day(permit.valid_until), url=reverse("vehicles:detail", args=[vehicle.pk]),
             owner_enterprise=carrier, owner_jurisdiction=carrier.jurisdiction, sector=carrier.sector)


def _latest_permits(vehicle: Vehicle) -> list[Permit]:
    latest: dict[str, Permit] = {}
    for p in vehicle.permits.filter(valid_until__isnull=False).order_by("kind", "-valid_until", "-id"):
        latest.setdefault(p.kind, p)
    return list(latest.values())


GEOFENCE_FIELDS = ("name", "kind", "geometry", "corridor_m", "windows", "vehicle_kinds", "speed_limit_kmh")
MAX_VERTICES = 5000


def parse_windows_text(text: str) -> list[list[str]]:
    """``"07:00-09:00，22:00-06:00"`` → ``[["07:00", "09:00"], ["22:00", "06:00"]]``."""
    out: list[list[str]] = []
    for part in re.split(r"[,，;；\s]+", (text or "").strip()):
        if not part:
            continue
        bits = re.split(r"[-–~～至]", part)
        if len(bits) != 2:
            raise DomainError(f"时段「{part}」格式应为 08:00-18:00", f"The window “{part}” should look like 08:00-18:00",
                              field="windows")
        out.append([bits[0].strip(), bits[1].strip()])
    return out


def _clean_geofence(data: dict[str, Any]) -> dict[str, Any]:
    out = {k: data.get(k) for k in GEOFENCE_FIELDS}
    out["name"] = (out["name"] or "").strip()
    if not out["name"] or len(out["name"]) > 100:
        raise DomainError("请填写名称（至多100个字符）", "Give the name (at most 100 characters)", field="name")
    if out["kind"] not in GeofenceKind.values:
        raise DomainError("请选择围栏类型", "Choose the geofence kind", field="kind")
    geometry = out["geometry"]
    if not isinstance(geometry, dict):
        raise DomainError("请在地图上画出范围", "Draw the area on the map", field="geometry")
    allowed = ("Polygon", "MultiPolygon", "LineString", "MultiLineString") if out["kind"] == GeofenceKind.ROUTE else (
        "Polygon", "MultiPolygon")
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, NotImplementedError, shapely.errors.ShapelyError) as exc:
        raise DomainError("范围不是有效的GeoJSON几何", "The area is not a valid GeoJSON geometry", field="geometry") from exc
    if geom.geom_type not in allowed or geom.is_empty:
        raise DomainError("禁行或限速区域须为面；线路可为线或面", "A no-go or speed zone is a polygon; a route a line or polygon",
                          field="geometry")
    if shapely.get_num_coordinates(geom) > MAX_VERTICES:
        raise DomainError(f"范围至多 {MAX_VERTICES} 个顶点", f"At most {MAX_VERTICES} vertices", field="geometry")
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise DomainError("坐标超出经纬度范围", "Coordinates outside longitude/latitude range", field="geometry")
    if geom.geom_type in ("Polygon", "MultiPolygon") and not geom.is_valid:
        geom = make_valid(geom)  # a bow-tie drawn by hand: its two triangles
        polys = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")]
        if not polys:
            raise DomainError("范围自相交，无法修复", "The area intersects itself and cannot be repaired", field="geometry")
        geom = shapely.union_all(polys)
    out["geometry"] = shapely.geometry.mapping(geom)
    out["geometry"] = {"type": out["geometry"]["type"], "coordinates": _lists(out["geometry"]["coordinates"])}
    try:
        corridor = int(out["corridor_m"] if out["corridor_m"] not in (None, "") else 200)
    except (TypeError, ValueError) as exc:
        raise DomainError("走廊宽度须为整数（米）", "The corridor width must be whole metres", field="corridor_m") from exc
    if not 10 <= corridor <= 5000:
        raise DomainError("走廊宽度须在10至5000米之间", "The corridor width must be 10–5000 m", field="corridor_m")
    out["corridor_m"] = corridor
    windows = out["windows"] or []
    if isinstance(windows, str):
        windows = parse_windows_text(windows)
    try:
        out["windows"] = [[rules.parse_window(w)[0].strftime("%H:%M"), rules.parse_window(w)[1].strftime("%H:%M")]
                          for w in windows]
    except (ValueError, TypeError) as exc:
        raise DomainError("时段格式应为 08:00-18:00，起止不能相同", "Windows look like 08:00-18:00, start ≠ end",
                          field="windows") from exc
    kinds = list(out["vehicle_kinds"] or [])
    if any(k not in VehicleKind.values for k in kinds):
        raise DomainError("未知的车辆类型", "Unknown vehicle kind", field="vehicle_kinds")
    out["vehicle_kinds"] = sorted(set(kinds))
    limit = out["speed_limit_kmh"]
    if limit in ("", None):
        out["speed_limit_kmh"] = None
    else:
        try:
            out["speed_limit_kmh"] = float(limit)
        except (TypeError, ValueError) as exc:
            raise DomainError("限速须为数字", "The speed limit must be a number", field="speed_limit_kmh") from exc
        if not 5 <= out["speed_limit_kmh"] <= 150:
            raise DomainError("限速须在5至150公里/小时之间", "The speed limit must be 5–150 km/h", field="speed_limit_kmh")
    if out["kind"] == GeofenceKind.SPEED and out["speed_limit_kmh"] is None:
        raise DomainError("限速区域须填写限速", "A speed zone needs its limit", field="speed_limit_kmh")
    try:
        area = fence_polygon(out["geometry"], corridor)  # buildable, as the ingester will build it
    except (ValueError, TypeError, shapely.errors.ShapelyError) as exc:
        raise DomainError("范围无法用于判定", "The area cannot be used for checks", field="geometry") from exc
    if area.is_empty or area.area <= 0:
        raise DomainError("范围面积为零", "The area is empty", field="geometry")
    return out


def _lists(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_lists(v) for v in value]
    return round(float(value), 7)


def _check_territory(actor: Any, jurisdiction: Any) -> None:
    if actor is not None and not scope_allows(actor, "vehicles.manage", jurisdiction=jurisdiction):
        raise NotAllowed("您无权在该辖区设置电子围栏", "You may not set geofences in this jurisdiction")


@transaction.atomic
def geofence_create(*, actor: Any, jurisdiction: Any, data: dict[str, Any]) -> Geofence:
    _check_territory(actor, jurisdiction)
    clean = _clean_geofence(data)
    fence = Geofence(jurisdiction=jurisdiction, created_by=actor if getattr(actor, "pk", None) else None, **clean)
    fence._change_reason = gettext_noop("新建电子围栏")  # type: ignore[attr-defined]
    fence.save()
    record_event(fence, "created", actor=actor,
                 summary=Msg(gettext_noop("新建{kind}「{name}」"), kind=GeofenceKind(fence.kind).label, name=fence.name))
    return fence


@transaction.atomic
def geofence_update(*, actor: Any, fence: Geofence, data: dict[str, Any], reason: str = "") -> Geofence:
    f = Geofence.objects.select_for_update().select_related("jurisdiction").get(pk=fence.pk)
    if actor is not None and not can(actor, "vehicles.manage", f):
        raise NotAllowed("您无权修改该电子围栏", "You may not change this geofence")
    merged = {k: getattr(f, k) for k in GEOFENCE_FIELDS}
    merged.update({k: v for k, v in data.items() if k in GEOFENCE_FIELDS})
    clean = _clean_geofence(merged)
    if f.kind == GeofenceKind.ROUTE and clean["kind"] != GeofenceKind.ROUTE and f.vehicles.exists():
        raise DomainError("该线路已分配给车辆，不能改为其他类型", "Vehicles use this route; its kind cannot change",
                          field="kind")
    changed = [k for k in GEOFENCE_FIELDS if getattr(f, k) != clean[k]]
    if not changed:
        return f
    for k in GEOFENCE_FIELDS:
        setattr(f, k, clean[k])
    f._change_reason = reason or gettext_noop("修改电子围栏")  # type: ignore[attr-defined]
    f.save()
    record_event(f, "updated", actor=actor, note=reason,
                 summary=Msg(gettext_noop("修改：{fields}"), fields=[Geofence._meta.get_field(k).verbose_name for k in changed]),
                 data={"changed": changed})
    return f


@transaction.atomic
def geofence_set_enabled(*, actor: Any, fence: Geofence, enabled: bool) -> Geofence:
    f = Geofence.objects.select_for_update().get(pk=fence.pk)
    if actor is not None and not can(actor, "vehicles.manage", f):
        raise NotAllowed("您无权修改该电子围栏", "You may not change this geofence")
    if f.enabled == enabled:
        return f
    f.enabled = enabled
    f._change_reason = gettext_noop("启用") if enabled else gettext_noop("停用")  # type: ignore[attr-defined]
    f.save(update_fields=["enabled"])
    record_event(f, "updated", actor=actor, summary=Msg(gettext_noop("启用") if enabled else gettext_noop("停用")))
    return f


def vehicle_kinds_label(kinds: Sequence[str]) -> str:
    return "、".join(str(VehicleKind(k).label) for k in kinds if k in VehicleKind.values)
