"""Accidents (快报, 续报/补报), misreport findings, investigations and accountability.

Figures stored on ``Accident`` are the ones that count for statistics: the quick report as
corrected by supplements made inside the 条例493 Art. 13 window. Every supplement, counted or
not, is kept as an ``AccidentSupplement`` row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anjian.accidents.choices import (
    AccidentKind,
    Category,
    FollowUp,
    Grade,
    InvestigationStatus,
    Measure,
    Misreport,
    SubjectKind,
    Supervision,
)
from anjian.audit.history import HistoryBase
from anjian.core.rollups import RollupState
from anjian.core.scoping import RestrictedQuerySet, ScopeSpec

ACCIDENT_SCOPE = ScopeSpec(
    territory="jurisdiction", sector="sector", department="department", enterprise="enterprise", creator="created_by"
)


def _via(prefix: str) -> ScopeSpec:
    return ScopeSpec(
        territory=f"{prefix}__jurisdiction",
        sector=f"{prefix}__sector",
        department=f"{prefix}__department",
        enterprise=f"{prefix}__enterprise",
        creator=f"{prefix}__created_by",
    )


class Accident(models.Model):
    """One accident or 较大涉险事故 as reported (快报) and supplemented."""

    SCOPE = ACCIDENT_SCOPE

    kind = models.CharField(_("性质"), max_length=16, choices=AccidentKind.choices, default=AccidentKind.ACCIDENT)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("事故单位（档案）"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="accidents",
    )
    unit_name = models.CharField(_("事故单位"), max_length=200)
    unit_overview = models.TextField(_("单位概况"), blank=True)
    occurred_at = models.DateTimeField(_("发生时间"))
    known_at = models.DateTimeField(_("单位负责人接报时间"))
    reported_at = models.DateTimeField(_("报告时间"))
    place = models.CharField(_("发生地点"), max_length=300)
    lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)
    jurisdiction = models.ForeignKey(
        "orgs.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT, related_name="accidents"
    )
    district = models.ForeignKey(
        "orgs.Jurisdiction", verbose_name=_("所在区"), on_delete=models.PROTECT, related_name="+",
        help_text=_("属地所在的区（统计用）"),
    )
    sector = models.ForeignKey(
        "orgs.Sector", verbose_name=_("行业"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "orgs.Department", verbose_name=_("行业监管部门"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="accidents",
    )
    routing = models.CharField(_("路由依据"), max_length=300, blank=True)
    category = models.CharField(_("事故类别"), max_length=32, choices=Category.choices)
    type_code = models.CharField(_("事故类型代码"), max_length=12)
    type_name = models.CharField(_("事故类型"), max_length=50)
    type_standard = models.CharField(_("分类标准"), max_length=30)
    description = models.TextField(_("事故简要经过"))
    deaths = models.PositiveIntegerField(_("死亡"), default=0)
    missing = models.PositiveIntegerField(_("下落不明"), default=0)
    trapped = models.PositiveIntegerField(_("被困"), default=0)
    serious_injuries = models.PositiveIntegerField(_("重伤（含急性工业中毒）"), default=0)
    minor_injuries = models.PositiveIntegerField(_("轻伤"), default=0)
    people_at_risk = models.PositiveIntegerField(_("涉险人数"), default=0)
    evacuated = models.PositiveIntegerField(_("紧急疏散人数"), default=0)
    serious_pollution = models.BooleanField(_("对环境造成严重污染"), default=False)
    key_site_endangered = models.BooleanField(_("危及重要场所和设施安全"), default=False)
    direct_loss_yuan = models.DecimalField(_("初步估计直接经济损失(元)"), max_digits=16, decimal_places=2, default=0)
    is_imported = models.BooleanField(
        _("导入的历史数据"), default=False,
        help_text=_("由台账或外部数据导入（如 OSHA 死亡事故报告），不是本系统接报的快报：不产生核报待办，统计中可筛选"),
    )
    measures = models.TextField(_("已经采取的措施"), blank=True)
    other = models.TextField(_("其他应当报告的情况"), blank=True)
    reporter = models.CharField(_("报告人"), max_length=50)
    reporter_phone = models.CharField(_("报告人电话"), max_length=30, blank=True)
    grade = models.PositiveSmallIntegerField(_("事故等级"), choices=Grade.choices, null=True, blank=True)
    grade_reason = models.TextField(_("定级依据"), blank=True)
    reported_grade = models.PositiveSmallIntegerField(_("快报时等级"), choices=Grade.choices, null=True, blank=True)
    grade_raised = models.BooleanField(_("续报后等级升高"), default=False)
    report_due_at = models.DateTimeField(_("报告时限"))
    late_minutes = models.PositiveIntegerField(_("迟报分钟数"), null=True, blank=True)
    supervision = models.PositiveSmallIntegerField(_("督办级别"), choices=Supervision.choices, default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    is_synthetic = models.BooleanField(_("合成演示数据"), default=False)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("事故")
        verbose_name_plural = _("事故")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["occurred_at", "id"], name="acc_occurred_id"),
            models.Index(fields=["jurisdiction", "occurred_at"], name="acc_jur_occurred"),
            models.Index(fields=["district", "occurred_at"], name="acc_district_occurred"),
            models.Index(fields=["category", "occurred_at"], name="acc_cat_occurred"),
            models.Index(fields=["sector", "occurred_at"], name="acc_sector_occurred"),
            models.Index(fields=["department", "occurred_at"], name="acc_dept_occurred"),
            models.Index(fields=["grade", "occurred_at"], name="acc_grade_occurred"),
            models.Index(fields=["enterprise", "occurred_at"], name="acc_ent_occurred"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return f"{timezone.localtime(self.occurred_at):%Y-%m-%d} {self.unit_name}{self.type_name}事故"

    @property
    def is_late(self) -> bool:
        return self.late_minutes is not None

    @property
    def injuries(self) -> int:
        return self.serious_injuries + self.minor_injuries

    @property
    def grade_colour(self) -> str:
        return {1: "yellow", 2: "orange", 3: "red", 4: "red"}.get(self.grade or 0, "blue")


class AccidentSupplement(models.Model):
    """One 续报/补报: the new figures and whether they counted (inside the Art. 13 window)."""

    SCOPE = _via("accident")

    accident = models.ForeignKey(Accident, verbose_name=_("事故"), on_delete=models.CASCADE, related_name="supplements")
    changed_on = models.DateField(_("伤亡变化日期"))
    deaths = models.PositiveIntegerField(_("死亡"))
    missing = models.PositiveIntegerField(_("下落不明"))
    trapped = models.PositiveIntegerField(_("被困"))
    serious_injuries = models.PositiveIntegerField(_("重伤"))
    minor_injuries = models.PositiveIntegerField(_("轻伤"))
    direct_loss_yuan = models.DecimalField(_("直接经济损失(元)"), max_digits=16, decimal_places=2)
    counted = models.BooleanField(_("计入统计"))
    window_end = models.DateField(_("补报期限"))
    grade_before = models.PositiveSmallIntegerField(_("原等级"), choices=Grade.choices, null=True, blank=True)
    grade_after = models.PositiveSmallIntegerField(_("新等级"), choices=Grade.choices, null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报告人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("报告时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("续报/补报")
        verbose_name_plural = _("续报/补报")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.accident} · {self._meta.verbose_name} {self.changed_on:%Y-%m-%d}"


class AccidentMisreport(models.Model):
    """A finding that an accident was reported late, incompletely, falsely or concealed."""

    SCOPE = _via("accident")

    accident = models.ForeignKey(Accident, verbose_name=_("事故"), on_delete=models.CASCADE, related_name="misreports")
    kind = models.CharField(_("类型"), max_length=16, choices=Misreport.choices)
    note = models.TextField(_("认定情况"))
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("认定人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    found_at = models.DateTimeField(_("认定时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("迟报/漏报/谎报/瞒报认定")
        verbose_name_plural = _("迟报/漏报/谎报/瞒报认定")
        ordering = ["found_at", "id"]

    def __str__(self) -> str:
        return f"{self.accident} · {self.get_kind_display()}"


class Investigation(models.Model):
    """The investigation of one accident, from the team's set-up to closure (结案)."""

    SCOPE = _via("accident")

    accident = models.OneToOneField(Accident, verbose_name=_("事故"), on_delete=models.CASCADE, related_name="investigation")
    status = models.CharField(
        _("状态"), max_length=16, choices=InvestigationStatus.choices, default=InvestigationStatus.INVESTIGATING
    )
    lead_jurisdiction = models.ForeignKey(
        "orgs.Jurisdiction", verbose_name=_("组织调查的政府"), on_delete=models.PROTECT, related_name="+"
    )
    team_leader = models.CharField(_("调查组组长"), max_length=50)
    team_members = models.TextField(_("调查组成员"), blank=True, help_text=_("每行一人：姓名、单位、职务"))
    started_on = models.DateField(_("成立日期"))
    extension_days = models.PositiveSmallIntegerField(_("批准延长天数"), default=0)
    appraisal_days = models.PositiveSmallIntegerField(_("技术鉴定天数（不计入调查期限）"), default=0)
    appraisal_started_on = models.DateField(_("技术鉴定开始日期"), null=True, blank=True)
    due_on = models.DateField(_("调查报告期限"))
    report_submitted_on = models.DateField(_("调查报告提交日期"), null=True, blank=True)
    reply_due_on = models.DateField(_("批复期限"), null=True, blank=True)
    replied_on = models.DateField(_("批复日期"), null=True, blank=True)
    reply_text = models.TextField(_("批复意见"), blank=True)
    published_on = models.DateField(_("调查报告公开日期"), null=True, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("立案人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("事故调查")
        verbose_name_plural = _("事故调查")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.accident.title}调查"

    @property
    def is_published(self) -> bool:
        return self.published_on is not None


class RectificationMeasure(models.Model):
    """A rectification or preventive measure required by the reply; closure needs all done."""

    SCOPE = _via("investigation__accident")

    investigation = models.ForeignKey(
        Investigation, verbose_name=_("事故调查"), on_delete=models.CASCADE, related_name="measures"
    )
    text = models.TextField(_("整改措施"))
    responsible = models.CharField(_("责任单位"), max_length=200)
    due_on = models.DateField(_("完成期限"), null=True, blank=True)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    evidence_note = models.TextField(_("落实情况"), blank=True)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("整改措施")
        verbose_name_plural = _("整改措施")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:50]


