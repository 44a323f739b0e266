"""``anjian ingest-positions``: subscribe to vehicle positions and store and check them
(anjian/vehicles/mqtt.py)."""

from __future__ import annotations

import signal
from typing import Any

from django.core.management.base import BaseCommand

from anjian.monitoring.mqtt import parse_broker, tune_gc
from anjian.vehicles.mqtt import TOPIC, position_ingester


class Command(BaseCommand):
    help = "订阅MQTT车辆定位并入库、判定围栏与超速 / Subscribe to vehicle positions over MQTT, store and check them"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--broker", default="127.0.0.1:1883", help="host:port")
        parser.add_argument("--client-id", default="anjian-ingest-vehicles", help="fixed id: the broker keeps its session")
        parser.add_argument("--topic", action="append", dest="topics", help=f"subscription (repeatable), default {TOPIC}")
        parser.add_argument("--flush-ms", type=int, default=500)
        parser.add_argument("--max-batch", type=int, default=5000)
        parser.add_argument("--duration", type=float, default=None, help="stop after this many seconds")

    def handle(self, *args: Any, **opts: Any) -> None:
        host, port = parse_broker(opts["broker"])
        ingester = position_ingester(
            host=host, port=port, client_id=opts["client_id"], topics=tuple(opts["topics"] or [TOPIC]),
            flush_ms=opts["flush_ms"], max_batch=opts["max_batch"],
        )
        tune_gc()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: ingester.stop())
        stats = ingester.run(duration=opts["duration"])
        r = stats.result
        self.stdout.write(
            f"received {stats.received}, stored {r.stored}, checked {r.checked}, rejected {dict(r.rejected)}, "
            f"alarms raised {r.raised}, cleared {r.cleared}, batches {stats.batches}, connects {stats.connects}"
        )
