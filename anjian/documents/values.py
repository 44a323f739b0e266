"""Ledger values for the import specs: the ``core.text`` and ``rules.gb4754`` parsers wrapped for
rows (``RowError`` for the column, with the Chinese and English reason). Kept apart from the
import framework (``documents.imports``) so a spec can use them whatever the framework does.

See docs/mechanisms/import-export.md, "Values as ledgers write them".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeVar

from django.utils import timezone

from anjian.core.text import is_blank, parse_date
from anjian.documents.imports import RowError
from anjian.rules.gb4754 import InvalidIndustry, parse_industry

T = TypeVar("T")


def two_digit_pivot() -> int:
    """The stated window for two-digit years in imported ledgers: ``00`` up to this year's two
    digits are 20xx, later ones 19xx (in 2026: ``26`` → 2026, ``27`` → 1927)."""
    return timezone.localdate().year % 100


def parse_ledger_date(value: Any) -> dt.date:
    """``core.text.parse_date`` with the import window for two-digit years (``two_digit_pivot``)."""
    return parse_date(value, pivot=two_digit_pivot())


def read_sector(raw: Mapping[str, Any], key: str, column: str, sectors: Mapping[str, T]) -> T | None:
    """One GB/T 4754-2017 industry cell as ledgers write it (``C``, ``17``, ``171``, ``1713``,
    ``C1713``, ``C1713 棉印染精加工``, a name alone — ``rules.gb4754.parse_industry``) looked up in
    ``sectors`` (code → sector): the sector at the depth written, ``None`` when blank; an unknown
    code or a contradiction is a ``RowError`` for ``column`` with the reason."""
    value = raw.get(key)
    if is_blank(value):
        return None
    try:
        code = parse_industry(value)
    except InvalidIndustry as exc:
        raise RowError(column, exc.zh, exc.en, value) from exc
    sector = sectors.get(code)
    if sector is None:
        raise RowError(column, f"行业代码 {code} 未在本系统的行业表中", f"the industry code {code} is not in the sector table",
                       value)
    return sector
