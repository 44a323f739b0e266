"""The gaps of issue 17 closed here: the indicator editor (page + API, validation), bulk issue as a
job, the city's settings page, enterprise → post letters, and the accident hook opening a 督办
matter (with 重点 → 挂牌 bringing the deadlines forward)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anjian.accidents.services import accident_supplement
from anjian.committee.models import Case, CaseSource, Task
from anjian.core.errors import DomainError
from anjian.documents.models import DocumentSeries
from anjian.inbox.models import DueItem
from anjian.jobs.models import Job, JobStatus
from anjian.responsibility import accident_cases
from anjian.responsibility import services as rs
from anjian.responsibility.documents import letter_document
from anjian.responsibility.models import (
    Indicator,
    Letter,
    LetterLevel,
    LetterStatus,
    LetterTemplate,
    Policy,
    Scheme,
)
from anjian.responsibility.policy import policy_for
from tests.accidents.factories import at, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def series(world):
    return DocumentSeries.objects.create(code="t-letters", prefix="示安委责", name="责任书", jurisdiction=world.city,
                                         department=world.committee)


def _scheme(world):
    return rs.scheme_create(actor=world.user("city_admin"), year=2026, name="2026年度各区考核", jurisdiction=world.city,
                            subjects="district")


def _two(points_a="60", points_b="40", **b):
    return [{"name": "事故控制", "children": [{"name": "死亡人数", "points": points_a, "metric": "deaths",
                                              "comparator": "le", "threshold": 0}]},
            {"name": "基础工作", "children": [{"name": "演练", "points": points_b, "metric": "manual", **b}]}]


# --- indicator editor ----------------------------------------------------------------------------


@pytest.mark.parametrize("indicators, message", [
    (_two("60", "30"), "合计须为 100"),
    (_two("0", "100"), "分值须大于 0"),
    ([{"name": "隐患", "children": [{"name": "逾期隐患", "points": 100, "metric": "overdue_hazards",
                                     "comparator": "deduct", "threshold": 101}]}], "每项扣分"),
    ([{"name": "隐患", "children": [{"name": "整改率", "points": 100, "metric": "hazard_rectification",
                                     "comparator": "ge", "threshold": 120}]}], "0 至 100"),
    ([{"name": "隐患", "points": 90, "children": [{"name": "整改率", "points": 100,
                                                   "metric": "hazard_rectification"}]}], "权重 90"),
    ([{"name": "隐患", "children": []}], "至少设置一个二级指标"),
    ([{"name": "隐患", "children": [{"name": "x", "points": 100, "metric": "nonsense"}]}], "评分方式无效"),
])
def test_indicator_validation_refuses_and_keeps_the_old_set(world, indicators, message):
    s = _scheme(world)
    before = list(Indicator.objects.filter(scheme=s).values_list("name", "points"))
    with pytest.raises(DomainError) as exc:
        rs.scheme_indicators_set(actor=world.user("city_admin"), scheme=s, indicators=indicators, bands=[90, 80, 60],
                                 veto_grade=2, veto_accountability=True)
    assert message in exc.value.zh
    assert list(Indicator.objects.filter(scheme=s).values_list("name", "points")) == before


def test_indicator_editor_page_saves_two_levels_bands_and_veto(world, login):
    s = _scheme(world)
    client = login("city_admin")
    page = client.get(f"/responsibility/assessment/{s.pk}/indicators/")
    assert page.status_code == 200 and "隐患整改率" in page.content.decode()
    rows = [("事故控制", "死亡人数控制", "50", "deaths", "le", "0", "超过不得分"),
            ("", "较大事故", "20", "larger_accidents", "le", "0", ""),
            ("隐患排查治理", "逾期隐患", "20", "overdue_hazards", "deduct", "2", "每项扣2分"),
            ("基础工作", "培训", "10", "manual", "ge", "", "提供记录")]
    data = {"rows-TOTAL_FORMS": str(len(rows) + 1), "rows-INITIAL_FORMS": "0", "band_excellent": "92",
            "band_good": "85", "band_pass": "70", "veto_grade": "3"}
    for i, (g, n, p, m, c, t, r) in enumerate(rows):
        data.update({f"rows-{i}-group": g, f"rows-{i}-name": n, f"rows-{i}-points": p, f"rows-{i}-metric": m,
                     f"rows-{i}-comparator": c, f"rows-{i}-threshold": t, f"rows-{i}-rule": r})
    # a sum of 95 is refused on the page with the reason, nothing saved
    bad = {**data, "rows-0-points": "45"}
    r = client.post(f"/responsibility/assessment/{s.pk}/indicators/", bad)
    assert r.status_code == 400 and "合计须为 100" in r.content.decode()
    assert Indicator.objects.filter(scheme=s, name="死亡人数控制").count() == 0
    r = client.post(f"/responsibility/assessment/{s.pk}/indicators/", data)
    assert r.status_code == 302
    s.refresh_from_db()
    groups = rs.indicators_of(s)
    assert [(g["name"], g["points"]) for g in groups] == [("事故控制", Decimal("70")), ("隐患排查治理", Decimal("20")),
                                                           ("基础工作", Decimal("10"))]
    assert groups[1]["children"][0]["threshold"] == Decimal("2")
    assert (s.band_excellent, s.band_good, s.band_pass, s.veto_grade, s.veto_accountability) == (
        Decimal("92"), Decimal("85"), Decimal("70"), 3, False)
    # a district office cannot reach the city's editor
    assert login("district_a").get(f"/responsibility/assessment/{s.pk}/indicators/").status_code == 404


def test_indicator_api_put_and_fixed_once_assessed(world, login):
    s = _scheme(world)
    payload = {"indicators": _two(), "bands": [90, 75, 60], "veto_grade": 2, "veto_accountability": True}
    url = f"/api/v1/responsibility/schemes/{s.pk}/indicators"
    assert login("district_a").put(url, payload, content_type="application/json").status_code == 404
    r = login("city_admin").put(url, payload, content_type="application/json")
    assert r.status_code == 200, r.content
    assert [g["name"] for g in r.json()["indicators"]] == ["事故控制", "基础工作"]
    assert login("city_admin").get(url).json()["bands"] == ["90.00", "75.00", "60.00"]
    bad = login("city_admin").put(url, {**payload, "indicators": _two("50", "40")}, content_type="application/json")
    assert bad.status_code == 400 and "合计须为 100" in bad.json()["detail"]
    today = timezone.localdate()
    rs.round_open(actor=world.user("city_admin"), scheme=s, stage="mid", period_start=today.replace(month=1, day=1),
                  period_end=today, self_due=today + dt.timedelta(days=5))
    r = login("city_admin").put(url, {**payload, "indicators": _two("70", "30")}, content_type="application/json")
    assert r.status_code == 400 and "已开始考核" in r.json()["detail"]
    assert Indicator.objects.get(scheme=s, name="死亡人数").points == Decimal("60")


# --- bulk issue as a job -------------------------------------------------------------------------


def test_bulk_issue_runs_as_a_job_with_progress(world, login, series, django_capture_on_commit_callbacks):
    admin = world.user("city_admin")
    t = rs.template_create(actor=admin, year=timezone.localdate().year, level=LetterLevel.CITY_DEPARTMENT,
                           title="市直部门责任书", jurisdiction=world.city, issuer="示范市人民政府", body="要求", targets=[])
    expected = len(rs.recipients_of(t))
    assert expected >= 2
    client = login("city_admin")
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/responsibility/templates/{t.pk}/issue/", {"series": series.pk})
    job = Job.objects.get(kind="responsibility.issue_letters")
    assert r.status_code == 302 and r["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result["issued"] == expected and job.done == job.total == expected
    assert Letter.objects.filter(template=t).count() == expected
    t.refresh_from_db()
    assert t.status == "issued"
    # nobody left: the second click is refused with a message, no job
    r = client.post(f"/responsibility/templates/{t.pk}/issue/", {"series": series.pk}, follow=True)
    assert "没有需要下达的责任单位" in r.content.decode()
    assert Job.objects.filter(kind="responsibility.issue_letters").count() == 1
    # a district cannot issue the city's template
    assert login("district_a").post(f"/responsibility/templates/{t.pk}/issue/", {"series": series.pk}).status_code == 404


# --- the city's settings -------------------------------------------------------------------------


def test_settings_page_drives_new_letters_schemes_and_reminders(world, login, series):
    client = login("city_admin")
    form = client.get("/responsibility/settings/")
    assert form.status_code == 200
    data = {f: getattr(Policy(), f) for f in rs.POLICY_FIELDS}
    data.update({"ack_days": 20, "ack_remind_days": 5, "weight_accidents": 50, "weight_hazards": 20,
                 "weight_responsibility": 20, "weight_basics": 10, "band_excellent": 95, "veto_accountability": ""})
    r = client.post("/responsibility/settings/", {**data, "weight_basics": 20})
    assert r.status_code == 400 and "合计 100" in r.content.decode() and not Policy.objects.exists()
    assert client.post("/responsibility/settings/", data).status_code == 302
    p = policy_for(world.district_a)
    assert (p.ack_days, p.weight_accidents, p.band_excellent, p.veto_accountability) == (20, 50, Decimal("95"), False)
    # district offices read the city's settings; they cannot change them
    assert login("district_a").get("/responsibility/settings/").status_code == 200
    assert login("district_a").post("/responsibility/settings/", {**data, "ack_days": 3}).status_code == 404
    assert Policy.objects.get().ack_days == 20
    # new schemes and letters follow them
    s = _scheme(world)
    assert (s.band_excellent, s.veto_accountability) == (Decimal("95"), False)
    groups = rs.indicators_of(s)
    assert groups[0]["points"] == Decimal("50") and groups[1]["points"] == Decimal("20")
    assert sum(c["points"] for g in groups for c in g["children"]) == Decimal("100")
    admin = world.user("city_admin")
    t = rs.template_create(actor=admin, year=2026, level=LetterLevel.CITY_DISTRICT, title="责任书",
                           jurisdiction=world.city, issuer="示范市人民政府", body="要求", targets=[])
    assert t.ack_days == 20
    lt = rs.letters_issue(actor=admin, template=t, series=series)[0]
    due = DueItem.objects.get(kind="responsibility.letter_ack", object_id=str(lt.pk))
    assert due.due_at - due.remind_at == dt.timedelta(days=5)


def test_grade_lines_of_the_scheme_decide_the_grade(world):
    admin = world.user("city_admin")
    s = rs.scheme_create(actor=admin, year=2026, name="考核", jurisdiction=world.city, subjects="district",
                         indicators=_two(), bands=[99, 98, 97])
    today = timezone.localdate()
    r = rs.round_open(actor=admin, scheme=s, stage="mid", period_start=today.replace(month=1, day=1), period_end=today,
                      self_due=today + dt.timedelta(days=5))
    # the hand-scored 40 points are 0 until reviewed: 60 → below the scheme's pass line of 97
    assert {res.grade for res in r.results.all()} == {"fail"}
    assert Scheme.objects.get(pk=s.pk).policy.bands[0].min_score == Decimal("99")


# --- enterprise → posts --------------------------------------------------------------------------


def test_enterprise_issues_post_letters_acknowledged_by_holders_scan(world, login, django_capture_on_commit_callbacks):
    client = login("enterprise")
    r = client.post("/responsibility/posts/", {"enterprise": world.ent_b.pk, "year": 2026, "title": "岗位责任书",
                                               "posts": "厂长", "body": "要求", "ack_days": 10})
    assert r.status_code == 400  # not its enterprise
    r = client.post("/responsibility/posts/", {"enterprise": world.ent_a.pk, "year": 2026, "title": "岗位安全生产责任书",
                                               "posts": "生产部经理\n安全员\n安全员\n", "body": "遵守操作规程",
                                               "ack_days": 10})
    assert r.status_code == 302
    t = LetterTemplate.objects.get(level=LetterLevel.ENTERPRISE_POST)
    assert t.enterprise == world.ent_a and rs.post_names(t.posts) == ["生产部经理", "安全员"]
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/responsibility/templates/{t.pk}/issue/", {"series": ""})
    assert r.status_code == 302
    letters = {lt.post: lt for lt in Letter.objects.filter(template=t)}
    assert set(letters) == {"生产部经理", "安全员"}
    lt = letters["安全员"]
    assert lt.enterprise == world.ent_a and lt.number.startswith("2026-")
    # the to-do is the enterprise's; online acknowledgement is refused: the holder signs the paper
    assert DueItem.objects.get(kind="responsibility.letter_ack", object_id=str(lt.pk)).owner_enterprise == world.ent_a
    r = client.post(f"/responsibility/letters/{lt.pk}/acknowledge/", {"method": "online", "signatory": "李四"}, follow=True)
    assert "签字的扫描件" in r.content.decode()
    assert Letter.objects.get(pk=lt.pk).status == LetterStatus.ISSUED
    scan = SimpleUploadedFile("signed.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    r = client.post(f"/responsibility/letters/{lt.pk}/acknowledge/",
                    {"method": "scan", "signatory": "李四", "files": scan})
    lt.refresh_from_db()
    assert r.status_code == 302 and lt.status == LetterStatus.ACKNOWLEDGED and lt.signatory == "李四"
    # another district's office and another enterprise do not see it; the street above does
    assert login("district_b").get(f"/responsibility/templates/{t.pk}/").status_code == 404
    assert login("district_a").get(f"/responsibility/letters/{lt.pk}/").status_code == 200
    assert client.get("/responsibility/posts/").status_code == 200
    docx = client.get(f"/responsibility/letters/{lt.pk}/letter.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    body = zipfile.ZipFile(io.BytesIO(letter_document(lt).to_bytes())).read("word/document.xml").decode()
    assert "岗位安全生产责任书" in body and "安全员岗位" in body and "第二十二条" in body


# --- the accident hook ---------------------------------------------------------------------------


def test_reported_accident_under_supervision_opens_its_matter(world, django_capture_on_commit_callbacks):
    with time_machine.travel(at(2026, 3, 10, 10, 0), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            a = report(world, enterprise=world.ent_b, deaths=1)
        assert a.supervision == 1
        case = Case.objects.get(source=CaseSource.ACCIDENT, source_ref=f"accident:{a.pk}")
        assert {t.deadline for t in case.tasks.all()} == {dt.date(2026, 4, 9)}  # 重点: 30 days
        assert DueItem.objects.filter(kind="committee.task", object_id__in=[str(t.pk) for t in case.tasks.all()]).count() \
            == case.tasks.count()
        # a supplement to 3 deaths: 挂牌督办, the open tasks come forward to 15 days
        with django_capture_on_commit_callbacks(execute=True):
            accident_supplement(actor=world.user("city_admin"), accident=a, changed_on=dt.date(2026, 3, 10),
                                figures={"deaths": 3})
        a.refresh_from_db()
        assert a.supervision == 2
        assert Case.objects.filter(source=CaseSource.ACCIDENT).count() == 1
        assert set(Task.objects.filter(case=case).values_list("deadline", flat=True)) == {dt.date(2026, 3, 25)}
        # no death, no matter
        with django_capture_on_commit_callbacks(execute=True):
            report(world, enterprise=world.ent_a, deaths=0)
        assert Case.objects.filter(source=CaseSource.ACCIDENT).count() == 1


def test_a_failing_hook_never_loses_the_report(world, django_capture_on_commit_callbacks, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("down")

    monkeypatch.setattr(accident_cases, "accident_case_open", boom)
    with time_machine.travel(at(2026, 3, 10, 10, 0), tick=False), django_capture_on_commit_callbacks(execute=True):
        a = report(world, enterprise=world.ent_b, deaths=2)
    assert a.pk and a.supervision == 1 and not Case.objects.exists()
