"""Jurisdictions (territory axis), sectors and departments (sector axis), and the routing table."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
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


INHERENT_RISK_CHOICES = [
    ("red", _("红(重大风险)")),
    ("orange", _("橙(较大风险)")),
    ("yellow", _("黄(一般风险)")),
    ("blue", _("蓝(低风险)")),
]


class Sector(models.Model):
    """An industry of GB/T 4754-2017 at any of its four levels: a section (letter), a division
    (two digits), a group (three) or a class (four). ``path`` is ``/C/17/171/1713/``, so a
    class rolls up to its section by its path alone."""

    code = models.CharField(_("行业代码"), max_length=8, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("门类"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("路径"), max_length=64, unique=True, editable=False)
    inherent_risk = models.CharField(
        _("行业固有风险"),
        max_length=8,
        choices=INHERENT_RISK_CHOICES,
        blank=True,
        help_text=_("本地配置，不是国家规定；留空则沿用门类的设置，门类也未设置时为蓝色（低风险）"),
    )

    history = HistoricalRecords(bases=[HistoryBase])

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

    @property
    def section_code(self) -> str:
        """The section letter, read from the path (no query)."""
        return self.path.strip("/").split("/")[0] if self.path else self.code

    @property
    def division_code(self) -> str:
        """The two-digit division, read from the path; ``""`` for a section."""
        parts = self.path.strip("/").split("/")
        return parts[1] if len(parts) > 1 else ""

    def chain(self) -> list[Sector]:
        """This sector and every sector above it, nearest first (one query)."""
        codes = [c for c in self.path.strip("/").split("/") if c]
        found = {s.code: s for s in Sector.objects.filter(code__in=codes[:-1])}
        return [self, *(found[c] for c in reversed(codes[:-1]) if c in found)]

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

    def resolved_inherent_risk(self) -> tuple[str, str]:
        """The inherent colour and where it comes from: ``(colour, code)`` where ``code`` is this
        sector's, its section's, or ``""`` for the final default blue."""
        if self.inherent_risk:
            return self.inherent_risk, self.code
        if self.parent_id is None:
            return "blue", ""
        parent = self.parent
        if parent is not None and parent.inherent_risk and parent.parent_id is None:
            return parent.inherent_risk, parent.code  # the common case: a division, its section
        for above in self.chain()[1:]:
            if above.inherent_risk:
                return above.inherent_risk, above.code
        return "blue", ""


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


class RiskMethod(models.TextChoices):
    LEC = "lec", "LEC"
    LS = "ls", "LS"


class RiskBandPolicy(models.Model):
    """Colour thresholds for per-hazard risk scoring (LEC D or LS R) in a jurisdiction subtree
    and/or a sector. Most specific wins: the nearer jurisdiction first, then a division before
    its section before no sector; with no policy the national defaults of ``rules.risk`` apply.

    For LEC the thresholds are "above" values (D > red → red); for LS "minimum" values
    (R ≥ red → red), exactly as ``rules.risk.LecBands`` / ``LsBands``.
    """

    SCOPE = ScopeSpec(territory="jurisdiction")

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("适用辖区"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="risk_band_policies", help_text=_("留空则全市适用"),
    )
    sector = models.ForeignKey(
        Sector, verbose_name=_("适用行业"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="risk_band_policies", help_text=_("留空则所有行业适用"),
    )
    method = models.CharField(_("评价方法"), max_length=4, choices=RiskMethod.choices)
    red = models.DecimalField(_("红色阈值"), max_digits=8, decimal_places=2)
    orange = models.DecimalField(_("橙色阈值"), max_digits=8, decimal_places=2)
    yellow = models.DecimalField(_("黄色阈值"), max_digits=8, decimal_places=2)
    note = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("如地方标准编号"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("风险分级阈值")
        verbose_name_plural = _("风险分级阈值")
        ordering = ["method", "jurisdiction__path", "sector__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "sector", "method"],
                name="orgs_riskband_unique",
                violation_error_message=_("该辖区、行业和方法已有分级阈值"),
            ),
            models.UniqueConstraint(
                fields=["sector", "method"],
                condition=models.Q(jurisdiction__isnull=True),
                name="orgs_riskband_unique_nojur",
                violation_error_message=_("该行业和方法已有全市分级阈值"),
            ),
            models.UniqueConstraint(
                fields=["jurisdiction", "method"],
                condition=models.Q(sector__isnull=True),
                name="orgs_riskband_unique_nosector",
                violation_error_message=_("该辖区和方法已有不分行业的分级阈值"),
            ),
            models.UniqueConstraint(
                fields=["method"],
                condition=models.Q(jurisdiction__isnull=True, sector__isnull=True),
                name="orgs_riskband_unique_default",
                violation_error_message=_("该方法已有全市默认分级阈值"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.scope_label()}"

    def scope_label(self) -> str:
        where = self.jurisdiction.name if self.jurisdiction_id else str(_("全市"))
        what = f"{self.sector.code} {self.sector.label}" if self.sector_id else str(_("所有行业"))
        return f"{where} · {what}"

    def thresholds_label(self) -> str:
        def n(v: object) -> str:
            return f"{v}".rstrip("0").rstrip(".") if "." in f"{v}" else f"{v}"

        if self.method == RiskMethod.LEC:
            return f"D > {n(self.red)} / > {n(self.orange)} / > {n(self.yellow)}"
        return f"R ≥ {n(self.red)} / ≥ {n(self.orange)} / ≥ {n(self.yellow)}"


class Duty(models.Model):
    """A department's (or one of its posts') work-safety duties for a year, as published in the
    安全生产职责清单 (安全生产法 Art. 9; 地方党政领导干部安全生产责任制规定 Art. 5–11: 一岗双责,
    党政同责; 管行业必须管安全). Append-only: a change is a new version, the old one stays readable."""

    SCOPE = ScopeSpec(territory="department__jurisdiction", department="department")

    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="duties")
    year = models.PositiveSmallIntegerField(_("年度"))
    post = models.CharField(_("岗位"), max_length=60, blank=True, help_text=_("留空为部门职责；填写则为该岗位的职责，如“分管副局长”"))
    text = models.TextField(_("职责内容"), max_length=10000)
    basis = models.CharField(_("依据"), max_length=300, blank=True, help_text=_("如：《安全生产法》第十条"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    is_current = models.BooleanField(_("现行"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("安全生产职责")
        verbose_name_plural = _("安全生产职责")
        ordering = ["department__jurisdiction__path", "department__name", "year", "post", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["department", "year", "post", "version"], name="orgs_duty_version"),
            models.UniqueConstraint(
                fields=["department", "year", "post"], condition=models.Q(is_current=True), name="orgs_duty_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department.name}{'·' + self.post if self.post else ''}（{self.year}）"


class BoundaryImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("待确认")
    COMMITTED = "committed", _("已导入")
    UNDONE = "undone", _("已撤销")
    DISCARDED = "discarded", _("已放弃")


class BoundaryImport(models.Model):
    """One uploaded boundary file: checked and shown first (``previewed``), then stored as one
    batch (``committed``), which can be undone as a whole while nothing else uses what it made.

    ``features`` holds the checked polygons (WGS-84 GeoJSON) so that what is stored is exactly what
    was previewed; ``changes`` what the commit did, with each updated unit's previous boundary."""

    SCOPE = ScopeSpec(territory="parent")

    filename = models.CharField(_("文件名"), max_length=200)
    source = models.FileField(_("原始文件"), upload_to="boundaries/%Y/", blank=True)
    level = models.PositiveSmallIntegerField(_("导入层级"), choices=JurisdictionLevel.choices)
    parent = models.ForeignKey(Jurisdiction, verbose_name=_("上级辖区"), on_delete=models.PROTECT, related_name="+")
    crs = models.CharField(_("坐标系"), max_length=12)
    mapping = models.JSONField(_("列对应"), default=dict, blank=True)
    features = models.JSONField(_("要素"), default=list, blank=True)
    findings = models.JSONField(_("检查结果"), default=list, blank=True)
    changes = models.JSONField(_("导入的变更"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=BoundaryImportStatus.choices, default=BoundaryImportStatus.PREVIEWED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    undone_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("边界导入")
        verbose_name_plural = _("边界导入")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_level_display()}）"

    @property
    def error_count(self) -> int:
        return sum(1 for f in self.findings if f.get("severity") == "error")

    @property
    def warning_count(self) -> int:
        return sum(1 for f in self.findings if f.get("severity") == "warning")
