from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from anjian.enterprises.models import Enterprise
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser]

HEADER = ["单位名称", "统一社会信用代码", "行业代码", "经度", "纬度", "涉及危险化学品"]


def _workbook(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["甲区企业台账（2026年）"])  # a merged title row above the header, as real ledgers have
    ws.merge_cells("A1:F1")
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(page, live_server, content: bytes, name: str) -> None:
    page.goto(f"{live_server.url}/enterprises/import/")
    page.set_input_files("input[type=file]", files=[{"name": name, "mimeType": "application/octet-stream", "buffer": content}])
    page.click("[data-testid=import-form] button")
    page.wait_for_selector("[data-testid=mapping-form]")


def _check(page) -> None:
    page.click("[data-testid=check]")
    page.wait_for_selector("[data-testid=import-state][data-status=checked]")


def test_import_maps_checks_reports_then_stores(e2e_world, new_page, live_server, tmp_path):
    page = new_page()
    log_in(page, live_server, "district_a")
    before = Enterprise.objects.count()

    bad = _workbook(
        [
            ["甲区新材料有限公司", "", "26", "114.02", "22.02", "是"],
            ["甲区五金厂", "", "99", "114.03", "22.03", "否"],  # no such sector
        ]
    )
    _upload(page, live_server, bad, "bad.xlsx")
    assert Enterprise.objects.count() == before  # nothing is checked before the mapping is confirmed
    _check(page)
    assert "100%" in page.locator("[role=progressbar]").inner_text()
    assert page.locator("[data-testid=problem]").count() == 1
    assert page.locator("[data-testid=store-all]").is_disabled()
    with page.expect_download() as download_info:
        page.locator("[data-testid=errors-download]").first.click()
    report = tmp_path / "report.xlsx"
    download_info.value.save_as(report)
    rows = list(load_workbook(report)["错误报告"].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == 4  # header + one problem: sheet row 4 (title, header, row 3 ok)
    assert Enterprise.objects.count() == before  # a dry run

    good = _workbook(
        [
            ["甲区新材料有限公司", "", "26", "114.02", "22.02", "是"],
            ["甲区五金厂", "", "33", "114.03", "22.03", "否"],
        ]
    )
    _upload(page, live_server, good, "good.xlsx")
    _check(page)
    page.click("[data-testid=store-all]")
    page.wait_for_selector("[data-testid=import-state][data-status=stored]")
    assert "100%" in page.locator("[role=progressbar]").inner_text()
    assert Enterprise.objects.count() == before + 2
    page.goto(f"{live_server.url}/enterprises/?q=甲区五金厂")
    assert "甲区五金厂" in page.locator("[data-testid=enterprise-table]").inner_text()


def test_mapping_page_on_a_phone(e2e_world, new_page, live_server, tmp_path):
    """The mapping page at 390 px: every column with its proposed field, the unmapped ones
    listed, a field changed by hand before the check; nothing wider than the screen."""
    from tests.documents.messy_ledger import messy_ledger

    page = new_page(width=390, height=844)
    log_in(page, live_server, "district_a")
    _upload(page, live_server, messy_ledger(n_good=3).content, "甲区台账.xlsx")
    assert page.locator("[data-testid=column]").count() == 16
    unmapped = page.locator("[data-testid=unmapped]").inner_text()
    assert "序号" in unmapped and "成立日期" in unmapped
    assert page.locator("select[data-label=从业人员数]").input_value() == "employees"
    assert page.locator("select[data-label=详细地址]").input_value() == "address"
    assert page.locator("select[data-label=是否涉及危险化学品]").input_value() == "hazardous_chemicals"
    page.select_option("select[data-label=详细地址]", "")  # leave the address out
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    page.screenshot(path=str(tmp_path / "mapping-390.png"), full_page=True)
    page.fill("#opt-area", "990101001")
    _check(page)
    assert "详细地址" in page.locator("[data-testid=unmapped-summary]").inner_text()
    assert page.locator("[data-testid=problem]").count() >= 5
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
