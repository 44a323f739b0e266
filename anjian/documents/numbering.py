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
from anjian.core.errors import DomainError
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
