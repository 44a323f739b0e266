"""Control targets: setting and splitting the annual quotas, measuring progress with SQL
aggregates, and putting warnings in the responsible office's inbox.

A city (or district) target is split two ways: to its districts (territory, 属地) and to the
sector regulators of the same area (行业监管部门, ``ControlTarget.department``). A department
target counts the accidents routed to that department (``Accident.department``) inside the area;
its warnings go to the department's inbox.

Status of a target on a day (thresholds per target, defaults amber 0.8, red 1.0):

* red — actual ≥ quota × red_ratio (the quota is used up);
* amber — actual ≥ quota × amber_ratio, or actual is ahead of the year's pace
  (actual > quota × elapsed share of the year);
* green — otherwise.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_noop

from anjian.accidents.choices import AccidentKind
from anjian.accidents.models import Accident, ControlTarget, TargetMetric
from anjian.accounts.models import User
from anjian.audit.services import Msg, record_event
from anjian.core.errors import DomainError, NotAllowed
from anjian.core.scoping import scope_allows
from anjian.inbox import registry as due_registry
from anjian.inbox.models import DueItem, DueState
from anjian.inbox.selectors import due_item_list
from anjian.inbox.services import due_close, due_open
from anjian.orgs.models import Department, DepartmentKind, Jurisdiction
from anjian.rules import accidents as law

TARGET_WARNING = due_registry.register(
    due_registry.DueKind(code="accidents.target_warning", label="事故控制指标预警",
                         action="accidents.view", closed_by="知悉并部署",
                         remind_before=dt.timedelta(days=2), escalate_after=dt.timedelta(days=3))
)


def _is_actor(actor: Any) -> bool:
    """A person (not the system, ``None``) — as in ``accidents.services``, which imports this module."""
    return getattr(actor, "pk", None) is not None


def _check(actor: Any, jurisdiction: Jurisdiction) -> None:
    if _is_actor(actor) and not scope_allows(actor, "accidents.targets", jurisdiction=jurisdiction):
        raise NotAllowed("您无权下达该区域的控制指标", "You may not set targets for this area")


def target_departments(jurisdiction: Jurisdiction) -> list[Department]:
    """The sector regulators a target of this area is split to: the area's active regulators."""
    return list(Department.objects.filter(jurisdiction=jurisdiction, kind=DepartmentKind.REGULATOR, is_active=True)
                .order_by("name", "pk"))


@transaction.atomic
def target_set(
    *, actor: Any, year: int, jurisdiction: Jurisdiction, metric: str, quota: int, category: str = "",
    amber_ratio: Decimal = Decimal("0.8"), red_ratio: Decimal = Decimal("1"), parent: ControlTarget | None = None,
    note: str = "", department: Department | None = None,
) -> ControlTarget:
    """Set (or change) the target of an area, or of one of the area's regulators (``department``)."""
    _check(actor, jurisdiction)
    if department is not None and (
        department.jurisdiction_id != jurisdiction.pk or department.kind != DepartmentKind.REGULATOR
        or not department.is_active
    ):
        raise DomainError("该部门不是本区域的行业监管部门", "The department is not a sector regulator of this area",
                          field="department")
    if metric not in TargetMetric.values:
        raise DomainError("指标不正确", "Unknown metric", field="metric")
    if category and category not in {c.value for c in law.AccidentCategory}:
        raise DomainError("事故类别不正确", "Unknown category", field="category")
    if quota < 0:
        raise DomainError("控制数不能为负", "The quota must not be negative", field="quota")
    if not Decimal(0) < Decimal(amber_ratio) <= Decimal(red_ratio):
        raise DomainError("须 0 < 黄色预警比例 ≤ 红色预警比例", "Need 0 < amber ≤ red", field="amber_ratio")
    key = {"year": year, "jurisdiction": jurisdiction, "department": department, "category": category,
           "metric": metric}
    found = ControlTarget.objects.select_for_update().filter(**key).order_by("pk").first()  # no outer joins
    created = found is None
    target = found or ControlTarget(**key)
    target.quota, target.amber_ratio, target.red_ratio = quota, amber_ratio, red_ratio
    target.parent, target.note = parent, note[:200]
    target.set_by = actor if _is_actor(actor) else None
    target._change_reason = gettext_noop("下达控制指标") if created else gettext_noop("调整控制指标")  # type: ignore[attr-defined]
    target.save()
    record_event(target, "set", actor=actor, summary=Msg(gettext_noop("下达控制指标：{target}") if created
                                                             else gettext_noop("调整控制指标：{target}"), target=str(target)))
    return target


