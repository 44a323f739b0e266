"""GB 18218-2018《危险化学品重大危险源辨识》: identifying and grading major hazard sources.

The standard (published 2018-11-19, in force 2019-03-01, mandatory in full) decides whether a
production or storage unit (生产单元 / 储存单元, §3.5-3.6) holding hazardous chemicals is a major
hazard source, and if so which of four grades it has. This module carries the standard's tables as
the project's own rules data and applies its two formulas:

* §4.2.1, formula (1): ``S = q1/Q1 + q2/Q2 + … + qn/Qn``; the unit is a major hazard source when
  ``S ≥ 1`` (for a single substance this is the same as ``q ≥ Q``);
* §4.3.2, formula (2): ``R = α·(β1·q1/Q1 + β2·q2/Q2 + … + βn·qn/Qn)``; §4.3.3 and Table 6 turn R
  into the grade, 一级 being the highest.

q is the quantity actually present in tonnes; for tanks, vessels, equipment and warehouses it is the
maximum design quantity (§4.2.2). Mixtures (§4.2.3): a mixture in the same hazard class as its pure
substance counts as the pure substance for its whole mass; otherwise it is assessed by its own hazard
class. Which case applies is a classification the caller makes; pass the mixture either under the
Table 1 name or as a Table 2 hazard-class item.

Arithmetic is exact. Each quantity is read as the decimal number it prints as (``0.1`` is one tenth,
not the nearest binary double) and every ratio is a :class:`fractions.Fraction`, so the thresholds
(S ≥ 1, R ≥ 10/50/100) are decided without rounding noise and without an arbitrary tolerance: a
quantity of exactly Q gives S == 1, and 0.1 t + 0.2 t of a 0.3 t substance is exactly S == 1. The
results are reported as floats; ``Assessment.r`` is R rounded *down* to two decimals so that the
printed value never crosses a grade boundary that the exact value did not.

Decisions this module takes where the standard is silent (see ``docs/rules/gb18218.md``):

* β for a Table 1 substance outside Table 3 comes from Table 4 by the substance's hazard class, which
  the standard does not list. The caller states the classes (they are on the substance's safety data
  sheet); a major hazard source whose β cannot be determined raises :class:`MissingHazardClass`
  rather than being graded on a guess.
* A substance with several hazard classes takes the lowest Q among them (§4.1.2 b) and, for the
  grading, the highest β among them.
* Row 13 of Table 1, 煤气(CO, CO和H₂、CH₄的混合物等), names carbon monoxide in its own text, so
  ``一氧化碳`` (CAS 630-08-0) is matched to it, and it takes Table 3's β for 一氧化碳.
* A Table 1 row whose name carries a concentration or form condition (e.g. 甲醛(含量>90%),
  氯化氢(无水), the nitrocellulose and ammonium-nitrate grades) is matched only by its full name: a CAS
  number or a bare name cannot show that the condition is met, so such input raises
  :class:`AmbiguousSubstance` listing the candidate rows.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Final, TypeAlias

__all__ = [
    "GRADE_LABELS",
    "REASSESSMENT_YEARS",
    "STANDARD",
    "TABLE1",
    "TABLE2",
    "TABLE3_BETA",
    "TABLE5_ALPHA",
    "TABLE6_GRADES",
    "AmbiguousSubstance",
    "Assessment",
    "HazardClass",
    "HazardClassesInput",
    "Identification",
    "Item",
    "MissingHazardClass",
    "Quantity",
    "Substance",
    "Term",
    "UnknownHazardClass",
    "UnknownSubstance",
    "alpha_for_population",
    "assess",
    "find_substance",
    "grade_for_r",
    "hazard_class",
    "identify",
    "next_reassessment_due",
    "parse_hazard_classes",
]

STANDARD: Final = "GB 18218-2018"

Quantity: TypeAlias = float | int | Decimal
"""A quantity in tonnes."""

HazardClassesInput: TypeAlias = str | Sequence[str]
Item: TypeAlias = (
    tuple[str, str | None, Quantity] | tuple[str, str | None, Quantity, HazardClassesInput | None]
)
"""``(name, cas_or_None, quantity_t)`` or ``(name, cas_or_None, quantity_t, hazard_classes)``."""


# --------------------------------------------------------------------------------------------
# Errors. Every message is given in Chinese and in English and names the offending input.
# --------------------------------------------------------------------------------------------


class UnknownSubstance(ValueError):
    """The input is neither a Table 1 substance nor a Table 2 hazard-class symbol."""

    def __init__(self, message: str, *, name: str, cas: str | None) -> None:
        super().__init__(message)
        self.name = name
        self.cas = cas


class AmbiguousSubstance(UnknownSubstance):
    """The input fits several Table 1 rows, a row whose condition it does not confirm, or its name
    and CAS number point to different rows."""

    def __init__(
        self, message: str, *, name: str, cas: str | None, candidates: tuple[Substance, ...]
    ) -> None:
        super().__init__(message, name=name, cas=cas)
        self.candidates = candidates


class UnknownHazardClass(ValueError):
    """A hazard-class symbol that is not in Table 2."""


class MissingHazardClass(ValueError):
    """β cannot be determined: a Table 1 substance outside Table 3 was given without its hazard class."""

    def __init__(self, message: str, *, names: tuple[str, ...]) -> None:
        super().__init__(message)
        self.names = names


# --------------------------------------------------------------------------------------------
# Table 1: named hazardous chemicals and their critical quantities (GB 18218-2018 §4.1.2 a).
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Substance:
    """One row of GB 18218-2018 Table 1 (危险化学品名称及其临界量).

    ``aliases`` is the standard's 别名 column. ``restricted`` marks a row whose name states a
    concentration or form condition that a CAS number alone cannot confirm. ``extra_names`` and
    ``extra_cas`` are the project's reading of the row's own text (e.g. 甲烷 and 天然气 for row 49),
    kept apart from the standard's columns.
    """

    seq: int
    name: str
    critical_quantity_t: Decimal
    cas: tuple[str, ...]
    aliases: tuple[str, ...]
    restricted: bool = False
    extra_names: tuple[str, ...] = ()
    extra_cas: tuple[str, ...] = ()


# (seq, name, Q in tonnes, CAS numbers, 别名) as printed in GB 18218-2018 Table 1.
_TABLE1_ROWS: Final[tuple[tuple[int, str, str, tuple[str, ...], tuple[str, ...]], ...]] = (
    (1, "氨", "10", ("7664-41-7",), ("液氨", "氨气")),
    (2, "二氟化氧", "1", ("7783-41-7",), ("一氧化二氟",)),
    (3, "二氧化氮", "1", ("10102-44-0",), ()),
    (4, "二氧化硫", "20", ("7446-09-5",), ("亚硫酸酐",)),
    (5, "氟", "1", ("7782-41-4",), ()),
    (6, "碳酰氯", "0.3", ("75-44-5",), ("光气",)),
    (7, "环氧乙烷", "10", ("75-21-8",), ("氧化乙烯",)),
    (8, "甲醛(含量>90%)", "5", ("50-00-0",), ("蚁醛",)),
    (9, "磷化氢", "1", ("7803-51-2",), ("磷化三氢", "膦")),
    (10, "硫化氢", "5", ("7783-06-4",), ()),
    (11, "氯化氢(无水)", "20", ("7647-01-0",), ()),
    (12, "氯", "5", ("7782-50-5",), ("液氯", "氯气")),
    (13, "煤气(CO,CO和H₂、CH₄的混合物等)", "20", (), ()),
    (14, "砷化氢", "1", ("7784-42-1",), ("砷化三氢", "胂")),
    (15, "锑化氢", "1", ("7803-52-3",), ("三氢化锑", "锑化三氢")),
    (16, "硒化氢", "1", ("7783-07-5",), ()),
    (17, "溴甲烷", "10", ("74-83-9",), ("甲基溴",)),
    (18, "丙酮氰醇", "20", ("75-86-5",), ("丙酮合氰化氢", "2-羟基异丁腈", "氰丙醇")),
    (19, "丙烯醛", "20", ("107-02-8",), ("烯丙醛", "败脂醛")),
    (20, "氟化氢", "1", ("7664-39-3",), ()),
    (21, "1-氯-2,3-环氧丙烷", "20", ("106-89-8",), ("环氧氯丙烷", "3-氯-1,2-环氧丙烷")),
    (22, "3-溴-1,2-环氧丙烷", "20", ("3132-64-7",), ("环氧溴丙烷", "溴甲基环氧乙烷", "表溴醇")),
    (23, "甲苯二异氰酸酯", "100", ("26471-62-5",), ("二异氰酸甲苯酯", "TDI")),
    (24, "一氯化硫", "1", ("10025-67-9",), ("氯化硫",)),
    (25, "氰化氢", "1", ("74-90-8",), ("无水氢氰酸",)),
    (26, "三氧化硫", "75", ("7446-11-9",), ("硫酸酐",)),
    (27, "3-氨基丙烯", "20", ("107-11-9",), ("烯丙胺",)),
    (28, "溴", "20", ("7726-95-6",), ("溴素",)),
    (29, "乙撑亚胺", "20", ("151-56-4",), ("吖丙啶", "1-氮杂环丙烷", "氮丙啶")),
    (30, "异氰酸甲酯", "0.75", ("624-83-9",), ("甲基异氰酸酯",)),
    (31, "叠氮化钡", "0.5", ("18810-58-7",), ("叠氮钡",)),
    (32, "叠氮化铅", "0.5", ("13424-46-9",), ()),
    (33, "雷汞", "0.5", ("628-86-4",), ("二雷酸汞", "雷酸汞")),
    (34, "三硝基苯甲醚", "5", ("28653-16-9",), ("三硝基茴香醚",)),
    (35, "2,4,6-三硝基甲苯", "5", ("118-96-7",), ("梯恩梯", "TNT")),
    (36, "硝化甘油", "1", ("55-63-0",), ("硝化丙三醇", "甘油三硝酸酯")),
    (37, "硝化纤维素[干的或含水(或乙醇)<25%]", "1", ("9004-70-0",), ("硝化棉",)),
    (38, "硝化纤维素(未改型的,或增塑的,含增塑剂<18%)", "1", ("9004-70-0",), ("硝化棉",)),
    (39, "硝化纤维素(含乙醇≥25%)", "10", ("9004-70-0",), ("硝化棉",)),
    (40, "硝化纤维素(含氮≤12.6%)", "50", ("9004-70-0",), ("硝化棉",)),
    (41, "硝化纤维素(含水≥25%)", "50", ("9004-70-0",), ("硝化棉",)),
    (42, "硝化纤维素溶液(含氮量≤12.6%,含硝化纤维素≤55%)", "50", ("9004-70-0",), ("硝化棉溶液",)),
    (
        43,
        "硝酸铵(含可燃物>0.2%,包括以碳计算的任何有机物,但不包括任何其他添加剂)",
        "5",
        ("6484-52-2",),
        (),
    ),
    (44, "硝酸铵(含可燃物≤0.2%)", "50", ("6484-52-2",), ()),
    (45, "硝酸铵肥料(含可燃物≤0.4%)", "200", (), ()),
    (46, "硝酸钾", "1000", ("7757-79-1",), ()),
    (47, "1,3-丁二烯", "5", ("106-99-0",), ("联乙烯",)),
    (48, "二甲醚", "50", ("115-10-6",), ("甲醚",)),
    (49, "甲烷,天然气", "50", ("74-82-8", "8006-14-2"), ()),
    (50, "氯乙烯", "50", ("75-01-4",), ("乙烯基氯",)),
    (51, "氢", "5", ("1333-74-0",), ("氢气",)),
    (
        52,
        "液化石油气(含丙烷、丁烷及其混合物)",
        "50",
        ("68476-85-7", "74-98-6", "106-97-8"),
        ("石油气(液化的)",),
    ),
    (53, "一甲胺", "5", ("74-89-5",), ("氨基甲烷", "甲胺")),
    (54, "乙炔", "1", ("74-86-2",), ("电石气",)),
    (55, "乙烯", "50", ("74-85-1",), ()),
    (56, "氧(压缩的或液化的)", "200", ("7782-44-7",), ("液氧", "氧气")),
    (57, "苯", "50", ("71-43-2",), ("纯苯",)),
    (58, "苯乙烯", "500", ("100-42-5",), ("乙烯苯",)),
    (59, "丙酮", "500", ("67-64-1",), ("二甲基酮",)),
    (60, "2-丙烯腈", "50", ("107-13-1",), ("丙烯腈", "乙烯基氰", "氰基乙烯")),
    (61, "二硫化碳", "50", ("75-15-0",), ()),
    (62, "环己烷", "500", ("110-82-7",), ("六氢化苯",)),
    (63, "1,2-环氧丙烷", "10", ("75-56-9",), ("氧化丙烯", "甲基环氧乙烷")),
    (64, "甲苯", "500", ("108-88-3",), ("甲基苯", "苯基甲烷")),
    (65, "甲醇", "500", ("67-56-1",), ("木醇", "木精")),
    (66, "汽油(乙醇汽油、甲醇汽油)", "200", ("86290-81-5",), ()),
    (67, "乙醇", "500", ("64-17-5",), ("酒精",)),
    (68, "乙醚", "10", ("60-29-7",), ("二乙基醚",)),
    (69, "乙酸乙酯", "500", ("141-78-6",), ("醋酸乙酯",)),
    (70, "正己烷", "500", ("110-54-3",), ("己烷",)),
    (71, "过乙酸", "10", ("79-21-0",), ("过醋酸", "过氧乙酸", "乙酰过氧化氢")),
    (72, "过氧化甲基乙基酮(10%<有效氧含量≤10.7%,含A型稀释剂≥48%)", "10", ("1338-23-4",), ()),
    (73, "白磷", "50", ("12185-10-3",), ("黄磷",)),
    (74, "烷基铝", "1", (), ("三烷基铝",)),
    (75, "戊硼烷", "1", ("19624-22-7",), ("五硼烷",)),
    (76, "过氧化钾", "20", ("17014-71-0",), ()),
    (77, "过氧化钠", "20", ("1313-60-6",), ("双氧化钠", "二氧化钠")),
    (78, "氯酸钾", "100", ("3811-04-9",), ()),
    (79, "氯酸钠", "100", ("7775-09-9",), ()),
    (80, "发烟硝酸", "20", ("52583-42-3",), ()),
    (81, "硝酸(发红烟的除外,含硝酸>70%)", "100", ("7697-37-2",), ()),
    (82, "硝酸胍", "50", ("506-93-4",), ("硝酸亚氨脲",)),
    (83, "碳化钙", "100", ("75-20-7",), ("电石",)),
    (84, "钾", "1", ("7440-09-7",), ("金属钾",)),
    (85, "钠", "10", ("7440-23-5",), ("金属钠",)),
)

# Rows whose name states a concentration or form condition that neither a CAS number nor a bare
# name can confirm: matched only by their full name (see find_substance).
_RESTRICTED_ROWS: Final = frozenset({8, 11, 37, 38, 39, 40, 41, 42, 43, 44, 45, 72, 81})

# The project's reading of rows that name several substances or an inclusive group in their own
# text. Each name below appears in the row (name or CAS column) of the standard.
_EXTRA_NAMES: Final[Mapping[int, tuple[str, ...]]] = {
    11: ("无水氯化氢",),  # the same condition, worded the other way round
    13: ("煤气", "一氧化碳"),
    49: ("甲烷", "天然气"),
    52: ("液化石油气", "丙烷", "丁烷"),
    56: ("氧",),
    66: ("汽油", "乙醇汽油", "甲醇汽油"),
}
_EXTRA_CAS: Final[Mapping[int, tuple[str, ...]]] = {13: ("630-08-0",)}  # carbon monoxide

TABLE1: Final[tuple[Substance, ...]] = tuple(
    Substance(
        seq=seq,
        name=name,
        critical_quantity_t=Decimal(q),
        cas=cas,
        aliases=aliases,
        restricted=seq in _RESTRICTED_ROWS,
        extra_names=_EXTRA_NAMES.get(seq, ()),
        extra_cas=_EXTRA_CAS.get(seq, ()),
    )
    for seq, name, q, cas, aliases in _TABLE1_ROWS
)
"""GB 18218-2018 Table 1, in the standard's order (序号 1-85)."""


