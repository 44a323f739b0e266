"""Reads of the funds app: every query starts from ``restrict(user, action)``."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from anjian.enterprises.models import Enterprise
from anjian.funds.models import (
    ContractStatus,
    CustodyContract,
    CustodyProvider,
    CustodyVisit,
    FundAllocation,
    FundLine,
    FundSpending,
    SafetyCostUse,
    SafetyCostYear,
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


def provider_performance(*, user: Any) -> list[dict[str, Any]]:
    """Per provider: clients in force, visits, hazards found and fixed at its clients (within the
    user's scope)."""
    now = timezone.now()
    visits = _scoped(CustodyVisit, user, "funds.view").values("contract__provider_id").annotate(
        n=Count("id"), found=Sum("hazards_found"), fixed=Sum("hazards_fixed"))
    per = {v["contract__provider_id"]: v for v in visits}
    clients = contracts(user=user).filter(status=ContractStatus.ACTIVE, starts_at__lte=now, ends_at__gt=now).values(
        "provider_id").annotate(n=Count("id"))
    active = {c["provider_id"]: c["n"] for c in clients}
    out = []
    for p in providers(user=user):
        v = per.get(p.pk, {})
        out.append({"provider": p, "clients": active.get(p.pk, 0), "visits": v.get("n", 0),
                    "found": v.get("found") or 0, "fixed": v.get("fixed") or 0})
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
