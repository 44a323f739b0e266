"""The demo city's section 八 (anjian/demo/emergency.py)."""

from __future__ import annotations

import pytest

from anjian.emergency import cap
from anjian.emergency.models import CapAlert, EmergencyPlan, PlanStatus, Stock
from anjian.emergency.selectors import drill_obligations
from anjian.inbox.selectors import due_item_list
from tests.demo.test_demo import _built_once, demo_city  # noqa: F401 - the shared small city

pytestmark = pytest.mark.django_db


def test_demo_emergency(demo_city, django_user_model):  # noqa: F811
    statuses = set(EmergencyPlan.objects.values_list("status", flat=True))
    assert {PlanStatus.DRAFT, PlanStatus.PUBLISHED, PlanStatus.SUBMITTED, PlanStatus.FILED} <= statuses
    ent_user = django_user_model.objects.get(username="enterprise")
    assert any(i.kind == "emergency.file_plan" for i in due_item_list(user=ent_user))
    for alert in CapAlert.objects.filter(direction="out", status="published"):
        assert cap.validate(alert.xml.encode()) == []
    assert Stock.objects.filter(balance__lt=10**9).count() >= 4
    admin = django_user_model.objects.get(username="admin")
    rows = drill_obligations(user=admin)
    assert any(o.overdue for o in rows) and any(not o.overdue for o in rows)
