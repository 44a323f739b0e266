"""Writes for grid management: staff, patrol plans (from risk colours), patrol records (findings
become hazards in the same transaction), and the whole-city reassignment job."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import tempfile
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy, gettext_noop

from anjian.audit.services import Msg, record_event
from anjian.core.errors import DomainError, InvalidTransition, NotAllowed, NotFoundInScope
from anjian.core.geo import distance_m
from anjian.core.scoping import can, has_action, scope_allows
from anjian.documents.attachments import attachments_add
from anjian.documents.exports import Column, iter_csv, write_xlsx
from anjian.enterprises.follow import FollowReport, Moved, follow_enterprises, follow_unit, followers
from anjian.enterprises.models import FLAGS, Enterprise, EnterpriseStatus
from anjian.enterprises.selectors import _json_contains_supported
from anjian.enterprises.services import enterprise_history_select
from anjian.grids.models import (
    Adjustment,
    AdjustmentKind,
    GridRole,
    GridStaff,
    PatrolRecord,
    PatrolStatus,
    PatrolTask,
)
from anjian.hazards.models import OPEN_STATUSES, Hazard
from anjian.hazards.services import hazard_report
from anjian.inbox import registry as due_registry
from anjian.inbox.services import due_close, due_move_unit, due_open
from anjian.jobs.models import Job
from anjian.jobs.registry import job_handler
from anjian.jobs.services import JobRejected, Progress, job_start
from anjian.monitoring.models import HazardSource
from anjian.offline.services import Conflict
from anjian.orgs.models import Jurisdiction, JurisdictionLevel
from anjian.orgs.services import invalidate_locator, locate_jurisdiction_ids
from anjian.rules.risk import PATROL_INTERVAL_MONTHS, RiskColour, next_patrol_due

DUE_PATROL = due_registry.register(
    due_registry.DueKind(code="grids.patrol", label="网格巡查", action="grids.patrol", closed_by="提交巡查记录",
                         remind_before=dt.timedelta(days=3),
                         escalate_after=dt.timedelta(days=3), escalate_every=dt.timedelta(days=7), max_level=2)
).code


def checkin_max_m() -> float:
    """A check-in farther than this from the enterprise is flagged (local setting, default 500 m)."""
    return float(getattr(settings, "PATROL_CHECKIN_MAX_M", 500))


def _require_grid(grid: Jurisdiction) -> None:
    if grid.level != JurisdictionLevel.GRID:
        raise DomainError("只能在网格一级设置", "Only a grid can be used here", field="grid")


# --- staff -------------------------------------------------------------------------------


@transaction.atomic
def grid_staff_set(*, actor: Any, grid: Jurisdiction, user: Any, role: str = GridRole.INSPECTOR,
                   active: bool = True) -> GridStaff:
    """Put a person on a grid (or change their role / take them off)."""
    _require_grid(grid)
    if role not in GridRole.values:
        raise DomainError(f"未知的职务：{role}", f"Unknown role: {role}", field="role")
    if actor is not None and not scope_allows(actor, "grids.manage", jurisdiction=grid):
        raise NotAllowed("您无权管理该网格的人员", "You may not manage this grid's staff")
    if role == GridRole.LEADER and active and GridStaff.objects.filter(
            grid=grid, role=GridRole.LEADER, is_active=True).exclude(user=user).exists():
        raise DomainError("该网格已有网格长", "This grid already has a leader", field="role")
    staff, created = GridStaff.objects.update_or_create(grid=grid, user=user, defaults={"role": role, "is_active": active})
    record_event(grid, "grid_staff_set", actor=actor,
                 summary=Msg(gettext_noop("{what}网格人员：{user}（{role}）") if active
                             else gettext_noop("{what}网格人员：{user}（{role}，离岗）"),
                             what=gettext_lazy("新增") if created else gettext_lazy("调整"), user=str(user),
                             role=GridRole(role).label))
    return staff


def grid_inspector_of(grid: Jurisdiction) -> Any:
    """The grid's first active inspector (or leader when it has no inspector), or None."""
    staff = (GridStaff.objects.filter(grid=grid, is_active=True).select_related("user")
             .order_by("role", "id"))  # "inspector" sorts before "leader": inspectors first
    first = staff.first()
    return first.user if first else None


# --- patrol plans ------------------------------------------------------------------------


def _due_dates(start: dt.date, end: dt.date, last: dt.date | None, colour: RiskColour,
               intervals: Mapping[RiskColour, int]) -> list[dt.date]:
    """Patrol dates in [start, end]: the first one month-interval after the last patrol (or at
    ``start`` if never patrolled or overdue), then every interval."""
    first = next_patrol_due(last, colour, intervals=intervals) if last else start
    day = max(first, start)
    out = []
    while day <= end:
        out.append(day)
        day = next_patrol_due(day, colour, intervals=intervals)
    return out


