"""The set-based writes of the reassignment job and of the enterprise import (issue 22) write the
same history rows as the per-row ORM did, and open records still follow a moved enterprise —
on SQLite and on PostgreSQL (run this file with ``DATABASE_URL`` for the latter)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.forms.models import model_to_dict
from shapely.geometry import box

from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import enterprises_bulk_create
from anjian.grids import services as gs
from anjian.hazards import services as hs
from anjian.hazards.models import Hazard, HazardSource
from anjian.jobs.models import Job
from anjian.jobs.services import Progress
from anjian.orgs.models import JurisdictionLevel, Sector
from anjian.orgs.services import jurisdiction_create, jurisdiction_set_boundary
from tests.enterprises.helpers import uscc

pytestmark = pytest.mark.django_db

HISTORY_ONLY = {"history_id", "history_date", "history_change_reason", "history_type", "history_user",
                "history_relation", "request_id", "updated_at", "id"}


def _fields(obj) -> dict:
    """The tracked fields of an enterprise or one of its history rows, by attribute name."""
    names = [f.attname for f in Enterprise._meta.concrete_fields if f.attname not in HISTORY_ONLY | {"risk_computed_at"}]
    return {n: getattr(obj, n) for n in names}


def _reassign():
    job = Job.objects.create(kind="grids.reassign", title="test", params={"chunk": 1})  # chunk 1: many follow chunks
    return gs.reassign_enterprises_job(job, Progress(job))


def test_the_job_writes_one_history_row_per_moved_enterprise_and_open_records_follow(world):
    admin = world.user("city_admin")
    hazard = hs.hazard_report(actor=admin, source=HazardSource.SUPERVISION, enterprise=world.ent_a,
                              category="消防", description="消防通道堵塞")
    assert hazard.jurisdiction == world.grid_a
    # 甲一网格 shrinks; 甲一西网格 now holds 甲区化工 (114.05, 22.05).
    jurisdiction_set_boundary(actor=None, jurisdiction=world.grid_a, geometry=box(114.06, 22.0, 114.1, 22.1))
    west = jurisdiction_create(actor=None, code="990101001002", name="甲一西网格", level=JurisdictionLevel.GRID,
                               parent=world.street_a, geometry=box(114.0, 22.0, 114.06, 22.1))
    before = {e.pk: (e.history.count(), e.updated_at, e.jurisdiction_id) for e in Enterprise.objects.all()}
    result = _reassign()

    moved = Enterprise.objects.get(pk=world.ent_a.pk)
    assert moved.jurisdiction_id == west.pk and result["moved"] >= 1
    assert moved.updated_at > before[moved.pk][1]
    assert moved.history.count() == before[moved.pk][0] + 1
    row = moved.history.order_by("-history_id").first()
    assert (row.history_type, row.history_change_reason, row.history_user_id) == ("~", "网格重新归属", None)
    assert row.updated_at == moved.updated_at
    assert _fields(row) == _fields(moved)  # every tracked column copied from the updated row
    previous = moved.history.order_by("-history_id")[1]
    changed = {k for k, v in _fields(row).items() if _fields(previous)[k] != v}
    assert changed == {"jurisdiction_id"}
    # the record followed, with its own history row and reason
    hazard = Hazard.objects.get(pk=hazard.pk)
    assert hazard.jurisdiction_id == west.pk
    assert hazard.history.order_by("-history_id").first().history_change_reason == "网格重新归属"
    assert result["hazards"] == 1
    # enterprises that did not move got no history row and kept their stamp
    for ent in Enterprise.objects.all():
        if ent.jurisdiction_id == before[ent.pk][2]:
            assert (ent.history.count(), ent.updated_at) == before[ent.pk][:2]
    # nothing left to move: nothing written
    counts = {e.pk: e.history.count() for e in Enterprise.objects.all()}
    again = _reassign()
    assert again["moved"] == 0
    assert counts == {e.pk: e.history.count() for e in Enterprise.objects.all()}


def test_move_enterprises_writes_every_pair_in_one_go(world):
    ents = [world.ent_a, world.ent_a2]
    changes = {e.pk: world.grid_b.pk for e in ents}
    assert gs._move_enterprises(changes, reason="测试原因") == 2
    for e in ents:
        e = Enterprise.objects.get(pk=e.pk)
        assert e.jurisdiction_id == world.grid_b.pk
        row = e.history.order_by("-history_id").first()
        assert (row.history_type, row.history_change_reason, row.jurisdiction_id) == ("~", "测试原因", world.grid_b.pk)
        assert _fields(row) == _fields(e)
    assert gs._move_enterprises({}, reason="x") == 0


def test_bulk_create_history_rows_match_the_rows_with_user_and_reason(world):
    user = world.user("district_a")
    ids = enterprises_bulk_create(actor=user, note="导入文件 a.xlsx", batch_size=2, rows=[
        {"name": f"批量{i}", "credit_code": uscc(300 + i), "sector": Sector.objects.get(code="26"),
         "jurisdiction": world.grid_a, "lng": 114.05, "lat": 22.05, "flags": ["confined_space"] if i % 2 else []}
        for i in range(5)
    ])
    assert len(ids) == 5 == len(set(ids))
    for ent in Enterprise.objects.filter(pk__in=ids):
        rows = list(ent.history.all())
        assert len(rows) == 1
        row = rows[0]
        assert (row.history_type, row.history_user_id, row.history_change_reason) == ("+", user.pk, "批量导入：导入文件 a.xlsx")
        assert _fields(row) == _fields(ent) and row.updated_at == ent.updated_at
        assert model_to_dict(ent)["flags"] in ([], ["confined_space"])
        assert ent.risk_explanation == row.risk_explanation


def _moved_west(world):  # type: ignore[no-untyped-def]
    admin = world.user("city_admin")
    hazard = hs.hazard_report(actor=admin, source=HazardSource.SUPERVISION, enterprise=world.ent_a,
                              category="消防", description="消防通道堵塞")
    jurisdiction_set_boundary(actor=None, jurisdiction=world.grid_a, geometry=box(114.06, 22.0, 114.1, 22.1))
    jurisdiction_create(actor=None, code="990101001002", name="甲一西网格", level=JurisdictionLevel.GRID,
                        parent=world.street_a, geometry=box(114.0, 22.0, 114.06, 22.1))
    return hazard


def _report_rows(job: Job) -> list[list[str]]:
    job.refresh_from_db()
    with job.result_file.open("rb") as fh:
        data = fh.read()
    if job.result_file.name.endswith(".csv"):
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("limit, suffix", [(100_000, ".xlsx"), (0, ".csv")])
def test_the_report_lists_every_moved_enterprise_then_its_records(world, monkeypatch, limit, suffix):
    """The moved enterprises come from the moves table (names of the old and new unit), then the
    records that followed them; above REPORT_XLSX_MAX_ROWS the same rows are a CSV file."""
    monkeypatch.setattr(gs, "REPORT_XLSX_MAX_ROWS", limit)
    hazard = _moved_west(world)
    job = Job.objects.create(kind="grids.reassign", title="test", params={"chunk": 1})
    result = gs.reassign_enterprises_job(job, Progress(job))
    job.refresh_from_db()
    assert job.result_file.name.endswith(suffix)
    rows = _report_rows(job)
    assert rows[0][0].lstrip("\ufeff") == "类别 / kind"
    enterprises = [r for r in rows[1:] if r[0] == "企业"]
    assert len(enterprises) == result["moved"] >= 1
    assert ["企业", str(world.ent_a.pk), "甲区化工有限公司", "甲区化工有限公司", "甲一网格", "甲一西网格"] in enterprises
    records = [r for r in rows[1:] if r[0] != "企业"]
    assert len(records) == result["hazards"] == 1 and records[0][1] == str(hazard.pk)
    assert records[0][3:] == ["甲区化工有限公司", "甲一网格", "甲一西网格"]
    # the temporary table is gone with the job
    with connection.cursor() as cur:
        cur.execute("SELECT 1")  # the connection still works
    assert gs.MOVES_TABLE not in connection.introspection.table_names(include_views=False)
