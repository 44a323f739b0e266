"""Accident law as pure functions: grades, reporting, deadlines, type codes, indicators.

Sources (section numbers refer to ``/work/shared/docs/regulations.md``; confidence tags as
that document marks them: V-primary = checked against the full text, V-secondary = matched
by independent secondary sources, UNVERIFIED = best knowledge):

* 《生产安全事故报告和调查处理条例》(国务院令第493号, in force 2007-06-01), "条例493" below
  (§1, V-primary).
* 《生产安全事故信息报告和处置办法》(原安监总局令第21号, 2009), "21号令" (§1.2, V-primary).
* 《生产安全事故罚款处罚规定》(应急管理部令第14号, in force 2024-03-01), "14号令" (§1.8,
  V-primary).
* GB/T 6441-1986《企业职工伤亡事故分类》 (until 2026-06-30; §4.1, V-secondary) and
  GB 6441—2025《生产安全事故分类与编码》 (from 2026-07-01; §4.2, V-primary).
* Indicators: GB 6441—2025 Annex A, GB 6721—2025, bulletins, OSHA (§1.9, §4.1, §8).

Conventions used throughout:

* Counting thresholds: "以上" includes the number and "以下" excludes it (条例493 Art. 3, last
  paragraph). "以内" (within) is read as including the limit, so a report made exactly at
  the 1-hour mark is on time.
* Periods in days: the start day is not counted; day 1 is the next day, so "N日内" from day
  D ends at the end of D + N days. This is the general rule for periods in 《民法典》 Art. 201
  (our reading: the regulations doc does not state a counting rule, and 条例493 has none of
  its own). Due dates are calendar dates; we do **not** move a due date that falls on a
  public holiday (民法典 Art. 203 would), because 条例493 periods are internal administrative
  time limits; callers that want holiday roll-over can apply it to the returned date.
* Periods in hours run on elapsed time: an aware datetime is converted to UTC, the limit is
  added, and the result is returned in the caller's time zone. Naive datetimes are refused.
* Money is ``int`` or ``Decimal`` yuan; ``float`` is refused so that a boundary such as
  10,000,000 yuan is never lost to binary rounding.
* Error messages are bilingual: Chinese, then English.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, localcontext
from types import MappingProxyType
from typing import Final

__all__ = [
    "FLASH_REPORT_LIMIT",
    "GB6441_1986",
    "GB6441_2025",
    "GB6441_2025_EFFECTIVE_FROM",
    "GRADE_THRESHOLDS",
    "INVESTIGATION_DAYS",
    "LARGER_AT_RISK_EVACUATED",
    "LARGER_AT_RISK_MIN_DAILY_FOLLOWUPS",
    "LARGER_AT_RISK_PEOPLE_AT_RISK",
    "LARGER_AT_RISK_TRAPPED_OR_MISSING",
    "MAX_INVESTIGATION_EXTENSION_DAYS",
    "MAX_REPLY_EXTENSION_DAYS",
    "NOTIFIED_BODIES",
    "TYPE_MAP_1986_TO_2025",
    "UNIT_REPORT_LIMIT",
    "UPWARD_REPORT_LIMIT",
    "AccidentCategory",
    "AccidentGrade",
    "AccidentType",
    "AccidentTypeList",
    "AdminLevel",
    "FlashReportItem",
    "GradeCriterion",
    "GradeExplanation",
    "GradeReason",
    "GradeThresholds",
    "InjurySeverityClass",
    "LargerAtRiskCriterion",
    "MisreportKind",
    "ReportContentItem",
    "SupervisionLevel",
    "TypeMapping",
    "accident_grade",
    "accident_grade_explained",
    "accident_types_for",
    "average_injury_severity",
    "casualty_change_counts",
    "casualty_change_report_due",
    "casualty_window_days",
    "deaths_per_10k_cubic_metres",
    "deaths_per_10k_special_equipment",
    "deaths_per_10k_vehicles",
    "deaths_per_100k_industrial_workers",
    "deaths_per_million_tonnes",
    "deaths_per_thousand_workers",
    "flash_report_deadline",
    "flash_report_required",
    "gdp_death_rate",
    "higher_government_may_reinvestigate",
    "injuries_per_thousand_workers",
    "injury_frequency_rate",
    "injury_severity_class",
    "injury_severity_rate",
    "investigating_level",
    "investigation_due",
    "is_larger_at_risk_accident",
    "larger_at_risk_criteria",
    "loss_per_100m_yuan_output",
    "loss_per_million_yuan_output",
    "loss_per_thousand_workers",
    "map_1986_to_2025",
    "min_daily_followup_reports",
    "recordable_incident_rate",
    "reply_due",
    "report_chain",
    "report_lateness",
    "reports_to_state_council",
    "serious_injuries_per_thousand_workers",
    "supervision_level",
    "supplement_window_end",
    "to_2025_type",
    "type_code_2025",
    "unit_may_be_entrusted_to_investigate",
    "unit_may_report_to_national",
    "unit_report_deadline",
    "unit_report_targets",
    "upward_report_deadline",
]

Money = int | Decimal
"""Yuan (or 万元 where a function says so): ``int`` or ``Decimal``, never ``float``."""


# --------------------------------------------------------------------------------------
# Input checks (private)
# --------------------------------------------------------------------------------------


def _check_count(value: object, zh: str, en: str) -> int:
    """Return ``value`` if it is a non-negative ``int`` (``bool`` refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{zh}必须是整数：{value!r} / {en} must be an int: {value!r}")
    if value < 0:
        raise ValueError(f"{zh}不能为负数：{value} / {en} must not be negative: {value}")
    return value


def _check_amount(value: object, zh: str, en: str) -> Decimal:
    """Return ``value`` as a finite, non-negative ``Decimal`` (``int`` or ``Decimal`` only)."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(
            f"{zh}必须是整数或 Decimal（不接受浮点数）：{value!r} / "
            f"{en} must be an int or Decimal (float is refused): {value!r}"
        )
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"{zh}必须是有限数：{value} / {en} must be finite: {value}")
    if amount < 0:
        raise ValueError(f"{zh}不能为负数：{value} / {en} must not be negative: {value}")
    return amount


def _check_date(value: object, zh: str, en: str) -> date:
    """Return ``value`` if it is a ``date`` and not a ``datetime``."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(
            f"{zh}必须是日期（date，不含时间）：{value!r} / {en} must be a date (not a datetime): {value!r}"
        )
    return value


def _check_aware(value: object, zh: str, en: str) -> datetime:
    """Return ``value`` if it is a time-zone-aware ``datetime``; naive ones are refused."""
    if not isinstance(value, datetime):
        raise TypeError(f"{zh}必须是 datetime：{value!r} / {en} must be a datetime: {value!r}")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(
            f"{zh}必须带时区（不接受无时区时间）：{value.isoformat()} / "
            f"{en} must be timezone-aware (naive datetimes are refused): {value.isoformat()}"
        )
    return value


def _add_elapsed(start: datetime, limit: timedelta) -> datetime:
    """``start`` plus ``limit`` of real elapsed time, returned in ``start``'s time zone."""
    return (start.astimezone(UTC) + limit).astimezone(start.tzinfo)


def _fmt_number(value: Decimal | int) -> str:
    """Plain decimal text without exponent or trailing zeros (``Decimal('1E+7')`` → ``10000000``)."""
    if isinstance(value, int):
        return str(value)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _with_article(noun_phrase: str) -> str:
    """Prefix "a" or "an" to an English noun phrase."""
    return ("an " if noun_phrase[:1] in "aeiou" else "a ") + noun_phrase


def _fmt_wan_yuan(value: Decimal | int) -> str:
    """Yuan shown in 万元 from 1万 up (``12345678`` → ``1234.5678万元``), else in 元."""
    amount = Decimal(value)
    if amount >= 10_000:
        return f"{_fmt_number(amount / 10_000)}万元"
    return f"{_fmt_number(amount)}元"


def _fmt_thousands(value: Decimal | int) -> str:
    """Yuan with thousands separators (``12345678.5`` → ``12,345,678.5``)."""
    whole, _, fraction = _fmt_number(value).partition(".")
    return f"{int(whole):,}" + (f".{fraction}" if fraction else "")


# --------------------------------------------------------------------------------------
# Grades (条例493 Art. 3)
# --------------------------------------------------------------------------------------


class AccidentGrade(enum.IntEnum):
    """Accident grade under 条例493 Art. 3 (regulations.md §1.1, V-primary).

    Ordered from lowest to highest, so ``max()`` of several grades is the most serious one
    and comparisons such as ``grade >= AccidentGrade.LARGER`` read naturally.
    """

    GENERAL = 1
    """一般事故."""
    LARGER = 2
    """较大事故."""
    MAJOR = 3
    """重大事故."""
    EXTRAORDINARY = 4
    """特别重大事故."""

    @property
    def label(self) -> str:
        """Chinese name as used in 条例493 Art. 3, e.g. ``"较大事故"``."""
        return _GRADE_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """English name (our translation), e.g. ``"Larger accident"``."""
        return _GRADE_LABELS[self][1]


_GRADE_LABELS: Final[Mapping[AccidentGrade, tuple[str, str]]] = MappingProxyType(
    {
        AccidentGrade.GENERAL: ("一般事故", "General accident"),
        AccidentGrade.LARGER: ("较大事故", "Larger accident"),
        AccidentGrade.MAJOR: ("重大事故", "Major accident"),
        AccidentGrade.EXTRAORDINARY: ("特别重大事故", "Extraordinarily serious accident"),
    }
)


