"""Reads of the funds app: every query starts from ``restrict(user, action)``."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Count, Q, Sum
from django.utils import timezone

from anjian.core.scoping import has_action
from anjian.enterprises.models import Enterprise
from anjian.funds.models import (
    CampaignTarget,
    ContractStatus,
    CustodyContract,
    CustodyProvider,
    CustodyVisit,
    FundAllocation,
    FundLine,
    FundSpending,
    SafetyCostUse,
    SafetyCostYear,
    TechCampaign,
    TechInstallation,
)
from anjian.orgs.models import Jurisdiction
from anjian.rules import funds as rules

ZERO = Decimal(0)


def _scoped(model: Any, user: Any, action: str) -> Any:
    return model.objects.all() if user is None else model.objects.restrict(user, action)


def lines(*, user: Any, year: int | None = None) -> Any:
    qs = _scoped(FundLine, user, "funds.manage").select_related("owner")
    return qs.filter(year=year) if year else qs


def ledger_rows(*, user: Any, year: int) -> list[tuple[str, str, Decimal, Decimal]]:
    """(line code, district, allocated delta, spent delta) for every ledger row the user sees."""
    allocs = _scoped(FundAllocation, user, "funds.manage").filter(line__year=year).select_related("line", "jurisdiction")
    spends = _scoped(FundSpending, user, "funds.manage").filter(allocation__line__year=year).select_related(
        "allocation__line", "allocation__jurisdiction")
    names: dict[int, str] = {}

    def district(j: Jurisdiction) -> str:
        if j.pk not in names:
            names[j.pk] = district_of(j).name
        return names[j.pk]

    rows = [(a.line.code, district(a.jurisdiction), a.amount, ZERO) for a in allocs]
    rows += [(s.allocation.line.code, district(s.allocation.jurisdiction), ZERO, s.amount) for s in spends]
    return rows


def district_of(j: Jurisdiction) -> Jurisdiction:
    """The district a jurisdiction lies in (itself for the city or a district)."""
    if j.level <= 2 or j.parent_id is None:
        return j
    return next((a for a in j.ancestors() if a.level == 2), j)


def balances_by(rows: list[tuple[str, str, Decimal, Decimal]], key: str) -> dict[str, rules.LedgerLine]:
    idx = 0 if key == "line" else 1
    return rules.ledger_balances((r[idx], r[2], r[3]) for r in rows)


def ledger_summary(*, user: Any, year: int) -> dict[str, Any]:
    rows = ledger_rows(user=user, year=year)
    out: dict[str, Any] = {}
    for key in ("line", "district"):
        out[key] = [{"key": b.key, "allocated": b.allocated, "spent": b.spent, "remaining": b.remaining,
                     "rate": rules.execution_rate(allocated=b.allocated, spent=b.spent)}
                    for b in sorted(balances_by(rows, key).values(), key=lambda b: b.key)]
    return out


def cost_rows(*, user: Any, year: int) -> list[dict[str, Any]]:
    """The figures a regulator checks per enterprise: required vs extracted, used, usage rate."""
    recs = _scoped(SafetyCostYear, user, "funds.view").filter(year=year).select_related("enterprise").annotate(
        used=Sum("uses__amount"))
    out = []
    for r in recs:
        used = r.used or ZERO
        short = max(ZERO, (r.required or ZERO) - r.extracted) if r.required is not None else None
        out.append({"record": r, "enterprise": r.enterprise, "required": r.required, "extracted": r.extracted,
                    "carried_over": r.carried_over, "used": used, "shortfall": short,
                    "balance": r.extracted + r.carried_over - used,
                    "usage_rate": rules.usage_rate(extracted=r.extracted, carried_over=r.carried_over, used=used)})
    return out


def cost_uses(*, user: Any, record: SafetyCostYear) -> Any:
    return _scoped(SafetyCostUse, user, "funds.view").filter(record=record)


def contracts(*, user: Any) -> Any:
    return _scoped(CustodyContract, user, "funds.view").select_related("provider", "enterprise")


def providers(*, user: Any) -> Any:
    return _scoped(CustodyProvider, user, "funds.view")


def client_accidents(*, user: Any) -> dict[int, dict[str, int]] | None:
    """Per provider: accidents (and deaths) at its clients while under its contract — the
    contract's start to its end (or termination) — among the accidents the user may read; None
    when the user reads no accidents at all. Accidents are read through the app registry
    (``accidents`` is a sibling domain app)."""
    if user is not None and not has_action(user, "accidents.view"):
        return None
    accident = apps.get_model("accidents", "Accident")
    spans: dict[int, list[tuple[int, Any, Any]]] = defaultdict(list)
    for provider_id, enterprise_id, starts_at, ends_at in contracts(user=user).values_list(
            "provider_id", "enterprise_id", "starts_at", "ends_at"):
        spans[enterprise_id].append((provider_id, starts_at, ends_at))
    out: dict[int, dict[str, int]] = defaultdict(lambda: {"accidents": 0, "deaths": 0})
    readable = accident.objects.restrict(user, "accidents.view") if user is not None else accident.objects.all()
    ids = list(spans)
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        first = min(s[1] for e in part for s in spans[e])
        for enterprise_id, occurred_at, deaths in readable.filter(enterprise_id__in=part, occurred_at__gte=first
                                                                  ).values_list("enterprise_id", "occurred_at", "deaths"):
            for provider_id, starts_at, ends_at in spans[enterprise_id]:
                if starts_at <= occurred_at < ends_at:
                    out[provider_id]["accidents"] += 1
                    out[provider_id]["deaths"] += deaths
    return dict(out)


def provider_performance(*, user: Any) -> list[dict[str, Any]]:
    """Per provider: clients in force, visits, hazards found and fixed at its clients, accidents
    and deaths at its clients under contract (None when the user reads no accidents) — within
    the user's scope."""
    now = timezone.now()
    visits = _scoped(CustodyVisit, user, "funds.view").values("contract__provider_id").annotate(
        n=Count("id"), found=Sum("hazards_found"), fixed=Sum("hazards_fixed"))
    per = {v["contract__provider_id"]: v for v in visits}
    clients = contracts(user=user).filter(status=ContractStatus.ACTIVE, starts_at__lte=now, ends_at__gt=now).values(
        "provider_id").annotate(n=Count("id"))
    active = {c["provider_id"]: c["n"] for c in clients}
    accidents = client_accidents(user=user)
    out = []
    for p in providers(user=user):
        v = per.get(p.pk, {})
        a = None if accidents is None else accidents.get(p.pk, {"accidents": 0, "deaths": 0})
        out.append({"provider": p, "clients": active.get(p.pk, 0), "visits": v.get("n", 0),
                    "found": v.get("found") or 0, "fixed": v.get("fixed") or 0,
                    "accidents": None if a is None else a["accidents"], "deaths": None if a is None else a["deaths"]})
    return out


