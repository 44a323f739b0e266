"""Checklists (排查标准): versioned templates of check items per sector, each item with its legal
basis; the hazard-inspection lists the grid patrol and hazard reports use, and scoring
standards (安全生产标准化评分标准).

A template has versions; only a draft version's items may change. Publishing a version makes it
immutable and retires the version published before; hazards and patrol records keep pointing at
the item/version they used, so an old record still shows the text it was checked against.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anjian.audit.history import HistoryBase
from anjian.core.scoping import RestrictedQuerySet, ScopeSpec


class ChecklistKind(models.TextChoices):
    HAZARD_INSPECTION = "hazard_inspection", _("隐患排查")
    STANDARDIZATION_SCORING = "standardization_scoring", _("标准化评分")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已废止")


class ChecklistTemplate(models.Model):
    """A checklist for a sector (``sector`` empty: general, any sector), owned city-wide
    (``owner`` empty) or by a jurisdiction."""

    SCOPE = ScopeSpec(territory="owner", sector="sector")

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    sector = models.ForeignKey(
        "orgs.Sector", verbose_name=_("适用行业"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("留空表示通用（适用于所有行业）"),
    )
    kind = models.CharField(_("类型"), max_length=32, choices=ChecklistKind.choices,
                            default=ChecklistKind.HAZARD_INSPECTION)
    owner = models.ForeignKey(
        "orgs.Jurisdiction", verbose_name=_("制定单位辖区"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("留空表示全市适用"),
    )
    description = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("排查标准")
        verbose_name_plural = _("排查标准")
        ordering = ["code"]
        indexes = [models.Index(fields=["sector", "kind"], name="cl_tpl_sector_kind")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def published(self) -> ChecklistVersion | None:
        return self.versions.filter(status=VersionStatus.PUBLISHED).first()


class ChecklistVersion(models.Model):
    SCOPE = ScopeSpec(territory="template__owner", sector="template__sector")

    template = models.ForeignKey(ChecklistTemplate, verbose_name=_("排查标准"), on_delete=models.PROTECT,
                                 related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    effective_date = models.DateField(_("生效日期"), null=True, blank=True)
    note = models.CharField(_("版本说明"), max_length=300, blank=True)
    source = models.CharField(_("来源"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    retired_at = models.DateTimeField(_("废止时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("排查标准版本")
        verbose_name_plural = _("排查标准版本")
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="cl_version_number"),
            models.UniqueConstraint(fields=["template"], condition=models.Q(status="published"),
                                    name="cl_one_published"),
        ]

    def __str__(self) -> str:
        return f"{self.template.name} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def total_points(self) -> int:
        return sum(i.points or 0 for i in self.items.all())


class ChecklistItem(models.Model):
    SCOPE = ScopeSpec(territory="version__template__owner", sector="version__template__sector")

    version = models.ForeignKey(ChecklistVersion, verbose_name=_("版本"), on_delete=models.CASCADE,
                                related_name="items")
    order = models.PositiveIntegerField(_("序号"))
    code = models.CharField(_("条目编码"), max_length=40)
    section = models.CharField(_("类别/要素"), max_length=200, blank=True)
    subsection = models.CharField(_("项目"), max_length=200, blank=True)
    text = models.TextField(_("检查内容"))
    legal_basis = models.TextField(_("依据"), blank=True)
    points = models.PositiveIntegerField(_("分值"), null=True, blank=True)
    scoring_method = models.TextField(_("评分办法"), blank=True)
    is_major_criterion = models.BooleanField(_("重大隐患判定项"), default=False)
    standard_clause = models.CharField(_("重大隐患判定标准条款"), max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查条目")
        verbose_name_plural = _("检查条目")
        ordering = ["version", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="cl_item_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.short_text}"

    @property
    def short_text(self) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= 60 else text[:59] + "…"

    def as_category(self) -> str:
        """The hazard category this item gives (the hazards' free-text ``category``, 200 chars)."""
        text = " ".join(self.text.split())
        prefix = f"{self.section}：" if self.section else ""
        full = prefix + text
        return full if len(full) <= 200 else full[:199] + "…"
