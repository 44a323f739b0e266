"""Case tables for anjian.rules.workdays and anjian.rules.enforcement (行政处罚法 deadlines)."""

import datetime as dt
from decimal import Decimal

import pytest

from anjian.rules import enforcement as r
from anjian.rules.workdays import HolidayDataMissing, add_working_days, is_working_day

D = dt.date


@pytest.mark.parametrize(("start", "n", "expected"), [
    (D(2026, 1, 5), 1, D(2026, 1, 6)),          # plain Monday → Tuesday
    (D(2026, 1, 9), 1, D(2026, 1, 12)),         # Friday → Monday (weekend skipped)
    (D(2025, 12, 31), 1, D(2026, 1, 4)),        # 元旦 1–3 Jan off, Sunday 4 Jan worked (调休)
    (D(2026, 2, 13), 1, D(2026, 2, 14)),        # Saturday 14 Feb is a working day before 春节
    (D(2026, 2, 14), 1, D(2026, 2, 24)),        # 春节 15–23 Feb off
    (D(2026, 2, 12), 5, D(2026, 2, 26)),        # 13, 14 (调休 Sat), 24, 25, 26
    (D(2026, 2, 26), 2, D(2026, 2, 28)),        # Saturday 28 Feb worked
    (D(2026, 9, 30), 1, D(2026, 10, 8)),        # 国庆 1–7 Oct off
    (D(2026, 10, 8), 2, D(2026, 10, 10)),       # Saturday 10 Oct worked
    (D(2026, 9, 18), 1, D(2026, 9, 20)),        # Sunday 20 Sep worked
    (D(2025, 1, 24), 1, D(2025, 1, 26)),        # 2025 春节: Sunday 26 Jan worked
    (D(2025, 1, 27), 1, D(2025, 2, 5)),         # 28 Jan – 4 Feb off
    (D(2025, 9, 30), 1, D(2025, 10, 9)),        # 2025 国庆+中秋 1–8 Oct off
    (D(2024, 2, 9), 1, D(2024, 2, 18)),         # 2024 春节 10–17 Feb, Sunday 18 Feb worked
])
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected


def test_working_day_flags():
    assert is_working_day(D(2026, 2, 14)) is True   # adjusted Saturday
    assert is_working_day(D(2026, 2, 16)) is False  # 春节
    assert is_working_day(D(2026, 3, 7)) is False   # ordinary Saturday


def test_year_without_data_raises():
    with pytest.raises(HolidayDataMissing) as exc:
        add_working_days(D(2026, 12, 31), 1)
    assert "2027" in exc.value.zh
    with pytest.raises(HolidayDataMissing):
        is_working_day(D(2023, 6, 1))


def test_bad_input():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 1, 5), 0)
    with pytest.raises(TypeError):
        add_working_days(dt.datetime(2026, 1, 5), 1)


@pytest.mark.parametrize(("filed", "due"), [
    (D(2026, 1, 5), D(2026, 4, 7)),     # 5 Jan + 90 = 5 Apr (清明 4–6 Apr) → Tue 7 Apr
    (D(2026, 3, 2), D(2026, 6, 1)),     # 31 May is a Sunday → Mon 1 Jun
    (D(2026, 7, 3), D(2026, 10, 8)),    # 1 Oct (国庆) → 8 Oct
    (D(2026, 6, 1), D(2026, 8, 31)),    # 30 Aug Sunday → 31 Aug
])
def test_decision_due(filed, due):
    assert r.decision_due(filed) == due


@pytest.mark.parametrize(("notified", "due"), [
    (D(2026, 3, 2), D(2026, 3, 9)),      # Mon + 5 working days → next Mon
    (D(2026, 2, 11), D(2026, 2, 25)),    # 12, 13, 14 (调休 Sat), 24, 25
    (D(2026, 9, 28), D(2026, 10, 10)),   # 29, 30, 8, 9, 10 (调休 Sat)
    (D(2025, 12, 29), D(2026, 1, 6)),    # 30, 31, 4 (调休 Sun), 5, 6
])
def test_hearing_request_due(notified, due):
    assert r.hearing_request_due(notified) == due