class GradeCriterion(enum.Enum):
    """The three independent criteria of 条例493 Art. 3 (any one of them sets the grade)."""

    DEATHS = "deaths"
    """死亡人数."""
    SERIOUS_INJURIES = "serious_injuries"
    """重伤人数, including acute industrial poisoning (急性工业中毒), Art. 3(1)."""
    DIRECT_LOSS = "direct_loss"
    """直接经济损失 in yuan."""

    @property
    def label(self) -> str:
        """Chinese name of the criterion."""
        return _CRITERION_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """English name of the criterion."""
        return _CRITERION_LABELS[self][1]


_CRITERION_LABELS: Final[Mapping[GradeCriterion, tuple[str, str]]] = MappingProxyType(
    {
        GradeCriterion.DEATHS: ("死亡", "deaths"),
        GradeCriterion.SERIOUS_INJURIES: (
            "重伤（含急性工业中毒）",
            "serious injuries (incl. acute industrial poisoning)",
        ),
        GradeCriterion.DIRECT_LOSS: ("直接经济损失", "direct economic loss"),
    }
)


@dataclass(frozen=True, slots=True)
class GradeThresholds:
    """Lowest values ("以上", inclusive) at which each criterion reaches a grade (Art. 3)."""

    deaths: int
    serious_injuries: int
    direct_loss_yuan: int


GRADE_THRESHOLDS: Final[Mapping[AccidentGrade, GradeThresholds]] = MappingProxyType(
    {
        # 条例493 Art. 3(1)–(3); 一般 (Art. 3(4)) is everything below 较大, so it has no row.
        AccidentGrade.EXTRAORDINARY: GradeThresholds(30, 100, 100_000_000),
        AccidentGrade.MAJOR: GradeThresholds(10, 50, 50_000_000),
        AccidentGrade.LARGER: GradeThresholds(3, 10, 10_000_000),
    }
)
"""Inclusive lower bounds per grade, from 条例493 Art. 3 (regulations.md §1.1, V-primary)."""

_LOSS_TEXT: Final[Mapping[int, tuple[str, str]]] = MappingProxyType(
    {
        100_000_000: ("1亿元", "100 million yuan"),
        50_000_000: ("5000万元", "50 million yuan"),
        10_000_000: ("1000万元", "10 million yuan"),
    }
)


def _threshold_of(thresholds: GradeThresholds, criterion: GradeCriterion) -> int:
    if criterion is GradeCriterion.DEATHS:
        return thresholds.deaths
    if criterion is GradeCriterion.SERIOUS_INJURIES:
        return thresholds.serious_injuries
    return thresholds.direct_loss_yuan


def _grade_for(criterion: GradeCriterion, value: Decimal) -> AccidentGrade:
    """Highest grade whose inclusive threshold ``value`` reaches for one criterion."""
    for grade in (AccidentGrade.EXTRAORDINARY, AccidentGrade.MAJOR, AccidentGrade.LARGER):
        if value >= _threshold_of(GRADE_THRESHOLDS[grade], criterion):
            return grade
    return AccidentGrade.GENERAL


@dataclass(frozen=True, slots=True)
class GradeReason:
    """Why one criterion puts the accident in ``grade``; texts are ready for display."""

    criterion: GradeCriterion
    value: int | Decimal
    grade: AccidentGrade
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class GradeExplanation:
    """Result of :func:`accident_grade_explained`.

    ``grade`` is the highest grade reached by any criterion. ``reasons`` lists the criteria
    that reach exactly that grade (one or more). ``by_criterion`` gives every criterion's own
    grade, in the order deaths, serious injuries, direct loss.
    """

    grade: AccidentGrade
    reasons: tuple[GradeReason, ...]
    by_criterion: tuple[GradeReason, ...]

    @property
    def zh(self) -> str:
        """All deciding reasons in Chinese, joined with "；"."""
        return "；".join(reason.zh for reason in self.reasons)

    @property
    def en(self) -> str:
        """All deciding reasons in English, joined with "; "."""
        return "; ".join(reason.en for reason in self.reasons)


def _reason(criterion: GradeCriterion, value: int | Decimal, grade: AccidentGrade) -> GradeReason:
    shown = _fmt_number(value)
    if criterion is GradeCriterion.DEATHS:
        what_zh, what_en = f"死亡{shown}人", f"{shown} death(s)"
    elif criterion is GradeCriterion.SERIOUS_INJURIES:
        what_zh, what_en = (
            f"重伤（含急性工业中毒）{shown}人",
            f"{shown} serious injury(ies) incl. acute poisoning",
        )
    else:
        what_zh = f"直接经济损失{_fmt_wan_yuan(value)}"
        what_en = f"direct economic loss of {_fmt_thousands(value)} yuan"

    def bound(thresholds: GradeThresholds) -> tuple[str, str]:
        number = _threshold_of(thresholds, criterion)
        if criterion is GradeCriterion.DEATHS:
            return f"{number}人以上死亡", f"{number} or more deaths"
        if criterion is GradeCriterion.SERIOUS_INJURIES:
            return f"{number}人以上重伤", f"{number} or more serious injuries"
        loss_zh, loss_en = _LOSS_TEXT[number]
        return f"{loss_zh}以上直接经济损失", f"a direct loss of {loss_en} or more"

    if grade is AccidentGrade.GENERAL:
        next_zh, next_en = bound(GRADE_THRESHOLDS[AccidentGrade.LARGER])
        zh = f"{what_zh}，未达到较大事故标准（{next_zh}），属{grade.label}（条例493第三条）"
        en = (
            f"{what_en}: below the larger-accident threshold ({next_en}), "
            f"so {_with_article(grade.label_en.lower())} (Order 493 Art. 3)"
        )
    else:
        reach_zh, reach_en = bound(GRADE_THRESHOLDS[grade])
        zh = f"{what_zh}，达到“{reach_zh}”，属{grade.label}（条例493第三条）"
        en = f"{what_en}: reaches '{reach_en}', so {_with_article(grade.label_en.lower())} (Order 493 Art. 3)"
    return GradeReason(criterion=criterion, value=value, grade=grade, zh=zh, en=en)


def accident_grade_explained(deaths: int, serious_injuries: int, direct_loss_yuan: Money) -> GradeExplanation:
    """Grade of an accident with the criterion (or criteria) that decided it.

    条例493 Art. 3 (regulations.md §1.1, V-primary): each of deaths, serious injuries
    (including acute industrial poisoning) and direct economic loss defines the grade on its
    own ("或者"), so the accident takes the highest grade any one criterion reaches. Lower
    bounds are inclusive ("以上包括本数"), upper bounds exclusive ("以下不包括本数"):

    ======================  ======  ===============  ===================
    grade                   deaths  serious injuries  direct loss (yuan)
    ======================  ======  ===============  ===================
    特别重大 EXTRAORDINARY   ≥ 30    ≥ 100            ≥ 100,000,000
    重大 MAJOR               ≥ 10    ≥ 50             ≥ 50,000,000
    较大 LARGER              ≥ 3     ≥ 10             ≥ 10,000,000
    一般 GENERAL             other   other            other
    ======================  ======  ===============  ===================

    An accident with no casualties and no loss is returned as GENERAL (the floor); whether it
    is investigated at all is a separate question (Art. 2, Art. 44).

    Raises ``TypeError`` for non-integer counts or a ``float`` loss, and ``ValueError`` for
    negative or non-finite inputs.
    """
    values: tuple[tuple[GradeCriterion, int | Decimal, Decimal], ...] = (
        (GradeCriterion.DEATHS, deaths, Decimal(_check_count(deaths, "死亡人数", "deaths"))),
        (
            GradeCriterion.SERIOUS_INJURIES,
            serious_injuries,
            Decimal(_check_count(serious_injuries, "重伤人数", "serious_injuries")),
        ),
        (
            GradeCriterion.DIRECT_LOSS,
            direct_loss_yuan,
            _check_amount(direct_loss_yuan, "直接经济损失", "direct_loss_yuan"),
        ),
    )
    by_criterion = tuple(_reason(c, shown, _grade_for(c, v)) for c, shown, v in values)
    grade = max(reason.grade for reason in by_criterion)
    reasons = tuple(reason for reason in by_criterion if reason.grade is grade)
    return GradeExplanation(grade=grade, reasons=reasons, by_criterion=by_criterion)


def accident_grade(deaths: int, serious_injuries: int, direct_loss_yuan: Money) -> AccidentGrade:
    """Highest grade any criterion of 条例493 Art. 3 reaches (regulations.md §1.1, V-primary).

    Examples of the boundaries: 30 deaths → EXTRAORDINARY, 29 → MAJOR; 10 → MAJOR, 9 →
    LARGER; 3 → LARGER, 2 → GENERAL. Serious injuries 100 / 50 / 10 and direct loss
    1亿 / 5000万 / 1000万 yuan are the other inclusive thresholds. See
    :func:`accident_grade_explained` for the table, the reasons and the errors raised.
    """
    return accident_grade_explained(deaths, serious_injuries, direct_loss_yuan).grade


# --------------------------------------------------------------------------------------
# Reporting (条例493 Art. 9–12; 21号令)
# --------------------------------------------------------------------------------------


