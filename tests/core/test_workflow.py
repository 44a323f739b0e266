"""The workflow helper over a real model: Enterprise.status (在营 → 停产停业 → 在营 / 关闭)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import transaction

from anjian.audit.selectors import timeline_for
from anjian.core.errors import InvalidTransition, NotAllowed, NotFoundInScope
from anjian.core.workflow import Owner, State, Transition, Workflow
from anjian.enterprises.models import Enterprise
from anjian.inbox.models import DueItem, DueState
from anjian.inbox.registry import DueKind, register

pytestmark = pytest.mark.django_db

register(DueKind(code="tests.resume_check", label="复产复查"))
register(DueKind(code="tests.operating_check", label="在营巡查"))
T0 = dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC)


def _has_staff(ent: Enterprise) -> str | None:
    return None if ent.employees > 0 else "从业人数为0，不能复产"


WF = Workflow(
    name="tests_ent_status",  # a test workflow: its verbs are not the platform's (test_readable skips tests_*)
    field_name="status",
    states=[
        State("operating", "在营", owner=lambda e: Owner(enterprise=e), due_kind="tests.operating_check",
              deadline=lambda e: T0 + dt.timedelta(days=90)),
        State("suspended", "停产停业", owner=lambda e: Owner(jurisdiction=e.jurisdiction),
              deadline=lambda e: T0 + dt.timedelta(days=30), due_kind="tests.resume_check"),
        State("closed", "关闭", final=True),
    ],
    transitions=[
        Transition(("operating",), "suspended", "enterprises.change", "责令停产", needs_note=True),
        Transition(("suspended",), "operating", "enterprises.change", "复产", guards=(_has_staff,)),
        Transition(("operating", "suspended"), "closed", "enterprises.change", "关闭"),
    ],
    title=lambda e: e.name,
    url=lambda e: f"/enterprises/{e.pk}/",
)


def _apply(ent, target, actor, note=""):
    with transaction.atomic():
        locked = Enterprise.objects.select_for_update().get(pk=ent.pk)
        return WF.apply(locked, target, actor=actor, note=note)


def _status(ent) -> str:
    return Enterprise.objects.values_list("status", flat=True).get(pk=ent.pk)


def test_unknown_states_in_table_are_refused():
    with pytest.raises(ValueError, match="unknown states"):
        Workflow(name="x", field_name="status", states=[State("a", "A")],
                 transitions=[Transition(("a",), "b", "enterprises.change", "to b")])


def test_full_cycle_opens_and_closes_due_items_and_writes_events(world):
    user = world.user("district_a")
    ent = world.ent_a
    with time_machine.travel(T0, tick=False):
        _apply(ent, "suspended", user, note="重大隐患未整改")
    assert _status(ent) == "suspended"
    item = DueItem.objects.get(kind="tests.resume_check")
    assert (item.state, item.owner_jurisdiction, item.owner_enterprise) == (DueState.OPEN, world.grid_a, None)
    assert item.due_at == T0 + dt.timedelta(days=30)
    assert item.title == "停产停业：甲区化工有限公司"
    assert item.url == f"/enterprises/{ent.pk}/"

    _apply(ent, "operating", user)
    item.refresh_from_db()
    assert item.state == DueState.DONE
    operating = DueItem.objects.get(kind="tests.operating_check")
    assert (operating.state, operating.owner_enterprise) == (DueState.OPEN, ent)

    _apply(ent, "closed", user)
    operating.refresh_from_db()
    assert operating.state == DueState.DONE
    assert DueItem.objects.filter(state=DueState.OPEN).count() == 0  # a final state opens nothing

    events = [(e.verb, e.summary, e.note, e.data, e.actor) for e in timeline_for(ent).filter(verb__startswith="tests_ent_status.")]
    assert events == [
        ("tests_ent_status.suspended", "责令停产：在营 → 停产停业", "重大隐患未整改", {"from": "operating", "to": "suspended"}, user),
        ("tests_ent_status.operating", "复产：停产停业 → 在营", "", {"from": "suspended", "to": "operating"}, user),
        ("tests_ent_status.closed", "关闭：在营 → 关闭", "", {"from": "operating", "to": "closed"}, user),
    ]


def test_transition_table_is_enforced(world):
    user = world.user("district_a")
    with pytest.raises(InvalidTransition) as exc:
        _apply(world.ent_a, "operating", user)
    assert exc.value.zh == "当前状态「在营」不能转为「在营」"
    assert exc.value.status == 409
    _apply(world.ent_a, "closed", user)
    with pytest.raises(InvalidTransition, match="不能转为「停产停业」"):
        _apply(world.ent_a, "suspended", user, note="x")
    assert _status(world.ent_a) == "closed"


def test_needs_note(world):
    with pytest.raises(InvalidTransition) as exc:
        _apply(world.ent_a, "suspended", world.user("district_a"), note="   ")
    assert (exc.value.zh, exc.value.field) == ("「责令停产」须填写意见", "note")
    assert _status(world.ent_a) == "operating"
    assert not DueItem.objects.exists()


def test_guard_message(world):
    user = world.user("district_a")
    _apply(world.ent_a, "suspended", user, note="停产")
    Enterprise.objects.filter(pk=world.ent_a.pk).update(employees=0)
    with pytest.raises(InvalidTransition) as exc:
        _apply(world.ent_a, "operating", user)
    assert exc.value.zh == "从业人数为0，不能复产"
    assert _status(world.ent_a) == "suspended"
    assert DueItem.objects.get(kind="tests.resume_check").state == DueState.OPEN


def test_viewer_without_the_action_is_not_allowed_and_nothing_changes(world):
    inspector = world.user("grid_inspector")  # sees ent_a (its grid) but may not change it
    with pytest.raises(NotAllowed) as exc:
        _apply(world.ent_a, "suspended", inspector, note="x")
    assert exc.value.zh == "您无权执行「责令停产」"
    assert exc.value.status == 403
    assert _status(world.ent_a) == "operating"
    assert not DueItem.objects.exists()
    assert not timeline_for(world.ent_a).filter(verb__startswith="tests_ent_status.").exists()


@pytest.mark.parametrize("persona", ["district_b", "enterprise"])
def test_out_of_scope_is_not_found_and_nothing_changes(world, persona):
    target = world.ent_a if persona == "district_b" else world.ent_b
    with pytest.raises(NotFoundInScope) as exc:
        _apply(target, "suspended", world.user(persona), note="x")
    assert exc.value.status == 404
    assert _status(target) == "operating"
    assert not DueItem.objects.exists()
    assert not timeline_for(target).filter(verb__startswith="tests_ent_status.").exists()


def test_available_lists_transitions_the_user_may_take(world):
    ent = Enterprise.objects.get(pk=world.ent_a.pk)
    assert [t.target for t in WF.available(ent, world.user("district_a"))] == ["suspended", "closed"]
    assert WF.available(ent, world.user("grid_inspector")) == []
    assert WF.available(ent, world.user("district_b")) == []
