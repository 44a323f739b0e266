"""GB 18218-2018 identification and grading (anjian.rules.gb18218). Plain pytest, no Django."""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anjian.rules import gb18218
from anjian.rules.gb18218 import (
    TABLE1,
    TABLE2,
    TABLE3_BETA,
    AmbiguousSubstance,
    MissingHazardClass,
    UnknownHazardClass,
    UnknownSubstance,
    alpha_for_population,
    assess,
    find_substance,
    grade_for_r,
    hazard_class,
    identify,
    next_reassessment_due,
    parse_hazard_classes,
)

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
GB18218_DATA = SHARED / "data" / "gb18218"
CAS_RE = re.compile(r"\d{2,7}-\d{2}-\d")


def _read_csv(name: str) -> list[dict[str, str]]:
    path = GB18218_DATA / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


TABLE1_CSV = _read_csv("table1_named_substances.csv")
TABLE2_CSV = _read_csv("table2_hazard_classes.csv")
needs_shared = pytest.mark.skipif(
    not TABLE1_CSV or not TABLE2_CSV,
    reason=f"shared GB 18218 tables not found at {GB18218_DATA} (the repo's ../shared checkout)",
)


def by_seq(seq: int) -> gb18218.Substance:
    return TABLE1[seq - 1]


# ---------------------------------------------------------------------------------------------
# Table integrity
# ---------------------------------------------------------------------------------------------


def test_table1_has_85_rows_numbered_1_to_85() -> None:
    assert [s.seq for s in TABLE1] == list(range(1, 86))


@needs_shared
def test_shared_table1_has_85_rows() -> None:
    assert len(TABLE1_CSV) == 85


@needs_shared
@pytest.mark.parametrize("row", TABLE1_CSV, ids=lambda r: f"{r['seq']}-{r['name_cn']}")
def test_table1_row_matches_shared_csv(row: dict[str, str]) -> None:
    sub = by_seq(int(row["seq"]))
    assert sub.name == row["name_cn"]
    assert sub.critical_quantity_t == Decimal(row["critical_quantity_t"])
    assert sub.cas == tuple(CAS_RE.findall(row["cas"]))


@needs_shared
def test_table2_matches_shared_csv() -> None:
    assert [hc.symbol for hc in TABLE2] == [r["symbol"] for r in TABLE2_CSV]
    for hc, row in zip(TABLE2, TABLE2_CSV, strict=True):
        assert hc.category == row["category_cn"]
        assert hc.critical_quantity_t == Decimal(row["critical_quantity_t"])
        assert hc.beta == Decimal(row["beta_table4"])


def _cas_ok(number: str) -> bool:
    head, mid, check = number.split("-")
    digits = (head + mid)[::-1]
    return sum(i * int(d) for i, d in enumerate(digits, start=1)) % 10 == int(check)


def test_every_cas_number_passes_its_check_digit() -> None:
    numbers = [n for s in TABLE1 for n in (*s.cas, *s.extra_cas)]
    # 82 rows with one number, row 49 with two, row 52 with three; plus CO (630-08-0) for row 13
    assert len(numbers) == 82 - 2 + 2 + 3 + 1
    assert all(_cas_ok(n) for n in numbers)


def test_rows_without_cas_are_the_three_the_standard_leaves_blank() -> None:
    assert [s.seq for s in TABLE1 if not s.cas] == [13, 45, 74]


def test_cas_numbers_are_unique_except_the_standards_shared_cells() -> None:
    rows_by_cas: dict[str, list[int]] = {}
    for s in TABLE1:
        for n in s.cas:
            rows_by_cas.setdefault(n, []).append(s.seq)
    shared = {n: rows for n, rows in rows_by_cas.items() if len(rows) > 1}
    assert shared == {"9004-70-0": [37, 38, 39, 40, 41, 42], "6484-52-2": [43, 44]}
    # every row sharing a CAS number carries a condition, so a CAS number alone never decides it
    assert all(by_seq(seq).restricted for rows in shared.values() for seq in rows)


