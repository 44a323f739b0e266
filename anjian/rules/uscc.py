"""Unified social credit code (统一社会信用代码) — GB 32100-2015.

GB 32100-2015《法人和其他组织统一社会信用代码编码规则》 gives every legal entity and other
organisation an 18-character code made of digits and capital letters, never using I, O, Z, S or
V (§4; the 31 characters in value order are ``ALPHABET``). Its parts (§4.1), and what is checked:

- position 1, 登记管理部门代码 registration-authority code: one of ``AUTHORITIES``;
- position 2, 机构类别代码 organisation-type code: one allowed for that authority (``CATEGORIES``);
- positions 3–8, 登记管理机关行政区划码 the registering office's GB/T 2260 division code: six
  digits whose first two are a province (or 10, a national registration);
- positions 9–17, 主体标识码 the organisation code of GB 11714: alphabet only (see below);
- position 18, 校验码 the check character (GB/T 17710 style): ``uscc_check_char``.

Check character (§4.2): each of the first 17 characters has the value of its index in the
alphabet (``0``–``9`` → 0–9, ``A`` → 10 … ``Y`` → 30); the weight of position *i* (1-based) is
3^(i-1) mod 31; the check value is ``31 - (Σ value × weight) mod 31``, with 31 written as 0.
Because 31 is prime and no weight is 0 mod 31, any single wrong character and any swap of two
adjacent different characters changes the sum, so the check character always catches them.

Positions 9–17 are the organisation code of GB 11714, which has its own check character (weights
3, 7, 9, 10, 5, 8, 4, 2 mod 11, 10 written as ``X``). It is not enforced by default — the code as
a whole is protected by position 18 — but ``validate_uscc(code, check_org_code=True)`` checks it.

Pure Python, no Django import.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Final

__all__ = [
    "ALPHABET",
    "AUTHORITIES",
    "CATEGORIES",
    "WEIGHTS",
    "InvalidUSCC",
    "is_valid_uscc",
    "normalise_uscc",
    "org_code_check_char",
    "uscc_check_char",
    "validate_uscc",
]

#: GB 32100-2015 §4: digits and capital letters except I, O, Z, S, V — 31 characters whose
#: position in this string is their value in the check computation.
ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE: Final[Mapping[str, int]] = {ch: i for i, ch in enumerate(ALPHABET)}

#: GB 32100-2015 §4.2: weight of position i (1-based) is 3^(i-1) mod 31, positions 1–17.
WEIGHTS: Final[tuple[int, ...]] = tuple(pow(3, i, 31) for i in range(17))

#: Position 1, 登记管理部门代码 (GB 32100-2015 Annex A, with the later additions A and N).
AUTHORITIES: Final[Mapping[str, tuple[str, str]]] = {
    "1": ("机构编制", "institutional establishment (bianzhi) offices"),
    "2": ("外交", "foreign affairs"),
    "3": ("司法行政", "justice administration"),
    "4": ("文化", "culture"),
    "5": ("民政", "civil affairs"),
    "6": ("旅游", "tourism"),
    "7": ("宗教", "religious affairs"),
    "8": ("工会", "trade unions"),
    "9": ("工商", "industry and commerce (market regulation)"),
    "A": ("中央军委改革和编制办公室", "Central Military Commission reform and establishment office"),
    "N": ("农业", "agriculture (rural collective economic organisations)"),
    "Y": ("其他", "other"),
}

#: Position 2, 机构类别代码, allowed per registration authority (same source as ``AUTHORITIES``).
CATEGORIES: Final[Mapping[str, Mapping[str, tuple[str, str]]]] = {
    "1": {
        "1": ("机关", "government organ"),
        "2": ("事业单位", "public institution"),
        "3": (
            "中央编办直接管理机构编制的群众团体",
            "mass organisation staffed by the central bianzhi office",
        ),
        "9": ("其他", "other"),
    },
    "2": {"1": ("外国常驻新闻机构", "resident foreign news agency"), "9": ("其他", "other")},
    "3": {
        "1": ("律师执业机构", "law firm"),
        "2": ("公证处", "notary office"),
        "3": ("基层法律服务所", "grassroots legal service office"),
        "4": ("司法鉴定机构", "forensic appraisal institution"),
        "5": ("仲裁委员会", "arbitration commission"),
        "9": ("其他", "other"),
    },
    "4": {"1": ("外国在华文化中心", "foreign cultural centre in China"), "9": ("其他", "other")},
    "5": {
        "1": ("社会团体", "social organisation"),
        "2": ("民办非企业单位", "private non-enterprise unit"),
        "3": ("基金会", "foundation"),
        "9": ("其他", "other"),
    },
    "6": {
        "1": ("外国旅游部门常驻代表机构", "resident office of a foreign tourism authority"),
        "2": (
            "港澳台地区旅游部门常驻内地（大陆）代表机构",
            "resident office of a HK/Macao/Taiwan tourism authority",
        ),
        "9": ("其他", "other"),
    },
    "7": {
        "1": ("宗教活动场所", "venue for religious activities"),
        "2": ("宗教院校", "religious college"),
        "9": ("其他", "other"),
    },
    "8": {"1": ("基层工会", "grassroots trade union"), "9": ("其他", "other")},
    "9": {
        "1": ("企业", "enterprise"),
        "2": ("个体工商户", "individual business"),
        "3": ("农民专业合作社", "farmers' specialised cooperative"),
    },
    "A": {"1": ("军队事业单位", "military public institution"), "9": ("其他", "other")},
    "N": {
        "1": ("组级集体经济组织", "group-level collective economic organisation"),
        "2": ("村级集体经济组织", "village-level collective economic organisation"),
        "3": ("乡镇级集体经济组织", "township-level collective economic organisation"),
        "9": ("其他", "other"),
    },
    "Y": {"1": ("其他", "other (not subdivided)")},
}

# First two digits of a GB/T 2260 division code: the provinces, plus 10 for registrations made
# by a central (national) authority, whose division code is 100000.
_PROVINCE_PREFIXES: Final = frozenset(
    {"10", "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37"}
    | {"41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"}
    | {"71", "81", "82"}
)

# Letters the standard leaves out because they look like digits: a hint for the message.
_LOOKALIKES: Final[Mapping[str, str]] = {"I": "1", "O": "0", "Z": "2", "S": "5", "V": "U"}

# GB 11714-1997 organisation code check: weights of its 8 body characters, modulus 11.
_ORG_WEIGHTS: Final = (3, 7, 9, 10, 5, 8, 4, 2)

_ZERO_WIDTH: Final = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


class InvalidUSCC(ValueError):
    """A unified social credit code that breaks GB 32100-2015.

    ``reason`` is a stable machine code (``empty``, ``length``, ``character``, ``authority``,
    ``category``, ``division``, ``org_code``, ``check``); ``position`` the 1-based position at
    fault when there is one; ``zh`` and ``en`` the message in each language.
    """

    def __init__(self, reason: str, zh: str, en: str, *, code: str, position: int | None = None) -> None:
        super().__init__(f"{zh} / {en}")
        self.reason = reason
        self.zh = zh
        self.en = en
        self.code = code
        self.position = position


def normalise_uscc(code: str) -> str:
    """Strip, turn full-width characters into half-width (NFKC), drop zero-width characters and
    upper-case. Does not validate."""
    return unicodedata.normalize("NFKC", code).translate(_ZERO_WIDTH).strip().upper()


def uscc_check_char(first17: str) -> str:
    """The 18th (check) character for the first 17 characters, GB 32100-2015 §4.2.

    ``first17`` must already be normalised (upper-case, half-width); raises ``InvalidUSCC``
    when it is not 17 characters of the alphabet.
    """
    if len(first17) != 17:
        raise InvalidUSCC(
            "length",
            f"计算校验码需要前17位，实际为{len(first17)}位",
            f"the check character needs the first 17 characters, got {len(first17)}",
            code=first17,
        )
    total = 0
    for i, (ch, weight) in enumerate(zip(first17, WEIGHTS, strict=True), start=1):
        value = _VALUE.get(ch)
        if value is None:
            raise _bad_character(first17, i, ch)
        total += value * weight
    return ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """Check character of a GB 11714-1997 organisation code (positions 9–17 of a USCC) from its
    8 body characters: ``11 - (Σ value × weight) mod 11``, 10 → ``X``, 11 → ``0``.

    Character values are those of GB 11714 (digits 0–9, letters A=10 … Z=35).
    """
    if len(first8) != 8:
        raise InvalidUSCC(
            "length",
            f"组织机构代码本体应为8位，实际为{len(first8)}位",
            f"an organisation code body has 8 characters, got {len(first8)}",
            code=first8,
        )
    total = 0
    for i, (ch, weight) in enumerate(zip(first8, _ORG_WEIGHTS, strict=True), start=1):
        if not (ch.isascii() and ch.isalnum()):
            raise _bad_character(first8, i, ch)
        total += int(ch, 36) * weight
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def validate_uscc(code: str, *, check_org_code: bool = False) -> str:
    """Return the normalised code, or raise ``InvalidUSCC`` saying exactly what is wrong.

    Checks, in this order (GB 32100-2015 §4): 18 characters; every character in the 31-character
    set (the first bad one is named with its 1-based position); position 1 a known registration
    authority; position 2 an organisation type of that authority; positions 3–8 six digits
    starting with a province (or 10, national); optionally positions 9–17 a GB 11714 organisation
    code; position 18 the check character (expected and actual are both named).
    """
    norm = normalise_uscc(code)
    if not norm:
        raise InvalidUSCC(
            "empty", "统一社会信用代码为空", "the unified social credit code is empty", code=norm
        )
    if len(norm) != 18:
        raise InvalidUSCC(
            "length",
            f"统一社会信用代码应为18位，实际为{len(norm)}位",
            f"a unified social credit code has 18 characters, got {len(norm)}",
            code=norm,
        )
    for i, ch in enumerate(norm, start=1):
        if ch not in _VALUE:
            raise _bad_character(norm, i, ch)

    authority = norm[0]
    if authority not in AUTHORITIES:
        allowed = "、".join(AUTHORITIES)
        raise InvalidUSCC(
            "authority",
            f"第1位登记管理部门代码“{authority}”不存在（应为{allowed}之一）",
            f"position 1, registration-authority code {authority!r}, does not exist "
            f"(expected one of {', '.join(AUTHORITIES)})",
            code=norm,
            position=1,
        )
    category = norm[1]
    categories = CATEGORIES[authority]
    if category not in categories:
        name_zh, name_en = AUTHORITIES[authority]
        raise InvalidUSCC(
            "category",
            f"第2位机构类别代码“{category}”不属于登记管理部门“{authority}”（{name_zh}），"
            f"应为{'、'.join(categories)}之一",
            f"position 2, organisation-type code {category!r}, is not a type of registration "
            f"authority {authority!r} ({name_en}); expected one of {', '.join(categories)}",
            code=norm,
            position=2,
        )
    division = norm[2:8]
    for i, ch in enumerate(division, start=3):
        if not ch.isdigit():
            raise InvalidUSCC(
                "division",
                f"第3–8位是登记管理机关行政区划码，应全为数字，第{i}位是“{ch}”",
                f"positions 3-8 are the registration authority's division code and must be digits; "
                f"position {i} is {ch!r}",
                code=norm,
                position=i,
            )
    if division[:2] not in _PROVINCE_PREFIXES:
        raise InvalidUSCC(
            "division",
            f"第3–8位行政区划码“{division}”的前两位“{division[:2]}”不是省级行政区划代码",
            f"the division code {division!r} (positions 3-8) does not start with a province code "
            f"({division[:2]!r} is none)",
            code=norm,
            position=3,
        )
    if check_org_code:
        expected_org = org_code_check_char(norm[8:16])
        if norm[16] != expected_org:
            raise InvalidUSCC(
                "org_code",
                f"第9–17位组织机构代码校验错误：第17位应为“{expected_org}”，实际为“{norm[16]}”",
                f"positions 9-17 (organisation code, GB 11714): position 17 should be "
                f"{expected_org!r}, got {norm[16]!r}",
                code=norm,
                position=17,
            )
    expected = uscc_check_char(norm[:17])
    if norm[17] != expected:
        raise InvalidUSCC(
            "check",
            f"校验码错误：第18位应为“{expected}”，实际为“{norm[17]}”（代码中可能有输错的字符）",
            f"check character wrong: position 18 should be {expected!r}, got {norm[17]!r} "
            f"(a character may have been mistyped)",
            code=norm,
            position=18,
        )
    return norm


def is_valid_uscc(code: str, *, check_org_code: bool = False) -> bool:
    """``True`` when ``validate_uscc`` accepts the code."""
    try:
        validate_uscc(code, check_org_code=check_org_code)
    except InvalidUSCC:
        return False
    return True


def _bad_character(code: str, position: int, ch: str) -> InvalidUSCC:
    hint_zh = hint_en = ""
    if ch in _LOOKALIKES:
        hint_zh = f"；代码不使用字母 I、O、Z、S、V，是否应为“{_LOOKALIKES[ch]}”？"
        hint_en = f"; the code never uses the letters I, O, Z, S, V - did you mean {_LOOKALIKES[ch]!r}?"
    shown = ch if ch.isprintable() and not ch.isspace() else f"U+{ord(ch):04X}"
    return InvalidUSCC(
        "character",
        f"第{position}位字符“{shown}”不允许，只能是数字或大写字母（不含 I、O、Z、S、V）{hint_zh}",
        f"position {position}: character {shown!r} is not allowed, only digits and capital letters "
        f"except I, O, Z, S, V{hint_en}",
        code=code,
        position=position,
    )
