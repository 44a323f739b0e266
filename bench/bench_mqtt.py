"""Benchmark MQTT ingestion: readings/s from Mosquitto into the database, and alarm latency.

For each database (a fresh SQLite file, and PostgreSQL when ``--pg-url`` is given — that database
is dropped and recreated, point it at a scratch name): migrate, register ``--sensors`` sensors,
then in one run

* publisher processes (``--publishers``) send ``--readings`` QoS 1 readings to the broker as fast
  as they can, on a unique topic prefix;
* a bare paho subscriber (QoS 1, automatic acks, no parsing, no database) counts what it receives:
  the broker-to-Python ceiling on this machine;
* the ingester (``anjian.monitoring.mqtt.Ingester``: QoS 1, manual acks after commit, batches of up
  to 5,000 every 200 ms, COPY on PostgreSQL) stores them.

Reported: the publish rate, the bare subscriber's receive rate, the sustained ingest rate (stored
readings / time from first to last commit), then alarm latency: ``--excursions`` sensors each get
one reading above their high threshold at a recorded publish time while background readings keep
flowing; latency is the alarm row's ``created_at`` minus the publish time (p50/p99).

Run: ``.venv/bin/python bench/bench_mqtt.py [--broker 127.0.0.1:1883] [--readings 200000]
[--sensors 1000] [--pg-url postgres://postgres@127.0.0.1:5432/anjian_bench_mqtt]``. Prints only.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _publish_worker(host: str, port: int, prefix: str, codes: list[str], count: int, start_ms: int, offset: int, step: int) -> None:
    import paho.mqtt.client as mqtt

    client = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.max_inflight_messages_set(2000)
    client.max_queued_messages_set(0)
    client.connect(host, port)
    client.loop_start()
    info = None
    n = len(codes)
    for k in range(offset, count, step):
        code = codes[k % n]
        ts = start_ms + k // n  # one reading per sensor per millisecond: (sensor, ts) unique
        value = 2.0 + (k % 7) * 0.1
        payload = f'{{"sensor":"{code}","ts":{ts},"value":{value:.3f},"unit":"%LEL"}}'
        info = client.publish(f"{prefix}/{code}", payload, qos=1)
    if info is not None:
        info.wait_for_publish(120)
    client.disconnect()
    client.loop_stop()


def child(args: argparse.Namespace) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.config.settings")
    django.setup()
    import paho.mqtt.client as mqtt
    from django.core.management import call_command

    from anjian.monitoring.models import Alarm, Reading, Sensor
    from anjian.monitoring.mqtt import Ingester, parse_broker

    call_command("migrate", verbosity=0)
    from anjian.testing.world import build_world

    world = build_world()
    run = uuid.uuid4().hex[:8]
    prefix = f"anjian/bench-{run}"
    Sensor.objects.bulk_create(
        [
            Sensor(enterprise=world.ent_a, code=f"B{run}-{i:05d}", name="bench", kind="combustible_gas", unit="%LEL",
                   high=20.0, high_high=50.0, deadband=2.0, expected_interval_s=3600, range_min=0, range_max=100)
            for i in range(args.sensors)
        ]
    )
    codes = [f"B{run}-{i:05d}" for i in range(args.sensors)]
    host, port = parse_broker(args.broker)

    bare = {"n": 0, "first": None, "last": None}
    bare_client = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id=f"bare-{run}", protocol=mqtt.MQTTv5)

    def on_bare(c, u, m):
        now = time.perf_counter()
        bare["first"] = bare["first"] or now
        bare["last"] = now
        bare["n"] += 1

    bare_client.on_message = on_bare
    bare_client.connect(host, port)
    bare_client.subscribe(f"{prefix}/#", qos=1)
    bare_client.loop_start()

    ingester = Ingester(host=host, port=port, client_id=f"bench-{run}", topics=(f"{prefix}/#",))
    commits: list[tuple[float, int]] = []
    original_flush = ingester.flush

    def timed_flush() -> int:
        n = original_flush()
        if n > 0:
            commits.append((time.perf_counter(), ingester.stats.result.stored))
        return n

    ingester.flush = timed_flush  # type: ignore[method-assign]
    thread = threading.Thread(target=ingester.run, daemon=True)
    thread.start()
    while not ingester.connected.is_set():
        time.sleep(0.05)
    time.sleep(0.5)

    start_ms = int(time.time() * 1000) - 3_600_000
    t0 = time.perf_counter()
    procs = [
        mp.Process(target=_publish_worker, args=(host, port, prefix, codes, args.readings, start_ms, i, args.publishers))
        for i in range(args.publishers)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    published_s = time.perf_counter() - t0
    deadline = time.time() + 600
    while ingester.stats.result.stored + sum(ingester.stats.result.rejected.values()) < args.readings and time.time() < deadline:
        time.sleep(0.1)
    stored = Reading.objects.count()
    first_commit = commits[0][0] if commits else t0
    last_commit = commits[-1][0] if commits else t0
    ingest_rate = stored / max(last_commit - t0, 1e-9)
    bare_rate = bare["n"] / max((bare["last"] or t0) - t0, 1e-9)

    # alarm latency: background load plus one excursion reading per chosen sensor
    pub = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    pub.connect(host, port)
    pub.loop_start()
    sent: dict[str, float] = {}
    now_ms = int(time.time() * 1000)
    bg = threading.Thread(
        target=_publish_worker, args=(host, port, prefix, codes[args.excursions:], 20000, now_ms - 120_000, 0, 1), daemon=True
    )
    bg.start()
    for i, code in enumerate(codes[: args.excursions]):
        sent[code] = time.time()
        pub.publish(f"{prefix}/{code}", json.dumps({"sensor": code, "ts": now_ms + i, "value": 35.0, "unit": "%LEL"}), qos=1)
        time.sleep(args.excursion_gap)
    deadline = time.time() + 120
    while Alarm.objects.filter(sensor__code__in=list(sent)).count() < len(sent) and time.time() < deadline:
        time.sleep(0.1)
    bg.join(120)
    latencies = sorted(
        (created.timestamp() - sent[code]) * 1000
        for code, created in Alarm.objects.filter(sensor__code__in=list(sent)).values_list("sensor__code", "created_at")
    )
    ingester.stop()
    thread.join(30)
    bare_client.disconnect()
    bare_client.loop_stop()
    pub.disconnect()
    pub.loop_stop()

    def pct(q: float) -> float | None:
        if not latencies:
            return None
        return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 1)

    return {
        "vendor": __import__("django.db", fromlist=["connection"]).connection.vendor,
        "readings": args.readings, "sensors": args.sensors, "publishers": args.publishers,
        "publish_rate": round(args.readings / published_s), "bare_receive_rate": round(bare_rate),
        "bare_received": bare["n"], "stored": stored, "ingest_rate": round(ingest_rate),
        "ingest_window_s": round(last_commit - first_commit, 2), "batches": ingester.stats.batches,
        "rejected": dict(ingester.stats.result.rejected),
        "alarms": len(latencies), "alarm_latency_ms_p50": pct(0.5), "alarm_latency_ms_p99": pct(0.99),
        "alarm_latency_ms_max": round(latencies[-1], 1) if latencies else None,
        "median_latency": round(statistics.median(latencies), 1) if latencies else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--broker", default="127.0.0.1:1883")
    parser.add_argument("--readings", type=int, default=200_000)
    parser.add_argument("--sensors", type=int, default=1000)
    parser.add_argument("--publishers", type=int, default=2)
    parser.add_argument("--excursions", type=int, default=200)
    parser.add_argument("--excursion-gap", type=float, default=0.01)
    parser.add_argument("--pg-url", default="")
    parser.add_argument("--only", choices=["sqlite", "postgres"], default=None)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(child(args)))
        return
    targets = []
    if args.only in (None, "sqlite"):
        targets.append(("sqlite", None))
    if args.pg_url and args.only in (None, "postgres"):
        targets.append(("postgres", args.pg_url))
    for name, url in targets:
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "ANJIAN_DATA_DIR": tmp, "DJANGO_SETTINGS_MODULE": "anjian.config.settings", "DEBUG": "1"}
            env.pop("ANJIAN_TESTING", None)
            if url:
                base, _, dbname = url.rpartition("/")
                subprocess.run(["psql", f"{base}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{dbname}"'], check=True)
                subprocess.run(["psql", f"{base}/postgres", "-qc", f'CREATE DATABASE "{dbname}"'], check=True)
                env["DATABASE_URL"] = url
            else:
                env.pop("DATABASE_URL", None)
            cmd = [sys.executable, __file__, "--child", "--broker", args.broker, "--readings", str(args.readings),
                   "--sensors", str(args.sensors), "--publishers", str(args.publishers),
                   "--excursions", str(args.excursions), "--excursion-gap", str(args.excursion_gap)]
            out = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
            line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")), None)
            if line is None:
                print(f"{name}: failed\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}")
                continue
            result = json.loads(line[7:])
            print(f"{name}: " + json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
