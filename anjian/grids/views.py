from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anjian.core.errors import DomainError
from anjian.core.scoping import get_in_scope, has_action
from anjian.core.views import require_action
from anjian.grids import services
from anjian.grids.models import PatrolRecord, PatrolStatus, PatrolTask

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


@require_action("grids.patrol")
def patrol_view(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_in_scope(PatrolTask.objects.select_related("enterprise", "grid"), request.user, "grids.view", pk=pk)
    items = checklist()
    if request.method == "POST" and task.status == PatrolStatus.OPEN:
        answers = {item: dict(ANSWERS).get(request.POST.get(f"q{i}", ""), "") for i, item in enumerate(items)}
        findings = []
        for i in range(MAX_FINDINGS):
            category = request.POST.get(f"f{i}_category", "").strip()
            description = request.POST.get(f"f{i}_description", "").strip()
            if category or description:
                findings.append({"category": category, "description": description or category,
                                 "level": request.POST.get(f"f{i}_level", "general"),
                                 "photos": request.FILES.getlist(f"f{i}_photos")})
        try:
            record = services.patrol_record_create(
                actor=request.user, enterprise=task.enterprise, task=task, lng=_float(request.POST.get("lng")),
                lat=_float(request.POST.get("lat")), accuracy_m=_float(request.POST.get("accuracy_m")),
                answers={k: str(v) for k, v in answers.items()}, note=request.POST.get("note", ""),
                photos=request.FILES.getlist("photos"), findings=findings,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("grids:record", pk=record.pk)
    return render(request, "grids/patrol.html", {
        "task": task, "items": list(enumerate(items)), "answers": ANSWERS, "findings": range(MAX_FINDINGS),
        "max_m": int(services.checkin_max_m()), "post": request.POST,
    })


@require_action("grids.view")
def record_view(request: HttpRequest, pk: int) -> HttpResponse:
    from anjian.audit.selectors import timeline_for

    record = get_in_scope(PatrolRecord.objects.select_related("enterprise", "grid", "inspector"), request.user,
                          "grids.view", pk=pk)
    hazards = []
    for event in timeline_for(record).filter(verb="patrol_findings"):
        hazards.extend(event.data.get("hazards", []))
    from anjian.hazards.models import Hazard

    return render(request, "grids/record.html", {
        "r": record, "events": timeline_for(record),
        "hazards": Hazard.objects.restrict(request.user, "hazards.view").filter(pk__in=hazards),
        "max_m": int(services.checkin_max_m()),
    })


def _month_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    start = today.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return start, end


@require_action("grids.view")
def coverage_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    start, end = _month_bounds(today)
    try:
        start = dt.date.fromisoformat(request.GET.get("start") or start.isoformat())
        end = dt.date.fromisoformat(request.GET.get("end") or end.isoformat())
    except ValueError:
        messages.error(request, _("日期格式应为 YYYY-MM-DD"))
    rows = services.grid_coverage(user=request.user, start=start, end=end)
    return render(request, "grids/coverage.html", {
        "rows": rows, "start": start, "end": end,
        "can_reassign": has_action(request.user, "grids.reassign"),
    })


@require_POST
@require_action("grids.reassign")
def reassign_view(request: HttpRequest) -> HttpResponse:
    job = services.reassign_start(actor=request.user)
    messages.success(request, _("已开始全市网格重新归属，可在后台任务查看进度"))
    return redirect("jobs:detail", pk=job.pk)