# --------------------------------------------------------------------------------------------
# Tables 2 and 4: hazard classes, their critical quantity (Table 2) and β (Table 4).
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HazardClass:
    """A hazard class of GB 18218-2018 Table 2 (critical quantity) with its Table 4 β.

    J symbols are health hazards (acute toxicity), W symbols physical hazards. Classification
    follows the GB 30000 series named in §4.1.1.
    """

    symbol: str
    category: str
    description: str
    critical_quantity_t: Decimal
    beta: Decimal


def _hc(symbol: str, category: str, description: str, q: str, beta: str) -> HazardClass:
    return HazardClass(symbol, category, description, Decimal(q), Decimal(beta))


TABLE2: Final[tuple[HazardClass, ...]] = (
    _hc("J1", "急性毒性", "类别1,所有暴露途径,气体", "5", "4"),
    _hc("J2", "急性毒性", "类别1,所有暴露途径,固体、液体", "50", "1"),
    _hc("J3", "急性毒性", "类别2、类别3,所有暴露途径,气体", "50", "2"),
    _hc("J4", "急性毒性", "类别2、类别3,吸入途径,液体(沸点≤35℃)", "50", "2"),
    _hc("J5", "急性毒性", "类别2,所有暴露途径,液体(除J4外)、固体", "500", "1"),
    _hc("W1.1", "爆炸物", "不稳定爆炸物;1.1项爆炸物", "1", "2"),
    _hc("W1.2", "爆炸物", "1.2、1.3、1.5、1.6项爆炸物", "10", "2"),
    _hc("W1.3", "爆炸物", "1.4项爆炸物", "50", "2"),
    _hc("W2", "易燃气体", "类别1和类别2", "10", "1.5"),
    _hc("W3", "气溶胶", "类别1和类别2(临界量按净重)", "150", "1"),
    _hc("W4", "氧化性气体", "类别1", "50", "1"),
    _hc("W5.1", "易燃液体", "类别1;类别2和3,工作温度高于沸点", "10", "1.5"),
    _hc(
        "W5.2",
        "易燃液体",
        "类别2和3,具有引发重大事故的特殊工艺条件(危险化工工艺、爆炸极限范围或附近操作、操作压力大于1.6MPa等)",
        "50",
        "1",
    ),
    _hc("W5.3", "易燃液体", "不属于W5.1或W5.2的其他类别2", "1000", "1"),
    _hc("W5.4", "易燃液体", "不属于W5.1或W5.2的其他类别3", "5000", "1"),
    _hc("W6.1", "自反应物质和混合物", "A型和B型", "10", "1.5"),
    _hc("W6.2", "自反应物质和混合物", "C型、D型、E型", "50", "1"),
    _hc("W7.1", "有机过氧化物", "A型和B型", "10", "1.5"),
    _hc("W7.2", "有机过氧化物", "C型、D型、E型、F型", "50", "1"),
    _hc("W8", "自燃液体和自燃固体", "类别1自燃液体;类别1自燃固体", "50", "1"),
    _hc("W9.1", "氧化性固体和液体", "类别1", "50", "1"),
    _hc("W9.2", "氧化性固体和液体", "类别2、类别3", "200", "1"),
    _hc("W10", "易燃固体", "类别1易燃固体", "200", "1"),
    _hc("W11", "遇水放出易燃气体的物质和混合物", "类别1和类别2", "200", "1"),
)
"""GB 18218-2018 Table 2 (临界量) joined with Table 4 (β for chemicals not in Table 3)."""

