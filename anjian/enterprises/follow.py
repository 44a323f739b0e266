"""Open records follow their enterprise (and a retired unit's open records go to its successor).

When the reassignment job (``grids.reassign``) or a 行政区划调整 moves an enterprise to another
unit, its *open* records move with it: open hazards, public reports in progress, accidents whose
investigation is not closed, open patrol tasks. Closed records stay where they were, because the
statistics of the old unit must not change after the fact. Each domain app registers what its
records are (``register_follower`` in its ``AppConfig.ready()``), so that this lower app moves
them without importing the apps above it.

A moved record keeps its history: its row history gets a ``~`` row with the reason, its timeline
an event (``reassigned``), and its open to-dos go to the new unit's inbox (``due_follow``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_noop

from anjian.audit.services import Msg, record_event
from anjian.inbox.services import due_follow
from anjian.orgs.models import Jurisdiction


@dataclass(frozen=True)
class Follower:
    """One kind of record that follows its enterprise.

    ``queryset`` gives the *open* records; ``field`` is the record's unit (``jurisdiction``,
    ``grid``); ``target`` maps the enterprise's new unit to the record's (``None``: the record
    stays, e.g. a patrol task when the new unit is not a grid); ``also`` gives more fields to set
    with the move (an accident's district); ``assignee`` the person for its to-dos (``...``: keep)."""

    code: str
    label: str
    queryset: Callable[[], models.QuerySet[Any]]
    field: str = "jurisdiction"
    title: Callable[[Any], str] = str
    target: Callable[[Jurisdiction], Jurisdiction | None] = lambda unit: unit
    also: Callable[[Any, Jurisdiction], dict[str, Any]] = lambda obj, unit: {}
    assignee: Callable[[Any, Jurisdiction], Any] = lambda obj, unit: ...


FOLLOWERS: dict[str, Follower] = {}


def register_follower(follower: Follower) -> None:
    FOLLOWERS[follower.code] = follower


def followers() -> list[Follower]:
    return sorted(FOLLOWERS.values(), key=lambda f: f.code)


@dataclass
class Moved:
    """One record moved: shown in the adjustment's report and its downloadable list."""

    kind: str
    kind_label: str
    pk: int
    title: str
    enterprise: str
    from_unit: str
    to_unit: str


@dataclass
class FollowReport:
    counts: dict[str, int] = field(default_factory=dict)
    rows: list[Moved] = field(default_factory=list)
    todos: int = 0

    def add(self, row: Moved) -> None:
        self.counts[row.kind] = self.counts.get(row.kind, 0) + 1
        self.rows.append(row)


def open_counts(enterprise_ids: Iterable[int]) -> dict[str, int]:
    """How many open records of each kind these enterprises have (a preview: nothing moves)."""
    ids = list(enterprise_ids)
    out: dict[str, int] = {}
    for f in followers():
        out[f.code] = f.queryset().filter(enterprise_id__in=ids).count() if ids else 0
    return out


def _move_one(f: Follower, obj: Any, old: Jurisdiction, new: Jurisdiction, *, reason: str, actor: Any,
              enterprise: str, report: FollowReport) -> None:
    target = f.target(new)
    if target is None or getattr(obj, f"{f.field}_id") == target.pk:
        return
    changes = {f.field: target, **f.also(obj, target)}
    for key, value in changes.items():
        setattr(obj, key, value)
    obj._change_reason = reason[:100]
    obj.save(update_fields=[*changes])
    person = f.assignee(obj, target)
    report.todos += due_follow(obj, old_unit=old, new_unit=target, assignee=person)
    record_event(obj, "reassigned", actor=actor, note=reason,
                 summary=Msg(gettext_noop("随行政区划调整改属：{old} → {new}"), old=old.name, new=target.name),
                 data={"from": old.code, "to": target.code})
    report.add(Moved(f.code, f.label, obj.pk, f.title(obj)[:200], enterprise, old.name, target.name))


def follow_enterprises(changes: Mapping[int, tuple[int, int]], *, reason: str, actor: Any = None,
                       report: FollowReport | None = None, ids: Any = None) -> FollowReport:
    """Move the open records of the enterprises ``{id: (old_unit_id, new_unit_id)}`` that sat
    in (or below) the enterprise's old unit to its new unit. Call in the transaction that moved
    the enterprises. ``ids``: the same enterprise ids as a subquery (e.g. ``RawSQL`` over the
    reassignment's temporary table) for a whole city's moves, instead of a list of parameters;
    ``changes`` then only needs to answer for the enterprises that have open records."""
    report = report if report is not None else FollowReport()
    if not changes:
        return report
    id_filter = ids if ids is not None else list(changes)
    units: dict[int, Jurisdiction] = {}
    for f in followers():
        qs = f.queryset().filter(enterprise_id__in=id_filter).select_related("enterprise").order_by("pk")
        last = 0
        while records := list(qs.filter(pk__gt=last)[:FOLLOW_BATCH]):  # keyset batches: rows change as we go
            last = records[-1].pk
            # the units of these records' enterprises only (not the GeoJSON: thousands of grids per call)
            needed = {u for obj in records for u in changes[obj.enterprise_id]} - units.keys()
            units.update(Jurisdiction.objects.defer("boundary").in_bulk(needed))
            _follow_batch(f, records, changes, units, reason=reason, actor=actor, report=report)
    return report


FOLLOW_BATCH = 2000


def _follow_batch(f: Follower, records: list[Any], changes: Mapping[int, tuple[int, int]],
                  units: Mapping[int, Jurisdiction], *, reason: str, actor: Any, report: FollowReport) -> None:
    for obj in records:
        old_id, new_id = changes[obj.enterprise_id]
        old, new = units[old_id], units[new_id]
        current = getattr(obj, f.field)
        # Only records that followed the enterprise's unit (or one above it, e.g. a street for a
        # grid): a record someone routed elsewhere on purpose stays.
        if current is None:
            continue
        if not old.path.startswith(current.path):
            if current.path.startswith(new.path):
                # The record's own unit now lies under the new unit (a grid that went with a
                # split): the record stays, its to-dos at the old street go to the new one.
                report.todos += due_follow(obj, old_unit=old, new_unit=new)
            continue
        if current.pk != old.pk and new.path.startswith(current.path):
            continue  # e.g. the record sits with the street and both grids are in it
        _move_one(f, obj, current, new, reason=reason, actor=actor, enterprise=obj.enterprise.name,
                  report=report)


def follow_unit(*, old: Jurisdiction, new: Jurisdiction, reason: str, actor: Any = None,
                report: FollowReport | None = None) -> FollowReport:
    """Every open record that sits with ``old`` itself (a unit retired by a merger) goes to ``new``."""
    report = report if report is not None else FollowReport()
    for f in followers():
        for obj in f.queryset().filter(**{f.field: old}).order_by("pk"):
            ent = getattr(obj, "enterprise", None)
            _move_one(f, obj, old, new, reason=reason, actor=actor, enterprise=ent.name if ent else "",
                      report=report)
    return report


def follower_labels() -> Mapping[str, str]:
    return {f.code: f.label for f in followers()}
