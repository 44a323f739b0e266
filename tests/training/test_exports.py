"""The training records export (安全生产法 Art. 28: time, content, attendees, results) and the hours
sheet, scoped to the reader; coverage by population group."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from anjian.documents.export_jobs import JOB_KIND
from anjian.jobs.models import Job
from anjian.training import selectors
from anjian.training import services as ts

pytestmark = pytest.mark.django_db


def at(*a: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*a))


def test_training_records_export_and_group_coverage(world, login):
    with time_machine.travel(at(2026, 5, 10, 8), tick=False):
        boss = ts.trainee_save(actor=world.users["enterprise"], name="张总", role="principal", group="enterprise_key",
                               enterprise=world.ent_a, phone="13800000001", started_on=dt.date(2020, 1, 1))
        pupil = ts.trainee_save(actor=world.users["district_a"], name="小明", role="other", group="student",
                                jurisdiction=world.district_a, phone="13800000003")
        s = ts.session_create(actor=world.users["district_a"], title="危化企业负责人再培训", hours=D(8), place="区应急局",
                              trainer="王老师", starts_at=at(2026, 5, 10, 9), ends_at=at(2026, 5, 10, 17),
                              jurisdiction=world.district_a, has_exam=True)
        ts.session_enrol(actor=world.users["district_a"], session=s, trainees=[boss, pupil])
    with time_machine.travel(at(2026, 5, 10, 9, 5), tick=False):
        a = ts.sign_in(code=s.sign_code, phone="13800000001", ip="10.1.1.1")
        ts.sign_in(code=s.sign_code, phone="13800000003", ip="10.1.1.1")
        ts.attendance_record(actor=world.users["district_a"], attendance=a, present=True, score=91)
    with time_machine.travel(at(2026, 5, 20, 9), tick=False):
        wb = load_workbook(io.BytesIO(login("district_a").get("/training/records.xlsx?year=2026").content), read_only=True)
        records = [tuple(r) for r in wb["培训记录"].iter_rows(values_only=True)][1:]
        assert sorted((r[0], r[4], r[5], r[8], r[9]) for r in records) == [
            ("危化企业负责人再培训", "王老师", "小明", 8.0, None), ("危化企业负责人再培训", "王老师", "张总", 8.0, 91)]
        hours = {r[0]: r for r in wb["学时统计"].iter_rows(values_only=True)}
        assert hours["张总"][3:] == (16, 8.0, 8.0)  # high-risk principal's refresher: 16 h (3号令 Art. 13)
        # the enterprise sees only its own people
        wb = load_workbook(io.BytesIO(login("enterprise").get("/training/records.xlsx?year=2026").content), read_only=True)
        assert [r[5] for r in wb["培训记录"].iter_rows(values_only=True)][1:] == ["张总"]
        cov = {g["code"]: g for g in selectors.group_coverage(user=world.users["district_a"], year=2026)}
        assert cov["enterprise_key"]["people"] == 1 and cov["student"]["people"] == 1 and cov["resident"]["people"] == 0
        assert selectors.group_coverage(user=world.users["district_b"], year=2026)[0]["people"] == 0


def test_a_large_year_is_written_whole_by_a_job(settings, world, login, django_capture_on_commit_callbacks):
    """More records than the page writes at once: a job writes every one of them (no cut-off) into
    我的导出, scoped like the page."""
    with time_machine.travel(at(2026, 5, 10, 8), tick=False):
        people = [ts.trainee_save(actor=world.users["district_a"], name=f"学员{i}", role="other", group="student",
                                  jurisdiction=world.district_a, phone=f"1380000010{i}") for i in range(3)]
        s = ts.session_create(actor=world.users["district_a"], title="全员安全培训", hours=D(4), place="区应急局",
                              trainer="王老师", starts_at=at(2026, 5, 10, 9), ends_at=at(2026, 5, 10, 13),
                              jurisdiction=world.district_a)
        ts.session_enrol(actor=world.users["district_a"], session=s, trainees=people)
    settings.EXPORT_IMMEDIATE_MAX_ROWS = 2
    client = login("district_a")
    with django_capture_on_commit_callbacks(execute=True):
        r = client.get("/training/records.xlsx?year=2026")
    job = Job.objects.get(kind=JOB_KIND)
    assert r.status_code == 302 and r["Location"] == f"/documents/exports/?started={job.pk}"
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    body = client.get(f"/documents/exports/{job.pk}/download/")
    wb = load_workbook(io.BytesIO(b"".join(body.streaming_content)), read_only=True)
    rows = [tuple(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    assert rows[0][0] == "培训课程" and sorted(r[5] for r in rows[1:]) == ["学员0", "学员1", "学员2"]
    # a year with few records keeps the two-sheet workbook
    settings.EXPORT_IMMEDIATE_MAX_ROWS = 100
    wb = load_workbook(io.BytesIO(client.get("/training/records.xlsx?year=2026").content), read_only=True)
    assert wb.sheetnames == ["培训记录", "学时统计"]
