"""Reads for emergency management, all through the user's scope."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from anjian.core.scoping import enclosing_paths
from anjian.emergency.models import (
    RULE_PLAN_TYPE,
    AlertDirection,
    AlertStatus,
    CapAlert,
    Drill,
    DrillTopic,
    DutyShift,
    EmergencyPlan,
    Expert,
    Incident,
    LawEntry,
    PlanStatus,
    PlanType,
    Shelter,
    Stock,
    Team,
    Warehouse,
)
from anjian.emergency.services import enterprise_high_risk, sector_codes
from anjian.enterprises.models import Enterprise
from anjian.monitoring.models import HazardSource
from anjian.orgs.models import Jurisdiction, JurisdictionLevel
from anjian.rules import accidents as accident_rules
from anjian.rules import emergency as rules
from anjian.rules import gb18218, laws, workdays

RULE_MODULES: dict[str, Any] = {"emergency": rules, "workdays": workdays, "accidents": accident_rules,
                                "gb18218": gb18218}

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


def risk_gaps(*, user: Any, limit: int = 500) -> list[dict[str, Any]]:
    """Risks of an enterprise that no plan in force covers: its sector's and flags' typical accident
    types missing from its plans' accident types (``rules.typical_accident_types``), and its major
    hazard sources when it has no 专项 plan or 现场处置方案 in force (预案管理办法 Art. 6)."""
    plans = defaultdict(list)
    for ent_id, types, kind in (EmergencyPlan.objects.filter(status__in=IN_FORCE, enterprise__isnull=False)
                                .values_list("enterprise", "accident_types", "plan_type")):
        plans[ent_id].append((types or [], kind))
    majors = defaultdict(list)
    for ent_id, name in HazardSource.objects.filter(is_major=True, retired=False).values_list("enterprise", "name"):
        majors[ent_id].append(name)
    out = []
    qs = Enterprise.objects.restrict(user, "emergency.view").select_related("sector").order_by("id")
    for ent in qs.filter(pk__in=list(plans) + list(majors)).iterator(chunk_size=2000):
        covered = [t for types, _k in plans.get(ent.pk, []) for t in types]
        missing = [t for t in rules.typical_accident_types(sector_codes=sector_codes(ent.sector), flags=ent.flags or [])
                   if not rules.plan_covers(covered, t)]
        sources = majors.get(ent.pk, [])
        if sources and any(k in (PlanType.SPECIAL, PlanType.ONSITE) for _t, k in plans.get(ent.pk, [])):
            sources = []
        if missing or sources:
            out.append({"enterprise": ent, "missing_types": missing, "hazard_sources": sources,
                        "has_plan": ent.pk in plans})
            if len(out) >= limit:
                break
    return out


def _km(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    p = math.pi / 180
    a = (math.sin((lat2 - lat1) * p / 2) ** 2
         + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lng2 - lng1) * p / 2) ** 2)
    return 12742 * math.asin(math.sqrt(a))


RADII_DEG = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
KM_PER_DEG = 111.19


def _nearest(qs: QuerySet[Any], lng: float, lat: float, limit: int,
             keep: Callable[[list[int]], set[int]] | None = None) -> list[tuple[Any, float]]:
    """The ``limit`` rows nearest the point, exactly: a square box of half-side r (in km on the
    ground: the longitude span widened by 1/cos(lat)) on the ``(lat, lng)`` index, growing from
    about 1 km until it holds ``limit`` rows whose farthest is still inside the box's inscribed
    circle — then no row outside the box can be nearer. Beyond the last radius, all rows.
    ``keep`` narrows each box's rows by their ids in a second query (a warehouse holding the
    needed stock), so the box query stays on the index alone."""
    stretch = 1 / max(0.1, math.cos(math.radians(lat)))
    ranked: list[tuple[Any, float]] = []

    def rank(rows: Iterable[Any]) -> list[tuple[Any, float]]:
        rows = list(rows)
        if keep is not None:
            kept = keep([row.pk for row in rows])
            rows = [row for row in rows if row.pk in kept]
        return sorted(((row, _km(lng, lat, row.lng, row.lat)) for row in rows), key=lambda x: x[1])

    for r in RADII_DEG:
        ranked = rank(qs.filter(lat__range=(lat - r, lat + r), lng__range=(lng - r * stretch, lng + r * stretch)))
        if len(ranked) >= limit and ranked[limit - 1][1] <= r * KM_PER_DEG:
            return ranked[:limit]
    return rank(qs)[:limit]


def _holding(needs: list[str]) -> Callable[[list[int]], set[int]]:
    """Of some warehouses (ids), those holding a positive balance of any needed material."""
    wanted = Q()
    for n in needs:
        wanted |= Q(material__icontains=n)

    def keep(ids: list[int]) -> set[int]:
        found: set[int] = set()
        for start in range(0, len(ids), 900):  # SQLite's parameter limit, in chunks
            found.update(Stock.objects.filter(wanted, warehouse_id__in=ids[start:start + 900], balance__gt=0)
                         .values_list("warehouse_id", flat=True).distinct())
        return found

    return keep


def nearest_resources(*, user: Any, incident: Incident, limit: int = 5) -> dict[str, Any]:
    """Teams (ready first), warehouses holding the needed stock, experts and shelters by distance."""
    lng, lat = incident.lng, incident.lat
    teams = Team.objects.restrict(user, "emergency.view").exclude(readiness="unavailable").filter(lng__isnull=False)
    whs = Warehouse.objects.restrict(user, "emergency.view").filter(lng__isnull=False)
    needs = [n.strip() for n in incident.needs.replace("，", ",").split(",") if n.strip()]
    warehouses = _nearest(whs, lng, lat, limit, keep=_holding(needs) if needs else None)
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


# --- compliance by area ---------------------------------------------------------------------


def compliance_by_area(obligations: list[Obligation], *, user: Any) -> list[dict[str, Any]]:
    """Drill compliance per district (the top units of the user's territory's children): units with
    obligations, compliant units, overdue obligations and the rate. A unit is placed by its plan's
    or enterprise's jurisdiction, lifted to the district (level of the city's children)."""
    jur_of_plan = {o.plan.pk: o.plan.jurisdiction_id for o in obligations if o.plan is not None}
    ent_ids = {o.enterprise_id for o in obligations if o.plan is None and o.enterprise_id}
    jur_of_ent = dict(Enterprise.objects.filter(pk__in=ent_ids).values_list("pk", "jurisdiction"))
    jur_ids = set(jur_of_plan.values()) | set(jur_of_ent.values())
    jurs = {j.pk: j for j in Jurisdiction.objects.filter(pk__in=jur_ids)}
    district_level = JurisdictionLevel.DISTRICT
    paths = {pk: j.path for pk, j in jurs.items()}
    districts = {d.path: d for d in Jurisdiction.objects.filter(level=district_level)
                 .filter(_path_prefix_q(set(paths.values())))}

    def district_of(jur_id: int | None) -> Jurisdiction | None:
        j = jurs.get(jur_id or 0)
        if j is None:
            return None
        if j.level <= district_level:
            return j
        for path, d in districts.items():
            if j.path.startswith(path):
                return d
        return j

    units: dict[tuple[int, str], dict[str, Any]] = {}
    for o in obligations:
        jur_id = jur_of_plan.get(o.plan.pk) if o.plan is not None else jur_of_ent.get(o.enterprise_id or 0)
        area = district_of(jur_id)
        key = (area.pk if area else 0, o.unit)
        u = units.setdefault(key, {"area": area, "overdue": 0})
        u["overdue"] += int(o.overdue)
    areas: dict[int, dict[str, Any]] = {}
    for (area_id, _unit), u in units.items():
        a = areas.setdefault(area_id, {"area": u["area"], "units": 0, "compliant": 0, "overdue": 0})
        a["units"] += 1
        a["compliant"] += int(u["overdue"] == 0)
        a["overdue"] += u["overdue"]
    rows = []
    for a in areas.values():
        a["rate"] = round(100 * a["compliant"] / a["units"], 1) if a["units"] else None
        a["name"] = a["area"].name if a["area"] is not None else "—"
        rows.append(a)
    return sorted(rows, key=lambda r: (r["area"].path if r["area"] is not None else "~", r["name"]))


def _path_prefix_q(paths: set[str]) -> Q:
    """Jurisdictions whose path is a prefix of one of ``paths`` (their ancestors, themselves)."""
    prefixes: set[str] = set()
    for p in paths:
        parts = [x for x in p.split("/") if x]
        for i in range(1, len(parts) + 1):
            prefixes.add("/" + "/".join(parts[:i]) + "/")
            prefixes.add("/".join(parts[:i]))
    return Q(path__in=prefixes)


# --- duty rosters ---------------------------------------------------------------------------


def duty_shifts(*, user: Any, start: dt.datetime | None = None, end: dt.datetime | None = None) -> QuerySet[DutyShift]:
    """The shifts in the user's scope overlapping [start, end) (all when not given), by start."""
    qs = DutyShift.objects.restrict(user, "emergency.view").select_related("jurisdiction", "department")
    if start is not None:
        qs = qs.filter(ends_at__gt=start)
    if end is not None:
        qs = qs.filter(starts_at__lt=end)
    return qs.order_by("starts_at", "id")


