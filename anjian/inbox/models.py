"""Deadlines: one row per (object, kind) that someone must act on by a time."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.audit.display import reason_text
from anjian.core.scoping import RestrictedQuerySet, ScopeSpec


class DueState(models.TextChoices):
    OPEN = "open", _("待办")
    DONE = "done", _("已办")
    CANCELLED = "cancelled", _("已撤销")


class DueItem(models.Model):
    """Something due: who owns it (unit and/or person), by when, and where it escalates."""

    SCOPE = ScopeSpec(
        territory="owner_jurisdiction",
        sector="sector",
        department="owner_department",
        enterprise="owner_enterprise",
        creator="assignee",
    )

    content_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), on_delete=models.CASCADE)
    object_id = models.CharField(_("对象编号"), max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("事项类型"), max_length=64)
    title = models.CharField(_("事项"), max_length=300)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=DueState.choices, default=DueState.OPEN)
    due_at = models.DateTimeField(_("期限"))
    remind_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("已提醒"), null=True, blank=True)
    owner_jurisdiction = models.ForeignKey(
        "orgs.Jurisdiction", verbose_name=_("责任辖区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_department = models.ForeignKey(
        "orgs.Department", verbose_name=_("责任部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("责任企业"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    sector = models.ForeignKey(
        "orgs.Sector", verbose_name=_("行业"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="due_items",
    )
    escalation_level = models.PositiveSmallIntegerField(_("升级次数"), default=0)
    escalate_at = models.DateTimeField(_("下次升级时间"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        "orgs.Jurisdiction", verbose_name=_("已升级至"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalated_department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("已抄送行业部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("待办事项")
        verbose_name_plural = _("待办事项")
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind"],
                name="inbox_dueitem_unique",
                violation_error_message=_("同一对象的同类待办只能有一条"),
            )
        ]
        indexes = [
            models.Index(fields=["state", "due_at"], name="inbox_state_due"),
            models.Index(fields=["state", "escalate_at"], name="inbox_state_escalate"),
            models.Index(fields=["state", "remind_at"], name="inbox_state_remind"),
            models.Index(fields=["owner_jurisdiction", "state", "due_at"], name="inbox_owner_jur"),
            models.Index(fields=["owner_enterprise", "state", "due_at"], name="inbox_owner_ent"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title_display(self) -> str:
        """The title in the reader's language where the platform wrote it: "待核查：…" → "To be
        verified: …" (the state's label); the object's own name stays as written."""

        return reason_text(self.title)

    @property
    def is_overdue(self) -> bool:
        return self.state == DueState.OPEN and self.due_at < timezone.now()


class Notification(models.Model):
    """A message to one user (reminders, escalations); read on the messages page."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("标题"), max_length=300)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="inbox_notif_user_read")]

    def __str__(self) -> str:
        return self.title
