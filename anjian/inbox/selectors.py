from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from anjian.core.scoping import grants_of
from anjian.inbox.models import DueItem, DueState, Notification


def _mine_q(user: Any) -> Q:
    """What the user's own units must do: items owned by the jurisdiction or department a grant
    binds them to (both owners of a dual-routed item see it), their enterprise's items, items
    escalated to them, and items assigned to them in person. An item an enterprise must act on is
    the enterprise's alone until it escalates; the territory and the regulator see it in their
    scope (``bucket="scope"``), not as their own to-do."""
    grants = grants_of(user) if not user.is_superuser else []
    jur = [g.jurisdiction_id for g in grants if g.jurisdiction_id and not g.department_id]
    dept = [g.department_id for g in grants if g.department_id]
    ent = [g.enterprise_id for g in grants if g.enterprise_id]
    q = Q(assignee=user)
    if jur:
        q |= Q(owner_jurisdiction_id__in=jur, owner_enterprise__isnull=True, assignee__isnull=True)
        q |= Q(escalated_to_id__in=jur)
    if dept:
        q |= Q(owner_department_id__in=dept, owner_enterprise__isnull=True, assignee__isnull=True)
        q |= Q(escalated_department_id__in=dept)
    if ent:
        q |= Q(owner_enterprise_id__in=ent)
    return q


def due_item_list(*, user: Any, bucket: str = "mine", when: str = "") -> QuerySet[DueItem]:
    """Open items for the user. ``bucket``: ``mine`` (my units and me) or ``scope`` (everything
    in my scope); ``when``: ``overdue``, ``soon`` (within 3 days), ``escalated`` or all."""
    qs = DueItem.objects.restrict(user, "inbox.view").filter(state=DueState.OPEN)
    if bucket == "mine" and not user.is_superuser:
        qs = qs.filter(_mine_q(user))
    now = timezone.now()
    if when == "overdue":
        qs = qs.filter(due_at__lt=now)
    elif when == "soon":
        qs = qs.filter(due_at__gte=now, due_at__lt=now + dt.timedelta(days=3))
    elif when == "escalated":
        qs = qs.filter(escalation_level__gt=0)
    return qs.select_related("owner_jurisdiction", "owner_department", "owner_enterprise", "escalated_to").order_by(
        "due_at", "id"
    )


def due_counts(*, user: Any) -> dict[str, int]:
    """The home page's three figures for "mine", in one query."""
    now = timezone.now()
    return due_item_list(user=user).order_by().aggregate(
        total=Count("id"),
        overdue=Count("id", filter=Q(due_at__lt=now)),
        escalated=Count("id", filter=Q(escalation_level__gt=0)),
    )


def unread_notifications(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True)
