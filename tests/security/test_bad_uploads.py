"""The bad-upload corpus (issue 13, item 3), generated here: every file is refused by the import
with a clear message, within bounded memory and time, and nothing is stored.

Files: zip bombs (one over the uncompressed limit, one under it but with a bomb's ratio), a
2,000,000-row sheet (with and without its recorded dimension) and a 2,000,000-row CSV, a huge
image (a PNG declaring 100,000 × 100,000 pixels; an .xlsx carrying a 250 MB bitmap), polyglots
(data appended after the archive, HTML in front of it, a GIF/zip), macro documents (a .docm
renamed .xlsx, an .xlsm), and a DTD with an external entity in every XML part of a real
workbook, plus a "billion laughs" sheet."""

from __future__ import annotations

import io
import re
import resource
import struct
import time
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import Workbook

from anjian.core.errors import DomainError
from anjian.documents.imports import import_start
from anjian.enterprises.models import Enterprise
from anjian.jobs.models import Job, JobStatus

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

HEADER = ["单位名称*", "统一社会信用代码", "行业代码", "地址", "经度", "纬度"]
MB = 1 << 20


def _good_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["甲区某公司", "", "26", "甲区某路", 114.05, 22.05])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rewrite(source: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, (replace or {}).get(info.filename, zin.read(info.filename)))
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return out.getvalue()


