"""Personas × enforcement routes: who sees what (404 outside the scope, login for anonymous),
and a denied POST changes nothing."""

from __future__ import annotations

import pytest
import time_machine

from anjian.enforcement import services
from anjian.enforcement.models import Case
from tests.enforcement.helpers import NOW, filed_case, inspectors

OK, NF, LOGIN = 200, 404, 302

# persona: city_admin, district_a, district_b, regulator, grid_inspector, enterprise, anonymous
MATRIX = {
    "cases": (OK, OK, OK, OK, NF, OK, LOGIN),
    "case": (OK, OK, NF, OK, NF, OK, LOGIN),
    "document": (OK, OK, NF, OK, NF, OK, LOGIN),
    "inspections": (OK, OK, OK, OK, NF, OK, LOGIN),
    "inspection": (OK, OK, NF, OK, NF, OK, LOGIN),
    "record": (OK, OK, NF, OK, NF, OK, LOGIN),
    "inspection_start": (OK, OK, OK, OK, NF, NF, LOGIN),
    "plans": (OK, OK, OK, OK, NF, NF, LOGIN),
    "plan": (OK, NF, NF, OK, NF, NF, LOGIN),
    "draws": (OK, OK, OK, OK, NF, NF, LOGIN),
    "draw": (OK, OK, NF, OK, NF, NF, LOGIN),
    "public": (OK, OK, OK, OK, OK, OK, OK),
    "standardization": (OK, OK, OK, OK, NF, OK, LOGIN),
    "occupational": (OK, OK, OK, OK, NF, OK, LOGIN),
    "campaigns": (OK, OK, OK, OK, NF, OK, LOGIN),
    "campaign": (OK, NF, NF, NF, NF, NF, LOGIN),
    "campaign_report": (OK, NF, NF, NF, NF, NF, LOGIN),
    "campaign_task": (OK, NF, NF, OK, NF, NF, LOGIN),
    "rules": (OK, NF, NF, OK, NF, NF, LOGIN),  # the 应急管理局's rule set: who may plan for it
    "hazard_case": (OK, OK, NF, OK, NF, NF, LOGIN),  # 立案查处 from a hazard of 甲区
}
PERSONAS = ["city_admin", "district_a", "district_b", "regulator", "grid_inspector", "enterprise", "anonymous"]


@pytest.fixture
def rows(world):
    reg = world.users["regulator"]
    with time_machine.travel(NOW, tick=False):
        officers = inspectors(world)
        case = filed_case(world, officers)
        plan = services.plan_generate(actor=reg, department=world.ema, jurisdiction=world.city, year=2027)
        matter = services.matter_add(actor=reg, department=world.ema, name="抽查事项", basis="依据")
        draw = services.draw_run(actor=reg, department=world.ema, jurisdiction=world.district_a, matter=matter,
                                 ratio_percent=100, seed="m")
        campaign = services.campaign_create(actor=None, title="危险化学品专项整治", field="chemicals",
                                            jurisdiction=world.city, lead=world.committee, starts_on=NOW.date(),
                                            ends_on=NOW.date(), sector_codes=["C"])
        task = services.campaign_task_add(actor=None, campaign=campaign, department=world.ema, title="检查",
                                          due_on=NOW.date())
    doc = case.documents.first()
    return {
        "cases": "/enforcement/cases/", "case": f"/enforcement/cases/{case.pk}/",
        "document": f"/enforcement/cases/{case.pk}/documents/{doc.pk}.docx",
        "inspections": "/enforcement/inspections/", "inspection": f"/enforcement/inspections/{case.inspection_id}/",
        "record": f"/enforcement/inspections/{case.inspection_id}/record.docx",
        "inspection_start": "/enforcement/inspections/new/",
        "plans": "/enforcement/plans/", "plan": f"/enforcement/plans/{plan.pk}/",
        "draws": "/enforcement/draws/", "draw": f"/enforcement/draws/{draw.pk}/",
        "public": "/enforcement/public/draws/", "_case": case,
        "standardization": "/enforcement/standardization/", "occupational": "/enforcement/occupational/",
        "campaigns": "/enforcement/campaigns/", "campaign": f"/enforcement/campaigns/{campaign.pk}/",
        "campaign_report": f"/enforcement/campaigns/{campaign.pk}/report.docx",
        "campaign_task": f"/enforcement/campaigns/tasks/{task.pk}/",
        "rules": f"/enforcement/rules/?department={world.ema.pk}",
        "hazard_case": f"/enforcement/hazards/{case.hazards.get().pk}/case/",
    }


@pytest.mark.django_db
def test_matrix(world, login, rows):
    failures = []
    for n, persona in enumerate(PERSONAS):
        client = login(persona)
        for route, expected in MATRIX.items():
            status = client.get(rows[route]).status_code
            if status != expected[n]:
                failures.append(f"{persona} {route}: {status} != {expected[n]}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_denied_post_changes_nothing(world, login, rows):
    case = rows["_case"]
    for persona in ("district_b", "grid_inspector", "enterprise"):
        client = login(persona)
        r = client.post(f"/enforcement/cases/{case.pk}/act/close/", {"note": "撤销"})
        assert r.status_code == 404, persona
    assert Case.objects.get(pk=case.pk).status == "filed"


@pytest.mark.django_db
def test_pages_render_for_the_regulator_and_the_party(world, login, rows):
    case = rows["_case"]
    page = login("regulator").get(f"/enforcement/cases/{case.pk}/").content.decode()
    assert "送达行政处罚告知书" in page and "立案审批表" in page and "作出处罚决定期限" in page
    with time_machine.travel(NOW, tick=False):
        r = login("regulator").post(f"/enforcement/cases/{case.pk}/act/order/", {"items": "", "deadline": "2026-03-16"})
        assert r.status_code == 302 and not case.documents.filter(kind="order").exists()  # refused: no items
        r = login("regulator").post(f"/enforcement/cases/{case.pk}/act/order/", {"items": "恢复报警器", "deadline": "2026-03-16"})
        assert r.status_code == 302
    assert case.documents.filter(kind="order").exists()
    party = login("enterprise").get(f"/enforcement/cases/{case.pk}/").content.decode()
    assert "申请复查" in party and "送达行政处罚告知书" not in party
    api = login("regulator").get(f"/api/v1/enforcement/cases/{case.pk}")
    assert api.status_code in (200, 401)
