"""Choosing an inspector (the directory, within the user's scope) and an enforcement department."""

from __future__ import annotations

from anjian.core.lookups import Lookup, register
from anjian.enforcement.models import InspectableMatter, Inspector

register(Lookup(
    key="enforcement.inspectors", model=Inspector, action="enforcement.view", search=("name", "cert_no"),
    order=("department_id", "id"), base=lambda qs: qs.filter(is_active=True),
    label=lambda i: f"{i.name}（{i.cert_no}）",
))
register(Lookup(
    key="enforcement.matters", model=InspectableMatter, action="enforcement.view", search=("name",),
    order=("id",), base=lambda qs: qs.filter(is_active=True), label=lambda m: m.name,
))
