"""Personas × emergency routes (pages, API, public feed); denied requests change nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from anjian.emergency import services
from anjian.testing.matrix import PERSONAS, Route, check_matrix

pytestmark = pytest.mark.django_db

STAFF = set(PERSONAS) - {"anonymous"}
EVERYONE = set(PERSONAS)
SEE_ENT_A = {"city_admin", "district_a", "regulator", "grid_inspector", "enterprise"}
PLANNERS = {"city_admin", "district_a", "district_b", "regulator", "enterprise"}
COMMAND = {"city_admin", "district_a", "district_b", "regulator"}
OFFICES = {"city_admin", "district_a", "district_b"}


@pytest.fixture
def data(world):
    ent_user, admin = world.user("enterprise"), world.user("city_admin")
    plan = services.plan_create(actor=ent_user, plan_type="onsite", title="储罐泄漏现场处置方案", enterprise=world.ent_a,
                                response_card="发现泄漏立即报告班长\n关闭进料阀\n拨打119")
    services.plan_review_record(actor=ent_user, plan=plan, kind="review", held_on=dt.date.today(), conclusion="通过")
    services.plan_publish(actor=ent_user, plan=plan, signed_by="王总", published_on=dt.date.today())
    services.plan_submit(actor=ent_user, plan=plan)
    wh = services.warehouse_create(actor=world.user("district_a"), name="甲区应急物资库", jurisdiction=world.district_a,
                                   lng=114.08, lat=22.08)
    services.stock_receive(actor=admin, warehouse=wh, material="吸附棉", quantity=20, unit="包")
    team = services.team_create(actor=admin, name="甲区危化救援队", kind="professional", jurisdiction=world.district_a,
                                lng=114.06, lat=22.06)
    inc = services.incident_open(actor=admin, title="甲区化工储罐泄漏", lng=114.05, lat=22.05, enterprise=world.ent_a,
                                 needs="吸附棉")
    alert = services.alert_create(actor=admin, jurisdiction=world.city, event="泄漏", urgency="Immediate",
                                  severity="Severe", certainty="Observed", headline_zh="泄漏预警", area_desc="甲区",
                                  circles=["22.05,114.05 3"])
    return {"plan": plan, "wh": wh, "inc": inc, "alert": alert, "team": team}


def test_emergency_matrix(world, login, data):
    p, wh, inc, alert, team = (data["plan"].pk, data["wh"].pk, data["inc"].pk, data["alert"].pk,
                               data["team"].pk)
    routes = [
        Route("GET", "/emergency/plans/", allow=STAFF),
        Route("GET", "/emergency/plans/?status=submitted&plan_type=onsite", allow=STAFF),
        Route("GET", "/emergency/plans/new/", allow=PLANNERS),
        Route("GET", "/emergency/plans/gaps/", allow=STAFF),
        Route("GET", f"/emergency/plans/{p}/", allow=SEE_ENT_A),
        Route("GET", f"/emergency/plans/{p}/card/", allow=SEE_ENT_A),
        Route("GET", f"/emergency/plans/{p}/registration.docx", allow=set()),  # not filed yet
        Route("POST", f"/emergency/plans/{p}/do/returned/", data={"returned-note": ""}, allow=SEE_ENT_A, ok=302),
        Route("GET", "/emergency/drills/", allow=STAFF),
        Route("GET", "/emergency/drills/new/", allow=PLANNERS),
        Route("GET", "/emergency/obligations/", allow=STAFF),
        Route("GET", "/emergency/teams/", allow=STAFF),
        Route("GET", "/emergency/teams/new/", allow=PLANNERS),
        Route("GET", "/emergency/experts/", allow=STAFF),
        Route("GET", "/emergency/warehouses/", allow=STAFF),
        Route("GET", f"/emergency/warehouses/{wh}/", allow={"city_admin", "district_a", "grid_inspector"}),  # it lies in grid A
        Route("POST", f"/emergency/warehouses/{wh}/move/", data={"kind": "receipt", "material": "吸附棉", "quantity": "1"},
              allow={"city_admin", "district_a"}, ok=302),
        Route("GET", "/emergency/incidents/", allow=STAFF),
        Route("GET", "/emergency/incidents/new/", allow=COMMAND),
        Route("GET", f"/emergency/incidents/{inc}/", allow=SEE_ENT_A),
        Route("GET", "/emergency/alerts/", allow=STAFF),
        Route("GET", "/emergency/alerts/new/", allow={"city_admin", "district_a", "district_b", "regulator"}),
        Route("GET", "/emergency/alerts/import/", allow={"city_admin", "district_a", "district_b"}),
        Route("GET", f"/emergency/alerts/{alert}/", allow={"city_admin"}),
        Route("GET", "/public/cap/alerts.atom", allow=EVERYONE),
        Route("GET", "/api/v1/emergency/plans", allow=STAFF),
        Route("GET", f"/api/v1/emergency/plans/{p}", allow=SEE_ENT_A),
        Route("GET", "/api/v1/emergency/obligations", allow=STAFF),
        Route("GET", f"/api/v1/emergency/incidents/{inc}/nearest", allow=SEE_ENT_A),
        Route("GET", "/api/v1/emergency/filing-queue", allow={"city_admin", "district_a", "district_b", "regulator"}),
        # law library, duty rosters, maps, team pages, expert and shelter forms
        Route("GET", "/emergency/laws/", allow=STAFF),
        Route("GET", "/emergency/laws/?q=应急&state=in_force", allow=STAFF),
        Route("GET", "/emergency/laws/yaglbf-2019/", allow=STAFF),
        Route("GET", "/emergency/laws/rules/", allow=STAFF),
        Route("GET", "/emergency/laws/new/", allow=OFFICES),
        Route("POST", "/emergency/laws/new/", data={"kind": "local", "title": "示范市规定", "effective_on": "2024-01-01"},
              allow=OFFICES, ok=302),
        Route("GET", "/emergency/duty/", allow=STAFF),
        Route("GET", "/emergency/duty/now/", allow=STAFF),
        Route("GET", "/emergency/duty/export.xlsx", allow=STAFF),
        Route("GET", "/emergency/duty/new/", allow=PLANNERS),
        Route("GET", "/emergency/map/", allow=STAFF),
        Route("GET", "/emergency/map/points/", allow=STAFF),
        Route("GET", f"/emergency/incidents/{inc}/points/", allow=SEE_ENT_A),
        Route("GET", f"/emergency/teams/{team}/", allow={"city_admin", "district_a", "grid_inspector"}),
        Route("POST", f"/emergency/teams/{team}/members/", data={"name": "张三"}, allow={"city_admin", "district_a"}, ok=302),
        Route("GET", "/emergency/experts/new/", allow=PLANNERS),
        Route("GET", "/emergency/shelters/new/", allow=PLANNERS),
        Route("GET", "/api/v1/emergency/laws", allow=STAFF),
        Route("GET", "/api/v1/emergency/duty/now", allow=STAFF),
        Route("GET", "/api/v1/emergency/resources/map", allow=STAFF),
    ]
    assert check_matrix(login, routes) == []


def test_pages_show_the_right_things(world, login, data):
    client = login("regulator")
    page = client.get(f"/emergency/plans/{data['plan'].pk}/").content.decode()
    assert "准予备案" in page and "退回补正" in page  # the filing authority's buttons
    page = login("district_a").get(f"/emergency/plans/{data['plan'].pk}/").content.decode()
    assert "准予备案" not in page  # a district office is not this plan's authority
    page = login("city_admin").get(f"/emergency/incidents/{data['inc'].pk}/").content.decode()
    assert "甲区危化救援队" in page and "甲区应急物资库" in page and "吸附棉 20包" in page
    card = login("enterprise").get(f"/emergency/plans/{data['plan'].pk}/card/").content.decode()
    assert "关闭进料阀" in card
