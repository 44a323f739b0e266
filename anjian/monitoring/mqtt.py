"""The MQTT subscriber behind ``anjian ingest-mqtt``.

Delivery guarantee: at least once, with nothing acknowledged before it is stored. The client uses
a persistent session (MQTT 5, ``clean_start=False`` with a session expiry, a fixed client id) and
QoS 1 subscriptions with **manual acknowledgement**: a message's PUBACK is sent only after the
batch holding it has committed. If the process or the broker dies in between, the broker still
holds the message and delivers it again; the (sensor, ts) unique index turns the redelivery into a
counted duplicate. Acknowledgements are only sent on the connection a message arrived on (packet
ids are per connection); messages from an older connection are left to be redelivered.

MQTT 5 is used because its Receive Maximum lets the client allow up to 65,535 unacknowledged
messages in flight; with MQTT 3.1.1 Mosquitto caps that at ``max_inflight_messages`` (20 by
default), which would make batching after-commit acknowledgements pointless.

Batching: messages are parsed on paho's network thread into a buffer; the main thread flushes
every ``flush_ms`` milliseconds or as soon as ``max_batch`` readings are waiting. A failing flush
(database down) keeps the batch and retries with backoff; nothing is acknowledged meanwhile.

Backpressure: the buffer holds at most ``max_buffer`` readings (default four batches). When it is
full the network thread waits for the main thread to take a batch before it reads on, so the
backlog stays in the broker and in TCP buffers, not in this process's memory. This matters because
a broker may send far more than Receive Maximum: Mosquitto 2.0.11 (Debian 12) does, once the first
acknowledgement comes back (``bench/bench_mqtt.py`` saw 750,000 readings buffered while draining
a 1,000,000-message backlog before this bound existed).

Keepalive (``_Client``): paho sends PINGREQ every ``keepalive`` seconds while it only acknowledges
(it does not count a write that empties its queue as activity) and drops the connection when the
PINGRESP has not come ``keepalive`` seconds later. Under a backlog the broker queues that PINGRESP
behind every message it has already sent, so a busy, healthy connection was dropped and the broker
redelivered the unacknowledged messages (counted duplicates, nothing lost, but the rate fell by a
third). ``_Client`` counts any byte received after the PINGREQ as an answer: the connection is
dropped only when nothing at all arrived for ``keepalive`` seconds after a PINGREQ.

Several processes (``anjian ingest-mqtt --processes N``, :func:`run_processes`): the command forks
N worker processes, each an :class:`Ingester` with its own client id (``<client-id>-<i>``, so each
keeps its persistent session across restarts) on an MQTT 5 **shared subscription**
(``$share/<group>/<topic>``): the broker hands each message to one member, so they divide the
traffic without duplicates, and each process has its own interpreter lock and database
connection. The parent only supervises: a child that dies is started again (its session's
unacknowledged messages are redelivered to it or the others), SIGTERM / SIGINT are passed on and
every child flushes what it holds before it exits; after ``STOP_GRACE_S`` a child that has not
exited is killed (what it had not acknowledged is redelivered). The same shared subscription
spans machines: run the command on several hosts with different client ids.

A message holds one reading (a JSON object) or a gateway's batch (a JSON array of readings,
``ingest.parse_message``); a message is flushed and acknowledged as a whole, so a batch can grow
past ``max_batch`` by at most one message.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import paho.mqtt.client as mqtt
from django.db import close_old_connections, connection, connections
from paho.mqtt.enums import MQTTErrorCode
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from anjian.monitoring.ingest import (
    IngestResult,
    SensorDirectory,
    ingest,
    parse_message,
)

log = logging.getLogger("anjian.monitoring.mqtt")

_PUBACK = struct.Struct("!BBH")
SESSION_EXPIRY_S = 7 * 24 * 3600
RECEIVE_MAXIMUM = 65535


def tune_gc() -> None:
    """Garbage-collector settings for a long-running ingester process (``anjian ingest-mqtt``; not
    for a process that also runs other code, the settings are process-wide). Each batch makes tens
    of thousands of short-lived tuples; with the default thresholds a full collection, which walks
    every object Django and the sensor directory keep alive, ran every ninth 5,000-reading batch
    and nearly doubled it (in-process, 10,000 sensors: 290 instead of 155 ms). Objects alive at
    start-up are moved out of the collector's view (``gc.freeze``) and the young generation is
    collected less often; reference cycles are still collected."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def parse_broker(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host:
        return value, 1883
    return host, int(port)


