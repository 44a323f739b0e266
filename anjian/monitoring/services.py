"""Writes for major hazard sources, sensors and readings. One transaction each, with history
and a timeline event; GB 18218 arithmetic comes from ``anjian.rules.gb18218``."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Avg, Count, Exists, F, FloatField, Max, Min, OuterRef, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncHour, TruncMinute
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from anjian.audit.services import Msg, actor_label, record_event
from anjian.core.errors import DomainError, NotAllowed
from anjian.core.scoping import can
from anjian.core.workflow import Owner, State, Transition, Workflow
from anjian.documents.attachments import attachments_add
from anjian.enterprises.models import Enterprise
from anjian.enterprises.risk import schedule_recompute
from anjian.enterprises.services import enterprise_update
from anjian.hazards.models import HazardSource as HazardOrigin
from anjian.hazards.services import hazard_report
from anjian.inbox import registry as due_registry
from anjian.inbox.services import due_close, due_open
from anjian.monitoring import partitions
from anjian.monitoring.evaluate import EvalState, Thresholds, quiet_values, step
from anjian.monitoring.hooks import alarm_level
from anjian.monitoring.models import (
    DEFAULT_UNITS,
    Alarm,
    AlarmKind,
    AlarmStatus,
    HazardSource,
    HazardSubstance,
    Reading,
    ReadingRollup,
    RollupPeriod,
    Sensor,
    SensorKind,
    SensorState,
    UnitKind,
)
from anjian.rules import gb18218

REASSESSMENT = due_registry.register(
    due_registry.DueKind(
        code="monitoring.reassessment",
        label="重大危险源复评",
        action="monitoring.change",
        closed_by="变更（重新辨识评估）",
        remind_before=dt.timedelta(days=60),
        escalate_after=dt.timedelta(days=7),
    )
)
FLAG = "major_hazard_source"


@dataclass(frozen=True)
class SubstanceRow:
    """One row as typed in a form or sent to the API (quantity still text)."""

    name: str
    cas: str = ""
    quantity: str = ""
    hazard_classes: str = ""


@dataclass
class RowErrors:
    """Errors found per input row (index → message) plus errors for the whole unit."""

    rows: dict[int, str]
    general: list[str]

    def __bool__(self) -> bool:
        return bool(self.rows or self.general)


def id_set(ids: Iterable[int]) -> Any:
    """``pk__in=id_set(ids)``: the ids as ONE query parameter (``unnest`` of an array on
    PostgreSQL, ``json_each`` on SQLite) — Django resolves an ``__in`` list element by element,
    which costs more than the query for a few thousand sensors."""
    ids = [int(i) for i in ids]
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::text::bigint[])", ("{" + ",".join(map(str, ids)) + "}",))
    if connection.vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(ids),))
    return ids


def parse_rows(rows: Sequence[SubstanceRow]) -> tuple[list[tuple[int, gb18218.Item]], RowErrors]:
    """Turn typed rows into ``assess`` items, keeping the row index; blank rows are skipped."""
    items: list[tuple[int, gb18218.Item]] = []
    errors = RowErrors({}, [])
    for i, row in enumerate(rows):
        name = (row.name or "").strip()
        if not name and not (row.quantity or "").strip() and not (row.cas or "").strip():
            continue
        if not name:
            errors.rows[i] = "请填写物质名称或危险性类别 / Give the substance name or hazard class"
            continue
        try:
            q = Decimal((row.quantity or "").strip().replace("，", ".").replace(",", "."))
        except InvalidOperation:
            errors.rows[i] = "最大存在量须为数字（吨）/ The maximum quantity must be a number (tonnes)"
            continue
        if not q.is_finite() or q < 0:
            errors.rows[i] = "最大存在量须为非负数（吨）/ The maximum quantity must be zero or more (tonnes)"
            continue
        classes = (row.hazard_classes or "").strip() or None
        item: gb18218.Item = (name, (row.cas or "").strip() or None, q, classes)
        try:
            gb18218.identify([item])
        except ValueError as exc:  # UnknownSubstance, UnknownHazardClass, malformed CAS
            errors.rows[i] = str(exc)
            continue
        items.append((i, item))
    return items, errors


def assess_rows(rows: Sequence[SubstanceRow], exposed_population: int) -> tuple[gb18218.Assessment | None, RowErrors]:
    """Assess typed rows; every problem is reported beside its row, nothing raises."""
    items, errors = parse_rows(rows)
    if errors:
        return None, errors
    if not items:
        errors.general.append("请至少填写一种物质 / Give at least one substance")
        return None, errors
    try:
        result = gb18218.assess([item for _i, item in items], exposed_population)
    except gb18218.MissingHazardClass as exc:
        for i, item in items:
            sub = gb18218.find_substance(item[0], item[1])
            if sub is not None and sub.name in exc.names:
                errors.rows[i] = str(exc)
        if not errors.rows:
            errors.general.append(str(exc))
        return None, errors
    except (gb18218.UnknownSubstance, gb18218.UnknownHazardClass, ValueError) as exc:
        errors.general.append(str(exc))
        return None, errors
    return result, errors


def explain(result: gb18218.Assessment) -> list[dict[str, Any]]:
    """The per-item terms as JSON for storage and display."""
    return [
        {
            "inputs": list(t.inputs),
            "name": t.name,
            "classes": [c.symbol for c in t.hazard_classes],
            "q": t.q_t,
            "Q": str(t.critical_quantity_t),
            "ratio": round(t.ratio, 6),
            "beta": str(t.beta) if t.beta is not None else None,
            "weighted": round(t.weighted, 6) if t.weighted is not None else None,
            "rule": t.rule,
            "beta_rule": t.beta_rule,
        }
        for t in result.terms
    ]


GRADE_NAMES = {1: gettext_lazy("一级"), 2: gettext_lazy("二级"), 3: gettext_lazy("三级"), 4: gettext_lazy("四级")}
"""GB 18218-2018 Table 6 grades, labelled for people (the rule module's labels are Chinese only)."""


def _grading_msg(what: str, result: gb18218.Assessment) -> Msg:
    """"辨识分级：S=6.000，R=36.0，三级" in the reader's language."""
    if result.is_major:
        return Msg(gettext_noop("{what}：S={s}，R={r}，{grade}"), what=gettext_lazy(what), s=f"{result.s:.3f}",
                   r=str(result.r), grade=GRADE_NAMES.get(result.grade or 0, result.grade_label))
    return Msg(gettext_noop("{what}：S={s}，不构成重大危险源"), what=gettext_lazy(what), s=f"{result.s:.3f}")


def _check(actor: Any, enterprise: Enterprise) -> None:
    if actor is not None and not can(actor, "monitoring.change", enterprise):
        raise NotAllowed("您无权维护该企业的重大危险源", "You may not maintain this enterprise's major hazard sources")


def _validate(name: str, unit_kind: str, exposed_population: Any) -> int:
    if not name.strip():
        raise DomainError("请填写单元名称", "The unit name is required", field="name")
    if unit_kind not in UnitKind.values:
        raise DomainError("请选择生产单元或储存单元", "Choose production or storage unit", field="unit_kind")
    try:
        pop = int(exposed_population)
    except (TypeError, ValueError) as exc:
        raise DomainError("暴露人口须为整数", "The exposed population must be a whole number", field="exposed_population") from exc
    if pop < 0:
        raise DomainError("暴露人口不能为负数", "The exposed population cannot be negative", field="exposed_population")
    return pop


class AssessmentRejected(DomainError):
    """The substances could not be assessed; ``errors`` holds the per-row messages."""

    def __init__(self, errors: RowErrors) -> None:
        self.errors = errors
        first = next(iter(errors.rows.values()), None) or (errors.general[0] if errors.general else "")
        super().__init__(f"无法辨识分级：{first}", f"Cannot assess: {first}", field="substances")


def _apply_assessment(source: HazardSource, rows: Sequence[SubstanceRow], today: dt.date) -> gb18218.Assessment:
    result, errors = assess_rows(rows, source.exposed_population)
    if result is None:
        raise AssessmentRejected(errors)
    source.s, source.is_major, source.r = result.s, result.is_major, result.r
    source.alpha, source.grade, source.grade_label = result.alpha, result.grade, result.grade_label or ""
    source.explanation = explain(result)
    source.assessed_on = today
    source.next_reassessment_due = gb18218.next_reassessment_due(today)
    return result


def _store_substances(source: HazardSource, rows: Sequence[SubstanceRow]) -> None:
    source.substances.all().delete()
    items, _errors = parse_rows(rows)
    HazardSubstance.objects.bulk_create(
        [
            HazardSubstance(
                source=source, name=item[0], cas=item[1] or "", quantity_t=Decimal(item[2]),
                hazard_classes=(item[3] if len(item) > 3 and item[3] else "") or "",  # type: ignore[misc]
            )
            for _i, item in items
        ]
    )


def _sync_due(source: HazardSource) -> None:
    if source.retired or not source.is_major:
        due_close(source, REASSESSMENT.code, state="cancelled")
        return
    ent = source.enterprise
    due_open(
        source,
        REASSESSMENT.code,
        title=f"{ent.name} {source.name} 重大危险源安全评估满三年复评",
        due_at=timezone.make_aware(dt.datetime.combine(source.next_reassessment_due, dt.time(23, 59))),
        url=f"/monitoring/sources/{source.pk}/",
        owner_enterprise=ent,
        owner_jurisdiction=ent.jurisdiction,
        owner_department=ent.department,
        sector=ent.sector,
    )


def _sync_flag(enterprise: Enterprise, why: str) -> None:
    """The enterprise's 重大危险源 flag follows its active major units (through the registry's service)."""

    has_major = HazardSource.objects.filter(enterprise=enterprise, is_major=True, retired=False).exists()
    flags = set(enterprise.flags)
    if (FLAG in flags) == has_major:
        return
    flags.symmetric_difference_update({FLAG})
    # actor=None: the flag is derived data; the change reason and the source's timeline name who acted.
    enterprise_update(actor=None, enterprise=enterprise, data={"flags": sorted(flags)}, reason=why)


@transaction.atomic
def hazard_source_create(
    *, actor: Any, enterprise: Enterprise, name: str, unit_kind: str, boundary: str = "",
    exposed_population: Any = 0, substances: Sequence[SubstanceRow], filed_on: dt.date | None = None,
    files: Iterable[Any] = (),
) -> HazardSource:
    _check(actor, enterprise)
    pop = _validate(name, unit_kind, exposed_population)
    today = timezone.localdate()
    source = HazardSource(
        enterprise=enterprise, name=name.strip(), unit_kind=unit_kind, boundary=boundary.strip(),
        exposed_population=pop, filed_on=filed_on, created_by=actor if getattr(actor, "pk", None) else None,
    )
    result = _apply_assessment(source, substances, today)
    source._change_reason = gettext_noop("辨识分级建档")  # type: ignore[attr-defined]
    source.save()
    schedule_recompute(source.enterprise_id)  # a major hazard source moves the enterprise's colour
    _store_substances(source, substances)
    if files:
        attachments_add(owner=source, files=files, actor=actor)
    record_event(
        source, "assessed", actor=actor,
        summary=_grading_msg(gettext_noop("辨识分级"), result),
        data={"s": result.s, "r": result.r, "grade": result.grade, "terms": source.explanation},
    )
    _sync_due(source)
    _sync_flag(enterprise, f"重大危险源「{source.name}」辨识分级")
    return source


@transaction.atomic
def hazard_source_change(
    *, actor: Any, source: HazardSource, reason: str, substances: Sequence[SubstanceRow],
    name: str | None = None, unit_kind: str | None = None, boundary: str | None = None,
    exposed_population: Any = None, filed_on: dt.date | None = None, files: Iterable[Any] = (),
) -> HazardSource:
    """A change to the unit (40号令 第十一条): re-identify and re-grade now, restart the 3-year clock."""
    _check(actor, source.enterprise)
    if not reason.strip():
        raise DomainError("请说明变更内容", "Describe the change", field="reason")
    src = HazardSource.objects.select_for_update().select_related("enterprise").get(pk=source.pk)
    before = {"s": src.s, "r": src.r, "grade": src.grade}
    src.name = (name if name is not None else src.name)
    src.unit_kind = unit_kind if unit_kind is not None else src.unit_kind
    src.boundary = (boundary if boundary is not None else src.boundary).strip()
    src.exposed_population = _validate(
        src.name, src.unit_kind, src.exposed_population if exposed_population is None else exposed_population
    )
    if filed_on is not None:
        src.filed_on = filed_on
    result = _apply_assessment(src, substances, timezone.localdate())
    src._change_reason = (gettext_noop("变更复评") + f"：{reason.strip()}")[:100]  # type: ignore[attr-defined]
    src.save()
    schedule_recompute(src.enterprise_id)
    _store_substances(src, substances)
    if files:
        attachments_add(owner=src, files=files, actor=actor)
    record_event(
        src, "reassessed", actor=actor, note=reason.strip(),
        summary=_grading_msg(gettext_noop("变更复评"), result),
        data={"before": before, "s": result.s, "r": result.r, "grade": result.grade, "terms": src.explanation},
    )
    _sync_due(src)
    _sync_flag(src.enterprise, f"重大危险源「{src.name}」变更复评")
    return src


@transaction.atomic
def hazard_source_retire(*, actor: Any, source: HazardSource, reason: str) -> HazardSource:
    _check(actor, source.enterprise)
    if not reason.strip():
        raise DomainError("请说明核销原因", "Give the reason", field="reason")
    src = HazardSource.objects.select_for_update().select_related("enterprise").get(pk=source.pk)
    if src.retired:
        return src
    src.retired = True
    src._change_reason = "核销"  # type: ignore[attr-defined]
    src.save(update_fields=["retired"])
    schedule_recompute(src.enterprise_id)
    record_event(src, "retired", actor=actor, summary=Msg(gettext_noop("核销重大危险源")), note=reason.strip())
    _sync_due(src)
    _sync_flag(src.enterprise, f"重大危险源「{src.name}」核销")
    return src


# =============================================================================================
# Sensors
# =============================================================================================

SENSOR_FIELDS = (
    "name", "kind", "unit", "low", "high", "high_high", "deadband", "min_duration_s", "expected_interval_s",
    "topic", "range_min", "range_max", "lng", "lat", "source",
)
"""What create and update may set; ``enabled`` changes only through ``sensor_deactivate`` /
``sensor_reactivate``."""
NUMBER_FIELDS = ("low", "high", "high_high", "deadband", "range_min", "range_max", "lng", "lat")
WHOLE_FIELDS = ("min_duration_s", "expected_interval_s")
FIELD_NAMES_ZH = {
    "low": "低报阈值", "high": "高报阈值", "high_high": "高高报阈值", "deadband": "回差", "range_min": "量程下限",
    "range_max": "量程上限", "lng": "经度", "lat": "纬度", "min_duration_s": "最短持续时间",
    "expected_interval_s": "上报周期",
}
FIELD_NAMES_EN = {
    "low": "Low threshold", "high": "High threshold", "high_high": "High-high threshold", "deadband": "Deadband",
    "range_min": "Range minimum", "range_max": "Range maximum", "lng": "Longitude", "lat": "Latitude",
    "min_duration_s": "Minimum duration", "expected_interval_s": "Reporting interval",
}


def _number(field: str, value: Any, *, whole: bool = False) -> Any:
    """Numbers arrive typed from forms and the API, or as text from elsewhere; blank is None."""

    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).strip().replace("，", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or (whole and number != int(number)):
        kind_zh, kind_en = ("整数", "a whole number") if whole else ("数字", "a number")
        raise DomainError(f"{FIELD_NAMES_ZH[field]}须为{kind_zh}", f"{FIELD_NAMES_EN[field]} must be {kind_en}", field=field)
    return int(number) if whole else number


def _sensor_clean(data: dict[str, Any], *, enterprise: Enterprise, sensor_pk: int | None = None) -> dict[str, Any]:
    """Validate a sensor's settings; every refusal names its field (zh / en)."""

    out = {k: v for k, v in data.items() if k in SENSOR_FIELDS}
    out["name"] = (out.get("name") or "").strip()
    if not out["name"]:
        raise DomainError("请填写测点名称", "The sensor name is required", field="name")
    if out.get("kind") not in SensorKind.values:
        raise DomainError("未知的测点类型", "Unknown sensor kind", field="kind")
    for key in NUMBER_FIELDS:
        out[key] = _number(key, out.get(key))
    for key in WHOLE_FIELDS:
        out[key] = _number(key, out.get(key), whole=True)
    out["unit"] = (out.get("unit") or "").strip() or DEFAULT_UNITS.get(out["kind"], "")  # type: ignore[call-overload]
    if not out["unit"]:
        raise DomainError("请填写单位", "The unit is required", field="unit")
    set_thresholds = [(k, out[k]) for k in ("low", "high", "high_high") if out[k] is not None]
    for (k1, v1), (k2, v2) in itertools.pairwise(set_thresholds):
        if v1 >= v2:
            raise DomainError(
                f"{FIELD_NAMES_ZH[k1]}须低于{FIELD_NAMES_ZH[k2]}（低报 < 高报 < 高高报）",
                f"{FIELD_NAMES_EN[k1]} must be below {FIELD_NAMES_EN[k2].lower()} (low < high < high-high)",
                field=k1,
            )
    out["deadband"] = out["deadband"] if out["deadband"] is not None else 0.0
    if out["deadband"] < 0:
        raise DomainError("回差不能为负数", "The deadband cannot be negative", field="deadband")
    out["min_duration_s"] = out["min_duration_s"] if out["min_duration_s"] is not None else 0
    if out["min_duration_s"] < 0:
        raise DomainError("最短持续时间不能为负数", "The minimum duration cannot be negative", field="min_duration_s")
    out["expected_interval_s"] = out["expected_interval_s"] if out["expected_interval_s"] is not None else 60
    if out["expected_interval_s"] < 1:
        raise DomainError("上报周期至少1秒", "The interval must be at least 1 s", field="expected_interval_s")
    rmin, rmax = out["range_min"], out["range_max"]
    if rmin is not None and rmax is not None and rmin >= rmax:
        raise DomainError("量程下限须低于上限", "Range minimum must be below maximum", field="range_min")
    for key, value in set_thresholds:
        if (rmin is not None and value < rmin) or (rmax is not None and value > rmax):
            raise DomainError(f"{FIELD_NAMES_ZH[key]}超出量程", f"{FIELD_NAMES_EN[key]} is outside the physical range",
                              field=key)
    if out["lng"] is not None and not -180 <= out["lng"] <= 180:
        raise DomainError("经度须在 -180 至 180 之间", "Longitude must be between -180 and 180", field="lng")
    if out["lat"] is not None and not -90 <= out["lat"] <= 90:
        raise DomainError("纬度须在 -90 至 90 之间", "Latitude must be between -90 and 90", field="lat")
    source = out.get("source")
    if source is not None and (source.enterprise_id != enterprise.pk or source.retired):
        raise DomainError("重大危险源单元不属于该企业或已核销", "The unit belongs to another enterprise or is retired",
                          field="source")
    out["topic"] = (out.get("topic") or "").strip()
    if out["topic"]:
        if any(c in out["topic"] for c in "#+") or out["topic"].startswith("$") or " " in out["topic"]:
            raise DomainError("MQTT主题不能含 # + 空格，也不能以 $ 开头", "The MQTT topic may not contain # + or spaces, "
                              "nor start with $", field="topic")
        clash = Sensor.objects.filter(topic=out["topic"])
        if sensor_pk is not None:
            clash = clash.exclude(pk=sensor_pk)
        if clash.exists():
            raise DomainError(f"MQTT主题 {out['topic']} 已被其他测点使用",
                              f"The MQTT topic {out['topic']} is used by another sensor", field="topic")
    return out


@transaction.atomic
def sensor_create(*, actor: Any, enterprise: Enterprise, code: str, data: dict[str, Any]) -> Any:
    _check(actor, enterprise)
    code = (code or "").strip()
    if not code:
        raise DomainError("请填写测点编码", "The sensor code is required", field="code")
    if len(code) > 64 or any(c in code for c in "/#+ "):
        raise DomainError("测点编码至多64个字符，不能含 / # + 空格", "The sensor code has at most 64 characters and no "
                          "/ # + or spaces", field="code")
    if Sensor.objects.filter(code=code).exists():
        raise DomainError(f"测点编码 {code} 已存在", f"Sensor code {code} already exists", field="code")
    data = {"kind": "other", **data}
    if not (data.get("topic") or "").strip():
        data["topic"] = f"anjian/{enterprise.pk}/{code}"
    clean = _sensor_clean(data, enterprise=enterprise)
    sensor = Sensor(enterprise=enterprise, code=code, **clean)
    sensor._change_reason = gettext_noop("新建测点")  # type: ignore[attr-defined]
    sensor.save()
    record_event(sensor, "created", actor=actor, summary=Msg(gettext_noop("新建测点 {code}"), code=code))
    return sensor


@transaction.atomic
def sensor_update(*, actor: Any, sensor: Any, data: dict[str, Any], reason: str = "") -> Any:
    _check(actor, sensor.enterprise)
    s = Sensor.objects.select_for_update().select_related("enterprise").get(pk=sensor.pk)
    merged = {k: getattr(s, k) for k in SENSOR_FIELDS}
    merged.update({k: v for k, v in data.items() if k in SENSOR_FIELDS})
    if not (merged.get("topic") or "").strip():
        merged["topic"] = f"anjian/{s.enterprise_id}/{s.code}"
    clean = _sensor_clean(merged, enterprise=s.enterprise, sensor_pk=s.pk)
    changed = [k for k in SENSOR_FIELDS if getattr(s, k) != clean.get(k)]
    if not changed:
        return s
    for k in SENSOR_FIELDS:
        setattr(s, k, clean.get(k))
    if s.last_ts is not None:
        s.offline_after = s.last_ts + dt.timedelta(seconds=s.expected_interval_s * OFFLINE_FACTOR)
    s._change_reason = reason or gettext_noop("修改测点")  # type: ignore[attr-defined]
    s.save()
    record_event(s, "updated", actor=actor, summary=Msg(gettext_noop("修改测点：{fields}"),
                                                                fields=[Sensor._meta.get_field(k).verbose_name for k in changed]),
                 note=reason,
                 data={"changed": changed})
    return s


@transaction.atomic
def sensor_deactivate(*, actor: Any, sensor: Any, reason: str) -> Any:
    """Stop taking readings from a sensor (removed, replaced, out of service). Its active alarm
    conditions end (the people's side of each alarm stays open until closed); its readings and
    alarms are kept."""

    _check(actor, sensor.enterprise)
    if not (reason or "").strip():
        raise DomainError("请说明停用原因", "Give the reason for deactivating", field="reason")
    s = Sensor.objects.select_for_update().select_related("enterprise").get(pk=sensor.pk)
    if not s.enabled:
        raise DomainError("测点已停用", "The sensor is already deactivated", field="reason")
    now = timezone.now()
    for alarm in Alarm.objects.select_for_update().filter(sensor=s, active=True):
        _alarm_end(alarm, now, None, Msg(gettext_noop("测点停用，报警条件结束")))
    s.enabled = False
    s.state, s.eval_state, s.offline_after = SensorState.UNKNOWN, {}, None
    s._change_reason = (gettext_noop("停用") + f"：{reason.strip()}")[:100]  # type: ignore[attr-defined]
    s.save()
    record_event(s, "deactivated", actor=actor, summary=Msg(gettext_noop("停用测点")), note=reason.strip())
    return s


@transaction.atomic
def sensor_reactivate(*, actor: Any, sensor: Any, reason: str = "") -> Any:
    _check(actor, sensor.enterprise)
    s = Sensor.objects.select_for_update().select_related("enterprise").get(pk=sensor.pk)
    if s.enabled:
        raise DomainError("测点已启用", "The sensor is already active", field="reason")
    s.enabled = True
    s._change_reason = "重新启用"  # type: ignore[attr-defined]
    s.save()
    record_event(s, "reactivated", actor=actor, summary=Msg(gettext_noop("重新启用测点")), note=(reason or "").strip())
    return s


# =============================================================================================
# Alarms
# =============================================================================================

ALARM_ACK = due_registry.register(
    due_registry.DueKind(
        code="monitoring.alarm_ack", label="报警待确认", action="monitoring.ack", closed_by="确认报警",
        remind_before=dt.timedelta(0),
        escalate_after=dt.timedelta(0), escalate_every=dt.timedelta(minutes=15), max_level=3,
    )
)
ALARM_HANDLE = due_registry.register(
    due_registry.DueKind(
        code="monitoring.alarm_handle", label="报警待处置", action="monitoring.ack", closed_by="处置",
        remind_before=dt.timedelta(hours=2),
        escalate_after=dt.timedelta(hours=1),
    )
)
ACK_WITHIN = dt.timedelta(minutes=15)
"""An alarm not acknowledged this long after it was raised is overdue and escalates (inbox)."""
HANDLE_WITHIN = dt.timedelta(hours=24)
OFFLINE_FACTOR = 3
"""A sensor is offline after missing this many expected reporting intervals."""


def _alarm_owner(alarm: Any) -> Any:
    ent = alarm.enterprise
    return Owner(jurisdiction=ent.jurisdiction, department=ent.department, enterprise=ent, sector=ent.sector)


def _alarm_workflow() -> Any:
    return Workflow(
        name="alarm",
        field_name="status",
        states=[
            State(AlarmStatus.NEW, AlarmStatus.NEW.label, owner=_alarm_owner,
                  deadline=lambda a: a.raised_at + ACK_WITHIN, due_kind=ALARM_ACK.code),
            State(AlarmStatus.ACKNOWLEDGED, AlarmStatus.ACKNOWLEDGED.label, owner=_alarm_owner,
                  deadline=lambda a: timezone.now() + HANDLE_WITHIN, due_kind=ALARM_HANDLE.code),
            State(AlarmStatus.HANDLED, AlarmStatus.HANDLED.label),
            State(AlarmStatus.CLOSED, AlarmStatus.CLOSED.label, final=True),
        ],
        transitions=[
            Transition((AlarmStatus.NEW,), AlarmStatus.ACKNOWLEDGED, "monitoring.ack", gettext_lazy("确认报警")),
            Transition((AlarmStatus.NEW, AlarmStatus.ACKNOWLEDGED), AlarmStatus.HANDLED, "monitoring.ack",
                       gettext_lazy("处置"), needs_note=True),
            Transition((AlarmStatus.NEW, AlarmStatus.ACKNOWLEDGED, AlarmStatus.HANDLED), AlarmStatus.CLOSED,
                       "monitoring.ack", gettext_lazy("关闭"), needs_note=True),
        ],
        title=lambda a: f"{a.enterprise.name} {a.subject_name} {a.get_kind_display()}",
        url=lambda a: f"/monitoring/alarms/{a.pk}/",
    )


ALARM_WORKFLOW = _alarm_workflow()


def _threshold_for(sensor: Any, kind: str) -> float | None:
    return {"low": sensor.low, "high": sensor.high, "high_high": sensor.high_high}.get(kind)


def alarm_raise(*, sensor: Any, kind: str, at: dt.datetime, value: float | None) -> Any:
    """Open an alarm (the evaluator or the offline check; call inside their transaction)."""

    alarm = Alarm(
        sensor=sensor, enterprise=sensor.enterprise, kind=kind, raised_at=at, value=value, peak=value,
        threshold=_threshold_for(sensor, kind),
    )
    alarm._change_reason = "报警"  # type: ignore[attr-defined]
    alarm.save()
    owner = _alarm_owner(alarm)
    due_open(
        alarm, ALARM_ACK.code, title=f"报警待确认：{ALARM_WORKFLOW.title(alarm)}", due_at=at + ACK_WITHIN,
        url=ALARM_WORKFLOW.url(alarm), owner_jurisdiction=owner.jurisdiction, owner_department=owner.department,
        owner_enterprise=owner.enterprise, sector=owner.sector,
    )
    summary = (Msg(gettext_noop("{kind}"), kind=AlarmKind(alarm.kind).label) if value is None else
               Msg(gettext_noop("{kind}，数值 {value}{unit}"), kind=AlarmKind(alarm.kind).label, value=f"{value:g}",
                   unit=sensor.unit))
    record_event(alarm, "raised", actor=None, summary=summary, data={"value": value})
    alarm_level(alarm)  # registered receivers (emergency opens an incident for a high-high alarm)
    return alarm


def alarm_raise_for(
    *, enterprise: Any, kind: str, at: dt.datetime, subject: str, subject_url: str, subject_key: str,
    value: float | None = None, threshold: float | None = None, unit: str = "", summary: Msg,
) -> Any:
    """Open an alarm about something other than a sensor (a vehicle), for another app's checks;
    call inside their transaction. Same workflow, inbox to-do, audit and receivers as a sensor's
    alarm. ``subject_key`` deduplicates: while an alarm with that key is active, the active one is
    returned and nothing is raised (the partial unique index ``mon_alarm_one_active_per_subject``
    enforces it in the database too)."""

    if kind not in AlarmKind.values or not subject.strip() or not subject_key.strip():
        raise DomainError("报警类型或报警对象无效", "Invalid alarm kind or subject", field="kind")
    existing = Alarm.objects.filter(subject_key=subject_key, active=True).first()
    if existing is not None:
        return existing
    alarm = Alarm(
        enterprise=enterprise, kind=kind, raised_at=at, value=value, peak=value, threshold=threshold,
        subject=subject[:200], subject_url=subject_url[:200], subject_key=subject_key[:100], unit=unit[:16],
    )
    alarm._change_reason = "报警"  # type: ignore[attr-defined]
    alarm.save()
    owner = _alarm_owner(alarm)
    due_open(
        alarm, ALARM_ACK.code, title=f"报警待确认：{ALARM_WORKFLOW.title(alarm)}", due_at=at + ACK_WITHIN,
        url=ALARM_WORKFLOW.url(alarm), owner_jurisdiction=owner.jurisdiction, owner_department=owner.department,
        owner_enterprise=owner.enterprise, sector=owner.sector,
    )
    record_event(alarm, "raised", actor=None, summary=summary, data={"value": value})
    alarm_level(alarm)
    return alarm


def alarm_clear(*, alarm: Any, at: dt.datetime, summary: Msg, peak: float | None = None) -> None:
    """End an alarm's condition (the subject is back to normal); the people's side stays open."""
    if not alarm.active:
        return
    if peak is not None:
        alarm.peak = peak
    _alarm_end(alarm, at, None, summary)


def _alarm_end(alarm: Any, at: dt.datetime, value: float | None, summary: Msg) -> None:
    alarm.active = False
    alarm.cleared_at = at
    alarm._change_reason = gettext_noop("恢复")
    alarm.save(update_fields=["active", "cleared_at", "peak"])
    record_event(alarm, "cleared", actor=None, summary=summary, data={"value": value})


SENSOR_LIVE_FIELDS = ("last_ts", "last_value", "offline_after", "eval_state", "state")


def _sensor_live_update(updates: list[tuple[Any, ...]]) -> None:
    """Write (id, last_ts, last_value, offline_after, eval_state, state) rows in one statement on
    PostgreSQL (``UPDATE … FROM jsonb_to_recordset(…)``), one ``executemany`` elsewhere — ``bulk_update``'s
    CASE expressions cost ~10 ms per sensor in Python and were the ingest bottleneck."""

    if not updates:
        return
    table = Sensor._meta.db_table
    if connection.vendor == "postgresql":  # one JSON parameter: psycopg's array dumpers are slow per element
        doc = json.dumps(
            [{"id": sid, "last_ts": ts.isoformat() if ts else None, "last_value": value,
              "offline_after": off.isoformat() if off else None, "eval_state": st, "state": state}
             for sid, ts, value, off, st, state in updates]
        )
        sql = (
            f'UPDATE "{table}" AS s SET last_ts = v.last_ts, last_value = v.last_value, '  # noqa: S608 - table from the model
            "offline_after = v.offline_after, eval_state = v.eval_state, state = v.state "
            "FROM jsonb_to_recordset(%s::jsonb) AS v(id bigint, last_ts timestamptz, last_value float8, "
            "offline_after timestamptz, eval_state jsonb, state text) WHERE s.id = v.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [doc])
        return
    prep = {name: Sensor._meta.get_field(name) for name in ("last_ts", "offline_after")}
    rows = [
        (prep["last_ts"].get_db_prep_value(ts, connection), value, prep["offline_after"].get_db_prep_value(off, connection),
         json.dumps(st), state, sid)
        for sid, ts, value, off, st, state in updates
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f'UPDATE "{table}" SET last_ts = %s, last_value = %s, offline_after = %s, eval_state = %s, state = %s '  # noqa: S608
            "WHERE id = %s",
            rows,
        )


CALM_STATE_SQL = "COALESCE(eval_state->>'active', '') = '' AND COALESCE(eval_state->'streaks', '{}'::jsonb) = '{}'::jsonb"


def _lock_for_evaluation(ids: list[int]) -> list[tuple[Any, ...]]:
    """Lock the touched enabled sensors (in id order, so two writers cannot deadlock) and read
    what evaluation needs: ``(id, low, high, high_high, deadband, min_duration_s, state, calm_since,
    last_ts, last_value, offline_after, expected_interval_s)``.

    ``state`` is the decoded ``eval_state`` or ``None`` when the state is *calm* — no active band,
    no running streak, as nearly every sensor nearly always is; ``calm_since`` is then the time of
    the last evaluated reading (``None`` for a sensor never evaluated). On PostgreSQL a calm state
    is recognised in SQL and never decoded, and the rows are read through psycopg's C loaders for
    ``timestamptz`` (Django's own loader is Python, called per value): at 5,000 sensors per batch
    the two cost more than the rest of the evaluation."""

    if connection.vendor == "postgresql":
        from psycopg.types.datetime import TimestamptzLoader  # heavy optional library: imported on use

        touched = id_set(ids)
        sql = (
            "SELECT id, low, high, high_high, deadband, min_duration_s, "  # noqa: S608 - table from the model
            f"CASE WHEN {CALM_STATE_SQL} THEN NULL ELSE eval_state::text END, "
            f"CASE WHEN {CALM_STATE_SQL} THEN eval_state->>'last_ts' END, "
            "last_ts, last_value, offline_after, expected_interval_s "
            f'FROM "{Sensor._meta.db_table}" WHERE id IN ({touched.sql}) AND enabled ORDER BY id FOR UPDATE'
        )
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3 cursor: its adapters are its own copy
            raw.adapters.register_loader("timestamptz", TimestamptzLoader)  # the C version, in connection time zone (UTC)
            raw.execute(sql, list(touched.params))
            rows = raw.fetchall()
        return [
            (*row[:6], None if row[6] is None else json.loads(row[6]),
             dt.datetime.fromisoformat(row[7]) if row[7] else None, *row[8:])
            for row in rows
        ]
    out = []
    for row in (
        Sensor.objects.select_for_update().filter(id__in=id_set(ids), enabled=True)  # deactivated: never judged
        .order_by("id")
        .values_list("id", "low", "high", "high_high", "deadband", "min_duration_s", "eval_state", "last_ts",
                     "last_value", "offline_after", "expected_interval_s")
    ):
        state = row[6] or {}
        if not state.get("active") and not state.get("streaks"):
            last = state.get("last_ts")
            out.append((*row[:6], None, dt.datetime.fromisoformat(last) if last else None, *row[7:]))
        else:
            out.append((*row[:6], state, None, *row[7:]))
    return out


def readings_evaluate(rows: list[tuple[int, dt.datetime, float]]) -> tuple[int, int]:
    """Feed freshly stored readings through each sensor's evaluator; raise, upgrade and clear
    alarms; clear offline alarms; update each sensor's latest value and state. Returns
    (alarms raised, alarms cleared). Call inside the ingest transaction.

    Built for volume: the touched sensors are locked and read as plain tuples (one query,
    ``_lock_for_evaluation``), the active alarms in one query, and a sensor with no active alarm
    or running streak whose values all sit inside the normal band skips the per-reading evaluator
    (``evaluate.quiet``) and never builds its state object; full ``Sensor`` objects are loaded only
    for sensors whose alarms change. The live columns of every touched sensor are written back in
    one statement (``_sensor_live_update``)."""

    by_sensor: dict[int, list[tuple[dt.datetime, float]]] = {}
    for sid, ts, value in rows:
        by_sensor.setdefault(sid, []).append((ts, value))
    ids = sorted(by_sensor)
    meta = _lock_for_evaluation(ids)
    raised = cleared = 0
    active_by_sensor: dict[int, Any] = {}
    offline: dict[int, Any] = {}
    for a in Alarm.objects.filter(sensor_id__in=id_set(ids), active=True):
        (offline if a.kind == "offline" else active_by_sensor)[a.sensor_id] = a
    full: dict[int, Any] = {}

    def sensor_obj(sid: int) -> Any:
        if sid not in full:
            full[sid] = Sensor.objects.select_related("enterprise").get(pk=sid)
        return full[sid]

    updates: list[tuple[Any, ...]] = []
    for sid, low, high, high_high, deadband, min_duration, eval_json, calm_since, last_ts, last_value, offline_after, interval in meta:
        readings = by_sensor[sid]
        readings.sort()
        if sid in offline:
            _alarm_end(offline[sid], readings[0][0], readings[0][1], Msg(gettext_noop("恢复上报")))
            cleared += 1
        newest_ts, newest_value = readings[-1]
        if last_ts is None or newest_ts >= last_ts:
            last_ts, last_value = newest_ts, newest_value
            offline_after = newest_ts + dt.timedelta(seconds=interval * OFFLINE_FACTOR)
        alarm = active_by_sensor.get(sid)
        if eval_json is None and alarm is None:  # calm, the common case: no state object is built
            fresh = readings if calm_since is None else [r for r in readings if r[0] > calm_since]
            if fresh and quiet_values(low, high, high_high, [v for _t, v in fresh]):
                calm: dict[str, Any] = {"active": None, "streaks": {}, "last_ts": fresh[-1][0].isoformat()}
                updates.append((sid, last_ts, last_value, offline_after, calm, SensorState.NORMAL))
                continue
        thresholds = Thresholds(low, high, high_high, deadband, min_duration)
        state = EvalState(None, (), calm_since) if eval_json is None else EvalState.from_json(eval_json)
        peak_before = alarm.peak if alarm is not None else None
        for ts, value in readings:
            state, changes = step(state, thresholds, ts, value)
            for change in changes:
                sensor = sensor_obj(sid)
                if change.kind == "clear" and alarm is not None:
                    _alarm_end(alarm, change.ts, change.value,
                               Msg(gettext_noop("恢复正常，数值 {value}{unit}"), value=f"{change.value:g}", unit=sensor.unit))
                    cleared += 1
                    alarm = None
                elif change.kind == "raise":
                    alarm = alarm_raise(sensor=sensor, kind=change.band, at=change.ts, value=change.value)
                    peak_before = alarm.peak
                    raised += 1
                elif change.kind == "upgrade" and alarm is not None:
                    alarm.kind, alarm.threshold = change.band, _threshold_for(sensor, change.band)
                    alarm._change_reason = gettext_noop("升级")
                    alarm.save(update_fields=["kind", "threshold"])
                    record_event(alarm, "upgraded", actor=None,
                                 summary=Msg(gettext_noop("升级为{kind}，数值 {value}"), kind=AlarmKind(alarm.kind).label,
                                             value=f"{change.value:g}"))
                    alarm_level(alarm)
            if alarm is not None and alarm.peak is not None and (
                (alarm.kind != "low" and value > alarm.peak) or (alarm.kind == "low" and value < alarm.peak)
            ):
                alarm.peak = value
        if alarm is not None and alarm.peak != peak_before:
            Alarm.objects.filter(pk=alarm.pk).update(peak=alarm.peak)
        updates.append(
            (sid, last_ts, last_value, offline_after, state.to_json(),
             SensorState.ALARM if state.active else SensorState.NORMAL)
        )
    _sensor_live_update(updates)
    return raised, cleared


def sensors_check_offline(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Raise an offline alarm for each enabled sensor that has missed ``OFFLINE_FACTOR`` expected
    intervals (the periodic task). Idempotent: a sensor already offline is skipped."""

    now = now or timezone.now()
    done = 0
    while True:
        with transaction.atomic():
            ids = list(
                Sensor.objects.filter(enabled=True, offline_after__lt=now)
                .exclude(state=SensorState.OFFLINE)
                .values_list("id", flat=True)[:batch]
            )
            if not ids:
                return done
            for sensor in Sensor.objects.select_for_update().filter(id__in=ids).select_related("enterprise").order_by("id"):
                if sensor.state == SensorState.OFFLINE:
                    continue
                alarm_raise(sensor=sensor, kind="offline", at=now, value=None)
                Sensor.objects.filter(pk=sensor.pk).update(state=SensorState.OFFLINE)
                done += 1


def _locked_alarm(alarm: Any) -> Any:
    # of=self: the sensor is a nullable join (an alarm may name a subject), which PostgreSQL cannot lock
    return Alarm.objects.select_for_update(of=("self",)).select_related("enterprise", "sensor").get(pk=alarm.pk)


@transaction.atomic
def alarm_acknowledge(*, actor: Any, alarm: Any, note: str = "") -> Any:
    a = _locked_alarm(alarm)
    ALARM_WORKFLOW.apply(a, "acknowledged", actor=actor, note=note)
    return a


@transaction.atomic
def alarm_handle(*, actor: Any, alarm: Any, note: str, real: bool = True) -> Any:
    """Record what was done. An alarm handled as a real danger becomes a hazard (隐患), through the
    hazards app's ``hazard_report`` (the named direction monitoring → hazards)."""
    a = _locked_alarm(alarm)
    ALARM_WORKFLOW.apply(a, "handled", actor=actor, note=note)
    if real:
        a.real = True
        a.hazard_ref = _hazard_from_alarm(a, actor, note)
        a._change_reason = "处置"
        a.save(update_fields=["real", "hazard_ref"])
    return a


def _hazard_from_alarm(alarm: Any, actor: Any, note: str) -> str:
    origin = HazardOrigin.ALARM.value
    sensor = alarm.sensor
    what = f"测点 {sensor.code}（{sensor.name}）" if sensor is not None else f"{alarm.subject} "
    hazard = hazard_report(
        actor=None, source=origin, category="监测报警",
        description=f"{what}{alarm.get_kind_display()}，"
                    f"报警值 {alarm.value if alarm.value is not None else '—'}{alarm.value_unit}；处置情况：{note}",
        enterprise=alarm.enterprise, found_at=alarm.raised_at, finder_name=actor_label(actor),
    )
    record_event(alarm, "hazard_created", actor=actor, summary=Msg(gettext_noop("生成隐患 {code}"), code=getattr(hazard, "code", "")))
    return str(getattr(hazard, "code", "") or hazard.pk)


@transaction.atomic
def alarm_close(*, actor: Any, alarm: Any, note: str, false_alarm: bool = False, false_reason: str = "") -> Any:
    a = _locked_alarm(alarm)
    if false_alarm and not false_reason.strip():
        raise DomainError("请填写误报原因", "Give the reason for the false alarm", field="false_reason")
    ALARM_WORKFLOW.apply(a, "closed", actor=actor, note=note, data={"false_alarm": false_alarm})
    if false_alarm:
        a.false_alarm, a.false_reason = True, false_reason.strip()[:200]
        a._change_reason = "误报"
        a.save(update_fields=["false_alarm", "false_reason"])
    return a


# =============================================================================================
# Rollups and retention (periodic jobs, see tasks.py)
# =============================================================================================

ROLLUP_BATCH = 2000


def raw_retention_days() -> int:
    return int(getattr(settings, "MONITORING_RAW_RETENTION_DAYS", 90))


def _floor(moment: dt.datetime, unit: str) -> dt.datetime:
    moment = moment.astimezone(dt.UTC)
    if unit == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    return moment.replace(second=0, microsecond=0)


def _upsert_rollups(rows: Iterable[Any]) -> int:
    done = 0
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= ROLLUP_BATCH:
            done += len(batch)
            ReadingRollup.objects.bulk_create(
                batch, update_conflicts=True, unique_fields=["sensor", "period", "bucket"],
                update_fields=["min", "max", "avg", "count"],
            )
            batch = []
    if batch:
        done += len(batch)
        ReadingRollup.objects.bulk_create(
            batch, update_conflicts=True, unique_fields=["sensor", "period", "bucket"],
            update_fields=["min", "max", "avg", "count"],
        )
    return done


@transaction.atomic
def readings_rollup(*, start: dt.datetime, end: dt.datetime) -> tuple[int, int]:
    """(Re)compute the minute and hour rollups for ``[start, end)``: ``start`` is taken back to its
    hour so that every hour bucket is complete, ``end`` back to its minute so the running minute
    is left for the next run. Minute buckets come from the raw readings, hour buckets from the
    minute buckets (count-weighted mean). An upsert on (sensor, period, bucket): running it twice
    gives the same rows. Buckets older than the raw retention are never recomputed (their raw
    readings may be gone). Returns (minute rows, hour rows) written."""

    start = _floor(start, "hour")
    keep_from = _floor(timezone.now() - dt.timedelta(days=raw_retention_days()), "hour")
    return _rollup(max(start, keep_from), _floor(end, "minute"))


def _rollup(start: dt.datetime, end: dt.datetime) -> tuple[int, int]:
    """``readings_rollup`` for ``[start, end)`` (whole hours), without the retention clamp: also
    used by ``readings_purge`` for a partition it is about to drop (all its raw readings are there)."""
    if start >= end:
        return 0, 0
    minutes = (
        Reading.objects.filter(ts__gte=start, ts__lt=end)
        .annotate(bucket=TruncMinute("ts", tzinfo=dt.UTC))
        .values("sensor_id", "bucket")
        .annotate(lo=Min("value"), hi=Max("value"), mean=Avg("value"), n=Count("id"))
        .order_by()
    )
    n_minutes = _upsert_rollups(
        ReadingRollup(sensor_id=r["sensor_id"], period=RollupPeriod.MINUTE, bucket=r["bucket"], min=r["lo"],
                      max=r["hi"], avg=r["mean"], count=r["n"])
        for r in minutes.iterator(chunk_size=ROLLUP_BATCH)
    )
    hours = (
        ReadingRollup.objects.filter(period=RollupPeriod.MINUTE, bucket__gte=start, bucket__lt=end)
        .annotate(hour=TruncHour("bucket", tzinfo=dt.UTC))
        .values("sensor_id", "hour")
        .annotate(lo=Min("min"), hi=Max("max"), n=Sum("count"), total=Sum(F("avg") * F("count"), output_field=FloatField()))
        .order_by()
    )
    n_hours = _upsert_rollups(
        ReadingRollup(sensor_id=r["sensor_id"], period=RollupPeriod.HOUR, bucket=r["hour"], min=r["lo"],
                      max=r["hi"], avg=r["total"] / r["n"], count=r["n"])
        for r in hours.iterator(chunk_size=ROLLUP_BATCH)
    )
    return n_minutes, n_hours


def _rolled_up(start: dt.datetime, end: dt.datetime) -> int:
    """PostgreSQL: readings counted by the hour rollups of ``[start, end)``, sensor by sensor
    through the rollups' (sensor, period, bucket) index (the rollup table keeps every day)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT coalesce(sum(r.n), 0) FROM {Sensor._meta.db_table} s CROSS JOIN LATERAL ("  # noqa: S608 - model tables
            f"SELECT sum(count) AS n FROM {ReadingRollup._meta.db_table} WHERE sensor_id = s.id "
            f"AND period = %s AND bucket >= %s AND bucket < %s) r",
            [RollupPeriod.HOUR, start, end],
        )
        return int(cursor.fetchone()[0])


def _drop_partitions(cutoff: dt.datetime) -> tuple[int, dt.datetime]:
    """PostgreSQL: drop the daily partitions that end at or before ``cutoff``, each once its rows
    are all counted by the hour rollups — a partition with readings that never were rolled up
    (late, or stored before the rollups existed) is rolled up first, from its own rows. Returns the
    readings dropped and the time below which the remaining old rows (default partition only) may
    be deleted row by row: ``cutoff``, or its day's start when that day has a partition (kept whole
    until the day is past the cutoff)."""
    dropped = 0
    existing = partitions.partitions()
    for day, name in sorted(existing.items()):
        lo, hi = partitions.day_bounds(day)
        if hi > cutoff:
            break
        with transaction.atomic():  # locked from the count to the drop: no late reading slips in between
            partitions.lock(name)
            n = partitions.count_rows(name)
            if n and _rolled_up(lo, hi) != n:
                _rollup(lo, hi)
            partitions.drop(name)
        dropped += n
    cutoff_day = cutoff.astimezone(dt.UTC).date()
    return dropped, (partitions.day_bounds(cutoff_day)[0] if cutoff_day in existing else cutoff)


def readings_purge(*, now: dt.datetime | None = None, days: int | None = None, batch: int = 10_000) -> int:
    """Delete raw readings older than ``days`` (``MONITORING_RAW_RETENTION_DAYS``, default 90) whose
    minute and hour rollups exist, so nothing is lost that was never rolled up. The cutoff is taken
    back to its hour so no bucket is left half-deleted. Returns the number of readings deleted.

    PostgreSQL (readings partitioned by UTC day, ``partitions.py``): first makes sure the coming
    days' partitions exist, then drops every partition whose day ended before the cutoff (rolling
    it up first where its rollups are incomplete), so a day is kept whole until it is entirely
    older than the retention. What is left below the cutoff lives in the default partition and goes
    the SQLite way. SQLite: sensor by sensor through the (sensor, ts) index, at most ``batch`` rows
    per transaction."""

    days = raw_retention_days() if days is None else days
    if days < 1:
        raise DomainError("原始数据至少保留1天", "Raw readings must be kept at least one day", field="days")
    moment = now or timezone.now()
    cutoff = _floor(moment - dt.timedelta(days=days), "hour")
    deleted = 0
    if partitions.partitioned():
        partitions.ensure_partitions(now=moment)
        deleted, cutoff = _drop_partitions(cutoff)
        if not Reading.objects.filter(ts__lt=cutoff).exists():  # pruned to the default partition: cheap
            return deleted
    for sensor_id in list(Sensor.objects.order_by("id").values_list("id", flat=True)):
        rolled = ReadingRollup.objects.filter(sensor_id=sensor_id)
        old = (
            Reading.objects.filter(sensor_id=sensor_id, ts__lt=cutoff)
            .annotate(minute=TruncMinute("ts", tzinfo=dt.UTC), hour=TruncHour("ts", tzinfo=dt.UTC))
            .filter(
                Exists(rolled.filter(period=RollupPeriod.MINUTE, bucket=OuterRef("minute"))),
                Exists(rolled.filter(period=RollupPeriod.HOUR, bucket=OuterRef("hour"))),
            )
        )
        while True:
            with transaction.atomic():
                ids = list(old.order_by("ts").values_list("id", flat=True)[:batch])
                if ids:  # (ts bound: PostgreSQL then looks only in the partitions below the cutoff)
                    deleted += Reading.objects.filter(id__in=ids, ts__lt=cutoff).delete()[0]
            if len(ids) < batch:
                break
    return deleted