def test_table3_betas() -> None:
    assert dict(TABLE3_BETA) == {
        "一氧化碳": Decimal(2),
        "二氧化硫": Decimal(2),
        "氨": Decimal(2),
        "环氧乙烷": Decimal(2),
        "氯化氢": Decimal(3),
        "溴甲烷": Decimal(3),
        "氯": Decimal(4),
        "硫化氢": Decimal(5),
        "氟化氢": Decimal(5),
        "二氧化氮": Decimal(10),
        "氰化氢": Decimal(10),
        "碳酰氯": Decimal(20),
        "磷化氢": Decimal(20),
        "异氰酸甲酯": Decimal(20),
    }


@pytest.mark.parametrize(
    ("name", "beta"), [(n, b) for n, b in TABLE3_BETA.items() if n != "一氧化碳"], ids=str
)
def test_each_table3_gas_takes_its_table3_beta(name: str, beta: Decimal) -> None:
    sub = find_substance(name) if name != "氯化氢" else find_substance("氯化氢(无水)")
    assert sub is not None
    (term,) = assess([(sub.name, None, 0)], 0).terms
    assert term.beta == beta
    assert term.beta_rule == f"Table 3 {name}"


def test_every_table1_name_and_cas_finds_its_own_row() -> None:
    for sub in TABLE1:
        assert find_substance(sub.name) == sub
        for number in sub.cas:
            if not sub.restricted:
                assert find_substance("?", number) == sub
        if not sub.restricted:
            for alias in (*sub.aliases, *sub.extra_names):
                assert find_substance(alias) == sub, alias


# ---------------------------------------------------------------------------------------------
# Identification (§4.2, formula (1))
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sub", TABLE1, ids=lambda s: f"{s.seq}-{s.name}")
def test_every_table1_substance_at_exactly_q_is_major_and_just_below_is_not(
    sub: gb18218.Substance,
) -> None:
    at = identify([(sub.name, None, sub.critical_quantity_t)])
    assert at.s == 1.0
    assert at.is_major is True
    below = identify([(sub.name, None, sub.critical_quantity_t - Decimal("0.001"))])
    assert below.is_major is False
    assert below.s < 1


@pytest.mark.parametrize(
    ("item", "major"),
    [
        (("氨", None, 10), True),
        (("氨", None, 9.999), False),
        (("碳酰氯", None, 0.3), True),
        (("光气", None, 0.299), False),
        (("异氰酸甲酯", None, 0.75), True),
        (("硝酸钾", None, 1000), True),
        (("硝酸钾", None, 999.99), False),
        (("W2", None, 10), True),
        (("W2", None, 9.99), False),
        (("W5.4", None, 5000), True),
    ],
)
def test_single_substance_threshold(item: gb18218.Item, major: bool) -> None:
    assert identify([item]).is_major is major


@pytest.mark.parametrize(
    ("items", "s", "major"),
    [
        ([("氨", None, 5), ("氯", None, 2.5)], 1.0, True),
        ([("氨", None, 5), ("氯", None, 2.4)], 0.98, False),
        ([("甲醇", None, 250), ("汽油", None, 100), ("W2", None, 1)], 1.1, True),
        ([("甲醇", None, 100), ("乙醇", None, 100), ("甲苯", None, 100)], 0.6, False),
        ([("氢", None, 2), ("液化石油气", None, 20), ("乙炔", None, 0.1)], 0.9, False),
        ([("氢", None, 2), ("液化石油气", None, 20), ("乙炔", None, 0.2)], 1.0, True),
        ([], 0.0, False),
    ],
)
def test_mixture_of_substances(items: list[gb18218.Item], s: float, major: bool) -> None:
    result = identify(items)
    assert result.s == pytest.approx(s)
    assert result.is_major is major