class _Client(mqtt.Client):
    """paho's client, but a late PINGRESP is not a dead connection while bytes keep arriving (see
    the module docstring). Relies on paho 2.x internals (``_ping_t``, ``_last_bytes_received``,
    ``_msgtime_mutex``); ``tests/monitoring/test_mqtt_flow.py`` fails if they change, or if
    paho itself stops dropping such a connection and this override can go."""

    def loop_misc(self) -> MQTTErrorCode:
        if self._ping_t:
            with self._msgtime_mutex:
                # a PINGREQ is outstanding: anything received since is proof of life
                self._ping_t = max(self._ping_t, self._last_bytes_received)
        return super().loop_misc()

    def ack_many(self, mids: list[int]) -> None:
        """PUBACK (QoS 1) for many messages as one queued write. paho's ``ack`` queues one packet
        per message and wakes the network thread for each: a socket-pair write on the storing
        thread and a ``send`` on the network thread per message (5,000 of each per batch), which
        the bare subscriber's automatic acks do not pay in full. The bytes are the same
        ``PUBACK, 2, mid`` packets paho writes (MQTT 5 allows omitting the success reason code);
        relies on paho's ``_packet_queue``, like ``loop_misc`` above."""
        if mids:
            packet = b"".join([_PUBACK.pack(mqtt.PUBACK, 2, mid) for mid in mids])
            self._packet_queue(mqtt.PUBACK, packet, 0, 1)


@dataclass
class Stats:
    received: int = 0  # messages
    readings: int = 0  # readings in them
    batches: int = 0
    failed_flushes: int = 0
    connects: int = 0
    waits: int = 0  # times the network thread waited for room in the buffer
    result: Any = field(default_factory=IngestResult)  # the sink's result type (``add``-able)


