"""Safety investment (plan section 五): the government's special fund ledger, the enterprises' own
安全生产费用, custody (托管) of small firms and the adoption of safety technology.

The fund ledger is append-only: a budget line's money goes to allocations (districts, projects),
allocations are spent by entries carrying a voucher; a correction is a reversal (a row with the
negative amount that points at the row it cancels) followed by a new row, so the ledger always
balances (allocated = spent + remaining) and keeps what was first written.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anjian.audit.history import HistoryBase
from anjian.core.scoping import RestrictedQuerySet, ScopeSpec

MONEY = {"max_digits": 14, "decimal_places": 2}
_ENT_SCOPE = ScopeSpec(territory="enterprise__jurisdiction", sector="enterprise__sector",
                       department="enterprise__department", enterprise="enterprise")


def _by() -> models.ForeignKey:
    return models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")


# --------------------------------------------------------------------------- the special fund


class FundLine(models.Model):
    """A budget line of the yearly safety special fund (安全生产专项经费), held by a jurisdiction."""

    SCOPE = ScopeSpec(territory="owner")

    year = models.PositiveIntegerField(_("年度"))
    code = models.CharField(_("科目编码"), max_length=30)
    name = models.CharField(_("预算科目"), max_length=200)
    amount = models.DecimalField(_("预算金额（元）"), **MONEY)
    owner = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("资金管理辖区"), on_delete=models.PROTECT,
                              related_name="+")
    created_by = _by()
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("专项经费预算科目")
        verbose_name_plural = _("专项经费预算科目")
        ordering = ["-year", "code"]
        constraints = [models.UniqueConstraint(fields=["owner", "year", "code"], name="funds_line_code")]

    def __str__(self) -> str:
        return f"{self.year} {self.code} {self.name}"


class FundAllocation(models.Model):
    """Money of a line given to a district (or the city itself) for a project; a reversal has the
    negative amount and points at the allocation it cancels."""

    SCOPE = ScopeSpec(territory="jurisdiction")

    line = models.ForeignKey(FundLine, verbose_name=_("预算科目"), on_delete=models.PROTECT, related_name="allocations")
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("下达辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    project = models.CharField(_("项目"), max_length=200)
    amount = models.DecimalField(_("下达金额（元）"), **MONEY)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    reverses = models.OneToOneField("self", verbose_name=_("冲销对象"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="reversed_by")
    created_by = _by()
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("经费下达")
        verbose_name_plural = _("经费下达")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.project} {self.amount}"


class FundSpending(models.Model):
    """A payment out of an allocation, with its voucher (number, and scans as attachments with the
    role ``voucher``); a reversal has the negative amount."""

    SCOPE = ScopeSpec(territory="allocation__jurisdiction")
    ATTACHMENT_ACTION = "funds.manage"  # voucher scans are read by those who keep the ledger

    allocation = models.ForeignKey(FundAllocation, verbose_name=_("经费下达"), on_delete=models.PROTECT,
                                   related_name="spendings")
    spent_on = models.DateField(_("支出日期"))
    amount = models.DecimalField(_("支出金额（元）"), **MONEY)
    voucher_no = models.CharField(_("凭证号"), max_length=60)
    payee = models.CharField(_("收款单位"), max_length=200, blank=True)
    purpose = models.CharField(_("用途"), max_length=300)
    reverses = models.OneToOneField("self", verbose_name=_("冲销对象"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="reversed_by")
    created_by = _by()
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("经费支出")
        verbose_name_plural = _("经费支出")
        ordering = ["-spent_on", "-id"]

    def __str__(self) -> str:
        return f"{self.voucher_no} {self.amount}"


# --------------------------------------------------------------------------- enterprises' safety cost


class CostRegime(models.TextChoices):
    HAZARDOUS_GOODS = "hazardous_goods", _("危险品生产与储存")
    CONSTRUCTION = "construction", _("建设工程施工")
    TRANSPORT = "transport", _("交通运输")
    OTHER = "other", _("其他行业")


class SafetyCostYear(models.Model):
    """An enterprise's 安全生产费用 of one year: the base, what the standard requires, what was
    extracted and carried over (财资〔2022〕136号)."""

    SCOPE = _ENT_SCOPE

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="+")
    year = models.PositiveIntegerField(_("年度"))
    regime = models.CharField(_("提取类别"), max_length=20, choices=CostRegime.choices)
    category = models.CharField(_("细分类别"), max_length=30, blank=True)
    base = models.DecimalField(_("计提依据（元）"), **MONEY, help_text=_("上年度营业收入或建筑安装工程造价"))
    required = models.DecimalField(_("应提取（元）"), **MONEY, null=True, blank=True)
    extracted = models.DecimalField(_("实际提取（元）"), **MONEY, default=0)
    carried_over = models.DecimalField(_("上年结余（元）"), **MONEY, default=0)
    created_by = _by()
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("企业安全生产费用")
        verbose_name_plural = _("企业安全生产费用")
        ordering = ["-year", "enterprise_id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="funds_cost_year")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"


class CostUse(models.TextChoices):
    FACILITIES = "facilities", _("安全防护设施设备")
    EMERGENCY = "emergency", _("应急救援器材与演练")
    HAZARDS = "hazards", _("重大危险源与隐患整改")
    INSPECTION = "inspection", _("安全检查、评价与标准化")
    PPE = "ppe", _("劳动防护用品")
    TRAINING = "training", _("安全宣传教育培训")
    TECHNOLOGY = "technology", _("安全新技术新装备推广应用")
    TESTING = "testing", _("安全设施与特种设备检测检验")
    OTHER = "other", _("其他直接相关支出")


class SafetyCostUse(models.Model):
    """One use of an enterprise's safety cost (the 使用 ledger)."""

    SCOPE = ScopeSpec(territory="record__enterprise__jurisdiction", sector="record__enterprise__sector",
                      department="record__enterprise__department", enterprise="record__enterprise")

    record = models.ForeignKey(SafetyCostYear, verbose_name=_("年度费用"), on_delete=models.CASCADE, related_name="uses")
    used_on = models.DateField(_("使用日期"))
    use = models.CharField(_("使用范围"), max_length=20, choices=CostUse.choices)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    description = models.CharField(_("说明"), max_length=300)
    created_by = _by()
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("安全生产费用使用")
        verbose_name_plural = _("安全生产费用使用")
        ordering = ["-used_on", "-id"]


