"""Pages and API: authorization matrix per persona, filters, export, map points, report form,
transition buttons. Denied cases assert that nothing changed."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from anjian.hazards import services as hs
from anjian.hazards.models import Hazard

from .helpers import photo, snapshot, verbs

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def hazard(world):
    with time_machine.travel(T0, tick=False):
        return hs.hazard_report(actor=world.user("grid_inspector"), source="patrol", enterprise=world.ent_a,
                                category="消防通道堵塞", description="仓库北侧消防通道堆放货物", lng=114.05, lat=22.05)


# who may see district A's hazard (ent_a, 甲一网格, 应急管理局)
VIEW = {"city_admin": 200, "district_a": 200, "district_b": 404, "regulator": 200, "grid_inspector": 200,
        "enterprise": 200, "anonymous": 302}


def test_detail_matrix(login, persona, hazard):
    client = login(persona)
    response = client.get(f"/hazards/{hazard.pk}/")
    assert response.status_code == VIEW[persona]
    if response.status_code == 200:
        assert "消防通道堵塞" in response.content.decode()
        assert "按行业“C 制造业”的全市默认规则，由示范市应急管理局监管" in response.content.decode()


def test_list_matrix(login, persona, hazard):
    response = login(persona).get("/hazards/")
    expected = {**VIEW, "district_b": 200}
    assert response.status_code == expected[persona]
    if response.status_code == 200:
        shown = f"/hazards/{hazard.pk}/" in response.content.decode()
        assert shown is (VIEW[persona] == 200)


def test_api_detail_matrix(login, persona, hazard):
    response = login(persona).get(f"/api/v1/hazards/{hazard.pk}")
    expected = {**VIEW, "anonymous": 401}
    assert response.status_code == expected[persona]


# confirming: only those with hazards.confirm in scope
CONFIRM = {"city_admin": "confirmed", "district_a": "confirmed", "district_b": "reported", "regulator": "confirmed",
           "grid_inspector": "reported", "enterprise": "reported", "anonymous": "reported"}


def test_confirm_button_matrix(login, persona, hazard):
    client = login(persona)
    before = snapshot(hazard)
    response = client.post(f"/hazards/{hazard.pk}/act/confirmed/", {"level": "general", "note": "属实"})
    status = Hazard.objects.get(pk=hazard.pk).status
    assert status == CONFIRM[persona]
    if persona == "anonymous":
        assert response.status_code == 302 and "/login" in response["Location"]
    elif persona == "district_b":
        assert response.status_code == 404
    else:
        assert response.status_code == 302
    if status == "reported":
        assert snapshot(hazard) == before


def test_api_confirm_district_b_404_regulator_ok(login, hazard):
    before = snapshot(hazard)
    r = login("district_b").post(f"/api/v1/hazards/{hazard.pk}/transitions/confirmed", data={"note": "x"},
                                 content_type="application/json")
    assert r.status_code == 404
    assert snapshot(hazard) == before
    r = login("enterprise").post(f"/api/v1/hazards/{hazard.pk}/transitions/confirmed", data={"note": "x"},
                                 content_type="application/json")
    assert r.status_code == 403
    assert snapshot(hazard) == before
    r = login("regulator").post(f"/api/v1/hazards/{hazard.pk}/transitions/confirmed", data={"note": "属实"},
                                content_type="application/json")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "confirmed"
    assert body["transitions"] == []  # the regulator does not rectify
    r = login("enterprise").get(f"/api/v1/hazards/{hazard.pk}")
    assert [t["target"] for t in r.json()["transitions"]] == ["rectifying"]


def test_detail_shows_only_the_users_buttons(login, hazard):
    page = login("regulator").get(f"/hazards/{hazard.pk}/").content.decode()
    assert 'data-testid="act-confirmed"' in page and 'data-testid="act-rejected"' in page
    page = login("grid_inspector").get(f"/hazards/{hazard.pk}/").content.decode()
    assert 'data-testid="act-' not in page


def test_list_filters_and_overdue(login, world, hazard):
    with time_machine.travel(T0, tick=False):
        major = hs.hazard_report(actor=world.user("regulator"), source="inspection", enterprise=world.ent_a,
                                 category="储罐区防火堤破损", description="裂缝", level="major")
        hs.hazard_confirm(actor=world.user("regulator"), hazard=hazard)
    client = login("regulator")
    with time_machine.travel(T0 + dt.timedelta(days=2), tick=False):
        page = client.get("/hazards/", {"level": "major"}).content.decode()
        assert f"/hazards/{major.pk}/" in page and f"/hazards/{hazard.pk}/" not in page
        page = client.get("/hazards/", {"overdue": "on"}).content.decode()
        assert f"/hazards/{hazard.pk}/" in page and f"/hazards/{major.pk}/" not in page
        page = client.get("/hazards/", {"source": "inspection"}).content.decode()
        assert f"/hazards/{major.pk}/" in page and f"/hazards/{hazard.pk}/" not in page
        page = client.get("/hazards/", {"jurisdiction": world.district_b.pk}).content.decode()
        assert 'data-testid="total">共 0 条' in page
        api = client.get("/api/v1/hazards/", {"overdue": True}).json()
        assert [h["id"] for h in api] == [hazard.pk]
        assert api[0]["is_overdue"] is True


def test_export_csv_uses_filters_and_scope(login, world, hazard):
    response = login("regulator").get("/hazards/export.csv", {"level": "general"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("编号,来源,企业/场所,统一社会信用代码,属地")
    assert len(lines) == 2 and "甲区化工有限公司" in lines[1]
    response = login("district_b").get("/hazards/export.csv")
    assert b"".join(response.streaming_content).decode("utf-8-sig").strip().count("\n") == 0
    response = login("regulator").get("/hazards/export.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")


def test_map_points_are_scoped_geojson(login, hazard):
    data = json.loads(login("regulator").get("/hazards/points.geojson").content)
    assert data["features"] == [{
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [114.05, 22.05]},
        "properties": {"id": hazard.pk, "level": "general", "status": "reported",
                       "name": "甲区化工有限公司 消防通道堵塞", "url": f"/hazards/{hazard.pk}/"}}]
    assert json.loads(login("district_b").get("/hazards/points.geojson").content)["features"] == []
    page = login("regulator").get("/hazards/", {"view": "map"}).content.decode()
    assert 'data-testid="hazard-map"' in page and "leaflet.js" in page


def test_report_form_on_a_phone(login, world):
    client = login("grid_inspector")
    page = client.get("/hazards/new/").content.decode()
    assert 'accept="image/*" capture="environment"' in page
    assert "navigator.geolocation" in page
    r = client.post("/hazards/new/", {
        "enterprise": "甲区化工", "source": "patrol", "level": "general", "category": "灭火器过期",
        "description": "车间灭火器过期 3 具", "lng": "114.0501", "lat": "22.0502", "accuracy_m": "12",
        "photos": [photo("a.jpg")],
    })
    h = Hazard.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/hazards/{h.pk}/"
    assert (h.enterprise, h.jurisdiction, h.location_accuracy_m, h.finder) == (
        world.ent_a, world.grid_a, 12.0, world.user("grid_inspector"))
    assert verbs(h) == ["hazard.reported", "attachments_added"]


def test_report_form_refuses_out_of_scope_enterprise(login, world):
    client = login("grid_inspector")
    for chosen in (world.ent_b.pk, "乙区建筑工程有限公司"):  # the id the search field sends, or the typed name
        r = client.post("/hazards/new/", {"enterprise": chosen, "source": "patrol", "level": "general",
                                          "category": "x", "description": "y"})
        assert r.status_code == 422  # form errors: the page renders with the message
        assert Hazard.objects.count() == 0
        assert "所选项不存在或不在您的管辖范围内" in r.content.decode()


def test_report_page_matrix(login, persona):
    expected = {"city_admin": 200, "district_a": 200, "district_b": 200, "regulator": 200, "grid_inspector": 200,
                "enterprise": 200, "anonymous": 302}
    assert login(persona).get("/hazards/new/").status_code == expected[persona]


def test_enterprise_tab_lists_its_hazards(login, world, hazard):
    page = login("enterprise").get(f"/enterprises/{world.ent_a.pk}/", {"tab": "hazards"}).content.decode()
    assert 'data-testid="enterprise-hazards"' in page
    assert f"/hazards/{hazard.pk}/" in page


def test_plan_page_and_reroute_page(login, world):
    with time_machine.travel(T0, tick=False):
        h = hs.hazard_report(actor=world.user("regulator"), source="inspection", enterprise=world.ent_a,
                             category="储罐区防火堤破损", description="裂缝", level="major")
        hs.hazard_confirm(actor=world.user("regulator"), hazard=h)
    client = login("enterprise")
    r = client.post(f"/hazards/{h.pk}/plan/", {"targets_tasks": "修复", "deadline": "2026-04-30"})
    assert r.status_code == 302
    h.refresh_from_db()
    assert h.plan["targets_tasks"] == "修复"
    assert h.deadline.date().isoformat() == "2026-04-30"
    r = client.post(f"/hazards/{h.pk}/act/rectifying/", {"note": ""}, follow=True)
    assert "重大隐患治理方案缺少：采取的方法和措施" in r.content.decode()
    assert Hazard.objects.get(pk=h.pk).status == "confirmed"
    # reroute: the enterprise may not; the regulator may
    assert client.post(f"/hazards/{h.pk}/reroute/", {"department": world.housing.pk, "reason": "x"}).status_code == 404
    r = login("regulator").post(f"/hazards/{h.pk}/reroute/", {"department": world.housing.pk, "reason": "施工单位负责"})
    assert r.status_code == 302 and r["Location"] == f"/hazards/{h.pk}/"  # still its sector (C)
    assert Hazard.objects.get(pk=h.pk).department == world.housing


def test_openapi_lists_hazard_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = set(schema["paths"])
    assert {"/api/v1/hazards/", "/api/v1/hazards/{pk}", "/api/v1/hazards/{pk}/transitions/{target}",
            "/api/v1/hazards/{pk}/plan", "/api/v1/hazards/{pk}/reroute"} <= paths


def test_api_report_and_scope(login, world):
    r = login("grid_inspector").post("/api/v1/hazards/", data={
        "source": "patrol", "category": "灭火器过期", "description": "3 具", "enterprise_id": world.ent_a.pk,
        "lng": 114.05, "lat": 22.05, "accuracy_m": 7}, content_type="application/json")
    assert r.status_code == 201
    body = r.json()
    assert (body["jurisdiction_code"], body["department"], body["status"], body["transitions"]) == (
        "990101001001", "示范市应急管理局", "reported", [])
    # another district's enterprise: 404, nothing created
    r = login("grid_inspector").post("/api/v1/hazards/", data={
        "source": "patrol", "category": "x", "description": "y", "enterprise_id": world.ent_b.pk},
        content_type="application/json")
    assert r.status_code == 404
    r = login("enterprise").post("/api/v1/hazards/", data={"source": "rumour", "category": "x", "description": "y",
                                                          "enterprise_id": world.ent_a.pk},
                                 content_type="application/json")
    assert (r.status_code, r.json()["field"]) == (400, "source")
    assert Hazard.objects.count() == 1


def test_date_inputs_show_the_saved_deadline(login, world):
    """<input type="date"> takes only YYYY-MM-DD: the plan's 治理时限 (and the listing deadline)
    must not be rendered "2026/04/30" (Chinese locale), which the browser drops as empty."""
    with time_machine.travel(T0, tick=False):
        h = hs.hazard_report(actor=world.user("regulator"), source="inspection", enterprise=world.ent_a,
                             category="储罐区防火堤破损", description="裂缝", level="major")
        hs.hazard_confirm(actor=world.user("regulator"), hazard=h,
                          deadline=dt.datetime(2026, 4, 30, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    for persona in ("enterprise", "regulator"):
        page = login(persona).get(f"/hazards/{h.pk}/").content.decode()
        assert 'type="date" name="deadline" value="2026-04-30"' in page, persona
        assert "2026/04/30" not in page


def test_a_blank_deadline_takes_the_rules_term_from_the_confirmation(login, world):
    """Found on 2 March, confirmed on 5 March: 一般 立即 is the end of 5 March (not of 2 March,
    already overdue); 重大 is 90 days from the confirmation."""
    with time_machine.travel(T0, tick=False):
        general = hs.hazard_report(actor=world.user("grid_inspector"), source="patrol", enterprise=world.ent_a,
                                   category="灭火器过期", description="车间灭火器过期")
        major = hs.hazard_report(actor=world.user("grid_inspector"), source="patrol", enterprise=world.ent_a,
                                 category="防火堤破损", description="裂缝")
    later = T0 + dt.timedelta(days=3)
    client = login("district_a")
    with time_machine.travel(later, tick=False):
        page = client.get(f"/hazards/{general.pk}/").content.decode()
        assert "留空按规定：一般隐患立即整改，期限为2026年3月5日当日；重大隐患期限为2026年6月3日" in page
        client.post(f"/hazards/{general.pk}/act/confirmed/", {"level": "general", "deadline": ""})
        client.post(f"/hazards/{major.pk}/act/confirmed/", {"level": "major", "deadline": ""})
    general.refresh_from_db()
    major.refresh_from_db()
    assert general.status == major.status == "confirmed"
    g, m = (dt.datetime.astimezone(x.deadline, dt.timezone(dt.timedelta(hours=8))) for x in (general, major))
    assert (g.date(), g.hour, g.minute) == (dt.date(2026, 3, 5), 23, 59)
    assert (m.date(), m.hour) == (dt.date(2026, 6, 3), 23)
    assert general.deadline > later


def test_a_form_error_keeps_the_chosen_photo(login, world, settings, tmp_path):
    """The phone form comes back with an error: the photo already taken is kept (a signed token
    in the form), sent with the corrected form, and attached; nobody else can use the token."""
    settings.MEDIA_ROOT = tmp_path / "media"
    client = login("grid_inspector")
    first = client.post("/hazards/new/", {
        "enterprise": "甲区化工", "source": "patrol", "level": "general", "category": "灭火器过期",
        "description": "", "photos": [photo("scene.jpg")],
    })
    # a form error answers 422 (i13-privacy), the page still renders
    assert first.status_code == 422 and Hazard.objects.count() == 0
    page = first.content.decode()
    assert 'data-testid="kept-photos"' in page and "scene.jpg" in page
    [token] = first.context["kept_photos"]
    token = token["token"]
    # another user's form cannot bring this photo in
    other = login("district_a").post("/hazards/new/", {
        "enterprise": "甲区化工", "source": "patrol", "level": "general", "category": "灭火器过期",
        "description": "车间灭火器过期", "kept_photos": [token]})
    stolen = Hazard.objects.get()
    assert other.status_code == 302 and verbs(stolen) == ["hazard.reported"]
    stolen.delete()
    client = login("grid_inspector")
    second = client.post("/hazards/new/", {
        "enterprise": "甲区化工", "source": "patrol", "level": "general", "category": "灭火器过期",
        "description": "车间灭火器过期 3 具", "kept_photos": [token]})
    h = Hazard.objects.get()
    assert second.status_code == 302
    assert verbs(h) == ["hazard.reported", "attachments_added"]
    from anjian.documents.models import Attachment

    [att] = Attachment.objects.filter(object_id=str(h.pk))
    assert att.original_name == "scene.jpg" and att.mime == "image/jpeg"
    # the kept copy is gone once attached
    assert not [p for p in (tmp_path / "media" / "pending").rglob("*") if p.is_file()]


def test_a_point_outside_the_grid_is_named_as_such(login, world):
    client = login("grid_inspector")
    r = client.post("/hazards/new/", {
        "enterprise": "甲区化工", "source": "patrol", "level": "general", "category": "灭火器过期",
        "description": "车间灭火器过期", "lng": "114.15", "lat": "22.05"})
    assert r.status_code == 422 and Hazard.objects.count() == 0
    page = r.content.decode()
    assert "不在您负责的网格（辖区）内" in page and "您无权在该辖区/企业上报隐患" not in page
