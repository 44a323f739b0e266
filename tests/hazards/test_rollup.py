"""Statistics from the rollup (issue 22): the figures equal the live computation for every scope
and filter, including hazards changed, created, backdated and deleted after the refresh, today's
hazards, and deadlines that fell due since; a refresh after edits converges."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from anjian.hazards import rollup
from anjian.hazards import services as hs
from anjian.hazards.models import Hazard, HazardRollup, HazardRollupState
from anjian.hazards.stats import hazard_statistics
from anjian.hazards.tasks import rollup_statistics_task
from anjian.jobs.models import Job
from anjian.orgs.models import Sector

pytestmark = pytest.mark.django_db


def _now() -> dt.datetime:
    return timezone.now().replace(microsecond=0)


def _report(world, ent, *, found, level="general", status=None, deadline=None, source="patrol"):
    h = hs.hazard_report(actor=world.user("city_admin"), source=source, enterprise=ent, category="类别",
                         description="隐患", level=level, found_at=found)
    if status is not None:
        h = Hazard.objects.get(pk=h.pk)
        h.status, h.deadline = status, deadline
        h.save(update_fields=["status", "deadline"])  # a saved change: it has its history row
    return Hazard.objects.get(pk=h.pk)


@pytest.fixture
def hazards(world):
    """Hazards this year spread over both districts, sectors C and E, both levels and the states
    that count; one last year; one rejected. Created before the refresh margin."""
    now = _now()
    year_start = timezone.make_aware(dt.datetime(now.year, 1, 1))
    days = max(1, (timezone.localtime(now) - timezone.localtime(year_start)).days)
    at = [year_start + dt.timedelta(days=k * days // 9, hours=3) for k in range(9)]
    rows = [
        (world.ent_a, at[0], "major", "written_off", None),
        (world.ent_a, at[1], "general", "rectifying", now - dt.timedelta(days=1)),
        (world.ent_b, at[2], "general", "confirmed", now + dt.timedelta(days=30)),
        (world.ent_a2, at[3], "major", "rectifying", now - dt.timedelta(hours=5)),
        (world.ent_b, at[4], "general", "rejected", None),
        (world.ent_b, at[5], "general", "written_off", None),
        (world.ent_a, at[6], "general", "confirmed", now + dt.timedelta(hours=2)),
        (world.ent_a2, at[7], "general", None, None),
        (world.ent_a, now - dt.timedelta(days=400), "general", "written_off", None),
    ]
    with time_machine.travel(now - dt.timedelta(hours=1), tick=False):
        out = [_report(world, e, found=f, level=lv, status=st, deadline=dl) for e, f, lv, st, dl in rows]
    return out


def _refresh_an_hour_later():
    """The refresh, run so that every hazard made by the fixture is older than the margin."""
    return rollup.hazard_rollup_refresh()


def _same(user, *, filters=None, year=None):
    year = year or timezone.localdate().year
    got = hazard_statistics(user=user, year=year, filters=filters)
    want = hazard_statistics(user=user, year=year, filters=filters, live=True)
    assert want["freshness"]["source"] == "live"
    for key in ("totals", "by", "major"):
        assert got[key] == want[key], key
    return got


SCOPES = ("city_admin", "district_a", "district_b", "regulator")


def test_rollup_equals_live_for_scopes_and_filters(world, hazards):
    info = _refresh_an_hour_later()
    assert info["rows"] > 0 and HazardRollup.objects.exists()
    for name in SCOPES:
        data = _same(world.user(name))
        assert data["freshness"]["source"] == "rollup", name
    admin = world.user("city_admin")
    assert _same(admin)["totals"]["found"] == 7  # 8 this year, one rejected
    _same(admin, filters={"jurisdiction": world.district_a})
    _same(admin, filters={"jurisdiction": world.street_b})
    _same(admin, filters={"sector": Sector.objects.get(code="C")})
    _same(world.user("district_a"), filters={"sector": Sector.objects.get(code="E")})
    # filters and scopes the rollup cannot answer exactly: the live query (same figures, says live)
    assert _same(admin, filters={"source": "patrol"})["freshness"]["source"] == "live"
    assert _same(admin, filters={"jurisdiction": world.grid_a})["freshness"]["source"] == "live"
    for name in ("grid_inspector", "enterprise"):
        assert _same(world.user(name))["freshness"]["source"] == "live", name


def test_changes_after_the_refresh_are_counted(world, hazards):
    _refresh_an_hour_later()
    refreshed = HazardRollupState.objects.get()
    now = _now()
    with time_machine.travel(now + dt.timedelta(minutes=30), tick=False):
        # a status change, a level change, a move to the other district, a deletion, a new
        # hazard today, one backdated into January, a deadline that falls due since the refresh
        h = Hazard.objects.get(pk=hazards[1].pk)
        h.status = "written_off"
        h.save(update_fields=["status"])
        h = Hazard.objects.get(pk=hazards[2].pk)
        h.level = "major"
        h.save(update_fields=["level"])
        h = Hazard.objects.get(pk=hazards[7].pk)
        h.jurisdiction = world.grid_b
        h.save(update_fields=["jurisdiction"])
        Hazard.objects.get(pk=hazards[5].pk).delete()
        _report(world, world.ent_b, found=now)
        _report(world, world.ent_a2, found=timezone.make_aware(dt.datetime(now.year, 1, 2, 9)),
                status="rectifying", deadline=now - dt.timedelta(days=2))
        for name in SCOPES:
            assert _same(world.user(name))["freshness"]["source"] == "rollup", name
        _same(world.user("city_admin"), filters={"jurisdiction": world.district_b})
    # the deadline of hazards[6] (now + 2 h) passes: overdue moves without any write
    with time_machine.travel(now + dt.timedelta(hours=3), tick=False):
        data = _same(world.user("city_admin"))
        live = hazard_statistics(user=world.user("city_admin"), year=now.year, live=True)
        assert data["totals"]["overdue"] == live["totals"]["overdue"]
    assert HazardRollupState.objects.get().refreshed_at == refreshed.refreshed_at


def test_a_refresh_after_edits_converges(world, hazards):
    _refresh_an_hour_later()
    before = set(HazardRollup.objects.values_list("month", "jurisdiction_id", "sector_id", "level", "found",
                                                  "rectified"))
    now = _now()
    with time_machine.travel(now + dt.timedelta(minutes=20), tick=False):
        h = Hazard.objects.get(pk=hazards[1].pk)
        h.status = "written_off"
        h.save(update_fields=["status"])
        _report(world, world.ent_b, found=now)
    with time_machine.travel(now + dt.timedelta(hours=2), tick=False):
        info = rollup.hazard_rollup_refresh()
        assert info["hot"] == 0  # every change is older than the margin now: all rolled up
        after = set(HazardRollup.objects.values_list("month", "jurisdiction_id", "sector_id", "level", "found",
                                                     "rectified"))
        assert after != before
        for name in SCOPES:
            _same(world.user(name))
        # a second refresh changes nothing
        rollup.hazard_rollup_refresh()
        assert set(HazardRollup.objects.values_list("month", "jurisdiction_id", "sector_id", "level", "found",
                                                    "rectified")) == after


def test_changes_inside_the_margin_are_left_out_and_counted_live(world, hazards):
    h = Hazard.objects.get(pk=hazards[1].pk)
    h.status = "written_off"
    h.save(update_fields=["status"])  # just now: inside the margin of the refresh below
    info = rollup.hazard_rollup_refresh()
    assert info["hot"] >= 1
    for name in SCOPES:
        _same(world.user(name))


def test_page_and_api_say_how_fresh(login, world, hazards):
    page = login("city_admin").get("/hazards/statistics/")
    assert "统计数据为实时计算" in page.content.decode()
    call_command("rollup-statistics", stdout=open("/dev/null", "w"))  # noqa: SIM115
    st = HazardRollupState.objects.get()
    local = timezone.localtime(st.refreshed_at)
    page = login("city_admin").get("/hazards/statistics/").content.decode()
    assert f"统计数据截至 {local:%Y-%m-%d %H:%M}" in page
    data = login("city_admin").get("/api/v1/hazards/statistics").json()
    assert data["freshness"]["source"] == "rollup"
    assert data["freshness"]["refreshed_at"] == local.isoformat(timespec="seconds")


def test_the_hourly_schedule_starts_the_refresh_as_a_job(world, hazards, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rollup_statistics_task.call_local()
    job = Job.objects.get(kind=rollup.JOB_KIND)
    assert job.status == "succeeded", job.error
    assert job.result["rows"] == HazardRollup.objects.count()
