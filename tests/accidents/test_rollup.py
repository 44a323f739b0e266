"""Accident statistics from the rollup (issue 22): the figures equal the live computation for
every scope, filter and period, including what changes after reporting — 续报 inside the window
(deaths, grade), a late report (补报) of an old accident, a move to another district, a deletion
(an import undone), investigations opened and closed — the month boundary at Beijing midnight,
and a refresh after edits converges."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from anjian.accidents import rollup
from anjian.accidents.models import Accident, AccidentRollup, AccidentRollupState
from anjian.accidents.services import (
    accident_stamps,
    accident_supplement,
    accidents_import_undo,
    investigation_open,
)
from anjian.accidents.stats import Period, accident_indicators, accident_totals, statistics_report
from anjian.core import rollups
from anjian.hazards.tasks import rollup_statistics_task
from anjian.jobs.models import Job
from anjian.orgs.models import JurisdictionLevel

from .factories import at, report, when

pytestmark = pytest.mark.django_db

NOW = at(2026, 8, 20, 10)
YEAR = Period.year(2026)
PERIODS = (YEAR, Period(dt.date(2026, 3, 15), dt.date(2026, 7, 10)))  # the last: partial months at both ends
MONTHS = (Period.month(2026, 3), Period.month(2026, 4), Period.year(2025))  # either side of 04-01 00:00 Beijing
SCOPES = ("city_admin", "district_a", "district_b", "regulator")


@pytest.fixture
def accidents(world):
    """Accidents of 2025 and 2026 in both districts, sectors C and E (and none), road and
    industrial, reported and imported, one 较大涉险; two on either side of Beijing midnight at the
    end of March; an investigation opened. All made two hours before NOW."""
    with time_machine.travel(NOW - dt.timedelta(hours=2), tick=False):
        out = {
            "a1": report(world, **when(2026, 3, 1), deaths=1, minor_injuries=2, direct_loss_yuan=500000),
            "b1": report(world, enterprise=world.ent_b, type_code="09", **when(2026, 3, 20), deaths=3,
                         serious_injuries=1, direct_loss_yuan="1234567.89"),
            "a2": report(world, enterprise=world.ent_a2, type_code="01", **when(2026, 5, 15), deaths=0,
                         minor_injuries=1, direct_loss_yuan=0),
            "road": report(world, enterprise=None, unit_name="个人", jurisdiction=world.street_b,
                           category="road_traffic", type_code="02", **when(2026, 2, 10), deaths=1),
            "risk": report(world, enterprise=world.ent_a2, kind="larger_at_risk", **when(2026, 3, 16), deaths=0,
                           minor_injuries=0, trapped=3),
            "last_year": report(world, **when(2025, 3, 5), deaths=2, direct_loss_yuan=100000),
            "imported": report(world, enterprise=world.ent_b, type_code="09", **when(2026, 4, 8), deaths=1,
                               is_imported=True),
            # 2026-03-31 23:59 and 2026-04-01 00:00 Beijing time (15:59 and 16:00 UTC on 03-31)
            "march_end": report(world, occurred_at=at(2026, 3, 31, 23, 59), known_at=at(2026, 3, 31, 23, 59),
                                reported_at=at(2026, 4, 1, 0, 30), deaths=1),
            "april_start": report(world, enterprise=world.ent_b, occurred_at=at(2026, 4, 1, 0, 0),
                                  known_at=at(2026, 4, 1, 0, 0), reported_at=at(2026, 4, 1, 0, 30), deaths=1),
            "july": report(world, **when(2026, 7, 2), type_code="WSA10001", deaths=1, minor_injuries=0),
        }
        investigation_open(actor=None, accident=out["b1"], team_leader="组长", started_on=dt.date(2026, 3, 21))
    return out


def _same(user, *, period=YEAR, filters=None):
    got = statistics_report(user=user, period=period, filters=filters)
    want = statistics_report(user=user, period=period, filters=filters, live=True)
    assert want["freshness"]["source"] == "live"
    for key in ("period", "comparison", "closure", "by"):
        assert got[key] == want[key], (key, period)
    return got


def _all_same(world, names=SCOPES):
    for name in names:
        for period in PERIODS:
            assert _same(world.user(name), period=period)["freshness"]["source"] == "rollup", (name, period)
    for period in MONTHS:
        _same(world.user("city_admin"), period=period)


def _refresh():
    with time_machine.travel(NOW, tick=False):
        return rollup.accident_rollup_refresh()


def test_rollup_equals_live_for_scopes_filters_and_periods(world, accidents):
    info = _refresh()
    assert info["rows"] > 0 and info["hot"] == 0 and AccidentRollup.objects.exists()
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        _all_same(world)
        admin = world.user("city_admin")
        data = _same(admin)
        assert data["comparison"]["current"]["count"] == 8  # 9 this year, one 较大涉险
        assert data["comparison"]["current"]["larger_at_risk"] == 1
        assert data["closure"]["opened"] == 1
        march = {r["key"]: r["count"] for r in _same(admin, period=Period.month(2026, 3))["by"]["category"]}
        assert march == {"industrial_commercial": 3}  # a1, b1 and 03-31 23:59; 04-01 00:00 is April's
        _same(admin, filters={"jurisdiction": world.district_a})
        _same(admin, filters={"category": "road_traffic"})
        _same(admin, filters={"origin": "imported"})
        _same(world.user("district_a"), filters={"category": "industrial_commercial"})
        # what the rollup cannot answer exactly: live, same figures
        assert _same(admin, filters={"jurisdiction": world.grid_a})["freshness"]["source"] == "live"
        assert _same(admin, filters={"jurisdiction": world.street_b})["freshness"]["source"] == "live"
        assert _same(admin, filters={"q": "化工"})["freshness"]["source"] == "live"
        for name in ("grid_inspector", "enterprise", "hotline", "hotline_lead"):
            assert _same(world.user(name))["freshness"]["source"] == "live", name
        # the cockpit's year to date and the indicators: whole months rolled up, the rest live
        ytd = Period(dt.date(2026, 1, 1), dt.date(2026, 8, 20))
        with override_settings(ACCIDENT_STATISTICS_ROLLUP=False):
            want = accident_totals(user=admin, period=ytd), accident_indicators(user=admin, year=2026,
                                                                                  jurisdiction=world.city)
        assert (accident_totals(user=admin, period=ytd),
                accident_indicators(user=admin, year=2026, jurisdiction=world.city)) == want


def test_changes_after_the_refresh_are_counted(world, accidents):
    _refresh()
    with time_machine.travel(NOW + dt.timedelta(minutes=30), tick=False):
        # 续报 inside the window: 1 → 4 deaths raises a1 to 较大; another accident's loss changes
        accident_supplement(actor=None, accident=accidents["a1"], changed_on=dt.date(2026, 3, 5),
                            figures={"deaths": 4})
        # a 续报 after the window changes nothing counted
        accident_supplement(actor=None, accident=accidents["last_year"], changed_on=dt.date(2025, 6, 1),
                            figures={"deaths": 9})
        # a late report (补报) of a February accident, and one of today
        report(world, enterprise=world.ent_b, type_code="09", **when(2026, 2, 3), deaths=2)
        report(world, occurred_at=NOW, known_at=NOW, reported_at=NOW, type_code="WSA10001", deaths=0,
               minor_injuries=3)
        # the accident at 04-01 00:00 moves to district A (its enterprise moved: the follow service)
        acc = Accident.objects.get(pk=accidents["april_start"].pk)
        acc.jurisdiction, acc.district = world.street_a, world.district_a
        acc.save(update_fields=["jurisdiction", "district"])
        # an import undone: deleted
        imported = accidents["imported"]
        accidents_import_undo(actor=None, created=[(str(imported.pk), accident_stamps([imported.pk])[str(imported.pk)])])
        # investigations: one opened, one closed
        investigation_open(actor=None, accident=accidents["a2"], team_leader="组长", started_on=dt.date(2026, 5, 16))
        inv = accidents["b1"].investigation
        inv.refresh_from_db()
        inv.status = "closed"
        inv.closed_on = dt.date(2026, 8, 20)
        inv.save(update_fields=["status", "closed_on"])
        assert AccidentRollupState.objects.get().refreshed_at == NOW
        _all_same(world)
        admin = world.user("city_admin")
        assert _same(admin)["closure"] == {"opened": 2, "closed": 1, "rate": 50.0}
        assert _same(admin, period=Period.month(2026, 3))["comparison"]["current"]["larger"] == 2
        _same(admin, filters={"jurisdiction": world.district_b})
        _same(admin, filters={"origin": "imported"})


def test_a_refresh_after_edits_converges(world, accidents):
    _refresh()
    with time_machine.travel(NOW + dt.timedelta(minutes=20), tick=False):
        accident_supplement(actor=None, accident=accidents["b1"], changed_on=dt.date(2026, 3, 25),
                            figures={"deaths": 5})
        report(world, **when(2026, 1, 9), deaths=1)
    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        info = rollup.accident_rollup_refresh()
        assert info["hot"] == 0
        _all_same(world)
        rows = set(AccidentRollup.objects.values_list("month", "jurisdiction_id", "category", "grade", "accidents",
                                                      "deaths"))
        rollup.accident_rollup_refresh()
        assert set(AccidentRollup.objects.values_list("month", "jurisdiction_id", "category", "grade", "accidents",
                                                      "deaths")) == rows


def test_changes_inside_the_margin_are_left_out_and_counted_live(world, accidents):
    with time_machine.travel(NOW - dt.timedelta(minutes=5), tick=False):
        accident_supplement(actor=None, accident=accidents["a2"], changed_on=dt.date(2026, 5, 16),
                            figures={"serious_injuries": 2})
    info = _refresh()
    assert info["hot"] == 1
    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        _all_same(world)


def test_own_accidents_outside_the_unit_scope_are_added(world, accidents):
    """Scoping always lets a user see the accidents they entered: one a district office entered,
    now in the other district, is counted for it as live does."""
    with time_machine.travel(NOW - dt.timedelta(hours=2), tick=False):
        mine = report(world, actor=world.user("district_a"), **when(2026, 6, 3), deaths=1)
    _refresh()
    with time_machine.travel(NOW + dt.timedelta(minutes=10), tick=False):
        acc = Accident.objects.get(pk=mine.pk)
        acc.jurisdiction, acc.district, acc.enterprise = world.street_b, world.district_b, world.ent_b
        acc.save(update_fields=["jurisdiction", "district", "enterprise"])
        data = _same(world.user("district_a"))
        assert data["freshness"]["source"] == "rollup"
        _all_same(world)


def test_a_changed_territory_tree_falls_back_to_live(world, accidents):
    _refresh()
    st = AccidentRollupState.objects.get()
    assert rollups.tree_unchanged(st.since, st.keys, rollup.LEVEL)  # the world's were written before: same maps
    with time_machine.travel(NOW + dt.timedelta(minutes=10), tick=False):
        street = world.street_a  # to the other district
        street.parent, street.path = world.district_b, world.district_b.path + street.code + "/"
        street.save(update_fields=["parent", "path"])
        assert not rollups.tree_unchanged(st.since, st.keys, rollup.LEVEL)
        assert _same(world.user("city_admin"))["freshness"]["source"] == "live"


def test_page_and_api_say_how_fresh(login, world, accidents):
    with time_machine.travel(NOW, tick=False):
        page = login("city_admin").get("/accidents/statistics/?year=2026").content.decode()
        assert "统计数据为实时计算" in page
        call_command("rollup-statistics", stdout=open("/dev/null", "w"))  # noqa: SIM115
    st = AccidentRollupState.objects.get()
    local = timezone.localtime(st.refreshed_at)
    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        page = login("city_admin").get("/accidents/statistics/?year=2026").content.decode()
        assert f"统计数据截至 {local:%Y-%m-%d %H:%M}" in page
        data = login("city_admin").get("/api/v1/accidents/stats/summary?year=2026").json()
        assert data["freshness"]["source"] == "rollup"
        assert data["freshness"]["refreshed_at"] == local.isoformat(timespec="seconds")


def test_the_hourly_job_and_the_command_refresh_the_accidents_too(world, accidents,
                                                                 django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        rollup_statistics_task.call_local()
    job = Job.objects.filter(kind="hazards.rollup").get()
    assert job.status == "succeeded", job.error
    assert job.result["accidents_rows"] == AccidentRollup.objects.count() > 0
    assert "rows" in job.result  # the hazards' figures as before


def test_core_knows_the_levels():
    assert (rollups.DISTRICT, rollups.STREET) == (JurisdictionLevel.DISTRICT, JurisdictionLevel.STREET)
    assert rollup.LEVEL == JurisdictionLevel.DISTRICT
