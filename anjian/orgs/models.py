"""Jurisdictions (territory axis), sectors and departments (sector axis), and the routing table."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anjian.audit.history import HistoryBase
from anjian.core.scoping import RestrictedQuerySet, ScopeSpec


class JurisdictionLevel(models.IntegerChoices):
    CITY = 1, _("市")
    DISTRICT = 2, _("区")
    STREET = 3, _("街道")
    COMMUNITY = 4, _("社区")
    GRID = 5, _("网格")


class Jurisdiction(models.Model):
    """A node of the territory tree: city → district → street → community → grid.

    ``path`` is the materialised path of codes (``/440300/440303/440303001/``), so a subtree is one
    indexed prefix query. Boundaries are GeoJSON text with a bbox and an interior point kept in
    columns for cheap map and candidate queries.
    """

    SCOPE = ScopeSpec(territory="__self__")

    code = models.CharField(_("区划代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    level = models.PositiveSmallIntegerField(_("层级"), choices=JurisdictionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("路径"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("深度"), editable=False, default=0)
    boundary = models.TextField(_("边界(GeoJSON)"), blank=True)
    min_lng = models.FloatField(_("最小经度"), null=True, blank=True)
    min_lat = models.FloatField(_("最小纬度"), null=True, blank=True)
    max_lng = models.FloatField(_("最大经度"), null=True, blank=True)
    max_lat = models.FloatField(_("最大纬度"), null=True, blank=True)
    center_lng = models.FloatField(_("中心经度"), null=True, blank=True)
    center_lat = models.FloatField(_("中心纬度"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("合成演示数据"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase], excluded_fields=["boundary"])

    class Meta:
        verbose_name = _("辖区")
        verbose_name_plural = _("辖区")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="orgs_jur_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["level", "parent"], name="orgs_jur_level_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_root(self) -> bool:
        return self.parent_id is None

    def ancestors(self) -> models.QuerySet[Jurisdiction]:
        codes = [c for c in self.path.strip("/").split("/") if c]
        return Jurisdiction.objects.filter(code__in=codes[:-1]).order_by("depth")

    def full_name(self) -> str:
        return "".join(a.name for a in self.ancestors()[1:]) + self.name if self.depth else self.name


class Sector(models.Model):
    """An industry of GB/T 4754-2017: a section (letter) or a division (two digits)."""

    code = models.CharField(_("行业代码"), max_length=8, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("门类"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("路径"), max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = _("行业")
        verbose_name_plural = _("行业")
        ordering = ["path"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        """The name in the active language: the English UI shows the English name when there is one."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    @staticmethod
    def ids_within(sectors: Iterable[Sector]) -> set[int]:
        """The ids of these sectors and of every sector below them."""
        paths = [s.path for s in sectors]
        if not paths:
            return set()
        q = models.Q()
        for path in paths:
            q |= models.Q(path__startswith=path)
        return set(Sector.objects.filter(q).values_list("id", flat=True))


class DepartmentKind(models.TextChoices):
    COMMITTEE_OFFICE = "committee", _("安委办")
    REGULATOR = "regulator", _("行业监管部门")
    STREET_OFFICE = "street", _("街道办")
    OTHER = "other", _("其他部门")


class Department(models.Model):
    """A government body: the committee office, a sector regulator, a street office…"""

    SCOPE = ScopeSpec(territory="jurisdiction")

    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    doc_abbr = models.CharField(_("发文机关代字"), max_length=30, blank=True, help_text=_("如：深安委办"))
    kind = models.CharField(_("类别"), max_length=16, choices=DepartmentKind.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("所属辖区"), on_delete=models.PROTECT, related_name="departments"
    )
    sectors = models.ManyToManyField(Sector, verbose_name=_("监管行业"), blank=True, related_name="departments")
    is_active = models.BooleanField(_("启用"), default=True)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase], m2m_fields=[sectors])

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["jurisdiction__path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "name"],
                name="orgs_department_unique_name",
                violation_error_message=_("同一辖区内部门名称不能重复"),
            )
        ]

    def __str__(self) -> str:
        return self.name


class SectorRoute(models.Model):
    """Routing table: which department supervises a sector, optionally only within a jurisdiction.

    The most specific route wins: a division before its section, a route bound to a nearer
    jurisdiction before one bound to a farther ancestor (or to none).
    """

    sector = models.ForeignKey(Sector, verbose_name=_("行业"), on_delete=models.CASCADE, related_name="routes")
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("适用辖区"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sector_routes",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("监管部门"), on_delete=models.CASCADE, related_name="routes"
    )
    note = models.CharField(_("依据"), max_length=200, blank=True)

    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("行业监管路由")
        verbose_name_plural = _("行业监管路由")
        constraints = [
            models.UniqueConstraint(
                fields=["sector", "jurisdiction"],
                name="orgs_route_unique",
                violation_error_message=_("该行业在该辖区已有路由"),
            ),
            models.UniqueConstraint(
                fields=["sector"],
                condition=models.Q(jurisdiction__isnull=True),
                name="orgs_route_unique_default",
                violation_error_message=_("该行业已有全市默认路由"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sector} → {self.department}"
