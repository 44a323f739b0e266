"""GB/T 4754-2017 codes as ledgers write them: the case table."""

from __future__ import annotations

import pytest

from anjian.rules.gb4754 import (
    InvalidIndustry,
    ancestors,
    division_of,
    industries,
    parse_industry,
    section_of,
)

CASES = [
    # (cell, code stored)
    ("C", "C"),
    ("c", "C"),
    ("17", "17"),
    ("C17", "17"),
    ("171", "171"),
    ("1713", "1713"),
    ("C1713", "1713"),
    ("c1713", "1713"),
    ("C-1713", "1713"),
    ("C 1713", "1713"),
    ("C1713 棉印染精加工", "1713"),
    ("1713棉印染精加工", "1713"),
    ("1713 棉印染精加工", "1713"),
    ("Ｃ１７１３", "1713"),
    ("E4710", "4710"),
    ("E4710 住宅房屋建筑", "4710"),
    ("4710", "4710"),
    ("E47 房屋建筑业", "47"),
    (1713, "1713"),
    (1713.0, "1713"),
    (26, "26"),
    ("2614", "2614"),
    ("C2614", "2614"),
    ("0111", "0111"),
    ("A0111 稻谷种植", "0111"),
    ("1", "01"),
    ("棉印染精加工", "1713"),
    ("制造业", "C"),
    ("C 制造业", "C"),
    ("其他农业", "0190"),  # a group with one class shares its name: the class is kept
    ("3741 飞机制造", "3741"),
    ("9700", "9700"),
    ("T", "T"),
]


@pytest.mark.parametrize(("cell", "code"), CASES)
def test_accepted(cell: object, code: str) -> None:
    assert parse_industry(cell) == code


REFUSED = [
    ("", "为空"),
    ("Z", "不是"),
    ("99", "不是 GB/T 4754-2017 的大类代码"),
    ("1799", "小类"),
    ("E1713", "属于门类 C"),
    ("C4710", "属于门类 E"),
    ("1713 毛织造加工", "不符"),
    ("纺织品", "不是"),
    ("Textiles", "不是"),
    ("12345", "不是"),
]


@pytest.mark.parametrize(("cell", "reason"), REFUSED)
def test_refused(cell: str, reason: str) -> None:
    with pytest.raises(InvalidIndustry) as exc:
        parse_industry(cell)
    assert reason in exc.value.zh
    assert exc.value.en


def test_table_counts() -> None:
    levels = [i.level for i in industries().values()]
    assert (levels.count("section"), levels.count("division"), levels.count("group"), levels.count("class")) == (
        20, 97, 473, 1381)


def test_rollup() -> None:
    assert ancestors("1713") == ["1713", "171", "17", "C"]
    assert section_of("1713") == "C"
    assert section_of("4710") == "E"
    assert division_of("1713") == "17"
    assert division_of("C") == ""
    assert section_of("nope") == ""