def on_duty_now(*, user: Any, at: dt.datetime | None = None) -> list[DutyShift]:
    """Who is on duty now: the current shift of each unit in the user's scope."""
    at = at or timezone.now()
    return list(duty_shifts(user=user, start=at, end=at + dt.timedelta(microseconds=1))
                .order_by("jurisdiction__path", "department__name", "starts_at"))


# --- the law library ------------------------------------------------------------------------


def law_list(*, q: str = "", kind: str = "", state: str = "", on: dt.date | None = None) -> QuerySet[LawEntry]:
    """The library: by words of the title or the number, by kind, and by whether the text is in
    force (``state`` "in_force", "repealed", "pending") on ``on`` (today by default)."""
    on = on or timezone.localdate()
    qs = LawEntry.objects.select_related("replaced_by")
    for word in q.split():
        qs = qs.filter(Q(title__icontains=word) | Q(number__icontains=word) | Q(issuer__icontains=word))
    if kind:
        qs = qs.filter(kind=kind)
    if state == "in_force":
        qs = qs.filter(effective_on__lte=on).filter(Q(repealed_on__isnull=True) | Q(repealed_on__gt=on))
    elif state == "repealed":
        qs = qs.filter(repealed_on__lte=on)
    elif state == "pending":
        qs = qs.filter(effective_on__gt=on)
    return qs.order_by("kind", "-effective_on", "id")


