"""Official documents (公文) as Word files, laid out per GB/T 9704-2012《党政机关公文格式》.

The layout follows ``docs/ux.md``: A4; top margin 37 mm, left (binding) margin 28 mm, a text block
of 156 x 225 mm (so right 26 mm, bottom 35 mm) holding 22 lines of 28 characters; the title in
size 2 (22 pt) 小标宋, the body in size 3 (16 pt) 仿宋_GB2312 at a fixed 28.95 pt line pitch;
headings ``一、`` 黑体, ``（一）`` 楷体, ``1.`` and ``（1）`` 仿宋; the document number (发文字号)
centred above the title, optionally under a red issuing-office mark (发文机关标志) and over a red
separator line (版头); the issuing office and the date (``2026年11月28日``) at the end, right-aligned;
page numbers ``— 1 —`` in size 4 (14 pt) 宋体 at the foot (odd pages right, even pages left, one
character in from the edge).

The 22 lines come from a line grid and the fixed line pitch, the 28 characters from condensing the
body characters by 0.25 pt (a character grid, as some Word templates use, is honoured by Word but
spreads the characters far apart in LibreOffice, which is the PDF path).

Fonts are referenced by name, not embedded: the reader's Word or WPS supplies them. Each run style
sets the East-Asian font (``w:eastAsia``) explicitly, and the font table names a common fallback
(``w:altName``) for the fonts that a plain Windows install lacks: 方正小标宋简体 -> 宋体,
仿宋_GB2312 -> 仿宋, 楷体_GB2312 -> 楷体.

No Django import: callers pass plain values. Example::

    doc = OfficialDocument("关于开展2026年冬季安全生产大检查的通知", "深安委办〔2026〕12号",
                           "深圳市安全生产委员会办公室", datetime.date(2026, 11, 28),
                           addressee="各区安委办，市安委会各成员单位：")
    doc.heading("总体要求", 1)          # -> "一、总体要求" in 黑体
    doc.paragraph("……")
    doc.table(["区", "隐患数"], [["福田区", 12]])
    doc.image(charts.bar_chart(...), width_mm=150)
    data = doc.to_bytes()
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

__all__ = [
    "BODY_LINE_PITCH",
    "FONT_BODY",
    "FONT_FALLBACKS",
    "FONT_HEITI",
    "FONT_KAITI",
    "FONT_PAGE_NUMBER",
    "FONT_TITLE",
    "STYLE_NAMES",
    "TEXT_HEIGHT",
    "TEXT_WIDTH",
    "OfficialDocument",
    "chinese_numeral",
    "format_cn_date",
]

# --- the layout, GB/T 9704-2012 -----------------------------------------------------------------

PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
MARGIN_TOP = Mm(37)
MARGIN_LEFT = Mm(28)
TEXT_WIDTH = Mm(156)
TEXT_HEIGHT = Mm(225)
MARGIN_RIGHT = Mm(210 - 28 - 156)  # 26 mm
MARGIN_BOTTOM = Mm(297 - 37 - 225)  # 35 mm
# The page number line sits 7 mm under the text block: its top ~28 mm above the page's bottom edge,
# so its bottom (what Word's "footer from bottom" measures) is ~22 mm up.
FOOTER_DISTANCE = Mm(22)
HEADER_DISTANCE = Mm(15)

LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
BODY_SIZE = Pt(16)  # size 3 (三号)
TITLE_SIZE = Pt(22)  # size 2 (二号)
PAGE_NUMBER_SIZE = Pt(14)  # size 4 (四号)
TABLE_SIZE = Pt(12)  # size small 4 (小四): tables and their headers
CAPTION_SIZE = Pt(14)
# 225 mm / 22 lines = 28.97 pt; Word templates round it to 28.95 pt (579 twentieths of a point).
BODY_LINE_PITCH = Pt(28.95)
TITLE_LINE_PITCH = Pt(35)
# 28 characters in 156 mm: a pitch of 15.79 pt, so body characters are condensed by 0.25 pt (the
# next whole twentieth of a point: 28 x 15.75 pt = 441 pt fits the 442.2 pt line).
BODY_CHARACTER_SPACING = Pt(math.floor((TEXT_WIDTH.pt / CHARS_PER_LINE - BODY_SIZE.pt) * 20) / 20)

FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEITI = "黑体"
FONT_KAITI = "楷体_GB2312"
FONT_PAGE_NUMBER = "宋体"
# Written to the font table as w:altName, a hint for readers that lack the first font.
FONT_FALLBACKS: dict[str, str] = {
    FONT_TITLE: "宋体",
    FONT_BODY: "仿宋",
    FONT_KAITI: "楷体",
}
RED = RGBColor(0xFF, 0x00, 0x00)
IMPRINT_SIZE = Pt(14)  # size 4 (四号): the 版记
# rule widths in eighths of a point: 0.35 mm = 1 pt, 0.25 mm = 0.71 pt (Word's nearest: 3/4 pt)
IMPRINT_THICK = 8
IMPRINT_THIN = 6

# Paragraph styles this module adds to the document: purpose -> the name Word shows.
STYLE_NAMES: dict[str, str] = {
    "letterhead": "发文机关标志",
    "number": "发文字号",
    "title": "公文标题",
    "addressee": "主送机关",
    "heading1": "一级标题",
    "heading2": "二级标题",
    "heading3": "三级标题",
    "heading4": "四级标题",
    "signature": "发文机关署名",
    "date": "成文日期",
    "note": "附注",
    "table_text": "表格文字",
    "table_header": "表格表头",
    "figure": "图片",
    "caption": "题注",
    "page_number": "页码",
    "imprint": "版记",
}

_HEADING_PREFIX_PATTERNS = {
    1: re.compile(r"^[一二三四五六七八九十百]+、"),
    2: re.compile(r"^（[一二三四五六七八九十百]+）"),
    3: re.compile(r"^\d+[.．]"),
    4: re.compile(r"^（\d+）"),
}

# Child order inside w:pPr (ECMA-376 CT_PPrBase), to insert elements python-docx has no API for.
_PPR_ORDER = [
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
    "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
    "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
    "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
    "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
    "w:sectPr", "w:pPrChange",
]  # fmt: skip


# Elements that follow w:spacing inside w:rPr (ECMA-376 CT_RPr order).
_RPR_AFTER_SPACING = (
    "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr",
    "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
    "w:specVanish", "w:oMath",
)  # fmt: skip


def format_cn_date(value: dt.date) -> str:
    """A date as official documents write it: ``2026年11月28日`` (full year, no leading zeros)."""
    return f"{value.year}年{value.month}月{value.day}日"


def chinese_numeral(number: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 99 -> 九十九 (for heading numbers)."""
    digits = "零一二三四五六七八九"
    if not 1 <= number <= 99:
        raise ValueError(f"heading number out of range 1-99: {number}")
    tens, ones = divmod(number, 10)
    if tens == 0:
        return digits[ones]
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


