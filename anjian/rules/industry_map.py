"""Foreign industry codes (NAICS, ISIC) mapped to GB/T 4754-2017 sections.

Foreign accident data names the industry in its own classification: the United States'
NAICS 2017/2022 (OSHA severe-injury and fatality reports carry ``Primary NAICS``) or the UN's
ISIC Rev.4. The sections of GB/T 4754-2017 largely follow ISIC's (our reading of the two
section lists, regulations.md §4.3); NAICS is mapped through its 2- to 4-digit sectors.

The tables give the **section** (门类) only: below that the classifications cut activities
differently and a finer mapping would pretend a precision the data do not have. They are our
own correspondence, built from the section titles of the three classifications; where an ISIC
or NAICS sector splits across GB/T 4754 sections the larger part decides, and the exceptions
that matter for safety supervision (waste management, water supply, publishing and
broadcasting, security services) are listed at three digits or by division.

Pure Python, no Django import.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = [
    "ISIC_DIVISION_SECTIONS",
    "ISIC_SECTION_SECTIONS",
    "NAICS_SECTIONS",
    "isic_section",
    "naics_section",
]

# NAICS 2-digit sectors (and 3-digit subsectors that belong elsewhere) → GB/T 4754 section.
NAICS_SECTIONS: Final[dict[str, str]] = {
    "11": "A",  # Agriculture, Forestry, Fishing and Hunting → 农、林、牧、渔业
    "21": "B",  # Mining, Quarrying, and Oil and Gas Extraction → 采矿业
    "22": "D",  # Utilities → 电力、热力、燃气及水生产和供应业
    "23": "E",  # Construction → 建筑业
    "31": "C",
    "32": "C",
    "33": "C",  # Manufacturing → 制造业
    "42": "F",  # Wholesale Trade → 批发和零售业
    "44": "F",
    "45": "F",  # Retail Trade → 批发和零售业
    "48": "G",
    "49": "G",  # Transportation and Warehousing → 交通运输、仓储和邮政业
    "51": "I",  # Information → 信息传输、软件和信息技术服务业
    "511": "R",
    "512": "R",
    "515": "R",
    "516": "R",  # publishing, motion pictures, broadcasting → 文化、体育和娱乐业
    "52": "J",  # Finance and Insurance → 金融业
    "53": "K",  # Real Estate and Rental and Leasing → 房地产业
    "532": "L",
    "533": "L",  # rental and leasing → 租赁和商务服务业
    "54": "M",  # Professional, Scientific, and Technical Services → 科学研究和技术服务业
    "5411": "L",
    "5412": "L",
    "5416": "L",
    "5418": "L",  # legal, accounting, consulting, advertising → 商务服务业
    "55": "L",  # Management of Companies and Enterprises → 租赁和商务服务业
    "56": "L",  # Administrative and Support and Waste Management → 租赁和商务服务业
    "562": "N",  # Waste Management and Remediation → 水利、环境和公共设施管理业
    "5617": "O",  # Services to Buildings and Dwellings → 居民服务、修理和其他服务业
    "61": "P",  # Educational Services → 教育
    "62": "Q",  # Health Care and Social Assistance → 卫生和社会工作
    "71": "R",  # Arts, Entertainment, and Recreation → 文化、体育和娱乐业
    "72": "H",  # Accommodation and Food Services → 住宿和餐饮业
    "81": "O",  # Other Services (except Public Administration) → 居民服务、修理和其他服务业
    "813": "S",  # Religious, Civic, Professional Organizations → 公共管理、社会保障和社会组织
    "92": "S",  # Public Administration → 公共管理、社会保障和社会组织
}

# ISIC Rev.4 sections → GB/T 4754 sections (where the division does not say otherwise).
ISIC_SECTION_SECTIONS: Final[dict[str, str]] = {
    "A": "A",
    "B": "B",
    "C": "C",
    "D": "D",
    "E": "N",
    "F": "E",
    "G": "F",
    "H": "G",
    "I": "H",
    "J": "I",
    "K": "J",
    "L": "K",
    "M": "M",
    "N": "L",
    "O": "S",
    "P": "P",
    "Q": "Q",
    "R": "R",
    "S": "O",
    "T": "O",
    "U": "T",
}

# ISIC Rev.4 divisions (two digits) → GB/T 4754 sections, by ranges.
_ISIC_RANGES: Final[tuple[tuple[int, int, str], ...]] = (
    (1, 3, "A"),
    (5, 9, "B"),
    (10, 33, "C"),
    (35, 36, "D"),
    (37, 39, "N"),
    (41, 43, "E"),
    (45, 47, "F"),
    (49, 53, "G"),
    (55, 56, "H"),
    (58, 60, "R"),
    (61, 63, "I"),
    (64, 66, "J"),
    (68, 68, "K"),
    (69, 70, "L"),
    (71, 72, "M"),
    (73, 73, "L"),
    (74, 75, "M"),
    (77, 80, "L"),
    (81, 81, "O"),
    (82, 82, "L"),
    (84, 84, "S"),
    (85, 85, "P"),
    (86, 88, "Q"),
    (90, 93, "R"),
    (94, 94, "S"),
    (95, 98, "O"),
    (99, 99, "T"),
)
ISIC_DIVISION_SECTIONS: Final[dict[str, str]] = {
    f"{n:02d}": section for low, high, section in _ISIC_RANGES for n in range(low, high + 1)
}


def _clean(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()


def naics_section(value: object) -> str | None:
    """The GB/T 4754 section of a NAICS code (2 to 6 digits; the longest listed prefix wins:
    ``562111`` → ``N``, ``238210`` → ``E``); ``None`` when the code is not a NAICS code."""
    m = re.match(r"(\d{2,6})", _clean(value))
    if m is None:
        return None
    digits = m.group(1)
    for length in range(min(len(digits), 4), 1, -1):
        if (section := NAICS_SECTIONS.get(digits[:length])) is not None:
            return section
    return None


def isic_section(value: object) -> str | None:
    """The GB/T 4754 section of an ISIC Rev.4 code: a section letter (``F``), or a division,
    group or class (``41``, ``4100``, ``F4100``: its first two digits decide); ``None`` when
    unknown."""
    text = _clean(value).upper()
    m = re.match(r"([A-U])?\s*(\d{2,4})?", text)
    if m is None or not (m.group(1) or m.group(2)):
        return None
    if m.group(2):
        return ISIC_DIVISION_SECTIONS.get(m.group(2)[:2])
    return ISIC_SECTION_SECTIONS.get(m.group(1) or "")
