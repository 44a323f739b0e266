"""Flow control of the MQTT ingester: the keepalive rule under a backlog, and the bounded buffer.

Both come from the 10,000-sensor benchmark: Mosquitto 2.0.11 sends far more than the client's
Receive Maximum once acknowledgements flow, the ingester buffered 750,000 readings, and paho
dropped the busy connection because its PINGRESP was queued behind them (see
``anjian/monitoring/mqtt.py``).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import paho.mqtt.client as mqtt
import pytest
from django.db import connection
from django.utils import timezone
from paho.mqtt.enums import _ConnectionState
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from anjian.monitoring.models import Reading
from anjian.monitoring.mqtt import Ingester, _Client

from .factories import make_sensor
from .test_mqtt_integration import _need, _publisher, _reachable, _send, _shut, _wait

KEEPALIVE = 30


def _connected(cls: type[mqtt.Client], *, ping_age: float, silent_for: float) -> tuple[mqtt.Client, socket.socket]:
    """A client in paho's connected state on one end of a socket pair, with a PINGREQ sent
    ``ping_age`` seconds ago and the last byte received ``silent_for`` seconds ago."""
    client = cls(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    ours, theirs = socket.socketpair()
    now = time.monotonic()
    client._sock = ours
    client._state = _ConnectionState.MQTT_CS_CONNECTED
    client._keepalive = KEEPALIVE
    client._last_msg_out = now  # nothing makes it send a second PINGREQ
    client._ping_t = now - ping_age
    client._last_bytes_received = now - silent_for
    return client, theirs


def test_paho_alone_drops_a_connection_whose_pingresp_is_late_while_data_flows():
    """Why ``_Client`` exists; if paho changes this, the override can go."""
    client, peer = _connected(mqtt.Client, ping_age=KEEPALIVE + 1, silent_for=0.5)
    client.loop_misc()
    assert client._sock is None
    peer.close()


def test_ingester_client_keeps_a_connection_that_is_still_receiving():
    client, peer = _connected(_Client, ping_age=KEEPALIVE + 1, silent_for=0.5)
    client.loop_misc()
    assert client._sock is not None
    assert client._state == _ConnectionState.MQTT_CS_CONNECTED
    client._sock.close()
    peer.close()


def test_ingester_client_still_drops_a_silent_connection():
    client, peer = _connected(_Client, ping_age=KEEPALIVE + 1, silent_for=KEEPALIVE + 1)
    client.loop_misc()
    assert client._sock is None
    peer.close()


@pytest.mark.mqtt
@pytest.mark.slow
@pytest.mark.django_db
def test_buffer_stays_bounded_while_a_backlog_drains(world):
    """3,000 readings arrive faster than they are stored: the network thread waits for room, the
    buffer never holds more than ``max_buffer`` readings, and every reading is stored once."""
    _need(_reachable("127.0.0.1", 1883), "Mosquitto is not reachable on 127.0.0.1:1883")
    run = uuid.uuid4().hex[:10]
    code = f"F{run}"
    sensor = make_sensor(world, code=code, high=None, high_high=None, expected_interval_s=3600)
    topic = f"anjian/flow-{run}/{code}"
    ingester = Ingester(client_id=f"anjian-flow-{run}", topics=(f"anjian/flow-{run}/#",), max_batch=100, max_buffer=300)
    assert ingester.max_buffer == 300
    pub = None
    seen = [0]

    def drain_one() -> None:
        seen[0] = max(seen[0], ingester._buffered)
        time.sleep(0.01)  # storing is the slow side
        ingester.flush()

    try:
        ingester.start()
        assert _wait(ingester.connected.is_set, 10)
        time.sleep(0.3)
        pub = _publisher(1883)
        base = int(timezone.now().timestamp() * 1000) - 60_000
        for i in range(3000):
            info = _send(pub, topic, code, base + i, 1.0 + i % 7)
        info.wait_for_publish(10)
        stored = lambda: Reading.objects.filter(sensor=sensor).count()  # noqa: E731
        assert _wait(lambda: stored() == 3000, 60, drain_one), f"stored {stored()}"
        assert ingester.stats.waits > 0, "the backlog never filled the buffer: the test proves nothing"
        assert seen[0] <= 300
        assert ingester.stats.connects == 1
        assert ingester.stats.result.stored == 3000
        assert not ingester.stats.result.rejected
    finally:
        _shut(pub, ingester)


def _message(mid: int) -> SimpleNamespace:
    payload = json.dumps({"sensor": "NOPE", "ts": 1, "value": 1.0}).encode()
    return SimpleNamespace(payload=payload, topic="anjian/x/NOPE", mid=mid, qos=1)


@pytest.mark.django_db
def test_full_buffer_holds_the_network_thread_until_a_batch_is_taken_or_stop():
    """Without a broker: the callback blocks once ``max_buffer`` readings wait, a flush lets it
    go on, and ``stop()`` releases it too, so shutting down never hangs on a full buffer."""
    ingester = Ingester(max_batch=2, max_buffer=3)
    for mid in (1, 2, 3):
        thread = threading.Thread(target=ingester._on_message, args=(None, None, _message(mid)), daemon=True)
        thread.start()
        thread.join(0.5)
    assert thread.is_alive(), "the third reading filled the buffer: the callback must wait"
    assert ingester._buffered == 3 and ingester.stats.waits >= 1
    assert ingester.flush() == 2
    assert ingester.stats.result.rejected == {"unknown_sensor": 2}
    thread.join(2)
    assert not thread.is_alive()

    for mid in (4, 5):
        thread = threading.Thread(target=ingester._on_message, args=(None, None, _message(mid)), daemon=True)
        thread.start()
        thread.join(0.5)
    assert thread.is_alive()
    ingester.stop()
    thread.join(2)
    assert not thread.is_alive()
    assert ingester.stats.received == 5


@pytest.mark.mqtt
@pytest.mark.slow
@pytest.mark.django_db
def test_two_ingesters_share_one_subscription(world):
    """The scale-out deployment docs/monitoring.md describes: ingesters with their own client ids on
    one MQTT 5 shared subscription split the readings between them, and each reading is stored once."""
    _need(_reachable("127.0.0.1", 1883), "Mosquitto is not reachable on 127.0.0.1:1883")
    run = uuid.uuid4().hex[:10]
    codes = [f"S{run}-{i}" for i in range(4)]
    sensors = [make_sensor(world, code=code, high=None, high_high=None, expected_interval_s=3600) for code in codes]
    shared = f"$share/anjian-{run}/anjian/share-{run}/#"
    ingesters = [Ingester(client_id=f"anjian-share-{run}-{i}", topics=(shared,)) for i in range(2)]
    pub = None
    try:
        for ingester in ingesters:
            ingester.start()
            assert _wait(ingester.connected.is_set, 10)
        time.sleep(0.3)
        pub = _publisher(1883)
        base = int(timezone.now().timestamp() * 1000) - 60_000
        for i in range(200):
            code = codes[i % 4]
            info = _send(pub, f"anjian/share-{run}/{code}", code, base + i, 1.0)
        info.wait_for_publish(10)
        stored = lambda: Reading.objects.filter(sensor__in=sensors).count()  # noqa: E731

        def flush_both() -> None:
            for ingester in ingesters:
                ingester.flush()

        assert _wait(lambda: stored() == 200, 20, flush_both), f"stored {stored()}"
        shares = [ingester.stats.result.stored for ingester in ingesters]
        assert sum(shares) == 200 and min(shares) > 0, shares
        assert not any(ingester.stats.result.rejected for ingester in ingesters)
    finally:
        _shut(pub, *ingesters)


@pytest.mark.mqtt
@pytest.mark.slow
@pytest.mark.django_db
def test_ingest_mqtt_command_stores_what_is_published_and_reports_it(world, monkeypatch):
    """The operator's entry point, ``anjian ingest-mqtt``: subscribes, stores, tunes the collector
    (recorded here rather than changing this test process's collector) and prints its totals."""
    from io import StringIO

    from django.core.management import call_command

    _need(_reachable("127.0.0.1", 1883), "Mosquitto is not reachable on 127.0.0.1:1883")
    tuned: list[bool] = []
    monkeypatch.setattr("anjian.monitoring.management.commands.ingest-mqtt.tune_gc", lambda: tuned.append(True))
    run = uuid.uuid4().hex[:10]
    code = f"C{run}"
    sensor = make_sensor(world, code=code, high=None, high_high=None, expected_interval_s=3600)
    base = int(timezone.now().timestamp() * 1000) - 60_000

    def publish_later() -> None:
        time.sleep(1.5)  # after the command has subscribed
        pub = _publisher(1883)
        for i in range(50):
            info = _send(pub, f"anjian/cmd-{run}/{code}", code, base + i, 3.0)
        info.wait_for_publish(10)
        _shut(pub)

    publisher = threading.Thread(target=publish_later, daemon=True)
    publisher.start()
    out = StringIO()
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}  # the command sets its own
    try:
        call_command("ingest-mqtt", "--broker", "127.0.0.1:1883", "--client-id", f"anjian-cmd-{run}",
                     "--topic", f"anjian/cmd-{run}/#", "--duration", "5", stdout=out)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    publisher.join(10)
    assert Reading.objects.filter(sensor=sensor).count() == 50
    assert "stored 50" in out.getvalue() and "connects 1" in out.getvalue()
    assert tuned == [True]


