"""Accident hazards (事故隐患): one record per hazard, whatever found it, and its lifecycle state.

Each hazard carries both owners (管行业必须管安全): its territory (``jurisdiction``, the smallest
unit containing its point or its enterprise's unit) and its sector regulator (``department``,
from the routing table, with the rule text that chose it in ``routing_rule``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anjian.audit.history import HistoryBase
from anjian.core.rollups import RollupState
from anjian.core.scoping import RestrictedQuerySet, ScopeSpec


class HazardSource(models.TextChoices):
    PATROL = "patrol", _("网格巡查")
    SELF_INSPECTION = "self_inspection", _("企业自查")
    INSPECTION = "inspection", _("执法检查")
    PUBLIC_REPORT = "public_report", _("群众举报")
    ALARM = "alarm", _("监测报警")
    SUPERVISION = "supervision", _("督导检查")
    # what the enterprise is shown for a hazard registered from a public report: never
    # "群众举报", which tells it that someone reported it (see docs/security.md)
    REGULATOR = "regulator", _("监管发现")
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


RISK_COLOUR_LABELS = {"red": _("重大风险（红）"), "orange": _("较大风险（橙）"), "yellow": _("一般风险（黄）"),
                      "blue": _("低风险（蓝）")}


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
    checklist_item = models.ForeignKey(
        "checklists.ChecklistItem", verbose_name=_("排查标准条目"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="hazards", help_text=_("依据排查标准发现时所对应的检查条目（含版本）"),
    )
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
    risk_method = models.CharField(_("风险评价方法"), max_length=4, choices=[("lec", "LEC"), ("ls", "LS")], blank=True)
    risk_factors = models.JSONField(_("风险评价取值"), default=dict, blank=True)
    risk_score = models.DecimalField(_("风险值"), max_digits=10, decimal_places=2, null=True, blank=True)
    risk_colour = models.CharField(_("风险等级"), max_length=8, blank=True)
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
            # Counted from the index alone, in any scope (territory × sector, or routed to a department):
            # found in a period and not rejected (the cockpit's 今年排查隐患), and the open hazards (待整改/整改中)
            # per place by level and deadline from a small partial index (the cockpit's children by risk
            # and its most urgent 重大 hazards). docs/benchmarks.md, "Cockpit".
            models.Index(fields=["found_at", "status", "jurisdiction", "sector", "department"], name="hz_found_cover"),
            models.Index(fields=["jurisdiction", "level", "deadline", "sector", "department"], name="hz_open_jur",
                         condition=models.Q(status__in=["confirmed", "rectifying"])),
            # the statistics' 重大 table: the newest 200 major hazards of a year (issue 22)
            models.Index(fields=["-found_at", "-id"], condition=models.Q(level="major"), name="hz_major_found"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.category}"

    @property
    def code(self) -> str:
        """A stable display number, e.g. ``YH2026-000123``."""
        return Hazard.code_of(self.pk, self.found_at)

    @staticmethod
    def code_of(pk: int | None, found_at: Any) -> str:
        """``code`` from the two columns (API rows read with ``values_list``)."""
        return f"YH{timezone.localtime(found_at):%Y}-{pk or 0:06d}"

    @property
    def unit_name(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.place_name

    @property
    def risk_colour_label(self) -> str:
        return str(RISK_COLOUR_LABELS.get(self.risk_colour, ""))

    @property
    def is_major(self) -> bool:
        return self.level == HazardLevel.MAJOR

    @property
    def is_overdue(self) -> bool:
        return Hazard.overdue(self.status, self.deadline, timezone.now())

    @staticmethod
    def overdue(status: str, deadline: Any, now: Any) -> bool:
        """``is_overdue`` from the two columns (API rows read with ``values_list``)."""
        return status in RECTIFICATION_STATUSES and deadline is not None and deadline < now


class HazardPenalty(models.Model):
    """An administrative penalty decision (行政处罚决定) about a hazard, the input of the 安全生产法
    Art. 113 repeat-offender check. Written by ``services.hazard_penalty_record`` (the enforcement
    module will call it when it issues a decision)."""

    SCOPE = ScopeSpec(territory="hazard__jurisdiction", sector="hazard__sector", department="hazard__department",
                      enterprise="enterprise")

    hazard = models.ForeignKey(Hazard, verbose_name=_("隐患"), on_delete=models.PROTECT, related_name="penalties")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("被处罚单位"), on_delete=models.PROTECT,
                                   related_name="hazard_penalties")
    decided_on = models.DateField(_("处罚决定日期"))
    amount = models.DecimalField(_("罚款金额(元)"), max_digits=14, decimal_places=2, default=0)
    document_number = models.CharField(_("处罚决定书文号"), max_length=100, unique=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("隐患行政处罚")
        verbose_name_plural = _("隐患行政处罚")
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["enterprise", "decided_on"], name="hz_pen_ent_day")]

    def __str__(self) -> str:
        return self.document_number


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("待研究")
    REFERRED = "referred", _("已提请关闭")
    DECLINED = "declined", _("不予提请")


class RepeatOffenderFlag(models.Model):
    """安全生产法 Art. 113(1): the enterprise with a 重大 hazard was penalised 3 times within 180 days
    or 4 times within one year → flagged for referral (提请关闭) to the district office."""

    SCOPE = ScopeSpec(territory="enterprise__jurisdiction", sector="enterprise__sector", enterprise="enterprise")

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="repeat_offender_flags")
    rule = models.CharField(_("情形"), max_length=32)
    rule_label = models.CharField(_("情形说明"), max_length=100)
    window_start = models.DateField(_("首次处罚日期"))
    window_end = models.DateField(_("末次处罚日期"))
    penalty_count = models.PositiveSmallIntegerField(_("处罚次数"))
    district = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("移送区安委办"), on_delete=models.PROTECT,
                                 related_name="+")
    flagged_at = models.DateTimeField(_("标记时间"), default=timezone.now)
    status = models.CharField(_("处理结果"), max_length=12, choices=ReferralStatus.choices,
                              default=ReferralStatus.PENDING)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("决定人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decision_note = models.TextField(_("决定说明"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("重复处罚移送标记")
        verbose_name_plural = _("重复处罚移送标记")
        ordering = ["-flagged_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "rule", "window_end"], name="hz_flag_unique")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.rule_label}"


class ListingLevel(models.TextChoices):
    DISTRICT = "district", _("区级挂牌督办")
    CITY = "city", _("市级挂牌督办")


class ListingStatus(models.TextChoices):
    LISTED = "listed", _("督办中")
    WRITTEN_OFF = "written_off", _("已摘牌")


class HazardListing(models.Model):
    """挂牌督办 of a 重大 hazard by the district or the city, with its notice number; taken off
    (摘牌) when the hazard is written off."""

    SCOPE = ScopeSpec(territory="hazard__jurisdiction", sector="hazard__sector", department="hazard__department",
                      enterprise="hazard__enterprise")

    hazard = models.ForeignKey(Hazard, verbose_name=_("隐患"), on_delete=models.PROTECT, related_name="listings")
    level = models.CharField(_("督办层级"), max_length=10, choices=ListingLevel.choices)
    supervisor = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("督办单位辖区"), on_delete=models.PROTECT,
                                   related_name="+")
    issued_number = models.ForeignKey("documents.IssuedNumber", verbose_name=_("文号"), on_delete=models.PROTECT,
                                      related_name="+")
    number = models.CharField(_("督办文号"), max_length=100)
    issuer = models.CharField(_("督办机关"), max_length=100)
    issued_on = models.DateField(_("成文日期"))
    deadline = models.DateField(_("督办整改期限"))
    requirements = models.TextField(_("督办要求"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=ListingStatus.choices, default=ListingStatus.LISTED)
    written_off_at = models.DateTimeField(_("摘牌时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("督办人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("挂牌时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("挂牌督办")
        verbose_name_plural = _("挂牌督办")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["hazard"], condition=models.Q(status="listed"), name="hz_one_active_listing"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_overdue(self) -> bool:
        return self.status == ListingStatus.LISTED and self.deadline < timezone.localdate()


class HazardRollup(models.Model):
    """Monthly hazard counts for the statistics, written only by ``anjian.hazards.rollup`` (see its
    docstring for the design and why the figures stay exact). One row per local month of
    ``found_at`` × territory (the hazard's street, or its own jurisdiction when that is a street or
    above) × sector (its GB/T 4754 division, or its section) × sector regulator × level; rejected
    reports are not counted. The key columns carry the same names as ``Hazard``'s, so the scoping
    and the area/sector filters apply to both unchanged."""

    SCOPE = ScopeSpec(territory="jurisdiction", sector="sector", department="department")

    month = models.DateField(_("月份"))
    jurisdiction = models.ForeignKey(
        "orgs.Jurisdiction", verbose_name=_("属地"), on_delete=models.DO_NOTHING, db_constraint=False,
        db_index=False, related_name="+",
    )
    sector = models.ForeignKey(
        "orgs.Sector", verbose_name=_("行业"), null=True, on_delete=models.DO_NOTHING, db_constraint=False,
        db_index=False, related_name="+",
    )
    department = models.ForeignKey(
        "orgs.Department", verbose_name=_("行业监管部门"), null=True, on_delete=models.DO_NOTHING,
        db_constraint=False, db_index=False, related_name="+",
    )
    level = models.CharField(_("隐患等级"), max_length=10, choices=HazardLevel.choices)
    found = models.PositiveIntegerField(_("发现"))
    rectified = models.PositiveIntegerField(_("已销号"))
    overdue = models.PositiveIntegerField(_("汇总时逾期"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("隐患统计汇总")
        verbose_name_plural = _("隐患统计汇总")
        indexes = [models.Index(fields=["month"], name="hz_rollup_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.jurisdiction_id} {self.sector_id} {self.level}"


class HazardRollupHot(models.Model):
    """Hazards changed in the margin before the last refresh: left out of ``HazardRollup`` and
    counted live (``anjian.hazards.rollup``)."""

    hazard_id = models.BigIntegerField(_("隐患"), primary_key=True)

    class Meta:
        verbose_name = _("隐患统计汇总")
        verbose_name_plural = _("隐患统计汇总")

    def __str__(self) -> str:
        return str(self.hazard_id)


class HazardRollupState(RollupState):
    """The last refresh of ``HazardRollup`` (one row)."""

    class Meta:
        verbose_name = _("隐患统计汇总")
        verbose_name_plural = _("隐患统计汇总")
