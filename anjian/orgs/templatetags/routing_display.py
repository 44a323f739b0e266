"""The routing trail a hazard or report keeps (``route_department``'s rule text) as a sentence in
the reader's language, instead of the stored trail "行业 C 制造业 @ 全市默认 → 示范市应急管理局"."""

from __future__ import annotations

import re

from django import template
from django.utils.translation import get_language, gettext

from anjian.orgs.models import Sector

register = template.Library()

_ROUTE = re.compile(r"^行业 (?P<code>\S+) (?P<name>.+?) @ (?P<where>.+?) → (?P<dept>.+)$")
_BY_HAND = re.compile(r"^人工改派 → (?P<dept>[^：]+)(?:：(?P<reason>.*))?$")


def routing_text(rule: str) -> str:
    """The rule text in the active language; text of another shape is shown as stored."""
    text = (rule or "").strip()
    if not text:
        return "—"
    if m := _ROUTE.match(text):
        sector = Sector.objects.filter(code=m["code"]).first()
        params = {"sector": str(sector) if sector else f"{m['code']} {m['name']}", "dept": m["dept"],
                  "where": m["where"]}
        if m["where"] == "全市默认":
            return gettext("按行业“%(sector)s”的全市默认规则，由%(dept)s监管") % params
        return gettext("按行业“%(sector)s”在%(where)s的规则，由%(dept)s监管") % params
    if m := _BY_HAND.match(text):
        return gettext("人工改派至%(dept)s：%(reason)s") % {"dept": m["dept"].strip(), "reason": m["reason"] or "—"}
    zh, sep, en = text.partition(" / ")  # the platform's bilingual notes ("未指定行业，未路由 / no sector, not routed")
    if sep:
        return en if (get_language() or "").startswith("en") else zh
    return text


@register.filter
def routing(rule: str) -> str:
    return routing_text(rule)
