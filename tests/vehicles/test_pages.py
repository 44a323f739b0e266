"""Vehicle pages: scoped lists and details, create/edit through the services, denied access
changes nothing, the Excel export, geofence drawing, the live map's data and tracks, and a
vehicle alarm on monitoring's alarm pages."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from anjian.monitoring.models import Alarm
from anjian.vehicles.ingest import RawPosition, ingest_positions
from anjian.vehicles.models import Geofence, Permit, Vehicle

from .factories import NO_GO, make_no_go, make_vehicle

pytestmark = pytest.mark.django_db


def _snapshot() -> tuple[int, ...]:
    return (Vehicle.objects.count(), Geofence.objects.count(), Permit.objects.count())


def test_list_and_detail_are_scoped(login, world):
    mine = make_vehicle(world)
    other = make_vehicle(world, plate="粤B54321", device="DEV-2", carrier=world.ent_b)
    client = login("enterprise")
    page = client.get("/vehicles/").content.decode()
    assert "粤A12345" in page and "粤B54321" not in page
    assert client.get(f"/vehicles/{mine.pk}/").status_code == 200
    assert client.get(f"/vehicles/{other.pk}/").status_code == 404
    client = login("district_b")
    assert client.get(f"/vehicles/{mine.pk}/").status_code == 404
    assert client.get(f"/vehicles/{mine.pk}/track.json").status_code == 404
    assert client.get(f"/vehicles/{other.pk}/").status_code == 200
    assert login("anonymous").get("/vehicles/").status_code == 302


def test_enterprise_registers_and_edits_its_vehicle(login, world):
    client = login("enterprise")
    resp = client.post("/vehicles/new/", {"carrier": world.ent_a.pk, "plate": "粤a 66666", "kind": "hazmat",
                                         "device_id": "T-66", "cargo_class": "2", "un_number": "1075",
                                         "cargo_name": "液化石油气"})
    vehicle = Vehicle.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/vehicles/{vehicle.pk}/"
    assert (vehicle.plate, vehicle.carrier_id, vehicle.created_by_id) == ("粤A66666", world.ent_a.pk, world.user("enterprise").pk)
    resp = client.post(f"/vehicles/{vehicle.pk}/edit/", {"plate": "粤A66666", "kind": "hazmat", "device_id": "T-66",
                                                        "cargo_class": "", "reason": "换装"})
    assert resp.status_code == 200 and "危险货物类别" in resp.content.decode()  # hazmat needs its class
    client.post(f"/vehicles/{vehicle.pk}/permits/", {"kind": "transport", "number": "粤交运管4401",
                                                     "valid_from": "2026-01-01", "valid_until": "2026-06-30"})
    detail = client.get(f"/vehicles/{vehicle.pk}/").content.decode()
    assert "粤交运管4401" in detail and "登记车辆" in detail


def test_denied_writes_change_nothing(login, world):
    vehicle = make_vehicle(world)
    before = _snapshot()
    client = login("grid_inspector")  # may view, not register
    assert client.post("/vehicles/new/", {"carrier": world.ent_a.pk, "plate": "粤A77777", "kind": "coach",
                                          "device_id": "X"}).status_code == 404
    client = login("district_b")  # registers, but not ent_a's
    assert client.post("/vehicles/new/", {"carrier": world.ent_a.pk, "plate": "粤A77777", "kind": "coach",
                                          "device_id": "X"}).status_code == 200  # the carrier is refused in the form
    assert client.post(f"/vehicles/{vehicle.pk}/edit/", {"plate": "粤A00000", "kind": "coach",
                                                         "device_id": "X"}).status_code == 404
    assert client.post(f"/vehicles/{vehicle.pk}/permits/", {"kind": "transport", "number": "X"}).status_code == 404
    client = login("enterprise")  # geofences are the government's
    assert client.post("/vehicles/geofences/new/", {"jurisdiction": world.district_a.pk, "name": "x", "kind": "no_go",
                                                    "geometry": json.dumps(NO_GO)}).status_code == 404
    assert _snapshot() == before
    vehicle.refresh_from_db()
    assert vehicle.plate == "粤A12345"


def test_export_is_the_scoped_list(login, world):
    make_vehicle(world)
    make_vehicle(world, plate="粤B54321", device="DEV-2", carrier=world.ent_b)
    resp = login("district_a").get("/vehicles/export/")
    sheet = load_workbook(io.BytesIO(b"".join(resp.streaming_content) if resp.streaming else resp.getvalue())).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "粤A12345" in values and "粤B54321" not in values and "危险货物运输车辆" in values


def test_geofence_drawn_and_saved_by_district(login, world):
    client = login("district_a")
    assert client.get("/vehicles/geofences/new/").status_code == 200
    resp = client.post("/vehicles/geofences/new/", {"jurisdiction": world.district_a.pk, "name": "学校周边禁行",
                                                    "kind": "no_go", "windows": "07:00-09:00，16:30-18:00",
                                                    "geometry": json.dumps(NO_GO), "corridor_m": 200})
    fence = Geofence.objects.get()
    assert resp.status_code == 302
    assert (fence.windows, fence.jurisdiction_id) == ([["07:00", "09:00"], ["16:30", "18:00"]], world.district_a.pk)
    assert login("district_b").get(f"/vehicles/geofences/{fence.pk}/").status_code == 404
    bad = client.post("/vehicles/geofences/new/", {"jurisdiction": world.district_a.pk, "name": "x", "kind": "no_go",
                                                   "geometry": ""})
    assert bad.status_code == 200 and "请在地图上画出范围" in bad.content.decode()
    assert Geofence.objects.count() == 1


def test_live_map_data_track_and_alarm_pages(login, world):
    vehicle = make_vehicle(world)
    make_no_go(world)
    now = timezone.now().replace(microsecond=0)
    ingest_positions([RawPosition("DEV-1", (now - dt.timedelta(seconds=20)).isoformat(), 114.15, 22.15, 30),
                      RawPosition("DEV-1", (now - dt.timedelta(seconds=10)).isoformat(), 114.06, 22.06, 30)])
    client = login("district_a")
    assert client.get("/vehicles/map/").status_code == 200
    live = client.get("/vehicles/map/live.json").json()
    [feature] = live["features"]
    assert feature["properties"]["plate"] == "粤A12345" and feature["properties"]["alarms"] == ["驶入禁行区域"]
    assert live["counts"] == {"total": 1, "alarm": 1}
    assert login("district_b").get("/vehicles/map/live.json").json()["features"] == []
    client = login("district_a")
    track = client.get(f"/vehicles/{vehicle.pk}/track.json").json()
    assert track["points"] == [[114.15, 22.15], [114.06, 22.06]] and len(track["alarms"]) == 1
    fences = client.get("/vehicles/map/fences.json").json()
    assert [f["properties"]["name"] for f in fences["features"]] == ["市中心禁行区"]
    alarm = Alarm.objects.get()
    page = client.get(f"/monitoring/alarms/{alarm.pk}/").content.decode()
    assert "粤A12345" in page and f"/vehicles/{vehicle.pk}/" in page and "驶入禁行区域" in page
    assert "粤A12345" in client.get("/monitoring/alarms/").content.decode()
    assert "驶入禁行区域" in client.get(f"/vehicles/{vehicle.pk}/").content.decode()
    resp = client.post(f"/monitoring/alarms/{alarm.pk}/", {"op": "ack", "note": "已电话联系驾驶员"})
    alarm.refresh_from_db()
    assert resp.status_code in (200, 302) and alarm.status == "acknowledged"


def test_the_cockpit_map_has_the_vehicles_of_the_place(login, world):
    vehicle = make_vehicle(world)
    make_no_go(world)
    now = timezone.now().replace(microsecond=0)
    ingest_positions([RawPosition("DEV-1", (now - dt.timedelta(seconds=10)).isoformat(), 114.06, 22.06, 30)])
    client = login("city_admin")
    page = client.get("/cockpit/").content.decode()
    assert "/cockpit/layers/vehicles/" in page  # the layer is offered (off when the page opens)
    layer = client.get(f"/cockpit/layers/vehicles/?place={world.district_a.pk}").json()
    [feature] = layer["features"]
    assert feature["properties"]["name"] == "粤A12345（报警中）"
    assert feature["properties"]["url"] == f"/vehicles/{vehicle.pk}/"
    assert client.get(f"/cockpit/layers/vehicles/?place={world.district_b.pk}").json()["features"] == []
    # a district office sees its own vehicles; the other district's place is not in its scope
    client = login("district_b")
    assert client.get(f"/cockpit/layers/vehicles/?place={world.district_a.pk}").status_code == 404
