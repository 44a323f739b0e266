from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from anjian.audit.selectors import history_for, timeline_for
from anjian.core.errors import DomainError
from anjian.core.pagination import keyset_page
from anjian.core.scoping import can, get_in_scope, has_action
from anjian.core.views import partial_or_full, require_action
from anjian.documents.models import Attachment
from anjian.enterprises.models import Enterprise
from anjian.monitoring import services
from anjian.monitoring.forms import PopulationForm, ReasonForm, SensorForm, SourceForm, rows_from
from anjian.monitoring.models import Alarm, AlarmKind, AlarmStatus, HazardSource, Sensor, SensorState
from anjian.monitoring.selectors import (
    alarm_list,
    alarm_stats,
    hazard_source_list,
    sensor_list,
    sensor_series,
)
from anjian.monitoring.services import ALARM_WORKFLOW


@login_required
def calculator_view(request: HttpRequest) -> HttpResponse:
    """GB 18218 identification and grading without saving anything; any logged-in user."""
    data = request.POST if request.method == "POST" else request.GET
    submitted = request.method == "POST" or "name_0" in request.GET
    rows = rows_from(data)
    form = PopulationForm(data if submitted else None)
    result = errors = None
    if submitted and form.is_valid():
        result, errors = services.assess_rows(rows, form.cleaned_data["exposed_population"])
    return render(
        request, "monitoring/calculator.html",
        {"rows": _row_context(rows, errors), "form": form, "result": result, "errors": errors, "submitted": submitted},
    )


def _row_context(rows: list[services.SubstanceRow], errors: services.RowErrors | None) -> list[dict[str, Any]]:
    return [{"i": i, "row": r, "error": errors.rows.get(i) if errors else None} for i, r in enumerate(rows)]


@require_action("monitoring.view")
def source_list_view(request: HttpRequest) -> HttpResponse:
    filters = {"q": request.GET.get("q", "").strip(), "grade": request.GET.get("grade", "")}
    if filters["grade"] not in {"1", "2", "3", "4"}:
        filters["grade"] = ""
    qs = hazard_source_list(user=request.user, filters=filters)
    page = keyset_page(qs, request.GET, sort="-id", size=20)
    template = partial_or_full(request, "monitoring/sources.html", "monitoring/partials/_sources.html")
    return render(
        request, template,
        {"page": page, "filters": filters, "can_add": has_action(request.user, "monitoring.change"),
         "query": request.GET.urlencode()},
    )


@require_action("monitoring.view")
def source_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_in_scope(HazardSource.objects.select_related("enterprise"), request.user, "monitoring.view", pk=pk)
    tab = request.GET.get("tab", "basic")
    ctx: dict[str, Any] = {
        "s": source, "tab": tab, "substances": source.substances.all(),
        "can_change": can(request.user, "monitoring.change", source),
        "tabs": [("basic", _("基本信息")), ("timeline", _("流程记录")), ("history", _("变更记录"))],
    }
    if tab == "basic":


        ctx["attachments"] = Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(HazardSource), object_id=str(source.pk)
        )
    if tab == "timeline":
        ctx["events"] = timeline_for(source)
    if tab == "history":
        ctx["history"] = history_for(source)
    return render(request, "monitoring/source_detail.html", ctx)


def _enterprises_for(user: Any) -> Any:
    return Enterprise.objects.restrict(user, "monitoring.change").order_by("name")


@require_action("monitoring.change")
def source_create_view(request: HttpRequest) -> HttpResponse:
    enterprises = _enterprises_for(request.user)
    ent_id = request.POST.get("enterprise") or request.GET.get("enterprise")
    form = SourceForm(request.POST or None, request.FILES or None)
    rows = rows_from(request.POST)
    errors = None
    general = ""
    if request.method == "POST":
        ent = enterprises.filter(pk=ent_id).first() if (ent_id or "").isdigit() else None
        if ent is None:
            general = "请选择企业 / Choose the enterprise"
        elif form.is_valid():
            try:
                source = services.hazard_source_create(
                    actor=request.user, enterprise=ent, name=form.cleaned_data["name"],
                    unit_kind=form.cleaned_data["unit_kind"], boundary=form.cleaned_data["boundary"],
                    exposed_population=form.cleaned_data["exposed_population"], substances=rows,
                    filed_on=form.cleaned_data["filed_on"], files=request.FILES.getlist("files"),
                )
                return redirect("monitoring:source", pk=source.pk)
            except services.AssessmentRejected as exc:
                errors = exc.errors
                general = "；".join(exc.errors.general)
            except DomainError as exc:
                general = exc.message
    return render(
        request, "monitoring/source_form.html",
        {"form": form, "rows": _row_context(rows, errors), "enterprises": enterprises, "enterprise_id": ent_id,
         "general": general, "source": None},
    )


