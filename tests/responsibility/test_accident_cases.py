"""An accident's supervision level opens a 督办 matter with tasks for its district and regulator."""

from __future__ import annotations

import pytest

from anjian.committee.models import CaseSource
from anjian.committee.services import case_close, task_close, task_submit
from anjian.core.errors import DomainError
from anjian.inbox.selectors import due_item_list
from anjian.responsibility.accident_cases import accident_case_open, cases_by_accident, supervised_accidents
from tests.accidents.factories import report

pytestmark = pytest.mark.django_db


def test_accident_supervision_opens_a_case(world, login):
    admin = world.user("city_admin")
    a = report(world, enterprise=world.ent_b, deaths=3)
    assert a.supervision == 2
    assert list(supervised_accidents(user=world.user("district_a"))) == []
    case = accident_case_open(actor=admin, accident=a)
    assert case.source == CaseSource.ACCIDENT and case.jurisdiction == world.city
    units = {(t.jurisdiction_id, t.department_id) for t in case.tasks.all()}
    assert (world.district_b.pk, None) in units and (world.city.pk, world.housing.pk) in units
    assert due_item_list(user=world.user("district_b")).filter(kind="committee.task").count() == 1
    with pytest.raises(DomainError):
        accident_case_open(actor=admin, accident=a)
    assert cases_by_accident([a])[a.pk] == case
    for t in case.tasks.all():
        task_submit(actor=admin, task=t, feedback="已完成调查和整改")
        task_close(actor=admin, task=t)
    case_close(actor=admin, case=case, note="督办结束")
    # the page lists it; a district outside it sees nothing; opening again is refused
    assert "督办中" not in login("city_admin").get("/responsibility/accident-supervision/").content.decode()
    assert login("district_a").post(f"/responsibility/accident-supervision/{a.pk}/open/").status_code == 404
