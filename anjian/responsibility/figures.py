"""The platform's figures an automatic indicator reads, for one unit and one period, each with a
link to the records it came from. This module sits on the top layer (like ``dashboard``): it reads
the accidents, hazards, committee, enforcement, emergency, training and public-report apps; none of
them imports it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone

from anjian.accidents.models import Accident, Accountability
from anjian.accidents.selectors import in_area
from anjian.committee.selectors import tasks_for_unit
from anjian.emergency.models import Drill
from anjian.enforcement.models import Inspection, InspectionStatus
from anjian.hazards.models import RECTIFICATION_STATUSES, Hazard, HazardStatus
from anjian.orgs.models import Jurisdiction
from anjian.public_reports.models import Report as PublicReport
from anjian.rules import assessment as rules
from anjian.training.models import Attendance

M = rules.Metric
# Accountability measures that hold a cadre to account (领导干部问责) for the veto.
CADRE_MEASURES = ("discipline", "organisational", "judiciary")


@dataclass(frozen=True)
class Figure:
    value: Decimal | None
    text: str
    url: str


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _period_q(field: str, start: dt.date, end: dt.date) -> Q:
    return Q(**{f"{field}__gte": _start(start), f"{field}__lt": _start(end + dt.timedelta(days=1))})


def _area_q(jurisdiction: Jurisdiction, department: Any) -> Q:
    if department is not None:
        return Q(department=department)
    return Q(jurisdiction__path__startswith=jurisdiction.path)


def _link(name: str, jurisdiction: Jurisdiction, department: Any, **params: Any) -> str:
    query = {k: v for k, v in params.items() if v not in (None, "")}
    if department is None:
        query["jurisdiction"] = jurisdiction.code
    return f"{reverse(name)}?{urlencode(query)}"


def accidents_in(jurisdiction: Jurisdiction, department: Any, start: dt.date, end: dt.date) -> Any:
    qs = Accident.objects.filter(_period_q("occurred_at", start, end), kind="accident")
    return qs.filter(department=department) if department is not None else qs.filter(in_area(jurisdiction))


def figure(metric: str, *, jurisdiction: Jurisdiction, department: Any, start: dt.date, end: dt.date,
           letter_acknowledged: bool | None = None) -> Figure:
    """One unit's figure for ``metric`` over [start, end]."""
    if metric in (M.DEATHS, M.LARGER_ACCIDENTS):
        acc = accidents_in(jurisdiction, department, start, end)
        url = _link("accidents:list", jurisdiction, department, start=start.isoformat(), end=end.isoformat())
        if metric == M.DEATHS:
            deaths = acc.aggregate(n=Sum("deaths"))["n"] or 0
            return Figure(Decimal(deaths), f"事故 {acc.count()} 起，死亡 {deaths} 人", url)
        n = acc.filter(grade__gte=2).count()
        return Figure(Decimal(n), f"较大及以上事故 {n} 起", url + "&grade=2")
    if metric in (M.HAZARD_RECTIFICATION, M.OVERDUE_HAZARDS):
        hz = Hazard.objects.filter(_area_q(jurisdiction, department)).exclude(status=HazardStatus.REJECTED)
        if metric == M.HAZARD_RECTIFICATION:
            found_qs = hz.filter(_period_q("found_at", start, end))
            found = found_qs.count()
            done = found_qs.filter(status=HazardStatus.WRITTEN_OFF).count()
            r = rules.rate(done, found)
            return Figure(r, f"发现 {found} 项，已销号 {done} 项", _link("hazards:list", jurisdiction, department))
        at = min(timezone.now(), _start(end + dt.timedelta(days=1)))
        n = hz.filter(status__in=RECTIFICATION_STATUSES, deadline__lt=at).count()
        return Figure(Decimal(n), f"逾期未整改 {n} 项", _link("hazards:list", jurisdiction, department, overdue="on"))
    if metric == M.TASKS_ON_TIME:
        today = timezone.localdate()
        due = list(tasks_for_unit(jurisdiction=jurisdiction, department=department, start=start, end=min(end, today)))
        on_time = sum(1 for t in due if t.on_time)
        return Figure(rules.rate(on_time, len(due)), f"到期督办任务 {len(due)} 项，按时反馈 {on_time} 项",
                      reverse("committee:tasks"))
    if metric == M.INSPECTIONS_DONE:
        n = Inspection.objects.filter(_area_q(jurisdiction, department), _period_q("ended_at", start, end),
                                      status=InspectionStatus.DONE).count()
        return Figure(Decimal(n), f"完成执法检查 {n} 次", _link("enforcement:inspections", jurisdiction, department))
    if metric == M.DRILLS_DONE:
        n = Drill.objects.filter(_area_q(jurisdiction, department), held_on__gte=start, held_on__lte=end).count()
        return Figure(Decimal(n), f"开展应急演练 {n} 次", _link("emergency:drills", jurisdiction, department))
    if metric == M.PEOPLE_TRAINED:
        area = (Q(session__department=department) if department is not None
                else Q(trainee__jurisdiction__path__startswith=jurisdiction.path))
        n = (Attendance.objects.filter(area, _period_q("signed_at", start, end))
             .values("trainee").distinct().count())
        return Figure(Decimal(n), f"参加安全培训 {n} 人", _link("training:sessions", jurisdiction, department))
    if metric == M.REPORTS_ON_TIME:
        last = min(end, timezone.localdate() - dt.timedelta(days=1))  # a report due today may still be handled
        due = PublicReport.objects.filter(_area_q(jurisdiction, department), handling_due__gte=start,
                                          handling_due__lte=last)
        total = due.count()
        on_time = sum(1 for handled_at, due_on in due.values_list("handled_at", "handling_due")
                      if handled_at is not None and timezone.localdate(handled_at) <= due_on)
        return Figure(rules.rate(on_time, total), f"到期举报 {total} 件，按期办结 {on_time} 件",
                      _link("public_reports:inbox", jurisdiction, department))
    if metric == M.LETTER_ACKNOWLEDGED:
        ok = bool(letter_acknowledged)
        return Figure(Decimal(100 if ok else 0), "责任书已签收" if ok else "责任书未签收",
                      reverse("responsibility:letters"))
    return Figure(None, "", "")


def veto_reasons(*, jurisdiction: Jurisdiction, department: Any, start: dt.date, end: dt.date, veto_grade: int,
                 accountability: bool) -> list[tuple[str, str]]:
    """The reasons (text, link) to veto a unit: accidents of the veto grade in its area, and cadres
    held to account for accidents there (条例493 Art. 3; docs/responsibility.md)."""
    acc = accidents_in(jurisdiction, department, start, end)
    out = [(f"{timezone.localtime(a.occurred_at):%Y-%m-%d} {a.unit_name} {a.get_grade_display()}（死亡 {a.deaths} 人）",
            reverse("accidents:detail", args=[a.pk])) for a in acc.filter(grade__gte=veto_grade)]
    if accountability:
        for ac in Accountability.objects.filter(accident__in=acc, subject_kind="person",
                                                measure__in=CADRE_MEASURES).select_related("accident"):
            out.append((f"领导干部问责：{ac.name}{('（' + ac.position + '）') if ac.position else ''} "
                        f"{ac.get_measure_display()}", reverse("accidents:detail", args=[ac.accident_id])))
    return out
