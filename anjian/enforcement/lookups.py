"""Choosing an inspector (the directory, within the user's scope) and an enforcement department."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Q

from anjian.core.lookups import Lookup, register
from anjian.enforcement.models import (
    Campaign,
    CampaignStatus,
    CampaignTask,
    DrawPick,
    InspectableMatter,
    Inspector,
)


def campaigns_working_on(user: Any, qs: Any, action: str | None) -> Any:
    """Campaigns a user may inspect for: those the user sees, and those that gave one of the
    user's departments a task (a sector regulator inspects for a campaign the committee leads)."""
    tasked = CampaignTask.objects.restrict(user, action or "enforcement.view").values("campaign_id")
    return qs.filter(Q(pk__in=qs.restrict(user, action or "enforcement.view").values("pk")) | Q(pk__in=tasked))

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
register(Lookup(
    key="enforcement.draw_picks", model=DrawPick, action="enforcement.view", search=("enterprise__name",),
    order=("-draw_id", "order"), select_related=("enterprise", "draw__matter"),
    label=lambda p: f"{p.draw.matter} · {p.order}. {p.enterprise.name}",
))
register(Lookup(
    key="enforcement.campaigns", model=Campaign, action="enforcement.view", search=("title",),
    order=("-starts_on", "-id"), base=lambda qs: qs.filter(status=CampaignStatus.ACTIVE), label=lambda c: c.title,
    scope=campaigns_working_on,
))
