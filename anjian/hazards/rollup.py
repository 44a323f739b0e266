"""Hazard statistics from a rollup table (issue 22): a year of a megacity reads a few thousand
rows instead of grouping millions of hazards, and the figures stay exactly those of the live
computation (``stats.hazard_statistics`` with ``live=True``; the tests compare both).

**The table** (``HazardRollup``): per local month of ``found_at`` × territory × sector ×
regulator (``department``) × level, the counts found / written off (销号) / overdue *at the time
of the refresh*. Rejected reports are not counted. The raw foreign keys would give no compression
(a megacity's 2,000 grids × hundreds of sector classes: nearly one row per hazard), so the keys are
the hazard's **street** (its deepest jurisdiction at level ≤ street) and its GB/T 4754 **division**
(its deepest sector at depth ≤ 2). Every scope whose territory is at street level or above and
whose sector set is a union of whole divisions (or sections) selects exactly the same hazards
through the rolled-up keys as through the raw ones (a hazard lies in the subtree of such an area
iff its street does; its sector is in such a set iff its division is), so the scoping Q of
``anjian.core.scoping`` and the area/sector filters apply to the rollup unchanged. Anything else
— a grid or community membership, an enterprise membership, a department holding a single
class, the free filters (source, text) — is answered by the live query (those scopes are small).

**Current figures** without waiting for a refresh. A refresh (``hazard_rollup_refresh``) records
``refreshed_at`` (T) and ``since`` = T − ``HAZARD_ROLLUP_MARGIN_MINUTES`` (default 15). Hazards
with a history row after ``since`` are left out of the rollup (``HazardRollupHot``), all in one
consistent snapshot (REPEATABLE READ on PostgreSQL). A request then adds:

* C = the hazards with a history row after ``since`` (the history's ``history_date`` index; every
  write of a hazard goes through its history: ``anjian.audit``): their current state, counted
  live, minus what the rollup holds for those of them not left out — their state as of
  ``since`` from the history (``as_of``), overdue then judged at T as the refresh did. New and
  backdated hazards, status changes, moves and deletions after the refresh are therefore exact.
  The margin covers transactions still open when the refresh read (a write that takes longer
  than the margin to commit could be missed until the next refresh).
* **Overdue** depends on *now*: a hazard counted "not overdue" at T whose deadline passed since
  (status 待整改/整改中, deadline in [T, now)) is added by a small query on the (status,
  deadline) index — the deadlines that fell due since the refresh. Overdue is therefore exact at
  any moment without keeping per-deadline-day counts (which would undo the compression).

Refresh: rebuilds the whole table in one statement's grouping (``rollup-statistics`` command, and
the hourly ``hazards.rollup`` job); its time and the read times are in ``docs/benchmarks.md``
("Statistics from rollups"). Without any refresh yet, the statistics are live.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, DateField, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from anjian.core import rollups
from anjian.core.rollups import KeyMaps
from anjian.core.scoping import scope_q
from anjian.hazards.models import (
    RECTIFICATION_STATUSES,
    Hazard,
    HazardRollup,
    HazardRollupHot,
    HazardRollupState,
    HazardStatus,
)
from anjian.jobs.registry import job_handler
from anjian.jobs.services import job_start
from anjian.orgs.models import Jurisdiction, JurisdictionLevel, Sector

JOB_KIND = "hazards.rollup"
ACTION = "hazards.view"
MEASURES = ("found", "rectified", "overdue")


def key_maps() -> KeyMaps:
    """Raw jurisdiction → street, raw sector → division (``anjian.core.rollups``)."""
    return rollups.key_maps()


def _territory_ok(path: str | None, maps: KeyMaps) -> bool:
    return path is None or maps.jur_level.get(path, JurisdictionLevel.GRID) <= JurisdictionLevel.STREET


def rollup_answers(*, user: Any, filters: dict[str, Any] | None, maps: KeyMaps) -> bool:
    """Whether the rollup gives exactly the live figures for this user and these filters."""
    if not HazardRollupState.objects.exists():
        return False
    f = {k: v for k, v in (filters or {}).items() if v}
    if set(f) - {"jurisdiction", "sector"}:
        return False
    if "jurisdiction" in f and not _territory_ok(f["jurisdiction"].path, maps):
        return False
    if "sector" in f and not rollups.sectors_closed(Sector.ids_within([f["sector"]]), maps.sector):
        return False
    return rollups.grants_covered(user, ACTION, maps.sector)


# ---------------------------------------------------------------------------------------------
# Refresh (the job)
# ---------------------------------------------------------------------------------------------


def _month() -> TruncMonth:
    return TruncMonth("found_at", output_field=DateField(), tzinfo=timezone.get_current_timezone())


def _changed_since(since: dt.datetime) -> QuerySet[Any]:
    return Hazard.history.model.objects.filter(history_date__gt=since).values("id")


COLUMNS = (
    rollups.Column("month", "m"), rollups.Column("jurisdiction_id", "jurisdiction_id", key="jur"),
    rollups.Column("sector_id", "sector_id", key="sector"), rollups.Column("department_id", "department_id"),
    rollups.Column("level", "level"), *(rollups.Column(m, m, sum=True) for m in MEASURES),
)


def hazard_rollup_refresh() -> dict[str, Any]:
    """Rebuild ``HazardRollup`` from the hazards (all years) in one consistent snapshot; returns
    the figures for the job page. Idempotent."""

    def fill(now: dt.datetime, hot: QuerySet[Any]) -> dict[str, Any]:
        grouped = (
            Hazard.objects.exclude(status=HazardStatus.REJECTED).exclude(id__in=hot)
            .annotate(m=_month()).values("m", "jurisdiction_id", "sector_id", "department_id", "level")
            .annotate(found=Count("id"), rectified=Count("id", filter=Q(status=HazardStatus.WRITTEN_OFF)),
                      overdue=Count("id", filter=Q(status__in=RECTIFICATION_STATUSES, deadline__lt=now)))
            .order_by()
        )
        return {"rows": rollups.insert_rolled_up(HazardRollup, grouped, key_maps(), COLUMNS)}

    return rollups.rebuild(state=HazardRollupState, hot=HazardRollupHot, hot_field="hazard_id",
                           changed=lambda since: _changed_since(since).values_list("id", flat=True), fill=fill)


def refresh_all() -> dict[str, Any]:
    """The hazard rollup, then every other registered statistics rollup (``anjian.core.rollups``:
    the accidents' one) — what the hourly job and ``anjian rollup-statistics`` run. The hazard
    figures at the top level (as before), the others' prefixed with their code."""
    done = rollups.refresh_all(first=("hazards", hazard_rollup_refresh))
    out = dict(done.pop("hazards"))
    for code, figures in done.items():
        out.update({f"{code}_{k}": v for k, v in figures.items()})
    return out


@job_handler(JOB_KIND, results={"rows": gettext_lazy("汇总行数"), "hot": gettext_lazy("实时计入的隐患"),
                                "seconds": gettext_lazy("用时(秒)"),
                                "accidents_rows": gettext_lazy("事故汇总行数"),
                                "accidents_hot": gettext_lazy("实时计入的事故"),
                                "accidents_seconds": gettext_lazy("事故汇总用时(秒)")})
def hazard_rollup_job(job: Any, progress: Any) -> dict[str, Any]:
    return refresh_all()


def hazard_rollup_start(*, actor: Any = None) -> Any:
    """Start a refresh of the statistics rollups as a job (the hourly schedule; no person: the
    rollups are derived data)."""
    return job_start(JOB_KIND, actor=actor, title=gettext_noop("刷新统计汇总（隐患、事故）"))


# ---------------------------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------------------------


@dataclass
class Counted:
    """Grouped counts: dimension → key → [found, rectified, overdue]."""

    by: dict[str, dict[Any, list[int]]] = field(
        default_factory=lambda: {"jurisdiction": {}, "sector": {}, "level": {}, "month": {}})
    totals: list[int] = field(default_factory=lambda: [0, 0, 0])

    def add(self, keys: dict[str, Any], values: Iterable[int], sign: int = 1) -> None:
        vals = list(values)
        for dim, key in keys.items():
            a = self.by[dim].setdefault(key, [0, 0, 0])
            for i, v in enumerate(vals):
                a[i] += sign * v
        for i, v in enumerate(vals):
            self.totals[i] += sign * v


def state() -> HazardRollupState | None:
    return HazardRollupState.objects.filter(pk=1).first()


def _row_values(status: str, deadline: dt.datetime | None, at: dt.datetime) -> tuple[int, int, int]:
    return (1, int(status == HazardStatus.WRITTEN_OFF),
            int(status in RECTIFICATION_STATUSES and deadline is not None and deadline < at))


def _month_of(found_at: dt.datetime) -> dt.date:
    local = timezone.localtime(found_at)
    return dt.date(local.year, local.month, 1)


FIELDS = ("id", "jurisdiction_id", "sector_id", "level", "status", "deadline", "found_at")


DIMENSIONS = (("jurisdiction", "jurisdiction_id"), ("sector", "sector_id"), ("level", "level"), ("month", "month"))


def _read_rollup(rq: QuerySet[HazardRollup], out: Counted) -> None:
    """The rollup rows grouped by each dimension: on PostgreSQL one scan (``GROUPING SETS``), else
    one grouped query per dimension. Totals = the sum over the levels."""
    if connection.vendor == "postgresql":
        inner, params = rq.values("jurisdiction_id", "sector_id", "level", "month", "found", "rectified",
                                  "overdue").order_by().query.sql_with_params()
        # the ORM's SQL with its parameters inside a fixed statement
        sql = ("SELECT GROUPING(jurisdiction_id), GROUPING(sector_id), GROUPING(level), GROUPING(month), "  # noqa: S608
               "jurisdiction_id, sector_id, level, month, SUM(found), SUM(rectified), SUM(overdue) "
               f"FROM ({inner}) r "
               "GROUP BY GROUPING SETS ((jurisdiction_id), (sector_id), (level), (month))")
        with connection.cursor() as cur:
            cur.execute(sql, params)
            rows = cur.fetchall()
        for gj, gs, gl, _gm, j, sec, level, month, f, r, o in rows:
            dim, key = (("jurisdiction", j) if not gj else ("sector", sec) if not gs else ("level", level) if not gl
                        else ("month", month))
            vals = [int(f), int(r), int(o)]
            out.by[dim][key] = vals
            if dim == "level":
                out.totals = [a + b for a, b in zip(out.totals, vals, strict=True)]
        return
    sums = {"f": Sum("found"), "r": Sum("rectified"), "o": Sum("overdue")}
    for dim, column in DIMENSIONS:
        for r in rq.values(column).annotate(**sums).order_by():
            out.by[dim][r[column]] = [r["f"], r["r"], r["o"]]
            if dim == "level":
                out.totals = [a + b for a, b in zip(out.totals, (r["f"], r["r"], r["o"]), strict=True)]


def rollup_counts(*, user: Any, year: int, filters: dict[str, Any] | None, live_base: QuerySet[Hazard],
                  st: HazardRollupState) -> Counted:
    """The counts of ``stats.hazard_statistics`` from the rollup plus the live corrections (see the
    module docstring). ``live_base``: the hazards counted (scope, year, filters), for the
    corrections."""
    f = filters or {}
    now = timezone.now()
    out = Counted()
    rq = HazardRollup.objects.restrict(user, ACTION).filter(month__gte=dt.date(year, 1, 1),
                                                            month__lte=dt.date(year, 12, 1))
    if jur := f.get("jurisdiction"):
        rq = rq.filter(jurisdiction_id__in=Jurisdiction.objects.filter(path__startswith=jur.path).values("id"))
    if sector := f.get("sector"):
        rq = rq.filter(sector_id__in=Sector.ids_within([sector]))
    _read_rollup(rq, out)

    def keys(r: dict[str, Any]) -> dict[str, Any]:
        return {"jurisdiction": r["jurisdiction_id"], "sector": r["sector_id"], "level": r["level"],
                "month": _month_of(r["found_at"])}

    changed = _changed_since(st.since)
    # + the current state of the hazards changed since ``since`` (overdue now)
    for r in live_base.filter(id__in=changed).values(*FIELDS):
        out.add(keys(r), _row_values(r["status"], r["deadline"], now))
    # − what the rollup holds for them: their state as of ``since`` (overdue at the refresh)
    History = Hazard.history.model
    latest = (History.objects.filter(id=OuterRef("id"), history_date__lte=st.since)
              .order_by("-history_date", "-history_id").values("history_id")[:1])
    then = (History.objects.filter(id__in=changed, history_date__lte=st.since)
            .exclude(id__in=HazardRollupHot.objects.values("hazard_id"))
            .annotate(latest=Subquery(latest)).filter(history_id=F("latest")).exclude(history_type="-")
            .exclude(status=HazardStatus.REJECTED)
            .filter(found_at__gte=timezone.make_aware(dt.datetime(year, 1, 1)),
                    found_at__lt=timezone.make_aware(dt.datetime(year + 1, 1, 1))))
    q = scope_q(user, ACTION, Hazard)
    if q is False:
        return Counted()
    if isinstance(q, Q):
        then = then.filter(q)
    if jur:
        then = then.filter(jurisdiction_id__in=Jurisdiction.objects.filter(path__startswith=jur.path).values("id"))
    if sector:
        then = then.filter(sector_id__in=Sector.ids_within([sector]))
    for r in then.values(*FIELDS):
        out.add(keys(r), _row_values(r["status"], r["deadline"], st.refreshed_at), sign=-1)
    # + the deadlines that fell due since the refresh (unchanged hazards: counted not overdue then)
    due = (live_base.filter(status__in=RECTIFICATION_STATUSES, deadline__gte=st.refreshed_at, deadline__lt=now)
           .exclude(id__in=changed))
    for r in due.values(*FIELDS):
        out.add(keys(r), (0, 0, 1))
    return out
