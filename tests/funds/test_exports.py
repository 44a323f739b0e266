"""The fund ledger export: allocations and spending with their reversals, and execution by line and
district that balances (allocated = spent + remaining); a district's export holds only its rows."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from anjian.funds import services as fs

pytestmark = pytest.mark.django_db


def sheets(response) -> dict[str, list[tuple]]:
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_ledger_export_rows_reversals_and_balances(world, login):
    admin = world.users["city_admin"]
    line = fs.line_create(actor=admin, owner=world.city, year=2026, code="01", name="隐患治理", amount=D(100_000))
    a = fs.allocation_create(actor=admin, line=line, jurisdiction=world.district_a, project="燃气报警", amount=D(60_000))
    b = fs.allocation_create(actor=admin, line=line, jurisdiction=world.district_b, project="培训", amount=D(30_000))
    s = fs.spending_record(actor=admin, allocation=a, spent_on=dt.date(2026, 3, 1), amount=D(10_000), voucher_no="记-001",
                           purpose="采购")
    fs.spending_correct(actor=admin, spending=s, amount=D(12_000), reason="金额录错")
    fs.allocation_reverse(actor=admin, allocation=b, reason="项目取消")
    got = sheets(login("city_admin").get("/funds/ledger.xlsx?year=2026"))
    allocs, spends = got["经费下达"][1:], got["经费支出"][1:]
    assert len(allocs) == 3 and sorted(r[5] for r in allocs) == [-30_000, 30_000, 60_000]
    assert [r[6] for r in allocs if r[5] < 0] == [b.pk]  # the reversal names the row it cancels
    assert sorted(r[4] for r in spends) == [-10_000, 10_000, 12_000] and [r[8] for r in spends if r[4] < 0] == [s.pk]
    for title in ("执行情况（按科目）", "执行情况（按辖区）"):
        for key, allocated, spent, remaining, _rate in got[title][1:]:
            assert allocated == spent + remaining and remaining >= 0, (title, key)
    by_district = {r[0]: r for r in got["执行情况（按辖区）"][1:]}
    assert by_district[world.district_a.name][1:4] == (60_000, 12_000, 48_000)
    assert by_district[world.district_b.name][1:4] == (0, 0, 0)
    # district B's export: only its own allocation and its reversal
    mine = sheets(login("district_b").get("/funds/ledger.xlsx?year=2026"))
    assert {r[3] for r in mine["经费下达"][1:]} == {world.district_b.name} and mine["经费支出"][1:] == []
