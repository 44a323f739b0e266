"""Every import kind is stored in chunks through the staging table (issue 13 item 3, issue 16):
no import holds the write lock across chunks (another writer is never refused while a long
import runs), all or nothing still holds (a later chunk failing removes the earlier ones), rows
of one record (victim rows of one accident, grant rows of one user) stay in one chunk, every
kind can be undone while nothing else touched its records, and staged rows are cleaned up after
their retention."""

from __future__ import annotations

import datetime as dt
import io
import threading
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from openpyxl import Workbook

from anjian.accidents.imports import AccidentImport
from anjian.accidents.models import Accident
from anjian.accounts.models import User
from anjian.core.errors import DomainError
from anjian.documents.imports import (
    batch_undoable,
    import_check,
    import_set_mapping,
    import_staging_cleanup,
    import_store,
    import_undo,
    import_upload,
)
from anjian.documents.models import ImportBatch, ImportBatchStatus, ImportRow
from anjian.enterprises.models import Enterprise
from anjian.hazards.imports import HazardLedgerImport
from anjian.hazards.models import Hazard
from anjian.inbox.models import DueItem
from anjian.jobs.models import Job
from anjian.jobs.services import JobRejected

NOW = dt.datetime(2026, 4, 1, 2, 0, tzinfo=dt.UTC)
HAZARD_HEADER = ["企业名称", "统一社会信用代码", "隐患描述", "隐患类别", "隐患等级", "发现时间", "整改期限", "整改状态"]


class Bar:
    """A progress bar that can run something between the store's chunks."""

    def __init__(self, between: Any = None) -> None:
        self.total, self.between, self.calls = 0, between, 0
        self.job = None

    def set_total(self, total: int, message: str = "") -> None:
        self.total = total

    def advance(self, done: int, message: str = "") -> None:
        if self.between is not None and message.startswith("导入中"):
            self.calls += 1
            self.between()


def _xlsx(header: list[str], rows: list[list[Any]], name: str = "台账.xlsx") -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


def _batch(kind: str, user: Any, upload: Any, params: dict[str, Any] | None = None) -> ImportBatch:
    batch = import_upload(kind=kind, actor=user, upload=upload, params=params)
    return import_set_mapping(actor=user, batch=batch, mapping=batch.mapping)


