"""Irregular escalation schedules (e.g. the hazard rules' 1, 7 and 30 days after the deadline)."""

from __future__ import annotations

import datetime as dt

import pytest

from anjian.audit.models import Event
from anjian.inbox.models import DueItem, Notification
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


def test_a_late_worker_catches_up_in_one_run_with_one_escalation(world):
    """A worker starting 31 days after the deadline (the demo started after a pause) jumps to the
    last step due in one escalation: one timeline event, one notification per user, not three in
    the same second; running again (a second worker, the next tick) sends nothing."""
    item = _item(world)
    now = DUE + dt.timedelta(days=31)
    assert escalate_overdue(now=now) == 1
    assert _level(item) == (3, world.city.code)
    assert escalate_overdue(now=now) == 0
    assert escalate_overdue(now=now + dt.timedelta(days=60)) == 0
    events = Event.objects.filter(verb="escalated", object_id=str(world.ent_a.pk))
    assert [e.summary for e in events] == ["逾期升级至示范市（第3级）：复查"]
    notes = list(Notification.objects.values_list("user__username", "title"))
    assert notes == [("city_admin", "逾期升级：复查")]


def test_a_worker_a_week_late_jumps_two_levels_once(world):
    item = _item(world)
    assert escalate_overdue(now=DUE + dt.timedelta(days=8)) == 1
    assert _level(item) == (2, world.district_a.code)
    assert DueItem.objects.get(pk=item.pk).escalate_at == DUE + dt.timedelta(days=30)
    assert Event.objects.filter(verb="escalated").count() == 1


def test_kind_levels_and_offsets():
    assert KIND.levels == 3
    assert KIND.escalate_at(DUE, 2) == DUE + dt.timedelta(days=7)
    assert KIND.escalate_at(DUE, 4) is None
