"""Writing the timeline. Services call ``record_event`` inside their own transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from anjian.audit.display import Both, Msg
from anjian.audit.models import Event

__all__ = ["Both", "Msg", "actor_label", "record_event", "set_change_reason"]


def actor_label(actor: Any) -> str:
    if actor is None:
        return "系统"
    return getattr(actor, "display_name", "") or actor.get_username()


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
        data=data or {},
        message=message,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label(actor),
    )


def set_change_reason(obj: models.Model, reason: str) -> None:
    """The reason stored with the next row version written for ``obj``."""
    obj._change_reason = reason  # type: ignore[attr-defined]
