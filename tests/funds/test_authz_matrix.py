"""Personas × the funds pages and API routes; plus the pages render for the people who use them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from anjian.accounts.services import user_create
from anjian.funds import selectors
from anjian.funds import services as fs
from anjian.funds.models import TechKind
from anjian.testing.matrix import PERSONAS, Route, check_matrix

pytestmark = pytest.mark.django_db

STAFF = set(PERSONAS) - {"anonymous"}
VIEW = STAFF - {"grid_inspector"}
MANAGE = {"city_admin", "district_a", "district_b"}
SEES_ENT_A = {"city_admin", "district_a", "regulator", "enterprise"}


@pytest.fixture
def data(world):
    admin = world.users["city_admin"]
    city_line = fs.line_create(actor=admin, owner=world.city, year=2026, code="01", name="隐患治理", amount=D(1000))
    a_line = fs.line_create(actor=world.users["district_a"], owner=world.district_a, year=2026, code="A1", name="区级宣传",
                            amount=D(500))
    alloc = fs.allocation_create(actor=world.users["district_a"], line=a_line, jurisdiction=world.district_a,
                                 project="宣传月", amount=D(500))
    cost = fs.cost_year_save(actor=world.users["enterprise"], enterprise=world.ent_a, year=2026, regime="hazardous_goods",
                             category="", base=D(8_000_000), extracted=D(300_000))
    staff = user_create(actor=None, username="tg", password="Anjian-Test-2026!", must_change_password=False)
    provider = fs.provider_save(actor=world.users["district_a"], jurisdiction=world.district_a, name="托管公司",
                                qualification="乙级", staff_count=3, capacity=3, staff=[staff])
    now = timezone.now()
    contract = fs.contract_register(actor=world.users["district_a"], provider=provider, enterprise=world.ent_a,
                                    number="TG-1", starts_at=now - dt.timedelta(days=1), ends_at=now + dt.timedelta(days=300))
    fs.installation_add(actor=world.users["enterprise"], enterprise=world.ent_a, kind=TechKind.GAS_ALARM,
                        installed_on=timezone.localdate())
    campaign = fs.campaign_create(actor=world.users["district_a"], jurisdiction=world.district_a, name="燃气报警推广",
                                  kind=TechKind.GAS_ALARM, deadline=timezone.localdate() + dt.timedelta(days=30),
                                  enterprises=[world.ent_a, world.ent_a2])
    return {"city_line": city_line, "a_line": a_line, "alloc": alloc, "cost": cost, "contract": contract,
            "campaign": campaign}


def test_funds_matrix(world, login, data):
    a_line, alloc, cost, contract = data["a_line"], data["alloc"], data["cost"], data["contract"]
    routes = [
        Route("GET", "/funds/", allow=MANAGE),
        Route("GET", f"/funds/lines/{data['city_line'].pk}/", allow={"city_admin"}),
        Route("GET", f"/funds/lines/{a_line.pk}/", allow={"city_admin", "district_a"}),
        Route("GET", "/funds/lines/new/", allow=MANAGE),
        Route("GET", "/funds/ledger.xlsx?year=2026", allow=MANAGE),
        Route("POST", f"/funds/lines/{a_line.pk}/spend/", data={
            "allocation": alloc.pk, "spent_on": "2026-03-01", "amount": "10", "voucher_no": "记-1", "purpose": "印刷"},
            allow={"city_admin", "district_a"}, ok=302),
        Route("GET", "/funds/costs/", allow=VIEW),
        Route("GET", f"/funds/costs/{cost.pk}/", allow=SEES_ENT_A),
        Route("GET", "/funds/costs/new/", allow={"city_admin", "enterprise"}),
        Route("GET", "/funds/custody/", allow=VIEW),
        Route("GET", "/funds/custody/new/", allow=MANAGE | {"regulator"}),
        Route("GET", f"/funds/custody/{contract.pk}/", allow=SEES_ENT_A),
        Route("GET", "/funds/tech/", allow=VIEW),
        Route("GET", "/funds/tech/new/", allow={"city_admin", "enterprise"}),
        Route("GET", "/funds/campaigns/", allow=MANAGE | {"regulator"}),
        Route("GET", "/funds/campaigns/new/", allow=MANAGE | {"regulator"}),
        Route("GET", f"/funds/campaigns/{data['campaign'].pk}/", allow={"city_admin", "district_a", "regulator"}),
        Route("POST", f"/funds/lines/{a_line.pk}/voucher/", data={"pk": 999999}, allow={"city_admin", "district_a"},
              ok=302),
        Route("GET", "/api/v1/funds/ledger?year=2026", allow=MANAGE),
        Route("GET", "/api/v1/funds/costs?year=2026", allow=VIEW),
        Route("GET", "/api/v1/funds/contracts", allow=VIEW),
        Route("GET", "/api/v1/funds/installations", allow=VIEW),
        Route("POST", f"/funds/custody/{contract.pk}/terminate/", data={"reason": "解除"},
              allow={"city_admin", "district_a", "regulator"}, ok=302),
    ]
    problems = check_matrix(login, routes)
    assert not problems, "\n".join(problems)


def test_pages_show_scoped_rows(world, login, data):
    c = login("district_b")
    assert "甲区化工" not in c.get("/funds/costs/?year=2026").content.decode()
    c = login("regulator")
    body = c.get("/funds/costs/?year=2026").content.decode()
    assert "甲区化工有限公司" in body and "60,000.00" in body  # 8M × 4.5 % = 360,000 required, 300,000 extracted
    c = login("district_a")
    body = c.get(f"/funds/lines/{data['a_line'].pk}/").content.decode()
    assert "宣传月" in body and 'data-testid="timeline"' in body
    xlsx = c.get("/funds/ledger.xlsx?year=2026")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    body = c.get("/funds/custody/").content.decode()
    assert "TG-1" in body and 'data-testid="coverage"' in body
    ent = login("enterprise")
    body = ent.get("/funds/custody/").content.decode()
    assert 'data-testid="coverage"' not in body  # territorial figures are not the enterprise's


def test_campaign_coverage_by_area_and_sector(world, login, data):
    body = login("district_a").get(f"/funds/campaigns/{data['campaign'].pk}/").content.decode()
    assert 'data-testid="campaign-coverage"' in body
    # ent_a (manufacturing) already has a gas alarm, ent_a2 (construction) has not
    rows = {r["sector"]: r for r in selectors.campaign_coverage(user=world.users["district_a"], campaign=data["campaign"])}
    assert sorted((r["total"], r["equipped"]) for r in rows.values()) == [(1, 0), (1, 1)]


def test_menu_entries(world, login, data):
    body = login("district_a").get("/").content.decode()
    assert "五、投入与机制" in body and "/funds/custody/" in body and "六、宣传培训" in body
    body = login("enterprise").get("/").content.decode()
    assert "/funds/tech/" in body and 'href="/funds/"' not in body