def test_exact_arithmetic_where_naive_floats_fall_short_of_one() -> None:
    # 0.024/0.3 + 4.6/5 is exactly 1; in binary floating point it is 0.9999999999999999
    assert 0.024 / 0.3 + 4.6 / 5 < 1
    result = identify([("碳酰氯", None, 0.024), ("氯", None, 4.6)])
    assert result.is_major is True
    assert result.s == 1.0


def test_same_substance_in_several_items_is_summed_into_one_term() -> None:
    result = identify([("液氯", None, 3), ("氯", None, 1.5), ("氯气", "7782-50-5", 0.5)])
    (term,) = result.terms
    assert term.inputs == ("液氯", "氯", "氯气")
    assert term.name == "氯"
    assert term.q_t == 5.0
    assert term.ratio == 1.0
    assert term.rule == "Table 1 No. 12 (name '液氯'); 3 items summed"
    assert result.is_major is True


def test_methane_and_natural_gas_are_one_row() -> None:
    (term,) = identify([("甲烷", None, 20), ("天然气", "8006-14-2", 30)]).terms
    assert term.substance == by_seq(49)
    assert term.ratio == 1.0


def test_hazard_class_item() -> None:
    (term,) = assess([("w2", None, 4)], 0).terms
    assert term.name == "W2"
    assert term.substance is None
    assert term.critical_quantity_t == Decimal(10)
    assert term.ratio == pytest.approx(0.4)
    assert term.beta == Decimal("1.5")
    assert term.rule == "Table 2 W2"
    assert term.beta_rule == "Table 4 W2"


def test_two_hazards_take_the_lowest_q_and_the_highest_beta() -> None:
    result = assess([("J3+W2", None, 10)], 10)
    (term,) = result.terms
    assert term.critical_quantity_t == Decimal(10)  # W2 10 t < J3 50 t
    assert term.rule == "Table 2 lowest Q of J3 (50 t), W2 (10 t) -> W2"
    assert term.beta == Decimal(2)  # J3 β 2 > W2 β 1.5
    assert term.beta_rule == "Table 4 highest β of J3 (2), W2 (1.5) -> J3"
    assert result.is_major is True
    assert result.r == 2.0


@pytest.mark.parametrize("spelling", ["J3+W2", "W2+J3", "j3, w2", "Ｊ３、Ｗ２", "J3/W2", "J3 W2"])
def test_spellings_of_two_hazards(spelling: str) -> None:
    (term,) = identify([(spelling, None, 1)]).terms
    assert [hc.symbol for hc in term.hazard_classes] == ["J3", "W2"]


def test_substance_outside_table1_with_its_hazard_classes() -> None:
    result = assess([("丙烯", "115-07-1", 10, "W2")], 0)
    (term,) = result.terms
    assert term.name == "丙烯"
    assert term.critical_quantity_t == Decimal(10)
    assert result.is_major is True
    result = assess([("某有毒易燃气体", None, 5, ["J1", "W2"])], 0)
    (term,) = result.terms
    assert (term.critical_quantity_t, term.beta) == (Decimal(5), Decimal(4))


def test_hazard_classes_do_not_change_a_table1_q() -> None:
    (term,) = identify([("苯", None, 50, "W5.3")]).terms
    assert term.critical_quantity_t == Decimal(50)  # Table 1, not W5.3's 1000 t
    assert term.rule == "Table 1 No. 57 (full name)"


# ---------------------------------------------------------------------------------------------
# Matching names and CAS numbers
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "cas", "seq"),
    [
        ("Chlorine", "7782-50-5", 12),
        ("Liquid chlorine", " 7782-50-5 ", 12),
        ("７７８２－５０－５", None, 12),
        ("?", "74-98-6", 52),
        ("丙烷", None, 52),
        ("液化石油气", "106-97-8", 52),
        ("氧（压缩的或液化的）", None, 56),
        ("氧气", "7782-44-7", 56),
        ("甲醛（含量＞90％）", "50-00-0", 8),
        ("硝酸铵（含可燃物≤0.2％）", "6484-52-2", 44),
        ("1, 3-丁二烯", None, 47),
        ("１，３－丁二烯", None, 47),
        ("tdi", None, 23),
        ("无水氯化氢", "7647-01-0", 11),
        ("一氧化碳", "630-08-0", 13),
        ("煤气", None, 13),
        ("乙醇汽油", None, 66),
        ("汽油", "8006-61-9", 66),  # a CAS number the standard does not list: the name decides
    ],
)
def test_matching(name: str, cas: str | None, seq: int) -> None:
    assert find_substance(name, cas) == by_seq(seq)