@pytest.mark.parametrize(("decided", "due"), [
    (D(2026, 3, 2), D(2026, 3, 11)),
    (D(2026, 2, 10), D(2026, 2, 26)),    # 11, 12, 13, 14, 24, 25, 26
    (D(2026, 9, 25), D(2026, 10, 12)),   # 28, 29, 30, 8, 9, 10, 12
])
def test_delivery_due(decided, due):
    assert r.delivery_due(decided) == due


@pytest.mark.parametrize(("received", "due"), [
    (D(2026, 3, 2), D(2026, 3, 17)),
    (D(2026, 2, 1), D(2026, 2, 24)),     # 16 Feb in 春节 → 24 Feb
    (D(2026, 9, 20), D(2026, 10, 8)),    # 5 Oct → 8 Oct
    (D(2026, 2, 13), D(2026, 2, 28)),    # 28 Feb is an adjusted working Saturday: stays
])
def test_payment_due(received, due):
    assert r.payment_due(received) == due


@pytest.mark.parametrize(("fine", "due", "paid", "surcharge"), [
    ("10000", D(2026, 3, 17), D(2026, 3, 17), "0.00"),
    ("10000", D(2026, 3, 17), D(2026, 3, 10), "0.00"),
    ("10000", D(2026, 3, 17), D(2026, 3, 18), "300.00"),
    ("10000", D(2026, 3, 17), D(2026, 3, 27), "3000.00"),
    ("10000", D(2026, 3, 17), D(2026, 4, 20), "10000.00"),   # capped at the fine (34 days)
    ("333.33", D(2026, 3, 17), D(2026, 3, 18), "10.00"),
])
def test_late_payment_surcharge(fine, due, paid, surcharge):
    assert r.late_payment_surcharge(Decimal(fine), due, paid) == Decimal(surcharge)


@pytest.mark.parametrize(("fine", "organisation", "ok"), [
    ("0", False, True), ("200", False, True), ("200.01", False, False),
    ("3000", True, True), ("3001", True, False), ("-1", True, False),
])
def test_on_the_spot(fine, organisation, ok):
    assert r.on_the_spot_allowed(Decimal(fine), organisation=organisation) is ok


def test_recheck_and_remedies():
    assert r.recheck_due(D(2026, 3, 2)) == D(2026, 3, 12)
    assert r.recheck_due(D(2026, 3, 20), applied_on=D(2026, 3, 2)) == D(2026, 3, 12)
    assert r.recheck_due(D(2026, 9, 21)) == D(2026, 10, 8)
    assert r.review_application_due(D(2026, 3, 2)) == D(2026, 5, 6)   # 1 May → after 劳动节
    assert r.lawsuit_due(D(2026, 8, 31)) == D(2027, 2, 28)


def test_classify_first_match():
    rules = [
        r.ClassRule(order=1, klass="D", quota=12, sector_prefix="C", grades=("",), flag="hazardous_chemicals"),
        r.ClassRule(order=2, klass="A", quota=1, grades=("1",)),
        r.ClassRule(order=3, klass="C", quota=4, risk_colours=("red", "orange")),
        r.ClassRule(order=9, klass="B", quota=2),
    ]
    chem = r.EnterpriseFacts(sector_code="26", sector_ancestors=("C",), flags=("hazardous_chemicals",))
    assert r.classify(chem, rules).klass == "D"
    assert r.classify(r.EnterpriseFacts(standardization_grade="1"), rules).klass == "A"
    assert r.classify(r.EnterpriseFacts(risk_colour="red"), rules).klass == "C"
    assert r.classify(r.EnterpriseFacts(), rules).klass == "B"
    assert r.classify(r.EnterpriseFacts(), []) is None


