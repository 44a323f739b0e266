"""The automatic indicators read from the registers of the other sections (issue 17): inspections
done, drills held, people trained and public reports handled on time — each for one unit and
period, with the link to its records, and nothing from another district."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from anjian.responsibility.figures import figure
from anjian.rules.assessment import Metric

pytestmark = pytest.mark.django_db


def _seed(world):
    from anjian.emergency import services as em
    from anjian.enforcement import services as es
    from anjian.public_reports.models import Report
    from anjian.training import services as ts
    from tests.enforcement.helpers import inspectors
    from tests.public_reports.helpers import file_report

    now, today = timezone.now(), timezone.localdate()
    a, b, _c = inspectors(world)
    done = es.inspection_start(actor=None, department=world.ema, enterprise=world.ent_a, inspectors=[a, b])
    es.inspection_complete(actor=None, inspection=done, content="按计划检查")
    es.inspection_start(actor=None, department=world.ema, enterprise=world.ent_a, inspectors=[a, b])  # still open
    for place in (world.district_a, world.district_a, world.district_b):
        em.drill_record(actor=None, title="危化品泄漏桌面推演", held_on=today - dt.timedelta(days=3),
                        content="comprehensive", form="tabletop", jurisdiction=place)
    people = [ts.trainee_save(actor=None, name=f"学员{n}", role="worker", group="worker", enterprise=world.ent_a)
              for n in range(3)]
    session = ts.session_create(actor=None, place="甲区培训中心", starts_at=now - dt.timedelta(hours=3),
                                ends_at=now - dt.timedelta(hours=1), title="三级安全教育", hours=Decimal(2),
                                jurisdiction=world.district_a)
    ts.session_enrol(actor=None, session=session, trainees=people)
    for attendance in session.attendances.filter(trainee__in=people[:2]):
        ts.attendance_record(actor=None, attendance=attendance, present=True)
    due = today - dt.timedelta(days=2)
    reports = [file_report(world, key=f"fig-{n}")[0] for n in range(3)]
    # handled on the due day, handled a day late, not handled: their handling as the workflow stored it
    for report, handled in zip(reports, (due, due + dt.timedelta(days=1), None), strict=True):
        Report.objects.filter(pk=report.pk).update(
            jurisdiction=world.district_a, handling_due=due,
            handled_at=None if handled is None else timezone.make_aware(dt.datetime.combine(handled, dt.time(16))))


@pytest.mark.parametrize(("metric", "a", "b", "text", "link"), [
    (Metric.INSPECTIONS_DONE, Decimal(1), Decimal(0), "完成执法检查 1 次", "/enforcement/inspections/"),
    (Metric.DRILLS_DONE, Decimal(2), Decimal(1), "开展应急演练 2 次", "/emergency/drills/"),
    (Metric.PEOPLE_TRAINED, Decimal(2), Decimal(0), "参加安全培训 2 人", "/training/"),
    (Metric.REPORTS_ON_TIME, Decimal("33.3"), None, "到期举报 3 件，按期办结 1 件", "/reports/"),
])
def test_figures_from_the_registers(world, metric, a, b, text, link):
    _seed(world)
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=30), today
    mine = figure(metric, jurisdiction=world.district_a, department=None, start=start, end=end)
    other = figure(metric, jurisdiction=world.district_b, department=None, start=start, end=end)
    assert (mine.value, mine.text) == (a, text)
    assert mine.url.startswith(link) and f"jurisdiction={world.district_a.code}" in mine.url
    assert other.value == b
    earlier = figure(metric, jurisdiction=world.district_a, department=None, start=start - dt.timedelta(days=60),
                     end=start - dt.timedelta(days=1))
    assert earlier.value in (Decimal(0), None)  # only the period's records count
