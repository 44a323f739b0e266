"""Monitoring pages: authorization matrix (each persona × route), content, and the actions."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from anjian.monitoring.ingest import RawReading, ingest
from anjian.monitoring.models import Alarm

from .factories import make_sensor

pytestmark = pytest.mark.django_db
PERSONAS = ["city_admin", "district_a", "district_b", "regulator", "grid_inspector", "enterprise", "anonymous"]
SEES_ENT_A = {"city_admin", "district_a", "regulator", "grid_inspector", "enterprise"}


@pytest.fixture
def alarmed(world):
    sensor = make_sensor(world)
    now = timezone.now()
    ingest([RawReading(sensor.code, int((now - dt.timedelta(seconds=s)).timestamp() * 1000), v)
            for s, v in [(30, 5.0), (20, 35.0), (10, 36.0)]])
    return sensor, Alarm.objects.get()


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_matrix(world, login, alarmed, persona):
    sensor, alarm = alarmed
    client = login(persona)
    routes = {
        f"/monitoring/sensors/{sensor.pk}/": sensor.code,
        f"/monitoring/sensors/{sensor.pk}/series.json?range=6h": '"points"',
        f"/monitoring/alarms/{alarm.pk}/": sensor.name,
        f"/monitoring/live/{world.ent_a.pk}/": sensor.code,
    }
    for url, marker in routes.items():
        resp = client.get(url)
        if persona == "anonymous":
            assert resp.status_code == 302, url
        elif persona in SEES_ENT_A:
            assert resp.status_code == 200, url
            assert marker in resp.content.decode(), url
        else:
            assert resp.status_code == 404, url
    lists = {"/monitoring/sensors/": sensor.code, "/monitoring/alarms/": sensor.code, "/monitoring/stats/": sensor.code,
             "/monitoring/map/sensors.json": sensor.code}
    for url, marker in lists.items():
        resp = client.get(url)
        if persona == "anonymous":
            assert resp.status_code == 302, url
        else:
            assert resp.status_code == 200, url
            assert (marker in resp.content.decode()) is (persona in SEES_ENT_A), url


def test_series_points(world, login, alarmed):
    sensor, _alarm = alarmed
    data = login("enterprise").get(f"/monitoring/sensors/{sensor.pk}/series.json?range=6h").json()
    assert [p[1] for p in data["points"]] == [5.0, 35.0, 36.0]
    assert (data["unit"], data["high"], data["high_high"]) == ("%LEL", 20.0, 50.0)
    from anjian.monitoring.services import readings_rollup

    now = timezone.now()
    readings_rollup(start=now - dt.timedelta(hours=1), end=now + dt.timedelta(minutes=2))
    data = login("enterprise").get(f"/monitoring/sensors/{sensor.pk}/series.json?range=7d").json()
    assert len(data["points"]) in (1, 2) and max(p[2] for p in data["points"]) == 36.0


def test_map_points_and_counts(world, login, alarmed):
    data = login("regulator").get("/monitoring/map/sensors.json").json()
    assert data["counts"] == {"alarm": 1}
    assert data["features"][0]["geometry"]["coordinates"] == [world.ent_a.lng, world.ent_a.lat]


@pytest.mark.parametrize(("persona", "allowed"), [("enterprise", True), ("district_a", True), ("grid_inspector", False), ("district_b", False)])
def test_alarm_actions_matrix(world, login, alarmed, persona, allowed):
    _sensor, alarm = alarmed
    client = login(persona)
    resp = client.post(f"/monitoring/alarms/{alarm.pk}/", {"op": "ack", "note": "收到"})
    alarm.refresh_from_db()
    if allowed:
        assert resp.status_code == 302 and alarm.status == "acknowledged"
    elif persona == "grid_inspector":  # sees the alarm, may not act: the refusal is shown on the page
        assert resp.status_code == 200 and 'data-testid="error"' in resp.content.decode() and alarm.status == "new"
    else:
        assert resp.status_code == 404 and alarm.status == "new"


def test_false_alarm_via_page_keeps_input_on_error_and_feeds_stats(world, login, alarmed):
    sensor, alarm = alarmed
    client = login("enterprise")
    resp = client.post(f"/monitoring/alarms/{alarm.pk}/", {"op": "false", "false_reason": ""})
    assert resp.status_code == 200 and 'data-testid="error"' in resp.content.decode()
    resp = client.post(f"/monitoring/alarms/{alarm.pk}/", {"op": "false", "false_reason": "标定漂移"})
    assert resp.status_code == 302
    alarm.refresh_from_db()
    assert (alarm.status, alarm.false_alarm, alarm.false_reason) == ("closed", True, "标定漂移")
    from anjian.monitoring.selectors import alarm_stats

    stats = alarm_stats(user=world.user("enterprise"), days=30)
    assert stats["totals"] == {"n": 1, "false": 1, "closed": 1}
    row = stats["per_sensor"][0]
    assert (row["sensor__code"], row["n"], row["false_share"], row["per_day"]) == (sensor.code, 1, 100.0, 0.03)
    html = client.get("/monitoring/stats/").content.decode()
    assert "100.0%" in html


def test_alarm_list_hides_closed_by_default(world, login, alarmed):
    _sensor, alarm = alarmed
    client = login("enterprise")
    client.post(f"/monitoring/alarms/{alarm.pk}/", {"op": "close", "note": "已处理"})
    assert 'data-testid="total">共 0 条' in client.get("/monitoring/alarms/").content.decode()
    assert 'data-testid="total">共 1 条' in client.get("/monitoring/alarms/?status=closed").content.decode()


@time_machine.travel(dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC), tick=False)
def test_pages_render_for_the_menu(world, login):
    client = login("city_admin")
    for url in ["/monitoring/sources/", "/monitoring/sensors/", "/monitoring/alarms/", "/monitoring/map/", "/monitoring/stats/", "/monitoring/calculator/"]:
        assert client.get(url).status_code == 200, url