@transaction.atomic
def patrol_plan_generate(*, actor: Any, grid: Jurisdiction, start: dt.date, end: dt.date,
                         intervals: Mapping[RiskColour, int] = PATROL_INTERVAL_MONTHS) -> list[PatrolTask]:
    """Plan patrols of every operating enterprise in the grid for [start, end] from its risk
    colour (red monthly … blue twice a year, ``rules.risk.PATROL_INTERVAL_MONTHS``). Idempotent:
    a task that already exists for an enterprise and date is kept. Each new task is an inbox
    item of the grid's inspector."""
    _require_grid(grid)
    if end < start:
        raise DomainError("结束日期不能早于开始日期", "The end is before the start", field="end")
    if actor is not None and not scope_allows(actor, "grids.plan", jurisdiction=grid):
        raise NotAllowed("您无权为该网格制定巡查计划", "You may not plan patrols for this grid")
    inspector = grid_inspector_of(grid)
    enterprises = Enterprise.objects.filter(
        jurisdiction__path__startswith=grid.path, status=EnterpriseStatus.OPERATING
    ).order_by("id")
    last_by_ent = dict(
        PatrolRecord.objects.filter(enterprise__in=enterprises).values("enterprise")
        .annotate(last=models_max("checked_in_at")).values_list("enterprise", "last")
    )
    existing = set(PatrolTask.objects.filter(enterprise__in=enterprises, due_date__range=(start, end))
                   .values_list("enterprise_id", "due_date"))
    new: list[PatrolTask] = []
    for ent in enterprises:
        colour = RiskColour(ent.risk_colour)
        last = last_by_ent.get(ent.pk)
        for day in _due_dates(start, end, timezone.localdate(last) if last else None, colour, intervals):
            if (ent.pk, day) not in existing:
                new.append(PatrolTask(grid=grid, enterprise=ent, inspector=inspector, due_date=day,
                                      risk_colour=colour.value))
    PatrolTask.objects.bulk_create(new)
    for task in new:
        _open_task_due(task)
    record_event(grid, "patrol_plan_generated", actor=actor,
                 summary=Msg(gettext_noop("生成巡查计划 {start}～{end}：{n} 项"), start=start, end=end, n=len(new)),
                 data={"start": start.isoformat(), "end": end.isoformat(), "created": len(new)})
    return new


def models_max(field: str) -> Any:
    return Max(field)


def _open_task_due(task: PatrolTask) -> None:
    due_at = timezone.make_aware(dt.datetime.combine(task.due_date, dt.time(23, 59, 59)))
    due_open(task, DUE_PATROL, title=f"网格巡查：{task.enterprise.name}（{task.due_date:%Y-%m-%d}）", due_at=due_at,
             url=f"/grids/patrol/{task.pk}/", owner_jurisdiction=task.grid, assignee=task.inspector)


# --- patrol records ----------------------------------------------------------------------


def enterprise_version(enterprise: Enterprise) -> str:
    """The enterprise's version as a page shows it (its last change, microseconds)."""
    return str(int(enterprise.updated_at.timestamp() * 1_000_000))


def _patrol_msg(name: str, distance: float | None, far: bool) -> Msg:
    if distance is None:
        return Msg(gettext_noop("巡查 {name}，无定位"), name=name)
    if far:
        return Msg(gettext_noop("巡查 {name}，距企业 {m} 米（签到位置偏离）"), name=name, m=f"{distance:.0f}")
    return Msg(gettext_noop("巡查 {name}，距企业 {m} 米"), name=name, m=f"{distance:.0f}")


@transaction.atomic
def patrol_record_create(
    *,
    actor: Any,
    enterprise: Enterprise,
    task: PatrolTask | None = None,
    lng: float | None,
    lat: float | None,
    accuracy_m: float | None = None,
    answers: Mapping[str, str] | None = None,
    note: str = "",
    photos: Iterable[Any] = (),
    findings: Sequence[Mapping[str, Any]] = (),
    checklist_version: Any = None,
    checked_in_at: dt.datetime | None = None,
    expected_inspector: str | None = None,
    expected_enterprise: str | None = None,
) -> PatrolRecord:
    """Record a patrol on site. The check-in is compared with the enterprise's position and
    flagged when farther than ``PATROL_CHECKIN_MAX_M``. Each finding (``category``,
    ``description``, optional ``level``, ``standard_item``) becomes a hazard via
    ``hazard_report`` in this same transaction; the task and its inbox item are closed.

    A record filled offline (docs/mechanisms/offline.md) carries when it was filled
    (``checked_in_at``, never in the future) and what the phone's page showed: the task's
    inspector (``expected_inspector``, "" for none) and the enterprise's version
    (``expected_enterprise``, ``enterprise_version``). If either changed meanwhile the record is
    refused as a ``Conflict`` (409) that says which value to resend to confirm it."""

    if actor is not None and not can(actor, "enterprises.view", enterprise):
        raise NotFoundInScope()
    if actor is not None and not scope_allows(actor, "grids.patrol", jurisdiction=enterprise.jurisdiction):
        raise NotAllowed("您无权巡查该企业", "You may not patrol this enterprise")
    if task is not None:
        task = PatrolTask.objects.select_for_update().get(pk=task.pk)
        if task.enterprise_id != enterprise.pk:
            raise DomainError("巡查任务与企业不符", "The task is for another enterprise", field="task")
        if task.status != PatrolStatus.OPEN:
            raise InvalidTransition("该巡查任务已办结", "The task is already closed")
        current = str(task.inspector_id or "")
        if expected_inspector is not None and expected_inspector != current:
            raise Conflict("该巡查任务已改派给其他网格员，本记录尚未保存；如确属本人现场巡查，请核对后重新发送",
                           "This patrol task was reassigned to another inspector; the record is not stored. "
                           "If you did patrol on site, check and send it again",
                           accept={"task_inspector": current}, field="task")
    if expected_enterprise is not None and expected_enterprise != enterprise_version(enterprise):
        when = timezone.localtime(enterprise.updated_at).strftime("%Y-%m-%d %H:%M")
        raise Conflict(f"企业信息已于 {when} 变更（名称、地址或位置等），本记录尚未保存；请核对后重新发送",
                       f"The enterprise's details were changed at {when} (name, address or location); "
                       "the record is not stored. Check and send it again",
                       accept={"enterprise_stamp": enterprise_version(enterprise)}, field="enterprise")
    if (lng is None) != (lat is None):
        raise DomainError("经纬度须同时填写", "Give both longitude and latitude", field="lng")
    grid = enterprise.jurisdiction
    if grid.level != JurisdictionLevel.GRID:
        grid = task.grid if task is not None else grid
    distance = None
    if lng is not None and lat is not None and enterprise.lng is not None and enterprise.lat is not None:
        distance = round(distance_m(lng, lat, enterprise.lng, enterprise.lat), 1)
    far = distance is not None and distance > checkin_max_m()
    record = PatrolRecord(
        task=task, grid=grid, enterprise=enterprise, inspector=actor if getattr(actor, "pk", None) else None,
        lng=lng, lat=lat, accuracy_m=accuracy_m, distance_m=distance, far_from_site=far,
        answers=dict(answers or {}), note=note.strip(), checklist_version=checklist_version,
    )
    if checked_in_at is not None:
        record.checked_in_at = min(checked_in_at, timezone.now())
    record._change_reason = gettext_noop("巡查签到")  # type: ignore[attr-defined]
    record.save()
    record_event(record, "patrol_recorded", actor=actor,
                 summary=_patrol_msg(enterprise.name, distance, far),
                 data={"distance_m": distance, "far": far, "accuracy_m": accuracy_m})
    photos = list(photos)
    if photos:
        attachments_add(owner=record, files=photos, actor=actor, role="patrol")
    hazards = []
    for finding in findings:
        hazards.append(hazard_report(
            actor=actor, source="patrol", enterprise=enterprise, category=str(finding.get("category", "")),
            description=str(finding.get("description", "")), level=str(finding.get("level") or "general"),
            standard_item=str(finding.get("standard_item") or ""), lng=lng, lat=lat, accuracy_m=accuracy_m,
            photos=finding.get("photos") or (), checklist_item=finding.get("checklist_item"),
            found_at=record.checked_in_at,
        ))
    if hazards:
        record.hazard_count = len(hazards)
        record._change_reason = gettext_noop("登记发现隐患")  # type: ignore[attr-defined]
        record.save(update_fields=["hazard_count"])
        record_event(record, "patrol_findings", actor=actor, summary=Msg(gettext_noop("发现隐患 {n} 项"), n=len(hazards)),
                     data={"hazards": [h.pk for h in hazards]})
    if task is not None:
        task.status = PatrolStatus.DONE
        task.done_at = record.checked_in_at
        task._change_reason = gettext_noop("已巡查")  # type: ignore[attr-defined]
        task.save(update_fields=["status", "done_at"])
        due_close(task, DUE_PATROL)
    return record


