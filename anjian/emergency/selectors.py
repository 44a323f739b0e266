"""Reads for emergency management, all through the user's scope."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone

from anjian.emergency.models import (
    RULE_PLAN_TYPE,
    AlertDirection,
    AlertStatus,
    CapAlert,
    Drill,
    DrillTopic,
    EmergencyPlan,
    Expert,
    Incident,
    PlanStatus,
    PlanType,
    Shelter,
    Stock,
    Team,
    Warehouse,
)
from anjian.emergency.services import enterprise_high_risk
from anjian.enterprises.models import Enterprise
from anjian.rules import emergency as rules

IN_FORCE = (PlanStatus.PUBLISHED, PlanStatus.SUBMITTED, PlanStatus.RETURNED, PlanStatus.FILED)


def plan_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[EmergencyPlan]:
    f = filters or {}
    qs = EmergencyPlan.objects.restrict(user, "emergency.view").select_related(
        "enterprise", "jurisdiction", "department", "filing_department", "filing_jurisdiction")
    if f.get("q"):
        qs = qs.filter(Q(title__icontains=f["q"]) | Q(enterprise__name__icontains=f["q"]))
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("plan_type"):
        qs = qs.filter(plan_type=f["plan_type"])
    if f.get("owner_kind"):
        qs = qs.filter(owner_kind=f["owner_kind"])
    if f.get("overdue"):
        qs = qs.filter(status__in=(PlanStatus.PUBLISHED, PlanStatus.RETURNED), filing_due__lt=timezone.localdate())
    if f.get("enterprise"):
        qs = qs.filter(enterprise=f["enterprise"])
    return qs


def filing_queue(*, user: Any) -> QuerySet[EmergencyPlan]:
    """Plans waiting for the user's check (the authority's view)."""
    return plan_list(user=user).filter(status=PlanStatus.SUBMITTED)


@dataclass
class Obligation:
    unit: str
    enterprise_id: int | None
    plan: EmergencyPlan | None
    what: str
    interval_months: int
    last: dt.date | None
    due: dt.date

    @property
    def overdue(self) -> bool:
        return self.due < timezone.localdate()

    @property
    def soon(self) -> bool:
        return not self.overdue and self.due <= timezone.localdate() + dt.timedelta(days=30)


def drill_obligations(*, user: Any, today: dt.date | None = None) -> list[Obligation]:
    """Every drill due in the user's scope: one line per plan in force (interval by plan type,
    unit kind and risk — ``rules.drill_interval_months``), plus the yearly fire and technical
    drills of units of 500 staff or more (``rules.needs_fire_and_technical_drills``)."""
    today = today or timezone.localdate()
    plans = list(plan_list(user=user).filter(status__in=IN_FORCE).select_related("enterprise__sector"))
    last = dict(Drill.objects.filter(plan__in=plans).values("plan").annotate(m=Max("held_on")).values_list("plan", "m"))
    out: list[Obligation] = []
    risk_cache: dict[int, bool] = {}
    for p in plans:
        government = p.enterprise_id is None
        if not government and p.enterprise_id not in risk_cache:
            risk_cache[p.enterprise_id] = enterprise_high_risk(p.enterprise)
        months = rules.drill_interval_months(plan_type=RULE_PLAN_TYPE[PlanType(p.plan_type)],
                                             high_risk=risk_cache.get(p.enterprise_id or 0, False),
                                             government=government)
        due = rules.drill_due(last_drill=last.get(p.pk), since=p.published_on or today, interval_months=months)
        out.append(Obligation(p.unit_name, p.enterprise_id, p, p.get_plan_type_display(), months, last.get(p.pk), due))
    big = Enterprise.objects.restrict(user, "emergency.view").filter(employees__gte=500).order_by("id")
    topics = defaultdict(dict)
    for ent_id, topic, held in Drill.objects.filter(enterprise__in=big, topic__in=(DrillTopic.FIRE, DrillTopic.TECHNICAL)
                                                    ).values_list("enterprise", "topic").annotate(m=Max("held_on")):
        topics[ent_id][topic] = held
    for ent in big:
        if not rules.needs_fire_and_technical_drills(ent.employees):
            continue
        for topic in (DrillTopic.FIRE, DrillTopic.TECHNICAL):
            held = topics[ent.pk].get(topic)
            due = rules.add_months(held, 12) if held else dt.date(today.year, 12, 31)
            out.append(Obligation(ent.name, ent.pk, None, str(topic.label), 12, held, due))
    out.sort(key=lambda o: (o.due, o.unit))
    return out


def compliance(obligations: list[Obligation]) -> dict[str, Any]:
    """Per unit: obligations and how many are overdue; a unit complies when none is."""
    units: dict[str, dict[str, int]] = defaultdict(lambda: {"total": 0, "overdue": 0})
    for o in obligations:
        units[o.unit]["total"] += 1
        units[o.unit]["overdue"] += int(o.overdue)
    rows = sorted(({"unit": u, **v, "ok": v["overdue"] == 0} for u, v in units.items()), key=lambda r: r["unit"])
    ok = sum(1 for r in rows if r["ok"])
    return {"rows": rows, "units": len(rows), "compliant": ok, "rate": round(100 * ok / len(rows), 1) if rows else None}


def coverage_gaps(*, user: Any) -> list[dict[str, Any]]:
    """Enterprises that must file (Art. 26 list) and have no plan in force (the plan's coverage gap)."""
    covered = set(EmergencyPlan.objects.filter(status__in=IN_FORCE, enterprise__isnull=False)
                  .values_list("enterprise", flat=True))
    gaps = []
    qs = Enterprise.objects.restrict(user, "emergency.view").select_related("sector", "jurisdiction").order_by("id")
    for ent in qs.iterator(chunk_size=2000):
        if ent.pk in covered or not enterprise_high_risk(ent):
            continue
        gaps.append({"enterprise": ent, "reason": "须备案单位无现行预案"})
        if len(gaps) >= 500:
            break
    return gaps


def _km(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    p = math.pi / 180
    a = (math.sin((lat2 - lat1) * p / 2) ** 2
         + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lng2 - lng1) * p / 2) ** 2)
    return 12742 * math.asin(math.sqrt(a))


