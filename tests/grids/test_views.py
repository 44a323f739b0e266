"""The inspector's phone flow and the coverage page, per persona."""

from __future__ import annotations

import pytest

from anjian.grids.models import PatrolRecord, PatrolTask
from anjian.hazards.models import Hazard
from anjian.jobs.models import Job

pytestmark = pytest.mark.django_db


PATROL_PAGE = {"city_admin": 200, "district_a": 404, "district_b": 404, "regulator": 404, "grid_inspector": 200,
               "enterprise": 404, "anonymous": 302}


def test_patrol_page_matrix(login, persona, task):
    assert login(persona).get(f"/grids/patrol/{task.pk}/").status_code == PATROL_PAGE[persona]


def test_patrol_post_denied_changes_nothing(login, task):
    for persona in ("district_b", "enterprise", "regulator"):
        r = login(persona).post(f"/grids/patrol/{task.pk}/", {"lng": "114.05", "lat": "22.05"})
        assert r.status_code == 404
    assert (PatrolRecord.objects.count(), PatrolTask.objects.get(pk=task.pk).status) == (0, "open")


def test_phone_flow_checkin_checklist_and_finding(login, world, task):
    client = login("grid_inspector")
    tasks_page = client.get("/grids/tasks/").content.decode()
    assert f"/grids/patrol/{task.pk}/" in tasks_page
    page = client.get(f"/grids/patrol/{task.pk}/").content.decode()
    assert 'accept="image/*" capture="environment"' in page and "navigator.geolocation" in page
    r = client.post(f"/grids/patrol/{task.pk}/", {
        "lng": "114.0502", "lat": "22.0501", "accuracy_m": "9", "q0": "bad", "q1": "ok", "note": "通道堵塞",
        "f0_category": "消防通道堵塞", "f0_description": "北侧通道堆放货物", "f0_level": "general",
    })
    record = PatrolRecord.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/grids/records/{record.pk}/"
    assert (record.task, record.far_from_site, record.accuracy_m, record.hazard_count) == (task, False, 9.0, 1)
    assert record.answers["安全出口与疏散通道畅通"] == "不合格"
    hazard = Hazard.objects.get()
    assert (hazard.source, hazard.category, hazard.enterprise) == ("patrol", "消防通道堵塞", world.ent_a)
    page = client.get(f"/grids/records/{record.pk}/").content.decode()
    assert f"/hazards/{hazard.pk}/" in page
    assert f"/grids/patrol/{task.pk}/" not in client.get("/grids/tasks/").content.decode()


def test_far_checkin_is_shown(login, task):
    client = login("grid_inspector")
    client.post(f"/grids/patrol/{task.pk}/", {"lng": "114.05", "lat": "22.06", "accuracy_m": "30"})
    record = PatrolRecord.objects.get()
    page = client.get(f"/grids/records/{record.pk}/").content.decode()
    assert "1112 m" in page and "签到位置偏离" in page


COVERAGE = {"city_admin": 200, "district_a": 200, "district_b": 200, "regulator": 404, "grid_inspector": 200,
            "enterprise": 404, "anonymous": 302}


def test_coverage_matrix(login, persona, task):
    r = login(persona).get("/grids/coverage/", {"start": "2026-01-01", "end": "2026-01-31"})
    assert r.status_code == COVERAGE[persona]
    if r.status_code == 200:
        shown = "甲一网格" in r.content.decode()
        assert shown is (persona in ("city_admin", "district_a", "grid_inspector"))


def test_reassign_button_only_for_city(login, world, django_capture_on_commit_callbacks):
    assert login("district_a").post("/grids/reassign/").status_code == 404
    assert Job.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        r = login("city_admin").post("/grids/reassign/")
    job = Job.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/jobs/{job.pk}/"
    assert job.status == "succeeded"


def test_api_tasks_record_and_coverage(login, world, task):
    client = login("grid_inspector")
    tasks = client.get("/api/v1/grids/tasks").json()
    assert [(t["id"], t["enterprise_name"], t["due_date"]) for t in tasks] == [(task.pk, "甲区化工有限公司", "2026-01-05")]
    r = login("district_b").post(f"/api/v1/grids/tasks/{task.pk}/record", data={"lng": 114.05, "lat": 22.05},
                                 content_type="application/json")
    assert r.status_code == 404
    assert PatrolRecord.objects.count() == 0
    r = login("grid_inspector").post(
        f"/api/v1/grids/tasks/{task.pk}/record",
        data={"lng": 114.05, "lat": 22.05, "accuracy_m": 6, "findings": [{"category": "灭火器过期", "description": "3 具"}]},
        content_type="application/json")
    assert r.status_code == 201
    body = r.json()
    assert (body["task_id"], body["far_from_site"], body["hazard_count"], body["distance_m"]) == (task.pk, False, 1, 0.0)
    cov = login("district_a").get("/api/v1/grids/coverage", {"start": "2026-01-01", "end": "2026-01-31"}).json()
    assert [(c["grid_code"], c["planned"], c["done"]) for c in cov] == [("990101001001", 1, 1)]
