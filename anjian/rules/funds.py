"""Safety funds: the enterprises' 安全生产费用 and the government's special fund ledger.

Sources (see ``docs/funds.md``):

* 《企业安全生产费用提取和使用管理办法》(财资〔2022〕136号, 财政部、应急管理部, 2022-11-21,
  in force 2022-12-13):
  - Art. 17 (☑️): construction companies extract on the building-and-installation cost, per
    month by progress: mining works 3.5 %; railways, buildings, urban rail 3 %; water
    conservancy/hydropower and power works 2.5 %; smelting, electromechanical installation,
    chemical/petroleum and telecom works 2 %; municipal, port/waterway and highway works 1.5 %.
  - Art. 24 (☑️): transport companies extract on last year's revenue: ordinary freight 1 %;
    passengers, pipelines and dangerous-goods or other special freight 1.5 %.
  - Section 3, hazardous-goods producers and storers (☑️ rates; article number ⚠️): last year's
    revenue, regressively: up to 10 M yuan 4.5 %; 10 M–100 M 2.25 %; 100 M–1 G 0.55 %; above 1 G
    0.2 %.
  - Art. 48 (☑️): a company less than a year in production books the actual spending in the year
    and extracts at year end on that year's revenue.
  Money not spent in a year is carried forward; a regulator checks that the extraction reaches
  the standard and looks at how much of it was used.
* Custody (托管) eligibility: the work plan (item 22) targets small and medium enterprises under
  300 staff and accident-prone enterprises; the threshold is a parameter.

Pure Python: no Django import. Amounts are ``Decimal`` yuan rounded to the fen half-up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

__all__ = [
    "CONSTRUCTION_RATES",
    "CUSTODY_STAFF_LIMIT",
    "HAZARDOUS_GOODS_BANDS",
    "TRANSPORT_RATES",
    "LedgerLine",
    "UnknownCategoryError",
    "custody_eligible",
    "execution_rate",
    "ledger_balances",
    "regressive_amount",
    "required_extraction",
    "usage_rate",
]

_CENT: Final = Decimal("0.01")

CONSTRUCTION_RATES: Final[dict[str, Decimal]] = {
    "mining": Decimal("0.035"),
    "railway": Decimal("0.03"),
    "building": Decimal("0.03"),
    "urban_rail": Decimal("0.03"),
    "water_power": Decimal("0.025"),
    "electric_power": Decimal("0.025"),
    "smelting": Decimal("0.02"),
    "electromechanical": Decimal("0.02"),
    "chemical_petroleum": Decimal("0.02"),
    "telecom": Decimal("0.02"),
    "municipal": Decimal("0.015"),
    "port_waterway": Decimal("0.015"),
    "highway": Decimal("0.015"),
}
"""财资〔2022〕136号 Art. 17: rate on the building-and-installation cost by kind of works."""

TRANSPORT_RATES: Final[dict[str, Decimal]] = {
    "ordinary_freight": Decimal("0.01"),
    "passenger": Decimal("0.015"),
    "pipeline": Decimal("0.015"),
    "special_freight": Decimal("0.015"),
}
"""财资〔2022〕136号 Art. 24: rate on last year's revenue by kind of transport business."""

HAZARDOUS_GOODS_BANDS: Final[tuple[tuple[Decimal | None, Decimal], ...]] = (
    (Decimal("10000000"), Decimal("0.045")),
    (Decimal("100000000"), Decimal("0.0225")),
    (Decimal("1000000000"), Decimal("0.0055")),
    (None, Decimal("0.002")),
)
"""财资〔2022〕136号 section 3: (upper bound of the band in yuan, rate), regressive."""

CUSTODY_STAFF_LIMIT: Final = 300
"""Work plan item 22: custody is promoted for enterprises with fewer than 300 staff."""


class UnknownCategoryError(ValueError):
    """A category outside the rule's table."""


def _yuan(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def regressive_amount(base: Decimal, bands: Iterable[tuple[Decimal | None, Decimal]]) -> Decimal:
    """Amount of a regressive (超额累退) extraction: each slice of ``base`` at its band's rate."""
    if base < 0:
        raise ValueError("the base must not be negative")
    total = Decimal(0)
    lower = Decimal(0)
    for upper, rate in bands:
        top = base if upper is None else min(base, upper)
        if top > lower:
            total += (top - lower) * rate
        if upper is None or base <= upper:
            break
        lower = upper
    return _yuan(total)


def required_extraction(*, regime: str, category: str, base: Decimal) -> Decimal:
    """The minimum 安全生产费用 for one year (or one contract) under 财资〔2022〕136号.

    ``regime`` "construction" (``base`` = building-and-installation cost, Art. 17), "transport"
    (``base`` = last year's revenue, Art. 24) or "hazardous_goods" (last year's revenue, regressive
    bands of section 3; ``category`` is ignored)."""
    if base < 0:
        raise ValueError("the base must not be negative")
    if regime == "hazardous_goods":
        return regressive_amount(base, HAZARDOUS_GOODS_BANDS)
    table = {"construction": CONSTRUCTION_RATES, "transport": TRANSPORT_RATES}.get(regime)
    if table is None:
        raise UnknownCategoryError(f"unknown regime {regime!r}")
    try:
        rate = table[category]
    except KeyError as exc:
        raise UnknownCategoryError(f"unknown {regime} category {category!r}") from exc
    return _yuan(base * rate)


def usage_rate(*, extracted: Decimal, carried_over: Decimal, used: Decimal) -> Decimal | None:
    """Share of the money available in the year (extracted + carried over) that was used, in
    per cent with one decimal; ``None`` when nothing was available."""
    available = extracted + carried_over
    if available <= 0:
        return None
    return (used * 100 / available).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def execution_rate(*, allocated: Decimal, spent: Decimal) -> Decimal | None:
    """Execution rate of a fund line or allocation: spent / allocated in per cent (one decimal)."""
    if allocated <= 0:
        return None
    return (spent * 100 / allocated).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LedgerLine:
    """One key of the ledger (a budget line, a district…) with its money in yuan."""

    key: str
    allocated: Decimal
    spent: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.allocated - self.spent


def ledger_balances(rows: Iterable[tuple[str, Decimal, Decimal]]) -> dict[str, LedgerLine]:
    """Fold ledger rows (key, allocated delta, spent delta) into balances per key.

    Reversals are rows with negative deltas, so the result satisfies
    ``allocated == spent + remaining`` for every key by construction; callers check
    ``remaining >= 0`` (no overspending) and ``spent >= 0``."""
    acc: dict[str, tuple[Decimal, Decimal]] = {}
    for key, allocated, spent in rows:
        a, s = acc.get(key, (Decimal(0), Decimal(0)))
        acc[key] = (a + allocated, s + spent)
    return {k: LedgerLine(k, a, s) for k, (a, s) in acc.items()}


def custody_eligible(*, employees: int, accident_prone: bool, staff_limit: int = CUSTODY_STAFF_LIMIT) -> bool:
    """Whether an enterprise is a custody target (work plan item 22): fewer than ``staff_limit``
    staff, or accident-prone whatever its size."""
    return accident_prone or employees < staff_limit
