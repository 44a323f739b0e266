from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anjian.audit.selectors import timeline_for
from anjian.checklists.selectors import version_for_enterprise
from anjian.core.errors import DomainError
from anjian.core.pagination import keyset_page
from anjian.core.scoping import get_in_scope, has_action
from anjian.core.views import require_action
from anjian.documents.exports import Column, csv_response, xlsx_response
from anjian.grids import services
from anjian.grids.models import PatrolRecord, PatrolStatus, PatrolTask
from anjian.hazards.models import Hazard
from anjian.offline.services import Conflict, captured_time, replay, submit_once
from anjian.offline.views import answer, refusal, wants_json
from anjian.orgs.models import Jurisdiction, JurisdictionLevel
from anjian.orgs.services import boundary_feature

DEFAULT_CHECKLIST = [
    gettext_lazy("安全出口与疏散通道畅通"),
    gettext_lazy("消防器材完好有效"),
    gettext_lazy("电气线路规范"),
    gettext_lazy("危险物品规范存放"),
    gettext_lazy("安全警示标志齐全"),
]
ANSWERS = [("ok", gettext_lazy("合格")), ("bad", gettext_lazy("不合格")), ("na", gettext_lazy("不涉及"))]
MAX_FINDINGS = 3


def checklist() -> list[str]:
    return [str(x) for x in getattr(settings, "PATROL_CHECKLIST", DEFAULT_CHECKLIST)]


@require_action("grids.patrol")
def task_list_view(request: HttpRequest) -> HttpResponse:
    tasks = (PatrolTask.objects.restrict(request.user, "grids.view")
             .filter(status=PatrolStatus.OPEN).filter(inspector=request.user)
             .select_related("enterprise", "grid").order_by("due_date", "id")[:100])
    return render(request, "grids/tasks.html", {"tasks": tasks, "today": timezone.localdate()})


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _patrol_post(request: HttpRequest, task: PatrolTask, items: list[tuple[int, str, Any]],
                 version: Any) -> HttpResponse | None:
    """The patrol form's post: stored once per phone key (a replay answers the first record, even
    after the task closed), a refusal as JSON for the offline queue; None shows the page again."""
    for_queue = wants_json(request)
    key = request.POST.get("idempotency_key")
    try:
        first = replay(actor=request.user, form="grids.patrol", client_key=key)
    except DomainError as exc:
        return refusal(exc)
    if first is not None:
        return answer(request, first)
    if task.status != PatrolStatus.OPEN:
        if for_queue:
            return refusal(Conflict("该巡查任务已办结，本记录未保存", "The patrol task is already closed; "
                                    "the record is not stored", field="task"))
        return None
    findings: list[dict[str, Any]] = []
    if version is not None:
        answers = {item.code: request.POST.get(f"q{i}", "") for i, _t, item in items}
        answers = {k: v if v in dict(ANSWERS) else "" for k, v in answers.items()}
        for i, _text, item in items:
            if answers[item.code] == "bad" and request.POST.get(f"b{i}_report"):
                level = request.POST.get(f"b{i}_level") or ("major" if item.is_major_criterion else "general")
                findings.append({"category": "", "checklist_item": item, "level": level,
                                 "description": request.POST.get(f"b{i}_description", "").strip() or item.text,
                                 "photos": request.FILES.getlist(f"b{i}_photos")})
    else:
        answers = {text: dict(ANSWERS).get(request.POST.get(f"q{i}", ""), "") for i, text, _o in items}
    for i in range(MAX_FINDINGS):
        category = request.POST.get(f"f{i}_category", "").strip()
        description = request.POST.get(f"f{i}_description", "").strip()
        if category or description:
            findings.append({"category": category, "description": description or category,
                             "level": request.POST.get(f"f{i}_level", "general"),
                             "photos": request.FILES.getlist(f"f{i}_photos")})
    try:
        captured = captured_time(request.POST.get("captured_at"))
        outcome = submit_once(
            actor=request.user, form="grids.patrol", client_key=key, captured_at=captured,
            run=lambda: services.patrol_record_create(
                actor=request.user, enterprise=task.enterprise, task=task, lng=_float(request.POST.get("lng")),
                lat=_float(request.POST.get("lat")), accuracy_m=_float(request.POST.get("accuracy_m")),
                answers={k: str(v) for k, v in answers.items()}, note=request.POST.get("note", ""),
                photos=request.FILES.getlist("photos"), findings=findings, checklist_version=version,
                checked_in_at=captured, expected_inspector=request.POST.get("task_inspector"),
                expected_enterprise=request.POST.get("enterprise_stamp"),
            ),
            url=lambda record: reverse("grids:record", args=[record.pk]),
        )
    except DomainError as exc:
        if for_queue:
            return refusal(exc)
        messages.error(request, exc.message)
        return None
    return answer(request, outcome)