_CLASSES_BY_SYMBOL: Final[Mapping[str, HazardClass]] = {hc.symbol: hc for hc in TABLE2}


# --------------------------------------------------------------------------------------------
# Table 3: β for the named toxic gases (§4.3.2).
# --------------------------------------------------------------------------------------------

# (name as printed in Table 3, β, the Table 1 row it refers to)
_TABLE3_ROWS: Final[tuple[tuple[str, str, int], ...]] = (
    ("一氧化碳", "2", 13),  # Table 1 has CO only inside row 13, 煤气(CO, …)
    ("二氧化硫", "2", 4),
    ("氨", "2", 1),
    ("环氧乙烷", "2", 7),
    ("氯化氢", "3", 11),
    ("溴甲烷", "3", 17),
    ("氯", "4", 12),
    ("硫化氢", "5", 10),
    ("氟化氢", "5", 20),
    ("二氧化氮", "10", 3),
    ("氰化氢", "10", 25),
    ("碳酰氯", "20", 6),
    ("磷化氢", "20", 9),
    ("异氰酸甲酯", "20", 30),
)
TABLE3_BETA: Final[Mapping[str, Decimal]] = {name: Decimal(beta) for name, beta, _ in _TABLE3_ROWS}
"""GB 18218-2018 Table 3 (毒性气体校正系数β), by the name printed in the table."""