def _hazard_rows(world: Any, n: int) -> list[list[Any]]:
    return [[world.ent_a.name, None, f"第 {i} 处隐患：配电箱门损坏", "电气安全", "一般", "2026-03-02", "2026-04-30", "待整改"]
            for i in range(1, n + 1)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# --- the write lock is not held across chunks -------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_another_writer_is_not_refused_while_a_long_import_stores(world, monkeypatch):
    """Between the chunks of a hazard import another connection writes (as a public report
    submission or a login would). With SQLite, a store holding one transaction over the whole
    file would make that write fail with "database is locked"/"table is locked"."""
    monkeypatch.setattr(HazardLedgerImport, "batch_size", 5)
    user = world.user("district_a")
    with time_machine.travel(NOW, tick=False):
        batch = _batch("hazards", user, _xlsx(HAZARD_HEADER, _hazard_rows(world, 20)))
        import_check(batch, Bar())
    written: list[int] = []
    failures: list[str] = []

    def other_writer() -> None:
        def write() -> None:
            try:
                job = Job.objects.create(kind="other", title="另一个写入者")
                written.append(job.pk)
            except Exception as exc:
                failures.append(repr(exc))
            finally:
                connections.close_all()

        thread = threading.Thread(target=write)
        thread.start()
        thread.join(30)

    bar = Bar(other_writer)
    with time_machine.travel(NOW, tick=False):
        result = import_store(ImportBatch.objects.get(pk=batch.pk), bar, partial=False)
    assert failures == []
    assert result["stored"] == 20 and Hazard.objects.count() == 20
    assert bar.calls == 4 and len(written) == 4  # four chunks of five, a write between each
    assert not connection.in_atomic_block


def test_every_registered_kind_that_stores_records_can_undo():
    from anjian.documents.imports import IMPORTS

    for kind in ("enterprises", "hazards", "accidents", "users"):
        assert IMPORTS[kind].can_undo(), kind


# --- all or nothing across chunks -------------------------------------------------------------------


def test_a_later_chunk_failing_removes_the_chunks_already_stored(world, monkeypatch):
    import anjian.hazards.imports as hazard_imports

    monkeypatch.setattr(HazardLedgerImport, "batch_size", 3)
    real = hazard_imports.hazards_import_ledger
    calls = {"n": 0}

    def third_chunk_fails(**kwargs: Any) -> list[int]:
        calls["n"] += 1
        if calls["n"] == 3:
            raise DomainError("模拟第三块失败", "the third chunk fails")
        return real(**kwargs)

    monkeypatch.setattr(hazard_imports, "hazards_import_ledger", third_chunk_fails)
    user = world.user("district_a")
    with time_machine.travel(NOW, tick=False):
        batch = _batch("hazards", user, _xlsx(HAZARD_HEADER, _hazard_rows(world, 9)))
        import_check(batch, Bar())
        with pytest.raises(JobRejected):
            import_store(batch, Bar(), partial=False)
    assert calls["n"] == 3
    assert Hazard.objects.count() == 0  # the two chunks stored before were removed
    assert not DueItem.objects.filter(state="open").exists()
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatchStatus.FAILED


# --- hazards: undo ------------------------------------------------------------------------------------


def test_hazard_import_is_undone_unless_a_hazard_was_touched(world, monkeypatch):
    monkeypatch.setattr(HazardLedgerImport, "batch_size", 2)
    user = world.user("district_a")
    with time_machine.travel(NOW, tick=False):
        batch = _batch("hazards", user, _xlsx(HAZARD_HEADER, _hazard_rows(world, 3)))
        import_check(batch, Bar())
        import_store(batch, Bar(), partial=False)
    ids = list(Hazard.objects.values_list("pk", flat=True))
    assert len(ids) == 3 and DueItem.objects.filter(state="open", object_id__in=[str(i) for i in ids]).count() == 3
    batch.refresh_from_db()
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):  # within IMPORT_UNDO_DAYS
        assert batch_undoable(batch)
        # another office cannot undo it
        with pytest.raises(Exception):  # noqa: B017
            import_undo(actor=world.user("district_b"), batch=batch)
        # a hazard handled since: nothing is undone
        h = Hazard.objects.get(pk=ids[0])
        h.responsible_person = "后来填写"
        h.save()
        with pytest.raises(DomainError):
            import_undo(actor=user, batch=batch)
    assert Hazard.objects.count() == 3
    # a second import, untouched: undone, its to-dos cancelled
    with time_machine.travel(NOW, tick=False):
        second = _batch("hazards", user, _xlsx(HAZARD_HEADER, _hazard_rows(world, 2), "二.xlsx"))
        import_check(second, Bar())
        import_store(second, Bar(), partial=False)
    new_ids = set(Hazard.objects.values_list("pk", flat=True)) - set(ids)
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        import_undo(actor=user, batch=second)
    assert not Hazard.objects.filter(pk__in=new_ids).exists() and Hazard.objects.count() == 3
    assert not DueItem.objects.filter(state="open", object_id__in=[str(i) for i in new_ids]).exists()
    assert ImportBatch.objects.get(pk=second.pk).status == ImportBatchStatus.UNDONE


# --- accidents: the victim rows of one event stay in one chunk -----------------------------------------


OSHA = ("Date of Incident,Company,Victim(s),Hazard Description,Fatality or Catastrophe,Inspection #\r\n"
        "10/04/2017,Acme Roofing,A,Two workers fell from the roof edge.,Fatality,1\r\n"
        "11/02/2017,Gulf Tank,C,Workers were overcome by hydrogen sulfide in a tank.,Fatality,2\r\n"
        "10/04/2017,Acme Roofing,B,Two workers fell from the roof edge.,Fatality,1\r\n"
        "12/01/2017,Lone Star,F,Employee contacted an energized power line.,Fatality,3\r\n"
        "11/02/2017,Gulf Tank,D,Workers were overcome by hydrogen sulfide in a tank.,Catastrophe,2\r\n"
        "11/02/2017,Gulf Tank,E,Workers were overcome by hydrogen sulfide in a tank.,Fatality,2\r\n")


def test_victim_rows_of_one_event_are_stored_together_across_chunks(world, monkeypatch):
    monkeypatch.setattr(AccidentImport, "batch_size", 2)
    user = world.user("city_admin")
    with time_machine.travel(dt.datetime(2026, 8, 20, 2, tzinfo=dt.UTC), tick=False):
        batch = _batch("accidents", user, SimpleUploadedFile("osha.csv", OSHA.encode()),
                       params={"jurisdiction": world.district_a.pk, "date_order": "mdy"})
        summary = import_check(batch, Bar())
        assert summary["failed_rows"] == 0
        result = import_store(batch, Bar(), partial=False)
        undo_day = dt.datetime(2026, 8, 21, 2, tzinfo=dt.UTC)
    assert result["stored"] == 6 and result["created"] == 3
    deaths = dict(Accident.objects.values_list("unit_name", "deaths"))
    assert deaths == {"Acme Roofing": 2, "Gulf Tank": 2, "Lone Star": 1}
    assert Accident.objects.get(unit_name="Gulf Tank").serious_injuries == 1
    rows = {r.row_no: r.object_id for r in batch.rows.all()}
    assert rows[2] == rows[4] and rows[3] == rows[6] == rows[7]
    with time_machine.travel(undo_day, tick=False):
        import_undo(actor=user, batch=batch)
    assert not Accident.objects.exists()