class OfficialDocument:
    """One official document, built top to bottom, then written with :meth:`to_bytes` or :meth:`save`.

    ``title`` is the document title (标题); ``number`` the document number (发文字号) or None;
    ``issuer`` the issuing office's full name (发文机关署名) and ``date`` the date of the document
    (成文日期), both printed at the end. ``letterhead`` is the red issuing-office mark (发文机关标志,
    e.g. ``深圳市安全生产委员会办公室文件``), printed at the top in red 小标宋; by default the
    issuer's name, ``False`` for none. ``red_rule`` draws the red separator line under the number
    (default: when there is a letterhead). ``addressee`` (主送机关, e.g. ``各区安委办：``) is printed
    under the title; ``note`` (附注, e.g. ``此件公开发布``) in brackets under the date.

    The 版记 (GB/T 9704 7.4) closes the last page, at its foot: ``cc`` (抄送机关, a name or a list of
    names), then the printing office (印发机关, ``printer``, by default the issuer) on the left and
    ``printed_on`` (印发日期, by default ``date``) on the right, between rules as wide as the text
    block — thick first and last, thin between. ``imprint=False`` leaves it out.

    The issuer and date are added when the document is first written; adding content afterwards
    raises ``RuntimeError``.
    """

    def __init__(
        self,
        title: str,
        number: str | None,
        issuer: str,
        date: dt.date,
        *,
        letterhead: str | bool | None = None,
        red_rule: bool | None = None,
        addressee: str | None = None,
        note: str | None = None,
        cc: str | Sequence[str] | None = None,
        printer: str | None = None,
        printed_on: dt.date | None = None,
        imprint: bool = True,
    ) -> None:
        if not title.strip():
            raise ValueError("official document: empty title")
        self.title = title.strip()
        self.number = number.strip() if number and number.strip() else None
        self.issuer = issuer.strip()
        self.date = date
        if letterhead is None or letterhead is True:
            letterhead = issuer
        self.letterhead = letterhead.strip() if isinstance(letterhead, str) and letterhead.strip() else None
        self.red_rule = self.letterhead is not None if red_rule is None else red_rule
        self.addressee = addressee.strip() if addressee and addressee.strip() else None
        self.note = note.strip() if note and note.strip() else None
        names = [cc] if isinstance(cc, str) else list(cc or [])
        self.cc = [n.strip().rstrip("，,。") for n in names if n and n.strip()]
        self.printer = (printer or "").strip() or self.issuer
        self.printed_on = printed_on or date
        self.imprint = imprint
        self._heading_counters = [0, 0, 0, 0]
        self._closed = False
        self._doc: DocxDocument = Document()
        self._clear_body()
        self._set_up_page()
        self._set_up_styles()
        self._set_up_font_table()
        self._set_up_page_numbers()
        self._set_properties()
        self._write_front()

    # --- public API --------------------------------------------------------------------------

    @property
    def document(self) -> DocxDocument:
        """The underlying python-docx document, for anything this class does not cover."""
        return self._doc

    def heading(self, text: str, level: int = 1, *, numbered: bool = True) -> Paragraph:
        """A heading inside the body: level 1 ``一、`` 黑体, 2 ``（一）`` 楷体, 3 ``1.`` and 4 ``（1）`` 仿宋.

        With ``numbered`` the number is generated (levels below restart); text that already starts
        with its level's number is used as it is (the count still advances).
        """
        self._check_open()
        if level not in (1, 2, 3, 4):
            raise ValueError(f"heading level must be 1-4, got {level}")
        text = text.strip()
        if numbered:
            self._heading_counters[level - 1] += 1
            for deeper in range(level, 4):
                self._heading_counters[deeper] = 0
            if not _HEADING_PREFIX_PATTERNS[level].match(text):
                text = _heading_prefix(level, self._heading_counters[level - 1]) + text
        return self._doc.add_paragraph(text, style=self._style(f"heading{level}"))

    def paragraph(self, text: str, *, indent: bool = True) -> Paragraph:
        """Body text (仿宋 16 pt, first line indented two characters).

        Each line of ``text`` becomes its own paragraph (blank lines are dropped); the last one is
        returned. ``indent=False`` starts the lines at the margin.
        """
        self._check_open()
        lines = [line.strip() for line in text.splitlines() if line.strip()] or [""]
        paragraph: Paragraph | None = None
        for line in lines:
            paragraph = self._doc.add_paragraph(line)
            if not indent:
                _set_first_line_indent(paragraph._p.get_or_add_pPr(), chars=0)
        assert paragraph is not None
        return paragraph

    def table(
        self,
        header: Sequence[Any],
        rows: Iterable[Sequence[Any]],
        col_widths_mm: Sequence[float] | None = None,
        *,
        caption: str | None = None,
        align: Sequence[str] | None = None,
    ) -> Table:
        """A ruled table the width of the text block (unless ``col_widths_mm`` says otherwise).

        The header row repeats at the top of every page and no row splits across pages. Cells are
        ``str()`` of the values (``None`` is empty). ``align`` gives each column's alignment
        (``left``, ``center``, ``right``); by default numeric and short columns are centred, text
        columns left-aligned. ``caption`` (e.g. ``表1 各区隐患情况``) is printed above, in 黑体.
        """
        self._check_open()
        header = [_cell_text(h) for h in header]
        if not header:
            raise ValueError("table: empty header")
        body = [list(row) for row in rows]
        for number, row in enumerate(body, start=1):
            if len(row) != len(header):
                raise ValueError(f"table: row {number} has {len(row)} cells, the header has {len(header)}")
        widths = self._column_widths(len(header), col_widths_mm)
        alignments = self._column_alignments(header, body, align)

        if caption:
            self._doc.add_paragraph(
                caption.strip(), style=self._style("caption")
            ).paragraph_format.keep_with_next = True

        table = self._doc.add_table(rows=1 + len(body), cols=len(header))
        table.style = self._doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _set_table_width(table, Length(sum(widths)))
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        for index, row in enumerate(table.rows):
            row.height = Mm(8)
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
            _set_row_flags(row._tr, header=index == 0)
            values = header if index == 0 else [_cell_text(v) for v in body[index - 1]]
            style = self._style("table_header" if index == 0 else "table_text")
            for cell, value, width, alignment in zip(row.cells, values, widths, alignments, strict=True):
                cell.width = width
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                paragraph = cell.paragraphs[0]
                paragraph.style = style
                if index > 0:
                    paragraph.alignment = alignment
                if value:
                    paragraph.add_run(value)
        # a normal-sized empty line after the table keeps the next text off its bottom rule
        self._doc.add_paragraph(style=self._style("table_text"))
        return table

    def image(self, png_bytes: bytes, width_mm: float = 150, *, caption: str | None = None) -> Paragraph:
        """A picture (e.g. a chart from :mod:`anjian.documents.charts`), centred, ``width_mm`` wide.

        ``caption`` (e.g. ``图1 各区隐患数量``) is printed under it.
        """
        self._check_open()
        if not 10 <= width_mm <= 156:
            raise ValueError(f"image width must be 10-156 mm (the text block), got {width_mm}")
        paragraph = self._doc.add_paragraph(style=self._style("figure"))
        paragraph.add_run().add_picture(io.BytesIO(png_bytes), width=Mm(width_mm))
        if caption:
            paragraph.paragraph_format.keep_with_next = True
            self._doc.add_paragraph(caption.strip(), style=self._style("caption"))
        return paragraph

    def attachments(self, names: Sequence[str]) -> None:
        """The attachment note (附件说明): ``附件：1. ……`` under the body, one line per attachment."""
        self._check_open()
        names = [n.strip() for n in names if n.strip()]
        if not names:
            return
        self._blank_line()
        if len(names) == 1:
            self._doc.add_paragraph(f"附件：{names[0]}")
            return
        for number, name in enumerate(names, start=1):
            paragraph = self._doc.add_paragraph(
                f"附件：{number}. {name}" if number == 1 else f"{number}. {name}"
            )
            if number > 1:
                # line the numbers up under the first one: 2 characters of indent + "附件："
                _set_first_line_indent(paragraph._p.get_or_add_pPr(), chars=0, left_chars=5)

    def page_break(self) -> None:
        """Start a new page."""
        self._check_open()
        self._doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def to_bytes(self) -> bytes:
        """The .docx file's bytes (adds the issuer and date on the first call)."""
        self._close()
        buffer = io.BytesIO()
        self._doc.save(buffer)
        return buffer.getvalue()

    def save(self, path: str | Path) -> None:
        """Write the .docx file to ``path``."""
        Path(path).write_bytes(self.to_bytes())

    # --- building ----------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(
                "the document has been written: no content can be added after to_bytes()/save()"
            )

    def _style(self, purpose: str) -> ParagraphStyle:
        style = self._doc.styles[STYLE_NAMES[purpose]]
        assert isinstance(style, ParagraphStyle)
        return style

    def _blank_line(self, *, keep_with_next: bool = False) -> Paragraph:
        paragraph = self._doc.add_paragraph()
        if keep_with_next:
            paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def _write_front(self) -> None:
        head = False
        last: Paragraph | None = None
        if self.letterhead:
            last = self._doc.add_paragraph(style=self._style("letterhead"))
            run = last.add_run(self.letterhead)
            run.font.size = _letterhead_size(self.letterhead)
            head = True
        if self.number:
            if self.letterhead:
                self._blank_line()
                self._blank_line()
            last = self._doc.add_paragraph(self.number, style=self._style("number"))
            head = True
        if self.red_rule and last is not None:
            _add_bottom_rule(last)
        if head:
            self._blank_line()
            self._blank_line()
        self._doc.add_paragraph(self.title, style=self._style("title"))
        self._blank_line()
        if self.addressee:
            self._doc.add_paragraph(self.addressee, style=self._style("addressee"))

    def _close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.issuer:
            # room for the seal, which is pressed over the issuer and the date
            self._blank_line(keep_with_next=True)
            self._blank_line(keep_with_next=True)
            signature = self._doc.add_paragraph(self.issuer, style=self._style("signature"))
            # GB/T 9704 7.3.5.1: the date 4 characters in from the right, the issuer centred on it
            shift = 4 + (_display_width(format_cn_date(self.date)) - _display_width(self.issuer)) / 2
            _set_right_indent_chars(signature._p.get_or_add_pPr(), max(shift, 0))
        else:
            self._blank_line(keep_with_next=True)
        date = self._doc.add_paragraph(format_cn_date(self.date), style=self._style("date"))
        _set_right_indent_chars(date._p.get_or_add_pPr(), 4)
        if self.note:
            note = self.note if self.note.startswith("（") else f"（{self.note}）"
            self._doc.add_paragraph(note, style=self._style("note"))
        if self.imprint:
            self._write_imprint()

    def _write_imprint(self) -> None:
        """The 版记 (GB/T 9704 7.4): a table floated to the foot of the text block of its page.

        Rows: 抄送 (when there is one), then 印发机关 on the left and 印发日期 on the right. Rules as
        wide as the text block: 0.35 mm above the first and under the last row, 0.25 mm between
        rows; no side rules; size 4 仿宋, one character in from either side. Word places the table
        at the bottom margin; LibreOffice 7 keeps a floating table as wide as the text block in the
        text flow, right under the date (or the note).
        """
        rows = ([f"抄送：{'，'.join(self.cc)}。"] if self.cc else []) + [None]
        table = self._doc.add_table(rows=len(rows), cols=2)
        table.autofit = False
        width = TEXT_WIDTH
        half = Length(int(width) // 2)
        _set_table_width(table, width)
        for column in table.columns:
            column.width = half
        tbl_pr = table._tbl.tblPr
        position = OxmlElement("w:tblpPr")
        for name, value in (("leftFromText", "0"), ("rightFromText", "0"), ("topFromText", "0"),
                            ("bottomFromText", "0"), ("vertAnchor", "margin"), ("horzAnchor", "margin"),
                            ("tblpXSpec", "center"), ("tblpYSpec", "bottom")):  # fmt: skip
            position.set(qn(f"w:{name}"), value)
        tbl_pr.insert(1 if tbl_pr.find(qn("w:tblStyle")) is not None else 0, position)
        borders = OxmlElement("w:tblBorders")
        for side, size in (("top", IMPRINT_THICK), ("left", None), ("bottom", IMPRINT_THICK),
                           ("right", None), ("insideH", IMPRINT_THIN), ("insideV", None)):  # fmt: skip
            edge = OxmlElement(f"w:{side}")
            edge.set(qn("w:val"), "single" if size else "nil")
            if size:
                edge.set(qn("w:sz"), str(size))
                edge.set(qn("w:space"), "0")
                edge.set(qn("w:color"), "000000")
            borders.append(edge)
        _insert_tbl_pr_child(tbl_pr, borders)
        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            margin = OxmlElement(f"w:{side}")
            margin.set(qn("w:w"), "0")
            margin.set(qn("w:type"), "dxa")
            margins.append(margin)
        _insert_tbl_pr_child(tbl_pr, margins)
        for row, text in zip(table.rows, rows, strict=True):
            row.height = Mm(7)
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
            _set_row_flags(row._tr, header=False)
            for cell in row.cells:
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            if text is None:
                left, right = (cell.paragraphs[0] for cell in row.cells)
                left.style = right.style = self._style("imprint")
                left.add_run(self.printer)
                _set_first_line_indent(left._p.get_or_add_pPr(), chars=0, left_chars=1, size=IMPRINT_SIZE)
                right.add_run(f"{format_cn_date(self.printed_on)}印发")
                right.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                _set_right_indent_chars(right._p.get_or_add_pPr(), 1, size=IMPRINT_SIZE)
            else:
                cell = row.cells[0].merge(row.cells[1])
                paragraph = cell.paragraphs[0]
                paragraph.style = self._style("imprint")
                paragraph.add_run(text)
                # the names after "抄送：" line up under each other (hanging indent of 3 characters)
                ppr = paragraph._p.get_or_add_pPr()
                _set_first_line_indent(ppr, chars=0, left_chars=1, size=IMPRINT_SIZE, hanging_chars=3)
                _set_right_indent_chars(ppr, 1, size=IMPRINT_SIZE)
        # a floating table is anchored in the paragraph after it (Word needs one after a table anyway)
        tail = self._doc.add_paragraph(style=self._style("imprint"))
        tail.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        tail.paragraph_format.line_spacing = Pt(1)

    def _column_widths(self, count: int, widths_mm: Sequence[float] | None) -> list[Length]:
        if widths_mm is None:
            each = int(TEXT_WIDTH) // count
            return [Length(each)] * count
        if len(widths_mm) != count:
            raise ValueError(f"table: {len(widths_mm)} column widths for {count} columns")
        if any(w <= 0 for w in widths_mm):
            raise ValueError("table: column widths must be positive")
        total = sum(widths_mm)
        if total > 156.05:
            raise ValueError(f"table: columns add up to {total:g} mm, wider than the 156 mm text block")
        return [Mm(w) for w in widths_mm]

    @staticmethod
    def _column_alignments(
        header: Sequence[str], body: Sequence[Sequence[Any]], align: Sequence[str] | None
    ) -> list[WD_ALIGN_PARAGRAPH]:
        names = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                 "centre": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}  # fmt: skip
        if align is not None:
            if len(align) != len(header):
                raise ValueError(f"table: {len(align)} alignments for {len(header)} columns")
            try:
                return [names[a] for a in align]
            except KeyError as error:
                raise ValueError(f"table: unknown alignment {error.args[0]!r}") from None
        result = []
        for column in range(len(header)):
            values = [row[column] for row in body if row[column] not in (None, "")]
            numeric = all(_is_number(v) for v in values)
            short = all(_display_width(_cell_text(v)) <= 8 for v in values)
            result.append(WD_ALIGN_PARAGRAPH.CENTER if numeric or short else WD_ALIGN_PARAGRAPH.LEFT)
        return result

    # --- set-up ------------------------------------------------------------------------------

    def _clear_body(self) -> None:
        body = self._doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)

    def _set_up_page(self) -> None:
        section = self._doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = PAGE_WIDTH
        section.page_height = PAGE_HEIGHT
        section.top_margin = MARGIN_TOP
        section.bottom_margin = MARGIN_BOTTOM
        section.left_margin = MARGIN_LEFT
        section.right_margin = MARGIN_RIGHT
        section.header_distance = HEADER_DISTANCE
        section.footer_distance = FOOTER_DISTANCE
        section.gutter = Mm(0)
        # The document grid: 22 lines per page. Only a line grid: a character grid
        # (type "linesAndChars") is honoured by Word but spreads characters far apart in LibreOffice;
        # the 28 characters per line come from the body style's character spacing instead.
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            section._sectPr.append(grid)
        grid.attrib.pop(qn("w:charSpace"), None)
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(round(BODY_LINE_PITCH.pt * 20)))

    def _set_up_styles(self) -> None:
        styles = self._doc.styles
        # defaults for every run and paragraph: Chinese, 仿宋 16 pt, no theme fonts
        defaults = styles.element.find(qn("w:docDefaults"))
        rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set_rpr_fonts(rpr_default, FONT_BODY)
        _set_rpr_size(rpr_default, BODY_SIZE)
        _set_rpr_lang(rpr_default)
        ppr_default = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
        spacing = ppr_default.find(qn("w:spacing"))
        if spacing is not None:
            ppr_default.remove(spacing)

        normal = styles["Normal"]
        _set_rpr_fonts(normal.element.get_or_add_rPr(), FONT_BODY)
        normal.font.size = BODY_SIZE
        _set_character_spacing(normal.element.get_or_add_rPr(), BODY_CHARACTER_SPACING)
        pf = normal.paragraph_format
        pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        pf.space_before = Pt(0)
        pf.space_after = Pt(0)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = BODY_LINE_PITCH
        pf.widow_control = False
        _set_first_line_indent(normal.element.get_or_add_pPr(), chars=2)
        # Punctuation may hang past the right edge (Word's default, stated explicitly): when it may
        # not, LibreOffice (the PDF path) drops a comma that does not fit from the page altogether.
        _set_ppr_child(normal.element.get_or_add_pPr(), "w:overflowPunct", val="1")

        def add(purpose: str, style_id: str, font: str, size: Length, **options: Any) -> ParagraphStyle:
            style = styles.add_style(style_id, WD_STYLE_TYPE.PARAGRAPH)
            style.name = STYLE_NAMES[purpose]
            style.base_style = normal
            style.quick_style = True
            _set_rpr_fonts(style.element.get_or_add_rPr(), font)
            style.font.size = size
            if options.get("bold"):
                style.font.bold = True
            if options.get("colour"):
                style.font.color.rgb = options["colour"]
            ppr = style.element.get_or_add_pPr()
            fmt = style.paragraph_format
            if "align" in options:
                fmt.alignment = options["align"]
            if options.get("indent") is False:
                _set_first_line_indent(ppr, chars=0)
            if "line" in options:
                if options["line"] is None:
                    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
                else:
                    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
                    fmt.line_spacing = options["line"]
            if options.get("keep_with_next"):
                fmt.keep_with_next = True
            if options.get("no_grid"):
                _set_ppr_child(ppr, "w:snapToGrid", val="0")
            if "outline" in options:
                _set_ppr_child(ppr, "w:outlineLvl", val=str(options["outline"]))
            return style

        centre, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
        add(
            "letterhead",
            "AjLetterhead",
            FONT_TITLE,
            Pt(36),
            align=centre,
            indent=False,
            line=None,
            colour=RED,
            no_grid=True,
        )
        add("number", "AjDocNumber", FONT_BODY, BODY_SIZE, align=centre, indent=False)
        add(
            "title",
            "AjTitle",
            FONT_TITLE,
            TITLE_SIZE,
            align=centre,
            indent=False,
            line=TITLE_LINE_PITCH,
            keep_with_next=True,
            no_grid=True,
        )
        add("addressee", "AjAddressee", FONT_BODY, BODY_SIZE, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
        add("heading1", "AjHeading1", FONT_HEITI, BODY_SIZE, keep_with_next=True, outline=0)
        add("heading2", "AjHeading2", FONT_KAITI, BODY_SIZE, keep_with_next=True, outline=1)
        add("heading3", "AjHeading3", FONT_BODY, BODY_SIZE, keep_with_next=True, outline=2)
        add("heading4", "AjHeading4", FONT_BODY, BODY_SIZE, keep_with_next=True, outline=3)
        add("signature", "AjSignature", FONT_BODY, BODY_SIZE, align=right, indent=False, keep_with_next=True)
        add("date", "AjDate", FONT_BODY, BODY_SIZE, align=right, indent=False)
        add("note", "AjNote", FONT_BODY, BODY_SIZE)
        add(
            "table_text",
            "AjTableText",
            FONT_BODY,
            TABLE_SIZE,
            indent=False,
            line=None,
            no_grid=True,
            align=WD_ALIGN_PARAGRAPH.LEFT,
        )
        add(
            "table_header",
            "AjTableHeader",
            FONT_HEITI,
            TABLE_SIZE,
            indent=False,
            line=None,
            no_grid=True,
            align=centre,
        )
        add("figure", "AjFigure", FONT_BODY, BODY_SIZE, align=centre, indent=False, line=None, no_grid=True)
        add(
            "caption",
            "AjCaption",
            FONT_HEITI,
            CAPTION_SIZE,
            align=centre,
            indent=False,
            line=None,
            no_grid=True,
        )
        add("imprint", "AjImprint", FONT_BODY, IMPRINT_SIZE, indent=False, line=Pt(22), no_grid=True,
            align=WD_ALIGN_PARAGRAPH.LEFT)
        add(
            "page_number",
            "AjPageNumber",
            FONT_PAGE_NUMBER,
            PAGE_NUMBER_SIZE,
            indent=False,
            line=None,
            no_grid=True,
        )

    def _set_up_font_table(self) -> None:
        try:
            part = self._doc.part.part_related_by(RT.FONT_TABLE)
        except KeyError:  # a template without a font table: Word builds one itself
            return
        fonts = parse_xml(part.blob)
        present = {f.get(qn("w:name")) for f in fonts.findall(qn("w:font"))}
        for name in (FONT_TITLE, FONT_BODY, FONT_HEITI, FONT_KAITI, FONT_PAGE_NUMBER):
            if name in present:
                continue
            font = OxmlElement("w:font")
            font.set(qn("w:name"), name)
            if name in FONT_FALLBACKS:
                alt = OxmlElement("w:altName")
                alt.set(qn("w:val"), FONT_FALLBACKS[name])
                font.append(alt)
            # the family class guides a reader that lacks the font to a similar one: serif (roman)
            # for 宋/仿宋/楷/小标宋, sans (swiss) for 黑体; CJK faces are fixed-pitch
            family = "swiss" if name == FONT_HEITI else "roman"
            for tag, value in (("w:charset", "86"), ("w:family", family), ("w:pitch", "fixed")):
                child = OxmlElement(tag)
                child.set(qn("w:val"), value)
                font.append(child)
            fonts.append(font)
        # python-docx keeps this part as plain bytes (no XML API): replace them
        part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _set_up_page_numbers(self) -> None:
        # GB/T 9704 7.5: odd page numbers on the right, even ones on the left, one character in
        self._doc.settings.odd_and_even_pages_header_footer = True
        section = self._doc.sections[0]
        for footer, alignment in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            paragraph.style = self._style("page_number")
            paragraph.alignment = alignment
            indent = PAGE_NUMBER_SIZE  # one size-4 character
            if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
                paragraph.paragraph_format.right_indent = indent
            else:
                paragraph.paragraph_format.left_indent = indent
            paragraph.add_run("— ")
            _add_field(paragraph, "PAGE", placeholder="1")
            paragraph.add_run(" —")

    def _set_properties(self) -> None:
        props = self._doc.core_properties
        props.title = self.title
        props.author = self.issuer
        props.last_modified_by = self.issuer
        props.subject = self.number or ""
        props.language = "zh-CN"
        props.keywords = ""
        props.comments = ""
        props.revision = 1
        moment = dt.datetime.combine(self.date, dt.time(0, 0))
        props.created = moment
        props.modified = moment
        theme_lang = self._doc.settings.element.find(qn("w:themeFontLang"))
        if theme_lang is not None:
            theme_lang.set(qn("w:eastAsia"), "zh-CN")


# --- XML helpers ---------------------------------------------------------------------------------


def _heading_prefix(level: int, number: int) -> str:
    if level == 1:
        return f"{chinese_numeral(number)}、"
    if level == 2:
        return f"（{chinese_numeral(number)}）"
    if level == 3:
        return f"{number}."
    return f"（{number}）"


def _set_rpr_fonts(rpr: Any, font: str) -> None:
    """Name ``font`` for every script, East Asian included, and drop theme fonts that would win."""
    fonts = rpr.get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), font)
    # quotation marks and other shared punctuation take the East-Asian (full-width) form
    fonts.set(qn("w:hint"), "eastAsia")


