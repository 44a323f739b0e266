"""CAP 1.2 out (valid against the OASIS schema, Atom feed, updates and cancellations) and in
(the shared examples; unsafe XML refused with nothing stored)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from lxml import etree

from anjian.core.errors import DomainError
from anjian.emergency import cap, services
from anjian.emergency.models import AlertStatus, CapAlert

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "cap" / "examples_valid"
ATOM = "{http://www.w3.org/2005/Atom}"

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&xxe;</identifier></alert>"""
BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol3;</identifier></alert>"""


def _published(world, **extra):
    author, approver = world.user("regulator"), world.user("city_admin")
    alert = services.alert_create(
        actor=author, jurisdiction=world.city, event="危险化学品泄漏", urgency="Immediate", severity="Severe",
        certainty="Observed", headline_zh="甲区化工园区氨气泄漏预警", headline_en="Ammonia leak warning",
        description_zh="园区储罐泄漏", description_en="A storage tank is leaking",
        instruction_zh="下风向居民关闭门窗", instruction_en="Close windows downwind", area_desc="甲区化工园区",
        polygons=["22.05,114.05 22.06,114.05 22.06,114.06 22.05,114.06 22.05,114.05"], circles=["22.05,114.05 3"],
        expires=timezone.now() + dt.timedelta(hours=6), **extra)
    services.alert_approve(actor=approver, alert=alert)
    return services.alert_publish(actor=approver, alert=alert)


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="shared CAP examples not available")
@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*")) if EXAMPLES.is_dir() else [])
def test_shared_examples_parse(name):
    data = (EXAMPLES / name).read_bytes()
    parsed = cap.parse(data)
    assert parsed["identifier"] and parsed["sender"]
    if parsed["version"] == "1.2":
        assert cap.validate(data) == []


def test_published_alert_is_schema_valid_and_in_the_feed(world, client):
    alert = _published(world)
    assert alert.status == AlertStatus.PUBLISHED
    assert cap.validate(alert.xml.encode()) == []
    doc = etree.fromstring(alert.xml.encode())
    assert [i.findtext(f"{{{cap.NS12}}}language") for i in doc.findall(f"{{{cap.NS12}}}info")] == ["zh-CN", "en-US"]
    feed = client.get("/public/cap/alerts.atom")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
    root = etree.fromstring(feed.content)
    assert root.tag == f"{ATOM}feed"
    links = [e.find(f"{ATOM}link").get("href") for e in root.findall(f"{ATOM}entry")]
    assert len(links) == 1 and links[0].endswith(f"/public/cap/alerts/{alert.identifier}.xml")
    xml = client.get(links[0].split("testserver")[-1])
    assert xml.status_code == 200 and cap.validate(xml.content) == []


def test_update_and_cancel_reference_the_original(world, client):
    original = _published(world)
    update = _published(world, original=original, msg_type="Update")
    assert update.references == f"{original.sender},{original.identifier},{cap.cap_time(original.sent)}"
    assert cap.validate(update.xml.encode()) == []
    cancel = _published(world, original=update, msg_type="Cancel")
    assert cap.validate(cancel.xml.encode()) == []
    root = etree.fromstring(client.get("/public/cap/alerts.atom").content)
    ids = [e.findtext(f"{ATOM}id") for e in root.findall(f"{ATOM}entry")]
    assert ids == [f"urn:anjian:cap:{original.identifier}"]  # the update is cancelled, the cancel is not an alert


def test_author_cannot_approve_own_alert(world):
    author = world.user("city_admin")
    alert = services.alert_create(actor=author, jurisdiction=world.city, event="x", urgency="Expected",
                                  severity="Minor", certainty="Likely", headline_zh="测试", area_desc="全市")
    with pytest.raises(DomainError):
        services.alert_approve(actor=author, alert=alert)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DRAFT


def test_invalid_polygon_refused(world):
    with pytest.raises(DomainError):
        services.alert_create(actor=world.user("city_admin"), jurisdiction=world.city, event="x", urgency="Expected",
                              severity="Minor", certainty="Likely", headline_zh="测试", area_desc="全市",
                              polygons=["22,114 23,114"])
    assert not CapAlert.objects.exists()


@pytest.mark.parametrize("payload", [XXE, BOMB], ids=["external-entity", "entity-expansion"])
def test_unsafe_xml_refused_and_nothing_stored(world, payload):
    with pytest.raises(DomainError) as exc:
        services.alert_receive(actor=world.user("city_admin"), data=payload)
    assert "DOCTYPE" in exc.value.message
    assert not CapAlert.objects.exists()


def test_receive_shared_example_and_refuse_repeat(world):
    data = (EXAMPLES / "thunderstorm.cap").read_bytes()
    alert = services.alert_receive(actor=world.user("city_admin"), data=data)
    assert alert.direction == "in" and alert.severity == "Severe" and alert.polygons
    with pytest.raises(DomainError):
        services.alert_receive(actor=world.user("city_admin"), data=data)
    assert CapAlert.objects.count() == 1
    with pytest.raises(DomainError):  # an enterprise may not receive alerts for the city
        services.alert_receive(actor=world.user("enterprise"), data=(EXAMPLES / "australia.cap").read_bytes())


def test_import_cap_command(world, tmp_path):
    """`anjian import cap FILE --as USERNAME` (the import command family; `import-cap` is the
    older name): an entity bomb is refused with exit 1 and nothing stored; a bad command line is 2."""
    import io
    import json

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = tmp_path / "bomb.cap"
    out.write_bytes(BOMB)
    printed = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("import", "cap", str(out), "--as", "city_admin", stdout=printed)
    assert exc.value.code == 1 and not CapAlert.objects.exists()
    assert json.loads(printed.getvalue().strip().splitlines()[-1])["stored"] is False
    with pytest.raises(CommandError) as bad:
        call_command("import", "cap", str(EXAMPLES / "thunderstorm.cap"), "--as", "city_admin", "--update")
    assert bad.value.returncode == 2 and not CapAlert.objects.exists()
    printed = io.StringIO()
    call_command("import", "cap", str(EXAMPLES / "thunderstorm.cap"), "--as", "city_admin", stdout=printed)
    summary = json.loads(printed.getvalue().strip().splitlines()[-1])
    assert summary["stored"] is True and CapAlert.objects.get(pk=summary["id"]).direction == "in"
    call_command("import-cap", str(EXAMPLES / "earthquake-iso8859-1.cap"), "--as", "city_admin")
    assert CapAlert.objects.filter(direction="in").count() == 2


def test_received_alerts_in_force_are_on_the_resource_map(world, login):
    """A received alert's areas are drawn on the resource map (page data and API) while in force:
    its polygon as a Polygon ([lon, lat]), its circle as a point with the radius in metres; an
    expired one is not drawn."""
    import datetime as dt

    from django.utils import timezone

    text = (EXAMPLES / "thunderstorm.cap").read_text(encoding="utf-8")
    later = (timezone.now() + dt.timedelta(hours=6)).isoformat(timespec="seconds")
    live = text.replace("2003-06-17T16:00:00-07:00", later).replace(
        "</polygon>", "</polygon><circle>22.55,114.05 5</circle>", 1)
    assert live != text
    alert = services.alert_receive(actor=world.user("city_admin"), data=live.encode())
    services.alert_receive(actor=world.user("city_admin"),  # the same area, expired in 2003
                           data=text.replace("<identifier>", "<identifier>old-", 1).encode())
    client = login("city_admin")
    shown = [f for f in client.get("/emergency/map/points/").json()["features"] if f["properties"]["kind"] == "alert"]
    assert {f["properties"]["id"] for f in shown} == {alert.pk}
    polygon = next(f for f in shown if f["geometry"]["type"] == "Polygon")
    assert polygon["geometry"]["coordinates"][0][0] == [-120.14, 38.47]
    circle = next(f for f in shown if f["geometry"]["type"] == "Point")
    assert circle["geometry"]["coordinates"] == [114.05, 22.55] and circle["properties"]["radius_m"] == 5000
    assert polygon["properties"]["url"] == f"/emergency/alerts/{alert.pk}/"
    only_teams = client.get("/emergency/map/points/", {"kind": "team"}).json()["features"]
    assert not any(f["properties"]["kind"] == "alert" for f in only_teams)
    page = client.get("/emergency/map/").content.decode()
    assert "接收的预警区域" in page


def _received(world, name: str):
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    later = (timezone.now() + dt.timedelta(hours=6)).isoformat(timespec="seconds")
    return services.alert_receive(actor=world.user("city_admin"), data=text.replace(
        "2003-06-17T16:00:00-07:00", later).encode())


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="shared CAP examples not available")
def test_a_received_alert_is_read_by_every_unit_inside_its_territory(world, login):
    """A warning received by the city concerns each district, street and department in it: they
    read it (list, page, XML, API, resource map, an incident started from it); one received for
    district B is not read in district A; nobody below can act on the city's alerts."""
    city_alert = _received(world, "thunderstorm.cap")
    b_alert = services.alert_receive(actor=world.user("city_admin"), jurisdiction=world.district_b,
                                     data=(EXAMPLES / "earthquake-iso8859-1.cap").read_bytes())
    draft = services.alert_create(
        actor=world.user("regulator"), jurisdiction=world.city, event="大风", urgency="Expected", severity="Moderate",
        certainty="Likely", headline_zh="全市大风预警（草稿）", headline_en="", description_zh="", description_en="",
        instruction_zh="", instruction_en="", area_desc="全市", polygons=[], circles=[], expires=None)
    seen = {"district_a": {city_alert.pk}, "district_b": {city_alert.pk, b_alert.pk},
            "grid_inspector": {city_alert.pk}, "regulator": {city_alert.pk, draft.pk},
            "city_admin": {city_alert.pk, b_alert.pk, draft.pk}, "enterprise": set()}
    for persona, expected in seen.items():
        client = login(persona)
        api = client.get("/api/v1/emergency/alerts")
        assert api.status_code == 200, persona
        assert {a["id"] for a in api.json()} == expected, persona
        for alert in (city_alert, b_alert, draft):
            status = client.get(f"/emergency/alerts/{alert.pk}/").status_code
            assert status == (200 if alert.pk in expected else 404), (persona, alert.headline_zh)
    client = login("district_a")
    page = client.get("/emergency/alerts/", {"direction": "in"}).content.decode()
    assert city_alert.headline_zh in page and b_alert.headline_zh not in page
    assert client.get(f"/emergency/alerts/{city_alert.pk}/xml").status_code == 200
    shown = {f["properties"]["id"] for f in client.get("/emergency/map/points/").json()["features"]
             if f["properties"]["kind"] == "alert"}
    assert shown == {city_alert.pk}
    start = client.get("/emergency/incidents/new/", {"alert": city_alert.pk}).content.decode()
    assert city_alert.headline_zh in start
    # reading is not acting: the city's draft stays out of reach, the received alert unchanged
    before = CapAlert.objects.get(pk=city_alert.pk).status
    assert client.post(f"/emergency/alerts/{draft.pk}/do/approve/").status_code == 404
    assert client.post(f"/emergency/alerts/{city_alert.pk}/do/approve/").status_code == 404
    assert CapAlert.objects.get(pk=draft.pk).status == AlertStatus.DRAFT
    assert CapAlert.objects.get(pk=city_alert.pk).status == before == AlertStatus.RECEIVED
