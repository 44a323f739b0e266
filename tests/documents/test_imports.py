"""The import framework with a test-only spec creating DocumentSeries rows: all or nothing,
an error report, progress, and the file problems people really bring."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anjian.core.errors import DomainError, NotAllowed
from anjian.documents.imports import ImportSpec, RowError, import_start, register_import
from anjian.documents.models import DocumentSeries
from anjian.jobs.models import Job, JobStatus

pytestmark = pytest.mark.django_db


@register_import
class SeriesImport(ImportSpec):
    kind = "tests.series"
    label = "文号序列"
    action = "documents.issue"
    headers = {"code": ["代码"], "prefix": ["机关代字"], "name": ["名称"]}
    required = frozenset({"code", "prefix"})
    batch_size = 2

    def validate_row(self, row_no: int, raw: dict[str, Any], ctx) -> dict[str, Any]:
        code = str(raw.get("code") or "").strip()
        if not code.isascii() or not code:
            raise RowError("代码", "代码须为英文字母或数字", "The code must be ASCII letters or digits", raw.get("code"))
        if not raw.get("prefix"):
            raise RowError("机关代字", "机关代字不能为空", "The prefix is required")
        return {"code": code, "prefix": str(raw["prefix"]).strip(), "name": str(raw.get("name") or code)}

    def check_all(self, rows, ctx):
        from anjian.documents.imports import RowProblem

        taken = set(DocumentSeries.objects.values_list("code", flat=True))
        return [RowProblem(n, "代码", r["code"], "代码已存在", "The code exists") for n, r in rows if r["code"] in taken]

    def commit(self, rows, ctx, progress):
        for i, (_n, r) in enumerate(rows, start=1):
            DocumentSeries.objects.create(**r)
            progress.advance(ctx.cache["progress_base"] + i)
        return {"created": len(rows)}


def _xlsx(rows: list[list[Any]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _run(world, name: str, data: bytes, persona: str = "district_a", capture=None) -> Job:
    with capture(execute=True):
        job = import_start(kind="tests.series", actor=world.user(persona), upload=SimpleUploadedFile(name, data))
    job.refresh_from_db()
    return job


@pytest.fixture
def run(world, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return lambda name, data, persona="district_a": _run(world, name, data, persona, django_capture_on_commit_callbacks)


def test_good_file_is_imported_with_progress(run):
    job = run("序列.xlsx", _xlsx([["文号序列导入表"], ["代码", "机关代字", "名称"], ["a1", "甲安办", "通知"],
                                 ["b2", "乙安办", None], ["c3", "丙安办", "函"]]))
    assert (job.status, job.error) == (JobStatus.SUCCEEDED, "")
    assert job.result == {"rows": 3, "errors": 0, "created": 3}
    assert (job.total, job.done, job.percent) == (3, 3, 100)
    assert sorted(DocumentSeries.objects.values_list("code", "prefix", "name")) == [
        ("a1", "甲安办", "通知"), ("b2", "乙安办", "b2"), ("c3", "丙安办", "函")
    ]


def test_one_bad_row_writes_nothing_and_reports(run):
    DocumentSeries.objects.create(code="dup", prefix="既有", name="既有")
    job = run("bad.xlsx", _xlsx([["代码", "机关代字", "名称"], ["ok1", "甲", "x"], ["坏代码", "乙", "y"],
                                 ["ok2", None, "z"], ["dup", "丁", "w"]]))
    assert job.status == JobStatus.FAILED
    assert job.error == "3 处错误，未导入任何数据，请下载错误报告修改后重新导入 / 3 errors, nothing was imported: download the error report"
    assert job.result == {"rows": 4, "errors": 3}
    assert list(DocumentSeries.objects.values_list("code", flat=True)) == ["dup"]
    assert job.result_file.name.endswith(".xlsx")
    ws = openpyxl.load_workbook(job.result_file.path).active
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["行号 Row", "列 Column", "值 Value", "错误", "Error"],
        [3, "代码", "坏代码", "代码须为英文字母或数字", "The code must be ASCII letters or digits"],
        [4, "机关代字", None, "机关代字不能为空", "The prefix is required"],
        [5, "代码", "dup", "代码已存在", "The code exists"],
    ]


def test_error_report_download_is_the_owners(run, login):
    job = run("bad.xlsx", _xlsx([["代码", "机关代字"], ["坏", "甲"]]))
    assert login("district_a").get(f"/jobs/{job.pk}/download/").status_code == 200
    assert login("district_b").get(f"/jobs/{job.pk}/download/").status_code == 404


def test_missing_required_column(run):
    job = run("缺列.xlsx", _xlsx([["代码", "名称"], ["a1", "x"]]))
    assert (job.status, job.error, job.result) == (
        JobStatus.FAILED, "缺少必需的列：机关代字 / missing required columns", {"errors": 1}
    )
    assert not DocumentSeries.objects.exists()


def test_header_only_file_has_no_rows(run):
    job = run("空表.xlsx", _xlsx([["代码", "机关代字", "名称"]]))
    assert (job.status, job.error, job.result) == (
        JobStatus.FAILED, "文件中没有数据行 / the file has no data rows", {"rows": 0, "errors": 0}
    )


def test_empty_file_is_refused_cleanly(run):
    job = run("empty.csv", b"")
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("无法读取文件：")
    assert job.result == {"errors": 1}
    assert not DocumentSeries.objects.exists()


def test_csv_in_gb18030(run):
    text = "代码,机关代字,名称\r\ngb1,深安委办,安委会通知\r\ngb2,深应急,责令整改\r\n"
    job = run("gbk.csv", text.encode("gb18030"))
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert sorted(DocumentSeries.objects.values_list("code", "prefix", "name")) == [
        ("gb1", "深安委办", "安委会通知"), ("gb2", "深应急", "责令整改")
    ]


def test_start_checks_action_kind_and_extension(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("a.xlsx", b"x")
    with pytest.raises(NotAllowed):
        import_start(kind="tests.series", actor=world.user("grid_inspector"), upload=upload)
    with pytest.raises(DomainError) as exc:
        import_start(kind="tests.nope", actor=world.user("district_a"), upload=upload)
    assert exc.value.zh == "未知的导入类型 tests.nope"
    with pytest.raises(DomainError) as exc:
        import_start(kind="tests.series", actor=world.user("district_a"), upload=SimpleUploadedFile("a.xls", b"x"))
    assert exc.value.en == "Only .xlsx or .csv files are accepted"
    assert not Job.objects.exists()
