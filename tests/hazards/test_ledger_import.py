"""The hazard ledger import (台账): enterprises matched in scope by credit code then exact name,
rectified rows as written off, open rows with their inbox items, all or nothing with row errors."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from anjian.audit.selectors import timeline_for
from anjian.documents.imports import import_start
from anjian.enterprises.models import Enterprise
from anjian.hazards.models import Hazard, HazardStatus
from anjian.inbox.models import DueItem
from anjian.jobs.models import Job, JobStatus
from anjian.testing.matrix import Route, check_matrix
from tests.documents.helpers import confirm_and_store

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 4, 1, 2, 0, tzinfo=dt.UTC)
HEADER = ["序号", "企业名称", "统一社会信用代码", "隐患描述", "隐患类别", "隐患等级", "发现时间", "整改期限", "整改责任人",
          "整改措施", "整改状态", "整改完成时间", "检查人", "经纬度"]


def _book(rows: list[list[object]]) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(["甲区2026年一季度隐患排查台账"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("台账.xlsx", buf.getvalue())


def _run(user, upload, capture) -> Job:
    with time_machine.travel(NOW, tick=False), capture(execute=True):
        job = import_start(kind="hazards", actor=user, upload=upload)
    job.refresh_from_db()
    return job


def test_ledger_rows_become_hazards(world, django_capture_on_commit_callbacks):
    Enterprise.objects.filter(pk=world.ent_a.pk).update(credit_code="91440300MA5DXXXX0X")
    rows = [
        [1, "（名称不一致也按代码匹配）", "91440300MA5DXXXX0X", "配电箱门损坏，线路裸露", "电气安全", "一般",
         "2026-03-02 10:30", "2026-03-09", "张三", "更换箱门", "已整改", "2026/3/6", "李四", ""],
        [2, "甲区建设集团", None, "脚手架连墙件缺失", "高处作业", "重大隐患", "2026年3月5日", None, "王五",
         "补设连墙件", "整改中", None, "赵六", "114.151,22.151"],
        [3, "甲区化工有限公司", None, "有限空间未设警示标志", None, None, "2026-03-20", "2026-04-20", None, None, "待整改",
         None, None, None],
    ]
    job = _run(world.user("district_a"), _book(rows), django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result == {"rows": 3, "errors": 0, "created": 3, "open": 2, "written_off": 1}
    done, major, open_ = Hazard.objects.order_by("id")
    assert (done.enterprise, done.status, done.category) == (world.ent_a, HazardStatus.WRITTEN_OFF, "电气安全")
    assert timezone.localdate(done.written_off_at) == dt.date(2026, 3, 6) and done.finder_name == "李四"
    assert timezone.localtime(done.found_at).hour == 10
    assert (major.enterprise, major.level, major.status, major.lat) == (world.ent_a2, "major", HazardStatus.RECTIFYING,
                                                                        22.151)
    assert major.deadline is not None  # the rule's default when the ledger has none
    assert (open_.status, open_.category, open_.level) == (HazardStatus.CONFIRMED, "其他", "general")
    assert open_.department == world.ema and open_.jurisdiction == world.ent_a.jurisdiction
    for h in (done, major, open_):
        assert list(timeline_for(h).values_list("verb", flat=True)) == ["hazard.imported"]
        assert h.history.count() == 1
    open_items = DueItem.objects.filter(state="open", object_id__in=[str(major.pk), str(open_.pk)])
    assert open_items.count() == 2
    assert not DueItem.objects.filter(object_id=str(done.pk)).exists()


def test_bad_rows_import_nothing(world, django_capture_on_commit_callbacks):
    rows = [
        [1, "乙区建筑工程有限公司", None, "不在辖区", "a", "一般", "2026-03-02", None, None, None, "待整改", None, None, None],
        [2, "不存在的公司", None, "未知企业", "a", "一般", "2026-03-02", None, None, None, "待整改", None, None, None],
        [3, "甲区化工有限公司", None, "日期错", "a", "一般", "2026-02-30", None, None, None, "待整改", None, None, None],
        [4, "甲区化工有限公司", None, "等级错", "a", "特大", "2026-03-02", None, None, None, "待整改", None, None, None],
        [5, "甲区化工有限公司", None, "已整改无日期", "a", "一般", "2026-03-02", None, None, None, "已整改", None, None,
         None],
        [6, "甲区化工有限公司", None, "", "a", "一般", "2026-03-02", None, None, None, "待整改", None, None, None],
        [7, "甲区化工有限公司", None, "未来", "a", "一般", "2027-03-02", None, None, None, "待整改", None, None, None],
        [8, "甲区化工有限公司", None, "坐标错", "a", "一般", "2026-03-02", None, None, None, "待整改", None, None, "东经"],
        [9, "甲区化工有限公司", None, "状态错", "a", "一般", "2026-03-02", None, None, None, "挂起", None, None, None],
        [10, "甲区化工有限公司", None, "正确的一行", "a", "一般", "2026-03-02", None, None, None, "待整改", None, None,
         None],
    ]
    job = _run(world.user("district_a"), _book(rows), django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED and "9 处错误" in job.error
    report = list(load_workbook(job.result_file.open("rb")).active.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in report] == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    by_row = {r[0]: r for r in report}
    assert by_row[3][1] == "企业名称" and "管辖范围" in by_row[3][3] and "scope" in by_row[3][4]
    assert by_row[5][1] == "发现时间" and by_row[6][1] == "等级" and by_row[7][1] == "整改完成时间"
    assert not Hazard.objects.exists() and not DueItem.objects.filter(kind__startswith="hazards").exists()


def test_enterprise_user_imports_only_own(world, django_capture_on_commit_callbacks):
    rows = [[1, "甲区化工有限公司", None, "自查发现", "a", "一般", "2026-03-02", None, None, None, "待整改", None, None, None],
            [2, "甲区建设集团", None, "别家", "a", "一般", "2026-03-02", None, None, None, "待整改", None, None, None]]
    job = _run(world.user("enterprise"), _book(rows), django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED and "1 处错误" in job.error
    job = _run(world.user("enterprise"), _book(rows[:1]), django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED and Hazard.objects.get().enterprise == world.ent_a


def test_page_template_and_matrix(login, world, django_capture_on_commit_callbacks):
    importers = {"city_admin", "district_a", "district_b", "regulator", "enterprise"}
    assert check_matrix(login, [
        Route("GET", "/hazards/import/", allow=importers),
        Route("GET", "/hazards/import/template.xlsx", allow=importers),
        Route("POST", "/hazards/import/", data={}, allow=importers),  # no file: the form again
    ]) == []
    client = login("district_a")
    content = client.get("/hazards/import/template.xlsx").content
    with time_machine.travel(NOW, tick=False):
        r = client.post("/hazards/import/", {"file": SimpleUploadedFile("t.xlsx", content)})
        assert r.status_code == 302
        batch = confirm_and_store(client, r["Location"], django_capture_on_commit_callbacks)
    # the template's example enterprise is not in the register: clear row errors, nothing stored
    assert batch.summary["errors"] == 2 and batch.summary["failed_rows"] == 2 and not Hazard.objects.exists()
    assert "btn-import" in client.get("/hazards/").content.decode()
    assert "btn-import" not in login("grid_inspector").get("/hazards/").content.decode()


def test_a_deadline_from_an_excel_date_cell_is_the_end_of_that_day(world, django_capture_on_commit_callbacks):
    """An Excel date cell reads as a midnight datetime: the deadline is still 23:59:59 of that day,
    as when the date is typed as text — not 00:00, a day early."""
    rows = [
        [1, "甲区化工有限公司", None, "有限空间未设警示标志", "有限空间", "一般", dt.datetime(2026, 3, 20),
         dt.datetime(2026, 4, 20), None, None, "待整改", None, None, None],
        [2, "甲区化工有限公司", None, "配电箱门损坏", "电气安全", "一般", "2026-03-21", "2026-04-20", None, None,
         "待整改", None, None, None],
        [3, "甲区化工有限公司", None, "消防通道堵塞", "消防", "一般", "2026-03-22",
         dt.datetime(2026, 4, 20, 15, 30), None, None, "待整改", None, None, None],
    ]
    job = _run(world.user("district_a"), _book(rows), django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED, job.error
    from_cell, typed, with_time = Hazard.objects.order_by("id")
    local = timezone.localtime(from_cell.deadline)
    assert (local.date(), local.hour, local.minute) == (dt.date(2026, 4, 20), 23, 59)
    assert from_cell.deadline == typed.deadline
    # a cell with a time of day keeps it; the found time of a date cell stays at the day's start
    assert timezone.localtime(with_time.deadline).strftime("%H:%M") == "15:30"
    assert timezone.localtime(from_cell.found_at).strftime("%Y-%m-%d %H:%M") == "2026-03-20 00:00"
