"""Accident statistics from a rollup table (issue 22): a year of a megacity reads a few thousand
rows instead of grouping hundreds of thousands of accidents, and the figures stay exactly those of
the live computation (``stats`` with ``ACCIDENT_STATISTICS_ROLLUP=False``; the tests compare both).
The same mechanism as the hazards' (``anjian.hazards.rollup``), sharing ``anjian.core.rollups``.

**The table** (``AccidentRollup``): per local month of ``occurred_at`` × kind × the accident's
territory rolled up to its district × its ``district`` × its GB/T 4754 division × its regulator × category × type × grade × origin
(imported or reported), the counted figures — accidents, deaths, missing, serious and minor
injuries, direct loss — and its investigation (opened, closed). These are every dimension and
filter of ``stats`` (month, district, category, industry, type, grade; area, category, origin),
so each figure is a sum of rollup rows. The district and division keys answer every scope at
district level or above and every department whose sectors are whole divisions
(``anjian.core.rollups``); an area filter or a scope below the district (a street office, a grid),
a text or date filter, a scope of single classes or an enterprise, and the accidents a user
created outside their unit scope are answered live.

**Periods**: the whole months of a period from the rollup, its partial months at either end (the
cockpit's year to date, a monthly report's ``today``) from the accidents, in the same figures.

**What changes after reporting, and why the figures stay exact.** An accident's counted figures
change by 续报/补报 inside the Art. 13 window (deaths within 30 days, 7 for road and fire) and so
does its grade (re-classification); it may be reported late (迟报/补报: a new row with an old
``occurred_at``), follow its enterprise to another unit, be deleted (an import undone), and its
investigation opens and closes. Every such write goes through the services and leaves a history
row (the accident's, or its investigation's: ``anjian.audit``). A refresh
(``accident_rollup_refresh``) records ``refreshed_at`` (T) and ``since`` = T − the margin
(``HAZARD_ROLLUP_MARGIN_MINUTES``, default 15) and leaves out the accidents with a history row
(theirs or their investigation's) after ``since`` (``AccidentRollupHot``), in one snapshot
(REPEATABLE READ on PostgreSQL). A request then adds, for the accidents changed after ``since``,
their current state (counted live) minus what the rollup holds for those not left out: their
state as of ``since`` from the two histories. Supplements after the window never reach the
accident row (``stats``), so they change nothing here either.

The refresh also records a digest of the district/division maps: after a 行政区划 or sector change
the figures are live until the next refresh (``anjian.core.rollups.tree_unchanged``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, DateField, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from anjian.accidents.choices import AccidentKind, InvestigationStatus
from anjian.accidents.models import (
    Accident,
    AccidentRollup,
    AccidentRollupHot,
    AccidentRollupState,
    Investigation,
)
from anjian.accidents.selectors import filter_accidents
from anjian.core import rollups
from anjian.core.scoping import scope_q
from anjian.orgs.models import JurisdictionLevel
from anjian.rules import accidents as law

CODE = "accidents"
# the territory key: the district (the statistics group by district; a street's scope is small
# and answered live) — half the rows of street keys at 500,000 accidents (docs/benchmarks.md)
LEVEL = JurisdictionLevel.DISTRICT
ACTION = "accidents.view"
FILTERS = frozenset({"jurisdiction", "category", "origin", "grade", "type_code", "kind"})
MEASURES = ("count", "deaths", "missing", "serious_injuries", "minor_injuries", "loss_yuan", "larger")
# a dimension of ``stats`` → the rollup's column (the same name on ``Accident``)
COLUMN = {"month": "month", "district": "district_id", "category": "category", "industry": "sector_id",
          "type": "type_code", "grade": "grade"}


# ---------------------------------------------------------------------------------------------
# Figures: what ``stats`` shows, from the rollup or live
# ---------------------------------------------------------------------------------------------


def _zero() -> dict[str, Any]:
    return {**dict.fromkeys(MEASURES, 0), "loss_yuan": Decimal(0)}


@dataclass
class Figures:
    """The figures of a period: totals (``stats.AGGREGATES``' keys) of the accidents (kind
    生产安全事故), grouped the same way by each dimension asked for, the count of 较大涉险事故 and the
    investigations of the period's accidents (opened, closed)."""

    dims: tuple[str, ...] = ()
    totals: dict[str, Any] = field(default_factory=_zero)
    by: dict[str, dict[Any, dict[str, Any]]] = field(default_factory=dict)
    larger_at_risk: int = 0
    opened: int = 0
    closed: int = 0

    def __post_init__(self) -> None:
        for dim in self.dims:
            self.by.setdefault(dim, {})

    def add_group(self, kind: str, dim: str | None, key: Any, values: dict[str, Any], opened: int = 0,
                  closed: int = 0, sign: int = 1) -> None:
        """Add grouped values (``dim`` None: the totals)."""
        if kind != AccidentKind.ACCIDENT:
            if dim is None:
                self.larger_at_risk += sign * int(values["count"])
            return
        if dim is None:
            target = self.totals
            self.opened += sign * opened
            self.closed += sign * closed
        else:
            target = self.by[dim].setdefault(key, _zero())
        for m in MEASURES:
            target[m] += sign * values[m]

    def add_accident(self, row: dict[str, Any], inv: str | None, sign: int = 1) -> None:
        """One accident (a ``values()`` row of ``ROW_FIELDS``; ``inv`` its investigation's status)."""
        values = {"count": 1, "deaths": row["deaths"], "missing": row["missing"],
                  "serious_injuries": row["serious_injuries"], "minor_injuries": row["minor_injuries"],
                  "loss_yuan": Decimal(row["direct_loss_yuan"]),
                  "larger": int(row["grade"] is not None and row["grade"] >= law.AccidentGrade.LARGER)}
        self.add_group(row["kind"], None, None, values, opened=int(inv is not None),
                       closed=int(inv == InvestigationStatus.CLOSED), sign=sign)
        local = timezone.localtime(row["occurred_at"])
        keys = {"month": dt.date(local.year, local.month, 1), "district": row["district_id"],
                "category": row["category"], "industry": row["sector_id"], "type": row["type_code"],
                "grade": row["grade"]}
        for dim in self.dims:
            self.add_group(row["kind"], dim, keys[dim], values, sign=sign)

    def merge(self, other: Figures) -> None:
        self.add_group(AccidentKind.ACCIDENT, None, None, other.totals, other.opened, other.closed)
        self.larger_at_risk += other.larger_at_risk
        for dim in self.dims:
            for key, values in other.by.get(dim, {}).items():
                self.add_group(AccidentKind.ACCIDENT, dim, key, values)