def _year_accidents(year: int, category: str, until: dt.date | None) -> Any:
    end = timezone.make_aware(dt.datetime(year + 1, 1, 1))
    if until is not None:
        end = min(end, timezone.make_aware(dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min)))
    qs = Accident.objects.filter(
        occurred_at__gte=timezone.make_aware(dt.datetime(year, 1, 1)), occurred_at__lt=end, kind=AccidentKind.ACCIDENT,
    )
    return qs.filter(category=category) if category else qs


def _metric(metric: str) -> Any:
    return Coalesce(Sum("deaths"), 0) if metric == TargetMetric.DEATHS else Count(
        "id", filter=Q(grade__gte=law.AccidentGrade.LARGER))


def _actual_by_district(
    year: int, category: str, metric: str, district_ids: list[int] | None = None, until: dt.date | None = None
) -> dict[int, int]:
    qs = _year_accidents(year, category, until)
    if district_ids is not None:
        qs = qs.filter(district_id__in=district_ids)
    return dict(qs.values("district_id").annotate(v=_metric(metric)).values_list("district_id", "v"))


def _actual_by_department(
    year: int, category: str, metric: str, department_ids: list[int] | None = None, until: dt.date | None = None
) -> dict[tuple[int, int], int]:
    """(department id, district id) → figure: one grouped aggregate over the routed accidents."""
    qs = _year_accidents(year, category, until).filter(department__isnull=False)
    if department_ids is not None:
        qs = qs.filter(department_id__in=department_ids)
    rows = qs.values("department_id", "district_id").annotate(v=_metric(metric))
    return {(r["department_id"], r["district_id"]): r["v"] for r in rows}


def _largest_remainder(quota: int, weights: dict[int, int], order: list[int]) -> dict[int, int]:
    total = sum(weights.values())
    if total == 0:
        weights, total = dict.fromkeys(order, 1), len(order)
    exact = {i: Decimal(quota) * weights[i] / total for i in order}
    shares = {i: int(exact[i]) for i in order}
    rest = quota - sum(shares.values())
    for i in sorted(order, key=lambda i: (-(exact[i] - shares[i]), order.index(i)))[:rest]:
        shares[i] += 1
    return shares


SPLIT_TO = ("districts", "departments")


