"""Reading timelines and row history."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from anjian.audit.models import Event


def timeline_for(obj: models.Model) -> models.QuerySet[Event]:
    """The object's events, oldest first (callers have already checked they may view ``obj``)."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return Event.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related("actor")


def history_for(obj: models.Model, limit: int = 50) -> list[dict[str, Any]]:
    """Row versions with the fields that changed between consecutive versions, newest first."""
    history = getattr(obj, "history", None)
    if history is None:
        return []
    versions = list(history.all().select_related("history_user")[: limit + 1])
    rows: list[dict[str, Any]] = []
    for newer, older in zip(versions, [*versions[1:], None], strict=False):
        changes = []
        if older is not None:
            delta = newer.diff_against(older)
            changes = [(c.field, c.old, c.new) for c in delta.changes]
        rows.append(
            {
                "version": newer,
                "at": newer.history_date,
                "user": newer.history_user,
                "type": newer.get_history_type_display(),
                "reason": newer.history_change_reason or "",
                "request_id": getattr(newer, "request_id", ""),
                "changes": changes,
            }
        )
    return rows[:limit]
