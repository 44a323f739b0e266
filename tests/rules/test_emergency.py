"""Case tables for anjian.rules.emergency and anjian.rules.workdays (预案管理办法 2019)."""

from datetime import date

import pytest

from anjian.rules import emergency as r
from anjian.rules.workdays import add_working_days_earliest as add_working_days
from anjian.rules.workdays import is_working_day


@pytest.mark.parametrize(("start", "days", "expected"), [
    (date(2026, 11, 2), 20, date(2026, 11, 30)),   # Monday, four plain weeks
    (date(2026, 9, 28), 20, date(2026, 10, 30)),   # across 国庆 (10-1…10-7 off, 10-10 Saturday worked)
    (date(2026, 2, 12), 5, date(2026, 2, 26)),     # across 春节 (2-14 Saturday worked, 2-15…2-23 off)
    (date(2026, 12, 4), 5, date(2026, 12, 11)),    # Friday: the weekend does not count
    (date(2026, 12, 31), 1, date(2027, 1, 1)),     # 2027 is not in the table: the earliest, Monday–Friday
    (date(2026, 12, 5), 0, date(2026, 12, 5)),
])
def test_add_working_days(start, days, expected):
    assert add_working_days(start, days) == expected


def test_working_day_calendar():
    assert not is_working_day(date(2026, 10, 5))      # a Monday of 国庆
    assert is_working_day(date(2026, 10, 10))         # 调休 Saturday
    assert not is_working_day(date(2026, 12, 6))      # Sunday
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), -1)


@pytest.mark.parametrize(("published", "due"), [
    (date(2026, 11, 2), date(2026, 11, 30)),
    (date(2026, 9, 28), date(2026, 10, 30)),
    (date(2026, 4, 30), date(2026, 6, 1)),  # 劳动节 5-1…5-5 off, Saturday 5-9 worked
])
def test_plan_filing_due(published, due):
    assert r.plan_filing_due(published) == due


@pytest.mark.parametrize(("submitted", "due"), [
    (date(2026, 12, 4), date(2026, 12, 11)),
    (date(2026, 2, 12), date(2026, 2, 26)),
    (date(2026, 9, 30), date(2026, 10, 13)),  # 10-8, 10-9, 10-10 (Saturday worked), 10-12, 10-13
])
def test_filing_check_due(submitted, due):
    assert r.filing_check_due(submitted) == due


@pytest.mark.parametrize(("plan_type", "high_risk", "government", "months"), [
    ("综合", False, False, 12),
    ("专项", False, False, 12),
    ("现场处置", False, False, 6),
    ("综合", True, False, 6),
    ("专项", True, False, 6),
    ("现场处置", True, False, 6),
    ("综合", False, True, 24),
    ("专项", True, True, 24),
])
def test_drill_interval_months(plan_type, high_risk, government, months):
    assert r.drill_interval_months(plan_type=plan_type, high_risk=high_risk, government=government) == months


def test_drill_interval_unknown_type():
    with pytest.raises(ValueError):
        r.drill_interval_months(plan_type="其他", high_risk=False, government=False)


@pytest.mark.parametrize(("staff", "needed"), [(0, False), (499, False), (500, True), (12000, True)])
def test_needs_fire_and_technical_drills(staff, needed):
    assert r.needs_fire_and_technical_drills(staff) is needed


@pytest.mark.parametrize(("codes", "flags", "files"), [
    (["C", "26", "261"], ["hazardous_chemicals"], True),
    (["E", "47", "470"], [], True),
    (["B", "06"], [], True),
    (["C", "31", "311"], [], True),
    (["H", "61", "611"], [], True),
    (["G", "54", "541", "5412"], [], True),
    (["I", "65"], ["crowded_place"], True),
    (["C", "13"], [], False),
    ([], [], False),
])
def test_must_file(codes, flags, files):
    assert r.must_file(sector_codes=codes, flags=flags) is files


def test_written_review_and_evaluation():
    assert r.needs_written_review(sector_codes=["C", "13"], flags=[], medium_or_larger=True)
    assert not r.needs_written_review(sector_codes=["C", "13"], flags=[], medium_or_larger=False)
    assert r.needs_periodic_evaluation(sector_codes=["B"], flags=[], medium_or_larger=False)
    assert r.evaluation_due(date(2024, 2, 29)) == date(2027, 2, 28)
    assert r.evaluation_due(date(2026, 12, 6)) == date(2029, 12, 6)


@pytest.mark.parametrize(("last", "since", "months", "due"), [
    (None, date(2026, 1, 31), 6, date(2026, 7, 31)),
    (date(2026, 8, 31), date(2025, 1, 1), 6, date(2027, 2, 28)),
    (date(2025, 3, 15), date(2020, 1, 1), 24, date(2027, 3, 15)),
])
def test_drill_due(last, since, months, due):
    assert r.drill_due(last_drill=last, since=since, interval_months=months) == due


def test_revision_triggers_are_the_six_of_article_36():
    assert len(r.REVISION_TRIGGERS) == 6
    assert len({code for code, _zh, _en in r.REVISION_TRIGGERS}) == 6


@pytest.mark.parametrize(("codes", "flags", "expected"), [
    (["E", "47", "470"], [], ("高处坠落", "物体打击", "坍塌", "起重伤害", "触电")),
    (["C", "26"], ["hazardous_chemicals"], ("机械伤害", "火灾", "触电", "爆炸", "中毒和窒息", "灼烫")),
    (["H", "61"], ["crowded_place"], ("火灾",)),
    (["H", "61"], [], ()),
    (["B", "06"], ["confined_space"], ("冒顶片帮", "透水", "放炮", "中毒和窒息", "坍塌")),
])
def test_typical_accident_types(codes, flags, expected):
    assert r.typical_accident_types(sector_codes=codes, flags=flags) == expected


@pytest.mark.parametrize(("covered", "kind", "ok"), [
    (["火灾", "爆炸"], "火灾", True),
    (["爆炸"], "容器爆炸", True),
    (["火灾爆炸"], "火灾", True),
    (["中毒和窒息"], "触电", False),
    ([], "火灾", False),
    ([" "], "火灾", False),
])
def test_plan_covers(covered, kind, ok):
    assert r.plan_covers(covered, kind) is ok
