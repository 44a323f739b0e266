"""Team members, experts and shelters through their pages; resources and an incident's nearest
resources on the map; drill compliance by area, checked by hand."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import time_machine

from anjian.emergency import services
from anjian.emergency.models import Expert, Shelter, TeamMember
from anjian.emergency.selectors import _km, _nearest, compliance_by_area, drill_obligations

pytestmark = pytest.mark.django_db


@pytest.fixture
def resources(world):
    admin = world.user("city_admin")
    team_a = services.team_create(actor=admin, name="甲区危化救援队", kind="professional", jurisdiction=world.district_a,
                                  lng=114.06, lat=22.06, phone="0755-1")
    team_b = services.team_create(actor=admin, name="乙区综合救援队", kind="general", jurisdiction=world.district_b,
                                  lng=114.3, lat=22.1)
    services.warehouse_create(actor=admin, name="甲区物资库", jurisdiction=world.district_a, lng=114.08, lat=22.08)
    services.expert_create(actor=admin, name="刘专家", specialties="危险化学品", jurisdiction=world.district_a,
                           lng=114.07, lat=22.07)
    services.shelter_create(actor=admin, name="甲区体育馆", jurisdiction=world.district_a, lng=114.09, lat=22.09,
                            capacity=3000)
    inc = services.incident_open(actor=admin, title="甲区储罐泄漏", lng=114.05, lat=22.05, enterprise=world.ent_a)
    return {"team_a": team_a, "team_b": team_b, "inc": inc}


def test_team_members_through_the_page(world, login, resources):
    team = resources["team_a"]
    denied = login("grid_inspector").post(f"/emergency/teams/{team.pk}/members/", {"name": "张三"})
    assert denied.status_code in (403, 404) and not TeamMember.objects.exists()
    assert login("district_b").post(f"/emergency/teams/{team.pk}/members/", {"name": "张三"}).status_code == 404
    assert not TeamMember.objects.exists()
    client = login("district_a")
    assert client.post(f"/emergency/teams/{team.pk}/members/", {"name": "张三", "role": "队长", "phone": "138",
                                                                 "certified": "on"}).status_code == 302
    assert client.post(f"/emergency/teams/{team.pk}/readiness/", {"readiness": "standby"}).status_code == 302
    page = client.get(f"/emergency/teams/{team.pk}/").content.decode()
    assert "张三" in page and "队长" in page and "待命" in page and "登记队员" in page


def test_experts_and_shelters_through_their_forms(world, login):
    denied = login("grid_inspector").post("/emergency/experts/new/", {"name": "x", "specialties": "y",
                                                                     "jurisdiction": world.district_a.pk})
    assert denied.status_code in (403, 404) and not Expert.objects.exists()
    out = login("district_a").post("/emergency/experts/new/", {"name": "x", "specialties": "y",
                                                                "jurisdiction": world.district_b.pk})
    assert out.status_code == 422 and not Expert.objects.exists()  # another district: not a choice
    client = login("district_a")
    assert client.post("/emergency/experts/new/", {"name": "陈专家", "specialties": "消防", "phone": "139",
                                                   "jurisdiction": world.district_a.pk, "lng": "114.1",
                                                   "lat": "22.1"}).status_code == 302
    assert client.post("/emergency/shelters/new/", {"name": "甲一公园", "capacity": "500", "lng": "114.05",
                                                    "lat": "22.15"}).status_code == 302
    shelter = Shelter.objects.get()
    assert shelter.jurisdiction.code.startswith("990101")  # placed by its point
    page = client.get("/emergency/experts/").content.decode()
    assert "陈专家" in page and "甲一公园" in page


def test_map_points_are_scoped(world, login, resources):
    names = {f["properties"]["name"] for f in login("district_a").get("/emergency/map/points/").json()["features"]}
    assert {"甲区危化救援队", "甲区物资库", "刘专家", "甲区体育馆"} <= names and "乙区综合救援队" not in names
    names = {f["properties"]["name"] for f in login("city_admin").get("/emergency/map/points/").json()["features"]}
    assert "乙区综合救援队" in names
    page = login("district_a").get("/emergency/map/").content.decode()
    assert 'data-boundaries="/orgs/boundaries/?for=emergency"' in page
    assert login("district_a").get("/orgs/boundaries/?for=emergency").status_code == 200


def test_incident_map_shows_nearest_by_distance(world, login, resources):
    inc = resources["inc"]
    fc = login("city_admin").get(f"/emergency/incidents/{inc.pk}/points/").json()
    first = fc["features"][0]
    assert first["properties"]["kind"] == "incident" and first["geometry"]["coordinates"] == [114.05, 22.05]
    teams = [f["properties"] for f in fc["features"] if f["properties"]["kind"] == "team"]
    assert [t["name"] for t in teams] == ["甲区危化救援队", "乙区综合救援队"]  # nearest first
    assert teams[0]["km"] < teams[1]["km"] and teams[0]["rank"] == 1
    assert 1.3 < teams[0]["km"] < 1.6  # 0.01° east and north at 22°N ≈ 1.47 km
    page = login("city_admin").get(f"/emergency/incidents/{inc.pk}/").content.decode()
    assert 'data-testid="incident-map"' in page and f"/emergency/incidents/{inc.pk}/points/" in page


def test_compliance_by_area_checked_by_hand(world, login):
    """Three units with obligations: ent_a (district A) drilled on time; ent_a2 (district A) never
    drilled and is overdue; ent_b (district B) drilled on time. By hand: 甲区 2 units, 1 compliant,
    50 %, 1 overdue; 乙区 1 unit, 1 compliant, 100 %, 0 overdue."""
    with time_machine.travel(dt.datetime(2026, 1, 5, 2, tzinfo=dt.UTC), tick=False):
        plans = {}
        for ent in (world.ent_a, world.ent_a2, world.ent_b):
            p = services.plan_create(actor=None, plan_type="comprehensive", title="综合应急预案", enterprise=ent)
            services.plan_review_record(actor=None, plan=p, kind="review", held_on=dt.date(2026, 1, 5), conclusion="通过")
            services.plan_publish(actor=None, plan=p, signed_by="负责人", published_on=dt.date(2026, 1, 5))
            plans[ent.pk] = p
    with time_machine.travel(dt.datetime(2026, 6, 1, 2, tzinfo=dt.UTC), tick=False):
        for ent in (world.ent_a, world.ent_b):
            services.drill_record(actor=None, plan=plans[ent.pk], title="年度演练", held_on=dt.date(2026, 5, 20),
                                  content="comprehensive", form="live")
    with time_machine.travel(dt.datetime(2026, 8, 1, 2, tzinfo=dt.UTC), tick=False):
        user = world.user("city_admin")
        rows = {r["name"]: (r["units"], r["compliant"], r["rate"], r["overdue"])
                for r in compliance_by_area(drill_obligations(user=user), user=user)}
        assert rows == {"甲区": (2, 1, 50.0, 1), "乙区": (1, 1, 100.0, 0)}
        page = login("city_admin").get("/emergency/obligations/").content.decode()
        assert 'data-testid="area-table"' in page and "50.0%" in page


def test_nearest_is_exact_against_brute_force(world):
    """The growing box never misses a nearer row: compare with ranking every row."""
    rnd = random.Random(7)
    admin = world.user("city_admin")
    for i in range(40):
        services.shelter_create(actor=admin, name=f"场所{i}", jurisdiction=world.city, lng=rnd.uniform(114.0, 114.4),
                                lat=rnd.uniform(22.0, 22.4), capacity=10)
    qs = Shelter.objects.all()
    for _ in range(10):
        lng, lat = rnd.uniform(114.0, 114.4), rnd.uniform(22.0, 22.4)
        brute = sorted(qs, key=lambda s: _km(lng, lat, s.lng, s.lat))[:5]
        assert [s.pk for s, _d in _nearest(qs, lng, lat, 5)] == [s.pk for s in brute]
    assert len(_nearest(qs, 114.2, 22.2, 100)) == 40  # fewer rows than asked: all of them


def test_nearest_warehouses_holding_the_needed_stock_are_exact(world):
    """With a needed material only warehouses holding a positive balance of it count (the box
    query stays on the place index; the stock is checked by id): compare with brute force."""
    from anjian.emergency.models import Warehouse
    from anjian.emergency.selectors import nearest_resources

    rnd = random.Random(11)
    admin = world.user("city_admin")
    holders = set()
    for i in range(60):
        wh = services.warehouse_create(actor=admin, name=f"仓库{i}", jurisdiction=world.city,
                                       lng=rnd.uniform(114.0, 114.4), lat=rnd.uniform(22.0, 22.4))
        kind = i % 3
        material = "吸附棉（工业用）" if kind else "防毒面具"
        services.stock_receive(actor=admin, warehouse=wh, material=material, quantity=10, unit="包")
        if kind == 2:  # issued to nothing: a zero balance does not count
            services.stock_issue(actor=admin, warehouse=wh, material=material, quantity=10)
        elif kind == 1:
            holders.add(wh.pk)
    for _ in range(8):
        lng, lat = rnd.uniform(114.0, 114.4), rnd.uniform(22.0, 22.4)
        incident = services.incident_open(actor=admin, title="泄漏", lng=lng, lat=lat, needs="吸附棉")
        got = nearest_resources(user=admin, incident=incident)["warehouses"]
        brute = sorted((w for w in Warehouse.objects.filter(pk__in=holders)), key=lambda w: _km(lng, lat, w.lng, w.lat))
        assert [w.pk for w, _d, _stock in got] == [w.pk for w in brute[:5]]
        assert all(s.material.startswith("吸附棉") and s.balance > 0 for _w, _d, stock in got for s in stock)
