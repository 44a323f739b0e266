"""Reports from the public (举报), the reporter's identity kept apart, internal notes and rewards.

Confidentiality (安全生产法 Art. 73–76, 举报奖励办法 2018): the ``Report`` row carries **nothing**
that identifies the reporter. Name, phone, ID number and contact preference live in
``ReporterIdentity`` — no row history, never in events, exports, logs or notifications, and
readable only through ``selectors.identity_for`` by holders of ``public_reports.identity``.

Links to a hazard, an inspection or an accident created from a report are generic
(content type + id), so this app works whether or not those apps have landed yet.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anjian.audit.history import HistoryBase
from anjian.core.scoping import RestrictedQuerySet, ScopeSpec
from anjian.rules.rewards import RewardPolicy

# No 0/O, 1/I/L: a code read out over the phone or copied by hand cannot be mistaken.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class Channel(models.TextChoices):
    PUBLIC = "public", _("网上举报")
    HOTLINE = "hotline", _("热线电话")
    OPEN311 = "open311", _("Open311 接口")


class ReportType(models.TextChoices):
    HAZARD = "hazard", _("事故隐患")
    ILLEGAL_OPERATION = "illegal_operation", _("非法违法生产经营建设")
    CONCEALED_ACCIDENT = "concealed_accident", _("瞒报谎报事故")
    OTHER = "other", _("其他")


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    REJECTED = "rejected", _("不予受理")
    MERGED = "merged", _("已合并")
    DISPATCHED = "dispatched", _("核查办理中")
    HANDLED = "handled", _("已办理")
    VERIFIED = "verified", _("已核实")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("已办结")


OPEN_STATUSES = (
    ReportStatus.RECEIVED,
    ReportStatus.ACCEPTED,
    ReportStatus.DISPATCHED,
    ReportStatus.HANDLED,
    ReportStatus.VERIFIED,
)


class Verification(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("属实")
    PARTLY = "partly", _("部分属实")
    NOT = "not", _("不属实")


class ContactPreference(models.TextChoices):
    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    NONE = "none", _("不需联系")


class RejectReason(models.Model):
    """The configurable list of reasons for not accepting a report."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    label = models.CharField(_("名称"), max_length=100)
    label_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    public_text = models.CharField(_("对举报人的说明"), max_length=300, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("不予受理理由")
        verbose_name_plural = _("不予受理理由")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label


class Report(models.Model):
    SCOPE = ScopeSpec(territory="jurisdiction", sector="sector", department="department", creator="created_by")

    tracking_code = models.CharField(_("查询码"), max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(_("查询密码摘要"), max_length=64, editable=False)
    idempotency_key = models.CharField(_("提交幂等键"), max_length=64, null=True, blank=True, editable=False)
    request_hash = models.CharField(_("提交内容摘要"), max_length=64, blank=True, editable=False)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    report_type = models.CharField(_("举报类型"), max_length=20, choices=ReportType.choices)
    description = models.TextField(_("举报内容"))
    address = models.CharField(_("地点"), max_length=300, blank=True)
    lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)
    jurisdiction = models.ForeignKey(
        "orgs.Jurisdiction", verbose_name=_("属地"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="public_reports",
    )
    occurred_at = models.DateTimeField(_("发生时间"), null=True, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("被举报企业"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise_name = models.CharField(_("被举报单位名称"), max_length=200, blank=True)
    sector = models.ForeignKey(
        "orgs.Sector", verbose_name=_("行业"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "orgs.Department", verbose_name=_("承办部门"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="public_reports",
    )
    routing_rule = models.CharField(_("路由依据"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.RECEIVED)
    reject_reason = models.ForeignKey(
        RejectReason, verbose_name=_("不予受理理由"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", verbose_name=_("合并至"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    received_at = models.DateTimeField(_("收到时间"), default=timezone.now)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    handling_due = models.DateField(_("核查办理期限"), null=True, blank=True)
    extension_requested_at = models.DateTimeField(_("申请延期时间"), null=True, blank=True)
    extension_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("延期申请人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    extended = models.BooleanField(_("已批准延期"), default=False)
    handled_at = models.DateTimeField(_("办理完成时间"), null=True, blank=True)
    verification = models.CharField(_("核查结论"), max_length=16, choices=Verification.choices, blank=True)
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    public_reply = models.TextField(_("答复举报人"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    link_type = models.ForeignKey(
        ContentType, verbose_name=_("关联记录类型"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    link_id = models.CharField(_("关联记录编号"), max_length=40, blank=True)
    fine_yuan = models.DecimalField(_("罚款金额(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    deaths = models.PositiveIntegerField(_("瞒报谎报死亡人数"), null=True, blank=True)
    accident_grade = models.CharField(_("最终认定事故等级"), max_length=8, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase], excluded_fields=["secret_hash", "idempotency_key", "request_hash"])

    class Meta:
        verbose_name = _("举报")
        verbose_name_plural = _("举报")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"], name="public_reports_idempotency_key",
                violation_error_message=_("该举报已提交"),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "id"], name="pr_status_id"),
            models.Index(fields=["status", "handling_due"], name="pr_status_due"),
            models.Index(fields=["jurisdiction", "id"], name="pr_jur_id"),
            models.Index(fields=["department", "id"], name="pr_dept_id"),
            models.Index(fields=["sector", "id"], name="pr_sector_id"),
            models.Index(fields=["enterprise", "received_at"], name="pr_ent_received"),
            models.Index(fields=["received_at"], name="pr_received"),
        ]

    def __str__(self) -> str:
        return f"{self.display_code} {self.get_report_type_display()}"

    @property
    def display_code(self) -> str:
        code = self.tracking_code
        return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code

    @property
    def unit_name(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.enterprise_name

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in (ReportStatus.ACCEPTED, ReportStatus.DISPATCHED)
            and self.handling_due is not None
            and self.handling_due < timezone.localdate()
        )

    @property
    def linked(self) -> models.Model | None:
        if self.link_type_id is None or not self.link_id:
            return None
        model = self.link_type.model_class()
        if model is None:
            return None
        return model._default_manager.filter(pk=self.link_id).first()


class ReporterIdentity(models.Model):
    """Who reported — confidential. No history, no events, no exports, no notifications."""

    report = models.OneToOneField(Report, verbose_name=_("举报"), on_delete=models.CASCADE, related_name="identity")
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    contact_preference = models.CharField(
        _("联系方式偏好"), max_length=8, choices=ContactPreference.choices, default=ContactPreference.PHONE
    )
    reward_consent = models.BooleanField(_("申请举报奖励"), default=False)

    class Meta:
        verbose_name = _("举报人信息")
        verbose_name_plural = _("举报人信息")

    def __str__(self) -> str:  # never the name: a stray str() must not leak it
        return str(_("举报人信息"))

    def __repr__(self) -> str:
        return f"<ReporterIdentity #{self.pk}>"


class InternalNote(models.Model):
    """Staff-only notes; never shown on the tracking page or via Open311."""

    report = models.ForeignKey(Report, verbose_name=_("举报"), on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填写人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("内部意见"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("内部意见")
        verbose_name_plural = _("内部意见")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report} · {self._meta.verbose_name}"


class RewardPolicyConfig(models.Model):
    """A jurisdiction's reward policy (its subtree uses it unless a deeper one is set).
    Without any, the national figures of ``anjian.rules.rewards.NATIONAL`` apply."""

    jurisdiction = models.OneToOneField(
        "orgs.Jurisdiction", verbose_name=_("辖区"), on_delete=models.CASCADE, related_name="reward_policy"
    )
    violation_rate = models.DecimalField(_("违法行为奖励比例"), max_digits=5, decimal_places=4, default=Decimal("0.15"))
    violation_min = models.DecimalField(_("最低奖励(元)"), max_digits=12, decimal_places=0, default=Decimal(3000))
    violation_max = models.DecimalField(_("最高奖励(元)"), max_digits=12, decimal_places=0, default=Decimal(300000))
    minimum_without_fine = models.BooleanField(_("未罚款时按最低额奖励"), default=True)
    per_death_general = models.DecimalField(_("一般事故每人(元)"), max_digits=12, decimal_places=0, default=Decimal(30000))
    per_death_larger = models.DecimalField(_("较大事故每人(元)"), max_digits=12, decimal_places=0, default=Decimal(40000))
    per_death_major = models.DecimalField(_("重大事故每人(元)"), max_digits=12, decimal_places=0, default=Decimal(50000))
    per_death_extra = models.DecimalField(_("特别重大事故每人(元)"), max_digits=12, decimal_places=0, default=Decimal(60000))
    concealed_cap = models.DecimalField(_("瞒报奖励上限(元)"), max_digits=12, decimal_places=0, default=Decimal(300000))
    claim_period_days = models.PositiveIntegerField(_("领奖期限(天)"), default=60)
    handling_days = models.PositiveIntegerField(_("核查办理期限(天)"), default=60)
    handling_extension_days = models.PositiveIntegerField(_("延期(天)"), default=30)
    feedback_days = models.PositiveIntegerField(_("答复期限(天)"), default=10)

    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("举报奖励标准")
        verbose_name_plural = _("举报奖励标准")

    def __str__(self) -> str:
        return f"{self.jurisdiction} 举报奖励标准"

    def to_policy(self) -> Any:
        return RewardPolicy(
            violation_rate=self.violation_rate, violation_min=self.violation_min, violation_max=self.violation_max,
            minimum_without_fine=self.minimum_without_fine,
            concealed_per_death={"一般": self.per_death_general, "较大": self.per_death_larger,
                                 "重大": self.per_death_major, "特别重大": self.per_death_extra},
            concealed_cap=self.concealed_cap, claim_period_days=self.claim_period_days,
            handling_days=self.handling_days, handling_extension_days=self.handling_extension_days,
            feedback_days=self.feedback_days,
        )


class RewardStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("不予奖励")
    NOTIFIED = "notified", _("已通知领取")
    PAID = "paid", _("已发放")
    LAPSED = "lapsed", _("逾期未领")


class Reward(models.Model):
    """The reward for one matter (a report and the duplicates merged into it), earned by the
    first valid reporter (``claimant``). Amount from ``anjian.rules.rewards.report_reward``."""

    report = models.OneToOneField(Report, verbose_name=_("举报事项"), on_delete=models.PROTECT, related_name="reward")
    claimant = models.ForeignKey(Report, verbose_name=_("获奖举报"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("奖励类别"), max_length=20)
    basis = models.CharField(_("计算依据"), max_length=300)
    amount = models.DecimalField(_("奖励金额(元)"), max_digits=12, decimal_places=0)
    status = models.CharField(_("状态"), max_length=10, choices=RewardStatus.choices, default=RewardStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("拟奖人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField(_("拟奖时间"), default=timezone.now)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    notified_on = models.DateField(_("通知日期"), null=True, blank=True)
    claim_deadline = models.DateField(_("领取截止日"), null=True, blank=True)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    method = models.CharField(_("发放方式"), max_length=40, blank=True)
    payment_ref = models.CharField(_("凭证号"), max_length=100, blank=True)

    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("举报奖励")
        verbose_name_plural = _("举报奖励")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.report.display_code} {self.amount}元"
