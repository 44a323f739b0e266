"""Occupational-hazard declarations (职业病危害项目申报).

Categories: 《职业病危害因素分类目录》(国卫疾控发〔2015〕92号): 粉尘, 化学因素, 物理因素,
放射性因素, 生物因素, 其他因素 (459 factors). Declarations (职业病防治法 Art. 16;
原安监总局令第48号《职业病危害项目申报办法》; current 卫健 practice, regulations.md §11.2):

* initial (首次申报): within 30 days of the project's completion acceptance;
* change (变更申报): within 15 days of a substantial change;
* annual update (年度更新): 11–13 months after the previous declaration; later than 13 months is late.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Final

__all__ = [
    "ANNUAL_EARLIEST_MONTHS",
    "ANNUAL_LATEST_MONTHS",
    "CATEGORIES",
    "CHANGE_DAYS",
    "INITIAL_DAYS",
    "Kind",
    "add_months",
    "annual_window",
    "declaration_due",
]

CATEGORIES: Final[tuple[tuple[str, str, str], ...]] = (
    ("dust", "粉尘", "Dust"),
    ("chemical", "化学因素", "Chemical"),
    ("physical", "物理因素", "Physical"),
    ("radiation", "放射性因素", "Radiation"),
    ("biological", "生物因素", "Biological"),
    ("other", "其他因素", "Other"),
)
INITIAL_DAYS: Final = 30
CHANGE_DAYS: Final = 15
ANNUAL_EARLIEST_MONTHS: Final = 11
ANNUAL_LATEST_MONTHS: Final = 13


class Kind(StrEnum):
    INITIAL = "initial"
    CHANGE = "change"
    ANNUAL = "annual"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when that day does not exist)."""
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def annual_window(previous: dt.date) -> tuple[dt.date, dt.date]:
    """The annual update's window: 11 to 13 months after the previous declaration."""
    return add_months(previous, ANNUAL_EARLIEST_MONTHS), add_months(previous, ANNUAL_LATEST_MONTHS)


def declaration_due(kind: Kind, event_on: dt.date) -> dt.date:
    """When a declaration is due: ``event_on`` is the acceptance (initial), the change (change)
    or the previous declaration (annual)."""
    if kind == Kind.INITIAL:
        return event_on + dt.timedelta(days=INITIAL_DAYS)
    if kind == Kind.CHANGE:
        return event_on + dt.timedelta(days=CHANGE_DAYS)
    return annual_window(event_on)[1]
