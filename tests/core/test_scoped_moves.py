"""Moves check their destination; lists of choices, users, routes and audit events stay in scope;
the search-as-you-type endpoint answers within the scope, grouped and sorted."""

from __future__ import annotations

import pytest

from anjian.audit.models import Event
from anjian.core.errors import NotAllowed
from anjian.orgs.models import DepartmentKind, Sector
from anjian.orgs.services import department_create, route_set
from tests.public_reports.helpers import file_report


@pytest.fixture
def bureaus(world):
    """A district-B bureau and street office, outside district A's reach; a district-A street office."""
    b_bureau = department_create(actor=None, name="乙区住房和建设局", kind=DepartmentKind.REGULATOR,
                                 jurisdiction=world.district_b, sectors=Sector.objects.filter(code="E"))
    b_street = department_create(actor=None, name="乙一街道办", kind=DepartmentKind.STREET_OFFICE,
                                 jurisdiction=world.street_b)
    a_street = department_create(actor=None, name="甲一街道办", kind=DepartmentKind.STREET_OFFICE,
                                 jurisdiction=world.street_a)
    route_set(actor=None, sector=Sector.objects.get(code="E"), department=b_bureau, jurisdiction=world.district_b)
    return b_bureau, b_street, a_street


def _accepted_report(world):
    from anjian.public_reports import services as ps

    r, _ = file_report(world)
    ps.report_accept(actor=world.user("city_admin"), report=r)
    r.refresh_from_db()
    return r


def test_dispatch_to_another_districts_department_is_refused_by_the_service(world, bureaus):
    from anjian.public_reports import services as ps

    r = _accepted_report(world)
    before = (r.status, r.department_id, Event.objects.count())
    with pytest.raises(NotAllowed):
        ps.report_dispatch(actor=world.user("district_a"), report=r, department=bureaus[0])
    with pytest.raises(NotAllowed):
        ps.report_dispatch(actor=world.user("district_a"), report=r, jurisdiction=world.street_b)
    r.refresh_from_db()
    assert (r.status, r.department_id, Event.objects.count()) == before
    # inside the district, and the city's own regulators (they serve the district too), it works
    ps.report_dispatch(actor=world.user("district_a"), report=r, department=bureaus[2])
    r.refresh_from_db()
    assert (r.status, r.department) == ("dispatched", bureaus[2])


def test_dispatch_page_refuses_out_of_scope_department_and_changes_nothing(login, world, bureaus):
    r = _accepted_report(world)
    client = login("district_a")
    page = client.get(f"/reports/{r.pk}/").content.decode()
    assert "乙区住房和建设局" not in page
    before = (r.status, r.department_id, Event.objects.count())
    resp = client.post(f"/reports/{r.pk}/dispatch/", {"department": bureaus[0].pk, "note": "x"}, follow=True)
    r.refresh_from_db()
    assert (r.status, r.department_id, Event.objects.count()) == before
    assert "不在您的管辖范围内" in resp.content.decode()
    client.post(f"/reports/{r.pk}/dispatch/", {"department": bureaus[2].pk, "note": "x"})
    r.refresh_from_db()
    assert (r.status, r.department) == ("dispatched", bureaus[2])


def test_hazard_reroute_destination_must_be_in_scope(world, bureaus):
    from anjian.hazards import services as hs

    h = hs.hazard_report(actor=world.user("district_a"), source="patrol", category="消防", description="x",
                         enterprise=world.ent_a2)
    before = (h.jurisdiction_id, h.department_id, Event.objects.count())
    district_a = world.user("district_a")
    with pytest.raises(NotAllowed):
        hs.hazard_reroute(actor=district_a, hazard=h, reason="误派", department=bureaus[0])
    with pytest.raises(NotAllowed):
        hs.hazard_reroute(actor=district_a, hazard=h, reason="误派", jurisdiction=world.street_b)
    h.refresh_from_db()
    assert (h.jurisdiction_id, h.department_id, Event.objects.count()) == before
    hs.hazard_reroute(actor=district_a, hazard=h, reason="实为应急管理局", department=world.ema)
    h.refresh_from_db()
    assert h.department == world.ema


