"""Open311 GeoReport v2: responses validate against the shared JSON schemas, XML is
well-formed and equivalent to JSON, errors follow the spec, and a client flow works."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from django.core.cache import cache
from django.test import override_settings

from anjian.accounts.models import Role
from anjian.accounts.services import membership_grant, token_create, user_create
from anjian.public_reports import services as ps
from anjian.public_reports.models import Report, ReporterIdentity, ReportStatus
from anjian.testing.world import PASSWORD

pytestmark = pytest.mark.django_db

SHARED = Path(__file__).resolve().parents[3] / "shared"
SCHEMAS = SHARED / "data" / "open311" / "schema" / "georeport-v2"
ITEMS = {"services": "service", "service_requests": "request", "attributes": "attribute", "values": "value",
         "endpoints": "endpoint", "formats": "format", "errors": "error"}


def validate(doc, schema_name: str) -> None:
    if not SCHEMAS.is_dir():
        pytest.skip(f"shared Open311 schemas not found at {SCHEMAS}")
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    resources = [(p.name, Resource.from_contents(json.loads(p.read_text()), default_specification=DRAFT4))
                 for p in SCHEMAS.glob("*.json")]
    registry = Registry().with_resources(resources)
    schema = json.loads((SCHEMAS / schema_name).read_text())
    jsonschema.Draft4Validator(schema, registry=registry, format_checker=jsonschema.FormatChecker()).validate(doc)


def spark(el: ET.Element):
    """XML → JSON by the Spark convention, leaves as text (None when empty)."""
    if el.tag in ITEMS:
        return [spark(child) for child in el]
    if len(el):
        return {child.tag: spark(child) for child in el}
    return el.text


def stringify(value):
    if isinstance(value, list):
        return [stringify(v) for v in value]
    if isinstance(value, dict):
        return {k: stringify(v) for k, v in value.items()}
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value is None else str(value)


def both(client, url, **kw):
    """GET (or POST with data=) both formats; assert the XML equals the JSON; return the JSON."""
    method = client.post if "data" in kw else client.get
    j = method(url.format(fmt="json"), kw.get("data", {}), **kw.get("extra", {}))
    x = method(url.format(fmt="xml"), kw.get("data", {}), **kw.get("extra", {}))
    assert j["Content-Type"] == "application/json; charset=utf-8"
    assert x["Content-Type"] == "text/xml; charset=utf-8"
    assert x.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(x.content)  # noqa: S314 - our own server's response
    doc = j.json()
    assert j.status_code == x.status_code
    assert stringify(doc) == spark(root)
    return j.status_code, doc, root.tag


@pytest.fixture
def partner(world):
    user = user_create(actor=None, username="gw12345", password=PASSWORD, display_name="12345热线网关",
                       must_change_password=False)
    membership_grant(actor=None, user=user, role=Role.objects.get(code="hotline"))
    _token, raw = token_create(actor=user, name="open311")
    return raw


def test_discovery_and_services_validate(client, world):
    status, doc, root = both(client, "/open311/v2/discovery.{fmt}")
    assert (status, root) == (200, "discovery")
    assert doc["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert doc["endpoints"][0]["url"] == "http://testserver/open311/v2/"
    status, doc, root = both(client, "/open311/v2/services.{fmt}")
    assert (status, root) == (200, "services")
    validate(doc, "services.json")
    assert [s["service_code"] for s in doc] == ["hazard", "illegal_operation", "concealed_accident", "other"]
    status, doc, root = both(client, "/open311/v2/services/hazard.{fmt}")
    assert (status, root) == (200, "service_definition")
    validate(doc, "service-definition.json")
    assert [a["code"] for a in doc["attributes"]] == ["enterprise_name", "occurred_at", "reward"]


def test_errors_follow_the_spec(client, world, partner):
    status, doc, root = both(client, "/open311/v2/services/nope.{fmt}")
    assert (status, root, doc) == (404, "errors", [{"code": 404, "description": "service_code nope not found"}])
    status, doc, root = both(client, "/open311/v2/requests.{fmt}", data={"service_code": "hazard", "description": "x"})
    assert (status, root, doc) == (403, "errors", [{"code": 403, "description": "Missing or invalid api_key"}])
    status, doc, _ = both(client, "/open311/v2/requests.{fmt}", data={"api_key": partner, "description": "无证加油"})
    assert (status, doc[0]["description"]) == (400, "service_code was not provided")
    status, doc, _ = both(client, "/open311/v2/requests.{fmt}", data={"api_key": partner, "service_code": "hazard",
                                                                      "description": "短"})
    assert (status, doc[0]["description"]) == (400, "Describe what you report (at least 5 characters)")
    status, doc, _ = both(client, f"/open311/v2/requests.{{fmt}}?api_key={partner}&status=pending")
    assert (status, doc[0]["description"]) == (400, "status must be open or closed")
    assert Report.objects.count() == 0


def test_client_flow(client, world, partner):
    """A gateway: discover, pick a service, read its definition, post, track, see it closed."""
    services_doc = client.get("/open311/v2/services.json").json()
    code = services_doc[1]["service_code"]
    definition = client.get(f"/open311/v2/services/{code}.json").json()
    assert definition["service_code"] == code
    body = {
        "api_key": partner, "service_code": code, "lat": "22.05", "long": "114.05",
        "address_string": "甲区化工路 1 号", "description": "夜间无证储存危险化学品",
        "attribute[enterprise_name]": "甲区化工有限公司", "attribute[reward]": "yes",
        "first_name": "某", "last_name": "张", "phone": "13500000000",
    }
    post = client.post("/open311/v2/requests.json", body, HTTP_IDEMPOTENCY_KEY="gw-1")
    assert post.status_code == 200
    [created] = post.json()
    retry = client.post("/open311/v2/requests.json", body, HTTP_IDEMPOTENCY_KEY="gw-1").json()  # the same request again
    assert retry[0]["service_request_id"] == created["service_request_id"]
    assert Report.objects.count() == 1
    r = Report.objects.get()
    assert (r.channel, r.enterprise, r.jurisdiction, r.report_type) == ("open311", world.ent_a, world.grid_a, code)
    assert ReporterIdentity.objects.get(report=r).reward_consent is True
    secret = created["service_notice"].split("查询密码 ")[1].split("（")[0]
    assert ps.report_track(created["service_request_id"], secret) == r

    url = f"/open311/v2/requests/{created['service_request_id']}.{{fmt}}?api_key={partner}"
    status, doc, root = both(client, url)
    assert (status, root) == (200, "service_requests")
    validate(doc, "requests.json")
    assert (doc[0]["status"], doc[0]["anjian_status"], doc[0]["status_notes"]) == ("open", "received", "已收到，等待受理")
    assert "张" not in json.dumps(doc, ensure_ascii=False) and "13500000000" not in json.dumps(doc)

    district = world.user("district_a")
    ps.report_accept(actor=district, report=r)
    ps.report_dispatch(actor=district, report=r)
    ps.report_handle(actor=district, report=r, note="已查处")
    ps.report_verify(actor=district, report=r, result="substantiated")
    ps.report_reply(actor=district, report=r, text="经核查属实，已依法查处。")
    status, doc, _ = both(client, url)
    assert (doc[0]["status"], doc[0]["anjian_status"]) == ("closed", ReportStatus.REPLIED)
    assert doc[0]["status_notes"] == "已答复：经核查属实，已依法查处。"
    assert doc[0]["agency_responsible"] == "示范市应急管理局"
    validate(doc, "requests.json")

    listing = f"/open311/v2/requests.{{fmt}}?api_key={partner}&service_code={code}&status=closed"
    status, doc, _ = both(client, listing)
    assert [d["service_request_id"] for d in doc] == [r.tracking_code]
    validate(doc, "requests.json")
    status, doc, _ = both(client, f"/open311/v2/requests.{{fmt}}?api_key={partner}&status=open")
    assert doc == []
    status, doc, _ = both(client, f"/open311/v2/requests.{{fmt}}?api_key={partner}&start_date=2000-01-01T00:00:00Z"
                                  "&end_date=2000-01-02T00:00:00Z")
    assert doc == []


def test_gateway_sees_only_its_own_requests(client, world, partner):
    other, _s, _c = ps.report_submit(actor=None, channel="public", report_type="hazard", description="网上举报的另一件事",
                                     address="乙区")
    doc = client.get(f"/open311/v2/requests.json?api_key={partner}").json()
    assert doc == []
    assert client.get(f"/open311/v2/requests/{other.tracking_code}.json?api_key={partner}").status_code == 404


@override_settings(OPEN311_ALLOW_ANONYMOUS=True, PUBLIC_REPORT_RATE_IP=1)
def test_anonymous_posting_when_configured_is_rate_limited(client, world):
    cache.clear()
    data = {"service_code": "other", "description": "消防通道长期被占用", "address_string": "甲区某小区"}
    assert client.post("/open311/v2/requests.json", data).status_code == 200
    limited = client.post("/open311/v2/requests.json", data)
    assert limited.status_code == 429
    assert limited.json()[0]["code"] == 429
    assert Report.objects.count() == 1
    cache.clear()
