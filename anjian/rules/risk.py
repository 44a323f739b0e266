"""Risk grading for the 双重预防机制: four colours, LEC, LS matrix, enterprise colour, supervision.

Sources (see ``docs/rules/risk.md`` and ``/work/shared/docs/regulations.md`` §7, §10):

* Four colours 重大(红) / 较大(橙) / 一般(黄) / 低(蓝): 安委办〔2016〕11号 (☑️), required by
  安全生产法 Art. 41 (安全风险分级管控, ✅).
* LEC (作业条件危险性评价法, Graham–Kinney), D = L × E × C: ☑️ for L, E, D values; the
  mapping of D to colours is common practice, not a national standard (⚠️).
* LS risk matrix, R = L × S: ☑️ for the method, ⚠️ for the colour thresholds (three variants).
* Graded and classified supervision (分类分级监督管理): 安全生产法 Art. 62(2) (✅); there is no
  national A/B/C/D scale, the default quota follows Shanxi 2025 non-coal mines (☑️).
* The enterprise colour points model, the supervision-class mapping and the patrol intervals
  are the **project's configurable local defaults**, not national formulas.

Pure Python: no Django import.
"""

from __future__ import annotations

import calendar
import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Final

__all__ = [
    "DEFAULT_ENTERPRISE_RISK_WEIGHTS",
    "DEFAULT_LS_BANDS",
    "DEFAULT_SUPERVISION_CLASS_BY_COLOUR",
    "INSPECTIONS_PER_YEAR",
    "LEC_C_VALUES",
    "LEC_E_VALUES",
    "LEC_L_VALUES",
    "LS_BANDS_VARIANT_A",
    "LS_BANDS_VARIANT_B",
    "LS_BANDS_VARIANT_C",
    "NATIONAL_LEC_BANDS",
    "PATROL_INTERVAL_MONTHS",
    "EnterpriseRisk",
    "EnterpriseRiskWeights",
    "FlagWeight",
    "InvalidBandsError",
    "InvalidLecValueError",
    "InvalidLsValueError",
    "InvalidRiskInputError",
    "LecBands",
    "LecDangerLevel",
    "LecResult",
    "LsBands",
    "LsResult",
    "RiskColour",
    "RiskReason",
    "RiskRuleError",
    "SupervisionClass",
    "UnknownRiskFlagError",
    "enterprise_risk_colour",
    "highest_colour",
    "inspections_per_year",
    "lec_colour",
    "lec_danger_level",
    "lec_score",
    "ls_colour",
    "ls_score",
    "next_patrol_due",
    "supervision_class",
]


# --------------------------------------------------------------------------- errors


class RiskRuleError(ValueError):
    """Base class for invalid input to the risk rules; carries a Chinese and an English text."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


class InvalidLecValueError(RiskRuleError):
    """An L, E or C value is not one of the method's allowed scores."""

    def __init__(self, factor: str, value: object, allowed: Collection[Decimal]) -> None:
        shown = "、".join(str(v) for v in sorted(allowed, reverse=True))
        super().__init__(
            f"LEC 的 {factor} 值 {value!r} 无效，允许值：{shown}",
            f"invalid LEC {factor} value {value!r}; allowed: {shown.replace('、', ', ')}",
        )


class InvalidLsValueError(RiskRuleError):
    """A likelihood or severity value is not an integer 1–5."""

    def __init__(self, factor: str, value: object) -> None:
        super().__init__(
            f"LS 的 {factor} 值必须是 1–5 的整数：{value!r}",
            f"LS {factor} must be an integer from 1 to 5: {value!r}",
        )


class InvalidBandsError(RiskRuleError):
    """Band thresholds are not strictly ordered."""


class InvalidRiskInputError(RiskRuleError):
    """A count passed to :func:`enterprise_risk_colour` is negative or not an integer."""


class UnknownRiskFlagError(RiskRuleError):
    """A flag is not configured in :class:`EnterpriseRiskWeights`."""

    def __init__(self, flag: str) -> None:
        super().__init__(f"未配置的风险标记：{flag!r}", f"unknown risk flag: {flag!r}")


# --------------------------------------------------------------------------- colours


