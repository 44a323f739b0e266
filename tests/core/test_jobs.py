"""Jobs: enqueued on commit (huey immediate in tests), claimed once, failures recorded; pages."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile

from anjian.jobs.models import Job, JobStatus
from anjian.jobs.registry import job_handler
from anjian.jobs.services import JobRejected, job_run, job_start

pytestmark = pytest.mark.django_db

CALLS: list[int] = []


@job_handler("tests.count", results={"n": "数量"})
def _count(job, progress):
    CALLS.append(job.pk)
    progress.set_total(4, "开始")
    for i in range(1, 5):
        progress.advance(i)
    return {"n": job.params["n"], "input": job.input_file.read().decode() if job.input_file else ""}


@job_handler("tests.boom")
def _boom(job, progress):
    raise RuntimeError("磁盘已满 disk full")


@job_handler("tests.reject")
def _reject(job, progress):
    raise JobRejected("文件没有数据行", {"rows": 0})


@pytest.fixture(autouse=True)
def _reset_calls():
    CALLS.clear()


def test_job_runs_only_when_the_transaction_commits(world, django_capture_on_commit_callbacks):
    user = world.user("district_a")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = job_start("tests.count", actor=user, title="计数", params={"n": 3},
                        input_file=ContentFile(b"hello", name="in.txt"))
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
    assert CALLS == []
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: huey runs immediately in tests
    job.refresh_from_db()
    assert [job.pk] == CALLS
    assert (job.status, job.result, job.total, job.done, job.percent) == (
        JobStatus.SUCCEEDED, {"n": 3, "input": "hello"}, 4, 4, 100
    )
    assert job.started_at is not None and job.finished_at is not None
    assert job.created_by == user


def test_job_is_claimed_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start("tests.count", actor=world.user("district_a"), title="计数", params={"n": 1})
    job_run(job.pk)
    job_run(job.pk)
    assert [job.pk] == CALLS


def test_unknown_kind_is_refused(world):
    with pytest.raises(KeyError, match="no job handler"):
        job_start("tests.nope", actor=None, title="x")
    assert not Job.objects.exists()


def test_failure_shows_an_error_id_and_logs_the_trace(world, django_capture_on_commit_callbacks, caplog, login):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start("tests.boom", actor=world.user("district_a"), title="失败的任务")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    error_id = re.search(r"错误编号 ([0-9a-f]{12})", job.error).group(1)
    assert "Traceback" not in job.error and "RuntimeError" not in job.error and ".py" not in job.error
    assert "磁盘已满" not in job.error  # the exception's own text may hold internals: log only
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert logged and logged[0].exc_info and "磁盘已满" in str(logged[0].exc_info[1])
    assert job.finished_at is not None
    page = login("district_a").get(f"/jobs/{job.pk}/").content.decode()
    assert error_id in page and "Traceback" not in page and "site-packages" not in page


def test_watchdog_fails_a_job_whose_worker_died_and_spares_a_live_one(world):
    from datetime import timedelta

    from django.utils import timezone

    from anjian.jobs.services import Progress, jobs_fail_stale

    now = timezone.now()
    user = world.user("district_a")
    dead = Job.objects.create(kind="tests.count", title="死", created_by=user, status=JobStatus.RUNNING,
                              started_at=now - timedelta(hours=2), heartbeat_at=now - timedelta(minutes=20))
    live = Job.objects.create(kind="tests.count", title="活", created_by=user, status=JobStatus.RUNNING,
                              started_at=now - timedelta(hours=2), heartbeat_at=now - timedelta(minutes=20))
    Progress(live).set_total(10, "仍在运行")  # the heartbeat of a live worker
    queued = Job.objects.create(kind="tests.count", title="排队", created_by=user)
    assert jobs_fail_stale() == 1
    dead.refresh_from_db(), live.refresh_from_db(), queued.refresh_from_db()
    assert (dead.status, live.status, queued.status) == (JobStatus.FAILED, JobStatus.RUNNING, JobStatus.QUEUED)
    assert "错误编号" in dead.error and "error id" in dead.error
    assert jobs_fail_stale() == 0


def test_rejection_is_failed_with_result(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start("tests.reject", actor=world.user("district_a"), title="拒绝")
    job.refresh_from_db()
    assert (job.status, job.error, job.result) == (JobStatus.FAILED, "文件没有数据行", {"rows": 0})


def test_job_page_and_progress_partial(world, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        done = job_start("tests.count", actor=world.user("district_a"), title="计数任务", params={"n": 2})
        failed = job_start("tests.reject", actor=world.user("district_a"), title="拒绝任务")
    queued = Job.objects.create(kind="tests.count", title="排队任务", created_by=world.user("district_a"))
    client = login("district_a")

    page = client.get(f"/jobs/{done.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<html" in html and 'data-testid="job-progress"' in html and "计数任务" in html
    assert 'data-testid="job-result"' in html and "数量：2" in html  # named figures only: "input" is not shown

    partial = client.get(f"/jobs/{queued.pk}/", headers={"HX-Request": "true"})
    text = partial.content.decode()
    assert partial.status_code == 200
    assert "<html" not in text
    assert text.strip().startswith('<div id="job-progress"')
    assert 'hx-trigger="every 1s"' in text  # a queued job keeps polling
    assert 'data-status="queued"' in text

    finished = client.get(f"/jobs/{failed.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger' not in finished  # a finished job stops polling
    assert 'data-testid="job-error"' in finished and "文件没有数据行" in finished

    listing = client.get("/jobs/").content.decode()
    assert "计数任务" in listing and "拒绝任务" in listing


@pytest.mark.parametrize("persona", ["district_b", "city_admin", "grid_inspector", "enterprise"])
def test_another_users_job_is_404(world, login, persona, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start("tests.count", actor=world.user("district_a"), title="甲的任务", params={"n": 1})
    client = login(persona)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
    assert "甲的任务" not in client.get("/jobs/").content.decode()
    assert client.get(f"/api/v1/jobs/{job.pk}").status_code == 404


def test_anonymous_is_sent_to_login(world, client):
    job = Job.objects.create(kind="tests.count", title="x", created_by=world.user("district_a"))
    response = client.get(f"/jobs/{job.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
