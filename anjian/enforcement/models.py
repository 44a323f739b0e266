"""Enforcement (执法检查): graded supervision plans, 双随机 draws, inspections and the case file.

* ``Inspector`` — the inspector directory (执法检查人员名录库): an officer of a department, with the
  enforcement ID number (安全生产法 Art. 67) and the enterprises the officer must stand aside from.
* ``ClassificationRule`` — the configurable rule set that puts an enterprise in a class with an
  annual inspection quota (安全生产法 Art. 62(2); regulations.md §10.2).
* ``InspectionPlan`` / ``PlanTarget`` — the annual 监督检查计划 of a department in an area.
* ``InspectableMatter`` / ``RandomDraw`` / ``DrawPick`` — 一单两库 and the recorded, seeded draws.
* ``Inspection`` / ``Finding`` — an inspection on site (现场检查记录, Art. 68) and what it found.
* ``Case`` / ``CaseDocument`` — the case file (案卷) from 立案 to 结案 with its numbered documents.
* ``CreditListing`` — an enterprise on the 严重失信主体名单 or a trust list (the rule set's credit).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anjian.audit.history import HistoryBase
from anjian.core.scoping import RestrictedQuerySet, ScopeSpec
from anjian.rules import enforcement as enforcement_rules


class Inspector(models.Model):
    SCOPE = ScopeSpec(territory="department__jurisdiction", department="department")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="inspector_records")
    name = models.CharField(_("姓名"), max_length=50)
    department = models.ForeignKey("orgs.Department", verbose_name=_("所属部门"), on_delete=models.PROTECT,
                                   related_name="inspectors")
    cert_no = models.CharField(_("执法证号"), max_length=40)
    is_active = models.BooleanField(_("在库"), default=True)
    avoid = models.ManyToManyField("enterprises.Enterprise", verbose_name=_("回避企业"), blank=True,
                                   related_name="+", help_text=_("存在利害关系须回避的企业"))

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase], m2m_fields=[avoid])

    class Meta:
        verbose_name = _("执法人员")
        verbose_name_plural = _("执法人员")
        ordering = ["department_id", "id"]
        constraints = [models.UniqueConstraint(fields=["cert_no"], name="enf_inspector_cert")]

    def __str__(self) -> str:
        return f"{self.name}（{self.cert_no}）"


class CaseClass(models.TextChoices):
    A = "A", _("A类")
    B = "B", _("B类")
    C = "C", _("C类")
    D = "D", _("D类")


class ClassificationRule(models.Model):
    """One row of a department's rule set; the first matching row (lowest order) decides."""

    SCOPE = ScopeSpec(territory="department__jurisdiction", department="department")

    department = models.ForeignKey("orgs.Department", verbose_name=_("部门"), on_delete=models.CASCADE,
                                   related_name="classification_rules")
    order = models.PositiveSmallIntegerField(_("顺序"))
    label = models.CharField(_("规则说明"), max_length=100)
    klass = models.CharField(_("分类"), max_length=1, choices=CaseClass.choices)
    quota = models.PositiveSmallIntegerField(_("年度检查次数"))
    sector_code = models.CharField(_("行业代码（含下级）"), max_length=10, blank=True)
    risk_colours = models.JSONField(_("风险等级"), default=list, blank=True)
    grades = models.JSONField(_("标准化等级"), default=list, blank=True)
    credits = models.JSONField(_("信用状况"), default=list, blank=True)
    min_accidents_3y = models.PositiveSmallIntegerField(_("三年内事故起数不少于"), null=True, blank=True)
    min_penalties_1y = models.PositiveSmallIntegerField(_("一年内行政处罚次数不少于"), null=True, blank=True)
    flag = models.CharField(_("重点监管标识"), max_length=40, blank=True)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("分类分级规则")
        verbose_name_plural = _("分类分级规则")
        ordering = ["department_id", "order", "id"]

    def __str__(self) -> str:
        return self.label


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("编制中")
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已审批")
    PUBLISHED = "published", _("已公布")


