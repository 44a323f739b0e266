"""Official document numbers (发文字号) and attachments."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.scoping import RestrictedQuerySet, ScopeSpec


class DocumentSeries(models.Model):
    """A numbering series, e.g. 深安委办 (committee office notices) or （区）应急责改 (orders)."""

    SCOPE = ScopeSpec(territory="jurisdiction", department="department")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    prefix = models.CharField(_("机关代字"), max_length=40, help_text=_("如：深安委办"))
    name = models.CharField(_("名称"), max_length=100)
    jurisdiction = models.ForeignKey(
        "orgs.Jurisdiction", verbose_name=_("辖区"), null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        "orgs.Department", verbose_name=_("发文部门"), null=True, blank=True, on_delete=models.PROTECT
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("文号序列")
        verbose_name_plural = _("文号序列")

    def __str__(self) -> str:
        return f"{self.prefix}（{self.name}）"


class SeriesCounter(models.Model):
    series = models.ForeignKey(DocumentSeries, verbose_name=_("序列"), on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(_("年度"))
    last = models.PositiveIntegerField(_("已用至"), default=0)

    class Meta:
        verbose_name = _("文号计数")
        verbose_name_plural = _("文号计数")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year"],
                name="documents_counter_unique",
                violation_error_message=_("计数重复"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.year}: {self.last}"


class IssuedNumber(models.Model):
    """A number handed out. Never reused; a voided number stays voided."""

    SCOPE = ScopeSpec(territory="series__jurisdiction", department="series__department")

    series = models.ForeignKey(
        DocumentSeries, verbose_name=_("序列"), on_delete=models.PROTECT, related_name="numbers"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    seq = models.PositiveIntegerField(_("序号"))
    text = models.CharField(_("文号"), max_length=80)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("文件标题"), max_length=200, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("取号人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("取号时间"), default=timezone.now)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("文号")
        verbose_name_plural = _("文号")
        ordering = ["-year", "-seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "seq"],
                name="documents_number_unique",
                violation_error_message=_("文号重复"),
            )
        ]

    def __str__(self) -> str:
        return self.text


def _attachment_path(instance: Attachment, filename: str) -> str:
    now = timezone.now()
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"attachments/{now:%Y/%m}/{uuid.uuid4().hex}.{ext}"


class Attachment(models.Model):
    """A photo or document attached to any object; reading it requires viewing its owner."""

    content_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), on_delete=models.PROTECT)
    object_id = models.CharField(_("对象编号"), max_length=64)
    owner = GenericForeignKey("content_type", "object_id")
    role = models.CharField(_("用途"), max_length=32, blank=True, help_text=_("如：整改前、整改后、报告"))
    file = models.FileField(_("文件"), upload_to=_attachment_path)
    original_name = models.CharField(_("原文件名"), max_length=255)
    mime = models.CharField(_("类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小(字节)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    width = models.PositiveIntegerField(_("宽"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="documents_att_owner")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")


# --- imports (documents/imports.py) ------------------------------------------------------------


class ImportMapping(models.Model):
    """A column mapping saved for a source (a district's ledger, a ministry's export …), reused
    when a file of that source is uploaded again: header label → field key."""

    SCOPE = ScopeSpec(creator="created_by")

    kind = models.CharField(_("导入类型"), max_length=64)
    source = models.CharField(_("来源"), max_length=100)
    mapping = models.JSONField(_("列对应"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, on_delete=models.CASCADE, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入列对应")
        verbose_name_plural = _("导入列对应")
        constraints = [
            models.UniqueConstraint(fields=["created_by", "kind", "source"], name="documents_importmapping_unique")
        ]

    def __str__(self) -> str:
        return self.source


class ImportBatchStatus(models.TextChoices):
    UPLOADED = "uploaded", _("待确认列对应")
    CHECKING = "checking", _("检查中")
    CHECKED = "checked", _("已检查，待导入")
    STORING = "storing", _("导入中")
    STORED = "stored", _("已导入")
    FAILED = "failed", _("未导入")
    UNDONE = "undone", _("已撤销")


class ImportBatch(models.Model):
    """One uploaded file on its way in: the columns found, the mapping the person confirmed, the
    options, the result of the check (dry run) and of the store, and what it changed (for undo)."""

    SCOPE = ScopeSpec(creator="created_by")

    kind = models.CharField(_("导入类型"), max_length=64)
    filename = models.CharField(_("文件名"), max_length=255)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    status = models.CharField(
        _("状态"), max_length=12, choices=ImportBatchStatus.choices, default=ImportBatchStatus.UPLOADED
    )
    sheet = models.CharField(_("工作表"), max_length=100, blank=True)
    header_row = models.PositiveIntegerField(_("表头行"), default=1)
    columns = models.JSONField(_("列"), default=list, blank=True)
    mapping = models.JSONField(_("列对应"), default=dict, blank=True)
    options = models.JSONField(_("选项"), default=dict, blank=True)
    summary = models.JSONField(_("检查结果"), default=dict, blank=True)
    errors_file = models.FileField(_("错误工作簿"), upload_to="imports/%Y/%m/", blank=True)
    check_job = models.ForeignKey(
        "jobs.Job", verbose_name=_("检查任务"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    store_job = models.ForeignKey(
        "jobs.Job", verbose_name=_("导入任务"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    stored_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    undone_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename


class ImportRow(models.Model):
    """A staged row of a batch: its cells as read, its problems, what the check found (create or
    update which record, with the changes) and, once stored, the record and its version (undo)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    row_no = models.PositiveIntegerField()
    raw = models.JSONField(default=dict)
    cells = models.JSONField(default=list)
    problems = models.JSONField(default=list, blank=True)
    action = models.CharField(max_length=8, blank=True)  # create / update / "" (refused)
    target_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=list, blank=True)
    stored = models.CharField(max_length=8, blank=True)  # created / updated once stored
    object_id = models.CharField(max_length=64, blank=True)
    before = models.JSONField(default=dict, blank=True)
    stamp = models.CharField(max_length=64, blank=True)
    # rows that make one record (victim rows of one accident, grant rows of one user): stored in
    # the same chunk (``ImportSpec.group_of``)
    group = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("导入行")
        verbose_name_plural = _("导入行")
        indexes = [models.Index(fields=["batch", "row_no"], name="documents_importrow_batch")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_no}"