class AdminLevel(enum.IntEnum):
    """Level of government (or of its 应急管理部门 and sector regulators), lowest first.

    NATIONAL stands for the State Council and its departments (应急管理部 and the national
    sector regulators); which of the two is meant depends on the function.
    """

    COUNTY = 1
    """县级 (including urban districts 市辖区)."""
    CITY = 2
    """设区的市级."""
    PROVINCE = 3
    """省级 (省、自治区、直辖市)."""
    NATIONAL = 4
    """国务院 / 国务院有关部门."""

    @property
    def label(self) -> str:
        """Chinese name of the level."""
        return _LEVEL_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """English name of the level."""
        return _LEVEL_LABELS[self][1]


_LEVEL_LABELS: Final[Mapping[AdminLevel, tuple[str, str]]] = MappingProxyType(
    {
        AdminLevel.COUNTY: ("县级", "county level"),
        AdminLevel.CITY: ("设区的市级", "prefecture-level city"),
        AdminLevel.PROVINCE: ("省级", "provincial level"),
        AdminLevel.NATIONAL: ("国务院（国家级）", "State Council (national level)"),
    }
)

UNIT_REPORT_LIMIT: Final = timedelta(hours=1)
"""条例493 Art. 9: the unit's head reports to the county-or-above authorities within 1 hour."""

UPWARD_REPORT_LIMIT: Final = timedelta(hours=2)
"""条例493 Art. 11: each level's upward report takes at most 2 hours."""

FLASH_REPORT_LIMIT: Final = timedelta(hours=1)
"""21号令: telephone 快报 to the next level within 1 hour for 较大 and above (§1.2)."""

NOTIFIED_BODIES: Final[tuple[tuple[str, str], ...]] = (
    ("公安机关", "public security (police)"),
    ("劳动保障行政部门（人力资源社会保障部门）", "labour and social security department"),
    ("工会", "trade union"),
    ("人民检察院", "people's procuratorate"),
)
"""Bodies each receiving authority notifies when it reports upward (条例493 Art. 10)."""


def unit_report_deadline(known_at: datetime) -> datetime:
    """Latest time for the unit's report to the authorities (条例493 Art. 9, §1.2, V-primary).

    The unit's head (单位负责人) must report to the 应急管理部门 and the sector regulators at
    county level or above where the accident happened within 1 hour of receiving the report
    from the scene. ``known_at`` is that moment, not the time of the accident. The same 1
    hour applies to a 较大涉险事故 and, for 较大 and above, to the unit's parallel report to
    the provincial authority (21号令). On-site personnel may report directly in an emergency.

    ``known_at`` must be timezone-aware; the result is in the same time zone.
    """
    return _add_elapsed(_check_aware(known_at, "单位负责人接报时间", "known_at"), UNIT_REPORT_LIMIT)


def upward_report_deadline(received_at: datetime) -> datetime:
    """Latest time for one authority's report to the next level (条例493 Art. 11, V-primary).

    Each level that receives the report must pass it up within 2 hours of receiving it
    ("每级上报的时间不得超过2小时"). ``received_at`` must be timezone-aware.
    """
    return _add_elapsed(_check_aware(received_at, "接报时间", "received_at"), UPWARD_REPORT_LIMIT)


def flash_report_deadline(received_at: datetime) -> datetime:
    """Latest time for a telephone 快报 to the next level (21号令, regulations.md §1.2, V-primary).

    For 较大 accidents and above (or accidents with major social impact, see
    :func:`flash_report_required`) county and city authorities phone the provincial authority
    within 1 hour, the province phones 应急管理部 within 1 hour and the ministry the State
    Council duty office within 1 hour; the written report follows.
    """
    return _add_elapsed(_check_aware(received_at, "接报时间", "received_at"), FLASH_REPORT_LIMIT)


def flash_report_required(grade: AccidentGrade, *, major_social_impact: bool = False) -> bool:
    """Whether the 21号令 telephone 快报 applies: 较大 and above, or major social impact (§1.2)."""
    return grade >= AccidentGrade.LARGER or major_social_impact


def report_chain(grade: AccidentGrade) -> tuple[AdminLevel, ...]:
    """Levels the report passes through, level by level, from the county (条例493 Art. 10).

    regulations.md §1.2, V-primary:

    * 一般 → up to the 设区的市级 authorities: (COUNTY, CITY);
    * 较大 → up to the provincial authorities: (COUNTY, CITY, PROVINCE);
    * 重大 / 特别重大 → up to the State Council departments (应急管理部 and the sector
      ministries): (COUNTY, CITY, PROVINCE, NATIONAL). The national department and the
      provincial government then report to the State Council itself "immediately" (see
      :func:`reports_to_state_council`).

    Each level also reports to its own government and notifies :data:`NOTIFIED_BODIES`.
    Levels may be skipped when necessary (越级上报, Art. 10 last paragraph), so a missing
    intermediate report is not by itself late. Where there is no 设区的市 level (a county
    directly under a province, or a district of a 直辖市), the CITY step does not exist in
    practice; this function still returns the statutory pattern.
    """
    if grade >= AccidentGrade.MAJOR:
        return (AdminLevel.COUNTY, AdminLevel.CITY, AdminLevel.PROVINCE, AdminLevel.NATIONAL)
    if grade is AccidentGrade.LARGER:
        return (AdminLevel.COUNTY, AdminLevel.CITY, AdminLevel.PROVINCE)
    return (AdminLevel.COUNTY, AdminLevel.CITY)


def reports_to_state_council(grade: AccidentGrade) -> bool:
    """条例493 Art. 10 para. 2: 重大 and 特别重大 are reported to the State Council immediately."""
    return grade >= AccidentGrade.MAJOR


def unit_report_targets(grade: AccidentGrade) -> tuple[AdminLevel, ...]:
    """Authorities the unit itself must report to within 1 hour (条例493 Art. 9; 21号令).

    regulations.md §1.2, V-primary: every accident goes to the county authority; for 较大
    and above the unit reports to the county **and** the provincial authority within 1 hour.
    For 重大/特别重大 it *may* also report straight to the ministry, see
    :func:`unit_may_report_to_national` (not included here because it is optional).
    """
    if grade >= AccidentGrade.LARGER:
        return (AdminLevel.COUNTY, AdminLevel.PROVINCE)
    return (AdminLevel.COUNTY,)


def unit_may_report_to_national(grade: AccidentGrade) -> bool:
    """21号令: for 重大/特别重大 the unit may also report directly to 应急管理部 (§1.2)."""
    return grade >= AccidentGrade.MAJOR


def report_lateness(
    known_at: datetime,
    reported_at: datetime,
    deadline: datetime | timedelta = UNIT_REPORT_LIMIT,
) -> timedelta | None:
    """How late a report was, or ``None`` if it was on time (for 迟报 detection).

    ``known_at`` is when the reporting party learned of the accident (for the unit: when its
    head received the report, 条例493 Art. 9; for an authority: when it received the report,
    Art. 11). ``deadline`` is either a limit counted from ``known_at`` (default 1 hour, the
    unit's limit; use :data:`UPWARD_REPORT_LIMIT` for an authority) or an absolute aware
    datetime such as one returned by :func:`unit_report_deadline`.

    A report made exactly at the deadline is on time ("1小时内" includes the limit). A late
    report is 迟报 under 14号令 Art. 5 (see :class:`MisreportKind`). All datetimes must be
    timezone-aware; comparison is on absolute time, so mixed time zones are fine.
    Raises ``ValueError`` if ``reported_at`` or an absolute ``deadline`` is before
    ``known_at``, or if a relative ``deadline`` is negative.
    """
    start = _check_aware(known_at, "知悉时间", "known_at").astimezone(UTC)
    reported = _check_aware(reported_at, "报告时间", "reported_at").astimezone(UTC)
    if isinstance(deadline, timedelta):
        if deadline < timedelta(0):
            raise ValueError(f"时限不能为负：{deadline} / the time limit must not be negative: {deadline}")
        due = start + deadline
    else:
        due = _check_aware(deadline, "报告截止时间", "deadline").astimezone(UTC)
        if due < start:
            raise ValueError("截止时间早于知悉时间 / the deadline is before known_at")
    if reported < start:
        raise ValueError("报告时间早于知悉时间 / reported_at is before known_at")
    late = reported - due
    return late if late > timedelta(0) else None


class ReportContentItem(enum.Enum):
    """Required content of an accident report, 条例493 Art. 12 (regulations.md §1.3, V-primary)."""

    UNIT_OVERVIEW = 1
    """(1) 事故发生单位概况: basic facts about the unit."""
    TIME_PLACE_SCENE = 2
    """(2) 时间、地点以及事故现场情况: time, place and conditions at the scene."""
    BRIEF_ACCOUNT = 3
    """(3) 事故的简要经过: a short account of what happened."""
    CASUALTIES_AND_LOSS = 4
    """(4) casualties caused or possibly caused, **including missing persons**, and a first
    estimate of the direct economic loss."""
    MEASURES_TAKEN = 5
    """(5) 已经采取的措施: measures already taken."""
    OTHER = 6
    """(6) 其他应当报告的情况: anything else that should be reported."""

    @property
    def label(self) -> str:
        """Chinese heading for a report form."""
        return _REPORT_ITEM_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """English heading for a report form."""
        return _REPORT_ITEM_LABELS[self][1]


