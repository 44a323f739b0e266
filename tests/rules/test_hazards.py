"""Tests for anjian.rules.hazards (16号令, 安全生产法 Art. 41/70/102/113, 15号令, 挂牌督办)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anjian.rules.hazards import (
    ART_102_FINE_MAX_YUAN,
    ART_102_REFUSAL_PERSON_FINE_YUAN,
    CHINA_TZ,
    DEFAULT_POLICY,
    TREATMENT_PLAN_PARTS,
    EscalationStepError,
    HazardDeadlinePolicy,
    HazardLevel,
    HazardRuleError,
    InvalidPolicyError,
    NaiveDatetimeError,
    PenaltyDateError,
    RepeatOffenceRule,
    UnknownHazardLevelError,
    escalation_due,
    escalation_step,
    extension_reply_due,
    extension_request_window,
    is_repeat_offender,
    listing_verification_due,
    missing_plan_parts,
    power_cut_not_before,
    rectification_due,
    reinspection_due,
    reminder_at,
    review_due,
)


def cst(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=CHINA_TZ)


def end_of(y: int, m: int, d: int) -> datetime:
    return datetime.combine(date(y, m, d), time.max, tzinfo=CHINA_TZ)


# --------------------------------------------------------------------------- levels and plan


@pytest.mark.parametrize(
    ("level", "zh", "en"),
    [
        (HazardLevel.GENERAL, "一般事故隐患", "general hazard"),
        (HazardLevel.MAJOR, "重大事故隐患", "major hazard"),
    ],
)
def test_level_labels(level: HazardLevel, zh: str, en: str) -> None:
    assert level.label == zh
    assert level.label_en == en


def test_treatment_plan_has_the_six_parts_of_art_15_in_order() -> None:
    assert [key for key, _, _ in TREATMENT_PLAN_PARTS] == [
        "targets_tasks",
        "methods_measures",
        "funds_materials",
        "organisation_people",
        "deadline_requirements",
        "safety_emergency",
    ]
    assert [zh for _, zh, _ in TREATMENT_PLAN_PARTS] == [
        "治理的目标和任务",
        "采取的方法和措施",
        "经费和物资的落实",
        "负责治理的机构和人员",
        "治理的时限和要求",
        "安全措施和应急预案",
    ]


FULL_PLAN = {key: f"内容 {key}" for key, _, _ in TREATMENT_PLAN_PARTS}
ALL_KEYS = [key for key, _, _ in TREATMENT_PLAN_PARTS]


@pytest.mark.parametrize(
    ("plan", "missing"),
    [
        (FULL_PLAN, []),
        ({}, ALL_KEYS),
        ({**FULL_PLAN, "funds_materials": ""}, ["funds_materials"]),
        ({**FULL_PLAN, "funds_materials": "   \n\t"}, ["funds_materials"]),
        ({**FULL_PLAN, "targets_tasks": "\u3000"}, ["targets_tasks"]),  # full-width space only
        ({k: v for k, v in FULL_PLAN.items() if k != "safety_emergency"}, ["safety_emergency"]),
        ({**FULL_PLAN, "extra": ""}, []),
        (
            {"safety_emergency": "x", "targets_tasks": "y"},
            ["methods_measures", "funds_materials", "organisation_people", "deadline_requirements"],
        ),
    ],
)
def test_missing_plan_parts(plan: dict[str, str], missing: list[str]) -> None:
    assert missing_plan_parts(plan) == missing


def test_missing_plan_parts_treats_non_text_as_missing() -> None:
    plan: dict[str, object] = {**FULL_PLAN, "methods_measures": None}
    assert missing_plan_parts(plan) == ["methods_measures"]  # type: ignore[arg-type]


# --------------------------------------------------------------------------- deadlines


@pytest.mark.parametrize(
    ("found_at", "level", "due"),
    [
        (cst(2026, 3, 1, 10), HazardLevel.GENERAL, end_of(2026, 3, 1)),  # 立即: end of the same day
        (cst(2026, 3, 1, 0, 0), HazardLevel.GENERAL, end_of(2026, 3, 1)),
        (cst(2026, 3, 1, 23, 59), HazardLevel.GENERAL, end_of(2026, 3, 1)),
        (cst(2026, 3, 1, 10), HazardLevel.MAJOR, end_of(2026, 5, 30)),  # +90 days, local default
        (cst(2026, 12, 31, 10), HazardLevel.MAJOR, end_of(2027, 3, 31)),
        # 17:00 UTC is 01:00 next day in China: the China calendar day counts.
        (datetime(2026, 3, 1, 17, 0, tzinfo=UTC), HazardLevel.GENERAL, end_of(2026, 3, 2)),
        (datetime(2026, 3, 1, 15, 59, tzinfo=UTC), HazardLevel.GENERAL, end_of(2026, 3, 1)),
    ],
)
def test_rectification_due_defaults(found_at: datetime, level: HazardLevel, due: datetime) -> None:
    assert rectification_due(found_at, level) == due


def test_rectification_due_uses_policy() -> None:
    policy = HazardDeadlinePolicy(general_rectification_days=7, major_rectification_days=30)
    assert rectification_due(cst(2026, 2, 1, 9), HazardLevel.GENERAL, policy=policy) == end_of(2026, 2, 8)
    assert rectification_due(cst(2026, 2, 1, 9), HazardLevel.MAJOR, policy=policy) == end_of(2026, 3, 3)


def test_rectification_due_rejects_unknown_level() -> None:
    with pytest.raises(UnknownHazardLevelError) as info:
        rectification_due(cst(2026, 3, 1), "major")  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)
    assert "未知的隐患等级" in str(info.value)
    assert "unknown hazard level" in str(info.value)


@pytest.mark.parametrize(
    "call",
    [
        lambda: rectification_due(datetime(2026, 3, 1, 10), HazardLevel.GENERAL),
        lambda: review_due(datetime(2026, 3, 1, 10)),
        lambda: reinspection_due(deadline=datetime(2026, 3, 1, 10)),
        lambda: reinspection_due(deadline=cst(2026, 3, 1), applied_at=datetime(2026, 3, 1)),
        lambda: listing_verification_due(deadline=datetime(2026, 3, 1, 10)),
        lambda: extension_request_window(datetime(2026, 3, 1, 10)),
        lambda: extension_reply_due(datetime(2026, 3, 1, 10)),
        lambda: reminder_at(datetime(2026, 3, 1, 10)),
        lambda: reminder_at(cst(2026, 3, 1), not_before=datetime(2026, 3, 1)),
        lambda: escalation_due(datetime(2026, 3, 1, 10), 1),
        lambda: escalation_step(cst(2026, 3, 1), datetime(2026, 3, 1)),
        lambda: power_cut_not_before(datetime(2026, 3, 1, 10)),
    ],
)
def test_naive_datetimes_are_rejected(call: object) -> None:
    with pytest.raises(NaiveDatetimeError) as info:
        call()  # type: ignore[operator]
    assert isinstance(info.value, HazardRuleError)
    assert "必须带时区" in info.value.zh
    assert "time-zone aware" in info.value.en


@pytest.mark.parametrize(
    ("applied_at", "due"),
    [
        (cst(2026, 3, 1, 10), end_of(2026, 3, 11)),
        (cst(2026, 3, 1, 0), end_of(2026, 3, 11)),
        (cst(2026, 2, 25, 16), end_of(2026, 3, 7)),
        (cst(2024, 2, 25, 16), end_of(2024, 3, 6)),  # leap year
    ],
)
def test_review_due_is_ten_calendar_days_after_application(applied_at: datetime, due: datetime) -> None:
    assert review_due(applied_at) == due


def test_review_due_boundary_is_inclusive_end_of_day() -> None:
    due = review_due(cst(2026, 3, 1, 10))
    assert cst(2026, 3, 11, 23, 59) <= due < cst(2026, 3, 12)


@pytest.mark.parametrize(
    ("deadline", "applied_at", "due"),
    [
        (end_of(2026, 4, 30), None, end_of(2026, 5, 10)),
        (end_of(2026, 4, 30), cst(2026, 4, 20, 15), end_of(2026, 4, 30)),  # applied early
        (end_of(2026, 4, 30), cst(2026, 4, 30, 15), end_of(2026, 5, 10)),  # applied on the last day
        (end_of(2026, 4, 30), cst(2026, 5, 5, 15), end_of(2026, 5, 10)),  # late application: no delay
    ],
)
def test_reinspection_due(deadline: datetime, applied_at: datetime | None, due: datetime) -> None:
    assert reinspection_due(deadline=deadline, applied_at=applied_at) == due


@pytest.mark.parametrize(
    ("deadline", "applied_at", "due"),
    [
        (end_of(2026, 6, 30), None, end_of(2026, 7, 10)),
        (end_of(2026, 6, 30), cst(2026, 6, 1, 9), end_of(2026, 6, 11)),
    ],
)
def test_listing_verification_due(deadline: datetime, applied_at: datetime | None, due: datetime) -> None:
    assert listing_verification_due(deadline=deadline, applied_at=applied_at) == due


def test_listing_verification_days_are_configurable() -> None:
    policy = HazardDeadlinePolicy(listing_verification_days=15)
    assert listing_verification_due(deadline=end_of(2026, 6, 30), policy=policy) == end_of(2026, 7, 15)


def test_extension_request_window_is_the_last_ten_days() -> None:
    opens, closes = extension_request_window(end_of(2026, 3, 31))
    assert opens == cst(2026, 3, 21)
    assert closes == end_of(2026, 3, 31)


def test_extension_reply_due_is_five_days() -> None:
    assert extension_reply_due(cst(2026, 3, 25, 11)) == end_of(2026, 3, 30)


@pytest.mark.parametrize(
    ("due_at", "not_before", "expected"),
    [
        (end_of(2026, 3, 31), None, cst(2026, 3, 28, 9)),
        (end_of(2026, 3, 31), cst(2026, 3, 29, 14), cst(2026, 3, 29, 14)),  # found late: remind at once
        (end_of(2026, 3, 31), cst(2026, 3, 1, 14), cst(2026, 3, 28, 9)),
        (end_of(2026, 3, 1), cst(2026, 3, 1, 10), cst(2026, 3, 1, 10)),  # 立即: remind immediately
        (end_of(2026, 3, 3), None, cst(2026, 2, 28, 9)),  # across a month end
    ],
)
def test_reminder_at(due_at: datetime, not_before: datetime | None, expected: datetime) -> None:
    assert reminder_at(due_at, not_before=not_before) == expected


def test_reminder_never_after_due() -> None:
    policy = HazardDeadlinePolicy(reminder_days_before=0, reminder_time=time(9, 0))
    assert reminder_at(cst(2026, 3, 5, 8, 0), policy=policy) == cst(2026, 3, 5, 8, 0)
    assert reminder_at(cst(2026, 3, 5, 10, 0), policy=policy) == cst(2026, 3, 5, 9, 0)


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (1, end_of(2026, 4, 1)),
        (2, end_of(2026, 4, 7)),
        (3, end_of(2026, 4, 30)),
        (4, None),
        (99, None),
    ],
)
def test_escalation_due_default_schedule(step: int, expected: datetime | None) -> None:
    assert escalation_due(end_of(2026, 3, 31), step) == expected


@pytest.mark.parametrize("step", [0, -1, True, 1.0])
def test_escalation_step_numbers_start_at_one(step: object) -> None:
    with pytest.raises(EscalationStepError) as info:
        escalation_due(end_of(2026, 3, 31), step)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)
    assert "升级步骤" in str(info.value)


def test_escalation_schedule_is_configurable() -> None:
    policy = HazardDeadlinePolicy(escalation_after_days=(0, 2))
    due = end_of(2026, 3, 31)
    assert escalation_due(due, 1, policy=policy) == due
    assert escalation_due(due, 2, policy=policy) == due + timedelta(days=2)
    assert escalation_due(due, 3, policy=policy) is None


MICRO = timedelta(microseconds=1)


@pytest.mark.parametrize(
    ("offset", "step"),
    [
        (-timedelta(days=1), 0),
        (timedelta(0), 0),
        (MICRO, 0),
        (timedelta(days=1), 0),
        (timedelta(days=1) + MICRO, 1),
        (timedelta(days=7), 1),
        (timedelta(days=7) + MICRO, 2),
        (timedelta(days=30) + MICRO, 3),
        (timedelta(days=400), 3),
    ],
)
def test_escalation_step(offset: timedelta, step: int) -> None:
    due = cst(2026, 3, 31, 12)
    assert escalation_step(due, due + offset) == step


def test_escalation_step_zero_offset_counts_as_soon_as_overdue() -> None:
    policy = HazardDeadlinePolicy(escalation_after_days=(0,))
    due = cst(2026, 3, 31, 12)
    assert escalation_step(due, due, policy=policy) == 0
    assert escalation_step(due, due + MICRO, policy=policy) == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"review_days": -1},
        {"general_rectification_days": True},
        {"major_rectification_days": 1.5},
        {"reminder_days_before": -3},
        {"escalation_after_days": (1, 1)},
        {"escalation_after_days": (7, 1)},
        {"escalation_after_days": (-1, 2)},
        {"reminder_time": time(9, 0, tzinfo=UTC)},
    ],
)
def test_invalid_policy_is_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidPolicyError) as info:
        HazardDeadlinePolicy(**kwargs)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)


def test_default_policy_values() -> None:
    assert DEFAULT_POLICY.review_days == 10
    assert DEFAULT_POLICY.reinspection_days == 10
    assert DEFAULT_POLICY.listing_verification_days == 10
    assert DEFAULT_POLICY.extension_window_days == 10
    assert DEFAULT_POLICY.extension_reply_days == 5
    assert DEFAULT_POLICY.general_rectification_days == 0


def test_policy_in_another_time_zone() -> None:
    utc_policy = HazardDeadlinePolicy(timezone=UTC)
    found = datetime(2026, 3, 1, 17, 0, tzinfo=UTC)
    due = rectification_due(found, HazardLevel.GENERAL, policy=utc_policy)
    assert due == datetime.combine(date(2026, 3, 1), time.max, tzinfo=UTC)


# --------------------------------------------------------------------------- Art. 70 and 102


def test_power_cut_needs_24_hours_notice_unless_emergency() -> None:
    served = cst(2026, 3, 1, 15, 30)
    assert power_cut_not_before(served) == cst(2026, 3, 2, 15, 30)
    assert power_cut_not_before(served, emergency=True) == served


def test_art_102_amounts() -> None:
    assert ART_102_FINE_MAX_YUAN == 50_000
    assert ART_102_REFUSAL_PERSON_FINE_YUAN == (50_000, 100_000)


# --------------------------------------------------------------------------- Art. 113

D0 = date(2025, 3, 1)


def days(*offsets: int) -> list[date]:
    return [D0 + timedelta(days=o) for o in offsets]


@pytest.mark.parametrize(
    ("dates", "on", "rule"),
    [
        # 3 within 180 days: first + 180 is inside, + 181 outside.
        (days(0, 90, 180), D0 + timedelta(days=200), RepeatOffenceRule.THREE_IN_180_DAYS),
        (days(0, 90, 181), D0 + timedelta(days=200), None),
        (days(0, 179, 180), D0 + timedelta(days=180), RepeatOffenceRule.THREE_IN_180_DAYS),
        (days(0, 1), D0 + timedelta(days=10), None),
        ([], D0, None),
        # 4 within one year, 2025-03-01 → 2026-03-01 is 365 days (no 29 February between).
        (days(0, 1, 182, 365), date(2026, 12, 31), RepeatOffenceRule.FOUR_IN_ONE_YEAR),
        (days(0, 1, 182, 366), date(2026, 12, 31), None),
        # The third penalty falls after `on`: ignored.
        (days(0, 90, 180), D0 + timedelta(days=179), None),
        # Same day twice counts twice.
        ([D0, D0, D0], D0, RepeatOffenceRule.THREE_IN_180_DAYS),
        # Order of input does not matter.
        (days(180, 0, 90), D0 + timedelta(days=180), RepeatOffenceRule.THREE_IN_180_DAYS),
    ],
)
def test_art_113_windows(dates: list[date], on: date, rule: RepeatOffenceRule | None) -> None:
    finding = is_repeat_offender(dates, on)
    if rule is None:
        assert finding is None
    else:
        assert finding is not None
        assert finding.rule is rule


@pytest.mark.parametrize(
    ("first", "last", "matches"),
    [
        # Across 29 February 2024 one year is 366 days.
        (date(2023, 6, 1), date(2024, 6, 1), True),  # 366 days
        (date(2023, 6, 1), date(2024, 6, 2), False),  # 367 days
        (date(2023, 6, 1), date(2024, 5, 31), True),  # 365 days
        # No 29 February in between: 365 in, 366 out.
        (date(2024, 6, 1), date(2025, 6, 1), True),  # 365 days
        (date(2024, 6, 1), date(2025, 6, 2), False),  # 366 days
        # First penalty on 29 February: its anniversary is 28 February.
        (date(2024, 2, 29), date(2025, 2, 28), True),
        (date(2024, 2, 29), date(2025, 3, 1), False),
        (date(2024, 2, 28), date(2025, 2, 28), True),
    ],
)
def test_art_113_one_year_uses_the_anniversary(first: date, last: date, matches: bool) -> None:
    # Two penalties in between, spaced so that no three fall within 180 days.
    middle = [first + timedelta(days=1), last - timedelta(days=1)]
    assert (middle[1] - first).days > 180 and (last - middle[0]).days > 180
    finding = is_repeat_offender([first, *middle, last], last)
    if matches:
        assert finding is not None
        assert finding.rule is RepeatOffenceRule.FOUR_IN_ONE_YEAR
        assert finding.dates == (first, *middle, last)
        assert (finding.window_start, finding.window_end) == (first, last)
    else:
        assert finding is None


def test_art_113_finding_lists_every_penalty_in_the_window() -> None:
    dates = days(0, 30, 60, 100, 400)
    finding = is_repeat_offender(dates, date(2027, 1, 1))
    assert finding is not None
    # Four within 100 days: both rules end on day 100; the 180-day rule (listed first) wins.
    assert finding.rule is RepeatOffenceRule.THREE_IN_180_DAYS
    assert finding.dates == tuple(days(0, 30, 60, 100))
    assert finding.window_start == D0
    assert finding.window_end == D0 + timedelta(days=100)


def test_art_113_latest_cluster_wins() -> None:
    # An old 3-in-180 cluster, then a later 4-in-a-year cluster.
    old = [date(2020, 1, 1), date(2020, 2, 1), date(2020, 3, 1)]
    new = [date(2024, 1, 1), date(2024, 1, 2), date(2024, 7, 15), date(2024, 12, 31)]
    finding = is_repeat_offender(old + new, date(2025, 1, 1))
    assert finding is not None
    assert finding.rule is RepeatOffenceRule.FOUR_IN_ONE_YEAR
    assert finding.dates == tuple(new)


def test_art_113_old_cluster_is_still_reported() -> None:
    finding = is_repeat_offender(
        iter([date(2020, 1, 1), date(2020, 2, 1), date(2020, 3, 1)]), date(2026, 1, 1)
    )
    assert finding is not None
    assert finding.window_end == date(2020, 3, 1)


def test_art_113_rule_labels() -> None:
    assert RepeatOffenceRule.THREE_IN_180_DAYS.count == 3
    assert RepeatOffenceRule.FOUR_IN_ONE_YEAR.count == 4
    assert RepeatOffenceRule.THREE_IN_180_DAYS.label == "一百八十日内三次受到行政处罚"
    assert RepeatOffenceRule.FOUR_IN_ONE_YEAR.label_en == "penalised 4 times within one year"


@pytest.mark.parametrize(
    ("dates", "on"),
    [
        ([datetime(2025, 1, 1, tzinfo=CHINA_TZ)], date(2025, 1, 1)),
        (["2025-01-01"], date(2025, 1, 1)),
        ([date(2025, 1, 1)], datetime(2025, 1, 1, tzinfo=CHINA_TZ)),
    ],
)
def test_art_113_rejects_non_dates(dates: list[object], on: object) -> None:
    with pytest.raises(PenaltyDateError) as info:
        is_repeat_offender(dates, on)  # type: ignore[arg-type]
    assert "处罚日期无效" in str(info.value)
    assert isinstance(info.value, ValueError)


_dates = st.lists(st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31)), max_size=8)


@given(_dates, st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31)))
def test_art_113_adding_a_penalty_never_clears_a_finding(dates: list[date], extra: date) -> None:
    on = date(2027, 1, 1)
    if is_repeat_offender(dates, on) is not None:
        assert is_repeat_offender([*dates, extra], on) is not None


@given(_dates)
def test_art_113_finding_is_consistent(dates: list[date]) -> None:
    finding = is_repeat_offender(dates, date(2027, 1, 1))
    if finding is None:
        return
    assert len(finding.dates) >= finding.rule.count
    assert list(finding.dates) == sorted(finding.dates)
    assert finding.dates[0] == finding.window_start
    assert finding.dates[-1] == finding.window_end
    if finding.rule is RepeatOffenceRule.THREE_IN_180_DAYS:
        assert (finding.window_end - finding.window_start).days <= 180
    else:
        assert (finding.window_end - finding.window_start).days <= 366


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)))
def test_deadlines_are_end_of_a_china_day_and_not_before_the_event(found: datetime) -> None:
    for level in HazardLevel:
        due = rectification_due(found, level)
        assert due >= found
        local = due.astimezone(CHINA_TZ)
        assert local.timetz().replace(tzinfo=None) == time.max
    assert review_due(found) > found + timedelta(days=9)
    assert reminder_at(review_due(found), not_before=found) >= found


def test_fixed_offset_matches_shanghai_time() -> None:
    try:
        shanghai = ZoneInfo("Asia/Shanghai")
    except ZoneInfoNotFoundError:  # pragma: no cover - depends on the system's tz data
        pytest.skip("no tz data")
    for year in range(1992, 2040):
        for month in (1, 7):
            instant = datetime(year, month, 1, 12, tzinfo=shanghai)
            assert instant.utcoffset() == CHINA_TZ.utcoffset(None)
