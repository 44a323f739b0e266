"""Emergency management (plan section 八, items 32–36): plans and their filing, teams, experts,
shelters, warehouses with an append-only stock ledger, drills, incidents and CAP alerts.

Every row is scoped like the rest of the platform: an enterprise's rows by its enterprise,
territory, sector and regulator; a government body's rows by its jurisdiction and department.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anjian.audit.history import HistoryBase
from anjian.core.scoping import RestrictedQuerySet, ScopeSpec

UNIT_SCOPE = ScopeSpec(territory="jurisdiction", sector="sector", department="department", enterprise="enterprise")


class PlanType(models.TextChoices):
    """预案管理办法 Art. 6; values map to ``anjian.rules.emergency.PLAN_TYPES``."""

    COMPREHENSIVE = "comprehensive", _("综合应急预案")
    SPECIAL = "special", _("专项应急预案")
    ONSITE = "onsite", _("现场处置方案")


RULE_PLAN_TYPE = {PlanType.COMPREHENSIVE: "综合", PlanType.SPECIAL: "专项", PlanType.ONSITE: "现场处置"}


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("编制中")
    PUBLISHED = "published", _("已公布")
    SUBMITTED = "submitted", _("备案审查中")
    RETURNED = "returned", _("备案退回补正")
    FILED = "filed", _("已备案")
    SUPERSEDED = "superseded", _("已废止")


class ReviewKind(models.TextChoices):
    REVIEW = "review", _("评审")
    ARGUMENT = "argument", _("论证")


class UnitKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("生产经营单位")
    GOVERNMENT = "government", _("政府及部门")


class EmergencyPlan(models.Model):
    SCOPE = UNIT_SCOPE

    owner_kind = models.CharField(_("编制单位类型"), max_length=12, choices=UnitKind.choices)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("生产经营单位"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="emergency_plans")
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    sector = models.ForeignKey("orgs.Sector", verbose_name=_("行业"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("orgs.Department", verbose_name=_("部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    plan_type = models.CharField(_("预案类型"), max_length=16, choices=PlanType.choices)
    title = models.CharField(_("预案名称"), max_length=200)
    version = models.PositiveIntegerField(_("版本"), default=1)
    previous = models.ForeignKey("self", verbose_name=_("上一版本"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    accident_types = models.JSONField(_("涵盖的事故类型"), default=list, blank=True)
    summary = models.TextField(_("预案简本"), blank=True)
    response_card = models.TextField(_("应急处置卡"), blank=True)
    signed_by = models.CharField(_("签署人（主要负责人）"), max_length=50, blank=True)
    published_on = models.DateField(_("公布日期"), null=True, blank=True)
    must_file = models.BooleanField(_("须备案"), default=False)
    filing_due = models.DateField(_("备案期限"), null=True, blank=True)
    filing_department = models.ForeignKey("orgs.Department", verbose_name=_("备案受理部门"), null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")
    filing_jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("备案受理属地"), null=True,
                                            blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_on = models.DateField(_("提交备案日期"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    check_due = models.DateField(_("审查期限"), null=True, blank=True)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    filing_number = models.CharField(_("备案编号"), max_length=60, blank=True)
    filed_by_default = models.BooleanField(_("逾期未审查视为备案"), default=False)
    return_reason = models.TextField(_("退回补正事项"), blank=True)
    last_evaluated_on = models.DateField(_("上次评估日期"), null=True, blank=True)
    evaluation_due = models.DateField(_("下次评估期限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("应急预案")
        verbose_name_plural = _("应急预案")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["enterprise", "status"], name="em_plan_ent_status"),
            models.Index(fields=["jurisdiction", "id"], name="em_plan_jur_id"),
            models.Index(fields=["status", "filing_due"], name="em_plan_status_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def unit_name(self) -> str:
        if self.enterprise_id:
            return self.enterprise.name
        return self.department.name if self.department_id else self.jurisdiction.name

    @property
    def is_government(self) -> bool:
        return self.owner_kind == UnitKind.GOVERNMENT

    @property
    def filing_overdue(self) -> bool:
        return bool(self.status in (PlanStatus.PUBLISHED, PlanStatus.RETURNED) and self.filing_due
                    and self.filing_due < timezone.localdate())


class PlanReview(models.Model):
    """A review (评审) or argumentation (论证) of a plan draft (预案管理办法 Art. 21–23)."""

    SCOPE = ScopeSpec(territory="plan__jurisdiction", sector="plan__sector", department="plan__department",
                      enterprise="plan__enterprise")
    plan = models.ForeignKey(EmergencyPlan, verbose_name=_("预案"), on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(_("方式"), max_length=10, choices=ReviewKind.choices)
    held_on = models.DateField(_("日期"))
    experts = models.CharField(_("评审专家"), max_length=300, blank=True)
    conclusion = models.TextField(_("评审意见"))
    passed = models.BooleanField(_("通过"), default=True)
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.kind} {self.held_on}"


class RevisionTrigger(models.Model):
    """An event after which a plan is to be revised (预案管理办法 Art. 36)."""

    SCOPE = ScopeSpec(territory="plan__jurisdiction", sector="plan__sector", department="plan__department",
                      enterprise="plan__enterprise")
    plan = models.ForeignKey(EmergencyPlan, verbose_name=_("预案"), on_delete=models.CASCADE,
                             related_name="revision_triggers")
    code = models.CharField(_("修订情形"), max_length=12)
    note = models.TextField(_("说明"), blank=True)
    raised_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    due_on = models.DateField(_("修订期限"))
    resolved_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.code


class TeamKind(models.TextChoices):
    GENERAL = "general", _("综合应急救援队伍")
    PROFESSIONAL = "professional", _("专业应急救援队伍")
    EXPERT = "expert", _("专家咨询队伍")
    VOLUNTEER = "volunteer", _("志愿者队伍")


class Readiness(models.TextChoices):
    READY = "ready", _("随时可出动")
    STANDBY = "standby", _("待命")
    UNAVAILABLE = "unavailable", _("不可出动")


class Team(models.Model):
    SCOPE = UNIT_SCOPE
    name = models.CharField(_("队伍名称"), max_length=200)
    kind = models.CharField(_("队伍类型"), max_length=16, choices=TeamKind.choices)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("所属单位"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    sector = models.ForeignKey("orgs.Sector", verbose_name=_("行业"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("orgs.Department", verbose_name=_("主管部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    specialties = models.CharField(_("专长"), max_length=300, blank=True)
    equipment = models.TextField(_("主要装备"), blank=True)
    leader = models.CharField(_("负责人"), max_length=50, blank=True)
    phone = models.CharField(_("值班电话"), max_length=30, blank=True)
    address = models.CharField(_("驻地"), max_length=300, blank=True)
    lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)
    readiness = models.CharField(_("战备状态"), max_length=12, choices=Readiness.choices, default=Readiness.READY)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["lat", "lng"], name="em_team_latlng")]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    SCOPE = ScopeSpec(territory="team__jurisdiction", sector="team__sector", department="team__department",
                      enterprise="team__enterprise")
    team = models.ForeignKey(Team, verbose_name=_("队伍"), on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("职务"), max_length=50, blank=True)
    specialty = models.CharField(_("专长"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    certified = models.BooleanField(_("经培训考核合格"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Expert(models.Model):
    SCOPE = ScopeSpec(territory="jurisdiction", department="department")
    name = models.CharField(_("姓名"), max_length=50)
    specialties = models.CharField(_("专业领域"), max_length=300)
    organisation = models.CharField(_("工作单位"), max_length=200, blank=True)
    title = models.CharField(_("职称"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("所在地"), on_delete=models.PROTECT,
                                     related_name="+")
    department = models.ForeignKey("orgs.Department", verbose_name=_("管理部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["lat", "lng"], name="em_expert_latlng")]

    def __str__(self) -> str:
        return self.name


class Shelter(models.Model):
    SCOPE = ScopeSpec(territory="jurisdiction", department="department")
    name = models.CharField(_("避难场所"), max_length=200)
    capacity = models.PositiveIntegerField(_("容纳人数"), default=0)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    department = models.ForeignKey("orgs.Department", verbose_name=_("管理部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["lat", "lng"], name="em_shelter_latlng")]

    def __str__(self) -> str:
        return self.name


class Warehouse(models.Model):
    SCOPE = UNIT_SCOPE
    name = models.CharField(_("仓库名称"), max_length=200)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("所属单位"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    sector = models.ForeignKey("orgs.Sector", verbose_name=_("行业"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("orgs.Department", verbose_name=_("管理部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    keeper = models.CharField(_("保管人"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["lat", "lng"], name="em_wh_latlng")]

    def __str__(self) -> str:
        return self.name


class Stock(models.Model):
    """One material in one warehouse: its minimum and the running balance, which always equals the
    sum of its movements (the row is locked by every movement, so parallel issues serialise)."""

    SCOPE = ScopeSpec(territory="warehouse__jurisdiction", sector="warehouse__sector",
                      department="warehouse__department", enterprise="warehouse__enterprise")
    warehouse = models.ForeignKey(Warehouse, verbose_name=_("仓库"), on_delete=models.PROTECT, related_name="stocks")
    material = models.CharField(_("物资名称"), max_length=100)
    unit = models.CharField(_("计量单位"), max_length=10)
    minimum = models.DecimalField(_("最低储备"), max_digits=14, decimal_places=2, default=0)
    balance = models.DecimalField(_("结存"), max_digits=14, decimal_places=2, default=0)
    expires_on = models.DateField(_("最近到期日"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["material", "id"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "material"], name="em_stock_wh_material"),
            models.CheckConstraint(condition=models.Q(balance__gte=0), name="em_stock_balance_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.warehouse.name} {self.material}"

    @property
    def below_minimum(self) -> bool:
        return self.balance < self.minimum

    @property
    def expired(self) -> bool:
        return bool(self.expires_on and self.expires_on < timezone.localdate())


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("入库")
    ISSUE = "issue", _("出库")
    TRANSFER_OUT = "transfer_out", _("调出")
    TRANSFER_IN = "transfer_in", _("调入")
    COUNT = "count", _("盘点差异")


class StockMovement(models.Model):
    """Append-only: a movement is never changed or deleted; a mistake is corrected by another one."""

    SCOPE = ScopeSpec(territory="stock__warehouse__jurisdiction", sector="stock__warehouse__sector",
                      department="stock__warehouse__department", enterprise="stock__warehouse__enterprise")
    stock = models.ForeignKey(Stock, verbose_name=_("库存"), on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("类型"), max_length=14, choices=MovementKind.choices)
    quantity = models.DecimalField(_("数量（增减）"), max_digits=14, decimal_places=2)
    balance_after = models.DecimalField(_("结存"), max_digits=14, decimal_places=2)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    counterpart = models.ForeignKey("self", verbose_name=_("对应调拨"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey("Incident", verbose_name=_("事件"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("说明"), max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity}"


class DrillContent(models.TextChoices):
    """AQ/T 9007-2019: by content."""

    COMPREHENSIVE = "comprehensive", _("综合演练")
    SINGLE = "single", _("单项演练")


class DrillForm(models.TextChoices):
    LIVE = "live", _("实战演练")
    TABLETOP = "tabletop", _("桌面演练")


class DrillPurpose(models.TextChoices):
    TEST = "test", _("检验性")
    DEMONSTRATION = "demonstration", _("示范性")
    RESEARCH = "research", _("研究性")


class DrillTopic(models.TextChoices):
    """What the drill exercised besides the plan: the work plan's item 35 fire and technical drills."""

    PLAN = "plan", _("预案演练")
    FIRE = "fire", _("消防安全演练")
    TECHNICAL = "technical", _("专业技术安全演练")


