"""The other XML the project reads: the XML inside uploaded workbooks (``documents.tabular``) and
Word files must not resolve external entities or expand entity bombs; the Open311 API only writes
XML (its input is form data), so it has no XML reader to attack. The CAP reader: test_cap.py."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from anjian.documents.tabular import TableError, read_table

BOMB = ('<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY lol0 "lol">'
        + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
        + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'
        '<si><t>企业名称</t></si><si><t>&lol9;</t></si></sst>')
EXTERNAL = ('<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'
            '<si><t>企业名称</t></si><si><t>&xxe;</t></si></sst>')


def _workbook_with_shared_strings(xml: str) -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["企业名称"])
    wb.active.append(["placeholder"])
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/sharedStrings.xml":
                data = xml.encode()
            dst.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize("xml", [BOMB, EXTERNAL], ids=["entity-bomb", "external-entity"])
def test_workbook_xml_entities_are_not_expanded(xml):
    data = _workbook_with_shared_strings(xml)
    t0 = time.perf_counter()
    try:
        reader = read_table(data, filename="x.xlsx", known_headers={"name": ["企业名称"]})
        values = [str(v) for _n, row in reader.rows() for v in row.values()]
        reader.close()
    except TableError:
        values = []
    assert time.perf_counter() - t0 < 10
    assert not any("root:" in v for v in values)  # no file contents
    assert all(len(v) < 10_000 for v in values)  # no expansion


def test_open311_reads_no_xml():
    source = (Path(__file__).resolve().parents[2] / "anjian" / "public_reports" / "open311.py").read_text(encoding="utf-8")
    assert "fromstring" not in source and "XMLParser" not in source and ".parse(" not in source


def test_word_reader_resolves_no_entities():
    from docx.oxml.parser import oxml_parser  # heavy optional library: imported on use

    data = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>'
    from lxml import etree  # heavy optional library: imported on use

    root = etree.fromstring(data, oxml_parser)
    assert "root:" not in (etree.tostring(root).decode())
