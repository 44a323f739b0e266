"""The enterprise import validates each row once (issue 22): the dry run keeps the cleaned row
(``EnterpriseImport.freeze``) and the store rebuilds it from there (``thaw``), unless a unit or a
sector was written since the dry run started; a scope withdrawn meanwhile still refuses the rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from shapely.geometry import box

from anjian.accounts.models import Membership
from anjian.accounts.services import membership_revoke
from anjian.documents.imports import (
    import_check,
    import_set_mapping,
    import_start,
    import_store,
    import_upload,
)
from anjian.documents.models import ImportBatch, ImportBatchStatus, ImportRow
from anjian.enterprises.imports import EnterpriseImport
from anjian.enterprises.models import Enterprise
from anjian.jobs.models import JobStatus
from anjian.jobs.services import JobRejected
from anjian.orgs.services import jurisdiction_set_boundary
from tests.enterprises.helpers import uscc
from tests.enterprises.test_import import _row, _workbook

pytestmark = pytest.mark.django_db

FIELDS = ("name", "sector_id", "size", "employees", "address", "lng", "lat", "jurisdiction_id", "department_id",
          "principal", "principal_phone", "safety_manager", "flags")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


class Bar:
    total = 0
    job = None

    def set_total(self, total: int, message: str = "") -> None:
        self.total = total

    def advance(self, done: int, message: str = "") -> None:
        pass


@pytest.fixture
def validations(monkeypatch) -> list[int]:
    """The number of rows each call of ``EnterpriseImport.validate_batch`` validated."""
    calls: list[int] = []
    real = EnterpriseImport.validate_batch

    def counting(self: EnterpriseImport, rows: list[tuple[int, dict[str, Any]]], ctx: Any) -> Any:
        calls.append(len(rows))
        return real(self, rows, ctx)

    monkeypatch.setattr(EnterpriseImport, "validate_batch", counting)
    return calls


def _ledger(first: int) -> bytes:
    return _workbook([
        _row("全角企业", uscc(first), employees="１２", chem="是"),
        _row("火星坐标企业", uscc(first + 1), lng=114.0561, lat=22.0529, crs="GCJ-02", sector="C", size="中型"),
        _row("按代码落位企业", uscc(first + 2), lng=None, lat=None, jur="990101001", space="是"),
        _row("乙区边上企业", uscc(first + 3), lng=114.19, lat=22.19, sector="47"),
    ])


def _stored(first: int) -> list[tuple[Any, ...]]:
    codes = [uscc(first + i) for i in range(4)]
    ents = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)}
    return [tuple(getattr(ents[c], f) for f in FIELDS) for c in codes]


def test_one_job_validates_each_row_once_and_stores_what_validating_twice_stored(
    world, validations, monkeypatch, django_capture_on_commit_callbacks
):
    user = world.user("district_a")
    with django_capture_on_commit_callbacks(execute=True):
        job = import_start(kind="enterprises", actor=user, upload=SimpleUploadedFile("台账.xlsx", _ledger(100)))
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert validations == [4]  # the dry run only
    assert "checked_at" not in job.result  # kept on the batch for the store, not a figure shown

    monkeypatch.setattr(EnterpriseImport, "freeze", lambda self, data: None)  # the store validates again
    validations.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = import_start(kind="enterprises", actor=user, upload=SimpleUploadedFile("台账.xlsx", _ledger(200)))
    again.refresh_from_db()
    assert again.status == JobStatus.SUCCEEDED, again.error
    assert validations == [4, 4]
    assert _stored(100) == _stored(200)
    assert Enterprise.objects.get(credit_code=uscc(100)).jurisdiction == world.grid_a
    assert Enterprise.objects.get(credit_code=uscc(102)).jurisdiction == world.street_a


def _checked(user: Any, first: int) -> ImportBatch:
    batch = import_upload(kind="enterprises", actor=user, upload=SimpleUploadedFile("台账.xlsx", _ledger(first)))
    batch = import_set_mapping(actor=user, batch=batch, mapping=batch.mapping)
    import_check(batch, Bar())
    batch.refresh_from_db()
    assert batch.status == ImportBatchStatus.CHECKED and not batch.summary["failed_rows"]
    assert ImportRow.objects.filter(batch=batch).exclude(clean={}).count() == 4
    return ImportBatch.objects.get(pk=batch.pk)


def test_a_unit_written_after_the_dry_run_makes_the_store_validate_again(world, validations):
    user = world.user("district_a")
    batch = _checked(user, 300)
    assert ImportRow.objects.get(batch=batch, row_no=batch.header_row + 1).clean["jurisdiction"] == world.grid_a.pk
    # the grid is redrawn between the dry run and the store: the points are located again
    jurisdiction_set_boundary(actor=None, jurisdiction=world.grid_a, geometry=box(114.0, 22.0, 114.04, 22.1))
    result = import_store(ImportBatch.objects.get(pk=batch.pk), Bar(), partial=False)
    assert result["stored"] == 4
    assert validations == [4, 4]
    assert Enterprise.objects.get(credit_code=uscc(300)).jurisdiction == world.street_a  # 114.05 is now outside the grid


def test_a_scope_withdrawn_after_the_dry_run_refuses_the_rows_and_stores_nothing(world, validations):
    user = world.user("district_a")
    batch = _checked(user, 400)
    before = Enterprise.objects.count()
    membership_revoke(actor=None, membership=Membership.objects.get(user=user))
    with pytest.raises(JobRejected):
        import_store(ImportBatch.objects.get(pk=batch.pk), Bar(), partial=False)
    assert validations == [4]  # the store did not validate again: it refused from the kept rows
    assert Enterprise.objects.count() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatchStatus.FAILED
    refused = ImportRow.objects.filter(batch=batch).exclude(problems=[])
    assert refused.count() == 4
    assert all("不在您的管辖范围内" in r.problems[0]["zh"] for r in refused)
