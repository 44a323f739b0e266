"""Exports: CSV with a BOM and no formulas; xlsx streamed in constant memory."""

from __future__ import annotations

import datetime as dt
import tracemalloc

import openpyxl

from anjian.documents.exports import Column, csv_response, iter_csv, write_xlsx

ROWS = [
    {"name": "=HYPERLINK(\"http://x\")", "n": 3, "when": dt.date(2026, 1, 2), "ok": True},
    {"name": "+86 138", "n": -1, "when": None, "ok": False},
    {"name": "-5+3", "n": 1.5, "when": dt.datetime(2026, 1, 2, 1, 30, tzinfo=dt.UTC), "ok": None},
    {"name": "@SUM(A1)", "n": 0, "when": None, "ok": None},
    {"name": "普通, \"引号\"", "n": 7, "when": None, "ok": None},
]
COLUMNS = [
    Column("名称", lambda r: r["name"]),
    Column("数量", lambda r: r["n"]),
    Column("日期", lambda r: r["when"]),
    Column("是否", lambda r: r["ok"]),
]


def test_csv_has_bom_and_escapes_formulas():
    text = "".join(iter_csv(ROWS, COLUMNS))
    assert text.startswith("\ufeff名称,数量,日期,是否\r\n")
    assert text.split("\r\n")[1:-1] == [
        "\"'=HYPERLINK(\"\"http://x\"\")\",3,2026-01-02,是",
        "'+86 138,-1,,否",
        "'-5+3,1.5,2026-01-02 09:30,",
        "'@SUM(A1),0,,",
        "\"普通, \"\"引号\"\"\",7,,",
    ]


def test_csv_response_streams_with_utf8_filename():
    response = csv_response(iter(ROWS), COLUMNS, "企业清单.csv")
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''%E4%BC%81%E4%B8%9A%E6%B8%85%E5%8D%95.csv"
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff名称")


def test_xlsx_cells_are_typed_and_never_formulas(tmp_path):
    """xlsx cells carry their type: text is a text cell (type ``s``, never evaluated, so no
    apostrophe is shown before = + - @), numbers are numbers, dates are dates (local time)."""
    path = str(tmp_path / "x.xlsx")
    assert write_xlsx(ROWS, COLUMNS, path, sheet="企业") == 5
    ws = openpyxl.load_workbook(path)["企业"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0] == ["名称", "数量", "日期", "是否"]
    assert values[1] == ["=HYPERLINK(\"http://x\")", 3, dt.datetime(2026, 1, 2), "是"]
    assert values[2] == ["+86 138", -1, None, "否"]
    assert values[3] == ["-5+3", 1.5, dt.datetime(2026, 1, 2, 9, 30), None]
    assert values[4][0] == "@SUM(A1)"
    assert all(ws.cell(row=r, column=1).data_type == "s" for r in range(2, 7))
    assert ws.cell(row=2, column=2).data_type == "n"
    assert ws.cell(row=2, column=3).is_date and ws.cell(row=2, column=3).number_format == "yyyy-mm-dd"
    assert ws.cell(row=4, column=3).number_format == "yyyy-mm-dd hh:mm"
    assert ws.freeze_panes == "A2"


def test_xlsx_decimal_is_a_number(tmp_path):
    from decimal import Decimal

    path = str(tmp_path / "d.xlsx")
    write_xlsx([Decimal("1234.50")], [Column("金额", lambda d: d)], path)
    cell = openpyxl.load_workbook(path).active.cell(row=2, column=1)
    assert (cell.value, cell.data_type) == (1234.5, "n")


def test_csv_guard_is_stripped_on_import():
    from anjian.documents.tabular import unguard

    assert [unguard(v) for v in ("'=1+1", "'+86", "'-5", "'@x", "'abc", "=1", "'", 5, None)] == [
        "=1+1", "+86", "-5", "@x", "'abc", "=1", "'", 5, None]


def test_xlsx_memory_stays_flat(tmp_path):
    """Peak traced memory is the same for 2,000 and 20,000 rows (constant-memory mode): a writer
    that kept rows would grow tenfold. (tracemalloc slows writing ~5x, hence the modest sizes.)"""
    columns = [Column("编号", lambda i: i), Column("名称", lambda i: f"企业{i:06d}"),
               Column("地址", lambda i: f"深圳市某区某街道{i % 977}号")]

    def peak(n: int) -> int:
        tracemalloc.start()
        try:
            assert write_xlsx(range(n), columns, str(tmp_path / f"{n}.xlsx")) == n
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    peak(200)  # warm up: imports and caches are not part of the measure
    small = peak(2_000)
    large = peak(20_000)
    assert large < 2 * 1024 * 1024, f"peak {large / 1e6:.2f} MB"
    assert large < small * 1.5 + 256 * 1024, f"memory grew with rows: {small} → {large}"
    ws = openpyxl.load_workbook(tmp_path / "2000.xlsx", read_only=True).active
    assert ws.max_row == 2_001
