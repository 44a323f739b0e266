"""Two-axis scoping: territory (属地) × sector (行业), plus own-enterprise and own-rows scopes.

A user holds *memberships*; each binds a role (a set of actions) to a scope:

* a jurisdiction → the rows in that subtree (the root jurisdiction → the whole city);
* a department → the rows in the department's sectors, within the department's jurisdiction
  (or the membership's jurisdiction when both are set), plus rows routed to the department;
* an enterprise → that enterprise's rows (custody providers hold one per contract, dated);
* none of these → only rows the user created (hotline operators).

Each scoped model declares which of its fields carry each axis with a ``ScopeSpec`` in its
``SCOPE`` attribute and uses ``RestrictedQuerySet``. ``restrict(user, action)`` ORs the scopes of
every membership whose role grants the action. Anything outside is simply absent: views and the
API turn that into a 404, never a 403 that would tell an outsider the object exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from anjian.core import authcache

if TYPE_CHECKING:
    from anjian.accounts.models import User

ALL = "*"


@dataclass(frozen=True)
class ScopeSpec:
    """Which field of a model carries each scoping axis (``None``: the model lacks that axis).

    ``territory`` is a foreign key to ``orgs.Jurisdiction`` (``"__self__"`` on Jurisdiction
    itself), ``sector`` a foreign key to ``orgs.Sector``, ``department`` one to
    ``orgs.Department`` (the designated handler), ``enterprise`` one to
    ``enterprises.Enterprise`` (``"pk"`` on Enterprise itself), ``creator`` one to the user.
    """

    territory: str | None = None
    sector: str | None = None
    department: str | None = None
    enterprise: str | None = None
    creator: str | None = None


@dataclass(frozen=True)
class Grant:
    """One membership, flattened for fast scope checks."""

    actions: frozenset[str]
    jurisdiction_id: int | None
    jurisdiction_path: str | None
    department_id: int | None
    department_path: str | None  # the department's own jurisdiction path
    sector_ids: frozenset[int]
    enterprise_id: int | None
    user_id: int

    def allows(self, action: str) -> bool:
        if ALL in self.actions or action in self.actions:
            return True
        app = action.split(".", 1)[0]
        return f"{app}.*" in self.actions

    @property
    def territory_path(self) -> str | None:
        return self.jurisdiction_path or self.department_path

    @property
    def is_citywide(self) -> bool:
        path = self.territory_path
        return path is not None and path.count("/") <= 2  # "/<root>/" is the root


# orgs.DepartmentKind.COMMITTEE_OFFICE and STREET_OFFICE (安委办, 街道办): their members reach their
# whole territory (checked against the enum in tests/test_architecture.py).
TERRITORIAL_DEPARTMENT_KINDS = frozenset({"committee", "street"})


def grants_of(user: User) -> list[Grant]:
    """The user's grants (one per active membership), cached on the user object."""
    return _grants(user)


def _grants(user: User) -> list[Grant]:
    cached: list[Grant] | None = getattr(user, "_anjian_grants", None)
    if cached is not None:
        return cached
    # The models by name: core imports no app (docs/architecture.md, "Layers as a contract").
    Membership, Sector = apps.get_model("accounts", "Membership"), apps.get_model("orgs", "Sector")
    territorial_kinds = TERRITORIAL_DEPARTMENT_KINDS
    today = timezone.localdate()
    now = timezone.now()
    memberships = (
        Membership.objects.filter(user=user, is_active=True)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=now))
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .select_related("role", "jurisdiction", "department__jurisdiction")
        .prefetch_related("department__sectors")
    )
    grants: list[Grant] = []
    for m in memberships:
        if m.department_id and m.department.kind in territorial_kinds:
            # A safety committee office or a street office coordinates its whole territory
            # (属地管理): its members reach the jurisdiction subtree, not a set of sectors.
            place = m.jurisdiction or m.department.jurisdiction
            grants.append(
                Grant(
                    actions=frozenset(m.role.actions),
                    jurisdiction_id=place.pk,
                    jurisdiction_path=place.path,
                    department_id=None,
                    department_path=None,
                    sector_ids=frozenset(),
                    enterprise_id=None,
                    user_id=user.pk,
                )
            )
            continue
        sector_ids: frozenset[int] = frozenset()
        if m.department_id:
            sector_ids = frozenset(Sector.ids_within(m.department.sectors.all()))
        grants.append(
            Grant(
                actions=frozenset(m.role.actions),
                jurisdiction_id=m.jurisdiction_id,
                jurisdiction_path=m.jurisdiction.path if m.jurisdiction_id else None,
                department_id=m.department_id,
                department_path=m.department.jurisdiction.path if m.department_id else None,
                sector_ids=sector_ids,
                enterprise_id=m.enterprise_id,
                user_id=user.pk,
            )
        )
    user._anjian_grants = grants  # type: ignore[attr-defined]
    return grants


