"""The statistics engine: SQL aggregates (``values().annotate()``) over the accidents a user may
see. Counts, deaths, injuries and loss by period, district, category, industry, type and grade;
year-on-year and period-on-period changes; the standard indicators from reference figures,
computed with the rule functions; the investigation closure rate.

Only counted figures are aggregated: supplements after the Art. 13 window never reach the
accident row, so they are absent here by construction.

At megacity scale the figures of a period's whole months come from the rollup
(``anjian.accidents.rollup``: monthly figures per street × district × division × regulator ×
category × type × grade, plus the accidents changed since its refresh counted live) whenever it
answers exactly the same for the user's scope and the filters; its partial months and everything
else from the accidents. Both give the same figures (``tests/accidents/test_rollup.py``);
``statistics_report`` says which and how fresh (``freshness``)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from anjian.accidents import rollup
from anjian.accidents.choices import AccidentKind, Category, Grade, InvestigationStatus
from anjian.accidents.models import Accident, Investigation, ReferenceFigure
from anjian.accidents.selectors import accident_list
from anjian.core.periods import local_midnight, month_bucket
from anjian.orgs.models import Jurisdiction, JurisdictionLevel, Sector
from anjian.rules import accidents as law

DIMENSIONS = ("month", "district", "category", "industry", "type", "grade")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @property
    def is_year(self) -> bool:
        return self == Period.year(self.start.year)

    @property
    def is_month(self) -> bool:
        return self.start.day == 1 and self.end == Period.month(self.start.year, self.start.month).end

    def last_year(self) -> Period:
        def back(day: dt.date) -> dt.date:
            return day.replace(year=day.year - 1, day=min(day.day, calendar.monthrange(day.year - 1, day.month)[1]))

        return Period(back(self.start), back(self.end))

    def previous(self) -> Period:
        """The preceding month for a whole month, else the preceding span of equal length."""
        if self.is_month:
            first = self.start - dt.timedelta(days=1)
            return Period.month(first.year, first.month)
        length = (self.end - self.start).days + 1
        return Period(self.start - dt.timedelta(days=length), self.start - dt.timedelta(days=1))

    def display_label(self) -> str:
        """The period in the reader's language (``label()`` is the Chinese of documents)."""
        if not (translation.get_language() or "").startswith("en"):
            return self.label()
        if self.is_month:
            return f"{self.start:%B %Y}"
        if self == Period.year(self.start.year):
            return str(self.start.year)
        return f"{self.start:%Y-%m-%d} to {self.end:%Y-%m-%d}"

    def label(self) -> str:
        if self.is_month:
            return f"{self.start.year}年{self.start.month}月"
        if self.is_year:
            return f"{self.start.year}年"
        return f"{self.start:%Y-%m-%d}至{self.end:%Y-%m-%d}"


_aware = local_midnight


def _base(user: Any, period: Period, filters: dict[str, Any] | None) -> QuerySet[Accident]:
    qs = accident_list(user=user, filters=filters or {}).filter(
        occurred_at__gte=_aware(period.start), occurred_at__lt=_aware(period.end + dt.timedelta(days=1)),
        kind=AccidentKind.ACCIDENT,
    )
    return qs.select_related(None)  # type: ignore[arg-type]


AGGREGATES: dict[str, Any] = {
    "count": Count("id"),
    "deaths": Coalesce(Sum("deaths"), 0),
    "missing": Coalesce(Sum("missing"), 0),
    "serious_injuries": Coalesce(Sum("serious_injuries"), 0),
    "minor_injuries": Coalesce(Sum("minor_injuries"), 0),
    "loss_yuan": Coalesce(Sum("direct_loss_yuan"), Value(Decimal(0))),
    "larger": Count("id", filter=Q(grade__gte=law.AccidentGrade.LARGER)),
}


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    row = dict(row)
    row["loss_yuan"] = Decimal(row["loss_yuan"]).quantize(Decimal("0.01"))
    row["injuries"] = row["serious_injuries"] + row["minor_injuries"]
    return row


_ASK = object()


