"""The per-object timeline of domain events (流程记录). Append-only."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.middleware import current_request_id


class Event(models.Model):
    """One thing that happened to one object, written by the service that did it.

    Rows are never updated or deleted by the application; ``save()`` refuses an update.
    """

    content_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), on_delete=models.PROTECT)
    object_id = models.CharField(_("对象编号"), max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    verb = models.CharField(_("事件"), max_length=64)
    summary = models.CharField(_("摘要"), max_length=300)
    note = models.TextField(_("意见/说明"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    message = models.JSONField(
        _("摘要模板"), default=dict, blank=True,
        help_text=_("可翻译的摘要：模板与参数，按阅读者的语言显示（见 anjian/audit/display.py）"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True, default=current_request_id)

    class Meta:
        verbose_name = _("流程记录")
        verbose_name_plural = _("流程记录")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"], name="audit_event_target"),
            models.Index(fields=["actor", "at"], name="audit_event_actor"),
            models.Index(fields=["verb", "at"], name="audit_event_verb"),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.summary}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)
