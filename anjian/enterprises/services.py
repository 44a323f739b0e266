"""Writes for the enterprise registry. Every write: one transaction, row history, timeline."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, router, transaction
from django.db.models import Max
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_noop

from anjian.audit.display import register_renderer
from anjian.audit.models import Event
from anjian.audit.services import Msg, actor_label, record_event
from anjian.core.bulk import insert_new
from anjian.core.errors import DomainError, InvalidTransition, NotAllowed, NotFoundInScope
from anjian.core.geo import gcj02_to_wgs84
from anjian.core.middleware import current_request_id
from anjian.core.scoping import can, grants_of, scope_allows
from anjian.enterprises.models import (
    FLAGS,
    ChangeRequestStatus,
    Enterprise,
    EnterpriseChangeRequest,
    EnterpriseStatus,
    Licence,
)
from anjian.enterprises.risk import initial_risk_factory, schedule_recompute
from anjian.inbox import registry as due_registry
from anjian.inbox.services import due_close, due_open
from anjian.orgs.models import Jurisdiction, JurisdictionLevel, Sector, SectorRoute
from anjian.orgs.services import locate_jurisdiction, route_department
from anjian.rules.risk import RiskColour
from anjian.rules.uscc import InvalidUSCC, validate_uscc

LICENCE_EXPIRY = due_registry.register(
    due_registry.DueKind(
        code="enterprises.licence_expiry",
        label="证照到期",
        action="enterprises.change",
        closed_by="延续",
        remind_before=dt.timedelta(days=30),
        escalate_after=dt.timedelta(days=7),
    )
)

CHANGE_REQUEST = due_registry.register(
    due_registry.DueKind(
        code="enterprises.change_request",
        label="企业信息变更审核",
        action="enterprises.change",
        closed_by="批准、驳回",
        escalate_after=dt.timedelta(days=3),
    )
)
CHANGE_REQUEST_DAYS = 5

# The fields that decide who supervises an enterprise and how closely: changed by the
# supervising units, or proposed by the enterprise (``change_request_submit``) and approved.
SUPERVISION = ("sector", "status", "lng", "lat", "flags")

EDITABLE = (
    "name", "credit_code", "kind", "sector", "size", "employees", "status", "address", "lng", "lat",
    "principal", "principal_phone", "safety_manager", "safety_manager_phone", "flags",
)


@dataclass(frozen=True)
class Placement:
    jurisdiction: Jurisdiction
    lng: float | None
    lat: float | None


def normalise_point(lng: float | None, lat: float | None, *, crs: str = "wgs84") -> tuple[float | None, float | None]:
    """WGS-84 coordinates from input that may be GCJ-02 (what Chinese map apps give)."""
    if lng is None or lat is None:
        return None, None
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise DomainError("经纬度超出范围", "Longitude/latitude out of range", field="lng")
    if crs == "gcj02":
        return gcj02_to_wgs84(lng, lat)
    if crs != "wgs84":
        raise DomainError(f"不支持的坐标系 {crs}", f"Unsupported coordinate system {crs}", field="crs")
    return lng, lat


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    out["name"] = (out.get("name") or "").strip()
    if not out["name"]:
        raise DomainError("单位名称不能为空", "The name is required", field="name")
    code = (out.get("credit_code") or "").strip()
    if code:
        try:
            out["credit_code"] = validate_uscc(code)
        except InvalidUSCC as exc:
            raise DomainError(exc.zh, exc.en, field="credit_code") from exc
    flags = out.get("flags") or []
    unknown = [f for f in flags if f not in FLAGS]
    if unknown:
        raise DomainError(f"未知的监管标识：{unknown}", f"Unknown flags: {unknown}", field="flags")
    out["flags"] = sorted(set(flags))
    return out


def _place(data: dict[str, Any], jurisdiction: Jurisdiction | None) -> Jurisdiction:
    """The jurisdiction: from the point when there is one, else the one given."""
    if data.get("lng") is not None and data.get("lat") is not None:
        located = locate_jurisdiction(data["lng"], data["lat"])
        if located is not None:
            return located
        if jurisdiction is None:
            raise DomainError(
                "坐标不在任何辖区边界内，请指定属地", "The point lies outside every boundary: choose a jurisdiction", field="lng"
            )
    if jurisdiction is None:
        raise DomainError("请填写坐标或指定属地", "Give coordinates or a jurisdiction", field="jurisdiction")
    return jurisdiction


@transaction.atomic
def enterprise_create(*, actor: Any, data: dict[str, Any], jurisdiction: Jurisdiction | None = None) -> Enterprise:
    data = _clean(data)
    place = _place(data, jurisdiction)
    sector: Sector | None = data.get("sector")
    if actor is not None and not scope_allows(actor, "enterprises.add", jurisdiction=place, sector=sector):
        raise NotAllowed("您无权在该辖区/行业新增企业", "You may not add enterprises there")
    if data.get("credit_code") and Enterprise.objects.filter(credit_code=data["credit_code"]).exists():
        raise DomainError(
            f"统一社会信用代码 {data['credit_code']} 已存在", f"Credit code {data['credit_code']} already exists",
            field="credit_code",
        )
    department, rule = route_department(sector, place)
    ent = Enterprise(jurisdiction=place, department=department, **{k: v for k, v in data.items() if k in EDITABLE})

    ent.risk_colour, ent.risk_explanation = initial_risk_factory()(ent)  # sector inherent risk and flags
    ent.risk_computed_at = timezone.now()
    ent._change_reason = "新建"  # type: ignore[attr-defined]
    ent.save()
    record_event(ent, "created", actor=actor, summary=Msg(gettext_noop("建档：{name}"), name=ent.name), data={"routing": rule, "jurisdiction": place.code})
    return ent


def supervises(actor: Any, enterprise: Enterprise, action: str = "enterprises.change") -> bool:
    """Whether ``actor`` holds ``action`` over the enterprise as one of its supervising units
    (territory, sector department, or the department it is routed to) — not merely as the
    enterprise itself. ``None`` (the system) supervises everything."""

    if actor is None:
        return True
    if scope_allows(actor, action, jurisdiction=enterprise.jurisdiction, sector=enterprise.sector):
        return True
    if enterprise.department_id is None or not getattr(actor, "is_authenticated", False):
        return False
    path = enterprise.jurisdiction.path if enterprise.jurisdiction_id else ""
    return any(
        g.allows(action) and g.enterprise_id is None and g.department_id == enterprise.department_id
        and (g.is_citywide or (g.territory_path is not None and path.startswith(g.territory_path)))
        for g in grants_of(actor)
    )


def supervision_refusal() -> NotAllowed:
    """The 403 for a caller who is not a supervising unit changing a ``SUPERVISION`` field or
    the place: the enterprise proposes it with a change request instead."""
    return NotAllowed(
        "属地、坐标、行业、经营状态和监管标识由监管部门修改；如需变更，请提交变更申请",
        "Place, coordinates, sector, status and flags are changed by the regulator: submit a change request",
    )


@transaction.atomic
def enterprise_update(*, actor: Any, enterprise: Enterprise, data: dict[str, Any], reason: str = "") -> Enterprise:
    """Change the record. The ``SUPERVISION`` fields and the place are changed only by a
    supervising unit (``supervises``); the enterprise proposes them with a change request. A
    supervisor cannot move the enterprise out of their own scope (the destination is checked)."""
    if actor is not None and not can(actor, "enterprises.change", enterprise):
        raise NotAllowed("您无权修改该企业档案", "You may not change this enterprise")
    ent = Enterprise.objects.select_for_update().select_related("jurisdiction").get(pk=enterprise.pk)
    is_supervisor = supervises(actor, ent)
    merged = {k: getattr(ent, k) for k in EDITABLE}
    merged.update({k: v for k, v in data.items() if k in EDITABLE})
    cleaned = _clean(merged)
    if cleaned.get("credit_code") and Enterprise.objects.filter(credit_code=cleaned["credit_code"]).exclude(pk=ent.pk).exists():
        raise DomainError("统一社会信用代码已存在", "Credit code already exists", field="credit_code")
    moved = (cleaned.get("lng"), cleaned.get("lat")) != (ent.lng, ent.lat)
    changed = [k for k in EDITABLE if getattr(ent, k) != cleaned.get(k)]
    relocated = "jurisdiction" in data and data["jurisdiction"] is not None and data["jurisdiction"] != ent.jurisdiction
    guarded = [k for k in SUPERVISION if k in changed] + (["jurisdiction"] if relocated else [])
    if guarded and not is_supervisor:
        raise supervision_refusal()
    for key in EDITABLE:
        setattr(ent, key, cleaned.get(key))
    notes = {}
    if moved or "jurisdiction" in data:
        ent.jurisdiction = _place(cleaned, data.get("jurisdiction") or ent.jurisdiction)
        changed.append("jurisdiction")
    if "sector" in changed or "jurisdiction" in changed:
        ent.department, notes["routing"] = route_department(ent.sector, ent.jurisdiction)
    if guarded and actor is not None and not supervises(actor, ent):
        raise NotAllowed(
            "修改后该企业将不在您的管辖范围内，请由上级或目标辖区/部门办理",
            "After this change the enterprise would be outside your scope: ask the superior or receiving unit",
        )
    if not changed:
        return ent
    ent.updated_at = timezone.now()
    ent._change_reason = reason or gettext_noop("修改档案")  # type: ignore[attr-defined]
    ent.save()
    record_event(ent, "updated", actor=actor, note=reason, data={**notes, "changed": changed},
                 summary=Msg(gettext_noop("修改档案：{fields}"),
                             fields=[Enterprise._meta.get_field(k).verbose_name for k in changed]))
    if "flags" in changed or "sector" in changed:
        schedule_recompute(ent.pk)
    return ent


def _render_risk_change(event: Any) -> str | None:
    """A ``risk_changed`` event in the reader's language, from the colours it stored."""

    if not (get_language() or "").startswith("en"):
        return None
    data = event.data or {}

    def name(value: Any) -> str:
        try:
            return RiskColour(value).label_en
        except ValueError:
            return gettext("未评定")

    return gettext("风险等级 {old} → {new}").format(old=name(data.get("from")), new=name(data.get("to")))