@require_action("monitoring.change")
def source_change_view(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_in_scope(HazardSource.objects.select_related("enterprise"), request.user, "monitoring.change", pk=pk)
    if source.retired:
        raise Http404
    if request.method == "POST":
        form = SourceForm(request.POST, request.FILES or None, change=True)
        rows = rows_from(request.POST)
    else:
        form = SourceForm(
            initial={"name": source.name, "unit_kind": source.unit_kind, "boundary": source.boundary,
                     "exposed_population": source.exposed_population, "filed_on": source.filed_on},
            change=True,
        )
        rows = [services.SubstanceRow(s.name, s.cas, f"{s.quantity_t.normalize():f}", s.hazard_classes)
                for s in source.substances.all()]
        rows = rows_from({}) if not rows else rows + rows_from({})[:1]
    errors = None
    general = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.hazard_source_change(
                actor=request.user, source=source, reason=form.cleaned_data["reason"], substances=rows,
                name=form.cleaned_data["name"], unit_kind=form.cleaned_data["unit_kind"],
                boundary=form.cleaned_data["boundary"], exposed_population=form.cleaned_data["exposed_population"],
                filed_on=form.cleaned_data["filed_on"], files=request.FILES.getlist("files"),
            )
            return redirect("monitoring:source", pk=source.pk)
        except services.AssessmentRejected as exc:
            errors = exc.errors
            general = "；".join(exc.errors.general)
        except DomainError as exc:
            general = exc.message
    return render(
        request, "monitoring/source_form.html",
        {"form": form, "rows": _row_context(rows, errors), "general": general, "source": source},
    )


# =============================================================================================
# Sensors, alarms, live views, statistics
# =============================================================================================

RANGES = {"6h": 6, "24h": 24, "7d": 168, "30d": 720}
RANGE_LABELS = [("6h", _("6小时")), ("24h", _("24小时")), ("7d", _("7天")), ("30d", _("30天"))]


@require_action("monitoring.view")
def sensor_list_view(request: HttpRequest) -> HttpResponse:
    filters = {"q": request.GET.get("q", "").strip(), "state": request.GET.get("state", "")}
    if filters["state"] not in SensorState.values:
        filters["state"] = ""
    page = keyset_page(sensor_list(user=request.user, filters=filters), request.GET, sort="code", size=50)
    template = partial_or_full(request, "monitoring/sensors.html", "monitoring/partials/_sensors.html")
    return render(request, template, {"page": page, "filters": filters, "states": SensorState.choices,
                                      "query": request.GET.urlencode(),
                                      "can_add": has_action(request.user, "monitoring.change")})


def _sensor_form_view(request: HttpRequest, sensor: Any = None) -> HttpResponse:
    form = SensorForm(request.POST or None, sensor=sensor, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            if sensor is None:
                sensor = services.sensor_create(
                    actor=request.user, enterprise=form.cleaned_data["enterprise"], code=form.cleaned_data["code"],
                    data=form.service_data(),
                )
            else:
                services.sensor_update(actor=request.user, sensor=sensor, data=form.service_data(),
                                       reason=form.cleaned_data.get("reason", ""))
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("monitoring:sensor", pk=sensor.pk)
    return render(request, "monitoring/sensor_form.html", {"form": form, "sensor": sensor})


@require_action("monitoring.change")
def sensor_create_view(request: HttpRequest) -> HttpResponse:
    return _sensor_form_view(request)


@require_action("monitoring.change")
def sensor_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    sensor = get_in_scope(Sensor.objects.select_related("enterprise"), request.user, "monitoring.change", pk=pk)
    return _sensor_form_view(request, sensor)


@require_action("monitoring.change")
def sensor_enable_view(request: HttpRequest, pk: int, enable: bool) -> HttpResponse:
    """POST only: deactivate (with a reason) or reactivate a sensor."""

    sensor = get_in_scope(Sensor.objects.select_related("enterprise"), request.user, "monitoring.change", pk=pk)
    if request.method != "POST":
        return redirect("monitoring:sensor", pk=sensor.pk)
    reason = request.POST.get("reason", "").strip()
    try:
        if enable:
            services.sensor_reactivate(actor=request.user, sensor=sensor, reason=reason)
        else:
            services.sensor_deactivate(actor=request.user, sensor=sensor, reason=reason)
    except DomainError as exc:
        form = ReasonForm(request.POST)
        form.is_valid()
        form.errors.clear()  # the service's message (zh / en) replaces the form's own
        form.add_error("reason", exc.message)
        return _sensor_detail(request, sensor, reason_form=form, status=400)
    return redirect("monitoring:sensor", pk=sensor.pk)


@require_action("monitoring.view")
def sensor_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    sensor = get_in_scope(Sensor.objects.select_related("enterprise", "source"), request.user, "monitoring.view", pk=pk)
    return _sensor_detail(request, sensor)


def _sensor_detail(request: HttpRequest, sensor: Any, reason_form: Any = None, status: int = 200) -> HttpResponse:
    rng = request.GET.get("range", "6h")
    if rng not in RANGES:
        rng = "6h"
    return render(request, "monitoring/sensor_detail.html", {
        "sensor": sensor, "range": rng, "ranges": RANGE_LABELS,
        "alarms": sensor.alarms.order_by("-raised_at")[:20],
        "can_change": can(request.user, "monitoring.change", sensor),
        "reason_form": reason_form or ReasonForm(), "events": timeline_for(sensor),
    }, status=status)


@require_action("monitoring.view")
def sensor_series_view(request: HttpRequest, pk: int) -> HttpResponse:


    sensor = get_in_scope(Sensor.objects.all(), request.user, "monitoring.view", pk=pk)
    hours = RANGES.get(request.GET.get("range", "6h"), 6)
    points = sensor_series(sensor=sensor, hours=hours)
    return JsonResponse({
        "unit": sensor.unit, "low": sensor.low, "high": sensor.high, "high_high": sensor.high_high,
        "points": [[ts.isoformat(), v, peak] for ts, v, peak in points],
    })


@require_action("monitoring.view")
def alarm_list_view(request: HttpRequest) -> HttpResponse:
    filters = {"status": request.GET.get("status", ""), "kind": request.GET.get("kind", "")}
    if filters["status"] not in AlarmStatus.values:
        filters["status"] = ""
    if filters["kind"] not in AlarmKind.values:
        filters["kind"] = ""
    page = keyset_page(alarm_list(user=request.user, filters=filters), request.GET, sort="-raised_at", size=30)
    template = partial_or_full(request, "monitoring/alarms.html", "monitoring/partials/_alarms.html")
    return render(request, template, {"page": page, "filters": filters, "statuses": AlarmStatus.choices,
                                      "kinds": AlarmKind.choices, "query": request.GET.urlencode()})


@require_action("monitoring.view")
def alarm_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    alarm = get_in_scope(Alarm.objects.select_related("sensor", "enterprise"), request.user, "monitoring.view", pk=pk)
    error = ""
    if request.method == "POST":
        op, note = request.POST.get("op", ""), request.POST.get("note", "").strip()
        try:
            if op == "ack":
                services.alarm_acknowledge(actor=request.user, alarm=alarm, note=note)
            elif op == "handle":
                services.alarm_handle(actor=request.user, alarm=alarm, note=note, real=request.POST.get("real") == "1")
            elif op == "close":
                services.alarm_close(actor=request.user, alarm=alarm, note=note)
            elif op == "false":
                services.alarm_close(actor=request.user, alarm=alarm, note=note or "误报", false_alarm=True,
                                     false_reason=request.POST.get("false_reason", ""))
            else:
                raise DomainError("未知操作", "Unknown operation")
            return redirect("monitoring:alarm", pk=alarm.pk)
        except DomainError as exc:
            if exc.status == 404:
                raise Http404 from exc
            error = exc.message

    moves = {t.target for t in ALARM_WORKFLOW.available(alarm, request.user)}
    return render(request, "monitoring/alarm_detail.html", {
        "alarm": alarm, "events": timeline_for(alarm), "error": error, "moves": moves, "post": request.POST,
    })


@require_action("monitoring.view")
def live_view(request: HttpRequest, enterprise_pk: int) -> HttpResponse:
    ent = get_in_scope(Enterprise.objects.all(), request.user, "monitoring.view", pk=enterprise_pk)
    ctx = {
        "e": ent,
        "sensors": sensor_list(user=request.user, filters={"enterprise": ent.pk}).order_by("code")[:500],
        "alarms": alarm_list(user=request.user, filters={"enterprise": ent.pk}).filter(active=True)[:50],
    }
    template = partial_or_full(request, "monitoring/live.html", "monitoring/partials/_live.html")
    return render(request, template, ctx)


@require_action("monitoring.view")
def map_view(request: HttpRequest) -> HttpResponse:
    return render(request, "monitoring/map.html")


@require_action("monitoring.view")
def map_points_view(request: HttpRequest) -> HttpResponse:
    """Sensors as GeoJSON with their state (the sensor's point, else its enterprise's)."""

    rows = (
        sensor_list(user=request.user)
        .annotate(x=Coalesce("lng", "enterprise__lng"), y=Coalesce("lat", "enterprise__lat"))
        .filter(x__isnull=False, y__isnull=False)
        .values("pk", "code", "name", "state", "x", "y", "last_value", "unit", "enterprise__name")[:20000]
    )
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [r["x"], r["y"]]},
         "properties": {"id": r["pk"], "code": r["code"], "name": r["name"], "state": r["state"],
                        "value": r["last_value"], "unit": r["unit"], "enterprise": r["enterprise__name"],
                        "url": f"/monitoring/sensors/{r['pk']}/"}}
        for r in rows
    ]
    counts: dict[str, int] = {}
    for f in features:
        counts[f["properties"]["state"]] = counts.get(f["properties"]["state"], 0) + 1
    return JsonResponse({"type": "FeatureCollection", "features": features, "counts": counts})


@require_action("monitoring.view")
def stats_view(request: HttpRequest) -> HttpResponse:
    try:
        days = min(max(int(request.GET.get("days", 30)), 1), 365)
    except ValueError:
        days = 30
    return render(request, "monitoring/stats.html", {"stats": alarm_stats(user=request.user, days=days)})