# --- coverage ----------------------------------------------------------------------------

MAX_PERIOD_DAYS = 3 * 366


def coverage_period(start: str | None, end: str | None, *, default: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    """The period of a coverage query from two ``YYYY-MM-DD`` texts (empty: the default).
    Bad dates, an end before the start and periods over three years are refused."""
    try:
        first = dt.date.fromisoformat(start) if start else default[0]
        last = dt.date.fromisoformat(end) if end else default[1]
    except ValueError:
        raise DomainError("日期格式应为 YYYY-MM-DD", "Dates must be YYYY-MM-DD", field="start") from None
    if last < first:
        raise DomainError("结束日期不能早于开始日期", "The end is before the start", field="end")
    if (last - first).days > MAX_PERIOD_DAYS:
        raise DomainError("查询期间不能超过三年", "The period may not exceed three years", field="end")
    return first, last


def _coverage_tasks(user: Any, start: dt.date, end: dt.date, grid: Jurisdiction | None = None,
                    grid_ids: Iterable[int] | None = None) -> Any:
    qs = (PatrolTask.objects.restrict(user, "grids.view").filter(due_date__range=(start, end))
          .exclude(status=PatrolStatus.CANCELLED))
    if grid is not None:
        qs = qs.filter(grid=grid)
    if grid_ids is not None:
        qs = qs.filter(grid_id__in=list(grid_ids))
    return qs


def _coverage_counts() -> dict[str, Any]:
    """planned / done / done on time (on or before the due date, local time) / overdue (open and
    past due today) as SQL aggregates."""

    today = timezone.localdate()
    return {
        "planned": Count("id"),
        "done": Count("id", filter=Q(status=PatrolStatus.DONE)),
        "on_time": Count("id", filter=Q(status=PatrolStatus.DONE, done_at__date__lte=F("due_date"))),
        "overdue": Count("id", filter=Q(status=PatrolStatus.OPEN, due_date__lt=today)),
    }


def _rates(row: dict[str, Any]) -> dict[str, Any]:
    planned = row.get("planned") or 0
    row["rate"] = round(100 * row["done"] / planned, 1) if planned else 0.0
    row["on_time_rate"] = round(100 * row["on_time"] / planned, 1) if planned else 0.0
    return row


def grid_coverage(*, user: Any, start: dt.date, end: dt.date, grid: Jurisdiction | None = None,
                  grid_ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
    """Per grid in scope: patrols planned, done, done on time, overdue (SQL aggregates)."""
    rows = (
        _coverage_tasks(user, start, end, grid, grid_ids)
        .values("grid_id", "grid__name", "grid__code")
        .annotate(**_coverage_counts())
        .order_by("grid__code")
    )
    return [_rates(r) for r in rows]


def inspector_coverage(*, user: Any, start: dt.date, end: dt.date,
                       grid: Jurisdiction | None = None) -> list[dict[str, Any]]:
    """Per inspector of the tasks in scope (one GROUP BY): planned, done, on time, overdue and
    rates; tasks without an inspector form one last row with ``inspector_id`` None."""

    rows = (
        _coverage_tasks(user, start, end, grid)
        .values("inspector_id", "inspector__username", "inspector__display_name")
        .annotate(**_coverage_counts())
        .order_by(F("inspector__display_name").asc(nulls_last=True), F("inspector__username").asc(nulls_last=True),
                  "inspector_id")
    )
    out = []
    for r in rows:
        r["name"] = r["inspector__display_name"] or r["inspector__username"] or ""
        out.append(_rates(r))
    return out


def coverage_totals(*, user: Any, start: dt.date, end: dt.date, grid: Jurisdiction | None = None) -> dict[str, Any]:
    """The same counts over every task in scope (one aggregate)."""
    return _rates(dict(_coverage_tasks(user, start, end, grid).aggregate(**_coverage_counts())))


# Colour bands of the coverage map, worst first: (lowest rate %, colour). ColorBrewer RdYlBu,
# colour-blind safe and distinct in lightness; the tooltip shows the figure itself as well.
COVERAGE_BANDS: list[tuple[float, str]] = [
    (0.0, "#d7191c"),
    (50.0, "#fdae61"),
    (80.0, "#abd9e9"),
    (95.0, "#2c7bb6"),
]
NO_PLAN_COLOUR = "#bdbdbd"


def coverage_band(rate: float, planned: int) -> int:
    """The index into ``COVERAGE_BANDS`` of a rate; -1 when nothing was planned."""
    if not planned:
        return -1
    band = 0
    for i, (low, _colour) in enumerate(COVERAGE_BANDS):
        if rate >= low:
            band = i
    return band


def simplify_tolerance(bounds: tuple[float, float, float, float]) -> float:
    """A simplification tolerance (degrees) invisible at the extent shown: about 1/4000 of the
    larger side of the extent, rounded down to a power of two (so that nearby extents share
    cached shapes), between 2⁻²⁰ (≈ 0.1 m) and 2⁻¹⁰ (≈ 100 m) degrees."""

    side = max(bounds[2] - bounds[0], bounds[3] - bounds[1], 0.0)
    exponent = math.floor(math.log2(side / 4000)) if side > 0 else -20
    return float(2.0 ** min(max(exponent, -20), -10))


# Simplified boundaries as GeoJSON text, per process, keyed by grid, boundary length, bbox and
# tolerance: a redrawn boundary changes its length or its bbox and is simplified again.
_SIMPLIFIED: dict[tuple[Any, ...], str | None] = {}
_SIMPLIFIED_MAX = 50_000


def _simplified(rows: list[tuple[Any, ...]], tolerance: float) -> dict[int, str | None]:
    """``rows`` are (pk, boundary length, min_lng, min_lat, max_lng, max_lat); the boundaries not
    cached yet are read 500 at a time and simplified (topology kept) and rounded to 1e-6° in
    vectorised shapely."""
    import numpy as np  # heavy optional library: imported on use
    import shapely  # heavy optional library: imported on use

    keys = {r[0]: (*r, tolerance) for r in rows}
    missing = [pk for pk, key in keys.items() if key not in _SIMPLIFIED]
    if len(_SIMPLIFIED) + len(missing) > _SIMPLIFIED_MAX:
        _SIMPLIFIED.clear()
    for i in range(0, len(missing), 500):
        chunk = list(Jurisdiction.objects.filter(pk__in=missing[i:i + 500]).values_list("pk", "boundary"))
        geoms = shapely.from_geojson(np.array([b for _pk, b in chunk], dtype=object), on_invalid="ignore")
        geoms = shapely.simplify(geoms, tolerance, preserve_topology=True)
        geoms = shapely.set_precision(geoms, 1e-6, mode="pointwise")
        for (pk, _b), text in zip(chunk, shapely.to_geojson(geoms), strict=True):
            _SIMPLIFIED[keys[pk]] = text
    return {pk: _SIMPLIFIED.get(key) for pk, key in keys.items()}


def coverage_geojson(*, user: Any, start: dt.date, end: dt.date, url_of: Any = None) -> str:
    """A GeoJSON FeatureCollection (text) of the grids in scope with a boundary, each with its
    coverage figures and band. Boundaries are simplified with a tolerance fitted to the extent of
    all the grids shown (``simplify_tolerance``) and cached per process, so a warm request is one
    light query (ids, lengths, bboxes) plus the coverage aggregate."""

    grids = list(
        Jurisdiction.objects.restrict(user, "grids.view").filter(level=JurisdictionLevel.GRID)
        .exclude(boundary="").order_by("code")
        .values_list("code", "name", "id", Length("boundary"), "min_lng", "min_lat", "max_lng", "max_lat")
    )
    if not grids:
        return '{"type":"FeatureCollection","features":[]}'
    rows = [g[2:] for g in grids]
    boxed = [r for r in rows if None not in r[2:]]
    extent = ((min(r[2] for r in boxed), min(r[3] for r in boxed), max(r[4] for r in boxed), max(r[5] for r in boxed))
              if boxed else (0.0, 0.0, 0.0, 0.0))
    shapes = _simplified(rows, simplify_tolerance(extent))
    by_grid = {r["grid_id"]: r for r in grid_coverage(user=user, start=start, end=end)}
    empty = {"planned": 0, "done": 0, "on_time": 0, "overdue": 0, "rate": 0.0}
    parts = []
    for code, name, pk, *_rest in grids:
        text = shapes.get(pk)
        if text is None:
            continue
        c = by_grid.get(pk, empty)
        props = {"id": pk, "code": code, "name": name, "planned": c["planned"], "done": c["done"],
                 "on_time": c["on_time"], "overdue": c["overdue"], "rate": c["rate"],
                 "band": coverage_band(c["rate"], c["planned"]), "url": url_of(pk) if url_of else ""}
        parts.append('{"type":"Feature","properties":' + json.dumps(props, ensure_ascii=False)
                     + ',"geometry":' + text + "}")
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"


# --- grid detail -------------------------------------------------------------------------

KEY_PLACE_FLAGS = ("crowded_place", "major_hazard_source", "hazardous_chemicals", "dust_explosion",
                   "ammonia_refrigeration", "confined_space", "high_risk_sector")


def grid_list(*, user: Any, q: str = "", parent: Jurisdiction | None = None) -> Any:
    """Grids in scope (optionally by name/code and within a street or district), with their
    enterprise count and leader's name annotated."""

    qs = Jurisdiction.objects.restrict(user, "grids.view").filter(level=JurisdictionLevel.GRID)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__startswith=q))
    if parent is not None:
        qs = qs.filter(path__startswith=parent.path)
    leader = (GridStaff.objects.filter(grid=OuterRef("pk"), role=GridRole.LEADER, is_active=True)
              .order_by("id").values("user__display_name")[:1])
    inspectors = (GridStaff.objects.filter(grid=OuterRef("pk"), role=GridRole.INSPECTOR, is_active=True)
                  .order_by().values("grid").annotate(n=Count("id")).values("n"))
    return qs.select_related("parent").annotate(
        n_enterprises=Count("enterprises", distinct=True), leader_name=Subquery(leader),
        n_inspectors=Subquery(inspectors),
    )


