"""Departments, the sector route table, yearly duties (安全生产职责清单) and the coverage page."""

from __future__ import annotations

import io

import docx
import pytest

from anjian.accounts.models import Role
from anjian.accounts.services import membership_grant, user_create
from anjian.core.errors import NotAllowed
from anjian.orgs import services
from anjian.orgs.models import Department, Duty, Sector, SectorRoute
from anjian.orgs.selectors import routing_coverage

pytestmark = pytest.mark.django_db


def test_duties_are_versioned_per_year_and_post(world):
    admin = world.users["city_admin"]
    services.duty_set(actor=admin, department=world.ema, year=2026, text="负责工矿商贸行业安全生产监督管理。", basis="《安全生产法》第十条")
    services.duty_set(actor=admin, department=world.ema, year=2026, text="负责工矿商贸行业安全生产监督管理；指导应急救援。")
    services.duty_set(actor=admin, department=world.ema, year=2026, post="局长", text="对本部门安全生产工作全面负责。")
    same = services.duty_set(actor=admin, department=world.ema, year=2026, post="局长", text="对本部门安全生产工作全面负责。")
    assert same.version == 1  # publishing the same text again makes no new version
    rows = Duty.objects.filter(department=world.ema, year=2026).order_by("post", "version")
    assert [(d.post, d.version, d.is_current) for d in rows] == [("", 1, False), ("", 2, True), ("局长", 1, True)]
    with pytest.raises(Exception, match="职责内容"):
        services.duty_set(actor=admin, department=world.ema, year=2026, text="  ")


def test_a_district_office_cannot_change_the_city_or_another_district(world):
    admin_a = user_create(actor=None, username="admin_a", password="Chengshi-Anquan-2026", must_change_password=False)
    membership_grant(actor=None, user=admin_a, role=Role.objects.get(code="district_admin"), jurisdiction=world.district_a)
    before = (Department.objects.count(), SectorRoute.objects.count(), Duty.objects.count())
    for attempt in (
        lambda: services.department_create(actor=admin_a, name="乙区某局", kind="regulator", jurisdiction=world.district_b),
        lambda: services.route_set(actor=admin_a, sector=Sector.objects.get(code="C"), department=world.ema),
        lambda: services.route_set(actor=admin_a, sector=Sector.objects.get(code="C"), department=world.ema,
                                   jurisdiction=world.district_a),  # a city department is not theirs to route
        lambda: services.duty_set(actor=admin_a, department=world.ema, year=2026, text="x"),
    ):
        with pytest.raises(NotAllowed):
            attempt()
    assert (Department.objects.count(), SectorRoute.objects.count(), Duty.objects.count()) == before
    dept = services.department_create(actor=admin_a, name="甲区应急管理局", kind="regulator",
                                      jurisdiction=world.district_a, sectors=Sector.objects.filter(code="C"))
    services.route_set(actor=admin_a, sector=Sector.objects.get(code="C"), department=dept, jurisdiction=world.district_a)
    assert services.route_department(Sector.objects.get(code="26"), world.street_a)[0] == dept


def test_coverage_shows_gaps_partial_sections_and_overlaps(world):
    cov = routing_coverage(world.users["city_admin"])
    assert [p.name for p in cov.places] == ["甲区", "乙区"]
    cells = {s.code: c for s, c in cov.rows}
    assert cells["C"][0].department == world.ema and cells["C"][0].status == "covered"
    assert cells["E"][1].department == world.housing
    assert cells["A"][0].status == "gap" and cov.gaps == 2 * 17  # 20 sections, 3 routed (B, C, E)
    services.route_set(actor=None, sector=Sector.objects.get(code="62"), department=world.housing)  # 餐饮业, in H
    h = next(cells for s, cells in routing_coverage(world.users["city_admin"]).rows if s.code == "H")
    assert (h[0].status, h[0].routed_divisions, h[0].divisions) == ("partial", 1, 2)
    services.department_create(actor=None, name="示范市工业和信息化局", kind="regulator", jurisdiction=world.city,
                               sectors=Sector.objects.filter(code="C"))
    overlaps = routing_coverage(world.users["city_admin"]).overlaps
    assert [(o[1].code, sorted(d.name for d in o[2])) for o in overlaps] == [
        ("C", ["示范市工业和信息化局", "示范市应急管理局"])]
    # a district office sees its own district's column only
    assert [p.name for p in routing_coverage(world.users["district_a"]).places] == ["甲区"]


def test_pages(login, world):
    c = login("city_admin")
    r = c.post("/orgs/departments/new/", {"name": "示范市交通运输局", "kind": "regulator", "jurisdiction": world.city.code,
                                         "sectors": [Sector.objects.get(code="G").pk], "is_active": "on"})
    dept = Department.objects.get(name="示范市交通运输局")
    assert r.status_code == 302 and r.url == f"/orgs/departments/{dept.pk}/"
    r = c.post(f"/orgs/departments/{dept.pk}/duty/", {"year": 2026, "text": "负责道路运输安全监管。", "basis": "安全生产法第十条"})
    assert Duty.objects.get(department=dept).text == "负责道路运输安全监管。"
    assert "负责道路运输安全监管" in c.get(f"/orgs/departments/{dept.pk}/?year=2026").content.decode()
    r = c.post("/orgs/routes/new/", {"sector": "G", "department": dept.pk, "note": "分工"}, follow=True)
    assert "路由已设置" in r.content.decode(), [str(m) for m in r.context["messages"]]
    assert services.route_department(Sector.objects.get(code="G"), world.street_a)[0] == dept
    page = c.get("/orgs/coverage/").content.decode()
    assert "示范市交通运输局" in page and "空白" in page
    duties = c.get("/orgs/duties/?year=2026").content.decode()
    assert "负责道路运输安全监管" in duties
    r = c.get("/orgs/duties/docx/?year=2026")
    assert r.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(r.content)).paragraphs)
    assert "2026年度安全生产职责清单" in text and "负责道路运输安全监管" in text and "示范市交通运输局" in text


@pytest.mark.parametrize("persona, view, change", [
    ("city_admin", 200, 200), ("district_a", 200, 404), ("regulator", 200, 404), ("grid_inspector", 404, 404),
    ("enterprise", 404, 404), ("anonymous", 302, 302),
])
def test_authorization_matrix(login, world, persona, view, change):
    c = login(persona)
    assert c.get("/orgs/coverage/").status_code == view
    assert c.get("/orgs/duties/").status_code == view
    assert c.get("/orgs/departments/new/").status_code == change
    before = Duty.objects.count()
    r = c.post(f"/orgs/departments/{world.ema.pk}/duty/", {"year": 2026, "text": "x"})
    assert r.status_code in ((302,) if persona in ("city_admin", "anonymous") else (404,))
    assert Duty.objects.count() == before + (1 if persona == "city_admin" else 0)