register_renderer(r"risk_changed", _render_risk_change)


@transaction.atomic
def licence_add(*, actor: Any, enterprise: Enterprise, data: dict[str, Any]) -> Licence:
    if actor is not None and not can(actor, "enterprises.change", enterprise):
        raise NotAllowed("您无权修改该企业档案", "You may not change this enterprise")
    if not data.get("number") or not data.get("valid_until"):
        raise DomainError("证号和有效期至为必填项", "Number and expiry date are required", field="number")
    if data.get("valid_from") and data["valid_from"] > data["valid_until"]:
        raise DomainError("有效期起不能晚于有效期至", "The start date is after the expiry date", field="valid_from")
    lic = Licence.objects.create(enterprise=enterprise, created_by=actor if getattr(actor, "pk", None) else None, **data)
    _sync_licence_due(lic)
    record_event(enterprise, "licence_added", actor=actor, summary=Msg(gettext_noop("登记证照：{licence}（有效期至 {until}）"),
                                                                                    licence=str(lic), until=lic.valid_until))
    return lic


def _sync_licence_due(lic: Licence) -> None:
    """The renewal is the enterprise's to-do; its territory and regulator see it in their scope,
    and an overdue renewal escalates up the enterprise's jurisdiction."""
    due_at = timezone.make_aware(dt.datetime.combine(lic.valid_until, dt.time(23, 59)))
    ent = lic.enterprise
    due_open(
        lic,
        LICENCE_EXPIRY.code,
        title=f"{ent.name} {lic.get_kind_display()} 到期",
        due_at=due_at,
        url=f"/enterprises/{ent.pk}/?tab=licences",
        owner_enterprise=ent,
        owner_jurisdiction=ent.jurisdiction,
        sector=ent.sector,
    )