def custody_coverage(*, user: Any, staff_limit: int = rules.CUSTODY_STAFF_LIMIT) -> list[dict[str, Any]]:
    """Per district: eligible SMEs (fewer than ``staff_limit`` staff) and how many are under a
    contract in force."""
    now = timezone.now()
    ents = Enterprise.objects.restrict(user, "funds.view").filter(employees__lt=staff_limit) if user else \
        Enterprise.objects.filter(employees__lt=staff_limit)
    covered = set(contracts(user=user).filter(status=ContractStatus.ACTIVE, starts_at__lte=now, ends_at__gt=now)
                  .values_list("enterprise_id", flat=True))
    acc: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for e in ents.select_related("jurisdiction"):
        name = district_of(e.jurisdiction).name
        acc[name][0] += 1
        acc[name][1] += int(e.pk in covered)
    return [{"area": k, "eligible": v[0], "covered": v[1],
             "rate": rules.execution_rate(allocated=Decimal(v[0]), spent=Decimal(v[1]))} for k, v in sorted(acc.items())]


def installations(*, user: Any) -> Any:
    return _scoped(TechInstallation, user, "funds.view").select_related("enterprise")


def tech_coverage(*, user: Any, kind: str) -> list[dict[str, Any]]:
    """Per district and sector: enterprises in scope and how many have the technology."""
    ents = Enterprise.objects.restrict(user, "funds.view") if user else Enterprise.objects.all()
    ents = ents.select_related("jurisdiction", "sector").annotate(
        has=Count("id", filter=Q(pk__in=TechInstallation.objects.filter(kind=kind).values("enterprise_id"))))
    acc: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for e in ents:
        k = (district_of(e.jurisdiction).name, e.sector.name if e.sector else "—")
        acc[k][0] += 1
        acc[k][1] += int(bool(e.has))
    return [{"area": a, "sector": s, "total": v[0], "equipped": v[1],
             "rate": rules.execution_rate(allocated=Decimal(v[0]), spent=Decimal(v[1]))} for (a, s), v in sorted(acc.items())]


def campaign_coverage(*, user: Any, campaign: TechCampaign) -> list[dict[str, Any]]:
    """A campaign's targets the user sees, per district and sector: how many, how many equipped."""
    targets = CampaignTarget.objects.restrict(user, "funds.view") if user else CampaignTarget.objects.all()
    acc: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for t in targets.filter(campaign=campaign).select_related("enterprise__jurisdiction", "enterprise__sector"):
        e = t.enterprise
        k = (district_of(e.jurisdiction).name, e.sector.name if e.sector else "—")
        acc[k][0] += 1
        acc[k][1] += int(t.done_at is not None)
    return [{"area": a, "sector": s, "total": v[0], "equipped": v[1],
             "rate": rules.execution_rate(allocated=Decimal(v[0]), spent=Decimal(v[1]))} for (a, s), v in sorted(acc.items())]