class RiskColour(enum.Enum):
    """The four risk levels (安委办〔2016〕11号 ☑️), highest first.

    Store the colour (this value) and show the name; never store only a number, because
    provinces number the levels in opposite directions (regulations.md §7.1).

    Fixed UI colours, chosen for contrast (WCAG 2.1 contrast ratio of the text colour on the
    fill, computed with the WCAG relative-luminance formula):

    ============ ========== ========== ===============
    colour       fill       text       ratio
    ============ ========== ========== ===============
    红 RED       ``#d9001b`` ``#ffffff`` 5.3 : 1
    橙 ORANGE    ``#e86a00`` ``#000000`` 6.5 : 1
    黄 YELLOW    ``#f5c400`` ``#000000`` 12.8 : 1
    蓝 BLUE      ``#1a66cc`` ``#ffffff`` 5.5 : 1
    ============ ========== ========== ===============

    Yellow on a white page is only 1.6 : 1, so yellow marks on white need a dark outline.
    """

    RED = "red"
    ORANGE = "orange"
    YELLOW = "yellow"
    BLUE = "blue"

    @property
    def label(self) -> str:
        """Chinese level name: 重大风险 / 较大风险 / 一般风险 / 低风险."""
        return _COLOUR_INFO[self][0]

    @property
    def label_en(self) -> str:
        """English level name."""
        return _COLOUR_INFO[self][1]

    @property
    def colour_zh(self) -> str:
        """The colour's one-character Chinese name: 红 / 橙 / 黄 / 蓝."""
        return _COLOUR_INFO[self][2]

    @property
    def hex(self) -> str:
        """Fixed fill colour used in every map, tag and chart."""
        return _COLOUR_INFO[self][3]

    @property
    def text_hex(self) -> str:
        """Text colour to use on top of :attr:`hex`."""
        return _COLOUR_INFO[self][4]

    @property
    def rank(self) -> int:
        """4 for red … 1 for blue; higher is more dangerous. Compare colours with this."""
        return _COLOUR_INFO[self][5]


_COLOUR_INFO: Final[Mapping[RiskColour, tuple[str, str, str, str, str, int]]] = {
    RiskColour.RED: ("重大风险", "major risk", "红", "#d9001b", "#ffffff", 4),
    RiskColour.ORANGE: ("较大风险", "considerable risk", "橙", "#e86a00", "#000000", 3),
    RiskColour.YELLOW: ("一般风险", "moderate risk", "黄", "#f5c400", "#000000", 2),
    RiskColour.BLUE: ("低风险", "low risk", "蓝", "#1a66cc", "#ffffff", 1),
}


def highest_colour(*colours: RiskColour) -> RiskColour:
    """The most dangerous of the given colours (at least one)."""
    if not colours:
        raise InvalidRiskInputError("至少需要一个风险颜色", "at least one colour is required")
    return max(colours, key=lambda c: c.rank)


# --------------------------------------------------------------------------- LEC

LEC_L_VALUES: Final[frozenset[Decimal]] = frozenset(
    Decimal(v) for v in ("10", "6", "3", "1", "0.5", "0.2", "0.1")
)
"""Allowed L (likelihood) scores, regulations.md §7.2 (☑️)."""

LEC_E_VALUES: Final[frozenset[Decimal]] = frozenset(Decimal(v) for v in ("10", "6", "3", "2", "1", "0.5"))
"""Allowed E (exposure frequency) scores, regulations.md §7.2 (☑️)."""

LEC_C_VALUES: Final[frozenset[Decimal]] = frozenset(Decimal(v) for v in ("100", "40", "15", "7", "3", "1"))
"""Allowed C (consequence) scores, regulations.md §7.2 (☑️; the anchors of C vary)."""

LecValue = Decimal | int | float | str


def _lec_value(factor: str, value: LecValue, allowed: frozenset[Decimal]) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise InvalidLecValueError(factor, value, allowed)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except ArithmeticError:
        raise InvalidLecValueError(factor, value, allowed) from None
    if not number.is_finite() or number not in allowed:
        raise InvalidLecValueError(factor, value, allowed)
    return number


@dataclass(frozen=True, slots=True)
class LecBands:
    """D thresholds for the colours: D > ``red_above`` → red, D > ``orange_above`` → orange,
    D > ``yellow_above`` → yellow, otherwise blue.

    Each band includes its upper end and excludes its lower end, read from the only
    unambiguous row of the common table ("D > 320" is red, so 320 itself is orange).
    """

    red_above: Decimal = Decimal(320)
    orange_above: Decimal = Decimal(160)
    yellow_above: Decimal = Decimal(70)

    def __post_init__(self) -> None:
        if not (self.red_above > self.orange_above > self.yellow_above >= 0):
            raise InvalidBandsError(
                f"LEC 分级阈值必须严格递减且非负：{self.red_above}/{self.orange_above}/{self.yellow_above}",
                "LEC band thresholds must strictly decrease and be non-negative: "
                f"{self.red_above}/{self.orange_above}/{self.yellow_above}",
            )