@transaction.atomic
def licence_renew(*, actor: Any, licence: Licence, valid_until: Any, number: str = "") -> Licence:
    if actor is not None and not can(actor, "enterprises.change", licence.enterprise):
        raise NotAllowed("您无权修改该企业档案", "You may not change this enterprise")
    lic = Licence.objects.select_for_update().get(pk=licence.pk)
    if valid_until <= lic.valid_until:
        raise DomainError("新有效期须晚于原有效期", "The new expiry must be later", field="valid_until")
    lic.valid_until = valid_until
    if number:
        lic.number = number
    lic.save(update_fields=["valid_until", "number"])
    due_close(lic, LICENCE_EXPIRY.code)
    _sync_licence_due(lic)
    record_event(lic.enterprise, "licence_renewed", actor=actor, summary=Msg(gettext_noop("证照延续：{licence}，有效期至 {until}"),
                                                                                          licence=str(lic), until=valid_until))
    return lic


def enterprise_history_select(source: str, *, history_type: str, reason: str, user_id: int | None,
                              when: dt.datetime | None = None) -> tuple[list[str], list[str], list[Any]]:
    """For one ``INSERT INTO <history> (cols) SELECT exprs FROM <enterprise table> AS source …``
    that writes a history row per selected enterprise, as django-simple-history would: the
    history table's columns, the expression of each (the enterprise's own column, or a
    parameter for the history fields: date, type, change reason, user, request id) and the
    parameters. Table and column names come from model metadata."""

    history = Enterprise.history.model  # type: ignore[attr-defined]
    qn = connection.ops.quote_name
    source_cols = {f.attname: f.column for f in Enterprise._meta.concrete_fields}
    extra = {"history_date": when or timezone.now(), "history_change_reason": reason[:100] if reason else None,
             "history_type": history_type, "history_user_id": user_id, "request_id": current_request_id()}
    cols: list[str] = []
    exprs: list[str] = []
    params: list[Any] = []
    for f in history._meta.concrete_fields:
        if f.attname == "history_id":
            continue
        cols.append(qn(f.column))
        if f.attname in source_cols:
            exprs.append(f"{source}.{qn(source_cols[f.attname])}")
        else:
            exprs.append("%s")
            params.append(f.get_db_prep_save(extra[f.attname] if f.attname in extra else f.get_default(), connection))
    return cols, exprs, params


