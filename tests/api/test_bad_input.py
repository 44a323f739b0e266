"""Bad input to the API answers 4xx with a message, never a server error (issue 13, item 9).

Each case here was a 500 found by schemathesis; the limits come from the schema (the same as
the database's), so they hold on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anjian.accidents.models import Accident
from anjian.checklists.models import ChecklistTemplate
from anjian.emergency.models import DutyShift
from anjian.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db


def _json(client, method, url, data):
    return getattr(client, method)(url, json.dumps(data) if not isinstance(data, str) else data,
                                   content_type="application/json")


@pytest.mark.parametrize("url", [
    "/api/v1/enterprises/?limit=-261",
    "/api/v1/orgs/jurisdictions?limit=-3402849006",
    "/api/v1/hazards/?limit=-1",
    "/api/v1/accidents/?limit=0",
    "/api/v1/inbox/?limit=-5",
    "/api/v1/accidents/stats/summary?year=0",
    "/api/v1/accidents/stats/summary?year=-40365",
    "/api/v1/accidents/stats/summary?year=-180",
    "/api/v1/hazards/statistics?year=0",
    "/api/v1/accidents/targets/?year=-40365",
    "/api/v1/enterprises/99999999999999999999999",
    "/api/v1/enterprises/?after_id=99999999999999999999999",
    "/api/v1/enterprises/?q=a%00b",
    "/api/v1/emergency/duty?start=0669-12-08T14%3A34%3A23Z",
    "/api/v1/emergency/laws?on=9999-12-31",
    "/api/v1/grids/coverage?start=0001-01-01&end=2026-01-01",
])
def test_out_of_range_query_is_422_with_the_field(login, url):
    response = login("city_admin").get(url)
    assert response.status_code == 422, (url, response.status_code, response.content[:300])
    assert response.json()["detail"]


@pytest.mark.parametrize("field", ["name", "kind", "size", "employees", "status", "address", "credit_code"])
def test_null_for_a_not_null_field_in_patch_is_refused_and_nothing_changes(login, world, field):
    before = Enterprise.objects.filter(pk=world.ent_a.pk).values().get()
    response = _json(login("city_admin"), "patch", f"/api/v1/enterprises/{world.ent_a.pk}", {field: None})
    assert response.status_code == 422, response.content
    assert field in json.dumps(response.json(), ensure_ascii=False)
    assert Enterprise.objects.filter(pk=world.ent_a.pk).values().get() == before


@pytest.mark.parametrize("payload", [
    {"employees": -(10**15)},
    {"employees": 10**15},
    {"name": "名" * 201},
    {"address": "址" * 301},
    {"name": "甲\x00乙"},
    {"principal": "a\x00"},
    {"lng": "Infinity"},
])
def test_values_beyond_the_columns_are_422(login, world, payload):
    before = Enterprise.objects.filter(pk=world.ent_a.pk).values().get()
    body = json.dumps(payload).replace('"Infinity"', "Infinity")
    response = _json(login("city_admin"), "patch", f"/api/v1/enterprises/{world.ent_a.pk}", body)
    assert response.status_code == 422, response.content
    assert Enterprise.objects.filter(pk=world.ent_a.pk).values().get() == before


def test_a_shift_at_the_end_of_time_is_refused_and_the_roster_still_reads(login, world):
    """A shift ending 9999-12-31 (UTC) cannot be shown in Beijing time: it is refused at the door,
    so the roster, who is on duty now and the resource map keep answering."""
    client = login("city_admin")
    response = _json(client, "post", "/api/v1/emergency/duty", {
        "starts_at": "9999-12-30T00:00:00Z", "ends_at": "9999-12-31T23:59:59Z",
        "leader": "张三", "officer": "李四", "officer_phone": "13800000000"})
    assert response.status_code == 422, response.content
    assert "2199-12-31" in json.dumps(response.json(), ensure_ascii=False)
    assert not DutyShift.objects.exists()
    for url in ("/api/v1/emergency/duty", "/api/v1/emergency/duty/now", "/api/v1/emergency/resources/map"):
        assert client.get(url).status_code == 200, url


def test_an_optional_date_given_as_null_is_not_a_server_error(login, world):
    response = _json(login("city_admin"), "post", "/api/v1/enforcement/cases/999999/hearing/notice",
                     {"notice_on": None, "host": "主持人", "hearing_at": "2026-03-11T04:31:19Z", "place": "会议室"})
    assert response.status_code == 404, response.content  # validated, then the case is not found


def test_deeply_nested_body_is_refused(login, world):
    body = '{"name": "x", "flags": ' + "[" * 5000 + "]" * 5000 + "}"
    response = _json(login("city_admin"), "post", "/api/v1/enterprises/", body)
    assert 400 <= response.status_code < 500, response.status_code
    assert not Enterprise.objects.filter(name="x").exists()


def test_accident_before_gb6441_is_400_not_500(login, world):
    payload = {"enterprise_id": world.ent_a.pk, "occurred_at": "1987-01-31T08:00:00+08:00",
               "known_at": "1987-01-31T08:00:00+08:00", "reported_at": "1987-01-31T08:30:00+08:00",
               "place": "车间", "category": "industrial_commercial", "type_code": "03", "description": "机械伤害",
               "reporter": "张三"}
    response = _json(login("district_a"), "post", "/api/v1/accidents/", payload)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == "occurred_at" and "1987-02-01" in response.json()["en"]
    assert not Accident.objects.exists()


def test_deeply_nested_json_on_checklist_load_is_a_form_error(login):
    client = login("city_admin")
    deep = ("[" * 100_000 + "]" * 100_000).encode()
    response = client.post("/checklists/load-json/", {"file": SimpleUploadedFile("deep.json", deep)})
    assert response.status_code == 200 and "嵌套" in response.content.decode()
    medium = ('{"checklists": ' + "[" * 200 + "]" * 200 + "}").encode()
    response = client.post("/checklists/load-json/", {"file": SimpleUploadedFile("m.json", medium)})
    assert response.status_code == 200 and "嵌套" in response.content.decode()
    assert not ChecklistTemplate.objects.exists()


def test_openapi_documents_the_error_statuses(client):
    schema = client.get("/api/v1/openapi.json").json()
    patch = schema["paths"]["/api/v1/enterprises/{pk}"]["patch"]["responses"]
    assert {"400", "401", "403", "404", "409", "422"} <= {str(k) for k in patch}
    employees = schema["components"]["schemas"]["EnterprisePatch"]["properties"]["employees"]["anyOf"][0]
    assert (employees["minimum"], employees["maximum"]) == (0, 2**31 - 1)