_REPORT_ITEM_LABELS: Final[Mapping[ReportContentItem, tuple[str, str]]] = MappingProxyType(
    {
        ReportContentItem.UNIT_OVERVIEW: ("事故发生单位概况", "the unit"),
        ReportContentItem.TIME_PLACE_SCENE: ("事故发生的时间、地点以及事故现场情况", "time, place and scene"),
        ReportContentItem.BRIEF_ACCOUNT: ("事故的简要经过", "brief account"),
        ReportContentItem.CASUALTIES_AND_LOSS: (
            "已经造成或者可能造成的伤亡人数（包括下落不明的人数）和初步估计的直接经济损失",
            "casualties caused or possible, including missing persons, and first estimate of direct loss",
        ),
        ReportContentItem.MEASURES_TAKEN: ("已经采取的措施", "measures taken"),
        ReportContentItem.OTHER: ("其他应当报告的情况", "anything else to report"),
    }
)


class FlashReportItem(enum.Enum):
    """Minimum content of a 21号令 telephone 快报 (regulations.md §1.3, V-primary)."""

    UNIT_NAME_ADDRESS_NATURE = 1
    """Unit name, address and nature (性质)."""
    TIME_AND_PLACE = 2
    """Time and place of the accident."""
    CASUALTIES_INCL_MISSING_AND_TRAPPED = 3
    """Casualties, including missing and trapped people."""


def min_daily_followup_reports(grade: AccidentGrade) -> int:
    """Minimum number of 续报 (follow-up reports) per day under 21号令 (§1.2, V-primary).

    一般 and 较大: at least once a day; 重大 and 特别重大: at least twice a day. A 较大涉险事故
    (which has no grade) also needs one a day: :data:`LARGER_AT_RISK_MIN_DAILY_FOLLOWUPS`.
    The doc does not say when follow-ups may stop; we assume until the situation is stable.
    """
    return 2 if grade >= AccidentGrade.MAJOR else 1


class MisreportKind(enum.Enum):
    """The four kinds of misreporting, 14号令 Art. 5 (regulations.md §1.8, V-primary).

    条例493 Art. 4 forbids all four; Art. 35 and 36 and 安全生产法 Art. 110 punish them.
    """

    LATE = "late"
    """迟报: the accident was reported, but after the time limit (e.g. :func:`report_lateness`
    returns a positive delay)."""
    OMITTED = "omitted"
    """漏报: through negligence, the accident, or key facts about it, were left out of the
    report."""
    FALSIFIED = "falsified"
    """谎报: the time, place, initial cause, nature, casualties, people put at risk or direct
    loss were deliberately misstated."""
    CONCEALED = "concealed"
    """瞒报: the accident was concealed beyond the time limit and later confirmed."""

    @property
    def label(self) -> str:
        """Chinese term, e.g. ``"迟报"``."""
        return _MISREPORT_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """English term."""
        return _MISREPORT_LABELS[self][1]

    @property
    def definition_zh(self) -> str:
        """Definition in Chinese (our wording of 14号令 Art. 5), for display."""
        return _MISREPORT_LABELS[self][2]

    @property
    def definition_en(self) -> str:
        """Definition in English (our wording of 14号令 Art. 5), for display."""
        return _MISREPORT_LABELS[self][3]


_MISREPORT_LABELS: Final[Mapping[MisreportKind, tuple[str, str, str, str]]] = MappingProxyType(
    {
        MisreportKind.LATE: (
            "迟报",
            "late report",
            "超过规定时限报告事故。",
            "The accident was reported after the time limit.",
        ),
        MisreportKind.OMITTED: (
            "漏报",
            "omitted report",
            "因过失对应当上报的事故或者事故的主要情况未报告。",
            "Through negligence, the accident or its key facts were not reported.",
        ),
        MisreportKind.FALSIFIED: (
            "谎报",
            "false report",
            "故意不如实报告事故发生的时间、地点、初步原因、性质、伤亡人数、涉险人数和直接经济损失等情况。",
            "The time, place, initial cause, nature, casualties, people at risk or direct loss were "
            "deliberately misstated.",
        ),
        MisreportKind.CONCEALED: (
            "瞒报",
            "concealed accident",
            "隐瞒已经发生的事故，超过规定时限未向有关部门报告，经查证属实。",
            "The accident was concealed and not reported beyond the time limit, and this was later confirmed.",
        ),
    }
)


# --------------------------------------------------------------------------------------
# Categories and casualty supplement windows (条例493 Art. 13, Art. 20; 21号令)
# --------------------------------------------------------------------------------------


class AccidentCategory(enum.StrEnum):
    """Broad accident category, used for the supplement window and statistics.

    Only ROAD_TRAFFIC and FIRE change a rule in this module (the 7-day window of 条例493
    Art. 13). The other values follow the usual national statistics split; note that
    条例493 Art. 45 lets other laws or State Council rules govern some sectors (e.g.
    railway), which this module does not encode.
    """

    INDUSTRIAL_COMMERCIAL = "industrial_commercial"
    ROAD_TRAFFIC = "road_traffic"
    FIRE = "fire"
    WATERWAY = "waterway"
    RAILWAY = "railway"
    AGRICULTURAL_MACHINERY = "agricultural_machinery"
    FISHING_VESSEL = "fishing_vessel"
    OTHER = "other"

    @property
    def label(self) -> str:
        """Chinese name, e.g. ``"道路交通"``."""
        return _CATEGORY_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """English name."""
        return _CATEGORY_LABELS[self][1]


_CATEGORY_LABELS: Final[Mapping[AccidentCategory, tuple[str, str]]] = MappingProxyType(
    {
        AccidentCategory.INDUSTRIAL_COMMERCIAL: ("工矿商贸", "industry, mining and commerce"),
        AccidentCategory.ROAD_TRAFFIC: ("道路交通", "road traffic"),
        AccidentCategory.FIRE: ("火灾", "fire"),
        AccidentCategory.WATERWAY: ("水上交通", "waterway transport"),
        AccidentCategory.RAILWAY: ("铁路", "railway"),
        AccidentCategory.AGRICULTURAL_MACHINERY: ("农业机械", "agricultural machinery"),
        AccidentCategory.FISHING_VESSEL: ("渔业船舶", "fishing vessels"),
        AccidentCategory.OTHER: ("其他", "other"),
    }
)


def casualty_window_days(category: AccidentCategory) -> int:
    """Length of the casualty-change window: 7 days for road traffic and fire, else 30.

    条例493 Art. 13 para. 2 (regulations.md §1.4, V-primary).
    """
    if category in (AccidentCategory.ROAD_TRAFFIC, AccidentCategory.FIRE):
        return 7
    return 30


def supplement_window_end(occurred_on: date, category: AccidentCategory) -> date:
    """Last day (inclusive) on which a change in casualties must still be reported (补报).

    条例493 Art. 13 (regulations.md §1.4, V-primary): "自事故发生之日起30日内" — 7 days for
    road-traffic and fire accidents. The day of the accident is not counted; day 1 is the
    next day (《民法典》 Art. 201, our reading). So the window ends at the end of
    ``occurred_on + 30 days``: an accident on 2026-01-01 has a window that still includes
    2026-01-31 and excludes 2026-02-01; a road accident on 2026-01-01 has one that ends on
    2026-01-08. The day of the accident itself is inside the window.
    """
    start = _check_date(occurred_on, "事故发生日期", "occurred_on")
    return start + timedelta(days=casualty_window_days(category))


def casualty_change_counts(occurred_on: date, changed_on: date, category: AccidentCategory) -> bool:
    """Whether a casualty change on ``changed_on`` falls inside the Art. 13 window.

    True from the day of the accident through :func:`supplement_window_end` inclusive. A
    death after the window (e.g. on day 31) does not change the reported casualties or the
    grade. Raises ``ValueError`` if ``changed_on`` is before ``occurred_on``.
    """
    start = _check_date(occurred_on, "事故发生日期", "occurred_on")
    changed = _check_date(changed_on, "伤亡变化日期", "changed_on")
    if changed < start:
        raise ValueError(
            f"伤亡变化日期 {changed} 早于事故发生日期 {start} / changed_on {changed} is before occurred_on {start}"
        )
    return changed <= supplement_window_end(start, category)


def casualty_change_report_due(
    occurred_on: date, changed_on: date, category: AccidentCategory
) -> date | None:
    """Day by which a casualty change must be reported, or ``None`` if outside the window.

    21号令 (regulations.md §1.2, V-primary): a change within the 30-day (7-day) window is
    reported on the same day it happens, so the due date is ``changed_on`` itself.
    """
    if casualty_change_counts(occurred_on, changed_on, category):
        return changed_on
    return None


def higher_government_may_reinvestigate(
    original_grade: AccidentGrade,
    new_grade: AccidentGrade,
    *,
    occurred_on: date,
    changed_on: date,
    category: AccidentCategory,
) -> bool:
    """条例493 Art. 20 para. 2: may the higher government set up its own investigation team?

    Yes when, within the 30-day (7-day) window, a change in casualties raises the grade so
    that a higher level of government becomes responsible for the investigation
    (regulations.md §1.4, V-primary). Every step up in grade moves the investigation up a
    level (see :func:`investigating_level`), so "the grade rose inside the window" suffices.
    """
    counts = casualty_change_counts(occurred_on, changed_on, category)
    return counts and investigating_level(new_grade) > investigating_level(original_grade)


# --------------------------------------------------------------------------------------
# Investigation and reply (条例493 Art. 19–21, 27, 29, 32)
# --------------------------------------------------------------------------------------

INVESTIGATION_DAYS: Final = 60
"""条例493 Art. 29: the investigation report is due within 60 days of the accident."""

