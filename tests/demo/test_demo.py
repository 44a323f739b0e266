"""The synthetic demo city: deterministic, exact geometry, valid codes, a login per role."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from shapely.geometry import shape

from anjian.accounts.models import Membership, User
from anjian.accounts.services import SYSTEM_ROLES
from anjian.demo.generator import CITY_CODE, DEMO_PASSWORD, demo_logins
from anjian.enterprises.models import Enterprise, Licence
from anjian.inbox.models import DueItem
from anjian.orgs.models import Department, Jurisdiction, SectorRoute
from anjian.orgs.services import locate_jurisdiction_ids
from anjian.rules.uscc import validate_uscc
from anjian.training.models import PersonCertificate

ROOT = Path(__file__).resolve().parents[2]


def build(*extra: str) -> str:
    out = io.StringIO()
    call_command("demo", "--scale", "small", "--seed", "7", *extra, stdout=out)
    return out.getvalue()


def signature() -> dict:
    first = Enterprise.objects.filter(is_synthetic=True).order_by("id").first()
    last = Enterprise.objects.filter(is_synthetic=True).order_by("-id").first()
    return {
        "levels": {lvl: Jurisdiction.objects.filter(level=lvl).count() for lvl in range(1, 6)},
        "enterprises": Enterprise.objects.count(),
        "first": (first.name, first.credit_code, round(first.lng, 9), round(first.lat, 9)),
        "last": (last.name, last.credit_code, last.sector.code, last.jurisdiction.code),
        "red": Enterprise.objects.filter(risk_colour="red").count(),
        "grid_names": list(Jurisdiction.objects.filter(level=5).order_by("code").values_list("name", flat=True)[:5]),
        "departments": Department.objects.count(),
        "routes": SectorRoute.objects.count(),
        "licences": Licence.objects.count(),
        "users": sorted(User.objects.values_list("username", flat=True)),
        "activity": activity_signature(),
    }


def activity_signature() -> dict:
    """The year of activity (anjian/demo/activity.py), without the ids and the times the services stamp."""
    from anjian.accidents.models import Accident
    from anjian.grids.models import PatrolRecord, PatrolTask
    from anjian.hazards.models import Hazard
    from anjian.monitoring.models import Alarm, Reading
    from anjian.public_reports.models import Report

    return {
        "hazards": list(Hazard.objects.order_by("id").values_list(
            "source", "level", "status", "category", "enterprise__credit_code", "jurisdiction__code", "risk_score")),
        "reports": list(Report.objects.order_by("id").values_list("channel", "report_type", "status",
                                                                  "jurisdiction__code", "description")),
        "accidents": list(Accident.objects.order_by("id").values_list("category", "type_code", "deaths",
                                                                      "serious_injuries", "direct_loss_yuan",
                                                                      "district__code", "unit_name")),
        "patrols": (PatrolTask.objects.count(), list(PatrolRecord.objects.order_by("id").values_list(
            "enterprise__credit_code", "far_from_site", "hazard_count"))),
        "readings": Reading.objects.count(),
        "alarms": list(Alarm.objects.order_by("id").values_list("sensor__code", "kind", "status")),
    }


@pytest.fixture(scope="module")
def _built_once(django_db_setup, django_db_blocker):
    """One small city for the read-only tests of this module, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        build()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo_city(_built_once, db):
    return Jurisdiction.objects.get(code=CITY_CODE)


def test_everything_is_labelled_synthetic(demo_city):
    assert demo_city.name == "示范市"
    assert Jurisdiction.objects.filter(is_synthetic=False).count() == 0
    assert Enterprise.objects.filter(is_synthetic=False).count() == 0
    assert set(Jurisdiction.objects.values_list("code", flat=True)) == {
        c for c in Jurisdiction.objects.values_list("code", flat=True) if c.startswith("99")
    }
    assert list(Jurisdiction.objects.filter(level=2).order_by("code").values_list("name", flat=True)) == [
        "演示一区", "演示二区"]


def test_children_tile_their_parent_exactly(demo_city):
    geoms = {j.pk: shape(json.loads(j.boundary)) for j in Jurisdiction.objects.all()}
    parents = Jurisdiction.objects.filter(level__lt=5)
    assert parents.count() == 15
    for parent in parents:
        children = [geoms[pk] for pk in Jurisdiction.objects.filter(parent=parent).values_list("pk", flat=True)]
        assert children, parent.name
        assert all(c.is_valid for c in children)
        union = shapely.union_all(children)
        assert abs(union.area - geoms[parent.pk].area) < 1e-9, parent.name
        assert union.symmetric_difference(geoms[parent.pk]).area < 1e-9, parent.name
        assert abs(sum(c.area for c in children) - geoms[parent.pk].area) < 1e-9, parent.name
        for a, b in itertools.combinations(children, 2):
            assert a.intersection(b).area <= 1e-12, parent.name