def _insert_with_history(objs: list[Enterprise], *, user_id: int | None, reason: str) -> list[Enterprise]:
    """Insert new enterprises and their ``+`` history rows (``reason``, ``user_id``), as
    ``bulk_create_with_history`` did but without building a model instance and an insert
    statement per row: PostgreSQL reserves the ids from the sequence and ``COPY``s the rows in;
    other databases use ``bulk_create`` (one multi-row ``INSERT … RETURNING`` per batch). The
    history rows are then copied from the new rows by one ``INSERT … SELECT``. Sets ``pk`` on
    ``objs`` and returns them. Signals are not sent (as with ``bulk_create``)."""

    if not objs:
        return objs
    table = connection.ops.quote_name(Enterprise._meta.db_table)
    history_table = connection.ops.quote_name(Enterprise.history.model._meta.db_table)  # type: ignore[attr-defined]
    cols, exprs, params = enterprise_history_select("e", history_type="+", reason=reason, user_id=user_id)
    fields = list(Enterprise._meta.concrete_fields)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                        [Enterprise._meta.db_table, len(objs)])
            for obj, (pk,) in zip(objs, cur.fetchall(), strict=True):
                obj.pk = pk
            names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
            with cur.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # psycopg 3 under Django's wrapper
                for obj in objs:
                    copy.write_row([f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields])
                    obj._state.adding, obj._state.db = False, connection.alias
            where, args = "e.id = ANY(%s)", [[obj.pk for obj in objs]]
        else:
            Enterprise.objects.bulk_create(objs, batch_size=500)
            where = "e.id IN (SELECT value FROM json_each(%s))"
            args = [json.dumps([obj.pk for obj in objs])]
        # Names come from model metadata; every value is a query parameter.
        cur.execute(f"INSERT INTO {history_table} ({', '.join(cols)}) SELECT {', '.join(exprs)} "  # noqa: S608
                    f"FROM {table} AS e WHERE {where} ORDER BY e.id", [*params, *args])
    return objs


def _scope_checker(actor: Any, action: str) -> Any:
    """``scope_allows`` memoised per (jurisdiction, sector) pair: imports repeat a few places many times."""
    cache: dict[tuple[int, int | None], bool] = {}

    def allowed(jurisdiction: Jurisdiction, sector: Sector | None) -> bool:
        if actor is None:
            return True
        key = (jurisdiction.pk, sector.pk if sector else None)
        if key not in cache:
            cache[key] = scope_allows(actor, action, jurisdiction=jurisdiction, sector=sector)
        return cache[key]

    return allowed


