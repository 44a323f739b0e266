"""``anjian simulate-vehicles``: drive simulated vehicles along their routes in the city and
report their positions over MQTT (``vehicles/<device>``) or straight into the ingest."""

from __future__ import annotations

import time
from typing import Any

import paho.mqtt.client as mqtt
from django.core.management.base import BaseCommand
from django.utils import timezone

from anjian.monitoring.mqtt import parse_broker
from anjian.orgs.models import Jurisdiction
from anjian.vehicles.fences import FenceIndex
from anjian.vehicles.ingest import PositionResult, ingest_positions
from anjian.vehicles.models import Vehicle
from anjian.vehicles.simulate import Simulator, SimVehicle, publish, route_path


class Command(BaseCommand):
    help = "模拟两客一危车辆行驶并上报定位 / Drive simulated vehicles and report their positions"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--broker", default="127.0.0.1:1883")
        parser.add_argument("--direct", action="store_true", help="store through the ingest, without MQTT")
        parser.add_argument("--vehicles", type=int, default=0,
                            help="synthetic devices SIMV-000000… in the city (default: the registered vehicles)")
        parser.add_argument("--every", type=float, default=10.0, help="seconds between a vehicle's reports")
        parser.add_argument("--duration", type=float, default=60.0, help="seconds")
        parser.add_argument("--seed", type=int, default=1)

    def _registered(self, seed: int) -> Simulator:
        city = Jurisdiction.objects.filter(parent__isnull=True, min_lng__isnull=False).first()
        bbox = (city.min_lng, city.min_lat, city.max_lng, city.max_lat) if city else (113.9, 22.5, 114.5, 22.8)
        spare = Simulator.synthetic(Vehicle.objects.count() + 1, bbox, seed=seed).vehicles
        vehicles = []
        for i, v in enumerate(Vehicle.objects.filter(enabled=True).select_related("route").order_by("id")):
            path = route_path(v.route.geometry) if v.route_id else spare[i].path
            vehicles.append(SimVehicle(v.device_id, path, cruise=45.0 if v.kind == "hazmat" else 60.0))
        return Simulator(vehicles, seed=seed)

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["vehicles"]:
            city = Jurisdiction.objects.filter(parent__isnull=True, min_lng__isnull=False).first()
            bbox = (city.min_lng, city.min_lat, city.max_lng, city.max_lat) if city else (113.9, 22.5, 114.5, 22.8)
            sim = Simulator.synthetic(opts["vehicles"], bbox, seed=opts["seed"])
        else:
            sim = self._registered(opts["seed"])
        if opts["direct"]:
            total, fences, start, rounds = PositionResult(), FenceIndex(), time.monotonic(), 0
            while time.monotonic() - start < opts["duration"]:
                now_ms = int(timezone.now().timestamp() * 1000)
                total.add(ingest_positions(list(sim.positions(now_ms, opts["every"])), fences=fences))
                rounds += 1
                wait = start + rounds * opts["every"] - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
            self.stdout.write(f"stored {total.stored}, rejected {dict(total.rejected)}, alarms raised {total.raised}, "
                              f"cleared {total.cleared} from {len(sim.vehicles)} vehicles")
            return
        host, port = parse_broker(opts["broker"])
        client = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id="", protocol=mqtt.MQTTv5)
        client.max_queued_messages_set(0)
        client.max_inflight_messages_set(1000)
        client.connect(host, port)
        client.loop_start()
        try:
            sent = publish(client, sim, every=opts["every"], duration=opts["duration"])
        finally:
            client.disconnect()
            client.loop_stop()
        self.stdout.write(f"published {sent} positions from {len(sim.vehicles)} vehicles")