class InspectionPlan(models.Model):
    SCOPE = ScopeSpec(territory="jurisdiction", department="department")

    department = models.ForeignKey("orgs.Department", verbose_name=_("执法部门"), on_delete=models.PROTECT,
                                   related_name="inspection_plans")
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("计划区域"), on_delete=models.PROTECT,
                                     related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("计划名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    number = models.CharField(_("文号"), max_length=80, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("编制人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("编制时间"), default=timezone.now)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("监督检查计划")
        verbose_name_plural = _("监督检查计划")
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["department", "jurisdiction", "year"],
                                               name="enf_plan_unique")]

    def __str__(self) -> str:
        return self.title


class PlanTarget(models.Model):
    SCOPE = ScopeSpec(territory="plan__jurisdiction", department="plan__department", enterprise="enterprise")

    plan = models.ForeignKey(InspectionPlan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="targets")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="+")
    klass = models.CharField(_("分类"), max_length=1, choices=CaseClass.choices)
    quota = models.PositiveSmallIntegerField(_("年度检查次数"))
    rule_label = models.CharField(_("分类依据"), max_length=100, blank=True)
    adjusted = models.BooleanField(_("已调整"), default=False)
    adjust_note = models.CharField(_("调整理由"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("计划检查对象")
        verbose_name_plural = _("计划检查对象")
        ordering = ["klass", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "enterprise"], name="enf_target_unique")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.klass}"


class InspectableMatter(models.Model):
    """随机抽查事项清单: what may be checked at random, and on what basis."""

    SCOPE = ScopeSpec(territory="department__jurisdiction", department="department")

    department = models.ForeignKey("orgs.Department", verbose_name=_("部门"), on_delete=models.PROTECT,
                                   related_name="inspectable_matters")
    name = models.CharField(_("抽查事项"), max_length=200)
    basis = models.CharField(_("依据"), max_length=300)
    sector_code = models.CharField(_("行业代码（含下级）"), max_length=10, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("随机抽查事项")
        verbose_name_plural = _("随机抽查事项")
        ordering = ["department_id", "id"]

    def __str__(self) -> str:
        return self.name


class DrawStatus(models.TextChoices):
    DRAWN = "drawn", _("已抽取")
    PUBLISHED = "published", _("已公示")


class RandomDraw(models.Model):
    """One 双随机 draw: the seed, the population and the result are stored so anyone can re-run it."""

    SCOPE = ScopeSpec(territory="jurisdiction", department="department")

    department = models.ForeignKey("orgs.Department", verbose_name=_("部门"), on_delete=models.PROTECT,
                                   related_name="random_draws")
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("抽查区域"), on_delete=models.PROTECT,
                                     related_name="+")
    matter = models.ForeignKey(InspectableMatter, verbose_name=_("抽查事项"), on_delete=models.PROTECT,
                               related_name="draws")
    seed = models.CharField(_("随机种子"), max_length=100)
    ratio_percent = models.DecimalField(_("抽查比例(%)"), max_digits=5, decimal_places=2)
    population = models.JSONField(_("检查对象名录（编号）"), default=list)
    inspector_pool = models.JSONField(_("执法人员名录（编号）"), default=list)
    status = models.CharField(_("状态"), max_length=12, choices=DrawStatus.choices, default=DrawStatus.DRAWN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("抽取人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("抽取时间"), default=timezone.now)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("双随机抽查")
        verbose_name_plural = _("双随机抽查")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.matter} {self.created_at:%Y-%m-%d}"


class DrawPick(models.Model):
    SCOPE = ScopeSpec(territory="draw__jurisdiction", department="draw__department", enterprise="enterprise")

    draw = models.ForeignKey(RandomDraw, verbose_name=_("抽查"), on_delete=models.CASCADE, related_name="picks")
    order = models.PositiveSmallIntegerField(_("序号"))
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("检查对象"), on_delete=models.PROTECT,
                                   related_name="+")
    inspectors = models.ManyToManyField(Inspector, verbose_name=_("执法人员"), related_name="picks")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("抽中对象")
        verbose_name_plural = _("抽中对象")
        ordering = ["draw_id", "order"]

    def __str__(self) -> str:
        return f"{self.order} {self.enterprise}"