def test_carbon_monoxide_takes_row_13_and_table3_beta() -> None:
    (term,) = assess([("一氧化碳", None, 20)], 0).terms
    assert term.substance == by_seq(13)
    assert (term.critical_quantity_t, term.beta) == (Decimal(20), Decimal(2))


@pytest.mark.parametrize(
    ("name", "cas", "candidates"),
    [
        ("甲醛", None, [8]),
        ("蚁醛", None, [8]),
        ("?", "50-00-0", [8]),
        ("盐酸", "7647-01-0", [11]),
        ("氯化氢", None, [11]),
        ("硝酸", "7697-37-2", [81]),
        ("硝酸铵", None, [43, 44]),
        ("硝酸铵", "6484-52-2", [43, 44]),
        ("硝化棉", None, [37, 38, 39, 40, 41]),
        ("硝化纤维素", None, [37, 38, 39, 40, 41]),
        ("硝化棉溶液", None, [42]),
        ("?", "9004-70-0", [37, 38, 39, 40, 41, 42]),
        ("氨", "7782-50-5", [1, 12]),  # name and CAS disagree
    ],
)
def test_ambiguous_input_is_refused(name: str, cas: str | None, candidates: list[int]) -> None:
    with pytest.raises(AmbiguousSubstance) as info:
        find_substance(name, cas)
    assert [s.seq for s in info.value.candidates] == candidates
    assert isinstance(info.value, UnknownSubstance)
    assert name in str(info.value)


def test_formalin_with_the_formaldehyde_cas_is_assessed_by_its_own_classes() -> None:
    (term,) = identify([("甲醛溶液", "50-00-0", 100, "J5")]).terms
    assert term.substance is None
    assert term.critical_quantity_t == Decimal(500)
    assert "No. 8" in term.rule


def test_hazard_class_name_with_a_table1_cas_is_refused() -> None:
    with pytest.raises(AmbiguousSubstance):
        identify([("W2", "74-82-8", 10)])


@pytest.mark.parametrize(
    ("name", "cas"), [("不存在的物质", None), ("W1", None), ("J6", None), ("丙烯", "115-07-1")]
)
def test_unknown_substance(name: str, cas: str | None) -> None:
    with pytest.raises(UnknownSubstance) as info:
        assess([("氨", None, 1), (name, cas, 1)], 0)
    message = str(info.value)
    assert repr(name) in message
    assert "未知物质" in message
    assert "Unknown substance" in message
    assert isinstance(info.value, ValueError)
    assert info.value.name == name


@pytest.mark.parametrize("cas", ["7782-50-4", "7782-5-05", "abc"])
def test_malformed_cas_is_refused(cas: str) -> None:
    with pytest.raises(ValueError, match="CAS"):
        find_substance("氯", cas)


def test_unknown_hazard_class_symbol() -> None:
    with pytest.raises(UnknownHazardClass, match="W12"):
        hazard_class("W12")
    with pytest.raises(UnknownHazardClass):
        identify([("丙烯", None, 1, "W12")])
    with pytest.raises(ValueError):
        parse_hazard_classes("")


def test_hazard_classes_given_twice_are_refused() -> None:
    with pytest.raises(ValueError, match="given twice"):
        identify([("W2", None, 1, "J3")])


