"""Authorization matrix: every page and API route of the committee and responsibility apps ×
the standing personas (200 where the persona's scope reaches, 404 elsewhere, the login page for
anonymous visitors), and refused writes that change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anjian.committee import services as cs
from anjian.committee.models import CaseSource, Task, TaskStatus
from anjian.documents.models import DocumentSeries
from anjian.responsibility import services as rs
from anjian.responsibility.models import Letter, LetterStatus, Result

pytestmark = pytest.mark.django_db

CA, DA, DB, RG, GI, EN = "city_admin", "district_a", "district_b", "regulator", "grid_inspector", "enterprise"
COMMITTEE = {CA, DA, DB, RG}  # grid inspectors hold no committee action
SUPERVISE = {CA, DA, DB}
RESP = {CA, DA, DB, RG, EN}  # nor any responsibility action


def _scenario(world):
    admin = world.user(CA)
    series = DocumentSeries.objects.create(code="m-committee", prefix="示安委办", name="发文", jurisdiction=world.city,
                                           department=world.committee)
    later = timezone.localdate() + dt.timedelta(days=10)
    case = cs.case_create(actor=admin, source=CaseSource.INSTRUCTION, title="批示办理", content="请办理",
                          jurisdiction=world.city, tasks=[{"unit": world.ema, "deadline": later},
                                                          {"unit": world.district_b, "deadline": later}])
    meeting = cs.meeting_create(actor=admin, jurisdiction=world.city, kind="quarterly", title="季度会议",
                                held_at=timezone.now())
    notice = cs.notice_issue(actor=admin, jurisdiction=world.city, kind="situation", title="情况通报", body="正文",
                             issuer="示范市安委办", recipients=[world.ema], series=series)
    iv = cs.interview_record(actor=admin, jurisdiction=world.city, target=world.district_b, interviewees="乙区副区长",
                             interviewer="市安委办主任", reason="事故多发", held_on=timezone.localdate(),
                             commitments="开展整治", follow_up_on=later)
    member = cs.member_set(actor=admin, jurisdiction=world.city, department=world.ema, representative="局长")
    template = rs.template_create(actor=admin, year=timezone.localdate().year, level="city_district", title="责任书",
                                  jurisdiction=world.city, issuer="示范市人民政府", body="要求",
                                  targets=[{"metric": "deaths", "comparator": "le", "value": 1, "text": "死亡≤1"}])
    rs.letters_issue(actor=admin, template=template, series=series)
    scheme = rs.scheme_create(actor=admin, year=timezone.localdate().year, name="考核", jurisdiction=world.city,
                              subjects="district", indicators=rs.default_indicators())
    today = timezone.localdate()
    rnd = rs.round_open(actor=admin, scheme=scheme, stage="mid", period_start=today.replace(month=1, day=1),
                        period_end=today, self_due=later)
    return {
        "case": case.pk, "te": case.tasks.get(department=world.ema).pk, "tb": case.tasks.get(department__isnull=True).pk,
        "meeting": meeting.pk, "notice": notice.pk, "iv": iv.pk, "member": member.pk, "template": template.pk,
        "la": Letter.objects.get(jurisdiction=world.district_a).pk, "lb": Letter.objects.get(jurisdiction=world.district_b).pk,
        "scheme": scheme.pk, "round": rnd.pk, "ra": Result.objects.get(round=rnd, jurisdiction=world.district_a).pk,
        "rb": Result.objects.get(round=rnd, jurisdiction=world.district_b).pk,
    }


ROUTES = [
    ("/committee/cases/", COMMITTEE),
    ("/committee/cases/?export=xlsx", COMMITTEE),
    ("/committee/cases/new/", SUPERVISE),
    ("/committee/cases/{case}/", {CA, DB, RG}),
    ("/committee/tasks/", COMMITTEE),
    ("/committee/tasks/{te}/", {CA, RG}),
    ("/committee/tasks/{tb}/", {CA, DB}),
    ("/committee/meetings/", COMMITTEE),
    ("/committee/meetings/new/", SUPERVISE),
    ("/committee/meetings/{meeting}/", {CA, RG}),
    ("/committee/notices/", COMMITTEE),
    ("/committee/notices/new/", SUPERVISE),
    ("/committee/notices/{notice}/", {CA, RG}),
    ("/committee/notices/{notice}/notice.docx", {CA, RG}),
    ("/committee/interviews/", COMMITTEE),
    ("/committee/interviews/new/", SUPERVISE),
    ("/committee/interviews/{iv}/", {CA, RG}),
    ("/committee/interviews/{iv}/record.docx", {CA, RG}),
    ("/committee/visits/", COMMITTEE),
    ("/committee/visits/new/", SUPERVISE),
    ("/committee/members/", COMMITTEE),
    ("/committee/members/set/", SUPERVISE),
    ("/committee/members/{member}/", {CA, RG}),
    ("/responsibility/letters/", RESP),
    ("/responsibility/letters/?export=xlsx", RESP),
    ("/responsibility/letters/{la}/", {CA, DA}),
    ("/responsibility/letters/{la}/letter.docx", {CA, DA}),
    ("/responsibility/letters/{lb}/", {CA, DB}),
    ("/responsibility/templates/new/", SUPERVISE),
    ("/responsibility/templates/{template}/", {CA, RG}),
    ("/responsibility/assessment/", RESP),
    ("/responsibility/assessment/new/", SUPERVISE),
    ("/responsibility/assessment/{scheme}/", {CA, RG}),
    ("/responsibility/assessment/rounds/{round}/", {CA, DA, DB, RG}),
    ("/responsibility/assessment/rounds/{round}/report.docx", {CA}),
    ("/responsibility/assessment/results/{ra}/", {CA, DA}),
    ("/responsibility/assessment/results/{rb}/", {CA, DB}),
    ("/responsibility/accident-supervision/", COMMITTEE),
    ("/responsibility/assessment/{scheme}/indicators/", {CA}),
    ("/responsibility/settings/", SUPERVISE),
    ("/responsibility/posts/", RESP),
    ("/responsibility/posts/?export=xlsx", RESP),
    ("/responsibility/assessment/?export=xlsx", RESP),
    ("/responsibility/accident-supervision/?export=xlsx", COMMITTEE),
    ("/responsibility/assessment/rounds/{round}/?export=xlsx", {CA, DA, DB, RG}),
    ("/api/v1/responsibility/schemes/{scheme}/indicators", {CA, RG}),
    ("/api/v1/committee/cases", COMMITTEE),
    ("/api/v1/committee/cases/{case}", {CA, DB, RG}),
    ("/api/v1/committee/tasks", COMMITTEE),
    ("/api/v1/committee/meetings", COMMITTEE),
    ("/api/v1/committee/notices", COMMITTEE),
    ("/api/v1/committee/interviews", COMMITTEE),
    ("/api/v1/responsibility/letters", RESP),
    ("/api/v1/responsibility/rounds/{round}/ranking", {CA, DA, DB, RG}),
    ("/api/v1/responsibility/results/{ra}", {CA, DA}),
]


def test_routes(login, world, persona):
    ids = _scenario(world)
    client = login(persona)
    wrong = []
    for url, allowed in ROUTES:
        response = client.get(url.format(**ids))
        if persona == "anonymous":
            ok = response.status_code in (401, 302)
        else:
            ok = response.status_code == (200 if persona in allowed else 404)
        if not ok:
            wrong.append((url, response.status_code))
    assert not wrong, (persona, wrong)


def test_refused_writes_change_nothing(login, world):
    ids = _scenario(world)
    # a district cannot answer or close another unit's task, nor acknowledge another's letter
    client = login(DA)
    assert client.post(f"/committee/tasks/{ids['te']}/submit/", {"feedback": "冒名"}).status_code == 404
    assert client.post(f"/committee/tasks/{ids['te']}/review/close/", {"note": ""}).status_code == 404
    assert client.post(f"/responsibility/letters/{ids['lb']}/acknowledge/",
                       {"method": "online", "signatory": "x"}).status_code == 404
    assert client.post(f"/committee/cases/{ids['case']}/close/", {"note": ""}).status_code == 404
    # the regulator may answer its own task but not close it (only the issuer)
    client = login(RG)
    assert client.post(f"/committee/tasks/{ids['te']}/review/close/", {"note": ""}).status_code == 404
    assert client.post(f"/api/v1/committee/tasks/{ids['tb']}/submit", {"feedback": "x"},
                       content_type="application/json").status_code == 404
    te, tb = Task.objects.get(pk=ids["te"]), Task.objects.get(pk=ids["tb"])
    assert te.status == tb.status == TaskStatus.ASSIGNED and te.feedback == tb.feedback == ""
    assert Letter.objects.get(pk=ids["lb"]).status == LetterStatus.ISSUED
    # an enterprise holds no committee action at all
    assert login(EN).post(f"/committee/tasks/{ids['tb']}/read/").status_code == 404
    assert Task.objects.get(pk=ids["tb"]).read_at is None


def test_the_owner_acts_through_the_pages(login, world):
    ids = _scenario(world)
    client = login(DB)
    r = client.post(f"/committee/tasks/{ids['tb']}/submit/", {"feedback": "已办理"})
    assert r.status_code == 302 and Task.objects.get(pk=ids["tb"]).status == TaskStatus.SUBMITTED
    r = client.post(f"/responsibility/letters/{ids['lb']}/acknowledge/", {"method": "online", "signatory": "乙区区长"})
    assert r.status_code == 302 and Letter.objects.get(pk=ids["lb"]).status == LetterStatus.ACKNOWLEDGED
    r = login(CA).post(f"/committee/tasks/{ids['tb']}/review/close/", {"note": "同意"})
    assert r.status_code == 302 and Task.objects.get(pk=ids["tb"]).status == TaskStatus.CLOSED


def test_api_creates_a_matter_within_scope(login, world):
    from anjian.committee.models import Case

    later = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    payload = {"title": "批示办理", "content": "请办理", "leader": "市长", "jurisdiction_code": "990100",
               "tasks": [{"department_id": world.ema.pk, "deadline": later},
                         {"jurisdiction_code": "990102", "requirement": "乙区排查", "deadline": later}]}
    r = login(CA).post("/api/v1/committee/cases", payload, content_type="application/json")
    assert r.status_code == 201, r.content
    assert {t["unit"] for t in r.json()["tasks"]} == {"示范市应急管理局", "乙区"}
    # a district cannot supervise in the city's name, nor task a unit outside its district
    r = login(DA).post("/api/v1/committee/cases", payload, content_type="application/json")
    assert r.status_code in (400, 403, 404)
    r = login(DA).post("/api/v1/committee/cases", {**payload, "jurisdiction_code": "990101", "tasks": [
        {"jurisdiction_code": "990102", "deadline": later}]}, content_type="application/json")
    assert r.status_code in (400, 404)
    assert Case.objects.count() == 1
    # the regulator answers its task through the API
    task = Case.objects.get().tasks.get(department=world.ema)
    r = login(RG).post(f"/api/v1/committee/tasks/{task.pk}/submit", {"feedback": "已办理"},
                       content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "submitted"
