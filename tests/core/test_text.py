"""anjian.core.text: cleaning ledger cell values. No Django."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anjian.core.text import (
    CellError,
    excel_serial_to_date,
    is_blank,
    normalise,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
)

# --- normalise -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("", ""),
        ("  深圳市  ", "深圳市"),
        ("ＡＢＣ１２３", "ABC123"),  # full-width letters and digits
        ("深圳\u3000市", "深圳 市"),  # ideographic space
        ("深\u200b圳\u200d市\ufeff", "深圳市"),  # zero-width characters
        ("a\u00a0\u00a0b", "a b"),  # non-breaking spaces
        ("企业\n名称\t 地址", "企业 名称 地址"),
        ("某某有限公司（南山分公司）", "某某有限公司（南山分公司）"),  # Chinese punctuation kept
        ("联系电话：１３８－００１３－８０００", "联系电话：138-0013-8000"),
        (13800138000.0, "13800138000"),
        (12.5, "12.5"),
        (42, "42"),
        (dt.date(2026, 1, 2), "2026-01-02"),
    ],
)
def test_normalise(raw: object, expected: str) -> None:
    assert normalise(raw) == expected


def test_normalise_punctuation_for_matching() -> None:
    assert normalise("注册资本（万元）：", cjk_punctuation=False) == "注册资本(万元):"


def test_normalise_keep_newlines() -> None:
    raw = "  第一行  有  空格 \r\n\r\n\r\n第二行\u200b\r\n\n"
    assert normalise(raw, keep_newlines=True) == "第一行 有 空格\n\n第二行"


@given(st.text())
def test_normalise_is_idempotent(s: str) -> None:
    once = normalise(s)
    assert normalise(once) == once
    assert once == once.strip()
    assert "  " not in once


def test_is_blank() -> None:
    assert is_blank(None)
    assert is_blank("  \u3000\u200b ")
    assert not is_blank(0)
    assert not is_blank("0")


# --- parse_bool ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["是", "有", "Y", "y", "YES", "true", "True", "1", "√", "✓", " 是 ", "Ｙ", "１", 1, 1.0, True]
)
def test_parse_bool_true(raw: object) -> None:
    assert parse_bool(raw) is True


@pytest.mark.parametrize("raw", ["否", "无", "N", "no", "FALSE", "0", "×", "✗", "没有", 0, 0.0, False])
def test_parse_bool_false(raw: object) -> None:
    assert parse_bool(raw) is False


@pytest.mark.parametrize("raw", ["可能", "X", "2", 2, "是的吧"])
def test_parse_bool_rejects(raw: object) -> None:
    with pytest.raises(CellError) as err:
        parse_bool(raw)
    assert err.value.code == "bool"
    assert "是/否" in err.value.zh
    assert "yes/no" in err.value.en
    assert err.value.value == raw


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_parse_bool_empty(raw: object) -> None:
    with pytest.raises(CellError) as err:
        parse_bool(raw)
    assert err.value.code == "empty"


# --- parse_date ------------------------------------------------------------------------------

JAN2 = dt.date(2026, 1, 2)


@pytest.mark.parametrize(
    "raw",
    [
        "2026-01-02",
        "2026-1-2",
        "2026/1/2",
        "2026/01/02",
        "2026.1.2",
        "2026年1月2日",
        "2026 年 1 月 2 日",
        "2026年01月02号",
        "２０２６年１月２日",
        "２０２６－０１－０２",
        "20260102",
        " 2026-01-02 ",
        "2026-01-02 08:30",
        "2026-01-02 08:30:15",
        "2026-01-02T08:30:15+08:00",
        "2026/1/2 8:05:00",
        JAN2,
        dt.datetime(2026, 1, 2, 23, 59),
        46024,  # Excel serial
        46024.99,  # serial with a time of day
        20260102,  # yyyymmdd typed as a number
    ],
)
def test_parse_date_accepts(raw: object) -> None:
    assert parse_date(raw) == JAN2


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, dt.date(1900, 1, 1)),
        (59, dt.date(1900, 2, 28)),
        (61, dt.date(1900, 3, 1)),  # after Excel's fictitious 29 February 1900
        (25569, dt.date(1970, 1, 1)),
        (36526, dt.date(2000, 1, 1)),
        (45658, dt.date(2025, 1, 1)),
        (2958465, dt.date(9999, 12, 31)),
    ],
)
def test_excel_serials(serial: int, expected: dt.date) -> None:
    assert excel_serial_to_date(serial) == expected
    assert parse_date(serial) == expected or 1900 <= serial <= 2100


def test_excel_serial_60_is_the_leap_year_bug() -> None:
    with pytest.raises(CellError) as err:
        parse_date(60)
    assert err.value.code == "excel_serial"
    assert "1900-02-29" in err.value.en
    assert "1900年2月29日" in err.value.zh


@pytest.mark.parametrize("serial", [0, -5, 0.5, 2958466, float("nan"), float("inf")])
def test_excel_serial_out_of_range(serial: float) -> None:
    with pytest.raises(CellError) as err:
        parse_date(serial)
    assert err.value.code == "excel_serial"


def test_bare_year_number_is_refused() -> None:
    with pytest.raises(CellError) as err:
        parse_date(2026)
    assert err.value.code == "date_format"
    assert "year" in err.value.en


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("2026-02-30", "date_invalid"),
        ("2026年13月1日", "date_invalid"),
        ("20261301", "date_invalid"),
        (20261301, "date_invalid"),
        ("26-1-2", "date_two_digit_year"),  # refused: no century window stated
        ("02/01/2026", "date_format"),
        ("2026-1/2", "date_format"),
        ("明天", "date_format"),
        ("2026年1月", "date_format"),
        ("", "empty"),
        (None, "empty"),
        (True, "type"),
        ([2026, 1, 2], "type"),
    ],
)
def test_parse_date_rejects(raw: object, code: str) -> None:
    with pytest.raises(CellError) as err:
        parse_date(raw)
    assert err.value.code == code
    assert err.value.zh and err.value.en
    assert " / " in str(err.value)


def test_parse_date_message_quotes_the_value() -> None:
    with pytest.raises(CellError) as err:
        parse_date("2026-02-30")
    assert "“2026-02-30”" in err.value.zh
    assert "month 2, day 30" in err.value.en


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)))
def test_excel_serial_round_trip(day: dt.date) -> None:
    serial = (day - dt.date(1899, 12, 30)).days
    assert excel_serial_to_date(serial) == day
    assert parse_date(day.isoformat()) == day
    assert parse_date(f"{day.year}年{day.month}月{day.day}日") == day


# --- parse_decimal / parse_int ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("123", Decimal("123")),
        ("１２３", Decimal("123")),
        ("1,234,567.89", Decimal("1234567.89")),
        ("１，２３４．５", Decimal("1234.5")),
        ("1234.50元", Decimal("1234.50")),
        ("¥1,000", Decimal("1000")),
        ("￥ 1,000 元", Decimal("1000")),
        ("-12.5", Decimal("-12.5")),
        ("−3", Decimal("-3")),
        ("+.5", Decimal("0.5")),
        ("  42  ", Decimal("42")),
        (7, Decimal("7")),
        (0.1, Decimal("0.1")),
        (2.5, Decimal("2.5")),
        (Decimal("3.30"), Decimal("3.30")),
    ],
)
def test_parse_decimal(raw: object, expected: Decimal) -> None:
    assert parse_decimal(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.5万", Decimal("15000")),
        ("12万元", Decimal("120000")),
        ("１２万", Decimal("120000")),
        ("300", Decimal("300")),
    ],
)
def test_parse_decimal_wan(raw: str, expected: Decimal) -> None:
    assert parse_decimal(raw, allow_wan=True) == expected


def test_wan_needs_permission() -> None:
    with pytest.raises(CellError) as err:
        parse_decimal("12万")
    assert err.value.code == "wan_not_allowed"
    assert "万" in err.value.zh


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1,23", "number_format"),
        ("12,3456", "number_format"),
        ("12 34", "number_format"),
        ("abc", "number_format"),
        ("1e5", "number_format"),
        ("12.3.4", "number_format"),
        ("元", "number_format"),
        ("", "empty"),
        (None, "empty"),
        (True, "type"),
        (float("nan"), "number_format"),
        (Decimal("Infinity"), "number_format"),
        (dt.date(2026, 1, 2), "type"),
    ],
)
def test_parse_decimal_rejects(raw: object, code: str) -> None:
    with pytest.raises(CellError) as err:
        parse_decimal(raw)
    assert err.value.code == code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12", 12), ("１，２００", 1200), (3.0, 3), ("3.00", 3), (7, 7), ("-4", -4), ("２万", 20000)],
)
def test_parse_int(raw: object, expected: int) -> None:
    assert parse_int(raw, allow_wan=True) == expected
    assert isinstance(parse_int(raw, allow_wan=True), int)


@pytest.mark.parametrize("raw", ["1.5", 2.5, "1.23456万"])
def test_parse_int_rejects_fractions(raw: object) -> None:
    with pytest.raises(CellError) as err:
        parse_int(raw, allow_wan=True)
    assert err.value.code == "number_not_integer"
    assert "整数" in err.value.zh


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_thousands_separated_integers_round_trip(n: int) -> None:
    assert parse_int(f"{n:,}") == n
    assert parse_int(str(n)) == n