def law_citations(entry: LawEntry) -> list[dict[str, str]]:
    """The rules citing this text, with the article and the rule's first line of documentation."""
    out = []
    for rule, article in laws.cited_by(entry.key):
        module, _dot, name = rule.partition(".")
        out.append({"rule": rule, "module": module, "name": name, "article": article, "doc": rule_doc(rule)})
    return out


def rule_doc(rule: str) -> str:
    module_name, _dot, name = rule.partition(".")
    module = RULE_MODULES.get(module_name)
    obj = getattr(module, name, None) if module is not None else None
    doc = (getattr(obj, "__doc__", None) or "") if callable(obj) else ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def rule_index() -> list[dict[str, Any]]:
    """Every rule of the registry with the library entries it cites (the rules page)."""
    entries = {e.key: e for e in LawEntry.objects.filter(key__in={k for c in laws.CITATIONS.values() for k, _a in c})}
    return [{"rule": rule, "doc": rule_doc(rule),
             "cites": [(entries.get(key), article) for key, article in cites]}
            for rule, cites in sorted(laws.CITATIONS.items())]


# --- maps -----------------------------------------------------------------------------------


def _feature(kind: str, obj: Any, name: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [obj.lng, obj.lat]},
            "properties": {"kind": kind, "id": obj.pk, "name": name, **(extra or {})}}


def alerts_in_scope(user: Any) -> QuerySet[CapAlert]:
    """The alerts ``user`` may read: those of their own units (``restrict``), and every alert
    *received* for a territory they work inside. A warning the city office receives from the
    weather service or the province concerns each district, street and department in the city,
    so they read it too; they cannot approve, change or cancel it (those actions keep the
    ordinary scope). Alerts written here reach only their own units until published."""
    own = CapAlert.objects.restrict(user, "emergency.view")
    paths = enclosing_paths(user, "emergency.view")
    if not paths:
        return own
    return own | CapAlert.objects.filter(direction=AlertDirection.IN, jurisdiction__path__in=paths)