@transaction.atomic
def enterprises_bulk_create(
    *,
    actor: Any,
    rows: list[dict[str, Any]],
    note: str = "",
    batch_size: int = 2000,
    on_progress: Any = None,
    routes: dict[tuple[int | None, tuple[str, ...]], tuple[Any, str]] | None = None,
) -> list[int]:
    """Create many enterprises at once (the import path), all or nothing.

    Each row holds the ``EDITABLE`` fields (``sector`` a ``Sector`` or ``None``) and a resolved
    ``jurisdiction`` (the caller locates points in bulk with ``locate_jurisdiction_ids``). Writes
    the rows, their history rows (``_insert_with_history``: COPY and ``INSERT … SELECT``) and one ``created`` event per
    enterprise carrying the routing rule, exactly like ``enterprise_create`` but in batches.
    Duplicate credit codes (inside ``rows`` or already registered) are refused, never merged.
    ``on_progress(n)`` is called with the number of rows written so far. ``routes``: a cache of
    the routing (``route_department``) the caller keeps across calls (an import's chunks).
    Returns the new ids.
    """

    allowed = _scope_checker(actor, "enterprises.add")

    initial_risk = initial_risk_factory()

    routes = {} if routes is None else routes
    routed = set(SectorRoute.objects.filter(jurisdiction__isnull=False).values_list("jurisdiction__code", flat=True))
    codes: dict[str, int] = {}
    prepared: list[tuple[Enterprise, str]] = []
    for i, raw in enumerate(rows):
        data = _clean(raw)
        place: Jurisdiction = raw["jurisdiction"]
        sector: Sector | None = data.get("sector")
        if not allowed(place, sector):
            raise NotAllowed(f"第 {i + 1} 行：您无权在该辖区/行业新增企业", f"Row {i + 1}: you may not add enterprises there")
        code = data.get("credit_code") or ""
        if code:
            if code in codes:
                raise DomainError(f"统一社会信用代码 {code} 重复", f"Credit code {code} appears twice", field="credit_code")
            codes[code] = i
        # The route depends only on the sector and on which route-bearing jurisdictions lie on
        # the place's path, so thousands of grids share a handful of cache entries.
        key = (sector.pk if sector else None, tuple(c for c in place.path.strip("/").split("/") if c in routed))
        if key not in routes:
            routes[key] = route_department(sector, place)
        department, rule = routes[key]
        ent = Enterprise(jurisdiction=place, department=department, **{k: v for k, v in data.items() if k in EDITABLE})
        ent.risk_colour, ent.risk_explanation = initial_risk(ent)  # no hazards or accidents yet
        ent.risk_computed_at = timezone.now()
        prepared.append((ent, rule))
    code_list = list(codes)
    for start in range(0, len(code_list), 500):
        taken = list(Enterprise.objects.filter(credit_code__in=code_list[start : start + 500]).values_list("credit_code", flat=True)[:5])
        if taken:
            raise DomainError(f"统一社会信用代码已存在：{'、'.join(taken)}", f"Credit codes already registered: {', '.join(taken)}", field="credit_code")

    ct = ContentType.objects.get_for_model(Enterprise)
    label = actor_label(actor)
    actor_obj = actor if getattr(actor, "pk", None) else None
    user = actor_obj
    ids: list[int] = []
    reason = "批量导入" + (f"：{note}" if note else "")
    for start in range(0, len(prepared), batch_size):
        chunk = prepared[start : start + batch_size]
        objs = _insert_with_history([e for e, _rule in chunk], user_id=user.pk if user else None, reason=reason)
        insert_new(  # PostgreSQL: COPY (core.bulk)
            Event,
            [
                Event(
                    content_type=ct,
                    object_id=str(obj.pk),
                    verb="created",
                    summary=f"建档（批量导入）：{obj.name}"[:300],
                    note=note,
                    data={"routing": rule, "jurisdiction": obj.jurisdiction.code, "bulk": True},
                    actor=actor_obj,
                    actor_label=label,
                )
                for obj, (_e, rule) in zip(objs, chunk, strict=True)
            ],
        )
        ids.extend(obj.pk for obj in objs)
        if on_progress is not None:
            on_progress(len(ids))
    return ids


# --- change requests ----------------------------------------------------------------------

PROPOSABLE = ("sector_code", "status", "lng", "lat", "flags", "jurisdiction_code")


