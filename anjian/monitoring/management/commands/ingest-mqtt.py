"""``anjian ingest-mqtt``: subscribe to sensor readings and store them (see anjian/monitoring/mqtt.py)."""

from __future__ import annotations

import signal
from typing import Any

from django.core.management.base import BaseCommand

from anjian.monitoring.mqtt import Ingester, parse_broker, tune_gc


class Command(BaseCommand):
    help = "订阅MQTT监测数据并入库 / Subscribe to MQTT sensor readings and store them"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--broker", default="127.0.0.1:1883", help="host:port")
        parser.add_argument("--client-id", default="anjian-ingest", help="fixed id: the broker keeps its session")
        parser.add_argument("--topic", action="append", dest="topics", help="subscription (repeatable), default anjian/#")
        parser.add_argument("--flush-ms", type=int, default=200)
        parser.add_argument("--max-batch", type=int, default=5000)
        parser.add_argument("--duration", type=float, default=None, help="stop after this many seconds")

    def handle(self, *args: Any, **opts: Any) -> None:
        host, port = parse_broker(opts["broker"])
        ingester = Ingester(
            host=host, port=port, client_id=opts["client_id"], topics=tuple(opts["topics"] or ["anjian/#"]),
            flush_ms=opts["flush_ms"], max_batch=opts["max_batch"],
        )
        tune_gc()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: ingester.stop())
        stats = ingester.run(duration=opts["duration"])
        r = stats.result
        self.stdout.write(
            f"received {stats.received}, stored {r.stored}, rejected {dict(r.rejected)}, "
            f"alarms raised {r.raised}, cleared {r.cleared}, batches {stats.batches}, connects {stats.connects}"
        )
