"""Issue 13 item 10: a hazard dated year 1 is refused; POST /api/v1/hazards/ documents the
hazard's own fields (its schema no longer shares the name ReportIn with accidents); the
hazard form answers form errors with 422."""

from __future__ import annotations

import pytest

from anjian.hazards.models import Hazard

pytestmark = pytest.mark.django_db

BODY = {"source": "patrol", "category": "灭火器过期", "description": "车间灭火器过期 3 具"}


@pytest.mark.parametrize(("found_at", "status", "said"), [
    ("0001-01-01T00:00:00+08:00", 422, "1900-01-01"),  # no date of the platform's lies before 1900
    ("0208-05-01T10:00:00+08:00", 422, "1900-01-01"),
    ("2008-01-31T23:00:00+08:00", 400, "2008-02-01"),  # before the hazard regime (安监总局令第16号)
])
def test_api_refuses_hazards_before_the_regime(login, world, found_at, status, said):
    r = login("grid_inspector").post("/api/v1/hazards/", data={**BODY, "enterprise_id": world.ent_a.pk,
                                                                "found_at": found_at},
                                     content_type="application/json")
    assert r.status_code == status
    assert said in r.content.decode()
    assert Hazard.objects.count() == 0


def test_api_accepts_the_first_day(login, world):
    r = login("grid_inspector").post("/api/v1/hazards/", data={**BODY, "enterprise_id": world.ent_a.pk,
                                                                "found_at": "2008-02-01T09:00:00+08:00"},
                                     content_type="application/json")
    assert r.status_code == 201


def test_openapi_documents_hazard_fields_for_the_hazard_post(client, world):
    spec = client.get("/api/v1/openapi.json").json()
    ref = spec["paths"]["/api/v1/hazards/"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    name = ref.rsplit("/", 1)[-1]
    fields = set(spec["components"]["schemas"][name]["properties"])
    assert {"source", "category", "description", "found_at", "checklist_item_id"} <= fields
    accidents = spec["paths"]["/api/v1/accidents/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert accidents["$ref"] != ref


def test_hazard_form_errors_are_422(login, world):
    r = login("grid_inspector").post("/hazards/new/", {"enterprise": world.ent_b.pk, "source": "patrol",
                                                       "level": "general", "category": "x", "description": "y"})
    assert r.status_code == 422
    assert "所选项不存在或不在您的管辖范围内" in r.content.decode()
    assert Hazard.objects.count() == 0
