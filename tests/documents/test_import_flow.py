"""The import mechanism end to end with a generated messy ledger (tests/documents/messy_ledger.py):
through the ``anjian import`` command and through the pages — column mapping, every error of
every row, duplicates, all-or-nothing or the valid rows, update by key with its preview, undo."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from anjian.documents.colmap import suggest_mapping
from anjian.documents.imports import import_undo
from anjian.documents.models import ImportBatch, ImportBatchStatus, ImportMapping
from anjian.enterprises.imports import HEADERS, SYNONYMS
from anjian.enterprises.models import Enterprise
from anjian.jobs.models import Job, JobStatus
from tests.documents.messy_ledger import HEADER, REGISTERED_CODE, UNMAPPED, messy_ledger
from tests.enterprises.helpers import uscc

pytestmark = pytest.mark.django_db
Command = importlib.import_module("anjian.documents.management.commands.import").Command  # "import" is a keyword


def _cli(*args: str) -> tuple[int, list[str]]:
    """Run ``anjian import …`` as the console script does (argparse errors exit 2)."""
    out = io.StringIO()
    cmd = Command(stdout=out, stderr=io.StringIO())
    cmd._called_from_command_line = True
    try:
        parser = cmd.create_parser("anjian", "import")
        options = vars(parser.parse_args(list(args)))
        options.pop("args", None)
        options["skip_checks"] = True
        cmd.execute(**options)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    except Exception as exc:  # CommandError with its returncode
        code = getattr(exc, "returncode", 1)
        out.write(str(exc))
    return code, out.getvalue().splitlines()


def _summary(lines: list[str]) -> dict[str, Any]:
    return json.loads(lines[-1])


@pytest.fixture
def ledger(world, settings, tmp_path):
    from anjian.enterprises.services import enterprise_create

    settings.MEDIA_ROOT = tmp_path / "media"
    enterprise_create(actor=None, data={"name": "已登记的公司", "credit_code": REGISTERED_CODE, "lng": 114.05, "lat": 22.05})
    data = messy_ledger()
    path = tmp_path / "甲区台账.xlsx"
    path.write_bytes(data.content)
    data.path = str(path)  # type: ignore[attr-defined]
    return data


def _problems(batch: ImportBatch) -> dict[int, list[dict[str, Any]]]:
    return {r.row_no: r.problems for r in batch.rows.exclude(problems=[])}


# --- the column mapping ---------------------------------------------------------------------------


def test_headers_are_matched_by_name_synonym_and_closeness():
    columns = [(0, "从业人员数"), (1, "详细地址"), (2, "是否涉及危险化学品"), (3, "企业名称（全称）"), (4, "序号"),
               (5, "统一社会信用代码*"), (6, "成立日期"), (7, "负责人联系电话")]
    got = {s.label: (s.key, s.how) for s in suggest_mapping(columns, HEADERS, SYNONYMS)}
    assert got["从业人员数"][0] == "employees"
    assert got["详细地址"][0] == "address"
    assert got["是否涉及危险化学品"][0] == "hazardous_chemicals"
    assert got["企业名称（全称）"][0] == "name"
    assert got["统一社会信用代码*"] == ("credit_code", "exact")
    assert got["负责人联系电话"][0] == "principal_phone"
    assert got["序号"] == (None, "") and got["成立日期"] == (None, "")


def test_a_saved_mapping_wins_and_can_leave_a_column_out():
    columns = [(0, "联系人"), (1, "地址")]
    got = suggest_mapping(columns, HEADERS, SYNONYMS, saved={"联系人": "principal", "地址": ""})
    assert [(s.key, s.how) for s in got] == [("principal", "saved"), (None, "saved")]


# --- the command ----------------------------------------------------------------------------------


def test_dry_run_reports_every_error_duplicates_and_unmapped_columns(ledger, tmp_path):
    before = Enterprise.objects.count()
    out = tmp_path / "errors.xlsx"
    code, lines = _cli("enterprises", ledger.path, "--as", "district_a", "--dry-run", "--default-area", "990101001",
                       "--errors", str(out))
    assert code == 1
    result = _summary(lines)
    assert result["stored"] == 0 and result["updated"] == 0
    assert result["failed_rows"] == len(ledger.bad) + len(ledger.duplicates)
    assert UNMAPPED <= set(result["unmapped"]) <= {*UNMAPPED, "所属街道"}
    assert Enterprise.objects.count() == before
    batch = ImportBatch.objects.latest("created_at")
    problems = _problems(batch)
    assert set(problems) == set(ledger.bad) | set(ledger.duplicates)
    for row_no, columns in ledger.bad.items():
        assert {p["column"] for p in problems[row_no]} == columns, row_no
        assert all(p["zh"] and p["en"] for p in problems[row_no])
    for row_no, code_ in ledger.duplicates.items():
        assert [p["value"] for p in problems[row_no]] == [code_]
    assert result["errors"] == sum(len(p) for p in problems.values()) == sum(map(len, ledger.bad.values())) + 2
    # the progress lines name the phases, the errors are printed with row, column and reason
    assert any("检查中" in line for line in lines)
    assert any(line.startswith(f"第 {min(ledger.bad)} 行") for line in lines)
    # the error workbook: the list, and the refused rows as uploaded with an error column
    wb = load_workbook(out)
    listed = list(wb["错误报告"].iter_rows(min_row=2, values_only=True))
    assert len(listed) == result["errors"]
    fix = list(wb["待修改的行"].iter_rows(values_only=True))
    assert list(fix[0][1:-1]) == HEADER and fix[0][-1] == "错误 Errors"
    assert [r[0] for r in fix[1:]] == sorted(problems)
    assert all(r[-1] for r in fix[1:])


def test_all_or_nothing_stores_nothing_when_a_row_is_bad(ledger):
    before = Enterprise.objects.count()
    code, lines = _cli("enterprises", ledger.path, "--as", "district_a", "--default-area", "990101001")
    assert code == 1
    assert _summary(lines)["stored"] == 0
    assert Enterprise.objects.count() == before


def test_partial_stores_exactly_the_valid_rows_with_every_column(ledger):
    before = Enterprise.objects.count()
    code, lines = _cli("enterprises", ledger.path, "--as", "district_a", "--partial", "--default-area", "990101001")
    result = _summary(lines)
    assert code == 1  # rows were refused
    assert result["stored"] == len(ledger.good)
    assert Enterprise.objects.count() == before + len(ledger.good)
    for name, expected in ledger.good.items():
        ent = Enterprise.objects.select_related("sector", "jurisdiction").get(name=name)
        got = {"credit_code": ent.credit_code, "sector": ent.sector.code, "size": ent.size, "employees": ent.employees,
               "address": ent.address, "principal": ent.principal, "principal_phone": ent.principal_phone,
               "safety_manager": ent.safety_manager, "flags": sorted(ent.flags)}
        assert got == expected, name
        assert ent.jurisdiction.code.startswith("990101")


def test_a_clean_ledger_exits_0_and_unmapped_columns_are_still_listed(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = messy_ledger(n_good=3)
    # keep only the header, the good rows and the totals row
    wb = load_workbook(io.BytesIO(data.content))
    ws = wb.active
    ws.delete_rows(7, ws.max_row - 7)
    path = tmp_path / "clean.xlsx"
    wb.save(path)
    code, lines = _cli("enterprises", str(path), "--as", "district_a", "--default-area", "990101001",
                       "--map", "成立日期=")
    result = _summary(lines)
    assert (code, result["stored"], result["failed_rows"], result["errors"]) == (0, 3, 0, 0)
    assert "序号" in result["unmapped"] and "成立日期" in result["unmapped"]


def test_bad_command_lines_exit_2(ledger):
    assert _cli("nonsense", ledger.path)[0] == 2
    assert _cli("enterprises", "/no/such/file.xlsx")[0] == 2
    assert _cli("enterprises", ledger.path, "--map", "没有等号")[0] == 2
    assert _cli("enterprises", ledger.path, "--map", "不存在的列=name")[0] == 2
    assert _cli("enterprises", ledger.path, "--map", "序号=不存在的字段")[0] == 2
    assert _cli("enterprises", ledger.path, "--as", "nobody")[0] == 2
    assert _cli("enterprises", ledger.path, "--bogus")[0] == 2
    assert _cli("accidents", ledger.path, "--update")[0] == 2  # an accident has no number to update by


def test_map_option_changes_the_mapping(ledger):
    _code, lines = _cli("enterprises", ledger.path, "--as", "district_a", "--dry-run", "--default-area", "990101001",
                        "--map", "详细地址=", "--map", "序号=principal")
    result = _summary(lines)
    assert "详细地址" in result["unmapped"] and "序号" not in result["unmapped"]
    batch = ImportBatch.objects.latest("created_at")
    assert batch.mapping[str(HEADER.index("序号"))] == "principal"


# --- update by key and undo -----------------------------------------------------------------------


def _ledger_file(tmp_path, name: str, rows: list[list[Any]]) -> str:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["单位名称", "统一社会信用代码", "从业人员数", "详细地址", "经度", "纬度", "是否涉及危险化学品"])
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return str(path)


def test_update_by_key_previews_changes_then_undo_restores(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first = _ledger_file(tmp_path, "v1.xlsx", [["一厂", uscc(1), 10, "旧地址1", 114.05, 22.05, "否"],
                                               ["二厂", uscc(2), 20, "旧地址2", 114.05, 22.05, "是"]])
    code, lines = _cli("enterprises", first, "--as", "district_a")
    assert (code, _summary(lines)["stored"]) == (0, 2)
    created = ImportBatch.objects.latest("created_at")

    second = _ledger_file(tmp_path, "v2.xlsx", [["一厂", uscc(1).lower(), "１５", "新地址1", None, None, None],
                                                ["二厂", uscc(2), 20, None, None, None, "否"],
                                                ["三厂", uscc(3), 30, "地址3", 114.05, 22.05, "否"]])
    # without --update a registered code is an error of its row
    code, lines = _cli("enterprises", second, "--as", "district_a", "--dry-run")
    assert code == 1 and _summary(lines)["failed_rows"] == 2
    code, lines = _cli("enterprises", second, "--as", "district_a", "--dry-run", "--update")
    assert code == 0
    preview = ImportBatch.objects.latest("created_at")
    changes = {r.row_no: sorted((c["column"], c["old"], c["new"]) for c in r.changes)
               for r in preview.rows.filter(action="update")}
    assert changes == {2: [("从业人数", "10", "15"), ("地址", "旧地址1", "新地址1")],
                       3: [("重点监管标识", "涉及危险化学品", "")]}
    assert Enterprise.objects.get(credit_code=uscc(1)).address == "旧地址1"  # a dry run writes nothing

    code, lines = _cli("enterprises", second, "--as", "district_a", "--update")
    result = _summary(lines)
    assert (code, result["stored"], result["updated"]) == (0, 1, 2)
    one = Enterprise.objects.get(credit_code=uscc(1))
    assert (one.address, one.employees) == ("新地址1", 15)
    assert Enterprise.objects.get(credit_code=uscc(2)).flags == []
    updated = ImportBatch.objects.latest("created_at")

    import_undo(actor=world.user("district_a"), batch=updated)
    one.refresh_from_db()
    assert (one.address, one.employees) == ("旧地址1", 10)
    assert Enterprise.objects.get(credit_code=uscc(2)).flags == ["hazardous_chemicals"]
    assert not Enterprise.objects.filter(credit_code=uscc(3)).exists()
    assert ImportBatch.objects.get(pk=updated.pk).status == ImportBatchStatus.UNDONE

    # the first batch: a record changed since cannot be undone — nothing is undone
    from anjian.core.errors import DomainError
    from anjian.enterprises.services import enterprise_update

    enterprise_update(actor=None, enterprise=one, data={"principal": "后来改的"})
    with pytest.raises(DomainError):
        import_undo(actor=world.user("district_a"), batch=created)
    assert Enterprise.objects.filter(credit_code__in=[uscc(1), uscc(2)]).count() == 2
    Enterprise.objects.filter(pk=one.pk).update(principal="")  # (history unchanged: still touched)
    with pytest.raises(DomainError):
        import_undo(actor=world.user("district_a"), batch=created)


def test_hazards_update_by_number_from_an_edited_export_then_undo(world, login, settings, tmp_path):
    """A hazard export edited in Excel imports back as an update of the same hazards (by 编号):
    the wording changes, the workflow's fields (level) are refused, nothing is doubled; undo
    restores the earlier wording."""
    from django.utils import timezone

    from anjian.hazards.models import Hazard
    from anjian.hazards.services import hazards_import_ledger

    settings.MEDIA_ROOT = tmp_path
    now = timezone.now()
    base = {"enterprise": world.ent_a, "category": "电气", "level": "general", "status": "confirmed",
            "source": "inspection", "found_at": now - dt.timedelta(days=10), "deadline": now + dt.timedelta(days=5),
            "responsible_person": "张三", "measures": "更换", "finder_name": "李四", "address": "二号车间",
            "lng": 114.06, "lat": 22.06, "standard_item": ""}
    ids = hazards_import_ledger(actor=None, rows=[{**base, "description": "配电箱门损坏（回写1）"},
                                                  {**base, "description": "灭火器过期（回写2）"}])
    h1, h2 = Hazard.objects.filter(pk__in=ids).order_by("pk")
    response = login("district_a").get("/hazards/export.xlsx", {"q": "回写"})
    path = tmp_path / "导出.xlsx"
    path.write_bytes(b"".join(response.streaming_content) if response.streaming else response.content)

    code, lines = _cli("hazards", str(path), "--as", "district_a", "--dry-run")  # as exported
    assert code == 1 and _summary(lines)["failed_rows"] == 2  # each row names a registered hazard

    wb = load_workbook(path)
    ws = wb.active
    header = [c.value for c in ws[1]]
    row_of = {ws.cell(r, header.index("编号") + 1).value: r for r in range(2, ws.max_row + 1)}
    ws.cell(row_of[h1.code], header.index("整改措施") + 1).value = "更换配电箱门并加锁"
    ws.cell(row_of[h2.code], header.index("等级") + 1).value = "重大"
    wb.save(path)
    code, lines = _cli("hazards", str(path), "--as", "district_a", "--dry-run", "--update")
    assert code == 1 and _summary(lines)["failed_rows"] == 1
    refused = ImportBatch.objects.latest("created_at").rows.get(target_id="")
    assert "隐患等级不能通过导入修改" in json.dumps(refused.problems, ensure_ascii=False)

    ws.cell(row_of[h2.code], header.index("等级") + 1).value = "一般"
    wb.save(path)
    code, lines = _cli("hazards", str(path), "--as", "district_a", "--update")
    result = _summary(lines)
    assert (code, result["stored"], result["updated"]) == (0, 0, 1)
    batch = ImportBatch.objects.latest("created_at")
    assert [(c["column"], c["old"], c["new"]) for c in batch.rows.get(action="update").changes] == [
        ("整改措施", "更换", "更换配电箱门并加锁")]
    h1.refresh_from_db()
    assert h1.measures == "更换配电箱门并加锁" and h1.level == "general"
    assert Hazard.objects.filter(description__contains="回写").count() == 2  # nothing doubled

    import_undo(actor=world.user("district_a"), batch=batch)
    h1.refresh_from_db()
    assert h1.measures == "更换"


def test_undo_removes_created_rows(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    path = _ledger_file(tmp_path, "v1.xlsx", [["一厂", uscc(1), 10, "地址", 114.05, 22.05, "否"]])
    assert _cli("enterprises", path, "--as", "district_a")[0] == 0
    batch = ImportBatch.objects.latest("created_at")
    with pytest.raises(Exception):  # noqa: B017 - another office may not undo it
        import_undo(actor=world.user("grid_inspector"), batch=batch)
    import_undo(actor=world.user("district_a"), batch=batch)
    assert not Enterprise.objects.filter(credit_code=uscc(1)).exists()


# --- the pages ------------------------------------------------------------------------------------


def test_the_pages_map_check_store_valid_rows_and_undo(ledger, login, django_capture_on_commit_callbacks):
    client = login("district_a")
    before = Enterprise.objects.count()
    with open(ledger.path, "rb") as fh:
        response = client.post("/enterprises/import/", {"file": SimpleUploadedFile("甲区台账.xlsx", fh.read())})
    assert response.status_code == 302
    batch = ImportBatch.objects.latest("created_at")
    assert response["Location"] == f"/documents/imports/{batch.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="mapping-form"' in page and "序号" in page and "成立日期" in page
    assert Enterprise.objects.count() == before and batch.rows.count() == 0  # nothing checked yet
    form = {f"col-{i}": key for i, key in batch.mapping.items()}
    form.update({"do": "check", "default_area": "990101001", "save_as": "甲区应急局台账"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/documents/imports/{batch.pk}/", form)
    batch.refresh_from_db()
    assert batch.status == ImportBatchStatus.CHECKED
    assert batch.check_job.status == JobStatus.SUCCEEDED and batch.check_job.percent == 100
    page = client.get(f"/documents/imports/{batch.pk}/").content.decode()
    assert page.count('data-testid="problem"') == batch.summary["errors"]
    assert 'data-testid="store-all"' in page and "disabled" in page
    assert ImportMapping.objects.filter(source="甲区应急局台账", kind="enterprises").exists()
    errors = client.get(f"/documents/imports/{batch.pk}/errors.xlsx")
    assert errors.status_code == 200
    # all or nothing is refused while rows are bad; the valid rows can be stored
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/documents/imports/{batch.pk}/", {"do": "store_partial"})
    batch.refresh_from_db()
    assert batch.status == ImportBatchStatus.STORED
    assert Enterprise.objects.count() == before + len(ledger.good)
    assert 'data-testid="undo-form"' in client.get(f"/documents/imports/{batch.pk}/").content.decode()
    client.post(f"/documents/imports/{batch.pk}/", {"do": "undo"})
    batch.refresh_from_db()
    assert batch.status == ImportBatchStatus.UNDONE
    assert Enterprise.objects.count() == before
    other = login("district_b")
    assert other.get(f"/documents/imports/{batch.pk}/").status_code == 404
    assert other.get(f"/documents/imports/{batch.pk}/errors.xlsx").status_code == 404


def test_a_saved_mapping_is_reused_for_the_same_headers(ledger, login):
    client = login("district_a")
    batch = _upload(client, ledger)
    mapping = dict(batch.mapping)
    mapping[str(HEADER.index("序号"))] = "principal"
    mapping = {i: k for i, k in mapping.items() if k != "principal" or i == str(HEADER.index("序号"))}
    form = {f"col-{i}": k for i, k in mapping.items()}
    client.post(f"/documents/imports/{batch.pk}/", {**form, "do": "check", "save_as": "乙来源"})
    again = _upload(client, ledger)
    assert again.mapping[str(HEADER.index("序号"))] == "principal"
    assert again.options["source"] == "乙来源"


def _upload(client, ledger) -> ImportBatch:
    with open(ledger.path, "rb") as fh:
        client.post("/enterprises/import/", {"file": SimpleUploadedFile("甲区台账.xlsx", fh.read())})
    return ImportBatch.objects.latest("created_at")


@pytest.mark.parametrize(("persona", "url"), [("district_a", "/enterprises/import/"),
                                              ("city_admin", "/accounts/users/import/")])
def test_the_size_limit_is_checked_while_the_upload_streams(login, settings, tmp_path, persona, url):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_MAX_BYTES = 1000
    client = login(persona)
    response = client.post(url, {"file": SimpleUploadedFile("big.xlsx", b"x" * 5000)})
    assert response.status_code == 200
    assert "文件太大" in response.content.decode()
    # refused by the upload handler while the body streamed in, not after the file was stored
    assert response.wsgi_request._upload_too_large is True
    assert not ImportBatch.objects.exists()


def test_a_failed_job_shows_100_percent(world):
    job = Job.objects.create(kind="import", title="t", status=JobStatus.FAILED, total=100, done=49)
    assert job.percent == 100


@pytest.mark.parametrize("value", [None, "文本", 12, 1.5, True, dt.date(2023, 1, 26), dt.datetime(2014, 2, 9, 8, 30),
                                   dt.time(7, 5)])
def test_cell_values_keep_their_type_through_the_staging_table(value):
    from anjian.documents.imports import decode_value, encode_value

    assert decode_value(json.loads(json.dumps(encode_value(value)))) == value