class Drill(models.Model):
    SCOPE = UNIT_SCOPE
    plan = models.ForeignKey(EmergencyPlan, verbose_name=_("演练预案"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="drills")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("单位"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    sector = models.ForeignKey("orgs.Sector", verbose_name=_("行业"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("orgs.Department", verbose_name=_("部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("演练名称"), max_length=200)
    topic = models.CharField(_("演练类别"), max_length=12, choices=DrillTopic.choices, default=DrillTopic.PLAN)
    content = models.CharField(_("演练内容"), max_length=16, choices=DrillContent.choices)
    form = models.CharField(_("演练形式"), max_length=10, choices=DrillForm.choices)
    purpose = models.CharField(_("演练目的"), max_length=16, choices=DrillPurpose.choices, default=DrillPurpose.TEST)
    held_on = models.DateField(_("演练日期"))
    participants = models.PositiveIntegerField(_("参演人数"), default=0)
    evaluation = models.TextField(_("评估报告"), blank=True)
    problems = models.TextField(_("发现的问题"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["plan", "held_on"], name="em_drill_plan_day")]

    def __str__(self) -> str:
        return self.title


class IncidentSource(models.TextChoices):
    ACCIDENT = "accident", _("事故报告")
    ALARM = "alarm", _("监测报警")
    CAP = "cap", _("外部预警")
    DIRECT = "direct", _("直接录入")


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("处置中")
    CLOSED = "closed", _("已结束")


class Incident(models.Model):
    SCOPE = UNIT_SCOPE
    source = models.CharField(_("来源"), max_length=10, choices=IncidentSource.choices)
    accident = models.ForeignKey("accidents.Accident", verbose_name=_("事故"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    alarm = models.ForeignKey("monitoring.Alarm", verbose_name=_("报警"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("事件名称"), max_length=200)
    description = models.TextField(_("事件概况"), blank=True)
    needs = models.CharField(_("所需物资"), max_length=200, blank=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("涉事单位"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+")
    sector = models.ForeignKey("orgs.Sector", verbose_name=_("行业"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("orgs.Department", verbose_name=_("行业监管部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("地点"), max_length=300, blank=True)
    lng = models.FloatField(_("经度(WGS-84)"))
    lat = models.FloatField(_("纬度(WGS-84)"))
    commander = models.CharField(_("现场指挥"), max_length=50, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=IncidentStatus.choices, default=IncidentStatus.OPEN)
    opened_at = models.DateTimeField(_("启动时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    review = models.TextField(_("处置评估"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    automatic = models.BooleanField(_("自动启动"), default=False)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("应急事件")
        verbose_name_plural = _("应急事件")
        ordering = ["-id"]
        constraints = [
            # one incident per accident and per alarm: opening it again (by hand or automatically) finds it
            models.UniqueConstraint(fields=["accident"], condition=models.Q(accident__isnull=False),
                                    name="em_incident_one_per_accident"),
            models.UniqueConstraint(fields=["alarm"], condition=models.Q(alarm__isnull=False),
                                    name="em_incident_one_per_alarm"),
        ]

    def __str__(self) -> str:
        return self.title


class LogKind(models.TextChoices):
    DISPATCH = "dispatch", _("调派")
    UPDATE = "update", _("态势更新")
    ARRIVAL = "arrival", _("到场")


class IncidentLog(models.Model):
    SCOPE = ScopeSpec(territory="incident__jurisdiction", sector="incident__sector",
                      department="incident__department", enterprise="incident__enterprise")
    incident = models.ForeignKey(Incident, verbose_name=_("事件"), on_delete=models.CASCADE, related_name="logs")
    kind = models.CharField(_("类型"), max_length=10, choices=LogKind.choices)
    team = models.ForeignKey(Team, verbose_name=_("队伍"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    text = models.TextField(_("内容"))
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text[:50]


URGENCY_CHOICES = [("Immediate", _("立即")), ("Expected", _("预期（1小时内）")), ("Future", _("将来")),
                   ("Past", _("已过去")), ("Unknown", _("未知"))]
SEVERITY_CHOICES = [("Extreme", _("特别严重")), ("Severe", _("严重")), ("Moderate", _("较重")), ("Minor", _("一般")),
                    ("Unknown", _("未知"))]
CERTAINTY_CHOICES = [("Observed", _("已发生")), ("Likely", _("很可能")), ("Possible", _("可能")),
                     ("Unlikely", _("不太可能")), ("Unknown", _("未知"))]


MSG_TYPE_CHOICES = [("Alert", _("首发")), ("Update", _("更新")), ("Cancel", _("取消"))]


class AlertDirection(models.TextChoices):
    OUT = "out", _("发布")
    IN = "in", _("接收")


class AlertStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已审核")
    PUBLISHED = "published", _("已发布")
    RECEIVED = "received", _("已接收")


class CapAlert(models.Model):
    """A CAP 1.2 alert, written here (``out``) or received (``in``). ``xml`` holds the message as
    published or as received; an Update or Cancel names the original in ``references``."""

    SCOPE = ScopeSpec(territory="jurisdiction", department="department")
    direction = models.CharField(_("方向"), max_length=4, choices=AlertDirection.choices)
    identifier = models.CharField(_("标识符"), max_length=200, unique=True)
    sender = models.CharField(_("发布者"), max_length=200)
    sent = models.DateTimeField(_("发送时间"), null=True, blank=True)
    msg_type = models.CharField(_("消息类型"), max_length=8, default="Alert", choices=MSG_TYPE_CHOICES)
    original = models.ForeignKey("self", verbose_name=_("原预警"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="followups")
    references = models.TextField(_("引用"), blank=True)
    event = models.CharField(_("事件"), max_length=100)
    category = models.CharField(_("类别"), max_length=10, default="Safety")
    urgency = models.CharField(_("紧迫程度"), max_length=10, choices=URGENCY_CHOICES)
    severity = models.CharField(_("严重程度"), max_length=10, choices=SEVERITY_CHOICES)
    certainty = models.CharField(_("确定程度"), max_length=10, choices=CERTAINTY_CHOICES)
    headline_zh = models.CharField(_("标题（中文）"), max_length=200)
    headline_en = models.CharField(_("标题（英文）"), max_length=200, blank=True)
    description_zh = models.TextField(_("描述（中文）"), blank=True)
    description_en = models.TextField(_("描述（英文）"), blank=True)
    instruction_zh = models.TextField(_("防御指引（中文）"), blank=True)
    instruction_en = models.TextField(_("防御指引（英文）"), blank=True)
    area_desc = models.CharField(_("影响区域"), max_length=300)
    polygons = models.JSONField(_("多边形"), default=list, blank=True)
    circles = models.JSONField(_("圆形区域"), default=list, blank=True)
    effective = models.DateTimeField(_("生效时间"), null=True, blank=True)
    expires = models.DateTimeField(_("失效时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=AlertStatus.choices, default=AlertStatus.DRAFT)
    xml = models.TextField(_("CAP 报文"), blank=True)
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("发布/接收单位属地"),
                                     on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("orgs.Department", verbose_name=_("部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("编写人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["direction", "status", "expires"], name="em_cap_dir_status")]

    def __str__(self) -> str:
        return self.headline_zh

    @property
    def active(self) -> bool:
        return self.status == AlertStatus.PUBLISHED and self.msg_type != "Cancel" and (
            self.expires is None or self.expires > timezone.now())


class LawKind(models.TextChoices):
    """``anjian.rules.laws.KINDS``."""

    LAW = "law", _("法律")
    REGULATION = "regulation", _("行政法规")
    RULE = "rule", _("部门规章")
    NORMATIVE = "normative", _("规范性文件")
    STANDARD = "standard", _("标准")
    LOCAL = "local", _("地方性法规、规章与文件")


class LawEntry(models.Model):
    """One text of the law library (plan item 32). Entries with a ``key`` come from the catalogue
    ``anjian.rules.laws.LAWS`` (the texts the rules cite); the office adds the local ones. Everyone
    who may view emergency management reads the library (the texts are public)."""

    key = models.CharField(_("编码"), max_length=40, unique=True)
    kind = models.CharField(_("类别"), max_length=12, choices=LawKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    number = models.CharField(_("文号或标准号"), max_length=100, blank=True)
    issuer = models.CharField(_("发布机关"), max_length=200, blank=True)
    issued_on = models.DateField(_("发布日期"), null=True, blank=True)
    effective_on = models.DateField(_("施行日期"))
    repealed_on = models.DateField(_("废止或失效日期"), null=True, blank=True)
    replaced_by = models.ForeignKey("self", verbose_name=_("被替代为"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="replaces")
    summary = models.TextField(_("摘要"), blank=True)
    link = models.URLField(_("全文链接"), blank=True)
    from_catalogue = models.BooleanField(_("规则引用目录"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("法律法规标准")
        verbose_name_plural = _("法律法规标准")
        ordering = ["kind", "-effective_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(repealed_on__isnull=True)
                                   | models.Q(repealed_on__gt=models.F("effective_on")),
                                   name="em_law_repealed_after_effective"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.number}）" if self.number else self.title

    def in_force_on(self, day: Any) -> bool:
        return self.effective_on <= day and (self.repealed_on is None or day < self.repealed_on)

    @property
    def in_force(self) -> bool:
        return self.in_force_on(timezone.localdate())


class DutyShift(models.Model):
    """One shift of an emergency duty roster (值班表, 应急条例 Art. 14): the office of a jurisdiction
    (``department`` empty) or a department; the leader on duty (带班领导) and the officer on duty
    (值班员) with their phones."""

    SCOPE = ScopeSpec(territory="jurisdiction", department="department")
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("值班单位属地"), on_delete=models.PROTECT,
                                     related_name="+")
    department = models.ForeignKey("orgs.Department", verbose_name=_("值班部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    leader = models.CharField(_("带班领导"), max_length=50)
    leader_phone = models.CharField(_("带班领导电话"), max_length=30, blank=True)
    officer = models.CharField(_("值班员"), max_length=50)
    officer_phone = models.CharField(_("值班电话"), max_length=30)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("值班")
        verbose_name_plural = _("值班表")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["jurisdiction", "department", "starts_at"], name="em_duty_unit_start"),
                   models.Index(fields=["starts_at", "ends_at"], name="em_duty_span")]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="em_duty_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.unit_name} {self.officer}"

    @property
    def unit_name(self) -> str:
        return self.department.name if self.department_id else self.jurisdiction.name
