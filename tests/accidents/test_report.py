"""The quick report (快报), supplements (续报/补报) and misreport findings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from anjian.accidents.models import Accident, AccidentMisreport, AccidentSupplement
from anjian.accidents.services import accident_mark_misreport, accident_supplement
from anjian.audit.selectors import timeline_for
from anjian.core.errors import DomainError, NotAllowed, NotFoundInScope
from anjian.inbox.models import DueItem, DueState
from anjian.rules.accidents import AccidentGrade

from .factories import at, report

pytestmark = pytest.mark.django_db
NOW = at(2026, 3, 12, 10, 0)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_report_computes_grade_reason_routing_and_supervision(world):
    acc = report(world, actor=world.user("district_a"))
    assert acc.grade == AccidentGrade.GENERAL
    assert acc.grade_reason == "死亡1人，未达到较大事故标准（3人以上死亡），属一般事故（条例493第三条）；" \
        "重伤（含急性工业中毒）0人，未达到较大事故标准（10人以上重伤），属一般事故（条例493第三条）；" \
        "直接经济损失50万元，未达到较大事故标准（1000万元以上直接经济损失），属一般事故（条例493第三条）"
    assert acc.jurisdiction == world.ent_a.jurisdiction
    assert acc.jurisdiction.name == "甲一网格"
    assert acc.department == world.ema
    assert acc.type_name == "中毒和窒息"
    assert acc.type_standard == "GB/T 6441-1986"
    assert acc.supervision == 1  # ≥ 1 death → 重点督办
    assert acc.report_due_at == at(2026, 3, 10, 9, 10)
    assert acc.late_minutes is None
    assert [e.verb for e in timeline_for(acc)] == ["reported"]
    assert acc.history.count() == 1


def test_three_deaths_is_larger_with_full_supervision(world):
    acc = report(world, deaths=3)
    assert acc.grade == AccidentGrade.LARGER
    assert acc.grade_reason == "死亡3人，达到“3人以上死亡”，属较大事故（条例493第三条）"
    assert acc.supervision == 2


def test_report_one_minute_after_the_hour_is_late(world):
    on_time = report(world, reported_at=at(2026, 3, 10, 9, 10))
    late = report(world, reported_at=at(2026, 3, 10, 9, 11))
    assert on_time.late_minutes is None
    assert late.late_minutes == 1
    assert late.is_late
    assert [e.verb for e in timeline_for(late)] == ["reported", "late"]
    assert timeline_for(late).last().summary == "迟报：报告时限 2026-03-10 09:10，迟报 1 分钟"


def test_point_places_the_accident_and_overrides_the_unit(world):
    acc = report(world, enterprise=None, unit_name="某物流公司", lng=114.25, lat=22.05, sector=world.ent_b.sector)
    assert acc.jurisdiction.name == "乙一网格"
    assert acc.department == world.housing


def test_type_code_must_belong_to_the_standard_in_force(world):
    with pytest.raises(DomainError) as err:
        report(world, type_code="WSA10001")
    assert err.value.field == "type_code"
    with time_machine.travel(at(2026, 7, 3), tick=False):
        acc = report(world, occurred_at=at(2026, 7, 1, 8), known_at=at(2026, 7, 1, 8, 5),
                     reported_at=at(2026, 7, 1, 8, 30), type_code="WSA10001")
        assert (acc.type_standard, acc.type_name) == ("GB 6441—2025", "物体打击")
        with pytest.raises(DomainError):
            report(world, occurred_at=at(2026, 7, 1, 8), known_at=at(2026, 7, 1, 8, 5),
                   reported_at=at(2026, 7, 1, 8, 30), type_code="01")
    assert Accident.objects.count() == 1


def test_larger_at_risk_needs_a_criterion_and_has_no_grade(world):
    with pytest.raises(DomainError):
        report(world, kind="larger_at_risk", deaths=0)
    acc = report(world, kind="larger_at_risk", deaths=0, trapped=2, missing=1)
    assert acc.grade is None
    assert acc.grade_reason == "较大涉险事故（21号令）：3人以上被困或者下落不明"


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("city_admin", True), ("district_a", True), ("district_b", False), ("regulator", True),
     ("grid_inspector", True), ("enterprise", True)],
)
def test_who_may_report_an_accident_at_ent_a(world, persona, allowed):
    if allowed:
        report(world, actor=world.user(persona))
        assert Accident.objects.count() == 1
    else:
        with pytest.raises(NotAllowed):
            report(world, actor=world.user(persona))
        assert Accident.objects.count() == 0


def test_times_must_be_in_order(world):
    with pytest.raises(DomainError) as err:
        report(world, known_at=at(2026, 3, 10, 7, 0))
    assert err.value.field == "known_at"
    with pytest.raises(DomainError) as err:
        report(world, reported_at=at(2026, 3, 10, 8, 5))
    assert err.value.field == "reported_at"


def test_supplement_inside_window_updates_figures_and_flags_a_raised_grade(world):
    acc = report(world)
    sup = accident_supplement(actor=world.user("district_a"), accident=acc, changed_on=dt.date(2026, 3, 12),
                              figures={"deaths": 3}, note="两名重伤人员经抢救无效死亡")
    acc.refresh_from_db()
    assert sup.counted is True
    assert (sup.grade_before, sup.grade_after) == (1, 2)
    assert acc.deaths == 3
    assert acc.grade == AccidentGrade.LARGER
    assert acc.reported_grade == AccidentGrade.GENERAL
    assert acc.grade_raised is True
    assert acc.supervision == 2
    item = DueItem.objects.get(kind="accidents.grade_raised")
    assert item.owner_jurisdiction == world.city
    assert item.state == DueState.OPEN
    assert item.due_at == NOW + dt.timedelta(hours=2)
    assert item.title == f"事故等级由一般事故升为较大事故，请核报：{acc.title}"
    assert [e.verb for e in timeline_for(acc)] == ["reported", "supplemented", "grade_raised"]
    assert timeline_for(acc)[1].summary == "续报：死亡 1 → 3"
    versions = list(acc.history.order_by("history_id"))
    assert [v.deaths for v in versions] == [1, 3]
    assert versions[-1].history_change_reason == "续报：2026-03-12"


def test_supplement_after_window_is_kept_as_a_note_only(world):
    acc = report(world)
    with time_machine.travel(at(2026, 4, 12, 9), tick=False):
        # 2026-03-10 + 30 days = 2026-04-09 is the last day of the window
        sup = accident_supplement(actor=None, accident=acc, changed_on=dt.date(2026, 4, 10), figures={"deaths": 4})
    acc.refresh_from_db()
    assert (sup.counted, sup.window_end) == (False, dt.date(2026, 4, 9))
    assert acc.deaths == 1
    assert acc.grade == AccidentGrade.GENERAL
    assert DueItem.objects.filter(kind="accidents.grade_raised").count() == 0
    assert timeline_for(acc).last().verb == "supplement_note"


def test_supplement_on_last_day_of_road_traffic_window_counts(world):
    acc = report(world, category="road_traffic", type_code="02")
    with time_machine.travel(at(2026, 3, 20), tick=False):
        sup = accident_supplement(actor=None, accident=acc, changed_on=dt.date(2026, 3, 17), figures={"deaths": 2})
        assert sup.counted is True  # 2026-03-10 + 7 = 2026-03-17
        late = accident_supplement(actor=None, accident=acc, changed_on=dt.date(2026, 3, 18), figures={"deaths": 3})
    assert late.counted is False
    acc.refresh_from_db()
    assert acc.deaths == 2
    assert AccidentSupplement.objects.filter(accident=acc).count() == 2


def test_supplement_outside_scope_is_not_found_and_changes_nothing(world):
    acc = report(world)
    with pytest.raises(NotFoundInScope):
        accident_supplement(actor=world.user("district_b"), accident=acc, changed_on=dt.date(2026, 3, 11),
                            figures={"deaths": 5})
    acc.refresh_from_db()
    assert acc.deaths == 1
    assert AccidentSupplement.objects.count() == 0


def test_misreport_needs_the_role_and_evidence(world):
    acc = report(world)
    evidence = SimpleUploadedFile("笔录.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    with pytest.raises(NotAllowed):
        accident_mark_misreport(actor=world.user("regulator"), accident=acc, kind="concealed", note="x",
                                evidence=[evidence])
    with pytest.raises(DomainError) as err:
        accident_mark_misreport(actor=world.user("district_a"), accident=acc, kind="concealed", note="瞒报一人死亡",
                                evidence=[])
    assert err.value.field == "evidence"
    assert AccidentMisreport.objects.count() == 0
    finding = accident_mark_misreport(actor=world.user("district_a"), accident=acc, kind="concealed",
                                      note="瞒报一人死亡", evidence=[evidence])
    assert finding.get_kind_display() == "瞒报"
    assert timeline_for(acc).last().summary == "认定瞒报"
    from anjian.documents.models import Attachment

    assert Attachment.objects.filter(object_id=str(finding.pk), role="evidence").count() == 1


def test_loss_is_kept_in_yuan_exactly(world):
    acc = report(world, direct_loss_yuan="10000000.00", deaths=0)
    assert acc.direct_loss_yuan == Decimal("10000000.00")
    assert acc.grade == AccidentGrade.LARGER
