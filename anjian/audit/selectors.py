"""Reading timelines and row history."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from anjian.audit.display import field_value, reason_text
from anjian.audit.models import Event

# Bookkeeping columns of every version: never shown as a change.
HIDDEN_FIELDS = {"request_id", "updated_at", "modified_at", "risk_computed_at"}


def timeline_for(obj: models.Model) -> models.QuerySet[Event]:
    """The object's events, oldest first (callers have already checked they may view ``obj``)."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return Event.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related("actor")


def _changes(model: type[models.Model], delta: Any, names: dict[tuple[type, str], str]) -> list[tuple[str, str, str]]:
    """(field label, old, new) in the reader's language: verbose names, choice labels, object names."""
    rows = []
    for change in delta.changes:
        if change.field in HIDDEN_FIELDS:
            continue
        try:
            field = model._meta.get_field(change.field)
        except FieldDoesNotExist:
            field = None
        label = str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else change.field
        rows.append((label, field_value(field, change.old, names), field_value(field, change.new, names)))
    return rows


def history_for(obj: models.Model, limit: int = 50) -> list[dict[str, Any]]:
    """Row versions with the fields that changed between consecutive versions, newest first.

    Each change is ``(field label, old, new)`` ready to show (see ``anjian.audit.display``).
    """
    history = getattr(obj, "history", None)
    if history is None:
        return []
    model = type(obj)
    versions = list(history.all().select_related("history_user")[: limit + 1])
    names: dict[tuple[type, str], str] = {}
    rows: list[dict[str, Any]] = []
    for newer, older in zip(versions, [*versions[1:], None], strict=False):
        changes: list[tuple[str, str, str]] = []
        if older is not None:
            changes = _changes(model, newer.diff_against(older), names)
        rows.append(
            {
                "version": newer,
                "at": newer.history_date,
                "user": newer.history_user,
                "type": newer.get_history_type_display(),
                "reason": reason_text(newer.history_change_reason or ""),
                "request_id": getattr(newer, "request_id", ""),
                "changes": changes,
            }
        )
    return rows[:limit]
