"""Reading the spreadsheets people bring: ``.xlsx`` and ``.csv`` ledgers (台账).

Real ledgers have a merged title row or two above the header, header cells with ``*`` required
markers, line breaks and full-width characters, numbers typed as full-width text, empty rows,
and a 合计 (totals) row at the bottom. ``read_table`` finds the header row by itself, maps the
columns to the caller's keys, and streams the data rows with the row number the person sees in
Excel, so every later error can say "row 17, column 企业名称".

Usage::

    with read_table(upload, filename="台账.xlsx", known_headers={"name": ["企业名称", "单位名称"]}) as t:
        report(t.missing_keys, [c.label for c in t.unknown_columns])
        for row_number, values in t:
            ...  # parse values["name"] …, naming row_number and t.mapping["name"].label on error

Header matching (``header_key``): labels are compared after NFKC (full-width → ASCII), with all
whitespace and line breaks removed, ``*`` and ``(必填)``/``(选填)`` markers dropped, a trailing
colon dropped, and case folded. A header such as ``注册资本（万元）`` that matches no label
exactly matches the label ``注册资本`` with its trailing parenthesis removed (``Column.label``
keeps the original text so the unit can be checked). The header row is the row, among the first
``max_header_scan``, that matches the most distinct keys (the earliest on a tie).

CSV: the encoding is taken from a BOM (UTF-8, UTF-16 — Excel's "Unicode text"), else UTF-8,
else GB18030 (a superset of GBK/GB2312), checked over the whole file in chunks; the delimiter
(``,`` tab ``;`` ``|``) is the one that gives the best header match; a row is a CSV record, so a
quoted cell with line breaks stays in one row, numbered as Excel numbers it.

Values are raw: what openpyxl returns for the cell (``str``, ``int``, ``float``, ``datetime``,
``bool``) or the CSV text, with empty cells as ``None``. Clean them with ``anjian.core.text``.

Limits: ``.xls`` (Excel 97–2003), password-protected workbooks and ``.ods`` are refused with a
message asking for ``.xlsx``; merged cells inside the data area are read as Excel stores them
(value in the top-left cell only); a header spanning two rows is matched on one row only.

Bounds (``Limits``, from the ``IMPORT_*`` settings when called by the import job): the file's
size; for ``.xlsx``, before openpyxl opens it, the zip's central directory — number of members,
total uncompressed size, compression ratio (zip bombs), encryption, bytes before or after the
archive (polyglots), macros (``vbaProject.bin``), that it is a workbook at all (a ``.docx`` is
not), and every XML part is scanned, decompressing in bounded chunks, for a DTD or an entity
declaration (XXE, "billion laughs"), which OOXML never needs; while streaming, the number of rows
and of cells. Each refusal is a ``TableError`` with code ``limit`` and a message saying which limit.

Pure Python, no Django import.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import shutil
import struct
import tempfile
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final, Literal

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from anjian.core.text import normalise


def _dimension_from_the_head(self: Any) -> None:
    """openpyxl's read-only worksheet looks for ``<dimension>`` with "end" events, so on a sheet
    without one it parses the whole ``<sheetData>`` (millions of rows) while opening the
    workbook. Read only up to the start of ``<sheetData>``, as the format places it."""
    from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG  # heavy optional library: imported on use
    from openpyxl.worksheet.dimensions import SheetDimension  # heavy optional library: imported on use
    from openpyxl.xml.functions import iterparse  # heavy optional library: imported on use

    src = self._get_source()
    try:
        for _event, element in iterparse(src, events=("start",)):
            if element.tag == DIMENSION_TAG:
                self._min_column, self._min_row, self._max_column, self._max_row = (
                    SheetDimension.from_tree(element).boundaries
                )
                return
            if element.tag == DATA_TAG:
                return
    finally:
        src.close()


def _bound_openpyxl() -> None:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet  # heavy optional library: imported on use

    ReadOnlyWorksheet._get_size = _dimension_from_the_head  # type: ignore[method-assign]


_bound_openpyxl()

__all__ = ["Column", "Limits", "TableError", "TableReader", "header_key", "read_table"]

FileSource = str | os.PathLike[str] | bytes | bytearray | memoryview | IO[bytes]

_ZIP_MAGIC: Final = b"PK\x03\x04"
_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CSV_DELIMITERS: Final = (",", "\t", ";", "|")
_CHUNK: Final = 1 << 16


GUARDED_STARTS = ("=", "+", "-", "@", "\t", "\r")


def unguard(value: object) -> object:
    """A cell without the apostrophe a CSV export puts before text starting with ``= + - @``
    (``documents.exports``): ``'=SUM(A1)`` → ``=SUM(A1)``, so an export imports back unchanged.
    Other values, and an apostrophe before anything else, are left as they are."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in GUARDED_STARTS:
        return value[1:]
    return value


