"""Reads of checklists.

Checklists are published standards: anyone holding ``checklists.view`` sees every template and
its published and retired versions. Drafts are visible only to those who may manage the
template (``checklists.manage`` on its owner jurisdiction and sector); a draft of someone else's
template is absent (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from anjian.checklists.models import (
    ChecklistItem,
    ChecklistKind,
    ChecklistTemplate,
    ChecklistVersion,
    VersionStatus,
)
from anjian.core.scoping import has_action

MANAGE = "checklists.manage"


def template_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[ChecklistTemplate]:
    if has_action(user, "checklists.view"):
        qs = ChecklistTemplate.objects.all()
    else:
        qs = ChecklistTemplate.objects.restrict(user, MANAGE)
    f = filters or {}
    if sector := f.get("sector"):
        qs = qs.filter(sector=sector)
    if f.get("general"):
        qs = qs.filter(sector__isnull=True)
    if kind := f.get("kind"):
        qs = qs.filter(kind=kind)
    if q := (f.get("q") or "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q.upper()))
    return qs.select_related("sector", "owner")


def manageable(user: Any) -> QuerySet[ChecklistTemplate]:
    return ChecklistTemplate.objects.restrict(user, MANAGE)


def can_manage(user: Any, template: ChecklistTemplate) -> bool:
    return manageable(user).filter(pk=template.pk).exists()


def versions_visible(*, user: Any, template: ChecklistTemplate) -> QuerySet[ChecklistVersion]:
    qs = template.versions.all()
    if not can_manage(user, template):
        qs = qs.exclude(status=VersionStatus.DRAFT)
    return qs.order_by("-number")


def version_get(*, user: Any, pk: int) -> ChecklistVersion:
    """One version the user may see, else ``Http404``."""

    version = ChecklistVersion.objects.select_related("template", "template__sector", "template__owner").filter(
        pk=pk).first()
    if version is None or not template_list(user=user).filter(pk=version.template_id).exists():
        raise Http404
    if version.status == VersionStatus.DRAFT and not can_manage(user, version.template):
        raise Http404
    return version


def previous_version(version: ChecklistVersion) -> ChecklistVersion | None:
    return (ChecklistVersion.objects.filter(template_id=version.template_id, number__lt=version.number)
            .order_by("-number").first())


COMPARED = ("section", "subsection", "text", "legal_basis", "points", "scoring_method", "is_major_criterion",
            "standard_clause")


@dataclass
class Diff:
    added: list[ChecklistItem]
    removed: list[ChecklistItem]
    changed: list[tuple[ChecklistItem, ChecklistItem, list[str]]]  # (old, new, field names)
    unchanged: int

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def version_diff(old: ChecklistVersion | None, new: ChecklistVersion) -> Diff:
    """Items added, removed and changed (same code, any compared field different)."""
    before = {i.code: i for i in old.items.all()} if old is not None else {}
    after = {i.code: i for i in new.items.all()}
    changed = []
    unchanged = 0
    for code, item in after.items():
        if code in before:
            fields = [f for f in COMPARED if getattr(before[code], f) != getattr(item, f)]
            if fields:
                changed.append((before[code], item, fields))
            else:
                unchanged += 1
    return Diff(
        added=[i for c, i in after.items() if c not in before],
        removed=[i for c, i in before.items() if c not in after],
        changed=changed,
        unchanged=unchanged,
    )


def version_for_enterprise(enterprise: Any, kind: str = ChecklistKind.HAZARD_INSPECTION) -> ChecklistVersion | None:
    """The published version a patrol of this enterprise uses: the template of the most specific
    sector (division before section), else a general one; among those a template owned nearest
    to the enterprise's place before a city-wide one; then by code."""
    sector = getattr(enterprise, "sector", None)
    sector_ids: list[int] = []
    while sector is not None:
        sector_ids.append(sector.pk)
        sector = sector.parent
    place = getattr(enterprise, "jurisdiction", None)
    path = place.path if place is not None else ""
    candidates = (ChecklistVersion.objects.filter(status=VersionStatus.PUBLISHED, template__kind=kind)
                  .filter(Q(template__sector_id__in=sector_ids) | Q(template__sector__isnull=True))
                  .select_related("template", "template__owner"))

    def rank(v: ChecklistVersion) -> tuple[int, int, str]:
        t = v.template
        sector_rank = sector_ids.index(t.sector_id) if t.sector_id in sector_ids else len(sector_ids)
        owner_rank = -len(t.owner.path) if t.owner_id else 0
        return sector_rank, owner_rank, t.code

    usable = [v for v in candidates if v.template.owner_id is None or path.startswith(v.template.owner.path)]
    return min(usable, key=rank) if usable else None


def hazard_items(*, user: Any) -> QuerySet[ChecklistItem]:
    """Items a hazard may name: those of published hazard-inspection versions."""
    if not has_action(user, "checklists.view") and not has_action(user, "hazards.report"):
        return ChecklistItem.objects.none()
    return (ChecklistItem.objects.filter(version__status=VersionStatus.PUBLISHED,
                                         version__template__kind=ChecklistKind.HAZARD_INSPECTION)
            .select_related("version", "version__template").order_by("version__template__code", "order"))
