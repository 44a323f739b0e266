"""Working days in mainland China: weekends, statutory holidays and adjusted working days (调休).

The holidays themselves are fixed by 《全国年节及纪念日放假办法》 (国务院令第270号, last amended by
国务院令第795号, 2024-11-10, effective 2025-01-01). Which calendar days are off, and which weekend
days are worked in exchange (调休), is published each year by the General Office of the State
Council. The table below restates those notices:

* 2024 — 《国务院办公厅关于2024年部分节假日安排的通知》(国办发明电〔2023〕7号);
* 2025 — 《国务院办公厅关于2025年部分节假日安排的通知》(国办发明电〔2024〕12号);
* 2026 — 《国务院办公厅关于2026年部分节假日安排的通知》(国办发明电〔2025〕7号).

A year that is not in the table raises :class:`HolidayDataMissing`: a deadline is never guessed.
Add the year's notice here when it is published (usually in November of the year before).
"""

from __future__ import annotations

import datetime as dt
from typing import Final

__all__ = [
    "HOLIDAYS",
    "KNOWN_YEARS",
    "WORKING_WEEKENDS",
    "HolidayDataMissing",
    "add_working_days",
    "add_working_days_earliest",
    "is_working_day",
    "next_working_day",
]


class HolidayDataMissing(ValueError):
    """The State Council's holiday notice for a year is not in the table."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.zh = f"尚无 {year} 年的节假日安排数据（国务院办公厅年度通知），无法计算工作日"
        self.en = f"No holiday schedule for {year} (the State Council's yearly notice): working days cannot be counted"
        super().__init__(f"{self.zh} / {self.en}")


def _days(year: int, spans: tuple[tuple[int, int, int, int], ...]) -> frozenset[dt.date]:
    out: set[dt.date] = set()
    for m1, d1, m2, d2 in spans:
        day = dt.date(year, m1, d1)
        end = dt.date(year, m2, d2)
        while day <= end:
            out.add(day)
            day += dt.timedelta(days=1)
    return frozenset(out)


HOLIDAYS: Final[dict[int, frozenset[dt.date]]] = {
    # 国办发明电〔2023〕7号
    2024: _days(
        2024,
        (
            (1, 1, 1, 1),
            (2, 10, 2, 17),
            (4, 4, 4, 6),
            (5, 1, 5, 5),
            (6, 10, 6, 10),
            (9, 15, 9, 17),
            (10, 1, 10, 7),
        ),
    ),
    # 国办发明电〔2024〕12号
    2025: _days(
        2025, ((1, 1, 1, 1), (1, 28, 2, 4), (4, 4, 4, 6), (5, 1, 5, 5), (5, 31, 6, 2), (10, 1, 10, 8))
    ),
    # 国办发明电〔2025〕7号
    2026: _days(
        2026,
        (
            (1, 1, 1, 3),
            (2, 15, 2, 23),
            (4, 4, 4, 6),
            (5, 1, 5, 5),
            (6, 19, 6, 21),
            (9, 25, 9, 27),
            (10, 1, 10, 7),
        ),
    ),
}
"""Days off by the year's notice (holidays and the weekend days moved next to them)."""

WORKING_WEEKENDS: Final[dict[int, frozenset[dt.date]]] = {
    2024: frozenset(
        {
            dt.date(2024, 2, 4),
            dt.date(2024, 2, 18),
            dt.date(2024, 4, 7),
            dt.date(2024, 4, 28),
            dt.date(2024, 5, 11),
            dt.date(2024, 9, 14),
            dt.date(2024, 9, 29),
            dt.date(2024, 10, 12),
        }
    ),
    2025: frozenset(
        {
            dt.date(2025, 1, 26),
            dt.date(2025, 2, 8),
            dt.date(2025, 4, 27),
            dt.date(2025, 9, 28),
            dt.date(2025, 10, 11),
        }
    ),
    2026: frozenset(
        {
            dt.date(2026, 1, 4),
            dt.date(2026, 2, 14),
            dt.date(2026, 2, 28),
            dt.date(2026, 5, 9),
            dt.date(2026, 9, 20),
            dt.date(2026, 10, 10),
        }
    ),
}
"""Saturdays and Sundays that are working days (调休上班)."""

KNOWN_YEARS: Final[frozenset[int]] = frozenset(HOLIDAYS)


def _check(day: dt.date) -> None:
    if day.year not in KNOWN_YEARS:
        raise HolidayDataMissing(day.year)


def is_working_day(day: dt.date) -> bool:
    """Monday–Friday unless a holiday; Saturday/Sunday only when it is an adjusted working day."""
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise TypeError("day must be a date")
    _check(day)
    if day in HOLIDAYS[day.year]:
        return False
    if day in WORKING_WEEKENDS[day.year]:
        return True
    return day.weekday() < 5


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``start`` (``start`` itself is not counted, 民法典 Art. 201).

    ``n`` must be at least 1. Raises :class:`HolidayDataMissing` when a day to be counted falls in
    a year without data.
    """
    if isinstance(start, dt.datetime) or not isinstance(start, dt.date):
        raise TypeError("start must be a date")
    if n < 1:
        raise ValueError("n must be at least 1")
    day = start
    left = n
    while left:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def next_working_day(day: dt.date) -> dt.date:
    """``day`` if it is a working day, else the first working day after it.

    民法典 Art. 203: when the last day of a period is a statutory rest day (法定休假日, weekends
    included), the period ends on the day after the rest days end.
    """
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days_earliest(start: dt.date, n: int) -> dt.date:
    """Like :func:`add_working_days`, but a year without data counts Monday–Friday.

    The result is then the earliest day the period can end: a holiday only ever pushes a deadline
    later. Right for reminders and to-do dates; never for a consequence that follows from a period
    having run out (a plan deemed filed, a right lost) — use :func:`add_working_days` there.
    ``n`` = 0 is ``start`` itself.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    left = n
    while left:
        day += dt.timedelta(days=1)
        known = day.year in KNOWN_YEARS
        if (known and is_working_day(day)) or (not known and day.weekday() < 5):
            left -= 1
    return day
