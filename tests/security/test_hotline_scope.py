"""Issue 13 item 6: a hotline operator reads only the reports it entered; the hotline
supervisor reads further only by code, giving a reason that is recorded."""

from __future__ import annotations

import pytest

from anjian.accounts.models import Membership, Role
from anjian.accounts.services import membership_grant
from anjian.audit.models import Event
from anjian.core.errors import DomainError
from anjian.core.scoping import scope_allows
from anjian.public_reports import services as ps
from anjian.public_reports.models import Channel, Report

from ..public_reports.helpers import file_report

pytestmark = pytest.mark.django_db


def test_hotline_role_cannot_be_bound_to_a_unit(world):
    op = world.user("hotline")
    before = Membership.objects.count()
    with pytest.raises(DomainError):
        membership_grant(actor=None, user=op, role=Role.objects.get(code="hotline"), jurisdiction=world.city)
    assert Membership.objects.count() == before


def test_operator_sees_only_its_entries_but_files_anywhere(world, login):
    other, _secret = file_report(world)
    op = world.user("hotline")
    mine, _s, _c = ps.report_submit(actor=op, channel=Channel.HOTLINE, report_type="hazard",
                                    description="来电反映商场消防通道被堵", address="乙区某商场", lng=114.25, lat=22.05)
    assert set(Report.objects.restrict(op, "public_reports.view")) == {mine}
    client = login("hotline")
    assert client.get(f"/reports/{other.pk}/").status_code == 404
    assert client.get(f"/reports/{mine.pk}/").status_code == 200
    assert client.get(f"/api/v1/reports/{other.pk}").status_code == 404
    # an intake grant files accidents anywhere, and nothing else
    assert scope_allows(op, "accidents.report", jurisdiction=world.district_b)
    assert not scope_allows(op, "hazards.report", jurisdiction=world.district_b)
    assert not scope_allows(op, "enterprises.add", jurisdiction=world.district_b)


def test_supervisor_looks_further_with_a_reason(world, login):
    other, _secret = file_report(world)
    assert login("hotline").get("/reports/lookup/").status_code == 404
    lead = world.user("hotline_lead")
    assert not Report.objects.restrict(lead, "public_reports.view").filter(pk=other.pk).exists()
    client = login("hotline_lead")
    assert client.get("/reports/lookup/").status_code == 200
    refused = client.post("/reports/lookup/", {"code": other.display_code, "reason": "查"})
    assert refused.status_code == 400 and other.description not in refused.content.decode()
    assert not Event.objects.filter(verb="public_report.looked_up").exists()
    assert client.post("/reports/lookup/", {"code": "ZZZZ-ZZZZ", "reason": "来电人查询进展"}).status_code == 404
    shown = client.post("/reports/lookup/", {"code": other.display_code, "reason": "来电人查询办理进展"})
    assert shown.status_code == 200
    assert other.description in shown.content.decode()
    assert shown["Cache-Control"] == "no-store"
    event = Event.objects.get(verb="public_report.looked_up")
    assert (event.actor, event.note) == (lead, "来电人查询办理进展")


def test_a_gateway_lists_and_reads_only_what_it_entered(world, client):
    from anjian.accounts.services import token_create, user_create
    from anjian.testing.world import PASSWORD

    other, _secret = file_report(world)
    gw = user_create(actor=None, username="gw12345", password=PASSWORD, display_name="12345热线网关",
                     must_change_password=False)
    membership_grant(actor=None, user=gw, role=Role.objects.get(code="hotline"))
    _token, key = token_create(actor=gw, name="open311")
    posted = client.post("/open311/v2/requests.json", {
        "api_key": key, "service_code": "hazard", "description": "来电反映某仓库堆放液化气瓶", "address_string": "乙区某路 3 号",
        "lat": "22.05", "long": "114.25"}, HTTP_IDEMPOTENCY_KEY="gw-scope-1")
    assert posted.status_code == 200, posted.content
    mine = posted.json()[0]["service_request_id"]
    listing = client.get(f"/open311/v2/requests.json?api_key={key}").json()
    assert [d["service_request_id"] for d in listing] == [mine]
    assert client.get(f"/open311/v2/requests/{other.tracking_code}.json?api_key={key}").status_code == 404