def _live_figures(user: Any, period: Period, filters: dict[str, Any] | None, dims: tuple[str, ...],
                  parts: tuple[str, ...]) -> rollup.Figures:
    """The figures straight from the accidents: one aggregate for the totals, one for the
    较大涉险事故, one for the investigations, one grouped query per dimension."""
    out = rollup.Figures(dims=dims)
    qs = _base(user, period, filters)
    if "totals" in parts:
        out.totals = qs.aggregate(**AGGREGATES)
        out.larger_at_risk = (
            accident_list(user=user, filters=filters or {})
            .filter(occurred_at__gte=_aware(period.start), occurred_at__lt=_aware(period.end + dt.timedelta(days=1)),
                    kind=AccidentKind.LARGER_AT_RISK)
            .count()
        )
    if "closure" in parts:
        row = Investigation.objects.filter(accident_id__in=qs.values("id")).aggregate(
            opened=Count("id"), closed=Count("id", filter=Q(status=InvestigationStatus.CLOSED)))
        out.opened, out.closed = row["opened"], row["closed"]
    for by in dims:
        expr: Any = {
            "month": month_bucket("occurred_at", period.start, period.end),
            "district": F("district_id"),
            "category": F("category"),
            # by sector id, merged into GB/T 4754 sections later: no join and no string sort over the
            # rows (bench/bench_accidents.py: the join made PostgreSQL loop over every row's sector)
            "industry": F("sector_id"),
            "type": F("type_code"),
            "grade": F("grade"),
        }[by]
        out.by[by] = {r.pop("key"): r for r in qs.annotate(key=expr).values("key").annotate(**AGGREGATES).order_by()}
    return out


def figures(*, user: Any, period: Period, filters: dict[str, Any] | None = None, dims: Iterable[str] = (),
            parts: tuple[str, ...] = ("totals", "closure"), st: Any = _ASK) -> tuple[rollup.Figures, Any]:
    """The figures of the period and the rollup refresh they come from (``None``: live). The
    whole months from the rollup when it answers exactly (``rollup.answering_state``), the partial
    months at either end live; ``st`` passes a decision already taken for this user and filters."""
    dims = tuple(dims)
    for by in dims:
        if by not in DIMENSIONS:
            raise ValueError(f"unknown dimension {by!r}")
    if st is _ASK:
        st = rollup.answering_state(user=user, filters=filters)
    months = rollup.whole_months(period.start, period.end) if st is not None else None
    if months is None:
        return _live_figures(user, period, filters, dims, parts), None
    out = rollup.rollup_figures(user=user, months=months, filters=filters, dims=dims, st=st)
    after = (months[1] + dt.timedelta(days=32)).replace(day=1)
    for edge in (Period(period.start, months[0] - dt.timedelta(days=1)), Period(after, period.end)):
        if edge.start <= edge.end:
            out.merge(_live_figures(user, edge, filters, dims, ("totals", "closure")))
    return out, st


def freshness(st: Any) -> dict[str, Any]:
    """How fresh the figures are, for the page and the API: the rollup's time in local time, or
    live. Changes after the refresh are always counted (``anjian.accidents.rollup``)."""
    if st is None:
        return {"source": "live", "refreshed_at": None, "text": str(_("统计数据为实时计算"))}
    local = timezone.localtime(st.refreshed_at)
    return {"source": "rollup", "refreshed_at": local.isoformat(timespec="seconds"),
            "text": _("统计数据截至 %(time)s（此后新报、续报和变动的事故实时计入）") % {"time": f"{local:%Y-%m-%d %H:%M}"}}


def _totals(fig: rollup.Figures) -> dict[str, Any]:
    return {**_clean(fig.totals), "larger_at_risk": fig.larger_at_risk}


def accident_totals(*, user: Any, period: Period, filters: dict[str, Any] | None = None, st: Any = _ASK) -> dict[str, Any]:
    """One row of totals for the period."""
    fig, _st = figures(user=user, period=period, filters=filters, parts=("totals",), st=st)
    return _totals(fig)


def larger_accidents(*, user: Any, period: Period, filters: dict[str, Any] | None = None) -> list[Accident]:
    """The period's 较大 and graver accidents (grade ≥ 较大), oldest first."""
    return list(
        _base(user, period, filters).filter(grade__gte=law.AccidentGrade.LARGER)
        .select_related("district", "jurisdiction").order_by("occurred_at", "id")
    )


def _labels(by: str, keys: Iterable[Any]) -> dict[Any, str]:
    keys = [k for k in keys if k is not None]
    if by == "category":
        return {k: str(v) for k, v in Category.choices}
    if by == "grade":
        return {k: str(v) for k, v in Grade.choices}
    if by == "industry":
        return {code: f"{code} {name}" for code, name in Sector.objects.filter(code__in=keys).values_list("code", "name")}
    if by == "type":
        # the type's name, never its GB 6441 code (an internal key: "WSA10010 高处坠落" reads "高处坠落")
        en = (translation.get_language() or "").startswith("en")
        names = {t.code: (t.name_en if en else t.name_zh) for t in (*law.GB6441_1986.types, *law.GB6441_2025.types)}
        return {k: names.get(k) or k for k in keys}
    if by == "month":
        return {k: f"{k:%Y-%m}" for k in keys}
    return {}