class TableError(ValueError):
    """The file cannot be read as a table. ``code``: ``unreadable``, ``format``, ``encoding``,
    ``sheet``, ``no_header``, ``csv``, ``limit``; ``row`` is set when a specific row is at fault."""

    def __init__(self, code: str, zh: str, en: str, *, row: int | None = None) -> None:
        super().__init__(f"{zh} / {en}")
        self.code = code
        self.zh = zh
        self.en = en
        self.row = row


@dataclass(frozen=True)
class Limits:
    """What a file may cost before it is refused (see the module docstring)."""

    max_bytes: int = 20 << 20
    max_uncompressed: int = 200 << 20
    max_ratio: int = 100
    max_members: int = 1000
    max_rows: int = 100_000
    max_cells: int = 5_000_000


_MB = 1 << 20
_RATIO_FLOOR: Final = 1 << 20  # members smaller than this may compress as well as they like
_DTD_MARKERS: Final = (b"<!doctype", b"<!entity")
_MACRO_NAMES: Final = ("vbaproject.bin", "vbadata.xml", "activex")


def _limit(zh: str, en: str, *, row: int | None = None) -> TableError:
    return TableError("limit", zh, en, row=row)


def _stream_size(stream: IO[bytes], start: int) -> int:
    stream.seek(0, os.SEEK_END)
    size = stream.tell() - start
    stream.seek(start)
    return size


def _check_size(stream: IO[bytes], start: int, filename: str, limits: Limits) -> int:
    size = _stream_size(stream, start)
    if size > limits.max_bytes:
        raise _limit(
            f"“{filename}”太大（{size / _MB:.1f} MB，上限 {limits.max_bytes / _MB:.0f} MB），请分成几个文件导入",
            f"{filename!r} is too large ({size / _MB:.1f} MB, at most {limits.max_bytes / _MB:.0f} MB): split it",
        )
    return size