def test_every_enterprise_lies_inside_its_grid(demo_city):
    rows = list(Enterprise.objects.values_list("lng", "lat", "jurisdiction_id", "jurisdiction__boundary",
                                               "jurisdiction__level"))
    assert len(rows) == 1000
    assert {r[4] for r in rows} == {5}
    for lng, lat, _jid, boundary, _lvl in rows:
        assert shapely.contains_xy(shape(json.loads(boundary)), lng, lat)
    # The platform's own point-in-polygon assignment agrees with the generator.
    assert locate_jurisdiction_ids([(r[0], r[1]) for r in rows]) == [r[2] for r in rows]
    # Departments follow the routing table: construction → 住建局, chemicals → 应急管理局.
    assert set(Enterprise.objects.filter(sector__code="47").values_list("department__name", flat=True)) == {
        "示范市住房和建设局"}
    assert set(Enterprise.objects.filter(sector__code="26").values_list("department__name", flat=True)) == {
        "示范市应急管理局"}
    assert set(Enterprise.objects.filter(sector__code="45").values_list("department__name", flat=True)) <= {
        "示范市住房和建设局"}


def test_credit_codes_are_valid_and_unique(demo_city):
    codes = list(Enterprise.objects.values_list("credit_code", flat=True))
    assert len(codes) == 1000
    assert len(set(codes)) == 1000
    for code in codes:
        assert validate_uscc(code, check_org_code=True) == code


def test_risk_colour_comes_with_its_explanation(demo_city):
    chem = Enterprise.objects.get(name="示范市安达化工有限公司")
    # The risk engine recomputes on every hazard change: orange sector (60) + hazardous chemicals (15)
    # + confined space (10) + the open 重大 hazard under 挂牌督办 (30) = 115: red.
    zh = [line["zh"] for line in chem.risk_explanation]
    assert chem.risk_colour == "red"
    assert zh[0] == "行业固有风险为橙色（较大风险）：60 分（行业 26 的本地配置）"
    assert {"涉及有限空间作业：+10 分", "涉及危险化学品：+15 分", "未整改重大事故隐患 1 项：+30 分"} <= set(zh)
    for ent in Enterprise.objects.all()[:200]:
        assert ent.risk_explanation[0]["zh"].startswith("行业固有风险为")
        assert any(line["zh"].startswith("合计") for line in ent.risk_explanation)


def test_every_role_has_a_working_login(demo_city, client):
    logins = demo_logins()
    held = set(Membership.objects.filter(is_active=True).values_list("role__code", flat=True))
    assert held == {r["code"] for r in SYSTEM_ROLES}
    assert [login.username for login in logins] == [
        "admin", "city_office", "district1", "district2", "district1_admin", "street", "regulator", "grid", "enterprise", "custody",
        "hotline", "hotline_lead", "leader"]
    assert Membership.objects.filter(user__username="custody", role__code="custody", is_active=True).count() == 3
    assert not User.objects.filter(must_change_password=True).exists()
    for login in logins:
        client.logout()
        assert client.login(username=login.username, password=DEMO_PASSWORD), login.username
        home = client.get("/", follow=True)  # a leader's home is the cockpit (a redirect)
        assert home.status_code == 200, login.username
        assert home.redirect_chain in ([], [("/cockpit/", 302)]), (login.username, home.redirect_chain)


def test_licences_expiring_soon_open_to_do_items(demo_city):
    # the enterprises' own licences; the people's certificates (training) are licences too
    licences = Licence.objects.exclude(pk__in=PersonCertificate.objects.values("licence_id"))
    soon = licences.filter(valid_until__lte=timezone.localdate() + dt.timedelta(days=30))
    assert soon.count() == 6  # every fourth of the 22 licences
    assert DueItem.objects.filter(kind="enterprises.licence_expiry").count() == Licence.objects.count()
    assert licences.count() == 22
    assert licences.filter(enterprise__name="示范市安达化工有限公司").count() == 1


