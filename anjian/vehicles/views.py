from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from anjian.audit.selectors import timeline_for
from anjian.core.errors import DomainError
from anjian.core.pagination import keyset_page
from anjian.core.scoping import can, get_in_scope, has_action
from anjian.core.views import partial_or_full, require_action
from anjian.documents.exports import Column, csv_response, xlsx_response
from anjian.vehicles import selectors, services
from anjian.vehicles.forms import GeofenceForm, PermitForm, VehicleForm
from anjian.vehicles.models import Geofence, GeofenceKind, Permit, Vehicle, VehicleKind


def _filters(request: HttpRequest) -> dict[str, str]:
    kind = request.GET.get("kind", "")
    return {"q": request.GET.get("q", "").strip()[:100], "kind": kind if kind in VehicleKind.values else ""}


@require_action("vehicles.view")
def vehicle_list_view(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    page = keyset_page(selectors.vehicle_list(user=request.user, filters=filters), request.GET, sort="plate", size=20)
    template = partial_or_full(request, "vehicles/vehicles.html", "vehicles/partials/_vehicles.html")
    return render(request, template, {
        "page": page, "filters": filters, "kinds": VehicleKind.choices, "query": request.GET.urlencode(),
        "can_add": has_action(request.user, "vehicles.change"),
    })


def _columns() -> list[Column]:
    def local(ts: Any) -> str:
        return timezone.localtime(ts).strftime("%Y-%m-%d %H:%M:%S") if ts else ""

    return [
        Column(_t("车牌号"), lambda v: v.plate),
        Column(_t("车辆类型"), lambda v: v.get_kind_display()),
        Column(_t("运输企业"), lambda v: v.carrier.name),
        Column(_t("危险货物类别"), lambda v: v.get_cargo_class_display() if v.cargo_class else ""),
        Column(_t("联合国编号"), lambda v: v.un_number),
        Column(_t("货物名称"), lambda v: v.cargo_name),
        Column(_t("核定载客"), lambda v: v.seats if v.seats is not None else ""),
        Column(_t("车载终端编号"), lambda v: v.device_id),
        Column(_t("核定线路"), lambda v: v.route.name if v.route_id else ""),
        Column(_t("最新定位时间"), lambda v: local(v.last_ts)),
        Column(_t("速度（公里/小时）"), lambda v: v.last_speed if v.last_speed is not None else ""),
        Column(_t("启用"), lambda v: _t("是") if v.enabled else _t("否")),
    ]


@require_action("vehicles.view")
def vehicle_export_view(request: HttpRequest) -> HttpResponse:
    rows = selectors.vehicle_list(user=request.user, filters=_filters(request)).order_by("plate").iterator(chunk_size=2000)
    name = _t("两客一危车辆")
    if request.GET.get("format") == "csv":
        return csv_response(rows, _columns(), f"{name}.csv")
    return xlsx_response(rows, _columns(), f"{name}.xlsx")


def _vehicle_detail(request: HttpRequest, vehicle: Vehicle, *, permit_form: PermitForm | None = None,
                    error: str = "", status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    permits = [(p, services.permit_state(p, today)) for p in vehicle.permits.all()]
    alarms = (selectors.vehicle_alarms(user=request.user).filter(vehicle=vehicle)
              .select_related("alarm", "geofence").order_by("-alarm__raised_at")[:20])
    return render(request, "vehicles/vehicle_detail.html", {
        "v": vehicle, "permits": permits, "alarms": alarms, "events": timeline_for(vehicle),
        "can_change": can(request.user, "vehicles.change", vehicle),
        "permit_form": permit_form or PermitForm(), "error": error,
    }, status=status)


@require_action("vehicles.view")
def vehicle_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    vehicle = get_in_scope(Vehicle.objects.select_related("carrier", "route"), request.user, "vehicles.view", pk=pk)
    return _vehicle_detail(request, vehicle)


def _vehicle_form_view(request: HttpRequest, vehicle: Vehicle | None = None) -> HttpResponse:
    form = VehicleForm(request.POST or None, vehicle=vehicle, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            if vehicle is None:
                vehicle = services.vehicle_create(actor=request.user, carrier=form.cleaned_data["carrier"],
                                                  data=form.service_data())
            else:
                services.vehicle_update(actor=request.user, vehicle=vehicle, data=form.service_data(),
                                        reason=form.cleaned_data.get("reason", ""))
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("vehicles:detail", pk=vehicle.pk)
    return render(request, "vehicles/vehicle_form.html", {"form": form, "v": vehicle})


@require_action("vehicles.change")
def vehicle_create_view(request: HttpRequest) -> HttpResponse:
    return _vehicle_form_view(request)


@require_action("vehicles.change")
def vehicle_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    vehicle = get_in_scope(Vehicle.objects.select_related("carrier"), request.user, "vehicles.change", pk=pk)
    return _vehicle_form_view(request, vehicle)


@require_action("vehicles.change")
def vehicle_enable_view(request: HttpRequest, pk: int, enable: bool) -> HttpResponse:
    vehicle = get_in_scope(Vehicle.objects.select_related("carrier", "route"), request.user, "vehicles.change", pk=pk)
    if request.method != "POST":
        return redirect("vehicles:detail", pk=vehicle.pk)
    try:
        services.vehicle_set_enabled(actor=request.user, vehicle=vehicle, enabled=enable,
                                     reason=request.POST.get("reason", ""))
    except DomainError as exc:
        return _vehicle_detail(request, vehicle, error=exc.message, status=400)
    return redirect("vehicles:detail", pk=vehicle.pk)


@require_action("vehicles.change")
def permit_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    vehicle = get_in_scope(Vehicle.objects.select_related("carrier", "route"), request.user, "vehicles.change", pk=pk)
    if request.method != "POST":
        return redirect("vehicles:detail", pk=vehicle.pk)
    form = PermitForm(request.POST)
    if form.is_valid():
        try:
            services.permit_add(actor=request.user, vehicle=vehicle, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("vehicles:detail", pk=vehicle.pk)
    return _vehicle_detail(request, vehicle, permit_form=form, status=400)


@require_action("vehicles.change")
def permit_remove_view(request: HttpRequest, pk: int, permit_pk: int) -> HttpResponse:
    vehicle = get_in_scope(Vehicle.objects.select_related("carrier"), request.user, "vehicles.change", pk=pk)
    permit = get_in_scope(Permit.objects.filter(vehicle=vehicle), request.user, "vehicles.change", pk=permit_pk)
    if request.method == "POST":
        services.permit_remove(actor=request.user, permit=permit)
    return redirect("vehicles:detail", pk=vehicle.pk)


# --- geofences --------------------------------------------------------------------------------


@require_action("vehicles.view")
def geofence_list_view(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    filters = {"kind": kind if kind in GeofenceKind.values else "", "q": request.GET.get("q", "").strip()[:100]}
    page = keyset_page(selectors.geofence_list(user=request.user, filters=filters), request.GET, sort="name", size=20)
    template = partial_or_full(request, "vehicles/geofences.html", "vehicles/partials/_geofences.html")
    return render(request, template, {
        "page": page, "filters": filters, "kinds": GeofenceKind.choices,
        "can_add": has_action(request.user, "vehicles.manage"),
    })


def _geofence_form_view(request: HttpRequest, fence: Geofence | None = None) -> HttpResponse:
    form = GeofenceForm(request.POST or None, fence=fence, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            if fence is None:
                fence = services.geofence_create(actor=request.user, jurisdiction=form.cleaned_data["jurisdiction"],
                                                 data=form.service_data())
            else:
                services.geofence_update(actor=request.user, fence=fence, data=form.service_data(),
                                         reason=form.cleaned_data.get("reason", ""))
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("vehicles:geofence", pk=fence.pk)
    return render(request, "vehicles/geofence_form.html", {"form": form, "fence": fence})


@require_action("vehicles.manage")
def geofence_create_view(request: HttpRequest) -> HttpResponse:
    return _geofence_form_view(request)


@require_action("vehicles.manage")
def geofence_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    fence = get_in_scope(Geofence.objects.select_related("jurisdiction"), request.user, "vehicles.manage", pk=pk)
    return _geofence_form_view(request, fence)


@require_action("vehicles.view")
def geofence_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    fence = get_in_scope(Geofence.objects.select_related("jurisdiction"), request.user, "vehicles.view", pk=pk)
    if request.method == "POST" and can(request.user, "vehicles.manage", fence):
        services.geofence_set_enabled(actor=request.user, fence=fence, enabled=request.POST.get("enable") == "1")
        return redirect("vehicles:geofence", pk=fence.pk)
    return render(request, "vehicles/geofence_detail.html", {
        "f": fence, "events": timeline_for(fence), "can_manage": can(request.user, "vehicles.manage", fence),
        "geometry_json": json.dumps(fence.geometry),
        "kinds_label": services.vehicle_kinds_label(fence.vehicle_kinds),
        "vehicles": fence.vehicles.restrict(request.user, "vehicles.view").select_related("carrier")[:50],
    })


# --- the live map -------------------------------------------------------------------------------


@require_action("vehicles.view")
def map_view(request: HttpRequest) -> HttpResponse:
    vehicles = selectors.vehicle_list(user=request.user).filter(last_ts__isnull=False).order_by("plate")
    start, end = selectors.default_span()
    return render(request, "vehicles/map.html", {
        "vehicles": vehicles.values("id", "plate")[:2000],
        "start": timezone.localtime(start).strftime("%Y-%m-%dT%H:%M"),
        "end": timezone.localtime(end).strftime("%Y-%m-%dT%H:%M"),
        "chosen": request.GET.get("vehicle", ""),
    })


ALARM_LABELS = {"no_go": _("驶入禁行区域"), "off_route": _("偏离核定线路"), "off_hours": _("非核定时段通行"), "speeding": _("超速")}


@require_action("vehicles.view")
def live_json_view(request: HttpRequest) -> HttpResponse:
    """Latest positions as GeoJSON, with their active alarms (refreshed by the map every 10 s)."""
    features = []
    counts = {"total": 0, "alarm": 0}
    for r in selectors.live_positions(user=request.user):
        counts["total"] += 1
        counts["alarm"] += bool(r["alarms"])
        features.append({
            "type": "Feature", "geometry": {"type": "Point", "coordinates": [r["last_lng"], r["last_lat"]]},
            "properties": {
                "id": r["id"], "plate": r["plate"], "kind": str(VehicleKind(r["kind"]).label),
                "carrier": r["carrier__name"], "speed": r["last_speed"],
                "time": timezone.localtime(r["last_ts"]).strftime("%m-%d %H:%M:%S"),
                "alarms": [str(ALARM_LABELS.get(k, k)) for k in r["alarms"]], "url": f"/vehicles/{r['id']}/",
            },
        })
    return JsonResponse({"type": "FeatureCollection", "features": features, "counts": counts})


@require_action("vehicles.view")
def fences_json_view(request: HttpRequest) -> HttpResponse:
    features = [
        {"type": "Feature", "geometry": f.geometry,
         "properties": {"id": f.pk, "name": f.name, "kind": f.kind, "label": str(GeofenceKind(f.kind).label),
                        "corridor_m": f.corridor_m, "enabled": f.enabled, "url": f"/vehicles/geofences/{f.pk}/"}}
        for f in selectors.geofence_list(user=request.user).filter(enabled=True)[:2000]
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


def _when(value: str, default: dt.datetime) -> dt.datetime:
    parsed = parse_datetime(value.strip()) if value else None
    if parsed is None:
        return default
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    lo = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
    hi = dt.datetime(2199, 12, 31, tzinfo=dt.UTC)
    return min(max(parsed, lo), hi)


@require_action("vehicles.view")
def track_json_view(request: HttpRequest, pk: int) -> HttpResponse:
    vehicle = get_in_scope(Vehicle.objects.all(), request.user, "vehicles.view", pk=pk)
    d_start, d_end = selectors.default_span()
    try:
        start, end = _when(request.GET.get("start", ""), d_start), _when(request.GET.get("end", ""), d_end)
    except ValueError:
        start, end = d_start, d_end
    rows = selectors.track(vehicle=vehicle, start=start, end=end) if start <= end else []
    alarms = (selectors.vehicle_alarms(user=request.user)
              .filter(vehicle=vehicle, alarm__raised_at__gte=start, alarm__raised_at__lte=end)
              .select_related("alarm")[:500])
    return JsonResponse({
        "plate": vehicle.plate,
        "points": [[lng, lat] for _ts, lng, lat, _s in rows],
        "times": [timezone.localtime(ts).strftime("%m-%d %H:%M:%S") for ts, *_rest in rows],
        "speeds": [s for *_rest, s in rows],
        "alarms": [{"lng": a.lng, "lat": a.lat, "kind": a.alarm.get_kind_display(), "url": f"/monitoring/alarms/{a.alarm_id}/",
                    "time": timezone.localtime(a.alarm.raised_at).strftime("%m-%d %H:%M:%S")} for a in alarms],
    })