def _member_session(client_id: str, topic: str) -> None:
    """A persistent MQTT 5 session subscribed to ``topic``, left for its owner to take over: the
    broker queues what is published meanwhile (the command's children take a while to start)."""
    props = Properties(PacketTypes.CONNECT)
    props.SessionExpiryInterval = 600
    client = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
    subscribed = threading.Event()
    client.on_subscribe = lambda *_a: subscribed.set()
    client.connect("127.0.0.1", 1883, clean_start=True, properties=props)
    client.loop_start()
    client.subscribe(topic, qos=1)
    assert subscribed.wait(10), "SUBACK"
    client.disconnect()
    client.loop_stop()


def _children(pid: int) -> list[int]:
    path = f"/proc/{pid}/task/{pid}/children"
    try:
        with open(path) as fh:
            return [int(p) for p in fh.read().split()]
    except OSError:
        return []


@pytest.mark.mqtt
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_ingest_mqtt_processes_share_the_subscription_restart_a_crash_and_stop_on_sigterm(world):
    """``anjian ingest-mqtt --processes 2`` (a real process, against the Mosquitto on 1883): two
    children on one shared subscription store every reading exactly once, a child killed with
    SIGKILL is started again (its unacknowledged messages come back), SIGTERM stops everything
    after a flush."""
    _need(_reachable("127.0.0.1", 1883), "Mosquitto is not reachable on 127.0.0.1:1883")
    if connection.vendor != "postgresql":
        pytest.skip("the children need a database other processes can open (SQLite tests run in memory)")
    run = uuid.uuid4().hex[:10]
    codes = [f"P{run}-{i}" for i in range(4)]
    sensors = [make_sensor(world, code=code, high=None, high_high=None, expected_interval_s=3600) for code in codes]
    s = connection.settings_dict
    url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "ANJIAN_TESTING": "1", "DEBUG": "0"}
    root = Path(__file__).resolve().parents[2]
    cmd = [sys.executable, str(root / "manage.py"), "ingest-mqtt", "--processes", "2", "--client-id", f"anjian-proc-{run}",
           "--topic", f"anjian/proc-{run}/#", "--share-group", f"g{run}", "--flush-ms", "100"]
    for i in range(2):  # the members' persistent sessions exist before anything is published
        _member_session(f"anjian-proc-{run}-{i}", f"$share/g{run}/anjian/proc-{run}/#")
    proc = subprocess.Popen(cmd, env=env, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    pub = None
    stored = lambda: Reading.objects.filter(sensor__in=sensors).count()  # noqa: E731
    base = int(timezone.now().timestamp() * 1000) - 120_000
    try:
        pub = _publisher(1883)
        for i in range(200):
            info = _send(pub, f"anjian/proc-{run}/{codes[i % 4]}", codes[i % 4], base + i, 1.0)
        info.wait_for_publish(10)
        assert _wait(lambda: len(_children(proc.pid)) == 2, 120), "two children"
        assert _wait(lambda: stored() == 200, 120), f"stored {stored()}"
        first = _children(proc.pid)
        os.kill(first[0], signal.SIGKILL)
        assert _wait(lambda: len(set(_children(proc.pid)) - set(first)) == 1, 30), "a new child"
        for i in range(200, 300):
            info = _send(pub, f"anjian/proc-{run}/{codes[i % 4]}", codes[i % 4], base + i, 1.0)
        info.wait_for_publish(10)
        assert _wait(lambda: stored() == 300, 120), f"stored {stored()}"
        children = _children(proc.pid)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
    finally:
        _shut(pub)
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err[-3000:]
    assert "processes 2, restarts 1" in out, out + err[-3000:]
    assert not [pid for pid in children if os.path.exists(f"/proc/{pid}")]  # (zombies are reaped by the command)
    got = [(code, int(ts.timestamp() * 1000)) for code, ts in
           Reading.objects.filter(sensor__in=sensors).values_list("sensor__code", "ts")]
    assert sorted(got) == sorted((codes[i % 4], base + i) for i in range(300))  # each exactly once


def test_ack_many_queues_the_bytes_paho_would_send_one_by_one():
    """``_Client.ack_many``: one queued write holding the same PUBACK packets as paho's ``ack``."""
    client = _Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.manual_ack_set(True)
    queued: list[bytes] = []
    client._packet_queue = lambda command, packet, mid, qos, info=None: queued.append(bytes(packet))  # type: ignore[method-assign]
    for mid in (1, 300, 65535):
        client.ack(mid, 1)
    one_by_one, queued[:] = b"".join(queued), []
    client.ack_many([1, 300, 65535])
    assert queued == [one_by_one] and len(one_by_one) == 12
    client.ack_many([])
    assert len(queued) == 1
