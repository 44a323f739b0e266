"""The demo city has section 四 (执法检查) built through the services: a graded plan whose quotas
add up per class, a published draw that re-runs from its seed, inspections of the drawn targets
and of a campaign target (counted on the draw's and the campaign's progress), cases at each
stage — one in the hearing procedure with its to-dos — standardisation grades and
occupational-hazard declarations."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from anjian.enforcement import services
from anjian.enforcement.models import (
    Campaign,
    Case,
    CaseStatus,
    DocKind,
    DrawStatus,
    InspectionPlan,
    OhDeclaration,
    Procedure,
    RandomDraw,
    StandardizationCert,
)
from anjian.enforcement.selectors import campaign_progress, draw_progress, plan_progress
from anjian.inbox.models import DueItem, DueState
from anjian.rules import enforcement as rules
from anjian.rules.workdays import HolidayDataMissing
from tests.demo.test_demo import _built_once, demo_city  # noqa: F401 - the module-scoped demo city

pytestmark = pytest.mark.django_db


def _hearing_possible() -> bool:
    try:
        rules.hearing_earliest(timezone.localdate())
    except HolidayDataMissing:
        return False
    return True


def test_demo_has_section_four(demo_city):  # noqa: F811
    plan = InspectionPlan.objects.get()
    progress = plan_progress(plan)
    assert progress["targets"] == plan.targets.count() > 0
    assert progress["quota"] == sum(plan.targets.values_list("quota", flat=True)) == sum(
        row["quota"] for _k, row in progress["by_class"])
    assert DueItem.objects.filter(kind="enforcement.plan_approve", object_id=str(plan.pk), state=DueState.OPEN).exists()

    draw = RandomDraw.objects.get()
    assert draw.status == DrawStatus.PUBLISHED and services.draw_verify(draw)
    assert draw_progress(draw)["inspected"] >= 1

    campaign = Campaign.objects.get()
    assert campaign_progress(campaign)["inspected"] == 1 and campaign_progress(campaign)["hazards"] == 1

    assert Case.objects.filter(procedure=Procedure.SIMPLE).exists()
    assert Case.objects.filter(status=CaseStatus.FILED).exists()
    if _hearing_possible():  # the clock shifted into a year without holiday data builds no hearing
        case = Case.objects.get(status=CaseStatus.HEARING)
        notice = case.documents.get(kind=DocKind.HEARING_NOTICE)
        assert notice.number and timezone.localdate(case.hearing_at) >= rules.hearing_earliest(notice.issued_on)
        attend = DueItem.objects.get(content_type=ContentType.objects.get_for_model(notice), object_id=str(notice.pk),
                                     kind="enforcement.hearing_attend", state=DueState.OPEN)
        assert attend.owner_enterprise == case.enterprise
        assert DueItem.objects.filter(object_id=str(case.pk), kind="enforcement.hearing", state=DueState.OPEN,
                                      owner_department=case.department).exists()
    assert StandardizationCert.objects.exists() and OhDeclaration.objects.exists()
