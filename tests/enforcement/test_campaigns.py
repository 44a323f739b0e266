"""Sector campaigns: targets from the sectors in the territory, tasks in each department's inbox,
progress from the campaign's inspections, the closing report in Word."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from anjian.core.errors import DomainError, NotAllowed, NotFoundInScope
from anjian.enforcement import documents, services
from anjian.enforcement.models import Disposition, InspectionKind
from anjian.enforcement.selectors import campaign_progress
from anjian.inbox.models import DueItem, DueState
from tests.enforcement.helpers import NOW, inspectors

D = dt.date


@pytest.mark.django_db
def test_campaign_from_launch_to_report(world):
    admin, reg = world.users["city_admin"], world.users["regulator"]
    with time_machine.travel(NOW, tick=False):
        c = services.campaign_create(actor=admin, title="2026年危险化学品安全专项整治", field="chemicals",
                                     jurisdiction=world.city, lead=world.committee, starts_on=D(2026, 3, 1),
                                     ends_on=D(2026, 11, 30), goals="全面排查危险化学品企业", sector_codes=["C"])
        assert list(c.targets.values_list("enterprise", flat=True)) == [world.ent_a.pk]
        with pytest.raises(DomainError):
            services.campaign_create(actor=admin, title="x", field="unknown", jurisdiction=world.city,
                                     lead=world.committee, starts_on=D(2026, 3, 1), ends_on=D(2026, 4, 1))
        with pytest.raises(NotAllowed):
            services.campaign_create(actor=world.users["district_a"], title="x", field="fire", jurisdiction=world.city,
                                     lead=world.committee, starts_on=D(2026, 3, 1), ends_on=D(2026, 4, 1))
        task = services.campaign_task_add(actor=admin, campaign=c, department=world.ema, title="完成全部企业检查",
                                          due_on=D(2026, 6, 30))
        item = DueItem.objects.get(kind="enforcement.campaign_task", object_id=str(task.pk), state=DueState.OPEN)
        assert item.owner_department == world.ema and item.owner_jurisdiction is None
        a, b, _c = inspectors(world)
        insp = services.inspection_start(actor=reg, department=world.ema, enterprise=world.ent_a, inspectors=[a, b],
                                         kind=InspectionKind.CAMPAIGN, campaign=c)
        services.finding_add(actor=reg, inspection=insp, description="储罐区防火堤破损", disposition=Disposition.HAZARD)
        services.inspection_complete(actor=reg, inspection=insp, content="检查储罐区")
        with pytest.raises(NotFoundInScope):
            services.campaign_task_done(actor=world.users["enterprise"], task=task, report="x")
        services.campaign_task_done(actor=reg, task=task, report="已检查1家，发现隐患1项")
        assert not DueItem.objects.filter(kind="enforcement.campaign_task", state=DueState.OPEN).exists()
        p = campaign_progress(c)
        assert (p["targets"], p["inspected"], p["percent"], p["hazards"], p["tasks_done"]) == (1, 1, 100, 1, 1)
        services.campaign_close(actor=admin, campaign=c, summary="专项整治完成")
        assert documents.campaign_report(c, campaign_progress(c)).to_bytes()[:2] == b"PK"