def _key_place_q() -> Any:
    """Enterprises carrying any key-place flag (JSON containment where the database has it)."""

    q = Q()
    for flag in KEY_PLACE_FLAGS:
        q |= Q(flags__contains=[flag]) if _json_contains_supported() else Q(flags__icontains=f'"{flag}"')
    return q


def _in_grid(grid: Jurisdiction, field: str = "jurisdiction") -> dict[str, Any]:
    return {f"{field}__path__startswith": grid.path}


def grid_summary(*, user: Any, grid: Jurisdiction, start: dt.date, end: dt.date,
                 key_place_limit: int = 200) -> dict[str, Any]:
    """What the grid detail page and API show, each part read within the user's scope:
    staff, enterprises by risk colour, key places (by flags), major hazard sources (GB 18218
    records, graded, and enterprises flagged without a record), coverage, recent patrols and
    open hazards."""

    staff = list(GridStaff.objects.filter(grid=grid, is_active=True).select_related("user").order_by("role", "id"))
    enterprises = Enterprise.objects.restrict(user, "enterprises.view").filter(**_in_grid(grid))
    by_colour = dict(enterprises.filter(status=EnterpriseStatus.OPERATING).values_list("risk_colour")
                     .annotate(n=Count("id")).order_by())
    key_qs = enterprises.filter(_key_place_q()).exclude(status=EnterpriseStatus.CLOSED)
    key_places = list(key_qs.order_by("name", "id")[:key_place_limit])
    crowded = [e for e in key_places if "crowded_place" in (e.flags or [])]
    others = [e for e in key_places if "crowded_place" not in (e.flags or [])]
    sources = list(
        HazardSource.objects.restrict(user, "monitoring.view").filter(**_in_grid(grid, "enterprise__jurisdiction"))
        .filter(is_major=True, retired=False).select_related("enterprise").order_by("grade", "enterprise__name", "id")
    )
    with_record = {s.enterprise_id for s in sources}
    flagged_no_record = [e for e in key_places if "major_hazard_source" in (e.flags or []) and e.pk not in with_record]
    open_hazards = Hazard.objects.restrict(user, "hazards.view").filter(**_in_grid(grid), status__in=OPEN_STATUSES)
    return {
        "leaders": [s for s in staff if s.role == GridRole.LEADER],
        "inspectors": [s for s in staff if s.role == GridRole.INSPECTOR],
        "by_colour": [(c, by_colour.get(c, 0)) for c in ("red", "orange", "yellow", "blue")],
        "n_enterprises": sum(by_colour.values()),
        "key_places": crowded + others,
        "n_key_places": key_qs.count(),
        "flag_labels": FLAGS,
        "hazard_sources": sources,
        "flagged_without_record": flagged_no_record,
        "coverage": coverage_totals(user=user, start=start, end=end, grid=grid),
        "by_inspector": inspector_coverage(user=user, start=start, end=end, grid=grid),
        "records": list(PatrolRecord.objects.restrict(user, "grids.view").filter(grid=grid)
                        .select_related("enterprise", "inspector").order_by("-checked_in_at", "-id")[:10]),
        "open_hazards": open_hazards.count(),
        "major_open_hazards": open_hazards.filter(level="major").count(),
    }


