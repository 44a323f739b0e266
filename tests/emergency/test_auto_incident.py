"""Accidents at or above the grade and high-high alarms open an incident by themselves, through
the registries the lower apps offer (``accidents.hooks``, ``monitoring.hooks``): once, audited, in
the duty office's inbox until somebody acts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from anjian.accidents.services import accident_report, accident_supplement
from anjian.audit.models import Event
from anjian.core.errors import DomainError
from anjian.emergency import services
from anjian.emergency.models import Incident
from anjian.emergency.workflow import DUE_INCIDENT
from anjian.inbox.models import DueItem, DueState
from anjian.monitoring.ingest import RawReading, ingest
from anjian.monitoring.services import sensor_create
from anjian.rules.accidents import accident_types_for

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)
ROOT = Path(__file__).resolve().parents[2] / "anjian"


def _report(world, deaths: int):
    now = timezone.now()
    return accident_report(actor=world.user("district_a"), data={
        "enterprise": world.ent_a, "occurred_at": now - dt.timedelta(hours=1), "known_at": now - dt.timedelta(minutes=50),
        "reported_at": now - dt.timedelta(minutes=40), "place": "罐区", "description": "储罐爆炸",
        "category": "industrial_commercial", "type_code": accident_types_for(timezone.localdate()).types[0].code,
        "deaths": deaths, "serious_injuries": 0, "minor_injuries": 0, "direct_loss_yuan": 1000,
        "measures": "疏散", "reporter": "张三"})


def test_lower_apps_do_not_import_emergency():
    for app in ("accidents", "monitoring"):
        for path in (ROOT / app).rglob("*.py"):
            assert "anjian.emergency" not in path.read_text(encoding="utf-8"), path


def test_larger_accident_opens_one_incident_in_the_district_inbox(world, login):
    acc = _report(world, deaths=3)  # 较大事故
    inc = Incident.objects.get(accident=acc)
    assert inc.automatic and inc.source == "accident" and inc.jurisdiction == world.ent_a.jurisdiction
    assert (inc.lng, inc.lat) == (world.ent_a.lng, world.ent_a.lat)
    assert Event.objects.filter(verb="emergency.auto_incident", object_id=str(inc.pk)).exists()
    due = DueItem.objects.get(kind=DUE_INCIDENT, object_id=str(inc.pk))
    assert due.state == DueState.OPEN and due.owner_jurisdiction == world.district_a
    inbox = login("district_a").get("/inbox/").content.decode()
    assert "应急事件待处置" in inbox
    # idempotent: the receiver again, a supplement, or a person opening it by hand find the same one
    assert services.incident_for_accident(acc) == inc
    accident_supplement(actor=world.user("district_a"), accident=acc, changed_on=timezone.localdate(),
                        figures={"deaths": 4}, note="续报")
    assert Incident.objects.filter(accident=acc).count() == 1
    with pytest.raises(DomainError):
        services.incident_open(actor=world.user("city_admin"), title="again", lng=114.05, lat=22.05, accident=acc)
    # the first dispatch closes the to-do
    services.incident_log_add(actor=world.user("district_a"), incident=inc, kind="dispatch", text="调派危化救援队")
    due.refresh_from_db()
    assert due.state == DueState.DONE


def test_general_accident_opens_none_until_its_grade_rises(world):
    acc = _report(world, deaths=1)  # 一般事故
    assert not Incident.objects.filter(accident=acc).exists()
    accident_supplement(actor=world.user("district_a"), accident=acc, changed_on=timezone.localdate(),
                        figures={"deaths": 3}, note="伤员救治无效")
    assert Incident.objects.filter(accident=acc, automatic=True).count() == 1


def test_high_high_alarm_opens_an_incident_high_does_not(world):
    sensor_create(actor=None, enterprise=world.ent_a, code="GAS-1", data={
        "name": "罐区可燃气体探测器", "kind": "combustible_gas", "unit": "%LEL", "high": 20.0, "high_high": 50.0,
        "deadband": 2.0, "min_duration_s": 0, "expected_interval_s": 10, "range_min": 0.0, "range_max": 100.0})

    def feed(start: dt.datetime, values: list[float]) -> None:
        ingest([RawReading("GAS-1", int((start + dt.timedelta(seconds=i * 10)).timestamp() * 1000), v)
                for i, v in enumerate(values)])

    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        feed(NOW, [5, 25, 26])  # 高报
        assert not Incident.objects.exists()
        feed(NOW + dt.timedelta(seconds=30), [60, 61])  # upgraded to 高高报
        inc = Incident.objects.get()
        assert inc.source == "alarm" and inc.alarm.kind == "high_high" and inc.automatic
        assert "高高报" in inc.title
        feed(NOW + dt.timedelta(seconds=50), [70, 75])
    assert Incident.objects.count() == 1
    assert DueItem.objects.filter(kind=DUE_INCIDENT, object_id=str(inc.pk), state=DueState.OPEN).exists()