def _check_proposal(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(changes) - set(PROPOSABLE))
    if unknown:
        raise DomainError(f"不能申请变更这些字段：{unknown}", f"These fields cannot be proposed: {unknown}", field="changes")
    clean = {k: v for k, v in changes.items() if v is not None and v != ""}
    if not clean:
        raise DomainError("请填写要变更的内容", "Say what should change", field="changes")
    if ("lng" in clean) != ("lat" in clean):
        raise DomainError("经纬度须同时填写", "Give both longitude and latitude", field="lng")
    if "lng" in clean:
        clean["lng"], clean["lat"] = normalise_point(float(clean["lng"]), float(clean["lat"]))
    if "sector_code" in clean:
        clean["sector_code"] = str(clean["sector_code"]).strip().upper()
        if not Sector.objects.filter(code=clean["sector_code"]).exists():
            raise DomainError(f"未知的行业代码 {clean['sector_code']}", "Unknown sector code", field="sector_code")
    if "jurisdiction_code" in clean and not Jurisdiction.objects.filter(code=clean["jurisdiction_code"]).exists():
        raise DomainError("未知的辖区代码", "Unknown jurisdiction code", field="jurisdiction_code")
    if "status" in clean and clean["status"] not in EnterpriseStatus.values:
        raise DomainError("未知的经营状态", "Unknown status", field="status")
    if "flags" in clean:
        _clean({"name": "-", "flags": clean["flags"]})
        clean["flags"] = sorted(set(clean["flags"]))
    return clean


def _district_of(place: Jurisdiction) -> Jurisdiction:
    """The district (or the city) above ``place``: a change of who supervises is decided by the
    district office (with the sector department), not by a street or grid."""

    if place.level <= JurisdictionLevel.DISTRICT:
        return place
    return place.ancestors().filter(level=JurisdictionLevel.DISTRICT).first() or place


@transaction.atomic
def change_request_submit(*, actor: Any, enterprise: Enterprise, changes: dict[str, Any], reason: str) -> Any:
    """The enterprise proposes a change to its supervision fields; its supervising units get a
    to-do in their inbox (``enterprises.change_request``)."""

    if actor is not None and not can(actor, "enterprises.change", enterprise):
        raise NotAllowed("您无权为该企业申请变更", "You may not propose changes for this enterprise")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请说明变更理由", "Give the reason for the change", field="reason")
    clean = _check_proposal(changes)
    ent = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if EnterpriseChangeRequest.objects.filter(enterprise=ent, status=ChangeRequestStatus.PENDING).exists():
        raise DomainError("已有待审核的变更申请，请等待审核结果", "A change request is already pending", field="changes")
    req = EnterpriseChangeRequest.objects.create(enterprise=ent, changes=clean, reason=reason[:2000], created_by=actor)
    due_open(
        req, CHANGE_REQUEST.code,
        title=f"企业信息变更审核：{ent.name}",
        due_at=timezone.now() + dt.timedelta(days=CHANGE_REQUEST_DAYS),
        url=reverse("enterprises:detail", args=[ent.pk]) + "#change-requests",
        owner_jurisdiction=_district_of(ent.jurisdiction), owner_department=ent.department, sector=ent.sector,
    )
    record_event(ent, "change_requested", actor=actor, summary=Msg(gettext_noop("申请变更监管信息")), note=reason,
                 data={"request": req.pk, "changes": clean})
    return req


@transaction.atomic
def change_request_decide(*, actor: Any, request: Any, approve: bool, note: str = "") -> Any:
    """A supervising unit approves (the change is applied by ``enterprise_update`` as that
    supervisor, so the destination check holds) or rejects (a reason is required)."""

    req = EnterpriseChangeRequest.objects.select_for_update().select_related("enterprise").get(pk=request.pk)
    ent = req.enterprise
    if actor is not None and not can(actor, "view", req):
        raise NotFoundInScope()
    if not supervises(actor, ent):
        raise NotAllowed("只有监管部门可以审核变更申请", "Only a supervising unit may decide a change request")
    if req.status != ChangeRequestStatus.PENDING:
        raise InvalidTransition("该申请已审核", "This request has already been decided")
    note = (note or "").strip()
    if not approve and not note:
        raise InvalidTransition("驳回须说明理由", "Give the reason for rejecting", field="note")
    if approve:
        data = dict(req.changes)
        if "sector_code" in data:
            data["sector"] = Sector.objects.get(code=data.pop("sector_code"))
        if "jurisdiction_code" in data:
            data["jurisdiction"] = Jurisdiction.objects.get(code=data.pop("jurisdiction_code"))
        enterprise_update(actor=actor, enterprise=ent, data=data, reason=f"批准变更申请 {req.pk}：{note}".strip("："))
    req.status = ChangeRequestStatus.APPROVED if approve else ChangeRequestStatus.REJECTED
    req.decided_by, req.decided_at, req.decision_note = actor, timezone.now(), note
    req.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    due_close(req, CHANGE_REQUEST.code)
    record_event(ent, "change_approved" if approve else "change_rejected", actor=actor,
                 summary=Msg(gettext_noop("已批准变更申请")) if approve else Msg(gettext_noop("已驳回变更申请")), note=note, data={"request": req.pk})
    return req


