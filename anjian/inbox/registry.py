"""Kinds of due items. Each app registers the kinds it creates, with their reminder and
escalation schedule (the defaults; rule functions may compute per-item deadlines)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class DueKind:
    code: str
    label: str | Promise
    remind_before: dt.timedelta = dt.timedelta(days=3)
    escalate_after: dt.timedelta = dt.timedelta(days=1)
    escalate_every: dt.timedelta = dt.timedelta(days=7)
    max_level: int = 3


KINDS: dict[str, DueKind] = {}


def register(kind: DueKind) -> DueKind:
    KINDS[kind.code] = kind
    return kind


def get(code: str) -> DueKind:
    try:
        return KINDS[code]
    except KeyError as exc:
        raise KeyError(f"unregistered due-item kind {code!r}") from exc
