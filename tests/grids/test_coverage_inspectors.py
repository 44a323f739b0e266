"""Coverage per inspector (and per grid) over a period: SQL aggregates, totals, scope, the
page's toggle, CSV/Excel export and the API."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine

from anjian.grids import services as gs

from .coverage_fixtures import PERIOD, TODAY, build_history

pytestmark = pytest.mark.django_db
START, END = dt.date(2026, 1, 1), dt.date(2026, 3, 31)


@pytest.fixture
def history(world):
    return build_history(world)


def _rows(rows):
    return [(r["name"], r["planned"], r["done"], r["on_time"], r["overdue"], r["rate"], r["on_time_rate"]) for r in rows]


@time_machine.travel(TODAY, tick=False)
def test_per_inspector_counts_and_totals(world, history, django_assert_max_num_queries):
    city = world.user("city_admin")
    with django_assert_max_num_queries(2):
        rows = gs.inspector_coverage(user=city, start=START, end=END)
    assert _rows(rows) == [("grid_inspector", 3, 2, 1, 1, 66.7, 33.3), ("乙网格员", 3, 1, 1, 2, 33.3, 33.3)]
    totals = gs.coverage_totals(user=city, start=START, end=END)
    assert (totals["planned"], totals["done"], totals["on_time"], totals["overdue"], totals["rate"]) == (6, 3, 2, 3, 50.0)
    # per grid, the same figures (the late patrol counts as done, not on time)
    assert [(r["grid__code"], r["planned"], r["done"], r["on_time"], r["overdue"])
            for r in gs.grid_coverage(user=city, start=START, end=END)] == [
        ("990101001001", 3, 2, 1, 1), ("990102001001", 3, 1, 1, 2)]
    # a shorter period: January only, nothing overdue
    jan = gs.inspector_coverage(user=city, start=START, end=dt.date(2026, 1, 31))
    assert _rows(jan) == [("grid_inspector", 1, 1, 1, 0, 100.0, 100.0), ("乙网格员", 1, 1, 1, 0, 100.0, 100.0)]


@time_machine.travel(TODAY, tick=False)
def test_per_inspector_is_scoped(world, history):
    assert [r["name"] for r in gs.inspector_coverage(user=world.user("district_a"), start=START, end=END)] == ["grid_inspector"]
    assert [r["name"] for r in gs.inspector_coverage(user=world.user("district_b"), start=START, end=END)] == ["乙网格员"]
    assert [r["name"] for r in gs.inspector_coverage(user=history, start=START, end=END)] == ["乙网格员"]
    assert gs.inspector_coverage(user=world.user("regulator"), start=START, end=END) == []
    assert gs.coverage_totals(user=world.user("district_b"), start=START, end=END)["planned"] == 3


@time_machine.travel(TODAY, tick=False)
def test_unassigned_tasks_form_one_row(world, history):
    from anjian.grids.models import PatrolTask

    PatrolTask.objects.filter(grid=world.grid_b).update(inspector=None)
    rows = gs.inspector_coverage(user=world.user("city_admin"), start=START, end=END)
    assert [(r["inspector_id"], r["name"], r["planned"]) for r in rows] == [
        (world.user("grid_inspector").pk, "grid_inspector", 3), (None, "", 3)]


@time_machine.travel(TODAY, tick=False)
def test_page_toggle_by_grid_and_by_inspector(login, world, history):
    client = login("district_a")
    page = client.get("/grids/coverage/", {**PERIOD, "by": "inspector"}).content.decode()
    assert 'data-testid="by-inspector"' in page and "grid_inspector" in page and "乙网格员" not in page
    assert "66.7%" in page and 'data-testid="coverage-total-row"' in page
    page = client.get("/grids/coverage/", PERIOD).content.decode()
    assert "甲一网格" in page and "乙一网格" not in page and "grid_inspector</td>" not in page
    assert "/grids/coverage/export.csv?start=2026-01-01&amp;end=2026-03-31&amp;by=grid" in page


@time_machine.travel(TODAY, tick=False)
def test_bad_period_is_reported_and_the_default_used(login, world, history):
    client = login("city_admin")
    page = client.get("/grids/coverage/", {"start": "2026-13-01", "end": "2026-03-31"}).content.decode()
    assert "日期格式应为 YYYY-MM-DD" in page and 'value="2026-03-01"' in page
    page = client.get("/grids/coverage/", {"start": "2026-03-31", "end": "2026-01-01"}).content.decode()
    assert "结束日期不能早于开始日期" in page
    page = client.get("/grids/coverage/", {"start": "2020-01-01", "end": "2026-03-31"}).content.decode()
    assert "查询期间不能超过三年" in page


@time_machine.travel(TODAY, tick=False)
def test_csv_export_by_inspector_with_totals(login, world, history):
    r = login("city_admin").get("/grids/coverage/export.csv", {**PERIOD, "by": "inspector"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode("utf-8-sig"))))
    assert rows == [
        ["网格员", "账号", "计划", "已巡查", "按时", "逾期未巡", "完成率(%)", "按时率(%)"],
        ["grid_inspector", "grid_inspector", "3", "2", "1", "1", "66.7", "33.3"],
        ["乙网格员", "insp_b", "3", "1", "1", "2", "33.3", "33.3"],
        ["合计", "", "6", "3", "2", "3", "50.0", "33.3"],
    ]
    rows = list(csv.reader(io.StringIO(b"".join(
        login("district_b").get("/grids/coverage/export.csv", PERIOD).streaming_content).decode("utf-8-sig"))))
    assert [row[:3] for row in rows] == [["网格", "网格代码", "计划"], ["乙一网格", "990102001001", "3"], ["合计", "", "3"]]


@time_machine.travel(TODAY, tick=False)
def test_xlsx_export(login, world, history):
    import openpyxl

    r = login("district_a").get("/grids/coverage/export.xlsx", {**PERIOD, "by": "inspector"})
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["网格员", "账号", "计划", "已巡查", "按时", "逾期未巡", "完成率(%)", "按时率(%)"],
        ["grid_inspector", "grid_inspector", 3, 2, 1, 1, 66.7, 33.3],
        ["合计", "", 3, 2, 1, 1, 66.7, 33.3],
    ]
    assert login("district_a").get("/grids/coverage/export.pdf", PERIOD).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_api_per_inspector(login, world, history):
    body = login("district_b").get("/api/v1/grids/coverage/inspectors", PERIOD).json()
    assert body["start"] == "2026-01-01" and body["end"] == "2026-03-31"
    assert [(r["username"], r["name"], r["planned"], r["done"], r["on_time"], r["overdue"], r["rate"]) for r in body["rows"]] == [
        ("insp_b", "乙网格员", 3, 1, 1, 2, 33.3)]
    assert body["totals"] == {"planned": 3, "done": 1, "on_time": 1, "overdue": 2, "rate": 33.3, "on_time_rate": 33.3}
    r = login("district_b").get("/api/v1/grids/coverage/inspectors", {"start": "2026-03-31", "end": "2026-01-01"})
    assert r.status_code == 400 and r.json()["en"] == "The end is before the start"
    assert login("regulator").get("/api/v1/grids/coverage/inspectors", PERIOD).status_code == 404