@transaction.atomic
def target_split(
    *, actor: Any, target: ControlTarget, manual: dict[int, int] | None = None, to: str = "districts"
) -> list[ControlTarget]:
    """Split an area's target to its districts (``to="districts"``) or to the area's sector
    regulators (``to="departments"``): given shares (``manual``: district or department id →
    quota, must add up to the quota) or proportional to last year's actual figures (largest
    remainder, so the shares add up exactly; equal shares when last year had none). For the
    departments, last year's figure is that of the accidents routed to each, inside the area."""
    _check(actor, target.jurisdiction)
    if to not in SPLIT_TO:
        raise DomainError("分解方式不正确", "Split to districts or departments", field="to")
    if target.department_id is not None:
        raise DomainError("部门指标不能再分解", "A department's target is not split further")
    units: list[Any]
    if to == "districts":
        units = list(Jurisdiction.objects.filter(parent=target.jurisdiction, is_active=True).order_by("path"))
        if not units:
            raise DomainError("该区域没有下级区域", "No sub-areas to split to")
    else:
        units = target_departments(target.jurisdiction)
        if not units:
            raise DomainError("该区域没有行业监管部门", "No sector regulators to split to")
    ids = [u.pk for u in units]
    if manual is not None:
        if set(manual) != set(ids) or sum(manual.values()) != target.quota or min(manual.values()) < 0:
            raise DomainError("分解数之和须等于控制数", "The shares must add up to the quota", field="manual")
        shares = dict(manual)
    elif to == "districts":
        last = _actual_by_district(target.year - 1, target.category, target.metric, ids)
        shares = _largest_remainder(target.quota, {i: last.get(i, 0) for i in ids}, ids)
    else:
        by_pair = _actual_by_department(target.year - 1, target.category, target.metric, ids)
        inside = _inside(target.jurisdiction)
        last = dict.fromkeys(ids, 0)
        for (dept_id, district_id), value in by_pair.items():
            if inside(district_id):
                last[dept_id] += value
        shares = _largest_remainder(target.quota, last, ids)
    note = "手工分解" if manual is not None else "按上年实际比例分解"
    if to == "districts":
        return [
            target_set(actor=actor, year=target.year, jurisdiction=u, metric=target.metric, quota=shares[u.pk],
                       category=target.category, amber_ratio=target.amber_ratio, red_ratio=target.red_ratio,
                       parent=target, note=note)
            for u in units
        ]
    return [
        target_set(actor=actor, year=target.year, jurisdiction=target.jurisdiction, department=u, metric=target.metric,
                   quota=shares[u.pk], category=target.category, amber_ratio=target.amber_ratio,
                   red_ratio=target.red_ratio, parent=target, note=f"{note}到部门")
        for u in units
    ]


def _inside(jurisdiction: Jurisdiction) -> Any:
    """A test on an accident's ``district_id``: is it inside the area? (the root holds all)."""
    if jurisdiction.parent_id is None:
        return lambda district_id: True
    return lambda district_id: district_id == jurisdiction.pk


def elapsed_share(day: dt.date) -> Decimal:
    days = 366 if calendar.isleap(day.year) else 365
    return Decimal(day.timetuple().tm_yday) / days


def target_progress(
    *, user: Any, year: int, day: dt.date | None = None, until: dt.date | None = None
) -> list[dict[str, Any]]:
    """Every target the user may see with its actual figure, ratio and status. ``until`` counts
    the accidents up to that day only (the monthly report's progress at the month's end)."""
    day = day or timezone.localdate()
    share = elapsed_share(day) if day.year == year else (Decimal(1) if day.year > year else Decimal(0))
    targets = list(ControlTarget.objects.restrict(user, "accidents.view").filter(year=year)
                   .select_related("jurisdiction", "department"))
    area_groups: set[tuple[str, str]] = set()
    dept_groups: set[tuple[str, str]] = set()
    for t in targets:
        (dept_groups if t.department_id else area_groups).add((t.category, t.metric))
    by_district = {g: _actual_by_district(year, g[0], g[1], until=until) for g in area_groups}
    by_department = {g: _actual_by_department(year, g[0], g[1], until=until) for g in dept_groups}
    actuals: dict[int, int] = {}
    for t in targets:
        group = (t.category, t.metric)
        inside = _inside(t.jurisdiction)
        if t.department_id:
            actuals[t.pk] = sum(v for (dept_id, district_id), v in by_department[group].items()
                                if dept_id == t.department_id and inside(district_id))
        else:
            actuals[t.pk] = sum(v for district_id, v in by_district[group].items() if inside(district_id))
    rows = []
    for t in targets:
        actual = actuals[t.pk]
        if actual >= t.quota * t.red_ratio and (t.quota or actual):
            status = "red"
        elif actual >= t.quota * t.amber_ratio or actual > t.quota * share:
            status = "amber"
        else:
            status = "green"
        percent = (Decimal(actual) * 100 / t.quota).quantize(Decimal("0.1")) if t.quota else None
        rows.append({"target": t, "actual": actual, "percent": percent, "status": status,
                     "pace": (Decimal(t.quota) * share).quantize(Decimal("0.1"))})
    return rows