def _set_rpr_size(rpr: Any, size: Length) -> None:
    half_points = str(round(size.pt * 2))
    for tag in ("w:sz", "w:szCs"):
        element = rpr.find(qn(tag))
        if element is not None:
            element.set(qn("w:val"), half_points)


def _set_character_spacing(rpr: Any, spacing: Length) -> None:
    """Expand (positive) or condense (negative) every character by ``spacing`` (``w:spacing``)."""
    element = rpr.find(qn("w:spacing"))
    if element is None:
        element = OxmlElement("w:spacing")
        rpr.insert_element_before(element, *_RPR_AFTER_SPACING)
    element.set(qn("w:val"), str(round(spacing.pt * 20)))


def _set_rpr_lang(rpr: Any) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")


def _set_ppr_child(ppr: Any, tag: str, **attributes: str) -> Any:
    element = ppr.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        later = _PPR_ORDER[_PPR_ORDER.index(tag) + 1 :]
        ppr.insert_element_before(element, *later)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _set_first_line_indent(
    ppr: Any, *, chars: float, left_chars: float = 0, size: Length = BODY_SIZE, hanging_chars: float = 0
) -> None:
    """Indent in characters (``w:firstLineChars``, with a point value for readers that ignore it).

    ``hanging_chars`` indents every line but the first by that much more (the first stays at
    ``left_chars``)."""
    ind = _set_ppr_child(ppr, "w:ind")
    for name in ("w:firstLine", "w:firstLineChars", "w:hanging", "w:hangingChars", "w:left", "w:leftChars"):
        ind.attrib.pop(qn(name), None)
    if hanging_chars:
        ind.set(qn("w:hangingChars"), str(round(hanging_chars * 100)))
        ind.set(qn("w:hanging"), str(round(hanging_chars * size.pt * 20)))
        left_chars += hanging_chars
    else:
        ind.set(qn("w:firstLineChars"), str(round(chars * 100)))
        ind.set(qn("w:firstLine"), str(round(chars * size.pt * 20)))
    if left_chars:
        ind.set(qn("w:leftChars"), str(round(left_chars * 100)))
        ind.set(qn("w:left"), str(round(left_chars * size.pt * 20)))


