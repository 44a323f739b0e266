"""The issue's must-show test: 快报 → late supplement raising the grade → investigation with an
appraisal pause → accountability → closure, asserting inbox, timeline and history."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from anjian.accidents.models import Accident, Investigation
from anjian.accidents.services import (
    accident_grade_raise_acknowledge,
    accident_supplement,
    accountability_add,
    accountability_follow_up,
    investigation_appraisal_end,
    investigation_appraisal_start,
    investigation_close,
    investigation_extend,
    investigation_open,
    investigation_publish,
    investigation_reply,
    investigation_submit_report,
    measure_complete,
)
from anjian.audit.selectors import timeline_for
from anjian.core.errors import DomainError, InvalidTransition, NotAllowed
from anjian.inbox.models import DueItem, DueState
from anjian.rules.accidents import AccidentGrade

from .factories import at, report

pytestmark = pytest.mark.django_db


def _open_items(obj_kind: str) -> list[DueItem]:
    return list(DueItem.objects.filter(kind=obj_kind, state=DueState.OPEN))


def test_accident_from_quick_report_to_closure(world):
    city, district_a = world.user("city_admin"), world.user("district_a")
    # 1. 快报, reported 70 minutes after the head learned of it → 迟报
    with time_machine.travel(at(2026, 3, 10, 10), tick=False):
        acc = report(world, actor=world.user("enterprise"), deaths=1, serious_injuries=3,
                     reported_at=at(2026, 3, 10, 9, 20))
    assert (acc.grade, acc.late_minutes) == (AccidentGrade.GENERAL, 10)

    # 2. a late supplement (补报 on day 20, filed on day 25, still inside the 30-day window) raises the grade
    with time_machine.travel(at(2026, 4, 4, 9), tick=False):
        accident_supplement(actor=world.user("enterprise"), accident=acc, changed_on=dt.date(2026, 3, 30),
                            figures={"deaths": 3, "serious_injuries": 1}, note="两名重伤人员经抢救无效死亡")
    acc.refresh_from_db()
    assert (acc.grade, acc.reported_grade, acc.grade_raised) == (AccidentGrade.LARGER, AccidentGrade.GENERAL, True)
    raised = _open_items("accidents.grade_raised")
    assert [(i.owner_jurisdiction_id, i.due_at) for i in raised] == [(world.city.pk, at(2026, 4, 4, 11))]

    # 3. 较大 → the city investigates; the district may not open the case
    with time_machine.travel(at(2026, 4, 5, 9), tick=False):
        with pytest.raises(NotAllowed):
            investigation_open(actor=district_a, accident=acc, team_leader="李四")
        assert Investigation.objects.count() == 0
        accident_grade_raise_acknowledge(actor=city, accident=acc)
        inv = investigation_open(actor=city, accident=acc, team_leader="王五", team_members="赵六 市应急管理局\n钱七 市公安局")
    assert inv.lead_jurisdiction == world.city
    assert inv.due_on == dt.date(2026, 5, 9)  # 2026-03-10 + 60 days
    assert _open_items("accidents.grade_raised") == []
    report_items = _open_items("accidents.investigation_report")
    assert [(i.owner_jurisdiction_id, i.due_at) for i in report_items] == [(world.city.pk, at(2026, 5, 9, 23, 59, ) + dt.timedelta(seconds=59))]

    # 4. technical appraisal from 4-10 to 4-30: 20 days do not count
    with time_machine.travel(at(2026, 4, 10, 9), tick=False):
        investigation_appraisal_start(actor=city, investigation=inv, started_on=dt.date(2026, 4, 10))
    inv.refresh_from_db()
    assert inv.status == "appraisal"
    assert _open_items("accidents.investigation_report") == []
    with time_machine.travel(at(2026, 4, 30, 9), tick=False):
        investigation_appraisal_end(actor=city, investigation=inv, ended_on=dt.date(2026, 4, 30))
        with pytest.raises(DomainError):
            investigation_extend(actor=city, investigation=inv, days=61, note="省政府批准")
    inv.refresh_from_db()
    assert (inv.status, inv.appraisal_days, inv.due_on) == ("investigating", 20, dt.date(2026, 5, 29))
    assert [i.due_at.date() for i in _open_items("accidents.investigation_report")] == [dt.date(2026, 5, 29)]

    # 5. report, reply (15 days for 较大), measures
    with time_machine.travel(at(2026, 5, 20, 9), tick=False):
        pdf = SimpleUploadedFile("调查报告.pdf", b"%PDF-1.4\n%report\n", content_type="application/pdf")
        investigation_submit_report(actor=city, investigation=inv, submitted_on=dt.date(2026, 5, 20), files=[pdf])
    inv.refresh_from_db()
    assert (inv.status, inv.reply_due_on) == ("reported", dt.date(2026, 6, 4))
    # the accident's own to-dos (a 较大 accident has also opened an emergency incident: another app's)
    assert [i.kind for i in DueItem.objects.filter(state=DueState.OPEN, kind__startswith="accidents.")] == ["accidents.reply"]
    assert [i.kind for i in DueItem.objects.filter(state=DueState.OPEN).exclude(kind__startswith="accidents.")] \
        == ["emergency.incident"]
    with time_machine.travel(at(2026, 6, 1, 9), tick=False):
        investigation_reply(actor=city, investigation=inv, replied_on=dt.date(2026, 6, 1), reply_text="同意调查报告",
                            measures=[{"text": "全面排查反应釜", "responsible": world.ent_a.name, "due_on": dt.date(2026, 7, 31)},
                                      {"text": "开展全员培训", "responsible": world.ent_a.name}])
        investigation_publish(actor=city, investigation=inv, published_on=dt.date(2026, 6, 1))
        # accountability
        fine = accountability_add(actor=city, accident=acc, data={"subject_kind": "unit", "name": world.ent_a.name,
                                                                   "measure": "fine", "fine_yuan": "1000000"})
        person = accountability_add(actor=city, accident=acc, data={"subject_kind": "person", "name": "孙八",
                                                                     "position": "总经理", "measure": "judiciary"})
        accountability_follow_up(actor=city, record=fine, status="done", note="罚款已缴纳")
        with pytest.raises(NotAllowed):
            accountability_add(actor=world.user("enterprise"), accident=acc,
                               data={"subject_kind": "person", "name": "x", "measure": "other"})
    inv.refresh_from_db()
    assert inv.is_published
    rect = _open_items("accidents.rectification")
    assert [(i.owner_enterprise_id, i.due_at.date()) for i in rect] == [(world.ent_a.pk, dt.date(2026, 7, 31))]

    # 6. closure refused until every measure is done
    with time_machine.travel(at(2026, 7, 20, 9), tick=False):
        m1, m2 = inv.measures.all()
        measure_complete(actor=city, measure=m1, done_on=dt.date(2026, 7, 20), note="已完成排查")
        with pytest.raises(InvalidTransition) as err:
            investigation_close(actor=city, investigation=inv, closed_on=dt.date(2026, 7, 20))
        assert err.value.zh == "尚有1项整改措施未落实"
        measure_complete(actor=city, measure=m2, done_on=dt.date(2026, 7, 20), note="培训120人")
        investigation_close(actor=city, investigation=inv, closed_on=dt.date(2026, 7, 20))
    inv.refresh_from_db()
    assert (inv.status, inv.closed_on) == ("closed", dt.date(2026, 7, 20))
    # every to-do of the accident is closed (the emergency incident's waits for the duty office)
    assert DueItem.objects.filter(state=DueState.OPEN, kind__startswith="accidents.").count() == 0

    assert [e.verb for e in timeline_for(acc)] == [
        "reported", "late", "supplemented", "grade_raised", "verified", "investigation_opened",
        "accountability_added", "accountability_added", "accountability_follow_up", "closed",
    ]
    assert [e.verb for e in timeline_for(inv)] == [
        "opened", "investigation.appraisal", "investigation.investigating", "investigation.reported",
        "attachments_added", "investigation.rectifying", "published", "measure_done", "measure_done",
        "investigation.closed",
    ]
    assert [e.summary for e in timeline_for(inv)][2] == "技术鉴定完成：技术鉴定（计时中止） → 调查中"
    reasons = [v.history_change_reason for v in inv.history.order_by("history_id")]
    assert reasons[0] == "成立调查组"
    assert "技术鉴定不计入调查期限的天数：20" in reasons
    assert reasons[-1] == "结案"
    assert [v.deaths for v in Accident.history.filter(id=acc.pk).order_by("history_id")] == [1, 3]
    assert person.follow_up == "pending"


def test_general_accident_is_opened_by_the_district(world):
    with time_machine.travel(at(2026, 3, 12), tick=False):
        acc = report(world)
        inv = investigation_open(actor=world.user("district_a"), accident=acc, team_leader="李四")
    assert inv.lead_jurisdiction == world.district_a
    with time_machine.travel(at(2026, 3, 12), tick=False), pytest.raises(DomainError):
        investigation_open(actor=world.user("district_a"), accident=acc, team_leader="李四")
