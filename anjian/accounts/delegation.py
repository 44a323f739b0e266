"""Delegated administration: who may manage which users and hand out which grants.

An administrator's reach is the territory of their ``accounts.manage`` grants (a jurisdiction
subtree; a department- or enterprise-bound grant manages nobody). Within it they may

* create users and manage (edit, reset, deactivate, reactivate) every user all of whose active
  grants lie inside their reach — a user with no active grant is anyone's to manage, but a
  superuser only a superuser's;
* grant a role in a scope inside their reach, and only a role whose every action they hold
  themselves there (``x.*`` only if they hold ``x.*``, ``*`` only if they hold ``*``).

Everything else is privilege escalation: refused, and the refusal audited on the target user.
"""

from __future__ import annotations

from typing import Any

from anjian.accounts.models import Membership, Role, User
from anjian.core.scoping import grants_of

MANAGE = "accounts.manage"


def _reach(actor: Any) -> list[str] | None:
    """The territory paths the actor manages; ``None`` for a superuser (everything)."""
    if actor.is_superuser:
        return None
    return [
        g.jurisdiction_path for g in grants_of(actor)
        if g.allows(MANAGE) and g.jurisdiction_path and g.enterprise_id is None and g.department_id is None
    ]


def scope_path(*, jurisdiction: Any = None, department: Any = None, enterprise: Any = None) -> str | None:
    """The territory a grant would cover, as a materialised path (``None``: no place, i.e. a
    grant over only the rows the user creates — e.g. a hotline operator)."""
    if jurisdiction is not None:
        return str(jurisdiction.path)
    if department is not None:
        return str(department.jurisdiction.path)
    if enterprise is not None:
        return str(enterprise.jurisdiction.path)
    return None


def reaches(actor: Any, path: str | None) -> bool:
    reach = _reach(actor)
    if reach is None:
        return True
    if path is None:  # a place-less grant: only a city-wide administrator hands it out
        return any(p.count("/") <= 2 for p in reach)
    return any(path.startswith(p) for p in reach)


def _held_at(actor: Any, path: str | None) -> set[str]:
    """The actions the actor holds through grants whose territory covers ``path``."""
    held: set[str] = set()
    for g in grants_of(actor):
        territory = g.territory_path
        if territory is None or g.enterprise_id is not None:
            continue
        if path is None and territory.count("/") > 2:
            continue
        if path is not None and not path.startswith(territory):
            continue
        held |= set(g.actions)
    return held


def missing_actions(actor: Any, role: Role, path: str | None) -> list[str]:
    """The role's actions the actor does not hold over ``path`` (empty: the grant is allowed)."""
    if actor.is_superuser:
        return []
    held = _held_at(actor, path)
    if "*" in held:
        return []
    missing = []
    for action in role.actions:
        if action == "*":
            missing.append(action)
        elif action.endswith(".*"):
            if action not in held:
                missing.append(action)
        elif action not in held and f"{action.split('.', 1)[0]}.*" not in held:
            missing.append(action)
    return missing


def can_manage_user(actor: Any, user: User) -> bool:
    if actor.is_superuser:
        return True
    if user.is_superuser or not _reach(actor):
        return False
    memberships = Membership.objects.filter(user=user, is_active=True).select_related(
        "jurisdiction", "department__jurisdiction", "enterprise__jurisdiction"
    )
    return all(
        reaches(actor, scope_path(jurisdiction=m.jurisdiction, department=m.department, enterprise=m.enterprise))
        for m in memberships
    )