@require_action("grids.patrol")
def patrol_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone patrol page. The checklist is the published hazard-inspection version for the
    enterprise's sector (else a general one; else the settings' list); with a version the answers
    are keyed by item code and each 不合格 item can be reported as a hazard in the same submit,
    the item prefilled (category from its text, a 重大 criterion's clause)."""

    task = get_in_scope(PatrolTask.objects.select_related("enterprise", "grid", "enterprise__sector"), request.user,
                        "grids.view", pk=pk)
    version = version_for_enterprise(task.enterprise)
    objs = list(version.items.all()) if version is not None else []
    items: list[tuple[int, str, Any]] = (
        [(i, item.text, item) for i, item in enumerate(objs)] if version is not None
        else [(i, text, None) for i, text in enumerate(checklist())]
    )
    if request.method == "POST":
        answered = _patrol_post(request, task, items, version)
        if answered is not None:
            return answered
    return render(request, "grids/patrol.html", {
        "task": task, "items": items, "answers": ANSWERS, "findings": range(MAX_FINDINGS),
        "max_m": int(services.checkin_max_m()), "post": request.POST, "version": version,
        "enterprise_stamp": services.enterprise_version(task.enterprise),
    })


@require_action("grids.view")
def record_view(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_in_scope(PatrolRecord.objects.select_related("enterprise", "grid", "inspector"), request.user,
                          "grids.view", pk=pk)
    hazards = []
    for event in timeline_for(record).filter(verb="patrol_findings"):
        hazards.extend(event.data.get("hazards", []))

    return render(request, "grids/record.html", {
        "r": record, "events": timeline_for(record),
        "hazards": Hazard.objects.restrict(request.user, "hazards.view").filter(pk__in=hazards),
        "max_m": int(services.checkin_max_m()),
    })


def _month_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    start = today.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return start, end


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    """The period asked for (default: this month); a bad one is reported and the default used."""
    default = _month_bounds(timezone.localdate())
    try:
        return services.coverage_period(request.GET.get("start"), request.GET.get("end"), default=default)
    except DomainError as exc:
        messages.error(request, exc.message)
        return default


def _band_legend() -> list[dict[str, str]]:
    bands = services.COVERAGE_BANDS
    out = []
    for i, (low, colour) in enumerate(bands):
        high = bands[i + 1][0] if i + 1 < len(bands) else None
        label = f"≥ {low:g}%" if high is None else f"{low:g}% – {high:g}%"
        out.append({"colour": colour, "label": label})
    out.append({"colour": services.NO_PLAN_COLOUR, "label": str(_("无计划"))})
    return out


@require_action("grids.view")
def coverage_view(request: HttpRequest) -> HttpResponse:
    start, end = _period(request)
    by = "inspector" if request.GET.get("by") == "inspector" else "grid"
    view = "map" if request.GET.get("view") == "map" else "table"
    if view == "map":
        rows: list[Any] = []
    elif by == "inspector":
        rows = services.inspector_coverage(user=request.user, start=start, end=end)
    else:
        rows = services.grid_coverage(user=request.user, start=start, end=end)
    query = {"start": start.isoformat(), "end": end.isoformat()}
    return render(request, "grids/coverage.html", {
        "rows": rows, "start": start, "end": end, "by": by, "view": view,
        "totals": services.coverage_totals(user=request.user, start=start, end=end),
        "query": urlencode(query), "query_by": urlencode({**query, "by": by}),
        "legend": _band_legend(), "bands": json.dumps([c for _l, c in services.COVERAGE_BANDS]),
        "no_plan_colour": services.NO_PLAN_COLOUR,
        "can_reassign": has_action(request.user, "grids.reassign"),
    })


@require_action("grids.view")
def coverage_geojson_view(request: HttpRequest) -> HttpResponse:
    """The grids in scope as GeoJSON with their coverage over the period (for the map)."""
    default = _month_bounds(timezone.localdate())
    try:
        start, end = services.coverage_period(request.GET.get("start"), request.GET.get("end"), default=default)
    except DomainError as exc:
        return JsonResponse({"detail": exc.message, "zh": exc.zh, "en": exc.en}, status=400)
    text = services.coverage_geojson(user=request.user, start=start, end=end,
                                     url_of=lambda pk: reverse("grids:detail", args=[pk]))
    return HttpResponse(text, content_type="application/geo+json; charset=utf-8")


def coverage_columns(by: str) -> list[Column]:
    """The export's columns, headers in the request's language."""
    if by == "inspector":
        first = [Column(_("网格员"), lambda r: r.get("name") or _("未分配")),
                 Column(_("账号"), lambda r: r.get("inspector__username") or "")]
    else:
        first = [Column(_("网格"), lambda r: r.get("grid__name", "")),
                 Column(_("网格代码"), lambda r: r.get("grid__code", ""))]
    return [
        *first,
        Column(_("计划"), lambda r: r["planned"]),
        Column(_("已巡查"), lambda r: r["done"]),
        Column(_("按时"), lambda r: r["on_time"]),
        Column(_("逾期未巡"), lambda r: r["overdue"]),
        Column(_("完成率(%)"), lambda r: r["rate"]),
        Column(_("按时率(%)"), lambda r: r["on_time_rate"]),
    ]


@require_action("grids.view")
def coverage_export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    start, end = _period(request)
    by = "inspector" if request.GET.get("by") == "inspector" else "grid"
    if by == "inspector":
        rows = services.inspector_coverage(user=request.user, start=start, end=end)
    else:
        rows = services.grid_coverage(user=request.user, start=start, end=end)
    totals = services.coverage_totals(user=request.user, start=start, end=end)
    key = "name" if by == "inspector" else "grid__name"
    rows.append({**totals, key: str(_("合计")), "inspector__username": "", "grid__code": ""})
    label = _("网格员巡查覆盖") if by == "inspector" else _("网格巡查覆盖")
    name = f"{label}-{start:%Y%m%d}-{end:%Y%m%d}"
    if fmt == "csv":
        return csv_response(rows, coverage_columns(by), f"{name}.csv")
    if fmt == "xlsx":
        return xlsx_response(rows, coverage_columns(by), f"{name}.xlsx")
    raise Http404


# --- grids -------------------------------------------------------------------------------


@require_action("grids.view")
def grid_list_view(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    parents = Jurisdiction.objects.restrict(request.user, "grids.view").filter(
        level__in=[JurisdictionLevel.DISTRICT, JurisdictionLevel.STREET]).order_by("path")
    parent = None
    if (raw := request.GET.get("parent", "")).isdigit():
        parent = parents.filter(pk=int(raw)).first()
    qs = services.grid_list(user=request.user, q=q, parent=parent)
    page = keyset_page(qs, request.GET, sort="code", size=50)
    start, end = _month_bounds(timezone.localdate())
    ids = [g.pk for g in page.rows]
    cov = {r["grid_id"]: r for r in services.grid_coverage(user=request.user, start=start, end=end, grid_ids=ids)}
    for g in page.rows:
        g.coverage = cov.get(g.pk)
    return render(request, "grids/list.html", {
        "page": page, "q": q, "parents": parents, "parent": parent, "start": start, "end": end,
    })


@require_action("grids.view")
def grid_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    grid = get_in_scope(Jurisdiction.objects.filter(level=JurisdictionLevel.GRID).select_related("parent"),
                        request.user, "grids.view", pk=pk)
    start, end = _period(request)
    summary = services.grid_summary(user=request.user, grid=grid, start=start, end=end)
    street = grid.ancestors().filter(level=JurisdictionLevel.STREET).last()
    return render(request, "grids/detail.html", {
        "g": grid, "s": summary, "start": start, "end": end, "street": street,
        "ancestors": grid.ancestors(),
        "can_hazards": has_action(request.user, "hazards.view"),
        "can_enterprises": has_action(request.user, "enterprises.view"),
    })


@require_action("grids.view")
def grid_geojson_view(request: HttpRequest, pk: int) -> JsonResponse:
    """The grid's boundary and its key places (points) as GeoJSON."""

    grid = get_in_scope(Jurisdiction.objects.filter(level=JurisdictionLevel.GRID), request.user, "grids.view", pk=pk)
    features = [boundary_feature(grid)] if grid.boundary else []
    summary_places = services.grid_key_place_points(user=request.user, grid=grid)
    features.extend(summary_places)
    return JsonResponse({"type": "FeatureCollection", "features": features}, json_dumps_params={"ensure_ascii": False})


@require_POST
@require_action("grids.reassign")
def reassign_view(request: HttpRequest) -> HttpResponse:
    job = services.reassign_start(actor=request.user)
    messages.success(request, _("已开始全市网格重新归属，可在后台任务查看进度"))
    return redirect("jobs:detail", pk=job.pk)