_TABLE3_BY_SEQ: Final[Mapping[int, tuple[str, Decimal]]] = {
    seq: (name, Decimal(beta)) for name, beta, seq in _TABLE3_ROWS
}


# --------------------------------------------------------------------------------------------
# Table 5: α from the exposed population; Table 6: grade from R.
# --------------------------------------------------------------------------------------------

TABLE5_ALPHA: Final[tuple[tuple[int, Decimal, str], ...]] = (
    (100, Decimal("2.0"), "100人以上"),
    (50, Decimal("1.5"), "50~99人"),
    (30, Decimal("1.2"), "30~49人"),
    (1, Decimal("1.0"), "1~29人"),
    (0, Decimal("0.5"), "0人"),
)
"""GB 18218-2018 Table 5 (暴露人员校正系数α): (lowest head count of the band, α, band as printed).

The count is the resident population within 500 m outside the plant boundary (§4.3.2). "100人以上"
includes 100, as 以上 includes the stated number in Chinese legal drafting and the next band stops
at 99."""

TABLE6_GRADES: Final[tuple[tuple[int, int, str], ...]] = (
    (100, 1, "一级"),
    (50, 2, "二级"),
    (10, 3, "三级"),
    (0, 4, "四级"),
)
"""GB 18218-2018 Table 6: (lowest R of the grade, grade, label). R ≥ 100 一级; 100 > R ≥ 50 二级;
50 > R ≥ 10 三级; R < 10 四级. 一级 is the highest grade (40号令 第八条)."""

GRADE_LABELS: Final[Mapping[int, str]] = {grade: label for _, grade, label in TABLE6_GRADES}


