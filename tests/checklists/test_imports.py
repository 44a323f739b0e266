"""Item import into a draft (all or nothing, subtotal checks) and the samples in ../shared."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from anjian.checklists import services as cs
from anjian.checklists.imports import checklist_import_start
from anjian.checklists.models import ChecklistItem, ChecklistKind, ChecklistTemplate, VersionStatus
from anjian.core.errors import InvalidTransition, NotAllowed
from anjian.jobs.models import Job, JobStatus
from tests.checklists.helpers import SCORING_CSV, ZLB_JSON, published, shared_file, xlsx

pytestmark = pytest.mark.django_db

HEADER = ["序号", "类别", "项目", "检查内容", "依据", "分值", "评分办法", "重大隐患判定项", "判定标准条款"]


def _run(actor, version, upload, capture) -> Job:
    with capture(execute=True):
        job = checklist_import_start(actor=actor, version=version, upload=upload)
    job.refresh_from_db()
    return job


def _draft(code="IMP", kind=ChecklistKind.HAZARD_INSPECTION):
    t = cs.template_create(actor=None, code=code, name="导入测试", kind=kind)
    return cs.version_create_draft(actor=None, template=t)


def test_xlsx_items_into_a_draft(world, django_capture_on_commit_callbacks):
    draft = _draft()
    upload = xlsx([["某某检查表"], HEADER,
                   [1, "消防", "通道", "疏散通道畅通", "消防法第二十八条", None, None, "否", None],
                   [2, "有限空间", "审批", "有限空间作业经审批", None, None, None, "是", "判定标准第四条（一）"]])
    job = _run(world.user("city_admin"), draft, upload, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED, job.error
    items = list(draft.items.all())
    assert [(i.code, i.section, i.is_major_criterion) for i in items] == [("1", "消防", False), ("2", "有限空间", True)]
    assert items[1].standard_clause == "判定标准第四条（一）"


def test_bad_rows_import_nothing_and_report_errors(world, django_capture_on_commit_callbacks):
    draft = _draft()
    before = list(draft.items.values_list("pk", flat=True))
    upload = xlsx([HEADER,
                   [1, "消防", "", "疏散通道畅通", None, None, None, None, None],
                   [1, "消防", "", "重复编码", None, None, None, None, None],  # duplicate code
                   [3, "消防", "", "", None, None, None, None, None],  # empty text
                   [4, "消防", "", "重大项无条款", None, None, None, "是", None],
                   [5, "消防", "", "分值错", None, "x", None, None, None]])  # bad points
    job = _run(world.user("city_admin"), draft, upload, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED and "4 处错误" in job.error and "4 errors" in job.error
    report = load_workbook(job.result_file.open("rb")).active
    rows = list(report.iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in rows} == {3, 4, 5, 6}
    assert all(r[3] and r[4] for r in rows)  # Chinese and English messages
    assert list(draft.items.values_list("pk", flat=True)) == before


def test_import_refused_for_published_version_or_outsider(world):
    v = published()
    with pytest.raises(InvalidTransition):
        checklist_import_start(actor=world.user("city_admin"), version=v, upload=xlsx([HEADER]))
    draft = cs.version_create_draft(actor=None, template=v.template)
    with pytest.raises(NotAllowed):
        checklist_import_start(actor=world.user("grid_inspector"), version=draft, upload=xlsx([HEADER]))
    assert not Job.objects.exists()


def test_scoring_csv_subtotals_checked(world, django_capture_on_commit_callbacks):
    draft = _draft(kind=ChecklistKind.STANDARDIZATION_SCORING)
    body = ("seq,category,project,content,score,scoring_method\n"
            "1,1.目标,1.1目标,建立目标管理制度,2,无制度不得分\n"
            "2,1.目标,1.1目标,制定年度目标,3,无目标不得分\n"
            "3,1.目标,小计,,6,得分小计\n"
            "4,,总计,,6,得分总计\n")
    job = _run(world.user("city_admin"), draft, SimpleUploadedFile("s.csv", body.encode()),
               django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED and "2 处错误" in job.error  # subtotal 6 ≠ 5, total 6 ≠ 5
    assert not draft.items.exists()
    fixed = body.replace(",6,得分小计", ",5,得分小计").replace(",6,得分总计", ",5,得分总计")
    job = _run(world.user("city_admin"), draft, SimpleUploadedFile("s.csv", fixed.encode()),
               django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert [(i.code, i.points) for i in draft.items.all()] == [("1", 2), ("2", 3)]


def test_shared_scoring_standard_loads(world, django_capture_on_commit_callbacks):
    path = shared_file(SCORING_CSV)
    draft = _draft(code="WH-SCORING", kind=ChecklistKind.STANDARDIZATION_SCORING)
    job = _run(world.user("city_admin"), draft, SimpleUploadedFile(path.name, path.read_bytes()),
               django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED, job.error
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    items = [r for r in rows if r["project"] not in ("小计", "总计")]
    assert draft.items.count() == len(items) == 178 - 14
    assert draft.total_points == 1000
    first = draft.items.get(code="1")
    assert first.section == "1.安全生产目标" and first.points == 2 and first.scoring_method.startswith("无该项制度")
    assert any("\n" in i.text or "\n" in i.scoring_method for i in draft.items.all())  # multi-line kept


def test_shared_zlb_json_loads_and_publishes(world):
    path = shared_file(ZLB_JSON)
    data = json.loads(path.read_text(encoding="utf-8"))
    versions = cs.checklists_load_zlb(actor=world.user("city_admin"), data=data, publish=True)
    assert [v.template.code for v in versions] == ["ZLB-SAFETY-LIST", "ZLB-MINING-LIST", "ZLB-LABOUR-LIST"]
    assert [v.items.count() for v in versions] == [7, 10, 11]
    assert all(v.status == VersionStatus.PUBLISHED for v in versions)
    assert ChecklistTemplate.objects.get(code="ZLB-MINING-LIST").name == "工矿企业检查项目表"
    assert "1mm" in ChecklistItem.objects.get(version=versions[1], code="7").text
    again = cs.checklists_load_zlb(actor=None, data=data, publish=True)  # a reload is a new version
    assert [v.number for v in again] == [2, 2, 2]
    assert all(v.retired_at for v in versions[0].template.versions.filter(status=VersionStatus.RETIRED))


def test_template_download_reimports(world, login, django_capture_on_commit_callbacks):
    client = login("city_admin")
    content = client.get("/checklists/import-template.xlsx").content
    draft = _draft()
    job = _run(world.user("city_admin"), draft, SimpleUploadedFile("t.xlsx", content), django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert draft.items.count() == 2
    assert io.BytesIO(content).getvalue()[:2] == b"PK"
