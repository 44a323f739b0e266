"""The demo's 两客一危 vehicles (docs/vehicles.md): three carriers (enterprises of the first
district), their vehicles with permits, a no-go area for hazardous goods round the district's
centre, a permitted route across the district (05:00–23:00), a 30 km/h zone, and the last hour of
positions through the real ingest — one tanker enters the no-go area, one coach speeds (both alarms raised through
monitoring's alarm services; the first acknowledged)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from anjian.enterprises.models import Enterprise
from anjian.monitoring.models import Alarm
from anjian.monitoring.services import alarm_acknowledge
from anjian.vehicles.fences import FenceIndex
from anjian.vehicles.ingest import RawPosition, ingest_positions
from anjian.vehicles.services import geofence_create, permit_add, vehicle_create
from anjian.vehicles.simulate import Simulator, SimVehicle


@transaction.atomic
def build_vehicles(builder: Any) -> dict[str, int]:
    district = builder.districts[0]
    cx, cy = district.center_lng, district.center_lat
    w = (district.max_lng - district.min_lng) / 2
    h = (district.max_lat - district.min_lat) / 2
    # three of the district's enterprises act as carriers (the register keeps its size: the demo's
    # signature counts enterprises)
    showcase = {e.pk for e in builder.showcase}
    carriers = [e for e in Enterprise.objects.filter(jurisdiction__path__startswith=district.path, is_synthetic=True)
                .order_by("id")[:20] if e.pk not in showcase][:3]
    r = min(w, h) * 0.12
    no_go = geofence_create(actor=None, jurisdiction=district, data={
        "name": "中心城区危险货物运输车辆禁行区", "kind": "no_go", "vehicle_kinds": ["hazmat"],
        "geometry": {"type": "Polygon", "coordinates": [[[cx - r, cy - r], [cx + r, cy - r], [cx + r, cy + r],
                                                         [cx - r, cy + r], [cx - r, cy - r]]]}})
    line = [(cx - w * 0.8, cy - h * 0.5), (cx - w * 0.2, cy - h * 0.45), (cx + w * 0.3, cy - h * 0.6),
            (cx + w * 0.8, cy - h * 0.55)]
    route = geofence_create(actor=None, jurisdiction=district, data={
        "name": "危化品运输核定线路（港区—化工园）", "kind": "route", "corridor_m": 300, "windows": "05:00-23:00",
        "geometry": {"type": "LineString", "coordinates": [list(p) for p in line]}})
    geofence_create(actor=None, jurisdiction=district, data={
        "name": "学校周边限速区", "kind": "speed", "speed_limit_kmh": 30,
        "geometry": {"type": "Polygon", "coordinates": [[[cx + r * 2, cy + r * 2], [cx + r * 3, cy + r * 2],
                                                         [cx + r * 3, cy + r * 3], [cx + r * 2, cy + r * 3],
                                                         [cx + r * 2, cy + r * 2]]]}})
    today = timezone.localdate()
    specs = [  # plate, kind, carrier, device, cargo
        ("粤B3D101", "hazmat", 0, "GB-HZ-101", ("3", "1203", "汽油")),
        ("粤B3D102", "hazmat", 0, "GB-HZ-102", ("2", "1075", "液化石油气")),
        ("粤B3D103", "hazmat", 0, "GB-HZ-103", ("8", "1789", "盐酸")),
        ("粤B3D104", "hazmat", 0, "GB-HZ-104", ("3", "1230", "甲醇")),
        ("粤B6K201", "coach", 1, "GB-CO-201", None),
        ("粤B6K202", "coach", 1, "GB-CO-202", None),
        ("粤B8L301", "bus", 2, "GB-BU-301", None),
    ]
    vehicles = []
    for plate, kind, c, device, cargo in specs:
        data: dict[str, Any] = {"plate": plate, "kind": kind, "device_id": device}
        if cargo:
            data.update({"cargo_class": cargo[0], "un_number": cargo[1], "cargo_name": cargo[2], "route": route})
        else:
            data["seats"] = 45 if kind == "coach" else 35
        v = vehicle_create(actor=None, carrier=carriers[c], data=data)
        permit_add(actor=None, vehicle=v, kind="transport", number=f"粤交运管深字{440300000 + len(vehicles)}",
                   valid_from=today - dt.timedelta(days=400),
                   valid_until=today + dt.timedelta(days=20 if plate == "粤B3D103" else 700))
        if kind == "hazmat":
            permit_add(actor=None, vehicle=v, kind="hazmat", number=f"危运{2026000 + len(vehicles)}",
                       valid_from=today - dt.timedelta(days=200), valid_until=today + dt.timedelta(days=500))
        vehicles.append(v)
    # the last hour, one report per vehicle every 30 s: tankers on the route (the third drives into
    # the no-go area at the end), coaches and the bus on paths through the district (one speeds)
    sims = []
    for v in vehicles:
        if v.route_id:
            path = line
        else:
            path = [(cx - w * 0.7, cy + h * 0.5), (cx, cy + h * 0.3), (cx + w * 0.7, cy + h * 0.6)]
        sims.append(SimVehicle(v.device_id, path, cruise=45.0 if v.kind == "hazmat" else 60.0))
    sim = Simulator(sims, seed=7, speeding_p=0.0, detour_p=0.0)
    now = timezone.now()
    start = now - dt.timedelta(hours=1)
    fences = FenceIndex()
    stored = raised = 0
    for k in range(120):
        moment = start + dt.timedelta(seconds=30 * k)
        batch = []
        for s in sims:
            lng, lat, speed = sim.step(s, 30)
            if s.device == "GB-HZ-103" and k >= 110:  # off its route, straight into the no-go area
                f = (k - 109) / 10
                lng, lat = cx - w * 0.2 * (1 - f), cy - h * 0.45 * (1 - f)
            if s.device == "GB-CO-201" and 60 <= k < 66:  # a stretch too fast
                speed = 118.0
            batch.append(RawPosition(s.device, int(moment.timestamp() * 1000), lng, lat, speed))
        result = ingest_positions(batch, fences=fences, now=now)
        stored += result.stored
        raised += result.raised
    first = Alarm.objects.filter(subject_key__startswith="vehicle:", kind="speeding").order_by("id").first()
    if first is not None:
        alarm_acknowledge(actor=None, alarm=first, note="已电话提醒驾驶员减速，企业监控员跟踪")
    builder.out(f"  两客一危车辆 {len(vehicles)} 辆，电子围栏 3 个，定位 {stored:,} 条，报警 {raised} 次（禁行区 {no_go.name}）")
    return {"vehicles": len(vehicles), "positions": stored, "vehicle_alarms": raised}
