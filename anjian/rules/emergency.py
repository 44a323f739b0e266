"""Emergency plans, their filing, evaluation and drills (应急预案与演练).

Sources (``/work/shared/docs/regulations.md`` §6, ``docs/rules/emergency.md``):

* 《生产安全事故应急预案管理办法》(原安监总局令第88号, 应急管理部令第2号 2019 修正) ✅ —
  plan types (Art. 6), written review (Art. 21), filing within 20 working days and the
  authority's 5-working-day check (Art. 26), who files (Art. 26), drills (Art. 33),
  evaluation every 3 years (Art. 35), revision triggers (Art. 36).
* 《生产安全事故应急条例》(国务院令第708号, 2019) ✅ — drills of governments every 2 years and of
  high-risk and crowded-place units every 6 months (Art. 8).
* The city's work plan, item 35 (seed §八): units of 500 staff or more hold one fire drill and
  one technical-safety drill a year.

Pure Python: no Django import.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Final

from anjian.rules.workdays import add_working_days_earliest

__all__ = [
    "FILING_CHECK_WORKING_DAYS",
    "FILING_WORKING_DAYS",
    "PLAN_TYPES",
    "REVISION_TRIGGERS",
    "add_months",
    "drill_due",
    "drill_interval_months",
    "evaluation_due",
    "filing_check_due",
    "must_file",
    "needs_fire_and_technical_drills",
    "needs_periodic_evaluation",
    "needs_written_review",
    "plan_covers",
    "plan_filing_due",
    "typical_accident_types",
]

PLAN_TYPES: Final[tuple[str, ...]] = ("综合", "专项", "现场处置")
"""预案管理办法 Art. 6: 综合应急预案, 专项应急预案, 现场处置方案."""

FILING_WORKING_DAYS: Final = 20
"""预案管理办法 Art. 26: filed within 20 working days of the plan's announcement (公布)."""

FILING_CHECK_WORKING_DAYS: Final = 5
"""预案管理办法 Art. 26: the authority checks the materials within 5 working days."""

EVALUATION_YEARS: Final = 3
"""预案管理办法 Art. 35: the listed units evaluate their plans at least every 3 years."""

REVISION_TRIGGERS: Final[tuple[tuple[str, str, str], ...]] = (
    (
        "law",
        "依据的法律、法规、规章、标准及上位预案中的有关规定发生重大变化",
        "The laws, standards or higher-level plan relied on changed significantly",
    ),
    ("command", "应急指挥机构及其职责发生调整", "The command structure or its duties changed"),
    ("risk", "安全生产面临的风险发生重大变化", "The risks changed significantly"),
    ("resources", "重要应急资源发生重大变化", "Key emergency resources changed significantly"),
    (
        "drill",
        "在应急演练和事故应急救援中发现需要修订预案的重大问题",
        "A drill or a real response revealed a major problem",
    ),
    ("other", "编制单位认为应当修订的其他情况", "The unit decided a revision is needed"),
)
"""预案管理办法 Art. 36 (1)–(6): the events after which a plan is revised (code, zh, en)."""

# GB/T 4754-2017 codes (sections, divisions or classes, matched as prefixes) of the units listed
# in 预案管理办法 Art. 26 / 应急条例 Art. 7: mines (B), metal smelting (31, 32), construction (E),
# urban rail transit (5412), hotels (61), shopping malls (5211 百货, 5212 超市), entertainment
# venues (90), tourist sites (7850 游览景区管理).
_FILING_SECTORS: Final[tuple[str, ...]] = ("B", "31", "32", "E", "5412", "61", "5211", "5212", "90", "7850")
# Flags (the enterprise register's 重点监管标识) that put a unit on the same list: hazardous
# chemicals (produce, trade, store, transport), crowded places, high-risk sectors.
_FILING_FLAGS: Final[frozenset[str]] = frozenset({"hazardous_chemicals", "crowded_place", "high_risk_sector"})
# Art. 21 / 35 list: mines, metal smelting, construction, hazardous chemicals and flammable or
# explosive goods, fireworks (C2672 烟花爆竹 / F5143), plus medium-sized or larger units.
_REVIEW_SECTORS: Final[tuple[str, ...]] = ("B", "31", "32", "E", "2672")
_REVIEW_FLAGS: Final[frozenset[str]] = frozenset({"hazardous_chemicals", "major_hazard_source"})


def _sector_match(sector_codes: Iterable[str], prefixes: tuple[str, ...]) -> bool:
    return any(code.startswith(p) for code in sector_codes if code for p in prefixes)


def plan_filing_due(published_on: date) -> date:
    """The last day to file a plan announced on ``published_on`` (预案管理办法 Art. 26: within
    20 working days of announcement). In a year whose holiday notice is not yet in
    ``rules.workdays``, the earliest the period can end."""
    return add_working_days_earliest(published_on, FILING_WORKING_DAYS)


def filing_check_due(submitted_on: date) -> date:
    """The last day of the authority's check of filing materials received on ``submitted_on``
    (预案管理办法 Art. 26: 5 working days; past it without explanation the plan counts as filed).
    In a year whose holiday notice is not yet in ``rules.workdays``, the earliest the period can
    end: good for the to-do, not for deeming the plan filed (``emergency.services`` waits for the
    year's data before it does that)."""
    return add_working_days_earliest(submitted_on, FILING_CHECK_WORKING_DAYS)


