from __future__ import annotations

import json

import pytest

from anjian.accounts.services import token_create
from anjian.enterprises.models import Enterprise
from tests.enterprises.helpers import uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, world):
    def _for(persona: str):
        user = world.user(persona)
        _token, raw = token_create(actor=user, name="test")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        class C:
            def get(self, url):
                return client.get(url, **headers)

            def post(self, url, data):
                return client.post(url, json.dumps(data), content_type="application/json", **headers)

            def patch(self, url, data):
                return client.patch(url, json.dumps(data), content_type="application/json", **headers)

        return C()

    return _for


def test_create_routes_and_locates(api, world):
    response = api("district_a").post("/api/v1/enterprises/", {
        "name": "接口新建", "credit_code": uscc(300), "sector_code": "26", "lng": 114.05, "lat": 22.05,
        "flags": ["confined_space"]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["jurisdiction_code"], body["department"], body["sector_code"], body["flags"]) == (
        "990101001001", "示范市应急管理局", "26", ["confined_space"])


def test_create_errors_are_400_with_zh_en(api, world):
    client = api("district_a")
    response = client.post("/api/v1/enterprises/", {"name": "坏", "credit_code": "91440300MA00000050", "lng": 114.05, "lat": 22.05})
    assert response.status_code == 400
    assert response.json()["field"] == "credit_code" and response.json()["zh"] and response.json()["en"]
    response = client.post("/api/v1/enterprises/", {"name": "无位置"})
    assert response.status_code == 400 and response.json()["field"] == "jurisdiction"
    response = client.post("/api/v1/enterprises/", {"name": "坏行业", "sector_code": "ZZ", "lng": 114.05, "lat": 22.05})
    assert response.status_code == 400 and response.json()["field"] == "sector_code"
    assert not Enterprise.objects.filter(name__in=["坏", "无位置", "坏行业"]).exists()


def test_create_outside_scope_refused(api, world):
    response = api("district_a").post("/api/v1/enterprises/", {"name": "越权", "lng": 114.25, "lat": 22.05})
    assert response.status_code == 403
    assert not Enterprise.objects.filter(name="越权").exists()
    assert api("grid_inspector").post("/api/v1/enterprises/", {"name": "越权", "lng": 114.05, "lat": 22.05}).status_code == 404


def test_patch_moves_and_reroutes(api, world):
    response = api("city_admin").patch(f"/api/v1/enterprises/{world.ent_a.pk}", {"lng": 114.25, "lat": 22.05, "sector_code": "47", "reason": "搬迁"})
    assert response.status_code == 200, response.content
    assert response.json()["jurisdiction_code"] == "990102001001"
    assert response.json()["department"] == "示范市住房和建设局"


def test_patch_outside_scope_is_404(api, world):
    response = api("district_b").patch(f"/api/v1/enterprises/{world.ent_a.pk}", {"name": "改名"})
    assert response.status_code == 404
    world.ent_a.refresh_from_db()
    assert world.ent_a.name == "甲区化工有限公司"


def test_enterprise_user_patches_own_only(api, world):
    client = api("enterprise")
    assert client.patch(f"/api/v1/enterprises/{world.ent_a.pk}", {"principal": "王五"}).status_code == 200
    assert client.patch(f"/api/v1/enterprises/{world.ent_b.pk}", {"principal": "王五"}).status_code == 404
    assert Enterprise.objects.get(pk=world.ent_a.pk).principal == "王五"
    assert Enterprise.objects.get(pk=world.ent_b.pk).principal == ""


def test_list_and_detail_scoped(api, world):
    client = api("district_b")
    assert [e["name"] for e in client.get("/api/v1/enterprises/").json()] == ["乙区建筑工程有限公司"]
    assert client.get(f"/api/v1/enterprises/{world.ent_a.pk}").status_code == 404
    assert client.get(f"/api/v1/enterprises/{world.ent_b.pk}").json()["jurisdiction_code"] == "990102001001"


def test_openapi_documents_routes(client, world):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert "post" in paths["/api/v1/enterprises/"] and "patch" in paths["/api/v1/enterprises/{pk}"]
