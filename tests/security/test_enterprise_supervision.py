"""An enterprise cannot move itself out of its supervisors' sight (issue 13, item 7).

The fields that decide who supervises it — place (coordinates, jurisdiction), sector, status,
risk flags — are changed by a supervising unit, or proposed by the enterprise and approved
(``change_request_submit`` / ``change_request_decide``); a record about an enterprise takes the
enterprise's place; a supervisor cannot move an enterprise outside their own scope."""

from __future__ import annotations

import json

import pytest

from anjian.audit.models import Event
from anjian.enterprises.models import ChangeRequestStatus, Enterprise, EnterpriseChangeRequest
from anjian.enterprises.services import change_request_decide, change_request_submit
from anjian.hazards.models import Hazard
from anjian.inbox.models import DueItem

pytestmark = pytest.mark.django_db

SUPERVISION = ("sector_id", "status", "lng", "lat", "flags", "jurisdiction_id", "department_id", "risk_colour")


def _state(ent: Enterprise) -> tuple:
    ent = Enterprise.objects.get(pk=ent.pk)
    return tuple(getattr(ent, f) for f in SUPERVISION)


def _patch(client, pk, data):
    return client.patch(f"/api/v1/enterprises/{pk}", json.dumps(data), content_type="application/json")


@pytest.mark.parametrize("payload", [
    {"sector_code": "47"},
    {"sector_code": None},
    {"lng": 114.25, "lat": 22.05},
    {"jurisdiction_code": "990102"},
    {"flags": []},
    {"status": "closed"},
])
def test_enterprise_cannot_change_its_supervision_fields(login, world, payload):
    before = _state(world.ent_a)
    response = _patch(login("enterprise"), world.ent_a.pk, payload)
    assert response.status_code == 403, response.content
    assert "变更申请" in response.json()["zh"] and "change request" in response.json()["en"]
    assert _state(world.ent_a) == before
    assert login("regulator").get(f"/api/v1/enterprises/{world.ent_a.pk}").status_code == 200
    assert login("district_a").get(f"/api/v1/enterprises/{world.ent_a.pk}").status_code == 200


def test_enterprise_still_edits_its_contact_details(login, world):
    response = _patch(login("enterprise"), world.ent_a.pk, {"principal_phone": "13900000000", "employees": 130})
    assert response.status_code == 200, response.content
    assert Enterprise.objects.get(pk=world.ent_a.pk).principal_phone == "13900000000"


def test_proposal_goes_to_the_supervisors_inbox_and_approval_applies_it(login, world):
    client = login("enterprise")
    response = client.post(f"/api/v1/enterprises/{world.ent_a.pk}/change-requests",
                           json.dumps({"status": "suspended", "flags": [], "reason": "停产检修三个月"}),
                           content_type="application/json")
    assert response.status_code == 201, response.content
    req = EnterpriseChangeRequest.objects.get(pk=response.json()["id"])
    assert Enterprise.objects.get(pk=world.ent_a.pk).status == "operating"  # not yet
    due = DueItem.objects.get(kind="enterprises.change_request", object_id=str(req.pk))
    assert due.state == "open" and (due.owner_jurisdiction, due.owner_department) == (world.district_a, world.ent_a.department)
    assert DueItem.objects.restrict(world.user("district_a"), "inbox.view").filter(pk=due.pk).exists()
    assert not DueItem.objects.restrict(world.user("district_b"), "inbox.view").filter(pk=due.pk).exists()
    # the enterprise cannot approve its own request
    own = client.post(f"/api/v1/enterprises/change-requests/{req.pk}/decision", json.dumps({"approve": True}),
                      content_type="application/json")
    assert own.status_code == 403 and Enterprise.objects.get(pk=world.ent_a.pk).status == "operating"
    # nor can another district see it
    other = login("district_b").post(f"/api/v1/enterprises/change-requests/{req.pk}/decision",
                                     json.dumps({"approve": True}), content_type="application/json")
    assert other.status_code == 404
    approved = login("district_a").post(f"/api/v1/enterprises/change-requests/{req.pk}/decision",
                                        json.dumps({"approve": True, "note": "核实属实"}), content_type="application/json")
    assert approved.status_code == 200, approved.content
    ent = Enterprise.objects.get(pk=world.ent_a.pk)
    assert (ent.status, ent.flags) == ("suspended", [])
    req.refresh_from_db()
    assert (req.status, req.decided_by, req.decision_note) == (ChangeRequestStatus.APPROVED, world.user("district_a"), "核实属实")
    due.refresh_from_db()
    assert due.state != "open"
    kinds = list(Event.objects.filter(object_id=str(ent.pk)).values_list("verb", flat=True))
    assert {"change_requested", "change_approved", "updated"} <= set(kinds)