NATIONAL_LEC_BANDS: Final[LecBands] = LecBands()
"""The common practice 320 / 160 / 70 (regulations.md §7.2). The colour mapping is practice,
not a national standard (⚠️); check the local 地方标准."""


class LecDangerLevel(enum.Enum):
    """The classic five LEC danger levels (Graham–Kinney as used in China, ☑️), highest first.

    Bands: D > 320, 160 < D ≤ 320, 70 < D ≤ 160, 20 < D ≤ 70, D ≤ 20 (upper ends
    inclusive, as for the colours; the source table writes the last row "< 20", which would
    leave 20 in no row under this reading, so D = 20 is 稍有危险).
    """

    EXTREME = "extreme"
    HIGH = "high"
    SUBSTANTIAL = "substantial"
    POSSIBLE = "possible"
    SLIGHT = "slight"

    @property
    def label(self) -> str:
        """Chinese wording."""
        return _DANGER_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """English wording."""
        return _DANGER_LABELS[self][1]


_DANGER_LABELS: Final[Mapping[LecDangerLevel, tuple[str, str]]] = {
    LecDangerLevel.EXTREME: ("极其危险，不能继续作业", "extremely dangerous, stop work"),
    LecDangerLevel.HIGH: ("高度危险，需立即整改", "highly dangerous, rectify at once"),
    LecDangerLevel.SUBSTANTIAL: ("显著危险，需要整改", "substantially dangerous, needs rectification"),
    LecDangerLevel.POSSIBLE: ("一般危险，需要注意", "possibly dangerous, needs attention"),
    LecDangerLevel.SLIGHT: ("稍有危险，可以接受", "slightly dangerous, acceptable"),
}

_DANGER_THRESHOLDS: Final[tuple[tuple[Decimal, LecDangerLevel], ...]] = (
    (Decimal(320), LecDangerLevel.EXTREME),
    (Decimal(160), LecDangerLevel.HIGH),
    (Decimal(70), LecDangerLevel.SUBSTANTIAL),
    (Decimal(20), LecDangerLevel.POSSIBLE),
)


def _as_score(d: Decimal | int | float) -> Decimal:
    if isinstance(d, bool) or not isinstance(d, Decimal | int | float):
        raise InvalidRiskInputError(f"风险值无效：{d!r}", f"invalid risk score: {d!r}")
    number = d if isinstance(d, Decimal) else Decimal(str(d))
    if not number.is_finite() or number < 0:
        raise InvalidRiskInputError(f"风险值无效：{d!r}", f"invalid risk score: {d!r}")
    return number


def lec_danger_level(d: Decimal | int | float) -> LecDangerLevel:
    """The classic five-level LEC danger level for a score D (regulations.md §7.2, ☑️)."""
    score = _as_score(d)
    for threshold, level in _DANGER_THRESHOLDS:
        if score > threshold:
            return level
    return LecDangerLevel.SLIGHT


def lec_colour(d: Decimal | int | float, *, bands: LecBands = NATIONAL_LEC_BANDS) -> RiskColour:
    """The colour for an LEC score D under ``bands`` (default 320 / 160 / 70, see :class:`LecBands`).

    Accepts any non-negative D, so local tables and boundary values can be checked directly.
    """
    score = _as_score(d)
    if score > bands.red_above:
        return RiskColour.RED
    if score > bands.orange_above:
        return RiskColour.ORANGE
    if score > bands.yellow_above:
        return RiskColour.YELLOW
    return RiskColour.BLUE


@dataclass(frozen=True, slots=True)
class LecResult:
    """Result of :func:`lec_score`: the factors, D, its colour and classic danger level."""

    l: Decimal  # noqa: E741 - the method's own letter
    e: Decimal
    c: Decimal
    d: Decimal
    colour: RiskColour
    danger: LecDangerLevel


