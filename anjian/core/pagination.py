"""Keyset pagination: stable, index-friendly pages over million-row lists.

Pages are cut with ``WHERE (sort, id) < (last_sort, last_id)`` instead of OFFSET, so page 5,000
costs what page 1 costs. The cursor is opaque (base64 JSON) and lives in the URL."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import QueryDict


@dataclass
class Page:
    rows: list[Any]
    total: int
    next_url: str | None
    prev_url: str | None
    first_url: str | None
    total_capped: bool = False  # True: there are more than ``total`` rows (the count stopped there)


COUNT_LIMIT = 10_000
"""Lists count at most this many rows (shown as "10,000+"): an exact COUNT(*) over millions of
rows costs more than the page itself, and statistics pages give exact figures."""


def _encode(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode().rstrip("=")


def _decode(cursor: str) -> list[Any] | None:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, json.JSONDecodeError):
        return None
    return value if isinstance(value, list) and len(value) == 2 else None


def without_cursor(params: QueryDict) -> QueryDict:
    """A copy of a list's query parameters without the page cursor (filters only)."""
    q = params.copy()
    q.pop("after", None)
    q.pop("before", None)
    return q


def list_query(params: QueryDict) -> str:
    """The list's filters as a query string (for the export link and the filter form)."""
    return without_cursor(params).urlencode()


def _after_q(field: str, desc: bool, value: Any, pk: Any) -> Q:
    op = "lt" if desc else "gt"
    if field == "id":
        return Q(**{f"id__{op}": pk})
    return Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"id__{op}": pk})


def keyset_page(
    qs: QuerySet[Any], params: QueryDict, *, sort: str = "-id", size: int = 20, count: bool = True,
    count_limit: int | None = COUNT_LIMIT,
) -> Page:
    """One page of ``qs`` ordered by ``sort`` (one field, ``-`` for descending) then id.

    The total is exact up to ``count_limit`` rows (``SELECT COUNT(*) FROM (… LIMIT n + 1)``);
    beyond it ``total`` is the limit and ``total_capped`` is set. ``count_limit=None`` counts all."""
    desc = sort.startswith("-")
    field = sort.lstrip("-")
    order = [sort, "-id" if desc else "id"] if field != "id" else [sort]
    capped = False
    if not count:
        total = -1
    elif count_limit is None:
        total = qs.count()
    else:
        total = qs.order_by()[: count_limit + 1].count()
        capped = total > count_limit
        total = min(total, count_limit)
    after = _decode(params.get("after", ""))
    before = _decode(params.get("before", ""))
    page_qs = qs
    if after is not None:
        page_qs = page_qs.filter(_after_q(field, desc, after[0], after[1])).order_by(*order)
        rows = list(page_qs[: size + 1])
        has_more, has_prev = len(rows) > size, True
        rows = rows[:size]
    elif before is not None:
        reverse = [o[1:] if o.startswith("-") else f"-{o}" for o in order]
        page_qs = page_qs.filter(_after_q(field, not desc, before[0], before[1])).order_by(*reverse)
        rows = list(page_qs[: size + 1])
        has_prev = len(rows) > size
        rows = list(reversed(rows[:size]))
        has_more = True
    else:
        rows = list(page_qs.order_by(*order)[: size + 1])
        has_more, has_prev = len(rows) > size, False
        rows = rows[:size]

    def url(key: str, row: Any) -> str:
        q = without_cursor(params)
        q[key] = _encode([getattr(row, field), row.pk])
        return "?" + q.urlencode()

    first = without_cursor(params)
    return Page(
        rows=rows,
        total=total,
        next_url=url("after", rows[-1]) if rows and has_more else None,
        prev_url=url("before", rows[0]) if rows and has_prev else None,
        first_url=("?" + first.urlencode()) if has_prev else None,
        total_capped=capped,
    )