def test_draw_reproducible():
    pop = list(range(1, 101))
    a = r.draw("2026-甲区-01", pop, 5)
    assert a == r.draw("2026-甲区-01", list(reversed(pop)), 5)
    assert len(set(a)) == 5
    assert a != r.draw("2026-甲区-02", pop, 5)
    assert r.draw("x", [1, 2], 5) == r.draw("x", [2, 1], 5)
    assert len(r.draw("x", [1, 2], 5)) == 2


@pytest.mark.parametrize(("notice", "earliest"), [
    (D(2026, 3, 2), D(2026, 3, 11)),     # Mon + 7 working days → Wed of the next week
    (D(2026, 2, 12), D(2026, 2, 28)),    # 13, 14 (调休 Sat), 春节 off, 24–27, 28 (调休 Sat)
    (D(2026, 9, 29), D(2026, 10, 14)),   # 30, 国庆 off, 8, 9, 10 (调休 Sat), 12, 13, 14
    (D(2025, 12, 30), D(2026, 1, 9)),    # 31, 元旦 off, 4 (调休 Sun), 5–8, 9
])
def test_hearing_earliest(notice, earliest):
    """行政处罚法 Art. 64(2) with Art. 85: the notice 7 working days before the hearing."""
    assert r.hearing_earliest(notice) == earliest
    assert r.hearing_notice_in_time(notice, earliest)
    assert not r.hearing_notice_in_time(notice, earliest - dt.timedelta(days=1))


@pytest.mark.parametrize(("requested", "due"), [
    (D(2026, 3, 2), D(2026, 3, 17)),     # 15 calendar days, a Tuesday
    (D(2026, 2, 5), D(2026, 2, 24)),     # 20 Feb falls in 春节: the next working day
    (D(2026, 9, 20), D(2026, 10, 8)),    # from the 调休 Sunday: 5 Oct in 国庆 → 8 Oct
    (D(2026, 2, 13), D(2026, 2, 28)),    # ends on the 调休 Saturday, a working day: stays
])
def test_hearing_hold_due(requested, due):
    """15号令 internal target: the hearing within 15 days of the request (民法典 Art. 203 roll-over)."""
    assert r.hearing_hold_due(requested) == due


def test_hearing_rules_refuse_a_year_without_data():
    with pytest.raises(HolidayDataMissing):
        r.hearing_earliest(D(2030, 3, 1))


@pytest.mark.parametrize(("kind", "fine", "organisation", "expected"), [
    ("fine", "50000", True, "large_fine"),       # 15号令 Art. 33(2): 5万元以上 (the amount itself included)
    ("fine", "49999.99", True, ""),              # just below: statement and defence only (Art. 45)
    ("fine", "20000", True, ""),
    ("fine", "20000", False, "large_fine"),      # an individual: 2万元以上
    ("fine", "19999", False, ""),
    ("suspend", "0", True, "suspend"),           # Art. 63(1)(4) 责令停产停业, whatever the fine
    ("suspend", "1000", False, "suspend"),
    ("warning", "0", True, ""),                  # a warning carries no hearing right
    ("fine", None, True, ""),
])
def test_hearing_right_art_63(kind, fine, organisation, expected):
    assert r.hearing_right(kind, fine, organisation=organisation) == expected
    if expected:
        assert "第六十三条" in r.HEARING_GROUNDS[expected]


def test_hearing_right_province_figures_and_bad_input():
    # a province that sets its own "较大数额" (Art. 33(2) of 15号令 defers to it)
    assert r.hearing_right("fine", "30000", organisation=True, large_fine_organisation=Decimal("30000")) == "large_fine"
    assert r.hearing_right("fine", "30000", organisation=True) == ""
    with pytest.raises(ValueError):
        r.hearing_right("revoke", "0", organisation=True)
    with pytest.raises(ValueError):
        r.hearing_right("fine", "-1", organisation=True)