MAX_INVESTIGATION_EXTENSION_DAYS: Final = 60
"""条例493 Art. 29: an approved extension is at most 60 days."""

MAX_REPLY_EXTENSION_DAYS: Final = 30
"""条例493 Art. 32: only for 特别重大, the reply may be extended by at most 30 days."""


def investigating_level(grade: AccidentGrade) -> AdminLevel:
    """Government responsible for the investigation, 条例493 Art. 19 (§1.5, V-primary).

    特别重大 → the State Council or a department it authorises (NATIONAL); 重大 → the
    provincial government; 较大 → the 设区的市级 government; 一般 → the county government.
    The government where the accident happened investigates (Art. 21) and a higher
    government may take any investigation over (Art. 20 para. 1).
    """
    return {
        AccidentGrade.EXTRAORDINARY: AdminLevel.NATIONAL,
        AccidentGrade.MAJOR: AdminLevel.PROVINCE,
        AccidentGrade.LARGER: AdminLevel.CITY,
        AccidentGrade.GENERAL: AdminLevel.COUNTY,
    }[grade]


def unit_may_be_entrusted_to_investigate(grade: AccidentGrade, *, deaths: int, injured: int) -> bool:
    """条例493 Art. 19 para. 3: may the county entrust the unit with the investigation?

    Only for a 一般 accident that caused no casualties at all (未造成人员伤亡). ``injured``
    is everyone injured, minor injuries included, because the article says no casualties,
    not no serious injuries (regulations.md §1.5, V-primary).
    """
    _check_count(deaths, "死亡人数", "deaths")
    _check_count(injured, "受伤人数", "injured")
    return grade is AccidentGrade.GENERAL and deaths == 0 and injured == 0


def investigation_due(occurred_on: date, *, extension_days: int = 0, appraisal_days: int = 0) -> date:
    """Last day for submitting the investigation report, 条例493 Art. 29 and Art. 27.

    regulations.md §1.6, V-primary. The 60 days run **from the day of the accident**
    ("自事故发生之日起60日内"), not from the day the team is set up. The day of the accident
    is not counted (see :func:`supplement_window_end`), so an accident on 2026-01-01 has a
    report due by 2026-03-02.

    * ``extension_days``: an extension approved by the investigating government "in special
      cases", at most 60 days (Art. 29). More than 60 raises ``ValueError``.
    * ``appraisal_days``: days spent on technical appraisal (技术鉴定), which do not count
      towards the period (Art. 27), so they push the due date back day for day. The caller
      counts them (e.g. from commissioning the appraisal to receiving its result).
    """
    start = _check_date(occurred_on, "事故发生日期", "occurred_on")
    _check_count(extension_days, "延长天数", "extension_days")
    _check_count(appraisal_days, "技术鉴定天数", "appraisal_days")
    if extension_days > MAX_INVESTIGATION_EXTENSION_DAYS:
        raise ValueError(
            f"调查期限延长最长不超过{MAX_INVESTIGATION_EXTENSION_DAYS}日（条例493第二十九条），"
            f"申请延长{extension_days}日 / an investigation extension may not exceed "
            f"{MAX_INVESTIGATION_EXTENSION_DAYS} days (Order 493 Art. 29); got {extension_days}"
        )
    return start + timedelta(days=INVESTIGATION_DAYS + extension_days + appraisal_days)


def reply_due(report_received_on: date, grade: AccidentGrade, *, extension_days: int = 0) -> date:
    """Last day for the government's reply (批复) to the investigation report, Art. 32.

    regulations.md §1.6, V-primary: 重大, 较大 and 一般 → within 15 days of receiving the
    report; 特别重大 → within 30 days, which "in special cases" may be extended by at most 30
    days. ``extension_days`` is therefore only allowed for EXTRAORDINARY and only up to 30;
    anything else raises ``ValueError``. The day of receipt is not counted.
    """
    received = _check_date(report_received_on, "收到调查报告日期", "report_received_on")
    _check_count(extension_days, "延长天数", "extension_days")
    if grade is AccidentGrade.EXTRAORDINARY:
        if extension_days > MAX_REPLY_EXTENSION_DAYS:
            raise ValueError(
                f"特别重大事故批复延长最长不超过{MAX_REPLY_EXTENSION_DAYS}日（条例493第三十二条），"
                f"申请延长{extension_days}日 / the reply extension may not exceed "
                f"{MAX_REPLY_EXTENSION_DAYS} days (Order 493 Art. 32); got {extension_days}"
            )
        return received + timedelta(days=30 + extension_days)
    if extension_days:
        raise ValueError(
            f"{grade.label}的批复期限不得延长（条例493第三十二条只允许特别重大事故延长） / "
            f"the reply period for {_with_article(grade.label_en.lower())} cannot be extended "
            "(Order 493 Art. 32 allows it only for extraordinarily serious accidents)"
        )
    return received + timedelta(days=15)


# --------------------------------------------------------------------------------------
# Supervision of accident handling (platform policy; not in the regulations doc)
# --------------------------------------------------------------------------------------


class SupervisionLevel(enum.IntEnum):
    """How closely the 安委办 follows an accident's investigation and rectification.

    UNVERIFIED / local policy: the regulations doc has no national rule for supervising
    accident handling by deaths (its 挂牌督办 section, §2.4, concerns hazards and is set by
    provincial or municipal rules). The levels are therefore platform categories.
    """

    NONE = 0
    """不督办: routine handling."""
    KEY = 1
    """重点督办: tracked as a key case."""
    FULL = 2
    """挂牌督办（全程督办）: posted supervision, followed from start to closure."""

    @property
    def label(self) -> str:
        """Chinese name."""
        return _SUPERVISION_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """English name."""
        return _SUPERVISION_LABELS[self][1]


_SUPERVISION_LABELS: Final[Mapping[SupervisionLevel, tuple[str, str]]] = MappingProxyType(
    {
        SupervisionLevel.NONE: ("不督办", "no special supervision"),
        SupervisionLevel.KEY: ("重点督办", "key-case supervision"),
        SupervisionLevel.FULL: ("挂牌督办（全程督办）", "posted, end-to-end supervision"),
    }
)


def supervision_level(deaths: int, *, key_threshold: int = 1, full_threshold: int = 3) -> SupervisionLevel:
    """Supervision level from the number of deaths; thresholds are inclusive and configurable.

    Defaults (platform policy, UNVERIFIED as law): any fatal accident (≥ 1 death) is a key
    case, and ≥ 3 deaths — the 较大 threshold of 条例493 Art. 3 — is posted (挂牌) for
    end-to-end supervision. A jurisdiction sets its own thresholds. Requires
    ``0 <= key_threshold <= full_threshold``; otherwise ``ValueError``.
    """
    _check_count(deaths, "死亡人数", "deaths")
    _check_count(key_threshold, "重点督办门槛", "key_threshold")
    _check_count(full_threshold, "挂牌督办门槛", "full_threshold")
    if key_threshold > full_threshold:
        raise ValueError(
            f"重点督办门槛（{key_threshold}）不能高于挂牌督办门槛（{full_threshold}） / "
            f"key_threshold ({key_threshold}) must not exceed full_threshold ({full_threshold})"
        )
    if deaths >= full_threshold:
        return SupervisionLevel.FULL
    if deaths >= key_threshold:
        return SupervisionLevel.KEY
    return SupervisionLevel.NONE


# --------------------------------------------------------------------------------------
# 较大涉险事故 (21号令)
# --------------------------------------------------------------------------------------

LARGER_AT_RISK_PEOPLE_AT_RISK: Final = 10
"""21号令: 涉险 10 people or more."""
LARGER_AT_RISK_TRAPPED_OR_MISSING: Final = 3
"""21号令: 3 or more people trapped or missing."""
LARGER_AT_RISK_EVACUATED: Final = 500
"""21号令: 500 or more people evacuated."""
LARGER_AT_RISK_MIN_DAILY_FOLLOWUPS: Final = 1
"""21号令: a 较大涉险事故 gets at least one follow-up report a day."""


class LargerAtRiskCriterion(enum.Enum):
    """Criteria that make an event a 较大涉险事故 (21号令; regulations.md §1.2, V-primary).

    Any one suffices. Numeric thresholds are inclusive ("以上").
    """

    PEOPLE_AT_RISK = "people_at_risk"
    """≥ 10 people put at risk (涉险)."""
    TRAPPED_OR_MISSING = "trapped_or_missing"
    """≥ 3 people trapped or missing (被困或下落不明)."""
    EVACUATED = "evacuated"
    """≥ 500 people evacuated (紧急疏散)."""
    SERIOUS_POLLUTION = "serious_pollution"
    """Serious pollution of a sensitive environment caused by the accident."""
    KEY_SITE_ENDANGERED = "key_site_endangered"
    """A threat to key sites: power stations, hazardous-chemical stores, fuel stations,
    stations, ports, airports, crowded places and the like."""

    @property
    def label(self) -> str:
        """Chinese description."""
        return _AT_RISK_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """English description."""
        return _AT_RISK_LABELS[self][1]


