"""Vehicle positions over MQTT: monitoring's subscriber (``anjian.monitoring.mqtt.Ingester``:
persistent session, QoS 1, acknowledged only after the batch holding a message has committed,
backpressure, reconnects) fed into ``ingest_positions`` instead of the readings' ingest.

Topic: ``vehicles/<device id>``; payload a JSON object ``{"device"?, "ts", "lng", "lat", "speed",
"crs"?}`` or an array of them (docs/vehicles.md)."""

from __future__ import annotations

from typing import Any

from anjian.monitoring.mqtt import Ingester
from anjian.vehicles.fences import FenceIndex
from anjian.vehicles.ingest import DeviceDirectory, PositionResult, ingest_positions, parse_message

TOPIC = "vehicles/#"


class _Sink:
    """``ingest_positions`` with one geofence index kept across batches (reloaded on its TTL)."""

    def __init__(self) -> None:
        self.fences = FenceIndex()

    def __call__(self, items: list[Any], *, directory: DeviceDirectory) -> PositionResult:
        return ingest_positions(items, directory=directory, fences=self.fences)


def position_ingester(**kw: Any) -> Ingester:
    kw.setdefault("client_id", "anjian-ingest-vehicles")
    kw.setdefault("topics", (TOPIC,))
    return Ingester(parse=parse_message, sink=_Sink(), directory=DeviceDirectory(), result=PositionResult, **kw)