def _nearest(qs: QuerySet[Any], lng: float, lat: float, limit: int, radius_deg: float = 0.5) -> list[tuple[Any, float]]:
    """The ``limit`` rows nearest the point: a bounding box on the (lat, lng) index first, widened
    when too few rows fall inside, then exact great-circle distance."""
    rows: list[Any] = []
    for r in (radius_deg, radius_deg * 4):
        rows = list(qs.filter(lat__range=(lat - r, lat + r), lng__range=(lng - r, lng + r))[:2000])
        if len(rows) >= limit:
            break
    ranked = sorted(((row, _km(lng, lat, row.lng, row.lat)) for row in rows), key=lambda x: x[1])
    return ranked[:limit]


def nearest_resources(*, user: Any, incident: Incident, limit: int = 5) -> dict[str, Any]:
    """Teams (ready first), warehouses holding the needed stock, experts and shelters by distance."""
    lng, lat = incident.lng, incident.lat
    teams = Team.objects.restrict(user, "emergency.view").exclude(readiness="unavailable").filter(lng__isnull=False)
    whs = Warehouse.objects.restrict(user, "emergency.view").filter(lng__isnull=False)
    needs = [n.strip() for n in incident.needs.replace("，", ",").split(",") if n.strip()]
    if needs:
        q = Q()
        for n in needs:
            q |= Q(stocks__material__icontains=n, stocks__balance__gt=0)
        whs = whs.filter(q).distinct()
    warehouses = _nearest(whs, lng, lat, limit)
    stock = defaultdict(list)
    for s in Stock.objects.filter(warehouse__in=[w for w, _d in warehouses], balance__gt=0).order_by("material"):
        if not needs or any(n in s.material for n in needs):
            stock[s.warehouse_id].append(s)
    return {
        "teams": _nearest(teams, lng, lat, limit),
        "warehouses": [(w, d, stock[w.pk]) for w, d in warehouses],
        "experts": _nearest(Expert.objects.restrict(user, "emergency.view").filter(lng__isnull=False), lng, lat, limit),
        "shelters": _nearest(Shelter.objects.restrict(user, "emergency.view").filter(lng__isnull=False), lng, lat, limit),
    }


def stock_alerts(*, user: Any, days: int = 30) -> QuerySet[Stock]:
    """Stock below its minimum, or expiring within ``days``."""
    soon = timezone.localdate() + dt.timedelta(days=days)
    return (Stock.objects.restrict(user, "emergency.view").select_related("warehouse")
            .filter(Q(balance__lt=F("minimum")) | Q(expires_on__lte=soon, balance__gt=0)))


def active_alerts() -> QuerySet[CapAlert]:
    """Published, not cancelled, not expired: the public feed (no scope — it is public)."""
    now = timezone.now()
    cancelled = CapAlert.objects.filter(msg_type="Cancel", status=AlertStatus.PUBLISHED).values("original")
    return (CapAlert.objects.filter(direction=AlertDirection.OUT, status=AlertStatus.PUBLISHED)
            .exclude(msg_type="Cancel").exclude(pk__in=cancelled)
            .filter(Q(expires__isnull=True) | Q(expires__gt=now)).order_by("-sent"))
