from __future__ import annotations

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from anjian.audit.models import Event
from anjian.documents.imports import import_start
from anjian.enterprises.imports import EnterpriseImport
from anjian.enterprises.models import Enterprise
from anjian.jobs.models import Job, JobStatus
from tests.documents.helpers import confirm_and_store
from tests.enterprises.helpers import bad_uscc, uscc

pytestmark = pytest.mark.django_db

HEADER = ["单位名称*", "统一社会信用代码", "行业代码", "规模", "从业人数", "地址", "经度", "纬度", "坐标系",
          "所属辖区代码", "主要负责人", "负责人电话", "安全管理人员", "安全管理人员电话", "涉及危险化学品", "有限空间作业"]


def _workbook(rows: list[list[object]], *, title: bool = True, totals: bool = True, header=HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append(["示范市企业安全生产台账"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        ws.append(["填报单位：甲区应急管理局"])
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(header))
    ws.append(header)
    for row in rows:
        ws.append(row)
    if totals:
        ws.append(["合计", None, None, None, sum(r[4] for r in rows if isinstance(r[4], int))])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _run(user, content: bytes, django_capture_on_commit_callbacks, name: str = "台账.xlsx") -> Job:
    with django_capture_on_commit_callbacks(execute=True):
        job = import_start(kind="enterprises", actor=user, upload=SimpleUploadedFile(name, content))
    job.refresh_from_db()
    return job


def _row(name: str, code: str, **kw: object) -> list[object]:
    row = {"name": name, "code": code, "sector": "26", "size": "小型", "employees": 10, "address": "甲区某路",
           "lng": 114.05, "lat": 22.05, "crs": "", "jur": "", "p": "张三", "pp": "13800000000", "s": "李四", "sp": "",
           "chem": "否", "space": "否", **kw}
    return list(row.values())


def test_spec_is_registered():
    from anjian.documents.imports import IMPORTS

    assert IMPORTS["enterprises"] is EnterpriseImport


def test_messy_workbook_with_errors_writes_nothing(world, django_capture_on_commit_callbacks):
    from anjian.enterprises.services import enterprise_create

    enterprise_create(actor=None, data={"name": "已登记", "credit_code": uscc(50), "lng": 114.05, "lat": 22.05})
    before = Enterprise.objects.count()
    events_before = Event.objects.count()
    content = _workbook([
        _row("好企业一", uscc(1), employees="１２", chem="是"),  # row 4: full-width digits, 是
        _row("坏代码", bad_uscc(2)),  # row 5
        _row("文件内重复甲", uscc(3)),  # row 6
        _row("文件内重复乙", uscc(3)),  # row 7
        _row("库内重复", uscc(50)),  # row 8
        _row("好企业二", "", sector="C", space="是", lng=None, lat=None, jur="990101001"),  # row 9
    ])
    job = _run(world.user("district_a"), content, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED
    assert job.result == {"rows": 6, "errors": 3}
    assert Enterprise.objects.count() == before
    assert Event.objects.count() == events_before
    report = load_workbook(io.BytesIO(job.result_file.read()))
    rows = list(report.active.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (5, "统一社会信用代码", bad_uscc(2)),
        (7, "统一社会信用代码", uscc(3)),
        (8, "统一社会信用代码", uscc(50)),
    ]
    assert rows[1][3] == "与第 6 行的统一社会信用代码重复"
    assert rows[2][3].startswith("该统一社会信用代码已登记")


def test_row_rules(world, django_capture_on_commit_callbacks):
    content = _workbook([
        _row("未知行业", "", sector="99"),  # 2
        _row("坐标越界", "", lng=200, lat=22.0),  # 3
        _row("边界外无辖区", "", lng=100.0, lat=30.0),  # 4
        _row("辖区越权", "", lng=None, lat=None, jur="990102001"),  # 5
        _row("缺纬度", "", lat=None),  # 6
        _row("坏标识", "", chem="也许"),  # 7
        _row("边界外有辖区", "", lng=100.0, lat=30.0, jur="990101"),  # 8: fine
    ], title=False, totals=False)
    job = _run(world.user("district_a"), content, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED
    report = load_workbook(io.BytesIO(job.result_file.read()))
    assert [(r[0], r[1]) for r in report.active.iter_rows(min_row=2, values_only=True)] == [
        (2, "行业代码"), (3, "经度"), (4, "经度"), (5, "所属辖区代码"), (6, "纬度"), (7, "涉及危险化学品"),
    ]


def test_clean_file_writes_rows_history_and_events(world, django_capture_on_commit_callbacks):
    before = Enterprise.objects.count()
    header = ["Name", "Credit code", "Sector code", "Size", "Employees", "Address", "Longitude", "Latitude", "CRS",
              "Jurisdiction code", "Principal", "Principal phone", "Safety manager", "Safety manager phone",
              "Hazardous chemicals", "Confined spaces"]
    from anjian.core.geo import wgs84_to_gcj02

    g_lng, g_lat = wgs84_to_gcj02(114.15, 22.15)
    content = _workbook([
        _row("清洁一", uscc(11), chem="是"),
        _row("清洁二", uscc(12), sector="47", size="large", lng=g_lng, lat=g_lat, crs="GCJ-02"),
        _row("清洁三", "", sector="", lng=None, lat=None, jur="990101001", space="√"),
    ], header=header)
    job = _run(world.user("district_a"), content, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result == {"rows": 3, "errors": 0, "created": 3}
    assert Enterprise.objects.count() == before + 3
    one, two, three = (Enterprise.objects.get(name=n) for n in ("清洁一", "清洁二", "清洁三"))
    assert (one.jurisdiction, one.department, one.flags, one.employees) == (world.grid_a, world.ema, ["hazardous_chemicals"], 10)
    assert (two.jurisdiction, two.department, two.size) == (world.street_a, world.housing, "large")
    assert abs(two.lng - 114.15) < 1e-7
    assert (three.jurisdiction, three.department, three.flags, three.lng) == (world.street_a, None, ["confined_space"], None)
    ct = ContentType.objects.get_for_model(Enterprise)
    for ent in (one, two, three):
        assert ent.history.count() == 1
        assert Event.objects.filter(content_type=ct, object_id=str(ent.pk), verb="created").count() == 1
        assert ent.history.first().history_user == world.user("district_a")


def test_missing_name_column_rejected(world, django_capture_on_commit_callbacks):
    content = _workbook([_row("x", "")], header=["无关", *HEADER[1:]], title=False, totals=False)
    job = _run(world.user("city_admin"), content, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED
    assert "单位名称" in job.error


def test_import_page_and_template(login, world, django_capture_on_commit_callbacks):
    client = login("district_a")
    assert client.get("/enterprises/import/").status_code == 200
    response = client.get("/enterprises/import/template.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    headers = [c.value for c in wb.active[1]]
    assert headers[0] == "单位名称*" and "涉及危险化学品" in headers and "坐标系" in headers
    response = client.post("/enterprises/import/", {"file": SimpleUploadedFile("台账.xlsx", response.content)})
    assert response.status_code == 302
    batch = confirm_and_store(client, response["Location"], django_capture_on_commit_callbacks)
    # The template's example row: a made-up credit code that fails its check character.
    assert batch.summary["failed_rows"] == 1 and batch.summary["unmapped"] == []
    assert batch.check_job.status == JobStatus.SUCCEEDED and batch.store_job is None
    response = client.post("/enterprises/import/", {"file": SimpleUploadedFile("a.txt", b"x")})
    assert response.status_code == 200 and "仅支持" in response.content.decode()


def test_a_row_refused_while_storing_leaves_nothing_of_a_chunked_import(world, monkeypatch, django_capture_on_commit_callbacks):
    """All or nothing across the store's chunks: 35 rows stored 10 at a time; the dry run passes,
    then, while the fourth chunk is being stored, the credit code of row 32 gets registered (here
    inside that chunk's transaction, so it goes with the chunk). The store refuses that chunk and
    removes the three chunks it had already stored."""
    import anjian.enterprises.imports as enterprise_imports
    from anjian.enterprises.services import enterprise_create

    monkeypatch.setattr(EnterpriseImport, "batch_size", 10)
    real = enterprise_imports.enterprises_bulk_create
    calls = {"n": 0}

    def meanwhile(**kwargs: object) -> list[int]:
        calls["n"] += 1
        if calls["n"] == 4:
            enterprise_create(actor=None, data={"name": "抢先登记", "credit_code": uscc(131)}, jurisdiction=world.grid_a)
        return real(**kwargs)

    monkeypatch.setattr(enterprise_imports, "enterprises_bulk_create", meanwhile)
    before = Enterprise.objects.count()
    codes = [uscc(100 + i) for i in range(35)]
    job = _run(world.user("district_a"), _workbook([_row(f"分块{i}", code) for i, code in enumerate(codes)]),
               django_capture_on_commit_callbacks)
    assert calls["n"] == 4
    assert job.status == JobStatus.FAILED
    assert "nothing was imported" in job.error
    assert Enterprise.objects.count() == before
    assert not Enterprise.objects.filter(credit_code__in=codes).exists()
    ct = ContentType.objects.get_for_model(Enterprise)
    # the three chunks stored before: created (with their events), then deleted by the undo
    assert Event.objects.filter(content_type=ct, verb="created", data__bulk=True).count() == 30
    assert Event.objects.filter(content_type=ct, verb="deleted").count() == 30
    errors = load_workbook(io.BytesIO(job.result_file.read()), read_only=True)["错误报告"]
    refused = [row[0] for row in errors.iter_rows(min_row=2, values_only=True)]
    assert refused == [34, 35, 36, 37, 38]  # data rows 31–35 (sheet rows 34–38): the refused chunk
