"""The statistics engine: exact aggregates, comparisons, indicators, scope, and the API and page
showing the same figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from anjian.accidents.services import accident_supplement, investigation_open, reference_figure_set
from anjian.accidents.stats import (
    Period,
    accident_comparison,
    accident_indicators,
    accident_stats,
    investigation_closure,
    statistics_report,
)
from anjian.core.errors import NotAllowed

from .factories import at, report, when

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world):
    with time_machine.travel(at(2026, 8, 20), tick=False):
        # 2025-03: one in district A
        report(world, **when(2025, 3, 5), deaths=1, minor_injuries=0, direct_loss_yuan=100000)
        # 2026-02: one road accident in district B
        report(world, enterprise=world.ent_b, category="road_traffic", type_code="02", **when(2026, 2, 10),
               deaths=1, minor_injuries=1, direct_loss_yuan=50000)
        # 2026-03: three accidents
        a1 = report(world, **when(2026, 3, 1), deaths=1, minor_injuries=2, direct_loss_yuan=500000)
        report(world, enterprise=world.ent_b, type_code="09", **when(2026, 3, 31), deaths=3, serious_injuries=1,
               minor_injuries=0, direct_loss_yuan="1234567.89")
        report(world, enterprise=world.ent_a2, type_code="01", **when(2026, 3, 15), deaths=0, minor_injuries=1,
               direct_loss_yuan=0)
        report(world, enterprise=world.ent_a2, kind="larger_at_risk", **when(2026, 3, 16), deaths=0,
               minor_injuries=0, trapped=3)
        # 2026-07 (GB 6441—2025)
        report(world, **when(2026, 7, 2), type_code="WSA10001", deaths=1, minor_injuries=0, direct_loss_yuan=0)
        # a late supplement for a1 does not count
        accident_supplement(actor=None, accident=a1, changed_on=dt.date(2026, 4, 5), figures={"deaths": 5})
        return a1


MARCH = Period.month(2026, 3)


def test_periods():
    assert MARCH.previous() == Period.month(2026, 2)
    assert MARCH.last_year() == Period.month(2025, 3)
    assert Period(dt.date(2026, 3, 1), dt.date(2026, 3, 10)).previous() == Period(dt.date(2026, 2, 19), dt.date(2026, 2, 28))
    assert Period.month(2024, 2).last_year() == Period(dt.date(2023, 2, 1), dt.date(2023, 2, 28))
    assert Period.month(2026, 1).previous() == Period.month(2025, 12)


def test_comparison_year_on_year_and_month_on_month(world, data):
    result = accident_comparison(user=world.user("city_admin"), period=MARCH)
    cur = result["current"]
    assert (cur["count"], cur["deaths"], cur["injuries"], cur["larger"], cur["larger_at_risk"]) == (3, 4, 4, 1, 1)
    assert cur["loss_yuan"] == Decimal("1734567.89")
    assert (result["last_year"]["count"], result["last_year"]["deaths"]) == (1, 1)
    assert result["yoy"]["count"] == Decimal("200.0")
    assert result["yoy"]["deaths"] == Decimal("300.0")
    assert result["mom"]["count"] == Decimal("200.0")
    assert result["mom"]["larger"] is None  # no 较大 accident in February


def test_breakdowns(world, data, django_assert_max_num_queries):
    user = world.user("city_admin")
    with django_assert_max_num_queries(4):  # + whether the rollup has been refreshed (issue 22)
        by_district = accident_stats(user=user, period=MARCH, by="district")
    assert [(r["label"], r["count"], r["deaths"]) for r in by_district] == [("甲区", 2, 1), ("乙区", 1, 3)]
    assert [(r["label"], r["count"]) for r in accident_stats(user=user, period=MARCH, by="grade")] == [
        ("一般事故", 2), ("较大事故", 1)]
    assert [(r["label"], r["count"]) for r in accident_stats(user=user, period=MARCH, by="industry")] == [
        ("C 制造业", 1), ("E 建筑业", 2)]
    year = Period.year(2026)
    with time_machine.travel(at(2026, 8, 20), tick=False):
        months = accident_stats(user=user, period=year, by="month")
    # every month up to the current one, months without accidents at zero
    assert [(r["label"], r["count"]) for r in months] == [
        ("2026-01", 0), ("2026-02", 1), ("2026-03", 3), ("2026-04", 0), ("2026-05", 0), ("2026-06", 0),
        ("2026-07", 1), ("2026-08", 0)]
    assert months[0] == {"key": dt.date(2026, 1, 1), "label": "2026-01", "count": 0, "deaths": 0, "missing": 0,
                         "serious_injuries": 0, "minor_injuries": 0, "injuries": 0, "loss_yuan": Decimal("0.00"),
                         "larger": 0}
    with time_machine.travel(at(2027, 3, 1), tick=False):  # a past year: all twelve months
        assert len(accident_stats(user=user, period=year, by="month")) == 12
    assert [(r["label"], r["count"]) for r in accident_stats(user=user, period=year, by="category")] == [
        ("工矿商贸", 4), ("道路交通", 1)]
    types = accident_stats(user=user, period=year, by="type", harmonise_types=True)
    assert [(r["key"], r["count"]) for r in types] == [
        ("WSA10001", 2), ("WSA10002", 1), ("WSA10010", 1), ("WSA10023", 1)]
    # people read the type's name, never its GB 6441 code (the monthly report's text uses these labels)
    assert [r["label"] for r in types][2] == "高处坠落"
    assert not any("WSA" in r["label"] for r in types)


def test_monthly_report_text_names_types_without_codes(world, data):
    from anjian.accidents.monthly import report_data, summary_paragraphs

    with time_machine.travel(at(2026, 8, 20), tick=False):
        text = "".join(p for ps in summary_paragraphs(report_data(year=2026, month=3, jurisdiction=world.city),
                                                      world.city).values() for p in ps)
    assert "从事故类型看" in text and "WSA" not in text


def test_scope_cuts_the_figures(world, data):
    assert accident_comparison(user=world.user("district_a"), period=MARCH)["current"]["count"] == 2
    assert accident_comparison(user=world.user("district_b"), period=MARCH)["current"]["count"] == 1
    assert accident_comparison(user=world.user("enterprise"), period=MARCH)["current"]["deaths"] == 1


def test_indicators_use_reference_figures(world, data):
    admin = world.user("city_admin")
    with pytest.raises(NotAllowed):
        reference_figure_set(actor=world.user("district_a"), year=2026, jurisdiction=world.city, data={"gdp_yi_yuan": 1})
    empty = accident_indicators(user=admin, year=2026, jurisdiction=world.city)
    assert (empty["gdp_death_rate"], empty["reference"]) == (None, False)
    reference_figure_set(actor=admin, year=2026, jurisdiction=world.city,
                         data={"gdp_yi_yuan": "36000", "industrial_employed": 8000000, "motor_vehicles": 4000000})
    result = accident_indicators(user=admin, year=2026, jurisdiction=world.city)
    assert result["deaths"] == 6
    assert result["gdp_death_rate"] == Decimal("0.0002")
    assert result["industrial_death_rate"] == Decimal("0.06")  # 5 / 8,000,000 × 100,000 = 0.0625
    assert result["road_death_rate"] == Decimal("0.00")  # 1 / 4,000,000 × 10,000 = 0.0025


def test_closure_rate(world, data):
    with time_machine.travel(at(2026, 8, 20), tick=False):
        investigation_open(actor=None, accident=data, team_leader="甲")
    assert investigation_closure(user=world.user("city_admin"), period=MARCH) == {"opened": 1, "closed": 0,
                                                                                    "rate": Decimal("0.0")}


def test_api_and_page_show_the_same_figures(world, data, login):
    client = login("city_admin")
    api = client.get("/api/v1/accidents/stats/summary?year=2026&month=3").json()
    expected = statistics_report(user=world.user("city_admin"), period=MARCH)
    assert api == expected
    assert api["comparison"]["current"]["deaths"] == 4
    page = client.get("/accidents/statistics/?year=2026&month=3")
    assert page.status_code == 200
    assert page.context["data"] == expected
    html = page.content.decode()
    assert 'data-testid="deaths">4<' in html
    district = login("district_b").get("/api/v1/accidents/stats/summary?year=2026&month=3").json()
    assert district["comparison"]["current"]["count"] == 1
    assert login("district_b").get(f"/api/v1/accidents/stats/summary?year=2026&jurisdiction={world.district_a.code}").status_code == 404


@pytest.mark.parametrize(("persona", "status"), [("city_admin", 200), ("district_a", 200), ("enterprise", 200),
                                                  ("anonymous", 302)])
def test_statistics_page_matrix(login, persona, status, world):
    assert login(persona).get("/accidents/statistics/").status_code == status


def test_months_follow_beijing_time_at_the_edges(world):
    """23:30 on 31 March and 00:30 on 1 April (Beijing) are 15:30 and 16:30 UTC on 31 March:
    the first belongs to March, the second to April; a period starting mid-month keys its first
    group by the month's first day."""
    with time_machine.travel(at(2026, 8, 20), tick=False):
        for moment in (at(2026, 3, 31, 23, 30), at(2026, 4, 1, 0, 30), at(2026, 4, 30, 23, 59)):
            report(world, occurred_at=moment, known_at=moment, reported_at=moment + dt.timedelta(minutes=20))
    user = world.user("city_admin")
    with time_machine.travel(at(2026, 8, 20), tick=False):
        rows = accident_stats(user=user, period=Period.year(2026), by="month")
        rows = [r for r in rows if r["count"]]
        assert [(r["key"], r["count"]) for r in rows] == [(dt.date(2026, 3, 1), 1), (dt.date(2026, 4, 1), 2)]
        rows = accident_stats(user=user, period=Period(dt.date(2026, 3, 20), dt.date(2026, 4, 10)), by="month")
    assert [(r["label"], r["count"]) for r in rows] == [("2026-03", 1), ("2026-04", 1)]


