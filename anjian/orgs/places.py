"""Placing a row by the names of its district, street and community, or by its 行政区划代码.

Ledgers rarely carry coordinates; they name where a unit is: 所属区 ``甲区``, 街道 ``甲一街道`` (or
``甲一街道办事处``, ``甲一``), 社区 ``某某社区居委会``, or a statistical division code — often the
12-digit form of GB/T 10114-2003 (``440305001000`` for the street ``440305001``, ``440305000000``
for the district ``440305``). ``PlaceResolver`` finds the one jurisdiction these name, among
the jurisdictions the importing user may see (their territory); a name that fits several places
is an error that lists them, so the person can add the district or the code.

Loaded once per import (a city has a few thousand jurisdictions), then pure lookups.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from anjian.core.text import normalise
from anjian.orgs.models import Jurisdiction, JurisdictionLevel

# Suffixes ledgers add to or drop from the names, longest first, per level.
SUFFIXES: dict[int, tuple[str, ...]] = {
    JurisdictionLevel.DISTRICT: ("新区", "区", "县", "市"),
    JurisdictionLevel.STREET: ("街道办事处", "街道办", "街道", "镇人民政府", "镇政府", "镇", "乡人民政府", "乡"),
    JurisdictionLevel.COMMUNITY: ("社区居民委员会", "社区居委会", "居民委员会", "居委会", "社区", "村民委员会",
                                  "村委会", "村"),
}
# The columns a row may name its place in, highest level first.
NAME_FIELDS = (("district", JurisdictionLevel.DISTRICT), ("street", JurisdictionLevel.STREET),
               ("community", JurisdictionLevel.COMMUNITY))


class PlaceError(ValueError):
    """No place, or several, for what the row says; ``field`` is the column at fault."""

    def __init__(self, field: str, zh: str, en: str, value: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.field, self.zh, self.en, self.value = field, zh, en, value


def name_key(name: str, level: int) -> str:
    """The name without its level's suffix and spaces: ``甲一街道办事处`` → ``甲一``."""
    text = re.sub(r"\s+", "", normalise(name))
    for suffix in SUFFIXES.get(level, ()):
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def code_variants(code: str) -> list[str]:
    """The codes a 行政区划代码 may stand for: as written, then without the zero padding of the
    12-digit statistical form (``440305001000`` → ``440305001`` → ``440305``)."""
    text = re.sub(r"\s+", "", normalise(code))
    out = [text]
    if text.isdigit() and len(text) == 12 and text.endswith("000"):
        out.append(text[:9])
    if text.isdigit() and len(out[-1]) == 9 and out[-1].endswith("000"):
        out.append(out[-1][:6])
    return out


@dataclass
class PlaceResolver:
    """The jurisdictions in a user's territory, indexed by code and by name per level."""

    by_code: dict[str, Jurisdiction]
    by_name: dict[tuple[int, str], list[Jurisdiction]]

    @classmethod
    def of(cls, jurisdictions: Iterable[Jurisdiction]) -> PlaceResolver:
        by_code: dict[str, Jurisdiction] = {}
        by_name: dict[tuple[int, str], list[Jurisdiction]] = {}
        for j in jurisdictions:
            by_code[j.code] = j
            by_name.setdefault((j.level, name_key(j.name, j.level)), []).append(j)
        return cls(by_code, by_name)

    @classmethod
    def for_user(cls, user: Any, action: str = "orgs.view") -> PlaceResolver:
        """The resolver over what ``user`` may see (everything for ``None``, a system import)."""
        qs = Jurisdiction.objects.filter(is_active=True)
        if user is not None:
            qs = Jurisdiction.objects.restrict(user, action).filter(is_active=True)
        return cls.of(qs.select_related("parent"))

    def by_division_code(self, code: str) -> Jurisdiction | None:
        """The jurisdiction of a 行政区划代码 (any of ``code_variants``), or ``None``."""
        for variant in code_variants(code):
            if variant in self.by_code:
                return self.by_code[variant]
        return None

    def place(self, *, district: str = "", street: str = "", community: str = "") -> Jurisdiction | None:
        """The deepest place the names give, each level within the one above it; ``None`` when
        no name is given. ``PlaceError`` for a name not found in the territory (under the
        higher level given) or one that fits several places (the candidates are listed)."""
        chosen: Jurisdiction | None = None
        for field_name, level in NAME_FIELDS:
            name = {"district": district, "street": street, "community": community}[field_name]
            if not normalise(name):
                continue
            found = [j for j in self.by_name.get((level, name_key(name, level)), [])
                     if chosen is None or j.path.startswith(chosen.path)]
            if not found:
                within = f"（在{chosen.name}内）" if chosen is not None else ""
                within_en = f" in {chosen.name}" if chosen is not None else ""
                raise PlaceError(field_name, f"您的辖区内{within}没有名为“{name}”的{level_name(level)}",
                                 f"no {level_name_en(level)} named “{name}”{within_en} in your territory", name)
            if len(found) > 1:
                exact = [j for j in found if normalise(j.name) == normalise(name)]
                if len(exact) == 1:
                    found = exact
                else:
                    listed = "、".join(f"{j.name}（{j.code}，{j.parent.name if j.parent else ''}）" for j in found[:6])
                    raise PlaceError(field_name,
                                     f"“{name}”对应多个{level_name(level)}：{listed}；请同时填写所属区/街道或行政区划代码",
                                     f"“{name}” fits several places: {listed}; add the district/street or the division code",
                                     name)
            chosen = found[0]
        return chosen


    def by_any_name(self, name: str) -> Jurisdiction | None:
        """The one place of any level named ``name`` (an accident ledger's 属地 column: a district
        or a street); ``None`` when none; ``PlaceError`` (field ``name``) when several."""
        found: list[Jurisdiction] = []
        for _field, level in NAME_FIELDS:
            found.extend(self.by_name.get((level, name_key(name, level)), []))
        exact = [j for j in found if normalise(j.name) == normalise(name)]
        if len(exact) == 1:
            return exact[0]
        if len(found) > 1:
            listed = "、".join(f"{j.name}（{j.code}）" for j in found[:6])
            raise PlaceError("name", f"“{name}”对应多个区域：{listed}；请填写行政区划代码",
                             f"“{name}” fits several places: {listed}; give the division code", name)
        return found[0] if found else None


def level_name(level: int) -> str:
    return {JurisdictionLevel.DISTRICT: "区", JurisdictionLevel.STREET: "街道",
            JurisdictionLevel.COMMUNITY: "社区"}.get(level, "区域")


def level_name_en(level: int) -> str:
    return {JurisdictionLevel.DISTRICT: "district", JurisdictionLevel.STREET: "street",
            JurisdictionLevel.COMMUNITY: "community"}.get(level, "area")
