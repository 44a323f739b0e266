"""Kinds of due items. Each app registers the kinds it creates, with their reminder and
escalation schedule (the defaults; rule functions may compute per-item deadlines)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class DueKind:
    """``escalate_after``/``escalate_every``/``max_level`` describe a regular schedule; a kind whose
    rules give irregular steps passes ``schedule`` instead: the offsets after the deadline at which
    step 1, 2, … happen (e.g. 1, 7 and 30 days), and the number of steps is its length.

    ``action`` is the permission of the action that completes an item of this kind (the button on
    the page the item links to); ``closed_by`` names that action for people ("核报", "确认隐患").
    ``unit_level`` is the jurisdiction level whose office acts on a territorial item (e.g. the
    street for a hazard's verification): ``due_open`` lifts an owner jurisdiction below it (a grid,
    a community) to its ancestor at that level, so the item lands in that office's 我的待办."""

    code: str
    label: str | Promise
    action: str = ""
    closed_by: str | Promise = ""
    unit_level: int | None = None
    remind_before: dt.timedelta = dt.timedelta(days=3)
    escalate_after: dt.timedelta = dt.timedelta(days=1)
    escalate_every: dt.timedelta = dt.timedelta(days=7)
    max_level: int = 3
    schedule: tuple[dt.timedelta, ...] = ()

    @property
    def levels(self) -> int:
        return len(self.schedule) if self.schedule else self.max_level

    def escalate_at(self, due_at: dt.datetime, step: int, now: dt.datetime | None = None) -> dt.datetime | None:
        """When step ``step`` (1-based) falls due, or ``None`` past the last step."""
        if step > self.levels:
            return None
        if self.schedule:
            return due_at + self.schedule[step - 1]
        if step == 1:
            return due_at + self.escalate_after
        return (now or due_at) + self.escalate_every


KINDS: dict[str, DueKind] = {}


def register(kind: DueKind) -> DueKind:
    KINDS[kind.code] = kind
    return kind


def get(code: str) -> DueKind:
    try:
        return KINDS[code]
    except KeyError as exc:
        raise KeyError(f"unregistered due-item kind {code!r}") from exc
