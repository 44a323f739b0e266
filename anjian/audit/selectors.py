"""Reading timelines and row history."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import CharField, Q
from django.db.models.functions import Cast

from anjian.audit.display import field_value, reason_text
from anjian.audit.models import Event
from anjian.core.scoping import grants_of, has_action

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


def events_visible(user: Any, action: str = "audit.view") -> models.QuerySet[Event]:
    """The events an auditor may search. A city-wide grant of ``audit.view`` (bound to the root
    jurisdiction) sees every event; any other holder sees the events of the objects inside their
    own scope (each model through ``restrict(user, "<app>.view")``) and their own actions — a
    district auditor does not read another district's trail."""

    qs = Event.objects.all()
    if user.is_superuser:
        return qs
    if not has_action(user, action):
        return qs.none()
    if any(g.allows(action) and g.jurisdiction_id is not None and g.is_citywide for g in grants_of(user)):
        return qs
    reach = Q(actor_id=user.pk)
    for model in apps.get_models():
        if not hasattr(model, "SCOPE") or not hasattr(model._default_manager.all(), "restrict"):
            continue
        ct = ContentType.objects.get_for_model(model, for_concrete_model=False)
        pks = (model._default_manager.all().restrict(user, f"{model._meta.app_label}.view")
               .annotate(pk_text=Cast("pk", CharField())).values("pk_text"))
        reach |= Q(content_type=ct, object_id__in=pks)
    return qs.filter(reach)
