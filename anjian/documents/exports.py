"""Streamed exports of any filtered list: CSV (UTF-8 with BOM, so Excel opens Chinese right)
and Excel (xlsxwriter in constant-memory mode into a temporary file). No row cap; memory stays
flat because rows come from ``QuerySet.iterator()`` in chunks."""

from __future__ import annotations

import csv
import datetime as dt
import mimetypes
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]


def column(value: str | Callable[[Any], Any], header: str) -> Column:
    """An export column from an attribute name (``"number"``) or a function of the row."""
    if callable(value):
        return Column(header, value)
    return Column(header, lambda row, attr=value: getattr(row, attr))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    """A value as CSV text: dates ``YYYY-MM-DD``, local datetimes ``YYYY-MM-DD HH:MM``, booleans
    是/否, and text starting with ``= + - @`` (or a TAB/CR) guarded by a leading ``'`` — a CSV
    cell has no type, so Excel and WPS would read it as a formula. Importing strips the guard
    (``tabular.unguard``)."""
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            if timezone.is_aware(value)
            else value.strftime("%Y-%m-%d %H:%M")
        )
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return value
    text = str(value) if not isinstance(value, (int, float)) else value
    # Formula injection (OWASP "CSV injection"): a cell starting with = + - @, a TAB or a CR is
    # data, never a formula.
    if isinstance(text, str) and text[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def iter_csv(rows: Iterable[Any], columns: Sequence[Column]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([c.header for c in columns])
    for row in rows:
        yield writer.writerow([_cell(c.value(row)) for c in columns])


def _disposition(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"


def bytes_response(data: bytes, filename: str) -> HttpResponse:
    """A file generated in memory (Word notice, Excel template …) as a download: the type follows
    the extension, the (Chinese) name is RFC 5987-encoded."""
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = _disposition(filename)
    return response


def csv_response(rows: Iterable[Any], columns: Sequence[Column], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(iter_csv(rows, columns), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _disposition(filename)
    return response


def _local(value: dt.datetime) -> dt.datetime:
    moment = timezone.localtime(value) if timezone.is_aware(value) else value
    return moment.replace(tzinfo=None)


def write_xlsx(rows: Iterable[Any], columns: Sequence[Column], path: str, *, sheet: str = "Sheet1") -> int:
    """The rows as a typed workbook that opens cleanly in Excel and WPS: numbers (``Decimal``
    too) as numbers, dates as date cells (``yyyy-mm-dd``), datetimes as local date-time cells
    (``yyyy-mm-dd hh:mm``), booleans as 是/否, everything else as a text cell (type ``s``). A
    typed text cell is never evaluated, so text starting with ``= + - @`` is written as it is,
    without the apostrophe CSV needs."""
    import xlsxwriter  # heavy optional library: imported on use

    workbook = xlsxwriter.Workbook(
        path,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
         "strings_to_numbers": False},
    )
    ws = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True, "bg_color": "#E7F0FF", "border": 1})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for col, c in enumerate(columns):
        ws.write_string(0, col, c.header, bold)
        ws.set_column(col, col, max(10, min(40, len(c.header) * 2 + 4)))
    ws.freeze_panes(1, 0)
    n = 0
    for n, row in enumerate(rows, start=1):
        for col, c in enumerate(columns):
            value = c.value(row)
            if value is None:
                continue
            if isinstance(value, bool):
                ws.write_string(n, col, "是" if value else "否")
            elif isinstance(value, int | float | Decimal):
                ws.write_number(n, col, float(value) if isinstance(value, Decimal) else value)
            elif isinstance(value, dt.datetime):
                ws.write_datetime(n, col, _local(value), moment)
            elif isinstance(value, dt.date):
                ws.write_datetime(n, col, value, day)
            else:
                ws.write_string(n, col, str(value))
    workbook.close()
    return n


def xlsx_response(rows: Iterable[Any], columns: Sequence[Column], filename: str) -> FileResponse:
    tmp = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by FileResponse
    write_xlsx(rows, columns, tmp.name)
    tmp.seek(0)
    return FileResponse(
        tmp,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
