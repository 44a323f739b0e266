"""Tests for anjian.rules.accidents (plain pytest, no Django)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anjian.rules import accidents as acc
from anjian.rules.accidents import (
    GB6441_1986,
    GB6441_2025,
    TYPE_MAP_1986_TO_2025,
    AccidentCategory,
    AccidentGrade,
    AdminLevel,
    GradeCriterion,
    InjurySeverityClass,
    LargerAtRiskCriterion,
    MisreportKind,
    SupervisionLevel,
)

G = AccidentGrade.GENERAL
L = AccidentGrade.LARGER
M = AccidentGrade.MAJOR
X = AccidentGrade.EXTRAORDINARY

CN = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")

IND = AccidentCategory.INDUSTRIAL_COMMERCIAL
ROAD = AccidentCategory.ROAD_TRAFFIC
FIRE = AccidentCategory.FIRE


def test_public_names_exist() -> None:
    for name in acc.__all__:
        assert hasattr(acc, name), name


# ---------------------------------------------------------------------------- grades


def test_grade_order_and_max() -> None:
    assert G < L < M < X
    assert max(L, X, G) is X
    assert max([G, M]) is M
    assert list(AccidentGrade) == [G, L, M, X]


@pytest.mark.parametrize(
    ("grade", "zh", "en"),
    [
        (G, "一般事故", "General accident"),
        (L, "较大事故", "Larger accident"),
        (M, "重大事故", "Major accident"),
        (X, "特别重大事故", "Extraordinarily serious accident"),
    ],
)
def test_grade_labels(grade: AccidentGrade, zh: str, en: str) -> None:
    assert grade.label == zh
    assert grade.label_en == en


@pytest.mark.parametrize(
    ("deaths", "expected"),
    [(0, G), (1, G), (2, G), (3, L), (9, L), (10, M), (29, M), (30, X), (31, X), (1000, X)],
)
def test_grade_by_deaths(deaths: int, expected: AccidentGrade) -> None:
    assert acc.accident_grade(deaths, 0, 0) is expected


@pytest.mark.parametrize(
    ("serious", "expected"),
    [(0, G), (9, G), (10, L), (49, L), (50, M), (99, M), (100, X), (101, X)],
)
def test_grade_by_serious_injuries(serious: int, expected: AccidentGrade) -> None:
    assert acc.accident_grade(0, serious, 0) is expected


@pytest.mark.parametrize(
    ("loss", "expected"),
    [
        (0, G),
        (9_999_999, G),
        (Decimal("9999999.99"), G),
        (10_000_000, L),
        (Decimal("10000000.00"), L),
        (Decimal("1E+7"), L),
        (49_999_999, L),
        (Decimal("49999999.99"), L),
        (50_000_000, M),
        (99_999_999, M),
        (Decimal("99999999.99"), M),
        (100_000_000, X),
        (Decimal("1E+8"), X),
        (10**12, X),
    ],
)
def test_grade_by_direct_loss(loss: int | Decimal, expected: AccidentGrade) -> None:
    assert acc.accident_grade(0, 0, loss) is expected


@pytest.mark.parametrize(
    ("deaths", "serious", "loss", "expected"),
    [
        (2, 9, 9_999_999, G),  # every criterion one below 较大
        (2, 10, 0, L),  # injuries lift it
        (3, 50, 0, M),  # injuries higher than deaths
        (10, 10, 10_000_000, M),
        (2, 0, 100_000_000, X),  # loss alone is enough
        (29, 99, 99_999_999, M),  # every criterion one below 特别重大
        (30, 0, 0, X),
        (9, 49, 49_999_999, L),  # every criterion one below 重大
        (0, 100, 50_000_000, X),
        (1, 1, Decimal("50000000.00"), M),
    ],
)
def test_grade_mixed_criteria_takes_highest(
    deaths: int, serious: int, loss: int | Decimal, expected: AccidentGrade
) -> None:
    assert acc.accident_grade(deaths, serious, loss) is expected


def test_grade_thresholds_table_matches_article_3() -> None:
    t = acc.GRADE_THRESHOLDS
    assert (t[X].deaths, t[X].serious_injuries, t[X].direct_loss_yuan) == (30, 100, 100_000_000)
    assert (t[M].deaths, t[M].serious_injuries, t[M].direct_loss_yuan) == (10, 50, 50_000_000)
    assert (t[L].deaths, t[L].serious_injuries, t[L].direct_loss_yuan) == (3, 10, 10_000_000)
    assert G not in t


def test_explained_single_deciding_criterion() -> None:
    e = acc.accident_grade_explained(30, 5, 0)
    assert e.grade is X
    assert [r.criterion for r in e.reasons] == [GradeCriterion.DEATHS]
    assert [r.grade for r in e.by_criterion] == [X, G, G]
    assert "死亡30人" in e.zh and "30人以上死亡" in e.zh and "特别重大事故" in e.zh
    assert "条例493第三条" in e.zh
    assert "30 death(s)" in e.en and "30 or more deaths" in e.en
    assert "an extraordinarily serious accident" in e.en


def test_explained_several_deciding_criteria() -> None:
    e = acc.accident_grade_explained(3, 10, Decimal("1E+7"))
    assert e.grade is L
    assert [r.criterion for r in e.reasons] == [
        GradeCriterion.DEATHS,
        GradeCriterion.SERIOUS_INJURIES,
        GradeCriterion.DIRECT_LOSS,
    ]
    assert e.zh.count("；") == 2
    assert e.en.count("; ") == 2
    assert "1000万元以上直接经济损失" in e.zh
    assert "1000万元" in e.reasons[2].zh  # 10,000,000 yuan shown in 万元
    assert "10,000,000 yuan" in e.reasons[2].en


def test_explained_general_accident_says_below_larger() -> None:
    e = acc.accident_grade_explained(2, 0, 5000)
    assert e.grade is G
    assert len(e.reasons) == 3
    assert "未达到较大事故标准（3人以上死亡）" in e.reasons[0].zh
    assert "直接经济损失5000元" in e.reasons[2].zh
    assert "below the larger-accident threshold" in e.en
    assert "a general accident" in e.en


def test_explained_keeps_value_as_given() -> None:
    e = acc.accident_grade_explained(0, 0, Decimal("12345678.50"))
    assert e.reasons[0].value == Decimal("12345678.50")
    assert "1234.56785万元" in e.zh
    assert "12,345,678.5 yuan" in e.en


@pytest.mark.parametrize(
    ("args", "error", "fragment"),
    [
        ((-1, 0, 0), ValueError, "deaths must not be negative"),
        ((0, -1, 0), ValueError, "serious_injuries must not be negative"),
        ((0, 0, -1), ValueError, "direct_loss_yuan must not be negative"),
        ((0, 0, Decimal("-0.01")), ValueError, "不能为负数"),
        ((0, 0, Decimal("NaN")), ValueError, "must be finite"),
        ((0, 0, Decimal("Infinity")), ValueError, "must be finite"),
        ((0, 0, 1.5e7), TypeError, "float is refused"),
        ((True, 0, 0), TypeError, "must be an int"),
        ((1.0, 0, 0), TypeError, "must be an int"),
        (("3", 0, 0), TypeError, "must be an int"),
    ],
)
def test_grade_bad_inputs(args: tuple[object, object, object], error: type[Exception], fragment: str) -> None:
    with pytest.raises(error, match=fragment):
        acc.accident_grade(*args)  # type: ignore[arg-type]


def test_negative_message_is_bilingual() -> None:
    with pytest.raises(ValueError) as info:
        acc.accident_grade(-2, 0, 0)
    assert "死亡人数不能为负数" in str(info.value)
    assert "must not be negative" in str(info.value)


_counts = st.integers(min_value=0, max_value=300)
_losses = st.one_of(
    st.integers(min_value=0, max_value=300_000_000),
    st.decimals(min_value=0, max_value=300_000_000, places=2, allow_nan=False, allow_infinity=False),
)


@given(_counts, _counts, _losses, st.integers(min_value=0, max_value=100))
def test_grade_monotone_in_deaths(d: int, s: int, loss: int | Decimal, extra: int) -> None:
    assert acc.accident_grade(d + extra, s, loss) >= acc.accident_grade(d, s, loss)


@given(_counts, _counts, _losses, st.integers(min_value=0, max_value=100))
def test_grade_monotone_in_serious_injuries(d: int, s: int, loss: int | Decimal, extra: int) -> None:
    assert acc.accident_grade(d, s + extra, loss) >= acc.accident_grade(d, s, loss)


@given(_counts, _counts, _losses, st.integers(min_value=0, max_value=100_000_000))
def test_grade_monotone_in_loss(d: int, s: int, loss: int | Decimal, extra: int) -> None:
    assert acc.accident_grade(d, s, loss + extra) >= acc.accident_grade(d, s, loss)


@given(_counts, _counts, _losses)
def test_grade_is_max_of_single_criteria(d: int, s: int, loss: int | Decimal) -> None:
    single = max(acc.accident_grade(d, 0, 0), acc.accident_grade(0, s, 0), acc.accident_grade(0, 0, loss))
    assert acc.accident_grade(d, s, loss) is single


# ---------------------------------------------------------------------------- reporting


def test_unit_report_deadline_one_hour() -> None:
    known = datetime(2026, 3, 1, 23, 30, tzinfo=CN)
    assert acc.unit_report_deadline(known) == datetime(2026, 3, 2, 0, 30, tzinfo=CN)
    assert acc.unit_report_deadline(known).tzinfo is CN


def test_upward_and_flash_deadlines() -> None:
    received = datetime(2026, 12, 31, 23, 0, tzinfo=CN)
    assert acc.upward_report_deadline(received) == datetime(2027, 1, 1, 1, 0, tzinfo=CN)
    assert acc.flash_report_deadline(received) == datetime(2027, 1, 1, 0, 0, tzinfo=CN)


def test_deadlines_use_elapsed_time_across_dst() -> None:
    # 2026-03-08 02:00 New York clocks jump to 03:00: one elapsed hour after 01:30 is 03:30.
    known = datetime(2026, 3, 8, 1, 30, tzinfo=NY)
    assert acc.unit_report_deadline(known).replace(tzinfo=None) == datetime(2026, 3, 8, 3, 30)
    assert acc.unit_report_deadline(known) - known.astimezone(UTC) == timedelta(hours=1)


def test_fixed_offset_timezone_accepted() -> None:
    known = datetime(2026, 1, 1, 8, 0, tzinfo=timezone(timedelta(hours=8)))
    assert acc.unit_report_deadline(known) == datetime(2026, 1, 1, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "fn",
    [acc.unit_report_deadline, acc.upward_report_deadline, acc.flash_report_deadline],
)
def test_naive_datetime_refused(fn: object) -> None:
    assert callable(fn)
    with pytest.raises(ValueError, match="timezone-aware"):
        fn(datetime(2026, 1, 1, 8, 0))
    with pytest.raises(TypeError, match="must be a datetime"):
        fn(date(2026, 1, 1))


@pytest.mark.parametrize(
    ("grade", "chain"),
    [
        (G, (AdminLevel.COUNTY, AdminLevel.CITY)),
        (L, (AdminLevel.COUNTY, AdminLevel.CITY, AdminLevel.PROVINCE)),
        (M, (AdminLevel.COUNTY, AdminLevel.CITY, AdminLevel.PROVINCE, AdminLevel.NATIONAL)),
        (X, (AdminLevel.COUNTY, AdminLevel.CITY, AdminLevel.PROVINCE, AdminLevel.NATIONAL)),
    ],
)
def test_report_chain(grade: AccidentGrade, chain: tuple[AdminLevel, ...]) -> None:
    assert acc.report_chain(grade) == chain


@pytest.mark.parametrize(
    ("grade", "state_council", "targets", "national", "flash"),
    [
        (G, False, (AdminLevel.COUNTY,), False, False),
        (L, False, (AdminLevel.COUNTY, AdminLevel.PROVINCE), False, True),
        (M, True, (AdminLevel.COUNTY, AdminLevel.PROVINCE), True, True),
        (X, True, (AdminLevel.COUNTY, AdminLevel.PROVINCE), True, True),
    ],
)
def test_reporting_by_grade(
    grade: AccidentGrade,
    state_council: bool,
    targets: tuple[AdminLevel, ...],
    national: bool,
    flash: bool,
) -> None:
    assert acc.reports_to_state_council(grade) is state_council
    assert acc.unit_report_targets(grade) == targets
    assert acc.unit_may_report_to_national(grade) is national
    assert acc.flash_report_required(grade) is flash
    assert acc.flash_report_required(grade, major_social_impact=True) is True


@pytest.mark.parametrize(
    ("level", "zh"),
    [
        (AdminLevel.COUNTY, "县级"),
        (AdminLevel.CITY, "设区的市级"),
        (AdminLevel.PROVINCE, "省级"),
        (AdminLevel.NATIONAL, "国务院（国家级）"),
    ],
)
def test_level_labels(level: AdminLevel, zh: str) -> None:
    assert level.label == zh
    assert level.label_en


def test_notified_bodies() -> None:
    assert acc.NOTIFIED_BODIES[0][0] == "公安机关"
    assert len(acc.NOTIFIED_BODIES) == 4


KNOWN = datetime(2026, 5, 1, 10, 0, tzinfo=CN)


@pytest.mark.parametrize(
    ("reported", "deadline", "expected"),
    [
        (KNOWN + timedelta(minutes=59), acc.UNIT_REPORT_LIMIT, None),
        (KNOWN + timedelta(hours=1), acc.UNIT_REPORT_LIMIT, None),  # exactly at the limit: on time
        (KNOWN + timedelta(hours=1, seconds=1), acc.UNIT_REPORT_LIMIT, timedelta(seconds=1)),
        (KNOWN + timedelta(hours=3), acc.UNIT_REPORT_LIMIT, timedelta(hours=2)),
        (KNOWN + timedelta(hours=2), acc.UPWARD_REPORT_LIMIT, None),
        (KNOWN + timedelta(hours=2, minutes=5), acc.UPWARD_REPORT_LIMIT, timedelta(minutes=5)),
        (KNOWN, acc.UNIT_REPORT_LIMIT, None),
        (KNOWN + timedelta(hours=1), acc.unit_report_deadline(KNOWN), None),
        (KNOWN + timedelta(hours=1, minutes=30), acc.unit_report_deadline(KNOWN), timedelta(minutes=30)),
    ],
)
def test_report_lateness(
    reported: datetime, deadline: datetime | timedelta, expected: timedelta | None
) -> None:
    assert acc.report_lateness(KNOWN, reported, deadline) == expected


def test_report_lateness_default_is_unit_limit() -> None:
    assert acc.report_lateness(KNOWN, KNOWN + timedelta(minutes=61)) == timedelta(minutes=1)


def test_report_lateness_mixed_time_zones() -> None:
    reported_utc = datetime(2026, 5, 1, 3, 10, tzinfo=UTC)  # 11:10 in Shanghai
    assert acc.report_lateness(KNOWN, reported_utc) == timedelta(minutes=10)


def test_report_lateness_same_zone_across_dst_uses_real_time() -> None:
    known = datetime(2026, 3, 8, 1, 30, tzinfo=NY)
    reported = datetime(2026, 3, 8, 3, 40, tzinfo=NY)  # 1 h 10 min of real time later
    assert acc.report_lateness(known, reported) == timedelta(minutes=10)


@pytest.mark.parametrize(
    ("known", "reported", "deadline", "fragment"),
    [
        (datetime(2026, 5, 1, 10, 0), KNOWN, acc.UNIT_REPORT_LIMIT, "timezone-aware"),
        (KNOWN, datetime(2026, 5, 1, 10, 0), acc.UNIT_REPORT_LIMIT, "timezone-aware"),
        (KNOWN, KNOWN, datetime(2026, 5, 1, 11, 0), "timezone-aware"),
        (KNOWN, KNOWN - timedelta(minutes=1), acc.UNIT_REPORT_LIMIT, "before known_at"),
        (KNOWN, KNOWN, KNOWN - timedelta(minutes=1), "deadline is before known_at"),
        (KNOWN, KNOWN, timedelta(hours=-1), "must not be negative"),
    ],
)
def test_report_lateness_errors(
    known: datetime, reported: datetime, deadline: datetime | timedelta, fragment: str
) -> None:
    with pytest.raises(ValueError, match=fragment):
        acc.report_lateness(known, reported, deadline)


def test_report_content_items() -> None:
    assert [i.value for i in acc.ReportContentItem] == [1, 2, 3, 4, 5, 6]
    assert "下落不明" in acc.ReportContentItem.CASUALTIES_AND_LOSS.label
    assert "missing persons" in acc.ReportContentItem.CASUALTIES_AND_LOSS.label_en
    assert all(item.label and item.label_en for item in acc.ReportContentItem)
    assert len(acc.FlashReportItem) == 3


@pytest.mark.parametrize(("grade", "per_day"), [(G, 1), (L, 1), (M, 2), (X, 2)])
def test_followups(grade: AccidentGrade, per_day: int) -> None:
    assert acc.min_daily_followup_reports(grade) == per_day
    assert acc.LARGER_AT_RISK_MIN_DAILY_FOLLOWUPS == 1


@pytest.mark.parametrize(
    ("kind", "zh"),
    [
        (MisreportKind.LATE, "迟报"),
        (MisreportKind.OMITTED, "漏报"),
        (MisreportKind.FALSIFIED, "谎报"),
        (MisreportKind.CONCEALED, "瞒报"),
    ],
)
def test_misreport_kinds(kind: MisreportKind, zh: str) -> None:  # 14号令 Art. 5
    assert kind.label == zh
    assert kind.label_en
    assert kind.definition_zh and kind.definition_en


# ---------------------------------------------------------------------------- supplement window


@pytest.mark.parametrize(
    ("category", "zh", "days"),
    [
        (AccidentCategory.INDUSTRIAL_COMMERCIAL, "工矿商贸", 30),
        (AccidentCategory.ROAD_TRAFFIC, "道路交通", 7),
        (AccidentCategory.FIRE, "火灾", 7),
        (AccidentCategory.WATERWAY, "水上交通", 30),
        (AccidentCategory.RAILWAY, "铁路", 30),
        (AccidentCategory.AGRICULTURAL_MACHINERY, "农业机械", 30),
        (AccidentCategory.FISHING_VESSEL, "渔业船舶", 30),
        (AccidentCategory.OTHER, "其他", 30),
    ],
)
def test_categories(category: AccidentCategory, zh: str, days: int) -> None:
    assert category.label == zh
    assert category.label_en
    assert acc.casualty_window_days(category) == days
    assert AccidentCategory(category.value) is category


@pytest.mark.parametrize(
    ("occurred", "category", "end"),
    [
        (date(2026, 1, 1), IND, date(2026, 1, 31)),
        (date(2026, 1, 1), ROAD, date(2026, 1, 8)),
        (date(2026, 1, 1), FIRE, date(2026, 1, 8)),
        (date(2026, 1, 31), IND, date(2026, 3, 2)),  # through a 28-day February
        (date(2026, 12, 15), IND, date(2027, 1, 14)),  # across the year end
        (date(2026, 12, 28), FIRE, date(2027, 1, 4)),
        (date(2028, 1, 30), IND, date(2028, 2, 29)),  # ends on leap day
        (date(2028, 2, 1), IND, date(2028, 3, 2)),  # February 2028 has 29 days
        (date(2027, 2, 1), IND, date(2027, 3, 3)),  # February 2027 has 28 days
        (date(2028, 2, 29), ROAD, date(2028, 3, 7)),
        (date(2028, 2, 22), FIRE, date(2028, 2, 29)),
        (date(2026, 4, 30), IND, date(2026, 5, 30)),
    ],
)
def test_supplement_window_end(occurred: date, category: AccidentCategory, end: date) -> None:
    assert acc.supplement_window_end(occurred, category) == end


@pytest.mark.parametrize(
    ("occurred", "changed", "category", "counts"),
    [
        (date(2026, 1, 1), date(2026, 1, 1), IND, True),  # same day
        (date(2026, 1, 1), date(2026, 1, 31), IND, True),  # last day inclusive
        (date(2026, 1, 1), date(2026, 2, 1), IND, False),  # day 31 excluded
        (date(2026, 1, 1), date(2026, 1, 8), ROAD, True),
        (date(2026, 1, 1), date(2026, 1, 9), ROAD, False),
        (date(2026, 1, 1), date(2026, 1, 8), FIRE, True),
        (date(2026, 1, 1), date(2026, 1, 9), FIRE, False),
        (date(2028, 1, 30), date(2028, 2, 29), IND, True),
        (date(2028, 1, 30), date(2028, 3, 1), IND, False),
        (date(2028, 2, 22), date(2028, 2, 29), FIRE, True),
        (date(2028, 2, 22), date(2028, 3, 1), FIRE, False),
    ],
)
def test_casualty_change_counts(
    occurred: date, changed: date, category: AccidentCategory, counts: bool
) -> None:
    assert acc.casualty_change_counts(occurred, changed, category) is counts
    due = acc.casualty_change_report_due(occurred, changed, category)
    assert due == (changed if counts else None)


def test_casualty_change_before_accident_refused() -> None:
    with pytest.raises(ValueError, match="before occurred_on"):
        acc.casualty_change_counts(date(2026, 1, 2), date(2026, 1, 1), IND)


def test_window_functions_refuse_datetimes() -> None:
    with pytest.raises(TypeError, match="not a datetime"):
        acc.supplement_window_end(datetime(2026, 1, 1, tzinfo=CN), IND)
    with pytest.raises(TypeError, match="not a datetime"):
        acc.casualty_change_counts(date(2026, 1, 1), datetime(2026, 1, 2, tzinfo=CN), IND)


@pytest.mark.parametrize(
    ("old", "new", "changed", "category", "expected"),
    [
        (G, L, date(2026, 1, 31), IND, True),
        (G, L, date(2026, 2, 1), IND, False),  # after the window
        (L, L, date(2026, 1, 5), IND, False),  # no change of grade
        (M, L, date(2026, 1, 5), IND, False),  # downgrade
        (G, M, date(2026, 1, 8), ROAD, True),
        (G, M, date(2026, 1, 9), ROAD, False),
        (M, X, date(2026, 1, 2), FIRE, True),
    ],
)
def test_higher_government_may_reinvestigate(
    old: AccidentGrade, new: AccidentGrade, changed: date, category: AccidentCategory, expected: bool
) -> None:
    got = acc.higher_government_may_reinvestigate(
        old, new, occurred_on=date(2026, 1, 1), changed_on=changed, category=category
    )
    assert got is expected


# ---------------------------------------------------------------------------- investigation


@pytest.mark.parametrize(
    ("grade", "level"),
    [(G, AdminLevel.COUNTY), (L, AdminLevel.CITY), (M, AdminLevel.PROVINCE), (X, AdminLevel.NATIONAL)],
)
def test_investigating_level(grade: AccidentGrade, level: AdminLevel) -> None:
    assert acc.investigating_level(grade) is level


@pytest.mark.parametrize(
    ("grade", "deaths", "injured", "expected"),
    [
        (G, 0, 0, True),
        (G, 0, 1, False),  # even a minor injury is a casualty
        (G, 1, 0, False),
        (L, 0, 0, False),  # 较大 by loss alone: never entrusted
    ],
)
def test_unit_may_be_entrusted(grade: AccidentGrade, deaths: int, injured: int, expected: bool) -> None:
    assert acc.unit_may_be_entrusted_to_investigate(grade, deaths=deaths, injured=injured) is expected


@pytest.mark.parametrize(
    ("occurred", "extension", "appraisal", "due"),
    [
        (date(2026, 1, 1), 0, 0, date(2026, 3, 2)),
        (date(2026, 1, 1), 60, 0, date(2026, 5, 1)),  # maximum extension
        (date(2026, 1, 1), 0, 10, date(2026, 3, 12)),  # appraisal pauses the clock
        (date(2026, 1, 1), 30, 15, date(2026, 4, 16)),
        (date(2028, 1, 1), 0, 0, date(2028, 3, 1)),  # leap year: Feb has 29 days
        (date(2027, 1, 1), 0, 0, date(2027, 3, 2)),
        (date(2027, 12, 31), 0, 0, date(2028, 2, 29)),  # lands on leap day
        (date(2026, 11, 15), 0, 0, date(2027, 1, 14)),  # across the year end
        (date(2026, 1, 31), 0, 0, date(2026, 4, 1)),
    ],
)
def test_investigation_due(occurred: date, extension: int, appraisal: int, due: date) -> None:
    assert acc.investigation_due(occurred, extension_days=extension, appraisal_days=appraisal) == due


def test_investigation_extension_over_60_refused() -> None:
    with pytest.raises(ValueError, match="may not exceed 60 days") as info:
        acc.investigation_due(date(2026, 1, 1), extension_days=61)
    assert "第二十九条" in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"extension_days": -1}, ValueError),
        ({"appraisal_days": -1}, ValueError),
        ({"appraisal_days": 1.5}, TypeError),
    ],
)
def test_investigation_bad_days(kwargs: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        acc.investigation_due(date(2026, 1, 1), **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("grade", "extension", "due"),
    [
        (G, 0, date(2026, 3, 16)),
        (L, 0, date(2026, 3, 16)),
        (M, 0, date(2026, 3, 16)),
        (X, 0, date(2026, 3, 31)),
        (X, 30, date(2026, 4, 30)),
        (X, 1, date(2026, 4, 1)),
    ],
)
def test_reply_due(grade: AccidentGrade, extension: int, due: date) -> None:
    assert acc.reply_due(date(2026, 3, 1), grade, extension_days=extension) == due


def test_reply_due_leap_year() -> None:
    assert acc.reply_due(date(2028, 2, 20), G) == date(2028, 3, 6)
    assert acc.reply_due(date(2028, 1, 30), X) == date(2028, 2, 29)


@pytest.mark.parametrize(("grade", "extension"), [(X, 31), (M, 1), (L, 5), (G, 30)])
def test_reply_extension_refused(grade: AccidentGrade, extension: int) -> None:
    with pytest.raises(ValueError, match=r"Art\. 32"):
        acc.reply_due(date(2026, 3, 1), grade, extension_days=extension)


# ---------------------------------------------------------------------------- supervision


@pytest.mark.parametrize(
    ("deaths", "kwargs", "expected"),
    [
        (0, {}, SupervisionLevel.NONE),
        (1, {}, SupervisionLevel.KEY),
        (2, {}, SupervisionLevel.KEY),
        (3, {}, SupervisionLevel.FULL),
        (10, {}, SupervisionLevel.FULL),
        (1, {"key_threshold": 2}, SupervisionLevel.NONE),
        (2, {"key_threshold": 2, "full_threshold": 5}, SupervisionLevel.KEY),
        (5, {"key_threshold": 2, "full_threshold": 5}, SupervisionLevel.FULL),
        (0, {"key_threshold": 0}, SupervisionLevel.KEY),
        (1, {"key_threshold": 1, "full_threshold": 1}, SupervisionLevel.FULL),
    ],
)
def test_supervision_level(deaths: int, kwargs: dict[str, int], expected: SupervisionLevel) -> None:
    assert acc.supervision_level(deaths, **kwargs) is expected


def test_supervision_bad_thresholds() -> None:
    with pytest.raises(ValueError, match="must not exceed"):
        acc.supervision_level(1, key_threshold=4, full_threshold=3)
    with pytest.raises(ValueError):
        acc.supervision_level(-1)


def test_supervision_labels() -> None:
    assert SupervisionLevel.FULL.label.startswith("挂牌督办")
    assert SupervisionLevel.KEY.label == "重点督办"
    assert all(level.label_en for level in SupervisionLevel)


# ---------------------------------------------------------------------------- 较大涉险事故


@pytest.mark.parametrize(
    ("kwargs", "criteria"),
    [
        ({}, ()),
        ({"people_at_risk": 9}, ()),
        ({"people_at_risk": 10}, (LargerAtRiskCriterion.PEOPLE_AT_RISK,)),
        ({"trapped_or_missing": 2}, ()),
        ({"trapped_or_missing": 3}, (LargerAtRiskCriterion.TRAPPED_OR_MISSING,)),
        ({"evacuated": 499}, ()),
        ({"evacuated": 500}, (LargerAtRiskCriterion.EVACUATED,)),
        ({"serious_pollution": True}, (LargerAtRiskCriterion.SERIOUS_POLLUTION,)),
        ({"key_site_endangered": True}, (LargerAtRiskCriterion.KEY_SITE_ENDANGERED,)),
        (
            {"people_at_risk": 12, "evacuated": 800, "key_site_endangered": True},
            (
                LargerAtRiskCriterion.PEOPLE_AT_RISK,
                LargerAtRiskCriterion.EVACUATED,
                LargerAtRiskCriterion.KEY_SITE_ENDANGERED,
            ),
        ),
        ({"people_at_risk": 9, "trapped_or_missing": 2, "evacuated": 499}, ()),
    ],
)
def test_larger_at_risk(kwargs: dict[str, int | bool], criteria: tuple[LargerAtRiskCriterion, ...]) -> None:
    assert acc.larger_at_risk_criteria(**kwargs) == criteria  # type: ignore[arg-type]
    assert acc.is_larger_at_risk_accident(**kwargs) is bool(criteria)  # type: ignore[arg-type]


def test_larger_at_risk_labels_and_errors() -> None:
    assert LargerAtRiskCriterion.PEOPLE_AT_RISK.label == "涉险10人以上"
    assert all(c.label_en for c in LargerAtRiskCriterion)
    with pytest.raises(ValueError):
        acc.is_larger_at_risk_accident(evacuated=-1)


# ---------------------------------------------------------------------------- accident types


def test_1986_list() -> None:
    codes = [t.code for t in GB6441_1986.types]
    assert codes == [f"{n:02d}" for n in range(1, 21)]
    assert GB6441_1986.by_code("15").name_zh == "瓦斯爆炸"
    assert GB6441_1986.by_code("19").name_zh == "中毒和窒息"
    assert GB6441_1986.effective_until == date(2026, 6, 30)
    assert len({t.name_zh for t in GB6441_1986.types}) == 20


def test_2025_list() -> None:
    types = GB6441_2025.types
    assert len(types) == 27
    assert [t.code for t in types[:26]] == [f"WSA1{n:04d}" for n in range(1, 27)]
    assert types[26].code == "WSA10099"
    assert types[26].name_zh == "其他"
    assert GB6441_2025.by_code("WSA10009").name_zh == "火灾"  # the standard's own example
    assert GB6441_2025.effective_from == date(2026, 7, 1)
    assert GB6441_2025.effective_until is None
    assert all(len(t.code) == 8 for t in types)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(1987, 2, 1), GB6441_1986),
        (date(2020, 5, 5), GB6441_1986),
        (date(2026, 6, 30), GB6441_1986),
        (date(2026, 7, 1), GB6441_2025),
        (date(2030, 1, 1), GB6441_2025),
    ],
)
def test_accident_types_for(day: date, expected: acc.AccidentTypeList) -> None:
    assert acc.accident_types_for(day) is expected


def test_accident_types_for_errors() -> None:
    with pytest.raises(ValueError, match="1987-02-01"):
        acc.accident_types_for(date(1987, 1, 31))
    with pytest.raises(TypeError):
        acc.accident_types_for(datetime(2026, 7, 1, tzinfo=CN))


def test_covers_boundaries() -> None:
    assert GB6441_1986.covers(date(2026, 6, 30)) and not GB6441_1986.covers(date(2026, 7, 1))
    assert GB6441_2025.covers(date(2026, 7, 1)) and not GB6441_2025.covers(date(2026, 6, 30))


@pytest.mark.parametrize(
    ("number", "code"), [(1, "WSA10001"), (9, "WSA10009"), (26, "WSA10026"), (27, "WSA10099")]
)
def test_type_code_2025(number: int, code: str) -> None:
    assert acc.type_code_2025(number) == code


@pytest.mark.parametrize("number", [0, 28, 99])
def test_type_code_2025_out_of_range(number: int) -> None:
    with pytest.raises(ValueError):
        acc.type_code_2025(number)


def test_by_code_unknown() -> None:
    with pytest.raises(KeyError):
        GB6441_1986.by_code("21")
    with pytest.raises(KeyError):
        GB6441_2025.by_code("WSA10027")


@pytest.mark.parametrize("source", GB6441_1986.types, ids=lambda t: t.code)
def test_every_1986_type_maps_to_a_2025_type(source: acc.AccidentType) -> None:
    mapping = acc.map_1986_to_2025(source.code)
    assert mapping.source == source
    assert mapping.target in GB6441_2025.types
    assert mapping.target.code.startswith("WSA1")
    assert mapping.target not in mapping.alternatives
    assert all(alt in GB6441_2025.types for alt in mapping.alternatives)
    assert mapping.note_zh and mapping.note_en
    assert acc.to_2025_type(source.code) == mapping.target


def test_mapping_covers_exactly_the_1986_codes() -> None:
    assert sorted(TYPE_MAP_1986_TO_2025) == [t.code for t in GB6441_1986.types]


@pytest.mark.parametrize(
    ("code_1986", "name_2025", "exact"),
    [
        ("01", "物体打击", True),
        ("02", "厂（场）内车辆致害", False),
        ("03", "机械致害", True),
        ("09", "高处坠落", True),
        ("11", "坍塌", False),
        ("12", "水害", True),
        ("13", "民用爆炸物品爆炸", False),
        ("15", "可燃气体爆炸", False),
        ("16", "容器爆炸", False),
        ("18", "可燃气体爆炸", False),
        ("19", "中毒", False),
        ("20", "其他", False),
    ],
)
def test_selected_mappings(code_1986: str, name_2025: str, exact: bool) -> None:
    mapping = acc.map_1986_to_2025(code_1986)
    assert mapping.target.name_zh == name_2025
    assert mapping.exact is exact


def test_doc_mapping_hints_are_reflected() -> None:
    # regulations.md §4.2: 车辆伤害 → 2 or 3; 中毒和窒息 → 23 or 24
    vehicle = acc.map_1986_to_2025("02")
    assert {vehicle.target.number, *(a.number for a in vehicle.alternatives)} == {2, 3}
    poison = acc.map_1986_to_2025("19")
    assert {poison.target.number, *(a.number for a in poison.alternatives)} == {23, 24}


def test_to_2025_type_passthrough_and_errors() -> None:
    assert acc.to_2025_type("WSA10026").name_zh == "泄漏"
    with pytest.raises(KeyError):
        acc.to_2025_type("21")
    with pytest.raises(KeyError):
        acc.to_2025_type("WSA10050")
    with pytest.raises(KeyError):
        acc.map_1986_to_2025("00")


@pytest.mark.parametrize(
    ("deaths", "serious", "minor", "expected", "code"),
    [
        (0, 0, 0, InjurySeverityClass.ZERO, "WSA20001"),
        (0, 0, 4, InjurySeverityClass.MINOR, "WSA20002"),
        (0, 1, 4, InjurySeverityClass.SERIOUS, "WSA20003"),
        (1, 0, 0, InjurySeverityClass.FATAL, "WSA20004"),
        (2, 3, 5, InjurySeverityClass.FATAL, "WSA20004"),
    ],
)
def test_injury_severity_class(
    deaths: int, serious: int, minor: int, expected: InjurySeverityClass, code: str
) -> None:
    got = acc.injury_severity_class(deaths, serious, minor)
    assert got is expected
    assert got.value == code
    assert got.label.endswith("事故")


# ---------------------------------------------------------------------------- indicators


@pytest.mark.parametrize(
    ("fn", "args", "expected"),
    [
        (acc.gdp_death_rate, (10, Decimal("5000")), Decimal("0.002")),
        (acc.gdp_death_rate, (10, 5000), Decimal("0.002")),
        (acc.deaths_per_100k_industrial_workers, (15, 6_000_000), Decimal("0.25")),
        (acc.deaths_per_10k_vehicles, (150, 3_000_000), Decimal("0.5")),
        (acc.deaths_per_10k_special_equipment, (8, 1_000_000), Decimal("0.08")),
        (acc.deaths_per_million_tonnes, (2, 20_000_000), Decimal("0.1")),
        (acc.deaths_per_10k_cubic_metres, (1, 50_000), Decimal("0.2")),
        (acc.deaths_per_thousand_workers, (3, 1500), Decimal("2")),
        (acc.deaths_per_thousand_workers, (1, Decimal("1250.5")), Decimal("1000") / Decimal("1250.5")),
        (acc.injuries_per_thousand_workers, (6, 2000), Decimal("3")),
        (acc.serious_injuries_per_thousand_workers, (1, 4000), Decimal("0.25")),
        (acc.injury_frequency_rate, (5, 2_000_000), Decimal("2.5")),
        (acc.injury_severity_rate, (Decimal("6105"), 2_000_000), Decimal("3052.5")),
        (acc.average_injury_severity, (6105, 5), Decimal("1221")),
        (acc.loss_per_thousand_workers, (Decimal("120"), 400), Decimal("300")),
        (acc.loss_per_million_yuan_output, (Decimal("30"), Decimal("6000")), Decimal("0.5")),
        (acc.loss_per_100m_yuan_output, (Decimal("30"), Decimal("6000")), Decimal("50")),
        (acc.recordable_incident_rate, (4, 400_000), Decimal("2")),
    ],
)
def test_indicator_values(fn: object, args: tuple[object, ...], expected: Decimal) -> None:
    assert callable(fn)
    result = fn(*args)
    assert isinstance(result, Decimal)
    assert result == expected


def test_gdp_rate_per_ten_billion() -> None:
    assert acc.gdp_death_rate(10, Decimal("5000"), per_yi_yuan=100) == Decimal("0.2")


def test_trir_million_hour_base_is_five_times() -> None:
    base_200k = acc.recordable_incident_rate(7, 350_000)
    base_1m = acc.recordable_incident_rate(7, 350_000, base=1_000_000)
    assert base_200k is not None and base_1m is not None
    assert base_1m == base_200k * 5


@pytest.mark.parametrize(
    ("fn", "args"),
    [
        (acc.gdp_death_rate, (1, 0)),
        (acc.gdp_death_rate, (0, Decimal("0.00"))),
        (acc.deaths_per_100k_industrial_workers, (1, 0)),
        (acc.deaths_per_10k_vehicles, (1, 0)),
        (acc.deaths_per_10k_special_equipment, (0, 0)),
        (acc.deaths_per_million_tonnes, (1, 0)),
        (acc.deaths_per_10k_cubic_metres, (1, 0)),
        (acc.deaths_per_thousand_workers, (1, 0)),
        (acc.injuries_per_thousand_workers, (1, 0)),
        (acc.serious_injuries_per_thousand_workers, (1, 0)),
        (acc.injury_frequency_rate, (1, 0)),
        (acc.injury_severity_rate, (1, 0)),
        (acc.average_injury_severity, (100, 0)),
        (acc.loss_per_thousand_workers, (1, 0)),
        (acc.loss_per_million_yuan_output, (1, 0)),
        (acc.loss_per_100m_yuan_output, (1, 0)),
        (acc.recordable_incident_rate, (1, 0)),
    ],
)
def test_indicator_zero_denominator_is_none(fn: object, args: tuple[object, ...]) -> None:
    assert callable(fn)
    assert fn(*args) is None


def test_indicator_zero_numerator_is_zero() -> None:
    assert acc.deaths_per_10k_vehicles(0, 1000) == 0


@pytest.mark.parametrize(
    ("fn", "args", "error"),
    [
        (acc.gdp_death_rate, (-1, 100), ValueError),
        (acc.gdp_death_rate, (1, -100), ValueError),
        (acc.gdp_death_rate, (1, 100.0), TypeError),
        (acc.deaths_per_10k_vehicles, (1.0, 100), TypeError),
        (acc.deaths_per_thousand_workers, (1, Decimal("NaN")), ValueError),
        (acc.injury_severity_rate, (Decimal("-1"), 100), ValueError),
    ],
)
def test_indicator_bad_inputs(fn: object, args: tuple[object, ...], error: type[Exception]) -> None:
    assert callable(fn)
    with pytest.raises(error):
        fn(*args)


def test_trir_negative_base_refused() -> None:
    with pytest.raises(ValueError):
        acc.recordable_incident_rate(1, 100, base=-5)
