"""The enterprise registry (一企一档): enterprises and places, their licences and certificates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anjian.audit.display import register_value_display
from anjian.audit.history import HistoryBase
from anjian.core.scoping import RestrictedQuerySet, ScopeSpec


class EnterpriseKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    INDIVIDUAL = "individual", _("个体工商户")
    PLACE = "place", _("场所")
    PUBLIC = "public", _("机关事业单位")


class EnterpriseSize(models.TextChoices):
    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class EnterpriseStatus(models.TextChoices):
    OPERATING = "operating", _("在营")
    SUSPENDED = "suspended", _("停产停业")
    CLOSED = "closed", _("注销/关闭")


class RiskColour(models.TextChoices):
    RED = "red", _("红(重大风险)")
    ORANGE = "orange", _("橙(较大风险)")
    YELLOW = "yellow", _("黄(一般风险)")
    BLUE = "blue", _("蓝(低风险)")


# Flags that drive supervision intensity. Keys are stable identifiers; labels are for people.
FLAGS: dict[str, tuple[str, str]] = {
    "hazardous_chemicals": ("涉及危险化学品", "Hazardous chemicals"),
    "dust_explosion": ("涉爆粉尘", "Combustible dust"),
    "ammonia_refrigeration": ("涉氨制冷", "Ammonia refrigeration"),
    "confined_space": ("有限空间作业", "Confined spaces"),
    "major_hazard_source": ("重大危险源", "Major hazard source"),
    "crowded_place": ("人员密集场所", "Crowded place"),
    "high_risk_sector": ("高危行业", "High-risk sector"),
}


def flag_labels(codes: list[str]) -> list[str]:
    """The labels of stored flag codes in the active language (an unknown code shows as itself)."""

    en = (get_language() or "").startswith("en")
    return [FLAGS[f][1 if en else 0] if f in FLAGS else str(f) for f in codes]


def flag_choices() -> list[tuple[str, str]]:
    """The flags as form choices, labelled in the active language (a callable, evaluated per request)."""

    en = (get_language() or "").startswith("en")
    return [(k, v[1 if en else 0]) for k, v in FLAGS.items()]


class Enterprise(models.Model):
    """A supervised unit: an enterprise, an individual business, or a place.

    Coordinates are WGS-84 (GCJ-02 input is converted on entry). ``jurisdiction`` is the
    smallest jurisdiction whose boundary contains the point (assigned by the polygon index);
    ``department`` comes from the sector routing table.
    """

    SCOPE = ScopeSpec(territory="jurisdiction", sector="sector", department="department", enterprise="pk")

    name = models.CharField(_("单位名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=EnterpriseKind.choices, default=EnterpriseKind.ENTERPRISE)
    sector = models.ForeignKey(
        "orgs.Sector", verbose_name=_("行业"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,  # ent_sector_id (sector, id) serves every lookup by sector
    )
    size = models.CharField(_("规模"), max_length=10, choices=EnterpriseSize.choices, default=EnterpriseSize.SMALL)
    employees = models.PositiveIntegerField(_("从业人数"), default=0)
    status = models.CharField(
        _("经营状态"), max_length=12, choices=EnterpriseStatus.choices, default=EnterpriseStatus.OPERATING
    )
    address = models.CharField(_("地址"), max_length=300, blank=True)
    lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)
    jurisdiction = models.ForeignKey(
        "orgs.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT, related_name="enterprises",
        db_index=False,  # ent_jur_id (jurisdiction, id) serves every lookup by jurisdiction
    )
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("行业监管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
        db_index=False,  # ent_dept_id (department, id) serves every lookup by department
    )
    principal = models.CharField(_("主要负责人"), max_length=50, blank=True)
    principal_phone = models.CharField(_("负责人电话"), max_length=30, blank=True)
    safety_manager = models.CharField(_("安全管理人员"), max_length=50, blank=True)
    safety_manager_phone = models.CharField(_("安全管理人员电话"), max_length=30, blank=True)
    flags = models.JSONField(_("重点监管标识"), default=list, blank=True)
    risk_colour = models.CharField(_("风险等级"), max_length=8, choices=RiskColour.choices, default=RiskColour.BLUE)
    risk_explanation = models.JSONField(_("风险评定说明"), default=list, blank=True)
    risk_computed_at = models.DateTimeField(_("风险评定时间"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("合成演示数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase], excluded_fields=["risk_computed_at"])

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="enterprises_unique_credit_code",
                violation_error_message=_("统一社会信用代码已存在"),
            )
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "id"], name="ent_jur_id"),
            models.Index(fields=["sector", "id"], name="ent_sector_id"),
            models.Index(fields=["department", "id"], name="ent_dept_id"),
            models.Index(fields=["risk_colour", "id"], name="ent_risk_id"),
            # The cockpit's children by risk: the red and orange enterprises per jurisdiction, read
            # from this small partial index alone in any scope (~9 % of the rows; docs/benchmarks.md, "Cockpit").
            models.Index(fields=["jurisdiction", "risk_colour", "status", "sector", "department"], name="ent_hot_jur",
                         condition=models.Q(risk_colour__in=["red", "orange"])),
            models.Index(fields=["name"], name="ent_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def risk_lines(self) -> list[dict[str, object]]:
        """The explanation lines in the active language: ``{"text", "points"}`` each. Lines are
        stored as ``{"zh", "en", "points"}`` by the risk engine (older rows: plain Chinese text)."""

        en = (get_language() or "").startswith("en")
        out: list[dict[str, object]] = []
        for line in self.risk_explanation or []:
            if isinstance(line, dict):
                out.append({"text": line.get("en" if en else "zh") or line.get("zh", ""), "points": line.get("points", 0)})
            else:
                out.append({"text": str(line), "points": 0})
        return out

    def flag_labels(self) -> list[str]:
        en = (get_language() or "").startswith("en")
        return [FLAGS[f][1 if en else 0] for f in self.flags if f in FLAGS]


class LicenceKind(models.TextChoices):
    SAFETY_PRODUCTION = "safety_production", _("安全生产许可证")
    HAZCHEM_OPERATION = "hazchem_operation", _("危险化学品经营许可证")
    HAZCHEM_USE = "hazchem_use", _("危险化学品安全使用许可证")
    FIREWORKS = "fireworks", _("烟花爆竹经营许可证")
    STANDARDIZATION = "standardization", _("安全生产标准化证书")
    PRINCIPAL_CERT = "principal_cert", _("主要负责人安全生产知识和管理能力考核合格证")
    MANAGER_CERT = "manager_cert", _("安全生产管理人员考核合格证")
    SPECIAL_OPERATION = "special_operation", _("特种作业操作证")
    OTHER = "other", _("其他证照")


class Licence(models.Model):
    """A licence or certificate with a validity period; its expiry feeds the to-do inbox."""

    SCOPE = ScopeSpec(
        territory="enterprise__jurisdiction",
        sector="enterprise__sector",
        department="enterprise__department",
        enterprise="enterprise",
    )

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="licences"
    )
    kind = models.CharField(_("证照类型"), max_length=24, choices=LicenceKind.choices)
    number = models.CharField(_("证号"), max_length=80)
    holder = models.CharField(_("持证人"), max_length=50, blank=True)
    issued_by = models.CharField(_("发证机关"), max_length=100, blank=True)
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("证照")
        verbose_name_plural = _("证照")
        ordering = ["valid_until"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class EnterpriseChangeRequest(models.Model):
    """A change, proposed by the enterprise, to a field that decides who supervises it (place,
    sector, status, risk flags). The supervising units approve or reject it with a reason."""

    SCOPE = ScopeSpec(
        territory="enterprise__jurisdiction", sector="enterprise__sector", department="enterprise__department",
        enterprise="enterprise", creator="created_by",
    )

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="change_requests")
    changes = models.JSONField(_("申请变更"), default=dict)
    reason = models.TextField(_("申请理由"), max_length=2000)
    status = models.CharField(_("状态"), max_length=12, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业信息变更申请")
        verbose_name_plural = _("企业信息变更申请")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_status_display()}"


def _register_history_display() -> None:


    register_value_display("enterprises.enterprise", "flags", lambda v: gettext("、").join(flag_labels(list(v))))


_register_history_display()
