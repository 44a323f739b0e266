"""行政区划调整 as a workflow (issue 14): split a street, merge two streets; enterprises and their
open records move through the reassignment job (closed records stay), their to-dos go to the new
unit's inbox; preview first, all or nothing, audited, the old unit retired (kept); codes checked.
Also: open records follow an enterprise moved by the city-wide reassignment job."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest
import shapely
from django.core.management import call_command
from shapely.geometry import box

from anjian.accounts.models import Role
from anjian.accounts.services import membership_grant, user_create
from anjian.audit.models import Event
from anjian.core.errors import DomainError, NotAllowed
from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import enterprise_create
from anjian.grids import adjustments
from anjian.grids import services as gs
from anjian.grids.models import Adjustment, PatrolStatus, PatrolTask
from anjian.hazards import services as hs
from anjian.hazards.models import Hazard, HazardSource, HazardStatus
from anjian.inbox.models import DueItem, DueState
from anjian.jobs.models import Job
from anjian.orgs.models import Jurisdiction, JurisdictionLevel
from anjian.orgs.services import jurisdiction_create, jurisdiction_set_boundary
from anjian.public_reports.models import Report
from anjian.testing.world import PASSWORD
from tests.public_reports.helpers import file_report

pytestmark = pytest.mark.django_db

EAST = box(114.1, 22.0, 114.205, 22.2)  # the east half of 甲一街道, drawn a little over its edge


def _hazard(world, enterprise, text="消防通道堵塞"):
    return hs.hazard_report(actor=world.user("city_admin"), source=HazardSource.SUPERVISION, enterprise=enterprise,
                            category="消防", description=text)


def _open_items(obj):
    return DueItem.objects.filter(object_id=str(obj.pk), state=DueState.OPEN, content_type__model=obj._meta.model_name)


def _run(job_id):
    job = Job.objects.get(pk=job_id)
    assert job.status == "succeeded", job.error
    return job


def test_split_preview_stores_nothing_and_the_commit_moves_enterprises_and_open_records(
        world, django_capture_on_commit_callbacks):
    admin = world.user("city_admin")
    open_h = _hazard(world, world.ent_a2)
    closed_h = _hazard(world, world.ent_a2, "旧隐患")
    Hazard.objects.filter(pk=closed_h.pk).update(status=HazardStatus.WRITTEN_OFF)  # a closed record: it stays
    before = (Jurisdiction.objects.count(), Event.objects.count(), Jurisdiction.objects.get(pk=world.street_a.pk).boundary)

    preview = adjustments.split_preview(actor=admin, unit=world.street_a, geometry=EAST, name="甲东街道", code="990101002")
    assert preview.enterprises_total == 1 and preview.enterprises[0][1] == "甲区建设集团"
    assert preview.records["hazards"] == 1 and preview.children == []
    assert preview.as_dict()["area_km2"] > 0 and preview.as_dict()["rest_area_km2"] > 0
    assert (Jurisdiction.objects.count(), Event.objects.count(),
            Jurisdiction.objects.get(pk=world.street_a.pk).boundary) == before  # a preview stores nothing

    with django_capture_on_commit_callbacks(execute=True):
        a = adjustments.split_commit(actor=admin, unit=world.street_a, geometry=EAST, name="甲东街道",
                                     code="990101002", reason="甲民〔2026〕3号")
    new = Jurisdiction.objects.get(code="990101002")
    assert (new.parent, new.level, new.is_active, new.path) == (world.district_a, JurisdictionLevel.STREET, True,
                                                                "/990100/990101/990101002/")
    rest = shapely.from_geojson(Jurisdiction.objects.get(pk=world.street_a.pk).boundary)
    assert rest.area == pytest.approx(0.02, rel=1e-6)  # what 甲一街道 keeps; the part over its edge was cut off
    job = _run(Adjustment.objects.get(pk=a.pk).job_id)
    assert job.result["moved"] == 1 and job.result["hazards"] == 1 and job.result["total"] == 2
    assert Enterprise.objects.get(pk=world.ent_a2.pk).jurisdiction == new
    assert Enterprise.objects.get(pk=world.ent_a.pk).jurisdiction == world.grid_a  # west: untouched
    assert Hazard.objects.get(pk=open_h.pk).jurisdiction == new
    assert Hazard.objects.get(pk=closed_h.pk).jurisdiction == world.street_a  # closed: stays where it was
    assert not _open_items(open_h).filter(owner_jurisdiction=world.street_a).exists()
    moved_h = Hazard.objects.get(pk=open_h.pk)
    assert moved_h.history.order_by("-history_id").first().history_change_reason.startswith("拆分")
    assert Event.objects.filter(verb="reassigned", object_id=str(open_h.pk)).exists()
    assert Event.objects.filter(verb="unit_split", object_id=str(new.pk)).exists()
    assert Adjustment.objects.get(pk=a.pk).report["moved"] == 1
    rows = list(openpyxl.load_workbook(job.result_file.open("rb")).active.iter_rows(values_only=True))
    kinds = sorted(r[0] for r in rows[1:])
    assert kinds == ["企业", "未销号隐患"] and any(r[5] == "甲东街道" for r in rows[1:])


def test_split_codes_and_shapes_are_checked_and_nothing_changes(world):
    admin = world.user("city_admin")
    before = (Jurisdiction.objects.count(), Jurisdiction.objects.get(pk=world.street_a.pk).boundary, Adjustment.objects.count())
    refusals = [
        ({"code": "990102001"}, "已被使用"),  # 乙一街道's code
        ({"code": "990102009"}, "以上级代码 990101 开头"),  # another district's prefix
        ({"code": "99010100"}, "共 9 位"),
        ({"geometry": box(114.3, 22.0, 114.4, 22.1)}, "之外"),  # in 乙区
        ({"geometry": box(114.0, 22.0, 114.2, 22.2)}, "面积过小"),  # the whole street: nothing left
        ({"name": "甲一街道"}, "已有名为"),
    ]
    for change, message in refusals:
        args = {"geometry": EAST, "name": "甲东街道", "code": "990101002", **change}
        with pytest.raises(DomainError, match=message):
            adjustments.split_commit(actor=admin, unit=world.street_a, reason="批复", **args)
    with pytest.raises(DomainError, match="调整依据"):
        adjustments.split_commit(actor=admin, unit=world.street_a, geometry=EAST, name="甲东街道", code="990101002",
                                 reason=" ")
    with pytest.raises(DomainError, match="只能拆分或合并"):
        adjustments.split_preview(actor=admin, unit=world.district_a, geometry=EAST, name="x", code="990103")
    assert (Jurisdiction.objects.count(), Jurisdiction.objects.get(pk=world.street_a.pk).boundary,
            Adjustment.objects.count()) == before


def test_out_of_scope_adjustments_are_refused_with_nothing_changed(world):
    admin_b = user_create(actor=None, username="admin_b", password=PASSWORD, display_name="乙区管理员",
                          must_change_password=False)
    membership_grant(actor=None, user=admin_b, role=Role.objects.get(code="district_admin"), jurisdiction=world.district_b)
    extra = jurisdiction_create(actor=None, code="990101002", name="甲二街道", level=JurisdictionLevel.STREET,
                                parent=world.district_a, geometry=box(114.0, 22.2, 114.2, 22.4))
    before = (Jurisdiction.objects.count(), Event.objects.count(), Adjustment.objects.count())
    for user in (admin_b, world.user("district_a"), world.user("grid_inspector")):
        with pytest.raises(NotAllowed):
            adjustments.split_commit(actor=user, unit=world.street_a, geometry=EAST, name="甲东街道", code="990101003",
                                     reason="x")
        with pytest.raises(NotAllowed):
            adjustments.merge_commit(actor=user, unit=world.street_a, other=extra, reason="x")
    with pytest.raises(DomainError, match="同一上级"):  # across districts: refused even for the city
        adjustments.merge_preview(actor=world.user("city_admin"), unit=world.street_a, other=world.street_b)
    assert (Jurisdiction.objects.count(), Event.objects.count(), Adjustment.objects.count()) == before


def test_merge_retires_the_absorbed_street_and_moves_everything_open(world, django_capture_on_commit_callbacks):
    admin = world.user("city_admin")
    north = jurisdiction_create(actor=None, code="990101002", name="甲二街道", level=JurisdictionLevel.STREET,
                                parent=world.district_a, geometry=box(114.0, 22.2, 114.2, 22.4))
    grid = jurisdiction_create(actor=None, code="990101002001", name="甲二一网格", level=JurisdictionLevel.GRID,
                               parent=north, geometry=box(114.0, 22.2, 114.1, 22.3))
    in_grid = enterprise_create(actor=None, data={"name": "甲二网格内企业", "sector": world.ent_a.sector,
                                                  "lng": 114.05, "lat": 22.25})
    at_street = enterprise_create(actor=None, data={"name": "甲二街道企业", "sector": world.ent_a.sector,
                                                    "lng": 114.15, "lat": 22.35})
    no_xy = enterprise_create(actor=None, data={"name": "无坐标企业", "sector": world.ent_a.sector}, jurisdiction=north)
    assert (in_grid.jurisdiction, at_street.jurisdiction, no_xy.jurisdiction) == (grid, north, north)
    open_h = _hazard(world, at_street)
    loose = hs.hazard_report(actor=admin, source=HazardSource.SUPERVISION, place_name="甲二街道菜市场",
                             category="消防", description="无企业档案的场所", jurisdiction=north)
    assert loose.jurisdiction == north

    preview = adjustments.merge_preview(actor=admin, unit=world.street_a, other=north)
    assert preview.enterprises_total == 3 and preview.children == [grid] and preview.records["hazards"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        a = adjustments.merge_commit(actor=admin, unit=world.street_a, other=north, reason="甲民〔2026〕4号")
    north = Jurisdiction.objects.get(pk=north.pk)
    assert not north.is_active and north.code == "990101002"  # retired, kept, its code still reserved
    assert Jurisdiction.objects.get(pk=grid.pk).path == "/990100/990101/990101001/990101002001/"
    street = Jurisdiction.objects.get(pk=world.street_a.pk)
    assert shapely.from_geojson(street.boundary).area == pytest.approx(0.08, rel=1e-6)
    job = _run(Adjustment.objects.get(pk=a.pk).job_id)
    assert Enterprise.objects.get(pk=in_grid.pk).jurisdiction_id == grid.pk  # its grid went with it
    assert Enterprise.objects.get(pk=at_street.pk).jurisdiction_id == street.pk
    assert Enterprise.objects.get(pk=no_xy.pk).jurisdiction_id == street.pk
    assert Hazard.objects.get(pk=open_h.pk).jurisdiction_id == street.pk
    assert Hazard.objects.get(pk=loose.pk).jurisdiction_id == street.pk
    assert not DueItem.objects.filter(owner_jurisdiction=north, state=DueState.OPEN).exists()
    assert job.result["moved"] == 2 and job.result["hazards"] == 2
    assert Event.objects.filter(verb="unit_retired", object_id=str(north.pk)).exists()
    with pytest.raises(DomainError, match="已撤销"):
        adjustments.merge_preview(actor=admin, unit=world.street_a, other=north)
    with pytest.raises(DomainError, match="已被使用"):  # a retired unit's code is not reused
        adjustments.split_preview(actor=admin, unit=world.street_a, geometry=EAST, name="甲东街道", code="990101002")


def test_open_records_follow_an_enterprise_moved_by_the_city_wide_job(world, django_capture_on_commit_callbacks):
    """B: the reassignment job moves an enterprise to another grid; its open patrol tasks (with the
    new grid's inspector and to-dos), open hazards and reports in progress go with it, closed ones stay."""
    admin = world.user("city_admin")
    inspector = user_create(actor=None, username="insp2", password=PASSWORD, display_name="网格员二",
                            must_change_password=False)
    tasks = gs.patrol_plan_generate(actor=None, grid=world.grid_a, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    assert len(tasks) >= 2
    done = tasks[0]
    PatrolTask.objects.filter(pk=done.pk).update(status=PatrolStatus.DONE)
    open_h = _hazard(world, world.ent_a)
    closed_h = _hazard(world, world.ent_a, "已销号的旧隐患")
    Hazard.objects.filter(pk=closed_h.pk).update(status=HazardStatus.WRITTEN_OFF)
    report, _secret = file_report(world)  # a public report about 甲区化工, received: in progress
    assert report.jurisdiction == world.grid_a
    # 甲一网格 is redrawn; 甲一西网格 now holds 甲区化工 (114.05, 22.05).
    jurisdiction_set_boundary(actor=None, jurisdiction=world.grid_a, geometry=box(114.06, 22.0, 114.1, 22.1))
    west = jurisdiction_create(actor=None, code="990101001002", name="甲一西网格", level=JurisdictionLevel.GRID,
                               parent=world.street_a, geometry=box(114.0, 22.0, 114.06, 22.1))
    gs.grid_staff_set(actor=None, grid=west, user=inspector)
    with django_capture_on_commit_callbacks(execute=True):
        job = gs.reassign_start(actor=admin)
    job = _run(job.pk)
    assert Enterprise.objects.get(pk=world.ent_a.pk).jurisdiction == west
    open_tasks = PatrolTask.objects.filter(enterprise=world.ent_a, status=PatrolStatus.OPEN)
    assert open_tasks.exists() and set(open_tasks.values_list("grid", "inspector")) == {(west.pk, inspector.pk)}
    assert PatrolTask.objects.get(pk=done.pk).grid == world.grid_a  # done: stays
    for t in open_tasks:
        items = _open_items(t)
        assert items.exists() and set(items.values_list("owner_jurisdiction", "assignee")) == {(west.pk, inspector.pk)}
    assert Hazard.objects.get(pk=open_h.pk).jurisdiction == west
    assert Hazard.objects.get(pk=closed_h.pk).jurisdiction == world.grid_a
    assert Report.objects.get(pk=report.pk).jurisdiction == west
    assert job.result["patrol_tasks"] == open_tasks.count() and job.result["hazards"] == 1
    assert job.result["public_reports"] == 1
    assert job.result_file  # the list of what moved


def test_pages_api_and_command(login, world, client, django_capture_on_commit_callbacks):
    c = login("city_admin")
    page = c.get(f"/grids/adjustments/{world.street_a.pk}/split/")
    assert page.status_code == 200 and "split-form" in page.content.decode()
    assert "split-link" in c.get(f"/orgs/jurisdictions/{world.street_a.pk}/adjust/").content.decode()
    geometry = json.dumps(EAST.__geo_interface__)
    form = {"name": "甲东街道", "code": "990101002", "reason": "批复", "geometry": geometry, "preview": "1"}
    r = c.post(f"/grids/adjustments/{world.street_a.pk}/split/", form)
    assert r.status_code == 200 and 'data-testid="adjust-preview"' in r.content.decode()
    assert not Jurisdiction.objects.filter(code="990101002").exists()
    bad = c.post(f"/grids/adjustments/{world.street_a.pk}/split/", {**form, "code": "990102001"})
    assert bad.status_code == 400 and "已被使用" in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"/grids/adjustments/{world.street_a.pk}/split/", {**form, "commit": "1"})
    assert r.status_code == 302 and r.url.startswith("/jobs/")
    assert Jurisdiction.objects.filter(code="990101002", is_active=True).exists()
    assert "甲东街道" in c.get("/grids/adjustments/").content.decode()
    fc = c.get(f"/grids/adjustments/{world.street_a.pk}/geojson/").json()
    assert {f["properties"]["role"] for f in fc["features"]} == {"unit", "sibling"}

    # merge page: the choice offers the siblings only
    new = Jurisdiction.objects.get(code="990101002")
    r = c.post(f"/grids/adjustments/{world.street_a.pk}/merge/", {"other": world.street_b.pk, "reason": "x", "preview": "1"})
    assert r.status_code == 400  # 乙一街道 is not a sibling
    r = c.post(f"/grids/adjustments/{world.street_a.pk}/merge/", {"other": new.pk, "reason": "x", "preview": "1"})
    assert r.status_code == 200 and 'data-testid="adjust-preview"' in r.content.decode()

    # API: preview, commit, detail; out of scope 400/404 with nothing changed
    token_client = login("city_admin")
    body = {"unit_code": "990101001", "other_code": "990101002", "reason": "API 批复"}
    r = token_client.post("/api/v1/grids/adjustments/merge/preview", body, content_type="application/json")
    assert r.status_code == 200 and r.json()["enterprises_total"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        r = token_client.post("/api/v1/grids/adjustments/merge", body, content_type="application/json")
    assert r.status_code == 202 and r.json()["other_active"] is False
    detail = token_client.get(f"/api/v1/grids/adjustments/{r.json()['id']}").json()
    assert detail["report"]["moved"] == 1 and detail["job_status"] == "succeeded"
    other = login("district_b")
    count = Adjustment.objects.count()
    r = other.post("/api/v1/grids/adjustments/split/preview",
                   {"unit_code": "990101001", "name": "x", "code": "990101009", "geometry": EAST.__geo_interface__},
                   content_type="application/json")
    assert r.status_code in (400, 403, 404) and Adjustment.objects.count() == count
    assert other.get(f"/grids/adjustments/{world.street_a.pk}/split/").status_code == 404


def test_command_dry_run_and_split(world, tmp_path, capsys):
    path = tmp_path / "east.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "甲东街道"}, "geometry": EAST.__geo_interface__}]}), encoding="utf-8")
    call_command("adjust-division", "split", "--as", "city_admin", "--unit", "990101001", "--name", "甲东街道",
                 "--code", "990101002", "--boundary", str(path), "--dry-run")
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["preview"]["enterprises_total"] == 1 and not Jurisdiction.objects.filter(code="990101002").exists()
    call_command("adjust-division", "split", "--as", "city_admin", "--unit", "990101001", "--name", "甲东街道",
                 "--code", "990101002", "--boundary", str(path), "--reason", "批复", "--wait")
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["status"] == "succeeded" and out["report"]["moved"] == 1
    assert Enterprise.objects.get(pk=world.ent_a2.pk).jurisdiction.code == "990101002"


def test_rename_by_api_and_command(world, login, capsys):
    c = login("city_admin")
    r = c.post("/api/v1/grids/adjustments/rename", {"unit_code": "990101001", "name": "甲新街道", "reason": "民政批复"},
               content_type="application/json")
    assert r.status_code == 200 and Jurisdiction.objects.get(pk=world.street_a.pk).name == "甲新街道"
    r = c.post("/api/v1/grids/adjustments/rename", {"unit_code": "", "name": "空", "reason": "x"},
               content_type="application/json")  # an empty code is a missing field, not a server error
    assert r.status_code == 400 and r.json()["field"] == "unit_code" and r.json()["en"] == "This field is required"
    other = login("district_b")
    r = other.post("/api/v1/grids/adjustments/rename", {"unit_code": "990101001", "name": "乙改", "reason": "x"},
                   content_type="application/json")
    assert r.status_code in (400, 403, 404) and Jurisdiction.objects.get(pk=world.street_a.pk).name == "甲新街道"
    call_command("adjust-division", "rename", "--as", "city_admin", "--unit", "990101001", "--name", "甲一街道",
                 "--reason", "复名")
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == {"code": "990101001", "name": "甲一街道"}
    assert Event.objects.filter(verb="renamed", object_id=str(world.street_a.pk)).count() == 2


def _accident(world, enterprise, *, closed=False):
    from anjian.accidents.choices import InvestigationStatus
    from anjian.accidents.models import Investigation
    from anjian.accidents.services import investigation_open
    from tests.accidents.factories import report

    acc = report(world, enterprise=enterprise)
    if closed:
        investigation_open(actor=world.user("city_admin"), accident=acc, team_leader="王五")
        Investigation.objects.filter(accident=acc).update(status=InvestigationStatus.CLOSED)
    return acc


def test_open_accidents_follow_their_enterprise_through_split_merge_and_reassignment(
        world, django_capture_on_commit_callbacks):
    """Issue 14: like hazards, an accident whose investigation is not closed goes with its
    enterprise (a split, a merger, the city-wide job); a closed one stays where it was counted."""
    from anjian.accidents.models import Accident

    admin = world.user("city_admin")
    # 1. split: 甲区建设集团 (ent_a2) lies in the east part that becomes 甲东街道
    open_a, closed_a = _accident(world, world.ent_a2), _accident(world, world.ent_a2, closed=True)
    was = Accident.objects.get(pk=closed_a.pk).jurisdiction_id
    assert adjustments.split_preview(actor=admin, unit=world.street_a, geometry=EAST, name="甲东街道",
                                     code="990101002").records["accidents"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        a = adjustments.split_commit(actor=admin, unit=world.street_a, geometry=EAST, name="甲东街道",
                                     code="990101002", reason="甲民〔2026〕3号")
    east = Jurisdiction.objects.get(code="990101002")
    job = _run(Adjustment.objects.get(pk=a.pk).job_id)
    assert job.result["accidents"] == 1
    moved = Accident.objects.get(pk=open_a.pk)
    assert (moved.jurisdiction, moved.district) == (east, world.district_a)
    assert Event.objects.filter(verb="reassigned", object_id=str(open_a.pk), content_type__model="accident").exists()
    assert moved.history.order_by("-history_id").first().history_change_reason.startswith("拆分")
    assert Accident.objects.get(pk=closed_a.pk).jurisdiction_id == was  # closed: stays

    # 2. merger: 甲东街道 is absorbed back into 甲一街道; the accident goes with its enterprise
    with django_capture_on_commit_callbacks(execute=True):
        a = adjustments.merge_commit(actor=admin, unit=world.street_a, other=east, reason="甲民〔2026〕5号")
    job = _run(Adjustment.objects.get(pk=a.pk).job_id)
    assert job.result["accidents"] == 1
    assert Accident.objects.get(pk=open_a.pk).jurisdiction_id == world.street_a.pk
    assert Accident.objects.get(pk=closed_a.pk).jurisdiction_id == was

    # 3. the city-wide job: 甲区化工 (ent_a) changes grid; its open accident follows, a closed one stays
    in_grid, closed_grid = _accident(world, world.ent_a), _accident(world, world.ent_a, closed=True)
    assert Accident.objects.get(pk=in_grid.pk).jurisdiction == world.grid_a
    jurisdiction_set_boundary(actor=None, jurisdiction=world.grid_a, geometry=box(114.06, 22.0, 114.1, 22.1))
    west = jurisdiction_create(actor=None, code="990101001002", name="甲一西网格", level=JurisdictionLevel.GRID,
                               parent=world.street_a, geometry=box(114.0, 22.0, 114.06, 22.1))
    with django_capture_on_commit_callbacks(execute=True):
        job = gs.reassign_start(actor=admin)
    job = _run(job.pk)
    assert job.result["accidents"] == 1
    assert Accident.objects.get(pk=in_grid.pk).jurisdiction == west
    assert Accident.objects.get(pk=closed_grid.pk).jurisdiction == world.grid_a


def test_a_merger_moves_the_grants_of_the_retired_street_to_the_absorbing_one(world, client,
                                                                              django_capture_on_commit_callbacks):
    """Issue 14: a grant scoped to the retired street moves to the street that absorbed it (same
    user, role and dates), audited on the user's timeline and in its history; a revoked grant stays."""
    from anjian.accounts.models import Membership, User
    from anjian.accounts.services import membership_revoke

    def reaches(user, unit):
        return Jurisdiction.objects.restrict(User.objects.get(pk=user.pk), "orgs.change").filter(pk=unit.pk).exists()

    admin = world.user("city_admin")
    north = jurisdiction_create(actor=None, code="990101002", name="甲二街道", level=JurisdictionLevel.STREET,
                                parent=world.district_a, geometry=box(114.0, 22.2, 114.2, 22.4))
    office = user_create(actor=None, username="north_office", password=PASSWORD, display_name="甲二街道安办",
                         must_change_password=False)
    role = Role.objects.get(code="district_admin")
    grant = membership_grant(actor=None, user=office, role=role, jurisdiction=north,
                             valid_until=dt.date(2027, 12, 31))
    old = membership_grant(actor=None, user=office, role=Role.objects.get(code="street_office"), jurisdiction=north)
    membership_revoke(actor=None, membership=old)
    assert not reaches(office, world.street_a)

    preview = adjustments.merge_preview(actor=admin, unit=world.street_a, other=north)
    assert preview.memberships == 1 and any("1 项授权将转到 甲一街道" in w for w in preview.warnings)
    assert Membership.objects.get(pk=grant.pk).jurisdiction == north  # a preview stores nothing
    with django_capture_on_commit_callbacks(execute=True):
        adjustments.merge_commit(actor=admin, unit=world.street_a, other=north, reason="甲民〔2026〕4号")
    grant = Membership.objects.get(pk=grant.pk)
    assert (grant.jurisdiction_id, grant.role, grant.valid_until, grant.is_active) == (
        world.street_a.pk, role, dt.date(2027, 12, 31), True)
    assert Membership.objects.get(pk=old.pk).jurisdiction == Jurisdiction.objects.get(pk=north.pk)  # revoked: stays
    event = Event.objects.get(verb="membership_moved", object_id=str(office.pk))
    assert event.data == {"membership": grant.pk, "from": "990101002", "to": "990101001"} and event.note
    assert grant.history.order_by("-history_id").first().history_change_reason.startswith("合并")
    assert reaches(office, world.street_a)  # they now serve the merged street
    # and log in to the merged street's pages (its boundary editor needs orgs.change there)
    assert client.login(username="north_office", password=PASSWORD)
    assert client.get(f"/orgs/jurisdictions/{world.street_a.pk}/adjust/").status_code == 200