def accident_stats(
    *, user: Any, period: Period, by: str, filters: dict[str, Any] | None = None, harmonise_types: bool = False
) -> list[dict[str, Any]]:
    """Aggregates grouped by one dimension, each row with ``key`` and ``label``.

    ``harmonise_types`` maps GB/T 6441-1986 codes to GB 6441—2025 types (``to_2025_type``) so
    a series spanning 2026-07-01 adds up; the mapping runs over the aggregated groups, not rows.
    """
    if by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}")
    fig, _st = figures(user=user, period=period, filters=filters, dims=(by,), parts=())
    return _dimension(fig, by, period, harmonise_types)


def _dimension(fig: rollup.Figures, by: str, period: Period, harmonise_types: bool) -> list[dict[str, Any]]:
    """The rows of one dimension from the grouped figures (groups without accidents left out:
    the live query has none, the rollup's corrections may leave one at zero)."""
    rows = [_clean({"key": k, **v}) for k, v in fig.by[by].items() if v["count"]]
    rows.sort(key=lambda r: (r["key"] is None, r["key"] if r["key"] is not None else 0))
    if by == "industry":
        rows = _merge(rows, _section_codes([r["key"] for r in rows]))
    if by == "district":
        # an accident reported at the city level has the city as its "district" (no district above
        # it): one row 未分区 at the end, not the city listed as if it were one of its districts
        found = Jurisdiction.objects.filter(pk__in=[r["key"] for r in rows if r["key"] is not None])
        names = {pk: name for pk, name, level in found.values_list("pk", "name", "level")
                 if level == JurisdictionLevel.DISTRICT}
        rows = _merge(rows, {k: k for k in names})
        names[None] = _("未分区")
    if by == "month":
        rows = _every_month(rows, period)
    if by == "type" and harmonise_types:
        merged: dict[str, dict[str, Any]] = {}
        for r in rows:
            code = law.to_2025_type(r["key"]).code
            if code in merged:
                for field in (*AGGREGATES, "injuries"):
                    merged[code][field] += r[field]
            else:
                merged[code] = {**r, "key": code}
        rows = sorted(merged.values(), key=lambda r: r["key"])
    labels = names if by == "district" else _labels(by, [r["key"] for r in rows])
    for r in rows:
        r["label"] = labels.get(r["key"], "—" if r["key"] is None else str(r["key"]))
    return rows


def _every_month(rows: list[dict[str, Any]], period: Period) -> list[dict[str, Any]]:
    """One row per month of the period up to the current month, months without accidents at
    zero (a trend that skips them draws a wrong line)."""
    have = {r["key"]: r for r in rows}
    last = min(period.end, timezone.localdate())
    filled = []
    first = dt.date(period.start.year, period.start.month, 1)
    while first <= last:
        filled.append(have.pop(first, None) or {
            "key": first, **dict.fromkeys(AGGREGATES, 0), "loss_yuan": Decimal("0.00"), "injuries": 0})
        first = (first + dt.timedelta(days=32)).replace(day=1)
    return filled + sorted(have.values(), key=lambda r: (r["key"] is None, r["key"] or dt.date.min))


def _section_codes(sector_ids: Iterable[Any]) -> dict[Any, str]:
    """Sector id → the code of its GB/T 4754 section (a section's own code for a section)."""
    ids = [i for i in sector_ids if i is not None]
    return {pk: path.strip("/").split("/")[0] or code for pk, code, path in
            Sector.objects.filter(pk__in=ids).values_list("pk", "code", "path")}


def _merge(rows: list[dict[str, Any]], key_of: dict[Any, Any]) -> list[dict[str, Any]]:
    """Add up aggregated rows whose keys map to the same new key (few groups, never raw rows)."""
    merged: dict[Any, dict[str, Any]] = {}
    for r in rows:
        key = key_of.get(r["key"]) if r["key"] is not None else None
        if key in merged:
            for field in (*AGGREGATES, "injuries"):
                merged[key][field] += r[field]
        else:
            merged[key] = {**r, "key": key}
    return sorted(merged.values(), key=lambda r: (r["key"] is None, r["key"] or ""))


def change(current: int | Decimal, before: int | Decimal) -> Decimal | None:
    """Relative change in per cent (one decimal), ``None`` when the base is zero."""
    if not before:
        return None
    return (Decimal(current - before) * 100 / Decimal(before)).quantize(Decimal("0.1"))