def forget_grants(user: Any) -> None:
    """Drop the cached grants (after memberships change), here and in the API token cache."""
    authcache.forget_user(getattr(user, "pk", None))
    if hasattr(user, "_anjian_grants"):
        del user._anjian_grants


def _full(action: str, model: type[models.Model]) -> str:
    return action if "." in action else f"{model._meta.app_label}.{action}"


def _territory_q(field: str, path: str) -> Q:
    Jurisdiction = apps.get_model("orgs", "Jurisdiction")
    if field == "__self__":
        return Q(path__startswith=path)
    return Q(**{f"{field}_id__in": Jurisdiction.objects.filter(path__startswith=path).values("id")})


def _grant_q(grant: Grant, spec: ScopeSpec) -> Q | bool | None:
    """The rows one grant reaches: a ``Q``, ``None`` for everything, ``False`` for nothing.

    A model with a ``creator`` axis always lets the holder reach the rows they created (or are
    assigned to), whatever the unit of the grant: a district officer sees the jobs they started.
    """
    q = _unit_q(grant, spec)
    if spec.creator is None or q is None:
        return q
    own = Q(**{f"{spec.creator}_id": grant.user_id})
    if isinstance(q, Q):
        return q | own
    return own


def _unit_q(grant: Grant, spec: ScopeSpec) -> Q | bool | None:
    if grant.enterprise_id is not None:
        if spec.enterprise is None:
            return False
        return Q(**{"pk" if spec.enterprise == "pk" else f"{spec.enterprise}_id": grant.enterprise_id})
    if grant.department_id is not None:
        parts: list[Q] = []
        if spec.sector is not None:
            q = Q(**{f"{spec.sector}_id__in": sorted(grant.sector_ids)})
            if spec.territory is not None and not grant.is_citywide and grant.territory_path:
                q &= _territory_q(spec.territory, grant.territory_path)
            parts.append(q)
        if spec.department is not None:
            # Rows routed (or dispatched) to the department. A membership that also names a
            # jurisdiction limits the member to that territory for these rows too: a city
            # bureau's officer posted to one district does not reach what was routed to the
            # bureau in other districts. Without one, routing named the department as the
            # handler, so it reaches those rows wherever they are (docs/mechanisms/scoping.md).
            routed = Q(**{f"{spec.department}_id": grant.department_id})
            if spec.territory is not None and grant.jurisdiction_path and not grant.is_citywide:
                routed &= _territory_q(spec.territory, grant.jurisdiction_path)
            parts.append(routed)
        if not parts:
            # A model without a sector axis (e.g. jurisdictions): the department's territory.
            if spec.territory is None or not grant.territory_path:
                return False
            return None if grant.is_citywide else _territory_q(spec.territory, grant.territory_path)
        combined = parts[0]
        for part in parts[1:]:
            combined |= part
        return combined
    if grant.jurisdiction_id is not None:
        if spec.territory is None or grant.jurisdiction_path is None:
            return False
        return None if grant.is_citywide else _territory_q(spec.territory, grant.jurisdiction_path)
    return False  # a grant bound to no unit: only the own rows added by ``_grant_q``


def scope_q(user: Any, action: str, model: type[models.Model]) -> Q | bool | None:
    """The filter for ``user`` doing ``action`` on ``model``: ``None`` all, ``False`` nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return None
    spec: ScopeSpec = model.SCOPE  # type: ignore[attr-defined]
    action = _full(action, model)
    result: Q | None = None
    found = False
    for grant in _grants(user):
        if not grant.allows(action):
            continue
        q = _grant_q(grant, spec)
        if q is None:
            return None
        if q is False:
            continue
        assert isinstance(q, Q)
        result = q if result is None else result | q
        found = True
    return result if found else False


class RestrictedQuerySet(models.QuerySet):  # type: ignore[type-arg]
    """A queryset that knows how to cut itself down to a user's scope."""

    def restrict(self, user: Any, action: str = "view") -> RestrictedQuerySet:
        q = scope_q(user, action, self.model)
        if q is None:
            return self
        if q is False:
            return self.none()
        assert isinstance(q, Q)
        return self.filter(q)


