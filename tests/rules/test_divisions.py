import pytest

from anjian.rules.divisions import DivisionCodeError, is_within, parse_division_code


@pytest.mark.parametrize("code, kind, prefecture, county", [
    ("440000", "province", None, None),
    ("110000", "province", None, None),
    ("440300", "prefecture", "440300", None),
    ("440305", "county", "440300", "440305"),
    ("110101", "county", "110100", "110101"),
    ("440305007", "township", "440300", "440305"),
    ("440305007001", "village", "440300", "440305"),
])
def test_kinds(code, kind, prefecture, county):
    parsed = parse_division_code(code)
    assert (parsed.kind, parsed.prefecture, parsed.county, parsed.province) == (kind, prefecture, county, code[:2] + "0000")


@pytest.mark.parametrize("code", ["", "44030", "4403000", "44O300", "４４０３００", "000000", "440305000", "44030500"])
def test_refused(code):
    with pytest.raises(DivisionCodeError) as err:
        parse_division_code(code)
    assert err.value.zh and err.value.en


def test_municipality():
    assert parse_division_code("310000").is_municipality and not parse_division_code("440300").is_municipality


@pytest.mark.parametrize("child, parent, inside", [
    ("440305", "440300", True), ("440305", "440000", True), ("440305007", "440305", True),
    ("440305007", "440300", True), ("440305007001", "440305007", True), ("440105", "440300", False),
    ("440300", "440300", False), ("440000", "440300", False), ("440306007", "440305", False),
])
def test_within(child, parent, inside):
    assert is_within(child, parent) is inside
