"""设置: numbering series, reference figures, grid staff and the yearly patrol plan — pages and
API on the services the demo used to be the only caller of; scoped, audited."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from anjian.accidents.models import ReferenceFigure
from anjian.audit.models import Event
from anjian.documents.models import DocumentSeries
from anjian.grids.models import GridStaff, PatrolTask
from anjian.grids.services import patrol_plans_next_year
from anjian.jobs.models import Job, JobStatus

pytestmark = pytest.mark.django_db


def test_settings_menu_groups_the_pages(login):
    html = login("city_admin").get("/").content.decode()
    section = html[html.index("设置"):]
    for href in ("/documents/series/", "/accidents/figures/", "/grids/staff/", "/reports/policies/"):
        assert f'href="{href}"' in section, href


def test_numbering_series_create_edit_and_scope(login, world):
    client = login("district_a")
    assert client.get("/documents/series/").status_code == 200
    response = client.post("/documents/series/", {"code": "jia-orders", "prefix": "甲应急责改", "name": "责令限期整改指令书",
                                                   "jurisdiction": world.district_a.pk})
    assert response.status_code == 302
    series = DocumentSeries.objects.get(code="jia-orders")
    assert series.jurisdiction == world.district_a
    response = client.post(f"/documents/series/{series.pk}/", {"prefix": "甲应急责改字", "name": "整改指令",
                                                               "jurisdiction": world.district_a.pk})
    assert response.status_code == 302
    series.refresh_from_db()
    assert series.prefix == "甲应急责改字" and series.code == "jia-orders"
    assert Event.objects.filter(verb__in=["series_created", "series_changed"]).count() == 2
    # another district's jurisdiction is not a choice; its series is not found
    before = DocumentSeries.objects.count()
    response = client.post("/documents/series/", {"code": "b", "prefix": "乙", "name": "乙", "jurisdiction": world.district_b.pk})
    assert response.status_code == 400 and DocumentSeries.objects.count() == before
    other = DocumentSeries.objects.create(code="yi", prefix="乙应急", name="乙", jurisdiction=world.district_b)
    assert client.get(f"/documents/series/{other.pk}/").status_code == 404
    response = client.post(f"/documents/series/{other.pk}/", {"prefix": "x", "name": "x", "jurisdiction": world.district_a.pk})
    assert response.status_code == 404 and DocumentSeries.objects.get(pk=other.pk).prefix == "乙应急"
    assert login("grid_inspector").get("/documents/series/").status_code == 404


def test_reference_figures_page_and_api(login, world):
    client = login("city_admin")
    assert client.get("/accidents/figures/").status_code == 200
    response = client.post("/accidents/figures/", {"year": 2025, "jurisdiction": world.district_a.pk, "gdp_yi_yuan": "1234.5",
                                                    "industrial_employed": 250000, "motor_vehicles": "", "source": "统计年鉴"})
    assert response.status_code == 302
    figure = ReferenceFigure.objects.get(year=2025, jurisdiction=world.district_a)
    assert str(figure.gdp_yi_yuan) == "1234.50" and figure.industrial_employed == 250000
    response = client.put("/api/v1/accidents/figures/", json.dumps({"year": 2025, "jurisdiction_code": "990101",
                                                                      "motor_vehicles": 90000}),
                          content_type="application/json")
    assert response.status_code == 200, response.content
    figure.refresh_from_db()
    assert figure.motor_vehicles == 90000
    assert client.get("/api/v1/accidents/figures/?year=2025").json()[0]["jurisdiction_code"] == "990101"
    # a district office sets its own district only: the other's code is refused, nothing stored
    district = login("district_a")
    response = district.put("/api/v1/accidents/figures/", json.dumps({"year": 2025, "jurisdiction_code": "990102",
                                                                        "gdp_yi_yuan": 1}),
                            content_type="application/json")
    assert response.status_code in (400, 404)
    assert not ReferenceFigure.objects.filter(jurisdiction=world.district_b).exists()


def test_grid_staff_and_the_yearly_plan(login, world, django_capture_on_commit_callbacks):
    client = login("district_a")
    assert client.get("/grids/staff/").status_code == 200
    response = client.post("/grids/staff/set/", {"grid": world.grid_a.pk, "username": "grid_inspector", "role": "inspector",
                                                 "active": "1"})
    assert response.status_code == 302
    assert GridStaff.objects.get(grid=world.grid_a).user == world.user("grid_inspector")
    # someone from another district cannot be put on the grid, nor a grid of another district used
    client.post("/grids/staff/set/", {"grid": world.grid_a.pk, "username": "district_b", "role": "leader", "active": "1"})
    client.post("/grids/staff/set/", {"grid": world.grid_b.pk, "username": "grid_inspector", "role": "leader", "active": "1"})
    assert GridStaff.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/grids/staff/plan/", {"year": 2027})
    job = Job.objects.get(kind="grids.patrol_plans")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result["grids"] == 1 and job.result["tasks"] > 0
    tasks = PatrolTask.objects.filter(grid=world.grid_a)
    assert tasks.count() == job.result["tasks"] and {t.due_date.year for t in tasks} == {2027}
    assert not PatrolTask.objects.filter(grid=world.grid_b).exists()  # district B's grid is not district A's to plan
    # the API: the same through a token, idempotent
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/grids/plans/year", json.dumps({"year": 2027}), content_type="application/json")
    assert response.status_code == 202
    assert Job.objects.get(pk=response.json()["id"]).result["tasks"] == 0
    response = client.put("/api/v1/grids/staff/set", json.dumps({"grid_code": world.grid_a.code, "username": "grid_inspector",
                                                             "role": "leader"}), content_type="application/json")
    assert response.status_code == 200 and GridStaff.objects.get(grid=world.grid_a).role == "leader"


@time_machine.travel(dt.datetime(2026, 12, 15, 2, 30, tzinfo=dt.UTC), tick=False)
def test_the_december_job_plans_next_year_for_every_grid(world):
    result = patrol_plans_next_year()
    assert result["grids"] == 2
    assert set(PatrolTask.objects.values_list("due_date__year", flat=True)) == {2027}
