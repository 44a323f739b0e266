"""A known patrol history over January–March 2026 in both grids, for the coverage tests.

grid A (inspector ``grid_inspector``): due 01-05 done on time, 02-05 done late (02-10), 03-05 open.
grid B (inspector ``乙网格员``): due 01-05 done on time, 02-05 and 03-05 open.
"Today" is 2026-03-20, so every open task is overdue."""

from __future__ import annotations

import datetime as dt

import time_machine

from anjian.accounts.models import Role
from anjian.accounts.services import membership_grant, user_create
from anjian.grids import services as gs
from anjian.grids.models import GridRole
from anjian.rules.risk import RiskColour

CST = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.datetime(2026, 3, 20, 10, 0, tzinfo=CST)
MONTHLY = dict.fromkeys(RiskColour, 1)
PERIOD = {"start": "2026-01-01", "end": "2026-03-31"}


def build_history(world):
    insp_b = user_create(actor=None, username="insp_b", password="Anjian-Test-2026!", display_name="乙网格员",
                         must_change_password=False)
    membership_grant(actor=None, user=insp_b, role=Role.objects.get(code="grid_inspector"), jurisdiction=world.grid_b)
    gs.grid_staff_set(actor=None, grid=world.grid_a, user=world.user("grid_inspector"))
    gs.grid_staff_set(actor=None, grid=world.grid_a, user=world.user("district_a"), role=GridRole.LEADER)
    gs.grid_staff_set(actor=None, grid=world.grid_b, user=insp_b)
    with time_machine.travel(dt.datetime(2026, 1, 5, 9, 0, tzinfo=CST), tick=False):
        a = gs.patrol_plan_generate(actor=None, grid=world.grid_a, start=dt.date(2026, 1, 5), end=dt.date(2026, 3, 31),
                                    intervals=MONTHLY)
        b = gs.patrol_plan_generate(actor=None, grid=world.grid_b, start=dt.date(2026, 1, 5), end=dt.date(2026, 3, 31),
                                    intervals=MONTHLY)
    assert [t.due_date.month for t in a] == [1, 2, 3] and [t.due_date.month for t in b] == [1, 2, 3]
    with time_machine.travel(dt.datetime(2026, 1, 5, 15, 0, tzinfo=CST), tick=False):
        gs.patrol_record_create(actor=world.user("grid_inspector"), enterprise=world.ent_a, task=a[0], lng=114.05, lat=22.05)
        gs.patrol_record_create(actor=insp_b, enterprise=world.ent_b, task=b[0], lng=114.25, lat=22.05)
    with time_machine.travel(dt.datetime(2026, 2, 10, 10, 0, tzinfo=CST), tick=False):
        gs.patrol_record_create(actor=world.user("grid_inspector"), enterprise=world.ent_a, task=a[1], lng=114.05, lat=22.05)
    return insp_b
