"""The law library's catalogue (法律法规标准库, plan item 32) and which rules cite which text.

``LAWS`` lists the laws, administrative regulations, department rules, normative documents and
standards the rules in this package rest on, each with its number and its dates: issued,
in force, and — for a text replaced or expired — no longer in force. ``CITATIONS`` maps each rule
(``"<module>.<name>"`` in ``anjian.rules``) to the texts and articles it cites; the library's
pages show, for each text, the rules that cite it, and for each rule, the texts.

Dates are those printed on the texts (regulations.md §1, §3, §6; the texts themselves). A local
rule of the city is entered in the library by the office (``anjian.emergency``), not here.

Pure Python: no Django import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

__all__ = ["CITATIONS", "KINDS", "LAWS", "Law", "citations_of", "cited_by", "in_force", "law"]

KINDS: Final[tuple[tuple[str, str, str], ...]] = (
    ("law", "法律", "Law"),
    ("regulation", "行政法规", "Administrative regulation"),
    ("rule", "部门规章", "Department rule"),
    ("normative", "规范性文件", "Normative document"),
    ("standard", "标准", "Standard"),
    ("local", "地方性法规、规章与文件", "Local rule"),
)


@dataclass(frozen=True)
class Law:
    key: str
    kind: str
    title: str
    number: str
    issuer: str
    issued_on: date | None
    effective_on: date
    repealed_on: date | None = None
    replaced_by: str = ""


LAWS: Final[tuple[Law, ...]] = (
    Law(
        "aqscf-2021",
        "law",
        "中华人民共和国安全生产法（2021年修正）",
        "主席令第88号",
        "全国人民代表大会常务委员会",
        date(2021, 6, 10),
        date(2021, 9, 1),
    ),
    Law(
        "sgbg-2007",
        "regulation",
        "生产安全事故报告和调查处理条例",
        "国务院令第493号",
        "国务院",
        date(2007, 4, 9),
        date(2007, 6, 1),
    ),
    Law(
        "yjtl-2019",
        "regulation",
        "生产安全事故应急条例",
        "国务院令第708号",
        "国务院",
        date(2019, 2, 17),
        date(2019, 4, 1),
    ),
    Law(
        "yaglbf-2016",
        "rule",
        "生产安全事故应急预案管理办法",
        "国家安全生产监督管理总局令第88号",
        "国家安全生产监督管理总局",
        date(2016, 6, 3),
        date(2016, 7, 1),
        date(2019, 9, 1),
        "yaglbf-2019",
    ),
    Law(
        "yaglbf-2019",
        "rule",
        "生产安全事故应急预案管理办法（2019年修正）",
        "应急管理部令第2号",
        "应急管理部",
        date(2019, 7, 11),
        date(2019, 9, 1),
    ),
    Law(
        "tfya-2013",
        "normative",
        "突发事件应急预案管理办法",
        "国办发〔2013〕101号",
        "国务院办公厅",
        date(2013, 10, 25),
        date(2013, 10, 25),
        date(2024, 1, 31),
        "tfya-2024",
    ),
    Law(
        "tfya-2024",
        "normative",
        "突发事件应急预案管理办法",
        "国办发〔2024〕5号",
        "国务院办公厅",
        date(2024, 1, 31),
        date(2024, 1, 31),
    ),
    Law(
        "gbt29639-2013",
        "standard",
        "生产经营单位生产安全事故应急预案编制导则",
        "GB/T 29639-2013",
        "国家质量监督检验检疫总局、国家标准化管理委员会",
        date(2013, 7, 19),
        date(2013, 10, 1),
        date(2021, 4, 1),
        "gbt29639-2020",
    ),
    Law(
        "gbt29639-2020",
        "standard",
        "生产经营单位生产安全事故应急预案编制导则",
        "GB/T 29639-2020",
        "国家市场监督管理总局、国家标准化管理委员会",
        date(2020, 9, 29),
        date(2021, 4, 1),
    ),
    Law(
        "aqt9007-2019",
        "standard",
        "生产安全事故应急演练基本规范",
        "AQ/T 9007-2019",
        "应急管理部",
        date(2019, 8, 12),
        date(2020, 2, 1),
    ),
    Law(
        "gb18218-2018",
        "standard",
        "危险化学品重大危险源辨识",
        "GB 18218-2018",
        "国家市场监督管理总局、国家标准化管理委员会",
        date(2018, 11, 19),
        date(2019, 3, 1),
    ),
    Law(
        "jjr-2025",
        "normative",
        "国务院办公厅关于2025年部分节假日安排的通知",
        "国办发明电〔2024〕12号",
        "国务院办公厅",
        None,
        date(2025, 1, 1),
        date(2026, 1, 1),
    ),
    Law(
        "jjr-2026",
        "normative",
        "国务院办公厅关于2026年部分节假日安排的通知",
        "国办发明电〔2025〕7号",
        "国务院办公厅",
        None,
        date(2026, 1, 1),
        date(2027, 1, 1),
    ),
    Law(
        "cap-1-2",
        "standard",
        "Common Alerting Protocol Version 1.2",
        "OASIS CAP-V1.2",
        "OASIS",
        date(2010, 7, 1),
        date(2010, 7, 1),
    ),
)

_BY_KEY: Final[dict[str, Law]] = {entry.key: entry for entry in LAWS}

CITATIONS: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "emergency.PLAN_TYPES": (("yaglbf-2019", "第六条"), ("gbt29639-2020", "5")),
    "emergency.plan_filing_due": (("yaglbf-2019", "第二十六条"),),
    "emergency.filing_check_due": (("yaglbf-2019", "第二十六条"),),
    "emergency.must_file": (("yaglbf-2019", "第二十六条"), ("yjtl-2019", "第七条")),
    "emergency.needs_written_review": (("yaglbf-2019", "第二十一条"),),
    "emergency.needs_periodic_evaluation": (("yaglbf-2019", "第三十五条"),),
    "emergency.evaluation_due": (("yaglbf-2019", "第三十五条"),),
    "emergency.drill_interval_months": (("yaglbf-2019", "第三十三条"), ("yjtl-2019", "第八条")),
    "emergency.REVISION_TRIGGERS": (("yaglbf-2019", "第三十六条"), ("yjtl-2019", "第六条")),
    "emergency.typical_accident_types": (("gbt29639-2020", "5"), ("yaglbf-2019", "第十条")),
    "workdays.add_working_days": (("jjr-2025", ""), ("jjr-2026", "")),
    "accidents.accident_grade": (("sgbg-2007", "第三条"), ("aqscf-2021", "第一百一十八条")),
    "accidents.unit_report_deadline": (("sgbg-2007", "第九条"),),
    "gb18218.assess": (("gb18218-2018", "4"),),
}
"""Rule → (library key, article). A test checks that every rule named here exists and every key is
in ``LAWS``."""


def law(key: str) -> Law:
    """The catalogue entry ``key``; ``KeyError`` for an unknown key."""
    return _BY_KEY[key]


def in_force(entry: Law, on: date) -> bool:
    """In force on ``on``: from ``effective_on`` until the day before ``repealed_on``."""
    return entry.effective_on <= on and (entry.repealed_on is None or on < entry.repealed_on)


def cited_by(key: str) -> list[tuple[str, str]]:
    """The rules citing the text ``key``, with the article: [("emergency.plan_filing_due", "第二十六条"), …]."""
    return sorted((rule, article) for rule, cites in CITATIONS.items() for k, article in cites if k == key)


def citations_of(rule: str) -> tuple[tuple[str, str], ...]:
    """The texts a rule cites: ((key, article), …); empty for a rule not in the registry."""
    return CITATIONS.get(rule, ())