def grid_key_place_points(*, user: Any, grid: Jurisdiction, limit: int = 500) -> list[dict[str, Any]]:
    """Key places of the grid with coordinates as GeoJSON point features (for its map)."""

    rows = (Enterprise.objects.restrict(user, "enterprises.view").filter(**_in_grid(grid)).filter(_key_place_q())
            .exclude(status=EnterpriseStatus.CLOSED).filter(lng__isnull=False, lat__isnull=False)
            .order_by("id")[:limit])
    out = []
    for e in rows:
        flags = e.flags or []
        kind = ("major_hazard_source" if "major_hazard_source" in flags
                else "crowded_place" if "crowded_place" in flags else "other")
        out.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [e.lng, e.lat]},
                    "properties": {"id": e.pk, "name": e.name, "kind": kind, "flags": e.flag_labels(),
                                   "risk_colour": e.risk_colour, "url": reverse("enterprises:detail", args=[e.pk])}})
    return out


# --- whole-city reassignment -------------------------------------------------------------


MOVES_TABLE = "grids_reassign_moves"  # temporary: this connection only, dropped after use


def _stage_moves(cur: Any, moves: Iterable[tuple[int, ...]]) -> None:
    """Put ``(enterprise id, new jurisdiction id[, old jurisdiction id])`` rows into the temporary
    table: PostgreSQL ``COPY … FROM STDIN``, other databases ``executemany`` in chunks."""

    cur.execute(f"DROP TABLE IF EXISTS {MOVES_TABLE}")
    if connection.vendor == "postgresql":
        cur.execute(f"CREATE TEMPORARY TABLE {MOVES_TABLE} (id bigint NOT NULL, new_j bigint NOT NULL, old_j bigint)")
        with cur.cursor.copy(f"COPY {MOVES_TABLE} (id, new_j, old_j) FROM STDIN") as copy:  # psycopg 3 under Django's wrapper
            for row in moves:
                copy.write_row(row if len(row) == 3 else (*row, None))
        cur.execute(f"ANALYZE {MOVES_TABLE}")
        return
    cur.execute(f"CREATE TEMPORARY TABLE {MOVES_TABLE} (id integer PRIMARY KEY, new_j integer NOT NULL, old_j integer)")
    insert = f"INSERT INTO {MOVES_TABLE} (id, new_j, old_j) VALUES (%s, %s, %s)"  # noqa: S608
    batch: list[tuple[int, ...]] = []
    for row in moves:
        batch.append(row if len(row) == 3 else (*row, None))
        if len(batch) >= 5000:
            cur.executemany(insert, batch)
            batch.clear()
    if batch:
        cur.executemany(insert, batch)


