"""领导驾驶舱 — the leaders' overview of one place (the city, a district, a street, a grid).

Every figure is read through the user's scope with the selectors of the app that owns it (no
second way to count) and narrowed to the place's subtree:

* deaths this year to date vs the same period last year and the control target —
  ``accidents.stats.accident_totals`` and ``accidents.targets.target_progress``;
* hazards open (待整改/整改中), overdue, 重大 open; found this year vs last —
  ``hazards.selectors.hazard_list``;
* public reports received this year vs last — ``public_reports.selectors.report_list``;
* inspections against plan — ``enforcement.selectors.plan_progress`` over this year's plans;
* drills due (overdue / in 30 days) — ``emergency.selectors.drill_obligations``;
* active alarms, open incidents, teams — ``monitoring.selectors.alarm_list`` and the emergency
  models through ``restrict``.

The place's children (districts, streets, grids; a grid's enterprises) get a risk colour, from
the same counts grouped by jurisdiction in SQL and added up per child by materialised path:
red — an open 重大 hazard; orange — a red-risk enterprise or an overdue hazard; yellow — an
orange-risk enterprise or an open hazard; blue — none of these.

``overview()`` is cached per user and place for ``COCKPIT_CACHE_SECONDS`` (60 s by default).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from anjian.accidents.stats import Period, accident_totals, change
from anjian.accidents.targets import target_progress
from anjian.core.maplayers import MapLayer, collection, feature, register
from anjian.core.scoping import has_action
from anjian.emergency.models import EmergencyPlan, Incident, IncidentStatus, Team
from anjian.emergency.selectors import drill_obligations
from anjian.enforcement.selectors import plan_list, plan_progress
from anjian.enterprises.models import Enterprise, EnterpriseStatus, RiskColour
from anjian.hazards.models import RECTIFICATION_STATUSES, HazardLevel, HazardStatus
from anjian.hazards.selectors import hazard_list
from anjian.monitoring.selectors import alarm_list
from anjian.orgs.models import Jurisdiction
from anjian.public_reports.selectors import report_list

URGENT_LIMIT = 8
COLOURS = ("red", "orange", "yellow", "blue")


# --- the place --------------------------------------------------------------------------------


def visible_places(user: Any) -> Any:
    return Jurisdiction.objects.restrict(user, "orgs.view").filter(is_active=True)


def place_for(user: Any, place_id: int | None) -> Jurisdiction:
    """The place asked for (a jurisdiction the user may see) or the top of the user's scope; a
    place outside the scope is a 404."""
    places = visible_places(user)
    if place_id is not None:
        place = places.filter(pk=place_id).first()
    else:
        place = places.order_by("depth", "path").first()
    if place is None:
        raise Http404
    return place


def trail(user: Any, place: Jurisdiction) -> list[Jurisdiction]:
    """The places above ``place`` the user may open (the drill-down's way back)."""
    codes = [c for c in place.path.strip("/").split("/") if c][:-1]
    return list(visible_places(user).filter(code__in=codes).order_by("depth")) if codes else []


def _whole_tree(place: Jurisdiction) -> bool:
    """Whether the place is the only root: then everything is inside it, and the figures need no
    subtree filter (a ``jurisdiction IN (… path LIKE …)`` over a million rows costs more than the
    count itself). Remembered on the place for the request."""
    if not hasattr(place, "_cockpit_whole"):
        place._cockpit_whole = place.parent_id is None and not (  # type: ignore[attr-defined]
            Jurisdiction.objects.filter(parent__isnull=True).exclude(pk=place.pk).exists())
    return bool(place._cockpit_whole)  # type: ignore[attr-defined]


def _inside(place: Jurisdiction, field: str = "jurisdiction") -> Q:
    return Q() if _whole_tree(place) else Q(**{f"{field}__path__startswith": place.path})


def _area(place: Jurisdiction) -> dict[str, Any]:
    """The selectors' filters for "inside the place" (none for the whole tree)."""
    return {} if _whole_tree(place) else {"jurisdiction": place}


# --- figures --------------------------------------------------------------------------------


def _ytd(today: dt.date) -> tuple[dt.datetime, dt.datetime, dt.datetime, dt.datetime]:
    """[1 Jan, tomorrow) this year and the same span last year, as aware datetimes (local time)."""
    period = Period(dt.date(today.year, 1, 1), today)
    last = period.last_year()

    def aware(d: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime(d.year, d.month, d.day))

    return (aware(period.start), aware(period.end + dt.timedelta(days=1)),
            aware(last.start), aware(last.end + dt.timedelta(days=1)))


def _tile(key: str, label: Any, value: Any, *, before: Any = None, url: str = "", note: Any = "",
          status: str = "", worse_up: bool = True) -> dict[str, Any]:
    trend = change(value, before) if isinstance(value, int) and isinstance(before, int) else None
    direction = "" if before is None or value == before else ("up" if value > before else "down")
    bad = bool(direction) and (direction == "up") == worse_up
    return {"key": key, "label": str(label), "value": value, "before": before, "change": trend,
            "direction": direction, "bad": bad, "url": url, "note": str(note) if note else "", "status": status}


def _deaths(user: Any, place: Jurisdiction, today: dt.date) -> dict[str, Any]:
    period = Period(dt.date(today.year, 1, 1), today)
    filters = _area(place)  # this year to date and the same span last year (no 环比 here)
    deaths = accident_totals(user=user, period=period, filters=filters)["deaths"]
    before = accident_totals(user=user, period=period.last_year(), filters=filters)["deaths"]
    target = next((r for r in target_progress(user=user, year=today.year, day=today)
                   if r["target"].jurisdiction_id == place.pk and not r["target"].department_id
                   and not r["target"].category and r["target"].metric == "deaths"), None)
    note = _("控制指标 {quota}（已用 {percent}%）").format(quota=target["target"].quota, percent=target["percent"]) \
        if target and target["percent"] is not None else (_("控制指标 {quota}").format(quota=target["target"].quota)
                                                          if target else _("未下达控制指标"))
    return _tile("deaths", _("今年死亡人数"), int(deaths), before=int(before), url=reverse("accidents:list"),
                 note=note, status=target["status"] if target else "")


def _hazards(user: Any, place: Jurisdiction, today: dt.date) -> list[dict[str, Any]]:
    now = timezone.now()
    start, end, last_start, last_end = _ytd(today)
    qs = hazard_list(user=user, filters=_area(place)).select_related(None).order_by()
    # Two aggregates, each answered from its own index (counting a non-null column of that index):
    # the open hazards from the partial index hz_open_jur, the two years' finds from hz_found_cover.
    row = qs.filter(status__in=RECTIFICATION_STATUSES).aggregate(
        open=Count("*"), overdue=Count("jurisdiction", filter=Q(deadline__lt=now)),
        major=Count("jurisdiction", filter=Q(level=HazardLevel.MAJOR)))
    row.update(qs.filter(found_at__gte=last_start, found_at__lt=end).exclude(status=HazardStatus.REJECTED).aggregate(
        found=Count("found_at", filter=Q(found_at__gte=start)),
        found_before=Count("found_at", filter=Q(found_at__lt=last_end))))
    url = reverse("hazards:list")
    return [
        _tile("hazards_open", _("未整改隐患"), row["open"], url=url,
              note=_("其中逾期 {n}").format(n=row["overdue"]), status="red" if row["overdue"] else ""),
        _tile("hazards_major", _("未整改重大隐患"), row["major"], url=f"{url}?level=major",
              status="red" if row["major"] else ""),
        _tile("hazards_found", _("今年排查隐患"), row["found"], before=row["found_before"], url=url, worse_up=False),
    ]


def _reports(user: Any, place: Jurisdiction, today: dt.date) -> dict[str, Any]:
    start, end, last_start, last_end = _ytd(today)
    row = report_list(user=user).filter(_inside(place)).order_by().aggregate(
        now=Count("id", filter=Q(received_at__gte=start, received_at__lt=end)),
        before=Count("id", filter=Q(received_at__gte=last_start, received_at__lt=last_end)),
    )
    return _tile("reports", _("今年群众举报"), row["now"], before=row["before"], url=reverse("public_reports:inbox"))


def _inspections(user: Any, place: Jurisdiction, today: dt.date) -> dict[str, Any]:
    plans = plan_list(user=user).filter(year=today.year).filter(_inside(place)).exclude(status="draft")
    quota = done = 0
    for plan in plans:
        p = plan_progress(plan)
        quota += p["quota"]
        done += p["done"]
    percent = round(100 * done / quota) if quota else None
    return _tile("inspections", _("计划检查完成"), done, url=reverse("enforcement:plans"),
                 note=_("计划 {quota}，完成 {percent}%").format(quota=quota, percent=percent) if quota
                 else _("今年暂无检查计划"))


def _drills(user: Any, place: Jurisdiction, today: dt.date) -> dict[str, Any]:
    obligations = drill_obligations(user=user, today=today)
    if place.parent_id is not None:  # below the city: keep the units inside the place
        ent_ids = {o.enterprise_id for o in obligations if o.enterprise_id}
        plan_ids = {o.plan.pk for o in obligations if o.plan is not None and not o.enterprise_id}
        inside_ents = set(Enterprise.objects.filter(pk__in=ent_ids).filter(_inside(place))
                          .values_list("id", flat=True)) if ent_ids else set()
        inside_plans = set(EmergencyPlan.objects.filter(pk__in=plan_ids).filter(_inside(place))
                           .values_list("id", flat=True)) if plan_ids else set()
        obligations = [o for o in obligations if o.enterprise_id in inside_ents
                       or (not o.enterprise_id and o.plan is not None and o.plan.pk in inside_plans)]
    overdue = sum(1 for o in obligations if o.overdue)
    soon = sum(1 for o in obligations if o.soon)
    return _tile("drills", _("演练逾期"), overdue, url=reverse("emergency:drills"),
                 note=_("30天内到期 {n}").format(n=soon), status="red" if overdue else "")


def _live(user: Any, place: Jurisdiction) -> list[dict[str, Any]]:
    tiles = []
    if has_action(user, "monitoring.view"):
        n = alarm_list(user=user).filter(active=True).filter(_inside(place, "enterprise__jurisdiction")).count()
        tiles.append(_tile("alarms", _("报警中"), n, url=reverse("monitoring:alarms"), status="red" if n else ""))
    if has_action(user, "emergency.view"):
        incidents = Incident.objects.restrict(user, "emergency.view").filter(_inside(place),
                                                                            status=IncidentStatus.OPEN).count()
        tiles.append(_tile("incidents", _("处置中事件"), incidents, url=reverse("emergency:incidents"),
                           status="red" if incidents else ""))
        teams = Team.objects.restrict(user, "emergency.view").filter(_inside(place)).aggregate(
            n=Count("id"), ready=Count("id", filter=Q(readiness="ready")))
        tiles.append(_tile("teams", _("救援队伍"), teams["n"], url=reverse("emergency:teams"),
                           note=_("战备 {n}").format(n=teams["ready"])))
    return tiles


def figures(user: Any, place: Jurisdiction, today: dt.date | None = None) -> list[dict[str, Any]]:
    today = today or timezone.localdate()
    tiles: list[dict[str, Any]] = []
    if has_action(user, "accidents.view"):
        tiles.append(_deaths(user, place, today))
    if has_action(user, "hazards.view"):
        tiles.extend(_hazards(user, place, today))
    tiles.extend(_live(user, place))
    if has_action(user, "public_reports.view"):
        tiles.append(_reports(user, place, today))
    if has_action(user, "enforcement.view"):
        tiles.append(_inspections(user, place, today))
    return tiles  # drills: deferred_drills(), loaded after the page (a Python pass over every unit)


def deferred_drills(user: Any, place: Jurisdiction) -> dict[str, Any]:
    """The drills tile, loaded by the page after the rest: ``drill_obligations`` walks every plan
    and every unit of 500+ staff in Python (≈ 15 s city-wide on the megacity demo), so it is
    cached per user and place for ``COCKPIT_DRILLS_CACHE_SECONDS`` (1 h by default)."""
    seconds = getattr(settings, "COCKPIT_DRILLS_CACHE_SECONDS", 3600)
    key = f"cockpit-drills:{user.pk}:{place.pk}:{get_language()}:{timezone.localdate().isoformat()}"
    if seconds and (hit := cache.get(key)) is not None:
        return hit  # type: ignore[no-any-return]
    tile = _drills(user, place, timezone.localdate())
    if seconds:
        cache.set(key, tile, seconds)
    return tile


# --- children by risk colour ----------------------------------------------------------------------


def _colour(c: dict[str, int]) -> str:
    if c["major"]:
        return "red"
    if c["red"] or c["overdue"]:
        return "orange"
    if c["orange"] or c["open"]:
        return "yellow"
    return "blue"


def children(user: Any, place: Jurisdiction) -> list[dict[str, Any]]:
    """The place's direct children with their counts and risk colour (worst first); a place
    without children (a grid) lists its enterprises instead, each linking to its page."""
    kids = list(visible_places(user).filter(parent=place).only("id", "name", "path", "level", "depth").order_by("path"))
    now = timezone.now()
    if not kids:
        ents = (Enterprise.objects.restrict(user, "enterprises.view").filter(_inside(place))
                .exclude(status=EnterpriseStatus.CLOSED).only("id", "name", "risk_colour").order_by("name")[:200])
        order = {c: i for i, c in enumerate(COLOURS)}
        rows = [{"kind": "enterprise", "id": e.pk, "name": e.name, "colour": e.risk_colour,
                 "url": reverse("enterprises:detail", args=[e.pk])} for e in ents]
        return sorted(rows, key=lambda r: (order.get(r["colour"], 9), r["name"]))
    acc = {k.pk: {"open": 0, "overdue": 0, "major": 0, "red": 0, "orange": 0} for k in kids}
    paths = sorted(((k.path, k.pk) for k in kids), key=lambda p: -len(p[0]))
    under = dict(Jurisdiction.objects.filter(path__startswith=place.path).values_list("id", "path"))

    def child_of(jur_id: int | None) -> int | None:
        path = under.get(jur_id or 0, "")
        return next((pk for p, pk in paths if path.startswith(p)), None)

    def within(qs: Any) -> Any:  # the subtree by id (an integer IN, no join); the only root holds all
        return qs if _whole_tree(place) else qs.filter(jurisdiction_id__in=list(under))

    if has_action(user, "hazards.view"):
        rows = (within(hazard_list(user=user).select_related(None)).filter(status__in=RECTIFICATION_STATUSES)
                .order_by().values("jurisdiction_id")
                .annotate(open=Count("*"), overdue=Count("jurisdiction", filter=Q(deadline__lt=now)),
                          major=Count("jurisdiction", filter=Q(level=HazardLevel.MAJOR))))
        for r in rows:
            if (k := child_of(r["jurisdiction_id"])) is not None:
                for m in ("open", "overdue", "major"):
                    acc[k][m] += r[m]
    if has_action(user, "enterprises.view"):
        # Only the red and orange enterprises colour a place: a few per cent of them, counted from
        # the partial index ent_hot_jur, instead of grouping every enterprise of the city.
        rows = (within(Enterprise.objects.restrict(user, "enterprises.view"))
                .filter(risk_colour__in=(RiskColour.RED, RiskColour.ORANGE))
                .exclude(status=EnterpriseStatus.CLOSED).order_by().values("jurisdiction_id", "risk_colour")
                .annotate(n=Count("*")))
        for r in rows:
            if (k := child_of(r["jurisdiction_id"])) is not None:
                acc[k][r["risk_colour"]] += r["n"]
    order = {c: i for i, c in enumerate(COLOURS)}
    out = [{"kind": "place", "id": k.pk, "name": k.name, "level": k.get_level_display(), **acc[k.pk],
            "colour": _colour(acc[k.pk]), "url": f"{reverse('dashboard:cockpit')}?place={k.pk}"} for k in kids]
    return sorted(out, key=lambda r: (order[r["colour"]], -r["major"], -r["overdue"], r["name"]))


# --- the most urgent items ------------------------------------------------------------------------


def urgent(user: Any, place: Jurisdiction) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    now = timezone.now()
    if has_action(user, "hazards.view"):
        rows = (hazard_list(user=user, filters=_area(place))
                .filter(status__in=RECTIFICATION_STATUSES, level=HazardLevel.MAJOR)
                .order_by("deadline", "id")[:URGENT_LIMIT])
        out["hazards"] = [{"name": f"{h.unit_name} · {h.category}", "url": reverse("hazards:detail", args=[h.pk]),
                           "when": h.deadline, "overdue": bool(h.deadline and h.deadline < now)} for h in rows]
    if has_action(user, "monitoring.view"):
        rows = (alarm_list(user=user).filter(active=True).filter(_inside(place, "enterprise__jurisdiction"))
                .select_related("enterprise", "sensor").order_by("-raised_at")[:URGENT_LIMIT])
        out["alarms"] = [{"name": f"{a.enterprise.name} · {a.get_kind_display()}",
                          "url": reverse("monitoring:alarm", args=[a.pk]), "when": a.raised_at,
                          "overdue": True} for a in rows]
    if has_action(user, "emergency.view"):
        rows = (Incident.objects.restrict(user, "emergency.view").filter(_inside(place), status=IncidentStatus.OPEN)
                .order_by("-opened_at")[:URGENT_LIMIT])
        out["incidents"] = [{"name": i.title, "url": reverse("emergency:incident_detail", args=[i.pk]),
                             "when": i.opened_at, "overdue": True} for i in rows]
    return out


def overview(user: Any, place: Jurisdiction) -> dict[str, Any]:
    """Figures, children and urgent items of the place for the user, cached for a short time
    (per user, place and language: the labels are translated)."""
    seconds = getattr(settings, "COCKPIT_CACHE_SECONDS", 60)
    key = f"cockpit:{user.pk}:{place.pk}:{get_language()}:{timezone.localdate().isoformat()}"
    if seconds and (hit := cache.get(key)) is not None:
        return hit  # type: ignore[no-any-return]
    data = {"figures": figures(user, place), "children": children(user, place), "urgent": urgent(user, place),
            "at": timezone.now()}
    if seconds:
        cache.set(key, data, seconds)
    return data


# --- map layers -------------------------------------------------------------------------------


def areas_layer(user: Any, place: Jurisdiction) -> dict[str, Any]:
    """The place's children as shapes coloured by risk (enterprises as points for a grid)."""
    rows = children(user, place)
    if rows and rows[0]["kind"] == "enterprise":
        located = {pk: (lng, lat) for pk, lng, lat in
                   Enterprise.objects.filter(pk__in=[r["id"] for r in rows], lng__isnull=False, lat__isnull=False)
                   .values_list("id", "lng", "lat")}
        return collection([feature(*located[r["id"]], name=r["name"], colour=r["colour"], url=r["url"])
                           for r in rows if r["id"] in located])
    shapes = dict(Jurisdiction.objects.filter(pk__in=[r["id"] for r in rows]).exclude(boundary="")
                  .values_list("id", "boundary"))
    features = []
    for r in rows:
        if r["id"] in shapes:
            features.append({"type": "Feature", "geometry": json.loads(shapes[r["id"]]),
                             "properties": {"name": r["name"], "colour": r["colour"], "url": r["url"], "area": True}})
    return collection(features)


def major_hazards_layer(user: Any, place: Jurisdiction) -> dict[str, Any]:
    rows = (hazard_list(user=user, filters=_area(place)).select_related(None)
            .filter(status__in=RECTIFICATION_STATUSES, level=HazardLevel.MAJOR, lng__isnull=False, lat__isnull=False)
            .order_by("-id").values_list("id", "lng", "lat", "category", "enterprise__name", "place_name")[:2000])
    return collection([feature(lng, lat, name=f"{ent or place} {cat}", url=reverse("hazards:detail", args=[pk]))
                       for pk, lng, lat, cat, ent, place in rows])


def alarms_layer(user: Any, place: Jurisdiction) -> dict[str, Any]:
    rows = (alarm_list(user=user).filter(active=True).filter(_inside(place, "enterprise__jurisdiction"))
            .filter(enterprise__lng__isnull=False).order_by("-raised_at")
            .values_list("id", "enterprise__lng", "enterprise__lat", "enterprise__name")[:2000])
    return collection([feature(lng, lat, name=name, url=reverse("monitoring:alarm", args=[pk]))
                       for pk, lng, lat, name in rows])


def incidents_layer(user: Any, place: Jurisdiction) -> dict[str, Any]:
    rows = (Incident.objects.restrict(user, "emergency.view").filter(_inside(place), status=IncidentStatus.OPEN)
            .order_by("-opened_at").values_list("id", "lng", "lat", "title")[:500])
    return collection([feature(lng, lat, name=title, url=reverse("emergency:incident_detail", args=[pk]))
                       for pk, lng, lat, title in rows])


def teams_layer(user: Any, place: Jurisdiction) -> dict[str, Any]:
    rows = (Team.objects.restrict(user, "emergency.view").filter(_inside(place), lng__isnull=False, lat__isnull=False)
            .order_by("name").values_list("id", "lng", "lat", "name")[:2000])
    return collection([feature(lng, lat, name=name, url=reverse("emergency:team_detail", args=[pk]))
                       for pk, lng, lat, name in rows])


register(MapLayer("areas", _("辖区风险"), "orgs.view", areas_layer, order=10, colour="#6c757d"))
register(MapLayer("major_hazards", _("重大隐患"), "hazards.view", major_hazards_layer, order=20, colour="#b02a37"))
register(MapLayer("alarms", _("报警中"), "monitoring.view", alarms_layer, order=30, colour="#d63384"))
register(MapLayer("incidents", _("处置中事件"), "emergency.view", incidents_layer, order=40, colour="#fd7e14"))
register(MapLayer("teams", _("救援队伍"), "emergency.view", teams_layer, order=50, colour="#198754", on=False))
