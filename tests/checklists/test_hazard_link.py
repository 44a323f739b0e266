"""Hazards found against a checklist item: category and clause from the item, drafts refused,
the report form prefilled from ?item=, the API's checklist_item_id."""

from __future__ import annotations

import pytest

from anjian.checklists import services as cs
from anjian.core.errors import DomainError
from anjian.hazards.models import Hazard
from anjian.hazards.services import hazard_report
from tests.checklists.helpers import published

pytestmark = pytest.mark.django_db


def test_service_fills_category_and_clause(world):
    v = published()
    major = v.items.get(code="3")
    h = hazard_report(actor=world.user("grid_inspector"), source="patrol", category="", description="未审批",
                      level="major", enterprise=world.ent_a, checklist_item=major)
    assert (h.category, h.standard_item, h.checklist_item) == ("有限空间：有限空间作业审批", major.standard_clause, major)
    own = hazard_report(actor=None, source="patrol", category="自定类别", description="x", enterprise=world.ent_a,
                        checklist_item=v.items.get(code="1"), standard_item="")
    assert (own.category, own.standard_item) == ("自定类别", "")
    draft = cs.version_create_draft(actor=None, template=v.template)
    with pytest.raises(DomainError) as exc:
        hazard_report(actor=None, source="patrol", category="", description="x", enterprise=world.ent_a,
                      checklist_item=draft.items.first())
    assert exc.value.field == "checklist_item"
    with pytest.raises(DomainError):  # neither a category nor an item
        hazard_report(actor=None, source="patrol", category="", description="x", enterprise=world.ent_a)
    assert Hazard.objects.count() == 2


def test_report_form_and_api(login, world):
    v = published()
    major = v.items.get(code="3")
    client = login("grid_inspector")
    page = client.get(f"/hazards/new/?item={major.pk}&enterprise={world.ent_a.pk}").content.decode()
    assert f'<option value="{major.pk}" selected>' in page and "有限空间：有限空间作业审批" in page
    r = client.post("/hazards/new/", {"enterprise": world.ent_a.pk, "source": "patrol", "level": "general",
                                      "checklist_item": major.pk, "category": "", "description": "现场未审批"})
    assert r.status_code == 302
    h = Hazard.objects.get()
    assert h.checklist_item == major and h.category.startswith("有限空间")
    assert "data-testid=\"checklist-item\"" in client.get(f"/hazards/{h.pk}/").content.decode()
    r = client.post("/api/v1/hazards/", {"source": "patrol", "category": "", "description": "API 上报",
                                         "enterprise_id": world.ent_a.pk, "checklist_item_id": major.pk},
                    content_type="application/json")
    assert r.status_code == 201 and r.json()["checklist_item_id"] == major.pk
    r = client.post("/api/v1/hazards/", {"source": "patrol", "category": "x", "description": "y",
                                         "enterprise_id": world.ent_a.pk, "checklist_item_id": 999999},
                    content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "checklist_item_id"
    assert Hazard.objects.count() == 2
