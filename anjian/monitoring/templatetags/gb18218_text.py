"""``{{ term|basis }}``: how a GB 18218 term's Q and β were found, in the reader's language."""

from __future__ import annotations

from typing import Any

from django import template

from anjian.monitoring.explain import basis_text

register = template.Library()


@register.filter
def basis(term: Any) -> str:
    if isinstance(term, dict):
        return basis_text(term.get("rule"), term.get("beta_rule"))
    return basis_text(getattr(term, "rule", ""), getattr(term, "beta_rule", ""))
