"""Control targets split to the sector regulators (行业监管部门): manual and proportional splits,
progress from the accidents routed to each department, warnings in the department's inbox, the
page's department section, the API, and who may see and change what."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from anjian.accidents.models import ControlTarget
from anjian.accidents.targets import target_progress, target_set, target_split, targets_warn
from anjian.core.errors import DomainError, NotAllowed
from anjian.inbox.models import DueItem, DueState
from anjian.testing.matrix import Route, check_matrix

from .factories import at, report, when

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_target(world):
    return target_set(actor=world.user("city_admin"), year=2026, jurisdiction=world.city, metric="deaths", quota=10)


def _quotas():
    return sorted(ControlTarget.objects.values_list("pk", "quota", "department_id"))


def test_proportional_split_to_departments(world, history, city_target):
    shares = target_split(actor=world.user("city_admin"), target=city_target, to="departments")
    # only the city's regulators (not the committee office), ordered by name: 住建局, 应急管理局.
    # 10 × 1/4 = 2.5 and 10 × 3/4 = 7.5 → largest remainder, the tie to the first
    assert [(t.department, t.quota, t.parent_id, t.jurisdiction) for t in shares] == [
        (world.housing, 3, city_target.pk, world.city), (world.ema, 7, city_target.pk, world.city)]
    assert sum(t.quota for t in shares) == city_target.quota
    # the district split still works beside it, and a department's target is not split further
    target_split(actor=world.user("city_admin"), target=city_target)
    assert ControlTarget.objects.filter(parent=city_target).count() == 4
    with pytest.raises(DomainError):
        target_split(actor=world.user("city_admin"), target=shares[0], to="departments")


def test_manual_split_to_departments_must_add_up(world, history, city_target):
    admin = world.user("city_admin")
    before = _quotas()
    with pytest.raises(DomainError) as wrong_sum:
        target_split(actor=admin, target=city_target, to="departments",
                     manual={world.ema.pk: 6, world.housing.pk: 3})
    assert wrong_sum.value.en == "The shares must add up to the quota"
    with pytest.raises(DomainError):  # a department that is not one of the city's regulators
        target_split(actor=admin, target=city_target, to="departments",
                     manual={world.ema.pk: 6, world.committee.pk: 4})
    with pytest.raises(DomainError):
        target_split(actor=admin, target=city_target, to="sectors")
    assert _quotas() == before
    shares = target_split(actor=admin, target=city_target, to="departments",
                          manual={world.ema.pk: 6, world.housing.pk: 4})
    assert {t.department: t.quota for t in shares} == {world.ema: 6, world.housing: 4}
    assert all(t.note == "手工分解到部门" for t in shares)
    # splitting again updates the same rows (one target per year, department, category, metric)
    target_split(actor=admin, target=city_target, to="departments", manual={world.ema.pk: 5, world.housing.pk: 5})
    assert ControlTarget.objects.filter(department__isnull=False).count() == 2
    assert ControlTarget.history.filter(department=world.ema).latest("history_id").history_change_reason == "调整控制指标"


def test_department_must_be_a_regulator_of_the_area(world):
    admin = world.user("city_admin")
    with pytest.raises(DomainError):  # 应急管理局 belongs to the city, not district A
        target_set(actor=admin, year=2026, jurisdiction=world.district_a, department=world.ema, metric="deaths", quota=2)
    with pytest.raises(DomainError):  # the committee office is not a sector regulator
        target_set(actor=admin, year=2026, jurisdiction=world.city, department=world.committee, metric="deaths", quota=2)
    assert ControlTarget.objects.count() == 0
    # an area target and a department target of the same area, year, category and metric coexist
    target_set(actor=admin, year=2026, jurisdiction=world.city, metric="deaths", quota=9)
    target_set(actor=admin, year=2026, jurisdiction=world.city, department=world.ema, metric="deaths", quota=4)
    assert ControlTarget.objects.count() == 2


def test_department_progress_counts_its_routed_accidents(world, history, city_target):
    admin = world.user("city_admin")
    target_split(actor=admin, target=city_target, to="departments", manual={world.ema.pk: 2, world.housing.pk: 8})
    # a 2026 construction accident in district A is routed to 住建局 and counts there only
    with time_machine.travel(at(2026, 6, 1), tick=False):
        report(world, enterprise=world.ent_a2, type_code="09", **when(2026, 3, 5), deaths=1)
    day = dt.date(2026, 3, 31)
    rows = {r["target"].department: r for r in target_progress(user=admin, year=2026, day=day)}
    assert (rows[world.ema]["actual"], rows[world.ema]["status"], rows[world.ema]["percent"]) == (2, "red", 100)
    assert (rows[world.housing]["actual"], rows[world.housing]["status"]) == (1, "green")
    assert (rows[None]["actual"], rows[None]["target"].jurisdiction) == (3, world.city)  # the city counts all
    # until= cuts the year at a day (the monthly report's month end)
    early = {r["target"].department: r["actual"] for r in
             target_progress(user=admin, year=2026, day=dt.date(2026, 2, 28), until=dt.date(2026, 2, 28))}
    assert (early[world.ema], early[world.housing]) == (2, 0)


def test_warning_goes_to_the_departments_inbox(world, history, city_target):
    admin = world.user("city_admin")
    target_split(actor=admin, target=city_target, to="departments", manual={world.ema.pk: 2, world.housing.pk: 8})
    with time_machine.travel(at(2026, 3, 31, 8), tick=False):
        assert targets_warn(day=dt.date(2026, 3, 31)) == 1
    item = DueItem.objects.get(kind="accidents.target_warning")
    assert (item.owner_department, item.owner_jurisdiction, item.state) == (world.ema, None, DueState.OPEN)
    assert item.title == "红色预警：示范市应急管理局死亡人数已达2（控制数2）"
    warnings = DueItem.objects.filter(kind="accidents.target_warning")
    assert list(warnings.restrict(world.user("regulator"), "inbox.view")) == [item]
    assert not warnings.restrict(world.user("district_b"), "inbox.view").exists()
    # raising the department's quota closes its warning on the next run
    target_set(actor=admin, year=2026, jurisdiction=world.city, department=world.ema, metric="deaths", quota=20)
    with time_machine.travel(at(2026, 4, 1, 8), tick=False):
        assert targets_warn(day=dt.date(2026, 4, 1)) == 0
    item.refresh_from_db()
    assert item.state == DueState.CANCELLED  # withdrawn: the warning no longer applies


def test_the_department_acknowledges_its_warning_from_the_targets_page(world, history, city_target, client):
    """The warned regulator completes its to-do (知悉并部署, with the measures) from the page its
    item links to; the same colour does not warn again; district B may not acknowledge it."""
    admin = world.user("city_admin")
    target_split(actor=admin, target=city_target, to="departments", manual={world.ema.pk: 2, world.housing.pk: 8})
    with time_machine.travel(at(2026, 3, 31, 8), tick=False):
        targets_warn(day=dt.date(2026, 3, 31))
    item = DueItem.objects.get(kind="accidents.target_warning")
    from anjian.testing.world import PASSWORD

    assert client.login(username="district_b", password=PASSWORD)
    client.post(f"/accidents/targets/{item.object_id}/acknowledge/", {"note": "x"})
    item.refresh_from_db()
    assert item.state == DueState.OPEN
    assert client.login(username="regulator", password=PASSWORD)
    page = client.get(item.url).content.decode()
    assert "知悉并部署" in page and item.title in page
    client.post(f"/accidents/targets/{item.object_id}/acknowledge/", {"note": ""})
    item.refresh_from_db()
    assert item.state == DueState.OPEN  # the measures are required
    client.post(f"/accidents/targets/{item.object_id}/acknowledge/", {"note": "已约谈重点企业，开展专项检查"})
    item.refresh_from_db()
    assert item.state == DueState.DONE
    with time_machine.travel(at(2026, 4, 1, 8), tick=False):
        targets_warn(day=dt.date(2026, 4, 1))
    assert DueItem.objects.filter(kind="accidents.target_warning", state=DueState.OPEN).count() == 0


def test_a_department_sees_its_own_target_only(world, history, city_target):
    admin = world.user("city_admin")
    target_split(actor=admin, target=city_target, to="departments")
    target_split(actor=admin, target=city_target)
    seen = [r["target"] for r in target_progress(user=world.user("regulator"), year=2026, day=dt.date(2026, 3, 31))]
    assert [(t.department, t.quota) for t in seen] == [(world.ema, 7)]
    district_b = [r["target"] for r in target_progress(user=world.user("district_b"), year=2026)]
    assert [(t.jurisdiction, t.department) for t in district_b] == [(world.district_b, None)]


def test_district_b_and_the_regulator_cannot_change_department_targets(login, world, history, city_target):
    admin = world.user("city_admin")
    ema_target = target_split(actor=admin, target=city_target, to="departments")[1]
    before = _quotas()
    with pytest.raises(NotAllowed):
        target_set(actor=world.user("district_b"), year=2026, jurisdiction=world.city, department=world.ema,
                   metric="deaths", quota=1)
    with pytest.raises(NotAllowed):
        target_split(actor=world.user("district_b"), target=city_target, to="departments")
    assert _quotas() == before
    routes = [
        Route("POST", "/accidents/targets/?year=2026",
              data={"op": "set", "year": "2026", "department": world.ema.pk, "metric": "deaths", "quota": "1"},
              allow={"city_admin"}, ok=302),
        Route("POST", "/accidents/targets/?year=2026", data={"op": "split", "to": "departments", "target": city_target.pk},
              allow={"city_admin"}, ok=302),
        Route("POST", "/api/v1/accidents/targets/", content_type="application/json",
              data=json.dumps({"year": 2026, "metric": "deaths", "quota": 1, "department_id": world.ema.pk}),
              allow={"city_admin"}, ok=201),
        Route("POST", f"/api/v1/accidents/targets/{city_target.pk}/split", content_type="application/json",
              data=json.dumps({"to": "departments", "manual": {str(world.ema.pk): 9, str(world.housing.pk): 1}}),
              allow={"city_admin"}, ok=201),
    ]
    assert check_matrix(login, routes, personas=["district_b", "regulator", "district_a", "enterprise",
                                                 "grid_inspector"]) == []
    assert _quotas() == before  # denied requests changed nothing, not even a quota
    assert check_matrix(login, routes, personas=["city_admin"]) == []
    ema_target.refresh_from_db()
    assert ema_target.quota == 9


def test_page_shows_the_department_section(login, world, history, city_target):
    admin = world.user("city_admin")
    target_split(actor=admin, target=city_target, to="departments", manual={world.ema.pk: 2, world.housing.pk: 8})
    with time_machine.travel(at(2026, 3, 31, 8), tick=False):
        html = login("city_admin").get("/accidents/targets/?year=2026").content.decode()
        assert 'data-testid="department-targets"' in html
        section = html.split('data-testid="department-targets"')[1]
        assert "示范市应急管理局" in section and 'data-status="red"' in section
        assert "示范市住房和建设局" in section and 'data-status="green"' in section
        assert "按上年比例分解到部门" in html
        own = login("regulator").get("/accidents/targets/?year=2026").content.decode()
    section = own.split('data-testid="department-targets"')[1]
    assert "示范市应急管理局" in section and "示范市住房和建设局" not in section
    assert "按上年比例分解到部门" not in own and "下达/调整控制指标" not in own
    assert "区域指标" not in own  # the area section is left out when the user can see no area target


def test_api_progress_and_errors(login, world, history, city_target):
    client = login("city_admin")
    created = client.post(f"/api/v1/accidents/targets/{city_target.pk}/split", json.dumps({"to": "departments"}),
                          content_type="application/json")
    assert created.status_code == 201
    assert sorted((r["department"], r["quota"]) for r in created.json()) == [
        ("示范市住房和建设局", 3), ("示范市应急管理局", 7)]
    with time_machine.travel(at(2026, 3, 31, 8), tick=False):
        rows = client.get("/api/v1/accidents/targets/?year=2026").json()
    ema = next(r for r in rows if r["department_id"] == world.ema.pk)
    assert (ema["actual"], ema["status"], ema["parent_id"], ema["jurisdiction_code"]) == (2, "amber", city_target.pk,
                                                                                          world.city.code)
    before = _quotas()
    bad = client.post(f"/api/v1/accidents/targets/{city_target.pk}/split",
                      json.dumps({"to": "departments", "manual": {str(world.ema.pk): 1}}), content_type="application/json")
    assert bad.status_code == 400
    assert (bad.json()["zh"], bad.json()["en"]) == ("分解数之和须等于控制数", "The shares must add up to the quota")
    wrong = client.post("/api/v1/accidents/targets/", json.dumps(
        {"year": 2026, "metric": "deaths", "quota": 3, "department_id": world.committee.pk}), content_type="application/json")
    assert wrong.status_code == 400 and wrong.json()["field"] == "department"
    assert _quotas() == before
    regulator_rows = login("regulator").get("/api/v1/accidents/targets/?year=2026").json()
    assert [r["department_id"] for r in regulator_rows] == [world.ema.pk]