def _check_xlsx_container(stream: IO[bytes], start: int, size: int, filename: str, limits: Limits) -> None:
    """Inspect the zip before anything is decompressed into memory (see the module docstring)."""

    not_excel = (
        f"“{filename}”不是可读取的 Excel .xlsx 文件，请用 Excel 另存为 .xlsx 后重新上传",
        f"{filename!r} is not a readable Excel .xlsx file: save it as .xlsx in Excel and upload it again",
    )
    # The end-of-central-directory record must be the file's last 22 bytes (Excel writes no
    # archive comment), and the central directory must end right before it: no bytes hidden
    # after the archive, and none in front of it (the first member starts at offset 0).
    stream.seek(start + max(0, size - (1 << 16) - 22))
    if b"PK\x05\x06" not in stream.read():
        raise TableError("format", *not_excel)
    stream.seek(start + max(0, size - 22))
    tail = stream.read(22)
    if len(tail) != 22 or tail[:4] != b"PK\x05\x06":
        raise _limit(
            f"“{filename}”的压缩包结构异常（末尾有多余数据或注释），已拒绝",
            f"{filename!r} has an unexpected archive layout (data or a comment after the archive): refused",
        )
    _disk, _cd_disk, _n_disk, n_total, cd_size, cd_offset, comment_len = struct.unpack("<HHHHIIH", tail[4:])
    if comment_len or cd_offset + cd_size != size - 22:
        raise _limit(
            f"“{filename}”的压缩包结构异常（混入了其他数据），已拒绝",
            f"{filename!r} has an unexpected archive layout (other data mixed in): refused",
        )
    if n_total > limits.max_members:
        raise _limit(
            f"“{filename}”包含 {n_total} 个部件，超过上限 {limits.max_members}",
            f"{filename!r} holds {n_total} parts, more than {limits.max_members}",
        )
    stream.seek(start)
    try:
        archive = zipfile.ZipFile(stream)  # reads the central directory only
    except (zipfile.BadZipFile, OSError, ValueError, struct.error) as exc:
        raise TableError("format", *not_excel) from exc
    infos = archive.infolist()
    if min((i.header_offset for i in infos), default=0) != 0:
        raise _limit(
            f"“{filename}”的压缩包前面混入了其他数据，已拒绝",
            f"{filename!r} has other data in front of the archive: refused",
        )
    names = {i.filename.lower() for i in infos}
    if any(i.flag_bits & 0x1 for i in infos):
        raise TableError("format", "工作簿已加密，请去掉密码后另存为 .xlsx", "the workbook is encrypted: remove the password")
    if any(marker in name for name in names for marker in _MACRO_NAMES):
        raise _limit(
            f"“{filename}”含有宏或控件，不予读取；请另存为不含宏的 .xlsx",
            f"{filename!r} contains macros or controls and is not read: save it as a macro-free .xlsx",
        )
    if "xl/workbook.xml" not in names:
        raise TableError("format", *not_excel)
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if total > limits.max_uncompressed:
        raise _limit(
            f"“{filename}”解压后为 {total / _MB:.0f} MB，超过上限 {limits.max_uncompressed / _MB:.0f} MB",
            f"{filename!r} unpacks to {total / _MB:.0f} MB, more than {limits.max_uncompressed / _MB:.0f} MB",
        )
    for info in infos:
        if info.file_size > _RATIO_FLOOR and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise _limit(
                f"“{filename}”的压缩比异常（{info.file_size // max(info.compress_size, 1)} 倍，上限 "
                f"{limits.max_ratio} 倍），疑似压缩炸弹，已拒绝",
                f"{filename!r} has an abnormal compression ratio ({info.file_size // max(info.compress_size, 1)}×, "
                f"at most {limits.max_ratio}×): a likely zip bomb, refused",
            )
    if total > _RATIO_FLOOR and total > limits.max_ratio * max(packed, 1):
        raise _limit(
            f"“{filename}”的整体压缩比异常，疑似压缩炸弹，已拒绝",
            f"{filename!r} has an abnormal overall compression ratio: a likely zip bomb, refused",
        )
    try:
        for info in infos:
            if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                _scan_for_dtd(archive, info, filename)
    except TableError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError) as exc:
        raise TableError("format", *not_excel) from exc
    stream.seek(start)


def _scan_for_dtd(archive: Any, info: Any, filename: str) -> None:
    """Decompress one XML part in chunks (never more than its declared size: zipfile stops
    there) and refuse a DTD or entity declaration anywhere in it."""
    keep = b""
    with archive.open(info) as part:
        while chunk := part.read(_CHUNK):
            window = (keep + chunk).lower()
            if any(marker in window for marker in _DTD_MARKERS):
                raise _limit(
                    f"“{filename}”的 {info.filename} 含有 DTD/实体声明（XXE），已拒绝",
                    f"{filename!r}: {info.filename} declares a DTD or entities (XXE): refused",
                )
            keep = chunk[-16:]


@dataclass(frozen=True)
class Column:
    """A non-empty header cell: 0-based ``index``, Excel ``letter``, the ``label`` as written
    (cleaned to one line), and the ``key`` it maps to (``None`` for an unknown column)."""

    index: int
    letter: str
    label: str
    key: str | None


