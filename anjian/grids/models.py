"""Grid management: grids are ``orgs.Jurisdiction`` rows of level GRID; this app adds the people
who work them (leader, inspectors), the patrol tasks planned from enterprises' risk colours and
the patrol records made on a phone."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anjian.audit.history import HistoryBase
from anjian.core.scoping import RestrictedQuerySet, ScopeSpec


class GridRole(models.TextChoices):
    LEADER = "leader", _("网格长")
    INSPECTOR = "inspector", _("网格员")


class GridStaff(models.Model):
    SCOPE = ScopeSpec(territory="grid")

    grid = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("网格"), on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("人员"), on_delete=models.CASCADE,
                             related_name="grid_posts")
    role = models.CharField(_("职务"), max_length=12, choices=GridRole.choices, default=GridRole.INSPECTOR)
    is_active = models.BooleanField(_("在岗"), default=True)
    since = models.DateField(_("起始日期"), default=timezone.localdate)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("网格人员")
        verbose_name_plural = _("网格人员")
        ordering = ["grid__path", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "user"], name="grids_staff_unique",
                                    violation_error_message=_("该人员已在此网格")),
        ]

    def __str__(self) -> str:
        return f"{self.grid} {self.get_role_display()} {self.user}"


class PatrolStatus(models.TextChoices):
    OPEN = "open", _("待巡查")
    DONE = "done", _("已巡查")
    CANCELLED = "cancelled", _("已取消")


class PatrolTask(models.Model):
    """One planned patrol of one enterprise, due on a date (from its risk colour)."""

    SCOPE = ScopeSpec(territory="grid", creator="inspector")

    grid = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("网格"), on_delete=models.PROTECT,
                             related_name="patrol_tasks")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业/场所"), on_delete=models.CASCADE,
                                   related_name="patrol_tasks")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("网格员"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="patrol_tasks")
    due_date = models.DateField(_("应巡查日期"))
    risk_colour = models.CharField(_("计划时风险等级"), max_length=8)
    status = models.CharField(_("状态"), max_length=10, choices=PatrolStatus.choices, default=PatrolStatus.OPEN)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("巡查任务")
        verbose_name_plural = _("巡查任务")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "due_date"], name="grids_task_unique",
                                    violation_error_message=_("该企业当日已有巡查任务")),
        ]
        indexes = [
            models.Index(fields=["grid", "status", "due_date"], name="grids_task_grid"),
            models.Index(fields=["inspector", "status", "due_date"], name="grids_task_insp"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.due_date}"

    @property
    def on_time(self) -> bool | None:
        if self.done_at is None:
            return None
        return timezone.localdate(self.done_at) <= self.due_date


class PatrolRecord(models.Model):
    """A patrol as done on site: check-in position and accuracy, distance to the enterprise,
    checklist answers, note; photos are attachments; findings become hazards."""

    SCOPE = ScopeSpec(territory="grid", creator="inspector")

    task = models.OneToOneField(PatrolTask, verbose_name=_("巡查任务"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="record")
    grid = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("网格"), on_delete=models.PROTECT,
                             related_name="patrol_records")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业/场所"), on_delete=models.CASCADE,
                                   related_name="patrol_records")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("网格员"), null=True,
                                  on_delete=models.SET_NULL, related_name="patrol_records")
    checked_in_at = models.DateTimeField(_("签到时间"), default=timezone.now)
    lng = models.FloatField(_("签到经度"), null=True, blank=True)
    lat = models.FloatField(_("签到纬度"), null=True, blank=True)
    accuracy_m = models.FloatField(_("定位精度(米)"), null=True, blank=True)
    distance_m = models.FloatField(_("距企业(米)"), null=True, blank=True)
    far_from_site = models.BooleanField(_("签到位置偏离"), default=False)
    checklist_version = models.ForeignKey(
        "checklists.ChecklistVersion", verbose_name=_("排查标准版本"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="patrol_records",
    )
    answers = models.JSONField(_("检查项结果"), default=dict, blank=True)
    note = models.TextField(_("巡查情况"), blank=True)
    hazard_count = models.PositiveIntegerField(_("发现隐患数"), default=0)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("巡查记录")
        verbose_name_plural = _("巡查记录")
        ordering = ["-checked_in_at", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "checked_in_at"], name="grids_rec_ent"),
            models.Index(fields=["grid", "checked_in_at"], name="grids_rec_grid"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.checked_in_at:%Y-%m-%d}"

    @property
    def answer_rows(self) -> list[tuple[str, str]]:
        """(item, answer) to show: with a checklist version the answers are keyed by item code
        and hold ``ok``/``bad``/``na``; older records hold the item text and the answer label."""
        if self.checklist_version_id is None:
            return [(str(k), str(v)) for k, v in (self.answers or {}).items()]
        labels = {"ok": _("合格"), "bad": _("不合格"), "na": _("不涉及")}
        texts = {i.code: i.short_text for i in self.checklist_version.items.all()}
        return [(f"{k} {texts.get(k, '')}".strip(), str(labels.get(v, v))) for k, v in (self.answers or {}).items()]


class AdjustmentKind(models.TextChoices):
    SPLIT = "split", _("拆分")
    MERGE = "merge", _("合并")


class Adjustment(models.Model):
    """One 行政区划调整 of two sibling units (``grids.adjustments``): a street split in two (``unit``
    keeps the rest, ``other`` is the new unit) or two merged (``unit`` absorbs ``other``, which is
    retired, kept for history). The units change in one transaction; the enterprises and their open
    records then move through the reassignment job (``job``), whose report is kept here."""

    SCOPE = ScopeSpec(territory="parent", creator="created_by")

    kind = models.CharField(_("调整类型"), max_length=8, choices=AdjustmentKind.choices)
    parent = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("上级辖区"), on_delete=models.PROTECT,
                               related_name="+")
    unit = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("保留单位"), on_delete=models.PROTECT,
                             related_name="+")
    other = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("新设或撤销的单位"), on_delete=models.PROTECT,
                              related_name="+")
    reason = models.CharField(_("调整依据"), max_length=300)
    children_moved = models.JSONField(_("改变上级的下级单位"), default=list, blank=True)
    job = models.ForeignKey("jobs.Job", verbose_name=_("重新归属任务"), null=True, blank=True,
                            on_delete=models.SET_NULL, related_name="+")
    report = models.JSONField(_("调整结果"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("调整时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划调整")
        verbose_name_plural = _("行政区划调整")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit} / {self.other}"