# --------------------------------------------------------------------------- custody (托管)

    def __str__(self) -> str:
        return f"{self.get_use_display()} {self.amount}"


class CustodyProvider(models.Model):
    """A safety service company offering custody (安全生产托管) to small firms."""

    SCOPE = ScopeSpec(territory="jurisdiction")

    name = models.CharField(_("机构名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    qualification = models.CharField(_("资质"), max_length=200)
    staff_count = models.PositiveIntegerField(_("专业技术人员数"), default=0)
    capacity = models.PositiveIntegerField(_("可托管企业数"), default=0)
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("备案辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("服务人员账号"), blank=True, related_name="+")
    created_by = _by()
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("托管服务机构")
        verbose_name_plural = _("托管服务机构")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ContractStatus(models.TextChoices):
    ACTIVE = "active", _("履行中")
    ENDED = "ended", _("已到期")
    TERMINATED = "terminated", _("已解除")


class CustodyContract(models.Model):
    """A custody contract: during [starts_at, ends_at) the provider's staff act for the enterprise
    through dated memberships that end to the minute with the contract."""

    SCOPE = _ENT_SCOPE

    provider = models.ForeignKey(CustodyProvider, verbose_name=_("托管服务机构"), on_delete=models.PROTECT,
                                 related_name="contracts")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("托管企业"), on_delete=models.PROTECT,
                                   related_name="+")
    number = models.CharField(_("合同编号"), max_length=60)
    starts_at = models.DateTimeField(_("起始时间"))
    ends_at = models.DateTimeField(_("终止时间"))
    fee = models.DecimalField(_("服务费（元）"), **MONEY, default=0)
    services = models.TextField(_("服务内容"), blank=True)
    visit_every_days = models.PositiveIntegerField(_("上门服务周期（天）"), default=30)
    status = models.CharField(_("状态"), max_length=12, choices=ContractStatus.choices, default=ContractStatus.ACTIVE)
    membership_ids = models.JSONField(_("授权记录"), default=list, blank=True)
    created_by = _by()
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase], excluded_fields=["membership_ids"])

    class Meta:
        verbose_name = _("托管合同")
        verbose_name_plural = _("托管合同")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.number} {self.enterprise}"

    def in_force(self, at=None) -> bool:  # type: ignore[no-untyped-def]
        at = at or timezone.now()
        return self.status == ContractStatus.ACTIVE and self.starts_at <= at < self.ends_at