def must_file(*, sector_codes: Iterable[str], flags: Iterable[str]) -> bool:
    """Whether a unit must file its plans (预案管理办法 Art. 26; 应急条例 Art. 7): the high-risk and
    crowded-place list. ``sector_codes``: the unit's GB/T 4754 codes (class and its parents)."""
    return bool(_FILING_FLAGS.intersection(flags)) or _sector_match(sector_codes, _FILING_SECTORS)


def needs_written_review(
    *, sector_codes: Iterable[str], flags: Iterable[str], medium_or_larger: bool
) -> bool:
    """Whether a plan needs a written review with minutes (评审) rather than argumentation (论证)
    (预案管理办法 Art. 21)."""
    return (
        medium_or_larger
        or bool(_REVIEW_FLAGS.intersection(flags))
        or _sector_match(sector_codes, _REVIEW_SECTORS)
    )


def needs_periodic_evaluation(
    *, sector_codes: Iterable[str], flags: Iterable[str], medium_or_larger: bool
) -> bool:
    """Whether the unit must evaluate its plans every 3 years (预案管理办法 Art. 35; same list as
    Art. 21)."""
    return needs_written_review(sector_codes=sector_codes, flags=flags, medium_or_larger=medium_or_larger)


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months; the 29th–31st fall back to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError("unreachable")  # pragma: no cover


def evaluation_due(last: date) -> date:
    """The next 3-year evaluation after the plan's announcement or last evaluation
    (预案管理办法 Art. 35)."""
    return add_months(last, 12 * EVALUATION_YEARS)


def drill_interval_months(*, plan_type: str, high_risk: bool, government: bool) -> int:
    """The longest interval between drills of one plan, in months.

    * a government body (应急管理部门 and other departments, townships, sub-districts): 24
      (预案管理办法 Art. 33; 应急条例 Art. 8);
    * a high-risk or crowded-place unit (the Art. 26 list): 6, every plan (应急条例 Art. 8);
    * any unit's 现场处置方案: 6 (预案管理办法 Art. 33);
    * any unit's 综合 or 专项 plan: 12 (预案管理办法 Art. 33).
    """
    if plan_type not in PLAN_TYPES:
        raise ValueError(f"unknown plan type: {plan_type!r}")
    if government:
        return 24
    if high_risk or plan_type == "现场处置":
        return 6
    return 12


def drill_due(*, last_drill: date | None, since: date, interval_months: int) -> date:
    """When the next drill of a plan falls due: ``interval_months`` after the last drill, or
    after ``since`` (the plan's announcement) when it has never been drilled."""
    return add_months(last_drill or since, interval_months)


def needs_fire_and_technical_drills(staff: int) -> bool:
    """Units of 500 staff or more hold a fire drill and a technical-safety drill each year (the
    city's work plan, item 35: 员工人数达到500人的单位原则上每年各组织一次消防安全演练和专业技术安全演练)."""
    return staff >= 500


# The accident types (GB 6441 names) a unit's plans are expected to cover, by its sector and its
# flags: the city's coverage checklist for GB/T 29639-2020 §5 (the plan system follows the unit's
# risk assessment: one 专项 plan or on-site scheme per main accident risk) — a local checklist, not
# a list set by law. Sector keys are GB/T 4754 prefixes (门类 letters or codes).
_TYPICAL_BY_SECTOR: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("B", ("冒顶片帮", "透水", "放炮", "中毒和窒息", "坍塌")),
    ("C", ("机械伤害", "火灾", "触电")),
    ("D", ("触电", "火灾")),
    ("E", ("高处坠落", "物体打击", "坍塌", "起重伤害", "触电")),
    ("G", ("车辆伤害", "火灾")),
)
_TYPICAL_BY_FLAG: Final[dict[str, tuple[str, ...]]] = {
    "hazardous_chemicals": ("火灾", "爆炸", "中毒和窒息", "灼烫"),
    "major_hazard_source": ("火灾", "爆炸", "中毒和窒息"),
    "dust_explosion": ("爆炸", "火灾"),
    "ammonia_refrigeration": ("中毒和窒息", "爆炸"),
    "confined_space": ("中毒和窒息",),
    "crowded_place": ("火灾",),
}


def typical_accident_types(*, sector_codes: Iterable[str], flags: Iterable[str]) -> tuple[str, ...]:
    """The accident types a unit's plans should cover, in a stable order, without repeats: its
    sector's typical accidents and those of its flags (hazardous chemicals, dust, ammonia, confined
    spaces, crowded place, major hazard source)."""
    out: list[str] = []
    codes = [c for c in sector_codes if c]
    for prefix, types in _TYPICAL_BY_SECTOR:
        if any(code.startswith(prefix) for code in codes):
            out.extend(types)
    for flag in flags:
        out.extend(_TYPICAL_BY_FLAG.get(flag, ()))
    return tuple(dict.fromkeys(out))


def plan_covers(covered: Iterable[str], accident_type: str) -> bool:
    """Whether one of the covered type names covers ``accident_type``: equal, or one contains the
    other (a plan for "爆炸" covers "容器爆炸"; "火灾爆炸" covers "火灾")."""
    return any(c and (c in accident_type or accident_type in c) for c in (x.strip() for x in covered))
