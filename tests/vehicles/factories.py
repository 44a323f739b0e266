from __future__ import annotations

from typing import Any

from anjian.vehicles.services import geofence_create, vehicle_create

# World: district A is lng 114.0–114.2, B 114.2–114.4, lat 22.0–22.4.
NO_GO = {"type": "Polygon", "coordinates": [[[114.05, 22.05], [114.08, 22.05], [114.08, 22.08], [114.05, 22.08], [114.05, 22.05]]]}
ROUTE = {"type": "LineString", "coordinates": [[114.01, 22.01], [114.19, 22.01]]}  # along lat 22.01


def make_vehicle(world: Any, plate: str = "粤A12345", device: str = "DEV-1", carrier: Any = None, **data: Any) -> Any:
    values = {"plate": plate, "kind": "hazmat", "cargo_class": "3", "un_number": "1203", "cargo_name": "汽油",
              "device_id": device}
    values.update(data)
    return vehicle_create(actor=None, carrier=carrier or world.ent_a, data=values)


def make_no_go(world: Any, name: str = "市中心禁行区", **data: Any) -> Any:
    values = {"name": name, "kind": "no_go", "geometry": NO_GO}
    values.update(data)
    return geofence_create(actor=None, jurisdiction=data.pop("jurisdiction", world.district_a), data=values)


def make_route(world: Any, name: str = "危化品运输线路一", **data: Any) -> Any:
    values = {"name": name, "kind": "route", "geometry": ROUTE, "corridor_m": 400}
    values.update(data)
    return geofence_create(actor=None, jurisdiction=world.district_a, data=values)
