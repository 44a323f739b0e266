"""Government safety-target assessment (安全生产目标责任考核): scoring rules, veto, grades, ranking.

Sources (see ``docs/responsibility.md`` and ``/work/shared/docs/regulations.md`` §8):

* The year's plan (seed, 三(一) items 2–3): responsibility letters signed down the hierarchy;
  assessment by 年初定指标、年中查进度、年尾算总账 (targets at year start, progress at mid-year,
  totals at year end).
* 《生产安全事故报告和调查处理条例》Art. 3 — accident grades; a 较大 (grade 2) accident or worse in
  the unit's area during the period is the customary one-vote veto (一票否决) ☑️ (provincial
  assessment rules; no national text fixes it, so the grade is a policy field).
* Rates follow the definitions in regulations.md §8.1: a rectification rate is rectified / found
  × 100 (one decimal, half up), as the hazards statistics compute it.

The weights, thresholds and grade bands are a city's choice: :class:`AssessmentPolicy` carries
documented defaults that a scheme overrides. Pure Python: no Django import.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
ONE_DECIMAL = Decimal("0.1")
TWO_DECIMALS = Decimal("0.01")


class Metric(enum.StrEnum):
    """The figures an indicator can be scored from automatically (or ``MANUAL``)."""

    DEATHS = "deaths"
    """Accident deaths in the unit's area in the period, against a quota (≤)."""
    LARGER_ACCIDENTS = "larger_accidents"
    """较大 or worse accidents in the period (≤ quota, usually 0)."""
    HAZARD_RECTIFICATION = "hazard_rectification"
    """Hazards found in the period and written off / found × 100 (≥ threshold %)."""
    OVERDUE_HAZARDS = "overdue_hazards"
    """Hazards past their rectification deadline now (deduction per hazard)."""
    TASKS_ON_TIME = "tasks_on_time"
    """Supervision tasks answered by their deadline / tasks due × 100 (≥ threshold %)."""
    LETTER_ACKNOWLEDGED = "letter_acknowledged"
    """The unit acknowledged its responsibility letter of the year (yes/no)."""
    INSPECTIONS_DONE = "inspections_done"
    """On-site enforcement inspections completed in the period by the department or in the area (≥ count)."""
    DRILLS_DONE = "drills_done"
    """Emergency drills held in the period by the department or in the area (≥ count)."""
    PEOPLE_TRAINED = "people_trained"
    """People of the area who attended safety training in the period (≥ count)."""
    REPORTS_ON_TIME = "reports_on_time"
    """Public reports whose handling fell due in the period, handled by the due day / due × 100 (≥ %)."""
    MANUAL = "manual"
    """Scored by hand with evidence (where no register holds the figure)."""


METRIC_LABELS: dict[Metric, tuple[str, str]] = {
    Metric.DEATHS: ("事故死亡人数控制", "Accident deaths within quota"),
    Metric.LARGER_ACCIDENTS: ("较大及以上事故起数控制", "Larger accidents within quota"),
    Metric.HAZARD_RECTIFICATION: ("隐患整改率", "Hazard rectification rate"),
    Metric.OVERDUE_HAZARDS: ("逾期未整改隐患", "Hazards past their deadline"),
    Metric.TASKS_ON_TIME: ("督办事项按时办结率", "Supervision tasks answered on time"),
    Metric.LETTER_ACKNOWLEDGED: ("签订安全生产责任书", "Responsibility letter signed"),
    Metric.INSPECTIONS_DONE: ("执法检查完成次数", "Enforcement inspections completed"),
    Metric.DRILLS_DONE: ("应急演练开展次数", "Emergency drills held"),
    Metric.PEOPLE_TRAINED: ("安全培训人数", "People trained"),
    Metric.REPORTS_ON_TIME: ("举报按期办结率", "Public reports handled on time"),
    Metric.MANUAL: ("人工评分", "Scored by hand"),
}


class Comparator(enum.StrEnum):
    AT_MOST = "le"
    """The figure must not exceed the threshold (deaths ≤ quota)."""
    AT_LEAST = "ge"
    """The figure must reach the threshold (rate ≥ 95 %)."""
    DEDUCT = "deduct"
    """Deduct ``threshold`` points per unit of the figure (per overdue hazard)."""


DEFAULT_COMPARATOR: dict[Metric, Comparator] = {
    Metric.DEATHS: Comparator.AT_MOST,
    Metric.LARGER_ACCIDENTS: Comparator.AT_MOST,
    Metric.HAZARD_RECTIFICATION: Comparator.AT_LEAST,
    Metric.OVERDUE_HAZARDS: Comparator.DEDUCT,
    Metric.TASKS_ON_TIME: Comparator.AT_LEAST,
    Metric.LETTER_ACKNOWLEDGED: Comparator.AT_LEAST,
    Metric.INSPECTIONS_DONE: Comparator.AT_LEAST,
    Metric.DRILLS_DONE: Comparator.AT_LEAST,
    Metric.PEOPLE_TRAINED: Comparator.AT_LEAST,
    Metric.REPORTS_ON_TIME: Comparator.AT_LEAST,
    Metric.MANUAL: Comparator.AT_LEAST,
}


@dataclass(frozen=True)
class GradeBand:
    code: str
    label: str
    label_en: str
    min_score: Decimal