# ---------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("quantity", [-1, -0.001, Decimal("-5")])
def test_negative_quantity(quantity: gb18218.Quantity) -> None:
    with pytest.raises(ValueError) as info:
        assess([("氨", None, quantity)], 0)
    assert "不能为负数" in str(info.value)
    assert "must not be negative" in str(info.value)


@pytest.mark.parametrize("quantity", [float("nan"), float("inf"), Decimal("NaN")])
def test_non_finite_quantity(quantity: gb18218.Quantity) -> None:
    with pytest.raises(ValueError, match="finite"):
        identify([("氨", None, quantity)])


def test_negative_population() -> None:
    with pytest.raises(ValueError) as info:
        assess([("氨", None, 1)], -1)
    assert "不能为负数" in str(info.value)
    assert "must not be negative" in str(info.value)


@pytest.mark.parametrize("population", [1.5, True, "10"])
def test_population_must_be_an_integer(population: object) -> None:
    with pytest.raises(TypeError):
        alpha_for_population(population)  # type: ignore[arg-type]


@pytest.mark.parametrize("item", [("氨", None), ("氨", None, 1, None, 2), "氨", ("", None, 1)])
def test_malformed_item(item: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        identify([item])  # type: ignore[list-item]


def test_boolean_quantity_is_refused() -> None:
    with pytest.raises(TypeError):
        identify([("氨", None, True)])


# ---------------------------------------------------------------------------------------------
# Grading (§4.3, formula (2), Tables 5 and 6)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("population", "alpha"),
    [
        (0, "0.5"),
        (1, "1.0"),
        (29, "1.0"),
        (30, "1.2"),
        (49, "1.2"),
        (50, "1.5"),
        (99, "1.5"),
        (100, "2.0"),
        (100_000, "2.0"),
    ],
)
def test_alpha_bands(population: int, alpha: str) -> None:
    assert alpha_for_population(population) == Decimal(alpha)
    # J2 at its Q: Σβ·q/Q = 1, so R = α
    result = assess([("J2", None, 50)], population)
    assert result.alpha == Decimal(alpha)
    assert result.r_exact == float(alpha)
    assert result.exposed_population == population


@pytest.mark.parametrize(
    ("r", "grade"),
    [
        (0, 4),
        (9.99, 4),
        (10, 3),
        (49.99, 3),
        (50, 2),
        (99.99, 2),
        (100, 1),
        (1e6, 1),
        (Decimal("99.999999999"), 2),
    ],
)
def test_grade_for_r(r: float, grade: int) -> None:
    assert grade_for_r(r) == grade


def test_grade_for_negative_r_is_refused() -> None:
    with pytest.raises(ValueError):
        grade_for_r(-1)


# J2 has Q 50 t and β 1; with 1-29 people α is 1.0, so R = q/50.
@pytest.mark.parametrize(
    ("q", "r", "grade", "label"),
    [
        (50, 1.0, 4, "四级"),
        (499.5, 9.99, 4, "四级"),
        (500, 10.0, 3, "三级"),
        (2499.5, 49.99, 3, "三级"),
        (2500, 50.0, 2, "二级"),
        (4999.5, 99.99, 2, "二级"),
        (4999.9995, 99.99, 2, "二级"),  # R = 99.99999, shown rounded down
        (5000, 100.0, 1, "一级"),
    ],
)
def test_r_boundaries(q: float, r: float, grade: int, label: str) -> None:
    result = assess([("J2", None, q)], 10)
    assert result.r == r
    assert (result.grade, result.grade_label) == (grade, label)


