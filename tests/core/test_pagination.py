"""Keyset pagination: pages cut by (sort, id), a total that stops counting at the limit."""

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string

from anjian.core.pagination import keyset_page
from anjian.jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs():
    return Job.objects.bulk_create([Job(kind="test.kind", title=f"任务{i}") for i in range(25)])


def _params(url: str | None = None) -> QueryDict:
    return QueryDict((url or "?")[1:])


def test_walks_forward_and_back_without_gaps(jobs):
    qs = Job.objects.all()
    first = keyset_page(qs, _params(), size=10)
    second = keyset_page(qs, _params(first.next_url), size=10)
    third = keyset_page(qs, _params(second.next_url), size=10)
    ids = [j.pk for j in first.rows + second.rows + third.rows]
    assert ids == sorted((j.pk for j in jobs), reverse=True) and third.next_url is None
    back = keyset_page(qs, _params(third.prev_url), size=10)
    assert [j.pk for j in back.rows] == [j.pk for j in second.rows]
    assert (first.total, first.total_capped) == (25, False)


def test_total_stops_at_the_limit_and_says_so(jobs):
    page = keyset_page(Job.objects.all(), _params(), size=10, count_limit=20)
    assert (page.total, page.total_capped, len(page.rows)) == (20, True, 10)
    assert "超过 20 条" in render_to_string("partials/pagination.html", {"page": page})
    exact = keyset_page(Job.objects.all(), _params(), size=10, count_limit=25)
    assert (exact.total, exact.total_capped) == (25, False)
    assert "共 25 条" in render_to_string("partials/pagination.html", {"page": exact})
    assert keyset_page(Job.objects.all(), _params(), count_limit=None).total == 25
