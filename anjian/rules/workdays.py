"""Working days (工作日) for deadlines written as "N个工作日".

A working day is Monday to Friday, except the public holidays fixed each year by the State
Council's notice on holiday arrangements (国务院办公厅关于某年部分节假日安排的通知), plus the
weekend days that notice turns into working days (调休上班). The table below holds the notices
known to this release:

* 2025: 国办发明电〔2024〕12号 ☑️ (元旦 1-1; 春节 1-28…2-4, 1-26 and 2-8 worked; 清明 4-4…4-6;
  劳动节 5-1…5-5, 4-27 worked; 端午 5-31…6-2; 国庆·中秋 10-1…10-8, 9-28 and 10-11 worked).
* 2026: 国办发明电〔2025〕7号 ☑️ (元旦 1-1…1-3, 1-4 worked; 春节 2-15…2-23, 2-14 and 2-28
  worked; 清明 4-4…4-6; 劳动节 5-1…5-5, 5-9 worked; 端午 6-19…6-21; 中秋 9-25…9-27;
  国庆 10-1…10-7, 9-20 and 10-10 worked).

Years without a notice in the table count Monday–Friday only; a caller may pass its own
calendar (``holidays`` and ``extra_workdays``) to cover them. Pure Python: no Django import.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

__all__ = ["EXTRA_WORKDAYS", "HOLIDAYS", "add_working_days", "is_working_day"]


def _span(first: date, last: date) -> set[date]:
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


HOLIDAYS: Final[frozenset[date]] = frozenset(
    {date(2025, 1, 1)}
    | _span(date(2025, 1, 28), date(2025, 2, 4))
    | _span(date(2025, 4, 4), date(2025, 4, 6))
    | _span(date(2025, 5, 1), date(2025, 5, 5))
    | _span(date(2025, 5, 31), date(2025, 6, 2))
    | _span(date(2025, 10, 1), date(2025, 10, 8))
    | _span(date(2026, 1, 1), date(2026, 1, 3))
    | _span(date(2026, 2, 15), date(2026, 2, 23))
    | _span(date(2026, 4, 4), date(2026, 4, 6))
    | _span(date(2026, 5, 1), date(2026, 5, 5))
    | _span(date(2026, 6, 19), date(2026, 6, 21))
    | _span(date(2026, 9, 25), date(2026, 9, 27))
    | _span(date(2026, 10, 1), date(2026, 10, 7))
)
"""Public holidays (including the weekend days inside a holiday block)."""

EXTRA_WORKDAYS: Final[frozenset[date]] = frozenset(
    {
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }
)
"""Weekend days worked in exchange for a holiday (调休上班)."""


def is_working_day(
    day: date,
    *,
    holidays: frozenset[date] = HOLIDAYS,
    extra_workdays: frozenset[date] = EXTRA_WORKDAYS,
) -> bool:
    """True when ``day`` is a working day under the calendar."""
    if day in extra_workdays:
        return True
    if day in holidays:
        return False
    return day.weekday() < 5


def add_working_days(
    start: date,
    days: int,
    *,
    holidays: frozenset[date] = HOLIDAYS,
    extra_workdays: frozenset[date] = EXTRA_WORKDAYS,
) -> date:
    """The last day of a period of ``days`` working days that starts the day after ``start``.

    As for every period in Chinese administrative law (行政许可法 Art. 82; 民法典 Art. 201:
    the day of the event is not counted), the count begins on the next day; only working days
    count. ``days`` = 0 is ``start`` itself.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day, left = start, days
    while left:
        day += timedelta(days=1)
        if is_working_day(day, holidays=holidays, extra_workdays=extra_workdays):
            left -= 1
    return day
