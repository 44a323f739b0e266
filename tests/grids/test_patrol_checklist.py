"""The phone patrol with a published checklist: the enterprise's sector version (else general),
answers keyed by item code, a 不合格 answer reported as a hazard in one step with the item
prefilled; the record keeps pointing at the version used after a new one is published."""

from __future__ import annotations

import pytest

from anjian.checklists import services as cs
from anjian.grids.models import PatrolRecord
from anjian.hazards.models import Hazard
from tests.checklists.helpers import published

pytestmark = pytest.mark.django_db


def test_patrol_uses_sector_checklist_and_bad_answer_becomes_hazard(login, world, task):
    published(sector_code=None, code="GEN", items=[{"code": "G1", "text": "通用条目"}])
    version = published(sector_code="C", code="CHEM")
    client = login("grid_inspector")
    page = client.get(f"/grids/patrol/{task.pk}/").content.decode()
    assert "CHEM 检查表 v1" in page and "有限空间作业审批" in page and "通用条目" not in page
    assert 'data-testid="bad-detail-2"' in page and "消防法第二十八条" in page
    r = client.post(f"/grids/patrol/{task.pk}/", {
        "lng": "114.0502", "lat": "22.0501", "q0": "ok", "q1": "bad", "q2": "bad", "b2_report": "1",
        "b2_description": "作业未审批", "b1_description": "未勾选上报，不生成隐患",
    })
    record = PatrolRecord.objects.get()
    assert r.status_code == 302
    assert record.checklist_version == version
    assert record.answers == {"1": "ok", "2": "bad", "3": "bad"}
    hazard = Hazard.objects.get()
    item = version.items.get(code="3")
    assert (hazard.checklist_item, hazard.description, hazard.level) == (item, "作业未审批", "major")
    assert hazard.category == "有限空间：有限空间作业审批"
    assert hazard.standard_item == item.standard_clause and hazard.source == "patrol"
    page = client.get(f"/grids/records/{record.pk}/").content.decode()
    assert "有限空间作业审批：不合格" in page
    # a new version later: the record and the hazard still point at v1's item
    draft = cs.version_create_draft(actor=None, template=version.template)
    cs.version_items_set(actor=None, version=draft, items=[{"code": "1", "text": "改写后的条目"}])
    cs.version_publish(actor=None, version=draft)
    record.refresh_from_db()
    hazard.refresh_from_db()
    assert record.checklist_version == version and hazard.checklist_item.version == version
    assert "有限空间作业审批：不合格" in client.get(f"/grids/records/{record.pk}/").content.decode()


def test_general_fallback_and_legacy_list(login, world, task):
    client = login("grid_inspector")
    page = client.get(f"/grids/patrol/{task.pk}/").content.decode()
    assert "安全出口与疏散通道畅通" in page and "checklist-version" not in page  # no checklist: settings list
    published(sector_code=None, code="GEN", items=[{"code": "G1", "text": "通用条目"}])
    page = client.get(f"/grids/patrol/{task.pk}/").content.decode()
    assert "通用条目" in page and "安全出口与疏散通道畅通" not in page
    client.post(f"/grids/patrol/{task.pk}/", {"lng": "114.0502", "lat": "22.0501", "q0": "na"})
    record = PatrolRecord.objects.get()
    assert record.answers == {"G1": "na"} and not Hazard.objects.exists()
