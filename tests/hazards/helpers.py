"""Shared helpers for hazard tests."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from anjian.audit.selectors import timeline_for
from anjian.hazards.models import Hazard
from anjian.inbox.models import DueItem


def photo(name: str = "p.jpg", colour: str = "red") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (16, 12), colour).save(buf, format="JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def verbs(h: Hazard) -> list[str]:
    return list(timeline_for(h).order_by("id").values_list("verb", flat=True))


def due_rows(h: Hazard) -> list[tuple[str, str]]:
    return list(
        DueItem.objects.filter(object_id=str(h.pk), content_type__model="hazard")
        .order_by("id")
        .values_list("kind", "state")
    )


def open_item(h: Hazard) -> DueItem:
    return DueItem.objects.get(object_id=str(h.pk), content_type__model="hazard", state="open")


def reasons(h: Hazard) -> list[str]:
    return list(h.history.order_by("history_id").values_list("history_change_reason", flat=True))


def snapshot(h: Hazard) -> tuple:
    """Everything a refused action must leave unchanged."""
    h = Hazard.objects.get(pk=h.pk)
    return (
        h.status, h.level, h.deadline, h.department_id, h.jurisdiction_id, h.plan, h.history.count(),
        len(verbs(h)), due_rows(h),
    )
