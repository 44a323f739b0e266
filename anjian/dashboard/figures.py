"""What each role's home page counts (issue 21), each read through the user's scope with the
owning app's selectors:

* an enterprise (its login, a custody provider's contracts): its hazards to rectify, its
  certificates about to expire, its drills due and the state of its monitoring points;
* a grid inspector: today's patrol tasks (and the overdue ones) with their places for the map;
* a street office: what waits for it — hazards to verify (待验收/销号申请待核查) and public reports
  dispatched to it (核查办理中);
* offices and regulators with the cockpit: the cockpit's figures of their scope (``cockpit.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from anjian.core.scoping import has_action, has_action_over_territory
from anjian.emergency.selectors import drill_obligations
from anjian.enterprises.models import Enterprise, Licence
from anjian.grids.models import PatrolStatus, PatrolTask
from anjian.hazards.models import RECTIFICATION_STATUSES, Hazard, HazardStatus
from anjian.hazards.selectors import hazard_list
from anjian.monitoring.models import Alarm, Sensor
from anjian.public_reports.models import ReportStatus
from anjian.public_reports.selectors import report_list

# How far ahead a certificate counts as "expiring" on the home page (the to-do opens at expiry).
LICENCE_WINDOW_DAYS = 90


@dataclass
class OwnEnterprise:
    pk: int
    name: str
    risk_colour: str
    risk_label: str
    hazards_to_fix: int | None = None
    hazards_overdue: int | None = None
    licences_expiring: int | None = None
    licences_expired: int | None = None
    sensors: dict[str, int] | None = None
    alarms_active: int | None = None
    drills_overdue: int | None = None
    drills_soon: int | None = None


def is_enterprise_user(user: Any) -> bool:
    """Home by enterprise: the user sees enterprises, but none through a territory or department."""
    return has_action(user, "enterprises.view") and not has_action_over_territory(user, "enterprises.view")


def own_enterprises(user: Any) -> list[OwnEnterprise]:
    ents = list(Enterprise.objects.restrict(user, "enterprises.view").order_by("name")[:20])
    rows = {e.pk: OwnEnterprise(e.pk, e.name, e.risk_colour, e.get_risk_colour_display()) for e in ents}
    if not rows:
        return []
    ids = list(rows)
    now = timezone.now()
    if has_action(user, "hazards.view"):
        counted = (
            Hazard.objects.restrict(user, "hazards.view")
            .filter(enterprise_id__in=ids, status__in=RECTIFICATION_STATUSES)
            .values("enterprise_id")
            .annotate(n=Count("id"), overdue=Count("id", filter=Q(deadline__lt=now)))
            .order_by()
        )
        for r in rows.values():
            r.hazards_to_fix, r.hazards_overdue = 0, 0
        for c in counted:
            rows[c["enterprise_id"]].hazards_to_fix = c["n"]
            rows[c["enterprise_id"]].hazards_overdue = c["overdue"]
    today = timezone.localdate()
    counted = (
        Licence.objects.restrict(user, "enterprises.view")
        .filter(enterprise_id__in=ids, valid_until__lte=today + dt.timedelta(days=LICENCE_WINDOW_DAYS))
        .values("enterprise_id")
        .annotate(n=Count("id"), expired=Count("id", filter=Q(valid_until__lt=today)))
        .order_by()
    )
    for r in rows.values():
        r.licences_expiring, r.licences_expired = 0, 0
    for c in counted:
        rows[c["enterprise_id"]].licences_expiring = c["n"] - c["expired"]
        rows[c["enterprise_id"]].licences_expired = c["expired"]
    if has_action(user, "monitoring.view"):
        for r in rows.values():
            r.sensors, r.alarms_active = {}, 0
        states = (
            Sensor.objects.restrict(user, "monitoring.view").filter(enterprise_id__in=ids)
            .values("enterprise_id", "state").annotate(n=Count("id")).order_by()
        )
        for s in states:
            rows[s["enterprise_id"]].sensors[s["state"]] = s["n"]  # type: ignore[index]
        alarms = (
            Alarm.objects.restrict(user, "monitoring.view").filter(enterprise_id__in=ids, active=True)
            .values("enterprise_id").annotate(n=Count("id")).order_by()
        )
        for a in alarms:
            rows[a["enterprise_id"]].alarms_active = a["n"]
    if has_action(user, "emergency.view"):
        for r in rows.values():
            r.drills_overdue, r.drills_soon = 0, 0
        for o in drill_obligations(user=user, today=today):
            if o.enterprise_id in rows:
                row = rows[o.enterprise_id]
                row.drills_overdue = (row.drills_overdue or 0) + int(o.overdue)
                row.drills_soon = (row.drills_soon or 0) + int(o.soon)
    return [rows[e.pk] for e in ents]


WAITING_LIMIT = 8


def is_patrol_user(user: Any) -> bool:
    """A grid inspector's home: patrols, not the cockpit."""
    return has_action(user, "grids.patrol") and not has_action(user, "dashboard.cockpit")


def patrols_today(user: Any) -> dict[str, Any]:
    """The inspector's open patrol tasks due today or earlier (overdue first), as on 巡查任务."""
    today = timezone.localdate()
    tasks = list(
        PatrolTask.objects.restrict(user, "grids.view").filter(status=PatrolStatus.OPEN, inspector=user,
                                                                  due_date__lte=today)
        .select_related("enterprise").order_by("due_date", "id")[:50]
    )
    points = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [t.enterprise.lng, t.enterprise.lat]},
               "properties": {"name": t.enterprise.name, "colour": t.risk_colour, "url": reverse("grids:patrol", args=[t.pk])}}
              for t in tasks if t.enterprise.lng is not None and t.enterprise.lat is not None]
    return {"tasks": tasks, "today": today, "overdue": sum(1 for t in tasks if t.due_date < today),
            "geojson": {"type": "FeatureCollection", "features": points}}


def street_waiting(user: Any) -> dict[str, Any]:
    """What waits for a street office (or any office that verifies and handles): hazards to verify
    and reports to handle, each a count and the oldest few."""
    out: dict[str, Any] = {}
    if has_action(user, "hazards.verify"):
        qs = hazard_list(user=user, action="hazards.verify").filter(
            status__in=(HazardStatus.SUBMITTED, HazardStatus.APPLIED))
        out["hazards"] = {"n": qs.count(), "rows": list(qs.order_by("found_at", "id")[:WAITING_LIMIT])}
    if has_action(user, "public_reports.handle"):
        qs = report_list(user=user).filter(status=ReportStatus.DISPATCHED)
        out["reports"] = {"n": qs.count(), "rows": list(qs.order_by("handling_due", "id")[:WAITING_LIMIT])}
    return out
