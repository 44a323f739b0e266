"""Choosing an inspector (the directory, within the user's scope) and an enforcement department."""

from __future__ import annotations

from django.apps import apps

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
register(Lookup(
    # a published standardisation scoring table (checklists' model, named through the app registry:
    # a domain app does not import its peer's modules)
    key="enforcement.scoring_tables", model=apps.get_model("checklists", "ChecklistVersion"), action=None,
    search=("template__name",), order=("template__code", "-number"),
    base=lambda qs: qs.filter(template__kind="standardization_scoring", status="published"),
    label=lambda v: f"{v.template.name} v{v.number}", select_related=("template",), not_found_status=400,
))
