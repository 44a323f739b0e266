"""Values as ledgers write them (issue 16): the date, yes/no and number case tables."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from anjian.core.text import (
    CellError,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    parse_month,
    two_digit_year,
)

D = dt.date

DATES = [
    # (cell, pivot, date)
    (44952, None, D(2023, 1, 26)),  # Excel serial
    (44952.0, None, D(2023, 1, 26)),
    (44952.75, None, D(2023, 1, 26)),  # with a time of day
    ("44952", None, D(2023, 1, 26)),  # a serial that came as text (CSV)
    ("2023年01月26日", None, D(2023, 1, 26)),
    ("2023年1月26日", None, D(2023, 1, 26)),
    ("2023 年 1 月 26 号", None, D(2023, 1, 26)),
    ("２０２３年０１月２６日", None, D(2023, 1, 26)),  # full-width digits
    ("\u30002014.02.09\u3000", None, D(2014, 2, 9)),  # ideographic spaces around
    ("2014.02.09", None, D(2014, 2, 9)),
    ("2014.2.9", None, D(2014, 2, 9)),
    ("2014/2/9", None, D(2014, 2, 9)),
    ("2014-02-09 08:30", None, D(2014, 2, 9)),
    ("20140209", None, D(2014, 2, 9)),
    (20140209, None, D(2014, 2, 9)),
    ("23.1.26", 30, D(2023, 1, 26)),  # two-digit years within the stated window
    ("23-01-26", 30, D(2023, 1, 26)),
    ("85/07/01", 30, D(1985, 7, 1)),
    ("99年12月31日", 30, D(1999, 12, 31)),
    ("30.1.1", 30, D(2030, 1, 1)),
    ("31.1.1", 30, D(1931, 1, 1)),
    (dt.datetime(2023, 1, 26, 9, 0), None, D(2023, 1, 26)),
    (D(2023, 1, 26), None, D(2023, 1, 26)),
]


@pytest.mark.parametrize(("cell", "pivot", "expected"), DATES)
def test_dates(cell: object, pivot: int | None, expected: dt.date) -> None:
    assert parse_date(cell, pivot=pivot) == expected


BAD_DATES = [
    ("23.1.26", None, "date_two_digit_year"),  # no window stated: refused, with the reason
    ("2023年02月30日", None, "date_invalid"),
    ("2023", None, "date_format"),  # a year alone
    (2023, None, "date_format"),
    ("02/01/2026", None, "date_format"),  # day/month order ambiguous
    ("去年", None, "date_format"),
    (60, None, "excel_serial"),
    ("2014年3月", None, "date_format"),  # month-year is for parse_month
]


@pytest.mark.parametrize(("cell", "pivot", "code"), BAD_DATES)
def test_bad_dates(cell: object, pivot: int | None, code: str) -> None:
    with pytest.raises(CellError) as exc:
        parse_date(cell, pivot=pivot)
    assert exc.value.code == code
    assert exc.value.zh and exc.value.en


MONTHS = [
    ("2014年3月", D(2014, 3, 1)),
    ("2014年03月份", D(2014, 3, 1)),
    ("2014-03", D(2014, 3, 1)),
    ("2014/3", D(2014, 3, 1)),
    ("2014.3", D(2014, 3, 1)),
    ("201403", D(2014, 3, 1)),
    (201403, D(2014, 3, 1)),
    ("2014-03-05", D(2014, 3, 5)),  # a full date stays precise
    (41703, D(2014, 3, 5)),
]


@pytest.mark.parametrize(("cell", "expected"), MONTHS)
def test_months(cell: object, expected: dt.date) -> None:
    assert parse_month(cell) == expected


@pytest.mark.parametrize("cell", ["2014", "2014年13月", "三月"])
def test_bad_months(cell: str) -> None:
    with pytest.raises(CellError):
        parse_month(cell)


def test_two_digit_window() -> None:
    assert two_digit_year(0, 30) == 2000
    assert two_digit_year(30, 30) == 2030
    assert two_digit_year(31, 30) == 1931
    with pytest.raises(ValueError):
        two_digit_year(100, 30)


BOOLS = [
    ("是", True), ("否", False), ("√", True), ("×", False), ("有", True), ("无", False),
    ("Y", True), ("y", True), ("N", False), ("1", True), ("0", False), (1, True), (0, False),
    (1.0, True), ("涉及", True), ("不涉及", False), ("存在", True), ("不存在", False),
    ("Ｙ", True), ("\u3000是\u3000", True), ("yes", True), ("No", False), ("✓", True), ("☐", False),
    (True, True), (False, False),
]


@pytest.mark.parametrize(("cell", "expected"), BOOLS)
def test_yes_no(cell: object, expected: bool) -> None:
    assert parse_bool(cell) is expected


@pytest.mark.parametrize("cell", ["X", "可能", "2", "", None])
def test_bad_yes_no(cell: object) -> None:
    with pytest.raises(CellError):
        parse_bool(cell)


PEOPLE = ("人", "名")
COUNTS = [
    ("60人", 60), ("60 人", 60), ("６０人", 60), ("６０\u3000人", 60), ("60名", 60), (60, 60),
    (60.0, 60), ("1,200人", 1200), ("60", 60), ("0人", 0),
]


@pytest.mark.parametrize(("cell", "expected"), COUNTS)
def test_counts(cell: object, expected: int) -> None:
    assert parse_int(cell, units=PEOPLE) == expected


VAGUE = ["若干", "若干人", "约60人", "60余人", "60多人", "100人以上", "50+", "不详", "几十人", "60人左右", "近百人"]


@pytest.mark.parametrize("cell", VAGUE)
def test_vague_counts_are_errors_never_zero(cell: str) -> None:
    with pytest.raises(CellError) as exc:
        parse_int(cell, units=PEOPLE)
    assert exc.value.code == "number_vague"
    assert "不是确切的数字" in exc.value.zh
    assert "estimate" in exc.value.en


@pytest.mark.parametrize(("cell", "code"), [("60吨", "number_format"), ("六十", "number_format"), ("6.5人", "number_not_integer")])
def test_bad_counts(cell: str, code: str) -> None:
    with pytest.raises(CellError) as exc:
        parse_int(cell, units=PEOPLE)
    assert exc.value.code == code


def test_units_only_where_stated() -> None:
    with pytest.raises(CellError):
        parse_int("60人")
    assert parse_decimal("１，２３４．５元") == Decimal("1234.5")
    assert parse_decimal("3.5 吨", units=("吨", "t")) == Decimal("3.5")
