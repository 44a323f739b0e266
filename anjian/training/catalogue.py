"""The course catalogue and the trainer registry serve downward: a course or trainer a government
office registers (no enterprise) is offered to everyone below it — the city's catalogue to its
districts, streets and the enterprises there — besides what the user's own scope reaches. An
enterprise's own courses and trainers stay its own (and its supervisors')."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from anjian.core.scoping import grants_of
from anjian.enterprises.models import Enterprise


def _codes(path: str | None) -> set[str]:
    return {c for c in (path or "").strip("/").split("/") if c}


def places_above(user: Any, action: str = "training.view") -> set[str]:
    """The codes of the jurisdictions at and above every place where ``user`` holds ``action``."""
    codes: set[str] = set()
    enterprise_ids = []
    for g in grants_of(user):
        if not g.allows(action):
            continue
        codes |= _codes(g.jurisdiction_path) | _codes(g.department_path)
        if g.enterprise_id:
            enterprise_ids.append(g.enterprise_id)
    for path in Enterprise.objects.filter(pk__in=enterprise_ids).values_list("jurisdiction__path", flat=True):
        codes |= _codes(path)
    return codes


def visible(model: Any, user: Any, action: str = "training.view") -> QuerySet[Any]:
    """``model`` (Course or Trainer) rows the user reads: their scope, and the government entries
    of the jurisdictions above them."""
    if user is None:
        return model.objects.all()
    mine = model.objects.restrict(user, action).values("pk")
    above = places_above(user, action)
    if not above:
        return model.objects.filter(pk__in=mine)
    return model.objects.filter(Q(pk__in=mine) | Q(enterprise__isnull=True, jurisdiction__code__in=above))