# --- users: the grant rows of one person stay together; passwords of every chunk; undo ---------------


USER_HEADER = ["用户名", "姓名", "手机", "角色", "授权范围"]


def test_user_import_in_chunks_keeps_a_persons_grants_and_undoes(world, monkeypatch):
    rows = [["imp-u1", "用户一", "13800000001", "区安委办", "990101"],
            ["imp-u2", "用户二", "13800000002", "street_office", "甲一街道"],
            ["imp-u1", "用户一", "13800000001", "street_office", "甲一街道"]]  # 用户一's second grant
    admin = world.user("city_admin")
    batch = _batch("users", admin, _xlsx(USER_HEADER, rows, "用户.xlsx"))
    summary = import_check(batch, Bar())
    assert summary["failed_rows"] == 0, list(batch.rows.values_list("problems", flat=True))
    job = Job.objects.create(kind="import", title="t")
    bar = Bar()
    bar.job = job
    import_store(batch, bar, partial=False)
    rows_ = {r.row_no: r.object_id for r in batch.rows.all()}
    assert rows_[2] == rows_[4] != rows_[3]  # one person, stored with both grants in one chunk
    assert User.objects.get(username="imp-u1").memberships.count() == 2
    assert set(User.objects.filter(username__startswith="imp-u").values_list("username", flat=True)) == {"imp-u1", "imp-u2"}
    job.refresh_from_db()
    assert job.result_file  # the initial passwords of both chunks
    from openpyxl import load_workbook

    with job.result_file.open("rb") as fh:
        names = {r[0] for r in load_workbook(fh, read_only=True).active.iter_rows(min_row=2, values_only=True)}
    assert names == {"imp-u1", "imp-u2"}
    # a person who logged in since: nothing is undone
    u1 = User.objects.get(username="imp-u1")
    User.objects.filter(pk=u1.pk).update(last_login=NOW)
    with pytest.raises(DomainError):
        import_undo(actor=admin, batch=batch)
    assert User.objects.filter(username__startswith="imp-u").count() == 2
    User.objects.filter(pk=u1.pk).update(last_login=None)
    import_undo(actor=admin, batch=batch)
    assert not User.objects.filter(username__startswith="imp-u").exists()


# --- staged rows are cleaned up after their retention ---------------------------------------------------


def test_staged_rows_are_removed_after_their_retention(world, settings, monkeypatch):
    settings.IMPORT_UNDO_DAYS, settings.IMPORT_STAGING_RETENTION_DAYS = 30, 7
    user = world.user("district_a")
    with time_machine.travel(NOW, tick=False):
        stored = _batch("hazards", user, _xlsx(HAZARD_HEADER, _hazard_rows(world, 2)))
        import_check(stored, Bar())
        import_store(stored, Bar(), partial=False)
        abandoned = _batch("hazards", user, _xlsx(HAZARD_HEADER, _hazard_rows(world, 3), "二.xlsx"))
        import_check(abandoned, Bar())
    stored.refresh_from_db()
    assert ImportRow.objects.filter(batch=stored).count() == 2 and ImportRow.objects.filter(batch=abandoned).count() == 3
    # after 8 days: the abandoned check's rows go (it is marked not imported); the stored batch keeps
    # what its undo needs
    assert import_staging_cleanup(now=NOW + dt.timedelta(days=8)) == {"batches": 1, "rows": 3}
    abandoned.refresh_from_db()
    assert abandoned.status == ImportBatchStatus.FAILED and not abandoned.rows.exists()
    assert ImportRow.objects.filter(batch=stored).count() == 2
    assert batch_undoable(stored, now=NOW + dt.timedelta(days=8))
    # after the undo period: the stored batch's rows go and it can no longer be undone
    assert import_staging_cleanup(now=NOW + dt.timedelta(days=31)) == {"batches": 1, "rows": 2}
    stored.refresh_from_db()
    assert stored.status == ImportBatchStatus.STORED and not stored.rows.exists()
    assert not batch_undoable(stored)
    with pytest.raises(DomainError):
        import_undo(actor=user, batch=stored)
    assert Hazard.objects.count() == 2
    assert Enterprise.objects.filter(pk=world.ent_a.pk).exists()