def lec_score(l: LecValue, e: LecValue, c: LecValue, *, bands: LecBands = NATIONAL_LEC_BANDS) -> LecResult:  # noqa: E741
    """LEC (作业条件危险性评价法): D = L × E × C (regulations.md §7.2, ☑️).

    L must be one of 10, 6, 3, 1, 0.5, 0.2, 0.1; E one of 10, 6, 3, 2, 1, 0.5; C one of
    100, 40, 15, 7, 3, 1. Floats are read through their shortest decimal text (0.1 → 0.1),
    and D is exact (``Decimal``). Raises :class:`InvalidLecValueError` otherwise.
    """
    lv = _lec_value("L", l, LEC_L_VALUES)
    ev = _lec_value("E", e, LEC_E_VALUES)
    cv = _lec_value("C", c, LEC_C_VALUES)
    d = lv * ev * cv
    return LecResult(l=lv, e=ev, c=cv, d=d, colour=lec_colour(d, bands=bands), danger=lec_danger_level(d))


# --------------------------------------------------------------------------- LS matrix


@dataclass(frozen=True, slots=True)
class LsBands:
    """R thresholds for the LS matrix: R ≥ ``red_min`` → red, R ≥ ``orange_min`` → orange,
    R ≥ ``yellow_min`` → yellow, otherwise blue (R = L × S, 1–25)."""

    red_min: int = 20
    orange_min: int = 9
    yellow_min: int = 4

    def __post_init__(self) -> None:
        values = (self.red_min, self.orange_min, self.yellow_min)
        if any(isinstance(v, bool) or not isinstance(v, int) for v in values) or not (
            25 >= self.red_min > self.orange_min > self.yellow_min > 1
        ):
            raise InvalidBandsError(
                f"LS 分级阈值必须是 25 ≥ 红 > 橙 > 黄 > 1 的整数：{values}",
                f"LS thresholds must be integers with 25 >= red > orange > yellow > 1: {values}",
            )


LS_BANDS_VARIANT_A: Final[LsBands] = LsBands(red_min=20, orange_min=15, yellow_min=9)
"""Variant A (Shandong-style guides): 20–25 / 15–16 / 9–12 / 1–8. ⚠️"""

LS_BANDS_VARIANT_B: Final[LsBands] = LsBands(red_min=20, orange_min=9, yellow_min=4)
"""Variant B (a coal-mine document): 20–25 / 9–16 / 4–8 / 1–3. ☑️ — the project default."""

LS_BANDS_VARIANT_C: Final[LsBands] = LsBands(red_min=20, orange_min=10, yellow_min=4)
"""Variant C (a coal-safety paper): 20–25 / 10–16 / 4–9 / 1–3. ☑️"""

DEFAULT_LS_BANDS: Final[LsBands] = LS_BANDS_VARIANT_B
"""Project default: variant B. It is one of the two ☑️ variants; B and C differ only at R = 9,
where B takes the higher (more cautious) colour. Thresholds differ between sources (⚠️), so
each jurisdiction and sector should set its own."""


def ls_colour(r: int, *, bands: LsBands = DEFAULT_LS_BANDS) -> RiskColour:
    """The colour for an LS risk value R (1–25) under ``bands``."""
    if isinstance(r, bool) or not isinstance(r, int) or not 1 <= r <= 25:
        raise InvalidLsValueError("R", r)
    if r >= bands.red_min:
        return RiskColour.RED
    if r >= bands.orange_min:
        return RiskColour.ORANGE
    if r >= bands.yellow_min:
        return RiskColour.YELLOW
    return RiskColour.BLUE


@dataclass(frozen=True, slots=True)
class LsResult:
    """Result of :func:`ls_score`."""

    likelihood: int
    severity: int
    r: int
    colour: RiskColour


