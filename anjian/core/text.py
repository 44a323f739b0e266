"""Cleaning and parsing the cell values real ledgers (台账) contain.

People type full-width digits (``１２３``), paste text with zero-width characters, write
``是/否`` or ``√/×`` for yes/no, dates as ``2026年1月2日`` or as Excel serial numbers, and amounts
as ``1,234.5元`` or ``12万``. Each ``parse_*`` function accepts what a spreadsheet reader hands
over (``str``, ``int``, ``float``, ``datetime`` …) and either returns a clean Python value or
raises ``CellError`` with a message in Chinese and English that quotes the value and says what
was expected. The caller adds the row and column.

Pure Python, no Django import.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Final

__all__ = [
    "CellError",
    "excel_serial_to_date",
    "is_blank",
    "normalise",
    "parse_bool",
    "parse_date",
    "parse_decimal",
    "parse_headcount",
    "parse_int",
    "parse_month",
    "two_digit_year",
]


class CellError(ValueError):
    """A cell value that cannot be read as the expected type.

    ``code`` is a stable machine code (``empty``, ``bool``, ``date_format``, ``date_invalid``,
    ``excel_serial``, ``number_format``, ``number_not_integer``, ``wan_not_allowed``, ``type``);
    ``zh`` and ``en`` are the messages; ``value`` is the offending input.
    """

    def __init__(self, code: str, zh: str, en: str, value: object) -> None:
        super().__init__(f"{zh} / {en}")
        self.code = code
        self.zh = zh
        self.en = en
        self.value = value


# --- normalise -------------------------------------------------------------------------------

# Zero-width and invisible formatting characters seen in pasted text: zero-width space,
# non-joiner, joiner, word joiner, BOM / zero-width no-break space, soft hyphen, LRM/RLM marks.
_INVISIBLE: Final = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"))

# Full-width punctuation that belongs in Chinese prose and is kept as it is by default.
_CJK_PUNCTUATION: Final = "！（），：；？"
_KEEP_PLACEHOLDER: Final = {ch: f"\ue000{i}\ue001" for i, ch in enumerate(_CJK_PUNCTUATION)}

_SPACES: Final = re.compile(r"\s+")
_LINE_SPACES: Final = re.compile(r"[^\S\n]+")


def normalise(value: object, *, keep_newlines: bool = False, cjk_punctuation: bool = True) -> str:
    """Clean a cell value into a plain string.

    - ``None`` → ``""``; ``str`` is cleaned; a ``float`` that is a whole number loses its
      ``.0`` (``13800138000.0`` → ``"13800138000"``); other values go through ``str()``.
    - Unicode NFKC: full-width digits, letters and spaces become ASCII (``ＡＢ１２`` → ``AB12``),
      non-breaking and ideographic spaces become spaces, compatibility ideographs become the
      ordinary ones. The full-width punctuation of Chinese prose — ``！（），：；？`` — is kept
      unless ``cjk_punctuation=False`` (then it becomes ASCII too, handy for matching).
    - Zero-width characters (ZWSP, ZWJ, BOM, soft hyphen, direction marks) are removed.
    - Leading/trailing whitespace is stripped and internal runs collapse to one space. With
      ``keep_newlines=True`` line breaks survive (``\\r\\n`` → ``\\n``), each line is cleaned and
      runs of blank lines become one.
    """
    if value is None:
        return ""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, str):
        text = value
    else:
        text = str(value)
    text = text.translate(_INVISIBLE)
    # Most cells (ASCII, ordinary Chinese) are already in NFKC form: the quick check (C code)
    # spares them the placeholder round trip, which matters at 100,000 rows × 30 cells.
    if not unicodedata.is_normalized("NFKC", text):
        if cjk_punctuation:
            for ch, mark in _KEEP_PLACEHOLDER.items():
                text = text.replace(ch, mark)
        text = unicodedata.normalize("NFKC", text)
        if cjk_punctuation:
            for ch, mark in _KEEP_PLACEHOLDER.items():
                text = text.replace(mark, ch)
    if not keep_newlines:
        return _SPACES.sub(" ", text).strip()
    lines = [
        _LINE_SPACES.sub(" ", line).strip()
        for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def is_blank(value: object) -> bool:
    """``True`` for ``None`` and for strings that are empty after ``normalise``."""
    if value is None:
        return True
    return isinstance(value, str) and not normalise(value)


def _shown(value: object) -> str:
    text = repr(value) if not isinstance(value, str) else f"“{value}”"
    return text if len(text) <= 60 else text[:57] + "…"


def _empty(value: object, what_zh: str, what_en: str) -> CellError:
    return CellError("empty", f"为空，应填写{what_zh}", f"empty; {what_en} expected", value)


# --- booleans --------------------------------------------------------------------------------

_TRUE: Final = frozenset(
    {"是", "有", "对", "涉及", "存在", "y", "yes", "true", "t", "1", "√", "✓", "✔", "☑", "☒"}
)
_FALSE: Final = frozenset(
    {"否", "无", "没有", "不是", "不涉及", "未涉及", "不存在", "n", "no", "false", "f", "0", "×", "✗", "✘", "☐"}
)


def parse_bool(value: object) -> bool:
    """``是/否``, ``有/无``, ``涉及/不涉及``, ``存在/不存在``, ``Y/N``, ``yes/no``, ``true/false``,
    ``1/0``, ``√/×`` (and ``✓ ✗``, ``☑ ☐``) →
    ``bool``; an actual ``bool`` or the numbers 1 and 0 are accepted too. Anything else, including
    an empty cell, raises ``CellError``. ``X`` is deliberately not accepted: on forms it may mean
    "ticked" as well as "no"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value in _TRUE:  # already clean (是, 否 …): most flag cells
        return True
    if isinstance(value, str) and value in _FALSE:
        return False
    if is_blank(value):
        raise _empty(value, "“是”或“否”", "yes/no")
    text = normalise(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(
        "bool",
        f"{_shown(value)} 不是是/否值，应为 是/否、有/无、Y/N、√/×、1/0 之一",
        f"{_shown(value)} is not a yes/no value; expected one of 是/否, 有/无, Y/N, yes/no, true/false, √/×, 1/0",
        value,
    )


# --- dates -----------------------------------------------------------------------------------

_EXCEL_EPOCH: Final = dt.date(1899, 12, 30)  # serial 61 ↔ 1900-03-01 counting from here
_EXCEL_MAX_SERIAL: Final = 2_958_465  # 9999-12-31


def excel_serial_to_date(serial: float | int) -> dt.date:
    """The date of an Excel serial number in the 1900 date system (the Windows default).

    Excel counts 1900-01-01 as day 1 and, copying Lotus 1-2-3, believes 1900 was a leap year:
    serial 60 is the non-existent 1900-02-29, so serials 1–59 are one day off from a plain
    count. Serial 60 and anything below 1 or beyond 9999-12-31 raise ``CellError``. The time of
    day (the fraction) is ignored.
    """
    if not math.isfinite(serial) or serial < 1 or serial >= _EXCEL_MAX_SERIAL + 1:
        raise CellError(
            "excel_serial",
            f"{_shown(serial)} 不是有效的 Excel 日期序号（应在 1 到 {_EXCEL_MAX_SERIAL} 之间）",
            f"{_shown(serial)} is not a valid Excel date serial (1 to {_EXCEL_MAX_SERIAL})",
            serial,
        )
    day = int(serial)
    if day == 60:
        raise CellError(
            "excel_serial",
            "Excel 日期序号 60 表示不存在的 1900年2月29日（Excel 把 1900 年误作闰年），请核对日期",
            "Excel serial 60 is 1900-02-29, a day that never existed (Excel treats 1900 as a leap year); check the date",
            serial,
        )
    if day < 60:
        day += 1
    return _EXCEL_EPOCH + dt.timedelta(days=day)


_TIME: Final = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DATE_PATTERNS: Final = (
    # 2026-01-02, 2026/1/2, 2026.1.2 — the same separator twice — optionally with a time
    re.compile(r"(?P<y>\d{4}) ?(?P<sep>[-/.]) ?(?P<m>\d{1,2}) ?(?P=sep) ?(?P<d>\d{1,2})" + _TIME),
    # 2026年1月2日 (or 号, or nothing), optionally followed by a time
    re.compile(r"(?P<y>\d{4}) ?年 ?(?P<m>\d{1,2}) ?月 ?(?P<d>\d{1,2}) ?[日号]?(?: ?\d{1,2} ?[:时].*)?"),
    # 20260102
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
)
# The same forms with a two-digit year: 23.1.26, 23-01-26, 23/1/26, 23年1月26日.
_SHORT_PATTERNS: Final = (
    re.compile(r"(?P<y>\d{2}) ?(?P<sep>[-/.]) ?(?P<m>\d{1,2}) ?(?P=sep) ?(?P<d>\d{1,2})" + _TIME),
    re.compile(r"(?P<y>\d{2}) ?年 ?(?P<m>\d{1,2}) ?月 ?(?P<d>\d{1,2}) ?[日号]?(?: ?\d{1,2} ?[:时].*)?"),
)
# Month and year only: 2014年3月, 2014-03, 2014/3, 2014.3, 201403.
_MONTH_PATTERNS: Final = (
    re.compile(r"(?P<y>\d{4}) ?年 ?(?P<m>\d{1,2}) ?(?:月份?)?"),
    re.compile(r"(?P<y>\d{4}) ?[-/.] ?(?P<m>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})"),
)


def two_digit_year(year: int, pivot: int) -> int:
    """The full year of a two-digit year under the stated window: ``00``–``pivot`` are
    20xx, ``pivot+1``–``99`` are 19xx (``pivot=30``: ``23`` → 2023, ``85`` → 1985)."""
    if not 0 <= pivot <= 99 or not 0 <= year <= 99:
        raise ValueError("two-digit year and pivot must be 0-99")
    return 2000 + year if year <= pivot else 1900 + year


def parse_date(value: object, *, pivot: int | None = None) -> dt.date:
    """A date from what a ledger holds.

    - ``date`` / ``datetime`` (the time is dropped);
    - numbers: an Excel serial in the 1900 system (see ``excel_serial_to_date``), or an
      eight-digit ``20260102`` typed as a number;
    - text: ``2026-01-02``, ``2026/1/2``, ``2026.1.2``, ``2014.02.09`` (each optionally followed
      by a time), ``2023年01月26日`` (``号`` also), ``20140209``; full-width digits are fine;
    - two-digit years (``23.1.26``, ``23-01-26``, ``23年1月26日``) only with a stated window:
      ``pivot`` — years ``00``–``pivot`` are 20xx, the others 19xx (``two_digit_year``);
      without it they are refused, saying why.

    Day/month orders such as ``02/01/2026`` are refused as ambiguous.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError("type", f"{_shown(value)} 不是日期", f"{_shown(value)} is not a date", value)
    if isinstance(value, int | float):
        if isinstance(value, int) or value.is_integer():
            as_int = int(value)
            if 10_000_101 <= as_int <= 99_991_231:  # a yyyymmdd number (beyond any Excel serial)
                return _ymd(str(as_int)[:4], str(as_int)[4:6], str(as_int)[6:], value)
            if 1900 <= as_int <= 2100:  # serial 1900-2100 is 1905: surely a bare year
                raise CellError(
                    "date_format",
                    f"{_shown(value)} 看起来只是年份，请填写完整日期（如 {as_int}-01-02）",
                    f"{_shown(value)} looks like a year only; enter a full date (like {as_int}-01-02)",
                    value,
                )
        return excel_serial_to_date(value)
    if is_blank(value):
        raise _empty(value, "日期", "a date")
    if not isinstance(value, str):
        raise CellError("type", f"{_shown(value)} 不是日期", f"{_shown(value)} is not a date", value)
    text = normalise(value)
    if text.isdigit() and len(text) <= 5 and not text.startswith("0"):
        # an Excel serial that arrived as text (a CSV saved from Excel, a pasted value)
        return parse_date(int(text), pivot=pivot)
    for pattern in _DATE_PATTERNS:
        m = pattern.fullmatch(text)
        if m:
            return _ymd(m["y"], m["m"], m["d"], value)
    for pattern in _SHORT_PATTERNS:
        m = pattern.fullmatch(text)
        if m:
            if pivot is None:
                raise CellError(
                    "date_two_digit_year",
                    f"{_shown(value)} 的年份只有两位，无法确定世纪，请写四位年份（如 20{m['y']}-…）",
                    f"{_shown(value)} has a two-digit year and no century window was stated; write the year "
                    f"with four digits (like 20{m['y']}-…)",
                    value,
                )
            return _ymd(str(two_digit_year(int(m["y"]), pivot)), m["m"], m["d"], value)
    raise CellError(
        "date_format",
        f"{_shown(value)} 不是可识别的日期，应写成 2026-01-02、2026/1/2 或 2026年1月2日",
        f"{_shown(value)} is not a recognised date; write it as 2026-01-02, 2026/1/2 or 2026年1月2日",
        value,
    )


def parse_month(value: object, *, pivot: int | None = None) -> dt.date:
    """The first day of the month a historical record gives: ``2014年3月``, ``2014-03``,
    ``2014/3``, ``2014.3``, ``201403``, or any full date ``parse_date`` reads (its day is kept:
    a precise date stays precise). A year alone is refused."""
    if isinstance(value, str):
        text = normalise(value)
        for pattern in _MONTH_PATTERNS:
            m = pattern.fullmatch(text)
            if m:
                return _ymd(m["y"], m["m"], "1", value)
    if isinstance(value, int) and not isinstance(value, bool) and 190_001 <= value <= 210_012:
        return _ymd(str(value)[:4], str(value)[4:], "1", value)
    try:
        return parse_date(value, pivot=pivot)
    except CellError as exc:
        if exc.code != "date_format":
            raise
        raise CellError(
            "date_format",
            f"{_shown(value)} 不是可识别的日期或年月，应写成 2014-03-05、2014年3月 或 2014-03",
            f"{_shown(value)} is not a recognised date or month; write it as 2014-03-05, 2014年3月 or 2014-03",
            value,
        ) from None


def _ymd(year: str, month: str, day: str, original: object) -> dt.date:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise CellError(
            "date_invalid",
            f"{_shown(original)} 不是真实存在的日期（{year}年{int(month)}月{int(day)}日）",
            f"{_shown(original)} is not a real date (year {year}, month {int(month)}, day {int(day)})",
            original,
        ) from None


# --- numbers ---------------------------------------------------------------------------------

_NUMBER: Final = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_GROUPED: Final = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_CURRENCY_PREFIX: Final = ("¥", "￥", "RMB", "CNY")
_WAN: Final = Decimal(10_000)


# Words that make a count an estimate: 若干 (some), 多/余/以上 (more than), 约/左右 (about),
# 几/数 (a few), 不详/未知 (unknown). Such a cell is an error with its reason, never 0.
_VAGUE: Final = re.compile(r"若干|不详|未知|不清|左右|以上|以下|[约近多余几数]|[0-9]\s*\+$|^[><≥≤~～]")


def _vague(text: str, value: object) -> CellError | None:
    m = _VAGUE.search(text)
    if m is None:
        return None
    word = m.group(0).strip(" 0123456789")
    return CellError(
        "number_vague",
        f"{_shown(value)} 不是确切的数字（含“{word}”），请填写准确数值；不知道的请留空",
        f"{_shown(value)} is not an exact number (it says “{word}”, an estimate); enter the exact figure, "
        "or leave the cell empty if it is not known",
        value,
    )


def parse_decimal(value: object, *, allow_wan: bool = False, units: tuple[str, ...] = ()) -> Decimal:
    """A ``Decimal`` from a number or a text amount.

    ``units`` are the unit words the column may carry after the number (``("人", "名")`` for a
    head count: ``60人`` → 60). A vague quantity — ``若干``, ``约60``, ``60余人``, ``60多``,
    ``100以上``, ``50+``, ``不详`` — is refused with that reason (``number_vague``), never read
    as 0 or as the number it mentions.

    Accepted in text: full-width digits and signs, thousands separators (``1,234,567.8``, also
    with the full-width comma, groups of three checked — ``1,23`` is refused rather than guessed),
    a leading ``¥``/``￥``, a trailing ``元``, and the minus sign ``−``. With ``allow_wan=True``
    a trailing ``万``/``万元`` multiplies by 10,000 (``1.5万`` → ``15000``); without it ``万`` is
    an error, because in a column whose unit is already 万元 the suffix would be ambiguous.
    Floats are taken at their shortest repr (``0.1`` → ``Decimal("0.1")``).
    """
    if isinstance(value, bool):
        raise CellError("type", f"{_shown(value)} 不是数字", f"{_shown(value)} is not a number", value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError(
                "number_format",
                f"{_shown(value)} 不是有限数字",
                f"{_shown(value)} is not a finite number",
                value,
            )
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise CellError(
                "number_format",
                f"{_shown(value)} 不是有限数字",
                f"{_shown(value)} is not a finite number",
                value,
            )
        return value
    if is_blank(value):
        raise _empty(value, "数字", "a number")
    if not isinstance(value, str):
        raise CellError("type", f"{_shown(value)} 不是数字", f"{_shown(value)} is not a number", value)

    text = normalise(value, cjk_punctuation=False).replace("−", "-")
    for unit in sorted(units, key=len, reverse=True):
        if text.endswith(unit) and text[: -len(unit)].strip():
            text = text[: -len(unit)].rstrip()
            break
    if (vague := _vague(text, value)) is not None:
        raise vague
    if re.search(r"\d \d", text):
        raise CellError(
            "number_format",
            f"{_shown(value)} 数字中间有空格",
            f"{_shown(value)} has a space inside the number",
            value,
        )
    text = text.replace(" ", "")
    for prefix in _CURRENCY_PREFIX:
        if text.upper().startswith(prefix):
            text = text[len(prefix) :]
            break
    multiplier = Decimal(1)
    if text.endswith("元"):
        text = text[:-1]
    if text.endswith("万"):
        if not allow_wan:
            raise CellError(
                "wan_not_allowed",
                f"{_shown(value)} 带“万”字，此列请直接填写数字（注意本列单位）",
                f"{_shown(value)} has the suffix 万 (x10,000), not allowed in this column; enter a plain number "
                "(mind the column's unit)",
                value,
            )
        text = text[:-1]
        multiplier = _WAN
    if "," in text:
        if not _GROUPED.fullmatch(text):
            raise CellError(
                "number_format",
                f"{_shown(value)} 的千位分隔符位置不对（应为 1,234,567.89 这样每三位一个）",
                f"{_shown(value)} has misplaced thousands separators (expected groups of three, like 1,234,567.89)",
                value,
            )
        text = text.replace(",", "")
    if not _NUMBER.fullmatch(text):
        raise CellError(
            "number_format",
            f"{_shown(value)} 不是数字",
            f"{_shown(value)} is not a number",
            value,
        )
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above only lets numbers through
        raise CellError(
            "number_format", f"{_shown(value)} 不是数字", f"{_shown(value)} is not a number", value
        ) from None
    return number * multiplier if multiplier != 1 else number


def parse_int(value: object, *, allow_wan: bool = False, units: tuple[str, ...] = ()) -> int:
    """An ``int``: like ``parse_decimal`` (so ``1,200``, ``１２``, ``3.0``, with ``units``
    ``60人`` and, with ``allow_wan``, ``1.5万`` work) but the result must be a whole number."""
    number = parse_decimal(value, allow_wan=allow_wan, units=units)
    if number != number.to_integral_value():
        raise CellError(
            "number_not_integer",
            f"{_shown(value)} 不是整数",
            f"{_shown(value)} is not a whole number",
            value,
        )
    return int(number)


HEADCOUNT_UNITS: Final = ("人", "名", "人次")


def parse_headcount(value: object) -> int:
    """A number of people as ledgers write it: ``60``, ``６０``, ``60人``, ``60 名``, ``1,200人``.
    Negative counts and vague ones (``若干``, ``60余人``, ``约60人``) are refused."""
    number = parse_int(value, units=HEADCOUNT_UNITS)
    if number < 0:
        raise CellError("number_negative", f"{_shown(value)} 是负数，人数不能为负",
                        f"{_shown(value)} is negative; a number of people cannot be", value)
    return number


def parse_float(value: object) -> float:
    """A ``float`` (coordinates, measurements): what ``parse_decimal`` accepts, as a float."""
    return float(parse_decimal(value))
