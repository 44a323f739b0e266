"""Choosing a checklist item when reporting a hazard (see ``core/lookups.py``)."""

from __future__ import annotations

from typing import Any

from anjian.checklists.models import ChecklistItem
from anjian.checklists.selectors import hazard_items
from anjian.core.lookups import Lookup, register


def _published_items(user: Any, qs: Any, action: str | None) -> Any:
    return hazard_items(user=user)


register(Lookup(
    key="checklists.hazard_items", model=ChecklistItem, action="hazards.report", search=("code", "text"),
    order=("version__template__code", "order"), scope=_published_items,
    label=lambda i: f"{i.version.template.name} v{i.version.number} · {i.code} {i.short_text}",
    group=lambda i: i.version.template.name, group_order=lambda i: i.version.template.code,
    select_related=("version", "version__template"), not_found_status=400,  # published standards serve all
))
