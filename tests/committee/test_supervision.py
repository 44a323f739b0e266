"""An instruction split to three departments, one late → escalated, a notice issued, an
interview held; meetings with sign-in, minutes and decisions; member units with history."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from anjian.committee import services as cs
from anjian.committee.documents import interview_document, notice_document
from anjian.committee.models import Case, CaseSource, CaseStatus, Task, TaskStatus
from anjian.core.errors import DomainError, NotAllowed
from anjian.documents.models import DocumentSeries
from anjian.inbox.models import DueItem, DueState
from anjian.inbox.selectors import due_item_list
from anjian.orgs.models import DepartmentKind
from anjian.orgs.services import department_create

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h=10):
    return dt.datetime(y, m, d, h, tzinfo=TZ)


@pytest.fixture
def series(world):
    return DocumentSeries.objects.create(code="t-committee", prefix="示安委办", name="安委办发文",
                                         jurisdiction=world.city, department=world.committee)


def test_instruction_split_three_ways(world, series):
    admin = world.user("city_admin")
    transport = department_create(actor=None, name="示范市交通运输局", kind=DepartmentKind.REGULATOR,
                                  jurisdiction=world.city)
    with time_machine.travel(at(2026, 6, 1), tick=False) as clock:
        case = cs.case_create(
            actor=admin, source=CaseSource.INSTRUCTION, title="落实市长关于汛期安全防范的批示",
            content="请应急、住建、交通部门立即排查汛期风险", leader="市长", jurisdiction=world.city, series=series,
            tasks=[{"unit": world.ema, "requirement": "排查危化企业防汛措施", "deadline": dt.date(2026, 6, 10)},
                   {"unit": world.housing, "requirement": "排查在建工地深基坑", "deadline": dt.date(2026, 6, 10)},
                   {"unit": transport, "requirement": "排查隧道涵洞积水点", "deadline": dt.date(2026, 6, 10)}],
        )
        assert case.number == "示安委办〔2026〕1号"
        tasks = {t.department_id: t for t in case.tasks.all()}
        # each task is a to-do in exactly that department's inbox, none in the city office's own
        mine = due_item_list(user=world.user("regulator")).filter(kind="committee.task")
        assert list(mine.values_list("object_id", flat=True)) == [str(tasks[world.ema.pk].pk)]
        assert not due_item_list(user=admin).filter(kind="committee.task").exists()
        # the regulator sees the case through its task, but not the other departments' tasks
        from anjian.committee.selectors import case_list, tasks_of_case

        assert list(case_list(user=world.user("regulator"))) == [case]
        assert [t.pk for t in tasks_of_case(user=world.user("regulator"), case=case)] == [tasks[world.ema.pk].pk]
        assert not case_list(user=world.user("district_a")).exists()

        # read receipt and feedback
        cs.task_read(actor=world.user("regulator"), task=tasks[world.ema.pk])
        with pytest.raises(DomainError):
            cs.task_submit(actor=world.user("regulator"), task=tasks[world.ema.pk], feedback=" ")
        cs.task_submit(actor=world.user("regulator"), task=tasks[world.ema.pk], feedback="已排查危化企业42家")
        assert DueItem.objects.get(kind="committee.task", object_id=str(tasks[world.ema.pk].pk)).state == DueState.DONE
        review = due_item_list(user=admin).get(kind="committee.task_review")
        assert review.object_id == str(tasks[world.ema.pk].pk)
        # only the issuer closes
        with pytest.raises((NotAllowed, DomainError)):
            cs.task_close(actor=world.user("regulator"), task=tasks[world.ema.pk])
        assert Task.objects.get(pk=tasks[world.ema.pk].pk).status == TaskStatus.SUBMITTED
        cs.task_close(actor=admin, task=tasks[world.ema.pk], note="同意办结")
        # housing answers on time; transport is late
        cs.task_submit(actor=admin, task=tasks[world.housing.pk], feedback="排查工地17处")
        cs.task_close(actor=admin, task=tasks[world.housing.pk])

        clock.move_to(at(2026, 6, 12))
        assert cs.tasks_escalate_overdue() == 1
        assert cs.tasks_escalate_overdue() == 0  # once
        late = Task.objects.get(pk=tasks[transport.pk].pk)
        assert late.escalated and late.is_overdue
        overdue = due_item_list(user=admin).get(kind="committee.overdue")
        assert overdue.object_id == str(late.pk)
        with pytest.raises(DomainError):
            cs.case_close(actor=admin, case=case)

        # a notice to the late department, read receipt
        notice = cs.notice_issue(actor=admin, jurisdiction=world.city, kind="criticism",
                                 title="关于交通运输局逾期未反馈督办事项的通报", body="市交通运输局未按期反馈。\n请立即整改。",
                                 issuer="示范市安全生产委员会办公室", recipients=[transport], series=series, case=case)
        assert notice.number == "示安委办〔2026〕2号"
        # the notice answers the escalation to-do
        assert DueItem.objects.get(kind="committee.overdue", object_id=str(late.pk)).state == DueState.DONE
        receipt = notice.receipts.get()
        assert DueItem.objects.get(kind="committee.notice_read", object_id=str(receipt.pk)).owner_department == transport
        cs.notice_read(actor=admin, receipt=receipt)
        receipt.refresh_from_db()
        assert receipt.read_at is not None

        # an interview; its follow-up becomes a task
        iv = cs.interview_record(actor=admin, jurisdiction=world.city, target=transport, interviewees="交通运输局局长",
                                 interviewer="市安委办主任", reason="督办事项逾期未反馈", held_on=dt.date(2026, 6, 12),
                                 commitments="三日内完成排查并反馈", follow_up_on=dt.date(2026, 6, 20), series=series,
                                 case=case)
        follow = Case.objects.get(interview=iv)
        assert follow.source == CaseSource.INTERVIEW
        assert follow.tasks.get().deadline == dt.date(2026, 6, 20) and follow.tasks.get().department == transport

        # the late unit answers; the issuer closes the case
        cs.task_submit(actor=admin, task=late, feedback="已排查积水点9处")
        cs.task_close(actor=admin, task=late)
        cs.case_close(actor=admin, case=case, note="各单位均已办结")
        case.refresh_from_db()
        assert case.status == CaseStatus.CLOSED

        # the Word documents are built (GB/T 9704 layout, checked as images in test_documents)
        assert notice_document(notice).to_bytes()[:2] == b"PK"
        assert interview_document(iv).to_bytes()[:2] == b"PK"


def test_district_task_escalates_up_the_tree(world):
    """An overdue district task also climbs the territory tree through the inbox."""
    from anjian.inbox.services import escalate_overdue

    admin = world.user("city_admin")
    with time_machine.travel(at(2026, 6, 1), tick=False) as clock:
        case = cs.case_create(actor=admin, source=CaseSource.KEY, title="重点督办：甲区有限空间专项整治",
                              content="开展专项整治", jurisdiction=world.city,
                              tasks=[{"unit": world.district_a, "deadline": dt.date(2026, 6, 5)}])
        item = due_item_list(user=world.user("district_a")).get(kind="committee.task")
        assert item.object_id == str(case.tasks.get().pk)
        clock.move_to(at(2026, 6, 8))
        escalate_overdue()
        item.refresh_from_db()
        assert item.escalated_to == world.city


def test_outsiders_cannot_supervise_or_answer(world):
    admin = world.user("city_admin")
    with pytest.raises(NotAllowed):
        cs.case_create(actor=world.user("district_a"), source=CaseSource.INSTRUCTION, title="x", content="x",
                       jurisdiction=world.city, tasks=[{"unit": world.ema, "deadline": dt.date(2099, 1, 1)}])
    with pytest.raises(DomainError):  # a district office may not task a unit outside its district
        cs.case_create(actor=world.user("district_a"), source=CaseSource.INSTRUCTION, title="x", content="x",
                       jurisdiction=world.district_a, tasks=[{"unit": world.district_b, "deadline": dt.date(2099, 1, 1)}])
    assert not Case.objects.exists()
    case = cs.case_create(actor=admin, source=CaseSource.INSTRUCTION, title="x", content="x", jurisdiction=world.city,
                          tasks=[{"unit": world.ema, "deadline": dt.date(2099, 1, 1)}])
    task = case.tasks.get()
    with pytest.raises(DomainError):
        cs.task_submit(actor=world.user("district_a"), task=task, feedback="冒名反馈")
    task.refresh_from_db()
    assert task.status == TaskStatus.ASSIGNED and task.feedback == ""


def test_meeting_sign_in_minutes_and_decisions(world, series):
    admin = world.user("city_admin")
    with time_machine.travel(at(2026, 4, 1), tick=False):
        m = cs.meeting_create(actor=admin, jurisdiction=world.city, kind="quarterly", title="二季度防范重特大事故工作会议",
                              held_at=at(2026, 4, 2, 9), place="市政府第一会议室", chair="常务副市长",
                              agenda="一、通报一季度形势\n二、部署二季度工作", invited=[world.ema, world.housing])
        assert due_item_list(user=admin).filter(kind="committee.minutes").count() == 1
        cs.meeting_sign_in(actor=world.user("regulator"), meeting=m, name="应急局李某", department=world.ema)
        with pytest.raises(DomainError):
            cs.meeting_sign_in(actor=world.user("regulator"), meeting=m, name="应急局李某", department=world.ema)
        cs.meeting_minutes(actor=admin, meeting=m, minutes="会议听取了一季度情况汇报……", series=series, decisions=[
            {"title": "开展有限空间专项整治", "tasks": [{"unit": world.ema, "deadline": dt.date(2026, 5, 31)}]},
            {"title": "建筑工地防汛检查", "tasks": [{"unit": world.housing, "deadline": dt.date(2026, 5, 15)}]},
        ])
        m.refresh_from_db()
        assert m.status == "minuted" and m.minutes_number == "示安委办〔2026〕1号"
        assert m.decisions.count() == 2 and Task.objects.filter(case__meeting=m).count() == 2
        assert DueItem.objects.get(kind="committee.minutes").state == DueState.DONE


def test_member_units_keep_history(world):
    admin = world.user("city_admin")
    mu = cs.member_set(actor=admin, jurisdiction=world.city, department=world.ema, representative="张局长",
                       liaison="王科长", liaison_phone="0755-1234")
    cs.member_set(actor=admin, jurisdiction=world.city, department=world.ema, representative="李局长",
                  liaison="王科长")
    assert mu.history.count() == 2
    with pytest.raises(NotAllowed):
        cs.member_set(actor=world.user("district_a"), jurisdiction=world.city, department=world.housing)
    cs.member_leave(actor=admin, member=mu)
    mu.refresh_from_db()
    assert mu.left_on is not None


def test_supervision_visit_findings_become_tasks(world, login):
    from anjian.committee.models import Visit, VisitStatus

    admin = world.user("city_admin")
    with time_machine.travel(at(2026, 1, 20), tick=False):
        v = cs.visit_plan(actor=admin, jurisdiction=world.city, focus="holiday", title="春节前安全生产督导",
                          target="甲区人员密集场所", leader="常务副市长", planned_on=dt.date(2026, 1, 25))
        assert due_item_list(user=admin).filter(kind="committee.visit").count() == 1
        with pytest.raises(NotAllowed):
            cs.visit_plan(actor=world.user("district_b"), jurisdiction=world.district_a, focus="area", title="x",
                          target="x", leader="x", planned_on=dt.date(2026, 1, 25))
        client = login("city_admin")
        r = client.post(f"/committee/visits/{v.pk}/", {"findings": "某商场消防通道堵塞", "unit": f"j:{world.district_a.pk}",
                                                       "requirement": "立即清理", "deadline": "2026-01-31"})
        assert r.status_code == 302, r.content.decode()[:500]
        v = Visit.objects.get(pk=v.pk)
        assert v.status == VisitStatus.DONE and v.case is not None
        assert v.case.tasks.get().jurisdiction == world.district_a
        assert due_item_list(user=world.user("district_a")).filter(kind="committee.task").count() == 1
        assert DueItem.objects.get(kind="committee.visit").state == DueState.DONE


def test_supervision_visit_finding_at_an_enterprise_becomes_a_hazard(world, login):
    """A finding at an enterprise, entered with the visit record on the phone, is registered as a
    hazard (督导检查, found by the leader) routed to the enterprise's regulator and linked from the
    visit; an enterprise outside the office's scope is refused with nothing stored."""
    from anjian.committee.models import Visit, VisitStatus
    from anjian.hazards.models import Hazard, HazardSource

    district = world.user("district_a")
    with time_machine.travel(at(2026, 3, 2), tick=False):
        v = cs.visit_plan(actor=district, jurisdiction=world.district_a, focus="sector", title="危化企业复工督导",
                          target="甲区危险化学品企业", leader="区长", planned_on=dt.date(2026, 3, 3))
        client = login("district_a")
        refused = client.post(f"/committee/visits/{v.pk}/", {
            "findings": "储罐区防火堤破损", "hazard_enterprise": str(world.ent_b.pk), "hazard_description": "防火堤破损"})
        assert refused.status_code == 200 and "hazard_enterprise" in refused.context["form"].errors
        assert Visit.objects.get(pk=v.pk).status == VisitStatus.PLANNED and not Hazard.objects.exists()
        r = client.post(f"/committee/visits/{v.pk}/", {
            "findings": "储罐区防火堤破损", "hazard_enterprise": str(world.ent_a.pk), "hazard_category": "防火防爆",
            "hazard_description": "二号储罐防火堤有裂缝", "hazard_level": "general"})
        assert r.status_code == 302, r.content.decode()[:500]
        h = Hazard.objects.get()
        page = client.get(f"/committee/visits/{v.pk}/").content.decode()
    assert (h.enterprise, h.source, h.finder_name, h.category) == (world.ent_a, HazardSource.SUPERVISION, "区长", "防火防爆")
    assert h.department == world.ema  # routed like any hazard
    assert h.code in page and "登记的隐患" in page