@dataclass(frozen=True)
class AssessmentPolicy:
    """A city's choices (defaults documented in docs/responsibility.md)."""

    veto_grade: int = 2
    """Accident grade (条例493 Art. 3: 1 一般, 2 较大, 3 重大, 4 特别重大) from which an accident in
    the area vetoes the unit's assessment. Default 较大 (provincial practice ☑️)."""
    bands: tuple[GradeBand, ...] = field(
        default_factory=lambda: (
            GradeBand("excellent", "优秀", "Excellent", Decimal("90")),
            GradeBand("good", "良好", "Good", Decimal("80")),
            GradeBand("pass", "合格", "Pass", Decimal("60")),
            GradeBand("fail", "不合格", "Fail", ZERO),
        )
    )
    """Grade bands by total score (out of 100), best first; a veto forces the last band."""
    ack_days: int = 15
    """Days a recipient has to acknowledge a responsibility letter (local default)."""
    task_review_days: int = 5
    """Days the issuer has to close or return a task once its feedback is in (local default)."""
    notice_read_days: int = 3
    """Days a recipient has to confirm reading a notice (通报) (local default)."""
    overdue_answer_days: int = 2
    """Days the issuing office has to answer a task escalated as overdue (a notice, an interview,
    a new deadline) (local default)."""


DEFAULT_POLICY = AssessmentPolicy()


def bands_with(*, excellent: Decimal, good: Decimal, passing: Decimal) -> tuple[GradeBand, ...]:
    """The four grade bands with a city's (or a scheme's) lines instead of 90 / 80 / 60."""
    lines = {"excellent": excellent, "good": good, "pass": passing, "fail": ZERO}
    return tuple(GradeBand(b.code, b.label, b.label_en, lines[b.code]) for b in DEFAULT_POLICY.bands)


def bands_error(*, excellent: Decimal, good: Decimal, passing: Decimal) -> tuple[str, str] | None:
    """Why grade lines are unusable (zh, en), or ``None``: 100 ≥ excellent > good > pass > 0."""
    if not (Decimal(100) >= excellent > good > passing > ZERO):
        return (
            "等次分数线须满足 100 ≥ 优秀 > 良好 > 合格 > 0",
            "Grade lines must satisfy 100 ≥ excellent > good > pass > 0",
        )
    return None


def rate(part: int, whole: int) -> Decimal | None:
    """``part / whole × 100`` to one decimal (half up); ``None`` when ``whole`` is 0."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def score(*, comparator: Comparator, value: Decimal | None, threshold: Decimal, points: Decimal) -> Decimal:
    """Points earned by one indicator worth ``points``.

    * ``AT_MOST`` — full points when ``value ≤ threshold``, none above it (a quota is a quota).
    * ``AT_LEAST`` — full points when ``value ≥ threshold``; below it, in proportion
      (``points × value / threshold``); no figure (nothing to count) earns full points.
    * ``DEDUCT`` — ``points − threshold × value``, never below 0.
    Results have two decimals (half up).
    """
    if points <= ZERO:
        return ZERO
    if comparator is Comparator.AT_MOST:
        earned = points if value is None or value <= threshold else ZERO
    elif comparator is Comparator.AT_LEAST:
        if value is None or threshold <= ZERO or value >= threshold:
            earned = points
        else:
            earned = points * max(value, ZERO) / threshold
    else:
        earned = max(points - threshold * (value or ZERO), ZERO)
    return min(earned, points).quantize(TWO_DECIMALS, rounding=ROUND_HALF_UP)


def vetoes(accident_grades: Iterable[int | None], *, policy: AssessmentPolicy = DEFAULT_POLICY) -> int:
    """How many of the area's accidents reach the veto grade (``None``: not yet graded)."""
    return sum(1 for g in accident_grades if g is not None and g >= policy.veto_grade)


def grade(total: Decimal, *, vetoed: bool, policy: AssessmentPolicy = DEFAULT_POLICY) -> GradeBand:
    """The grade band of a total; a vetoed unit is in the last band whatever its score."""
    if vetoed:
        return policy.bands[-1]
    for band in policy.bands:
        if total >= band.min_score:
            return band
    return policy.bands[-1]


@dataclass(frozen=True)
class Ranked:
    key: int
    total: Decimal
    vetoed: bool
    rank: int


def rank(rows: Sequence[tuple[int, Decimal, bool]]) -> list[Ranked]:
    """Rank ``(key, total, vetoed)``: vetoed units after all others; higher totals first; equal
    totals share a rank (competition ranking 1, 2, 2, 4); ties listed by key."""
    ordered = sorted(rows, key=lambda r: (r[2], -r[1], r[0]))
    out: list[Ranked] = []
    for i, (key, total, vetoed) in enumerate(ordered):
        tied = bool(out) and out[-1].total == total and out[-1].vetoed == vetoed
        position = out[-1].rank if tied else i + 1
        out.append(Ranked(key, total, vetoed, position))
    return out


def scaled_total(earned: Iterable[Decimal], possible: Iterable[Decimal]) -> Decimal:
    """The total out of 100: earned / possible × 100 (two decimals); 0 when nothing is possible."""
    got = sum(earned, ZERO)
    out_of = sum(possible, ZERO)
    if out_of <= ZERO:
        return ZERO
    return (got * 100 / out_of).quantize(TWO_DECIMALS, rounding=ROUND_HALF_UP)
