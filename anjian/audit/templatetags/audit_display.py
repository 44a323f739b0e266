"""Template filters that show audit records as labels in the reader's language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext

from anjian.audit.display import event_summary, object_name, verb_label

register = template.Library()


@register.filter
def person(user: Any) -> str:
    return object_name(user)


@register.filter
def summary(event: Any) -> str:
    """The event's summary in the active language."""
    return event_summary(event)


@register.filter
def verb(event_or_verb: Any) -> str:
    return verb_label(getattr(event_or_verb, "verb", event_or_verb))


@register.filter
def actor(event: Any) -> str:
    """Who did it: the person's name, or 系统 for the platform itself."""

    if not event.actor_id and event.actor_label in ("系统", ""):
        return gettext("系统")
    return event.actor_label