# --- update by key and undo of ledger imports (documents.imports) ---------------------------------


def enterprise_snapshot(ent: Enterprise) -> dict[str, Any]:
    """The fields an import may change, as JSON (restored by ``enterprises_import_undo``)."""
    out: dict[str, Any] = {}
    for key in EDITABLE:
        value = getattr(ent, key + "_id") if key == "sector" else getattr(ent, key)
        out[key] = value.isoformat() if isinstance(value, dt.date) else value
    out["jurisdiction"] = ent.jurisdiction_id
    return out


def enterprise_stamps(ids: list[int]) -> dict[str, str]:
    """The latest history version of each enterprise (``history_id``): a later change makes a
    newer one, which is how an undo knows the record was touched since."""
    rows = Enterprise.history.filter(id__in=ids).values("id").annotate(last=Max("history_id"))
    return {str(r["id"]): str(r["last"]) for r in rows}


@transaction.atomic
def enterprises_import_update(*, actor: Any, enterprise: Enterprise, data: dict[str, Any], note: str = "") -> Enterprise:
    """An update by key from an import: ``enterprise_update`` (scope, supervision fields,
    destination checks, history, event) with the import named as the reason."""
    if not data:
        return enterprise
    return enterprise_update(actor=actor, enterprise=enterprise, data=data, reason=("导入更新：" + note)[:200])


def _touched_by_others(ent: Enterprise) -> bool:
    """Whether anything refers to the enterprise (hazards, inspections, licences, users …)."""
    collector = Collector(using=router.db_for_write(Enterprise))
    try:
        collector.collect([ent])
    except (ProtectedError, RestrictedError):
        return True
    if any(model is not Enterprise and objs for model, objs in collector.data.items()):
        return True
    return any(qs.exists() for qs in collector.fast_deletes)


@transaction.atomic
def enterprises_import_undo(
    *, actor: Any, created: list[tuple[str, str]], updated: list[tuple[str, dict[str, Any], str]], note: str = ""
) -> None:
    """Undo an import: the enterprises it created are deleted, those it updated get their
    earlier values back — only when none of them changed since (its history version is still
    the import's) and nothing refers to a created one; otherwise nothing is undone."""
    ids = [int(i) for i, _s in created] + [int(i) for i, _b, _s in updated]
    current = enterprise_stamps(ids)
    objs = Enterprise.objects.select_for_update().in_bulk(ids)
    touched: list[str] = []
    for pk, stamp in created:
        ent = objs.get(int(pk))
        if ent is None or current.get(pk) != stamp or _touched_by_others(ent):
            touched.append(ent.name if ent else f"#{pk}")
    for pk, _before, stamp in updated:
        ent = objs.get(int(pk))
        if ent is None or current.get(pk) != stamp:
            touched.append(ent.name if ent else f"#{pk}")
    if touched:
        names = "、".join(touched[:5]) + ("等" if len(touched) > 5 else "")
        raise DomainError(
            f"{len(touched)} 家企业在导入后已被修改或已有关联记录（{names}），不能撤销",
            f"{len(touched)} enterprises changed after the import or have related records ({', '.join(touched[:5])}): "
            "the import cannot be undone",
        )
    reason = ("撤销导入：" + note)[:200]
    for pk, before, _stamp in updated:
        ent = objs[int(pk)]
        data = {k: v for k, v in before.items() if k in EDITABLE}
        data["sector"] = Sector.objects.filter(pk=before.get("sector")).first() if before.get("sector") else None
        data["jurisdiction"] = Jurisdiction.objects.get(pk=before["jurisdiction"])
        enterprise_update(actor=actor, enterprise=ent, data=data, reason=reason)
    for pk, _stamp in created:
        ent = objs[int(pk)]
        record_event(ent, "deleted", actor=actor, note=note,
                     summary=Msg(gettext_noop("撤销导入，删除：{name}"), name=ent.name))
        ent._change_reason = reason  # type: ignore[attr-defined]
        ent.delete()