def _drop_moves() -> None:
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {MOVES_TABLE}")


def _move_enterprises(changes: Mapping[int, int] | Iterable[tuple[int, ...]], *, reason: str,
                      keep: bool = False) -> int:
    """Set ``jurisdiction_id`` (and ``updated_at``) of the enterprises ``{id: new_jurisdiction_id}``
    (or ``(id, new_jurisdiction_id[, old_jurisdiction_id])`` rows) and write one history row (``~``,
    ``reason``, no user) per moved enterprise, in one transaction.

    Set-based SQL, three statements whatever the number of rows: the pairs go into a temporary
    table (PostgreSQL ``COPY``; SQLite ``executemany``), then one ``UPDATE … FROM`` it and one
    ``INSERT … SELECT`` of the history rows from the updated rows joined to it (docs/benchmarks.md,
    "Reassignment and import at the database's speed"). ``keep``: leave the table for the caller
    (the open records and the report read it), who drops it with ``_drop_moves``."""

    pairs = changes.items() if isinstance(changes, Mapping) else changes
    table = connection.ops.quote_name(Enterprise._meta.db_table)
    history_table = connection.ops.quote_name(Enterprise.history.model._meta.db_table)  # type: ignore[attr-defined]
    insert_cols, select_exprs, params = enterprise_history_select("e", history_type="~", reason=reason, user_id=None)
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    # Table and column names come from model metadata; every value is a query parameter.
    if connection.vendor == "postgresql":
        update = (f"UPDATE {table} AS e SET jurisdiction_id = m.new_j, updated_at = %s "  # noqa: S608
                  f"FROM {MOVES_TABLE} AS m WHERE e.id = m.id")
    else:
        update = (f"UPDATE {table} SET jurisdiction_id = (SELECT m.new_j FROM {MOVES_TABLE} AS m "  # noqa: S608
                  f"WHERE m.id = {table}.id), updated_at = %s WHERE id IN (SELECT id FROM {MOVES_TABLE})")
    insert = (f"INSERT INTO {history_table} ({', '.join(insert_cols)}) SELECT {', '.join(select_exprs)} "  # noqa: S608
              f"FROM {table} AS e JOIN {MOVES_TABLE} AS m ON m.id = e.id")
    with transaction.atomic(), connection.cursor() as cur:
        _stage_moves(cur, pairs)
        cur.execute(update, [stamp])
        moved = cur.rowcount
        if moved:
            cur.execute(insert, params)
        if not keep:
            cur.execute(f"DROP TABLE {MOVES_TABLE}")
    return int(moved)


class _Moves(Mapping[int, tuple[int, int]]):
    """The job's moves ``{enterprise id: (old unit id, new unit id)}`` over three integer arrays
    sorted by id (24 bytes a move; a dict of a million tuples would take about 200 MB)."""

    def __init__(self, ids: array[int], olds: array[int], news: array[int]) -> None:
        self.ids, self.olds, self.news = ids, olds, news

    def __getitem__(self, pk: int) -> tuple[int, int]:
        i = bisect_left(self.ids, pk)
        if i == len(self.ids) or self.ids[i] != pk:
            raise KeyError(pk)
        return self.olds[i], self.news[i]

    def __iter__(self) -> Iterator[int]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


REASSIGN_RESULTS: dict[str, Any] = {
    "total": gettext_lazy("企业数"), "moved": gettext_lazy("已调整"), "unplaced": gettext_lazy("未能落格"),
    "hazards": gettext_lazy("随迁未销号隐患"), "public_reports": gettext_lazy("随迁办理中的举报"),
    "accidents": gettext_lazy("随迁调查未结案的事故"), "patrol_tasks": gettext_lazy("随迁未完成的巡查任务"),
    "regrouped": gettext_lazy("随下级单位改属的企业"), "todos": gettext_lazy("转入新单位的待办"),
}


def _moved_columns() -> list[Column]:
    return [Column("类别 / kind", lambda r: r.kind_label), Column("编号 / id", lambda r: r.pk),
            Column("名称 / record", lambda r: r.title), Column("企业 / enterprise", lambda r: r.enterprise),
            Column("原属地 / from", lambda r: r.from_unit), Column("新属地 / to", lambda r: r.to_unit)]


# Above this many rows the list of what moved is written as CSV (UTF-8 with BOM, opens in Excel
# and WPS): a worksheet holds at most 1,048,576 rows, and typed xlsx cells cost about ten times
# what CSV lines do (docs/benchmarks.md, "Reassignment and import at the database's speed").
REPORT_XLSX_MAX_ROWS = 100_000


def _moved_enterprise_rows() -> Iterator[Moved]:
    """The enterprises of the moves table with their old and new unit's names, by id, read with a
    server-side cursor on PostgreSQL (a whole city's moves are never held in memory)."""
    qn = connection.ops.quote_name
    sql = (f"SELECT m.id, e.name, jo.name, jn.name FROM {MOVES_TABLE} AS m "  # noqa: S608  (names from model metadata)
           f"JOIN {qn(Enterprise._meta.db_table)} AS e ON e.id = m.id "
           f"JOIN {qn(Jurisdiction._meta.db_table)} AS jo ON jo.id = m.old_j "
           f"JOIN {qn(Jurisdiction._meta.db_table)} AS jn ON jn.id = m.new_j ORDER BY m.id")
    with connection.chunked_cursor() as cur:
        cur.execute(sql)
        while batch := cur.fetchmany(5000):
            for pk, name, old, new in batch:
                yield Moved("enterprises", "企业", pk, name, name, old, new)