def test_a_whole_year_has_no_month_on_month(world, data, login):
    """The year's "previous span" is last year: 环比 would repeat 同比. It is absent, not equal."""
    year = accident_comparison(user=world.user("city_admin"), period=Period.year(2026))
    assert year["previous"] is None and year["mom"] is None
    assert year["yoy"]["count"] is not None
    client = login("city_admin")
    with time_machine.travel(at(2026, 8, 20), tick=False):
        whole = client.get("/accidents/statistics/?year=2026").content.decode()
        march = client.get("/accidents/statistics/?year=2026&month=3").content.decode()
    assert "同比" in whole and "环比" not in whole
    assert "环比" in march


def test_the_city_is_not_one_of_its_districts(world, data):
    """An accident reported at the city level (no district above it) is 未分区, listed last."""
    with time_machine.travel(at(2026, 8, 20), tick=False):
        report(world, enterprise=None, unit_name="某市直单位", jurisdiction=world.city, **when(2026, 3, 20),
               deaths=2, minor_injuries=0, direct_loss_yuan=0)
    rows = accident_stats(user=world.user("city_admin"), period=MARCH, by="district")
    assert [(r["key"], r["label"], r["count"]) for r in rows] == [
        (world.district_a.pk, "甲区", 2), (world.district_b.pk, "乙区", 1), (None, "未分区", 1)]
    assert world.city.name not in [r["label"] for r in rows]
