"""Writing the timeline. Services call ``record_event`` inside their own transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from anjian.audit.display import Both, Msg
from anjian.audit.models import Event

__all__ = ["ATTRIBUTIONS", "Attribution", "Both", "Msg", "actor_label", "record_event", "register_attribution",
           "set_change_reason"]


def actor_label(actor: Any) -> str:
    if actor is None:
        return "系统"
    return getattr(actor, "display_name", "") or actor.get_username()


@dataclass(frozen=True)
class Attribution:
    """Somebody an action is done for (a custody provider's staff member acting for the
    enterprise): merged into the event's ``data``; ``summary`` rewrites the event's text so that it
    names both."""

    data: dict[str, Any]
    summary: Callable[[str | Msg], str | Msg]


# Registered by the apps that know such relations (funds: custody); each is asked, in order, for
# an event of an object by a person, and the first answer counts.
ATTRIBUTIONS: list[Callable[[models.Model, Any], Attribution | None]] = []


def register_attribution(fn: Callable[[models.Model, Any], Attribution | None]) -> None:
    if fn not in ATTRIBUTIONS:
        ATTRIBUTIONS.append(fn)


def record_event(
    obj: models.Model,
    verb: str,
    *,
    actor: Any,
    summary: str | Msg,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> Event:
    """Append one event to ``obj``'s timeline (call inside the service's transaction).

    ``summary`` is a ``Msg`` (shown in the reader's language) or, for text that is data only, a
    string. ``verb`` must have a label (``anjian.audit.display.register_verb``).
    """
    data = dict(data or {})
    if getattr(actor, "pk", None) and "on_behalf_of" not in data:  # (a service may name both itself)
        for attribute in ATTRIBUTIONS:
            extra = attribute(obj, actor)
            if extra is not None:
                data.update(extra.data)
                summary = extra.summary(summary)
                break
    message = {}
    if isinstance(summary, Msg):
        message = summary.encode()
        summary = str(summary)
    return Event.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        verb=verb,
        summary=summary[:300],
        note=note,
        data=data,
        message=message,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label(actor),
    )


def set_change_reason(obj: models.Model, reason: str) -> None:
    """The reason stored with the next row version written for ``obj``."""
    obj._change_reason = reason  # type: ignore[attr-defined]