# --- header labels ---------------------------------------------------------------------------

_REQUIRED_MARKS: Final = re.compile(r"\((?:必填|必填项|必须|选填|选填项|可选|非必填)\)")
_TRAILING_PAREN: Final = re.compile(r"^(.+?)\([^()]*\)$")


def header_key(label: object) -> str:
    """The comparison form of a header label (see the module docstring)."""
    text = normalise(label, cjk_punctuation=False)
    text = re.sub(r"\s+", "", text).replace("*", "")
    text = _REQUIRED_MARKS.sub("", text).rstrip(":")
    return text.casefold()


def _label_lookup(known_headers: Mapping[str, Sequence[str]]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for key, labels in known_headers.items():
        if isinstance(labels, str):
            raise TypeError(f"known_headers[{key!r}] must be a sequence of labels, not a string")
        for label in labels:
            norm = header_key(label)
            if not norm:
                raise ValueError(f"known_headers[{key!r}] has an empty label")
            other = lookup.setdefault(norm, key)
            if other != key:
                raise ValueError(f"label {label!r} is given for both {other!r} and {key!r}")
    return lookup


def _match(cell: object, lookup: Mapping[str, str]) -> str | None:
    norm = header_key(cell)
    if not norm:
        return None
    key = lookup.get(norm)
    if key is None:
        m = _TRAILING_PAREN.match(norm)
        if m:
            key = lookup.get(m.group(1))
    return key


def _score(row: Sequence[object], lookup: Mapping[str, str]) -> int:
    return len({k for k in (_match(cell, lookup) for cell in row) if k is not None})


_TOTALS: Final = re.compile(r"(?:合计|总计|小计|共计|总合计|grandtotal|subtotal|total|sum)(?:[:(].*|\d.*)?")
# Cheap pre-filter on the raw text so most rows never pay for ``header_key``.
_TOTALS_HINT: Final = re.compile(r"计|[TtＴｔ]\s*[OoＯｏ]|[SsＳｓ]\s*[UuＵｕ]")
_INVISIBLE: Final = "\u200b\u200c\u200d\u2060\ufeff\u00ad"


def _is_totals(row: Sequence[object]) -> bool:
    for cell in row:
        if _blank(cell):
            continue
        if not isinstance(cell, str) or not _TOTALS_HINT.search(cell):
            return False
        return bool(_TOTALS.fullmatch(header_key(cell)))
    return False


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip().strip(_INVISIBLE).strip())


# --- sources ---------------------------------------------------------------------------------


def _open_source(file: FileSource) -> tuple[IO[bytes], int, bool]:
    """A seekable binary stream, the offset the data starts at, and whether we own (close) it."""
    if isinstance(file, str | os.PathLike):
        try:
            return open(file, "rb"), 0, True  # closed by TableReader.close
        except OSError as exc:
            raise TableError("unreadable", f"无法打开文件：{exc}", f"cannot open the file: {exc}") from exc
    if isinstance(file, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(file)), 0, True
    seekable = getattr(file, "seekable", None)
    if callable(seekable) and seekable():
        return file, file.tell(), False
    spool = tempfile.SpooledTemporaryFile(max_size=16 << 20)  # noqa: SIM115 - closed by TableReader.close
    shutil.copyfileobj(file, spool)
    spool.seek(0)
    return spool, 0, True


def _detect_encoding(stream: IO[bytes], start: int) -> str:
    """utf-8-sig / utf-16 by BOM, else the first of utf-8 and gb18030 that decodes the whole file
    (read in chunks: constant memory)."""
    stream.seek(start)
    head = stream.read(4)
    if head.startswith(codecs.BOM_UTF8):
        candidates: tuple[str, ...] = ("utf-8-sig",)
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "gb18030")
    for encoding in candidates:
        stream.seek(start)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := stream.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise TableError(
        "encoding",
        "无法识别 CSV 文件的编码（不是 UTF-8，也不是 GBK/GB18030）；请在 Excel 中另存为“CSV UTF-8”",
        "cannot tell the CSV file's encoding (neither UTF-8 nor GBK/GB18030); save it from Excel as 'CSV UTF-8'",
    )


