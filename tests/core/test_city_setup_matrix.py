"""The authorization matrix of every route issue 14 added: the first-run page, user
administration and import, who-can-see pages, boundary imports, departments, routes and duties,
the settings pages and their API, the 行政区划调整 (split, merge) pages and API — each persona's status, and every denied POST changes
nothing (``anjian.testing.matrix``). A district administrator (``dadmin_a``, 区系统管理员 of 甲区)
joins the standing personas."""

from __future__ import annotations

import json
from typing import Any

import pytest
from shapely.geometry import box

from anjian.accounts.models import Membership, Role, User
from anjian.accounts.services import membership_grant, user_create
from anjian.orgs import services as orgs
from anjian.orgs.models import DepartmentKind, JurisdictionLevel
from anjian.testing.matrix import PERSONAS, Route, check_matrix
from anjian.testing.world import PASSWORD

pytestmark = pytest.mark.django_db

ALL = [*PERSONAS, "dadmin_a"]
JSON = "application/json"


def _square_geojson() -> bytes:
    ring = [[114.15, 22.15], [114.19, 22.15], [114.19, 22.19], [114.15, 22.19], [114.15, 22.15]]
    return json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"code": "990101001002", "name": "甲一社区"},
        "geometry": {"type": "Polygon", "coordinates": [ring]}}]}, ensure_ascii=False).encode()


@pytest.fixture
def setting(world):
    roles = {r.code: r for r in Role.objects.all()}
    admin = user_create(actor=None, username="dadmin_a", password=PASSWORD, must_change_password=False)
    for code in ("district_admin", "district_office", "street_office"):
        membership_grant(actor=None, user=admin, role=roles[code], jurisdiction=world.district_a)
    clerk = user_create(actor=None, username="clerk_a", password=PASSWORD, must_change_password=False)
    grant = membership_grant(actor=None, user=clerk, role=roles["street_office"], jurisdiction=world.street_a)
    dept_a = orgs.department_create(actor=None, name="甲区应急管理局", kind=DepartmentKind.REGULATOR,
                                    jurisdiction=world.district_a)
    batch = orgs.boundary_import_preview(
        actor=world.user("city_admin"), data=_square_geojson(), filename="community.geojson",
        level=JurisdictionLevel.COMMUNITY, parent=world.street_a, crs="wgs84", code_column="code", name_column="name")
    north = orgs.jurisdiction_create(actor=None, code="990101002", name="甲二街道", level=JurisdictionLevel.STREET,
                                     parent=world.district_a, geometry=box(114.0, 22.2, 114.2, 22.4))
    return {"clerk": clerk, "grant": grant, "dept_a": dept_a, "batch": batch, "roles": roles, "admin": admin,
            "north": north}


