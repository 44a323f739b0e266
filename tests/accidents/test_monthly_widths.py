"""The monthly report's Word tables: explicit column widths, read back from the .docx, fit
megacity-sized figures and long names — numbers on one line, headers and names on at most two,
no column so narrow that Chinese text wraps a character or two per line."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from docx import Document
from docx.oxml.ns import qn

from anjian.accidents.monthly import (
    CELL_MARGIN_MM,
    TABLE_FONT_PT,
    WORD_WIDTHS,
    build_docx,
    fit_problems,
    tables,
)
from anjian.accidents.stats import Period

TZ = ZoneInfo("Asia/Shanghai")


def _block(count, deaths, loss):
    return {"count": count, "deaths": deaths, "injuries": count * 2, "serious_injuries": count // 3,
            "missing": 12, "loss_yuan": Decimal(loss), "larger": 37, "larger_at_risk": 9}


def _row(label, count):
    return {"key": label, "label": label, "count": count, "deaths": count // 2, "injuries": count * 2, "serious_injuries": count // 3,
            "loss_yuan": Decimal("1234567890.12"), "larger": 12}


def _target(owner, category, metric, quota, actual, status):
    t = SimpleNamespace(owner_name=owner, quota=quota, jurisdiction_id=1, department_id=2,
                        get_category_display=lambda: category, get_metric_display=lambda: metric)
    return {"target": t, "actual": actual, "percent": Decimal(actual * 100) / quota, "pace": Decimal("41.7"),
            "status": status}


def megacity_month():
    """A large month: six-digit losses in 万元, +1200% changes, long names (a unit name of more
    than 16 characters takes a third line in 表6: free text, the one column allowed to)."""
    big = _block(13_912, 9_204, "5283456789.55")
    small = _block(1_070, 700, "406000000.00")
    comparison = {"current": big, "last_year": small, "previous": small}
    accident = SimpleNamespace(
        occurred_at=dt.datetime(2026, 10, 3, 14, 20, tzinfo=TZ), district_id=1,
        district=SimpleNamespace(name="大鹏新区"), jurisdiction=None, unit_name="示范市某某建设工程集团有限公司",
        type_name="其他爆炸", get_grade_display=lambda: "特别重大事故", deaths=31, serious_injuries=104,
        direct_loss_yuan=Decimal("123456789.00"))
    return {
        "period": Period.month(2026, 10), "ytd": Period(dt.date(2026, 1, 1), dt.date(2026, 10, 31)),
        "stats": {"comparison": comparison, "by": {
            "district": [_row("大鹏新区", 13_912), _row("演示十区", 802)],
            "category": [_row("农业机械", 5_000), _row("工矿商贸", 9_000)],
            "industry": [_row("G 交通运输、仓储和邮政业", 3_000), _row("M 科学研究和技术服务业", 20)],
            "type": [_row("WSA10009 火灾", 400), _row("WSA10099 其他", 3)],
            "month": [], "grade": []}},
        "ytd_stats": {"comparison": {"current": _block(139_120, 92_040, "52834567890.55"),
                                     "last_year": _block(10_700, 7_000, "4060000000.00")}},
        "trend_this": {}, "trend_last": {}, "larger": [accident],
        "targets": [_target("示范市住房和建设局", "农业机械", "较大及以上事故起数", 12, 150, "red"),
                    _target("演示十区", "全部类别", "死亡人数", 1000, 410, "amber")],
    }


def _read_back(data: bytes):
    """(caption, widths in mm, header, rows, font sizes) of every table, from the .docx itself."""
    doc = Document(io.BytesIO(data))
    body = doc.element.body
    tables_by_element = {t._tbl: t for t in doc.tables}
    caption, found = "", []
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            text = "".join(t.text or "" for t in child.iter(qn("w:t"))).strip()
            if text:
                caption = text
        elif child.tag == qn("w:tbl"):
            if child.find(qn("w:tblPr")).find(qn("w:tblpPr")) is not None:
                continue  # the 版记 (floated to the page foot), not a report table
            table = tables_by_element[child]
            widths = [round(c.width / 36000, 1) for c in table.columns]
            cells = [[cell.text for cell in row.cells] for row in table.rows]
            sizes = {run.font.size.pt for row in table.rows for cell in row.cells
                     for p in cell.paragraphs for run in p.runs}
            margins = child.find(qn("w:tblPr")).find(qn("w:tblCellMar"))
            found.append((caption, widths, cells[0], cells[1:], sizes, margins))
    return found


def test_tables_fit_their_columns():
    d = megacity_month()
    city = SimpleNamespace(parent_id=None, name="示范市", pk=1, level=1)
    data = build_docx(d, city, title="示范市2026年10月安全生产事故月报", number="", issuer="示范市安全生产委员会办公室",
                      date=dt.date(2026, 11, 2))
    found = _read_back(data)
    assert [c.split(" ")[0] for c, *_ in found] == ["表1", "表2", "表3", "表4", "表5", "表6", "表7"]
    for caption, widths, header, rows, sizes, margins in found:
        assert widths == [float(w) for w in WORD_WIDTHS[caption.split(" ")[0]]], caption
        assert sum(widths) <= 156.05
        assert sizes == {TABLE_FONT_PT}, caption
        assert round(int(margins.find(qn("w:left")).get(qn("w:w"))) / 1440 * 25.4, 1) == CELL_MARGIN_MM
        assert fit_problems(caption, widths, header, rows) == [], caption
    table7 = found[-1]
    assert table7[2][0] == "区域/部门" and table7[3][0][0] == "示范市住房和建设局"
    # the same tables feed Excel: the Word layout changed nothing in them
    assert [t[0] for t in tables(d)][:7] == [c for c, *_ in found]


def test_fit_check_catches_narrow_columns():
    header = ["发生时间", "区域", "事故单位", "事故类型", "等级", "死亡", "重伤", "损失(万元)"]
    row = ["2026-10-03 14:20", "大鹏新区", "某公司", "其他爆炸", "特别重大事故", 31, 104, "12345.68"]
    # the layout used before (小四 12 pt, Word's default 1.9 mm cell margins): 12 mm for 死亡 and 重伤
    # held under two characters a line, so 死亡 printed one character per line
    problems = fit_problems("表6", [27, 16, 31, 20, 14, 12, 12, 24], header, [row], font_pt=12, margin_mm=1.905)
    assert [p for p in problems if "fewer than 2" in p] == [
        "表6 column 6: 12 mm holds fewer than 2 characters a line",
        "表6 column 7: 12 mm holds fewer than 2 characters a line"]
    # a percentage must stay on one line, a name may take two but not three
    assert fit_problems("表1", [12], ["同比"], [["+1200.0%"]]) != []
    assert fit_problems("表7", [14], ["区域/部门"], [["示范市住房和建设局"]]) != []
    assert fit_problems("表6", WORD_WIDTHS["表6"], header, [row]) == []