class Ingester:
    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 1883,
        client_id: str = "anjian-ingest",
        topics: tuple[str, ...] = ("anjian/#",),
        flush_ms: int = 200,
        max_batch: int = 5000,
        max_buffer: int | None = None,
        keepalive: int = 30,
        parse: Callable[[bytes, str], list[Any]] = parse_message,
        sink: Callable[..., Any] = ingest,
        directory: Any = None,
        result: Callable[[], Any] = IngestResult,
    ) -> None:
        """``parse`` turns one message into items, ``sink(items, directory=…)`` stores a batch and
        returns an ``add``-able result: sensor readings by default; the vehicles app passes its
        positions' (``anjian.vehicles.mqtt``) and gets the same delivery guarantee."""
        self.host, self.port, self.topics = host, port, topics
        self.flush_s, self.max_batch, self.keepalive = flush_ms / 1000, max_batch, keepalive
        self.max_buffer = max_buffer or 4 * max_batch
        self.parse, self.sink = parse, sink
        self.stats = Stats(result=result())
        self.directory = directory if directory is not None else SensorDirectory()
        # one entry per message: (generation, mid, qos, its readings)
        self._buffer: list[tuple[int, int, int, list[Any]]] = []
        self._buffered = 0  # readings in _buffer
        self._lock = threading.Lock()
        self._room = threading.Condition(self._lock)  # notified when the buffer shrinks or on stop
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._generation = 0
        self.connected = threading.Event()
        self.client = _Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5
        )
        self.client.manual_ack_set(True)
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message

    # --- paho callbacks (network thread) -------------------------------------------------
    def _on_connect(self, client: Any, userdata: Any, flags: Any, reason_code: Any, properties: Any) -> None:
        if reason_code.is_failure:
            log.warning("MQTT connect refused: %s", reason_code)
            return
        with self._lock:
            self._generation += 1
        self.stats.connects += 1
        client.subscribe([(topic, 1) for topic in self.topics])
        self.connected.set()
        log.info("MQTT connected to %s:%s (session present: %s)", self.host, self.port, flags.session_present)

    def _on_disconnect(self, client: Any, userdata: Any, flags: Any, reason_code: Any, properties: Any) -> None:
        self.connected.clear()
        if not self._stop.is_set():
            log.warning("MQTT disconnected (%s); reconnecting with backoff", reason_code)

    def _on_message(self, client: Any, userdata: Any, message: Any) -> None:
        items = self.parse(message.payload, message.topic)
        with self._lock:
            self._buffer.append((self._generation, message.mid, message.qos, items))
            self._buffered += len(items)
            self.stats.received += 1
            self.stats.readings += len(items)
            if self._buffered >= self.max_batch:
                self._wake.set()
            while self._buffered >= self.max_buffer and not self._stop.is_set():  # backpressure
                self.stats.waits += 1
                self._room.wait(timeout=1.0)

    # --- main thread -----------------------------------------------------------------------
    def start(self) -> None:
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = SESSION_EXPIRY_S
        props.ReceiveMaximum = RECEIVE_MAXIMUM
        self.client.connect_async(self.host, self.port, keepalive=self.keepalive, clean_start=False, properties=props)
        self.client.loop_start()

    def flush(self) -> int:
        """Store up to ``max_batch`` buffered readings (whole messages) in one transaction, then
        acknowledge their messages. Returns the readings flushed, 0 if none, -1 on failure."""
        with self._lock:
            taken = count = 0
            for _g, _m, _q, items in self._buffer:
                if count and count + len(items) > self.max_batch:
                    break
                taken += 1
                count += len(items)
            batch, self._buffer = self._buffer[:taken], self._buffer[taken:]
            self._buffered -= count
            generation = self._generation
            if count:
                self._room.notify_all()
        if not batch:
            return 0
        try:
            if not connection.in_atomic_block:  # (a test's transaction must not be closed)
                close_old_connections()  # drop a connection the database has closed, like a request would
            result = self.sink([item for _g, _m, _q, items in batch for item in items], directory=self.directory)
        except Exception:
            log.exception("flush of %d readings failed; kept for retry, not acknowledged", count)
            self.stats.failed_flushes += 1
            with self._lock:
                self._buffer[:0] = batch
                self._buffered += count
            return -1
        self.stats.batches += 1
        self.stats.result.add(result)
        self.client.ack_many([mid for gen, mid, qos, _i in batch if qos == 1 and gen == generation])
        for gen, mid, qos, _item in batch:
            if qos == 2 and gen == generation:
                self.client.ack(mid, qos)
        return count

    def run(self, *, duration: float | None = None) -> Stats:
        self.start()
        end = None if duration is None else time.monotonic() + duration
        backoff = 0.0
        try:
            while not self._stop.is_set() and (end is None or time.monotonic() < end):
                self._wake.wait(timeout=max(self.flush_s, backoff))
                self._wake.clear()
                outcome = self.flush()
                backoff = min(max(backoff * 2, 0.5), 30.0) if outcome < 0 else 0.0
                with self._lock:
                    more = self._buffered >= self.max_batch
                if more:
                    self._wake.set()
            while self.flush() > 0:
                pass
        finally:
            self.client.disconnect()
            self.client.loop_stop()
        return self.stats

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        with self._lock:
            self._room.notify_all()


STOP_GRACE_S = 60.0  # how long a stopping child may take to flush and disconnect
RESTART_DELAY_S = (1.0, 30.0)  # a child that keeps dying young is restarted with this backoff


