"""Opening, closing, reminding and escalating due items. Apps call ``due_open``/``due_close``
from their services (inside their transaction); the periodic jobs call the rest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from anjian.accounts.models import Membership
from anjian.audit.services import Msg, record_event
from anjian.inbox import registry
from anjian.inbox.models import DueItem, DueState, Notification
from anjian.orgs.models import DepartmentKind, JurisdictionLevel


def _ct(obj: models.Model) -> ContentType:
    return ContentType.objects.get_for_model(obj, for_concrete_model=False)


def unit_at(jurisdiction: Any, level: int) -> Any:
    """The jurisdiction itself, or its ancestor at ``level`` when it lies below that level (a grid
    → its street); the nearest existing ancestor above when the tree skips that level."""
    if jurisdiction is None or jurisdiction.level <= level:
        return jurisdiction
    above = [a for a in jurisdiction.ancestors() if a.level <= level]
    return above[-1] if above else jurisdiction


def _acting_units(spec: registry.DueKind, jurisdiction: Any, department: Any, enterprise: Any) -> tuple[Any, Any]:
    """Who must act, as units that have offices: a safety committee office or a street office is
    its territory (属地, as in scoping); an item without an enterprise owner lands at the kind's
    ``unit_level`` (a hazard found in a grid is the street office's to verify)."""

    if department is not None and department.kind in (DepartmentKind.COMMITTEE_OFFICE, DepartmentKind.STREET_OFFICE):
        jurisdiction, department = department.jurisdiction, None
    if enterprise is None and spec.unit_level is not None:
        jurisdiction = unit_at(jurisdiction, spec.unit_level)
    return jurisdiction, department


def due_open(
    obj: models.Model,
    kind: str,
    *,
    title: str,
    due_at: dt.datetime,
    url: str = "",
    owner_jurisdiction: Any = None,
    owner_department: Any = None,
    owner_enterprise: Any = None,
    sector: Any = None,
    assignee: Any = None,
) -> DueItem:
    """Open (or re-open with a new deadline) the ``kind`` item of ``obj``."""
    if timezone.is_naive(due_at):
        raise ValueError("due_at must be timezone-aware")
    spec = registry.get(kind)
    owner_jurisdiction, owner_department = _acting_units(spec, owner_jurisdiction, owner_department, owner_enterprise)
    item, _created = DueItem.objects.update_or_create(
        content_type=_ct(obj),
        object_id=str(obj.pk),
        kind=kind,
        defaults={
            "title": title[:300],
            "url": url,
            "state": DueState.OPEN,
            "due_at": due_at,
            "remind_at": due_at - spec.remind_before,
            "reminded_at": None,
            "owner_jurisdiction": owner_jurisdiction,
            "owner_department": owner_department,
            "owner_enterprise": owner_enterprise,
            "sector": sector,
            "assignee": assignee,
            "escalation_level": 0,
            "escalate_at": spec.escalate_at(due_at, 1),
            "escalated_to": None,
            "escalated_department": None,
            "closed_at": None,
        },
    )
    return item


def due_close(obj: models.Model, kind: str | None = None, *, state: str = DueState.DONE) -> int:
    """Close the open item(s) of ``obj`` (of one kind, or all). Returns how many closed."""
    qs = DueItem.objects.filter(content_type=_ct(obj), object_id=str(obj.pk), state=DueState.OPEN)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs.update(state=state, closed_at=timezone.now())


def due_follow(obj: models.Model, *, old_unit: Any, new_unit: Any, assignee: Any = ...) -> int:
    """Move the open to-dos of ``obj`` that sit with ``old_unit`` or one of its ancestors to the
    matching unit of ``new_unit`` (a street's to-do goes to the new street's inbox, a district's
    stays when both lie in the same district). ``assignee`` (when given) replaces the person.
    Returns how many moved. Called by the services that move a record (行政区划调整)."""
    items = list(DueItem.objects.filter(content_type=_ct(obj), object_id=str(obj.pk), state=DueState.OPEN)
                 .select_related("owner_jurisdiction"))
    moved = 0
    old_path = old_unit.path if old_unit is not None else ""
    for item in items:
        owner = item.owner_jurisdiction
        changes: dict[str, Any] = {}
        if owner is not None and old_path.startswith(owner.path):
            target = unit_at(new_unit, owner.level)
            if target is not None and target.pk != owner.pk:
                changes["owner_jurisdiction"] = target
        if assignee is not ... and item.assignee_id != getattr(assignee, "pk", None):
            changes["assignee"] = assignee
        if changes:
            DueItem.objects.filter(pk=item.pk).update(**changes)
            moved += 1
    return moved


def due_move_unit(*, old_unit: Any, new_unit: Any) -> int:
    """Every open to-do owned by ``old_unit`` (a unit retired by a merger) goes to ``new_unit``'s inbox."""
    return DueItem.objects.filter(owner_jurisdiction=old_unit, state=DueState.OPEN).update(owner_jurisdiction=new_unit)


def _users_bound_to(*, jurisdiction: Any = None, department: Any = None, enterprise: Any = None) -> list[Any]:
    q = Q()
    if jurisdiction is not None:
        q |= Q(jurisdiction=jurisdiction, department__isnull=True)
    if department is not None:
        q |= Q(department=department)
    if enterprise is not None:
        q |= Q(enterprise=enterprise)
    if not q:
        return []
    memberships = Membership.objects.filter(q, is_active=True, user__is_active=True).select_related("user", "role")
    seen: dict[int, Any] = {}
    for m in memberships:
        actions = set(m.role.actions)
        if {"*", "inbox.view", "inbox.*"} & actions:
            seen.setdefault(m.user_id, m.user)
    return list(seen.values())


def _notify(users: list[Any], title: str, url: str) -> None:
    Notification.objects.bulk_create([Notification(user=u, title=title[:300], url=url) for u in users])


def remind_due(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Send one reminder per item whose reminder time has come. Idempotent."""
    now = now or timezone.now()
    sent = 0
    while True:
        with transaction.atomic():
            ids = list(
                DueItem.objects.filter(state=DueState.OPEN, remind_at__lte=now, reminded_at__isnull=True)
                .order_by("remind_at")
                .values_list("id", flat=True)[:batch]
            )
            if not ids:
                return sent
            for item in DueItem.objects.filter(id__in=ids).select_related(
                "assignee", "owner_jurisdiction", "owner_department", "owner_enterprise"
            ):
                # Claim with a conditional update so two workers never remind twice.
                if not DueItem.objects.filter(pk=item.pk, reminded_at__isnull=True).update(reminded_at=now):
                    continue
                users = [item.assignee] if item.assignee else _users_bound_to(
                    jurisdiction=item.owner_jurisdiction,
                    department=item.owner_department,
                    enterprise=item.owner_enterprise,
                )
                _notify(users, f"即将到期：{item.title}（{timezone.localtime(item.due_at):%Y-%m-%d %H:%M}）", item.url)
                sent += 1


def _escalation_target(current: Any, steps: int) -> Any:
    """``steps`` offices up from ``current``: each step goes to the parent, and a parent below the
    street level (a community or grid has no office) is passed over to its street. ``None`` when
    the tree ends first."""

    if current is None:
        return None
    chain = [*current.ancestors(), current]  # root … current
    target = current
    for _ in range(steps):
        higher = [a for a in chain if a.depth < target.depth]
        if not higher:
            return None
        offices = [a for a in higher if a.level <= JurisdictionLevel.STREET]
        target = offices[-1] if offices else higher[-1]
    return target


def escalate_overdue(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Move each overdue item up the jurisdiction tree (and copy the sector department), on the
    kind's schedule, up to its maximum level. A worker that was down (or the demo starting after
    a pause) takes every step whose time has passed as **one** escalation: one jump to the highest
    level due, one timeline event and one notification per user — never one per missed step.
    Claimed with a conditional update, so concurrent or repeated runs escalate once."""
    now = now or timezone.now()
    done = 0
    while True:
        with transaction.atomic():
            items = list(
                DueItem.objects.filter(state=DueState.OPEN, escalate_at__lte=now, due_at__lt=now)
                .select_related("owner_jurisdiction", "escalated_to", "owner_department")
                .order_by("escalate_at")[:batch]
            )
            if not items:
                return done
            for item in items:
                spec = registry.KINDS.get(item.kind) or registry.DueKind(code=item.kind, label=item.kind)
                level = item.escalation_level + 1
                if spec.schedule:  # catch up: the last step whose time has come
                    while level < spec.levels and (nxt := spec.escalate_at(item.due_at, level + 1, now)) and nxt <= now:
                        level += 1
                current = item.escalated_to or item.owner_jurisdiction
                target = _escalation_target(current, level - item.escalation_level)
                while target is None and level > item.escalation_level + 1:  # the tree is shorter
                    level -= 1
                    target = _escalation_target(current, level - item.escalation_level)
                if item.escalation_level >= spec.levels or target is None:
                    DueItem.objects.filter(pk=item.pk).update(escalate_at=None)
                    continue
                claimed = DueItem.objects.filter(
                    pk=item.pk, escalation_level=item.escalation_level, state=DueState.OPEN
                ).update(
                    escalation_level=level,
                    escalated_to=target,
                    escalated_department=item.owner_department,
                    escalate_at=spec.escalate_at(item.due_at, level + 1, now),
                )
                if not claimed:
                    continue
                if item.target is not None:
                    record_event(
                        item.target,
                        "escalated",
                        actor=None,
                        summary=Msg(gettext_noop("逾期升级至{to}（第{level}级）：{title}"), to=target.name, level=level,
                                    title=item.title),
                        data={"kind": item.kind, "level": level, "to": target.code},
                    )
                _notify(
                    _users_bound_to(jurisdiction=target, department=item.owner_department),
                    f"逾期升级：{item.title}",
                    item.url,
                )
                done += 1
