"""Control targets: setting and splitting the annual quotas, measuring progress with SQL
aggregates, and putting warnings in the responsible office's inbox.

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

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from anjian.accidents.choices import AccidentKind
from anjian.accidents.models import Accident, ControlTarget, TargetMetric
from anjian.accidents.services import _is_actor
from anjian.audit.services import record_event
from anjian.core.errors import DomainError, NotAllowed
from anjian.core.scoping import scope_allows
from anjian.inbox import registry as due_registry
from anjian.inbox.services import due_close, due_open
from anjian.orgs.models import Jurisdiction
from anjian.rules import accidents as law

TARGET_WARNING = due_registry.register(
    due_registry.DueKind(code="accidents.target_warning", label="事故控制指标预警",
                         remind_before=dt.timedelta(days=2), escalate_after=dt.timedelta(days=3))
)


def _check(actor: Any, jurisdiction: Jurisdiction) -> None:
    if _is_actor(actor) and not scope_allows(actor, "accidents.targets", jurisdiction=jurisdiction):
        raise NotAllowed("您无权下达该区域的控制指标", "You may not set targets for this area")


@transaction.atomic
def target_set(
    *, actor: Any, year: int, jurisdiction: Jurisdiction, metric: str, quota: int, category: str = "",
    amber_ratio: Decimal = Decimal("0.8"), red_ratio: Decimal = Decimal("1"), parent: ControlTarget | None = None,
    note: str = "",
) -> ControlTarget:
    _check(actor, jurisdiction)
    if metric not in TargetMetric.values:
        raise DomainError("指标不正确", "Unknown metric", field="metric")
    if category and category not in {c.value for c in law.AccidentCategory}:
        raise DomainError("事故类别不正确", "Unknown category", field="category")
    if quota < 0:
        raise DomainError("控制数不能为负", "The quota must not be negative", field="quota")
    if not Decimal(0) < Decimal(amber_ratio) <= Decimal(red_ratio):
        raise DomainError("须 0 < 黄色预警比例 ≤ 红色预警比例", "Need 0 < amber ≤ red", field="amber_ratio")
    target, created = ControlTarget.objects.update_or_create(
        year=year, jurisdiction=jurisdiction, category=category, metric=metric,
        defaults={"quota": quota, "amber_ratio": amber_ratio, "red_ratio": red_ratio, "parent": parent,
                  "set_by": actor if _is_actor(actor) else None, "note": note[:200]},
    )
    record_event(target, "set", actor=actor, summary=f"{'下达' if created else '调整'}控制指标：{target}")
    return target


def _actual_by_district(
    year: int, category: str, metric: str, district_ids: list[int] | None = None, until: dt.date | None = None
) -> dict[int, int]:
    end = timezone.make_aware(dt.datetime(year + 1, 1, 1))
    if until is not None:
        end = min(end, timezone.make_aware(dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min)))
    qs = Accident.objects.filter(
        occurred_at__gte=timezone.make_aware(dt.datetime(year, 1, 1)), occurred_at__lt=end, kind=AccidentKind.ACCIDENT,
    )
    if district_ids is not None:
        qs = qs.filter(district_id__in=district_ids)
    if category:
        qs = qs.filter(category=category)
    value = Coalesce(Sum("deaths"), 0) if metric == TargetMetric.DEATHS else Count(
        "id", filter=Q(grade__gte=law.AccidentGrade.LARGER))
    return dict(qs.values("district_id").annotate(v=value).values_list("district_id", "v"))


@transaction.atomic
def target_split(*, actor: Any, target: ControlTarget, manual: dict[int, int] | None = None) -> list[ControlTarget]:
    """Split a city target to its districts: given shares (``manual``: district id → quota, must
    add up to the quota) or proportional to last year's actual figures (largest remainder, so the
    shares add up exactly; equal shares when last year had none)."""
    _check(actor, target.jurisdiction)
    districts = list(Jurisdiction.objects.filter(parent=target.jurisdiction, is_active=True).order_by("path"))
    if not districts:
        raise DomainError("该区域没有下级区域", "No sub-areas to split to")
    ids = [d.pk for d in districts]
    if manual is not None:
        if set(manual) != set(ids) or sum(manual.values()) != target.quota or min(manual.values()) < 0:
            raise DomainError("分解数之和须等于控制数", "The shares must add up to the quota", field="manual")
        shares = dict(manual)
    else:
        last = _actual_by_district(target.year - 1, target.category, target.metric, ids)
        weights = {i: last.get(i, 0) for i in ids}
        total = sum(weights.values())
        if total == 0:
            weights, total = dict.fromkeys(ids, 1), len(ids)
        exact = {i: Decimal(target.quota) * weights[i] / total for i in ids}
        shares = {i: int(exact[i]) for i in ids}
        rest = target.quota - sum(shares.values())
        for i in sorted(ids, key=lambda i: (-(exact[i] - shares[i]), ids.index(i)))[:rest]:
            shares[i] += 1
    return [
        target_set(actor=actor, year=target.year, jurisdiction=d, metric=target.metric, quota=shares[d.pk],
                   category=target.category, amber_ratio=target.amber_ratio, red_ratio=target.red_ratio,
                   parent=target, note="按上年实际比例分解" if manual is None else "手工分解")
        for d in districts
    ]


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
    targets = list(ControlTarget.objects.restrict(user, "accidents.view").filter(year=year).select_related("jurisdiction"))
    groups: dict[tuple[str, str], list[int]] = {}
    for t in targets:
        groups.setdefault((t.category, t.metric), []).append(t.jurisdiction_id)
    actuals: dict[tuple[str, str, int], int] = {}
    for (category, metric), jur_ids in groups.items():
        by_district = _actual_by_district(year, category, metric, until=until)
        for jid in jur_ids:
            jur = next(t.jurisdiction for t in targets if t.jurisdiction_id == jid)
            if jur.parent_id is None:
                actuals[(category, metric, jid)] = sum(by_district.values())
            else:
                actuals[(category, metric, jid)] = by_district.get(jid, 0)
    rows = []
    for t in targets:
        actual = actuals[(t.category, t.metric, t.jurisdiction_id)]
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
            due_close(t, TARGET_WARNING.code)
            continue
        level = "红色预警" if row["status"] == "red" else "黄色预警"
        due_open(
            t, TARGET_WARNING.code,
            title=f"{level}：{t.jurisdiction.name}{t.get_category_display() or ''}{t.get_metric_display()}"
                  f"已达{row['actual']}（控制数{t.quota}）",
            due_at=timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=7), dt.time(18))),
            url="/accidents/targets/", owner_jurisdiction=t.jurisdiction,
        )
        opened += 1
    return opened


def _all_progress(year: int, day: dt.date) -> list[dict[str, Any]]:
    from anjian.accounts.models import User

    system = User(is_superuser=True, is_active=True)
    return target_progress(user=system, year=year, day=day)
