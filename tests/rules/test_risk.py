"""Tests for anjian.rules.risk (four colours, LEC, LS, enterprise colour, supervision)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from itertools import product

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anjian.rules.risk import (
    DEFAULT_LS_BANDS,
    DEFAULT_SUPERVISION_CLASS_BY_COLOUR,
    INSPECTIONS_PER_YEAR,
    LEC_C_VALUES,
    LEC_E_VALUES,
    LEC_L_VALUES,
    LS_BANDS_VARIANT_A,
    LS_BANDS_VARIANT_B,
    LS_BANDS_VARIANT_C,
    NATIONAL_LEC_BANDS,
    PATROL_INTERVAL_MONTHS,
    EnterpriseRiskWeights,
    FlagWeight,
    InvalidBandsError,
    InvalidLecValueError,
    InvalidLsValueError,
    InvalidRiskInputError,
    LecBands,
    LecDangerLevel,
    LsBands,
    RiskColour,
    RiskRuleError,
    SupervisionClass,
    UnknownRiskFlagError,
    enterprise_risk_colour,
    highest_colour,
    inspections_per_year,
    lec_colour,
    lec_danger_level,
    lec_score,
    ls_colour,
    ls_score,
    next_patrol_due,
    supervision_class,
)

RED, ORANGE, YELLOW, BLUE = RiskColour.RED, RiskColour.ORANGE, RiskColour.YELLOW, RiskColour.BLUE


# --------------------------------------------------------------------------- colours


@pytest.mark.parametrize(
    ("colour", "label", "zh", "hex_", "rank"),
    [
        (RED, "重大风险", "红", "#d9001b", 4),
        (ORANGE, "较大风险", "橙", "#e86a00", 3),
        (YELLOW, "一般风险", "黄", "#f5c400", 2),
        (BLUE, "低风险", "蓝", "#1a66cc", 1),
    ],
)
def test_colour_facts(colour: RiskColour, label: str, zh: str, hex_: str, rank: int) -> None:
    assert colour.label == label
    assert colour.colour_zh == zh
    assert colour.hex == hex_
    assert colour.rank == rank
    assert colour.label_en


def _luminance(hex_: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


@pytest.mark.parametrize("colour", list(RiskColour))
def test_text_on_colour_meets_wcag_aa(colour: RiskColour) -> None:
    assert re.fullmatch(r"#[0-9a-f]{6}", colour.hex)
    hi, lo = sorted((_luminance(colour.hex), _luminance(colour.text_hex)), reverse=True)
    assert (hi + 0.05) / (lo + 0.05) >= 4.5


def test_colours_are_distinct() -> None:
    assert len({c.hex for c in RiskColour}) == 4


def test_highest_colour() -> None:
    assert highest_colour(BLUE, RED, YELLOW) is RED
    assert highest_colour(BLUE, YELLOW) is YELLOW
    assert highest_colour(ORANGE) is ORANGE
    with pytest.raises(InvalidRiskInputError):
        highest_colour()


# --------------------------------------------------------------------------- LEC


@pytest.mark.parametrize(
    ("l", "e", "c", "d", "colour", "danger"),
    [
        (10, 10, 100, Decimal(10000), RED, LecDangerLevel.EXTREME),
        (10, 6, 7, Decimal(420), RED, LecDangerLevel.EXTREME),
        (6, 6, 7, Decimal(252), ORANGE, LecDangerLevel.HIGH),
        (3, 6, 7, Decimal(126), YELLOW, LecDangerLevel.SUBSTANTIAL),
        (10, 1, 7, Decimal(70), BLUE, LecDangerLevel.POSSIBLE),  # exactly 70: not yellow
        (1, 6, 15, Decimal(90), YELLOW, LecDangerLevel.SUBSTANTIAL),
        (3, 3, 7, Decimal(63), BLUE, LecDangerLevel.POSSIBLE),
        (10, 2, 1, Decimal(20), BLUE, LecDangerLevel.SLIGHT),  # exactly 20
        (3, 1, 7, Decimal(21), BLUE, LecDangerLevel.POSSIBLE),
        (6, 6, 1, Decimal(36), BLUE, LecDangerLevel.POSSIBLE),
        (0.1, 0.5, 1, Decimal("0.05"), BLUE, LecDangerLevel.SLIGHT),
        ("0.5", "1", "40", Decimal(20), BLUE, LecDangerLevel.SLIGHT),
        (Decimal("0.50"), Decimal(1), Decimal(40), Decimal(20), BLUE, LecDangerLevel.SLIGHT),
        (6, 3, 15, Decimal(270), ORANGE, LecDangerLevel.HIGH),
        (6, 6, 15, Decimal(540), RED, LecDangerLevel.EXTREME),
        (1, 3, 100, Decimal(300), ORANGE, LecDangerLevel.HIGH),
        (1, 6, 100, Decimal(600), RED, LecDangerLevel.EXTREME),
    ],
)
def test_lec_score(
    l: object,  # noqa: E741
    e: object,
    c: object,
    d: Decimal,
    colour: RiskColour,
    danger: LecDangerLevel,
) -> None:
    result = lec_score(l, e, c)  # type: ignore[arg-type]
    assert result.d == d
    assert result.colour is colour
    assert result.danger is danger


@pytest.mark.parametrize(
    ("d", "colour"),
    [
        (Decimal(0), BLUE),
        (Decimal(70), BLUE),
        (Decimal("70.0001"), YELLOW),
        (Decimal("69.9999"), BLUE),
        (Decimal("159.9999"), YELLOW),
        (Decimal(160), YELLOW),
        (Decimal("160.0001"), ORANGE),
        (Decimal("319.9999"), ORANGE),
        (Decimal(320), ORANGE),
        (Decimal("320.0001"), RED),
        (321, RED),
        (320.5, RED),
    ],
)
def test_lec_colour_band_boundaries(d: Decimal | int | float, colour: RiskColour) -> None:
    assert lec_colour(d) is colour


@pytest.mark.parametrize(
    ("d", "level"),
    [
        (Decimal("320.0001"), LecDangerLevel.EXTREME),
        (Decimal(320), LecDangerLevel.HIGH),
        (Decimal("160.0001"), LecDangerLevel.HIGH),
        (Decimal(160), LecDangerLevel.SUBSTANTIAL),
        (Decimal("70.0001"), LecDangerLevel.SUBSTANTIAL),
        (Decimal(70), LecDangerLevel.POSSIBLE),
        (Decimal("20.0001"), LecDangerLevel.POSSIBLE),
        (Decimal(20), LecDangerLevel.SLIGHT),
        (Decimal("19.9999"), LecDangerLevel.SLIGHT),
        (0, LecDangerLevel.SLIGHT),
    ],
)
def test_lec_danger_level_boundaries(d: Decimal | int, level: LecDangerLevel) -> None:
    assert lec_danger_level(d) is level
    assert level.label and level.label_en


def test_lec_danger_labels() -> None:
    assert LecDangerLevel.EXTREME.label == "极其危险，不能继续作业"
    assert LecDangerLevel.SLIGHT.label == "稍有危险，可以接受"


@pytest.mark.parametrize(
    ("l", "e", "c", "factor"),
    [
        (2, 6, 7, "L"),
        (0, 6, 7, "L"),
        (-1, 6, 7, "L"),
        (0.3, 6, 7, "L"),
        (100, 6, 7, "L"),
        (10, 4, 7, "E"),
        (10, 0.1, 7, "E"),
        (10, 100, 7, "E"),
        (10, 6, 10, "C"),
        (10, 6, 0, "C"),
        (10, 6, 0.5, "C"),
        ("abc", 6, 7, "L"),
        (True, 6, 7, "L"),
        (None, 6, 7, "L"),
        (float("nan"), 6, 7, "L"),
        (Decimal("Infinity"), 6, 7, "L"),
        (10, 6, [7], "C"),
    ],
)
def test_lec_rejects_values_outside_the_method(l: object, e: object, c: object, factor: str) -> None:  # noqa: E741
    with pytest.raises(InvalidLecValueError) as info:
        lec_score(l, e, c)  # type: ignore[arg-type]
    err = info.value
    assert isinstance(err, ValueError)
    assert isinstance(err, RiskRuleError)
    assert f"LEC 的 {factor} 值" in err.zh
    assert f"invalid LEC {factor} value" in err.en


def test_lec_allowed_values() -> None:
    assert sorted(LEC_L_VALUES) == [Decimal(v) for v in ("0.1", "0.2", "0.5", "1", "3", "6", "10")]
    assert sorted(LEC_E_VALUES) == [Decimal(v) for v in ("0.5", "1", "2", "3", "6", "10")]
    assert sorted(LEC_C_VALUES) == [Decimal(v) for v in ("1", "3", "7", "15", "40", "100")]


def test_lec_custom_bands() -> None:
    local = LecBands(red_above=Decimal(400), orange_above=Decimal(200), yellow_above=Decimal(70))
    assert lec_score(10, 6, 7, bands=local).colour is RED  # 420
    assert lec_score(6, 6, 7, bands=local).colour is ORANGE  # 252
    assert lec_score(10, 6, 3, bands=local).colour is YELLOW  # 180: orange under the national bands
    assert lec_score(10, 6, 3).colour is ORANGE
    assert lec_colour(400, bands=local) is ORANGE


@pytest.mark.parametrize(
    ("red", "orange", "yellow"),
    [(160, 320, 70), (320, 320, 70), (320, 160, 160), (320, 160, -1)],
)
def test_lec_bands_must_decrease(red: int, orange: int, yellow: int) -> None:
    with pytest.raises(InvalidBandsError):
        LecBands(red_above=Decimal(red), orange_above=Decimal(orange), yellow_above=Decimal(yellow))


@pytest.mark.parametrize("bad", [-1, Decimal("NaN"), "70", True])
def test_lec_colour_rejects_bad_scores(bad: object) -> None:
    with pytest.raises(InvalidRiskInputError):
        lec_colour(bad)  # type: ignore[arg-type]


_all_lec = sorted(
    (lv * ev * cv for lv, ev, cv in product(LEC_L_VALUES, LEC_E_VALUES, LEC_C_VALUES)),
)


def test_every_valid_lec_triple_is_monotone_in_d() -> None:
    ranks = [lec_colour(d).rank for d in _all_lec]
    assert ranks == sorted(ranks)
    assert NATIONAL_LEC_BANDS.red_above == 320


_scores = st.decimals(min_value=0, max_value=20000, allow_nan=False, allow_infinity=False, places=4)


@given(_scores, _scores)
def test_lec_colour_is_monotone_in_d(a: Decimal, b: Decimal) -> None:
    lo, hi = sorted((a, b))
    assert lec_colour(lo).rank <= lec_colour(hi).rank
    assert list(LecDangerLevel).index(lec_danger_level(lo)) >= list(LecDangerLevel).index(
        lec_danger_level(hi)
    )


@given(
    st.sampled_from(sorted(LEC_L_VALUES)),
    st.sampled_from(sorted(LEC_E_VALUES)),
    st.sampled_from(sorted(LEC_C_VALUES)),
    st.sampled_from(sorted(LEC_C_VALUES)),
)
def test_lec_colour_is_monotone_in_consequence(lv: Decimal, ev: Decimal, c1: Decimal, c2: Decimal) -> None:
    lo, hi = sorted((c1, c2))
    assert lec_score(lv, ev, lo).colour.rank <= lec_score(lv, ev, hi).colour.rank


# --------------------------------------------------------------------------- LS


_B_EXPECTED = {
    1: BLUE,
    2: BLUE,
    3: BLUE,
    4: YELLOW,
    5: YELLOW,
    6: YELLOW,
    8: YELLOW,
    9: ORANGE,
    10: ORANGE,
    12: ORANGE,
    15: ORANGE,
    16: ORANGE,
    20: RED,
    25: RED,
}


@pytest.mark.parametrize(("likelihood", "severity"), list(product(range(1, 6), repeat=2)))
def test_ls_default_is_variant_b(likelihood: int, severity: int) -> None:
    result = ls_score(likelihood, severity)
    assert result.r == likelihood * severity
    assert result.colour is _B_EXPECTED[result.r]
    assert (result.likelihood, result.severity) == (likelihood, severity)


@pytest.mark.parametrize(
    ("bands", "r", "colour"),
    [
        # Variant B (default): 20–25 / 9–16 / 4–8 / 1–3
        (LS_BANDS_VARIANT_B, 3, BLUE),
        (LS_BANDS_VARIANT_B, 4, YELLOW),
        (LS_BANDS_VARIANT_B, 8, YELLOW),
        (LS_BANDS_VARIANT_B, 9, ORANGE),
        (LS_BANDS_VARIANT_B, 16, ORANGE),
        (LS_BANDS_VARIANT_B, 19, ORANGE),
        (LS_BANDS_VARIANT_B, 20, RED),
        # Variant A: 20–25 / 15–16 / 9–12 / 1–8
        (LS_BANDS_VARIANT_A, 8, BLUE),
        (LS_BANDS_VARIANT_A, 9, YELLOW),
        (LS_BANDS_VARIANT_A, 12, YELLOW),
        (LS_BANDS_VARIANT_A, 14, YELLOW),
        (LS_BANDS_VARIANT_A, 15, ORANGE),
        (LS_BANDS_VARIANT_A, 16, ORANGE),
        (LS_BANDS_VARIANT_A, 20, RED),
        # Variant C: 20–25 / 10–16 / 4–9 / 1–3
        (LS_BANDS_VARIANT_C, 3, BLUE),
        (LS_BANDS_VARIANT_C, 4, YELLOW),
        (LS_BANDS_VARIANT_C, 9, YELLOW),
        (LS_BANDS_VARIANT_C, 10, ORANGE),
        (LS_BANDS_VARIANT_C, 16, ORANGE),
        (LS_BANDS_VARIANT_C, 20, RED),
        (LS_BANDS_VARIANT_C, 25, RED),
    ],
)
def test_ls_band_boundaries(bands: LsBands, r: int, colour: RiskColour) -> None:
    assert ls_colour(r, bands=bands) is colour


def test_ls_score_with_variant() -> None:
    assert ls_score(3, 3, bands=LS_BANDS_VARIANT_C).colour is YELLOW
    assert ls_score(3, 3).colour is ORANGE
    assert DEFAULT_LS_BANDS == LS_BANDS_VARIANT_B


@pytest.mark.parametrize(
    ("likelihood", "severity"),
    [(0, 3), (6, 3), (3, 0), (3, 6), (2.5, 2), (True, 3), ("3", 3), (3, None), (-1, -1)],
)
def test_ls_rejects_values_outside_1_to_5(likelihood: object, severity: object) -> None:
    with pytest.raises(InvalidLsValueError) as info:
        ls_score(likelihood, severity)  # type: ignore[arg-type]
    assert "1–5" in str(info.value)
    assert "from 1 to 5" in str(info.value)


@pytest.mark.parametrize("r", [0, 26, -4, True, 9.0])
def test_ls_colour_rejects_bad_r(r: object) -> None:
    with pytest.raises(InvalidLsValueError):
        ls_colour(r)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("red", "orange", "yellow"),
    [(20, 20, 4), (9, 20, 4), (20, 9, 1), (26, 9, 4), (20, 9, 9), (20.0, 9, 4)],
)
def test_ls_bands_must_decrease(red: object, orange: object, yellow: object) -> None:
    with pytest.raises(InvalidBandsError):
        LsBands(red_min=red, orange_min=orange, yellow_min=yellow)  # type: ignore[arg-type]


@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5), st.integers(1, 5))
def test_ls_colour_is_monotone(l1: int, s1: int, l2: int, s2: int) -> None:
    if l1 <= l2 and s1 <= s2:
        for bands in (LS_BANDS_VARIANT_A, LS_BANDS_VARIANT_B, LS_BANDS_VARIANT_C):
            assert ls_score(l1, s1, bands=bands).colour.rank <= ls_score(l2, s2, bands=bands).colour.rank


# --------------------------------------------------------------------------- enterprise colour


def ent(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "sector_inherent": BLUE,
        "open_major_hazards": 0,
        "open_general_hazards": 0,
        "overdue_hazards": 0,
        "accidents_last_year": 0,
        "deaths_last_3y": 0,
        "flags": (),
    }
    base.update(overrides)
    return base


@pytest.mark.parametrize(
    ("inputs", "colour", "points"),
    [
        (ent(), BLUE, 0),
        (ent(sector_inherent=YELLOW), YELLOW, 30),
        (ent(sector_inherent=ORANGE), ORANGE, 60),
        (ent(sector_inherent=RED), RED, 100),
        (ent(open_general_hazards=10), BLUE, 20),
        (ent(open_general_hazards=14), BLUE, 20),  # capped at 20
        (ent(open_general_hazards=15, overdue_hazards=1), YELLOW, 30),  # 20 (capped) + 10
        (ent(accidents_last_year=1, flags=["crowded_place"]), YELLOW, 30),
    ],
)
def test_enterprise_colour_simple(inputs: dict[str, object], colour: RiskColour, points: int) -> None:
    result = enterprise_risk_colour(**inputs)  # type: ignore[arg-type]
    assert result.colour is colour
    assert result.points == points


def test_enterprise_colour_thresholds_exactly() -> None:
    # 29 points: blue; 30: yellow; 59: yellow; 60: orange; 99: orange; 100: red.
    weights = EnterpriseRiskWeights(per_open_general_hazard=1, open_general_cap=1000)
    for n, colour in [(29, BLUE), (30, YELLOW), (59, YELLOW), (60, ORANGE), (99, ORANGE), (100, RED)]:
        assert enterprise_risk_colour(**ent(open_general_hazards=n), weights=weights).colour is colour  # type: ignore[arg-type]


def test_enterprise_colour_explains_every_factor() -> None:
    result = enterprise_risk_colour(
        sector_inherent=YELLOW,
        open_major_hazards=1,
        open_general_hazards=3,
        overdue_hazards=2,
        accidents_last_year=1,
        deaths_last_3y=0,
        flags=["confined_space"],
    )
    # 30 + 30 + 6 + 20 + 20 + 10 = 116
    assert result.points == 116
    assert result.colour is RED
    assert result.lines == [
        ("行业固有风险为黄色（一般风险）：30 分", "sector inherent risk yellow (moderate risk): 30 points"),
        ("未整改重大事故隐患 1 项：+30 分", "1 open major hazard(s): +30 points"),
        ("未整改一般事故隐患 3 项：+6 分", "3 open general hazard(s): +6 points"),
        ("逾期未整改隐患 2 项：+20 分", "2 overdue hazard(s): +20 points"),
        ("近一年发生事故 1 起：+20 分", "1 accident(s) in the last year: +20 points"),
        ("涉及有限空间作业：+10 分", "has confined-space work: +10 points"),
        ("合计 116 分，对应红色（重大风险）", "total 116 points: red (major risk)"),
    ]
    assert sum(r.points for r in result.reasons) == result.points


def test_open_major_hazard_floor_raises_to_orange() -> None:
    result = enterprise_risk_colour(**ent(open_major_hazards=1))  # type: ignore[arg-type]
    assert result.points == 30
    assert result.colour is ORANGE
    assert result.lines[-1] == (
        "存在未整改重大事故隐患，风险等级不低于橙色（较大风险）",
        "an open major hazard keeps the colour at least orange (considerable risk)",
    )


def test_death_floor_raises_to_orange() -> None:
    result = enterprise_risk_colour(**ent(deaths_last_3y=1))  # type: ignore[arg-type]
    assert result.points == 30
    assert result.colour is ORANGE
    assert result.lines[-1][0] == "近三年发生死亡事故，风险等级不低于橙色（较大风险）"


def test_floors_can_be_switched_off() -> None:
    weights = EnterpriseRiskWeights(open_major_hazard_floor=BLUE, death_floor=BLUE)
    result = enterprise_risk_colour(**ent(open_major_hazards=1, deaths_last_3y=1), weights=weights)  # type: ignore[arg-type]
    assert result.points == 60
    assert result.colour is ORANGE
    assert len(result.lines) == 4  # base, major, deaths, total: no floor line


def test_floor_does_not_lower_a_higher_colour() -> None:
    result = enterprise_risk_colour(**ent(sector_inherent=RED, open_major_hazards=1))  # type: ignore[arg-type]
    assert result.colour is RED
    assert not any("不低于" in zh for zh, _ in result.lines)


def test_general_and_overdue_caps() -> None:
    result = enterprise_risk_colour(**ent(open_general_hazards=1000, overdue_hazards=1000))  # type: ignore[arg-type]
    assert result.points == 20 + 30
    assert result.colour is YELLOW


def test_flags_are_counted_once_and_unknown_flags_are_rejected() -> None:
    once = enterprise_risk_colour(**ent(flags=["crowded_place"]))  # type: ignore[arg-type]
    twice = enterprise_risk_colour(**ent(flags=["crowded_place", "crowded_place"]))  # type: ignore[arg-type]
    assert once.points == twice.points == 10
    with pytest.raises(UnknownRiskFlagError) as info:
        enterprise_risk_colour(**ent(flags=["crowded_palce"]))  # type: ignore[arg-type]
    assert "未配置的风险标记" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_custom_flags() -> None:
    weights = EnterpriseRiskWeights(
        flags={"lithium_storage": FlagWeight(70, "锂电池仓储", "stores lithium batteries")}
    )
    result = enterprise_risk_colour(**ent(flags={"lithium_storage"}), weights=weights)  # type: ignore[arg-type]
    assert result.colour is ORANGE
    assert ("锂电池仓储：+70 分", "stores lithium batteries: +70 points") in result.lines


@pytest.mark.parametrize(
    "overrides",
    [
        {"open_major_hazards": -1},
        {"open_general_hazards": 1.5},
        {"overdue_hazards": True},
        {"accidents_last_year": "1"},
        {"deaths_last_3y": -2},
        {"sector_inherent": "red"},
    ],
)
def test_enterprise_colour_rejects_bad_input(overrides: dict[str, object]) -> None:
    with pytest.raises(InvalidRiskInputError):
        enterprise_risk_colour(**ent(**overrides))  # type: ignore[arg-type]


def test_invalid_weights() -> None:
    with pytest.raises(InvalidBandsError):
        EnterpriseRiskWeights(red_min=50, orange_min=60)
    with pytest.raises(InvalidBandsError):
        EnterpriseRiskWeights(base_points={RED: 100})


_counts = st.integers(min_value=0, max_value=30)


@given(
    st.sampled_from(list(RiskColour)),
    _counts,
    _counts,
    _counts,
    _counts,
    _counts,
    st.sets(st.sampled_from(["major_hazard_source", "dust_explosion", "crowded_place"])),
    st.sampled_from(
        [
            "open_major_hazards",
            "open_general_hazards",
            "overdue_hazards",
            "accidents_last_year",
            "deaths_last_3y",
        ]
    ),
)
def test_enterprise_colour_is_monotone(
    inherent: RiskColour,
    majors: int,
    generals: int,
    overdue: int,
    accidents: int,
    deaths: int,
    flags: set[str],
    bump: str,
) -> None:
    inputs: dict[str, object] = {
        "sector_inherent": inherent,
        "open_major_hazards": majors,
        "open_general_hazards": generals,
        "overdue_hazards": overdue,
        "accidents_last_year": accidents,
        "deaths_last_3y": deaths,
        "flags": flags,
    }
    before = enterprise_risk_colour(**inputs)  # type: ignore[arg-type]
    after = enterprise_risk_colour(**{**inputs, bump: int(inputs[bump]) + 1})  # type: ignore[call-overload]
    assert before.colour.rank >= inherent.rank
    assert after.colour.rank >= before.colour.rank
    assert after.points >= before.points


# --------------------------------------------------------------------------- supervision and patrols


@pytest.mark.parametrize(
    ("colour", "cls", "per_year"),
    [
        (BLUE, SupervisionClass.A, 1),
        (YELLOW, SupervisionClass.B, 1),
        (ORANGE, SupervisionClass.C, 2),
        (RED, SupervisionClass.D, 4),
    ],
)
def test_supervision_class_and_quota(colour: RiskColour, cls: SupervisionClass, per_year: int) -> None:
    assert supervision_class(colour) is cls
    assert inspections_per_year(cls) == per_year


def test_supervision_labels() -> None:
    assert SupervisionClass.D.label == "D类（重大风险）"
    assert SupervisionClass.A.label_en == "class A (low risk)"


def test_supervision_mapping_is_configurable_and_complete() -> None:
    reversed_letters = {
        BLUE: SupervisionClass.D,
        YELLOW: SupervisionClass.C,
        ORANGE: SupervisionClass.B,
        RED: SupervisionClass.A,
    }
    assert supervision_class(RED, mapping=reversed_letters) is SupervisionClass.A
    assert inspections_per_year(SupervisionClass.D, quota={SupervisionClass.D: 12}) == 12
    assert set(DEFAULT_SUPERVISION_CLASS_BY_COLOUR) == set(RiskColour)
    assert set(INSPECTIONS_PER_YEAR) == set(SupervisionClass)
    with pytest.raises(InvalidRiskInputError):
        supervision_class(RED, mapping={})
    with pytest.raises(InvalidRiskInputError):
        inspections_per_year(SupervisionClass.A, quota={})


@pytest.mark.parametrize(
    ("last", "colour", "due"),
    [
        (date(2026, 1, 15), RED, date(2026, 2, 15)),
        (date(2026, 1, 31), RED, date(2026, 2, 28)),
        (date(2024, 1, 31), RED, date(2024, 2, 29)),
        (date(2026, 10, 31), ORANGE, date(2026, 12, 31)),
        (date(2026, 12, 31), ORANGE, date(2027, 2, 28)),
        (date(2026, 11, 30), YELLOW, date(2027, 2, 28)),
        (date(2026, 11, 15), BLUE, date(2027, 5, 15)),
        (date(2026, 8, 31), BLUE, date(2027, 2, 28)),
    ],
)
def test_next_patrol_due(last: date, colour: RiskColour, due: date) -> None:
    assert next_patrol_due(last, colour) == due


def test_patrol_intervals() -> None:
    assert dict(PATROL_INTERVAL_MONTHS) == {RED: 1, ORANGE: 2, YELLOW: 3, BLUE: 6}
    assert next_patrol_due(date(2026, 1, 1), BLUE, intervals={BLUE: 12}) == date(2027, 1, 1)


@pytest.mark.parametrize(
    ("last", "intervals"),
    [
        (datetime(2026, 1, 1), PATROL_INTERVAL_MONTHS),
        ("2026-01-01", PATROL_INTERVAL_MONTHS),
        (date(2026, 1, 1), {}),
        (date(2026, 1, 1), {RED: 0}),
    ],
)
def test_next_patrol_due_rejects_bad_input(last: object, intervals: dict[RiskColour, int]) -> None:
    with pytest.raises(InvalidRiskInputError):
        next_patrol_due(last, RED, intervals=intervals)  # type: ignore[arg-type]
