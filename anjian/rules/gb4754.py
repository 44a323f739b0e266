"""Industry codes of GB/T 4754-2017《国民经济行业分类》 as ledgers write them.

The standard (§4, 代码结构) has four levels: a section (门类) is one capital letter A–T; a
division (大类) two digits; a group (中类) three digits, the first two being its division; a
class (小类) four digits, the first three being its group. The letter is not part of the
numeric code, but ledgers often write it in front (``C1713``) and add the name
(``C1713 棉印染精加工``). The code table (``data/gb4754_2017.csv``, 20 sections, 97 divisions,
473 groups, 1,381 classes) ships with the project: codes are facts of the standard.

``parse_industry`` reads any of these forms and returns the code at the depth written —
``"C"``, ``"17"``, ``"171"`` or ``"1713"`` — so a ledger's class is kept as the class;
``section_of``/``division_of``/``ancestors`` roll a code up for statistics.

Pure Python, no Django import.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

__all__ = [
    "LEVELS",
    "Industry",
    "InvalidIndustry",
    "ancestors",
    "division_of",
    "industries",
    "lookup",
    "parse_industry",
    "section_of",
]

# level of the standard by the length of the numeric code
LEVELS: Final = {1: "section", 2: "division", 3: "group", 4: "class"}
LEVEL_ZH: Final = {"section": "门类", "division": "大类", "group": "中类", "class": "小类"}


@dataclass(frozen=True)
class Industry:
    """One row of the code table: ``code`` (``C``, ``17``, ``171``, ``1713``), its ``name``,
    ``level`` (section/division/group/class) and ``parent`` code (``""`` for a section)."""

    code: str
    name: str
    level: str
    parent: str


class InvalidIndustry(ValueError):
    """A value that is not a GB/T 4754-2017 code; ``zh``/``en`` say why."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


@cache
def industries() -> dict[str, Industry]:
    """The code table, code → ``Industry``, in the standard's order (parents first)."""
    text = resources.files("anjian.rules").joinpath("data/gb4754_2017.csv").read_text(encoding="utf-8")
    return {
        row["code"]: Industry(row["code"], row["name"], row["level"], row["parent"])
        for row in csv.DictReader(text.splitlines())
    }


@cache
def _by_name() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for ind in industries().values():
        out.setdefault(_name_key(ind.name), []).append(ind.code)
    return out


def _name_key(name: str) -> str:
    text = unicodedata.normalize("NFKC", name)
    return re.sub(r"[\s()（）、，,·]", "", text)


def lookup(code: str) -> Industry | None:
    """The table row of an exact code (``"C"``, ``"1713"``), or ``None``."""
    return industries().get(code)


def ancestors(code: str) -> list[str]:
    """The code and every code above it, nearest first: ``1713`` → ``1713, 171, 17, C``."""
    table = industries()
    out: list[str] = []
    current = table.get(code)
    while current is not None:
        out.append(current.code)
        current = table.get(current.parent) if current.parent else None
    return out


def section_of(code: str) -> str:
    """The section letter of any code (``1713`` → ``C``); ``""`` for an unknown code."""
    chain = ancestors(code)
    return chain[-1] if chain else ""


def division_of(code: str) -> str:
    """The two-digit division of a division, group or class code; ``""`` for a section."""
    chain = ancestors(code)
    return next((c for c in chain if len(c) == 2), "")


# An optional section letter, an optional separator, 1–4 digits, then optionally the name.
_CODE: Final = re.compile(r"(?P<letter>[A-Ta-t])?[\s\-_.:：]*(?P<digits>\d{1,4})?(?P<rest>.*)", re.S)


def parse_industry(value: object) -> str:
    """The GB/T 4754-2017 code a ledger cell means, at the depth it is written.

    Accepted: a section letter (``C``, ``c``); 2, 3 or 4 digits (``17``, ``171``, ``1713``),
    with or without the letter in front (``C17``, ``C1713``, ``C-1713``); any of these
    followed by the name (``C1713 棉印染精加工``, ``1713棉印染精加工``); a name alone when it
    names exactly one code (``棉印染精加工``); full-width characters; a one-digit division
    written without its leading zero (``1`` → ``01``); a number read by Excel (``1713.0``).

    Refused with the reason: an unknown code, a letter that is not the code's section
    (``E1713``), and a name that is another code's name (``1713 毛织造加工``). A name that
    differs only in wording from the table (older editions used other wording) is accepted:
    the code decides.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
    if not text:
        raise InvalidIndustry("行业代码为空", "the industry code is empty")
    table = industries()
    m = _CODE.fullmatch(text)
    letter = (m["letter"] or "").upper() if m else ""
    digits = (m["digits"] or "") if m else ""
    rest = _name_key(m["rest"]) if m else ""
    if m and letter and not digits and rest and not rest[0].isascii():
        pass  # "C制造业": a letter then a name
    elif m and letter and not digits and rest:
        letter = ""  # a word starting with a letter, e.g. "Textiles": read as a name below
    if not digits and not letter:
        codes = _by_name().get(_name_key(text), [])
        if len(codes) == 1:
            return codes[0]
        if len(codes) > 1:
            # a group with a single class shares its name: the class is the finer answer
            return max(codes, key=len)
        raise InvalidIndustry(
            f"“{text}”不是 GB/T 4754-2017 的行业代码或名称",
            f"“{text}” is not a GB/T 4754-2017 industry code or name",
        )
    if digits and len(digits) == 1:
        digits = "0" + digits
    code = digits or letter
    found = table.get(code)
    if found is None:
        raise InvalidIndustry(
            f"{code} 不是 GB/T 4754-2017 的{LEVEL_ZH.get(LEVELS.get(len(code), ''), '')}代码",
            f"{code} is not a GB/T 4754-2017 {LEVELS.get(len(code), 'industry')} code",
        )
    if letter and digits and section_of(code) != letter:
        raise InvalidIndustry(
            f"{letter}{digits}：{digits} 属于门类 {section_of(code)}，不属于门类 {letter}",
            f"{letter}{digits}: {digits} belongs to section {section_of(code)}, not {letter}",
        )
    if rest and rest != _name_key(found.name):
        others = [c for c in _by_name().get(rest, []) if c not in ancestors(code)]
        if others:
            other = table[others[0]]
            raise InvalidIndustry(
                f"代码 {code}（{found.name}）与名称“{other.name}”（{other.code}）不符",
                f"code {code} ({found.name}) does not match the name “{other.name}” ({other.code})",
            )
    return code
