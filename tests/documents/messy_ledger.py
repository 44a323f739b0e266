"""A messy enterprise ledger as district offices hand it over, generated here (nothing copied):
two merged title rows, 16 columns whose headers differ slightly from the accepted names,
full-width digits, text dates, lower-case credit codes, street names instead of codes, a
totals row, bad rows (several errors in one row), duplicate codes inside the file and one
already registered.

``messy_ledger()`` returns the workbook bytes and the expectations the tests check.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook

from tests.enterprises.helpers import bad_uscc, uscc

HEADER = [
    "序号", "企业名称（全称）", "统一社会信用代码", "所属行业", "企业规模", "从业人员数", "详细地址", "经度", "纬度",
    "所属街道", "主要负责人", "负责人联系电话", "安全管理员", "是否涉及危险化学品", "是否有限空间作业", "成立日期",
]
# Columns that match no field of the enterprise import (a street column may be matched by a
# later value parser: the tests accept it either way).
UNMAPPED = {"序号", "成立日期"}
REGISTERED_CODE = uscc(9000)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass
class Ledger:
    content: bytes
    good: dict[str, dict[str, Any]] = field(default_factory=dict)  # name → expected stored values
    bad: dict[int, set[str]] = field(default_factory=dict)  # sheet row → columns with an error
    duplicates: dict[int, str] = field(default_factory=dict)  # sheet row → the duplicated code
    header_row: int = 3


def _good(i: int, *, street: bool = False) -> tuple[list[Any], dict[str, Any]]:
    name = f"示范{i}号精细化工有限公司"
    code = uscc(100 + i)
    employees = 20 + i
    row = [
        i, name, code.lower() if i % 2 else code, "26" if i % 3 else "C", "小型", str(employees).translate(FULL_WIDTH),
        f"甲区工业路{i}号", None if street else 114.05, None if street else 22.05, "甲一街道", f"负责人{i}",
        f"1380000{i:04d}", f"安全员{i}", "是" if i % 2 else "否", "√" if i % 4 == 0 else "否", f"2014.02.{i % 27 + 1:02d}",
    ]
    expected = {
        "credit_code": code, "sector": "26" if i % 3 else "C", "size": "small", "employees": employees,
        "address": f"甲区工业路{i}号", "principal": f"负责人{i}", "principal_phone": f"1380000{i:04d}",
        "safety_manager": f"安全员{i}",
        "flags": sorted([f for f, on in (("hazardous_chemicals", i % 2 == 1), ("confined_space", i % 4 == 0)) if on]),
    }
    return row, expected


def messy_ledger(n_good: int = 12) -> Ledger:
    wb = Workbook()
    ws = wb.active
    ws.title = "企业台账"
    ws.append(["示范市甲区工贸企业安全生产基础台账（2026年）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(["填报单位：甲区应急管理局　　填报日期：2026年11月30日"])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(HEADER))
    ws.append(HEADER)
    ledger = Ledger(b"")
    rows: list[list[Any]] = []
    for i in range(1, n_good + 1):
        row, expected = _good(i, street=(i == n_good))  # the last good row has a street name only
        rows.append(row)
        ledger.good[row[1]] = expected
    first_row = ledger.header_row + 1
    bad_rows = [
        # two errors in one row: a wrong check character and an unknown industry code
        ([0, "坏代码坏行业公司", bad_uscc(201), "99", "小型", "10", "甲区", 114.05, 22.05, "", "", "", "", "否", "否", ""],
         {"统一社会信用代码", "行业代码"}),
        # three errors: negative employees, a flag that is not yes/no, an unknown size
        ([0, "负人数公司", uscc(202), "26", "特大", "-5", "甲区", 114.05, 22.05, "", "", "", "", "也许", "否", ""],
         {"从业人数", "涉及危险化学品", "规模"}),
        # no name
        ([0, None, uscc(203), "26", "小型", "10", "甲区", 114.05, 22.05, "", "", "", "", "否", "否", ""], {"单位名称"}),
        # longitude out of range
        ([0, "坐标错公司", uscc(204), "26", "小型", "10", "甲区", 214.05, 22.05, "", "", "", "", "否", "否", ""], {"经度"}),
        # a count written as 若干 (some)
        ([0, "若干人公司", uscc(205), "26", "小型", "若干", "甲区", 114.05, 22.05, "", "", "", "", "否", "否", ""],
         {"从业人数"}),
    ]
    for row, columns in bad_rows:
        rows.append(row)
        ledger.bad[first_row + len(rows) - 1] = columns
    # duplicates: the same code twice in the file (the second is refused), one already registered
    dup_a = list(_good(50)[0])
    dup_b = list(_good(51)[0])
    dup_b[2] = dup_a[2].upper()
    rows.append(dup_a)
    ledger.good[dup_a[1]] = _good(50)[1]
    rows.append(dup_b)
    ledger.duplicates[first_row + len(rows) - 1] = uscc(150)
    registered = list(_good(52)[0])
    registered[2] = REGISTERED_CODE.lower()
    rows.append(registered)
    ledger.duplicates[first_row + len(rows) - 1] = REGISTERED_CODE
    for n, row in enumerate(rows, start=1):
        row[0] = n
        ws.append(row)
    ws.append(["合计", None, None, None, None, sum(int(r[5]) for r in rows if str(r[5]).lstrip("-").isdigit())])
    buf = io.BytesIO()
    wb.save(buf)
    ledger.content = buf.getvalue()
    return ledger
