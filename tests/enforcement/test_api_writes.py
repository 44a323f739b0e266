"""Write API for plans, draws and inspections, and the hearing steps: scoped (404 outside, 4xx
with a bilingual message for a refusal, nothing stored), the draw re-checked from its seed, an
inspection for a draw pick or a campaign target counted in that draw's or campaign's progress."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from anjian.accounts.services import token_create
from anjian.audit.selectors import timeline_for
from anjian.enforcement import services
from anjian.enforcement.models import Inspection, InspectionPlan, RandomDraw
from anjian.hazards.models import Hazard
from tests.enforcement.helpers import HEARING_FINE, NOW, TZ, filed_case, inspectors

API = "/api/v1/enforcement"


def _h(user):
    _token, raw = token_create(actor=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(client, path, body, user):
    return client.post(f"{API}{path}", body, content_type="application/json", **_h(user))


@pytest.mark.django_db
def test_plan_generate_adjust_approve_publish_through_the_api(world, client):
    reg = world.users["regulator"]
    with time_machine.travel(NOW, tick=False):
        body = {"department_id": world.ema.pk, "jurisdiction_code": world.city.code, "year": 2026}
        # another district's office may not draw up the 应急管理局's plan: refused, nothing stored
        r = _post(client, "/plans", body, world.users["district_b"])
        assert r.status_code in (400, 403, 404) and not InspectionPlan.objects.exists()
        r = _post(client, "/plans", {**body, "year": 1800}, reg)
        assert r.status_code == 422
        r = _post(client, "/plans", body, reg)
        assert r.status_code == 201, r.content
        plan = r.json()
        assert plan["status"] == "draft" and plan["progress"]["quota"] == 12
        targets = client.get(f"{API}/plans/{plan['id']}/targets", **_h(reg)).json()
        assert [t["enterprise_id"] for t in targets] == [world.ent_a.pk]
        r = _post(client, f"/plans/{plan['id']}/targets/{targets[0]['id']}", {"klass": "C", "quota": 8, "note": ""}, reg)
        assert r.status_code == 422  # the reason is required
        r = _post(client, f"/plans/{plan['id']}/targets/{targets[0]['id']}",
                  {"klass": "C", "quota": 8, "note": "已取得三级标准化证书"}, reg)
        assert r.status_code == 200 and r.json()["adjusted"] is True
        r = _post(client, f"/plans/{plan['id']}/move/approved", {}, reg)
        assert r.status_code == 409 and r.json()["zh"]  # a draft is submitted first
        for target in ("submitted", "approved", "published"):
            r = _post(client, f"/plans/{plan['id']}/move/{target}", {}, reg)
            assert r.status_code == 200 and r.json()["status"] == target
        assert client.get(f"{API}/plans/{plan['id']}", **_h(world.users["district_b"])).status_code == 404
        assert client.get(f"{API}/plans/{plan['id']}", **_h(reg)).json()["progress"]["by_class"]["C"]["quota"] == 8


@pytest.mark.django_db
def test_draw_perform_recheck_publish_and_inspect_a_pick(world, client):
    reg = world.users["regulator"]
    with time_machine.travel(NOW, tick=False):
        a, b, _c = inspectors(world)
        matter = services.matter_add(actor=reg, department=world.ema, name="危险化学品企业安全生产条件",
                                     basis="《安全生产法》第六十二条")
        body = {"department_id": world.ema.pk, "jurisdiction_code": world.district_a.code, "matter_id": matter.pk,
                "ratio_percent": "100", "seed": "2026-甲区-API"}
        assert _post(client, "/draws", {**body, "ratio_percent": "0"}, reg).status_code == 422
        assert _post(client, "/draws", body, world.users["enterprise"]).status_code == 404
        assert not RandomDraw.objects.exists()
        r = _post(client, "/draws", body, reg)
        assert r.status_code == 201, r.content
        draw = r.json()
        assert draw["seed"] == "2026-甲区-API" and draw["reproduced"] is True
        assert draw["progress"] == {"targets": 1, "inspected": 0, "percent": 0, "hazards": 0, "violations": 0}
        pick = draw["picks"][0]
        assert pick["enterprise_id"] == world.ent_a.pk and sorted(pick["inspector_ids"]) == sorted([a.pk, b.pk])
        r = _post(client, f"/draws/{draw['id']}/recheck", {}, reg)
        assert r.status_code == 200 and r.json() == {"reproduced": True}
        assert timeline_for(RandomDraw.objects.get(pk=draw["id"])).filter(verb="draw.rechecked").exists()
        # the inspection for the pick: the drawn officers when none are named; kind 双随机
        r = _post(client, "/inspections", {"department_id": world.ema.pk, "enterprise_id": world.ent_a.pk,
                                           "draw_pick_id": pick["id"]}, reg)
        assert r.status_code == 201, r.content
        insp = r.json()
        assert insp["kind"] == "random" and insp["draw_pick_id"] == pick["id"]
        r = _post(client, f"/inspections/{insp['id']}/findings",
                  {"description": "储罐区可燃气体报警器未投用", "disposition": "hazard", "is_major": True,
                   "lng": 114.05, "lat": 22.05}, reg)
        assert r.status_code == 201 and r.json()["hazard_id"]
        hazard = Hazard.objects.get(pk=r.json()["hazard_id"])
        assert hazard.source == "inspection" and hazard.enterprise == world.ent_a
        r = _post(client, f"/inspections/{insp['id']}/findings",
                  {"description": "未对安全设备进行经常性维护", "disposition": "violation"}, reg)
        assert r.status_code == 201 and r.json()["hazard_id"] is None
        assert _post(client, f"/inspections/{insp['id']}/findings",
                     {"description": "x", "disposition": "bogus"}, reg).status_code == 400
        r = _post(client, f"/inspections/{insp['id']}/complete", {"content": "检查储罐区"}, reg)
        assert r.status_code == 200 and r.json()["status"] == "done" and r.json()["record_number"]
        r = client.get(f"{API}/draws/{draw['id']}", **_h(reg)).json()
        assert r["progress"] == {"targets": 1, "inspected": 1, "percent": 100, "hazards": 1, "violations": 1}
        r = _post(client, f"/draws/{draw['id']}/publish", {}, reg)
        assert r.status_code == 200 and r.json()["status"] == "published"
    page = client.get("/public/draws/").content.decode()
    assert "危险化学品企业安全生产条件" in page and world.ent_a.name in page


@pytest.mark.django_db
def test_campaign_inspection_counts_and_refusals(world, client):
    reg = world.users["regulator"]
    with time_machine.travel(NOW, tick=False):
        a, b, _c = inspectors(world)
        campaign = services.campaign_create(actor=None, title="危险化学品专项整治", field="chemicals",
                                            jurisdiction=world.city, lead=world.ema, starts_on=NOW.date(),
                                            ends_on=NOW.date() + dt.timedelta(days=90), sector_codes=["C"])
        body = {"department_id": world.ema.pk, "enterprise_id": world.ent_a.pk, "inspector_ids": [a.pk, b.pk],
                "campaign_id": campaign.pk}
        assert _post(client, "/inspections", {**body, "inspector_ids": [a.pk]}, reg).status_code == 400
        assert _post(client, "/inspections", {**body, "inspector_ids": [a.pk, 10**9]}, reg).status_code == 400
        assert not Inspection.objects.exists()
        r = _post(client, "/inspections", body, reg)
        assert r.status_code == 201 and r.json()["campaign_id"] == campaign.pk and r.json()["kind"] == "campaign"
        insp = r.json()["id"]
        _post(client, f"/inspections/{insp}/findings", {"description": "未设置安全警示标志", "disposition": "violation"}, reg)
        _post(client, f"/inspections/{insp}/complete", {"content": "专项检查"}, reg)
        progress = client.get(f"{API}/campaigns/{campaign.pk}/progress", **_h(reg)).json()
        assert progress["inspected"] == 1 and progress["violations"] == 1 and progress["targets"] == 1
        # the violation becomes a case
        finding = Inspection.objects.get(pk=insp).findings.get()
        case = services.case_file(actor=reg, department=world.ema, enterprise=world.ent_a, cause="未设置安全警示标志",
                                  inspection=Inspection.objects.get(pk=insp), findings=[finding])
        finding.refresh_from_db()
        assert finding.case == case
        services.campaign_close(actor=reg, campaign=campaign, summary="完成")
        r = _post(client, "/inspections", body, reg)
        assert r.status_code in (400, 404)  # a closed campaign is no longer offered: nothing stored
        assert Inspection.objects.count() == 1


@pytest.mark.django_db
def test_hearing_through_the_api(world, client):
    reg, ent = world.users["regulator"], world.users["enterprise"]
    with time_machine.travel(NOW, tick=False):
        case = filed_case(world, inspectors(world))
        services.case_notify(actor=reg, case=case, facts="f", legal_basis="l", penalty_basis="p",
                             penalty_kind="fine", proposed_fine=HEARING_FINE)
        r = _post(client, f"/cases/{case.pk}/respond", {"statement": "", "hearing_requested": True}, ent)
        assert r.status_code == 200 and r.json()["status"] == "hearing"
        assert {"key": "hearing_hold", "date": "2026-03-17", "estimate": False} in r.json()["deadlines"]
        path = f"/cases/{case.pk}/hearing/notice"
        assert _post(client, path, {"hearing_at": "2026-03-12T10:00:00+08:00", "place": "会议室", "host": "孙法制"},
                     ent).status_code == 404  # the party holds no enforcement.handle
        r = _post(client, path, {"hearing_at": "2026-03-10T10:00:00+08:00", "place": "会议室", "host": "孙法制"}, reg)
        assert r.status_code == 400 and "七个工作日" in r.json()["zh"] and r.json()["en"]
        r = _post(client, path, {"hearing_at": "2026-03-11T10:00:00+08:00", "place": "会议室", "host": "孙法制"}, reg)
        assert r.status_code == 200 and r.json()["hearing_host"] == "孙法制"
        assert {"key": "hearing_on", "date": "2026-03-11", "estimate": False} in r.json()["deadlines"]
    with time_machine.travel(dt.datetime(2026, 3, 11, 12, tzinfo=TZ), tick=False):
        r = _post(client, f"/cases/{case.pk}/hearing/record",
                  {"held_on": "2026-03-11", "proceedings": "质证", "attendees": "双方"}, reg)
        assert r.status_code == 200 and "h_record" in {d["kind"] for d in r.json()["documents"]}
        r = _post(client, f"/cases/{case.pk}/hearing/report", {"opinion": "事实清楚", "recommendation": "维持"}, reg)
        assert r.status_code == 200 and r.json()["status"] == "heard"
