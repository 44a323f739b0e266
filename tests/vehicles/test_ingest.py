"""Positions in: validation, dedup, storage, the latest position, geofence and speeding alarms
(raised once while active, cleared on return), through the existing alarm lifecycle."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import override_settings

from anjian.audit.models import Event
from anjian.inbox.models import DueItem
from anjian.monitoring.models import Alarm
from anjian.monitoring.services import alarm_acknowledge
from anjian.vehicles.fences import FenceIndex
from anjian.vehicles.ingest import RawPosition, ingest_positions, parse_message
from anjian.vehicles.models import Position, Vehicle, VehicleAlarm

from .factories import make_no_go, make_route, make_vehicle

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)  # 10:00 Beijing time
OUTSIDE = (114.15, 22.15)
INSIDE_NO_GO = (114.06, 22.06)


def feed(points: list[tuple[float, float, float]], start: dt.datetime = NOW, device: str = "DEV-1", every: int = 10):
    raws = [RawPosition(device, int((start + dt.timedelta(seconds=i * every)).timestamp() * 1000), lng, lat, speed)
            for i, (lng, lat, speed) in enumerate(points)]
    with time_machine.travel(start + dt.timedelta(seconds=len(points) * every), tick=False):
        return ingest_positions(raws, fences=FenceIndex(ttl=0))


def test_positions_stored_latest_kept_and_duplicates_counted(world):
    make_vehicle(world)
    result = feed([(*OUTSIDE, 40), (114.151, 22.151, 42)])
    assert (result.stored, result.checked, sum(result.rejected.values())) == (2, 2, 0)
    v = Vehicle.objects.get()
    assert (v.last_lng, v.last_lat, v.last_speed, v.last_ts) == (114.151, 22.151, 42, NOW + dt.timedelta(seconds=10))
    again = feed([(*OUTSIDE, 40)])
    assert (again.stored, again.rejected["duplicate"]) == (0, 1)
    assert Position.objects.count() == 2


def test_bad_positions_are_counted_not_raised(world):
    make_vehicle(world)
    with time_machine.travel(NOW, tick=False):
        result = ingest_positions([
            RawPosition("NOPE", int(NOW.timestamp() * 1000), 114.1, 22.1, 10),
            RawPosition("DEV-1", int(NOW.timestamp() * 1000), "x", 22.1, 10),
            RawPosition("DEV-1", int(NOW.timestamp() * 1000), 114.1, 95, 10),
            RawPosition("DEV-1", int(NOW.timestamp() * 1000), 114.1, 22.1, 900),
            RawPosition("DEV-1", int((NOW + dt.timedelta(hours=1)).timestamp() * 1000), 114.1, 22.1, 10),
            *parse_message(b"{not json"),
            *parse_message(b'{"ts": 1, "lng": 1}', "vehicles/"),
        ])
    assert result.stored == 0
    assert dict(result.rejected) == {"unknown_device": 1, "malformed": 3, "out_of_range": 2, "clock_skew": 1}


def test_mqtt_payload_takes_the_device_from_the_topic():
    [raw] = parse_message(b'{"ts": 1764295200000, "lng": 114.1, "lat": 22.1, "speed": 30}', "vehicles/DEV-9")
    assert raw.device == "DEV-9" and raw.speed == 30


def test_no_go_entry_raises_one_alarm_and_leaving_clears_it(world):
    vehicle = make_vehicle(world)
    fence = make_no_go(world)
    feed([(*OUTSIDE, 30), (*INSIDE_NO_GO, 30), (114.061, 22.061, 30)])
    feed([(114.062, 22.062, 30)], start=NOW + dt.timedelta(seconds=30))  # still inside, next batch
    alarm = Alarm.objects.get()
    assert (alarm.kind, alarm.active, alarm.sensor_id, alarm.subject, alarm.enterprise_id) == (
        "no_go", True, None, "粤A12345", world.ent_a.pk)
    assert alarm.raised_at == NOW + dt.timedelta(seconds=10)
    link = VehicleAlarm.objects.get()
    assert (link.vehicle_id, link.geofence_id, link.lng, link.lat) == (vehicle.pk, fence.pk, *INSIDE_NO_GO)
    # the same lifecycle as a sensor's alarm: an inbox to-do to acknowledge, a timeline
    assert DueItem.objects.filter(kind="monitoring.alarm_ack", object_id=str(alarm.pk)).exists()
    feed([(*OUTSIDE, 30)], start=NOW + dt.timedelta(seconds=40))
    alarm.refresh_from_db()
    assert (alarm.active, alarm.cleared_at, Alarm.objects.count()) == (False, NOW + dt.timedelta(seconds=40), 1)
    verbs = list(Event.objects.filter(object_id=str(alarm.pk), content_type__model="alarm").values_list("verb", flat=True))
    assert verbs == ["raised", "cleared"]
    alarm_acknowledge(actor=world.user("enterprise"), alarm=alarm)
    alarm.refresh_from_db()
    assert alarm.status == "acknowledged"


def test_no_go_with_windows_only_forbids_inside_them(world):
    make_vehicle(world)
    make_no_go(world, windows="07:00-09:00")  # 10:00 Beijing: allowed
    feed([(*INSIDE_NO_GO, 30)])
    assert not Alarm.objects.exists()
    make_no_go(world, name="夜间禁行", windows="22:00-11:00")  # over midnight, covers 10:00
    feed([(114.0601, 22.0601, 30)], start=NOW + dt.timedelta(seconds=10))
    assert Alarm.objects.get().kind == "no_go"


def test_no_go_for_other_vehicle_kinds_does_not_apply(world):
    make_vehicle(world)
    make_no_go(world, vehicle_kinds=["coach"])
    feed([(*INSIDE_NO_GO, 30)])
    assert not Alarm.objects.exists()


def test_route_corridor_and_time_window(world):
    route = make_route(world, windows="09:00-17:00")
    make_vehicle(world, route=route)
    feed([(114.10, 22.0105, 50)])  # ~55 m off the line, corridor ±200 m, 10:00 in window
    assert not Alarm.objects.exists()
    feed([(114.10, 22.02, 50)], start=NOW + dt.timedelta(seconds=10))  # ~1.1 km off
    assert Alarm.objects.get(active=True).kind == "off_route"
    feed([(114.11, 22.01, 50)], start=NOW + dt.timedelta(seconds=20))
    assert not Alarm.objects.filter(active=True).exists()
    late = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC)  # 18:00 Beijing: outside the window
    feed([(114.12, 22.01, 50)], start=late)
    assert Alarm.objects.get(active=True).kind == "off_hours"


def test_speeding_raises_once_tracks_peak_and_clears(world):
    make_vehicle(world)
    with override_settings(VEHICLE_SPEED_LIMITS_KMH={"hazmat": 60}, VEHICLE_SPEED_TOLERANCE_KMH=5):
        feed([(*OUTSIDE, 64), (*OUTSIDE, 66), (*OUTSIDE, 75)])
        alarm = Alarm.objects.get()
        assert (alarm.kind, alarm.value, alarm.threshold, alarm.peak, alarm.unit) == ("speeding", 66, 60, 75, "km/h")
        feed([(*OUTSIDE, 80)], start=NOW + dt.timedelta(seconds=30))
        alarm.refresh_from_db()
        assert (alarm.peak, alarm.active) == (80, True)
        feed([(*OUTSIDE, 50)], start=NOW + dt.timedelta(seconds=40))
        alarm.refresh_from_db()
        assert (alarm.active, Alarm.objects.count()) == (False, 1)
        feed([(*OUTSIDE, 70)], start=NOW + dt.timedelta(seconds=50))
    assert Alarm.objects.filter(active=True).count() == 1 and Alarm.objects.count() == 2


def test_speed_zone_lowers_the_limit(world):
    from anjian.vehicles.services import geofence_create

    make_vehicle(world)
    geofence_create(actor=None, jurisdiction=world.district_a, data={
        "name": "学校限速区", "kind": "speed", "speed_limit_kmh": 30,
        "geometry": {"type": "Polygon", "coordinates": [[[114.1, 22.1], [114.2, 22.1], [114.2, 22.2], [114.1, 22.2], [114.1, 22.1]]]}})
    feed([(*OUTSIDE, 45)])
    assert Alarm.objects.get().threshold == 30


def test_late_positions_are_stored_but_not_checked(world):
    make_vehicle(world)
    make_no_go(world)
    feed([(*OUTSIDE, 30)], start=NOW + dt.timedelta(minutes=5))
    result = feed([(*INSIDE_NO_GO, 30)])  # older than the latest: history only
    assert (result.stored, result.checked, Alarm.objects.count()) == (1, 0, 0)
    assert Vehicle.objects.get().last_lng == OUTSIDE[0]


def test_gcj02_positions_are_converted(world):
    make_vehicle(world)
    with time_machine.travel(NOW, tick=False):
        ingest_positions([RawPosition("DEV-1", int(NOW.timestamp() * 1000), 114.15, 22.15, 10, "GCJ-02")])
    p = Position.objects.get()
    assert 114.14 < p.lng < 114.15 and 22.15 < p.lat < 22.16  # shifted back by a few hundred metres
