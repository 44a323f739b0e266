"""The drill obligation engine on a small, hand-checked year (frozen at 2026-12-06)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from anjian.emergency import services
from anjian.emergency.selectors import compliance, coverage_gaps, drill_obligations
from anjian.enterprises.services import enterprise_create
from anjian.orgs.models import Sector

pytestmark = pytest.mark.django_db
D = dt.date


def _plan(kind, published, *, enterprise=None, jurisdiction=None):
    p = services.plan_create(actor=None, plan_type=kind, title=f"{kind}预案", enterprise=enterprise,
                             jurisdiction=jurisdiction)
    services.plan_review_record(actor=None, plan=p, kind="review", held_on=published, conclusion="通过")
    services.plan_publish(actor=None, plan=p, signed_by="负责人", published_on=published)
    return p


@time_machine.travel(dt.datetime(2026, 12, 6, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_a_year_of_drills(world):
    a_comp = _plan("comprehensive", D(2026, 1, 10), enterprise=world.ent_a)
    _plan("onsite", D(2026, 2, 1), enterprise=world.ent_a)
    _plan("special", D(2025, 6, 1), jurisdiction=world.district_a)
    b_comp = _plan("comprehensive", D(2026, 6, 1), enterprise=world.ent_b)
    big = enterprise_create(actor=None, data={"name": "甲区大型制造厂", "sector": Sector.objects.get(code="26"),
                                              "lng": 114.06, "lat": 22.06, "employees": 800})
    for plan, held in ((a_comp, D(2026, 3, 1)), (a_comp, D(2026, 8, 15)), (b_comp, D(2026, 6, 10))):
        services.drill_record(actor=None, plan=plan, title="演练", held_on=held, content="single", form="live")
    services.drill_record(actor=None, enterprise=big, topic="fire", title="消防演练", held_on=D(2026, 5, 1),
                          content="single", form="live")

    rows = drill_obligations(user=world.user("city_admin"))
    table = sorted((o.unit, o.what, o.interval_months, o.last, o.due, o.overdue) for o in rows)
    assert table == sorted([
        ("甲区化工有限公司", "综合应急预案", 6, D(2026, 8, 15), D(2027, 2, 15), False),
        ("甲区化工有限公司", "现场处置方案", 6, None, D(2026, 8, 1), True),   # never drilled
        ("甲区", "专项应急预案", 24, None, D(2027, 6, 1), False),               # government: two years
        ("乙区建筑工程有限公司", "综合应急预案", 6, D(2026, 6, 10), D(2026, 12, 10), False),  # construction: high risk
        ("甲区大型制造厂", "消防安全演练", 12, D(2026, 5, 1), D(2027, 5, 1), False),  # 500+ staff
        ("甲区大型制造厂", "专业技术安全演练", 12, None, D(2026, 12, 31), False),
    ])
    soon = [o for o in rows if o.soon]
    assert [(o.unit, o.due) for o in soon] == [("乙区建筑工程有限公司", D(2026, 12, 10)), ("甲区大型制造厂", D(2026, 12, 31))]
    summary = compliance(rows)
    assert (summary["units"], summary["compliant"], summary["rate"]) == (4, 3, 75.0)
    # a district sees its own units only
    b_rows = drill_obligations(user=world.user("district_b"))
    assert {o.unit for o in b_rows} == {"乙区建筑工程有限公司"}
    # coverage gap: construction firm 甲区建设集团 must file (Art. 26) and has no plan
    gaps = [g["enterprise"].name for g in coverage_gaps(user=world.user("city_admin"))]
    assert gaps == ["甲区建设集团"]