_AT_RISK_LABELS: Final[Mapping[LargerAtRiskCriterion, tuple[str, str]]] = MappingProxyType(
    {
        LargerAtRiskCriterion.PEOPLE_AT_RISK: ("涉险10人以上", "10 or more people put at risk"),
        LargerAtRiskCriterion.TRAPPED_OR_MISSING: (
            "3人以上被困或者下落不明",
            "3 or more people trapped or missing",
        ),
        LargerAtRiskCriterion.EVACUATED: ("紧急疏散人员500人以上", "500 or more people evacuated"),
        LargerAtRiskCriterion.SERIOUS_POLLUTION: ("对环境造成严重污染", "serious environmental pollution"),
        LargerAtRiskCriterion.KEY_SITE_ENDANGERED: (
            "危及重要场所和设施安全",
            "key sites or facilities endangered",
        ),
    }
)


def larger_at_risk_criteria(
    *,
    people_at_risk: int = 0,
    trapped_or_missing: int = 0,
    evacuated: int = 0,
    serious_pollution: bool = False,
    key_site_endangered: bool = False,
) -> tuple[LargerAtRiskCriterion, ...]:
    """Which 21号令 较大涉险事故 criteria are met, in the order of :class:`LargerAtRiskCriterion`.

    ``people_at_risk`` counts everyone put in danger (涉险), whether or not they were hurt;
    the two booleans are judgements made by the authority. The definition does not exclude
    accidents that also have a grade: a 一般 accident with 12 people at risk is both.
    """
    _check_count(people_at_risk, "涉险人数", "people_at_risk")
    _check_count(trapped_or_missing, "被困或下落不明人数", "trapped_or_missing")
    _check_count(evacuated, "疏散人数", "evacuated")
    met: list[LargerAtRiskCriterion] = []
    if people_at_risk >= LARGER_AT_RISK_PEOPLE_AT_RISK:
        met.append(LargerAtRiskCriterion.PEOPLE_AT_RISK)
    if trapped_or_missing >= LARGER_AT_RISK_TRAPPED_OR_MISSING:
        met.append(LargerAtRiskCriterion.TRAPPED_OR_MISSING)
    if evacuated >= LARGER_AT_RISK_EVACUATED:
        met.append(LargerAtRiskCriterion.EVACUATED)
    if serious_pollution:
        met.append(LargerAtRiskCriterion.SERIOUS_POLLUTION)
    if key_site_endangered:
        met.append(LargerAtRiskCriterion.KEY_SITE_ENDANGERED)
    return tuple(met)


def is_larger_at_risk_accident(
    *,
    people_at_risk: int = 0,
    trapped_or_missing: int = 0,
    evacuated: int = 0,
    serious_pollution: bool = False,
    key_site_endangered: bool = False,
) -> bool:
    """True if any 21号令 较大涉险事故 criterion is met; see :func:`larger_at_risk_criteria`.

    A unit that reports one late, incompletely, falsely or not at all faces a warning and a
    fine of up to 3万元 (21号令, §1.2).
    """
    return bool(
        larger_at_risk_criteria(
            people_at_risk=people_at_risk,
            trapped_or_missing=trapped_or_missing,
            evacuated=evacuated,
            serious_pollution=serious_pollution,
            key_site_endangered=key_site_endangered,
        )
    )


# --------------------------------------------------------------------------------------
# Accident types: GB/T 6441-1986 and GB 6441—2025
# --------------------------------------------------------------------------------------

GB6441_2025_EFFECTIVE_FROM: Final = date(2026, 7, 1)
"""GB 6441—2025 takes effect 2026-07-01 and replaces GB/T 6441-1986 (§4.2, V-primary)."""


@dataclass(frozen=True, slots=True)
class AccidentType:
    """One basic accident type of a standard.

    ``code`` is the code as the standard writes it ("01"…"20" for 1986, "WSA10001"… for
    2025); ``number`` is the row number in the standard's table.
    """

    standard: str
    code: str
    number: int
    name_zh: str
    name_en: str


@dataclass(frozen=True, slots=True)
class AccidentTypeList:
    """A standard's list of basic accident types with the dates it applies (inclusive)."""

    standard: str
    title_zh: str
    effective_from: date
    effective_until: date | None
    types: tuple[AccidentType, ...]

    def covers(self, day: date) -> bool:
        """Whether accidents on ``day`` are classified with this list."""
        return self.effective_from <= day and (self.effective_until is None or day <= self.effective_until)

    def by_code(self, code: str) -> AccidentType:
        """The type with ``code``; ``KeyError`` if this list has no such code."""
        for accident_type in self.types:
            if accident_type.code == code:
                return accident_type
        raise KeyError(
            f"{self.standard} 中没有事故类别代码 {code!r} / no accident type code {code!r} in {self.standard}"
        )


_STD_1986: Final = "GB/T 6441-1986"
_STD_2025: Final = "GB 6441—2025"

GB6441_1986: Final = AccidentTypeList(
    standard=_STD_1986,
    title_zh="企业职工伤亡事故分类",
    # Issued 1986-05-31 as GB 6441-86, in force 1987-02-01 (date from the standard's
    # full-text header; the regulations doc only gives the end date). Replaced on 2026-07-01.
    effective_from=date(1987, 2, 1),
    effective_until=GB6441_2025_EFFECTIVE_FROM - timedelta(days=1),
    types=tuple(
        AccidentType(_STD_1986, f"{number:02d}", number, zh, en)
        for number, (zh, en) in enumerate(
            (
                ("物体打击", "struck by object"),
                ("车辆伤害", "vehicle injury"),
                ("机械伤害", "machinery injury"),
                ("起重伤害", "lifting-equipment injury"),
                ("触电", "electric shock"),
                ("淹溺", "drowning"),
                ("灼烫", "burns and scalds"),
                ("火灾", "fire"),
                ("高处坠落", "fall from height"),
                ("坍塌", "collapse"),
                ("冒顶片帮", "roof fall and rib spalling"),
                ("透水", "water inrush"),
                ("放炮", "blasting"),
                ("火药爆炸", "explosives explosion"),
                ("瓦斯爆炸", "firedamp explosion"),
                ("锅炉爆炸", "boiler explosion"),
                ("容器爆炸", "pressure-vessel explosion"),
                ("其他爆炸", "other explosion"),
                ("中毒和窒息", "poisoning and asphyxiation"),
                ("其他伤害", "other injury"),
            ),
            start=1,
        )
    ),
)
"""GB/T 6441-1986 accident types 01–20 (regulations.md §4.1, V-secondary), until 2026-06-30."""


def type_code_2025(number: int) -> str:
    """GB 6441—2025 §5 code of basic type ``number``: ``WSA1`` + 4 digits; 其他 (27) is 0099.

    Types 1–26 are coded 0001–0026 and type 27 (其他) is 0099 (regulations.md §4.2,
    V-primary), e.g. fire (9) → ``"WSA10009"``.
    """
    _check_count(number, "类型序号", "number")
    if not 1 <= number <= 27:
        raise ValueError(f"基本事故类型序号应为1–27：{number} / basic type number must be 1–27: {number}")
    return f"WSA1{99 if number == 27 else number:04d}"


GB6441_2025: Final = AccidentTypeList(
    standard=_STD_2025,
    title_zh="生产安全事故分类与编码",
    effective_from=GB6441_2025_EFFECTIVE_FROM,
    effective_until=None,
    types=tuple(
        AccidentType(_STD_2025, type_code_2025(number), number, zh, en)
        for number, (zh, en) in enumerate(
            (
                ("物体打击", "struck by object"),
                ("厂（场）内车辆致害", "on-site vehicle injury"),
                ("道路（轨道）车辆致害", "road or rail vehicle injury"),
                ("机械致害", "machinery injury"),
                ("起重致害", "lifting-equipment injury"),
                ("触电", "electric shock"),
                ("淹溺", "drowning"),
                ("灼烫", "burns and scalds"),
                ("火灾", "fire"),
                ("高处坠落", "fall from height"),
                ("跌落", "fall below 2 m or on the same level"),
                ("坍塌", "collapse"),
                ("水害", "flooding and water inrush"),
                ("容器爆炸", "pressure-vessel explosion"),
                ("管道爆炸", "pipeline explosion"),
                ("可燃气体爆炸", "flammable-gas explosion"),
                ("可燃液体蒸气爆炸", "flammable-liquid vapour explosion"),
                ("粉尘爆炸", "dust explosion"),
                ("民用爆炸物品爆炸", "civil-explosives explosion"),
                ("烟花爆竹爆炸", "fireworks explosion"),
                ("其他可燃固体爆炸", "other combustible-solid explosion"),
                ("高温熔融物爆炸", "molten-material explosion"),
                ("中毒", "poisoning"),
                ("窒息", "asphyxiation"),
                ("滑坡", "landslide"),
                ("泄漏", "release only"),
                ("其他", "other"),
            ),
            start=1,
        )
    ),
)
"""GB 6441—2025 basic accident types 1–27 (regulations.md §4.2, V-primary), from 2026-07-01."""


def accident_types_for(day: date) -> AccidentTypeList:
    """The accident-type list that applies to an accident on ``day``.

    Up to and including 2026-06-30: GB/T 6441-1986 (20 types). From 2026-07-01:
    GB 6441—2025 (27 types). Days before 1987-02-01 raise ``ValueError``.
    """
    checked = _check_date(day, "事故日期", "day")
    for type_list in (GB6441_2025, GB6441_1986):
        if type_list.covers(checked):
            return type_list
    raise ValueError(
        f"{checked} 早于 GB 6441-86 施行日期 1987-02-01 / {checked} is before GB 6441-86 took effect (1987-02-01)"
    )


