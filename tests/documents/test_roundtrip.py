"""Every list export imports back unchanged (issue 16): enterprises and hazards, xlsx and CSV,
with values starting with = + - @ (text cells in xlsx, the apostrophe guard in CSV that the
import strips)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anjian.documents.imports import import_start
from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import enterprise_create
from anjian.hazards.models import Hazard, HazardLevel, HazardSource, HazardStatus
from anjian.hazards.services import hazards_import_ledger
from anjian.jobs.models import JobStatus
from anjian.orgs.models import Sector
from tests.enterprises.helpers import uscc

pytestmark = pytest.mark.django_db

TRICKY = ["=HYPERLINK(\"http://x\",\"点我\")", "+86 755 1234", "-5号楼", "@SUM(A1)"]
ENTERPRISE_FIELDS = ["name", "credit_code", "size", "employees", "address", "principal", "principal_phone",
                     "safety_manager", "safety_manager_phone", "flags", "jurisdiction_id"]


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _import(kind: str, user, data: bytes, name: str, capture):
    with capture(execute=True):
        job = import_start(kind=kind, actor=user, upload=SimpleUploadedFile(name, data))
    job.refresh_from_db()
    return job


def _problems(job) -> list:
    """The rows of the job's error report, to show why an import failed."""
    import openpyxl

    if not job.result_file:
        return []
    with job.result_file.open("rb") as fh:
        return [[c.value for c in row] for row in openpyxl.load_workbook(fh).active.iter_rows()][:10]


def _enterprises(world) -> list[Enterprise]:
    sectors = {s.code: s for s in Sector.objects.filter(code__in=["2614", "171", "26", "C"])}
    out = []
    for n, (code, text) in enumerate(zip(["2614", "171", "26", "C"], TRICKY, strict=True), start=1):
        out.append(enterprise_create(actor=None, data={
            "name": f"{text}回环企业{n}", "credit_code": uscc(9000 + n), "sector": sectors[code], "size": "small",
            "employees": 60 + n, "address": f"{text}甲区回环路{n}号", "lng": 114.05 + n / 1000, "lat": 22.05,
            "principal": text, "principal_phone": "+86 138 0000 000" + str(n), "safety_manager": f"{text}李",
            "safety_manager_phone": "-", "flags": ["hazardous_chemicals"] if n % 2 else ["confined_space"],
        }))
    return out


def _snapshot(e: Enterprise) -> dict:
    e.refresh_from_db()
    return {**{f: getattr(e, f) for f in ENTERPRISE_FIELDS}, "sector": e.sector.code, "flags": sorted(e.flags),
            "lng": round(e.lng, 6), "lat": round(e.lat, 6)}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_enterprise_export_imports_back_unchanged(fmt, world, login, django_capture_on_commit_callbacks):
    originals = _enterprises(world)
    before = {e.credit_code: _snapshot(e) for e in originals}
    client = login("city_admin")
    response = client.get(f"/enterprises/export.{fmt}", {"q": "回环企业"})
    assert response.status_code == 200
    data = _body(response)
    if fmt == "csv":
        text = data.decode("utf-8-sig")
        assert "'=HYPERLINK" in text and "'+86" in text and "'@SUM" in text  # CSV keeps the guard
    Enterprise.objects.filter(pk__in=[e.pk for e in originals]).delete()
    job = _import("enterprises", world.users["city_admin"], data, f"企业.{fmt}", django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED, (job.error, _problems(job))
    after = {e.credit_code: _snapshot(e) for e in Enterprise.objects.filter(name__contains="回环企业")}
    assert after == before
    assert after[uscc(9001)]["name"].startswith("=HYPERLINK")  # no apostrophe stored
    assert after[uscc(9001)]["sector"] == "2614"  # the class, as exported


def test_enterprise_xlsx_cells_are_typed(world, login):
    import io

    import openpyxl

    _enterprises(world)
    response = login("city_admin").get("/enterprises/export.xlsx", {"q": "回环企业"})
    ws = openpyxl.load_workbook(io.BytesIO(_body(response))).active
    header = [c.value for c in ws[1]]
    row = dict(zip(header, ws[2], strict=True))
    assert row["单位名称"].data_type == "s" and not str(row["单位名称"].value).startswith("'")
    assert row["从业人数"].data_type == "n"
    assert row["经度"].data_type == "n"


def _hazards(world) -> list[Hazard]:
    now = timezone.now()
    rows = []
    for n, text in enumerate(TRICKY, start=1):
        rows.append({
            "enterprise": world.ent_a, "description": f"{text} 回环隐患{n}", "category": f"{text}电气",
            "level": HazardLevel.MAJOR if n == 2 else HazardLevel.GENERAL,
            "status": HazardStatus.WRITTEN_OFF if n == 3 else HazardStatus.CONFIRMED,
            "source": HazardSource.INSPECTION, "found_at": now - dt.timedelta(days=10 + n),
            "deadline": now + dt.timedelta(days=n), "written_off_at": now - dt.timedelta(days=1) if n == 3 else None,
            "responsible_person": text, "measures": f"{text}整改", "finder_name": f"{text}张",
            "address": f"{text}二号车间", "lng": 114.06, "lat": 22.06, "standard_item": "",
        })
    ids = hazards_import_ledger(actor=None, rows=rows)
    return list(Hazard.objects.filter(pk__in=ids))


HAZARD_FIELDS = ["description", "category", "level", "status", "source", "responsible_person", "measures",
                 "finder_name", "address", "enterprise_id", "standard_item"]


def _hazard_snapshot(h: Hazard) -> dict:
    return {**{f: getattr(h, f) for f in HAZARD_FIELDS},
            "found_at": timezone.localtime(h.found_at).replace(second=0, microsecond=0),
            "deadline": timezone.localtime(h.deadline).date() if h.deadline else None,
            "written_off_at": timezone.localtime(h.written_off_at).date() if h.written_off_at else None,
            "lng": round(h.lng, 6) if h.lng is not None else None, "lat": round(h.lat, 6) if h.lat is not None else None}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_hazard_export_imports_back_unchanged(fmt, world, login, django_capture_on_commit_callbacks):
    originals = _hazards(world)
    before = sorted((_hazard_snapshot(h) for h in originals), key=lambda s: s["description"])
    client = login("city_admin")
    response = client.get(f"/hazards/export.{fmt}", {"q": "回环隐患"})
    assert response.status_code == 200
    data = _body(response)
    last = max(h.pk for h in originals)
    # while the hazards are registered their 编号 makes each row an update (tests/documents/
    # test_import_flow.py); into an empty register the export comes back as new hazards
    Hazard.objects.filter(pk__in=[h.pk for h in originals]).delete()
    job = _import("hazards", world.users["city_admin"], data, f"隐患.{fmt}", django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED, (job.error, _problems(job))
    again = Hazard.objects.filter(pk__gt=last, description__contains="回环隐患")
    after = sorted((_hazard_snapshot(h) for h in again), key=lambda s: s["description"])
    assert after == before
    assert any(s["description"].startswith("=HYPERLINK") for s in after)
