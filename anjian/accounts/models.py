"""Users, roles (sets of actions) and memberships (a role bound to a scope); API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anjian.accounts.actions import action_labels
from anjian.audit.history import HistoryBase
from anjian.core.scoping import RestrictedQuerySet, ScopeSpec


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机"), max_length=20, blank=True)
    unit_name = models.CharField(
        _("所在单位"), max_length=200, blank=True,
        help_text=_("用户本人所在的单位（如托管服务机构的名称），显示在页面顶部；留空则显示授权的辖区、部门或企业"),
    )
    must_change_password = models.BooleanField(_("下次登录须改密码"), default=False)

    history = HistoricalRecords(bases=[HistoryBase], excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username


class Role(models.Model):
    """A named set of actions. System roles are the platform's personas; admins may edit them."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    actions = models.JSONField(_("可执行操作"), default=list)
    offered_actions = models.JSONField(
        _("已提供的默认操作"), default=list, blank=True,
        help_text=_("系统角色的默认操作中已经提供过的部分：升级时只补充新增的默认操作，不恢复管理员删除的操作"),
    )
    is_system = models.BooleanField(_("系统角色"), default=False)

    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["id"]

    def __str__(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):  # the English UI shows the English name
            return self.name_en
        return self.name

    def action_labels(self) -> list[str]:
        return action_labels(list(self.actions))


class Membership(models.Model):
    """A role held in a scope: a jurisdiction subtree, a department's sectors or an enterprise."""

    SCOPE = ScopeSpec(territory="jurisdiction", enterprise="enterprise")

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships")
    role = models.ForeignKey(Role, verbose_name=_("角色"), on_delete=models.PROTECT, related_name="memberships")
    jurisdiction = models.ForeignKey(
        "orgs.Jurisdiction", verbose_name=_("辖区"), null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        "orgs.Department", verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), null=True, blank=True, on_delete=models.PROTECT
    )
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_until = models.DateField(_("截止日期"), null=True, blank=True)
    # A delegated grant (a custody contract) starts and ends to the minute; date-only grants leave these empty.
    starts_at = models.DateTimeField(_("生效时间"), null=True, blank=True)
    ends_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("授权")
        verbose_name_plural = _("授权")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(enterprise__isnull=True)
                | (models.Q(jurisdiction__isnull=True) & models.Q(department__isnull=True)),
                name="accounts_membership_enterprise_alone",
                violation_error_message=_("企业授权不能同时绑定辖区或部门"),
            )
        ]

    def __str__(self) -> str:
        where = self.enterprise or self.department or self.jurisdiction or _("本人录入")
        return f"{self.user} · {self.role} · {where}"


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))


class ApiToken(models.Model):
    """A bearer token for machines. Only a SHA-256 hash is stored; the key is shown once."""

    PREFIX = "aj_"

    user = models.ForeignKey(User, verbose_name=_("所属用户"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    key_prefix = models.CharField(_("前缀"), max_length=12)
    key_hash = models.CharField(_("摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API令牌")
        verbose_name_plural = _("API令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @classmethod
    def new_key(cls) -> tuple[str, str, str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        return raw, raw[:10], _hash_token(raw)

    @classmethod
    def hash(cls, raw: str) -> str:
        return _hash_token(raw)


class LoginCounter(models.Model):
    """A fixed-window counter of login attempts for one account or one client address (the key
    holds a keyed hash, never the name or the address). Kept in the database so the count is
    atomic and shared by every worker whatever the cache (locmem, file or Redis)."""

    key = models.CharField(_("键"), max_length=80, unique=True)
    count = models.PositiveIntegerField(_("次数"), default=0)
    expires_at = models.DateTimeField(_("窗口结束"), db_index=True)

    class Meta:
        verbose_name = _("登录尝试计数")
        verbose_name_plural = _("登录尝试计数")

    def __str__(self) -> str:
        return self.key


class PasswordLink(models.Model):
    """A one-time link with which a user sets their own password (first login or after a reset),
    handed over by an administrator instead of an initial password (no e-mail server assumed).
    Only a SHA-256 hash of the link's key is stored; the link is shown once, works once, and
    expires after ``PASSWORD_LINK_HOURS``; a newer link for the same user revokes the older ones."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="password_links")
    key_hash = models.CharField(_("摘要"), max_length=64, unique=True)
    created_by = models.ForeignKey(User, verbose_name=_("生成人"), null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("过期时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("设置密码链接")
        verbose_name_plural = _("设置密码链接")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"
