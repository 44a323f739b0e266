"""anjian.documents.tabular: reading the spreadsheets people bring. No Django."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from anjian.core.text import normalise, parse_bool, parse_date, parse_decimal
from anjian.documents.tabular import TableError, header_key, read_table

KNOWN = {
    "seq": ["序号"],
    "name": ["企业名称", "单位名称", "Name"],
    "uscc": ["统一社会信用代码", "信用代码"],
    "capital": ["注册资本"],
    "key_unit": ["是否重点企业", "重点企业"],
    "founded": ["成立日期"],
    "phone": ["联系电话", "电话"],
}


def _ledger(path: Path) -> Path:
    """A ledger as people make them: two merged title rows, a decorated header, full-width
    digits, an empty row, dates both real and typed, and a totals row at the bottom."""
    wb = Workbook()
    ws = wb.active
    ws.title = "企业台账"
    ws["A1"] = "深圳市南山区安全生产重点企业台账"
    ws.merge_cells("A1:H1")
    ws["A2"] = "填报单位：某某街道安监办　　填报日期：2026年1月"
    ws.merge_cells("A2:H2")
    ws.append(
        [
            "序号",
            "*企业名称",
            "统一社会信用\n代码",
            "注册资本（万元）",
            "是否重点\n企业 *",
            "成立日期",
            "备注说明",
            None,
        ]
    )
    ws.append(
        [1, "深圳市甲有限公司", "91440300MA5F00001A", "１２３．５", "是", dt.datetime(2015, 3, 1), "", None]
    )
    ws.append(
        [
            2,
            "  深圳市乙有限公司 ",
            "９１４４０３０５ＭＡ５Ｆ００００Ｘ６",
            80,
            "否",
            "2019年7月8日",
            "新增",
            None,
        ]
    )
    ws.append([None, None, None, None, None, None, None, None])
    ws.append([3, "深圳市丙有限公司", "91440300MA5F00001A", "1,000", "√", 43831, None, None])
    ws.append(["合计", None, None, 1203.5, None, None, None, None])
    wb.save(path)
    return path


def test_merged_title_rows_and_decorated_header(tmp_path: Path) -> None:
    path = _ledger(tmp_path / "台账.xlsx")
    with read_table(path, filename="台账.xlsx", known_headers=KNOWN) as table:
        assert table.format == "xlsx"
        assert table.sheet_name == "企业台账"
        assert table.header_row == 3
        assert {k: c.letter for k, c in table.mapping.items()} == {
            "seq": "A",
            "name": "B",
            "uscc": "C",
            "capital": "D",
            "key_unit": "E",
            "founded": "F",
        }
        assert table.mapping["capital"].label == "注册资本（万元）"  # the unit stays visible
        assert [(c.letter, c.label) for c in table.unknown_columns] == [("G", "备注说明")]
        assert table.missing_keys == ["phone"]
        rows = list(table)
        assert [n for n, _ in rows] == [4, 5, 7]  # real Excel row numbers; row 6 is empty
        assert table.skipped_totals == [8]
        first = rows[0][1]
        assert set(first) == {"seq", "name", "uscc", "capital", "key_unit", "founded"}
        assert first["founded"] == dt.datetime(2015, 3, 1)
        assert first["capital"] == "１２３．５"  # raw: cleaning is the caller's job
        assert parse_decimal(first["capital"]) == parse_decimal("123.5")
        second = rows[1][1]
        assert normalise(second["name"]) == "深圳市乙有限公司"
        assert normalise(second["uscc"]) == "91440305MA5F0000X6"
        assert parse_date(second["founded"]) == dt.date(2019, 7, 8)
        assert parse_bool(second["key_unit"]) is False
        third = rows[2][1]
        assert parse_date(third["founded"]) == dt.date(2020, 1, 1)  # an Excel serial typed as a number
        assert parse_bool(third["key_unit"]) is True
        assert table.count_rows() == 5  # estimate: rows 4-8, empties and totals included


def test_row_iteration_is_lazy_and_repeatable(tmp_path: Path) -> None:
    path = _ledger(tmp_path / "a.xlsx")
    with read_table(path, filename="a.xlsx", known_headers=KNOWN) as table:
        it = iter(table)
        assert next(it)[0] == 4
        assert [n for n, _ in table] == [4, 5, 7]
        assert [n for n, _ in table] == [4, 5, 7]


def test_bytes_and_file_objects(tmp_path: Path) -> None:
    data = _ledger(tmp_path / "a.xlsx").read_bytes()

    class NoSeek(io.RawIOBase):
        def __init__(self, payload: bytes) -> None:
            self._inner = io.BytesIO(payload)

        def readable(self) -> bool:
            return True

        def readinto(self, b: bytearray) -> int:  # type: ignore[override]
            chunk = self._inner.read(len(b))
            b[: len(chunk)] = chunk
            return len(chunk)

    for source in (data, io.BytesIO(data), NoSeek(data)):
        with read_table(source, filename="a.xlsx", known_headers=KNOWN) as table:
            assert [n for n, _ in table] == [4, 5, 7]
    caller_stream = io.BytesIO(data)
    table = read_table(caller_stream, filename="a.xlsx", known_headers=KNOWN)
    table.close()
    assert not caller_stream.closed  # the caller's stream is theirs to close


def test_wrong_column_names_are_reported(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["单位名", "Name", "信用代码", "地 址", "联系人", "Ｎａｍｅ"])
    ws.append(["x", "甲公司", "91440300MA5F00001A", "南山", "张三", "乙"])
    path = tmp_path / "w.xlsx"
    wb.save(path)
    with read_table(path, filename="w.xlsx", known_headers=KNOWN) as table:
        assert table.mapping["name"].letter == "B"
        assert table.mapping["uscc"].letter == "C"
        assert [c.label for c in table.unknown_columns] == ["单位名", "地 址", "联系人"]
        assert [(c.letter, c.key) for c in table.duplicate_columns] == [("F", "name")]
        assert table.missing_keys == ["seq", "capital", "key_unit", "founded", "phone"]
        assert list(table) == [(2, {"name": "甲公司", "uscc": "91440300MA5F00001A"})]


def test_no_header_found(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    for i in range(30):
        ws.append([f"随便{i}", i])
    ws.append(["企业名称"])  # below the scan window
    path = tmp_path / "n.xlsx"
    wb.save(path)
    with pytest.raises(TableError) as err:
        read_table(path, filename="n.xlsx", known_headers=KNOWN)
    assert err.value.code == "no_header"
    assert "前 20 行" in err.value.zh and "企业名称" in err.value.zh
    with read_table(path, filename="n.xlsx", known_headers=KNOWN, max_header_scan=40) as table:
        assert table.header_row == 31


def test_best_sheet_is_chosen(tmp_path: Path) -> None:
    wb = Workbook()
    notes = wb.active
    notes.title = "填表说明"
    notes.append(["请按模板填写，企业名称必填"])
    data = wb.create_sheet("数据")
    data.append(["企业名称", "联系电话"])
    data.append(["甲", "13800138000"])
    path = tmp_path / "s.xlsx"
    wb.save(path)
    with read_table(path, filename="s.xlsx", known_headers=KNOWN) as table:
        assert table.sheet_name == "数据"
        assert list(table) == [(2, {"name": "甲", "phone": "13800138000"})]
    with pytest.raises(TableError) as err:
        read_table(path, filename="s.xlsx", known_headers=KNOWN, sheet="Sheet9")
    assert err.value.code == "sheet"
    assert "数据" in err.value.zh


def test_repeated_header_rows_are_skipped(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["企业名称", "联系电话"])
    ws.append(["甲", "1"])
    ws.append(["企业名称", "联系电话"])  # printed page break copied into the sheet
    ws.append(["乙", "2"])
    ws.append(["总 计：2家", None])
    path = tmp_path / "r.xlsx"
    wb.save(path)
    with read_table(path, filename="r.xlsx", known_headers=KNOWN) as table:
        assert [n for n, _ in table] == [2, 4]
        assert table.skipped_repeated_headers == [3]
        assert table.skipped_totals == [5]


@pytest.mark.parametrize(
    "label", ["合计", "合 计", "总计", "小计：", "Total", "TOTAL:", "Grand Total", "合计(3家)"]
)
def test_totals_labels(tmp_path: Path, label: str) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "企业名称", "注册资本"])
    ws.append([1, "甲", 5])
    ws.append([None, label, 5])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    with read_table(path, filename="t.xlsx", known_headers=KNOWN) as table:
        assert [n for n, _ in table] == [2]
        assert table.skipped_totals == [3]


def test_wrong_recorded_dimension_does_not_truncate(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["企业名称"])
    for i in range(10):
        ws.append([f"企业{i}"])
    good = tmp_path / "good.xlsx"
    wb.save(good)
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            payload = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                payload, n = re.subn(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A3"', payload)
                assert n == 1
            dst.writestr(item, payload)
    with read_table(bad, filename="bad.xlsx", known_headers=KNOWN) as table:
        assert table.count_rows() == 2  # the (wrong) recorded size: only an estimate
        assert len(list(table)) == 10  # but every row is read


# --- CSV -------------------------------------------------------------------------------------


def test_csv_gb18030_with_title_row(tmp_path: Path) -> None:
    text = "南山区企业名单,,\r\n企业名称,联系电话,成立日期\r\n深圳市甲有限公司,0755-1234,2026/1/2\r\n,,\r\n深圳市乙有限公司,１３８,2026年1月3日\r\n合计,2,\r\n"
    path = tmp_path / "名单.csv"
    path.write_bytes(text.encode("gb18030"))
    with read_table(path, filename="名单.csv", known_headers=KNOWN) as table:
        assert table.format == "csv"
        assert table.encoding == "gb18030"
        assert table.delimiter == ","
        assert table.header_row == 2
        rows = list(table)
        assert rows == [
            (3, {"name": "深圳市甲有限公司", "phone": "0755-1234", "founded": "2026/1/2"}),
            (5, {"name": "深圳市乙有限公司", "phone": "１３８", "founded": "2026年1月3日"}),
        ]
        assert table.skipped_totals == [6]
        assert table.count_rows() == 4


def test_csv_utf8_bom_and_empty_cells_are_none(tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_bytes("\ufeff企业名称,联系电话\n甲,\n".encode())
    with read_table(path, filename="u.csv", known_headers=KNOWN) as table:
        assert table.encoding == "utf-8-sig"
        assert list(table) == [(2, {"name": "甲", "phone": None})]


def test_csv_multiline_quoted_narrative(tmp_path: Path) -> None:
    """Shaped like the OSHA severe-injury CSV: a long quoted narrative with line breaks,
    commas and doubled quotes. Row numbers count records, as Excel shows them."""
    header = ["ID", "EventDate", "Employer", "City", "State", "Hospitalized", "Final Narrative"]
    records = [
        [
            "2015010001",
            "1/1/2015",
            "Example Fabrication Co.",
            "Springfield",
            "ZZ",
            "1",
            'An employee was cutting steel, when the grinder "kicked back".\nThe employee was hospitalized,\r\nand released the next day.',
        ],
        ["2015010002", "1/2/2015", "Sample Warehouse, LLC", "Riverton", "ZZ", "0", "Single-line narrative."],
        [
            "2015010003",
            "1/3/2015",
            "Demo Builders",
            "Lakeside",
            "ZZ",
            "1",
            "Line one\n\nLine three, after a blank line",
        ],
    ]
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(records)
    path = tmp_path / "severeinjury.csv"
    path.write_bytes(buf.getvalue().encode("utf-8"))
    known = {
        "id": ["ID"],
        "date": ["EventDate", "Event Date"],
        "employer": ["Employer"],
        "narrative": ["Final Narrative", "Narrative"],
        "hospitalized": ["Hospitalized"],
    }
    with read_table(path, filename="severeinjury.csv", known_headers=known) as table:
        assert table.encoding == "utf-8"
        assert [c.label for c in table.unknown_columns] == ["City", "State"]
        rows = list(table)
        assert [n for n, _ in rows] == [2, 3, 4]
        assert rows[0][1]["narrative"] == records[0][6]
        assert rows[1][1]["employer"] == "Sample Warehouse, LLC"
        assert rows[2][1]["narrative"] == "Line one\n\nLine three, after a blank line"
        assert normalise(rows[0][1]["narrative"], keep_newlines=True).count("\n") == 2


@pytest.mark.parametrize(
    ("delimiter", "filename"), [(";", "semi.csv"), ("\t", "tabs.txt"), ("\t", "tabs.tsv"), ("|", "pipes.csv")]
)
def test_csv_delimiters(tmp_path: Path, delimiter: str, filename: str) -> None:
    path = tmp_path / filename
    path.write_text(
        delimiter.join(["企业名称", "联系电话"]) + "\n" + delimiter.join(["甲, 分公司", "1"]) + "\n"
    )
    with read_table(path, filename=filename, known_headers=KNOWN) as table:
        assert table.delimiter == delimiter
        assert list(table) == [(2, {"name": "甲, 分公司", "phone": "1"})]


def test_excel_unicode_text_utf16(tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes("企业名称\t联系电话\r\n甲\t1\r\n".encode("utf-16"))
    with read_table(path, filename="unicode.txt", known_headers=KNOWN) as table:
        assert table.encoding == "utf-16"
        assert list(table) == [(2, {"name": "甲", "phone": "1"})]
        assert table.count_rows() == 1


def test_csv_named_like_excel_is_read_as_csv(tmp_path: Path) -> None:
    path = tmp_path / "export.xls"
    path.write_bytes("企业名称\n甲\n".encode())
    with read_table(path, filename="export.xls", known_headers=KNOWN) as table:
        assert table.format == "csv"
        assert list(table) == [(2, {"name": "甲"})]


def test_csv_undecodable(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"name\n\x81\x30\xff\xff\n")  # invalid in UTF-8 and in GB18030
    with pytest.raises(TableError) as err:
        read_table(path, filename="bad.csv", known_headers=KNOWN)
    assert err.value.code == "encoding"


# --- refused formats -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"<html><body><table><tr><td>x</td></tr></table></body></html>", "HTML"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "not a spreadsheet"),
        (b"PK\x03\x04not really a zip", "not a readable Excel"),
        (b"", "empty"),
        (b"\r\n  \r\n", "empty"),
    ],
)
def test_refused_formats(payload: bytes, fragment: str) -> None:
    with pytest.raises(TableError) as err:
        read_table(payload, filename="upload.xls", known_headers=KNOWN)
    assert err.value.code == "format"
    assert fragment in err.value.en


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TableError) as err:
        read_table(tmp_path / "none.xlsx", filename="none.xlsx", known_headers=KNOWN)
    assert err.value.code == "unreadable"


def test_known_headers_must_not_conflict() -> None:
    with pytest.raises(ValueError, match="both"):
        read_table(b"x", filename="x.csv", known_headers={"a": ["名称"], "b": ["名 称"]})
    with pytest.raises(TypeError):
        read_table(b"x", filename="x.csv", known_headers={"a": "名称"})


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("*企业名称", "企业名称"),
        ("企业名称*", "企业名称"),
        ("企业\n名称", "企业名称"),
        ("　企业 名称　", "企业名称"),
        ("企业名称（必填）", "企业名称"),
        ("企业名称：", "企业名称"),
        ("Ｎａｍｅ", "name"),
        ("注册资本（万元）", "注册资本(万元)"),
    ],
)
def test_header_key(label: str, key: str) -> None:
    assert header_key(label) == key


# --- streaming -------------------------------------------------------------------------------


@pytest.mark.slow
def test_100k_rows_stream_in_constant_memory(tmp_path: Path) -> None:
    xlsxwriter = pytest.importorskip("xlsxwriter")
    path = tmp_path / "big.xlsx"
    n = 100_000
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("台账")
    sheet.write_row(0, 0, ["大型企业台账"])
    sheet.write_row(1, 0, ["序号", "企业名称", "统一社会信用代码", "注册资本", "联系电话"])
    for i in range(n):
        sheet.write_row(
            i + 2, 0, [i + 1, f"企业{i:06d}有限公司", "91440300MA5F00001A", i * 1.5, "0755-12345678"]
        )
    book.close()

    # Trace memory while opening and reading the first 20,000 rows (tracing slows Python down a
    # lot), then read the rest untraced: loading the sheet up front would show in the peak.
    started = time.perf_counter()
    tracemalloc.start()
    try:
        with read_table(path, filename="big.xlsx", known_headers=KNOWN) as table:
            assert table.header_row == 2
            assert table.count_rows() == n
            rows = iter(table)
            count = last = 0
            for number, values in rows:
                count += 1
                last = number
                assert values["seq"] == number - 2
                if count == 20_000:
                    _, peak = tracemalloc.get_traced_memory()
                    tracemalloc.stop()
            for number, _values in rows:
                count += 1
                last = number
    finally:
        tracemalloc.stop()
    elapsed = time.perf_counter() - started
    assert count == n
    assert last == n + 2
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
    print(f"100,000 rows streamed in {elapsed:.1f} s, traced peak over the first 20,000: {peak / 1e6:.1f} MB")