def test_rejection_needs_a_reason_and_changes_nothing(world):
    before = _state(world.ent_a)
    req = change_request_submit(actor=world.user("enterprise"), enterprise=world.ent_a,
                                changes={"sector_code": "47"}, reason="转型建筑业")
    from anjian.core.errors import InvalidTransition

    with pytest.raises(InvalidTransition):
        change_request_decide(actor=world.user("regulator"), request=req, approve=False, note="")
    change_request_decide(actor=world.user("regulator"), request=req, approve=False, note="营业执照未变更")
    req.refresh_from_db()
    assert req.status == ChangeRequestStatus.REJECTED and _state(world.ent_a) == before


def test_supervisor_cannot_move_an_enterprise_out_of_their_scope(login, world):
    before = _state(world.ent_a)
    response = _patch(login("district_a"), world.ent_a.pk, {"lng": 114.25, "lat": 22.05})
    assert response.status_code == 403, response.content
    assert _state(world.ent_a) == before
    moved = _patch(login("city_admin"), world.ent_a.pk, {"lng": 114.25, "lat": 22.05})
    assert moved.status_code == 200 and moved.json()["jurisdiction_code"].startswith("990102")


def test_hazard_filed_by_the_enterprise_takes_the_enterprise_place(login, world):
    response = login("enterprise").post("/api/v1/hazards/", json.dumps({
        "source": "self_inspection", "category": "消防安全", "description": "灭火器过期", "enterprise_id": world.ent_a.pk,
        "lng": 114.25, "lat": 22.05}), content_type="application/json")
    assert response.status_code == 201, response.content
    hazard = Hazard.objects.get(pk=response.json()["id"])
    assert hazard.jurisdiction_id == world.ent_a.jurisdiction_id
    assert login("district_a").get(f"/api/v1/hazards/{hazard.pk}").status_code == 200


def test_enterprise_edit_page_shows_the_fields_but_ignores_changes_to_them(login, world):
    client = login("enterprise")
    page = client.get(f"/enterprises/{world.ent_a.pk}/edit/").content.decode()
    assert "由监管部门修改" in page and 'name="status"' in page and "disabled" in page
    before = _state(world.ent_a)
    ent = world.ent_a
    response = client.post(f"/enterprises/{ent.pk}/edit/", {
        "name": ent.name, "kind": ent.kind, "size": ent.size, "employees": 99, "status": "closed", "crs": "wgs84",
        "lng": "114.25", "lat": "22.05", "sector": "", "flags": [],
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _state(world.ent_a) == before and Enterprise.objects.get(pk=ent.pk).employees == 99


def test_change_request_pages(login, world):
    client = login("enterprise")
    assert client.get(f"/enterprises/{world.ent_a.pk}/change-request/").status_code == 200
    response = client.post(f"/enterprises/{world.ent_a.pk}/change-request/",
                           {"status": "suspended", "crs": "wgs84", "reason": "停产检修"})
    assert response.status_code == 302
    req = EnterpriseChangeRequest.objects.get()
    detail = login("district_a").get(f"/enterprises/{world.ent_a.pk}/").content.decode()
    assert "待审核的变更申请" in detail and "停产停业" in detail and 'data-testid="approve"' in detail
    login("district_a").post(f"/enterprises/change-requests/{req.pk}/decide/", {"decision": "approve", "note": ""})
    assert Enterprise.objects.get(pk=world.ent_a.pk).status == "suspended"


def test_accident_filed_by_the_enterprise_takes_the_enterprise_place_and_sector(login, world):
    """Like its hazards: an enterprise reporting its own accident with a point in another
    district (or another sector) does not route it away from its supervisors; the point it gave
    is kept as the accident's point."""
    from anjian.accidents.models import Accident

    payload = {"enterprise_id": world.ent_a.pk, "occurred_at": "2026-03-11T08:00:00+08:00",
               "known_at": "2026-03-11T08:00:00+08:00", "reported_at": "2026-03-11T08:30:00+08:00",
               "place": "车间", "category": "industrial_commercial", "type_code": "03", "description": "机械伤害，一人轻伤",
               "reporter": "张三", "lng": 114.25, "lat": 22.05, "sector_code": "47"}
    response = login("enterprise").post("/api/v1/accidents/", json.dumps(payload), content_type="application/json")
    assert response.status_code == 201, response.content
    acc = Accident.objects.get(pk=response.json()["id"])
    assert acc.jurisdiction_id == world.ent_a.jurisdiction_id and acc.sector_id == world.ent_a.sector_id
    assert (acc.lng, acc.lat) == (114.25, 22.05)
    assert login("district_a").get(f"/api/v1/accidents/{acc.pk}").status_code == 200