def ls_score(likelihood: int, severity: int, *, bands: LsBands = DEFAULT_LS_BANDS) -> LsResult:
    """LS risk matrix (风险矩阵法): R = L × S with L and S integers 1–5 (regulations.md §7.3;
    method ☑️, thresholds ⚠️ — see :data:`DEFAULT_LS_BANDS`)."""
    for name, value in (("L", likelihood), ("S", severity)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise InvalidLsValueError(name, value)
    r = likelihood * severity
    return LsResult(likelihood=likelihood, severity=severity, r=r, colour=ls_colour(r, bands=bands))


# --------------------------------------------------------------------------- enterprise colour


@dataclass(frozen=True, slots=True)
class FlagWeight:
    """Points for one enterprise flag, with the words used to explain it."""

    points: int
    zh: str
    en: str


def _default_flags() -> Mapping[str, FlagWeight]:
    return MappingProxyType(
        {
            "major_hazard_source": FlagWeight(
                30, "构成危险化学品重大危险源", "has a major hazard installation"
            ),
            "hazardous_chemicals": FlagWeight(15, "涉及危险化学品", "handles hazardous chemicals"),
            "hazardous_process": FlagWeight(
                15, "涉及重点监管危险化工工艺", "uses a key-supervised chemical process"
            ),
            "dust_explosion": FlagWeight(15, "涉及粉尘爆炸危险", "has dust-explosion hazards"),
            "ammonia_refrigeration": FlagWeight(15, "涉氨制冷", "uses ammonia refrigeration"),
            "confined_space": FlagWeight(10, "涉及有限空间作业", "has confined-space work"),
            "crowded_place": FlagWeight(10, "人员密集场所", "is a crowded place"),
            "untrustworthy": FlagWeight(10, "列入失信名单", "is on the trust-breaker list"),
        }
    )


def _default_base_points() -> Mapping[RiskColour, int]:
    return MappingProxyType(
        {RiskColour.BLUE: 0, RiskColour.YELLOW: 30, RiskColour.ORANGE: 60, RiskColour.RED: 100}
    )


@dataclass(frozen=True, slots=True)
class EnterpriseRiskWeights:
    """Weights of the project's enterprise risk points model (a **local, configurable model**;
    there is no national formula for an enterprise's overall colour).

    Points = base points of the sector's inherent colour
    + ``per_open_major_hazard`` × open major hazards
    + min(``per_open_general_hazard`` × open general hazards, ``open_general_cap``)
    + min(``per_overdue_hazard`` × overdue hazards, ``overdue_cap``)
    + ``per_accident_last_year`` × accidents in the last year
    + ``per_death_last_3y`` × deaths in the last three years
    + the points of each flag.

    Colour: points ≥ ``red_min`` → red, ≥ ``orange_min`` → orange, ≥ ``yellow_min`` → yellow,
    else blue; then raised to at least ``open_major_hazard_floor`` if any major hazard is open
    and to at least ``death_floor`` if anyone died in the last three years. The base points
    equal the thresholds, so the result is never below the sector's inherent colour.
    """

    base_points: Mapping[RiskColour, int] = field(default_factory=_default_base_points)
    red_min: int = 100
    orange_min: int = 60
    yellow_min: int = 30
    per_open_major_hazard: int = 30
    per_open_general_hazard: int = 2
    open_general_cap: int = 20
    per_overdue_hazard: int = 10
    overdue_cap: int = 30
    per_accident_last_year: int = 20
    per_death_last_3y: int = 30
    open_major_hazard_floor: RiskColour = RiskColour.ORANGE
    death_floor: RiskColour = RiskColour.ORANGE
    flags: Mapping[str, FlagWeight] = field(default_factory=_default_flags)

    def __post_init__(self) -> None:
        if not (self.red_min > self.orange_min > self.yellow_min > 0):
            raise InvalidBandsError(
                "企业风险分值阈值必须严格递减且为正",
                "enterprise risk thresholds must strictly decrease and be positive",
            )
        if set(self.base_points) != set(RiskColour):
            raise InvalidBandsError("必须为四种颜色各设基础分", "base_points needs a value for each colour")


DEFAULT_ENTERPRISE_RISK_WEIGHTS: Final[EnterpriseRiskWeights] = EnterpriseRiskWeights()
"""The project's default weights (local, configurable; see ``docs/rules/risk.md``)."""


@dataclass(frozen=True, slots=True)
class RiskReason:
    """One explanation line of :class:`EnterpriseRisk`."""

    zh: str
    en: str
    points: int = 0


@dataclass(frozen=True, slots=True)
class EnterpriseRisk:
    """Result of :func:`enterprise_risk_colour`: the colour, the points and why."""

    colour: RiskColour
    points: int
    reasons: tuple[RiskReason, ...]

    @property
    def lines(self) -> list[tuple[str, str]]:
        """The explanation as ``(zh, en)`` lines, in the order the factors were applied."""
        return [(r.zh, r.en) for r in self.reasons]


def _count(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidRiskInputError(
            f"{name} 必须是非负整数：{value!r}", f"{name} must be a non-negative integer: {value!r}"
        )
    return value


def enterprise_risk_colour(
    *,
    sector_inherent: RiskColour,
    open_major_hazards: int,
    open_general_hazards: int,
    overdue_hazards: int,
    accidents_last_year: int,
    deaths_last_3y: int,
    flags: Collection[str],
    weights: EnterpriseRiskWeights = DEFAULT_ENTERPRISE_RISK_WEIGHTS,
) -> EnterpriseRisk:
    """An enterprise's overall risk colour with a line-by-line explanation.

    This is the **project's configurable points model** (see :class:`EnterpriseRiskWeights`),
    not a national formula: 安全生产法 Art. 41 requires risk grading and Art. 62(2) graded and
    classified supervision, but neither fixes how an enterprise's colour is computed. Every
    factor that adds points, and every floor that raises the colour, produces one line.
    """
    if not isinstance(sector_inherent, RiskColour):
        raise InvalidRiskInputError(
            f"行业固有风险必须是风险颜色：{sector_inherent!r}",
            f"sector_inherent must be a RiskColour: {sector_inherent!r}",
        )
    w = weights
    reasons: list[RiskReason] = []
    base = w.base_points[sector_inherent]
    reasons.append(
        RiskReason(
            f"行业固有风险为{sector_inherent.colour_zh}色（{sector_inherent.label}）：{base} 分",
            f"sector inherent risk {sector_inherent.value} ({sector_inherent.label_en}): {base} points",
            base,
        )
    )
    points = base

    def add(n: int, zh: str, en: str) -> None:
        nonlocal points
        if n:
            points += n
            reasons.append(RiskReason(f"{zh}：+{n} 分", f"{en}: +{n} points", n))

    majors = _count("open_major_hazards", open_major_hazards)
    generals = _count("open_general_hazards", open_general_hazards)
    overdue = _count("overdue_hazards", overdue_hazards)
    accidents = _count("accidents_last_year", accidents_last_year)
    deaths = _count("deaths_last_3y", deaths_last_3y)
    add(majors * w.per_open_major_hazard, f"未整改重大事故隐患 {majors} 项", f"{majors} open major hazard(s)")
    add(
        min(generals * w.per_open_general_hazard, w.open_general_cap),
        f"未整改一般事故隐患 {generals} 项",
        f"{generals} open general hazard(s)",
    )
    add(
        min(overdue * w.per_overdue_hazard, w.overdue_cap),
        f"逾期未整改隐患 {overdue} 项",
        f"{overdue} overdue hazard(s)",
    )
    add(
        accidents * w.per_accident_last_year,
        f"近一年发生事故 {accidents} 起",
        f"{accidents} accident(s) in the last year",
    )
    add(
        deaths * w.per_death_last_3y,
        f"近三年事故死亡 {deaths} 人",
        f"{deaths} death(s) in the last three years",
    )
    for flag in sorted(set(flags)):
        weight = w.flags.get(flag)
        if weight is None:
            raise UnknownRiskFlagError(flag)
        add(weight.points, weight.zh, weight.en)

    if points >= w.red_min:
        colour = RiskColour.RED
    elif points >= w.orange_min:
        colour = RiskColour.ORANGE
    elif points >= w.yellow_min:
        colour = RiskColour.YELLOW
    else:
        colour = RiskColour.BLUE
    reasons.append(
        RiskReason(
            f"合计 {points} 分，对应{colour.colour_zh}色（{colour.label}）",
            f"total {points} points: {colour.value} ({colour.label_en})",
        )
    )
    floors = (
        (majors > 0, w.open_major_hazard_floor, "存在未整改重大事故隐患", "an open major hazard"),
        (deaths > 0, w.death_floor, "近三年发生死亡事故", "a fatal accident in the last three years"),
    )
    for applies, floor, zh, en in floors:
        if applies and floor.rank > colour.rank:
            colour = floor
            reasons.append(
                RiskReason(
                    f"{zh}，风险等级不低于{floor.colour_zh}色（{floor.label}）",
                    f"{en} keeps the colour at least {floor.value} ({floor.label_en})",
                )
            )
    return EnterpriseRisk(colour=colour, points=points, reasons=tuple(reasons))


# --------------------------------------------------------------------------- supervision


class SupervisionClass(enum.Enum):
    """Enterprise supervision class A–D, A the lowest risk (direction as in Shanxi 2025 for
    non-coal mines: A 低风险 … D 重大; ☑️). There is no national A/B/C/D scale, and some
    provinces use the letters the other way round (regulations.md §7.1, §10.2)."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"

    @property
    def label(self) -> str:
        """Chinese label, e.g. ``D类（重大风险）``."""
        colour = _CLASS_COLOUR[self]
        return f"{self.value}类（{colour.label}）"

    @property
    def label_en(self) -> str:
        """English label, e.g. ``class D (major risk)``."""
        return f"class {self.value} ({_CLASS_COLOUR[self].label_en})"


_CLASS_COLOUR: Final[Mapping[SupervisionClass, RiskColour]] = {
    SupervisionClass.A: RiskColour.BLUE,
    SupervisionClass.B: RiskColour.YELLOW,
    SupervisionClass.C: RiskColour.ORANGE,
    SupervisionClass.D: RiskColour.RED,
}

DEFAULT_SUPERVISION_CLASS_BY_COLOUR: Final[Mapping[RiskColour, SupervisionClass]] = MappingProxyType(
    {colour: cls for cls, colour in _CLASS_COLOUR.items()}
)
"""Blue → A, yellow → B, orange → C, red → D (Shanxi 2025 non-coal mines, ☑️; local default)."""

INSPECTIONS_PER_YEAR: Final[Mapping[SupervisionClass, int]] = MappingProxyType(
    {SupervisionClass.A: 1, SupervisionClass.B: 1, SupervisionClass.C: 2, SupervisionClass.D: 4}
)
"""Annual inspection quota per class: 1 / 1 / 2 / 4 — Shanxi 应急管理厅 April 2025, non-coal
mines, where the figures are the **maximum** inspections per enterprise per year (☑️).
Local default; provinces set their own (安全生产法 Art. 62(2) leaves it to the annual plan)."""


def supervision_class(
    colour: RiskColour,
    *,
    mapping: Mapping[RiskColour, SupervisionClass] = DEFAULT_SUPERVISION_CLASS_BY_COLOUR,
) -> SupervisionClass:
    """The supervision class for an enterprise risk colour (安全生产法 Art. 62(2) ✅ requires
    分类分级监督管理; the mapping is the local default :data:`DEFAULT_SUPERVISION_CLASS_BY_COLOUR`)."""
    try:
        return mapping[colour]
    except KeyError:
        raise InvalidRiskInputError(
            f"未配置该风险颜色的监管类别：{colour!r}", f"no supervision class configured for {colour!r}"
        ) from None


def inspections_per_year(
    cls: SupervisionClass, *, quota: Mapping[SupervisionClass, int] = INSPECTIONS_PER_YEAR
) -> int:
    """Annual inspection quota for a supervision class (local default :data:`INSPECTIONS_PER_YEAR`)."""
    try:
        return quota[cls]
    except KeyError:
        raise InvalidRiskInputError(
            f"未配置该监管类别的检查频次：{cls!r}", f"no inspection quota configured for {cls!r}"
        ) from None


PATROL_INTERVAL_MONTHS: Final[Mapping[RiskColour, int]] = MappingProxyType(
    {RiskColour.RED: 1, RiskColour.ORANGE: 2, RiskColour.YELLOW: 3, RiskColour.BLUE: 6}
)
"""Grid patrol interval per colour, in months: red monthly, orange every two months, yellow
quarterly, blue twice a year. **Local default** — not found in any national source."""


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_patrol_due(
    last_patrol: date, colour: RiskColour, *, intervals: Mapping[RiskColour, int] = PATROL_INTERVAL_MONTHS
) -> date:
    """Date of the next patrol: ``last_patrol`` plus the colour's interval in months.

    Month arithmetic keeps the day of the month, or the month's last day if it is shorter
    (31 January + 1 month → 28/29 February), as 民法典 Art. 202 does for periods in months.
    Intervals are a local default (:data:`PATROL_INTERVAL_MONTHS`).
    """
    if isinstance(last_patrol, datetime) or not isinstance(last_patrol, date):
        raise InvalidRiskInputError(f"巡查日期无效：{last_patrol!r}", f"invalid patrol date: {last_patrol!r}")
    months = intervals.get(colour)
    if months is None or isinstance(months, bool) or months < 1:
        raise InvalidRiskInputError(
            f"未配置或无效的巡查间隔：{colour!r}", f"missing or invalid patrol interval for {colour!r}"
        )
    return _add_months(last_patrol, months)
