"""Pages and API of checklists, per persona: published standards are visible to every role that
holds checklists.view; drafts and every write only to those who manage the template."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anjian.checklists import services as cs
from anjian.checklists.models import ChecklistTemplate, ChecklistVersion, VersionStatus
from anjian.orgs.models import Sector
from anjian.testing.matrix import Route, check_matrix
from tests.checklists.helpers import ITEMS, published
from tests.documents.helpers import confirm_and_store

pytestmark = pytest.mark.django_db

VIEWERS = {"city_admin", "district_a", "district_b", "regulator", "grid_inspector", "enterprise"}


@pytest.fixture
def setup(world):
    v1 = published(sector_code="C", code="CHEM")
    draft = cs.version_create_draft(actor=None, template=v1.template)
    cs.version_items_set(actor=None, version=draft, items=[*ITEMS, {"code": "9", "text": "草稿新增条目"}])
    return v1, draft


def test_read_matrix(login, setup):
    v1, draft = setup
    t = v1.template
    assert check_matrix(login, [
        Route("GET", "/checklists/", allow=VIEWERS),
        Route("GET", f"/checklists/{t.pk}/", allow=VIEWERS),
        Route("GET", f"/checklists/versions/{v1.pk}/items/", allow=VIEWERS),
        Route("GET", f"/checklists/versions/{v1.pk}/diff/", allow=VIEWERS),
        # the draft of a 化工 template: the city and the regulator of section C only
        Route("GET", f"/checklists/versions/{draft.pk}/items/", allow={"city_admin", "regulator"}),
        Route("GET", f"/checklists/versions/{draft.pk}/import/", allow={"city_admin", "regulator"}),
        Route("GET", "/checklists/new/", allow={"city_admin", "district_a", "district_b", "regulator"}),
        Route("GET", "/api/v1/checklists/", allow=VIEWERS),
        Route("GET", f"/api/v1/checklists/versions/{draft.pk}/items", allow={"city_admin", "regulator"}),
    ]) == []


def test_write_matrix_denied_change_nothing(login, setup):
    v1, draft = setup
    assert check_matrix(login, [
        Route("POST", f"/checklists/versions/{draft.pk}/publish/", data={"effective_date": "2026-05-01"},
              allow={"city_admin", "regulator"}, ok=302),
    ]) == []
    draft.refresh_from_db()
    v1.refresh_from_db()
    assert (draft.status, v1.status) == (VersionStatus.PUBLISHED, VersionStatus.RETIRED)
    assert check_matrix(login, [
        Route("POST", f"/checklists/versions/{draft.pk}/retire/", allow={"city_admin", "regulator"}, ok=302),
    ]) == []


def test_detail_shows_versions_and_draft_only_to_managers(login, setup):
    v1, draft = setup
    t = v1.template
    page = login("regulator").get(f"/checklists/{t.pk}/").content.decode()
    assert "v2" in page and "btn-publish" not in page  # shows the published version by default
    page = login("regulator").get(f"/checklists/{t.pk}/?v=2").content.decode()
    assert "草稿新增条目" in page and 'data-testid="btn-publish"' in page
    page = login("grid_inspector").get(f"/checklists/{t.pk}/?v=2").content.decode()
    assert "草稿新增条目" not in page and "v2" not in page and "btn-draft" not in page
    diff = login("regulator").get(f"/checklists/versions/{draft.pk}/diff/").content.decode()
    assert "草稿新增条目" in diff and 'data-testid="diff-added"' in diff


def test_list_filters(login, setup):
    cs.template_create(actor=None, code="GEN-1", name="通用巡查表")
    client = login("district_a")
    page = client.get("/checklists/", {"sector": Sector.objects.get(code="C").pk}).content.decode()
    assert "CHEM" in page and "GEN-1" not in page
    page = client.get("/checklists/", {"general": "on"}).content.decode()
    assert "GEN-1" in page and "CHEM" not in page
    page = client.get("/checklists/", {"kind": "standardization_scoring"}).content.decode()
    assert "GEN-1" not in page and "CHEM" not in page


def test_create_publish_flow_through_pages(login, world, django_capture_on_commit_callbacks):
    client = login("regulator")
    r = client.post("/checklists/new/", {"code": "ema-9", "name": "化工企业排查表", "kind": "hazard_inspection",
                                         "sector": Sector.objects.get(code="C").pk})
    t = ChecklistTemplate.objects.get(code="EMA-9")
    assert r.status_code == 302
    r = client.post("/checklists/new/", {"code": "ema-10", "name": "建筑", "kind": "hazard_inspection",
                                         "sector": Sector.objects.get(code="E").pk})
    assert r.status_code == 200 and "无权" in r.content.decode()
    client.post(f"/checklists/{t.pk}/draft/")
    draft = ChecklistVersion.objects.get(template=t)
    r = client.post(f"/checklists/versions/{draft.pk}/publish/", {})
    assert "没有检查条目" in client.get(r["Location"]).content.decode()  # refused with a clear message
    body = "检查内容,依据\n消防通道畅通,消防法第二十八条\n".encode("gbk")
    r = client.post(f"/checklists/versions/{draft.pk}/import/", {"file": SimpleUploadedFile("a.csv", body)})
    assert r.status_code == 302
    assert confirm_and_store(client, r["Location"], django_capture_on_commit_callbacks).status == "stored"
    assert draft.items.get().legal_basis == "消防法第二十八条"
    r = client.post(f"/checklists/versions/{draft.pk}/import/", {"file": SimpleUploadedFile("a.txt", b"x")})
    assert "仅支持" in r.content.decode()
    client.post(f"/checklists/versions/{draft.pk}/publish/", {"effective_date": "2026-05-01"})
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED


def test_json_load_page_bad_file_changes_nothing(login):
    client = login("city_admin")
    r = client.post("/checklists/load-json/", {"file": SimpleUploadedFile("a.json", b"{not json")})
    assert r.status_code == 200 and "JSON" in r.content.decode()
    r = client.post("/checklists/load-json/", {"file": SimpleUploadedFile("a.json", b'{"checklists": [{"code": "A"}]}')})
    assert "title" in r.content.decode()
    assert not ChecklistTemplate.objects.exists()
    good = '{"checklists": [{"code": "A", "title": "甲表", "items": [{"key": 1, "content": "是否建立制度"}]}]}'
    r = client.post("/checklists/load-json/", {"file": SimpleUploadedFile("a.json", good.encode()), "publish": "on"})
    assert r.status_code == 302
    assert ChecklistTemplate.objects.get(code="ZLB-A").published.items.count() == 1


def test_api_detail_and_items(login, setup):
    v1, draft = setup
    client = login("enterprise")
    data = client.get(f"/api/v1/checklists/{v1.template_id}").json()
    assert data["code"] == "CHEM" and [v["number"] for v in data["versions"]] == [1]
    items = client.get(f"/api/v1/checklists/versions/{v1.pk}/items").json()
    assert [i["code"] for i in items["items"]] == ["1", "2", "3"] and items["items"][2]["is_major_criterion"]
    assert client.get(f"/api/v1/checklists/versions/{draft.pk}/items").status_code == 404
    data = login("regulator").get(f"/api/v1/checklists/{v1.template_id}").json()
    assert [v["number"] for v in data["versions"]] == [2, 1]
    listed = client.get("/api/v1/checklists/", {"sector_code": "C"}).json()
    assert [t["code"] for t in listed] == ["CHEM"] and listed[0]["published_version"] == 1