# --------------------------------------------------------------------------------------------
# Results.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """One q/Q term of formulas (1) and (2), explaining where Q and β came from.

    ``inputs`` lists the item names as given; items naming the same Table 1 substance (with the same
    stated hazard classes) are summed into one term. ``rule`` says how Q was found, ``beta_rule``
    how β was found; ``beta`` and ``weighted`` (β·q/Q) are None when β is unknown.
    """

    inputs: tuple[str, ...]
    name: str
    substance: Substance | None
    hazard_classes: tuple[HazardClass, ...]
    q_t: float
    critical_quantity_t: Decimal
    ratio: float
    beta: Decimal | None
    weighted: float | None
    rule: str
    beta_rule: str | None


@dataclass(frozen=True, slots=True)
class Identification:
    """Result of §4.2 (formula (1)) alone: S and whether the unit is a major hazard source."""

    s: float
    is_major: bool
    terms: tuple[Term, ...]


@dataclass(frozen=True, slots=True)
class Assessment:
    """Result of §4.2 and §4.3 for one unit.

    ``s`` is S of formula (1). ``r_exact`` is R of formula (2); ``r`` is R rounded down to two
    decimals for display (rounding down keeps the printed value on the same side of every grade
    boundary). R is None only when the unit is not a major hazard source and some β is unknown.
    ``grade``/``grade_label`` are None when the unit is not a major hazard source.
    """

    s: float
    is_major: bool
    r: float | None
    r_exact: float | None
    alpha: Decimal
    exposed_population: int
    grade: int | None
    grade_label: str | None
    terms: tuple[Term, ...]


# --------------------------------------------------------------------------------------------
# Normalising and matching input.
# --------------------------------------------------------------------------------------------

_PUNCT: Final = str.maketrans(
    {
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "−": "-",
        "【": "[",
        "】": "]",
        "〔": "[",
        "〕": "]",
    }
)
_CAS_RE: Final = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")
_CLASS_SPLIT_RE: Final = re.compile(r"[\s+,、/;&]+")


def _norm(text: str) -> str:
    """Full-width to half-width (NFKC), one kind of dash and bracket, no spaces, case-folded."""
    folded = unicodedata.normalize("NFKC", text).translate(_PUNCT)
    return "".join(folded.split()).casefold()


def _base(text: str) -> str:
    """The part of a normalised name before its first parenthesised condition."""
    return re.split(r"[(\[]", text, maxsplit=1)[0]


def _norm_cas(cas: str) -> str | None:
    """A CAS number in canonical form, None for blank input; ValueError if malformed."""
    text = unicodedata.normalize("NFKC", cas).translate(_PUNCT)
    text = "".join(text.split())
    if not text:
        return None
    match = _CAS_RE.match(text)
    if match is None:
        raise ValueError(
            f"CAS号格式错误：{cas!r}（应为 数字-两位数字-校验位，如 7664-41-7）/ "
            f"Malformed CAS number {cas!r} (expected digits-2 digits-check digit, e.g. 7664-41-7)"
        )
    digits = (match.group(1) + match.group(2))[::-1]
    check = sum(i * int(d) for i, d in enumerate(digits, start=1)) % 10
    if check != int(match.group(3)):
        raise ValueError(
            f"CAS号校验位错误：{cas!r} / CAS number {cas!r} fails its check digit (expected {check})"
        )
    return text


def _build_indexes() -> tuple[
    dict[str, tuple[Substance, ...]],
    dict[str, tuple[Substance, ...]],
    dict[str, tuple[Substance, ...]],
]:
    """(exact names, hint names, CAS) -> Table 1 rows.

    Exact names: full names of every row; aliases and extra names of unrestricted rows; the base
    name (before the parenthesised part) of unrestricted rows. Hint names: aliases and base names of
    restricted rows, which only ever produce AmbiguousSubstance.
    """
    exact: dict[str, list[Substance]] = {}
    hints: dict[str, list[Substance]] = {}
    by_cas: dict[str, list[Substance]] = {}
    for sub in TABLE1:
        full = _norm(sub.name)
        exact.setdefault(full, []).append(sub)
        loose = {_norm(a) for a in sub.aliases} | {_base(full)}
        if sub.restricted:
            for key in {_norm(n) for n in sub.extra_names}:
                exact.setdefault(key, []).append(sub)
            for key in loose - {full}:
                hints.setdefault(key, []).append(sub)
        else:
            for key in (loose | {_norm(n) for n in sub.extra_names}) - {full}:
                exact.setdefault(key, []).append(sub)
        for number in sub.cas + sub.extra_cas:
            by_cas.setdefault(number, []).append(sub)
    return (
        {k: tuple(v) for k, v in exact.items()},
        {k: tuple(v) for k, v in hints.items()},
        {k: tuple(v) for k, v in by_cas.items()},
    )


_BY_NAME, _BY_HINT, _BY_CAS = _build_indexes()


def _rows(subs: Iterable[Substance]) -> str:
    return "、".join(f"第{s.seq}项 {s.name}" for s in subs)


def _rows_en(subs: Iterable[Substance]) -> str:
    return ", ".join(f"No. {s.seq} {s.name}" for s in subs)


def _ambiguous(
    name: str, cas: str | None, subs: tuple[Substance, ...], why_cn: str, why_en: str
) -> AmbiguousSubstance:
    shown = f"{name!r}" + (f" (CAS {cas})" if cas else "")
    return AmbiguousSubstance(
        f"无法唯一确定表1物质：{shown} {why_cn}：{_rows(subs)}；请填写表1中的完整名称，"
        f"如不属于所列各项，请用其他名称并给出危险性类别 / "
        f"Cannot identify a single Table 1 substance: {shown} {why_en}: {_rows_en(subs)}; "
        f"give the full Table 1 name, or, if it is none of these, another name with its hazard classes",
        name=name,
        cas=cas,
        candidates=subs,
    )


def _match_table1(name: str, cas: str | None, *, has_classes: bool) -> tuple[Substance | None, str]:
    """Find the Table 1 row for ``name``/``cas``; (None, "") if the substance is not in Table 1.

    Order: the name (full name, alias, or a name the row's text contains); then the CAS number. A
    name that only hints at restricted rows, or a CAS number that only fits restricted rows, is
    ambiguous unless the caller states hazard classes for a substance of a different name (then the
    caller asserts it is outside Table 1, e.g. 37% formalin, CAS 50-00-0, is not 甲醛(含量>90%)).
    """
    key = _norm(name)
    if cas is None and _CAS_RE.match(key):
        cas = name  # a CAS number given in place of the name
    cas_norm = _norm_cas(cas) if cas is not None else None
    by_cas = _BY_CAS.get(cas_norm, ()) if cas_norm else ()
    named = _BY_NAME.get(key, ())
    if len(named) > 1:
        raise _ambiguous(name, cas_norm, named, "对应表1多项", "matches several Table 1 rows")
    if named:
        sub = named[0]
        if by_cas and sub not in by_cas:
            raise AmbiguousSubstance(
                f"名称与CAS号不一致：{name!r} 为表1第{sub.seq}项，CAS {cas_norm} 却属于 {_rows(by_cas)} / "
                f"Name and CAS number disagree: {name!r} is Table 1 No. {sub.seq} but CAS {cas_norm} "
                f"belongs to {_rows_en(by_cas)}",
                name=name,
                cas=cas_norm,
                candidates=(sub, *by_cas),
            )
        how = "full name" if key == _norm(sub.name) else f"name {name!r}"
        if cas_norm and not by_cas:
            how += f"; CAS {cas_norm} not listed in Table 1"
        return sub, how
    hinted = _BY_HINT.get(key, ())
    if hinted:
        raise _ambiguous(
            name, cas_norm, hinted, "未写明表1该项的限定条件", "does not state the condition in the row(s)"
        )
    if by_cas:
        if len(by_cas) == 1 and not by_cas[0].restricted:
            return by_cas[0], f"CAS {cas_norm}"
        if has_classes and all(s.restricted for s in by_cas) and not _is_class_expression(name):
            return None, (
                f"CAS {cas_norm} is also listed for {_rows_en(by_cas)}, whose condition the name "
                f"{name!r} does not claim"
            )
        raise _ambiguous(
            name,
            cas_norm,
            by_cas,
            "的CAS号对应表1中带限定条件或多项的物质",
            "has a CAS number listed for conditioned or several Table 1 rows",
        )
    return None, ""


def find_substance(name: str, cas: str | None = None) -> Substance | None:
    """The GB 18218-2018 Table 1 row for a name (full name, 别名, normalised) and/or CAS number.

    Returns None when neither identifies a Table 1 substance. Raises AmbiguousSubstance when the
    input fits several rows, fits a row with a condition it does not confirm, or when name and CAS
    number point to different rows; ValueError for a malformed CAS number.
    """
    sub, _ = _match_table1(name, cas, has_classes=False)
    return sub


def hazard_class(symbol: str) -> HazardClass:
    """The Table 2/4 entry for a symbol such as ``"W2"`` or ``"w5.1"`` (case and width ignored)."""
    key = _norm(symbol).upper()
    found = _CLASSES_BY_SYMBOL.get(key)
    if found is None:
        raise UnknownHazardClass(
            f"未知危险性类别：{symbol!r} 不是GB 18218-2018表2中的符号 / "
            f"Unknown hazard class: {symbol!r} is not a symbol of GB 18218-2018 Table 2"
        )
    return found


def _split_classes(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text)
    return [token for token in _CLASS_SPLIT_RE.split(folded.strip()) if token]


def _is_class_expression(text: str) -> bool:
    tokens = _split_classes(text)
    return bool(tokens) and all(_norm(t).upper() in _CLASSES_BY_SYMBOL for t in tokens)


def parse_hazard_classes(value: HazardClassesInput) -> tuple[HazardClass, ...]:
    """Hazard classes from ``"W2"``, ``"J3+W2"``, ``"J3, W2"``, ``"J3、W2"`` or ``["J3", "W2"]``.

    Duplicates are dropped; the order is Table 2's. Raises UnknownHazardClass for an unknown symbol
    and ValueError when nothing is given.
    """
    tokens = (
        _split_classes(value) if isinstance(value, str) else [t for v in value for t in _split_classes(v)]
    )
    if not tokens:
        raise ValueError(f"未给出危险性类别：{value!r} / No hazard class given: {value!r}")
    wanted = {hazard_class(t).symbol for t in tokens}
    return tuple(hc for hc in TABLE2 if hc.symbol in wanted)


# --------------------------------------------------------------------------------------------
# Tables 5 and 6 as functions.
# --------------------------------------------------------------------------------------------


def alpha_for_population(exposed_population: int) -> Decimal:
    """α from GB 18218-2018 Table 5 for the resident population within 500 m outside the plant.

    ≥100 → 2.0; 50-99 → 1.5; 30-49 → 1.2; 1-29 → 1.0; 0 → 0.5.
    """
    if isinstance(exposed_population, bool) or not isinstance(exposed_population, int):
        raise TypeError(
            f"暴露人数须为整数：{exposed_population!r} / "
            f"Exposed population must be an integer: {exposed_population!r}"
        )
    if exposed_population < 0:
        raise ValueError(
            f"暴露人数不能为负数：{exposed_population} / "
            f"Exposed population must not be negative: {exposed_population}"
        )
    for lowest, alpha, _ in TABLE5_ALPHA:
        if exposed_population >= lowest:
            return alpha
    raise AssertionError("unreachable: Table 5 covers every count ≥ 0")  # pragma: no cover


def _to_fraction(value: Quantity | Fraction, what: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | Fraction):
        raise TypeError(f"{what}须为数值：{value!r} / {what} must be a number: {value!r}")
    if (isinstance(value, float) and not math.isfinite(value)) or (
        isinstance(value, Decimal) and not value.is_finite()
    ):
        raise ValueError(f"{what}须为有限数值：{value!r} / {what} must be finite: {value!r}")
    if isinstance(value, float):
        # The decimal the float prints as: 0.1 means one tenth (see the module docstring).
        return Fraction(repr(value))
    return Fraction(value)


def grade_for_r(r: float | Decimal | Fraction) -> int:
    """The grade of GB 18218-2018 Table 6 for an R value: 1 (R ≥ 100) … 4 (R < 10).

    Compared exactly (a float is read as the decimal it prints as).
    """
    value = _to_fraction(r, "R值")
    if value < 0:
        raise ValueError(f"R值不能为负数：{r!r} / R must not be negative: {r!r}")
    for lowest, grade, _ in TABLE6_GRADES:
        if value >= lowest:
            return grade
    raise AssertionError("unreachable: Table 6 covers every R ≥ 0")  # pragma: no cover


# --------------------------------------------------------------------------------------------
# Formulas (1) and (2).
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Resolved:
    key: tuple[object, ...]
    input_name: str
    name: str
    substance: Substance | None
    classes: tuple[HazardClass, ...]
    q: Fraction
    critical_quantity: Decimal
    rule: str
    beta: Decimal | None
    beta_rule: str | None


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _class_list(classes: Sequence[HazardClass], attr: str) -> str:
    return ", ".join(
        f"{hc.symbol} ({_fmt(getattr(hc, attr))}{' t' if attr == 'critical_quantity_t' else ''})"
        for hc in classes
    )


def _lowest_q(classes: tuple[HazardClass, ...]) -> tuple[Decimal, str]:
    """§4.1.2 b): several hazards → the lowest critical quantity among them."""
    lowest = min(hc.critical_quantity_t for hc in classes)
    if len(classes) == 1:
        return lowest, f"Table 2 {classes[0].symbol}"
    winners = "/".join(hc.symbol for hc in classes if hc.critical_quantity_t == lowest)
    return lowest, f"Table 2 lowest Q of {_class_list(classes, 'critical_quantity_t')} -> {winners}"


def _highest_beta(classes: tuple[HazardClass, ...]) -> tuple[Decimal, str]:
    """Table 4 β; with several hazards the highest (the standard is silent; the cautious reading)."""
    highest = max(hc.beta for hc in classes)
    if len(classes) == 1:
        return highest, f"Table 4 {classes[0].symbol}"
    winners = "/".join(hc.symbol for hc in classes if hc.beta == highest)
    return highest, f"Table 4 highest β of {_class_list(classes, 'beta')} -> {winners}"


def _resolve(index: int, item: Item) -> _Resolved:
    if isinstance(item, str | bytes) or not isinstance(item, Sequence) or len(item) not in (3, 4):
        raise TypeError(
            f"第{index + 1}项格式错误：{item!r}，应为 (名称, CAS或None, 数量t[, 危险性类别]) / "
            f"Item {index + 1} is malformed: {item!r}; expected (name, cas_or_None, tonnes[, hazard_classes])"
        )
    name, cas, quantity = item[0], item[1], item[2]
    classes_in = item[3] if len(item) == 4 else None
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"第{index + 1}项缺少名称：{item!r} / Item {index + 1} has no name: {item!r}")
    if cas is not None and not isinstance(cas, str):
        raise TypeError(f"CAS号须为字符串：{cas!r} / CAS number must be a string: {cas!r}")
    q = _to_fraction(quantity, f"{name} 的数量")
    if q < 0:
        raise ValueError(
            f"数量不能为负数：{name} {quantity!r} t / Quantity must not be negative: {name} {quantity!r} t"
        )
    given = parse_hazard_classes(classes_in) if classes_in is not None else ()

    sub, how = _match_table1(name, cas, has_classes=bool(given))
    if sub is not None:
        if _is_class_expression(name):
            raise _ambiguous(
                name,
                cas,
                (sub,),
                "的CAS号属于表1物质，临界量须按表1确定",
                "has a CAS number of a Table 1 substance, whose Q comes from Table 1",
            )
        rule = f"Table 1 No. {sub.seq} ({how})"
        table3 = _TABLE3_BY_SEQ.get(sub.seq)
        beta: Decimal | None
        beta_rule: str | None
        if table3 is not None:
            beta, beta_rule = table3[1], f"Table 3 {table3[0]}"
            if given:
                beta_rule += " (stated hazard classes not used: Table 3 applies)"
        elif given:
            beta, beta_rule = _highest_beta(given)
        else:
            beta, beta_rule = None, None
        key: tuple[object, ...] = ("t1", sub.seq, tuple(hc.symbol for hc in given))
        return _Resolved(key, name, sub.name, sub, given, q, sub.critical_quantity_t, rule, beta, beta_rule)

    if _is_class_expression(name):
        if given:
            raise ValueError(
                f"危险性类别重复给出：名称 {name!r} 已是类别符号，又给出 {classes_in!r} / "
                f"Hazard classes given twice: the name {name!r} is already a class symbol, and {classes_in!r}"
            )
        given = parse_hazard_classes(name)
        label = "+".join(hc.symbol for hc in given)
    elif given:
        label = name
    else:
        shown = f"{name!r}" + (f" (CAS {cas})" if cas else "")
        raise UnknownSubstance(
            f"未知物质：{shown} 不在GB 18218-2018表1中，也不是表2危险性类别符号；"
            f"未列入表1的物质须给出其危险性类别（如 W2、J3+W2）/ "
            f"Unknown substance: {shown} is not in GB 18218-2018 Table 1 and is not a Table 2 "
            f"hazard-class symbol; for a substance outside Table 1 give its hazard classes (e.g. W2, J3+W2)",
            name=name,
            cas=cas,
        )
    critical, rule = _lowest_q(given)
    if how:
        rule += f"; {how}"
    beta, beta_rule = _highest_beta(given)
    return _Resolved(("t2", index), name, label, None, given, q, critical, rule, beta, beta_rule)


def _terms(items: Iterable[Item]) -> tuple[list[Term], Fraction, Fraction | None]:
    """Terms in input order, S, and Σβ·q/Q (None if some β is unknown)."""
    groups: dict[tuple[object, ...], list[_Resolved]] = {}
    for index, item in enumerate(items):
        resolved = _resolve(index, item)
        groups.setdefault(resolved.key, []).append(resolved)

    terms: list[Term] = []
    s = Fraction(0)
    weighted_sum: Fraction | None = Fraction(0)
    for group in groups.values():
        first = group[0]
        q = sum((r.q for r in group), Fraction(0))
        ratio = q / Fraction(first.critical_quantity)
        s += ratio
        weighted: Fraction | None = None
        if first.beta is not None:
            weighted = Fraction(first.beta) * ratio
            if weighted_sum is not None:
                weighted_sum += weighted
        else:
            weighted_sum = None
        rule = first.rule if len(group) == 1 else f"{first.rule}; {len(group)} items summed"
        terms.append(
            Term(
                inputs=tuple(r.input_name for r in group),
                name=first.name,
                substance=first.substance,
                hazard_classes=first.classes,
                q_t=float(q),
                critical_quantity_t=first.critical_quantity,
                ratio=float(ratio),
                beta=first.beta,
                weighted=None if weighted is None else float(weighted),
                rule=rule,
                beta_rule=first.beta_rule,
            )
        )
    return terms, s, weighted_sum


def identify(items: Iterable[Item]) -> Identification:
    """GB 18218-2018 §4.1-4.2: S = Σ q/Q (formula (1)) and whether S ≥ 1.

    Each item is ``(name, cas_or_None, quantity_t)`` or ``(name, cas_or_None, quantity_t,
    hazard_classes)``:

    * ``name`` a Table 1 substance (full name, 别名 or a name the row names; full-width characters and
      spaces ignored) and/or ``cas`` its CAS number: Q from Table 1 (§4.1.2 a);
    * ``name`` a Table 2 symbol or several (``"W2"``, ``"J3+W2"``, case-insensitive): Q from Table 2,
      the lowest among several hazards (§4.1.2 b);
    * any other name with ``hazard_classes``: a substance outside Table 1, assessed like the above.

    ``hazard_classes`` on a Table 1 substance do not change its Q; they give its β (Table 4) when
    it is not in Table 3. Items naming the same Table 1 substance are summed.
    """
    terms, s, _ = _terms(items)
    return Identification(s=float(s), is_major=s >= 1, terms=tuple(terms))


def assess(items: Iterable[Item], exposed_population: int) -> Assessment:
    """Identify (GB 18218-2018 §4.2) and grade (§4.3) one unit.

    ``items`` as for :func:`identify`; ``exposed_population`` the resident population within 500 m
    outside the plant boundary (Table 5). β per §4.3.2: Table 3 for the named toxic gases, otherwise
    Table 4 by hazard class (the highest β when a substance has several). R = α·Σβ·q/Q is graded by
    Table 6; a unit that is not a major hazard source gets no grade.

    Raises UnknownSubstance (a ValueError) for input that is neither in Table 1 nor a hazard class,
    AmbiguousSubstance (a subclass) when it fits Table 1 only partly, MissingHazardClass when the
    unit is a major hazard source but β of some Table 1 substance outside Table 3 is unknown, and
    ValueError for a negative quantity or population.
    """
    alpha = alpha_for_population(exposed_population)
    terms, s, weighted_sum = _terms(items)
    is_major = s >= 1
    if weighted_sum is None:
        if is_major:
            missing = tuple(t.name for t in terms if t.beta is None)
            raise MissingHazardClass(
                f"无法分级：{'、'.join(missing)} 未列入表3，β须按表4依其危险性类别确定，"
                f"请给出危险性类别（如 W5.3）/ Cannot grade: {', '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} not in Table 3, so β comes from Table 4 by "
                f"hazard class; give the hazard classes (e.g. W5.3)",
                names=missing,
            )
        return Assessment(
            s=float(s),
            is_major=False,
            r=None,
            r_exact=None,
            alpha=alpha,
            exposed_population=exposed_population,
            grade=None,
            grade_label=None,
            terms=tuple(terms),
        )
    r = Fraction(alpha) * weighted_sum
    grade = grade_for_r(r) if is_major else None
    return Assessment(
        s=float(s),
        is_major=is_major,
        r=float(Fraction(math.floor(r * 100), 100)),
        r_exact=float(r),
        alpha=alpha,
        exposed_population=exposed_population,
        grade=grade,
        grade_label=GRADE_LABELS[grade] if grade is not None else None,
        terms=tuple(terms),
    )


# --------------------------------------------------------------------------------------------
# Re-assessment (《危险化学品重大危险源监督管理暂行规定》, 原国家安全监管总局令第40号, 79号令修正).
# --------------------------------------------------------------------------------------------

REASSESSMENT_YEARS: Final = 3


def next_reassessment_due(last_assessed: date) -> date:
    """The day a major hazard source's safety assessment has been in place for three years.

    40号令 第十一条第（一）项: the unit re-identifies, re-assesses and re-grades the source when its
    safety assessment 已满三年. The period is counted as 民法典 第二百零二条 does for periods in
    years: it ends on the corresponding day of the third year, or on the last day of the month
    when that day does not exist (an assessment on 29 February is due on 28 February). The
    holiday extension of 第二百零三条 is not applied: the date is the earliest one the rule allows.
    """
    if isinstance(last_assessed, datetime):
        last_assessed = last_assessed.date()
    if not isinstance(last_assessed, date):
        raise TypeError(f"须为日期：{last_assessed!r} / Expected a date: {last_assessed!r}")
    year = last_assessed.year + REASSESSMENT_YEARS
    try:
        return last_assessed.replace(year=year)
    except ValueError:  # 29 February into a common year
        return date(year, 2, 28)
