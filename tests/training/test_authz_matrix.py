"""Personas × the training pages and API routes; the public sign-in and activity pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
import time_machine
from django.utils import timezone

from anjian.testing.matrix import PERSONAS, Route, check_matrix
from anjian.training import services as ts

pytestmark = pytest.mark.django_db

STAFF = set(PERSONAS) - {"anonymous"}
VIEW = STAFF - {"grid_inspector"}
EVERYONE = set(PERSONAS)


@pytest.fixture
def data(world):
    now = timezone.now()
    worker = ts.trainee_save(actor=world.users["enterprise"], name="李工", role="worker", group="worker",
                             enterprise=world.ent_a, phone="13800000002")
    dist = ts.session_create(actor=world.users["district_a"], title="区级培训", hours=D(8), place="区应急局",
                             starts_at=now - dt.timedelta(minutes=10), ends_at=now + dt.timedelta(hours=4),
                             jurisdiction=world.district_a)
    ts.session_enrol(actor=world.users["district_a"], session=dist, trainees=[worker])
    own = ts.session_create(actor=world.users["enterprise"], title="三级安全教育", hours=D(24), place="厂区",
                            starts_at=now, ends_at=now + dt.timedelta(hours=8), enterprise=world.ent_a, group="worker")
    cert = ts.certificate_register(actor=world.users["enterprise"], trainee=worker, kind="special_operation", number="T1",
                                   issued_on=timezone.localdate() - dt.timedelta(days=30))
    ts.plan_save(actor=world.users["district_a"], jurisdiction=world.district_a, name="三年规划",
                 start_year=now.year, end_year=now.year + 2, targets=[(now.year, "student", 100)])
    act = ts.activity_save(actor=world.users["district_a"], jurisdiction=world.district_a, kind="safety_month",
                           title="安全生产月", organiser="甲区安委办", place="广场", starts_on=timezone.localdate(),
                           ends_on=timezone.localdate(), reach=300)
    course = ts.course_save(actor=world.users["district_a"], title="有限空间作业安全", subject="有限空间", hours=D(8),
                            jurisdiction=world.district_a)
    return {"dist": dist, "own": own, "cert": cert, "worker": worker, "act": act, "course": course}


def test_training_matrix(world, login, data):
    routes = [
        Route("GET", "/training/", allow=VIEW),
        Route("GET", "/training/sessions/new/", allow=VIEW - {"leader"}),
        Route("GET", f"/training/sessions/{data['dist'].pk}/", allow={"city_admin", "district_a"}),
        Route("GET", f"/training/sessions/{data['own'].pk}/", allow={"city_admin", "district_a", "regulator", "enterprise"}),
        Route("GET", "/training/sign/", allow=EVERYONE),
        Route("GET", "/training/trainees/", allow=VIEW),
        Route("GET", "/training/trainees/new/", allow=VIEW),
        Route("GET", "/training/records.xlsx", allow=VIEW),
        Route("GET", "/training/certificates/", allow=VIEW),
        Route("GET", f"/training/certificates/{data['cert'].pk}/", allow={"city_admin", "district_a", "regulator",
                                                                          "enterprise"}),
        Route("GET", "/training/plans/", allow={"city_admin", "district_a", "district_b"}),
        Route("GET", "/training/activities/", allow=VIEW),
        Route("GET", "/training/activities/new/", allow={"city_admin", "district_a", "district_b", "regulator"}),
        Route("GET", "/training/public/activities/", allow=EVERYONE),
        Route("GET", f"/training/activities/{data['act'].pk}/", allow={"city_admin", "district_a", "regulator"}),
        Route("GET", "/training/courses/", allow=VIEW),
        # a district's course serves the district's enterprises too (the catalogue serves downward)
        Route("GET", f"/training/courses/{data['course'].pk}/", allow={"city_admin", "district_a", "enterprise"}),
        Route("GET", "/training/courses/new/", allow=VIEW - {"leader"}),
        Route("GET", "/training/trainers/", allow=VIEW),
        Route("GET", f"/training/sessions/{data['dist'].pk}/sign-screen/", allow={"city_admin", "district_a"}),
        Route("GET", f"/training/sessions/{data['own'].pk}/sign-screen/",
              allow={"city_admin", "district_a", "regulator", "enterprise"}),
        Route("GET", "/api/v1/training/courses", allow=VIEW),
        Route("GET", "/api/v1/training/trainers", allow=VIEW),
        Route("GET", "/api/v1/training/sessions", allow=VIEW),
        Route("GET", f"/api/v1/training/hours?year={timezone.localdate().year}", allow=VIEW),
        Route("GET", "/api/v1/training/certificates", allow=VIEW),
        Route("POST", f"/training/sessions/{data['own'].pk}/enrol/", data={"trainee": data["worker"].pk},
              allow={"city_admin", "district_a", "regulator", "enterprise"}, ok=302),
    ]
    problems = check_matrix(login, routes)
    assert not problems, "\n".join(problems)


def test_phone_sign_in_page(world, client, data):
    s = data["dist"]
    page = client.get(f"/training/sign/{s.sign_code}/")
    assert page.status_code == 200 and s.sign_code in page.content.decode()
    r = client.post("/training/sign/", {"code": s.sign_code, "phone": "13900000000"})
    assert "不在本班次名单" in r.content.decode()
    r = client.post("/training/sign/", {"code": s.sign_code, "phone": "13800000002"})
    assert 'data-testid="signed"' in r.content.decode()
    assert s.attendances.get().signed_by_phone


def test_public_activities_and_export(world, client, login, data):
    assert "安全生产月" in client.get("/training/public/activities/").content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        assert "安全生产月" not in client.get("/training/public/activities/").content.decode()
    c = login("enterprise")
    r = c.get("/training/records.xlsx")
    assert r.status_code == 200
    body = c.get("/training/trainees/").content.decode()
    assert "李工" in body and "72" in body  # a new worker in hazardous chemicals needs 72 h (3号令 Art. 13)