def test_reroute_api_returns_202_when_the_hazard_leaves_the_scope(client, world, bureaus):
    from anjian.accounts.services import token_create
    from anjian.hazards import services as hs

    h = hs.hazard_report(actor=world.user("regulator"), source="patrol", category="消防", description="x",
                         enterprise=world.ent_a)
    raw = token_create(actor=world.user("regulator"), name="t")[1]
    resp = client.post(f"/api/v1/hazards/{h.pk}/reroute", {"reason": "施工单位负责", "department_id": world.housing.pk},
                       content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert resp.status_code in (200, 202)
    if resp.status_code == 202:  # the regulator no longer sees it: no detail leaks
        assert "description" not in resp.json()


def test_hotline_operator_without_registry_access_gets_no_enterprise_list(login, world):
    from anjian.accounts.models import Role
    from anjian.accounts.services import membership_grant, user_create
    from anjian.testing.world import PASSWORD

    user = user_create(actor=None, username="op1", password=PASSWORD, display_name="坐席", must_change_password=False)
    membership_grant(actor=None, user=user, role=Role.objects.get(code="hotline"))
    client = login("anonymous")
    assert client.login(username="op1", password=PASSWORD)
    page = client.get("/reports/hotline/").content.decode()
    assert 'name="enterprise"' not in page and world.ent_a.name not in page
    assert client.get("/lookup/enterprises/?q=甲").status_code == 404
    # a district office keeps the field, searching its own district only
    page = login("district_a").get("/reports/hotline/").status_code
    assert page in (200, 404)


def test_lookup_endpoint_searches_within_scope_grouped_and_sorted(login, world, bureaus):
    client = login("district_a")
    data = client.get("/lookup/enterprises/?q=乙").json()
    assert data["groups"] == []  # 乙区's enterprise starts with 乙 but is outside district A
    data = client.get("/lookup/enterprises/?q=甲区").json()
    names = [i["label"] for g in data["groups"] for i in g["items"]]
    assert set(names) == {world.ent_a.name, world.ent_a2.name}
    for group in data["groups"]:  # each under its place, sorted by name
        assert [i["label"] for i in group["items"]] == sorted(i["label"] for i in group["items"])
        assert group["label"]
    assert client.get("/lookup/enterprises/?q=" + world.ent_b.name).json()["groups"] == []
    depts = client.get("/lookup/orgs.departments@public_reports.triage/").json()
    labels = [g["label"] for g in depts["groups"]]
    items = [i["label"] for g in depts["groups"] for i in g["items"]]
    assert "乙区住房和建设局" not in items and "乙一街道办" not in items
    assert "甲一街道办" in items and world.ema.name in items
    assert labels[0].startswith("示范市") and any(label.startswith("甲一街道") for label in labels)
    assert client.get("/lookup/no.such/").status_code == 404
    assert client.get("/lookup/enterprises@no.such/").status_code == 404
    assert login("anonymous").get("/lookup/enterprises/?q=甲").status_code == 404


def test_users_page_shows_only_memberships_in_the_viewers_scope(login, world):
    from anjian.accounts.models import Role
    from anjian.accounts.services import membership_grant

    # the district-A officer also holds a role in district B: district A's page must not show it
    membership_grant(actor=None, user=world.user("district_a"), role=Role.objects.get(code="leader"),
                     jurisdiction=world.district_b)
    page = login("district_a").get("/accounts/users/")
    if page.status_code == 404:
        pytest.skip("the district role may not list users")
    html = page.content.decode()
    assert world.district_a.name in html and world.district_b.name not in html


def test_route_list_shows_only_routes_that_apply_in_scope(login, world, bureaus):
    html = login("district_a").get("/orgs/departments/").content.decode()
    assert "乙区住房和建设局" not in html
    html = login("city_admin").get("/orgs/departments/").content.decode()
    assert "乙区住房和建设局" in html


def test_audit_search_is_scoped_for_a_district_auditor(client, world, bureaus):
    from anjian.accounts.models import Role
    from anjian.accounts.services import membership_grant, user_create
    from anjian.audit.selectors import events_visible
    from anjian.enterprises.models import Enterprise
    from anjian.testing.world import PASSWORD

    role = Role.objects.create(code="district_audit", name="区审计", actions=["audit.view", "orgs.view"])
    auditor = user_create(actor=None, username="aud", password=PASSWORD, display_name="审计", must_change_password=False)
    membership_grant(actor=None, user=auditor, role=role, jurisdiction=world.district_a)
    seen = events_visible(auditor)
    ct_dept = bureaus[0]._meta
    assert seen.filter(object_id=str(world.district_a.pk), content_type__model="jurisdiction").exists()
    assert not seen.filter(object_id=str(world.district_b.pk), content_type__model="jurisdiction").exists()
    assert not seen.filter(object_id=str(bureaus[0].pk), content_type__model=ct_dept.model_name).exists()
    assert not seen.filter(content_type__model="enterprise").exists()  # the role may not view enterprises
    assert Enterprise.objects.count() == 3
    assert events_visible(world.user("city_admin")).count() == Event.objects.count()
    assert client.login(username="aud", password=PASSWORD)
    html = client.get("/audit/", {"q": "乙区"}).content.decode()
    assert "乙区住房和建设局" not in html