def _write_moved(job: Any, rows: list[Moved], *, enterprises: int = 0) -> None:
    """The list of what moved, as the job's downloadable workbook (CSV above
    ``REPORT_XLSX_MAX_ROWS``): ``enterprises`` moved enterprises read from the moves table first,
    then ``rows``."""
    everything = itertools.chain(_moved_enterprise_rows() if enterprises else (), rows)
    as_csv = enterprises + len(rows) > REPORT_XLSX_MAX_ROWS
    suffix = ".csv" if as_csv else ".xlsx"
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        if as_csv:
            with open(tmp.name, "w", encoding="utf-8", newline="") as out:
                out.writelines(iter_csv(everything, _moved_columns()))
        else:
            write_xlsx(everything, _moved_columns(), tmp.name, sheet="moved")
        with open(tmp.name, "rb") as fh:
            job.result_file.save(f"reassign-moved-{job.pk}{suffix}", File(fh), save=False)
    Job.objects.filter(pk=job.pk).update(result_file=job.result_file.name)


def _relocate(job: Any, progress: Progress, qs: Any, *, reason: str, report: FollowReport) -> dict[str, int]:
    """Locate every enterprise of ``qs`` (reading in chunks, nothing written), then write all the
    moves in one transaction: the enterprises and their history by ``_move_enterprises`` (three
    statements for the whole job), their open records (``follow_enterprises``, one query per kind
    of record over the moves table) and the report (``_write_moved``, read from the moves table).
    Moves are kept as three integer arrays (24 bytes per moved enterprise)."""

    total = qs.count()
    progress.set_total(max(total, 1), "重新归属网格")
    chunk = int(job.params.get("chunk", 5000))
    ids, olds, news = array("q"), array("q"), array("q")
    unplaced = done = 0
    last_id = 0
    while True:
        rows = list(qs.filter(id__gt=last_id).order_by("id").values_list("id", "lng", "lat", "jurisdiction_id")[:chunk])
        if not rows:
            break
        located = locate_jurisdiction_ids([(lng, lat) for _pk, lng, lat, _j in rows])
        for (pk, _lng, _lat, current), new in zip(rows, located, strict=True):
            if new is None:
                unplaced += 1
            elif new != current:
                ids.append(pk)
                olds.append(current)
                news.append(new)
        done += len(rows)
        last_id = rows[-1][0]
        progress.advance(done, f"已处理 {done}/{total}，调整 {len(ids)}")
    moved = 0
    if ids:
        progress.advance(done, f"正在写入：企业 {len(ids)} 家及其未办结记录")
        try:
            with transaction.atomic():
                moved = _move_enterprises(zip(ids, news, olds, strict=True), reason=reason, keep=True)
                follow_enterprises(_Moves(ids, olds, news), reason=reason, report=report,
                                   ids=RawSQL(f"SELECT id FROM {MOVES_TABLE}", ()))  # noqa: S608, S611  (a fixed name)
                _write_moved(job, report.rows, enterprises=moved)
        finally:
            _drop_moves()
    else:
        _write_moved(job, report.rows)
    return {"total": total, "moved": moved, "unplaced": unplaced}


def _report_enterprises(pairs: Mapping[int, tuple[int, int]], names: Mapping[int, str], report: FollowReport) -> None:
    units = dict(Jurisdiction.objects.filter(pk__in={u for pair in pairs.values() for u in pair})
                 .values_list("pk", "name"))  # names only: not thousands of GeoJSON boundaries per chunk
    for pk, (old, new) in pairs.items():
        report.add(Moved("enterprises", "企业", pk, names.get(pk, ""), names.get(pk, ""), units[old], units[new]))


def _result(counts: Mapping[str, int], report: FollowReport) -> dict[str, Any]:
    out: dict[str, Any] = dict(counts)
    for f in followers():
        out[f.code] = report.counts.get(f.code, 0)
    out["todos"] = report.todos
    return out


@job_handler("grids.reassign", results=REASSIGN_RESULTS)
def reassign_enterprises_job(job: Any, progress: Progress) -> dict[str, Any]:
    """Re-locate every enterprise with coordinates into the deepest jurisdiction containing
    it (STRtree via ``locate_jurisdiction_ids``), in chunks, updating only those that move; the
    open records of a moved enterprise move with it (``enterprises.follow``). With
    ``params["adjustment"]`` only that adjustment's units are re-located, all in one transaction,
    and its report is kept on the adjustment."""

    invalidate_locator()
    report = FollowReport()
    names: dict[int, str] = {}
    adjustment_id = job.params.get("adjustment")
    if adjustment_id:
        adjustment = Adjustment.objects.select_related("unit", "other").get(pk=adjustment_id)
        pairs, regrouped, counts = _locate_adjustment(progress, adjustment, names=names)
        progress.advance(progress.job.done, f"正在写入：企业 {len(pairs) + len(regrouped)} 家及其未办结记录")
        with transaction.atomic():  # all or nothing: the enterprises, their records, the report
            _apply_adjustment(job, adjustment, pairs, regrouped, report=report, names=names)
            result = _result(counts, report)
            Adjustment.objects.filter(pk=adjustment.pk).update(report={**result, "rows": len(report.rows)})
            record_event(adjustment.unit, "reassigned", actor=job.created_by,
                         summary=Msg(gettext_noop("区划调整后重新归属：企业 {n} 家，记录 {r} 条"), n=counts["moved"],
                                     r=sum(v for k, v in report.counts.items() if k != "enterprises")),
                         data=result)
    else:
        qs = Enterprise.objects.filter(lng__isnull=False, lat__isnull=False)
        if not qs.exists():
            raise JobRejected("没有带坐标的企业", {"total": 0})
        counts = _relocate(job, progress, qs, reason=gettext_noop("网格重新归属"), report=report)
        return _result(counts, report)
    _write_moved(job, report.rows)
    return result


