"""A small, fully known world for tests: one city, two districts, streets, communities and grids
as non-overlapping squares; sectors; departments with routes; enterprises; and the standing
personas. Built only through services, exactly as real data would be."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shapely.geometry import box

from anjian.accounts.models import Role, User
from anjian.accounts.services import membership_grant, roles_ensure_system, user_create
from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import enterprise_create
from anjian.orgs.models import Department, DepartmentKind, Jurisdiction, JurisdictionLevel, Sector
from anjian.orgs.services import department_create, jurisdiction_create, route_set, sectors_load_gb4754

PASSWORD = "Anjian-Test-2026!"  # noqa: S105 - the test personas' password


@dataclass
class World:
    city: Jurisdiction
    district_a: Jurisdiction
    district_b: Jurisdiction
    street_a: Jurisdiction
    street_b: Jurisdiction
    grid_a: Jurisdiction
    grid_b: Jurisdiction
    committee: Department
    ema: Department  # 应急管理局: manufacturing and hazardous chemicals
    housing: Department  # 住建局: construction
    ent_a: Enterprise  # manufacturing, district A
    ent_b: Enterprise  # construction, district B
    ent_a2: Enterprise  # construction, district A
    users: dict[str, User] = field(default_factory=dict)

    def user(self, persona: str) -> User | None:
        return self.users.get(persona)


PERSONAS = ["city_admin", "district_a", "district_b", "regulator", "grid_inspector", "enterprise", "anonymous"]


def _square(x0: float, y0: float, size: float) -> Any:
    return box(x0, y0, x0 + size, y0 + size)


def build_world() -> World:
    sectors_load_gb4754()
    roles_ensure_system()
    city = jurisdiction_create(actor=None, code="990100", name="示范市", level=JurisdictionLevel.CITY, parent=None,
                               geometry=_square(114.0, 22.0, 0.4), is_synthetic=True)
    da = jurisdiction_create(actor=None, code="990101", name="甲区", level=JurisdictionLevel.DISTRICT, parent=city,
                             geometry=box(114.0, 22.0, 114.2, 22.4), is_synthetic=True)
    db = jurisdiction_create(actor=None, code="990102", name="乙区", level=JurisdictionLevel.DISTRICT, parent=city,
                             geometry=box(114.2, 22.0, 114.4, 22.4), is_synthetic=True)
    sa = jurisdiction_create(actor=None, code="990101001", name="甲一街道", level=JurisdictionLevel.STREET, parent=da,
                             geometry=box(114.0, 22.0, 114.2, 22.2), is_synthetic=True)
    sb = jurisdiction_create(actor=None, code="990102001", name="乙一街道", level=JurisdictionLevel.STREET, parent=db,
                             geometry=box(114.2, 22.0, 114.4, 22.2), is_synthetic=True)
    ga = jurisdiction_create(actor=None, code="990101001001", name="甲一网格", level=JurisdictionLevel.GRID, parent=sa,
                             geometry=box(114.0, 22.0, 114.1, 22.1), is_synthetic=True)
    gb = jurisdiction_create(actor=None, code="990102001001", name="乙一网格", level=JurisdictionLevel.GRID, parent=sb,
                             geometry=box(114.2, 22.0, 114.3, 22.1), is_synthetic=True)
    committee = department_create(actor=None, name="示范市安委办", kind=DepartmentKind.COMMITTEE_OFFICE, jurisdiction=city,
                                  doc_abbr="示安委办")
    ema = department_create(actor=None, name="示范市应急管理局", kind=DepartmentKind.REGULATOR, jurisdiction=city,
                            sectors=Sector.objects.filter(code__in=["C", "B"]), doc_abbr="示应急")
    housing = department_create(actor=None, name="示范市住房和建设局", kind=DepartmentKind.REGULATOR, jurisdiction=city,
                                sectors=Sector.objects.filter(code="E"), doc_abbr="示建")
    route_set(actor=None, sector=Sector.objects.get(code="C"), department=ema)
    route_set(actor=None, sector=Sector.objects.get(code="B"), department=ema)
    route_set(actor=None, sector=Sector.objects.get(code="E"), department=housing)
    manufacturing = Sector.objects.get(code="26")
    building = Sector.objects.get(code="47")
    ent_a = enterprise_create(actor=None, data={"name": "甲区化工有限公司", "sector": manufacturing, "lng": 114.05, "lat": 22.05,
                                                "employees": 120, "flags": ["hazardous_chemicals"]})
    ent_b = enterprise_create(actor=None, data={"name": "乙区建筑工程有限公司", "sector": building, "lng": 114.25, "lat": 22.05,
                                                "employees": 300})
    ent_a2 = enterprise_create(actor=None, data={"name": "甲区建设集团", "sector": building, "lng": 114.15, "lat": 22.15,
                                                 "employees": 80})
    world = World(city, da, db, sa, sb, ga, gb, committee, ema, housing, ent_a, ent_b, ent_a2)
    roles = {r.code: r for r in Role.objects.all()}

    def persona(name: str, role: str, **scope: Any) -> None:
        user = user_create(actor=None, username=name, password=PASSWORD, display_name=name, must_change_password=False)
        membership_grant(actor=None, user=user, role=roles[role], **scope)
        world.users[name] = user

    persona("city_admin", "city_admin", jurisdiction=city)
    persona("district_a", "district_office", jurisdiction=da)
    persona("district_b", "district_office", jurisdiction=db)
    persona("regulator", "regulator", department=ema)
    persona("grid_inspector", "grid_inspector", jurisdiction=ga)
    persona("enterprise", "enterprise", enterprise=ent_a)
    persona("hotline", "hotline")  # an intake grant: only the reports and accidents it entered
    persona("hotline_lead", "hotline_supervisor", jurisdiction=city)  # looks further, giving a reason
    membership_grant(actor=None, user=world.users["hotline_lead"], role=roles["hotline"])
    return world