@dataclass(frozen=True, slots=True)
class TypeMapping:
    """How one GB/T 6441-1986 type is carried into GB 6441—2025 for statistics.

    ``target`` is the type we count it as. ``exact`` is True when every accident of the 1986
    type belongs to ``target`` (the 2025 type may be wider); when False, some accidents of
    the 1986 type would be classified differently today, and ``alternatives`` lists the
    other plausible 2025 types. ``note_zh``/``note_en`` explain the judgement.
    """

    source: AccidentType
    target: AccidentType
    exact: bool
    alternatives: tuple[AccidentType, ...]
    note_zh: str
    note_en: str


def _mapping(
    code_1986: str, target: int, exact: bool, alternatives: tuple[int, ...], note_zh: str, note_en: str
) -> tuple[str, TypeMapping]:
    def to_type(number: int) -> AccidentType:
        return GB6441_2025.by_code(type_code_2025(number))

    return code_1986, TypeMapping(
        source=GB6441_1986.by_code(code_1986),
        target=to_type(target),
        exact=exact,
        alternatives=tuple(to_type(n) for n in alternatives),
        note_zh=note_zh,
        note_en=note_en,
    )


_SAME_ZH: Final = "同名或仅改称“致害”，一一对应。"
_SAME_EN: Final = "Same type (renamed at most); one-to-one."

TYPE_MAP_1986_TO_2025: Final[Mapping[str, TypeMapping]] = MappingProxyType(
    dict(
        (
            _mapping("01", 1, True, (), _SAME_ZH, _SAME_EN),
            _mapping(
                "02",
                2,
                False,
                (3,),
                "2025版把车辆伤害拆为厂（场）内车辆致害与道路（轨道）车辆致害；默认归入厂（场）内，"
                "能确认发生在公共道路或轨道上的应改归道路（轨道）车辆致害。",
                "2025 splits vehicle injury into on-site and road/rail vehicles; we default to on-site "
                "and records known to be on public roads or rails belong to road/rail.",
            ),
            _mapping("03", 4, True, (), _SAME_ZH, _SAME_EN),
            _mapping("04", 5, True, (), _SAME_ZH, _SAME_EN),
            _mapping("05", 6, True, (), _SAME_ZH, _SAME_EN),
            _mapping("06", 7, True, (), _SAME_ZH, _SAME_EN),
            _mapping("07", 8, True, (), _SAME_ZH, _SAME_EN),
            _mapping("08", 9, True, (), _SAME_ZH, _SAME_EN),
            _mapping(
                "09",
                10,
                True,
                (),
                "一一对应；2米以下失足坠落在2025版归入跌落，1986版本就不属于高处坠落。",
                "One-to-one; falls below 2 m go to 跌落 in 2025 and were not 高处坠落 in 1986 either.",
            ),
            _mapping(
                "10",
                12,
                False,
                (25,),
                "2025版另设滑坡；由生产经营活动引发的斜坡岩土体滑动应改归滑坡。",
                "2025 adds 滑坡 (landslide); slope failures caused by the work belong there.",
            ),
            _mapping(
                "11",
                12,
                False,
                (1,),
                "2025版删除冒顶片帮；顶板、帮壁岩体失稳垮塌最接近坍塌（本项目判断，国标未给对照）；"
                "仅个别岩块掉落击中人员的可归物体打击。",
                "2025 drops roof fall and rib spalling; a collapse of roof or rib rock is closest to "
                "坍塌 (our judgement; the standard gives no mapping); a single falling rock that "
                "strikes someone may be 物体打击.",
            ),
            _mapping(
                "12",
                13,
                True,
                (),
                "透水并入更宽的水害（regulations.md 的对照建议）。",
                "Water inrush falls within the wider 水害 (mapping hint in regulations.md).",
            ),
            _mapping(
                "13",
                19,
                False,
                (20,),
                "放炮使用民用爆炸物品，归民用爆炸物品爆炸；涉及烟花爆竹的改归烟花爆竹爆炸。",
                "Blasting uses civil explosives; cases involving fireworks belong to 烟花爆竹爆炸.",
            ),
            _mapping(
                "14",
                19,
                False,
                (20,),
                "火药爆炸按物品归民用爆炸物品爆炸或烟花爆竹爆炸；默认前者。",
                "Explosives explosions go to civil explosives or fireworks by the article involved; "
                "we default to civil explosives.",
            ),
            _mapping(
                "15",
                16,
                False,
                (18,),
                "瓦斯属可燃气体，归可燃气体爆炸；若记录的实为煤尘爆炸，应改归粉尘爆炸。",
                "Firedamp is a flammable gas; a record that was in fact a coal-dust explosion "
                "belongs to 粉尘爆炸.",
            ),
            _mapping(
                "16",
                14,
                False,
                (),
                "2025版无锅炉类别；锅炉与压力容器在特种设备目录中分列，容器爆炸是最接近的物理爆炸类别。",
                "2025 has no boiler type; boilers and pressure vessels are separate special-equipment "
                "classes, and 容器爆炸 is the closest physical-explosion type.",
            ),
            _mapping(
                "17",
                14,
                False,
                (15, 16),
                "多数对应容器爆炸；按2025版先发诱导性原因，管道破裂或泄漏可燃气体后爆炸的可能归管道爆炸或可燃气体爆炸。",
                "Mostly 容器爆炸; under the 2025 first-inducing-cause rule, pipeline ruptures or "
                "explosions of released gas may be 管道爆炸 or 可燃气体爆炸.",
            ),
            _mapping(
                "18",
                16,
                False,
                (17, 18, 21, 22, 27),
                "其他爆炸是兜底类，2025版拆成多个爆炸类别；默认可燃气体爆炸（最常见情形），"
                "能区分的应按蒸气、粉尘、可燃固体、高温熔融物爆炸分别归类，无法判断的归其他。",
                "A residual type that 2025 splits into several explosion types; we default to "
                "flammable gas (the commonest case) and records that can be told apart belong to "
                "vapour, dust, combustible-solid or molten-material explosion, or to 其他.",
            ),
            _mapping(
                "19",
                23,
                False,
                (24,),
                "2025版拆为中毒与窒息（窒息不含中毒引发的窒息）；默认中毒，单纯缺氧或机械性窒息改归窒息。",
                "2025 splits poisoning and asphyxiation (asphyxiation excludes poisoning-induced); we "
                "default to poisoning, and pure oxygen deficiency or mechanical asphyxia belongs to 窒息.",
            ),
            _mapping(
                "20",
                27,
                False,
                (11,),
                "其他伤害归其他；平地绊倒、滑倒或2米以下失足（1986版无专门类别）在2025版归跌落。",
                "Other injury goes to 其他; trips, slips and falls below 2 m (no 1986 type of their "
                "own) belong to 跌落 in 2025.",
            ),
        )
    )
)
"""Mapping from every GB/T 6441-1986 code to a GB 6441—2025 type, for statistics spanning
2026-07-01. Our own judgement, extending the hint in regulations.md §4.2; not part of either
standard. Use ``alternatives`` where the source record has more detail."""


def map_1986_to_2025(code_1986: str) -> TypeMapping:
    """The :class:`TypeMapping` for a GB/T 6441-1986 code ("01"…"20"); ``KeyError`` otherwise."""
    try:
        return TYPE_MAP_1986_TO_2025[code_1986]
    except KeyError:
        raise KeyError(
            f"GB/T 6441-1986 中没有事故类别代码 {code_1986!r} / no GB/T 6441-1986 code {code_1986!r}"
        ) from None


def to_2025_type(code: str) -> AccidentType:
    """Harmonise a type code from either standard to a GB 6441—2025 type.

    A 2025 code ("WSA1…") is returned as is; a 1986 code ("01"…"20") goes through
    :data:`TYPE_MAP_1986_TO_2025` (its ``target``). ``KeyError`` for unknown codes.
    """
    if code.startswith("WSA1"):
        return GB6441_2025.by_code(code)
    return map_1986_to_2025(code).target


class InjurySeverityClass(enum.Enum):
    """GB 6441—2025 §4.2 classes by injury outcome, with their §5.4 codes (V-primary).

    Minor and serious injury are decided by lost workdays under GB 15499—2025 (not read;
    UNVERIFIED), so callers pass counts already classified.
    """

    ZERO = "WSA20001"
    """零伤亡事故: no minor injury, serious injury or death."""
    MINOR = "WSA20002"
    """轻伤事故: minor injuries only."""
    SERIOUS = "WSA20003"
    """重伤事故: serious injuries but no deaths."""
    FATAL = "WSA20004"
    """死亡事故: at least one death."""

    @property
    def label(self) -> str:
        """Chinese name."""
        return _SEVERITY_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """English name."""
        return _SEVERITY_LABELS[self][1]


_SEVERITY_LABELS: Final[Mapping[InjurySeverityClass, tuple[str, str]]] = MappingProxyType(
    {
        InjurySeverityClass.ZERO: ("零伤亡事故", "no-casualty accident"),
        InjurySeverityClass.MINOR: ("轻伤事故", "minor-injury accident"),
        InjurySeverityClass.SERIOUS: ("重伤事故", "serious-injury accident"),
        InjurySeverityClass.FATAL: ("死亡事故", "fatal accident"),
    }
)


def injury_severity_class(deaths: int, serious_injuries: int, minor_injuries: int) -> InjurySeverityClass:
    """GB 6441—2025 §4.2 class: the worst outcome decides (death > serious > minor > none)."""
    _check_count(deaths, "死亡人数", "deaths")
    _check_count(serious_injuries, "重伤人数", "serious_injuries")
    _check_count(minor_injuries, "轻伤人数", "minor_injuries")
    if deaths:
        return InjurySeverityClass.FATAL
    if serious_injuries:
        return InjurySeverityClass.SERIOUS
    if minor_injuries:
        return InjurySeverityClass.MINOR
    return InjurySeverityClass.ZERO