def _locate_adjustment(progress: Progress, adjustment: Adjustment, *,
                       names: dict[int, str]) -> tuple[dict[int, tuple[int, int]], dict[int, tuple[int, int]], dict[str, int]]:
    """Which enterprises of the adjusted units move where (nothing is written): by coordinates
    into the deepest unit now containing them; for a merger, the retired unit's enterprises
    without coordinates go to the unit that absorbed it."""
    unit, other = adjustment.unit, adjustment.other
    area = Q(jurisdiction__path__startswith=unit.path) | Q(jurisdiction__path__startswith=other.path)
    qs = Enterprise.objects.filter(area)
    total = qs.count()
    progress.set_total(max(total, 1), "定位企业")
    pairs: dict[int, tuple[int, int]] = {}
    regrouped: dict[int, tuple[int, int]] = {}
    unplaced = done = 0
    last_id = 0
    while True:
        rows = list(qs.filter(id__gt=last_id).order_by("id")
                    .values_list("id", "lng", "lat", "jurisdiction_id", "name", "jurisdiction__path")[:5000])
        if not rows:
            break
        placed = [r for r in rows if r[1] is not None and r[2] is not None]
        located = dict(zip([r[0] for r in placed], locate_jurisdiction_ids([(r[1], r[2]) for r in placed]), strict=True))
        for pk, _lng, _lat, current, name, path in rows:
            new = located.get(pk)
            if new is None and adjustment.kind == AdjustmentKind.MERGE and current == other.pk:
                new = unit.pk
            if new is None:
                unplaced += 1
            elif new != current:
                pairs[pk] = (current, new)
                names[pk] = name
            if (new is None or new == current) and adjustment.kind == AdjustmentKind.SPLIT \
                    and path.startswith(other.path) and current != other.pk:
                regrouped[pk] = (unit.pk, other.pk)  # its grid went with the split: its street changed
                names[pk] = name
        done += len(rows)
        last_id = rows[-1][0]
        progress.advance(done, f"已定位 {done}/{total}，需调整 {len(pairs)}")
    return pairs, regrouped, {"total": total, "moved": len(pairs), "unplaced": unplaced, "regrouped": len(regrouped)}


def _apply_adjustment(job: Any, adjustment: Adjustment, pairs: Mapping[int, tuple[int, int]],
                      regrouped: Mapping[int, tuple[int, int]], *, report: FollowReport, names: Mapping[int, str]) -> None:
    # stored in Chinese, shown in the reader's language (audit.display.reason_text): "拆分：<why>"
    with translation.override("zh-hans"):
        reason = f"{adjustment.get_kind_display()}：{adjustment.reason}"
    if pairs:
        _move_enterprises({pk: new for pk, (_old, new) in pairs.items()}, reason=reason)
        _report_enterprises(pairs, names, report)
        follow_enterprises(pairs, reason=reason, actor=job.created_by, report=report)
    if regrouped:
        _report_enterprises(regrouped, names, report)
        follow_enterprises(regrouped, reason=reason, actor=job.created_by, report=report)
    if adjustment.kind == AdjustmentKind.MERGE:
        # Open records that sit with the retired unit itself, and its to-dos, go to the unit that absorbed it.
        follow_unit(old=adjustment.other, new=adjustment.unit, reason=reason, actor=job.created_by, report=report)
        due_move_unit(old_unit=adjustment.other, new_unit=adjustment.unit)


def reassign_start(*, actor: Any) -> Any:
    if actor is not None and not has_action(actor, "grids.reassign"):
        raise NotAllowed("您无权执行全市网格重新归属", "You may not run the reassignment")
    return job_start("grids.reassign", actor=actor, title=gettext_noop("全市企业网格重新归属"), params={"chunk": 5000})


# --- yearly patrol plans (设置 › 网格人员与巡查计划) -----------------------------------------------


def _plan_year(grids: Iterable[Jurisdiction], *, actor: Any, year: int, progress: Progress | None = None) -> dict[str, int]:
    grids = list(grids)
    if progress is not None:
        progress.set_total(max(len(grids), 1), f"生成巡查计划 / planning {len(grids)} grids")
    tasks = 0
    for n, grid in enumerate(grids, start=1):
        tasks += len(patrol_plan_generate(actor=actor, grid=grid, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31)))
        if progress is not None:
            progress.advance(n, f"已完成 {n} 个网格 / {n} grids planned")
    return {"grids": len(grids), "tasks": tasks}


def patrol_plans_year_start(*, actor: Any, year: int) -> Any:
    """Start the job that plans a whole year's patrols for every grid where ``actor`` plans
    (the button of the settings page); idempotent like ``patrol_plan_generate``."""
    if not has_action(actor, "grids.plan"):
        raise NotAllowed("您无权制定巡查计划", "You may not plan patrols")
    if not 2000 <= int(year) <= 2100:
        raise DomainError("年度不正确", "Bad year", field="year")
    with transaction.atomic():
        return job_start("grids.patrol_plans", actor=actor, title=f"{year}年网格巡查计划", params={"year": int(year)})


@job_handler("grids.patrol_plans", results={"grids": gettext_lazy("网格数"), "tasks": gettext_lazy("新增巡查任务")})
def patrol_plans_job(job: Any, progress: Progress) -> dict[str, Any]:
    grids = (Jurisdiction.objects.restrict(job.created_by, "grids.plan")
             .filter(level=JurisdictionLevel.GRID, is_active=True).order_by("path"))
    return _plan_year(grids, actor=job.created_by, year=int(job.params["year"]), progress=progress)


def patrol_plans_next_year(*, today: dt.date | None = None) -> dict[str, int]:
    """The yearly job (``grids.tasks``): every grid's patrols for next year, planned in December
    so that January's visits are in the inspectors' inboxes before the year starts."""
    year = (today or timezone.localdate()).year + 1
    grids = Jurisdiction.objects.filter(level=JurisdictionLevel.GRID, is_active=True).order_by("path")
    return _plan_year(grids, actor=None, year=year)
