"""The demo city's year of activity: every module has records in the expected states, made by the
services (history, timeline, inbox), and scoping still holds for the demo logins."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from anjian.accidents.models import Accident, ControlTarget, Investigation, ReferenceFigure
from anjian.accounts.models import User
from anjian.audit.models import Event
from anjian.audit.selectors import timeline_for
from anjian.demo.generator import CITY_CODE, DEMO_PASSWORD
from anjian.grids.models import GridStaff, PatrolRecord, PatrolTask
from anjian.hazards.models import (
    RECTIFICATION_STATUSES,
    Hazard,
    HazardListing,
    HazardPenalty,
    RepeatOffenderFlag,
)
from anjian.inbox.models import DueItem
from anjian.jobs.models import Job
from anjian.monitoring.models import Alarm, HazardSource, Reading, Sensor
from anjian.orgs.models import Jurisdiction, JurisdictionLevel
from anjian.public_reports.models import Report, ReporterIdentity, Reward
from anjian.rules import accidents as law


@pytest.fixture(scope="module")
def _built_once(django_db_setup, django_db_blocker):
    """One small city with its activity for the read-only tests of this module, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("demo", "--scale", "small", "--seed", "11", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def city(_built_once, db):
    return Jurisdiction.objects.get(code=CITY_CODE)


def _districts() -> list[Jurisdiction]:
    return list(Jurisdiction.objects.filter(level=JurisdictionLevel.DISTRICT).order_by("code"))


def _count(qs, field: str) -> dict[str, int]:
    return dict(qs.values_list(field).annotate(n=Count("id")).order_by())


def test_the_build_reports_the_activity(_built_once):
    for line in ("网格人员", "巡查任务", "隐患", "群众举报", "事故", "重大危险源", "活动数据用时"):
        assert line in _built_once


def test_hazards_in_every_source_and_state(city):
    by_status = _count(Hazard.objects.all(), "status")
    for status in ("reported", "confirmed", "rectifying", "submitted", "written_off", "rejected", "reviewed"):
        assert by_status.get(status, 0) >= 1, (status, by_status)
    assert set(_count(Hazard.objects.all(), "source")) == {
        "patrol", "self_inspection", "inspection", "regulator", "alarm", "supervision", "other"}  # 监管发现: from reports
    for district in _districts():
        assert 20 <= Hazard.objects.filter(jurisdiction__path__startswith=district.path).count() <= 45
    assert Hazard.objects.filter(reject_reason="duplicate", duplicate_of__isnull=False).exists()
    assert Hazard.objects.filter(reject_reason="not_a_hazard").exists()
    overdue = Hazard.objects.filter(status__in=RECTIFICATION_STATUSES, deadline__lt=timezone.now())
    assert overdue.count() >= 3
    oldest = Hazard.objects.order_by("found_at").first()
    assert (timezone.now() - oldest.found_at).days > 300  # spread over the past year
    assert Hazard.objects.filter(enterprise__isnull=True).exclude(place_name="").exists()
    assert set(Hazard.objects.exclude(risk_method="").values_list("risk_method", flat=True)) == {"lec", "ls"}


def test_major_hazards_plan_listing_review_and_repeat_offender(city):
    listed = HazardListing.objects.select_related("hazard", "issued_number").get()
    major = listed.hazard
    assert major.level == "major" and major.status == "rectifying"
    assert major.enterprise.name == "示范市安达化工有限公司"
    assert all(major.plan.get(k) for k in ("targets_tasks", "methods_measures", "funds_materials",
                                            "organisation_people", "deadline_requirements", "safety_emergency"))
    assert listed.status == "listed" and listed.number.startswith("示一安委办〔") and listed.issued_number is not None
    assert Hazard.objects.filter(level="major", status="reviewed", applied_at__isnull=False).count() == 1
    assert Hazard.objects.filter(level="major", status="written_off").count() == 1
    flag = RepeatOffenderFlag.objects.select_related("enterprise").get()
    assert flag.enterprise.name == "示范市瑞丰家具制造有限公司" and flag.penalty_count == 3
    assert HazardPenalty.objects.filter(enterprise=flag.enterprise).count() == 3
    assert DueItem.objects.filter(kind="hazards.referral", state="open").count() == 1


def test_hazards_were_made_by_the_services(city):
    for h in Hazard.objects.order_by("id")[:80]:
        verbs = list(timeline_for(h).values_list("verb", flat=True))
        assert verbs[0] == "hazard.reported", h
        assert h.history.count() >= 1
        if h.status == "written_off":
            assert "hazard.written_off" in verbs and h.written_off_at is not None
    grid_user = User.objects.get(username="grid")
    assert Hazard.objects.filter(finder=grid_user).exists()
    assert Event.objects.filter(actor__username="district1", verb="hazard.confirmed").exists()
    assert Event.objects.filter(actor__username="enterprise", verb="hazard.rectifying").exists()


def test_district_login_sees_only_its_district(city, client):
    d1, d2 = _districts()
    user = User.objects.get(username="district1")
    mine = set(Hazard.objects.restrict(user, "hazards.view").values_list("pk", flat=True))
    expected = set(Hazard.objects.filter(jurisdiction__path__startswith=d1.path).values_list("pk", flat=True))
    assert mine == expected and 0 < len(mine) < Hazard.objects.count()
    assert client.login(username="district1", password=DEMO_PASSWORD)
    page = client.get("/hazards/?status=").content.decode()
    others = Hazard.objects.filter(jurisdiction__path__startswith=d2.path)
    assert others.exists()
    for h in others:
        assert h.code not in page
    some = Hazard.objects.filter(jurisdiction__path__startswith=d1.path).order_by("-id").first()
    assert client.get(f"/hazards/{some.pk}/").status_code == 200
    assert client.get(f"/hazards/{others.first().pk}/").status_code == 404
    reports = Report.objects.restrict(user, "public_reports.view")
    assert reports.exists() and all(r.jurisdiction.path.startswith(d1.path) for r in reports)


def test_public_reports_channels_states_and_reward(city):
    assert 10 <= Report.objects.count() <= 20
    assert set(_count(Report.objects.all(), "channel")) == {"public", "hotline", "open311"}
    statuses = set(_count(Report.objects.all(), "status"))
    assert {"received", "accepted", "rejected", "merged", "dispatched", "replied", "closed"} <= statuses
    assert ReporterIdentity.objects.exists()
    assert Report.objects.filter(identity__isnull=True).exists()  # anonymous ones
    linked = Report.objects.filter(link_type__model="hazard")
    assert linked.count() >= 3
    assert Hazard.objects.filter(source="regulator").count() >= 2  # never 群众举报: the enterprise reads it
    reward = Reward.objects.get()
    assert reward.status == "approved" and reward.amount > 0
    assert reward.approved_by.username == "city_office" and reward.proposed_by.username == "district1"
    assert Report.objects.filter(merged_into__isnull=False).get().merged_into == reward.report


def test_accidents_targets_and_figures(city):
    accidents = list(Accident.objects.all())
    assert 30 <= len(accidents) <= 60
    assert all(a.is_synthetic for a in accidents)
    for a in accidents:  # each type code belongs to the standard in force on the day
        law.accident_types_for(timezone.localdate(a.occurred_at)).by_code(a.type_code)
    assert {"industrial_commercial", "road_traffic", "fire"} <= {a.category for a in accidents}
    assert len({a.district_id for a in accidents}) == 2
    larger = [a for a in accidents if a.grade == law.AccidentGrade.LARGER]
    assert len(larger) == 1 and larger[0].deaths == 3
    inv = Investigation.objects.get(accident=larger[0])
    assert inv.status == "appraisal" and inv.appraisal_started_on is not None
    assert sum(1 for a in accidents if a.late_minutes) == 1
    year = timezone.localdate().year
    assert ReferenceFigure.objects.filter(year=year, jurisdiction__level=JurisdictionLevel.DISTRICT).count() == 2
    for metric in ("deaths", "larger"):
        city_target = ControlTarget.objects.get(year=year, jurisdiction=city, metric=metric)
        split = ControlTarget.objects.filter(parent=city_target)
        assert split.count() == 2 and sum(t.quota for t in split) == city_target.quota
    assert Job.objects.filter(kind="accidents.monthly_report").count() == 1


def test_monitoring_source_sensors_readings_and_alarms(city):
    source = HazardSource.objects.get()
    assert source.is_major and source.grade_label == "三级"
    names = list(source.substances.values_list("name", flat=True))
    assert len(names) == 3 and any(n.startswith("液氯") for n in names) and any(n.startswith("甲醇") for n in names)
    sensors = {s.code: s for s in Sensor.objects.all()}
    assert 6 <= len(sensors) <= 10
    assert {s.kind for s in sensors.values()} >= {"combustible_gas", "toxic_gas", "temperature", "pressure",
                                                  "liquid_level"}
    since = timezone.now() - dt.timedelta(hours=24, minutes=5)
    readings = Reading.objects.filter(ts__gte=since)
    assert readings.count() == Reading.objects.count() > 5_000
    assert sensors["AD-LT-502"].state == "offline"
    assert Alarm.objects.get(sensor=sensors["AD-LT-502"]).kind == "offline"
    excursion = Alarm.objects.get(sensor=sensors["AD-GT-102"])
    assert excursion.status == "acknowledged" and excursion.peak > 20
    false = Alarm.objects.get(sensor=sensors["AD-AT-202"])
    assert false.status == "closed" and false.false_alarm and false.false_reason
    assert Alarm.objects.filter(false_alarm=False, sensor__isnull=False).exclude(kind="offline").count() == 1


def test_grids_staff_plan_and_patrols(city):
    grid0 = Jurisdiction.objects.filter(level=JurisdictionLevel.GRID).order_by("code").first()
    assert GridStaff.objects.filter(grid=grid0, user__username="grid", role="inspector").exists()
    assert GridStaff.objects.filter(role="leader").count() == 6
    assert PatrolTask.objects.filter(status="open").count() > 20
    records = PatrolRecord.objects.all()
    assert records.filter(far_from_site=True).count() == 1
    assert records.filter(hazard_count=1).count() == 1
    assert records.filter(inspector__username="grid").count() >= 5
    assert Hazard.objects.filter(source="patrol", finder__username="grid").exists()


def test_timeline_and_inbox_have_entries(city, client):
    open_kinds = set(DueItem.objects.filter(state="open").values_list("kind", flat=True))
    assert {"hazards.confirm", "hazards.rectify", "hazards.verify", "public_reports.triage", "public_reports.handle",
            "monitoring.alarm_ack", "monitoring.alarm_handle", "grids.patrol", "accidents.target_warning"} <= open_kinds
    assert Event.objects.count() > 400
    assert client.login(username="district1", password=DEMO_PASSWORD)
    assert client.get("/inbox/").status_code == 200
    for url in ("/hazards/", "/reports/", "/accidents/", f"/monitoring/live/{HazardSource.objects.get().enterprise_id}/",
                "/grids/"):
        client.logout()
        assert client.login(username="city_office", password=DEMO_PASSWORD)
        assert client.get(url).status_code == 200, url


def test_vehicles_geofences_positions_and_alarms(city):
    from anjian.vehicles.models import Geofence, Position, Vehicle, VehicleAlarm

    assert Vehicle.objects.count() == 7 and Vehicle.objects.filter(kind="hazmat", route__isnull=False).count() == 4
    assert sorted(Geofence.objects.values_list("kind", flat=True)) == ["no_go", "route", "speed"]
    assert Position.objects.count() == 7 * 120
    kinds = set(Alarm.objects.filter(sensor__isnull=True).values_list("kind", flat=True))
    assert {"no_go", "speeding"} <= kinds
    assert VehicleAlarm.objects.count() == Alarm.objects.filter(sensor__isnull=True).count()
    assert Alarm.objects.filter(kind="speeding", status="acknowledged").count() == 1
