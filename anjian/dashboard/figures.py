"""What the home page counts for a user whose scope is its own enterprise (an enterprise's
login, a custody provider's contracts): its hazards to rectify, its certificates about to expire
and the state of its monitoring points — each read through the user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from anjian.core.scoping import has_action, has_action_over_territory
from anjian.enterprises.models import Enterprise, Licence
from anjian.hazards.models import RECTIFICATION_STATUSES, Hazard
from anjian.monitoring.models import Alarm, Sensor

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
    return [rows[e.pk] for e in ents]
