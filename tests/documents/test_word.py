"""Official documents as Word files (GB/T 9704-2012 layout), checked by reopening them with python-docx.

No Django needed: ``pytest -p no:django tests/documents/test_word.py``. The PDF test runs only where
LibreOffice is installed.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import shutil
import subprocess
import zipfile

import docx
import pytest
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from anjian.documents import charts
from anjian.documents.word import (
    STYLE_NAMES,
    OfficialDocument,
    chinese_numeral,
    format_cn_date,
)

DATE = dt.date(2026, 11, 28)
NUMBER = "深安委办〔2026〕12号"
TITLE = "关于开展2026年冬季安全生产大检查的通知"
ISSUER = "深圳市安全生产委员会办公室"
TOLERANCE = Mm(0.1)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def build(**options) -> OfficialDocument:
    doc = OfficialDocument(TITLE, NUMBER, ISSUER, DATE, **options)
    doc.paragraph("为深入贯彻落实安全生产法律法规，有效防范遏制生产安全事故，现将有关事项通知如下：")
    doc.heading("总体要求", 1)
    doc.paragraph("坚持人民至上、生命至上，统筹发展和安全。")
    doc.heading("检查重点", 1)
    doc.heading("危险化学品领域", 2)
    doc.heading("重大危险源管控", 3)
    doc.heading("特殊作业管理", 3)
    doc.heading("工贸行业领域", 2)
    doc.heading("粉尘涉爆", 3)
    doc.heading("除尘系统", 4)
    doc.table(
        ["区", "隐患数", "已整改"],
        [["福田区", 12, 10], ["罗湖区", 9, None]],
        col_widths_mm=[60, 48, 48],
        caption="表1 各区隐患情况",
    )
    doc.image(
        charts.bar_chart(["福田区", "罗湖区"], {"隐患数": [12, 9]}, title="各区隐患数"),
        caption="图1 各区隐患数",
    )
    return doc


def reopen(doc: OfficialDocument) -> docx.document.Document:
    return docx.Document(io.BytesIO(doc.to_bytes()))


@pytest.fixture(scope="module")
def written() -> docx.document.Document:
    return reopen(
        build(letterhead="深圳市安全生产委员会办公室文件", addressee="各区安委办：", note="此件公开发布")
    )


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def paragraph_with(document, text: str):
    [found] = [p for p in document.paragraphs if p.text == text]
    return found


def east_asian_font(style) -> str | None:
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia"))


# --- page -------------------------------------------------------------------------------------------


def test_page_is_a4_with_the_gbt9704_margins(written) -> None:
    section = written.sections[0]
    assert abs(section.page_width - Mm(210)) < TOLERANCE
    assert abs(section.page_height - Mm(297)) < TOLERANCE
    assert abs(section.top_margin - Mm(37)) < TOLERANCE
    assert abs(section.left_margin - Mm(28)) < TOLERANCE
    assert abs(section.right_margin - Mm(26)) < TOLERANCE
    assert abs(section.bottom_margin - Mm(35)) < TOLERANCE


def test_text_block_is_156_by_225_mm(written) -> None:
    section = written.sections[0]
    width = section.page_width - section.left_margin - section.right_margin
    height = section.page_height - section.top_margin - section.bottom_margin
    assert abs(width - Mm(156)) < TOLERANCE
    assert abs(height - Mm(225)) < TOLERANCE


def test_line_grid_gives_22_lines_per_page(written) -> None:
    grid = written.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    assert grid.get(qn("w:linePitch")) == "579"
    assert Pt(579 / 20) * 22 <= Mm(225)


# --- fonts and styles -----------------------------------------------------------------------------


def test_body_is_fangsong_16pt_at_a_fixed_28_95pt_pitch(written) -> None:
    normal = written.styles["Normal"]
    assert east_asian_font(normal) == "仿宋_GB2312"
    assert normal.font.size == Pt(16)
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.paragraph_format.line_spacing == Pt(28.95)
    assert normal.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    indent = normal.element.pPr.find(qn("w:ind"))
    assert indent.get(qn("w:firstLineChars")) == "200"


def test_body_characters_are_condensed_to_28_per_line(written) -> None:
    spacing = written.styles["Normal"].element.rPr.find(qn("w:spacing"))
    assert spacing.get(qn("w:val")) == "-5"
    assert Mm(156).pt >= 28 * (16 - 0.25)


@pytest.mark.parametrize(
    ("purpose", "font", "size"),
    [
        ("title", "方正小标宋简体", 22),
        ("heading1", "黑体", 16),
        ("heading2", "楷体_GB2312", 16),
        ("heading3", "仿宋_GB2312", 16),
        ("heading4", "仿宋_GB2312", 16),
        ("number", "仿宋_GB2312", 16),
        ("signature", "仿宋_GB2312", 16),
        ("date", "仿宋_GB2312", 16),
        ("table_header", "黑体", 12),
        ("table_text", "仿宋_GB2312", 12),
        ("page_number", "宋体", 14),
    ],
)
def test_styles_name_their_east_asian_font_explicitly(written, purpose: str, font: str, size: int) -> None:
    style = written.styles[STYLE_NAMES[purpose]]
    assert east_asian_font(style) == font
    assert style.font.size == Pt(size)


def test_no_theme_font_overrides_the_named_fonts(written) -> None:
    styles_xml = written.styles.element
    defaults = styles_xml.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert defaults.get(qn("w:eastAsia")) == "仿宋_GB2312"
    themed = [
        style.get(qn("w:styleId"))
        for style in styles_xml.findall(f"{W}style")
        if style.get(qn("w:styleId")).startswith("Aj") or style.get(qn("w:styleId")) == "Normal"
        for fonts in style.iter(f"{W}rFonts")
        if fonts.get(qn("w:eastAsiaTheme"))
    ]
    assert themed == []
    assert defaults.get(qn("w:eastAsiaTheme")) is None


def test_language_is_simplified_chinese(written) -> None:
    lang = written.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    assert written.core_properties.language == "zh-CN"


def test_font_table_names_fallbacks_for_fonts_windows_lacks(written) -> None:
    part = written.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
    )
    fonts = etree.fromstring(part.blob)
    alt = {
        font.get(qn("w:name")): font.find(qn("w:altName")).get(qn("w:val"))
        for font in fonts.findall(qn("w:font"))
        if font.find(qn("w:altName")) is not None
    }
    assert alt == {"方正小标宋简体": "宋体", "仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体"}


# --- front: letterhead, number, title -------------------------------------------------------------


def test_front_order_is_letterhead_number_title_addressee(written) -> None:
    lines = [t for t in texts(written) if t]
    assert lines[:5] == ["深圳市安全生产委员会办公室文件", NUMBER, TITLE, "各区安委办：", lines[4]]
    assert lines[4].startswith("为深入贯彻落实")


def test_number_line_is_centred_with_the_red_rule_under_it(written) -> None:
    number = paragraph_with(written, NUMBER)
    assert number.style.name == "发文字号"
    assert number.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    bottom = number._p.pPr.find(f"{W}pBdr/{W}bottom")
    assert bottom.get(qn("w:color")) == "FF0000"
    assert bottom.get(qn("w:val")) == "single"


def test_letterhead_is_red_and_fits_one_line(written) -> None:
    letterhead = paragraph_with(written, "深圳市安全生产委员会办公室文件")
    assert letterhead.style.font.color.rgb == docx.shared.RGBColor(0xFF, 0, 0)
    assert east_asian_font(letterhead.style) == "方正小标宋简体"
    size = letterhead.runs[0].font.size
    assert size * 15 <= Mm(156)


def test_title_is_centred_22pt(written) -> None:
    title = paragraph_with(written, TITLE)
    assert title.style.name == "公文标题"
    assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_no_red_rule_without_a_letterhead_unless_asked() -> None:
    plain = reopen(OfficialDocument(TITLE, NUMBER, ISSUER, DATE, letterhead=False))
    assert paragraph_with(plain, NUMBER)._p.pPr.find(f"{W}pBdr") is None
    ruled = reopen(OfficialDocument(TITLE, NUMBER, ISSUER, DATE, letterhead=False, red_rule=True))
    assert paragraph_with(ruled, NUMBER)._p.pPr.find(f"{W}pBdr/{W}bottom") is not None


def test_document_without_a_number_starts_with_the_title() -> None:
    document = reopen(OfficialDocument(TITLE, None, ISSUER, DATE, letterhead=False))
    assert document.paragraphs[0].text == TITLE


# --- body ----------------------------------------------------------------------------------------


def test_headings_are_numbered_by_level(written) -> None:
    headings = [(p.style.name, p.text) for p in written.paragraphs if p.style.name.endswith("级标题")]
    assert headings == [
        ("一级标题", "一、总体要求"),
        ("一级标题", "二、检查重点"),
        ("二级标题", "（一）危险化学品领域"),
        ("三级标题", "1.重大危险源管控"),
        ("三级标题", "2.特殊作业管理"),
        ("二级标题", "（二）工贸行业领域"),
        ("三级标题", "1.粉尘涉爆"),
        ("四级标题", "（1）除尘系统"),
    ]


def test_heading_text_that_already_has_its_number_is_kept() -> None:
    doc = OfficialDocument(TITLE, None, ISSUER, DATE)
    doc.heading("一、总体要求", 1)
    doc.heading("工作要求", 1)
    doc.heading("附件说明", 1, numbered=False)
    assert [p.text for p in reopen(doc).paragraphs if p.style.name == "一级标题"] == [
        "一、总体要求",
        "二、工作要求",
        "附件说明",
    ]


def test_each_line_of_body_text_is_a_paragraph() -> None:
    doc = OfficialDocument(TITLE, None, ISSUER, DATE)
    doc.paragraph("第一段。\n\n第二段。\n")
    body = [p.text for p in reopen(doc).paragraphs if p.style.name == "Normal" and p.text]
    assert body == ["第一段。", "第二段。"]


def test_table_header_repeats_and_rows_do_not_split(written) -> None:
    table, _imprint = written.tables
    rows = table.rows
    assert [cell.text for cell in rows[0].cells] == ["区", "隐患数", "已整改"]
    assert [cell.text for cell in rows[2].cells] == ["罗湖区", "9", ""]
    assert rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [row._tr.trPr.find(qn("w:tblHeader")) is not None for row in rows[1:]] == [False, False]
    assert [row._tr.trPr.find(qn("w:cantSplit")) is not None for row in rows] == [True, True, True]
    assert table.alignment == WD_TABLE_ALIGNMENT.CENTER
    assert [
        abs(col.width - Mm(w)) < TOLERANCE for col, w in zip(table.columns, [60, 48, 48], strict=True)
    ] == [
        True,
        True,
        True,
    ]


def test_table_caption_stays_with_the_table(written) -> None:
    caption = paragraph_with(written, "表1 各区隐患情况")
    assert caption.paragraph_format.keep_with_next is True
    assert caption.style.name == "题注"


def test_table_without_widths_fills_the_text_block() -> None:
    doc = OfficialDocument(TITLE, None, ISSUER, DATE)
    doc.table(["甲", "乙", "丙", "丁"], [[1, 2, 3, 4]])
    table, _imprint = reopen(doc).tables
    assert abs(sum(col.width for col in table.columns) - Mm(156)) < TOLERANCE


def test_table_rejects_bad_input() -> None:
    doc = OfficialDocument(TITLE, None, ISSUER, DATE)
    with pytest.raises(ValueError, match="row 2 has 1 cells, the header has 2"):
        doc.table(["甲", "乙"], [[1, 2], [3]])
    with pytest.raises(ValueError, match="wider than the 156 mm text block"):
        doc.table(["甲", "乙"], [[1, 2]], col_widths_mm=[100, 60])
    with pytest.raises(ValueError, match="2 column widths for 3 columns"):
        doc.table(["甲", "乙", "丙"], [], col_widths_mm=[50, 50])


def test_image_is_embedded_at_the_given_width(written) -> None:
    [shape] = written.inline_shapes
    assert abs(shape.width - Mm(150)) < TOLERANCE
    with zipfile.ZipFile(io.BytesIO(OfficialDocument(TITLE, None, ISSUER, DATE).to_bytes())) as empty:
        assert [n for n in empty.namelist() if n.startswith("word/media/")] == []


def test_image_wider_than_the_text_block_is_rejected() -> None:
    doc = OfficialDocument(TITLE, None, ISSUER, DATE)
    with pytest.raises(ValueError, match="10-156 mm"):
        doc.image(b"\x89PNG", width_mm=170)


# --- end: issuer, date, note, attachments --------------------------------------------------------


def test_issuer_and_date_close_the_document_right_aligned(written) -> None:
    lines = [p for p in written.paragraphs if p.text]
    issuer, date, note = lines[-3:]
    assert (issuer.text, date.text, note.text) == (ISSUER, "2026年11月28日", "（此件公开发布）")
    assert issuer.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert date.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # the date 4 characters in from the right, the issuer centred over it
    assert date._p.pPr.find(qn("w:ind")).get(qn("w:rightChars")) == "400"
    assert issuer._p.pPr.find(qn("w:ind")).get(qn("w:rightChars")) == "100"


def test_attachment_note_lines_up_the_names() -> None:
    doc = OfficialDocument(TITLE, None, ISSUER, DATE)
    doc.paragraph("正文。")
    doc.attachments(["检查表", "统计表"])
    lines = [p.text for p in reopen(doc).paragraphs if p.text]
    assert lines[2:5] == ["正文。", "附件：1. 检查表", "2. 统计表"]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 11, 28), "2026年11月28日"),
        (dt.date(2026, 1, 5), "2026年1月5日"),
        (dt.date(2027, 10, 1), "2027年10月1日"),
    ],
)
def test_format_cn_date_has_no_leading_zeros(day: dt.date, expected: str) -> None:
    assert format_cn_date(day) == expected


@pytest.mark.parametrize(
    ("number", "expected"), [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (99, "九十九")]
)
def test_chinese_numeral(number: int, expected: str) -> None:
    assert chinese_numeral(number) == expected


def test_nothing_can_be_added_after_writing() -> None:
    doc = OfficialDocument(TITLE, None, ISSUER, DATE, letterhead=False)
    first = doc.to_bytes()
    assert len(first) > 0 and first[:2] == b"PK"
    with pytest.raises(RuntimeError):
        doc.paragraph("迟到的一段。")
    # writing again does not add the closing block twice
    assert [p.text for p in reopen(doc).paragraphs].count(ISSUER) == 1


# --- page numbers ----------------------------------------------------------------------------------


def test_footers_carry_a_page_field_between_dashes(written) -> None:
    section = written.sections[0]
    assert written.settings.odd_and_even_pages_header_footer is True
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        [paragraph] = footer.paragraphs
        assert paragraph.text == "— 1 —"
        assert paragraph.alignment == alignment
        assert paragraph.style.name == "页码"
        instructions = [e.text.strip() for e in paragraph._p.iter(qn("w:instrText"))]
        assert instructions == ["PAGE"]
        kinds = [e.get(qn("w:fldCharType")) for e in paragraph._p.iter(qn("w:fldChar"))]
        assert kinds == ["begin", "separate", "end"]


def test_page_number_is_7mm_under_the_text_block(written) -> None:
    section = written.sections[0]
    # bottom margin 35 mm - 7 mm gap - one 14 pt line (~6 mm) = ~22 mm
    assert abs(section.footer_distance - Mm(22)) < TOLERANCE


# --- rendering with LibreOffice ------------------------------------------------------------------


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def punctuation_heavy_paragraphs(count: int = 40) -> list[str]:
    """Seeded filler text with many commas: some land exactly at line ends."""
    rng = random.Random(1)
    words = "安全生产监督管理隐患排查治理企业检查整改落实责任制度应急预案演练风险分级管控"
    paragraphs = []
    for _ in range(count):
        text = ""
        for _ in range(rng.randint(40, 120)):
            text += rng.choice(words)
            if rng.random() < 0.12:
                text += rng.choice("，，，。、；：")
        paragraphs.append(text + "。")
    return paragraphs


@pytest.mark.skipif(
    soffice() is None, reason="LibreOffice (soffice) is not installed: PDF conversion is optional"
)
def test_libreoffice_converts_it_to_a_pdf_with_all_the_text(tmp_path) -> None:
    doc = build(letterhead="深圳市安全生产委员会办公室文件")
    for text in punctuation_heavy_paragraphs():
        doc.paragraph(text)
    source = tmp_path / "notice.docx"
    doc.save(source)
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = tmp_path / "notice.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: PDF text not checked")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for expected in (
        NUMBER,
        TITLE,
        "一、总体要求",
        "（一）危险化学品领域",
        "罗湖区",
        ISSUER,
        "2026年11月28日",
        "—1—",
    ):
        assert expected in flat
    # No punctuation lost at line ends: LibreOffice drops a mark that does not fit and may not hang.
    written = docx.Document(io.BytesIO(source.read_bytes()))
    source_text = "".join(p.text for p in written.paragraphs) + "".join(
        cell.text for table in written.tables for row in table.rows for cell in row.cells
    )
    marks = "，。、；："
    assert [flat.count(m) for m in marks] == [source_text.count(m) for m in marks]


# --- 版头 and 版记 on every document (GB/T 9704 7.2 and 7.4) ---------------------------------------


def test_every_document_has_the_red_letterhead_with_the_issuers_name_and_the_red_rule() -> None:
    document = reopen(OfficialDocument(TITLE, NUMBER, ISSUER, DATE))
    head, *_ = [p for p in document.paragraphs if p.text]
    assert head.text == ISSUER
    assert head.style.name == "发文机关标志"
    assert head.style.font.color.rgb == docx.shared.RGBColor(0xFF, 0, 0)
    assert east_asian_font(head.style) == "方正小标宋简体"
    lines = [p.text for p in document.paragraphs if p.text]
    assert lines[:3] == [ISSUER, NUMBER, TITLE]
    bottom = paragraph_with(document, NUMBER)._p.pPr.find(f"{W}pBdr/{W}bottom")
    assert (bottom.get(qn("w:val")), bottom.get(qn("w:color"))) == ("single", "FF0000")


def imprint_table(document):
    [table] = [t for t in document.tables if t._tbl.tblPr.find(qn("w:tblpPr")) is not None]
    return table


def test_imprint_closes_the_document_with_cc_printer_and_date_between_rules() -> None:
    doc = OfficialDocument(TITLE, NUMBER, ISSUER, DATE, cc=["市应急管理局", "各区人民政府"],
                           printed_on=dt.date(2026, 11, 30))
    doc.paragraph("正文。")
    document = reopen(doc)
    table = imprint_table(document)
    # the last table of the body, after the date
    body = list(document.element.body)
    assert body.index(table._tbl) > body.index(paragraph_with(document, "2026年11月28日")._p)
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0][0] == "抄送：市应急管理局，各区人民政府。"
    assert rows[1] == [ISSUER, "2026年11月30日印发"]
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    edge = {side: borders.find(qn(f"w:{side}")) for side in ("top", "bottom", "insideH", "left", "right", "insideV")}
    # thick first and last rules, a thin one between, no side rules
    assert [edge[s].get(qn("w:val")) for s in ("top", "bottom", "insideH")] == ["single"] * 3
    assert int(edge["top"].get(qn("w:sz"))) > int(edge["insideH"].get(qn("w:sz")))
    assert int(edge["bottom"].get(qn("w:sz"))) == int(edge["top"].get(qn("w:sz")))
    assert [edge[s].get(qn("w:val")) for s in ("left", "right", "insideV")] == ["nil"] * 3
    width = int(table._tbl.tblPr.find(qn("w:tblW")).get(qn("w:w")))
    assert abs(width - round(Mm(156).pt * 20)) <= 2
    # floated to the bottom of the text block (Word), in size 4 仿宋
    position = table._tbl.tblPr.find(qn("w:tblpPr"))
    assert (position.get(qn("w:vertAnchor")), position.get(qn("w:tblpYSpec"))) == ("margin", "bottom")
    printed = table.rows[1].cells[1].paragraphs[0]
    assert printed.style.name == "版记"
    assert printed.style.font.size == Pt(14)
    assert east_asian_font(printed.style) == "仿宋_GB2312"
    assert printed.alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_imprint_without_cc_has_only_the_printing_line_and_defaults_to_issuer_and_date() -> None:
    table = imprint_table(reopen(OfficialDocument(TITLE, None, ISSUER, DATE)))
    assert [[c.text for c in row.cells] for row in table.rows] == [[ISSUER, "2026年11月28日印发"]]


def test_imprint_can_be_left_out() -> None:
    document = reopen(OfficialDocument(TITLE, None, ISSUER, DATE, imprint=False))
    assert not document.tables


def test_font_table_classifies_the_chinese_fonts_for_substitutes() -> None:
    """A reader without the font picks a substitute of the same family class: serif (roman) for
    宋/仿宋/楷/小标宋, sans (swiss) for 黑体 — "modern" meant a monospace one."""
    document = reopen(OfficialDocument(TITLE, None, ISSUER, DATE))
    part = document.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
    )
    family = {f.get(qn("w:name")): f.find(qn("w:family")).get(qn("w:val"))
              for f in etree.fromstring(part.blob).findall(qn("w:font")) if f.find(qn("w:family")) is not None}
    assert family["仿宋_GB2312"] == family["方正小标宋简体"] == family["楷体_GB2312"] == family["宋体"] == "roman"
    assert family["黑体"] == "swiss"


def _serif_cjk_installed() -> bool:
    if shutil.which("fc-match") is None:
        return False
    found = subprocess.run(["fc-match", "仿宋_GB2312", "family"], capture_output=True, text=True).stdout
    return "UMing" in found or "Serif" in found or "Song" in found or "Ming" in found


@pytest.mark.skipif(
    soffice() is None or shutil.which("pdffonts") is None,
    reason="LibreOffice (soffice) and poppler are not installed: scripts/install-office.sh",
)
def test_libreoffice_renders_letterhead_imprint_and_serif_body(tmp_path) -> None:
    doc = OfficialDocument(TITLE, NUMBER, ISSUER, DATE, cc="市应急管理局")
    doc.paragraph("坚持人民至上、生命至上，统筹发展和安全。")
    source = tmp_path / "notice.docx"
    doc.save(source)
    subprocess.run([soffice(), f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(source)], capture_output=True, timeout=180, check=True)
    pdf = tmp_path / "notice.pdf"
    text = "".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())
    assert text.index(ISSUER) < text.index(NUMBER) < text.index(TITLE)
    assert text.index("2026年11月28日") < text.index("抄送：市应急管理局。") < text.index("2026年11月28日印发")
    if not _serif_cjk_installed():
        pytest.skip("no serif CJK font mapped for 仿宋_GB2312: run scripts/install-office.sh")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    # the body's 仿宋 became the installed serif face, not a sans-serif substitute
    assert "UMing" in fonts or "Serif" in fonts, fonts