def _streamed_member(source: bytes, name: str, head: bytes, chunk: bytes, count: int, tail: bytes) -> bytes:
    """The good workbook with ``name`` replaced by head + chunk × count + tail, written in a
    stream (never held whole in memory)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            if info.filename != name:  # (a new name is simply added)
                zout.writestr(info.filename, zin.read(info.filename))
        with zout.open(name, "w", force_zip64=True) as member:
            member.write(head)
            for _ in range(count):
                member.write(chunk)
            member.write(tail)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              b'<row r="1"><c r="A1" t="inlineStr"><is><t>\xe5\x8d\x95\xe4\xbd\x8d\xe5\x90\x8d\xe7\xa7\xb0</t></is></c></row>')
SHEET_TAIL = b"</sheetData></worksheet>"


def _million_rows(n: int, *, dimension: bool) -> bytes:
    head = SHEET_HEAD
    if dimension:
        head = head.replace(b"<sheetData>", f'<dimension ref="A1:A{n + 1}"/><sheetData>'.encode())
    out = io.BytesIO()
    good = _good_workbook()
    with zipfile.ZipFile(io.BytesIO(good)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            if info.filename != SHEET:
                zout.writestr(info.filename, zin.read(info.filename))
        with zout.open(SHEET, "w", force_zip64=True) as member:
            member.write(head)
            block = []
            for r in range(2, n + 2):
                block.append(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>c%d</t></is></c></row>' % (r, r, r))
                if len(block) == 10_000:
                    member.write(b"".join(block))
                    block = []
            member.write(b"".join(block) + SHEET_TAIL)
    return out.getvalue()


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + chunk(b"IEND", b"")


XXE = b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY lol "lol">' + b"".join(
    b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)) + b"]>")


def _with_doctype(source: bytes, name: str, doctype: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(source)) as z:
        data = z.read(name)
    if data.startswith(b"<?xml"):
        end = data.index(b"?>") + 2
        data = data[:end] + doctype + data[end:]
    else:
        data = doctype + data
    return _rewrite(source, replace={name: data})


def _xml_parts() -> list[str]:
    with zipfile.ZipFile(io.BytesIO(_good_workbook())) as z:
        return [n for n in z.namelist() if n.endswith((".xml", ".rels"))]


def _corpus() -> dict[str, tuple[str, bytes, str]]:
    """name → (file name, content, a word the refusal must contain)."""
    good = _good_workbook()
    files: dict[str, tuple[str, bytes, str]] = {
        "zip bomb over the uncompressed limit": (
            "台账.xlsx", _streamed_member(good, SHEET, SHEET_HEAD, b" " * MB, 250, SHEET_TAIL), "解压后"),
        "zip bomb by ratio": (
            "台账.xlsx", _streamed_member(good, SHEET, SHEET_HEAD, b" " * MB, 60, SHEET_TAIL), "压缩比"),
        "2,000,000 rows with dimension": ("台账.xlsx", _million_rows(2_000_000, dimension=True), "2000001"),
        "2,000,000 rows CSV": ("台账.csv", ("单位名称\n" + "某公司\n" * 2_000_000).encode(), "行"),
        "huge image as the sheet": ("台账.xlsx", _png(100_000, 100_000), "不是表格文件"),
        "huge image inside the workbook": (
            "台账.xlsx", _streamed_member(good, "xl/media/image1.bmp", b"BM", b"\x00" * MB, 250, b""), "解压后"),
        "polyglot: data after the archive": ("台账.xlsx", good + b"<script>alert(1)</script>", "压缩包结构异常"),
        "polyglot: HTML in front": ("台账.xlsx", b"<html><body>hi</body></html>" + good, "网页"),
        "polyglot: GIF and zip": ("台账.xlsx", b"GIF89a\x01\x00\x01\x00\x00\x00\x00" + good, "不是表格文件"),
        "polyglot: zip with a comment": ("台账.xlsx", _with_comment(good), "压缩包结构异常"),
        "macro docx": ("台账.xlsx", _docm(), "宏"),
        "macro xlsm": ("台账.xlsx", _rewrite(good, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 512}), "宏"),
        "billion laughs": ("台账.xlsx", _with_doctype(good, SHEET, LAUGHS), "DTD"),
    }
    for part in _xml_parts():
        files[f"XXE in {part}"] = ("台账.xlsx", _with_doctype(good, part, XXE), "DTD")
    return files


def _with_comment(source: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))
        zout.comment = b"<?php system($_GET['c']); ?>"
    return out.getvalue()


def _docm() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>')
        z.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\x00" * 512)
    return out.getvalue()


@pytest.fixture(scope="module")
def corpus() -> dict[str, tuple[str, bytes, str]]:
    return _corpus()


CASES = [
    "zip bomb over the uncompressed limit", "zip bomb by ratio", "2,000,000 rows with dimension", "2,000,000 rows CSV",
    "huge image as the sheet", "huge image inside the workbook", "polyglot: data after the archive",
    "polyglot: HTML in front", "polyglot: GIF and zip", "polyglot: zip with a comment", "macro docx", "macro xlsm",
    "billion laughs", *[f"XXE in {p}" for p in _xml_parts()],
]


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("case", CASES)
def test_bad_upload_is_refused_quickly_in_bounded_memory_and_stores_nothing(
        case, corpus, world, django_capture_on_commit_callbacks):
    filename, content, word = corpus[case]
    before = Enterprise.objects.count()
    rss_before = _maxrss_mb()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        job = import_start(kind="enterprises", actor=world.user("district_a"), upload=SimpleUploadedFile(filename, content))
    elapsed = time.monotonic() - started
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED, (case, job.status, job.result)
    assert word in job.error, (case, job.error)
    assert re.search(r"[\u4e00-\u9fff]", job.error) and re.search(r"[a-z]{4}", job.error)  # Chinese and English
    assert not re.search(r"Traceback|site-packages|\.py\b|/(usr|home|work|tmp|var)/", job.error)  # no trace/paths
    assert Enterprise.objects.count() == before and not job.result_file
    assert elapsed < 30, (case, elapsed)
    assert _maxrss_mb() - rss_before < 150, (case, _maxrss_mb() - rss_before)


def test_two_million_rows_without_a_recorded_dimension_stop_at_the_row_limit(world, django_capture_on_commit_callbacks):
    content = _million_rows(2_000_000, dimension=False)
    with override_settings(IMPORT_MAX_ROWS=2000), django_capture_on_commit_callbacks(execute=True):
        job = import_start(kind="enterprises", actor=world.user("district_a"), upload=SimpleUploadedFile("台账.xlsx", content))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "超过 2000 行" in job.error and "more than 2000" in job.error
    assert not Enterprise.objects.filter(name__startswith="c").exists()


def test_too_many_cells_is_refused(world, django_capture_on_commit_callbacks):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER + [f"备注{i}" for i in range(200)])
    for i in range(100):
        ws.append([f"某公司{i}", "", "26", "路", 114.05, 22.05] + ["x"] * 200)
    buf = io.BytesIO()
    wb.save(buf)
    with override_settings(IMPORT_MAX_CELLS=5000), django_capture_on_commit_callbacks(execute=True):
        job = import_start(kind="enterprises", actor=world.user("district_a"), upload=SimpleUploadedFile("台账.xlsx", buf.getvalue()))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "单元格超过 5000" in job.error
    assert not Enterprise.objects.filter(name__startswith="某公司").exists()


def test_an_upload_over_the_size_limit_is_refused_before_anything_is_stored(world):
    with override_settings(IMPORT_MAX_BYTES=1000), pytest.raises(DomainError) as caught:
        import_start(kind="enterprises", actor=world.user("district_a"),
                     upload=SimpleUploadedFile("台账.xlsx", _good_workbook() + b"\x00" * 2000))
    assert "太大" in caught.value.zh and "too large" in caught.value.en
    assert not Job.objects.exists()


def test_the_good_workbook_still_imports(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = import_start(kind="enterprises", actor=world.user("district_a"),
                           upload=SimpleUploadedFile("台账.xlsx", _good_workbook()))
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert Enterprise.objects.filter(name="甲区某公司").exists()
