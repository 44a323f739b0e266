"""Long work (imports, exports, reassignments, reports) as a row people can watch."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from anjian.audit.display import reason_text
from anjian.core.scoping import RestrictedQuerySet, ScopeSpec
from anjian.jobs.registry import PRIVATE_KINDS, result_items, result_link


def in_language(text: str) -> str:
    """A "中文 / English" message (the jobs' convention) in the reader's language."""

    if " / " not in text:
        return text
    zh, en = text.split(" / ", 1)
    return en if (get_language() or "").startswith("en") else zh


def visible_jobs(user: Any) -> RestrictedQuerySet:
    """The jobs ``user`` may see: the jobs' scope, less other people's private kinds (exports)."""
    qs = Job.objects.restrict(user, "jobs.view")
    if PRIVATE_KINDS:
        qs = qs.exclude(models.Q(kind__in=sorted(PRIVATE_KINDS)) & ~models.Q(created_by_id=getattr(user, "pk", None)))
    return qs


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class Job(models.Model):
    """One run of a registered job handler. Progress is written with conditional updates."""

    SCOPE = ScopeSpec(creator="created_by")

    kind = models.CharField(_("类型"), max_length=64)
    title = models.CharField(_("名称"), max_length=200)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(_("总数"), default=0)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    message = models.CharField(_("进度说明"), max_length=300, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    result_file = models.FileField(_("结果文件"), upload_to="jobs/%Y/%m/", blank=True)
    input_file = models.FileField(_("输入文件"), upload_to="jobs/input/%Y/%m/", blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    # A result file that is kept only for a while (exports): removed by ``jobs_expire_files``.
    expires_at = models.DateTimeField(_("文件保留至"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="jobs_creator_created")]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
            return 100  # a finished run is complete, whatever its result (a refusal is not "49 %")
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))

    def result_items(self) -> list[tuple[str, object]]:
        """The named result figures, labelled in the reader's language."""

        return result_items(self.kind, self.result)

    def result_link(self) -> tuple[str, str] | None:
        """(label, url) of what the job made (a plan, say), once it has succeeded."""

        return result_link(self.kind, self.result) if self.status == JobStatus.SUCCEEDED else None

    @property
    def title_display(self) -> str:
        """The title in the reader's language where the platform wrote it ("重算全市企业风险等级",
        "企业档案导入：文件名"); a file name or an area's name stays as written."""

        return reason_text(in_language(self.title))

    @property
    def message_display(self) -> str:
        return in_language(self.message)

    @property
    def error_display(self) -> str:
        """A refusal's message; an unexpected failure never shows its traceback."""

        if "Traceback" in self.error:
            return gettext("任务意外出错，未完成。请将任务名称和时间告知系统管理员。")
        return in_language(self.error)

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)
