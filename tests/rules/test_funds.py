"""Case tables for anjian.rules.funds (财资〔2022〕136号 extraction; ledger balances; custody eligibility)."""

from decimal import Decimal as D

import pytest

from anjian.rules.funds import (
    UnknownCategoryError,
    custody_eligible,
    execution_rate,
    ledger_balances,
    required_extraction,
    usage_rate,
)


@pytest.mark.parametrize(("regime", "category", "base", "amount"), [
    ("construction", "mining", D("1000000"), D("35000.00")),
    ("construction", "building", D("1000000"), D("30000.00")),
    ("construction", "water_power", D("1000000"), D("25000.00")),
    ("construction", "telecom", D("1000000"), D("20000.00")),
    ("construction", "highway", D("1000000"), D("15000.00")),
    ("transport", "ordinary_freight", D("5000000"), D("50000.00")),
    ("transport", "special_freight", D("5000000"), D("75000.00")),
    ("hazardous_goods", "", D("0"), D("0.00")),
    ("hazardous_goods", "", D("8000000"), D("360000.00")),
    ("hazardous_goods", "", D("10000000"), D("450000.00")),
    ("hazardous_goods", "", D("50000000"), D("1350000.00")),  # 45万 + 4000万×2.25%
    ("hazardous_goods", "", D("200000000"), D("3025000.00")),  # 45万 + 202.5万 + 1亿×0.55%
    ("hazardous_goods", "", D("2000000000"), D("9425000.00")),  # … + 4.95M + 1G×0.2%
])
def test_required_extraction(regime, category, base, amount):
    assert required_extraction(regime=regime, category=category, base=base) == amount


def test_unknown_category_and_negative_base():
    with pytest.raises(UnknownCategoryError):
        required_extraction(regime="construction", category="bridge", base=D(1))
    with pytest.raises(UnknownCategoryError):
        required_extraction(regime="farming", category="", base=D(1))
    with pytest.raises(ValueError):
        required_extraction(regime="hazardous_goods", category="", base=D(-1))


def test_rates():
    assert usage_rate(extracted=D(100), carried_over=D(100), used=D(150)) == D("75.0")
    assert usage_rate(extracted=D(0), carried_over=D(0), used=D(0)) is None
    assert execution_rate(allocated=D(3), spent=D(1)) == D("33.3")
    assert execution_rate(allocated=D(0), spent=D(0)) is None


def test_ledger_balances_with_reversal():
    rows = [("A", D(100), D(0)), ("A", D(0), D(40)), ("A", D(0), D(-40)), ("A", D(0), D(30)), ("B", D(50), D(0)),
            ("B", D(-10), D(0))]
    b = ledger_balances(rows)
    assert (b["A"].allocated, b["A"].spent, b["A"].remaining) == (D(100), D(30), D(70))
    assert (b["B"].allocated, b["B"].spent, b["B"].remaining) == (D(40), D(0), D(40))
    for line in b.values():
        assert line.allocated == line.spent + line.remaining


@pytest.mark.parametrize(("employees", "prone", "limit", "ok"), [
    (299, False, 300, True), (300, False, 300, False), (5000, True, 300, True), (150, False, 100, False)])
def test_custody_eligible(employees, prone, limit, ok):
    assert custody_eligible(employees=employees, accident_prone=prone, staff_limit=limit) is ok
