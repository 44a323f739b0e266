"""Issue 17's last gaps: the committee's deadlines are the city's settings (the settings page
drives a task's review, a notice's reading and the answer to an overdue task); a letter left
unacknowledged is reminded before its term and then climbs to the issuing city's inbox; the
template list and the per-indicator scores export to Excel."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine

from anjian.committee import services as cs
from anjian.committee.models import CaseSource, Task
from anjian.committee.policy import DEFAULT_TERMS, terms_for
from anjian.documents.models import DocumentSeries
from anjian.inbox.models import DueItem, DueState, Notification
from anjian.inbox.selectors import due_item_list
from anjian.inbox.services import escalate_overdue, remind_due
from anjian.responsibility import services as rs
from anjian.responsibility.models import LetterLevel, LetterStatus, Policy, Result
from anjian.responsibility.selectors import letter_board

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h=10):
    return dt.datetime(y, m, d, h, tzinfo=TZ)


@pytest.fixture
def series(world):
    return DocumentSeries.objects.create(code="t-terms", prefix="示安委办", name="安委办发文",
                                         jurisdiction=world.city, department=world.committee)


def _settings(client, **changes):
    data = {f: getattr(Policy(), f) for f in rs.POLICY_FIELDS}
    data["veto_accountability"] = "on"
    data.update(changes)
    return client.post("/responsibility/settings/", data)


def test_without_settings_the_documented_defaults_apply(world):
    assert terms_for(world.district_a) == DEFAULT_TERMS
    assert (DEFAULT_TERMS.task_review_days, DEFAULT_TERMS.notice_read_days, DEFAULT_TERMS.overdue_answer_days) == (5, 3, 2)


def test_the_committee_terms_come_from_the_city_settings_page(world, login, series):
    client = login("city_admin")
    page = client.get("/responsibility/settings/").content.decode()
    assert "通报签阅期限" in page and "督办任务反馈后审核期限" in page
    assert _settings(client, task_review_days=0).status_code == 400  # refused, nothing stored
    assert not Policy.objects.exists()
    assert _settings(client, task_review_days=7, notice_read_days=1, overdue_answer_days=4).status_code == 302
    # a district reads them but cannot change them
    assert login("district_a").post("/responsibility/settings/", {"notice_read_days": 9}).status_code == 404
    assert terms_for(world.street_a).notice_read_days == 1

    admin = world.user("city_admin")
    with time_machine.travel(at(2026, 6, 1), tick=False) as clock:
        case = cs.case_create(actor=admin, source=CaseSource.INSTRUCTION, title="汛期安全防范", content="排查风险",
                              leader="市长", jurisdiction=world.city, series=series,
                              tasks=[{"unit": world.ema, "deadline": dt.date(2026, 6, 5)},
                                     {"unit": world.housing, "deadline": dt.date(2026, 6, 5)}])
        tasks = {t.department_id: t for t in case.tasks.all()}
        cs.task_submit(actor=world.user("regulator"), task=tasks[world.ema.pk], feedback="已排查42家")
        review = DueItem.objects.get(kind="committee.task_review", object_id=str(tasks[world.ema.pk].pk))
        assert review.due_at == at(2026, 6, 1) + dt.timedelta(days=7)

        notice = cs.notice_issue(actor=admin, jurisdiction=world.city, kind="criticism", title="通报", body="正文",
                                 issuer="示范市安委办", recipients=[world.housing], series=series)
        read = DueItem.objects.get(kind="committee.notice_read", object_id=str(notice.receipts.get().pk))
        assert timezone_local(read.due_at).date() == dt.date(2026, 6, 2)  # one day, to the end of it

        clock.move_to(at(2026, 6, 8))
        assert cs.tasks_escalate_overdue() == 1
        late = Task.objects.get(pk=tasks[world.housing.pk].pk)
        overdue = DueItem.objects.get(kind="committee.overdue", object_id=str(late.pk))
        assert overdue.due_at == at(2026, 6, 8) + dt.timedelta(days=4)
        assert overdue.owner_jurisdiction == world.city


def timezone_local(value):
    return value.astimezone(TZ)


def test_an_unacknowledged_letter_is_reminded_then_climbs_to_the_city(world, series):
    admin = world.user("city_admin")
    with time_machine.travel(at(2026, 1, 10), tick=False) as clock:
        t = rs.template_create(actor=admin, year=2026, level=LetterLevel.CITY_DISTRICT, title="目标管理责任书",
                               jurisdiction=world.city, issuer="示范市人民政府", body="落实属地管理责任", targets=[])
        letters = {lt.recipient_name: lt for lt in rs.letters_issue(actor=admin, template=t, series=series)}
        a, b = letters["甲区"], letters["乙区"]
        assert b.ack_due == dt.date(2026, 1, 25)  # the default term, 15 days
        rs.letter_acknowledge(actor=world.user("district_a"), letter=a, signatory="甲区区长")
        item = DueItem.objects.get(kind="responsibility.letter_ack", object_id=str(b.pk))
        assert list(due_item_list(user=world.user("district_b")).filter(kind="responsibility.letter_ack")) == [item]

        # three days before the term: one reminder to 乙区's users, none to 甲区's, only once
        clock.move_to(at(2026, 1, 23))
        assert remind_due() == 1 and remind_due() == 0
        reminded = Notification.objects.filter(title__contains="目标管理责任书")
        assert {n.user.username for n in reminded} == {"district_b"}

        # past the term: overdue on the board, and the to-do climbs to the issuing city
        clock.move_to(at(2026, 1, 27))
        assert letter_board(user=admin, template=t)["overdue"] == 1
        assert not due_item_list(user=admin).filter(kind="responsibility.letter_ack").exists()
        assert escalate_overdue() == 1
        item.refresh_from_db()
        assert (item.escalation_level, item.escalated_to) == (1, world.city)
        assert list(due_item_list(user=admin).filter(kind="responsibility.letter_ack")) == [item]
        assert due_item_list(user=world.user("district_b")).filter(pk=item.pk).exists()  # still theirs to do
        assert not due_item_list(user=world.user("district_a")).filter(kind="responsibility.letter_ack").exists()

        # 乙区 signs late: the to-do leaves both inboxes, the letter is acknowledged
        rs.letter_acknowledge(actor=world.user("district_b"), letter=b, signatory="乙区区长")
        item.refresh_from_db()
        b.refresh_from_db()
        assert item.state == DueState.DONE and b.status == LetterStatus.ACKNOWLEDGED
        assert not due_item_list(user=admin).filter(kind="responsibility.letter_ack").exists()
        assert letter_board(user=admin, template=t)["overdue"] == 0


def _sheet(response):
    assert response.status_code == 200, response.content[:200]
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    return rows[0], rows[1:]


def test_template_list_filters_and_exports_within_scope(world, login, series):
    admin = world.user("city_admin")
    with time_machine.travel(at(2026, 1, 10), tick=False):
        t = rs.template_create(actor=admin, year=2026, level=LetterLevel.CITY_DISTRICT, title="2026年度目标责任书",
                               jurisdiction=world.city, issuer="示范市人民政府", body="要求", targets=[])
        rs.letters_issue(actor=admin, template=t, series=series)
        rs.template_create(actor=admin, year=2025, level=LetterLevel.CITY_DISTRICT, title="2025年度目标责任书",
                           jurisdiction=world.city, issuer="示范市人民政府", body="要求", targets=[])
    client = login("city_admin")
    page = client.get("/responsibility/templates/?year=2026").content.decode()
    assert "2026年度目标责任书" in page and "2025年度目标责任书" not in page
    assert "全部责任书模板" in client.get("/responsibility/letters/").content.decode()
    header, rows = _sheet(client.get("/responsibility/templates/?year=2026&export=xlsx"))
    assert header[:3] == ("年度", "责任书名称", "签订层级")
    assert [r[1] for r in rows] == ["2026年度目标责任书"]
    assert rows[0][header.index("已下达")] == 2 and rows[0][header.index("状态")] == "已下达"
    # a district sees the letters addressed to it, not the city's template board
    assert "2026年度目标责任书" not in login("district_a").get("/responsibility/templates/").content.decode()


def test_round_exports_every_indicator_score_of_the_units_it_may_see(world, login):
    admin = world.user("city_admin")
    with time_machine.travel(at(2026, 7, 5), tick=False):
        scheme = rs.scheme_create(actor=admin, year=2026, name="2026年度各区考核", jurisdiction=world.city,
                                  subjects="district", indicators=rs.default_indicators())
        rnd = rs.round_open(actor=admin, scheme=scheme, stage="mid", period_start=dt.date(2026, 1, 1),
                            period_end=dt.date(2026, 6, 30), self_due=dt.date(2026, 7, 15))
    leaves = scheme.indicators.filter(parent__isnull=False).count()
    header, rows = _sheet(login("city_admin").get(f"/responsibility/assessment/rounds/{rnd.pk}/?export=indicators"))
    assert header[:4] == ("排名", "单位", "一级指标", "指标")
    assert len(rows) == 2 * leaves and {r[1] for r in rows} == {"甲区", "乙区"}
    ra = Result.objects.get(round=rnd, jurisdiction=world.district_a)
    deaths = ra.scores.get(indicator__metric="deaths")
    row = next(r for r in rows if r[1] == "甲区" and r[3] == deaths.indicator.name)
    assert row[header.index("得分")] == float(deaths.points) and row[header.index("一级指标")]
    # before publication a district exports only its own scores
    _h, own = _sheet(login("district_a").get(f"/responsibility/assessment/rounds/{rnd.pk}/?export=indicators"))
    assert len(own) == leaves and {r[1] for r in own} == {"甲区"}
