"""``anjian simulate-sensors``: publish realistic readings (noise, drift, excursions, dropouts)."""

from __future__ import annotations

from typing import Any

import paho.mqtt.client as mqtt
from django.core.management.base import BaseCommand

from anjian.monitoring.models import Sensor
from anjian.monitoring.mqtt import parse_broker
from anjian.monitoring.simulate import BASELINES, SimSensor, Simulator, publish


class Command(BaseCommand):
    help = "向MQTT发布模拟监测数据 / Publish simulated sensor readings to an MQTT broker"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--broker", default="127.0.0.1:1883")
        parser.add_argument("--sensors", type=int, default=100, help="synthetic sensors SIM-000000…")
        parser.add_argument("--from-db", action="store_true", help="simulate the registered sensors instead")
        parser.add_argument("--rate", type=float, default=100.0, help="readings per second in total")
        parser.add_argument("--duration", type=float, default=60.0, help="seconds")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--excursion-p", type=float, default=0.0005)
        parser.add_argument("--dropout-p", type=float, default=0.0002)

    def handle(self, *args: Any, **opts: Any) -> None:
        kw = {"seed": opts["seed"], "excursion_p": opts["excursion_p"], "dropout_p": opts["dropout_p"]}
        if opts["from_db"]:
            sensors = [
                SimSensor(code, kind if kind in BASELINES else "combustible_gas", topic or f"anjian/{ent}/{code}")
                for code, kind, topic, ent in Sensor.objects.filter(enabled=True).values_list("code", "kind", "topic", "enterprise_id")
            ]
            sim = Simulator(sensors, **kw)
        else:
            sim = Simulator.synthetic(opts["sensors"], **kw)
        host, port = parse_broker(opts["broker"])
        client = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id="", protocol=mqtt.MQTTv5)
        client.max_queued_messages_set(0)
        client.max_inflight_messages_set(1000)
        client.connect(host, port)
        client.loop_start()
        try:
            sent = publish(client, sim, rate=opts["rate"], duration=opts["duration"])
        finally:
            client.disconnect()
            client.loop_stop()
        self.stdout.write(f"published {sent} readings from {len(sim.sensors)} sensors")
