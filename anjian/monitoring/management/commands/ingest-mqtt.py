"""``anjian ingest-mqtt``: subscribe to sensor readings and store them (see anjian/monitoring/mqtt.py)."""

from __future__ import annotations

import signal
import threading
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from anjian.monitoring.mqtt import Ingester, parse_broker, run_processes, shared_topic, tune_gc


class Command(BaseCommand):
    help = "订阅MQTT监测数据并入库 / Subscribe to MQTT sensor readings and store them"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--broker", default="127.0.0.1:1883", help="host:port")
        parser.add_argument("--client-id", default="anjian-ingest", help="fixed id: the broker keeps its session")
        parser.add_argument("--topic", action="append", dest="topics", help="subscription (repeatable), default anjian/#")
        parser.add_argument("--flush-ms", type=int, default=200)
        parser.add_argument("--max-batch", type=int, default=5000)
        parser.add_argument("--duration", type=float, default=None, help="stop after this many seconds")
        parser.add_argument(
            "--processes", type=int, default=1,
            help="worker processes on one MQTT 5 shared subscription ($share/<group>/<topic>), supervised by this one",
        )
        parser.add_argument("--share-group", default="anjian", help="the shared subscription's group (with --processes > 1)")

    def handle(self, *args: Any, **opts: Any) -> None:
        host, port = parse_broker(opts["broker"])
        topics = tuple(opts["topics"] or ["anjian/#"])
        processes = opts["processes"]
        if processes < 1:
            raise CommandError("--processes must be at least 1")
        if processes > 1:
            self._supervise(host, port, topics, processes, opts)
            return
        ingester = Ingester(
            host=host, port=port, client_id=opts["client_id"], topics=topics,
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

    def _supervise(self, host: str, port: int, topics: tuple[str, ...], processes: int, opts: dict[str, Any]) -> None:
        shared = tuple(shared_topic(t, opts["share_group"]) for t in topics)

        def factory(i: int) -> Ingester:
            return Ingester(
                host=host, port=port, client_id=f"{opts['client_id']}-{i}", topics=shared,
                flush_ms=opts["flush_ms"], max_batch=opts["max_batch"],
            )

        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        sup = run_processes(processes, factory, duration=opts["duration"], stop=stop)
        total: Counter[str] = Counter()
        rejected: Counter[str] = Counter()
        for r in sup.results:
            total.update({k: r[k] for k in ("received", "stored", "raised", "cleared", "batches", "connects")})
            rejected.update(r["rejected"])
        self.stdout.write(
            f"received {total['received']}, stored {total['stored']}, rejected {dict(rejected)}, "
            f"alarms raised {total['raised']}, cleared {total['cleared']}, batches {total['batches']}, "
            f"connects {total['connects']}, processes {processes}, restarts {sup.restarts}"
        )
