"""Irregular escalation schedules (e.g. the hazard rules' 1, 7 and 30 days after the deadline)."""

from __future__ import annotations

import datetime as dt

import pytest

from anjian.inbox.models import DueItem
from anjian.inbox.registry import DueKind, register
from anjian.inbox.services import due_open, escalate_overdue

pytestmark = pytest.mark.django_db

KIND = register(
    DueKind(code="tests.schedule", label="测试", schedule=tuple(dt.timedelta(days=d) for d in (1, 7, 30)))
)
DUE = dt.datetime(2026, 5, 1, 16, 0, tzinfo=dt.UTC)


def _item(world):
    return due_open(world.ent_a, KIND.code, title="复查", due_at=DUE, owner_jurisdiction=world.grid_a)


def _level(item) -> tuple[int, str | None]:
    item.refresh_from_db()
    return item.escalation_level, item.escalated_to.code if item.escalated_to else None


def test_steps_happen_at_the_scheduled_offsets(world):
    item = _item(world)
    assert item.escalate_at == DUE + dt.timedelta(days=1)
    escalate_overdue(now=DUE + dt.timedelta(days=1) - dt.timedelta(seconds=1))
    assert _level(item) == (0, None)
    escalate_overdue(now=DUE + dt.timedelta(days=1))
    assert _level(item) == (1, world.street_a.code)
    assert DueItem.objects.get(pk=item.pk).escalate_at == DUE + dt.timedelta(days=7)
    escalate_overdue(now=DUE + dt.timedelta(days=29))
    assert _level(item) == (2, world.district_a.code)
    escalate_overdue(now=DUE + dt.timedelta(days=30))
    assert _level(item) == (3, world.city.code)
    escalate_overdue(now=DUE + dt.timedelta(days=90))
    assert _level(item) == (3, world.city.code)
    assert DueItem.objects.get(pk=item.pk).escalate_at is None


def test_a_late_worker_catches_up_in_one_run(world):
    item = _item(world)
    assert escalate_overdue(now=DUE + dt.timedelta(days=31)) == 3
    assert _level(item) == (3, world.city.code)


def test_kind_levels_and_offsets():
    assert KIND.levels == 3
    assert KIND.escalate_at(DUE, 2) == DUE + dt.timedelta(days=7)
    assert KIND.escalate_at(DUE, 4) is None
