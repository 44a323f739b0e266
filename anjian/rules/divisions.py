"""Administrative division codes (行政区划代码).

Sources:

* GB/T 2260-2007《中华人民共和国行政区划代码》: six digits — two for the province, two for the
  prefecture-level unit (地级), two for the county-level unit (县级). A prefecture's own code ends
  in ``00``; a province's ends in ``0000``. The four municipalities directly under the Central
  Government (北京 11, 天津 12, 上海 31, 重庆 50) use ``01`` (市辖区) and ``02`` (县) as their
  prefecture digits.
* GB/T 10114-2003《县级以下行政区划代码编制规则》: a township-level unit (街道/乡/镇) adds three
  digits to its county's six (nine in all); a village-level unit (社区/村) adds three more (twelve).

These are structural facts of the code; whether a code is *assigned* is a matter of the published
list, which a city imports with its boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass

PROVINCE = "province"
PREFECTURE = "prefecture"
COUNTY = "county"
TOWNSHIP = "township"
VILLAGE = "village"

MUNICIPALITIES = frozenset({"11", "12", "31", "50"})


@dataclass(frozen=True)
class DivisionCode:
    code: str
    kind: str  # one of PROVINCE, PREFECTURE, COUNTY, TOWNSHIP, VILLAGE
    province: str
    prefecture: str | None
    county: str | None

    @property
    def is_municipality(self) -> bool:
        return self.province[:2] in MUNICIPALITIES


class DivisionCodeError(ValueError):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


def parse_division_code(raw: str) -> DivisionCode:
    """The kind of unit a division code names, from its structure (GB/T 2260-2007, GB/T 10114-2003).

    >>> parse_division_code("440300").kind
    'prefecture'
    >>> parse_division_code("440305007").kind
    'township'
    """
    code = raw.strip()
    if not code.isascii() or not code.isdigit() or len(code) not in (6, 9, 12):
        raise DivisionCodeError(
            f"行政区划代码应为6位（省、市、县）、9位（街道、乡镇）或12位（社区、村）数字：{raw!r}",
            f"A division code has 6 (province, city, county), 9 (township) or 12 (village) digits: {raw!r}",
        )
    head = code[:6]
    if head[:2] == "00":
        raise DivisionCodeError(f"省级代码不能为00：{raw}", f"The province digits cannot be 00: {raw}")
    province = head[:2] + "0000"
    prefecture = head[:4] + "00"
    if len(code) == 12:
        return DivisionCode(code, VILLAGE, province, prefecture, head)
    if len(code) == 9:
        if code[6:] == "000":
            raise DivisionCodeError(f"乡级代码不能为000：{raw}", f"The township digits cannot be 000: {raw}")
        return DivisionCode(code, TOWNSHIP, province, prefecture, head)
    if head[2:] == "0000":
        return DivisionCode(code, PROVINCE, province, None, None)
    if head[4:] == "00":
        return DivisionCode(code, PREFECTURE, province, prefecture, None)
    return DivisionCode(code, COUNTY, province, prefecture, head)


def is_within(child: str, parent: str) -> bool:
    """Whether the division ``child`` lies under ``parent`` by its code alone (a prefecture's
    counties share its first four digits; a township starts with its county's six)."""
    c, p = parse_division_code(child), parse_division_code(parent)
    if c.code == p.code:
        return False
    if p.kind == PROVINCE:
        return c.code[:2] == p.code[:2]
    if p.kind == PREFECTURE:
        return c.kind != PROVINCE and c.code[:4] == p.code[:4]
    if p.kind == COUNTY:
        return len(c.code) > 6 and c.code[:6] == p.code
    if p.kind == TOWNSHIP:
        return len(c.code) == 12 and c.code[:9] == p.code
    return False