class Accountability(models.Model):
    """A person or unit held responsible, the measure taken and its follow-up."""

    SCOPE = _via("accident")

    accident = models.ForeignKey(
        Accident, verbose_name=_("事故"), on_delete=models.CASCADE, related_name="accountabilities"
    )
    subject_kind = models.CharField(_("对象类型"), max_length=8, choices=SubjectKind.choices)
    name = models.CharField(_("姓名/单位名称"), max_length=200)
    position = models.CharField(_("职务/性质"), max_length=200, blank=True)
    measure = models.CharField(_("处理措施"), max_length=16, choices=Measure.choices)
    fine_yuan = models.DecimalField(_("罚款金额(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    detail = models.TextField(_("处理情况"), blank=True)
    follow_up = models.CharField(_("落实情况"), max_length=12, choices=FollowUp.choices, default=FollowUp.PENDING)
    follow_up_note = models.TextField(_("落实说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("责任追究")
        verbose_name_plural = _("责任追究")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} {self.get_measure_display()}"


class ReferenceFigure(models.Model):
    """Denominators of the indicators for one year and area, entered by the offices."""

    SCOPE = ScopeSpec(territory="jurisdiction", creator="entered_by")

    year = models.PositiveSmallIntegerField(_("年度"))
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    gdp_yi_yuan = models.DecimalField(_("地区生产总值(亿元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    industrial_employed = models.PositiveIntegerField(_("工矿商贸就业人员(人)"), null=True, blank=True)
    motor_vehicles = models.PositiveIntegerField(_("机动车保有量(辆)"), null=True, blank=True)
    source = models.CharField(_("数据来源"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("统计参考数据")
        verbose_name_plural = _("统计参考数据")
        ordering = ["-year", "jurisdiction__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "jurisdiction"], name="accidents_reference_unique",
                violation_error_message=_("同一年度同一区域只能有一条参考数据"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.jurisdiction}"


class TargetMetric(models.TextChoices):
    DEATHS = "deaths", _("死亡人数")
    LARGER = "larger", _("较大及以上事故起数")


class ControlTarget(models.Model):
    """An annual control target (控制指标) of one area, for one category or all ("").

    A target either belongs to an area (``department`` empty: the accidents in the area's
    territory count) or to a sector regulator of that area (``department`` set: the accidents
    routed to that department inside the area count) — the two ways a city quota is split."""

    SCOPE = ScopeSpec(territory="jurisdiction", department="department", creator="set_by")

    year = models.PositiveSmallIntegerField(_("年度"))
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "orgs.Department", verbose_name=_("行业监管部门"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("留空为区域指标；填写则只统计该部门监管的事故"),
    )
    category = models.CharField(_("事故类别"), max_length=32, choices=Category.choices, blank=True,
                                help_text=_("留空为全部类别"))
    metric = models.CharField(_("指标"), max_length=8, choices=TargetMetric.choices)
    quota = models.PositiveIntegerField(_("控制数"))
    amber_ratio = models.DecimalField(_("黄色预警比例"), max_digits=4, decimal_places=2, default=0.8)
    red_ratio = models.DecimalField(_("红色预警比例"), max_digits=4, decimal_places=2, default=1)
    parent = models.ForeignKey("self", verbose_name=_("上级指标"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="children")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("下达人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("事故控制指标")
        verbose_name_plural = _("事故控制指标")
        ordering = ["year", "jurisdiction__path", "department__name", "category", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "jurisdiction", "category", "metric"], condition=models.Q(department__isnull=True),
                name="accidents_target_unique",
                violation_error_message=_("同一年度、区域、类别的同一指标只能有一条"),
            ),
            models.UniqueConstraint(
                fields=["year", "jurisdiction", "department", "category", "metric"],
                condition=models.Q(department__isnull=False), name="accidents_target_dept_unique",
                violation_error_message=_("同一年度、部门、类别的同一指标只能有一条"),
            ),
            models.CheckConstraint(
                condition=models.Q(amber_ratio__gt=0, amber_ratio__lte=models.F("red_ratio")),
                name="accidents_target_ratios",
                violation_error_message=_("须 0 < 黄色预警比例 ≤ 红色预警比例"),
            ),
        ]

    def __str__(self) -> str:
        return (f"{self.year} {self.owner_name} {self.get_category_display() or '全部'} "
                f"{self.get_metric_display()} ≤ {self.quota}")

    @property
    def owner_name(self) -> str:
        """The area's name, or the department's (short) name for a department target."""
        if self.department_id:
            return self.department.short_name or self.department.name
        return self.jurisdiction.name


def _report_path(instance: MonthlyReport, filename: str) -> str:
    return f"accidents/monthly/{instance.year}/{filename}"


class MonthlyReport(models.Model):
    """One generated 安全生产事故月报 of an area and month: the Word document and the Excel workbook
    of its tables. Regenerating replaces the files and keeps the document number."""

    SCOPE = ScopeSpec(territory="jurisdiction")

    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("标题"), max_length=200)
    number = models.CharField(_("文号"), max_length=80, blank=True)
    issuer = models.CharField(_("发文机关"), max_length=200)
    docx = models.FileField(_("Word 文档"), upload_to=_report_path, blank=True)
    xlsx = models.FileField(_("Excel 数据表"), upload_to=_report_path, blank=True)
    summary = models.JSONField(_("主要数据"), default=dict, blank=True)
    generated_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("生成人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    generations = models.PositiveIntegerField(_("生成次数"), default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("事故月报")
        verbose_name_plural = _("事故月报")
        ordering = ["-year", "-month", "jurisdiction__path"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month", "jurisdiction"], name="accidents_monthly_unique",
                                    violation_error_message=_("同一区域同一月份只有一份月报"))
        ]

    def __str__(self) -> str:
        return self.title


class AccidentRollup(models.Model):
    """Monthly accident figures for the statistics, written only by ``anjian.accidents.rollup`` (see
    its docstring for the design and why the figures stay exact). One row per local month of
    ``occurred_at`` × kind × territory (the accident's jurisdiction rolled up to the district, or
    its own when that is the city) × district × sector (its GB/T 4754 division, or its section) × sector
    regulator × category × type × grade × origin. The key columns carry ``Accident``'s field
    names, so the scoping and the statistics filters apply to both unchanged."""

    SCOPE = ScopeSpec(territory="jurisdiction", sector="sector", department="department")

    month = models.DateField(_("月份"))
    kind = models.CharField(_("性质"), max_length=16, choices=AccidentKind.choices)
    jurisdiction = models.ForeignKey(
        "orgs.Jurisdiction", verbose_name=_("属地"), on_delete=models.DO_NOTHING, db_constraint=False,
        db_index=False, related_name="+",
    )
    district = models.ForeignKey(
        "orgs.Jurisdiction", verbose_name=_("所在区"), on_delete=models.DO_NOTHING, db_constraint=False,
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
    category = models.CharField(_("事故类别"), max_length=32, choices=Category.choices)
    type_code = models.CharField(_("事故类型代码"), max_length=12)
    grade = models.PositiveSmallIntegerField(_("事故等级"), choices=Grade.choices, null=True)
    is_imported = models.BooleanField(_("导入的历史数据"), default=False)
    accidents = models.PositiveIntegerField(_("起数"))
    deaths = models.PositiveIntegerField(_("死亡"))
    missing = models.PositiveIntegerField(_("下落不明"))
    serious_injuries = models.PositiveIntegerField(_("重伤"))
    minor_injuries = models.PositiveIntegerField(_("轻伤"))
    loss_yuan = models.DecimalField(_("直接经济损失(元)"), max_digits=20, decimal_places=2)
    investigations = models.PositiveIntegerField(_("立案调查"))
    closed = models.PositiveIntegerField(_("已结案"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("事故统计汇总")
        verbose_name_plural = _("事故统计汇总")
        indexes = [models.Index(fields=["month"], name="acc_rollup_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.jurisdiction_id} {self.category} {self.grade}"


class AccidentRollupHot(models.Model):
    """Accidents (or their investigations) changed in the margin before the last refresh: left
    out of ``AccidentRollup`` and counted live (``anjian.accidents.rollup``)."""

    accident_id = models.BigIntegerField(_("事故"), primary_key=True)

    class Meta:
        verbose_name = _("事故统计汇总")
        verbose_name_plural = _("事故统计汇总")

    def __str__(self) -> str:
        return str(self.accident_id)


class AccidentRollupState(RollupState):
    """The last refresh of ``AccidentRollup`` (one row)."""

    keys = models.CharField(_("汇总键版本"), max_length=32, blank=True,
                            help_text=_("属地与行业归并表的摘要：此后区划或行业调整则改为实时统计"))

    class Meta:
        verbose_name = _("事故统计汇总")
        verbose_name_plural = _("事故统计汇总")
