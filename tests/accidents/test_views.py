"""Pages and API of the accident app: authorization matrix (allowed status, or 404 / login with
nothing changed), the list's filters and export, the forms."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from anjian.accidents.models import Accident, AccidentSupplement, Investigation
from anjian.documents.export_jobs import JOB_KIND
from anjian.jobs.models import Job

from .factories import at, report

pytestmark = pytest.mark.django_db
NOW = at(2026, 3, 12, 10, 0)

VIEW = {"city_admin": 200, "district_a": 200, "district_b": 404, "regulator": 200, "grid_inspector": 200,
        "enterprise": 200, "anonymous": 302}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def acc(world):
    return report(world)


def test_detail_matrix(login, persona, acc):
    client = login(persona)
    for url in (f"/accidents/{acc.pk}/", f"/accidents/{acc.pk}/?tab=timeline", f"/accidents/{acc.pk}/?tab=history",
                f"/accidents/{acc.pk}/?tab=supplements", f"/accidents/{acc.pk}/?tab=accountability",
                f"/accidents/{acc.pk}/investigation/"):
        response = client.get(url)
        assert response.status_code == VIEW[persona], url
        if persona == "anonymous":
            assert response["Location"].startswith("/accounts/login/")


def test_list_shows_only_the_scope(login, persona, world, acc):
    report(world, enterprise=world.ent_b, type_code="09", deaths=0)
    response = login(persona).get("/accidents/")
    expected = {"city_admin": 2, "district_a": 1, "district_b": 1, "regulator": 1, "grid_inspector": 1,
                "enterprise": 1}
    if persona == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert response.context["page"].total == expected[persona]


def test_list_filters_and_export(login, world, acc):
    report(world, enterprise=world.ent_b, type_code="09", deaths=3, category="industrial_commercial")
    report(world, enterprise=world.ent_b, type_code="02", deaths=0, category="road_traffic",
           occurred_at=at(2026, 2, 1, 8), known_at=at(2026, 2, 1, 8), reported_at=at(2026, 2, 1, 8, 30))
    client = login("city_admin")
    assert client.get("/accidents/?grade=2").context["page"].total == 1
    assert client.get("/accidents/?category=road_traffic").context["page"].total == 1
    assert client.get(f"/accidents/?jurisdiction={world.district_b.pk}").context["page"].total == 2
    assert client.get("/accidents/?start=2026-03-01&end=2026-03-31").context["page"].total == 2
    assert client.get("/accidents/?type_code=19").context["page"].total == 1
    response = client.get("/accidents/?category=road_traffic&export=csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(body) == 2
    assert body[0].startswith("编号,发生时间,事故单位")
    assert "道路交通" in body[1]
    htmx = client.get("/accidents/?grade=2", HTTP_HX_REQUEST="true")
    assert next(t.name for t in htmx.templates) == "accidents/partials/_table.html"


def test_detail_shows_grade_and_reason(login, acc):
    html = login("district_a").get(f"/accidents/{acc.pk}/").content.decode()
    assert "一般事故" in html
    assert "死亡1人，未达到较大事故标准" in html


REPORT_ALLOWED = {"city_admin": True, "district_a": True, "district_b": False, "regulator": True,
                  "grid_inspector": True, "enterprise": True}


def _form(world):
    return {"kind": "accident", "enterprise": world.ent_a.pk, "occurred_at": "2026-03-12T08:00",
            "known_at": "2026-03-12T08:10", "reported_at": "2026-03-12T09:30", "place": "仓库",
            "category": "industrial_commercial", "type_code": "05", "description": "触电", "deaths": "0",
            "missing": "0", "trapped": "0", "serious_injuries": "1", "minor_injuries": "0",
            "direct_loss_yuan": "20000", "reporter": "王五"}


def test_report_form_matrix(login, persona, world):
    client = login(persona)
    response = client.post("/accidents/report/", _form(world))
    if persona == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        assert Accident.objects.count() == 0
        return
    if persona == "district_b":
        # district B may report, but not at an enterprise outside its district: the choice is invalid
        assert response.status_code == 200
        assert Accident.objects.count() == 0
        return
    assert REPORT_ALLOWED[persona]
    acc = Accident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/accidents/{acc.pk}/"
    assert (acc.late_minutes, acc.type_name, acc.serious_injuries) == (20, "触电", 1)


def test_report_form_keeps_input_and_shows_errors(login, world):
    data = _form(world) | {"type_code": "WSA10001"}
    response = login("district_a").post("/accidents/report/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["type_code"] == [
        "事故类型代码 WSA10001 不属于 GB/T 6441-1986（2026-03-12 发生的事故适用该标准）"]
    assert 'value="仓库"' in response.content.decode()
    assert Accident.objects.count() == 0


SUPPLEMENT = {"city_admin": 302, "district_a": 302, "district_b": 404, "regulator": 302, "grid_inspector": 404,
              "enterprise": 302, "anonymous": 302}


def test_supplement_matrix(login, persona, acc):
    data = {"changed_on": "2026-03-11", "deaths": "2", "missing": "0", "trapped": "0", "serious_injuries": "0",
            "minor_injuries": "2", "direct_loss_yuan": "500000", "note": "一人死亡"}
    response = login(persona).post(f"/accidents/{acc.pk}/supplement/", data)
    assert response.status_code == SUPPLEMENT[persona]
    acc.refresh_from_db()
    if persona in ("district_b", "grid_inspector", "anonymous"):
        assert acc.deaths == 1
        assert AccidentSupplement.objects.count() == 0
    else:
        assert response["Location"] == f"/accidents/{acc.pk}/?tab=supplements"
        assert acc.deaths == 2


def test_investigation_page_opens_a_case(login, world, acc):
    client = login("district_a")
    response = client.post(f"/accidents/{acc.pk}/investigation/",
                           {"op": "open", "team_leader": "李四", "day": "2026-03-12", "team_members": "甲\n乙"})
    assert response.status_code == 302
    inv = Investigation.objects.get()
    assert (inv.lead_jurisdiction, inv.due_on) == (world.district_a, dt.date(2026, 5, 9))
    html = client.get(f"/accidents/{acc.pk}/investigation/").content.decode()
    assert "2026-05-09" in html
    # the enterprise may view but not act
    denied = login("enterprise").post(f"/accidents/{acc.pk}/investigation/", {"op": "appraisal_start", "day": "2026-03-12"})
    assert denied.status_code == 404
    inv.refresh_from_db()
    assert inv.status == "investigating"


API = {"city_admin": 200, "district_a": 200, "district_b": 404, "regulator": 200, "grid_inspector": 200,
       "enterprise": 200, "anonymous": 401}


def test_api_detail_matrix(login, persona, acc):
    response = login(persona).get(f"/api/v1/accidents/{acc.pk}")
    assert response.status_code == API[persona]
    if response.status_code == 200:
        body = response.json()
        assert (body["grade"], body["grade_label"], body["jurisdiction_code"]) == (1, "一般事故", "990101001001")


def test_api_report_list_and_supplement(login, world):
    client = login("district_a")
    payload = {"enterprise_id": world.ent_a.pk, "occurred_at": "2026-03-11T08:00:00+08:00",
               "known_at": "2026-03-11T08:00:00+08:00", "reported_at": "2026-03-11T08:30:00+08:00", "place": "车间",
               "category": "industrial_commercial", "type_code": "03", "description": "机械伤害", "deaths": 2,
               "reporter": "张三"}
    created = client.post("/api/v1/accidents/", json.dumps(payload), content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["grade_label"] == "一般事故"
    listed = client.get("/api/v1/accidents/?category=industrial_commercial").json()
    assert [a["id"] for a in listed] == [pk]
    sup = client.post(f"/api/v1/accidents/{pk}/supplements", json.dumps({"changed_on": "2026-03-12", "deaths": 3}),
                      content_type="application/json")
    assert sup.status_code == 201
    assert (sup.json()["counted"], sup.json()["accident"]["grade_label"]) == (True, "较大事故")
    bad = client.post("/api/v1/accidents/", json.dumps(payload | {"type_code": "99"}), content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["field"] == "type_code"
    outsider = login("district_b").post(f"/api/v1/accidents/{pk}/supplements",
                                        json.dumps({"changed_on": "2026-03-12", "deaths": 9}),
                                        content_type="application/json")
    assert outsider.status_code == 404
    assert Accident.objects.get(pk=pk).deaths == 3


def _value(page: str, name: str) -> str | None:
    import re

    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert found, name
    value = re.search(r'value="([^"]*)"', found.group(0))
    return value.group(1) if value else None


def test_the_supplement_form_starts_from_the_last_report(login, world, acc):
    client = login("district_a")
    page = client.get(f"/accidents/{acc.pk}/supplement/").content.decode()
    # from the 快报: 1 death, 2 minor injuries, 500,000 yuan; the change date today, as YYYY-MM-DD
    assert [_value(page, f) for f in ("deaths", "missing", "serious_injuries", "minor_injuries")] == ["1", "0", "0", "2"]
    assert _value(page, "direct_loss_yuan") in ("500000", "500000.00")
    assert _value(page, "changed_on") == "2026-03-12"
    client.post(f"/accidents/{acc.pk}/supplement/", {
        "changed_on": "2026-03-12", "deaths": "2", "missing": "0", "trapped": "0", "serious_injuries": "1",
        "minor_injuries": "1", "direct_loss_yuan": "800000", "note": "一人经抢救无效死亡"})
    page = client.get(f"/accidents/{acc.pk}/supplement/").content.decode()
    # the next one starts from that 续报
    assert [_value(page, f) for f in ("deaths", "serious_injuries", "minor_injuries")] == ["2", "1", "1"]
    assert _value(page, "direct_loss_yuan") in ("800000", "800000.00")


def test_large_export_runs_as_a_job_with_the_filtered_rows(settings, login, world, acc, django_capture_on_commit_callbacks):
    report(world, enterprise=world.ent_b, type_code="02", deaths=0, category="road_traffic",
           occurred_at=at(2026, 2, 1, 8), known_at=at(2026, 2, 1, 8), reported_at=at(2026, 2, 1, 8, 30))
    report(world, enterprise=world.ent_b, type_code="02", deaths=1, category="road_traffic",
           occurred_at=at(2026, 2, 2, 8), known_at=at(2026, 2, 2, 8), reported_at=at(2026, 2, 2, 8, 30))
    client = login("city_admin")
    settings.EXPORT_IMMEDIATE_MAX_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/accidents/?category=road_traffic&export=csv")
    job = Job.objects.get(kind=JOB_KIND)
    assert response.status_code == 302 and response["Location"] == f"/documents/exports/?started={job.pk}"
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    download = client.get(f"/documents/exports/{job.pk}/download/")
    body = b"".join(download.streaming_content).decode("utf-8-sig").splitlines()
    assert body[0].startswith("编号,发生时间,事故单位") and len(body) == 3  # the two road accidents only
    assert all("道路交通" in line for line in body[1:])