def received_alerts(*, user: Any) -> QuerySet[CapAlert]:
    """Alerts received from the weather service or the province that ``user`` reads
    (``alerts_in_scope``), still in force: not expired, not cancelled by a later Cancel that
    references them."""
    now = timezone.now()
    cancelled = CapAlert.objects.filter(direction=AlertDirection.IN, msg_type="Cancel").values("original")
    return (alerts_in_scope(user).filter(direction=AlertDirection.IN)
            .exclude(msg_type="Cancel").exclude(pk__in=cancelled)
            .filter(Q(expires__isnull=True) | Q(expires__gt=now)).order_by("-sent", "-id"))


def _cap_pairs(text: str) -> list[list[float]] | None:
    """A CAP polygon ("lat,lon lat,lon …", WGS-84) as GeoJSON [lon, lat] pairs; None when malformed."""
    try:
        pairs = [[float(p.split(",")[1]), float(p.split(",")[0])] for p in text.split()]
    except (IndexError, ValueError):
        return None
    return pairs if len(pairs) >= 4 else None


def alert_features(alert: CapAlert) -> list[dict[str, Any]]:
    """A received alert's areas as GeoJSON: each CAP polygon a Polygon, each circle ("lat,lon r",
    r in km) a Point with its radius in metres."""
    props = {"kind": "alert", "id": alert.pk, "name": alert.headline_zh, "severity": alert.get_severity_display(),
             "event": alert.event, "url": reverse("emergency:alert_detail", args=[alert.pk])}
    out: list[dict[str, Any]] = []
    for text in alert.polygons or []:
        ring = _cap_pairs(text)
        if ring is not None:
            out.append({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}, "properties": props})
    for text in alert.circles or []:
        centre, _sep, radius = text.strip().partition(" ")
        pair = _cap_pairs(f"{centre} {centre} {centre} {centre}")
        try:
            metres = float(radius) * 1000
        except ValueError:
            continue
        if pair is not None:
            out.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": pair[0]},
                        "properties": {**props, "radius_m": metres}})
    return out


def resource_points(*, user: Any, kinds: set[str] | None = None, limit: int = 5000) -> dict[str, Any]:
    """Teams, warehouses, experts and shelters with a place, in the user's scope, as GeoJSON;
    with ``alert`` the areas of the received alerts in force."""
    kinds = kinds or {"team", "warehouse", "expert", "shelter", "alert"}
    features: list[dict[str, Any]] = []
    if "alert" in kinds:
        for alert in received_alerts(user=user)[:200]:
            features.extend(alert_features(alert))
    if "team" in kinds:
        for t in Team.objects.restrict(user, "emergency.view").filter(lng__isnull=False, lat__isnull=False)[:limit]:
            features.append(_feature("team", t, t.name, {"readiness": t.readiness, "phone": t.phone}))
    if "warehouse" in kinds:
        for w in Warehouse.objects.restrict(user, "emergency.view").filter(lng__isnull=False, lat__isnull=False)[:limit]:
            features.append(_feature("warehouse", w, w.name, {"phone": w.phone}))
    if "expert" in kinds:
        for e in Expert.objects.restrict(user, "emergency.view").filter(lng__isnull=False, lat__isnull=False)[:limit]:
            features.append(_feature("expert", e, e.name, {"phone": e.phone}))
    if "shelter" in kinds:
        for s in Shelter.objects.restrict(user, "emergency.view").filter(lng__isnull=False, lat__isnull=False)[:limit]:
            features.append(_feature("shelter", s, s.name, {"capacity": s.capacity}))
    return {"type": "FeatureCollection", "features": features}


def incident_points(*, near: dict[str, Any], incident: Incident) -> dict[str, Any]:
    """The incident and its nearest resources with their distance (km), as GeoJSON."""
    features = [_feature("incident", incident, incident.title)]
    for kind, key in (("team", "teams"), ("expert", "experts"), ("shelter", "shelters")):
        for rank, (obj, km) in enumerate(near[key], start=1):
            features.append(_feature(kind, obj, obj.name, {"km": round(km, 2), "rank": rank}))
    for rank, (w, km, _stock) in enumerate(near["warehouses"], start=1):
        features.append(_feature("warehouse", w, w.name, {"km": round(km, 2), "rank": rank}))
    return {"type": "FeatureCollection", "features": features}
