from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.getvalue()


def test_csv_export_has_bom_and_applies_filter(login, world):
    client = login("city_admin")
    response = client.get("/enterprises/export.csv", {"q": "甲区"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = _body(response).decode("utf-8")
    assert text.startswith("\ufeff单位名称,统一社会信用代码,")
    lines = text.strip().splitlines()
    assert len(lines) == 3  # header + the two 甲区 enterprises
    names = sorted(line.split(",")[0] for line in lines[1:])
    assert names == ["甲区化工有限公司", "甲区建设集团"]
    chem = next(line for line in lines if line.startswith("甲区化工"))
    assert ",990101001001,甲一网格,示范市应急管理局," in chem
    assert ",是,否,否,否,否,否,否," in chem


def test_csv_export_limited_to_scope(login, world):
    text = _body(login("district_b").get("/enterprises/export.csv")).decode("utf-8")
    assert [line.split(",")[0] for line in text.strip().splitlines()[1:]] == ["乙区建筑工程有限公司"]


def test_xlsx_export_opens(login, world):
    response = login("city_admin").get("/enterprises/export.xlsx", {"sector": ""})
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(_body(response)))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("单位名称", "统一社会信用代码", "类型")
    assert sorted(r[0] for r in rows[1:]) == sorted(["甲区化工有限公司", "乙区建筑工程有限公司", "甲区建设集团"])


def test_export_buttons_carry_the_filter(login, world):
    html = login("city_admin").get("/enterprises/", {"q": "甲区"}).content.decode()
    assert 'href="/enterprises/export.csv?q=%E7%94%B2%E5%8C%BA"' in html
    assert 'href="/enterprises/new/"' in html
