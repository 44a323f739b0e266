"""The issue's must-show walk-throughs: a 重大 hazard from a patrol finding through plan,
rectification, review and 销号; an overdue 一般 hazard through escalation; and district B
cannot see or act on district A's hazards while the sector regulator can."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from anjian.core.errors import InvalidTransition, NotAllowed, NotFoundInScope
from anjian.documents.models import Attachment
from anjian.hazards import services as hs
from anjian.hazards.models import Hazard, HazardLevel, HazardSource
from anjian.inbox.models import DueItem, Notification
from anjian.inbox.selectors import due_item_list
from anjian.inbox.services import escalate_overdue, remind_due
from anjian.rules import hazards as rules

from .helpers import due_rows, open_item, photo, reasons, snapshot, verbs

pytestmark = pytest.mark.django_db

CST = rules.CHINA_TZ
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # 17:00 in Shanghai
FULL_PLAN = {
    "targets_tasks": "消除储罐区防火堤缺陷",
    "methods_measures": "修补防火堤，增设可燃气体报警",
    "funds_materials": "资金 12 万元已落实",
    "organisation_people": "设备部 张三",
    "deadline_requirements": "2026年4月30日前完成",
    "safety_emergency": "停用储罐，现场监护，应急预案已备案",
}


def _mine(user) -> list[int]:
    return [int(i.object_id) for i in due_item_list(user=user) if i.content_type.model == "hazard"]


def _report_major(world) -> Hazard:
    return hs.hazard_report(
        actor=world.user("grid_inspector"),
        source=HazardSource.PATROL,
        enterprise=world.ent_a,
        category="储罐区防火堤破损",
        description="3号储罐防火堤有 2 米长裂缝",
        level=HazardLevel.MAJOR,
        standard_item="化工和危险化学品生产经营单位重大生产安全事故隐患判定标准 第十二条",
        lng=114.0502,
        lat=22.0501,
        accuracy_m=8.5,
        photos=[photo("before.jpg")],
    )


def test_major_hazard_from_patrol_through_plan_review_and_write_off(world):
    inspector, regulator, enterprise = world.user("grid_inspector"), world.user("regulator"), world.user("enterprise")

    # 1. A grid inspector reports it from a patrol: routed to the grid and to 应急管理局.
    with time_machine.travel(T0, tick=False):
        h = _report_major(world)
    assert (h.status, h.jurisdiction, h.department, h.sector.code) == ("reported", world.grid_a, world.ema, "26")
    assert h.routing_rule == "行业 C 制造业 @ 全市默认 → 示范市应急管理局"
    assert (h.finder, h.found_at, h.location_accuracy_m) == (inspector, T0, 8.5)
    assert verbs(h) == ["hazard.reported", "attachments_added"]
    assert list(Attachment.objects.filter(object_id=str(h.pk)).values_list("role", flat=True)) == ["before"]
    item = open_item(h)
    assert (item.kind, item.owner_jurisdiction, item.owner_department, item.owner_enterprise) == (
        "hazards.confirm", world.street_a, world.ema, None)  # the grid's street office confirms
    assert item.due_at == T0 + dt.timedelta(days=1)
    assert item.url == f"/hazards/{h.pk}/"
    assert _mine(regulator) == [h.pk]
    assert _mine(enterprise) == []
    assert reasons(h) == ["上报"]

    # 2. The regulator confirms it: default deadline is the local 90 days (rules), the enterprise owns it.
    with time_machine.travel(T0 + dt.timedelta(hours=3), tick=False):
        hs.hazard_confirm(actor=regulator, hazard=h, responsible_person="李四", note="情况属实")
    h.refresh_from_db()
    assert h.status == "confirmed"
    assert h.deadline == dt.datetime(2026, 5, 31, 23, 59, 59, 999999, tzinfo=CST)
    assert due_rows(h) == [("hazards.confirm", "done"), ("hazards.rectify", "open")]
    item = open_item(h)
    assert (item.owner_enterprise, item.owner_department, item.due_at) == (world.ent_a, world.ema, h.deadline)
    assert _mine(enterprise) == [h.pk]
    assert verbs(h)[-1] == "hazard.confirmed"

    # 3. Rectification cannot start without the six-part plan (16号令 Art. 15); nothing changes.
    before = snapshot(h)
    with pytest.raises(InvalidTransition) as exc:
        hs.hazard_start_rectification(actor=enterprise, hazard=h)
    assert "治理的目标和任务" in exc.value.zh and "安全措施和应急预案" in exc.value.zh
    assert snapshot(h) == before

    # A draft with five parts is kept, but still does not allow the start.
    draft = {k: v for k, v in FULL_PLAN.items() if k != "safety_emergency"}
    hs.hazard_plan_set(actor=enterprise, hazard=h, plan=draft)
    with pytest.raises(InvalidTransition) as exc:
        hs.hazard_start_rectification(actor=enterprise, hazard=h)
    assert exc.value.zh == "重大隐患治理方案缺少：安全措施和应急预案"

    # The complete plan sets the deadline; the open inbox item follows it.
    plan_deadline = dt.datetime(2026, 4, 30, 23, 59, 59, tzinfo=CST)
    hs.hazard_plan_set(actor=enterprise, hazard=h, plan=FULL_PLAN, deadline=plan_deadline)
    assert open_item(h).due_at == plan_deadline
    hs.hazard_start_rectification(actor=enterprise, hazard=h, note="已停用3号储罐")
    h.refresh_from_db()
    assert h.status == "rectifying"
    assert due_rows(h) == [("hazards.confirm", "done"), ("hazards.rectify", "open")]

    # 4. A major hazard is not "submitted" like a general one: it needs the 销号 application.
    with pytest.raises(InvalidTransition):
        hs.hazard_submit(actor=enterprise, hazard=h, note="完成")
    applied_at = dt.datetime(2026, 4, 20, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(applied_at, tick=False):
        hs.hazard_apply_writeoff(actor=enterprise, hazard=h, note="已修复并经评估", photos=[photo("after.jpg", "green")])
    h.refresh_from_db()
    assert (h.status, h.applied_at) == ("applied", applied_at)
    assert sorted(Attachment.objects.filter(object_id=str(h.pk)).values_list("role", flat=True)) == ["after", "before"]
    item = open_item(h)
    # On-site review within 10 days of the application (rules.review_due).
    assert (item.kind, item.due_at) == ("hazards.review", dt.datetime(2026, 4, 30, 23, 59, 59, 999999, tzinfo=CST))
    # A 重大 hazard's on-site review is the district office's (with the sector department).
    assert (item.owner_jurisdiction, item.owner_department, item.owner_enterprise) == (world.district_a, world.ema, None)
    assert _mine(enterprise) == []
    assert _mine(regulator) == [h.pk]

    # 5. The enterprise cannot review its own hazard; the inspector cannot either.
    before = snapshot(h)
    for user in (enterprise, inspector):
        with pytest.raises(NotAllowed):
            hs.hazard_review(actor=user, hazard=h, passed=True, note="自查合格")
    assert snapshot(h) == before

    # 6. The regulator reviews on site and writes it off.
    with time_machine.travel(applied_at + dt.timedelta(days=3), tick=False):
        hs.hazard_review(actor=regulator, hazard=h, passed=True, note="现场核查合格")
        hs.hazard_write_off(actor=regulator, hazard=h, note="同意销号")
    h.refresh_from_db()
    assert (h.status, h.written_off_at) == ("written_off", applied_at + dt.timedelta(days=3))
    assert due_rows(h) == [("hazards.confirm", "done"), ("hazards.rectify", "done"), ("hazards.review", "done")]
    assert _mine(regulator) == []
    assert verbs(h) == [
        "hazard.reported", "attachments_added", "hazard.confirmed", "hazard.plan_set", "hazard.plan_set",
        "hazard.rectifying", "hazard.applied", "attachments_added", "hazard.reviewed", "hazard.written_off",
    ]
    assert reasons(h) == [
        "上报", "确认", "状态：待整改", "治理方案", "治理方案", "状态：整改中", "销号申请", "状态：销号申请待核查",
        "现场核查", "状态：核查通过待销号", "销号", "状态：已销号",
    ]
    last = h.history.order_by("-history_id").first()
    assert (last.status, last.written_off_at) == ("written_off", applied_at + dt.timedelta(days=3))


def test_failed_review_sends_a_major_hazard_back(world):
    regulator, enterprise = world.user("regulator"), world.user("enterprise")
    with time_machine.travel(T0, tick=False):
        h = _report_major(world)
        hs.hazard_confirm(actor=regulator, hazard=h)
        hs.hazard_plan_set(actor=enterprise, hazard=h, plan=FULL_PLAN)
        hs.hazard_start_rectification(actor=enterprise, hazard=h)
        hs.hazard_apply_writeoff(actor=enterprise, hazard=h, note="完成")
        with pytest.raises(InvalidTransition):
            hs.hazard_review(actor=regulator, hazard=h, passed=False, note="")
        hs.hazard_review(actor=regulator, hazard=h, passed=False, note="防火堤仍有渗漏")
    h.refresh_from_db()
    assert h.status == "rectifying"
    assert open_item(h).kind == "hazards.rectify"
    with pytest.raises(InvalidTransition):
        hs.hazard_write_off(actor=regulator, hazard=h)


def test_overdue_general_hazard_escalates_up_the_tree_and_to_the_department(world):
    district_a, regulator, enterprise = world.user("district_a"), world.user("regulator"), world.user("enterprise")
    with time_machine.travel(T0, tick=False):
        h = hs.hazard_report(
            actor=world.user("grid_inspector"), source=HazardSource.PATROL, enterprise=world.ent_a,
            category="消防通道堵塞", description="仓库北侧消防通道堆放货物",
        )
        hs.hazard_confirm(actor=district_a, hazard=h)
    h.refresh_from_db()
    # 一般: rectified immediately — by the end of the day found (16号令 Art. 15, rules).
    due = dt.datetime(2026, 3, 2, 23, 59, 59, 999999, tzinfo=CST)
    assert h.deadline == due
    item = open_item(h)
    assert (item.kind, item.due_at, item.escalation_level) == ("hazards.rectify", due, 0)
    assert _mine(district_a) == []

    # The reminder goes out at once (the deadline is the same day) to the owner units: the
    # enterprise, the grid and the sector department.
    assert remind_due(now=T0) == 1
    assert sorted(Notification.objects.values_list("user__username", "title")) == [
        (u, "即将到期：待整改：甲区化工有限公司 消防通道堵塞（2026-03-02 23:59）")
        for u in ("enterprise", "grid_inspector", "regulator")]

    with time_machine.travel(due + dt.timedelta(hours=12), tick=False):
        assert Hazard.objects.get(pk=h.pk).is_overdue is True
        assert escalate_overdue() == 0  # first step one day after the deadline (rules schedule)
    with time_machine.travel(due + dt.timedelta(days=1, seconds=1), tick=False):
        assert escalate_overdue() == 1
        assert escalate_overdue() == 0
    item.refresh_from_db()
    assert (item.escalation_level, item.escalated_to, item.escalated_department) == (1, world.street_a, world.ema)
    assert verbs(h)[-1] == "escalated"
    assert _mine(district_a) == []

    with time_machine.travel(due + dt.timedelta(days=7, seconds=2), tick=False):
        assert escalate_overdue() == 1
        assert _mine(district_a) == [h.pk]
        assert h.pk in _mine(regulator)
    item.refresh_from_db()
    assert (item.escalation_level, item.escalated_to) == (2, world.district_a)
    assert verbs(h) == ["hazard.reported", "hazard.confirmed", "escalated", "escalated"]
    from anjian.audit.selectors import timeline_for

    assert list(timeline_for(h).filter(verb="escalated").values_list("summary", flat=True)) == [
        "逾期升级至甲一街道（第1级）：待整改：甲区化工有限公司 消防通道堵塞",
        "逾期升级至甲区（第2级）：待整改：甲区化工有限公司 消防通道堵塞",
    ]
    assert set(Notification.objects.filter(title__startswith="逾期升级").values_list("user__username", flat=True)) == {
        "district_a", "regulator"}

    # Rectification ends the escalation: the enterprise submits, the district verifies.
    with time_machine.travel(due + dt.timedelta(days=8), tick=False):
        hs.hazard_start_rectification(actor=enterprise, hazard=h)
        hs.hazard_submit(actor=enterprise, hazard=h, note="已清理", photos=[photo("after.jpg")])
        item = open_item(h)
        assert item.kind == "hazards.verify"
        hs.hazard_send_back(actor=district_a, hazard=h, note="仍有杂物")
        hs.hazard_submit(actor=enterprise, hazard=h, note="已全部清理")
        hs.hazard_write_off(actor=district_a, hazard=h, note="验收合格")
    h.refresh_from_db()
    assert h.status == "written_off"
    assert DueItem.objects.filter(object_id=str(h.pk), state="open").count() == 0
    assert verbs(h)[4:] == [
        "hazard.rectifying", "hazard.submitted", "attachments_added", "hazard.rectifying", "hazard.submitted",
        "hazard.written_off",
    ]


def test_district_b_cannot_see_or_act_on_district_a_hazards_but_the_regulator_can(world):
    district_b, regulator = world.user("district_b"), world.user("regulator")
    with time_machine.travel(T0, tick=False):
        h = hs.hazard_report(
            actor=world.user("grid_inspector"), source=HazardSource.PATROL, enterprise=world.ent_a,
            category="消防通道堵塞", description="仓库北侧消防通道堆放货物",
        )
    assert list(Hazard.objects.restrict(district_b, "view")) == []
    assert list(Hazard.objects.restrict(regulator, "view")) == [h]
    before = snapshot(h)
    for call in (
        lambda: hs.hazard_confirm(actor=district_b, hazard=h),
        lambda: hs.hazard_reject(actor=district_b, hazard=h, reason="not_a_hazard", note="x"),
        lambda: hs.hazard_reroute(actor=district_b, hazard=h, reason="x", department=world.housing),
        lambda: hs.hazard_start_rectification(actor=district_b, hazard=h),
    ):
        with pytest.raises(NotFoundInScope):
            call()
    assert snapshot(h) == before
    assert _mine(district_b) == []
    # District B cannot report into district A either.
    with pytest.raises(NotAllowed):
        hs.hazard_report(actor=district_b, source="patrol", enterprise=world.ent_a, category="x", description="y")
    assert Hazard.objects.count() == 1

    hs.hazard_confirm(actor=regulator, hazard=h)
    assert Hazard.objects.get(pk=h.pk).status == "confirmed"
