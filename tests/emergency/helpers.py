"""Rows of section 八 in both districts (and what incidents start from), for the generated
scope tests (``tests/core/test_scoped_choices.py``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from anjian.accidents.services import accident_report
from anjian.emergency import services as es
from anjian.monitoring.models import Sensor
from anjian.monitoring.services import alarm_raise
from anjian.rules.accidents import accident_types_for


def scope_rows(world) -> None:
    now = timezone.now()
    for ent, jur in ((world.ent_a, world.district_a), (world.ent_b, world.district_b)):
        plan = es.plan_create(actor=None, plan_type="onsite", title="现场处置方案", enterprise=ent)
        es.plan_review_record(actor=None, plan=plan, kind="review", held_on=dt.date.today(), conclusion="通过")
        es.plan_publish(actor=None, plan=plan, signed_by="负责人", published_on=dt.date.today())
        es.team_create(actor=None, name=f"{jur.name}救援队", kind="general", jurisdiction=jur)
        es.warehouse_create(actor=None, name=f"{jur.name}物资库", jurisdiction=jur)
        accident_report(actor=None, data={
            "enterprise": ent, "occurred_at": now - dt.timedelta(hours=3), "known_at": now - dt.timedelta(hours=3),
            "reported_at": now - dt.timedelta(hours=2), "place": "车间", "description": "物料泄漏",
            "category": "industrial_commercial", "type_code": accident_types_for(timezone.localdate()).types[0].code,
            "deaths": 0, "serious_injuries": 0, "minor_injuries": 1, "direct_loss_yuan": 1000,
            "measures": "疏散", "reporter": "张三"})
        sensor = Sensor.objects.filter(enterprise=ent).first()
        if sensor is not None:
            with transaction.atomic():
                alarm_raise(sensor=sensor, kind="high", at=now - dt.timedelta(minutes=5), value=99.0)
