"""Proposing an accident type from a narrative (foreign and historical accident data).

GB/T 6441-1986 §5 (and GB 6441—2025 §4, "classified by the direct cause; for chained events
the first-inducing cause") types an accident by what directly caused the injury. Imported data
often has only a narrative ("Employee fell from a ladder…", "工人在清理污水井时中毒窒息…"). This
module proposes the GB/T 6441-1986 type whose keywords appear in the narrative; the importing
user confirms it in the preview, and the proposal and its keyword are kept in the record.

The keyword list is our own (not part of either standard); the order matters: specific
explosions before explosions, explosions before fire, poisoning before falls (a worker overcome
by gas who then falls is a poisoning), collapse before machinery (a trench cave-in that
"caught" a worker), falls before being struck. "Fire" alone is not a keyword: fatality
narratives often say the fire department responded. The type names are the
standard's (regulations.md §4.1). Dates from 2026-07-01 map on to GB 6441—2025 through
``accidents.to_2025_type``.

Pure Python, no Django import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

__all__ = ["KEYWORDS", "Proposal", "propose_type"]

# (GB/T 6441-1986 code, keywords in Chinese and English), first match wins.
KEYWORDS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("15", ("瓦斯爆炸", "煤尘爆炸", "firedamp", "methane explosion", "gas explosion in mine")),
    ("16", ("锅炉爆炸", "boiler explo")),
    ("17", ("容器爆炸", "压力容器", "气瓶爆炸", "pressure vessel", "cylinder explo", "tank rupture")),
    ("14", ("火药爆炸", "炸药爆炸", "烟花爆竹", "explosives", "fireworks", "detonat")),
    ("13", ("放炮", "爆破", "blasting")),
    ("18", ("爆炸", "爆燃", "闪爆", "explosion", "exploded", "explode", "deflagration")),
    ("12", ("透水", "突水", "water inrush", "flooded mine")),
    ("11", ("冒顶", "片帮", "roof fall", "roof collapse", "rib fall")),
    (
        "19",
        (
            "中毒",
            "窒息",
            "硫化氢",
            "一氧化碳",
            "缺氧",
            "有限空间",
            "asphyxia",
            "suffocat",
            "poison",
            "toxic",
            "overcome by",
            "hydrogen sulfide",
            "carbon monoxide",
            "oxygen-deficient",
            "oxygen deficient",
            "inhal",
            "confined space",
        ),
    ),
    ("05", ("触电", "电击", "带电", "electrocut", "electric shock", "shocked", "energized", "power line")),
    ("06", ("淹溺", "溺水", "落水", "drown")),
    (
        "08",
        (
            "火灾",
            "起火",
            "着火",
            "失火",
            "caught fire",
            "on fire",
            "flash fire",
            "fire broke out",
            "ignited",
            "blaze",
            "flames",
        ),
    ),
    ("07", ("灼烫", "烫伤", "烧伤", "灼伤", "scald", "burn", "hot liquid", "molten", "chemical burn")),
    ("10", ("坍塌", "倒塌", "垮塌", "塌方", "collapse", "cave-in", "cave in", "trench", "buried")),
    ("04", ("起重", "吊车", "塔吊", "吊装", "吊物", "行车", "crane", "hoist", "rigging", "sling")),
    (
        "02",
        (
            "车辆",
            "叉车",
            "撞车",
            "碾压",
            "货车",
            "forklift",
            "vehicle",
            "truck",
            "run over",
            "backed over",
            "struck by a car",
            "traffic",
        ),
    ),
    (
        "03",
        (
            "机械",
            "卷入",
            "绞入",
            "挤压",
            "夹伤",
            "搅拌机",
            "冲床",
            "caught in",
            "caught between",
            "machine",
            "conveyor",
            "amputat",
            "crushed between",
            "auger",
            "press",
        ),
    ),
    (
        "09",
        (
            "高处坠落",
            "坠落",
            "跌落",
            "摔下",
            "fell",
            "fall from",
            "falls from",
            "fall through",
            "fell through",
            "ladder",
            "scaffold",
            "roof edge",
            "skylight",
        ),
    ),
    ("01", ("物体打击", "砸伤", "砸中", "击中", "struck by", "hit by", "falling object", "flying object")),
)
OTHER: Final = "20"  # 其他伤害


@dataclass(frozen=True)
class Proposal:
    """A proposed GB/T 6441-1986 ``code`` and the ``keyword`` that decided it (``""`` for 其他伤害
    when no keyword matched)."""

    code: str
    keyword: str


def propose_type(narrative: str) -> Proposal:
    """The GB/T 6441-1986 type a narrative suggests (first matching keyword of ``KEYWORDS``).
    English keywords match whole-word starts case-insensitively ("fell" in "fell from", not in
    "Wellfell"); Chinese ones anywhere. No match → 其他伤害 (``20``) with no keyword."""
    text = narrative.lower()
    for code, words in KEYWORDS:
        for word in words:
            if word.isascii():
                if re.search(r"(?<![a-z])" + re.escape(word), text):
                    return Proposal(code, word)
            elif word in text:
                return Proposal(code, word)
    return Proposal(OTHER, "")