def accident_comparison(*, user: Any, period: Period, filters: dict[str, Any] | None = None) -> dict[str, Any]:
    """Totals of the period, the same period last year (同比) and the previous period (环比).

    A whole year has no 环比 (its previous span is last year: the same figure as 同比):
    ``previous`` and ``mom`` are ``None`` then."""
    st = rollup.answering_state(user=user, filters=filters)
    current = accident_totals(user=user, period=period, filters=filters, st=st)
    return _comparison(user, period, filters, current, st)


CHANGE_FIELDS = ("count", "deaths", "injuries", "loss_yuan", "larger")


def _comparison(user: Any, period: Period, filters: dict[str, Any] | None, current: dict[str, Any],
                st: Any) -> dict[str, Any]:
    last_year = accident_totals(user=user, period=period.last_year(), filters=filters, st=st)
    previous = None if period.is_year else accident_totals(user=user, period=period.previous(), filters=filters, st=st)
    return {
        "current": current,
        "last_year": last_year,
        "previous": previous,
        "yoy": {f: change(current[f], last_year[f]) for f in CHANGE_FIELDS},
        "mom": None if previous is None else {f: change(current[f], previous[f]) for f in CHANGE_FIELDS},
    }


def _rate(value: Decimal | None, places: str) -> Decimal | None:
    return None if value is None else value.quantize(Decimal(places))


def accident_indicators(*, user: Any, year: int, jurisdiction: Jurisdiction,
                        by_category: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """亿元GDP死亡率, 工矿商贸十万就业人员死亡率 and 道路交通万车死亡率 for one year and area.
    ``by_category``: the year's rows by category for exactly this area, when the caller has them
    (the page and the API: ``statistics_report``'s), else grouped here."""
    period = Period.year(year)
    filters = {"jurisdiction": jurisdiction}
    rows = by_category if by_category is not None else accident_stats(user=user, period=period, by="category",
                                                                       filters=filters)
    deaths = {r["key"]: r["deaths"] for r in rows}
    total = sum(deaths.values())
    figure = ReferenceFigure.objects.filter(year=year, jurisdiction=jurisdiction).first()
    industrial = deaths.get(law.AccidentCategory.INDUSTRIAL_COMMERCIAL.value, 0)
    road = deaths.get(law.AccidentCategory.ROAD_TRAFFIC.value, 0)
    result: dict[str, Any] = {"year": year, "jurisdiction": jurisdiction.name, "deaths": total,
                              "industrial_deaths": industrial, "road_deaths": road, "reference": figure is not None}
    gdp = figure.gdp_yi_yuan if figure else None
    employed = figure.industrial_employed if figure else None
    vehicles = figure.motor_vehicles if figure else None
    result["gdp_death_rate"] = _rate(law.gdp_death_rate(total, gdp), "0.0001") if gdp else None
    result["industrial_death_rate"] = (
        _rate(law.deaths_per_100k_industrial_workers(industrial, employed), "0.01") if employed else None
    )
    result["road_death_rate"] = _rate(law.deaths_per_10k_vehicles(road, vehicles), "0.01") if vehicles else None
    return result


def investigation_closure(*, user: Any, period: Period, filters: dict[str, Any] | None = None) -> dict[str, Any]:
    """Investigations of the period's accidents: opened, closed and the closure rate (%)."""
    fig, _st = figures(user=user, period=period, filters=filters, parts=("closure",))
    return _closure(fig)


def _closure(fig: rollup.Figures) -> dict[str, Any]:
    rate = (Decimal(fig.closed) * 100 / fig.opened).quantize(Decimal("0.1")) if fig.opened else None
    return {"opened": fig.opened, "closed": fig.closed, "rate": rate}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def statistics_report(
    *, user: Any, period: Period, filters: dict[str, Any] | None = None, dimensions: Iterable[str] = DIMENSIONS,
    live: bool = False,
) -> dict[str, Any]:
    """Everything the statistics page, the API and the monthly report show, JSON-ready, with how
    fresh it is (``freshness``). ``live``: never from the rollup (the tests compare both).

    One function so that the three always agree."""
    dims = tuple(dimensions)
    st = None if live else rollup.answering_state(user=user, filters=filters)
    fig, st = figures(user=user, period=period, filters=filters, dims=dims, st=st)
    data: dict[str, Any] = {
        "period": {"start": period.start, "end": period.end, "label": period.label()},
        "freshness": freshness(st),
        "comparison": _comparison(user, period, filters, _totals(fig), st),
        "closure": _closure(fig),
        "by": {by: _dimension(fig, by, period, by == "type" and period.start < law.GB6441_2025_EFFECTIVE_FROM <= period.end)
               for by in dims},
    }
    return _plain(data)