# --------------------------------------------------------------------------------------
# Indicators (regulations.md §8, §4.1, §1.9)
# --------------------------------------------------------------------------------------


def _rate(
    numerator: Money, denominator: Money, base: Money, names: tuple[str, str, str, str]
) -> Decimal | None:
    """``numerator / denominator × base`` as an unrounded Decimal (28 significant digits).

    ``None`` when the denominator is zero. Rounding for display is the caller's job.
    """
    num_zh, num_en, den_zh, den_en = names
    num = _check_amount(numerator, num_zh, num_en)
    den = _check_amount(denominator, den_zh, den_en)
    factor = _check_amount(base, "基数", "base")
    if den == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 28
        return num * factor / den


def gdp_death_rate(deaths: int, gdp_yi_yuan: Money, *, per_yi_yuan: int = 1) -> Decimal | None:
    """亿元GDP生产安全事故死亡率: deaths per 亿元 (10⁸ yuan) of GDP.

    GB 6441—2025 Annex A (regulations.md §8.1, V-primary): M = D / (GDP / 10⁸). ``gdp_yi_yuan``
    is GDP **in 亿元**, as statistical bulletins publish it; ``per_yi_yuan=100`` gives the
    百亿元 variant. Result: deaths per ``per_yi_yuan`` 亿元; ``None`` if GDP is zero.
    """
    _check_count(deaths, "死亡人数", "deaths")
    return _rate(deaths, gdp_yi_yuan, per_yi_yuan, ("死亡人数", "deaths", "GDP（亿元）", "gdp_yi_yuan"))


def deaths_per_100k_industrial_workers(deaths: int, employed: int) -> Decimal | None:
    """工矿商贸就业人员十万人生产安全事故死亡率 = deaths / employed × 100,000.

    regulations.md §8.1 (V-secondary). ``deaths`` are 工矿商贸 accident deaths; ``employed``
    is the number of people employed in those sectors (persons). ``None`` if zero.
    """
    _check_count(deaths, "死亡人数", "deaths")
    _check_count(employed, "就业人数", "employed")
    return _rate(deaths, employed, 100_000, ("死亡人数", "deaths", "就业人数", "employed"))


def deaths_per_10k_vehicles(deaths: int, motor_vehicles: int) -> Decimal | None:
    """道路交通万车死亡率 = road-traffic deaths / registered motor vehicles × 10,000.

    regulations.md §8.1 (V-secondary). ``None`` if there are no vehicles.
    """
    _check_count(deaths, "死亡人数", "deaths")
    _check_count(motor_vehicles, "机动车保有量", "motor_vehicles")
    return _rate(deaths, motor_vehicles, 10_000, ("死亡人数", "deaths", "机动车保有量", "motor_vehicles"))


def deaths_per_10k_special_equipment(deaths: int, registered_units: int) -> Decimal | None:
    """特种设备万台设备死亡人数 = deaths / registered special-equipment units × 10,000.

    regulations.md §8.1 (V-secondary). The official figure uses its own numerator scope
    (accidents and "related" accidents), so this naive rate will not reproduce published
    national values; use it for local monitoring.
    """
    _check_count(deaths, "死亡人数", "deaths")
    _check_count(registered_units, "登记设备台数", "registered_units")
    return _rate(deaths, registered_units, 10_000, ("死亡人数", "deaths", "登记设备台数", "registered_units"))


def deaths_per_million_tonnes(deaths: int, output_tonnes: Money) -> Decimal | None:
    """单位产量死亡率, e.g. 煤炭百万吨死亡率 = deaths / output (t) × 10⁶.

    GB 6441—2025 Annex A (§8.1, V-primary); also in GB/T 6441-1986 (§4.1).
    """
    _check_count(deaths, "死亡人数", "deaths")
    return _rate(deaths, output_tonnes, 1_000_000, ("死亡人数", "deaths", "产量（吨）", "output_tonnes"))


def deaths_per_10k_cubic_metres(deaths: int, output_m3: Money) -> Decimal | None:
    """万立方米死亡率 = deaths / output (m³) × 10⁴ (GB 6441—2025 Annex A, §8.1, V-primary)."""
    _check_count(deaths, "死亡人数", "deaths")
    return _rate(deaths, output_m3, 10_000, ("死亡人数", "deaths", "产量（立方米）", "output_m3"))


def deaths_per_thousand_workers(deaths: int, average_workers: Money) -> Decimal | None:
    """千人事故死亡率 = deaths / average number of workers × 1000.

    GB 6441—2025 Annex A (§8.1, V-primary); 千人死亡率 in GB/T 6441-1986. ``average_workers``
    may be a Decimal average (e.g. a monthly mean).
    """
    _check_count(deaths, "死亡人数", "deaths")
    return _rate(deaths, average_workers, 1000, ("死亡人数", "deaths", "平均职工人数", "average_workers"))


def injuries_per_thousand_workers(injured: int, average_workers: Money) -> Decimal | None:
    """千人事故受伤率 = injured / average number of workers × 1000 (GB 6441—2025 Annex A)."""
    _check_count(injured, "受伤人数", "injured")
    return _rate(injured, average_workers, 1000, ("受伤人数", "injured", "平均职工人数", "average_workers"))


def serious_injuries_per_thousand_workers(serious_injuries: int, average_workers: Money) -> Decimal | None:
    """千人重伤率 = serious injuries / average workers × 1000 (GB/T 6441-1986, §4.1)."""
    _check_count(serious_injuries, "重伤人数", "serious_injuries")
    return _rate(
        serious_injuries,
        average_workers,
        1000,
        ("重伤人数", "serious_injuries", "平均职工人数", "average_workers"),
    )


def injury_frequency_rate(injured: int, hours_worked: Money) -> Decimal | None:
    """百万工时伤害率 A = injured persons / hours worked × 10⁶ (GB/T 6441-1986, §4.1).

    Dropped from GB 6441—2025 (§4.2); kept for historical series.
    """
    _check_count(injured, "受伤人数", "injured")
    return _rate(injured, hours_worked, 1_000_000, ("受伤人数", "injured", "总工时", "hours_worked"))


def injury_severity_rate(lost_workdays: Money, hours_worked: Money) -> Decimal | None:
    """伤害严重率 B = total lost workdays / hours worked × 10⁶ (GB/T 6441-1986, §4.1).

    A death counts as 6000 lost workdays in the 1986 standard.
    """
    return _rate(
        lost_workdays, hours_worked, 1_000_000, ("损失工作日", "lost_workdays", "总工时", "hours_worked")
    )


def average_injury_severity(lost_workdays: Money, injured: int) -> Decimal | None:
    """伤害平均严重率 N = B / A = lost workdays per injured person (GB/T 6441-1986, §4.1).

    The hours cancel out, so only the two totals are needed. ``None`` if nobody was injured.
    """
    _check_count(injured, "受伤人数", "injured")
    return _rate(lost_workdays, injured, 1, ("损失工作日", "lost_workdays", "受伤人数", "injured"))


def loss_per_thousand_workers(loss_wan_yuan: Money, average_workers: Money) -> Decimal | None:
    """千人经济损失率 Rs = E / S × 1000 (GB 6721—2025, §1.9, V-primary).

    E is the economic loss in 万元, S the average number of workers; the result is 万元 per
    thousand workers.
    """
    return _rate(
        loss_wan_yuan,
        average_workers,
        1000,
        ("经济损失（万元）", "loss_wan_yuan", "平均职工人数", "average_workers"),
    )


def loss_per_million_yuan_output(loss_wan_yuan: Money, output_wan_yuan: Money) -> Decimal | None:
    """百万元产值经济损失率 = E / V × 100 (GB 6721—2025, §1.9, V-primary).

    E (loss) and V (output value) are both in 万元; the result is 万元 of loss per 百万元
    (10⁶ yuan) of output.
    """
    return _rate(
        loss_wan_yuan,
        output_wan_yuan,
        100,
        ("经济损失（万元）", "loss_wan_yuan", "产值（万元）", "output_wan_yuan"),
    )


def loss_per_100m_yuan_output(loss_wan_yuan: Money, output_wan_yuan: Money) -> Decimal | None:
    """亿元产值经济损失率 = E / V × 10,000 (GB 6721—2025, §1.9, V-primary).

    E and V in 万元; the result is 万元 of loss per 亿元 (10⁸ yuan) of output.
    """
    return _rate(
        loss_wan_yuan,
        output_wan_yuan,
        10_000,
        ("经济损失（万元）", "loss_wan_yuan", "产值（万元）", "output_wan_yuan"),
    )


def recordable_incident_rate(cases: int, hours_worked: Money, *, base: int = 200_000) -> Decimal | None:
    """OSHA-style TRIR (or DART, given DART cases) = cases × base / hours worked.

    regulations.md §8.2 (V-secondary): base 200,000 h = 100 full-time workers × 40 h × 50
    weeks; pass ``base=1_000_000`` for the Chinese 百万工时 convention (= 5 × the 200k rate).
    """
    _check_count(cases, "病例数", "cases")
    _check_count(base, "基数", "base")
    return _rate(cases, hours_worked, base, ("病例数", "cases", "总工时", "hours_worked"))
