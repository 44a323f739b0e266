"""Sensor registry: service validation, the create / edit / deactivate pages, the API, and the
authorization matrix (anyone outside the enterprise's scope gets a 404 and nothing changes)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from anjian.audit.models import Event
from anjian.core.errors import DomainError, NotAllowed
from anjian.monitoring.ingest import RawReading, ingest
from anjian.monitoring.models import Alarm, Sensor
from anjian.monitoring.services import sensor_create, sensor_deactivate, sensor_reactivate, sensor_update
from anjian.testing.matrix import Route, check_matrix, db_fingerprint

from .factories import make_sensor

pytestmark = pytest.mark.django_db
MANAGES_ENT_A = {"city_admin", "district_a", "regulator", "enterprise"}
MAY_CHANGE = MANAGES_ENT_A | {"district_b"}
BASE = {"name": "储罐区可燃气体", "kind": "combustible_gas", "low": None, "high": 20.0, "high_high": 50.0,
        "deadband": 2.0, "min_duration_s": 5, "expected_interval_s": 10, "range_min": 0.0, "range_max": 100.0}


@pytest.mark.parametrize(
    ("change", "field", "zh"),
    [
        ({"high": 50.0}, "high", "高报阈值须低于高高报阈值（低报 < 高报 < 高高报）"),
        ({"high": 60.0}, "high", "高报阈值须低于高高报阈值（低报 < 高报 < 高高报）"),
        ({"low": 20.0}, "low", "低报阈值须低于高报阈值（低报 < 高报 < 高高报）"),
        ({"low": 55.0, "high": None}, "low", "低报阈值须低于高高报阈值（低报 < 高报 < 高高报）"),
        ({"deadband": -0.5}, "deadband", "回差不能为负数"),
        ({"min_duration_s": -1}, "min_duration_s", "最短持续时间不能为负数"),
        ({"expected_interval_s": 0}, "expected_interval_s", "上报周期至少1秒"),
        ({"range_min": 100.0}, "range_min", "量程下限须低于上限"),
        ({"high_high": 120.0}, "high_high", "高高报阈值超出量程"),
        ({"high": "abc"}, "high", "高报阈值须为数字"),
        ({"min_duration_s": "1.5"}, "min_duration_s", "最短持续时间须为整数"),
        ({"kind": "radar"}, "kind", "未知的测点类型"),
        ({"name": " "}, "name", "请填写测点名称"),
        ({"topic": "anjian/#"}, "topic", "MQTT主题不能含 # + 空格，也不能以 $ 开头"),
        ({"lat": 91.0}, "lat", "纬度须在 -90 至 90 之间"),
    ],
)
def test_create_validation(world, change, field, zh):
    with pytest.raises(DomainError) as err:
        sensor_create(actor=world.user("enterprise"), enterprise=world.ent_a, code="GAS-9", data={**BASE, **change})
    assert (err.value.field, err.value.zh) == (field, zh)
    assert err.value.en
    assert Sensor.objects.count() == 0


def test_create_defaults_and_uniqueness(world):
    actor = world.user("enterprise")
    sensor = sensor_create(actor=actor, enterprise=world.ent_a, code="GAS-1", data={**BASE, "unit": ""})
    assert (sensor.unit, sensor.topic, sensor.enabled) == ("%LEL", f"anjian/{world.ent_a.pk}/GAS-1", True)
    with pytest.raises(DomainError) as err:
        sensor_create(actor=actor, enterprise=world.ent_a, code="GAS-1", data=BASE)
    assert (err.value.field, err.value.zh) == ("code", "测点编码 GAS-1 已存在")
    with pytest.raises(DomainError) as err:
        sensor_create(actor=actor, enterprise=world.ent_a, code="GAS-2", data={**BASE, "topic": sensor.topic})
    assert err.value.field == "topic" and "已被其他测点使用" in err.value.zh
    with pytest.raises(DomainError) as err:
        sensor_create(actor=actor, enterprise=world.ent_a, code="a/b", data=BASE)
    assert err.value.field == "code"
    with pytest.raises(NotAllowed):
        sensor_create(actor=world.user("district_b"), enterprise=world.ent_a, code="GAS-3", data=BASE)
    assert list(Sensor.objects.values_list("code", flat=True)) == ["GAS-1"]


def test_source_must_belong_to_the_enterprise(world):
    from anjian.monitoring.services import SubstanceRow, hazard_source_create

    other = hazard_source_create(actor=None, enterprise=world.ent_b, name="乙罐区", unit_kind="storage",
                                 substances=[SubstanceRow("氯", "", "10")])
    with pytest.raises(DomainError) as err:
        sensor_create(actor=None, enterprise=world.ent_a, code="GAS-1", data={**BASE, "source": other})
    assert err.value.field == "source"
    own = hazard_source_create(actor=None, enterprise=world.ent_a, name="甲罐区", unit_kind="storage",
                               substances=[SubstanceRow("氯", "", "10")])
    assert sensor_create(actor=None, enterprise=world.ent_a, code="GAS-1", data={**BASE, "source": own}).source == own


def test_update_keeps_own_topic_and_records_the_change(world):
    sensor = make_sensor(world)
    make_sensor(world, code="GAS-2")
    updated = sensor_update(actor=world.user("enterprise"), sensor=sensor, data={"high": 25.0}, reason="标定后调整")
    assert (updated.high, updated.topic) == (25.0, f"anjian/{world.ent_a.pk}/GAS-1")
    event = Event.objects.filter(content_type__model="sensor", verb="updated").get()
    assert (event.note, event.data["changed"]) == ("标定后调整", ["high"])
    with pytest.raises(DomainError) as err:
        sensor_update(actor=None, sensor=sensor, data={"topic": f"anjian/{world.ent_a.pk}/GAS-2"})
    assert err.value.field == "topic"
    with pytest.raises(DomainError) as err:
        sensor_update(actor=None, sensor=sensor, data={"high_high": 25.0})
    assert err.value.field == "high"
    sensor.refresh_from_db()
    assert (sensor.high, sensor.high_high) == (25.0, 50.0)


def test_deactivate_ends_alarms_and_stops_readings(world):
    sensor = make_sensor(world)
    now = timezone.now()
    ingest([RawReading("GAS-1", int((now - dt.timedelta(seconds=5)).timestamp() * 1000), 35.0)])
    assert Alarm.objects.get().active is True
    with pytest.raises(DomainError) as err:
        sensor_deactivate(actor=world.user("enterprise"), sensor=sensor, reason=" ")
    assert err.value.field == "reason"
    sensor = sensor_deactivate(actor=world.user("enterprise"), sensor=sensor, reason="探测器拆除更换")
    alarm = Alarm.objects.get()
    assert (sensor.enabled, sensor.state, alarm.active, alarm.status) == (False, "unknown", False, "new")
    result = ingest([RawReading("GAS-1", int(now.timestamp() * 1000), 1.0)])
    assert (result.stored, result.rejected) == (0, {"unknown_sensor": 1})
    sensor = sensor_reactivate(actor=world.user("enterprise"), sensor=sensor)
    assert ingest([RawReading("GAS-1", int(now.timestamp() * 1000), 1.0)]).stored == 1
    assert list(Event.objects.filter(content_type__model="sensor", object_id=str(sensor.pk)).order_by("id").values_list("verb", flat=True)) == [
        "created", "deactivated", "reactivated"]


# --- pages ----------------------------------------------------------------------------------

def _form(world, **change):
    data = {"enterprise": world.ent_a.pk, "code": "GAS-7", "name": "装置区可燃气体", "kind": "combustible_gas",
            "unit": "", "high": "20", "high_high": "50", "deadband": "1", "min_duration_s": "0",
            "expected_interval_s": "30", "range_min": "0", "range_max": "100"}
    data.update(change)
    return data


def test_create_page_keeps_input_and_shows_error_beside_field(world, login):
    client = login("enterprise")
    resp = client.post("/monitoring/sensors/new/", _form(world, high="60", name="保留的名称"))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert 'data-testid="error-high">高报阈值须低于高高报阈值（低报 &lt; 高报 &lt; 高高报）</div>' in html
    assert 'value="保留的名称"' in html and 'value="60"' in html
    resp = client.post("/monitoring/sensors/new/", _form(world, deadband="-1"), HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-testid="error-deadband">The deadband cannot be negative</div>' in resp.content.decode()
    assert Sensor.objects.count() == 0
    resp = client.post("/monitoring/sensors/new/", _form(world))
    sensor = Sensor.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/monitoring/sensors/{sensor.pk}/"
    assert (sensor.unit, sensor.high, sensor.expected_interval_s, sensor.enterprise) == ("%LEL", 20.0, 30, world.ent_a)


def test_create_page_refuses_an_enterprise_out_of_scope(world, login):
    resp = login("district_b").post("/monitoring/sensors/new/", _form(world))
    assert resp.status_code == 200 and 'data-testid="error-enterprise"' in resp.content.decode()
    assert Sensor.objects.count() == 0


def test_edit_and_deactivate_pages(world, login):
    sensor = make_sensor(world)
    client = login("district_a")
    html = client.get(f"/monitoring/sensors/{sensor.pk}/edit/").content.decode()
    assert 'value="20.0"' in html and 'name="code"' not in html
    data = _form(world, high="25", reason="复核")
    resp = client.post(f"/monitoring/sensors/{sensor.pk}/edit/", data)
    assert resp.status_code == 302
    sensor.refresh_from_db()
    assert sensor.high == 25.0
    resp = client.post(f"/monitoring/sensors/{sensor.pk}/deactivate/", {"reason": ""})
    assert resp.status_code == 400 and 'data-testid="error-reason">请说明停用原因</div>' in resp.content.decode()
    resp = client.post(f"/monitoring/sensors/{sensor.pk}/deactivate/", {"reason": "停产"})
    sensor.refresh_from_db()
    assert resp.status_code == 302 and sensor.enabled is False
    assert 'data-testid="disabled"' in client.get(f"/monitoring/sensors/{sensor.pk}/").content.decode()
    client.post(f"/monitoring/sensors/{sensor.pk}/reactivate/", {})
    sensor.refresh_from_db()
    assert sensor.enabled is True


def test_page_matrix(world, login):
    sensor = make_sensor(world)
    edit = _form(world, high="20", high_high="50", deadband="2", expected_interval_s="10")
    problems = check_matrix(login, [
        Route("GET", "/monitoring/sensors/new/", allow=MAY_CHANGE),
        Route("GET", f"/monitoring/sensors/{sensor.pk}/edit/", allow=MANAGES_ENT_A),
        Route("POST", f"/monitoring/sensors/{sensor.pk}/edit/", data=edit, allow=MANAGES_ENT_A, ok=302),
    ])
    assert problems == []
    denied = ["district_b", "grid_inspector", "anonymous"]
    problems = check_matrix(login, [
        Route("POST", f"/monitoring/sensors/{sensor.pk}/deactivate/", data={"reason": "x"}, allow=set()),
        Route("POST", f"/monitoring/sensors/{sensor.pk}/reactivate/", data={}, allow=set()),
    ], personas=denied)
    assert problems == []
    sensor.refresh_from_db()
    assert sensor.enabled is True


@pytest.mark.parametrize("persona", ["city_admin", "district_a", "regulator", "enterprise"])
def test_deactivate_allowed(world, login, persona):
    sensor = make_sensor(world)
    assert check_matrix(login, [Route("POST", f"/monitoring/sensors/{sensor.pk}/deactivate/", data={"reason": "拆除"},
                                      allow={persona}, ok=302)], personas=[persona]) == []
    sensor.refresh_from_db()
    assert sensor.enabled is False


# --- API --------------------------------------------------------------------------------------

def _api_body(world, code):
    return {"enterprise": world.ent_a.pk, "code": code, "name": "有毒气体", "kind": "toxic_gas", "high": 10,
            "high_high": 20, "range_min": 0, "range_max": 100}


@pytest.mark.parametrize("persona", ["city_admin", "district_a", "district_b", "regulator", "grid_inspector",
                                     "enterprise", "anonymous"])
def test_api_matrix(world, login, persona):
    sensor = make_sensor(world)
    allowed = {persona} & MANAGES_ENT_A
    routes = [
        Route("POST", "/api/v1/monitoring/sensors", data=_api_body(world, f"TOX-{persona}"), allow=allowed, ok=201,
              content_type="application/json"),
        Route("PATCH", f"/api/v1/monitoring/sensors/{sensor.pk}", data={"high": 22.0, "reason": "调整"},
              allow=allowed, content_type="application/json"),
    ]
    assert check_matrix(login, routes, personas=[persona]) == []
    sensor.refresh_from_db()
    assert sensor.high == (22.0 if allowed else 20.0)
    assert Sensor.objects.filter(code=f"TOX-{persona}").exists() is bool(allowed)


def test_api_create_patch_deactivate(world, login):
    client = login("enterprise")
    resp = client.post("/api/v1/monitoring/sensors", _api_body(world, "TOX-1"), content_type="application/json")
    assert resp.status_code == 201
    body = resp.json()
    assert (body["unit"], body["topic"], body["enabled"], body["state"]) == (
        "ppm", f"anjian/{world.ent_a.pk}/TOX-1", True, "unknown")
    before = db_fingerprint()
    resp = client.patch(f"/api/v1/monitoring/sensors/{body['id']}", json.dumps({"low": 15}),
                        content_type="application/json")
    assert resp.status_code == 400
    assert resp.json()["field"] == "low" and resp.json()["en"].startswith("Low threshold must be below")
    assert db_fingerprint() == before
    resp = client.patch(f"/api/v1/monitoring/sensors/{body['id']}", json.dumps({"high": None}),
                        content_type="application/json")
    assert resp.status_code == 200 and resp.json()["high"] is None and resp.json()["high_high"] == 20.0
    resp = client.patch(f"/api/v1/monitoring/sensors/{body['id']}", json.dumps({"enabled": False}),
                        content_type="application/json")
    assert resp.status_code == 400 and resp.json()["field"] == "reason"
    resp = client.patch(f"/api/v1/monitoring/sensors/{body['id']}", json.dumps({"enabled": False, "reason": "停用"}),
                        content_type="application/json")
    assert resp.status_code == 200 and resp.json()["enabled"] is False
    other = client.post("/api/v1/monitoring/sensors", {**_api_body(world, "TOX-2"), "enterprise": world.ent_b.pk},
                        content_type="application/json")
    assert other.status_code == 404 and not Sensor.objects.filter(code="TOX-2").exists()
