"""Scoped look-ups: how a form field or an API payload chooses a row among many.

A *lookup* names a model, the action whose scope bounds the choice and how to search, sort and
group the rows. Every form field that chooses a model (``ScopedModelChoiceField`` in
``core/forms.py``), every API payload id (``Ref`` + ``resolve_refs`` here) and the
search-as-you-type endpoint (``/lookup/<key>/``) go through the same lookup, so what a user can
pick, find and submit is one set: ``Model.objects.restrict(user, action)``. An id outside it, or
unknown, is refused with a message naming the field, and nothing changes.

Apps declare their lookups in ``<app>/lookups.py`` with ``register(Lookup(...))``; the modules are
imported on first use (``lookup(key)``).

Search stays fast on large tables: each keystroke is one query per searched column, a *prefix*
match on an indexed column (``LIKE 'q%'`` on a ``varchar_pattern_ops`` index in PostgreSQL),
ordered by that column and cut at ``LIMIT`` rows, inside the user's scope. No ``%q%`` scan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db import connections, models
from django.db.models.functions import Collate
from django.utils import translation

from anjian.core.errors import DomainError

LIMIT = 20
"""At most this many suggestions per keystroke."""


def prefix_match(qs: Any, column: str, term: str) -> Any:
    """Rows whose ``column`` starts with ``term``, in ``column`` order.

    On PostgreSQL both the match and the order use the column under the "C" collation, so that
    one B-tree index on ``(column COLLATE "C")`` answers the prefix range *and* the order and the
    scan stops after ``LIMIT`` rows (a linguistic collation would make the database read every
    match and sort them: 900,000 rows for "深圳市"). The indexes are created by the apps'
    migrations (``enterprises`` 0xxx ``ent_name_c``/``ent_credit_c``). Elsewhere (SQLite) a
    plain ``LIKE 'q%'`` on the column."""

    if connections[qs.db].vendor == "postgresql":
        key = f"_{column}_c"
        return qs.annotate(**{key: Collate(column, "C")}).filter(**{f"{key}__startswith": term}).order_by(key)
    return qs.filter(**{f"{column}__startswith": term}).order_by(column)


class ChoiceOutOfScope(DomainError):
    """A chosen row that does not exist for this user (unknown or outside the scope)."""

    status = 404


@dataclass(frozen=True)
class Lookup:
    """How users choose a row of ``model``.

    * ``action`` bounds the choice: ``Model.objects.restrict(user, action)``. ``None`` marks
      public reference data (GB/T 4754 sectors, reject reasons) open to every signed-in user.
    * ``scope``: a custom ``(user, queryset, action) -> queryset`` instead of ``restrict`` (departments
      that serve the user's territory), still built on ``restrict``.
    * ``base``: a fixed filter (only active rows, only regulators…).
    * ``search``: columns matched by prefix, in order; ``code_field``: the natural code a user may
      type instead of choosing (credit code, 行政区划代码); ``order``: sort inside a group;
      ``group``: the heading a row is shown under; ``detail``: a second line.
    """

    key: str
    model: type[models.Model]
    action: str | None
    search: tuple[str, ...] = ("name",)
    code_field: str | None = None
    order: tuple[str, ...] = ("name",)
    base: Callable[[Any], Any] | None = None
    scope: Callable[[Any, Any, str | None], Any] | None = None
    group: Callable[[Any], str] | None = None
    group_order: Callable[[Any], Any] | None = None
    detail: Callable[[Any], str] | None = None
    label: Callable[[Any], str] = str
    select_related: tuple[str, ...] = field(default=())
    placeholder: str = ""
    upper_code: bool = False
    not_found_status: int | None = None
    """404 for scoped rows (outside the scope is absent and tells nothing); 400 for reference data
    (``action=None``), where an unknown code is simply a bad request. Set to override."""

    # --- the set of rows ---------------------------------------------------------------------

    def all(self) -> Any:
        qs = self.model._default_manager.all()
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        return self.base(qs) if self.base is not None else qs

    def queryset(self, user: Any) -> Any:
        """The rows ``user`` may choose: the scope of ``action`` (or the custom ``scope``)."""
        qs = self.all()
        if user is None or not getattr(user, "is_authenticated", False):
            return qs.none()
        if self.scope is not None:
            return self.scope(user, qs, self.action)
        if self.action is None:
            return qs
        return qs.restrict(user, self.action)

    # --- one value -----------------------------------------------------------------------------

    def find(self, user: Any, value: Any, *, by: str | None = None) -> Any:
        """The row ``value`` names within the user's choice, or ``None``.

        ``by="pk"`` or ``by=<code field>`` looks up exactly that column (API payloads, selects).
        An ``int`` is an id. Otherwise (a typed or chosen search value, see ``value_of``): the
        code, then the id, then the exact name, then a unique name prefix — so a plain text input
        works without JavaScript."""
        if value is None or value == "":
            return None
        if isinstance(value, self.model):
            value = value.pk
        if isinstance(value, int) and not isinstance(value, bool):
            by = by or "pk"
        qs = self.queryset(user)
        if isinstance(value, str):
            value = value.strip()
            if self.upper_code and by in (None, self.code_field):
                value = value.upper()
        if by is not None:
            try:
                return qs.filter(**{by: value}).first()
            except (ValueError, TypeError):
                return None
        text = str(value).strip()
        if not text:
            return None
        if self.code_field:
            row = qs.filter(**{self.code_field: text}).first()
            if row is not None:
                return row
        if text.isdigit() and len(text) <= 9:
            row = qs.filter(pk=int(text)).first()
            if row is not None:
                return row
        name = self.search[0] if self.search else None
        if name:
            rows = list(qs.filter(**{name: text})[:2])
            if len(rows) == 1:
                return rows[0]
            rows = list(qs.filter(**{f"{name}__startswith": text}).order_by(name)[:2])
            if len(rows) == 1:
                return rows[0]
        return None

    # --- search as you type --------------------------------------------------------------------

    def suggest(self, user: Any, q: str, *, limit: int = LIMIT) -> list[Any]:
        """At most ``limit`` rows whose searched columns start with ``q``: one indexed prefix
        query per column, each ordered by its column and cut at ``limit``."""
        q = (q or "").strip()
        qs = self.queryset(user)
        if not q:
            return list(qs.order_by(*self.order)[:limit])
        seen: dict[int, Any] = {}
        if q.isdigit() and len(q) <= 9:
            for row in qs.filter(pk=int(q))[:1]:
                seen[row.pk] = row
        for column in self.search:
            if len(seen) >= limit:
                break
            term = q.upper() if self.upper_code and column == self.code_field else q
            for row in prefix_match(qs, column, term)[: limit - len(seen)]:
                seen.setdefault(row.pk, row)
        return list(seen.values())

    def grouped(self, rows: Iterable[Any]) -> list[tuple[str, list[Any]]]:
        """Rows under their headings, headings and rows sorted."""
        rows = list(rows)
        if self.group is None:
            return [("", sorted(rows, key=self._sort_key))]
        groups: dict[str, list[Any]] = {}
        order: dict[str, Any] = {}
        for row in rows:
            label = self.group(row)
            groups.setdefault(label, []).append(row)
            order.setdefault(label, self.group_order(row) if self.group_order else label)
        return [(label, sorted(groups[label], key=self._sort_key)) for label in sorted(groups, key=lambda g: order[g])]

    def _sort_key(self, row: Any) -> tuple[Any, ...]:
        key = []
        for name in self.order:
            value: Any = row
            for part in name.lstrip("-").split("__"):
                value = getattr(value, part, "")
            key.append("" if value is None else value)
        return tuple(key)

    def value_of(self, row: Any) -> str:
        """What a search field submits for ``row``: its code when it has one, else its id."""
        code = getattr(row, self.code_field, "") if self.code_field else ""
        return str(code or row.pk)

    def refused(self, field_name: str | None) -> DomainError:
        """The refusal for an unknown or out-of-scope value, in both languages: a 404 (outside
        the scope is absent, as everywhere) that names the field."""

        with translation.override("zh-hans"):
            what_zh = str(self.model._meta.verbose_name)
        with translation.override("en"):
            what_en = str(self.model._meta.verbose_name).lower()
        refusal = ChoiceOutOfScope(
            f"所选{what_zh}不存在或不在您的管辖范围内",
            f"The chosen {what_en} does not exist or is outside your scope",
            field=field_name,
        )
        refusal.status = self.not_found_status or (404 if self.action is not None else 400)
        return refusal


_REGISTRY: dict[str, Lookup] = {}
_LOADED = False
# The catalogue of actions (``accounts.actions.ACTIONS``), handed over in AccountsConfig.ready so
# that core imports no app.
ACTIONS: Mapping[str, Any] = {}


def register(entry: Lookup) -> Lookup:
    _REGISTRY[entry.key] = entry
    return entry


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    for config in apps.get_app_configs():
        if config.name.startswith("anjian."):
            try:
                import_module(f"{config.name}.lookups")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.lookups":
                    raise
    _LOADED = True


def lookup(key: str) -> Lookup:
    """The lookup ``key``; ``"<key>@<action>"`` is the same lookup bounded by another action
    (``"orgs.jurisdictions@checklists.manage"``: the places where the user manages checklists)."""
    _load()
    if key not in _REGISTRY and "@" in key:
        base, action = key.split("@", 1)
        if action not in ACTIONS:
            raise KeyError(key)
        _REGISTRY[key] = replace(_REGISTRY[base], key=key, action=action)
    return _REGISTRY[key]


def registry() -> dict[str, Lookup]:
    _load()
    return dict(_REGISTRY)


# --- API payloads --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """Marks a payload field that names a row: ``Annotated[int | None, Ref("enterprises.view")]``.

    ``by`` is the column the value is matched on (``"pk"`` for ``*_id``, ``"code"`` for a
    jurisdiction or sector code). ``resolve_refs`` looks every marked field up through its
    lookup's scope before the endpoint does anything."""

    lookup: str
    by: str = "pk"


def refs_of(schema: type) -> dict[str, Ref]:
    """The ``Ref``-marked fields of a ninja/pydantic schema."""
    out: dict[str, Ref] = {}
    for name, info in getattr(schema, "model_fields", {}).items():
        for meta in info.metadata:
            if isinstance(meta, Ref):
                out[name] = meta
    return out


def resolve_refs(user: Any, payload: Any, *, only: Iterable[str] | None = None) -> dict[str, Any]:
    """``{field: row or None}`` for every ``Ref`` field of ``payload``; an unknown or
    out-of-scope value raises ``DomainError`` naming the field (400), before anything changes."""
    found: dict[str, Any] = {}
    wanted = set(only) if only is not None else None
    for name, ref in refs_of(type(payload)).items():
        if wanted is not None and name not in wanted:
            continue
        value = getattr(payload, name, None)
        if value is None or value == "":
            info = type(payload).model_fields.get(name)
            if value == "" and info is not None and info.is_required():
                raise DomainError("请填写此项", "This field is required", field=name)
            found[name] = None
            continue
        entry = lookup(ref.lookup)
        row = entry.find(user, value, by=ref.by)
        if row is None:
            raise entry.refused(name)
        found[name] = row
    return found


def within_choice(user: Any, key: str, row: Any) -> bool:
    """Whether ``row`` is among what ``user`` may choose through lookup ``key`` (services check
    the destination of a move with it: a department or a place outside the actor's scope)."""
    if row is None or user is None:
        return True
    return bool(lookup(key).queryset(user).filter(pk=row.pk).exists())
