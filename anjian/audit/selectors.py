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


def events_visible(user: Any, action: str = "audit.view") -> models.QuerySet[Event]:
    """The events an auditor may search. A city-wide grant of ``audit.view`` (bound to the root
    jurisdiction) sees every event; any other holder sees the events of the objects inside their
    own scope (each model through ``restrict(user, "<app>.view")``) and their own actions — a
    district auditor does not read another district's trail."""
    from django.apps import apps
    from django.db.models import CharField, Q
    from django.db.models.functions import Cast

    from anjian.core.scoping import _grants, has_action

    qs = Event.objects.all()
    if user.is_superuser:
        return qs
    if not has_action(user, action):
        return qs.none()
    if any(g.allows(action) and g.jurisdiction_id is not None and g.is_citywide for g in _grants(user)):
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