class CustodyVisit(models.Model):
    """A service visit under a contract, recorded by the provider's staff for the enterprise."""

    SCOPE = ScopeSpec(territory="contract__enterprise__jurisdiction", sector="contract__enterprise__sector",
                      department="contract__enterprise__department", enterprise="contract__enterprise")

    contract = models.ForeignKey(CustodyContract, verbose_name=_("托管合同"), on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("服务日期"))
    content = models.TextField(_("服务内容"))
    hazards_found = models.PositiveIntegerField(_("发现隐患数"), default=0)
    hazards_fixed = models.PositiveIntegerField(_("整改隐患数"), default=0)
    created_by = _by()
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("托管服务记录")
        verbose_name_plural = _("托管服务记录")
        ordering = ["-visited_on", "-id"]


# --------------------------------------------------------------------------- safety technology

    def __str__(self) -> str:
        return f"{self.contract} {self.visited_on}"


class TechKind(models.TextChoices):
    GAS_ALARM = "gas_alarm", _("可燃气体报警装置")
    LEAK_SHUTOFF = "leak_shutoff", _("泄漏自动切断装置")
    RIGID_BRAKE = "rigid_brake", _("冲剪压切设备刚性刹车")
    VIDEO = "video", _("视频监控")
    GPS = "gps", _("卫星定位")
    REMOTE_MONITORING = "remote_monitoring", _("远程监控与实时监测")


class TechInstallation(models.Model):
    """A piece of safety technology installed at an enterprise, with its maintenance."""

    SCOPE = _ENT_SCOPE

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="+")
    kind = models.CharField(_("技术类型"), max_length=20, choices=TechKind.choices)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    installed_on = models.DateField(_("安装日期"))
    supplier = models.CharField(_("供应/安装单位"), max_length=200, blank=True)
    maintained_on = models.DateField(_("最近维护日期"), null=True, blank=True)
    maintenance_every_days = models.PositiveIntegerField(_("维护周期（天）"), default=180)
    sensor_code = models.CharField(_("联网测点编码"), max_length=64, blank=True,
                                   help_text=_("接入监测报警的测点编码，未联网留空"))
    created_by = _by()
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("安全技术装备")
        verbose_name_plural = _("安全技术装备")
        ordering = ["-installed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_kind_display()}"


class TechCampaign(models.Model):
    """A campaign to equip a list of enterprises with one technology by a deadline (科技兴安)."""

    SCOPE = ScopeSpec(territory="jurisdiction")

    name = models.CharField(_("推广行动"), max_length=200)
    kind = models.CharField(_("技术类型"), max_length=20, choices=TechKind.choices)
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("组织辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    deadline = models.DateField(_("完成期限"))
    description = models.TextField(_("说明"), blank=True)
    created_by = _by()
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("安全技术推广行动")
        verbose_name_plural = _("安全技术推广行动")
        ordering = ["-deadline", "-id"]

    def __str__(self) -> str:
        return self.name


class CampaignTarget(models.Model):
    SCOPE = _ENT_SCOPE

    campaign = models.ForeignKey(TechCampaign, verbose_name=_("推广行动"), on_delete=models.CASCADE, related_name="targets")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="+")
    installation = models.ForeignKey(TechInstallation, verbose_name=_("安装记录"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("推广对象")
        verbose_name_plural = _("推广对象")
        constraints = [models.UniqueConstraint(fields=["campaign", "enterprise"], name="funds_campaign_target")]

    def __str__(self) -> str:
        return f"{self.campaign} {self.enterprise}"