def shared_topic(topic: str, group: str) -> str:
    """``topic`` as a member of the MQTT 5 shared subscription ``group`` (unchanged if it is one)."""
    return topic if topic.startswith("$share/") else f"$share/{group}/{topic}"


def _child(index: int, factory: Callable[[int], Ingester], duration: float | None, results: Any) -> None:
    """A worker process: one ingester until SIGTERM / SIGINT or ``duration``; reports its totals."""
    ingester = factory(index)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: ingester.stop())
    tune_gc()
    stats = ingester.run(duration=duration)
    r = stats.result
    results.put({"index": index, "received": stats.received, "stored": r.stored, "rejected": dict(r.rejected),
                 "raised": r.raised, "cleared": r.cleared, "batches": stats.batches, "connects": stats.connects})


@dataclass
class Supervision:
    results: list[dict[str, Any]] = field(default_factory=list)  # one per child exit that reported
    restarts: int = 0
    pids: dict[int, int] = field(default_factory=dict)  # index → the running child's pid


def run_processes(
    processes: int,
    factory: Callable[[int], Ingester],
    *,
    duration: float | None = None,
    stop: threading.Event | None = None,
    on_start: Callable[[Supervision], None] | None = None,
) -> Supervision:
    """Fork ``processes`` children, each running ``factory(i).run(duration=…)``, and supervise
    them until ``stop`` is set (the command sets it on SIGTERM / SIGINT) or, with ``duration``,
    until every child has finished. A child that exits with an error or is killed is started again
    (after ``RESTART_DELAY_S[0]``, doubling up to ``[1]`` while children keep dying within 10 s).
    On stop every child gets SIGTERM, flushes and exits; one still alive after ``STOP_GRACE_S`` is
    killed. POSIX only (fork). ``on_start`` is called once all children have started."""
    ctx = multiprocessing.get_context("fork")
    results: Any = ctx.Queue()
    stop = stop or threading.Event()
    sup = Supervision()
    connections.close_all()  # a child must open its own connection, never share the parent's socket
    procs: dict[int, Any] = {}
    started: dict[int, float] = {}
    due: dict[int, float] = {}  # index → when a crashed child is started again
    delay = RESTART_DELAY_S[0]
    finished: set[int] = set()

    def start(i: int) -> None:
        p = ctx.Process(target=_child, args=(i, factory, duration, results), name=f"ingest-mqtt-{i}", daemon=False)
        p.start()
        procs[i], started[i], sup.pids[i] = p, time.monotonic(), p.pid or 0

    def drain() -> None:
        while True:
            try:
                sup.results.append(results.get_nowait())
            except Exception:  # queue.Empty
                return

    for i in range(processes):
        start(i)
    if on_start is not None:
        on_start(sup)
    while not stop.is_set() and len(finished) < processes:
        drain()
        now = time.monotonic()
        for i, p in list(procs.items()):
            if i in finished or i in due or p.is_alive():
                continue
            p.join()
            if p.exitcode == 0 and duration is not None:  # its duration is over
                finished.add(i)
                continue
            young = now - started[i] < 10
            delay = min(delay * 2, RESTART_DELAY_S[1]) if young else RESTART_DELAY_S[0]
            log.warning("ingester process %d (pid %s) exited with %s; restarting in %.0f s", i, p.pid, p.exitcode, delay)
            due[i] = now + delay
        for i, when in list(due.items()):
            if now >= when and not stop.is_set():
                del due[i]
                sup.restarts += 1
                start(i)
        stop.wait(0.2)
    for p in procs.values():  # stop: every child flushes and exits
        if p.is_alive() and p.pid:
            os.kill(p.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_S
    for p in procs.values():
        p.join(max(0.0, deadline - time.monotonic()))
        if p.is_alive():
            log.error("ingester process %s did not stop within %.0f s; killed", p.pid, STOP_GRACE_S)
            p.kill()
            p.join()
    time.sleep(0.1)
    drain()
    return sup
