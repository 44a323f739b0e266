"""Responsibility letters (安全生产责任书, plan item 2) and the assessment (考核评价, item 3).

A yearly **letter template** of one level (city → district, city → department, district →
street, street → enterprise) carries the targets, each bound to a measurable figure
(``anjian.rules.assessment.Metric``). Issuing it makes one numbered **letter** per recipient,
which the recipient acknowledges online or by uploading the stamped scan.

An **assessment scheme** per year has indicators in two levels (a parent groups, a child is
scored: automatically from the platform's figures, or by hand with evidence), veto items and
grade bands. Each **round** (year start, mid-year, year end) computes one **result** per assessed
unit with one **score** per indicator; every automatic score keeps the link to the records it
came from. Units then assess themselves (manual indicators), the office reviews, a unit may appeal.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anjian.audit.history import HistoryBase
from anjian.core.scoping import RestrictedQuerySet, ScopeSpec
from anjian.rules import assessment as rules


class LetterLevel(models.TextChoices):
    CITY_DISTRICT = "city_district", _("市→区")
    CITY_DEPARTMENT = "city_department", _("市→市直部门")
    DISTRICT_STREET = "district_street", _("区→街道")
    STREET_ENTERPRISE = "street_enterprise", _("街道→企业")
    ENTERPRISE_POST = "enterprise_post", _("企业→岗位")


def _pick(zh: str, en: str) -> str:
    return en if (get_language() or "").lower().startswith("en") else zh


# The rules name their metrics in both languages; the label picks the language when rendered.
bilingual = lazy(_pick, str)
METRIC_CHOICES = [(m.value, bilingual(zh, en)) for m, (zh, en) in rules.METRIC_LABELS.items()]
COMPARATOR_CHOICES = [("le", "≤"), ("ge", "≥"), ("deduct", _("每项扣分"))]


class TemplateStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已下达")


class LetterTemplate(models.Model):
    SCOPE = ScopeSpec(territory="jurisdiction", enterprise="enterprise")

    year = models.PositiveSmallIntegerField(_("年度"))
    level = models.CharField(_("签订层级"), max_length=20, choices=LetterLevel.choices)
    title = models.CharField(_("责任书名称"), max_length=200)
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("下达辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("下达企业"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   help_text=_("企业→岗位责任书由企业自行下达"))
    posts = models.TextField(_("岗位"), blank=True, help_text=_("每行一个岗位，如：生产部经理"))
    issuer = models.CharField(_("下达机关"), max_length=100, help_text=_("如：示范市人民政府"))
    body = models.TextField(_("责任内容"), help_text=_("每行一条工作要求"))
    ack_days = models.PositiveSmallIntegerField(_("签收期限(天)"), default=rules.DEFAULT_POLICY.ack_days)
    status = models.CharField(_("状态"), max_length=10, choices=TemplateStatus.choices, default=TemplateStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("责任书模板")
        verbose_name_plural = _("责任书模板")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.title


class LetterTarget(models.Model):
    """A target of a letter template bound to a figure: e.g. deaths ≤ 3, rectification ≥ 95 %."""

    SCOPE = ScopeSpec(territory="template__jurisdiction")

    template = models.ForeignKey(LetterTemplate, verbose_name=_("责任书模板"), on_delete=models.CASCADE,
                                 related_name="targets")
    metric = models.CharField(_("指标"), max_length=24, choices=METRIC_CHOICES)
    comparator = models.CharField(_("比较"), max_length=8, choices=COMPARATOR_CHOICES)
    value = models.DecimalField(_("目标值"), max_digits=10, decimal_places=2)
    text = models.CharField(_("目标表述"), max_length=200)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("责任目标")
        verbose_name_plural = _("责任目标")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text


class LetterStatus(models.TextChoices):
    ISSUED = "issued", _("待签收")
    ACKNOWLEDGED = "acknowledged", _("已签收")


class AckMethod(models.TextChoices):
    ONLINE = "online", _("在线签收")
    SCAN = "scan", _("上传盖章扫描件")


class Letter(models.Model):
    SCOPE = ScopeSpec(territory="jurisdiction", department="department", enterprise="enterprise")

    template = models.ForeignKey(LetterTemplate, verbose_name=_("责任书模板"), on_delete=models.PROTECT,
                                 related_name="letters")
    number = models.CharField(_("编号"), max_length=60)
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("责任辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    department = models.ForeignKey("orgs.Department", verbose_name=_("责任部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("责任企业"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    recipient_name = models.CharField(_("责任单位"), max_length=200)
    post = models.CharField(_("岗位"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=14, choices=LetterStatus.choices, default=LetterStatus.ISSUED)
    issued_on = models.DateField(_("下达日期"), default=timezone.localdate)
    ack_due = models.DateField(_("签收期限"))
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    ack_method = models.CharField(_("签收方式"), max_length=8, choices=AckMethod.choices, blank=True)
    ack_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签收人"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    signatory = models.CharField(_("责任人"), max_length=50, blank=True)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("责任书")
        verbose_name_plural = _("责任书")
        ordering = ["template", "id"]

    def __str__(self) -> str:
        return f"{self.template.title} · {self.recipient_name}"

    @property
    def is_overdue(self) -> bool:
        return self.status == LetterStatus.ISSUED and self.ack_due < timezone.localdate()


class SubjectKind(models.TextChoices):
    DISTRICT = "district", _("各区")
    DEPARTMENT = "department", _("市直部门")


class Scheme(models.Model):
    SCOPE = ScopeSpec(territory="jurisdiction")

    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("考核方案"), max_length=200)
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("考核辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    subjects = models.CharField(_("考核对象"), max_length=12, choices=SubjectKind.choices)
    veto_grade = models.PositiveSmallIntegerField(_("一票否决事故等级"), default=rules.DEFAULT_POLICY.veto_grade,
                                                  help_text=_("2 为较大事故，3 为重大事故"))
    veto_accountability = models.BooleanField(_("领导干部被问责一票否决"), default=True)
    band_excellent = models.DecimalField(_("优秀线"), max_digits=5, decimal_places=2, default=Decimal("90"))
    band_good = models.DecimalField(_("良好线"), max_digits=5, decimal_places=2, default=Decimal("80"))
    band_pass = models.DecimalField(_("合格线"), max_digits=5, decimal_places=2, default=Decimal("60"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def policy(self) -> rules.AssessmentPolicy:
        return rules.AssessmentPolicy(veto_grade=self.veto_grade, bands=rules.bands_with(
            excellent=self.band_excellent, good=self.band_good, passing=self.band_pass))


class Indicator(models.Model):
    SCOPE = ScopeSpec(territory="scheme__jurisdiction")

    scheme = models.ForeignKey(Scheme, verbose_name=_("考核方案"), on_delete=models.CASCADE, related_name="indicators")
    parent = models.ForeignKey("self", verbose_name=_("一级指标"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="children")
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    name = models.CharField(_("指标名称"), max_length=200)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2, default=Decimal("0"))
    metric = models.CharField(_("评分方式"), max_length=24, choices=METRIC_CHOICES, default="manual")
    comparator = models.CharField(_("比较"), max_length=8, choices=COMPARATOR_CHOICES, default="ge")
    threshold = models.DecimalField(_("标准值"), max_digits=10, decimal_places=2, default=Decimal("0"),
                                    help_text=_("责任书对该指标另有目标值时以责任书为准"))
    rule_text = models.CharField(_("评分细则"), max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["scheme", "order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_auto(self) -> bool:
        return self.metric != rules.Metric.MANUAL


class Stage(models.TextChoices):
    START = "start", _("年初定指标")
    MID = "mid", _("年中查进度")
    FINAL = "final", _("年终算总账")


class RoundStatus(models.TextChoices):
    SELF = "self", _("自评中")
    REVIEW = "review", _("审核中")
    PUBLISHED = "published", _("已公布")


class Round(models.Model):
    SCOPE = ScopeSpec(territory="scheme__jurisdiction")

    scheme = models.ForeignKey(Scheme, verbose_name=_("考核方案"), on_delete=models.PROTECT, related_name="rounds")
    stage = models.CharField(_("阶段"), max_length=8, choices=Stage.choices)
    period_start = models.DateField(_("统计起始"))
    period_end = models.DateField(_("统计截止"))
    self_due = models.DateField(_("自评截止"))
    status = models.CharField(_("状态"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.SELF)
    computed_at = models.DateTimeField(_("自动评分时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("考核轮次")
        verbose_name_plural = _("考核轮次")
        ordering = ["-period_end", "-id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "stage"], name="responsibility_round_once")]

    def __str__(self) -> str:
        return f"{self.scheme.name} · {self.get_stage_display()}"


class ResultStatus(models.TextChoices):
    SELF = "self", _("待自评")
    SUBMITTED = "submitted", _("已自评待审核")
    REVIEWED = "reviewed", _("已审核")
    APPEALED = "appealed", _("申诉中")


class Result(models.Model):
    SCOPE = ScopeSpec(territory="jurisdiction", department="department")

    round = models.ForeignKey(Round, verbose_name=_("考核轮次"), on_delete=models.CASCADE, related_name="results")
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("被考核辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    department = models.ForeignKey("orgs.Department", verbose_name=_("被考核部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField(_("被考核单位"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=ResultStatus.choices, default=ResultStatus.SELF)
    total = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, default=Decimal("0"))
    grade = models.CharField(_("等次"), max_length=12, blank=True)
    vetoed = models.BooleanField(_("一票否决"), default=False)
    veto_reason = models.TextField(_("否决事由"), blank=True)
    rank = models.PositiveSmallIntegerField(_("排名"), null=True, blank=True)
    self_note = models.TextField(_("自评说明"), blank=True)
    appeal = models.TextField(_("申诉理由"), blank=True)
    appeal_answer = models.TextField(_("申诉答复"), blank=True)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["round", "rank", "id"]

    def __str__(self) -> str:
        return f"{self.round} · {self.unit_name}"

    @property
    def grade_label(self) -> str:
        return next((b.label for b in rules.DEFAULT_POLICY.bands if b.code == self.grade), "")


class Score(models.Model):
    SCOPE = ScopeSpec(territory="result__jurisdiction", department="result__department")

    result = models.ForeignKey(Result, verbose_name=_("考核结果"), on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("实际值"), max_digits=12, decimal_places=2, null=True, blank=True)
    threshold = models.DecimalField(_("目标值"), max_digits=10, decimal_places=2, null=True, blank=True)
    points = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, default=Decimal("0"))
    self_points = models.DecimalField(_("自评分"), max_digits=6, decimal_places=2, null=True, blank=True)
    auto = models.BooleanField(_("自动评分"), default=False)
    evidence = models.TextField(_("佐证/说明"), blank=True)
    source_url = models.CharField(_("数据来源"), max_length=500, blank=True)
    source_text = models.CharField(_("数据说明"), max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标得分")
        verbose_name_plural = _("指标得分")
        ordering = ["indicator__order", "indicator_id"]
        constraints = [models.UniqueConstraint(fields=["result", "indicator"], name="responsibility_score_once")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.points}"


class Policy(models.Model):
    """What a city decides for its letters and assessment (the settings page 责任体系设置). One row
    per city; a district reads its city's. Law-fixed values stay in ``anjian.rules``."""

    SCOPE = ScopeSpec(territory="jurisdiction")

    jurisdiction = models.OneToOneField("orgs.Jurisdiction", verbose_name=_("辖区"), on_delete=models.CASCADE,
                                        related_name="+")
    ack_days = models.PositiveSmallIntegerField(_("责任书签收期限(天)"), default=rules.DEFAULT_POLICY.ack_days)
    ack_remind_days = models.PositiveSmallIntegerField(_("签收到期前提醒(天)"), default=3)
    weight_accidents = models.PositiveSmallIntegerField(_("事故控制权重"), default=40)
    weight_hazards = models.PositiveSmallIntegerField(_("隐患排查治理权重"), default=30)
    weight_responsibility = models.PositiveSmallIntegerField(_("责任落实权重"), default=20)
    weight_basics = models.PositiveSmallIntegerField(_("基础工作权重"), default=10)
    rectification_threshold = models.DecimalField(_("隐患整改率达标线(%)"), max_digits=5, decimal_places=2,
                                                  default=Decimal("95"))
    overdue_deduct = models.DecimalField(_("每项逾期隐患扣分"), max_digits=5, decimal_places=2, default=Decimal("1"))
    band_excellent = models.DecimalField(_("优秀线"), max_digits=5, decimal_places=2, default=Decimal("90"))
    band_good = models.DecimalField(_("良好线"), max_digits=5, decimal_places=2, default=Decimal("80"))
    band_pass = models.DecimalField(_("合格线"), max_digits=5, decimal_places=2, default=Decimal("60"))
    veto_grade = models.PositiveSmallIntegerField(_("一票否决事故等级"), default=rules.DEFAULT_POLICY.veto_grade,
                                                  help_text=_("2 为较大事故，3 为重大事故"))
    veto_accountability = models.BooleanField(_("领导干部被问责一票否决"), default=True)
    case_days_key = models.PositiveSmallIntegerField(_("重点督办事故办理期限(天)"), default=30)
    case_days_full = models.PositiveSmallIntegerField(_("挂牌督办事故办理期限(天)"), default=15)
    task_review_days = models.PositiveSmallIntegerField(_("督办任务反馈后审核期限(天)"),
                                                        default=rules.DEFAULT_POLICY.task_review_days)
    notice_read_days = models.PositiveSmallIntegerField(_("通报签阅期限(天)"), default=rules.DEFAULT_POLICY.notice_read_days)
    overdue_answer_days = models.PositiveSmallIntegerField(
        _("逾期升级后处理期限(天)"), default=rules.DEFAULT_POLICY.overdue_answer_days,
        help_text=_("督办任务逾期升级后，发文单位通报、约谈或重新定期限的期限"))

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("责任体系设置")
        verbose_name_plural = _("责任体系设置")

    def __str__(self) -> str:
        return str(self.jurisdiction)
