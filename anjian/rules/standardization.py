"""企业安全生产标准化: grades, validity and the self-assessment score.

《企业安全生产标准化建设定级办法》(应急管理部, 2021-10-27): grades 一级 (highest), 二级, 三级;
valid for **3 years** (regulations.md §9, ⚠️ high confidence). Score thresholds are left to each
sector's grading standard; the fallback is the earlier 工贸 考评办法 (2011/2014): ≥ 90 points for
一级, ≥ 75 for 二级, ≥ 60 for 三级 on a 100-point scale (☑️).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

__all__ = ["GRADE_THRESHOLDS", "VALIDITY_YEARS", "grade_for_score", "percent_score", "valid_until"]

VALIDITY_YEARS: Final = 3
GRADE_THRESHOLDS: Final[tuple[tuple[str, Decimal], ...]] = (
    ("1", Decimal("90")),
    ("2", Decimal("75")),
    ("3", Decimal("60")),
)


def valid_until(issued_on: dt.date) -> dt.date:
    """The last day of validity: three years after issue, less a day (29 Feb → 28 Feb)."""
    if isinstance(issued_on, dt.datetime) or not isinstance(issued_on, dt.date):
        raise TypeError("issued_on must be a date")
    try:
        end = issued_on.replace(year=issued_on.year + VALIDITY_YEARS)
    except ValueError:
        end = issued_on.replace(year=issued_on.year + VALIDITY_YEARS, day=28)
    return end - dt.timedelta(days=1)


def percent_score(total_points: int, deducted: Decimal, not_applicable_points: int = 0) -> Decimal:
    """A self-assessment on a scoring table: (applicable points − deductions) / applicable
    points × 100, rounded to 0.1; items that do not apply leave the base (缺项不扣分、按比例折算)."""
    base = Decimal(total_points - not_applicable_points)
    if base <= 0:
        raise ValueError("no applicable points")
    if deducted < 0:
        raise ValueError("deductions cannot be negative")
    got = max(Decimal(0), base - deducted)
    return (got / base * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def grade_for_score(score: Decimal) -> str:
    """The grade a score reaches under the fallback thresholds ("" below 60)."""
    for grade, threshold in GRADE_THRESHOLDS:
        if score >= threshold:
            return grade
    return ""
