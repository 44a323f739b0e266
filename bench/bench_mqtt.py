"""Benchmark MQTT ingestion: readings/s from Mosquitto into SQLite and PostgreSQL, compared with a
bare subscriber, and alarm latency from publish to alarm row.

One command, cleans up after itself::

    .venv/bin/python bench/bench_mqtt.py [--readings 200000] [--sensors 1000] [--batch 1,100]
        [--ingesters 1] [--pg-url postgres://postgres@127.0.0.1:5432/anjian_bench_mqtt] [--only sqlite|postgres]

It starts its own Mosquitto (``/usr/sbin/mosquitto`` on a free port, no queue or in-flight
limits, no persistence; stopped at the end), and for each database (a fresh SQLite file in a temp
dir; the PostgreSQL database named by ``--pg-url`` is dropped, created and dropped again) and
each message form in ``--batch`` (1 = one reading per MQTT message; N = a gateway's JSON array of
N readings per message) runs, in a child process:

1. **publish** — the bare subscriber's and the ingester's persistent sessions (QoS 1) are
   subscribed and disconnected, then ``--publishers`` processes publish ``--readings`` readings
   (QoS 1, at most 10,000 unacknowledged per publisher); the broker queues them for both sessions.
   Rate = readings / time until the broker acknowledged the last one.
2. **bare subscriber** — a paho client (QoS 1, automatic acks, Receive Maximum 65,535, counts
   messages, no parsing, no database) drains its queue alone: the broker-to-Python ceiling.
3. **ingester** — ``anjian.monitoring.mqtt.Ingester`` (QoS 1, manual acks after commit, batches of
   up to 5,000 readings every 200 ms, COPY on PostgreSQL, alarm evaluation) drains the same
   backlog alone: the sustained ingest rate = stored readings / time from connect to last commit.
   Every reading must be stored (checked against the table).
4. **alarm latency** — with the ingester running, a background publisher sends ``--live-rate``
   readings/s while ``--excursions`` sensors each get one reading above their high threshold;
   latency = the alarm row's ``created_at`` minus the publish time (p50 / p99 / max).

With ``--ingesters N`` (N > 1) the topics get a shard level (``…/s<i>/…``: by sensor for
one-reading messages, by message for gateway batches) and phase 3 runs N ingester processes, one
per shard filter, as ``anjian ingest-mqtt --topic …`` would be deployed; the rate is all readings /
time to the last commit of any of them; phase 4 is skipped.

With ``--processes N`` phase 3 runs the command's own supervisor instead
(``anjian.monitoring.mqtt.run_processes``, what ``anjian ingest-mqtt --processes N`` does): N forked
ingester processes on one shared subscription ``$share/anjian/<prefix>/#``; rate as above; phase
4 is skipped.

Phases run one after the other so that each gets the (2-core) machine to itself with the broker;
the numbers are capacities, not a concurrent end-to-end run. Prints a summary table.
"""

from __future__ import annotations

import argparse
import getpass
import json
import multiprocessing as mp
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WINDOW = 10_000  # unacknowledged publishes per publisher (paho's packet ids are 16 bit)


def _client(client_id: str = "", receive_maximum: int = 65535):
    import paho.mqtt.client as mqtt

    return mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)


def _session_props():
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties

    props = Properties(PacketTypes.CONNECT)
    props.SessionExpiryInterval = 3600
    props.ReceiveMaximum = 65535
    return props


def _shard(m: int, batch: int, n: int, shards: int) -> int:
    """Which of ``shards`` ingesters takes message m: by sensor (one-reading messages) or by
    message (gateway batches: disjoint sensor sets when n / batch is a multiple of shards)."""
    return ((m * batch) % n if batch == 1 else m) % shards


