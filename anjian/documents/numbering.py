"""Official document numbers in the GB/T 9704-2012 form: 机关代字〔年份〕序号号.

``深安委办〔2026〕12号``: the year in 六角括号 〔〕, the sequence without leading zeros and
without 第. Numbers come from a per-series, per-year counter incremented under a row lock, so
parallel writers never get the same number; a number once issued is never reused.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from anjian.audit.services import Msg, record_event
from anjian.core.errors import DomainError, NotAllowed
from anjian.core.scoping import scope_allows
from anjian.documents.models import DocumentSeries, IssuedNumber, SeriesCounter


def format_number(prefix: str, year: int, seq: int) -> str:
    """GB/T 9704-2012 §7.2.4: 发文机关代字、年份、发文顺序号; year in 〔〕; no 第, no leading zeros."""
    if seq < 1:
        raise ValueError("sequence starts at 1")
    return f"{prefix}〔{year}〕{seq}号"


def _next_seq(series: DocumentSeries, year: int) -> int:
    for _attempt in range(3):
        updated = SeriesCounter.objects.filter(series=series, year=year).update(last=F("last") + 1)
        if updated:
            # The UPDATE holds the row lock until commit: this read sees our own increment.
            return SeriesCounter.objects.values_list("last", flat=True).get(series=series, year=year)
        try:
            with transaction.atomic():
                SeriesCounter.objects.create(series=series, year=year, last=1)
            return 1
        except IntegrityError:
            continue  # another writer created the counter first: increment it instead
    raise DomainError("文号分配冲突，请重试", "Could not allocate a document number; please retry")


@transaction.atomic
def number_issue(
    *,
    series: DocumentSeries,
    actor: Any,
    year: int | None = None,
    obj: models.Model | None = None,
    title: str = "",
) -> IssuedNumber:
    """Hand out the next number of ``series`` for ``year`` (default: this year, Beijing time)."""
    year = year or timezone.localdate().year
    seq = _next_seq(series, year)
    issued = IssuedNumber.objects.create(
        series=series,
        year=year,
        seq=seq,
        text=format_number(series.prefix, year, seq),
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        title=title[:200],
        issued_by=actor if getattr(actor, "pk", None) else None,
    )
    record_event(issued, "issued", actor=actor, summary=Msg(gettext_noop("取号 {text}"), text=issued.text), data={"title": title})
    return issued


@transaction.atomic
def number_void(*, number: IssuedNumber, actor: Any, reason: str) -> IssuedNumber:
    """Void a number. It stays in the register and is never handed out again."""
    if not reason.strip():
        raise DomainError("作废文号必须填写原因", "A reason is required to void a number", field="reason")
    number = IssuedNumber.objects.select_for_update().get(pk=number.pk)
    if number.voided_at is not None:
        raise DomainError("该文号已作废", "This number is already void")
    number.voided_at = timezone.now()
    number.void_reason = reason.strip()[:200]
    number.save(update_fields=["voided_at", "void_reason"])
    record_event(number, "voided", actor=actor, summary=Msg(gettext_noop("作废 {text}"), text=number.text), note=reason)
    return number


@transaction.atomic
def series_save(
    *, actor: Any, series: DocumentSeries | None = None, code: str, prefix: str, name: str,
    jurisdiction: Any = None, department: Any = None,
) -> DocumentSeries:
    """Create or edit a numbering series (设置 › 文号序列). The number's form is fixed by GB/T
    9704-2012 §7.2.4 (机关代字〔年份〕序号号); what an office sets is its 机关代字 (prefix), the
    series' name and whose it is — a jurisdiction's or a department's, inside the actor's scope.
    Numbers already issued keep their text; the counter of a series is never reset."""
    code, prefix, name = code.strip(), prefix.strip(), name.strip()
    if not prefix:
        raise DomainError("请填写机关代字", "The issuing office's abbreviation is required", field="prefix")
    if not name:
        raise DomainError("请填写序列名称", "The series name is required", field="name")
    if department is not None and jurisdiction is None:
        jurisdiction = department.jurisdiction
    if jurisdiction is None:
        raise DomainError("请选择所属辖区或发文部门", "Choose the jurisdiction or department the series belongs to",
                          field="jurisdiction")
    if department is not None and department.jurisdiction_id != jurisdiction.pk:
        raise DomainError("发文部门不属于所选辖区", "The department is not in the chosen jurisdiction", field="department")
    if actor is not None and not scope_allows(actor, "documents.series", jurisdiction=jurisdiction):
        raise NotAllowed("您无权设置该辖区的文号序列", "You may not set numbering series for this jurisdiction")
    if series is None:
        if not code:
            raise DomainError("请填写代码", "The code is required", field="code")
        if DocumentSeries.objects.filter(code=code).exists():
            raise DomainError("代码已被其他序列使用", "Another series uses this code", field="code")
        series = DocumentSeries(code=code)
        verb, summary = "series_created", gettext_noop("新建文号序列 {series}")
    else:
        series = DocumentSeries.objects.select_for_update().get(pk=series.pk)
        verb, summary = "series_changed", gettext_noop("修改文号序列 {series}")
    before = {"prefix": series.prefix, "name": series.name}
    series.prefix, series.name, series.jurisdiction, series.department = prefix[:40], name[:100], jurisdiction, department
    series.save()
    record_event(series, verb, actor=actor, summary=Msg(summary, series=str(series)),
                 data={"before": before, "prefix": series.prefix, "name": series.name})
    return series
