"""Tests for anjian.rules.rewards (安全生产领域举报奖励办法 2018)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anjian.rules.rewards import (
    ACCIDENT_GRADES,
    NATIONAL,
    InvalidRewardInputError,
    RewardPolicy,
    RewardRuleError,
    UnknownAccidentGradeError,
    UnknownRewardKindError,
    claim_deadline,
    feedback_due,
    first_valid_reporter,
    handling_due,
    report_reward,
)

CHINA_TZ = timezone(timedelta(hours=8))

# --------------------------------------------------------------------------- violation reports


@pytest.mark.parametrize(
    ("fine", "reward"),
    [
        (100_000, 15_000),
        (1_000_000, 150_000),
        # minimum 3,000: exactly at, and beside
        (20_000, 3_000),
        (19_999, 3_000),
        (20_007, 3_001),  # 3001.05 → 3001
        (1, 3_000),
        # maximum 300,000: exactly at, and beside
        (2_000_000, 300_000),
        (1_999_993, 299_999),  # 299998.95 → 299999
        (2_000_001, 300_000),
        (100_000_000, 300_000),
        # rounding half up to whole yuan
        (20_070, 3_011),  # 3010.50 → 3011 (banker's rounding would give 3010)
        (20_003, 3_000),  # 3000.45 → 3000
        (20_004, 3_001),  # 3000.60 → 3001
        (Decimal("20000.10"), 3_000),  # 3000.015
        (Decimal("33333.33"), 5_000),  # 4999.9995 → 5000
    ],
)
def test_violation_reward_is_15_percent_within_limits(fine: int | Decimal, reward: int) -> None:
    result = report_reward(kind="violation", fine_yuan=fine)
    assert result == Decimal(reward)
    assert result == result.to_integral_value()


@pytest.mark.parametrize("fine", [None, 0, Decimal(0)])
def test_violation_without_fine_gets_the_minimum_by_default(fine: int | Decimal | None) -> None:
    assert report_reward(kind="violation", fine_yuan=fine) == Decimal(3_000)


@pytest.mark.parametrize(("fine", "reward"), [(None, 0), (0, 0), (1, 3_000), (100_000, 15_000)])
def test_violation_without_fine_can_pay_nothing(fine: int | None, reward: int) -> None:
    policy = RewardPolicy(minimum_without_fine=False)
    assert report_reward(kind="violation", fine_yuan=fine, policy=policy) == Decimal(reward)


@pytest.mark.parametrize(
    ("policy", "fine", "reward"),
    [
        # Henan-style lower minimum for listed items.
        (RewardPolicy(violation_min=Decimal(1_000)), 2_000, 1_000),
        # A city paying 20 %, min 5,000.
        (RewardPolicy(violation_rate=Decimal("0.20"), violation_min=Decimal(5_000)), 100_000, 20_000),
        (RewardPolicy(violation_rate=Decimal("0.20"), violation_min=Decimal(5_000)), 20_000, 5_000),
        (RewardPolicy(violation_max=Decimal(100_000)), 1_000_000, 100_000),
    ],
)
def test_violation_local_policy(policy: RewardPolicy, fine: int, reward: int) -> None:
    assert report_reward(kind="violation", fine_yuan=fine, policy=policy) == Decimal(reward)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"fine_yuan": -1},
        {"fine_yuan": 1000.0},
        {"fine_yuan": True},
        {"fine_yuan": "1000"},
        {"fine_yuan": Decimal("NaN")},
        {"fine_yuan": Decimal("-0.01")},
        {"fine_yuan": 1000, "deaths": 1},
        {"fine_yuan": 1000, "grade": "一般"},
    ],
)
def test_violation_rejects_bad_input(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidRewardInputError) as info:
        report_reward(kind="violation", **kwargs)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)
    assert info.value.zh and info.value.en


_fines = st.one_of(
    st.integers(min_value=0, max_value=10**9),
    st.decimals(min_value=0, max_value=10**8, places=2, allow_nan=False, allow_infinity=False),
)


@given(_fines, _fines)
def test_violation_reward_is_monotone_in_fine(a: int | Decimal, b: int | Decimal) -> None:
    lo, hi = sorted((Decimal(a), Decimal(b)))
    r_lo = report_reward(kind="violation", fine_yuan=lo)
    r_hi = report_reward(kind="violation", fine_yuan=hi)
    assert r_lo <= r_hi
    assert Decimal(3_000) <= r_lo <= Decimal(300_000)


@given(st.integers(min_value=20_000, max_value=2_000_000))
def test_violation_reward_inside_the_limits_is_the_rounded_percentage(fine: int) -> None:
    expected = (Decimal(fine) * Decimal("0.15")).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert report_reward(kind="violation", fine_yuan=fine) == expected


# --------------------------------------------------------------------------- concealed accidents


@pytest.mark.parametrize(
    ("grade", "deaths", "reward"),
    [
        ("一般", 0, 0),
        ("一般", 1, 30_000),
        ("一般", 2, 60_000),
        ("一般", 9, 270_000),
        ("一般", 10, 300_000),  # exactly the cap
        ("一般", 11, 300_000),
        ("较大", 1, 40_000),
        ("较大", 7, 280_000),
        ("较大", 8, 300_000),  # 320,000 capped
        ("重大", 1, 50_000),
        ("重大", 5, 250_000),
        ("重大", 6, 300_000),  # exactly the cap
        ("重大", 7, 300_000),
        ("特别重大", 1, 60_000),
        ("特别重大", 4, 240_000),
        ("特别重大", 5, 300_000),  # exactly the cap
        ("特别重大", 30, 300_000),
        ("一般事故", 1, 30_000),
        ("特别重大事故", 2, 120_000),
        (" 较大 ", 1, 40_000),
    ],
)
def test_concealed_accident_reward_per_death_and_cap(grade: str, deaths: int, reward: int) -> None:
    assert report_reward(kind="concealed_accident", deaths=deaths, grade=grade) == Decimal(reward)


def test_concealed_accident_local_cap() -> None:
    hebei_like = RewardPolicy(concealed_cap=Decimal(1_000_000))
    assert report_reward(
        kind="concealed_accident", deaths=20, grade="特别重大", policy=hebei_like
    ) == Decimal(1_000_000)
    assert report_reward(kind="concealed_accident", deaths=10, grade="重大", policy=hebei_like) == Decimal(
        500_000
    )


@pytest.mark.parametrize("grade", ["小", "major", "", "重大隐患", None, 3])
def test_concealed_accident_rejects_unknown_grade(grade: object) -> None:
    with pytest.raises((UnknownAccidentGradeError, InvalidRewardInputError)) as info:
        report_reward(kind="concealed_accident", deaths=1, grade=grade)  # type: ignore[arg-type]
    assert isinstance(info.value, RewardRuleError)


def test_unknown_grade_message() -> None:
    with pytest.raises(UnknownAccidentGradeError) as info:
        report_reward(kind="concealed_accident", deaths=1, grade="小")
    assert "未知的事故等级" in str(info.value)
    assert "unknown accident grade" in str(info.value)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"deaths": 1},
        {"grade": "一般"},
        {},
        {"deaths": -1, "grade": "一般"},
        {"deaths": 1.0, "grade": "一般"},
        {"deaths": True, "grade": "一般"},
        {"deaths": 1, "grade": "一般", "fine_yuan": 1000},
    ],
)
def test_concealed_accident_rejects_bad_input(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidRewardInputError):
        report_reward(kind="concealed_accident", **kwargs)  # type: ignore[arg-type]


@given(st.sampled_from(ACCIDENT_GRADES), st.integers(0, 200), st.integers(0, 200))
def test_concealed_reward_is_monotone_in_deaths_and_capped(grade: str, a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    r_lo = report_reward(kind="concealed_accident", deaths=lo, grade=grade)
    r_hi = report_reward(kind="concealed_accident", deaths=hi, grade=grade)
    assert r_lo <= r_hi <= Decimal(300_000)


@given(st.integers(1, 200))
def test_higher_grade_never_pays_less(deaths: int) -> None:
    rewards = [report_reward(kind="concealed_accident", deaths=deaths, grade=g) for g in ACCIDENT_GRADES]
    assert rewards == sorted(rewards)


# --------------------------------------------------------------------------- kind


@pytest.mark.parametrize("kind", ["hazard", "", "VIOLATION", "concealed", None])
def test_invalid_kind(kind: object) -> None:
    with pytest.raises(UnknownRewardKindError) as info:
        report_reward(kind=kind, fine_yuan=1000)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)
    assert "未知的举报奖励类别" in str(info.value)
    assert "unknown reward kind" in str(info.value)


# --------------------------------------------------------------------------- policy


def test_national_policy_values() -> None:
    assert NATIONAL.violation_rate == Decimal("0.15")
    assert NATIONAL.violation_min == Decimal(3_000)
    assert NATIONAL.violation_max == Decimal(300_000)
    assert dict(NATIONAL.concealed_per_death) == {
        "一般": Decimal(30_000),
        "较大": Decimal(40_000),
        "重大": Decimal(50_000),
        "特别重大": Decimal(60_000),
    }
    assert NATIONAL.concealed_cap == Decimal(300_000)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"violation_rate": Decimal("1.5")},
        {"violation_rate": Decimal("-0.1")},
        {"violation_min": Decimal(5_000), "violation_max": Decimal(4_000)},
        {"violation_min": Decimal(-1)},
        {"concealed_cap": Decimal(-1)},
        {"concealed_per_death": {"一般": Decimal(1)}},
        {
            "concealed_per_death": {
                "一般": Decimal(-1),
                "较大": Decimal(1),
                "重大": Decimal(1),
                "特别重大": Decimal(1),
            }
        },
        {"claim_period_days": -1},
        {"feedback_days": True},
    ],
)
def test_invalid_policy(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidRewardInputError):
        RewardPolicy(**kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- first valid reporter


def at(day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=CHINA_TZ)


@pytest.mark.parametrize(
    ("claims", "winner"),
    [
        ([], None),
        ([("a", at(1), False)], None),
        ([("a", at(1), True)], "a"),
        ([("a", at(2), True), ("b", at(1), True)], "b"),
        ([("a", at(1), False), ("b", at(2), True), ("c", at(3), True)], "b"),
        # ties by received time: the earlier in sequence wins
        ([("a", at(1), True), ("b", at(1), True)], "a"),
        ([("b", at(1), True), ("a", at(1), True)], "b"),
        ([("x", at(1), False), ("b", at(1, 10), True), ("a", at(1, 10), True), ("c", at(1, 11), True)], "b"),
    ],
)
def test_first_valid_reporter(claims: list[tuple[str, datetime, bool]], winner: str | None) -> None:
    result = first_valid_reporter(claims)
    if winner is None:
        assert result is None
    else:
        assert result is not None
        assert result[0] == winner


def test_first_valid_reporter_compares_instants_across_time_zones() -> None:
    # 00:30 UTC is 08:30 in China: later than 08:15 China time, although its wall clock reads earlier.
    claims = [("utc", datetime(2026, 3, 1, 0, 30, tzinfo=UTC), True), ("cst", at(1, 8, 15), True)]
    result = first_valid_reporter(iter(claims))
    assert result is not None and result[0] == "cst"


def test_first_valid_reporter_returns_the_claim_and_takes_any_key() -> None:
    claims = [(42, at(2), True), (7, at(1), True)]
    assert first_valid_reporter(claims) == (7, at(1), True)


def test_first_valid_reporter_rejects_naive_times() -> None:
    with pytest.raises(InvalidRewardInputError):
        first_valid_reporter([("a", datetime(2026, 3, 1, 9), True)])


def test_first_valid_reporter_needs_valid_to_be_true() -> None:
    # Truthy values other than True are not treated as a positive check result.
    assert first_valid_reporter([("a", at(1), 1)]) is None  # type: ignore[list-item]


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("notified", "deadline"),
    [
        (date(2026, 3, 1), date(2026, 4, 30)),
        (date(2026, 12, 15), date(2027, 2, 13)),
        (date(2024, 1, 1), date(2024, 3, 1)),  # leap year
    ],
)
def test_claim_deadline(notified: date, deadline: date) -> None:
    assert claim_deadline(notified) == deadline


def test_claim_deadline_is_configurable() -> None:
    assert claim_deadline(date(2026, 3, 1), policy=RewardPolicy(claim_period_days=90)) == date(2026, 5, 30)


def test_handling_and_feedback_deadlines() -> None:
    assert handling_due(date(2026, 3, 1)) == date(2026, 4, 30)
    assert handling_due(date(2026, 3, 1), extended=True) == date(2026, 5, 30)
    assert feedback_due(date(2026, 4, 30)) == date(2026, 5, 10)


@pytest.mark.parametrize("bad", [datetime(2026, 3, 1, tzinfo=CHINA_TZ), "2026-03-01", None])
def test_date_helpers_reject_non_dates(bad: object) -> None:
    for fn in (claim_deadline, handling_due, feedback_due):
        with pytest.raises(InvalidRewardInputError):
            fn(bad)  # type: ignore[arg-type]