def test_if_empty_is_idempotent(demo_city):
    before = signature()
    out = build("--if-empty")
    assert "已存在" in out
    assert signature() == before
    with pytest.raises(CommandError):
        build()
    assert signature() == before


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "anjian", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_backup_writes_a_readable_sqlite_copy(tmp_path):
    source = tmp_path / "live.sqlite3"
    with sqlite3.connect(source) as db:
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
        db.executemany("INSERT INTO t (name) VALUES (?)", [(f"行{i}",) for i in range(500)])
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{source}", "ANJIAN_DATA_DIR": str(tmp_path / "data"),
           "ANJIAN_TESTING": "1"}
    target = tmp_path / "backups" / "copy.sqlite3"
    result = _run(["backup", str(target)], env)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*), max(name) FROM t").fetchone() == (500, "行99")
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert not (tmp_path / "backups" / "copy.sqlite3.partial").exists()
    refused = _run(["backup", str(source)], env)
    assert refused.returncode == 1 and "不能是数据库本身" in refused.stderr


def test_backup_on_postgresql_names_pg_dump_and_fails(tmp_path):
    env = {**os.environ, "DATABASE_URL": "postgres://anjian@db.example:5433/anjian",
           "ANJIAN_DATA_DIR": str(tmp_path), "ANJIAN_TESTING": "1"}
    result = _run(["backup", str(tmp_path / "x.dump")], env)
    assert result.returncode == 1
    assert f"pg_dump -Fc -h db.example -p 5433 -U anjian anjian > {tmp_path / 'x.dump'}" in result.stderr
    assert not (tmp_path / "x.dump").exists()


def test_every_demo_login_sees_its_own_scope(demo_city):
    """Each demo persona lands on real data: the district offices see exactly their district."""
    from anjian.accounts.models import User
    from anjian.enterprises.models import Enterprise
    from anjian.orgs.models import Jurisdiction, JurisdictionLevel

    districts = list(Jurisdiction.objects.filter(level=JurisdictionLevel.DISTRICT).order_by("code")[:2])
    for username, district in (("district1", districts[0]), ("district2", districts[1])):
        user = User.objects.get(username=username)
        mine = Enterprise.objects.restrict(user, "enterprises.view")
        expected = Enterprise.objects.filter(jurisdiction__path__startswith=district.path)
        assert expected.count() > 0
        assert set(mine.values_list("pk", flat=True)) == set(expected.values_list("pk", flat=True))
    total = Enterprise.objects.count()
    for username in ("admin", "city_office", "leader"):
        assert Enterprise.objects.restrict(User.objects.get(username=username), "enterprises.view").count() == total
    for username in ("street", "regulator", "grid", "enterprise", "custody"):
        assert 0 < Enterprise.objects.restrict(User.objects.get(username=username), "enterprises.view").count() < total


def test_the_committee_year_is_in_the_demo(demo_city):
    """Letters signed and overdue, a mid-year assessment with ranking, two meetings with minutes and
    decisions being chased, an instruction split three ways with one late, a notice, an interview
    (anjian/demo/committee.py, built through the services)."""
    from anjian.committee.models import Case, CaseSource, Interview, Meeting, Notice, Task, TaskStatus
    from anjian.responsibility.models import Letter, LetterStatus, Result

    letters = Letter.objects.all()
    assert letters.filter(status=LetterStatus.ACKNOWLEDGED).exists()
    assert any(lt.is_overdue for lt in letters)
    # an enterprise's post letters (企业→岗位): two holders signed with their scans, two waiting
    posts = letters.filter(template__level="enterprise_post")
    assert posts.count() == 4 and posts.filter(status=LetterStatus.ACKNOWLEDGED, ack_method="scan").count() == 2
    results = Result.objects.filter(round__stage="mid", round__scheme__subjects="district").order_by("rank")
    assert results.count() >= 2 and results.first().rank == 1
    assert Meeting.objects.filter(status="minuted").count() == 2
    assert Case.objects.filter(source=CaseSource.DECISION).count() >= 3
    assert Task.objects.filter(case__source=CaseSource.DECISION).exclude(status=TaskStatus.CLOSED).exists()
    instruction = Case.objects.get(source=CaseSource.INSTRUCTION)
    assert instruction.tasks.count() == 3 and instruction.tasks.filter(escalated=True).count() == 1
    assert Notice.objects.filter(case=instruction).exists() and Interview.objects.exists()


def test_funds_and_training_demo_has_their_files_catalogue_and_departments(demo_city):
    """Vouchers, visit evidence and activity photos as attachments; sessions opened from catalogue
    courses with trainers; a government session held for a regulator (anjian/demo/funds_training.py)."""
    from anjian.documents.models import Attachment
    from anjian.training.models import Course, Trainer, TrainingSession

    roles = set(Attachment.objects.values_list("role", flat=True))
    assert {"voucher", "evidence", "publicity"} <= roles
    assert Course.objects.count() >= 4 and Trainer.objects.count() >= 3
    assert TrainingSession.objects.filter(course__isnull=False, teacher__isnull=False).count() >= 4
    assert TrainingSession.objects.filter(department__isnull=False).exists()