ROW_FIELDS = ("id", "kind", "occurred_at", "district_id", "category", "sector_id", "type_code", "grade", "deaths",
              "missing", "serious_injuries", "minor_injuries", "direct_loss_yuan")


# ---------------------------------------------------------------------------------------------
# When the rollup answers
# ---------------------------------------------------------------------------------------------


def state() -> AccidentRollupState | None:
    return AccidentRollupState.objects.filter(pk=1).first()


def enabled() -> bool:
    return bool(getattr(settings, "ACCIDENT_STATISTICS_ROLLUP", True))


def answering_state(*, user: Any, filters: dict[str, Any] | None) -> AccidentRollupState | None:
    """The last refresh when the rollup gives exactly the live figures for this user and these
    filters, else ``None`` (live)."""
    if not enabled():
        return None
    f = {k: v for k, v in (filters or {}).items() if v}
    if set(f) - FILTERS:
        return None
    if (jur := f.get("jurisdiction")) is not None and jur.level > LEVEL:
        return None
    st = state()
    if st is None:
        return None
    if not rollups.grants_covered(user, ACTION, rollups.sector_map(), LEVEL):
        return None
    if not rollups.tree_unchanged(st.since, st.keys, LEVEL):
        return None
    return st


def whole_months(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first days of the first and the last whole month inside ``start`` … ``end``."""
    first = start if start.day == 1 else (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    after = end + dt.timedelta(days=1)
    last_end = after if after.day == 1 else after.replace(day=1)  # the day after the last whole month
    if last_end <= first:
        return None
    last = (last_end - dt.timedelta(days=1)).replace(day=1)
    return first, last


# ---------------------------------------------------------------------------------------------
# Refresh (in the hourly statistics job)
# ---------------------------------------------------------------------------------------------


def _month() -> TruncMonth:
    return TruncMonth("occurred_at", output_field=DateField(), tzinfo=timezone.get_current_timezone())


def changed_since(since: dt.datetime) -> set[int]:
    """The accidents with a history row after ``since``, their own or their investigation's."""
    ids = set(Accident.history.model.objects.filter(history_date__gt=since).values_list("id", flat=True))
    ids |= set(Investigation.history.model.objects.filter(history_date__gt=since)
               .values_list("accident_id", flat=True))
    return ids


KEYS = ("kind", "jurisdiction_id", "district_id", "sector_id", "department_id", "category", "type_code", "grade",
        "is_imported")
COLUMNS = (
    rollups.Column("month", "m"),
    *(rollups.Column(k, k, key={"jurisdiction_id": "jur", "sector_id": "sector"}.get(k)) for k in KEYS),
    rollups.Column("accidents", "n", sum=True), rollups.Column("deaths", "s_deaths", sum=True),
    rollups.Column("missing", "s_missing", sum=True), rollups.Column("serious_injuries", "s_serious", sum=True),
    rollups.Column("minor_injuries", "s_minor", sum=True), rollups.Column("loss_yuan", "s_loss", sum=True),
    rollups.Column("investigations", "s_inv", sum=True), rollups.Column("closed", "s_closed", sum=True),
)


def accident_rollup_refresh() -> dict[str, Any]:
    """Rebuild ``AccidentRollup`` from the accidents (all years) in one consistent snapshot;
    returns the figures for the job page. Idempotent."""

    def fill(now: dt.datetime, hot: QuerySet[Any]) -> dict[str, Any]:
        maps = rollups.key_maps(LEVEL)
        grouped = (
            Accident.objects.exclude(id__in=hot)
            .annotate(m=_month()).values("m", *KEYS)
            .annotate(n=Count("id"), s_deaths=Sum("deaths"), s_missing=Sum("missing"),
                      s_serious=Sum("serious_injuries"), s_minor=Sum("minor_injuries"), s_loss=Sum("direct_loss_yuan"),
                      s_inv=Count("investigation"),
                      s_closed=Count("investigation", filter=Q(investigation__status=InvestigationStatus.CLOSED)))
            .order_by()
        )
        return {"rows": rollups.insert_rolled_up(AccidentRollup, grouped, maps, COLUMNS), "keys": maps.fingerprint()}

    return rollups.rebuild(state=AccidentRollupState, hot=AccidentRollupHot, hot_field="accident_id",
                           changed=changed_since, fill=fill)


# ---------------------------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------------------------

SUMS = {"count": "accidents", "deaths": "deaths", "missing": "missing", "serious_injuries": "serious_injuries",
        "minor_injuries": "minor_injuries", "loss_yuan": "loss_yuan"}


def _read_rollup(rq: QuerySet[AccidentRollup], out: Figures) -> None:
    """The rollup rows added up for the totals and each dimension: on PostgreSQL one scan
    (``GROUPING SETS``), else one grouped query per dimension."""
    tail = ("investigations", "closed")
    if connection.vendor == "postgresql":
        cols = [COLUMN[d] for d in out.dims]
        fields = list(dict.fromkeys(["kind", "grade", *cols, *SUMS.values(), *tail]))
        inner, params = rq.values(*fields).order_by().query.sql_with_params()
        qn = connection.ops.quote_name
        flags = "".join(f"GROUPING({qn(c)}), " for c in cols)
        keys = "".join(f"{qn(c)}, " for c in cols)
        sets = ", ".join(["(kind)", *(f"(kind, {qn(c)})" for c in cols)])
        sums = ", ".join(f"SUM({qn(c)})" for c in SUMS.values())
        # the ORM's SQL with its parameters inside a fixed statement
        sql = (f"SELECT {flags}kind, {keys}{sums}, "  # noqa: S608
               f"SUM(CASE WHEN grade >= {int(law.AccidentGrade.LARGER)} THEN accidents ELSE 0 END), "
               f"SUM(investigations), SUM(closed) FROM ({inner}) r GROUP BY GROUPING SETS ({sets})")
        with connection.cursor() as cur:
            cur.execute(sql, params)
            rows = cur.fetchall()
        n = len(cols)
        for row in rows:
            grouping, kind, keyvals, nums = row[:n], row[n], row[n + 1:2 * n + 1], row[2 * n + 1:]
            values = {m: (Decimal(v) if m == "loss_yuan" else int(v)) for m, v in zip(MEASURES, nums, strict=False)}
            which = next((i for i, g in enumerate(grouping) if not g), None)
            if which is None:
                out.add_group(kind, None, None, values, opened=int(nums[-2]), closed=int(nums[-1]))
            else:
                out.add_group(kind, out.dims[which], keyvals[which], values)
        return
    sums: dict[str, Any] = {m: Sum(c) for m, c in SUMS.items()}
    sums["larger"] = Sum("accidents", filter=Q(grade__gte=law.AccidentGrade.LARGER))
    for dim in (None, *out.dims):
        group = ["kind"] if dim is None else ["kind", COLUMN[dim]]
        extra = {"s_inv": Sum("investigations"), "s_closed": Sum("closed")} if dim is None else {}
        for r in rq.values(*group).annotate(**sums, **extra).order_by():
            values = {m: (Decimal(r[m] or 0) if m == "loss_yuan" else int(r[m] or 0)) for m in MEASURES}
            if dim is None:
                out.add_group(r["kind"], None, None, values, opened=int(r["s_inv"] or 0), closed=int(r["s_closed"] or 0))
            else:
                out.add_group(r["kind"], dim, r[COLUMN[dim]], values)


def _investigations_now(ids: list[int]) -> dict[int, str]:
    return dict(Investigation.objects.filter(accident_id__in=ids).values_list("accident_id", "status"))


def _investigations_then(ids: list[int], at: dt.datetime) -> dict[int, str]:
    History = Investigation.history.model
    latest = (History.objects.filter(id=OuterRef("id"), history_date__lte=at)
              .order_by("-history_date", "-history_id").values("history_id")[:1])
    rows = (History.objects.filter(accident_id__in=ids, history_date__lte=at).annotate(latest=Subquery(latest))
            .filter(history_id=F("latest")).exclude(history_type="-").values_list("accident_id", "status"))
    return dict(rows)


def rollup_figures(*, user: Any, months: tuple[dt.date, dt.date], filters: dict[str, Any] | None,
                   dims: tuple[str, ...], st: AccidentRollupState) -> Figures:
    """The figures of the whole months ``months`` (first days, inclusive) from the rollup plus the
    live corrections (see the module docstring)."""
    f = {k: v for k, v in (filters or {}).items() if v}
    out = Figures(dims=dims)
    unit = scope_q(user, ACTION, AccidentRollup)  # the unit scopes, without "rows I created"
    if unit is False:
        return out
    rq = filter_accidents(AccidentRollup.objects.filter(month__gte=months[0], month__lte=months[1]), f)
    if isinstance(unit, Q):
        rq = rq.filter(unit)
    _read_rollup(rq, out)

    start = timezone.make_aware(dt.datetime.combine(months[0], dt.time.min))
    end = timezone.make_aware(dt.datetime.combine((months[1] + dt.timedelta(days=32)).replace(day=1), dt.time.min))

    def limit(qs: QuerySet[Any]) -> QuerySet[Any]:
        qs = filter_accidents(qs.filter(occurred_at__gte=start, occurred_at__lt=end), f)
        return qs.filter(unit) if isinstance(unit, Q) else qs

    changed = sorted(changed_since(st.since))
    if changed:
        # + the current state of the accidents changed since ``since``
        rows = list(limit(Accident.objects.filter(id__in=changed)).values(*ROW_FIELDS))
        inv = _investigations_now([r["id"] for r in rows])
        for r in rows:
            out.add_accident(r, inv.get(r["id"]))
        # − what the rollup holds for them: their state as of ``since``
        History = Accident.history.model
        latest = (History.objects.filter(id=OuterRef("id"), history_date__lte=st.since)
                  .order_by("-history_date", "-history_id").values("history_id")[:1])
        then = (History.objects.filter(id__in=changed, history_date__lte=st.since)
                .exclude(id__in=AccidentRollupHot.objects.values("accident_id"))
                .annotate(latest=Subquery(latest)).filter(history_id=F("latest")).exclude(history_type="-"))
        rows = list(limit(then).values(*ROW_FIELDS))
        inv = _investigations_then([r["id"] for r in rows], st.since)
        for r in rows:
            out.add_accident(r, inv.get(r["id"]), sign=-1)
    if unit is not None and Accident.SCOPE.creator:
        # + the accidents the user created outside their unit scopes (``scoping``: always theirs)
        own = filter_accidents(Accident.objects.filter(created_by_id=user.pk, occurred_at__gte=start,
                                                       occurred_at__lt=end), f).exclude(unit)
        rows = list(own.values(*ROW_FIELDS))
        inv = _investigations_now([r["id"] for r in rows])
        for r in rows:
            out.add_accident(r, inv.get(r["id"]))
    return out