@pytest.mark.parametrize(
    ("population", "items", "r", "grade"),
    [
        (0, [("J2", None, 1000)], 10.0, 3),  # 0.5 × 20
        (0, [("J2", None, 999.9)], 9.99, 4),
        (100, [("J2", None, 2500)], 100.0, 1),  # 2.0 × 50
        (100, [("J2", None, 2499.9)], 99.99, 2),
        # phosgene: Q 0.3 t, β 20, so β·q/Q = 200·q/3; with α 1.2 R = 80·q + 1.2·Σ(J2)
        (30, [("碳酰氯", None, 0.05), ("J2", None, 250)], 10.0, 3),  # 1.2 × (10/3 + 5)
        (30, [("碳酰氯", None, 0.05), ("J2", None, 249.9)], 9.99, 4),
        (30, [("碳酰氯", None, 0.25), ("J2", None, 1250)], 50.0, 2),  # 1.2 × (50/3 + 25)
        (30, [("碳酰氯", None, 0.5), ("J2", None, 2500)], 100.0, 1),  # 1.2 × (100/3 + 50)
        (99, [("碳酰氯", None, 0.025), ("J2", None, 250)], 10.0, 3),  # 1.5 × (5/3 + 5)
        (99, [("碳酰氯", None, 0.5)], 50.0, 2),  # 1.5 × 100/3
        (99, [("碳酰氯", None, 0.9999)], 99.99, 2),
        (99, [("碳酰氯", None, 1)], 100.0, 1),
    ],
)
def test_r_boundaries_with_other_alphas(
    population: int, items: list[gb18218.Item], r: float, grade: int
) -> None:
    result = assess(items, population)
    assert result.is_major is True
    assert (result.r, result.grade) == (r, grade)


def test_worked_example_chlorine_ammonia_lpg() -> None:
    items: list[gb18218.Item] = [
        ("液氯", "7782-50-5", 20),  # q/Q 4, β 4 → 16
        ("液氨", None, 30),  # q/Q 3, β 2 → 6
        ("液化石油气", None, 100, "W2"),  # q/Q 2, β 1.5 → 3
    ]
    result = assess(items, 120)
    assert result.s == 9.0
    assert result.is_major is True
    assert result.alpha == Decimal("2.0")
    assert result.r == 50.0  # 2.0 × 25
    assert (result.grade, result.grade_label) == (2, "二级")
    assert [t.weighted for t in result.terms] == [16.0, 6.0, 3.0]
    assert [t.beta_rule for t in result.terms] == ["Table 3 氯", "Table 3 氨", "Table 4 W2"]


def test_table3_wins_over_stated_hazard_classes() -> None:
    (term,) = assess([("氨", None, 10, "W2")], 0).terms
    assert term.beta == Decimal(2)
    assert term.beta_rule is not None and "Table 3 氨" in term.beta_rule


def test_table1_substance_outside_table3_needs_its_hazard_class_to_be_graded() -> None:
    with pytest.raises(MissingHazardClass) as info:
        assess([("甲醇", None, 600), ("氨", None, 1)], 10)
    assert info.value.names == ("甲醇",)
    assert "W5.3" in str(info.value)
    assert isinstance(info.value, ValueError)
    graded = assess([("甲醇", None, 600, "W5.3")], 10)
    assert (graded.r, graded.grade) == (1.2, 4)
    hot = assess([("苯", None, 600, "W5.1")], 100)  # handled above its boiling point
    assert (hot.r, hot.grade) == (36.0, 3)  # 2.0 × 1.5 × 12


def test_not_major_gets_no_grade() -> None:
    result = assess([("甲醇", None, 100)], 10)  # β unknown, but not needed
    assert (result.is_major, result.r, result.grade, result.grade_label) == (False, None, None, None)
    result = assess([("氯", None, 4)], 200)
    assert result.is_major is False
    assert result.r == 6.4  # 2.0 × 4 × 0.8, reported but not graded
    assert (result.grade, result.grade_label) == (None, None)


def test_assessment_is_frozen() -> None:
    result = assess([("氨", None, 10)], 0)
    with pytest.raises(AttributeError):
        result.grade = 1  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------
# Re-assessment every three years (40号令 第十一条)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "due"),
    [
        (date(2023, 5, 15), date(2026, 5, 15)),
        (date(2024, 2, 29), date(2027, 2, 28)),
        (date(2025, 2, 28), date(2028, 2, 28)),
        (date(2021, 3, 1), date(2024, 3, 1)),
        (date(2024, 12, 31), date(2027, 12, 31)),
    ],
)
def test_next_reassessment_due(last: date, due: date) -> None:
    assert next_reassessment_due(last) == due


