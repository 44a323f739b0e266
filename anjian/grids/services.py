"""Writes for grid management: staff, patrol plans (from risk colours), patrol records (findings
become hazards in the same transaction), and the whole-city reassignment job."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from anjian.audit.services import record_event
from anjian.core.errors import DomainError, InvalidTransition, NotAllowed, NotFoundInScope
from anjian.core.geo import distance_m
from anjian.core.scoping import can, scope_allows
from anjian.documents.attachments import attachments_add
from anjian.enterprises.models import Enterprise, EnterpriseStatus
from anjian.grids.models import GridRole, GridStaff, PatrolRecord, PatrolStatus, PatrolTask
from anjian.inbox import registry as due_registry
from anjian.inbox.services import due_close, due_open
from anjian.jobs.registry import job_handler
from anjian.jobs.services import JobRejected, Progress
from anjian.orgs.models import Jurisdiction, JurisdictionLevel
from anjian.rules.risk import PATROL_INTERVAL_MONTHS, RiskColour, next_patrol_due

DUE_PATROL = due_registry.register(
    due_registry.DueKind(code="grids.patrol", label="网格巡查", remind_before=dt.timedelta(days=3),
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
                 summary=f"{'新增' if created else '调整'}网格人员：{user}（{GridRole(role).label}{'' if active else '，离岗'}）")
    return staff


def grid_inspector_of(grid: Jurisdiction) -> Any:
    """The grid's first active inspector (or leader when it has no inspector), or None."""
    staff = (GridStaff.objects.filter(grid=grid, is_active=True).select_related("user")
             .order_by("-role", "id"))  # "inspector" sorts after "leader": inspectors first
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
                 summary=f"生成巡查计划 {start:%Y-%m-%d}～{end:%Y-%m-%d}：{len(new)} 项",
                 data={"start": start.isoformat(), "end": end.isoformat(), "created": len(new)})
    return new


def models_max(field: str) -> Any:
    from django.db.models import Max

    return Max(field)


def _open_task_due(task: PatrolTask) -> None:
    due_at = timezone.make_aware(dt.datetime.combine(task.due_date, dt.time(23, 59, 59)))
    due_open(task, DUE_PATROL, title=f"网格巡查：{task.enterprise.name}（{task.due_date:%Y-%m-%d}）", due_at=due_at,
             url=f"/grids/patrol/{task.pk}/", owner_jurisdiction=task.grid, assignee=task.inspector)


# --- patrol records ----------------------------------------------------------------------


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
) -> PatrolRecord:
    """Record a patrol on site. The check-in is compared with the enterprise's position and
    flagged when farther than ``PATROL_CHECKIN_MAX_M``. Each finding (``category``,
    ``description``, optional ``level``, ``standard_item``) becomes a hazard via
    ``hazard_report`` in this same transaction; the task and its inbox item are closed."""
    from anjian.hazards.services import hazard_report

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
        answers=dict(answers or {}), note=note.strip(),
    )
    record._change_reason = "巡查签到"  # type: ignore[attr-defined]
    record.save()
    record_event(record, "patrol_recorded", actor=actor,
                 summary=f"巡查 {enterprise.name}" + (f"，距企业 {distance:.0f} 米" if distance is not None else "，无定位")
                 + ("（签到位置偏离）" if far else ""),
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
            photos=finding.get("photos") or (),
        ))
    if hazards:
        record.hazard_count = len(hazards)
        record._change_reason = "登记发现隐患"  # type: ignore[attr-defined]
        record.save(update_fields=["hazard_count"])
        record_event(record, "patrol_findings", actor=actor, summary=f"发现隐患 {len(hazards)} 项",
                     data={"hazards": [h.pk for h in hazards]})
    if task is not None:
        task.status = PatrolStatus.DONE
        task.done_at = record.checked_in_at
        task._change_reason = "已巡查"  # type: ignore[attr-defined]
        task.save(update_fields=["status", "done_at"])
        due_close(task, DUE_PATROL)
    return record


# --- coverage ----------------------------------------------------------------------------


def grid_coverage(*, user: Any, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Per grid in scope: patrols planned, done, done on time, overdue (SQL aggregates)."""
    from django.db.models import Count, F, Q

    today = timezone.localdate()
    rows = (
        PatrolTask.objects.restrict(user, "grids.view").filter(due_date__range=(start, end))
        .exclude(status=PatrolStatus.CANCELLED)
        .values("grid_id", "grid__name", "grid__code")
        .annotate(
            planned=Count("id"),
            done=Count("id", filter=Q(status=PatrolStatus.DONE)),
            on_time=Count("id", filter=Q(status=PatrolStatus.DONE, done_at__date__lte=F("due_date"))),
            overdue=Count("id", filter=Q(status=PatrolStatus.OPEN, due_date__lt=today)),
        )
        .order_by("grid__code")
    )
    out = []
    for r in rows:
        r["rate"] = round(100 * r["done"] / r["planned"], 1) if r["planned"] else 0.0
        out.append(r)
    return out


# --- whole-city reassignment -------------------------------------------------------------


@job_handler("grids.reassign")
def reassign_enterprises_job(job: Any, progress: Progress) -> dict[str, Any]:
    """Re-locate every enterprise with coordinates into the deepest jurisdiction containing
    it (STRtree via ``locate_jurisdiction_ids``), in chunks, updating only those that move."""
    from simple_history.utils import bulk_update_with_history

    from anjian.orgs.services import invalidate_locator, locate_jurisdiction_ids

    invalidate_locator()
    qs = Enterprise.objects.filter(lng__isnull=False, lat__isnull=False)
    total = qs.count()
    if total == 0:
        raise JobRejected("没有带坐标的企业", {"total": 0})
    progress.set_total(total, "重新归属网格")
    chunk = int(job.params.get("chunk", 5000))
    moved = unplaced = done = 0
    last_id = 0
    while True:
        rows = list(qs.filter(id__gt=last_id).order_by("id").values_list("id", "lng", "lat", "jurisdiction_id")[:chunk])
        if not rows:
            break
        located = locate_jurisdiction_ids([(lng, lat) for _pk, lng, lat, _j in rows])
        changes: dict[int, int] = {}
        for (pk, _lng, _lat, current), new in zip(rows, located, strict=True):
            if new is None:
                unplaced += 1
            elif new != current:
                changes[pk] = new
        if changes:
            now = timezone.now()
            objs = list(Enterprise.objects.filter(pk__in=changes))
            for ent in objs:
                ent.jurisdiction_id = changes[ent.pk]
                ent.updated_at = now
            with transaction.atomic():
                bulk_update_with_history(objs, Enterprise, ["jurisdiction", "updated_at"], batch_size=1000,
                                         default_change_reason=f"网格重新归属（任务 {job.pk}）")
            moved += len(objs)
        done += len(rows)
        last_id = rows[-1][0]
        progress.advance(done, f"已处理 {done}/{total}，调整 {moved}")
    return {"total": total, "moved": moved, "unplaced": unplaced}


def reassign_start(*, actor: Any) -> Any:
    from anjian.core.scoping import has_action
    from anjian.jobs.services import job_start

    if actor is not None and not has_action(actor, "grids.reassign"):
        raise NotAllowed("您无权执行全市网格重新归属", "You may not run the reassignment")
    return job_start("grids.reassign", actor=actor, title="全市企业网格重新归属", params={"chunk": 5000})