class ScopedModel(models.Model):
    """Abstract base for models with a ``SCOPE``; gives ``objects`` its ``restrict``."""

    SCOPE: ClassVar[ScopeSpec] = ScopeSpec()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True


def has_action(user: Any, action: str) -> bool:
    """Whether any membership of the user grants the action (menus, create buttons)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(grant.allows(action) for grant in _grants(user))


def has_action_over_territory(user: Any, action: str) -> bool:
    """Whether the user holds the action through a jurisdiction or department grant (government
    work), not only over its own enterprise (enterprise users, custody providers) or own rows."""
    if not has_action(user, action):
        return False
    if user.is_superuser:
        return True
    return any(g.allows(action) and (g.jurisdiction_id or g.department_id) for g in _grants(user))


def can(user: Any, action: str, obj: models.Model) -> bool:
    """Whether the user may take ``action`` on this object (one indexed query, none when the user's
    grants for the action reach everything or nothing)."""
    q = scope_q(user, action, type(obj))
    if q is None:
        return obj.pk is not None
    if q is False:
        return False
    return bool(type(obj)._default_manager.filter(q, pk=obj.pk).exists())


@dataclass(frozen=True)
class RowScope:
    """A row's values on the scoping axes, for ``row_allowed``: ``path`` is the path of the row's
    territory (its jurisdiction's, or its own on Jurisdiction); ``None`` where the row has none."""

    pk: Any
    path: str | None = None
    sector_id: int | None = None
    department_id: int | None = None
    enterprise_id: int | None = None
    creator_id: int | None = None


def _row_unit(grant: Grant, spec: ScopeSpec, row: RowScope) -> bool:
    """``_unit_q`` for one row in Python: the same cases in the same order."""

    def within(path: str) -> bool:
        return row.path is not None and row.path.startswith(path)

    if grant.enterprise_id is not None:
        if spec.enterprise is None:
            return False
        return (row.pk if spec.enterprise == "pk" else row.enterprise_id) == grant.enterprise_id
    if grant.department_id is not None:
        parts = False
        if spec.sector is not None:
            ok = row.sector_id is not None and row.sector_id in grant.sector_ids
            if ok and spec.territory is not None and not grant.is_citywide and grant.territory_path:
                ok = within(grant.territory_path)
            parts = parts or ok
        if spec.department is not None:
            routed = row.department_id is not None and row.department_id == grant.department_id
            if routed and spec.territory is not None and grant.jurisdiction_path and not grant.is_citywide:
                routed = within(grant.jurisdiction_path)
            parts = parts or routed
        if spec.sector is None and spec.department is None:
            if spec.territory is None or not grant.territory_path:
                return False
            return grant.is_citywide or within(grant.territory_path)
        return parts
    if grant.jurisdiction_id is not None:
        if spec.territory is None or grant.jurisdiction_path is None:
            return False
        return grant.is_citywide or within(grant.jurisdiction_path)
    return False


def row_allowed(user: Any, action: str, model: type[models.Model], row: RowScope) -> bool:
    """Whether ``restrict(user, action)`` on ``model`` would keep this row — decided in Python from
    the row's scoping values, without a query (the API detail reads its row with one fixed
    statement and checks it here). Mirrors ``scope_q`` case by case; ``tests/core/
    test_row_scope.py`` checks both agree for every persona and row of the demo city."""
    q = scope_q(user, action, model)
    if q is None:
        return row.pk is not None
    if q is False:
        return False
    spec: ScopeSpec = model.SCOPE  # type: ignore[attr-defined]
    action = _full(action, model)
    for grant in _grants(user):
        if not grant.allows(action):
            continue
        if _row_unit(grant, spec, row):
            return True
        if spec.creator is not None and row.creator_id is not None and row.creator_id == grant.user_id:
            return True
    return False


def loaded_row_scope(obj: models.Model) -> RowScope | None:
    """The scoping values of a model instance when all of them are on it already (direct foreign
    keys; the territory's row cached, e.g. by ``select_related``), else ``None``."""
    spec: ScopeSpec | None = getattr(type(obj), "SCOPE", None)
    if spec is None:
        return None
    names = [n for n in (spec.territory, spec.sector, spec.department, spec.enterprise, spec.creator) if n]
    if any("__" in n for n in names if n != "__self__"):
        return None  # an axis through another model: only the query knows
    path: str | None = None
    if spec.territory == "__self__":
        path = getattr(obj, "path", None)
    elif spec.territory is not None and getattr(obj, f"{spec.territory}_id") is not None:
        if not getattr(type(obj), spec.territory).is_cached(obj):
            return None
        path = getattr(obj, spec.territory).path

    def fk(name: str | None) -> Any:
        return getattr(obj, f"{name}_id") if name and name != "pk" else None

    return RowScope(pk=obj.pk, path=path, sector_id=fk(spec.sector), department_id=fk(spec.department),
                    enterprise_id=fk(spec.enterprise), creator_id=fk(spec.creator))


def can_shown(user: Any, action: str, obj: models.Model) -> bool:
    """``can`` for showing a button: decided in Python from the instance's loaded values when it
    carries all of them (no query per transition on a detail page), else by ``can``. Taking the
    step checks again with ``can`` on the locked row."""
    row = loaded_row_scope(obj)
    if row is None or obj.pk is None:
        return can(user, action, obj)
    return row_allowed(user, action, type(obj), row)


def scope_allows(
    user: Any,
    action: str,
    *,
    jurisdiction: Any = None,
    sector: Any = None,
    enterprise: Any = None,
) -> bool:
    """Whether the user may act on a *new* row placed at these coordinates (create checks)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    for grant in _grants(user):
        if not grant.allows(action):
            continue
        if grant.enterprise_id is not None:
            if enterprise is not None and enterprise.pk == grant.enterprise_id:
                return True
            continue
        path = grant.territory_path
        in_territory = grant.is_citywide or (
            jurisdiction is not None and path is not None and jurisdiction.path.startswith(path)
        )
        if grant.department_id is not None:
            if sector is not None and sector.pk in grant.sector_ids and in_territory:
                return True
            continue
        if grant.jurisdiction_id is not None:
            if in_territory:
                return True
            continue
        if grant.allows(action) and action in INTAKE_ACTIONS:
            # an intake grant (hotline operator, 12345 gateway: bound to no unit) files new
            # rows wherever they are and afterwards reaches only the rows it created
            return True
    return False


# Actions a grant bound to no unit may use to file a new row anywhere (see scope_allows).
INTAKE_ACTIONS = frozenset({"accidents.report", "public_reports.hotline"})


def get_in_scope(queryset: Any, user: Any, action: str = "view", **lookup: Any) -> Any:
    """``get_object_or_404`` over the user's scope: outside the scope is a 404."""
    try:
        return queryset.restrict(user, action).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def jurisdictions_of(user: Any) -> Iterable[int]:
    """The jurisdiction ids a user is directly bound to (for 'my' inbox items)."""
    return [g.jurisdiction_id for g in _grants(user) if g.jurisdiction_id is not None]


def enclosing_paths(user: Any, action: str) -> list[str]:
    """The jurisdiction paths that enclose the territory of any of ``user``'s grants allowing
    ``action`` (in full, e.g. ``"emergency.view"``): each grant's own territory and every
    jurisdiction above it (a district officer's district and the city). For rows addressed to a whole territory, which everybody working
    inside it reads (a weather warning received by the city concerns each district and street
    in it): ``Q(jurisdiction__path__in=enclosing_paths(user, action))``. An enterprise's or an
    intake grant has no territory and encloses nothing; an inactive user gets ``[]``."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    paths: set[str] = set()
    for grant in _grants(user):
        if grant.enterprise_id is not None or not grant.allows(action) or not grant.territory_path:
            continue
        codes = [c for c in grant.territory_path.strip("/").split("/") if c]
        paths.update("/" + "/".join(codes[:i]) + "/" for i in range(1, len(codes) + 1))
    return sorted(paths)
