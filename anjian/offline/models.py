"""A form post stored once: the (hashed, namespaced) key the phone gave it and what it made."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """One idempotent form post of a logged-in user (``services.submit_once``). ``key`` is a
    SHA-256 of the form, the user and the phone's key, so a key replayed by another user or on
    another form names nothing. A replay answers ``result_url``, the first result."""

    key = models.CharField(_("提交幂等键"), max_length=64, unique=True, editable=False)
    form = models.CharField(_("表单"), max_length=40)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.CASCADE,
                             related_name="+")
    content_type = models.ForeignKey(ContentType, verbose_name=_("记录类型"), on_delete=models.CASCADE,
                                     related_name="+")
    object_id = models.CharField(_("记录编号"), max_length=40)
    result_url = models.CharField(_("结果页面"), max_length=300)
    captured_at = models.DateTimeField(_("现场填写时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("收到时间"), default=timezone.now)

    class Meta:
        verbose_name = _("离线提交")
        verbose_name_plural = _("离线提交")
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "received_at"], name="offline_sub_user")]

    def __str__(self) -> str:
        return f"{self.form} {self.object_id}"