class InspectionKind(models.TextChoices):
    PLAN = "plan", _("计划检查")
    RANDOM = "random", _("双随机抽查")
    COMPLAINT = "complaint", _("举报核查")
    CAMPAIGN = "campaign", _("专项检查")
    OTHER = "other", _("其他")


class InspectionStatus(models.TextChoices):
    OPEN = "open", _("检查中")
    DONE = "done", _("已完成")


class Inspection(models.Model):
    """A 现场检查 (安全生产法 Art. 68: time, place, content, problems found and how handled,
    signed by the inspectors and the unit's head, a refusal noted)."""

    SCOPE = ScopeSpec(territory="jurisdiction", sector="sector", department="department", enterprise="enterprise")

    kind = models.CharField(_("检查类型"), max_length=12, choices=InspectionKind.choices, default=InspectionKind.PLAN)
    department = models.ForeignKey("orgs.Department", verbose_name=_("执法部门"), on_delete=models.PROTECT,
                                   related_name="inspections")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("被检查单位"), on_delete=models.PROTECT,
                                   related_name="inspections")
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    sector = models.ForeignKey("orgs.Sector", verbose_name=_("行业"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    plan_target = models.ForeignKey(PlanTarget, verbose_name=_("计划对象"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="inspections")
    draw_pick = models.ForeignKey(DrawPick, verbose_name=_("抽查结果"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="inspections")
    campaign = models.ForeignKey("Campaign", verbose_name=_("专项整治"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="inspections")
    checklist_version = models.ForeignKey("checklists.ChecklistVersion", verbose_name=_("检查表版本"), null=True,
                                          blank=True, on_delete=models.PROTECT, related_name="+")
    inspectors = models.ManyToManyField(Inspector, verbose_name=_("执法人员"), related_name="inspections")
    place = models.CharField(_("检查场所"), max_length=200)
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    accompanied_by = models.CharField(_("被检查单位陪同人员"), max_length=100, blank=True)
    content = models.TextField(_("检查内容"), blank=True)
    handling = models.TextField(_("处理情况"), blank=True)
    head_signed = models.BooleanField(_("负责人已签字"), default=False)
    refusal_note = models.CharField(_("拒绝签字情况"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=InspectionStatus.choices, default=InspectionStatus.OPEN)
    record_number = models.CharField(_("检查记录编号"), max_length=80, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("现场检查")
        verbose_name_plural = _("现场检查")
        ordering = ["-id"]
        indexes = [models.Index(fields=["department", "id"], name="enf_insp_dept"),
                   models.Index(fields=["enterprise", "id"], name="enf_insp_ent")]

    def __str__(self) -> str:
        return f"{self.enterprise} {timezone.localtime(self.started_at):%Y-%m-%d}"

    @property
    def code(self) -> str:
        return self.record_number or f"JC{timezone.localtime(self.started_at):%Y}-{self.pk or 0:06d}"


class Disposition(models.TextChoices):
    OK = "ok", _("符合")
    HAZARD = "hazard", _("事故隐患")
    VIOLATION = "violation", _("违法行为（立案）")


class Finding(models.Model):
    SCOPE = ScopeSpec(territory="inspection__jurisdiction", sector="inspection__sector",
                      department="inspection__department", enterprise="inspection__enterprise")

    inspection = models.ForeignKey(Inspection, verbose_name=_("检查"), on_delete=models.CASCADE, related_name="findings")
    checklist_item = models.ForeignKey("checklists.ChecklistItem", verbose_name=_("检查条目"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("问题描述"))
    legal_basis = models.CharField(_("违反的规定"), max_length=300, blank=True)
    disposition = models.CharField(_("处理"), max_length=10, choices=Disposition.choices)
    is_major = models.BooleanField(_("重大隐患"), default=False)
    lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)
    accuracy_m = models.FloatField(_("定位精度(米)"), null=True, blank=True)
    hazard = models.ForeignKey("hazards.Hazard", verbose_name=_("隐患"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("Case", verbose_name=_("案件"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="findings")
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查发现")
        verbose_name_plural = _("检查发现")
        ordering = ["inspection_id", "id"]

    def __str__(self) -> str:
        return self.description[:50]


class Procedure(models.TextChoices):
    GENERAL = "general", _("普通程序")
    SIMPLE = "simple", _("简易程序")


class CaseStatus(models.TextChoices):
    FILED = "filed", _("已立案·调查中")
    NOTIFIED = "notified", _("已告知·待陈述申辩")
    HEARING = "hearing", _("已申请听证·待听证")
    HEARD = "heard", _("待作出决定")
    DECIDED = "decided", _("已决定·待送达")
    DELIVERED = "delivered", _("已送达·待缴款")
    PAID = "paid", _("已执行·待结案")
    CLOSED = "closed", _("已结案")


OPEN_CASE_STATUSES = (CaseStatus.FILED, CaseStatus.NOTIFIED, CaseStatus.HEARING, CaseStatus.HEARD, CaseStatus.DECIDED,
                      CaseStatus.DELIVERED, CaseStatus.PAID)


class PenaltyKind(models.TextChoices):
    WARNING = "warning", _("警告")
    FINE = "fine", _("罚款")
    SUSPEND = "suspend", _("责令停产停业整顿并处罚款")


class Case(models.Model):
    """案卷: one administrative-penalty case of a department against an enterprise."""

    SCOPE = ScopeSpec(territory="jurisdiction", sector="sector", department="department", enterprise="enterprise")

    number = models.CharField(_("案号"), max_length=80, blank=True)
    procedure = models.CharField(_("程序"), max_length=8, choices=Procedure.choices, default=Procedure.GENERAL)
    department = models.ForeignKey("orgs.Department", verbose_name=_("执法部门"), on_delete=models.PROTECT,
                                   related_name="cases")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("当事人"), on_delete=models.PROTECT,
                                   related_name="cases")
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    sector = models.ForeignKey("orgs.Sector", verbose_name=_("行业"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    inspection = models.ForeignKey(Inspection, verbose_name=_("来源检查"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="cases")
    hazards = models.ManyToManyField("hazards.Hazard", verbose_name=_("涉及隐患"), blank=True, related_name="+")
    cause = models.CharField(_("案由"), max_length=200)
    facts = models.TextField(_("违法事实"), blank=True)
    legal_basis = models.TextField(_("违反的规定"), blank=True)
    penalty_basis = models.TextField(_("处罚依据"), blank=True)
    penalty_kind = models.CharField(_("处罚种类"), max_length=10, choices=PenaltyKind.choices, blank=True)
    proposed_fine = models.DecimalField(_("拟罚款(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    fine = models.DecimalField(_("罚款(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.FILED)
    filed_on = models.DateField(_("立案日期"))
    notified_on = models.DateField(_("告知日期"), null=True, blank=True)
    statement = models.TextField(_("陈述申辩"), blank=True)
    hearing_requested = models.BooleanField(_("申请听证"), default=False)
    responded_on = models.DateField(_("陈述申辩日期"), null=True, blank=True)
    hearing_at = models.DateTimeField(_("听证时间"), null=True, blank=True)
    hearing_place = models.CharField(_("听证地点"), max_length=200, blank=True)
    hearing_host = models.CharField(_("听证主持人"), max_length=50, blank=True)
    hearing_waived = models.BooleanField(_("视为放弃听证"), default=False)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    delivered_on = models.DateField(_("送达日期"), null=True, blank=True)
    delivery_method = models.CharField(_("送达方式"), max_length=40, blank=True)
    received_by = models.CharField(_("受送达人"), max_length=50, blank=True)
    paid_on = models.DateField(_("缴款日期"), null=True, blank=True)
    surcharge = models.DecimalField(_("加处罚款(元)"), max_digits=14, decimal_places=2, default=Decimal("0"))
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    close_note = models.TextField(_("结案意见"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("承办人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "id"], name="enf_case_status"),
                   models.Index(fields=["department", "id"], name="enf_case_dept"),
                   models.Index(fields=["enterprise", "id"], name="enf_case_ent")]

    def __str__(self) -> str:
        return f"{self.number or self.pk} {self.cause}"

    @property
    def code(self) -> str:
        return self.number or f"AJ{self.filed_on:%Y}-{self.pk or 0:06d}"


class DocKind(models.TextChoices):
    FILING = "filing", _("立案审批表")
    ORDER = "order", _("责令限期整改指令书")
    RECHECK = "recheck", _("整改复查意见书")
    NOTICE = "notice", _("行政处罚告知书")
    STATEMENT = "statement", _("陈述申辩笔录")
    HEARING_NOTICE = "h_notice", _("听证会通知书")
    HEARING_RECORD = "h_record", _("听证笔录")
    HEARING_REPORT = "h_report", _("听证会报告书")
    DECISION = "decision", _("行政处罚决定书")
    SIMPLE = "simple", _("当场行政处罚决定书")
    RECEIPT = "receipt", _("送达回执")
    DUNNING = "dunning", _("罚款催缴通知书")
    CLOSING = "closing", _("结案审批表")


class CaseDocument(models.Model):
    """One document of the case file, with its number and the fields it was issued with."""

    SCOPE = ScopeSpec(territory="case__jurisdiction", sector="case__sector", department="case__department",
                      enterprise="case__enterprise")

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("文书"), max_length=10, choices=DocKind.choices)
    number = models.CharField(_("文书编号"), max_length=80, blank=True)
    issued_number = models.ForeignKey("documents.IssuedNumber", verbose_name=_("文号"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField(_("日期"))
    fields = models.JSONField(_("文书内容"), default=dict)
    deadline = models.DateField(_("期限"), null=True, blank=True)
    delivered_on = models.DateField(_("送达日期"), null=True, blank=True)
    received_by = models.CharField(_("签收人"), max_length=50, blank=True)
    done_on = models.DateField(_("办结日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("制作人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("制作时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("执法文书")
        verbose_name_plural = _("执法文书")
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


# --- standardisation (item 21) ---------------------------------------------------------------


class StdGrade(models.TextChoices):
    ONE = "1", _("一级")
    TWO = "2", _("二级")
    THREE = "3", _("三级")


class StandardizationCert(models.Model):
    """A safety-production standardisation grade (《企业安全生产标准化建设定级办法》), valid 3 years."""

    SCOPE = ScopeSpec(territory="enterprise__jurisdiction", sector="enterprise__sector", enterprise="enterprise")

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="standardization_certs")
    grade = models.CharField(_("等级"), max_length=1, choices=StdGrade.choices)
    number = models.CharField(_("证书编号"), max_length=80)
    issuer = models.CharField(_("定级部门"), max_length=100)
    issued_on = models.DateField(_("定级日期"))
    valid_until = models.DateField(_("有效期至"))
    standard = models.CharField(_("定级标准"), max_length=200, blank=True)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    revoke_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("安全生产标准化等级")
        verbose_name_plural = _("安全生产标准化等级")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_grade_display()}"


class CreditKind(models.TextChoices):
    BAD = "bad", _("严重失信主体名单")
    GOOD = "good", _("守信激励名单")


class CreditListing(models.Model):
    """An enterprise on a credit list (信用): the 安全生产严重失信主体名单 (应急管理部令第11号: three
    years, early removal after 12 months) or a trust list. The classification rule set reads the
    status in force on the plan's first day (``rules.enforcement.credit_status``)."""

    SCOPE = ScopeSpec(territory="enterprise__jurisdiction", sector="enterprise__sector", enterprise="enterprise")

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="credit_listings")
    kind = models.CharField(_("名单"), max_length=4, choices=CreditKind.choices, default=CreditKind.BAD)
    decision_number = models.CharField(_("决定文号"), max_length=80)
    authority = models.CharField(_("作出决定的部门"), max_length=100)
    reason = models.CharField(_("列入事由"), max_length=300)
    listed_on = models.DateField(_("列入日期"))
    ends_on = models.DateField(_("管理期限至"))
    removed_on = models.DateField(_("移出日期"), null=True, blank=True)
    removal_reason = models.CharField(_("移出事由"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("信用名单")
        verbose_name_plural = _("信用名单")
        ordering = ["-listed_on", "-id"]
        indexes = [models.Index(fields=["enterprise", "listed_on"], name="enf_credit_ent_listed")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_kind_display()}"

    def in_force(self, on: dt.date) -> bool:
        return self.listed_on <= on <= self.ends_on and (self.removed_on is None or on < self.removed_on)


class SelfAssessment(models.Model):
    """An enterprise's standardisation self-assessment scored against a published scoring table
    (a checklist version of kind 标准化评分)."""

    SCOPE = ScopeSpec(territory="enterprise__jurisdiction", sector="enterprise__sector", enterprise="enterprise")

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="+")
    version = models.ForeignKey("checklists.ChecklistVersion", verbose_name=_("评分标准"), on_delete=models.PROTECT,
                                related_name="+")
    assessed_on = models.DateField(_("自评日期"))
    deductions = models.JSONField(_("扣分"), default=dict)
    not_applicable = models.JSONField(_("缺项"), default=list)
    score = models.DecimalField(_("得分(百分制)"), max_digits=5, decimal_places=1)
    reaches = models.CharField(_("可达等级"), max_length=1, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("标准化自评")
        verbose_name_plural = _("标准化自评")
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.score}"


# --- occupational health (item 18) -----------------------------------------------------------


class OhKind(models.TextChoices):
    INITIAL = "initial", _("首次申报")
    CHANGE = "change", _("变更申报")
    ANNUAL = "annual", _("年度更新")


class OhDeclaration(models.Model):
    """职业病危害项目申报: factors by the six categories of the 2015 catalogue, workplaces, exposed
    workers, test results and health checks."""

    SCOPE = ScopeSpec(territory="enterprise__jurisdiction", sector="enterprise__sector", enterprise="enterprise")

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="oh_declarations")
    kind = models.CharField(_("申报类型"), max_length=8, choices=OhKind.choices)
    declared_on = models.DateField(_("申报日期"))
    reason = models.CharField(_("申报原因"), max_length=200, blank=True)
    factors = models.JSONField(_("危害因素"), default=dict, help_text=_("按类别：因素名称与接触人数"))
    workplaces = models.JSONField(_("工作场所"), default=list)
    workers = models.PositiveIntegerField(_("劳动者总数"), default=0)
    exposed = models.PositiveIntegerField(_("接触危害因素人数"), default=0)
    tested_on = models.DateField(_("检测日期"), null=True, blank=True)
    test_passed = models.BooleanField(_("检测合格"), null=True, blank=True)
    health_checked = models.PositiveIntegerField(_("在岗体检人数"), default=0)
    has_dust = models.BooleanField(_("存在粉尘危害"), default=False)
    has_highly_toxic = models.BooleanField(_("使用高毒物品"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申报人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("职业病危害项目申报")
        verbose_name_plural = _("职业病危害项目申报")
        ordering = ["-declared_on", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_kind_display()} {self.declared_on}"


# --- sector campaigns (专项整治, item 17) --------------------------------------------------------


class CampaignField(models.TextChoices):
    ROAD = "road", _("道路交通")
    FIRE = "fire", _("消防")
    CONSTRUCTION = "construction", _("建筑施工")
    INDUSTRY = "industry", _("工矿商贸")
    TOURISM = "tourism", _("文体旅游")
    EQUIPMENT = "equipment", _("特种设备")
    CHEMICALS = "chemicals", _("危险化学品")
    FIREWORKS = "fireworks", _("烟花爆竹")


class CampaignStatus(models.TextChoices):
    ACTIVE = "active", _("进行中")
    CLOSED = "closed", _("已总结")


class Campaign(models.Model):
    """A sector campaign (专项整治): scope, period, targets, tasks per department, closing report."""

    SCOPE = ScopeSpec(territory="jurisdiction", department="lead")

    title = models.CharField(_("专项整治名称"), max_length=200)
    field = models.CharField(_("领域"), max_length=16, choices=CampaignField.choices)
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("范围"), on_delete=models.PROTECT,
                                     related_name="+")
    lead = models.ForeignKey("orgs.Department", verbose_name=_("牵头部门"), on_delete=models.PROTECT, related_name="+")
    sector_codes = models.JSONField(_("行业"), default=list, blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    goals = models.TextField(_("工作目标"), blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.ACTIVE)
    summary = models.TextField(_("工作总结"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("专项整治")
        verbose_name_plural = _("专项整治")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title


class CampaignTarget(models.Model):
    SCOPE = ScopeSpec(territory="campaign__jurisdiction", department="campaign__lead", enterprise="enterprise")

    campaign = models.ForeignKey(Campaign, verbose_name=_("专项整治"), on_delete=models.CASCADE, related_name="targets")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("整治对象")
        verbose_name_plural = _("整治对象")
        constraints = [models.UniqueConstraint(fields=["campaign", "enterprise"], name="enf_campaign_target")]

    def __str__(self) -> str:
        return str(self.enterprise)


class CampaignTask(models.Model):
    """A task of the campaign given to one department; a to-do in that department's inbox."""

    SCOPE = ScopeSpec(territory="campaign__jurisdiction", department="department")

    campaign = models.ForeignKey(Campaign, verbose_name=_("专项整治"), on_delete=models.CASCADE, related_name="tasks")
    department = models.ForeignKey("orgs.Department", verbose_name=_("责任部门"), on_delete=models.PROTECT,
                                   related_name="+")
    title = models.CharField(_("任务"), max_length=200)
    due_on = models.DateField(_("完成时限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    report = models.TextField(_("完成情况"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("整治任务")
        verbose_name_plural = _("整治任务")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class Policy(models.Model):
    """What a city sets for its enforcement (the settings page 执法设置): the "较大数额罚款" that
    gives the party a right to a hearing (行政处罚法 Art. 63(1)(1)) is set by each province; a city
    without a row uses the defaults of ``rules.enforcement`` (原安监总局令第15号 Art. 33(2))."""

    SCOPE = ScopeSpec(territory="jurisdiction")

    jurisdiction = models.OneToOneField("orgs.Jurisdiction", verbose_name=_("辖区"), on_delete=models.CASCADE,
                                        related_name="+")
    hearing_fine_individual = models.DecimalField(
        _("听证：对个人较大数额罚款(元)"), max_digits=12, decimal_places=2, default=enforcement_rules.HEARING_FINE_INDIVIDUAL,
        help_text=_("罚款达到此数额（含本数）的，告知当事人有要求听证的权利"))
    hearing_fine_organisation = models.DecimalField(
        _("听证：对单位较大数额罚款(元)"), max_digits=12, decimal_places=2,
        default=enforcement_rules.HEARING_FINE_ORGANISATION,
        help_text=_("罚款达到此数额（含本数）的，告知当事人有要求听证的权利"))
    hearing_fine_basis = models.CharField(
        _("较大数额的依据"), max_length=200, blank=True,
        help_text=_("本省规定较大数额的文件和条款；未填写时按原国家安全监管总局令第15号第三十三条的默认数额"))

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("执法设置")
        verbose_name_plural = _("执法设置")

    def __str__(self) -> str:
        return str(self.jurisdiction)
