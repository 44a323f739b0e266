"""GB 18218-2018 grading basis as people read it.

``anjian.rules.gb18218`` records how each term's Q and β were found as a compact rule string
("Table 1 No. 12 (name '液氯')", "Table 4 W2", "Table 2 lowest Q of … -> W2"). Those strings are
the rule module's audit trail and are stored with each assessment; ``basis_text`` turns them
into a sentence in the reader's language ("GB 18218-2018 表1 第12项（按名称“液氯”）"), for stored
and fresh assessments alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.translation import gettext

_T1 = re.compile(
    r"Table 1 No\. (?P<n>\d+) \((?:(?P<full>full name)|name '(?P<name>[^']*)'|CAS (?P<cas>[\d-]+))"
    r"(?:; CAS (?P<cas2>[\d-]+) not listed in Table 1)?\)"
)
_ALSO = re.compile(r"CAS (?P<cas>[\d-]+) is also listed for (?P<rows>.+?), whose condition the name '(?P<name>[^']*)' "
                   r"does not claim")
_T2_LOWEST = re.compile(r"Table 2 lowest Q of (?P<list>.+?) -> (?P<w>\S+)")
_T2 = re.compile(r"Table 2 (?P<sym>[A-Z][A-Z0-9.+/]*)")
_T3 = re.compile(r"Table 3 (?P<x>.+?)(?P<unused> \(stated hazard classes not used: Table 3 applies\))?$")
_T4_HIGHEST = re.compile(r"Table 4 highest β of (?P<list>.+?) -> (?P<w>\S+)")
_T4 = re.compile(r"Table 4 (?P<sym>\S+)")
_SUMMED = re.compile(r"(?P<n>\d+) items summed")
_ROW = re.compile(r"No\. (?P<n>\d+) ")


def _t1(m: re.Match[str]) -> str:
    if m["full"]:
        how = gettext("名称一致")
    elif m["name"] is not None:
        how = gettext("按名称“{name}”").format(name=m["name"])
    else:
        how = gettext("按CAS号 {cas}").format(cas=m["cas"])
    if m["cas2"]:
        how += gettext("；CAS号 {cas} 未列入表1").format(cas=m["cas2"])
    return gettext("表1 第{n}项（{how}）").format(n=m["n"], how=how)


_PARTS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (_T1, _t1),
    (_ALSO, lambda m: gettext("CAS号 {cas} 也对应{rows}，名称“{name}”未表明符合其限定条件").format(
        cas=m["cas"], rows=_ROW.sub(lambda r: gettext("第{n}项 ").format(n=r["n"]), m["rows"]), name=m["name"])),
    (_T2_LOWEST, lambda m: gettext("表2，取{list}中最小的临界量：{w}").format(list=m["list"], w=m["w"])),
    (_T2, lambda m: gettext("表2 {sym}").format(sym=m["sym"])),
    (_T3, lambda m: gettext("表3 {x}（已列入表3，不采用所填危险性类别）").format(x=m["x"]) if m["unused"]
     else gettext("表3 {x}").format(x=m["x"])),
    (_T4_HIGHEST, lambda m: gettext("表4，取{list}中最大的校正系数β：{w}").format(list=m["list"], w=m["w"])),
    (_T4, lambda m: gettext("表4 {sym}").format(sym=m["sym"])),
    (_SUMMED, lambda m: gettext("{n}项合计").format(n=m["n"])),
]


def _part(text: str) -> str:
    for pattern, render in _PARTS:
        m = pattern.fullmatch(text.strip())
        if m:
            return render(m)
    return text


def _split(rule: str) -> list[str]:
    """Split on "; " outside parentheses (a Table 1 match may carry "; CAS … not listed" inside)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(rule):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and rule.startswith("; ", i):
            parts.append(rule[start:i])
            start = i + 2
    parts.append(rule[start:])
    return [p for p in parts if p.strip()]


def basis_text(rule: str | None, beta_rule: str | None = None) -> str:
    """How Q (and β) were found, as a sentence in the reader's language."""
    parts = [_part(p) for p in _split(rule or "")] + [_part(p) for p in _split(beta_rule or "")]
    return gettext("GB 18218-2018 {parts}").format(parts=gettext("；").join(parts)) if parts else ""
