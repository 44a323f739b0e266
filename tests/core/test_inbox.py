"""Deadlines: opening/closing due items, reminders, escalation up the territory tree, buckets."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from anjian.accounts.models import Role
from anjian.accounts.services import membership_grant, user_create
from anjian.audit.models import Event
from anjian.inbox.models import DueItem, DueState, Notification
from anjian.inbox.registry import DueKind, register
from anjian.inbox.selectors import due_counts, due_item_list
from anjian.inbox.services import due_close, due_open, escalate_overdue, remind_due
from anjian.testing.world import PASSWORD

pytestmark = pytest.mark.django_db

KIND = register(
    DueKind(
        code="tests.followup",
        label="测试跟进",
        remind_before=dt.timedelta(days=2),
        escalate_after=dt.timedelta(days=1),
        escalate_every=dt.timedelta(days=3),
        max_level=2,
    )
)
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # 17:00 in Shanghai


def _street_officer(world):
    user = user_create(actor=None, username="street_a", password=PASSWORD, must_change_password=False)
    membership_grant(actor=None, user=user, role=Role.objects.get(code="street_office"), jurisdiction=world.street_a)
    return user


def _open_grid_item(world, due_at=T0 + dt.timedelta(days=5), **extra):
    return due_open(world.ent_a, KIND.code, title="甲区化工复查", due_at=due_at, url="/x/",
                    owner_jurisdiction=world.grid_a, **extra)


def test_due_open_sets_schedule_and_reopen_replaces(world):
    item = _open_grid_item(world)
    assert item.state == DueState.OPEN
    assert item.remind_at == T0 + dt.timedelta(days=3)
    assert item.escalate_at == T0 + dt.timedelta(days=6)
    again = _open_grid_item(world, due_at=T0 + dt.timedelta(days=10))
    assert again.pk == item.pk
    assert DueItem.objects.count() == 1
    assert again.due_at == T0 + dt.timedelta(days=10)


def test_due_open_rejects_naive_and_unknown_kind(world):
    with pytest.raises(ValueError, match="timezone-aware"):
        due_open(world.ent_a, KIND.code, title="x", due_at=dt.datetime(2026, 1, 1), owner_jurisdiction=world.grid_a)
    with pytest.raises(KeyError, match="unregistered"):
        due_open(world.ent_a, "tests.nope", title="x", due_at=T0)


def test_due_close_closes_only_open_items_of_the_kind(world):
    _open_grid_item(world)
    with time_machine.travel(T0, tick=False):
        assert due_close(world.ent_a, "other.kind") == 0
        assert due_close(world.ent_a, KIND.code) == 1
        assert due_close(world.ent_a, KIND.code) == 0
    item = DueItem.objects.get()
    assert item.state == DueState.DONE
    assert item.closed_at == T0


def test_remind_goes_to_assignee_once(world):
    inspector = world.user("grid_inspector")
    _open_grid_item(world, assignee=inspector)
    assert remind_due(now=T0) == 0  # reminder time is T0 + 3 days
    assert remind_due(now=T0 + dt.timedelta(days=3)) == 1
    assert remind_due(now=T0 + dt.timedelta(days=4)) == 0
    notes = list(Notification.objects.all())
    assert [(n.user, n.url) for n in notes] == [(inspector, "/x/")]
    assert notes[0].title == "即将到期：甲区化工复查（2026-03-07 17:00）"


def test_remind_goes_to_users_bound_to_owner_unit(world):
    street = _street_officer(world)
    due_open(world.ent_a, KIND.code, title="街道事项", due_at=T0, owner_jurisdiction=world.street_a)
    assert remind_due(now=T0) == 1
    assert remind_due(now=T0) == 0
    assert list(Notification.objects.values_list("user", flat=True)) == [street.pk]


def test_remind_reaches_the_department_users(world):
    due_open(world.ent_a, KIND.code, title="部门事项", due_at=T0, owner_department=world.ema)
    assert remind_due(now=T0) == 1
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["regulator"]


def test_escalation_climbs_grid_street_district_then_stops(world):
    street = _street_officer(world)
    district = world.user("district_a")
    due = T0
    item = _open_grid_item(world, due_at=due)
    ct = ContentType.objects.get_for_model(world.ent_a)

    with time_machine.travel(due + dt.timedelta(hours=12), tick=False):
        assert escalate_overdue() == 0  # overdue, but not yet escalate_after past due
    with time_machine.travel(due + dt.timedelta(days=1), tick=False):
        assert escalate_overdue() == 1
        assert escalate_overdue() == 0  # idempotent
    item.refresh_from_db()
    assert (item.escalation_level, item.escalated_to) == (1, world.street_a)
    assert item.escalate_at == due + dt.timedelta(days=4)
    assert list(Notification.objects.values_list("user", flat=True)) == [street.pk]

    with time_machine.travel(due + dt.timedelta(days=2), tick=False):
        assert escalate_overdue() == 0  # next step is on the kind's schedule (every 3 days)
    with time_machine.travel(due + dt.timedelta(days=4), tick=False):
        assert escalate_overdue() == 1
        assert escalate_overdue() == 0
    item.refresh_from_db()
    assert (item.escalation_level, item.escalated_to) == (2, world.district_a)
    assert set(Notification.objects.filter(user=district).values_list("title", flat=True)) == {"逾期升级：甲区化工复查"}

    with time_machine.travel(due + dt.timedelta(days=30), tick=False):
        assert escalate_overdue() == 0  # max_level 2 reached: never to the city
    item.refresh_from_db()
    assert (item.escalation_level, item.escalated_to, item.escalate_at) == (2, world.district_a, None)

    events = list(Event.objects.filter(content_type=ct, object_id=str(world.ent_a.pk), verb="escalated"))
    assert [e.summary for e in events] == [
        "逾期升级至甲一街道（第1级）：甲区化工复查",
        "逾期升级至甲区（第2级）：甲区化工复查",
    ]
    assert [e.data["to"] for e in events] == ["990101001", "990101"]
    assert Notification.objects.filter(user__username="city_admin").count() == 0

    with time_machine.travel(due + dt.timedelta(days=30), tick=False):
        mine = list(due_item_list(user=district, bucket="mine"))
        assert mine == [item]
        assert list(due_item_list(user=district, when="escalated")) == [item]
        assert list(due_item_list(user=world.user("district_b"), bucket="scope")) == []


def test_closed_item_never_escalates(world):
    _open_grid_item(world, due_at=T0)
    due_close(world.ent_a, KIND.code)
    assert escalate_overdue(now=T0 + dt.timedelta(days=10)) == 0
    assert remind_due(now=T0 + dt.timedelta(days=10)) == 0


@pytest.fixture
def items(world):
    """Open items around T0: one overdue in grid A, one due soon at street A (assigned to the
    inspector), one later for district B, one for the enterprise, one for the EMA."""
    overdue = due_open(world.ent_a, KIND.code, title="A网格逾期", due_at=T0 - dt.timedelta(days=1),
                       owner_jurisdiction=world.grid_a)
    soon = due_open(world.street_a, KIND.code, title="A街道即将到期", due_at=T0 + dt.timedelta(days=1),
                    owner_jurisdiction=world.street_a, assignee=world.user("grid_inspector"))
    later_b = due_open(world.ent_b, KIND.code, title="B区后续", due_at=T0 + dt.timedelta(days=20),
                       owner_jurisdiction=world.district_b)
    ent = due_open(world.ent_a2, KIND.code, title="企业自查", due_at=T0 + dt.timedelta(days=2),
                   owner_enterprise=world.ent_a, owner_jurisdiction=world.grid_a)
    dept = due_open(world.ema, KIND.code, title="应急局事项", due_at=T0 + dt.timedelta(days=9),
                    owner_department=world.ema, sector=world.ent_a.sector, owner_jurisdiction=world.city)
    return {"overdue": overdue, "soon": soon, "later_b": later_b, "ent": ent, "dept": dept}


BUCKETS = {
    # persona: (mine, scope)
    # The EMA's item names the city as its territory too: both owners of a dual-routed item see it.
    "city_admin": ({"dept"}, {"overdue", "soon", "later_b", "ent", "dept"}),
    "district_a": (set(), {"overdue", "soon", "ent"}),
    "district_b": ({"later_b"}, {"later_b"}),
    "regulator": ({"dept"}, {"dept"}),
    "grid_inspector": ({"overdue", "soon"}, {"overdue", "soon", "ent"}),
    "enterprise": ({"ent"}, {"ent"}),
}


@pytest.mark.parametrize("persona", list(BUCKETS))
def test_buckets_per_persona(world, items, persona):
    user = world.user(persona)
    names = {v.pk: k for k, v in items.items()}
    with time_machine.travel(T0, tick=False):
        mine = {names[i.pk] for i in due_item_list(user=user, bucket="mine")}
        scope = {names[i.pk] for i in due_item_list(user=user, bucket="scope")}
        overdue = {names[i.pk] for i in due_item_list(user=user, bucket="scope", when="overdue")}
        soon = {names[i.pk] for i in due_item_list(user=user, bucket="scope", when="soon")}
    assert (mine, scope) == BUCKETS[persona]
    assert overdue == scope & {"overdue"}
    assert soon == scope & {"soon", "ent"}


def test_assignee_outside_the_owner_territory_still_sees_the_item(world, items):
    # Grid A's item is the inspector's by unit; the street item is theirs by assignment only.
    user = world.user("grid_inspector")
    with time_machine.travel(T0, tick=False):
        assert due_counts(user=user) == {"total": 2, "overdue": 1, "escalated": 0}
    assert not due_item_list(user=world.user("district_b"), bucket="scope").filter(pk=items["soon"].pk).exists()


def test_district_b_never_sees_district_a_items_even_after_escalation(world, items):
    with time_machine.travel(T0 + dt.timedelta(days=40), tick=False):
        escalate_overdue()
        user = world.user("district_b")
        titles = {i.title for i in due_item_list(user=user, bucket="scope")}
    assert titles == {"B区后续"}
