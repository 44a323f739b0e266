from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from anjian.core.errors import DomainError
from anjian.documents.models import DocumentSeries, IssuedNumber
from anjian.documents.numbering import format_number, number_issue, number_void


def test_format_follows_gb9704():
    assert format_number("深安委办", 2026, 12) == "深安委办〔2026〕12号"
    assert format_number("（区）应急责改", 2026, 1) == "（区）应急责改〔2026〕1号"
    with pytest.raises(ValueError):
        format_number("深安委办", 2026, 0)


@pytest.mark.django_db
def test_numbers_are_sequential_per_series_and_year_and_never_reused():
    s = DocumentSeries.objects.create(code="notice", prefix="示安委办", name="通知")
    other = DocumentSeries.objects.create(code="order", prefix="示应急责改", name="责令整改")
    a = number_issue(series=s, actor=None, year=2026)
    b = number_issue(series=s, actor=None, year=2026)
    c = number_issue(series=other, actor=None, year=2026)
    d = number_issue(series=s, actor=None, year=2027)
    assert [a.text, b.text, c.text, d.text] == ["示安委办〔2026〕1号", "示安委办〔2026〕2号", "示应急责改〔2026〕1号", "示安委办〔2027〕1号"]
    number_void(number=b, actor=None, reason="录入错误")
    e = number_issue(series=s, actor=None, year=2026)
    assert e.text == "示安委办〔2026〕3号"
    with pytest.raises(DomainError):
        number_void(number=b, actor=None, reason="again")
    with pytest.raises(DomainError):
        number_void(number=e, actor=None, reason="  ")
    assert IssuedNumber.objects.get(pk=e.pk).voided_at is None


@pytest.mark.django_db(transaction=True)
def test_parallel_writers_never_share_a_number():
    if connection.vendor != "postgresql":
        pytest.skip("row-lock concurrency is exercised on PostgreSQL (SQLite serialises writers)")
    s = DocumentSeries.objects.create(code="par", prefix="并发", name="并发测试")
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(10):
                number_issue(series=s, actor=None, year=2026)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = sorted(IssuedNumber.objects.filter(series=s).values_list("seq", flat=True))
    assert seqs == list(range(1, 81))
