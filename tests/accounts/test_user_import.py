"""Importing users and grants from a workbook (``accounts.imports``): all or nothing, every row
inside the importing administrator's reach, initial passwords handed over once."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from anjian.accounts.imports import UserImport
from anjian.accounts.models import Membership, Role, User
from anjian.accounts.services import membership_grant, user_create
from anjian.audit.models import Event
from anjian.documents.imports import IMPORTS, import_start
from anjian.documents.models import ImportBatch
from anjian.jobs.models import Job, JobStatus
from anjian.testing.world import PASSWORD
from tests.enterprises.helpers import uscc

pytestmark = pytest.mark.django_db

HEADER = ["用户名", "姓名*", "手机", "所在单位", "角色*", "授权范围", "生效日期", "截止日期"]


def workbook(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def run(user, content: bytes, capture) -> Job:
    with capture(execute=True):
        job = import_start(kind="users", actor=user, upload=SimpleUploadedFile("用户.xlsx", content))
    job.refresh_from_db()
    return job


def _snapshot():
    return (list(User.objects.order_by("id").values_list("id", "username")),
            list(Membership.objects.order_by("id").values_list("id", "user_id", "role_id", "jurisdiction_id")))


@pytest.fixture
def admin_a(world):
    roles = {r.code: r for r in Role.objects.all()}
    user = user_create(actor=None, username="admin_a", password=PASSWORD, must_change_password=False)
    for code in ("district_admin", "district_office", "street_office"):
        membership_grant(actor=None, user=user, role=roles[code], jurisdiction=world.district_a)
    return User.objects.get(pk=user.pk)


def test_the_kind_is_declared_on_the_import_mechanism():
    assert IMPORTS["users"] is UserImport and UserImport.action == "accounts.manage"


def test_city_admin_imports_users_with_grants_and_gets_their_initial_passwords(world, django_capture_on_commit_callbacks):
    world.ent_a.credit_code = uscc(7)
    world.ent_a.save(update_fields=["credit_code"])
    content = workbook([
        ["", "张三", "138 0000 0001", "甲区应急管理局", "区安委办", "990101", "2026-01-01", ""],
        ["", "张三", "13800000001", "甲区应急管理局", "street_office", "甲一街道", None, None],
        ["wang", "王五", "13800000002", "", "行业监管部门", "示范市应急管理局", None, "2030-12-31"],
        ["ent_li", "李四", "", "甲区化工", "企业用户", world.ent_a.credit_code, None, None],
        ["hot1", "赵六", "13800000003", "12345热线", "热线坐席", "", None, None],
    ])
    job = run(world.user("city_admin"), content, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["grants"] == 5  # five grants for four people (张三's two rows are one user)
    assert User.objects.filter(username__in=["13800000001", "wang", "ent_li", "hot1"]).count() == 4
    zhang = User.objects.get(username="13800000001")
    assert zhang.display_name == "张三" and zhang.unit_name == "甲区应急管理局" and zhang.must_change_password
    assert sorted(zhang.memberships.values_list("role__code", "jurisdiction__code")) == [
        ("district_office", "990101"), ("street_office", "990101001")]
    assert User.objects.get(username="wang").memberships.get().department == world.ema
    assert User.objects.get(username="ent_li").memberships.get().enterprise == world.ent_a
    assert User.objects.get(username="hot1").memberships.get().jurisdiction is None
    sheet = load_workbook(job.result_file.open("rb")).active
    passwords = {row[0]: row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(passwords) == {"13800000001", "wang", "ent_li", "hot1"}
    assert User.objects.get(username="wang").check_password(passwords["wang"])
    assert Event.objects.filter(verb="membership_granted").count() >= 5


def test_row_errors_import_nothing(world, django_capture_on_commit_callbacks):
    user_create(actor=None, username="taken", password=None)
    before = _snapshot()
    content = workbook([
        ["ok", "好人", "13800000009", "", "街道安办", "990101001", None, None],
        ["taken", "重名", "", "", "街道安办", "990101001", None, None],
        ["", "无名", "", "", "街道安办", "990101001", None, None],
        ["x1", "错手机", "12345", "", "街道安办", "990101001", None, None],
        ["x2", "错角色", "", "", "不存在的角色", "990101001", None, None],
        ["x3", "错范围", "", "", "街道安办", "没有这个地方", None, None],
        ["x4", "错日期", "", "", "街道安办", "990101001", "2026-05-01", "2026-01-01"],
        ["x5", "热线", "", "", "热线坐席", "990101", None, None],
    ])
    job = run(world.user("city_admin"), content, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED and job.result["errors"] == 7
    assert _snapshot() == before
    report = load_workbook(job.result_file.open("rb")).active
    rows = {row[0] for row in report.iter_rows(min_row=2, values_only=True)}
    assert rows == {3, 4, 5, 6, 7, 8, 9}


def test_district_admin_imports_only_inside_its_district(world, admin_a, django_capture_on_commit_callbacks):
    ok = workbook([["a1", "甲一", "13900000001", "", "街道安办", "甲一街道", None, None]])
    job = run(admin_a, ok, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert User.objects.get(username="a1").memberships.get().jurisdiction == world.street_a

    before = _snapshot()
    bad = workbook([
        ["a2", "甲二", "", "", "街道安办", "甲一街道", None, None],
        ["b1", "乙一", "", "", "街道安办", "990102", None, None],  # another district
        ["c1", "市管", "", "", "市安委办管理员", "990101", None, None],  # a role beyond its own actions
    ])
    job = run(admin_a, bad, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED and job.result["errors"] == 2
    assert _snapshot() == before
    refused = Event.objects.filter(verb="escalation_refused")
    assert refused.count() == 1 and refused.get().data["rows"] == [3, 4]


def test_without_accounts_manage_the_import_is_refused(world):
    from anjian.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        import_start(kind="users", actor=world.user("district_a"),
                     upload=SimpleUploadedFile("u.xlsx", workbook([["x", "x", "", "", "网格员", "990101", None, None]])))
    assert not Job.objects.exists()


def test_page_template_and_upload(login, world, django_capture_on_commit_callbacks):
    client = login("city_admin")
    assert 'href="/accounts/users/import/"' in client.get("/accounts/users/").content.decode()
    assert client.get("/accounts/users/import/").status_code == 200
    template = client.get("/accounts/users/import/template/")
    headers = [c.value for c in load_workbook(io.BytesIO(template.content)).active[1]]
    assert headers[:2] == ["用户名", "姓名*"]
    content = workbook([["g1", "网格员一", "13700000001", "", "网格员", "990101001001", None, None]])
    response = client.post("/accounts/users/import/", {"file": SimpleUploadedFile("用户.xlsx", content)})
    batch = ImportBatch.objects.latest("created_at")
    assert response.status_code == 302 and response["Location"] == f"/documents/imports/{batch.pk}/"
    form = {f"col-{i}": key for i, key in batch.mapping.items()}  # the columns as matched, unchanged
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/documents/imports/{batch.pk}/", {**form, "do": "check"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/documents/imports/{batch.pk}/", {"do": "store"})
    batch.refresh_from_db()
    job = batch.store_job
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert User.objects.get(username="g1").memberships.get().role.code == "grid_inspector"
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 200  # the initial passwords, for the starter
    assert login("district_a").get("/accounts/users/import/").status_code == 404
