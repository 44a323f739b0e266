"""Grid staff, patrol plans from risk colours, patrol records on site (check-in distance,
findings → hazards in one step), coverage, and the whole-city reassignment job."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from shapely.geometry import box

from anjian.accounts.models import Role
from anjian.accounts.services import membership_grant, user_create
from anjian.audit.selectors import timeline_for
from anjian.core.errors import DomainError, NotAllowed, NotFoundInScope
from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import enterprise_create
from anjian.grids import services as gs
from anjian.grids.models import PatrolRecord
from anjian.hazards.models import Hazard
from anjian.inbox.models import DueItem
from anjian.inbox.selectors import due_item_list
from anjian.jobs.models import Job
from anjian.orgs.models import JurisdictionLevel
from anjian.orgs.services import jurisdiction_create
from anjian.testing.world import PASSWORD

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC)


def _street_officer(world):
    user = user_create(actor=None, username="street_a", password=PASSWORD, must_change_password=False)
    membership_grant(actor=None, user=user, role=Role.objects.get(code="street_office"), jurisdiction=world.street_a)
    return user


def _set_colour(ent, colour):
    Enterprise.objects.filter(pk=ent.pk).update(risk_colour=colour)
    ent.refresh_from_db()


def test_staff_and_plan_from_risk_colours(world):
    street = _street_officer(world)
    inspector = world.user("grid_inspector")
    gs.grid_staff_set(actor=street, grid=world.grid_a, user=inspector)
    with pytest.raises(NotAllowed):
        gs.grid_staff_set(actor=world.user("district_b"), grid=world.grid_a, user=inspector)
    with pytest.raises(DomainError):
        gs.grid_staff_set(actor=street, grid=world.street_a, user=inspector)
    second = enterprise_create(actor=None, data={"name": "甲一网格小餐馆", "lng": 114.02, "lat": 22.02})
    _set_colour(world.ent_a, "red")  # monthly
    _set_colour(second, "yellow")  # quarterly
    with time_machine.travel(T0, tick=False):
        tasks = gs.patrol_plan_generate(actor=street, grid=world.grid_a, start=dt.date(2026, 1, 5),
                                        end=dt.date(2026, 6, 30))
        again = gs.patrol_plan_generate(actor=street, grid=world.grid_a, start=dt.date(2026, 1, 5),
                                        end=dt.date(2026, 6, 30))
    assert again == []  # idempotent
    plan = sorted((t.enterprise.name, t.due_date.isoformat()) for t in tasks)
    assert plan == sorted(
        [("甲区化工有限公司", f"2026-{m:02d}-05") for m in range(1, 7)]
        + [("甲一网格小餐馆", "2026-01-05"), ("甲一网格小餐馆", "2026-04-05")]
    )
    assert {t.inspector for t in tasks} == {inspector}
    assert DueItem.objects.filter(kind="grids.patrol", state="open").count() == 8
    mine = [i.title for i in due_item_list(user=inspector) if i.kind == "grids.patrol"]
    assert len(mine) == 8 and mine[0].startswith("网格巡查：")
    with pytest.raises(NotAllowed):
        gs.patrol_plan_generate(actor=inspector, grid=world.grid_a, start=dt.date(2026, 1, 1), end=dt.date(2026, 2, 1))


def test_plan_starts_after_the_last_patrol(world):
    _set_colour(world.ent_a, "orange")  # every two months
    with time_machine.travel(dt.datetime(2025, 12, 20, 2, 0, tzinfo=dt.UTC), tick=False):
        gs.patrol_record_create(actor=world.user("grid_inspector"), enterprise=world.ent_a, lng=114.05, lat=22.05)
    tasks = gs.patrol_plan_generate(actor=None, grid=world.grid_a, start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))
    assert [t.due_date.isoformat() for t in tasks if t.enterprise == world.ent_a] == ["2026-02-20", "2026-04-20",
                                                                                       "2026-06-20"]


def test_patrol_record_checkin_distance_findings_become_hazards(world):
    inspector = world.user("grid_inspector")
    gs.grid_staff_set(actor=None, grid=world.grid_a, user=inspector)
    _set_colour(world.ent_a, "red")
    with time_machine.travel(T0, tick=False):
        task = gs.patrol_plan_generate(actor=None, grid=world.grid_a, start=dt.date(2026, 1, 5),
                                       end=dt.date(2026, 1, 31))[0]
        # 0.01° of latitude is about 1.1 km: flagged as far from the site.
        record = gs.patrol_record_create(
            actor=inspector, enterprise=world.ent_a, task=task, lng=114.05, lat=22.06, accuracy_m=15,
            answers={"消防通道": "不合格", "安全警示标志": "合格"}, note="现场检查",
            findings=[{"category": "消防通道堵塞", "description": "北侧通道堆放货物"},
                      {"category": "储罐区防火堤破损", "description": "裂缝", "level": "major"}],
        )
    assert record.far_from_site is True
    assert 1100 < record.distance_m < 1120
    assert record.hazard_count == 2
    hazards = list(Hazard.objects.order_by("id"))
    assert [(h.source, h.level, h.enterprise, h.finder, h.lat) for h in hazards] == [
        ("patrol", "general", world.ent_a, inspector, 22.06), ("patrol", "major", world.ent_a, inspector, 22.06)]
    task.refresh_from_db()
    assert (task.status, task.done_at, task.on_time) == ("done", T0, True)
    assert DueItem.objects.get(kind="grids.patrol", object_id=str(task.pk)).state == "done"
    assert list(timeline_for(record).values_list("verb", flat=True)) == ["patrol_recorded", "patrol_findings"]
    assert timeline_for(record).first().summary == "巡查 甲区化工有限公司，距企业 1112 米（签到位置偏离）"

    near = gs.patrol_record_create(actor=inspector, enterprise=world.ent_a, lng=114.0501, lat=22.0501, accuracy_m=5)
    assert near.far_from_site is False and near.distance_m < 20


def test_patrol_record_is_all_or_nothing(world):
    inspector = world.user("grid_inspector")
    with pytest.raises(DomainError):
        gs.patrol_record_create(actor=inspector, enterprise=world.ent_a, lng=114.05, lat=22.05,
                                findings=[{"category": "", "description": "x"}])
    assert (PatrolRecord.objects.count(), Hazard.objects.count()) == (0, 0)


def test_patrol_out_of_scope_is_refused(world):
    with pytest.raises(NotFoundInScope):
        gs.patrol_record_create(actor=world.user("grid_inspector"), enterprise=world.ent_b, lng=114.25, lat=22.05)
    with pytest.raises(NotAllowed):  # the regulator sees the enterprise but does not patrol
        gs.patrol_record_create(actor=world.user("regulator"), enterprise=world.ent_a, lng=114.05, lat=22.05)
    assert PatrolRecord.objects.count() == 0


def test_coverage_per_grid(world):
    inspector = world.user("grid_inspector")
    _set_colour(world.ent_a, "red")
    with time_machine.travel(T0, tick=False):
        tasks = gs.patrol_plan_generate(actor=None, grid=world.grid_a, start=dt.date(2026, 1, 5),
                                        end=dt.date(2026, 3, 31))
    with time_machine.travel(dt.datetime(2026, 2, 7, 2, 0, tzinfo=dt.UTC), tick=False):
        gs.patrol_record_create(actor=inspector, enterprise=world.ent_a, task=tasks[0], lng=114.05, lat=22.05)
        rows = gs.grid_coverage(user=world.user("district_a"), start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))
        assert gs.grid_coverage(user=world.user("district_b"), start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31)) == []
    assert rows == [{"grid_id": world.grid_a.pk, "grid__name": "甲一网格", "grid__code": "990101001001",
                     "planned": 3, "done": 1, "on_time": 0, "overdue": 1, "rate": 33.3, "on_time_rate": 0.0}]


def test_reassignment_job_moves_enterprises_to_new_grids(world, django_capture_on_commit_callbacks):
    # A new grid is drawn over ent_a2's point (甲一街道 had no grid there before).
    new_grid = jurisdiction_create(actor=None, code="990101001002", name="甲二网格", level=JurisdictionLevel.GRID,
                                   parent=world.street_a, geometry=box(114.1, 22.1, 114.2, 22.2))
    before = Enterprise.objects.get(pk=world.ent_a2.pk).jurisdiction
    assert before == world.street_a  # 114.15, 22.15 lay in the street but in none of its grids
    with pytest.raises(NotAllowed):
        gs.reassign_start(actor=world.user("grid_inspector"))
    # huey runs in immediate mode in tests: the job runs when the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        job = gs.reassign_start(actor=world.user("city_admin"))
    job = Job.objects.get(pk=job.pk)
    assert job.status == "succeeded"
    assert {k: job.result[k] for k in ("total", "moved", "unplaced")} == {"total": 3, "moved": 1, "unplaced": 0}
    assert job.result["hazards"] == job.result["patrol_tasks"] == 0 and job.result_file  # ent_a2 had no open records
    assert (job.total, job.done) == (3, 3)
    ent = Enterprise.objects.get(pk=world.ent_a2.pk)
    assert ent.jurisdiction == new_grid
    assert ent.history.order_by("-history_id").first().history_change_reason == "网格重新归属"
