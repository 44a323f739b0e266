"""Templates, versions (draft → published → retired, immutable once published), diff, scope."""

from __future__ import annotations

import datetime as dt

import pytest

from anjian.audit.selectors import timeline_for
from anjian.checklists import services as cs
from anjian.checklists.models import ChecklistItem, ChecklistTemplate, VersionStatus
from anjian.checklists.selectors import version_diff, version_for_enterprise
from anjian.core.errors import DomainError, InvalidTransition, NotAllowed
from anjian.orgs.models import Sector
from tests.checklists.helpers import ITEMS, published

pytestmark = pytest.mark.django_db


def test_publish_retires_previous_and_published_is_immutable(world):
    v1 = published()
    t = v1.template
    assert (v1.status, v1.number, v1.items.count()) == (VersionStatus.PUBLISHED, 1, 3)
    v2 = cs.version_create_draft(actor=None, template=t)
    assert v2.items.count() == 3  # copied from v1
    with pytest.raises(InvalidTransition):
        cs.version_create_draft(actor=None, template=t)  # one draft at a time
    with pytest.raises(InvalidTransition):
        cs.version_items_set(actor=None, version=v1, items=ITEMS[:1])
    assert v1.items.count() == 3
    cs.version_items_set(actor=None, version=v2, items=[{**ITEMS[0], "text": "安全出口畅通，标志清晰"}, ITEMS[2],
                                                         {"code": "4", "text": "新增：动火作业审批"}])
    cs.version_publish(actor=None, version=v2, effective_date=dt.date(2026, 3, 1))
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status, v2.effective_date) == (VersionStatus.RETIRED, VersionStatus.PUBLISHED,
                                                         dt.date(2026, 3, 1))
    assert t.published == v2
    diff = version_diff(v1, v2)
    assert [i.code for i in diff.added] == ["4"]
    assert [i.code for i in diff.removed] == ["2"]
    assert [(old.code, fields) for old, _new, fields in diff.changed] == [("1", ["text"])]
    assert diff.unchanged == 1
    verbs = list(timeline_for(t).values_list("verb", flat=True))
    assert verbs.count("checklist.published") == 2 and "checklist.created" in verbs
    assert v2.history.count() >= 2  # row history kept
    cs.version_retire(actor=None, version=v2)
    v2.refresh_from_db()
    assert v2.status == VersionStatus.RETIRED and t.published is None


def test_bad_items_change_nothing(world):
    v1 = published()
    draft = cs.version_create_draft(actor=None, template=v1.template)
    for bad in ([{"code": "1", "text": "甲"}, {"code": "1", "text": "乙"}],  # duplicate code
                [{"text": ""}],  # empty text
                [{"text": "甲", "points": "x"}],
                [{"text": "甲", "is_major_criterion": True}]):  # major without clause
        with pytest.raises(DomainError) as exc:
            cs.version_items_set(actor=None, version=draft, items=bad)
        assert exc.value.zh and exc.value.en
    assert draft.items.count() == 3
    with pytest.raises(InvalidTransition):
        cs.version_publish(actor=None, version=v1)
    empty = cs.version_create_draft(actor=None, template=cs.template_create(actor=None, code="E1", name="空"))
    with pytest.raises(InvalidTransition):
        cs.version_publish(actor=None, version=empty)


def test_regulator_manages_only_its_sectors(world):
    regulator, district = world.user("regulator"), world.user("district_a")
    c = Sector.objects.get(code="C")
    mine = cs.template_create(actor=regulator, code="EMA-1", name="化工检查表", sector=c)
    with pytest.raises(NotAllowed):
        cs.template_create(actor=regulator, code="EMA-2", name="建筑", sector=Sector.objects.get(code="E"))
    with pytest.raises(NotAllowed):
        cs.template_create(actor=regulator, code="EMA-3", name="通用", sector=None)
    with pytest.raises(NotAllowed):  # a district office manages only templates it owns
        cs.template_create(actor=district, code="D-1", name="通用", sector=None)
    own = cs.template_create(actor=district, code="D-2", name="甲区通用", owner=world.district_a)
    with pytest.raises(NotAllowed):
        cs.version_create_draft(actor=district, template=mine)
    with pytest.raises(NotAllowed):
        cs.version_create_draft(actor=world.user("grid_inspector"), template=own)
    cs.version_create_draft(actor=regulator, template=mine)
    assert ChecklistTemplate.objects.count() == 2
    with pytest.raises(DomainError):
        cs.template_create(actor=None, code="EMA-1", name="重复")
    with pytest.raises(DomainError):
        cs.template_create(actor=None, code="坏 码", name="x")


def test_version_for_enterprise_prefers_sector_then_general(world):
    assert version_for_enterprise(world.ent_a) is None
    general = published(sector_code=None, code="GEN")
    assert version_for_enterprise(world.ent_a) == general
    section = published(sector_code="C", code="SEC-C")
    assert version_for_enterprise(world.ent_a) == section  # ent_a is division 26 within section C
    division = published(sector_code="26", code="DIV-26")
    assert version_for_enterprise(world.ent_a) == division
    assert version_for_enterprise(world.ent_b) == general  # construction: no sector template
    published(sector_code=None, code="GEN-B", owner=world.district_b)
    assert version_for_enterprise(world.ent_b).template.code == "GEN-B"  # owned nearer than city-wide
    assert version_for_enterprise(world.ent_a2) == general  # other district's template is not used


def test_zlb_json_shape_errors(world):
    for bad in ([], {"checklists": []}, {"checklists": [{"code": "A"}]},
                {"checklists": [{"code": "A", "title": "t", "items": []}]},
                {"checklists": [{"code": "A", "title": "t", "items": [{"key": 1}]}]}):
        with pytest.raises(DomainError):
            cs.checklists_load_zlb(actor=None, data=bad)
    assert not ChecklistTemplate.objects.exists() and not ChecklistItem.objects.exists()
