"""core.bulk.insert_new: COPY on PostgreSQL, bulk_create elsewhere; the same rows either way."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from anjian.audit.models import Event
from anjian.core.bulk import insert_new
from anjian.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db


def test_insert_new_writes_every_field_as_bulk_create_would():
    ct = ContentType.objects.get_for_model(Enterprise)
    at = dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.UTC)
    rows = [Event(content_type=ct, object_id=str(i), verb="created", summary=f"建档：企业{i}", at=at,
                  data={"routing": "规则 ‘C’", "n": i, "list": [1, None, "是"]}, note="导入 \t tab\nline")
            for i in range(3)]
    assert insert_new(Event, rows) == 3
    assert insert_new(Event, []) == 0
    stored = list(Event.objects.filter(content_type=ct, verb="created").order_by("object_id"))
    assert [e.object_id for e in stored] == ["0", "1", "2"]
    assert stored[2].data == {"routing": "规则 ‘C’", "n": 2, "list": [1, None, "是"]}
    assert stored[0].note == "导入 \t tab\nline"
    assert stored[0].at == at and stored[0].message == {} and stored[0].actor is None
    assert len({e.pk for e in stored}) == 3
