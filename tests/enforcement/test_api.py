"""The enforcement API: scoped reads (404 outside), the party's payment through the API, the
draw audit and the campaign progress."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from anjian.accounts.services import token_create
from anjian.enforcement import services
from anjian.enforcement.models import CaseStatus
from tests.enforcement.helpers import FINE, NOW, TZ, filed_case, inspectors


def _h(user):
    _token, raw = token_create(actor=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.django_db
def test_case_api_scope_and_payment(world, client):
    reg, ent = world.users["regulator"], world.users["enterprise"]
    with time_machine.travel(NOW, tick=False):
        officers = inspectors(world)
        case = filed_case(world, officers)
        services.case_notify(actor=reg, case=case, facts="f", legal_basis="l", penalty_basis="p",
                             penalty_kind="fine", proposed_fine=FINE)
        r = client.get(f"/api/v1/enforcement/cases/{case.pk}", **_h(reg))
        assert r.status_code == 200
        body = r.json()
        assert body["status"] == "notified" and {d["kind"] for d in body["documents"]} >= {"filing", "notice"}
        assert {"key": "hearing", "date": "2026-03-09", "estimate": False} in body["deadlines"]
        assert client.get(f"/api/v1/enforcement/cases/{case.pk}", **_h(world.users["district_b"])).status_code == 404
        assert [c["id"] for c in client.get("/api/v1/enforcement/cases", **_h(ent)).json()] == [case.pk]
        r = client.post(f"/api/v1/enforcement/cases/{case.pk}/respond", {"statement": "已整改"},
                        content_type="application/json", **_h(ent))
        assert r.status_code == 200 and r.json()["status"] == "heard"
        services.case_decide(actor=reg, case=case, penalty_kind="fine", fine=FINE)
        services.case_deliver(actor=reg, case=case, delivered_on=NOW.date(), method="直接送达", received_by="赵")
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, tzinfo=TZ), tick=False):
        r = client.post(f"/api/v1/enforcement/cases/{case.pk}/pay", {"paid_on": "2026-03-10"},
                        content_type="application/json", **_h(ent))
        assert r.status_code == 200 and r.json()["status"] == CaseStatus.PAID


@pytest.mark.django_db
def test_draw_audit_and_campaign_progress(world, client):
    reg = world.users["regulator"]
    with time_machine.travel(NOW, tick=False):
        inspectors(world)
        matter = services.matter_add(actor=reg, department=world.ema, name="事项", basis="依据")
        draw = services.draw_run(actor=reg, department=world.ema, jurisdiction=world.city, matter=matter,
                                 ratio_percent=100, seed="audit")
        r = client.get(f"/api/v1/enforcement/draws/{draw.pk}", **_h(reg)).json()
        assert r["seed"] == "audit" and r["reproduced"] is True and r["population"] == [world.ent_a.pk]
        c = services.campaign_create(actor=None, title="专项", field="fire", jurisdiction=world.city,
                                     lead=world.committee, starts_on=NOW.date(), ends_on=NOW.date(), sector_codes=["C"])
        admin = world.users["city_admin"]
        assert client.get(f"/api/v1/enforcement/campaigns/{c.pk}/progress", **_h(admin)).json()["targets"] == 1
        assert client.get(f"/api/v1/enforcement/campaigns/{c.pk}/progress", **_h(reg)).status_code == 404
