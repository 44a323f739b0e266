"""Accident hazards (事故隐患): one record per hazard, whatever found it, and its lifecycle state.

Each hazard carries both owners (管行业必须管安全): its territory (``jurisdiction``, the smallest
unit containing its point or its enterprise's unit) and its sector regulator (``department``,
from the routing table, with the rule text that chose it in ``routing_rule``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anjian.audit.history import HistoryBase
from anjian.core.scoping import RestrictedQuerySet, ScopeSpec


class HazardSource(models.TextChoices):
    PATROL = "patrol", _("网格巡查")
    SELF_INSPECTION = "self_inspection", _("企业自查")
    INSPECTION = "inspection", _("执法检查")
    PUBLIC_REPORT = "public_report", _("群众举报")
    ALARM = "alarm", _("监测报警")
    SUPERVISION = "supervision", _("督导检查")
    OTHER = "other", _("其他")


class HazardLevel(models.TextChoices):
    """Values equal those of :class:`anjian.rules.hazards.HazardLevel`."""

    GENERAL = "general", _("一般隐患")
    MAJOR = "major", _("重大隐患")


class HazardStatus(models.TextChoices):
    REPORTED = "reported", _("待确认")
    REJECTED = "rejected", _("不予确认")
    CONFIRMED = "confirmed", _("待整改")
    RECTIFYING = "rectifying", _("整改中")
    SUBMITTED = "submitted", _("待验收")
    APPLIED = "applied", _("销号申请待核查")
    REVIEWED = "reviewed", _("核查通过待销号")
    WRITTEN_OFF = "written_off", _("已销号")


OPEN_STATUSES = (
    HazardStatus.REPORTED,
    HazardStatus.CONFIRMED,
    HazardStatus.RECTIFYING,
    HazardStatus.SUBMITTED,
    HazardStatus.APPLIED,
    HazardStatus.REVIEWED,
)
# States in which the rectification deadline runs (the hazard is overdue past ``deadline``).
RECTIFICATION_STATUSES = (HazardStatus.CONFIRMED, HazardStatus.RECTIFYING)


class RejectReason(models.TextChoices):
    DUPLICATE = "duplicate", _("重复上报")
    NOT_A_HAZARD = "not_a_hazard", _("不构成隐患")


class Hazard(models.Model):
    SCOPE = ScopeSpec(territory="jurisdiction", sector="sector", department="department", enterprise="enterprise")

    source = models.CharField(_("来源"), max_length=20, choices=HazardSource.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业/场所"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards",
    )
    place_name = models.CharField(_("场所名称"), max_length=200, blank=True, help_text=_("无企业档案时填写"))
    address = models.CharField(_("地点"), max_length=300, blank=True)
    lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)
    location_accuracy_m = models.FloatField(_("定位精度(米)"), null=True, blank=True)
    jurisdiction = models.ForeignKey(
        "orgs.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT, related_name="hazards"
    )
    sector = models.ForeignKey(
        "orgs.Sector", verbose_name=_("行业"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("行业监管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards",
    )
    routing_rule = models.CharField(_("路由依据"), max_length=300, blank=True)
    category = models.CharField(_("隐患类别/排查项"), max_length=200)
    description = models.TextField(_("隐患描述"))
    level = models.CharField(_("隐患等级"), max_length=10, choices=HazardLevel.choices, default=HazardLevel.GENERAL)
    standard_item = models.CharField(
        _("重大隐患判定标准条款"), max_length=300, blank=True, help_text=_("重大隐患依据行业判定标准的条款")
    )
    finder = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发现人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    finder_name = models.CharField(_("发现人姓名"), max_length=50, blank=True)
    found_at = models.DateTimeField(_("发现时间"))
    reported_at = models.DateTimeField(_("上报时间"), default=timezone.now)
    responsible_person = models.CharField(_("整改责任人"), max_length=50, blank=True)
    measures = models.TextField(_("整改措施"), blank=True)
    funds = models.DecimalField(_("整改资金(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    deadline = models.DateTimeField(_("整改期限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=HazardStatus.choices, default=HazardStatus.REPORTED)
    plan = models.JSONField(_("治理方案"), default=dict, blank=True)
    reject_reason = models.CharField(_("不予确认原因"), max_length=16, choices=RejectReason.choices, blank=True)
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("重复于"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交验收时间"), null=True, blank=True)
    applied_at = models.DateTimeField(_("销号申请时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("现场核查时间"), null=True, blank=True)
    written_off_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(enterprise__isnull=False) | ~models.Q(place_name=""),
                name="hazards_enterprise_or_place",
                violation_error_message=_("须指定企业或填写场所名称"),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "id"], name="hz_status_id"),
            models.Index(fields=["jurisdiction", "id"], name="hz_jur_id"),
            models.Index(fields=["sector", "id"], name="hz_sector_id"),
            models.Index(fields=["department", "id"], name="hz_dept_id"),
            models.Index(fields=["enterprise", "id"], name="hz_ent_id"),
            models.Index(fields=["level", "status"], name="hz_level_status"),
            models.Index(fields=["status", "deadline"], name="hz_status_deadline"),
            models.Index(fields=["found_at"], name="hz_found_at"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.category}"

    @property
    def code(self) -> str:
        """A stable display number, e.g. ``YH2026-000123``."""
        return f"YH{timezone.localtime(self.found_at):%Y}-{self.pk or 0:06d}"

    @property
    def unit_name(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.place_name

    @property
    def is_major(self) -> bool:
        return self.level == HazardLevel.MAJOR

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in RECTIFICATION_STATUSES and self.deadline is not None and self.deadline < timezone.now()
        )
