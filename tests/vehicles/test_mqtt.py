"""Positions over MQTT through the real Mosquitto on 127.0.0.1:1883, as monitoring's MQTT tests:
the position ingester (monitoring's subscriber with the positions' sink) stores them, a tanker
driving into a no-go area raises exactly one alarm, leaving clears it; the simulator publishes."""

from __future__ import annotations

import json
import time
import uuid

import paho.mqtt.client as mqtt
import pytest
from django.utils import timezone

from anjian.monitoring.models import Alarm
from anjian.vehicles.models import Position, Vehicle
from anjian.vehicles.mqtt import position_ingester
from anjian.vehicles.simulate import Simulator, SimVehicle, publish
from tests.monitoring.test_mqtt_integration import _need, _publisher, _reachable, _shut, _wait

from .factories import make_no_go, make_vehicle

pytestmark = [pytest.mark.mqtt, pytest.mark.slow, pytest.mark.django_db]


def test_positions_and_no_go_alarm_via_system_broker(world):
    _need(_reachable("127.0.0.1", 1883), "Mosquitto is not reachable on 127.0.0.1:1883")
    run = uuid.uuid4().hex[:8]
    device = f"T{run}"
    vehicle = make_vehicle(world, device=device)
    make_no_go(world)
    root = f"vehicles-test-{run}"
    ingester = position_ingester(port=1883, client_id=f"anjian-test-veh-{run}", topics=(f"{root}/#",))
    ingester.start()
    pub = _publisher(1883)
    try:
        assert _wait(ingester.connected.is_set, 10), "ingester did not connect"
        time.sleep(0.3)
        base = int(timezone.now().timestamp() * 1000) - 60_000
        track = [(114.15, 22.15), (114.06, 22.06), (114.061, 22.061), (114.15, 22.15)]  # in and out of the area
        for i, (lng, lat) in enumerate(track):
            payload = {"ts": base + 10_000 * i, "lng": lng, "lat": lat, "speed": 40}  # device from the topic
            pub.publish(f"{root}/{device}", json.dumps(payload), qos=1).wait_for_publish(5)
        pub.publish(f"{root}/{device}", b"[not json", qos=1).wait_for_publish(5)
        stored = lambda: Position.objects.filter(vehicle=vehicle).count()  # noqa: E731
        assert _wait(lambda: stored() == len(track), 15, ingester.flush), f"stored {stored()}"
        alarm = Alarm.objects.get(subject_key__startswith=f"vehicle:{vehicle.pk}:")
        assert (alarm.kind, alarm.active, alarm.subject) == ("no_go", False, vehicle.plate)
        assert Vehicle.objects.get(pk=vehicle.pk).last_lng == 114.15
        assert _wait(lambda: ingester.stats.result.rejected.get("malformed") == 1, 5, ingester.flush)
    finally:
        _shut(pub, ingester)


def test_simulator_publishes_positions_that_are_stored(world):
    _need(_reachable("127.0.0.1", 1883), "Mosquitto is not reachable on 127.0.0.1:1883")
    run = uuid.uuid4().hex[:8]
    vehicle = make_vehicle(world, device=f"S{run}")
    ingester = position_ingester(port=1883, client_id=f"anjian-test-sim-{run}", topics=("vehicles/#",))
    ingester.start()
    client = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id="", protocol=mqtt.MQTTv5)
    client.connect("127.0.0.1", 1883)
    client.loop_start()
    try:
        assert _wait(ingester.connected.is_set, 10)
        time.sleep(0.3)
        sim = Simulator([SimVehicle(f"S{run}", [(114.10, 22.10), (114.12, 22.12)])], seed=3)
        sent = publish(client, sim, every=0.2, duration=1.0)
        assert sent >= 4
        assert _wait(lambda: Position.objects.filter(vehicle=vehicle).count() == sent, 15, ingester.flush)
    finally:
        client.disconnect()
        client.loop_stop()
        _shut(None, ingester)
