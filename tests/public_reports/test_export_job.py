"""The reports list's export finishes at any size: above ``EXPORT_IMMEDIATE_MAX_ROWS`` it runs as a
job (我的导出) whose file holds exactly the rows the inbox shows its user, with no reporter identity."""

from __future__ import annotations

import csv
import io

import pytest

from anjian.documents.export_jobs import JOB_KIND
from anjian.jobs.models import Job
from anjian.public_reports.selectors import report_list

from .helpers import PLANTED_NAME, PLANTED_PHONE, file_report, real_name

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_large_reports_export_is_a_job_with_the_users_rows(settings, world, login, django_capture_on_commit_callbacks):
    mine = [file_report(world)[0] for _ in range(3)]
    mine.append(file_report(world, identity=real_name())[0])
    theirs = file_report(world, lng=114.3, lat=22.3, address="乙区某路", enterprise=world.ent_b)[0]
    client = login("district_a")
    settings.EXPORT_IMMEDIATE_MAX_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        r = client.get("/reports/export.csv")
    job = Job.objects.get(kind=JOB_KIND)
    assert r.status_code == 302 and r["Location"] == f"/documents/exports/?started={job.pk}"
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    content = _body(client.get(f"/documents/exports/{job.pk}/download/")).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    codes = {row[0] for row in rows[1:]}
    assert codes == {x.display_code for x in report_list(user=world.users["district_a"])} == {x.display_code for x in mine}
    assert theirs.display_code not in codes
    assert PLANTED_NAME not in content and PLANTED_PHONE not in content
    # another user never reaches the file
    assert login("district_b").get(f"/documents/exports/{job.pk}/download/").status_code == 404