def test_next_reassessment_due_accepts_a_datetime() -> None:
    assert next_reassessment_due(datetime(2024, 2, 29, 15, 30)) == date(2027, 2, 28)


def test_next_reassessment_due_refuses_a_string() -> None:
    with pytest.raises(TypeError):
        next_reassessment_due("2024-01-01")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------

# (name, hazard classes) whose β is known, so R is always defined
POOL: list[tuple[str, str | None]] = [
    ("氨", None),
    ("氯", None),
    ("碳酰氯", None),
    ("异氰酸甲酯", None),
    ("甲醇", "W5.3"),
    ("汽油", "W5.1"),
    ("液化石油气", "W2"),
    ("硝酸钾", "W9.2"),
    ("W2", None),
    ("J1+W2", None),
    ("W5.4", None),
    ("W1.1", None),
]

quantities = st.floats(min_value=0, max_value=20_000, allow_nan=False, allow_infinity=False)


def _items(picks: list[tuple[int, float]]) -> list[gb18218.Item]:
    items: list[gb18218.Item] = []
    for index, q in picks:
        name, classes = POOL[index]
        items.append((name, None, q) if classes is None else (name, None, q, classes))
    return items


@settings(max_examples=300, deadline=None)
@given(
    picks=st.lists(st.tuples(st.integers(0, len(POOL) - 1), quantities), min_size=1, max_size=6),
    which=st.integers(min_value=0),
    more=quantities,
    population=st.integers(min_value=0, max_value=500),
)
def test_raising_one_quantity_never_lowers_s_or_r_or_improves_the_grade(
    picks: list[tuple[int, float]], which: int, more: float, population: int
) -> None:
    index = which % len(picks)
    bigger = list(picks)
    bigger[index] = (picks[index][0], max(picks[index][1], more))
    before = assess(_items(picks), population)
    after = assess(_items(bigger), population)
    assert after.s >= before.s
    assert before.r_exact is not None and after.r_exact is not None
    assert after.r_exact >= before.r_exact
    assert after.r is not None and before.r is not None and after.r >= before.r
    if before.is_major:
        assert after.is_major
        assert before.grade is not None and after.grade is not None
        assert after.grade <= before.grade


@settings(max_examples=200, deadline=None)
@given(
    picks=st.lists(st.tuples(st.integers(0, len(POOL) - 1), quantities), min_size=1, max_size=6),
    population=st.integers(min_value=0, max_value=500),
    more_people=st.integers(min_value=0, max_value=500),
)
def test_more_exposed_people_never_lower_r(
    picks: list[tuple[int, float]], population: int, more_people: int
) -> None:
    before = assess(_items(picks), population)
    after = assess(_items(picks), population + more_people)
    assert after.alpha >= before.alpha
    assert before.r_exact is not None and after.r_exact is not None
    assert after.r_exact >= before.r_exact


@settings(max_examples=200, deadline=None)
@given(picks=st.lists(st.tuples(st.integers(0, len(POOL) - 1), quantities), min_size=1, max_size=6))
def test_s_and_grade_agree_with_the_float_formulas(picks: list[tuple[int, float]]) -> None:
    result = assess(_items(picks), 10)
    naive_s = sum(t.q_t / float(t.critical_quantity_t) for t in result.terms)
    assert result.s == pytest.approx(naive_s, rel=1e-12, abs=1e-12)
    assert result.r_exact is not None
    naive_r = sum(float(t.beta or 0) * t.ratio for t in result.terms)  # α = 1.0 for 10 people
    assert result.r_exact == pytest.approx(naive_r, rel=1e-12, abs=1e-12)
    assert result.r is not None and result.r <= result.r_exact < result.r + 0.01 + 1e-9
    assert result.is_major is (result.grade is not None)
