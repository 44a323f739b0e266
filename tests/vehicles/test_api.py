"""Vehicles API: HTTP positions with a device token (out-of-scope devices are unknown), the
register, tracks, live positions and geofences, all scoped."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from anjian.accounts.services import token_create
from anjian.vehicles.models import Geofence, Position, Vehicle

from .factories import NO_GO, make_vehicle

pytestmark = pytest.mark.django_db


def _call(client, user, method, path, body=None):
    raw = token_create(actor=user, name="t")[1]
    return client.generic(method, f"/api/v1/vehicles{path}", json.dumps(body) if body is not None else "",
                          content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_http_positions_with_a_token(client, world):
    make_vehicle(world)
    make_vehicle(world, plate="粤B54321", device="DEV-2", carrier=world.ent_b)
    now = timezone.now()
    body = [{"device": "DEV-1", "ts": int(now.timestamp() * 1000), "lng": 114.15, "lat": 22.15, "speed": 40},
            {"device": "DEV-2", "ts": int(now.timestamp() * 1000), "lng": 114.25, "lat": 22.15, "speed": 40},
            {"device": "DEV-1", "ts": "not a time", "lng": 114.15, "lat": 22.15}]
    resp = _call(client, world.user("enterprise"), "POST", "/positions", body)
    assert resp.status_code == 200, resp.content
    assert resp.json() == {"stored": 1, "checked": 1, "rejected": {"malformed": 1, "unknown_device": 1},
                           "alarms_raised": 0, "alarms_cleared": 0}
    assert list(Position.objects.values_list("vehicle__plate", flat=True)) == ["粤A12345"]
    assert _call(client, world.user("grid_inspector"), "POST", "/positions", body).status_code == 404
    assert Position.objects.count() == 1


def test_register_get_patch_and_track(client, world):
    resp = _call(client, world.user("enterprise"), "POST", "/vehicles",
                 {"carrier": world.ent_a.pk, "plate": "粤A88888", "kind": "coach", "device_id": "C-88", "seats": 45})
    assert resp.status_code == 201, resp.content
    vid = resp.json()["id"]
    assert _call(client, world.user("district_b"), "GET", f"/vehicles/{vid}").status_code == 404
    out = _call(client, world.user("enterprise"), "PATCH", f"/vehicles/{vid}", {"seats": 49, "reason": "改装"}).json()
    assert out["seats"] == 49
    refused = _call(client, world.user("enterprise"), "POST", "/vehicles",
                    {"carrier": world.ent_b.pk, "plate": "粤B88888", "kind": "coach", "device_id": "C-89"})
    assert refused.status_code == 404 and refused.json()["field"] == "carrier"
    assert Vehicle.objects.count() == 1
    now = timezone.now()
    Position.objects.create(vehicle_id=vid, ts=now - dt.timedelta(minutes=5), lng=114.1, lat=22.1, speed=30)
    track = _call(client, world.user("district_a"), "GET", f"/vehicles/{vid}/track").json()
    assert [(p["lng"], p["speed"]) for p in track] == [(114.1, 30)]
    bad = _call(client, world.user("district_a"), "GET", f"/vehicles/{vid}/track?start=2026-12-02T00:00:00Z&end=2026-12-01T00:00:00Z")
    assert bad.status_code == 400


def test_geofences_by_the_government_only(client, world):
    body = {"jurisdiction": world.district_a.pk, "name": "禁行区", "kind": "no_go", "geometry": NO_GO,
            "windows": [["07:00", "09:00"]]}
    assert _call(client, world.user("enterprise"), "POST", "/geofences", body).status_code == 404
    out = _call(client, world.user("district_b"), "POST", "/geofences", body)
    assert out.status_code == 404 and out.json()["field"] == "jurisdiction"
    assert Geofence.objects.count() == 0
    made = _call(client, world.user("district_a"), "POST", "/geofences", body)
    assert made.status_code == 201, made.content
    bad = _call(client, world.user("district_a"), "POST", "/geofences",
                {**body, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1]]]}})
    assert bad.status_code == 400 and bad.json()["field"] == "geometry"
    fid = made.json()["id"]
    assert _call(client, world.user("district_b"), "GET", f"/geofences/{fid}").status_code == 404
    changed = _call(client, world.user("district_a"), "PATCH", f"/geofences/{fid}", {"enabled": False}).json()
    assert changed["enabled"] is False
    assert [f["id"] for f in _call(client, world.user("city_admin"), "GET", "/geofences").json()] == [fid]