def _sniff_format(stream: IO[bytes], start: int, filename: str) -> Literal["xlsx", "csv"]:
    stream.seek(start)
    head = stream.read(512)
    stream.seek(start)
    ext = Path(filename).suffix.lower()
    if not head.strip():
        raise TableError("format", f"“{filename}”是空文件", f"{filename!r} is empty")
    if head.startswith(_ZIP_MAGIC):
        if ext == ".ods":
            raise TableError(
                "format",
                "不支持 OpenDocument（.ods）表格，请另存为 .xlsx",
                "OpenDocument spreadsheets (.ods) are not supported; save as .xlsx",
            )
        return "xlsx"
    if head.startswith(_OLE_MAGIC):
        raise TableError(
            "format",
            "这是旧版 Excel 97-2003（.xls）文件或加了密码的工作簿；请在 Excel 中去掉密码并另存为 .xlsx",
            "this is an old Excel 97-2003 (.xls) file or a password-protected workbook; "
            "remove the password and save as .xlsx in Excel",
        )
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")):
        raise TableError(
            "format",
            "这是网页（HTML/XML）文件而不是真正的 Excel 文件；请用 Excel 打开后另存为 .xlsx",
            "this is a web page (HTML/XML) rather than a real Excel file; open it in Excel and save as .xlsx",
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"
    if b"\x00" in head or head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff")):
        raise TableError(
            "format",
            f"“{filename}”不是表格文件；请上传 .xlsx 或 .csv",
            f"{filename!r} is not a spreadsheet; upload an .xlsx or .csv file",
        )
    # Text, whatever the name: exports from other systems often call a CSV "xxx.xls".
    return "csv"


# --- the reader ------------------------------------------------------------------------------


@dataclass
class TableReader:
    """An opened table with its header found. Iterate for ``(row_number, {key: value})``.

    Attributes: ``format`` (``"xlsx"``/``"csv"``), ``sheet_name`` (xlsx), ``encoding`` and
    ``delimiter`` (csv), ``header_row`` (1-based), ``columns`` (every non-empty header cell),
    ``mapping`` (key → column), ``unknown_columns``, ``missing_keys`` (in ``known_headers``
    order), ``duplicate_columns`` (a second column for a key already mapped: ignored). While
    iterating, ``skipped_totals`` and ``skipped_repeated_headers`` collect the row numbers that
    were left out as totals rows or repeated header rows.

    Use as a context manager, or call ``close()``.
    """

    format: Literal["xlsx", "csv"]
    header_row: int
    columns: list[Column]
    mapping: dict[str, Column]
    unknown_columns: list[Column]
    missing_keys: list[str]
    duplicate_columns: list[Column]
    sheet_name: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    skipped_totals: list[int] = field(default_factory=list)
    skipped_repeated_headers: list[int] = field(default_factory=list)
    _stream: IO[bytes] | None = field(default=None, repr=False)
    _start: int = field(default=0, repr=False)
    _owned: bool = field(default=False, repr=False)
    _workbook: Any = field(default=None, repr=False)
    _max_row: int | None = field(default=None, repr=False)
    _header_keys: tuple[str, ...] = field(default=(), repr=False)
    current_row: Sequence[object] = field(default=(), repr=False)
    limits: Limits = field(default_factory=Limits, repr=False)

    @property
    def _header_probe(self) -> tuple[int, str]:
        # The mapped column with the longest header text: a data cell rarely equals it.
        if not self._header_keys:
            return (1 << 30, "")
        best = max(range(len(self._header_keys)), key=lambda i: len(self._header_keys[i]))
        return list(self.mapping.values())[best].index, self._header_keys[best]

    # -- lifecycle --

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None
        if self._stream is not None and self._owned:
            self._stream.close()
        self._stream = None

    def __enter__(self) -> TableReader:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- rows --

    def __iter__(self) -> Iterator[tuple[int, dict[str, object]]]:
        return self.rows()

    def rows(self) -> Iterator[tuple[int, dict[str, object]]]:
        """Data rows below the header, lazily: ``(row_number, {key: raw value})`` with every
        mapped key present. Skipped: rows with nothing in any mapped column, totals rows (first
        non-empty cell 合计/总计/小计/共计/Total…), and repeats of the header row."""
        self.skipped_totals.clear()
        self.skipped_repeated_headers.clear()
        mapped = [(key, col.index) for key, col in self.mapping.items()]
        probe = self._header_probe
        limits = self.limits
        last_row = self.header_row + limits.max_rows
        cells = 0
        for number, row in self._raw_rows(self.header_row + 1):
            width = len(row)
            cells += width
            if number > last_row:
                raise _limit(
                    f"数据超过 {limits.max_rows} 行（第 {number} 行），请分成几个文件导入",
                    f"more than {limits.max_rows} data rows (row {number}): split the file",
                    row=number,
                )
            if cells > limits.max_cells:
                raise _limit(
                    f"单元格超过 {limits.max_cells} 个（读到第 {number} 行），请删去多余的列或分成几个文件",
                    f"more than {limits.max_cells} cells (at row {number}): remove extra columns or split the file",
                    row=number,
                )
            values: dict[str, object] = {}
            for key, i in mapped:
                value = row[i] if i < width else None
                values[key] = None if value == "" else unguard(value)
            if _is_totals(row):
                self.skipped_totals.append(number)
                continue
            if all(_blank(v) for v in values.values()):
                continue
            if self._is_header_again(row, probe):
                self.skipped_repeated_headers.append(number)
                continue
            self.current_row = row  # every cell of the row, for an error workbook of whole rows
            yield number, values

    def count_rows(self) -> int | None:
        """A cheap estimate of the number of rows below the header, for a progress bar: the
        worksheet's recorded dimension (xlsx; ``None`` when the file does not record it) or the
        number of line breaks (csv). Counts empty and totals rows too."""
        if self.format == "xlsx":
            return None if self._max_row is None else max(0, self._max_row - self.header_row)
        stream = self._require_stream()
        stream.seek(self._start)
        newline = b"\n\x00" if self.encoding == "utf-16" else b"\n"
        lines = 0
        last = b""
        while chunk := stream.read(_CHUNK):
            lines += chunk.count(newline)
            last = chunk
        if last and not last.rstrip(b"\x00").endswith(b"\n"):
            lines += 1  # last line without a line break
        return max(0, lines - self.header_row)

    def _is_header_again(self, row: Sequence[object], probe: tuple[int, str]) -> bool:
        # First a cheap test on one cell (data rows almost never pass it), then all of them.
        index, key = probe
        if index >= len(row) or not isinstance(row[index], str) or header_key(row[index]) != key:
            return False
        keys = tuple(header_key(row[c.index]) if c.index < len(row) else "" for c in self.mapping.values())
        return keys == self._header_keys

    def _require_stream(self) -> IO[bytes]:
        if self._stream is None:
            raise ValueError("the TableReader is closed")
        return self._stream

    def _raw_rows(self, min_row: int) -> Iterator[tuple[int, Sequence[object]]]:
        if self.format == "xlsx":
            if self._workbook is None:
                raise ValueError("the TableReader is closed")
            ws = self._workbook[self.sheet_name]
            ws.reset_dimensions()  # the recorded size may be wrong: read to the real end
            for number, row in enumerate(ws.iter_rows(min_row=min_row, values_only=True), start=min_row):
                yield number, row
        else:
            for number, row in _csv_records(
                self._require_stream(), self._start, self.encoding, self.delimiter
            ):
                if number >= min_row:
                    yield number, row


def _csv_records(
    stream: IO[bytes], start: int, encoding: str | None, delimiter: str | None, *, limit: int | None = None
) -> Iterator[tuple[int, list[str]]]:
    """CSV records with their 1-based number (a record is a row in Excel even when a quoted cell
    spans several lines)."""
    stream.seek(start)
    text = io.TextIOWrapper(stream, encoding=encoding or "utf-8", newline="")
    number = 0
    try:
        reader = csv.reader(text, delimiter=delimiter or ",")
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise TableError(
                    "csv",
                    f"CSV 第 {number + 1} 行格式错误：{exc}",
                    f"CSV row {number + 1} is malformed: {exc}",
                    row=number + 1,
                ) from exc
            number += 1
            yield number, record
            if limit is not None and number >= limit:
                return
    finally:
        text.detach()  # never close the caller's stream


def read_table(
    file: FileSource,
    *,
    filename: str,
    known_headers: Mapping[str, Sequence[str]],
    max_header_scan: int = 20,
    sheet: str | None = None,
    limits: Limits | None = None,
) -> TableReader:
    """Open an ``.xlsx`` or ``.csv`` file and find its header row.

    ``file``: a path, the bytes, or a binary file object (a Django upload works; a non-seekable
    stream is spooled to a temporary file). ``filename`` is the name the person gave the file
    (used for messages and hints; the format is recognised from the content). ``known_headers``
    maps each key to the labels accepted for it, e.g. ``{"name": ["企业名称", "单位名称"]}``.
    ``sheet``: the worksheet to read; by default the one whose header matches best (the active
    sheet first on a tie).

    Raises ``TableError`` when the file is not a readable table or no header row is found among
    the first ``max_header_scan`` rows; unknown and missing columns are *reported*, not raised.
    """
    lookup = _label_lookup(known_headers)
    limits = limits or Limits()
    stream, start, owned = _open_source(file)
    try:
        size = _check_size(stream, start, filename, limits)
        fmt = _sniff_format(stream, start, filename)
        if fmt == "xlsx":
            _check_xlsx_container(stream, start, size, filename, limits)
            reader = _open_xlsx(stream, filename, lookup, known_headers, max_header_scan, sheet)
            if reader._max_row is not None and reader._max_row - reader.header_row > limits.max_rows:
                reader.close()
                raise _limit(
                    f"工作表有 {reader._max_row} 行，超过上限 {limits.max_rows} 行，请分成几个文件导入",
                    f"the sheet has {reader._max_row} rows, more than {limits.max_rows}: split the file",
                )
        else:
            reader = _open_csv(stream, start, filename, lookup, known_headers, max_header_scan)
    except BaseException:
        if owned:
            stream.close()
        raise
    reader._stream, reader._start, reader._owned = stream, start, owned
    reader.limits = limits
    return reader


def _no_header(filename: str, known_headers: Mapping[str, Sequence[str]], scanned: int) -> TableError:
    examples = "、".join(labels[0] for labels in list(known_headers.values())[:5] if labels)
    examples_en = ", ".join(labels[0] for labels in list(known_headers.values())[:5] if labels)
    return TableError(
        "no_header",
        f"在“{filename}”的前 {scanned} 行中找不到表头（应包含如 {examples} 等列名）",
        f"no header row found in the first {scanned} rows of {filename!r} (expected column names such as {examples_en})",
    )


def _build(
    fmt: Literal["xlsx", "csv"],
    header: Sequence[object],
    header_row: int,
    lookup: Mapping[str, str],
    known_headers: Mapping[str, Sequence[str]],
) -> TableReader:
    columns: list[Column] = []
    mapping: dict[str, Column] = {}
    unknown: list[Column] = []
    duplicates: list[Column] = []
    for index, cell in enumerate(header):
        label = normalise(cell)
        if not label:
            continue
        key = _match(cell, lookup)
        column = Column(index, get_column_letter(index + 1), label, key)
        columns.append(column)
        if key is None:
            unknown.append(column)
        elif key in mapping:
            duplicates.append(column)
        else:
            mapping[key] = column
    missing = [key for key in known_headers if key not in mapping]
    header_keys = tuple(header_key(header[c.index]) for c in mapping.values())
    return TableReader(
        format=fmt,
        header_row=header_row,
        columns=columns,
        mapping=mapping,
        unknown_columns=unknown,
        missing_keys=missing,
        duplicate_columns=duplicates,
        _header_keys=header_keys,
    )


def _best_header(
    rows: Iterator[tuple[int, Sequence[object]]], lookup: Mapping[str, str]
) -> tuple[int, int, Sequence[object]]:
    best: tuple[int, int, Sequence[object]] = (0, 0, ())
    for number, row in rows:
        score = _score(row, lookup)
        if score > best[0]:
            best = (score, number, row)
    return best


def _open_xlsx(
    stream: IO[bytes],
    filename: str,
    lookup: Mapping[str, str],
    known_headers: Mapping[str, Sequence[str]],
    max_header_scan: int,
    sheet: str | None,
) -> TableReader:
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises KeyError, zipfile.BadZipFile, InvalidFileException …
        raise TableError(
            "format",
            f"“{filename}”不是可读取的 Excel .xlsx 文件（{type(exc).__name__}: {exc}）",
            f"{filename!r} is not a readable Excel .xlsx file ({type(exc).__name__}: {exc})",
        ) from exc
    try:
        sheets = list(workbook.worksheets)
        if sheet is not None:
            if sheet not in workbook.sheetnames:
                raise TableError(
                    "sheet",
                    f"工作簿中没有名为“{sheet}”的工作表（现有：{'、'.join(workbook.sheetnames)}）",
                    f"the workbook has no sheet {sheet!r} (it has: {', '.join(workbook.sheetnames)})",
                )
            sheets = [workbook[sheet]]
        else:
            active = workbook.active
            if active in sheets:
                sheets.remove(active)
                sheets.insert(0, active)
        best: tuple[int, int, Sequence[object], Any] = (0, 0, (), None)
        for ws in sheets:
            if not hasattr(ws, "iter_rows"):
                continue  # a chart sheet
            rows = enumerate(ws.iter_rows(min_row=1, max_row=max_header_scan, values_only=True), start=1)
            score, number, row = _best_header(rows, lookup)
            if score > best[0]:
                best = (score, number, row, ws)
        score, header_row, header, ws = best
        if ws is None:
            raise _no_header(filename, known_headers, max_header_scan)
        reader = _build("xlsx", header, header_row, lookup, known_headers)
        reader.sheet_name = ws.title
        reader._max_row = ws.max_row
        reader._workbook = workbook
        return reader
    except BaseException:
        workbook.close()
        raise


def _open_csv(
    stream: IO[bytes],
    start: int,
    filename: str,
    lookup: Mapping[str, str],
    known_headers: Mapping[str, Sequence[str]],
    max_header_scan: int,
) -> TableReader:
    encoding = _detect_encoding(stream, start)
    tab_first = Path(filename).suffix.lower() in (".tsv", ".tab", ".txt")
    delimiters = ("\t", ",", ";", "|") if tab_first else _CSV_DELIMITERS
    best: tuple[int, int, Sequence[object], str] = (0, 0, (), delimiters[0])
    for delimiter in delimiters:
        try:
            rows = _csv_records(stream, start, encoding, delimiter, limit=max_header_scan)
            score, number, row = _best_header(iter(rows), lookup)
        except TableError:
            continue
        if score > best[0]:
            best = (score, number, row, delimiter)
    score, header_row, header, delimiter = best
    if score == 0:
        raise _no_header(filename, known_headers, max_header_scan)
    reader = _build("csv", header, header_row, lookup, known_headers)
    reader.encoding = encoding
    reader.delimiter = delimiter
    return reader
