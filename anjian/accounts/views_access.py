"""Who can see or do what here: for one jurisdiction or department, the people whose grants reach
it — grants on the unit itself and on the units above it (a territory grant covers its whole
subtree), and for a place also the departments working there — with each role's actions as
labelled groups. Only the grants the viewer may see (``accounts.view``) are listed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext

from anjian.accounts.actions import ACTIONS, action_labels
from anjian.accounts.models import Membership, Role
from anjian.core.scoping import get_in_scope
from anjian.core.views import require_action
from anjian.orgs.models import Department, Jurisdiction


def _above(path: str) -> list[str]:
    """The unit's own code and those of the units above it, from its materialised path."""
    return [c for c in path.strip("/").split("/") if c]


def role_groups(role: Role) -> list[tuple[str, list[str]]]:
    """A role's actions as (group label, [action labels]) — ``*`` is every action."""
    if "*" in role.actions:
        return [("", action_labels(["*"]))]
    groups: dict[str, list[str]] = {}
    for code in sorted(role.actions):
        app = code.split(".", 1)[0]
        group = next((str(a.group) for c, a in ACTIONS.items() if c.split(".", 1)[0] == app), app)
        groups.setdefault(group, []).extend([gettext("全部操作")] if code.endswith(".*") else action_labels([code]))
    return sorted(groups.items())


def _current(qs: Any, today: dt.date) -> Any:
    return (qs.filter(is_active=True, user__is_active=True)
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today)))


def _by_role(memberships: Any) -> list[dict[str, Any]]:
    roles: dict[int, dict[str, Any]] = {}
    for m in memberships.select_related("role", "user", "jurisdiction", "department", "department__jurisdiction"):
        entry = roles.setdefault(m.role_id, {"role": m.role, "groups": role_groups(m.role), "grants": []})
        entry["grants"].append(m)
    return sorted(roles.values(), key=lambda e: e["role"].pk)


def _render(request: HttpRequest, unit: Any, kind: str, memberships: Any) -> HttpResponse:
    visible = Membership.objects.restrict(request.user, "accounts.view").values("pk")
    rows = _by_role(_current(memberships.filter(pk__in=visible), timezone.localdate()).order_by("user__username"))
    return render(request, "accounts/access.html", {"unit": unit, "kind": kind, "rows": rows})


@require_action("accounts.view")
def jurisdiction_access_view(request: HttpRequest, pk: int) -> HttpResponse:
    place = get_in_scope(Jurisdiction.objects, request.user, "orgs.view", pk=pk)
    codes = _above(place.path)
    reach = Q(jurisdiction__code__in=codes) | Q(department__jurisdiction__code__in=codes)
    return _render(request, place, "jurisdiction", Membership.objects.filter(reach))


@require_action("accounts.view")
def department_access_view(request: HttpRequest, pk: int) -> HttpResponse:
    dept = get_in_scope(Department.objects.select_related("jurisdiction"), request.user, "orgs.view", pk=pk)
    reach = Q(department=dept) | Q(jurisdiction__code__in=_above(dept.jurisdiction.path))
    return _render(request, dept, "department", Membership.objects.filter(reach))
