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
    page.wait_for_selector("[data-testid=job-progress]")


def test_import_shows_progress_and_error_report_then_succeeds(e2e_world, new_page, live_server, tmp_path):
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
    progress = page.locator("[data-testid=job-progress]")
    progress.wait_for(state="attached")
    page.wait_for_selector("[data-testid=job-progress][data-status=failed]")
    assert page.locator("[role=progressbar]").count() == 1
    assert "未导入任何数据" in page.locator("[data-testid=job-error]").inner_text()
    with page.expect_download() as download_info:
        page.click("[data-testid=job-download]")
    report = tmp_path / "report.xlsx"
    download_info.value.save_as(report)
    rows = list(load_workbook(report).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == 4  # header + one problem: sheet row 4 (title, header, row 3 ok)
    assert Enterprise.objects.count() == before  # all or nothing

    good = _workbook(
        [
            ["甲区新材料有限公司", "", "26", "114.02", "22.02", "是"],
            ["甲区五金厂", "", "33", "114.03", "22.03", "否"],
        ]
    )
    _upload(page, live_server, good, "good.xlsx")
    page.wait_for_selector("[data-testid=job-progress][data-status=succeeded]")
    assert "100%" in page.locator("[role=progressbar]").inner_text()
    assert Enterprise.objects.count() == before + 2
    page.goto(f"{live_server.url}/enterprises/?q=甲区五金厂")
    assert "甲区五金厂" in page.locator("[data-testid=enterprise-table]").inner_text()
