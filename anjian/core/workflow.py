"""A small explicit state-machine helper.

A workflow is a table: its states (each with the owner unit, deadline and escalation target it
carries) and its transitions (from which states, to which, under which action, with guards).
Services call ``workflow.apply(obj, to, actor=…)`` inside their transaction; it checks the table,
the actor's scope and the guards, moves the status field, closes the old state's due item and
opens the new one, and writes a timeline event. Nothing else changes a status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext

from anjian.core.errors import InvalidTransition, NotAllowed, NotFoundInScope
from anjian.core.scoping import can, can_shown


@dataclass(frozen=True)
class Owner:
    """Who must act in a state: a unit (jurisdiction / department / enterprise) and/or a person."""

    jurisdiction: Any = None
    department: Any = None
    enterprise: Any = None
    sector: Any = None
    assignee: Any = None


@dataclass(frozen=True)
class State:
    code: str
    label: str | Promise
    owner: Callable[[Any], Owner] | None = None
    deadline: Callable[[Any], dt.datetime | None] | None = None
    due_kind: str | None = None
    final: bool = False


@dataclass(frozen=True)
class Transition:
    source: tuple[str, ...]
    target: str
    action: str
    label: str | Promise
    guards: tuple[Callable[[Any], str | None], ...] = field(default_factory=tuple)
    needs_note: bool = False


WORKFLOWS: dict[str, Workflow] = {}


class Effects:
    """What a transition does besides moving the status, supplied by the platform apps when they
    start (``AppConfig.ready``), so that core imports no app: the audit app records the timeline
    event and names the workflow's verbs (``on_register``), the inbox app opens and closes the
    to-dos. A site without them installed cannot apply a transition."""

    record_event: Callable[..., Any] | None = None
    due_open: Callable[..., Any] | None = None
    due_close: Callable[..., Any] | None = None
    on_register: list[Callable[[Workflow], None]]

    def __init__(self) -> None:
        self.on_register = []


EFFECTS = Effects()


def on_register(callback: Callable[[Workflow], None]) -> None:
    """Call ``callback(workflow)`` for every workflow, those defined already and those to come."""
    EFFECTS.on_register.append(callback)
    for wf in list(WORKFLOWS.values()):
        callback(wf)


def render_transition(event: Any) -> str | None:
    """A workflow event in the reader's language, from the codes it stored ("from", "to")."""
    wf = WORKFLOWS.get(event.verb.split(".", 1)[0])
    data = event.data or {}
    if wf is None or data.get("from") not in wf.states or data.get("to") not in wf.states:
        return None
    source, target = wf.states[data["from"]], wf.states[data["to"]]
    transition = next((t for t in wf.transitions if source.code in t.source and t.target == target.code), None)
    label = gettext(str(transition.label)) if transition is not None else gettext(str(target.label))
    return gettext("{action}：{old} → {new}").format(action=label, old=gettext(str(source.label)),
                                                     new=gettext(str(target.label)))


class Workflow:
    def __init__(
        self,
        *,
        name: str,
        field_name: str,
        states: Sequence[State],
        transitions: Iterable[Transition],
        title: Callable[[Any], str] = str,
        url: Callable[[Any], str] = lambda obj: "",
    ) -> None:
        self.name = name
        self.field_name = field_name
        self.states = {s.code: s for s in states}
        self.transitions = list(transitions)
        self.title = title
        self.url = url
        self._register()
        for t in self.transitions:
            unknown = {*t.source, t.target} - self.states.keys()
            if unknown:
                raise ValueError(f"{name}: transition to/from unknown states {unknown}")

    def _register(self) -> None:
        """Name this workflow's timeline events (``<name>.<state>``) and render them per reader
        (through the callbacks of ``on_register``: the audit app's)."""
        WORKFLOWS[self.name] = self
        for callback in EFFECTS.on_register:
            callback(self)

    def verbs(self) -> list[tuple[str, str | Promise]]:
        """The timeline verb of each state (``<name>.<state>``) with its label."""
        pairs: list[tuple[str, str | Promise]] = []
        for state in self.states.values():
            by = [t for t in self.transitions if t.target == state.code]
            pairs.append((f"{self.name}.{state.code}", by[0].label if len(by) == 1 else state.label))
        return pairs

    def state_of(self, obj: Any) -> State:
        return self.states[getattr(obj, self.field_name)]

    def find(self, obj: Any, target: str) -> Transition | None:
        current = getattr(obj, self.field_name)
        return next((t for t in self.transitions if current in t.source and t.target == target), None)

    def available(self, obj: Any, user: Any) -> list[Transition]:
        """Transitions the user could take now (for buttons); guards and ``can`` on the locked row
        are checked on apply."""
        current = getattr(obj, self.field_name)
        return [t for t in self.transitions if current in t.source and can_shown(user, t.action, obj)]

    def apply(self, obj: models.Model, target: str, *, actor: Any, note: str = "", data: dict[str, Any] | None = None) -> Transition:
        """Move ``obj`` to ``target``. Call inside the service's transaction, on a locked row."""
        record_event, due_open, due_close = EFFECTS.record_event, EFFECTS.due_open, EFFECTS.due_close
        assert record_event and due_open and due_close, "the audit and inbox apps supply a transition's effects"
        if actor is not None and not can(actor, "view", obj):
            raise NotFoundInScope()
        transition = self.find(obj, target)
        current = self.state_of(obj)
        if transition is None:
            raise InvalidTransition(
                f"当前状态「{current.label}」不能转为「{self.states[target].label if target in self.states else target}」",
                f"Cannot move from '{current.code}' to '{target}'",
            )
        if actor is not None and not can(actor, transition.action, obj):
            raise NotAllowed(
                f"您无权执行「{transition.label}」", f"You may not perform '{transition.action}'"
            )
        if transition.needs_note and not note.strip():
            raise InvalidTransition(f"「{transition.label}」须填写意见", "A note is required", field="note")
        problems = [msg for guard in transition.guards if (msg := guard(obj))]
        if problems:
            raise InvalidTransition("；".join(problems), "; ".join(problems))
        setattr(obj, self.field_name, target)
        obj.save(update_fields=[self.field_name])
        new_state = self.states[target]
        if current.due_kind:
            due_close(obj, current.due_kind)
        if new_state.due_kind and not new_state.final and new_state.deadline is not None:
            deadline = new_state.deadline(obj)
            if deadline is not None:
                owner = new_state.owner(obj) if new_state.owner else Owner()
                with translation.override("zh-hans"):  # stored in Chinese, shown per reader (title_display)
                    title = f"{new_state.label}：{self.title(obj)}"
                due_open(
                    obj,
                    new_state.due_kind,
                    title=title,
                    due_at=deadline,
                    url=self.url(obj),
                    owner_jurisdiction=owner.jurisdiction,
                    owner_department=owner.department,
                    owner_enterprise=owner.enterprise,
                    sector=owner.sector,
                    assignee=owner.assignee,
                )
        with translation.override("zh-hans"):  # stored in Chinese; shown per reader by render_transition
            summary = f"{transition.label}：{current.label} → {new_state.label}"
        record_event(
            obj,
            f"{self.name}.{target}",
            actor=actor,
            summary=summary,
            note=note,
            data={"from": current.code, "to": target, **(data or {})},
        )
        return transition