def _set_right_indent_chars(ppr: Any, chars: float, *, size: Length = BODY_SIZE) -> None:
    ind = _set_ppr_child(ppr, "w:ind")
    ind.set(qn("w:rightChars"), str(round(chars * 100)))
    ind.set(qn("w:right"), str(round(chars * size.pt * 20)))


def _add_bottom_rule(paragraph: Paragraph) -> None:
    """The red separator line (分隔线): a bottom border as wide as the text block, ~4 mm under the text."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = _set_ppr_child(ppr, "w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "12")  # eighths of a point: 1.5 pt
    bottom.set(qn("w:space"), "11")  # points between text and line: ~4 mm
    bottom.set(qn("w:color"), str(RED))
    borders.append(bottom)


def _add_field(paragraph: Paragraph, instruction: str, *, placeholder: str) -> None:
    """A complex field (e.g. PAGE): begin, instruction, separate, cached result, end."""

    def run_with(child: Any) -> None:
        run = paragraph.add_run()
        run._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    paragraph.add_run(placeholder)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _set_table_width(table: Table, width: Length) -> None:
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(round(width.pt * 20)))


_TBLPR_ORDER = ["w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
                "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders",
                "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"]  # fmt: skip


def _insert_tbl_pr_child(tbl_pr: Any, element: Any) -> None:
    """Insert ``element`` into w:tblPr in schema order (replacing one of the same kind)."""
    tag = element.tag
    old = tbl_pr.find(tag)
    if old is not None:
        tbl_pr.remove(old)
    later = _TBLPR_ORDER[[qn(t) for t in _TBLPR_ORDER].index(tag) + 1 :]
    tbl_pr.insert_element_before(element, *later)


def _set_row_flags(tr: Any, *, header: bool) -> None:
    """No row breaks across pages (w:cantSplit); the header row repeats on each page (w:tblHeader)."""
    tr_pr = tr.get_or_add_trPr()
    tr_pr.insert(0, OxmlElement("w:cantSplit"))  # first in CT_TrPr's order among what we write
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))  # after w:trHeight


def _letterhead_size(text: str) -> Pt:
    """Fit the issuing-office mark on one line of the text block: at most 48 pt, at least 22 pt."""
    width = _display_width(text)
    size = min(48.0, (TEXT_WIDTH.pt - 8) / max(width, 1))
    return Pt(max(22.0, round(size, 1)))


def _display_width(text: str) -> float:
    """Width in Chinese characters: full-width 1, half-width (digits, Latin) 0.5."""
    return sum(1 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5 for ch in text)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