@transaction.atomic
def targets_warn(*, year: int | None = None, day: dt.date | None = None) -> int:
    """Open (or close) the warning item of every target; amber and red go to the area's inbox."""
    day = day or timezone.localdate()
    opened = 0
    for row in _all_progress(year or day.year, day):
        t = row["target"]
        if row["status"] == "green":
            due_close(t, TARGET_WARNING.code, state=DueState.CANCELLED)  # the warning no longer applies
            continue
        level = "红色预警" if row["status"] == "red" else "黄色预警"
        title = (f"{level}：{t.owner_name}{t.get_category_display() or ''}{t.get_metric_display()}"
                 f"已达{row['actual']}（控制数{t.quota}）")
        # A warning already open at this colour only has its figures brought up to date: its
        # deadline, reminder and escalation run on (re-opening would restart them every day).
        if DueItem.objects.filter(
            content_type=ContentType.objects.get_for_model(ControlTarget), object_id=str(t.pk),
            kind=TARGET_WARNING.code, state=DueState.OPEN, title__startswith=level,
        ).update(title=title[:300]):
            opened += 1
            continue
        if DueItem.objects.filter(
            content_type=ContentType.objects.get_for_model(ControlTarget), object_id=str(t.pk),
            kind=TARGET_WARNING.code, state=DueState.DONE, title__startswith=level,
        ).exists():
            continue  # the owner acknowledged this colour already; a red after a yellow warns again
        # an area's target goes to the area's inbox, a department's to the department's
        owner = {"owner_department": t.department} if t.department_id else {"owner_jurisdiction": t.jurisdiction}
        due_open(
            t, TARGET_WARNING.code, title=title,
            due_at=timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=7), dt.time(18))),
            url=f"/accidents/targets/?year={t.year}", **owner,
        )
        opened += 1
    return opened


def warnings_for(user: Any) -> list[Any]:
    """The open target warnings in the user's own 我的待办 (the 知悉并部署 forms on the targets page)."""

    return list(due_item_list(user=user).filter(kind=TARGET_WARNING.code))


@transaction.atomic
def target_warning_acknowledge(*, actor: Any, target: ControlTarget, note: str) -> ControlTarget:
    """知悉并部署: the warned area or department records what it has arranged; the to-do closes and
    the same colour does not warn again this year (a yellow warning turning red does)."""
    note = (note or "").strip()
    item = next((i for i in warnings_for(actor) if i.object_id == str(target.pk)), None) if _is_actor(actor) else \
        DueItem.objects.filter(content_type=ContentType.objects.get_for_model(ControlTarget), object_id=str(target.pk),
                               kind=TARGET_WARNING.code, state=DueState.OPEN).first()
    if item is None:
        raise NotAllowed("该指标没有待您处理的预警", "No warning of this target is yours to acknowledge")
    if not note:
        raise DomainError("请填写已部署的措施", "Describe the measures arranged", field="note")
    due_close(target, TARGET_WARNING.code)
    record_event(target, "warning_acknowledged", actor=actor, summary=f"知悉并部署：{item.title}", note=note)
    return target


def targets_refresh_after_commit(occurred_at: dt.datetime) -> None:
    """After an accident is reported or its figures change, bring this year's warnings (their
    figures, "已达N") up to date once the transaction commits, so no to-do shows a stale count."""
    year = timezone.localdate(occurred_at).year
    if year == timezone.localdate().year:
        transaction.on_commit(lambda: targets_warn(year=year))


def _all_progress(year: int, day: dt.date) -> list[dict[str, Any]]:
    system = User(is_superuser=True, is_active=True)
    return target_progress(user=system, year=year, day=day)