def _table(world: Any, s: dict[str, Any], persona: str) -> list[tuple[str, str, dict[str, Any], dict[str, int], str | None]]:
    """(method, url, data, {persona: expected status}, content type); absent personas are denied."""
    clerk, dept, batch = s["clerk"].pk, s["dept_a"].pk, s["batch"].pk
    viewers = {"city_admin": 200, "district_a": 200, "district_b": 200, "dadmin_a": 200}
    managers = {"city_admin": 200, "dadmin_a": 200}
    org_view = dict.fromkeys(("city_admin", "district_a", "district_b", "regulator", "dadmin_a"), 200)
    offices = {"city_admin": 200, "district_a": 200, "district_b": 200, "dadmin_a": 200}  # 区安委办 roles

    def ok(table: dict[str, int], status: int) -> dict[str, int]:
        return dict.fromkeys(table, status)

    return [
        # first run: a city exists, so the page is gone for everybody
        ("GET", "/setup/", {}, {}, None),
        ("POST", "/setup/", {"city_name": "x", "city_code": "440300"}, {}, None),
        # users
        ("GET", "/accounts/users/", {}, viewers, None),
        ("GET", "/accounts/users/new/", {}, managers, None),
        ("POST", "/accounts/users/new/", {"username": f"new_{persona}", "display_name": "新人"}, ok(managers, 302), None),
        ("GET", f"/accounts/users/{clerk}/", {}, {"city_admin": 200, "district_a": 200, "dadmin_a": 200}, None),
        ("POST", f"/accounts/users/{clerk}/edit/", {"display_name": f"科员{persona}"}, ok(managers, 302), None),
        ("POST", f"/accounts/users/{clerk}/grant/", {"role": s["roles"]["grid_inspector"].pk,
                                                     "jurisdiction": world.grid_a.pk}, ok(managers, 302), None),
        ("POST", f"/accounts/users/{clerk}/reset/", {}, ok(managers, 302), None),
        ("POST", f"/accounts/users/{clerk}/link/", {}, ok(managers, 302), None),
        ("POST", f"/accounts/users/{clerk}/active/", {"active": "1"}, ok(managers, 302), None),
        ("POST", f"/accounts/users/{clerk}/revoke/{s['grant'].pk}/", {}, ok(managers, 302), None),
        ("GET", "/accounts/users/import/", {}, managers, None),
        ("GET", "/accounts/users/import/template/", {}, managers, None),
        ("POST", "/accounts/users/import/", {}, managers, None),  # no file: the form again
        ("GET", f"/accounts/access/jurisdictions/{world.street_a.pk}/", {},
         {"city_admin": 200, "district_a": 200, "dadmin_a": 200}, None),
        ("GET", f"/accounts/access/departments/{dept}/", {}, {"city_admin": 200, "district_a": 200, "dadmin_a": 200}, None),
        # boundaries
        ("GET", "/orgs/boundary-imports/", {}, managers, None),
        ("POST", "/orgs/boundary-imports/", {}, ok(managers, 400), None),
        ("GET", f"/orgs/boundary-imports/{batch}/", {}, managers, None),
        ("GET", f"/orgs/boundary-imports/{batch}/geojson/", {}, managers, None),
        ("POST", f"/orgs/boundary-imports/{batch}/remap/", {"code_column": "code", "name_column": "name"},
         ok(managers, 302), None),
        ("POST", f"/orgs/boundary-imports/{batch}/commit/", {}, ok(managers, 302), None),
        ("POST", f"/orgs/boundary-imports/{batch}/undo/", {}, ok(managers, 302), None),
        ("POST", f"/orgs/boundary-imports/{batch}/discard/", {}, ok(managers, 302), None),
        # departments, routes, duties, coverage
        ("GET", "/orgs/departments/new/", {}, managers, None),
        ("POST", "/orgs/departments/new/", {"name": f"甲区新部门{persona}", "kind": "regulator",
                                            "jurisdiction": world.district_a.code}, ok(managers, 302), None),
        ("GET", f"/orgs/departments/{dept}/", {}, {"city_admin": 200, "district_a": 200, "dadmin_a": 200, "regulator": 200},
         None),
        ("POST", f"/orgs/departments/{dept}/", {"name": "甲区应急管理局", "kind": "regulator",
                                                "jurisdiction": world.district_a.code, "is_active": "on"},
         ok(managers, 302), None),
        ("POST", f"/orgs/departments/{dept}/duty/", {"year": 2026, "text": "负责本区工矿商贸行业安全生产监督管理。"},
         ok(managers, 302), None),
        ("GET", "/orgs/coverage/", {}, org_view, None),
        ("POST", "/orgs/routes/new/", {"sector": "C", "jurisdiction": world.district_a.code, "department": "甲区应急管理局"},
         ok(managers, 302), None),
        ("GET", "/orgs/duties/", {}, org_view, None),
        ("GET", "/orgs/duties/docx/", {}, org_view, None),
        # settings
        ("GET", "/documents/series/", {}, {**offices, "regulator": 200}, None),
        ("POST", "/documents/series/", {"code": f"s-{persona}", "prefix": "甲应急", "name": "通知",
                                        "jurisdiction": world.district_a.pk},
         {"city_admin": 302, "district_a": 302, "district_b": 400, "regulator": 400, "dadmin_a": 302}, None),
        ("GET", "/accidents/figures/", {}, offices, None),
        ("POST", "/accidents/figures/", {"year": 2025, "jurisdiction": world.district_a.pk, "gdp_yi_yuan": "1"},
         {"city_admin": 302, "district_a": 302, "district_b": 400, "dadmin_a": 302}, None),
        ("GET", "/api/v1/accidents/figures/", {}, offices, None),
        ("PUT", "/api/v1/accidents/figures/", json.dumps({"year": 2025, "jurisdiction_code": world.district_a.code,
                                                           "gdp_yi_yuan": 2}),
         {"city_admin": 200, "district_a": 200, "dadmin_a": 200}, JSON),  # district B: 404, nothing changed
        ("GET", "/grids/staff/", {}, offices, None),
        ("POST", "/grids/staff/set/", {"grid": world.grid_a.pk, "username": "grid_inspector", "role": "inspector",
                                       "active": "1"}, ok(offices, 302), None),
        ("POST", "/grids/staff/plan/", {"year": 2027}, ok(offices, 302), None),
        ("PUT", "/api/v1/grids/staff/set", json.dumps({"grid_code": world.grid_a.code, "username": "grid_inspector"}),
         {"city_admin": 200, "district_a": 200, "dadmin_a": 200}, JSON),  # district B: 404, nothing changed
        ("POST", "/api/v1/grids/plans/year", json.dumps({"year": 2027}), ok(offices, 202), JSON),
        # 行政区划调整: split, merge (each persona cuts its own small square out of 甲一街道)
        ("GET", "/grids/adjustments/", {}, managers, None),
        ("GET", f"/grids/adjustments/{world.street_a.pk}/split/", {}, managers, None),
        ("GET", f"/grids/adjustments/{world.street_a.pk}/geojson/", {}, managers, None),
        ("POST", f"/grids/adjustments/{world.street_a.pk}/split/", {**_split(persona), "preview": "1"}, managers, None),
        ("POST", "/api/v1/grids/adjustments/split/preview", json.dumps(_split_api(persona)), managers, JSON),  # before the commit below cuts the square out
        ("POST", f"/grids/adjustments/{world.street_a.pk}/split/", {**_split(persona), "commit": "1"},
         ok(managers, 302), None),
        ("GET", f"/grids/adjustments/{world.street_a.pk}/merge/", {}, managers, None),
        ("POST", f"/grids/adjustments/{world.street_a.pk}/merge/", {"other": s["north"].pk, "reason": "x", "preview": "1"},
         managers, None),
        ("POST", "/api/v1/grids/adjustments/merge/preview",
         json.dumps({"unit_code": world.street_a.code, "other_code": s["north"].code}), managers, JSON),
    ]