def _messages(prefix: str, codes: list[str], count: int, start_ms: int, batch: int, offset: int, step: int,
              shards: int = 1):
    """(topic, payload, readings) for readings ``offset, offset+step·batch, …``: message m holds
    readings m·batch … m·batch+batch-1; reading k is sensor k mod n at start_ms + k div n. With
    several ingesters the topic has a shard level (``prefix/s<i>/…``), one filter per ingester."""
    n = len(codes)
    n_msgs = (count + batch - 1) // batch
    for m in range(offset, n_msgs, step):
        base = prefix if shards == 1 else f"{prefix}/s{_shard(m, batch, n, shards)}"
        items = []
        for k in range(m * batch, min(count, (m + 1) * batch)):
            code = codes[k % n]
            items.append(f'{{"sensor":"{code}","ts":{start_ms + k // n},"value":{2.0 + (k % 7) * 0.1:.3f},"unit":"%LEL"}}')
        if batch == 1:
            yield f"{base}/{codes[(m * batch) % n]}", items[0], 1
        else:
            yield f"{base}/gw-{m % 50}", "[" + ",".join(items) + "]", len(items)


def _publish_worker(port: int, prefix: str, codes: list[str], count: int, start_ms: int, batch: int, offset: int, step: int,
                    shards: int) -> None:
    client = _client()
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect("127.0.0.1", port)
    client.loop_start()
    pending = []
    for topic, payload, _n in _messages(prefix, codes, count, start_ms, batch, offset, step, shards):
        info = client.publish(topic, payload, qos=1)
        if info.rc != 0:
            raise RuntimeError(f"publish refused: {info.rc}")
        pending.append(info)
        if len(pending) >= WINDOW:
            pending[len(pending) // 2].wait_for_publish(120)
            pending = [p for p in pending if not p.is_published()]
    for info in pending:
        info.wait_for_publish(120)
    client.disconnect()
    client.loop_stop()


def _live_publisher(port: int, prefix: str, codes: list[str], rate: float, duration: float, start_ms: int, batch: int, stop: threading.Event) -> None:
    client = _client()
    client.max_inflight_messages_set(1000)
    client.connect("127.0.0.1", port)
    client.loop_start()
    t0, k = time.monotonic(), 0
    for topic, payload, n in _messages(prefix, codes, int(rate * duration) + batch, start_ms, batch, 0, 1):
        if stop.is_set():
            break
        client.publish(topic, payload, qos=1)
        k += n
        wait = t0 + k / rate - time.monotonic()
        if wait > 0:
            time.sleep(wait)
    client.disconnect()
    client.loop_stop()


def _sharded_ingester(port: int, client_id: str, topic: str, expected: int, timeout: float, out: Any, done: Any) -> None:
    """One of several ingester processes (``--ingesters``): drains its topic filter until it has
    stored ``expected`` readings (its shard) or, with a shared subscription, until all processes
    together have stored them (``done``, a shared counter), then reports what it stored and the
    wall-clock time of its last commit."""
    from anjian.monitoring.mqtt import Ingester, tune_gc

    ingester = Ingester(port=port, client_id=client_id, topics=(topic,))
    tune_gc()
    last = [0.0]
    original_flush = ingester.flush

    def timed_flush() -> int:
        n = original_flush()
        if n > 0:
            last[0] = time.time()
            with done.get_lock():
                done.value += n
        return n

    ingester.flush = timed_flush  # type: ignore[method-assign]
    thread = threading.Thread(target=ingester.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    shared = topic.startswith("$share/")
    while (done.value if shared else ingester.stats.result.stored) < expected and time.monotonic() < deadline:
        time.sleep(0.05)
    ingester.stop()
    thread.join(60)
    r = ingester.stats.result
    out.put({"stored": r.stored, "end": last[0], "connects": ingester.stats.connects, "rejected": dict(r.rejected),
             "failed_flushes": ingester.stats.failed_flushes, "waits": ingester.stats.waits})


def _subscribe_session(port: int, client_id: str, topic: str) -> None:
    c = _client(client_id)
    done = threading.Event()
    c.on_subscribe = lambda *a: done.set()
    c.connect("127.0.0.1", port, clean_start=True, properties=_session_props())
    c.loop_start()
    c.subscribe(topic, qos=1)
    if not done.wait(10):
        raise RuntimeError("no SUBACK")
    c.disconnect()
    c.loop_stop()


def child(args: argparse.Namespace) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.config.settings")
    django.setup()
    import logging

    logging.getLogger("anjian.monitoring.mqtt").setLevel(logging.INFO)  # connects, disconnects and why
    from django.core.management import call_command
    from django.db import connection

    from anjian.enterprises.models import Enterprise
    from anjian.monitoring import mqtt as ingest_mqtt
    from anjian.monitoring.models import Alarm, Reading, Sensor
    from anjian.monitoring.mqtt import Ingester, tune_gc
    from anjian.orgs.models import JurisdictionLevel
    from anjian.orgs.services import jurisdiction_create

    run_processes = getattr(ingest_mqtt, "run_processes", None)  # (absent before issue 22: --processes needs it)

    call_command("migrate", verbosity=0)
    from shapely.geometry import box

    city = jurisdiction_create(actor=None, code="990100", name="基准市", level=JurisdictionLevel.CITY, parent=None,
                               geometry=box(114.0, 22.0, 114.4, 22.4), is_synthetic=True)
    ent = Enterprise.objects.create(name="基准化工有限公司", jurisdiction=city)
    run = uuid.uuid4().hex[:8]
    prefix = f"anjian/bench-{run}"
    codes = [f"B{run}-{i:05d}" for i in range(args.sensors)]
    Sensor.objects.bulk_create(
        [Sensor(enterprise=ent, code=code, name="bench", kind="combustible_gas", unit="%LEL", high=20.0, high_high=50.0,
                deadband=2.0, expected_interval_s=3600, range_min=0, range_max=100) for code in codes]
    )
    port, batch, total = args.port, args.batch_size, args.readings
    bare_id, ingest_id = f"bare-{run}", f"ingest-{run}"
    _subscribe_session(port, bare_id, f"{prefix}/#")
    if args.processes > 1:  # the command's supervisor: N members of one shared subscription
        args.share, args.ingesters = True, args.processes
    shards = 1 if args.share else args.ingesters  # shards of the topic tree
    filters = ([f"$share/anjian/{prefix}/#"] * args.ingesters if args.share
               else [f"{prefix}/#"] if shards == 1 else [f"{prefix}/s{i}/#" for i in range(shards)])
    for i, topic in enumerate(filters):
        _subscribe_session(port, ingest_id if len(filters) == 1 else f"{ingest_id}-{i}", topic)

    # 1. publish into the broker's queues
    start_ms = int(time.time() * 1000) - 3_600_000
    t0 = time.perf_counter()
    procs = [mp.Process(target=_publish_worker, args=(port, prefix, codes, total, start_ms, batch, i, args.publishers, shards))
             for i in range(args.publishers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    if any(p.exitcode for p in procs):
        raise RuntimeError("a publisher failed")
    publish_s = time.perf_counter() - t0
    n_msgs = (total + batch - 1) // batch

    # 2. bare subscriber drains its queue
    bare = {"n": 0, "last": 0.0}
    got_all = threading.Event()

    def on_bare(c, u, m) -> None:
        bare["n"] += 1
        if bare["n"] >= n_msgs:
            bare["last"] = time.perf_counter()
            got_all.set()

    bc = _client(bare_id)
    bc.on_message = on_bare
    t0 = time.perf_counter()
    bc.connect("127.0.0.1", port, clean_start=False, properties=_session_props())
    bc.loop_start()
    got_all.wait(args.timeout)
    bc.disconnect()
    bc.loop_stop()
    bare_s = (bare["last"] or time.perf_counter()) - t0

    if args.processes > 1:  # 3''. ``ingest-mqtt --processes N``: run_processes forks and supervises
        connection.close()
        done = mp.Value("q", 0)
        last = mp.Value("d", 0.0)

        def factory(i: int) -> Ingester:
            ingester = Ingester(port=port, client_id=f"{ingest_id}-{i}", topics=(filters[i],))
            original = ingester.flush

            def counted_flush() -> int:
                n = original()
                if n > 0:
                    with done.get_lock():
                        done.value += n
                        last.value = time.time()
                return n

            ingester.flush = counted_flush  # type: ignore[method-assign]
            return ingester

        stop = threading.Event()
        t_wall = time.time()
        sup_out: list[Any] = []
        sup_thread = threading.Thread(target=lambda: sup_out.append(run_processes(args.processes, factory, stop=stop)))
        sup_thread.start()
        deadline = time.monotonic() + args.timeout
        while done.value < total and time.monotonic() < deadline:
            time.sleep(0.05)
        ingest_s = last.value - t_wall
        stop.set()
        sup_thread.join(120)
        reports = sup_out[0].results if sup_out else []
        stored = Reading.objects.count()
        rejected = {}
        for r in reports:
            for reason, n in r["rejected"].items():
                rejected[reason] = rejected.get(reason, 0) + n
        return {
            "db": connection.vendor, "batch": batch, "readings": total, "sensors": args.sensors,
            "ingesters": f"--processes {args.processes}", "publish_rate": round(total / publish_s), "bare_msgs": bare["n"],
            "bare_rate": round(bare["n"] * batch / bare_s), "bare_msg_rate": round(bare["n"] / bare_s), "stored": stored,
            "ingest_rate": round(stored / ingest_s), "ingest_s": round(ingest_s, 1), "flush_busy": None,
            "rejected": rejected, "connects": sum(r["connects"] for r in reports),
            "restarts": sup_out[0].restarts if sup_out else None, "alarms": 0, "p50_ms": None, "p99_ms": None, "max_ms": None,
        }

    if len(filters) > 1:  # 3'. several ingester processes; no latency phase
        per_shard = [0] * shards
        for m in range(n_msgs):
            per_shard[_shard(m, batch, len(codes), shards)] += min(batch, total - m * batch)
        connection.close()  # the processes fork: each opens its own
        queue: Any = mp.Queue()
        done: Any = mp.Value("q", 0)
        t_wall = time.time()
        ingesters = [mp.Process(target=_sharded_ingester, args=(
            port, f"{ingest_id}-{i}", topic, total if args.share else per_shard[i], args.timeout, queue, done))
            for i, topic in enumerate(filters)]
        for p in ingesters:
            p.start()
        reports = [queue.get(timeout=args.timeout + 120) for _ in ingesters]
        for p in ingesters:
            p.join(60)
        ingest_s = max(r["end"] for r in reports) - t_wall
        stored = Reading.objects.count()
        rejected: dict[str, int] = {}
        for r in reports:
            for reason, n in r["rejected"].items():
                rejected[reason] = rejected.get(reason, 0) + n
        return {
            "db": connection.vendor, "batch": batch, "readings": total, "sensors": args.sensors,
            "ingesters": f"{len(filters)} shared" if args.share else len(filters),
            "publish_rate": round(total / publish_s), "bare_msgs": bare["n"], "bare_rate": round(bare["n"] * batch / bare_s),
            "bare_msg_rate": round(bare["n"] / bare_s), "stored": stored, "ingest_rate": round(stored / ingest_s),
            "ingest_s": round(ingest_s, 1), "flush_busy": None, "buffer_waits": sum(r["waits"] for r in reports),
            "rejected": rejected, "connects": sum(r["connects"] for r in reports),
            "failed_flushes": sum(r["failed_flushes"] for r in reports), "alarms": 0, "p50_ms": None, "p99_ms": None,
            "max_ms": None,
        }

    # 3. the ingester drains the same backlog
    ingester = Ingester(port=port, client_id=ingest_id, topics=(f"{prefix}/#",))
    tune_gc()  # as ``anjian ingest-mqtt`` does
    commits: list[float] = []
    original_flush = ingester.flush

    flush_busy = [0.0]  # seconds the main thread spent in flushes that stored something

    def timed_flush() -> int:
        started = time.perf_counter()
        n = original_flush()
        if n > 0:
            commits.append(time.perf_counter())
            flush_busy[0] += commits[-1] - started
        return n

    ingester.flush = timed_flush  # type: ignore[method-assign]
    t0 = time.perf_counter()
    thread = threading.Thread(target=ingester.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + args.timeout
    result = ingester.stats.result
    while result.stored < total and time.monotonic() < deadline:  # redeliveries after a reconnect are duplicates, not progress
        time.sleep(0.05)
    ingest_s = (commits[-1] if commits else time.perf_counter()) - t0
    busy = flush_busy[0] / ingest_s  # before the latency phase flushes more
    stored = Reading.objects.count()

    # 4. alarm latency under a steady background load
    stop = threading.Event()
    live_codes = codes[args.excursions:]
    bg = threading.Thread(target=_live_publisher, daemon=True, args=(
        port, prefix, live_codes, args.live_rate, 600, int(time.time() * 1000) - 60_000, batch, stop))
    bg.start()
    time.sleep(2)
    pub = _client()
    pub.connect("127.0.0.1", port)
    pub.loop_start()
    sent: dict[str, float] = {}
    now_ms = int(time.time() * 1000)
    for i, code in enumerate(codes[: args.excursions]):
        sent[code] = time.time()
        pub.publish(f"{prefix}/{code}", json.dumps({"sensor": code, "ts": now_ms + i, "value": 35.0, "unit": "%LEL"}), qos=1)
        time.sleep(args.excursion_gap)
    deadline = time.monotonic() + 120
    while Alarm.objects.filter(sensor__code__in=list(sent)).count() < len(sent) and time.monotonic() < deadline:
        time.sleep(0.1)
    stop.set()
    bg.join(30)
    latencies = sorted(
        (created.timestamp() - sent[code]) * 1000
        for code, created in Alarm.objects.filter(sensor__code__in=list(sent)).values_list("sensor__code", "created_at")
    )
    ingester.stop()
    thread.join(60)
    pub.disconnect()
    pub.loop_stop()

    def pct(q: float) -> float | None:
        return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))]) if latencies else None

    return {
        "db": connection.vendor, "batch": batch, "readings": total, "sensors": args.sensors, "ingesters": 1,
        "publish_rate": round(total / publish_s), "bare_msgs": bare["n"], "bare_rate": round(bare["n"] * batch / bare_s),
        "bare_msg_rate": round(bare["n"] / bare_s), "stored": stored, "ingest_rate": round(stored / ingest_s),
        "ingest_s": round(ingest_s, 1), "flush_busy": round(busy, 2), "batches": ingester.stats.batches,
        "buffer_waits": ingester.stats.waits, "rejected": dict(result.rejected), "connects": ingester.stats.connects, "failed_flushes": ingester.stats.failed_flushes,
        "alarms": len(latencies), "p50_ms": pct(0.5), "p99_ms": pct(0.99),
        "max_ms": round(latencies[-1]) if latencies else None,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


BROKER_CONF = """\
listener {port} 127.0.0.1
allow_anonymous true
persistence false
# no per-client queue or in-flight caps (the defaults, 1000 queued / 20 in flight, drop or throttle)
max_queued_messages 0
max_queued_bytes 0
max_inflight_messages 0
max_inflight_bytes 0
message_size_limit 0
user {user}
log_dest file {log}
log_type error
log_type warning
log_type notice
log_type information
"""


def start_broker(tmp: str) -> tuple[subprocess.Popen[bytes], int]:
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    port = _free_port()
    conf = Path(tmp) / "mosquitto.conf"
    conf.write_text(BROKER_CONF.format(port=port, user=getpass.getuser(), log=Path(tmp) / "mosquitto.log"))
    proc = subprocess.Popen([binary, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("private mosquitto did not start")


def psql(base: str, sql: str) -> bool:
    return subprocess.run(["psql", f"{base}/postgres", "-qc", sql], capture_output=True).returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--readings", type=int, default=200_000)
    parser.add_argument("--sensors", type=int, default=1000)
    parser.add_argument("--batch", default="1,100", help="readings per MQTT message, comma-separated forms to run")
    parser.add_argument("--publishers", type=int, default=2)
    parser.add_argument("--ingesters", type=int, default=1,
                        help="ingester processes, each on its own shard of the topic tree (no latency phase if > 1)")
    parser.add_argument("--processes", type=int, default=1,
                        help="phase 3 as `anjian ingest-mqtt --processes N` (run_processes, shared subscription)")
    parser.add_argument("--share", action="store_true",
                        help="with --ingesters: one MQTT 5 shared subscription ($share/anjian/…) instead of shards")
    parser.add_argument("--excursions", type=int, default=200)
    parser.add_argument("--excursion-gap", type=float, default=0.02)
    parser.add_argument("--live-rate", type=float, default=2000, help="background readings/s during the latency phase")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/anjian_bench_mqtt")
    parser.add_argument("--only", choices=["sqlite", "postgres"], default=None)
    parser.add_argument("--pg-template", default="",
                        help="create the scratch database from this (migrated) one: skips most of the migrate per run")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--batch-size", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(child(args)))
        return
    print("load before:", os.getloadavg(), flush=True)
    targets = [("sqlite", "")] if args.only in (None, "sqlite") else []
    if args.pg_url and args.only in (None, "postgres"):
        targets.append(("postgres", args.pg_url))
    results = []
    with tempfile.TemporaryDirectory() as broker_dir:
        broker, port = start_broker(broker_dir)
        try:
            for name, url in targets:
                for batch in [int(b) for b in args.batch.split(",")]:
                    with tempfile.TemporaryDirectory() as tmp:
                        # as production runs it: DEBUG off (with DEBUG Django composes and keeps the SQL of
                        # every query, here a ~0.5 MB statement per batch)
                        env = {**os.environ, "ANJIAN_DATA_DIR": tmp, "DJANGO_SETTINGS_MODULE": "anjian.config.settings",
                               "DEBUG": "0", "SECRET_KEY": "bench-" + os.urandom(16).hex()}
                        env.pop("ANJIAN_TESTING", None)
                        base, _, dbname = url.rpartition("/")
                        if url:
                            if not (psql(base, f'DROP DATABASE IF EXISTS "{dbname}"') and psql(base, f'CREATE DATABASE "{dbname}"' + (
                                    f' TEMPLATE "{args.pg_template}"' if args.pg_template else ""))):
                                print(f"{name}: PostgreSQL not reachable at {base}; skipped")
                                break
                            env["DATABASE_URL"] = url
                        else:
                            env.pop("DATABASE_URL", None)
                        cmd = [sys.executable, __file__, "--child", "--port", str(port), "--batch-size", str(batch)]
                        if args.share:
                            cmd.append("--share")
                        for key in ("readings", "sensors", "publishers", "ingesters", "processes", "excursions", "excursion_gap", "live_rate", "timeout"):
                            cmd += [f"--{key.replace('_', '-')}", str(getattr(args, key))]
                        out = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
                        if url:
                            psql(base, f'DROP DATABASE IF EXISTS "{dbname}"')
                    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")), None)
                    if line is None:
                        print(f"{name} batch {batch}: failed\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}")
                        continue
                    results.append(json.loads(line[7:]))
                    print(json.dumps(results[-1], ensure_ascii=False), flush=True)
                    for ln in out.stderr.splitlines():  # the ingester's connects and disconnects
                        if "MQTT" in ln or "flush" in ln or "Error" in ln:
                            print("   ", ln, flush=True)
        finally:
            broker.terminate()
            broker.wait(10)
            log = Path(broker_dir) / "mosquitto.log"
            lines = log.read_text(errors="replace").splitlines() if log.exists() else []
            for ln in lines:  # why the broker dropped an ingester (keepalive, protocol error …)
                if "ingest-" in ln and ("disconnect" in ln.lower() or "timeout" in ln.lower() or "closed" in ln.lower()):
                    print("  broker:", ln)
    print("load after:", os.getloadavg())
    head = ("db", "batch", "ingesters", "readings", "publish_rate", "bare_rate", "ingest_rate", "stored", "flush_busy", "connects",
            "p50_ms", "p99_ms", "max_ms")
    print("\n" + " | ".join(head))
    for r in results:
        print(" | ".join(str(r.get(h)) for h in head))


if __name__ == "__main__":
    main()
