"""Exports that finish (issue 22): a list export above ``EXPORT_IMMEDIATE_MAX_ROWS`` runs as a
job writing the file — ``COPY`` on PostgreSQL, the iterated writer on SQLite — that holds exactly
the rows the list shows its user; only the owner downloads it; it expires. And the production
server's configuration (worker class, timeout)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import openpyxl
import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from anjian.audit.models import Event
from anjian.documents.export_jobs import JOB_KIND, exports_expire
from anjian.hazards import services as hs
from anjian.hazards.models import Hazard
from anjian.hazards.selectors import hazard_list
from anjian.jobs.models import Job

pytestmark = pytest.mark.django_db

TRICKY = ["=HYPERLINK(\"http://x\")", "+86 1380000", "-1", "@SUM(A1)", "普通, \"带引号\"\n第二行", "消防通道堵塞"]


@pytest.fixture
def hazards(world):
    made = []
    for n, text in enumerate(TRICKY):
        made.append(hs.hazard_report(
            actor=None, source="patrol", enterprise=world.ent_a if n % 2 else world.ent_a2,
            category=text, description=f"描述 {n} {text}", lng=114.05, lat=22.05,
            level="major" if n % 3 == 0 else "general"))
    others = [hs.hazard_report(actor=None, source="patrol", enterprise=world.ent_b,
                               category=f"乙区隐患 {n}", description="乙区", lng=114.25, lat=22.05)
              for n in range(3)]
    # text a ledger import or older data may hold (the services trim what people type)
    Hazard.objects.filter(pk=made[1].pk).update(measures="\tTAB", address="\rCR")
    return made, others


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _export(client, capture, fmt: str, query: dict | None = None):
    with capture(execute=True):
        response = client.get(f"/hazards/export.{fmt}", query or {})
    return response


def test_large_export_from_the_list_page_runs_as_a_job_with_every_row_the_user_sees(
        settings, login, world, hazards, django_capture_on_commit_callbacks):
    made, others = hazards
    client = login("district_a")
    settings.EXPORT_IMMEDIATE_MAX_ROWS = 100_000
    immediate = _rows(_body(client.get("/hazards/export.csv")))  # the streamed export, in the request

    settings.EXPORT_IMMEDIATE_MAX_ROWS = 2
    response = _export(client, django_capture_on_commit_callbacks, "csv")
    job = Job.objects.get(kind=JOB_KIND)
    assert response.status_code == 302 and response["Location"] == f"/documents/exports/?started={job.pk}"
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert job.created_by == world.user("district_a") and job.result["rows"] == len(made)
    assert job.expires_at - job.finished_at > dt.timedelta(days=6)

    page = client.get(response["Location"]).content.decode()
    assert f'href="/documents/exports/{job.pk}/download/"' in page and "我的导出" in page

    content = _body(client.get(f"/documents/exports/{job.pk}/download/"))
    assert content.startswith("\ufeff".encode())
    rows = _rows(content)
    assert job.result["bytes"] == len(content)
    # every row the list shows district A, none of district B's; the same cells as the
    # in-request export (on PostgreSQL the job's file came from COPY, on SQLite from the writer)
    visible = {h.code for h in hazard_list(user=world.user("district_a"))}
    codes = [r[0] for r in rows[1:]]
    assert set(codes) == visible == {h.code for h in made} and len(codes) == len(made)
    assert not {h.code for h in others} & set(codes)
    assert rows == immediate
    # the formula guard holds in the job's file
    categories = {r[7] for r in rows[1:]}
    assert {"'=HYPERLINK(\"http://x\")", "'+86 1380000", "'-1", "'@SUM(A1)", "普通, \"带引号\"\n第二行",
            "消防通道堵塞"} == categories
    assert {(r[15], r[19]) for r in rows[1:]} >= {("'\tTAB", "'\rCR")}
    assert Event.objects.filter(verb="export.started", object_id=str(job.pk)).count() == 1


def test_large_export_keeps_the_list_filters_and_writes_xlsx(settings, login, world, hazards,
                                                              django_capture_on_commit_callbacks):
    made, _others = hazards
    settings.EXPORT_IMMEDIATE_MAX_ROWS = 1
    client = login("district_a")
    _export(client, django_capture_on_commit_callbacks, "xlsx", {"level": "major"})
    job = Job.objects.get(kind=JOB_KIND)
    assert job.status == "succeeded", job.error
    content = _body(client.get(f"/documents/exports/{job.pk}/download/"))
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    expected = {h.code for h in made if h.level == "major"}
    assert rows[0][0] == "编号" and {r[0] for r in rows[1:]} == expected and len(rows) - 1 == len(expected)
    assert "=HYPERLINK(\"http://x\")" in {r[7] for r in rows[1:]}  # a typed text cell: no apostrophe in xlsx


def test_small_export_stays_immediate(login, hazards, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = login("district_a").get("/hazards/export.csv")
    assert response.status_code == 200 and response.streaming
    assert not Job.objects.filter(kind=JOB_KIND).exists()


def test_only_the_owner_downloads_and_sees_the_export(settings, login, world, hazards,
                                                      django_capture_on_commit_callbacks):
    settings.EXPORT_IMMEDIATE_MAX_ROWS = 1
    _export(login("district_a"), django_capture_on_commit_callbacks, "csv")
    job = Job.objects.get(kind=JOB_KIND)
    before = (job.status, job.result_file.name, Event.objects.count())
    for persona in ("district_b", "city_admin", "regulator"):
        client = login(persona)
        assert client.get(f"/documents/exports/{job.pk}/download/").status_code == 404
        assert client.get(f"/api/v1/exports/{job.pk}").status_code == 404
        assert client.get(f"/api/v1/exports/{job.pk}/file").status_code == 404
        assert f"/documents/exports/{job.pk}/" not in client.get("/documents/exports/").content.decode()
    # not even a superuser, through any door (the jobs pages, the jobs API)
    from anjian.accounts.models import User

    boss = User.objects.create_superuser("boss", password="Boss-Pass-2026!x")
    client.force_login(boss)
    for url in (f"/documents/exports/{job.pk}/download/", f"/jobs/{job.pk}/", f"/jobs/{job.pk}/download/",
                f"/api/v1/jobs/{job.pk}", f"/api/v1/exports/{job.pk}/file"):
        assert client.get(url).status_code == 404, url
    assert login("district_a").get(f"/jobs/{job.pk}/download/").status_code == 200
    assert login("anonymous").get(f"/documents/exports/{job.pk}/download/").status_code == 302
    job.refresh_from_db()
    assert (job.status, job.result_file.name, Event.objects.count()) == before
    assert job.result_file.storage.exists(job.result_file.name)


def test_expiry_removes_the_file(settings, login, hazards, django_capture_on_commit_callbacks):
    settings.EXPORT_IMMEDIATE_MAX_ROWS = 1
    settings.EXPORT_RETENTION_DAYS = 7
    client = login("district_a")
    _export(client, django_capture_on_commit_callbacks, "csv")
    job = Job.objects.get(kind=JOB_KIND)
    name, storage = job.result_file.name, job.result_file.storage
    assert exports_expire() == 0 and storage.exists(name)  # not yet
    with time_machine.travel(job.expires_at + dt.timedelta(minutes=1), tick=False):
        out = io.StringIO()
        call_command("expire-exports", stdout=out)
        assert json.loads(out.getvalue().strip().splitlines()[-1]) == {"removed": 1}
        job.refresh_from_db()
        assert not job.result_file and not storage.exists(name)
        client = login("district_a")  # the session did not last the week
        assert client.get(f"/documents/exports/{job.pk}/download/").status_code == 404
        page = client.get("/documents/exports/").content.decode()
        assert "已过期" in page and f"/documents/exports/{job.pk}/download/" not in page
        assert Event.objects.filter(verb="export.expired", object_id=str(job.pk)).count() == 1
        assert exports_expire() == 0


def test_api_starts_and_polls_an_export(login, world, hazards, django_capture_on_commit_callbacks):
    made, _others = hazards
    client = login("district_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/exports/", {"kind": "hazards", "format": "csv",
                                                    "filters": {"level": "major"}}, content_type="application/json")
    assert response.status_code == 202, response.content
    pk = response.json()["id"]
    polled = client.get(f"/api/v1/exports/{pk}").json()
    assert polled["status"] == "succeeded" and polled["rows"] == len([h for h in made if h.level == "major"])
    assert polled["download_url"] == f"/api/v1/exports/{pk}/file" and polled["expires_at"]
    rows = _rows(_body(client.get(polled["download_url"])))
    assert {r[0] for r in rows[1:]} == {h.code for h in made if h.level == "major"}
    assert [e["id"] for e in client.get("/api/v1/exports/").json()] == [pk]


def test_api_refuses_bad_filters_and_formats_storing_nothing(login, hazards):
    client = login("district_a")
    for body in ({"kind": "hazards", "format": "csv", "filters": {"level": "nonsense"}},
                 {"kind": "hazards", "format": "pdf"}, {"kind": "accidents"}):
        response = client.post("/api/v1/exports/", body, content_type="application/json")
        assert response.status_code in (400, 422), response.content
    assert not Job.objects.exists() and not Event.objects.filter(verb="export.started").exists()
    response = client.post("/api/v1/exports/", {"kind": "hazards", "filters": {"level": "nonsense"}},
                           content_type="application/json")
    assert "level" in response.json()["detail"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_writes_what_the_row_writer_writes(settings, world, hazards):
    """The COPY path and the Python writer give the same cells, row by row (PostgreSQL)."""
    from anjian.documents.exports import iter_csv
    from anjian.hazards.exports import EXPORT

    Hazard.objects.filter(pk=hazards[0][0].pk).update(deadline=dt.datetime(2026, 1, 1, 23, 30, tzinfo=dt.UTC),
                                                      status="confirmed", responsible_person="")
    user = world.user("city_admin")
    qs = EXPORT.rows(user, {}).order_by(*EXPORT.order_by)
    python = _rows("".join(iter_csv(qs.iterator(), EXPORT.columns())).encode())
    with connection.cursor() as cursor:
        sql, params = EXPORT.copy_values(qs).query.sql_with_params()
        buf = io.BytesIO()
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
            for chunk in copy:
                buf.write(bytes(chunk))
    copied = list(csv.reader(io.StringIO(buf.getvalue().decode())))
    assert copied == python[1:] and len(copied) == 9
    assert "2026-01-02 07:30" in copied[-1] and "是" in copied[-1]  # local time; overdue


def test_production_server_config():
    """``anjian serve`` as documented: threaded workers, 60 s timeout — no export runs in a
    request any more (above the threshold it is a job), and a thread sending a big file does not
    stop the worker's heartbeat."""
    from django.conf import settings as conf

    from anjian.core.management.commands.serve import Command, gunicorn_argv

    parser = Command().create_parser("anjian", "serve")
    options = vars(parser.parse_args([]))
    argv = gunicorn_argv(bind=options["bind"], workers=options["workers"], threads=options["threads"],
                         timeout=options["timeout"], worker_class=options["worker_class"])
    flags = dict(zip(argv[4::2], argv[5::2], strict=False))
    assert flags["--worker-class"] == "gthread" and flags["--timeout"] == "60"
    assert int(flags["--threads"]) > 1 and int(flags["--graceful-timeout"]) < 60
    assert conf.EXPORT_IMMEDIATE_MAX_ROWS == 5_000
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "demo.md").read_text()
    assert "[--worker-class gthread] [--timeout 60]" in docs


def test_large_enterprise_export_runs_as_a_job_in_scope(settings, login, world, django_capture_on_commit_callbacks):
    from anjian.enterprises.selectors import enterprise_list

    settings.EXPORT_IMMEDIATE_MAX_ROWS = 0
    client = login("district_b")
    response = _export_path(client, django_capture_on_commit_callbacks, "/enterprises/export.csv")
    job = Job.objects.get(kind=JOB_KIND)
    assert response["Location"] == f"/documents/exports/?started={job.pk}" and job.status == "succeeded", job.error
    rows = _rows(_body(client.get(f"/documents/exports/{job.pk}/download/")))
    names = {r[0] for r in rows[1:]}
    assert names == {e.name for e in enterprise_list(user=world.user("district_b"), action="enterprises.export")}
    assert world.ent_b.name in names and world.ent_a.name not in names


def _export_path(client, capture, path: str):
    with capture(execute=True):
        return client.get(path)
