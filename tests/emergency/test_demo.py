"""The demo city's section 八 (anjian/demo/emergency.py)."""

from __future__ import annotations

import pytest

from anjian.emergency import cap
from anjian.emergency.models import CapAlert, EmergencyPlan, LawEntry, PlanStatus, Stock
from anjian.emergency.selectors import compliance, compliance_by_area, drill_obligations, on_duty_now
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
    from anjian.emergency.selectors import resource_points

    drawn = {f["properties"]["name"] for f in resource_points(user=django_user_model.objects.get(username="admin"),
                                                              kinds={"alert"})["features"]}
    assert any(name.endswith("暴雨橙色预警") for name in drawn)  # the weather service's warning, on the map
    assert Stock.objects.filter(balance__lt=10**9).count() >= 4
    admin = django_user_model.objects.get(username="admin")
    rows = drill_obligations(user=admin)
    assert any(o.overdue for o in rows) and any(not o.overdue for o in rows)


def test_demo_drill_compliance_checked_by_hand(demo_city, django_user_model):  # noqa: F811
    """The demo's year of drills, by hand: the chemical works drilled its comprehensive plan 160 days
    ago (every 6 months: due in 21–24 days, within the 30-day reminder window) and its on-site plan was published 8 days ago (first drill
    due in about 6 months) — it complies; the cold store last drilled its ammonia plan 380 days
    ago — overdue, it does not."""
    admin = django_user_model.objects.get(username="admin")
    rows = drill_obligations(user=admin)
    chem = EmergencyPlan.objects.get(title="生产安全事故综合应急预案").enterprise.name
    cold = EmergencyPlan.objects.get(title="液氨泄漏专项应急预案").enterprise.name
    by_unit = {r["unit"]: r for r in compliance(rows)["rows"]}
    assert by_unit[chem]["ok"] and by_unit[chem]["overdue"] == 0
    assert not by_unit[cold]["ok"] and by_unit[cold]["overdue"] >= 1
    comp = next(o for o in rows if o.plan is not None and o.plan.title == "生产安全事故综合应急预案")
    assert comp.interval_months == 6 and not comp.overdue and comp.soon
    areas = compliance_by_area(rows, user=admin)
    assert sum(a["units"] for a in areas) == len(by_unit)
    assert sum(a["compliant"] for a in areas) == sum(1 for r in by_unit.values() if r["ok"])


def test_demo_roster_and_library(demo_city, django_user_model):  # noqa: F811
    admin = django_user_model.objects.get(username="admin")
    assert len(on_duty_now(user=admin)) == 2  # the city office and the first district office
    assert LawEntry.objects.filter(kind="local").exists() and LawEntry.objects.filter(from_catalogue=True).count() > 10
