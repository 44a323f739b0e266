"""Historical accident import: an OSHA-style severe-injury CSV (quoted multi-line narrative, US
dates, points outside the city) and a Chinese ledger; all-or-nothing with row errors."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from anjian.accidents.imports import mapped_type, parse_when
from anjian.accidents.models import Accident
from anjian.core.errors import NotAllowed
from anjian.documents.imports import RowError, import_start
from anjian.jobs.models import Job, JobStatus

from .factories import at

pytestmark = pytest.mark.django_db

OSHA = (
    'ID,UPA,EventDate,Employer,Address1,Address2,City,State,Zip,Latitude,Longitude,Primary NAICS,Hospitalized,'
    'Amputation,Final Narrative,EventTitle\r\n'
    '2015010015,931176,1/1/2015,FCI Otisville Federal Correctional Institution,Two Mile Drive,,OTISVILLE,NY,10963,'
    '41.46,-74.53,922140,1,0,"Three correctional facility workers were working on the roof.\r\n'
    'One worker fell through a skylight, 20 feet, to the floor below, and was hospitalized.",'
    'Fall through surface or existing opening\r\n'
    '2015010016,930267,1/5/2015,"Kalahari Manufacturing, LLC",171 Kalahari Drive,,LAKE DELTON,WI,53965,43.59,-89.79,'
    '713110,1,1,"An employee was cleaning a conveyor when his hand was caught in the in-running nip point.\n'
    'His left index fingertip was amputated.",Caught in running equipment or machinery\r\n'
)


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _run(world, capture, name, data, persona="city_admin", **params):
    with time_machine.travel(at(2026, 8, 20, 10), tick=False), capture(execute=True):
        job = import_start(kind="accidents", actor=world.user(persona), upload=SimpleUploadedFile(name, data),
                           params=params)
    job.refresh_from_db()
    return job


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_osha_severe_injury_csv(world, django_capture_on_commit_callbacks):
    job = _run(world, django_capture_on_commit_callbacks, "severeinjury.csv", OSHA.encode(),
               jurisdiction=world.district_a.pk, date_order="mdy")
    assert (job.status, job.error) == (JobStatus.SUCCEEDED, "")
    assert job.result == {"rows": 2, "errors": 0, "created": 2, "deaths": 0}
    first, second = Accident.objects.order_by("occurred_at")
    assert first.unit_name == "FCI Otisville Federal Correctional Institution"
    assert first.occurred_at == at(2015, 1, 1)
    assert first.description == (
        "Three correctional facility workers were working on the roof.\n"
        "One worker fell through a skylight, 20 feet, to the floor below, and was hospitalized.")
    assert first.place == "Two Mile Drive, OTISVILLE, NY 10963"
    assert (first.deaths, first.serious_injuries, first.minor_injuries) == (0, 1, 0)
    assert (first.type_code, first.type_name) == ("09", "高处坠落")
    assert (first.lng, first.lat, first.jurisdiction) == (None, None, world.district_a)  # New York is not in the city
    assert "原始坐标（不在本市范围内）：41.46, -74.53" in first.other
    assert "NAICS：922140" in first.other and "原始编号：2015010015" in first.other
    assert first.late_minutes is None and first.grade_reason
    # hospitalised and amputated: one person, counted once
    assert (second.unit_name, second.serious_injuries, second.type_code) == ("Kalahari Manufacturing, LLC", 1, "03")
    assert second.occurred_at == at(2015, 1, 5)
    assert "截肢(Amputation)：1" in second.other


def test_chinese_ledger(world, django_capture_on_commit_callbacks):
    content = _xlsx([
        ["示范市2025年事故台账"],
        ["发生时间", "事故单位", "属地", "事故类别", "事故类型", "死亡人数", "重伤", "轻伤", "直接经济损失（万元）", "事故经过"],
        ["2025-03-05 08:30", "甲化工有限公司", "甲区", "工矿商贸", "中毒和窒息", 1, 0, 2, "12.5", "清理储罐时中毒。"],
        ["2025年6月1日", "乙建筑公司", "乙区", "工矿商贸", "09", 3, 0, 0, "", "脚手架坍塌，三人坠落。"],
    ])
    job = _run(world, django_capture_on_commit_callbacks, "台账.xlsx", content)
    assert (job.status, job.error) == (JobStatus.SUCCEEDED, "")
    a, b = Accident.objects.order_by("occurred_at")
    assert (a.occurred_at, a.jurisdiction, a.type_code, a.deaths, a.minor_injuries, a.direct_loss_yuan) == (
        at(2025, 3, 5, 8, 30), world.district_a, "19", 1, 2, Decimal("125000.00"))
    assert (b.jurisdiction, b.type_name, b.deaths, b.get_grade_display()) == (world.district_b, "高处坠落", 3, "较大事故")


def test_one_bad_row_imports_nothing(world, django_capture_on_commit_callbacks):
    content = _xlsx([
        ["发生时间", "事故单位", "属地", "事故类型", "死亡人数", "事故经过"],
        ["2025-03-05", "甲公司", "甲区", "19", 1, "经过"],
        ["2025-13-05", "乙公司", "甲区", "19", 1, "经过"],
        ["2025-04-05", "丙公司", "丁区", "19", -1, "经过"],
        ["2025-03-05", "甲公司", "甲区", "19", 0, "重复"],
        ["2025-05-05", "", "甲区", "99", 0, "经过"],
    ])
    job = _run(world, django_capture_on_commit_callbacks, "台账.xlsx", content)
    assert job.status == JobStatus.FAILED
    assert job.result == {"rows": 5, "errors": 4}
    assert Accident.objects.count() == 0
    ws = openpyxl.load_workbook(job.result_file.path).active
    rows = [[c.value for c in row][:2] for row in ws.iter_rows(min_row=2)]
    assert rows == [[3, "发生时间"], [4, "属地"], [5, "事故单位"], [6, "事故单位"]]


def test_district_office_cannot_import_into_another_district(world, django_capture_on_commit_callbacks):
    content = _xlsx([["发生时间", "事故单位", "属地", "事故经过"], ["2025-03-05", "乙公司", "乙区", "经过"]])
    job = _run(world, django_capture_on_commit_callbacks, "台账.xlsx", content, persona="district_a")
    assert job.status == JobStatus.FAILED and Accident.objects.count() == 0
    with pytest.raises(NotAllowed):
        import_start(kind="accidents", actor=world.user("regulator"), upload=SimpleUploadedFile("a.csv", b"x"))
    assert Job.objects.count() == 1


def test_type_mapping_and_dates():
    import datetime as dt

    assert mapped_type("Fall from collapsing structure or equipment", dt.date(2015, 1, 1)).code == "09"
    assert mapped_type("Struck by object or equipment", dt.date(2015, 1, 1)).code == "01"
    assert mapped_type("Other event", dt.date(2015, 1, 1)).code == "20"
    assert mapped_type("高处坠落", dt.date(2026, 8, 1)).standard == "GB 6441—2025"
    with pytest.raises(RowError):
        mapped_type("99", dt.date(2015, 1, 1))
    assert parse_when("1/5/2015", "mdy") == at(2015, 1, 5)
    assert parse_when("1/5/2015", "dmy") == at(2015, 5, 1)
    with pytest.raises(RowError):
        parse_when("1/5/2015", "ymd")  # ambiguous without the order
