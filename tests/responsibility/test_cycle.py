"""A year's cycle: scheme set, letters issued and acknowledged, mid-year automatic scores from
seeded records checked against hand-computed figures, a veto, self-assessment, review, ranking."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from anjian.accidents.services import accountability_add
from anjian.documents.models import DocumentSeries
from anjian.hazards import services as hs
from anjian.inbox.models import DueItem, DueState
from anjian.inbox.selectors import due_item_list
from anjian.responsibility import services as rs
from anjian.responsibility.models import LetterLevel, LetterStatus, Result, ResultStatus, RoundStatus
from anjian.rules import assessment as rules
from tests.accidents.factories import report

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h=10):
    return dt.datetime(y, m, d, h, tzinfo=TZ)


def _hazard(world, ent, found, *, written_off: bool, deadline):
    admin = world.user("city_admin")
    h = hs.hazard_report(actor=admin, source="inspection", enterprise=ent, category="消防通道堵塞",
                         description="堆放杂物", level="general", found_at=found)
    hs.hazard_confirm(actor=admin, hazard=h, deadline=deadline)
    if written_off:
        hs.hazard_start_rectification(actor=admin, hazard=h)
        hs.hazard_submit(actor=admin, hazard=h, note="已清理")
        hs.hazard_write_off(actor=admin, hazard=h, note="验收合格")
    return h


@pytest.fixture
def series(world):
    return DocumentSeries.objects.create(code="t-letters", prefix="示安委责", name="责任书", jurisdiction=world.city,
                                         department=world.committee)


def test_year_cycle(world, series):
    admin = world.user("city_admin")
    with time_machine.travel(at(2026, 1, 10), tick=False) as clock:
        # year start: targets in the letters, the scheme with its indicators
        t = rs.template_create(
            actor=admin, year=2026, level=LetterLevel.CITY_DISTRICT, title="2026年度安全生产目标管理责任书",
            jurisdiction=world.city, issuer="示范市人民政府", body="落实属地管理责任\n开展隐患排查治理",
            targets=[{"metric": "deaths", "comparator": "le", "value": 1, "text": "事故死亡人数不超过1人"},
                     {"metric": "hazard_rectification", "comparator": "ge", "value": 95, "text": "隐患整改率不低于95%"}],
        )
        letters = rs.letters_issue(actor=admin, template=t, series=series)
        assert [lt.number for lt in letters] == ["示安委责〔2026〕1号", "示安委责〔2026〕2号"]
        by_name = {lt.recipient_name: lt for lt in letters}
        a, b = by_name["甲区"], by_name["乙区"]
        # the to-do is in exactly that district's inbox
        assert due_item_list(user=world.user("district_a")).filter(kind="responsibility.letter_ack").count() == 1
        assert due_item_list(user=world.user("district_a")).get(kind="responsibility.letter_ack").object_id == str(a.pk)
        assert not due_item_list(user=world.user("regulator")).filter(kind="responsibility.letter_ack").exists()
        rs.letter_acknowledge(actor=world.user("district_a"), letter=a, signatory="甲区区长")
        a.refresh_from_db()
        assert a.status == LetterStatus.ACKNOWLEDGED
        assert DueItem.objects.get(kind="responsibility.letter_ack", object_id=str(a.pk)).state == DueState.DONE
        scheme = rs.scheme_create(actor=admin, year=2026, name="2026年度各区安全生产考核", jurisdiction=world.city,
                                  subjects="district", indicators=rs.default_indicators())

        # the first half of the year, as the platform records it
        clock.move_to(at(2026, 3, 5))
        for i in range(3):
            _hazard(world, world.ent_a, at(2026, 3, 1 + i), written_off=True, deadline=at(2026, 3, 20))
        _hazard(world, world.ent_a2, at(2026, 3, 4), written_off=False, deadline=at(2026, 4, 1))
        for i in range(2):
            _hazard(world, world.ent_b, at(2026, 3, 1 + i), written_off=True, deadline=at(2026, 3, 20))
        clock.move_to(at(2026, 5, 1))
        report(world, enterprise=world.ent_a, deaths=1, occurred_at=at(2026, 4, 2, 8), known_at=at(2026, 4, 2, 8),
               reported_at=at(2026, 4, 2, 8, ))
        larger = report(world, enterprise=world.ent_b, deaths=3, occurred_at=at(2026, 4, 20, 8),
                        known_at=at(2026, 4, 20, 8), reported_at=at(2026, 4, 20, 8))
        assert larger.grade == 2

        # mid-year progress check
        clock.move_to(at(2026, 7, 5))
        b.refresh_from_db()
        assert b.is_overdue  # 乙区 never acknowledged
        rnd = rs.round_open(actor=admin, scheme=scheme, stage="mid", period_start=dt.date(2026, 1, 1),
                            period_end=dt.date(2026, 6, 30), self_due=dt.date(2026, 7, 15))
        ra = Result.objects.get(round=rnd, jurisdiction=world.district_a)
        rb = Result.objects.get(round=rnd, jurisdiction=world.district_b)
        pts_a = {s.indicator.metric: s.points for s in ra.scores.select_related("indicator") if s.auto}
        # hand-computed: deaths 1 ≤ 1 → 25; no larger accident → 15; 3/4 = 75.0 % of 95 % → 20 × 75 / 95 = 15.79;
        # one overdue hazard → 10 − 1 = 9; letter acknowledged → 5; no task due → 15
        assert pts_a == {"deaths": Decimal("25.00"), "larger_accidents": Decimal("15.00"),
                         "hazard_rectification": Decimal("15.79"), "overdue_hazards": Decimal("9.00"),
                         "letter_acknowledged": Decimal("5.00"), "tasks_on_time": Decimal("15.00")}
        rect = ra.scores.get(indicator__metric="hazard_rectification")
        assert rect.value == Decimal("75.0") and rect.threshold == Decimal("95.00")
        assert rect.source_url.startswith("/hazards/?") and "jurisdiction=990101" in rect.source_url
        assert ra.total == Decimal("84.79") and ra.grade == "good" and not ra.vetoed
        # 乙区: 3 deaths > 1 → 0; a 较大 accident → 0; 2/2 → 20; none overdue → 10; letter not signed → 0; → 15
        assert rb.total == Decimal("45.00") and rb.vetoed and rb.grade == "fail"
        assert "较大事故" in rb.veto_reason
        assert (ra.rank, rb.rank) == (1, 2)
        # each unit has a self-assessment to-do in its own inbox
        assert due_item_list(user=world.user("district_b")).filter(kind="responsibility.self").count() == 1

        # self-assessment of the hand-scored indicators, then the office's review
        manual = [s.indicator_id for s in ra.scores.all() if not s.auto]
        rs.result_self_submit(actor=world.user("district_a"), result=ra, points={manual[0]: 5, manual[1]: 4},
                              evidence={manual[0]: "演练记录3份"})
        assert due_item_list(user=admin).filter(kind="responsibility.review").count() == 1
        rs.result_review(actor=admin, result=ra, points={manual[0]: 5, manual[1]: 4})
        ra.refresh_from_db()
        assert ra.total == Decimal("93.79") and ra.grade == "excellent" and ra.status == ResultStatus.REVIEWED
        # an appeal and its answer
        rs.result_appeal(actor=world.user("district_a"), result=ra, reason="培训覆盖率已达100%")
        rs.result_review(actor=admin, result=ra, points={manual[1]: 5}, answer="经核实予以采纳")
        ra.refresh_from_db()
        assert ra.total == Decimal("94.79")
        rs.round_publish(actor=admin, round=rnd)
        rnd.refresh_from_db()
        assert rnd.status == RoundStatus.PUBLISHED

        # a cadre held to account vetoes too (领导干部问责)
        accountability_add(actor=admin, accident=larger, data={"subject_kind": "person", "name": "王某",
                                                                "position": "乙区副区长", "measure": "discipline"})
        final = rs.round_open(actor=admin, scheme=scheme, stage="final", period_start=dt.date(2026, 1, 1),
                              period_end=dt.date(2026, 12, 31), self_due=dt.date(2027, 1, 15))
        assert "领导干部问责：王某（乙区副区长）" in Result.objects.get(round=final, jurisdiction=world.district_b).veto_reason


def test_district_cannot_issue_or_assess_for_the_city(world, series):
    from anjian.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        rs.scheme_create(actor=world.user("district_a"), year=2026, name="x", jurisdiction=world.city,
                         subjects="district", indicators=rs.default_indicators())
    assert not rs.Scheme.objects.exists()


def test_rules_score_and_rank():
    C = rules.Comparator
    assert rules.score(comparator=C.AT_MOST, value=Decimal(2), threshold=Decimal(1), points=Decimal(25)) == 0
    assert rules.score(comparator=C.AT_LEAST, value=None, threshold=Decimal(95), points=Decimal(20)) == 20
    assert rules.score(comparator=C.DEDUCT, value=Decimal(30), threshold=Decimal(1), points=Decimal(10)) == 0
    ranked = rules.rank([(1, Decimal(90), False), (2, Decimal(95), True), (3, Decimal(90), False), (4, Decimal(80), False)])
    assert [(r.key, r.rank) for r in ranked] == [(1, 1), (3, 1), (4, 3), (2, 4)]