def _square(persona: str) -> dict[str, Any]:
    x = 114.105 + 0.01 * ALL.index(persona)
    ring = [[x, 22.11], [x + 0.01, 22.11], [x + 0.01, 22.12], [x, 22.12], [x, 22.11]]
    return {"type": "Polygon", "coordinates": [ring]}


def _split(persona: str) -> dict[str, Any]:
    return {"name": f"甲新街道{ALL.index(persona)}", "code": f"990101{100 + ALL.index(persona)}",
            "reason": "批复", "geometry": json.dumps(_square(persona))}


def _split_api(persona: str) -> dict[str, Any]:
    d = _split(persona)
    return {"unit_code": "990101001", "name": d["name"], "code": d["code"], "geometry": _square(persona)}


def test_issue14_routes_matrix(world, setting, login, django_capture_on_commit_callbacks):
    problems: list[str] = []
    for persona in ALL:
        routes = [
            Route(method, url, data=data, allow={persona} if persona in expected else set(),
                  ok=expected.get(persona, 200), content_type=content_type)
            for method, url, data, expected, content_type in _table(world, setting, persona)
        ]
        with django_capture_on_commit_callbacks(execute=True):
            problems += check_matrix(login, routes, personas=[persona])
    assert problems == [], "\n".join(problems)


def test_the_district_administrator_changed_only_its_district(world, setting, login):
    """What the allowed POSTs of ``dadmin_a`` did stayed inside 甲区 (the services checked)."""
    client = login("dadmin_a")
    before = list(Membership.objects.order_by("id").values_list("id", "is_active"))
    client.post(f"/accounts/users/{world.user('district_b').pk}/reset/")
    client.post(f"/accounts/users/{setting['clerk'].pk}/grant/", {"role": setting["roles"]["city_admin"].pk,
                                                                   "jurisdiction": world.district_a.pk})
    assert list(Membership.objects.order_by("id").values_list("id", "is_active")) == before
    assert not User.objects.get(username="district_b").must_change_password
