"""The course catalogue and trainer registry (sessions opened from a course), a government session
held for a department (its regulator sees it), the QR sign-in screen, the sign-in throttle,
publicity photos, and custody staff's training records named for both parties."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from anjian.accounts.models import LoginCounter, Role
from anjian.accounts.services import membership_grant, token_create, user_create
from anjian.audit.models import Event
from anjian.core.errors import DomainError, NotFoundInScope
from anjian.documents.models import Attachment
from anjian.training import services as ts
from anjian.training.models import Attendance, TrainingSession

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def at(*a: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*a))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_session_from_course_copies_it_and_checks_the_minimum(world, login):
    district = world.users["district_a"]
    teacher = ts.trainer_save(actor=district, name="王老师", organisation="市安全培训中心", title="高级工程师",
                              jurisdiction=world.district_a)
    course = ts.course_save(actor=district, title="危化企业主要负责人初训", subject="法规、危险化学品安全管理",
                            hours=D(24), role="principal", high_risk=True, group="enterprise_key", trainer=teacher,
                            jurisdiction=world.district_a)
    assert ts.course_shortfall(course) == 24  # the national minimum is 48 h (3号令 Art. 9)
    s = ts.session_create(actor=district, course=course, place="区应急局",
                          starts_at=timezone.now() + dt.timedelta(days=1),
                          ends_at=timezone.now() + dt.timedelta(days=1, hours=8), jurisdiction=world.district_a)
    assert (s.title, s.hours, s.teacher, s.trainer, s.group) == (course.title, D(24), teacher, "王老师", "enterprise_key")
    with pytest.raises(NotFoundInScope):  # district B cannot use district A's course
        ts.session_create(actor=world.users["district_b"], course=course, place="p", starts_at=timezone.now(),
                          ends_at=timezone.now() + dt.timedelta(hours=1), jurisdiction=world.district_b)
    with pytest.raises(DomainError):  # neither a course nor a title
        ts.session_create(actor=district, place="p", hours=D(2), starts_at=timezone.now(),
                          ends_at=timezone.now() + dt.timedelta(hours=1), jurisdiction=world.district_a)
    c = login("district_a")
    body = c.get("/training/courses/").content.decode()
    assert "危化企业主要负责人初训" in body and "王老师" in body
    body = c.get(f"/training/courses/{course.pk}/").content.decode()
    assert f"/training/sessions/new/?course={course.pk}" in body
    assert c.get(f"/training/sessions/new/?course={course.pk}").status_code == 200
    assert "王老师" in c.get("/training/trainers/").content.decode()
    assert login("district_b").get(f"/training/courses/{course.pk}/").status_code == 404


def test_catalogue_api(world):
    api = Client()
    _t, raw = token_create(actor=world.users["district_a"], name="t")
    h = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    r = api.post("/api/v1/training/trainers", {"name": "赵老师", "jurisdiction_id": world.district_a.pk},
                 content_type="application/json", **h)
    assert r.status_code == 201, r.content
    tid = r.json()["id"]
    r = api.post("/api/v1/training/courses", {"title": "有限空间作业", "subject": "有限空间", "hours": "8", "trainer_id": tid,
                                              "jurisdiction_id": world.district_a.pk}, content_type="application/json", **h)
    assert r.status_code == 201, r.content
    cid = r.json()["id"]
    start = timezone.now() + dt.timedelta(days=2)
    r = api.post("/api/v1/training/sessions", {"course_id": cid, "place": "区应急局", "starts_at": start.isoformat(),
                                               "ends_at": (start + dt.timedelta(hours=8)).isoformat(),
                                               "jurisdiction_id": world.district_a.pk, "department_id": world.ema.pk},
                 content_type="application/json", **h)
    assert r.status_code == 201, r.content
    assert r.json()["course_id"] == cid and r.json()["department_id"] == world.ema.pk and r.json()["trainer"] == "赵老师"
    assert [c["id"] for c in api.get("/api/v1/training/courses", **h).json()] == [cid]
    _t, raw_b = token_create(actor=world.users["district_b"], name="t")
    r = api.post("/api/v1/training/sessions", {"course_id": cid, "place": "x", "starts_at": start.isoformat(),
                                               "ends_at": (start + dt.timedelta(hours=1)).isoformat(),
                                               "jurisdiction_id": world.district_b.pk},
                 content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw_b}")
    assert r.status_code in (400, 404) and TrainingSession.objects.count() == 1


def test_government_session_with_department_reaches_its_regulator(world, login):
    now = timezone.now()
    plain = ts.session_create(actor=world.users["city_admin"], title="全市培训", hours=D(4), place="市应急局",
                              starts_at=now, ends_at=now + dt.timedelta(hours=4), jurisdiction=world.city)
    held = ts.session_create(actor=world.users["city_admin"], title="危化行业负责人培训", hours=D(8), place="市应急局",
                             starts_at=now, ends_at=now + dt.timedelta(hours=8), jurisdiction=world.city,
                             department=world.ema)
    reg = login("regulator")
    assert reg.get(f"/training/sessions/{held.pk}/").status_code == 200
    assert reg.get(f"/training/sessions/{plain.pk}/").status_code == 404
    with pytest.raises(DomainError):  # an enterprise's own session has no department
        ts.session_create(actor=world.users["enterprise"], title="x", hours=D(1), place="p", starts_at=now,
                          ends_at=now + dt.timedelta(hours=1), enterprise=world.ent_a, department=world.ema)


@pytest.fixture
def open_session(world):
    worker = ts.trainee_save(actor=world.users["enterprise"], name="李工", role="worker", group="worker",
                             enterprise=world.ent_a, phone="13800000002")
    now = timezone.now()
    s = ts.session_create(actor=world.users["district_a"], title="区级培训", hours=D(8), place="区应急局",
                          starts_at=now - dt.timedelta(minutes=10), ends_at=now + dt.timedelta(hours=4),
                          jurisdiction=world.district_a)
    ts.session_enrol(actor=world.users["district_a"], session=s, trainees=[worker])
    return s


def test_qr_code_on_the_session_page_and_the_sign_screen(world, login, client, open_session):
    s = open_session
    c = login("district_a")
    body = c.get(f"/training/sessions/{s.pk}/").content.decode()
    assert 'data-testid="sign-qr"' in body and "<svg" in body
    screen = c.get(f"/training/sessions/{s.pk}/sign-screen/").content.decode()
    assert "<svg" in screen and s.sign_code in screen and f"/training/sign/{s.sign_code}/" in screen
    assert login("district_b").get(f"/training/sessions/{s.pk}/sign-screen/").status_code == 404
    client.logout()
    assert client.get(f"/training/sessions/{s.pk}/sign-screen/").status_code in (302, 404)
    # what the QR holds opens the phone page with the code filled in
    page = client.get(f"/training/sign/{s.sign_code}/").content.decode()
    assert f'value="{s.sign_code}"' in page


def test_sign_in_is_throttled_per_address(world, client, settings, open_session):
    settings.TRAINING_SIGN_IP_ATTEMPTS = 5
    s = open_session
    for n in range(5):
        r = client.post("/training/sign/", {"code": f"{(int(s.sign_code) + n + 1) % 1_000_000:06d}", "phone": "13800000002"})
        assert r.status_code == 200
    r = client.post("/training/sign/", {"code": s.sign_code, "phone": "13800000002"})
    assert r.status_code == 429  # even the right code is not checked any more
    assert not Attendance.objects.filter(signed_at__isnull=False).exists()
    other = Client(REMOTE_ADDR="10.9.9.9")
    r = other.post("/training/sign/", {"code": s.sign_code, "phone": "13800000002"})
    assert 'data-testid="signed"' in r.content.decode()


def test_sign_in_is_throttled_per_session_and_success_gives_back(world, settings, open_session):
    settings.TRAINING_SIGN_SESSION_ATTEMPTS = 3
    s = open_session
    a = ts.sign_in(code=s.sign_code, phone="13800000002", ip="10.0.0.1")
    assert a.signed_by_phone
    assert set(LoginCounter.objects.values_list("count", flat=True)) == {0}  # both attempts given back
    for n in range(3):
        with pytest.raises(DomainError) as exc:
            ts.sign_in(code=s.sign_code, phone=f"1390000000{n}", ip=f"10.0.1.{n}")
        assert not isinstance(exc.value, ts.SignInThrottled)
    with pytest.raises(ts.SignInThrottled):  # a fourth address guessing phones for this session
        ts.sign_in(code=s.sign_code, phone="13900000009", ip="10.0.2.1")
    assert Event.objects.filter(verb="training_sign_in_refused", object_id=str(s.pk)).count() == 1


def test_activity_photos_page_and_api(world, login, client):
    today = timezone.localdate()
    act = ts.activity_save(actor=world.users["district_a"], jurisdiction=world.district_a, kind="consult_day",
                           title="安全宣传咨询日", organiser="甲区安委办", place="广场", starts_on=today, ends_on=today,
                           files=[SimpleUploadedFile("展板.pdf", PDF)])
    [first] = Attachment.objects.filter(role="publicity")
    c = login("district_a")
    body = c.get(f"/training/activities/{act.pk}/").content.decode()
    assert 'data-testid="gallery"' in body and "展板.pdf" in body
    r = c.post(f"/training/activities/{act.pk}/files/", {"files": [SimpleUploadedFile("讲稿.pdf", PDF)]})
    assert r.status_code == 302 and Attachment.objects.filter(role="publicity").count() == 2
    assert login("district_b").post(f"/training/activities/{act.pk}/files/",
                                     {"files": [SimpleUploadedFile("x.pdf", PDF)]}).status_code == 404
    assert Attachment.objects.filter(role="publicity").count() == 2
    assert login("district_b").get(f"/documents/attachments/{first.pk}/").status_code == 404
    _t, raw = token_create(actor=world.users["district_a"], name="t")
    r = Client().post(f"/api/v1/training/activities/{act.pk}/files", {"files": [SimpleUploadedFile("s.pdf", PDF)]},
                      HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 201, r.content


def test_custody_staff_training_records_name_both_parties(world):
    staff = user_create(actor=None, username="tg_tr", password="Anjian-Test-2026!", display_name="托管员小周",
                        must_change_password=False)
    with time_machine.travel(at(2026, 3, 1, 9), tick=False):
        membership_grant(actor=None, user=staff, role=Role.objects.get(code="custody"), enterprise=world.ent_a,
                         valid_from=dt.date(2026, 3, 1), valid_until=dt.date(2026, 6, 30),
                         starts_at=at(2026, 3, 1, 9), ends_at=at(2026, 6, 30, 17))
    with time_machine.travel(at(2026, 4, 1, 9), tick=False):
        staff = type(staff).objects.get(pk=staff.pk)
        t = ts.trainee_save(actor=staff, name="周工", role="worker", group="worker", enterprise=world.ent_a)
        ev = Event.objects.get(verb="trainee_saved", object_id=str(t.pk), content_type__model="trainee")
        assert ev.actor == staff and ev.data["on_behalf_of"] == world.ent_a.pk and "custody_membership" in ev.data
        assert "托管员小周" in ev.summary and world.ent_a.name in ev.summary
        own = ts.trainee_save(actor=world.users["enterprise"], name="吴工", role="worker", group="worker",
                              enterprise=world.ent_a)
        assert "on_behalf_of" not in Event.objects.get(verb="trainee_saved", object_id=str(own.pk), content_type__model="trainee").data
    with time_machine.travel(at(2026, 6, 30, 17, 0), tick=False):
        staff = type(staff).objects.get(pk=staff.pk)
        with pytest.raises(NotFoundInScope):  # access ended with the contract, to the minute
            ts.trainee_save(actor=staff, name="迟到", role="worker", group="worker", enterprise=world.ent_a)
