from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from anjian.audit.models import Event
from anjian.core.errors import DomainError, NotAllowed
from anjian.core.geo import wgs84_to_gcj02
from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import (
    enterprise_create,
    enterprise_update,
    enterprises_bulk_create,
    licence_add,
    licence_renew,
)
from anjian.inbox.models import DueItem, DueState
from anjian.orgs.models import Sector
from tests.enterprises.helpers import uscc

pytestmark = pytest.mark.django_db


def _events(ent: Enterprise, verb: str) -> list[Event]:
    ct = ContentType.objects.get_for_model(Enterprise)
    return list(Event.objects.filter(content_type=ct, object_id=str(ent.pk), verb=verb).order_by("id"))


def test_create_assigns_grid_and_routes_department(world):
    actor = world.user("district_a")
    ent = enterprise_create(actor=actor, data={"name": " 新建化工厂 ", "sector": Sector.objects.get(code="26"),
                                               "lng": 114.02, "lat": 22.03, "credit_code": uscc(1)})
    assert ent.name == "新建化工厂"
    assert ent.jurisdiction == world.grid_a
    assert ent.department == world.ema
    (event,) = _events(ent, "created")
    assert event.data["jurisdiction"] == "990101001001"
    assert event.data["routing"] == "行业 C 制造业 @ 全市默认 → 示范市应急管理局"
    assert ent.history.count() == 1


def test_create_converts_gcj02(world):
    g_lng, g_lat = wgs84_to_gcj02(114.05, 22.05)
    from anjian.enterprises.services import normalise_point

    lng, lat = normalise_point(g_lng, g_lat, crs="gcj02")
    ent = enterprise_create(actor=None, data={"name": "GCJ", "lng": lng, "lat": lat})
    assert abs(ent.lng - 114.05) < 1e-7 and abs(ent.lat - 22.05) < 1e-7
    assert ent.jurisdiction == world.grid_a


def test_create_outside_scope_refused(world):
    with pytest.raises(NotAllowed):
        enterprise_create(actor=world.user("district_a"), data={"name": "乙区厂", "lng": 114.25, "lat": 22.05})
    assert not Enterprise.objects.filter(name="乙区厂").exists()


def test_create_without_point_needs_jurisdiction(world):
    with pytest.raises(DomainError) as exc:
        enterprise_create(actor=None, data={"name": "无坐标"})
    assert exc.value.field == "jurisdiction"
    ent = enterprise_create(actor=None, data={"name": "无坐标"}, jurisdiction=world.street_a)
    assert ent.jurisdiction == world.street_a


def test_update_moving_point_reassigns_jurisdiction_and_department(world):
    ent = world.ent_a
    enterprise_update(actor=world.user("city_admin"), enterprise=ent,
                      data={"lng": 114.25, "lat": 22.05, "sector": Sector.objects.get(code="47")}, reason="搬迁")
    ent.refresh_from_db()
    assert ent.jurisdiction == world.grid_b
    assert ent.department == world.housing
    (event,) = _events(ent, "updated")
    assert event.note == "搬迁"
    assert event.data["routing"] == "行业 E 建筑业 @ 全市默认 → 示范市住房和建设局"
    assert ent.history.first().history_change_reason == "搬迁"


def test_update_without_changes_writes_nothing(world):
    enterprise_update(actor=None, enterprise=world.ent_a, data={"name": world.ent_a.name})
    assert _events(world.ent_a, "updated") == []


def test_duplicate_credit_code_refused(world):
    enterprise_create(actor=None, data={"name": "一", "credit_code": uscc(7), "lng": 114.05, "lat": 22.05})
    with pytest.raises(DomainError) as exc:
        enterprise_create(actor=None, data={"name": "二", "credit_code": uscc(7), "lng": 114.05, "lat": 22.05})
    assert exc.value.field == "credit_code"
    with pytest.raises(DomainError):
        enterprise_update(actor=None, enterprise=world.ent_b, data={"credit_code": uscc(7)})
    assert Enterprise.objects.filter(credit_code=uscc(7)).count() == 1


@time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False)
def test_licence_expiry_opens_due_item_and_renew_reopens(world):
    lic = licence_add(actor=world.user("city_admin"), enterprise=world.ent_a,
                      data={"kind": "safety_production", "number": "(粤)WH安许证字[2026]001", "valid_until": dt.date(2026, 6, 30)})
    ct = ContentType.objects.get_for_model(lic)
    items = DueItem.objects.filter(content_type=ct, object_id=str(lic.pk))
    (item,) = items
    assert item.state == DueState.OPEN
    assert item.kind == "enterprises.licence_expiry"
    assert item.owner_enterprise_id == world.ent_a.pk
    assert item.url == f"/enterprises/{world.ent_a.pk}/?tab=licences"
    with pytest.raises(DomainError):
        licence_renew(actor=None, licence=lic, valid_until=dt.date(2026, 6, 1))
    licence_renew(actor=None, licence=lic, valid_until=dt.date(2029, 6, 30), number="新证号")
    assert items.filter(state=DueState.OPEN).count() == 1
    open_item = items.get(state=DueState.OPEN)
    assert open_item.due_at.date() == dt.date(2029, 6, 30)
    assert items.count() == 1  # the same item, re-opened with the new deadline
    assert [e.verb for e in _events(world.ent_a, "licence_added")] == ["licence_added"]
    assert len(_events(world.ent_a, "licence_renewed")) == 1


def test_licence_add_refused_outside_scope(world):
    with pytest.raises(NotAllowed):
        licence_add(actor=world.user("district_b"), enterprise=world.ent_a,
                    data={"kind": "other", "number": "1", "valid_until": dt.date(2027, 1, 1)})
    assert world.ent_a.licences.count() == 0


def test_bulk_create_writes_rows_history_and_one_event_each(world):
    before = Enterprise.objects.count()
    ids = enterprises_bulk_create(actor=world.user("district_a"), rows=[
        {"name": f"批量{i}", "credit_code": uscc(100 + i), "sector": Sector.objects.get(code="26"),
         "jurisdiction": world.grid_a, "lng": 114.05, "lat": 22.05, "flags": []} for i in range(5)
    ], batch_size=2)
    assert len(ids) == 5 and Enterprise.objects.count() == before + 5
    for ent in Enterprise.objects.filter(pk__in=ids):
        assert ent.department == world.ema
        assert ent.history.count() == 1
        assert len(_events(ent, "created")) == 1


def test_bulk_create_refuses_duplicates(world):
    enterprise_create(actor=None, data={"name": "已有", "credit_code": uscc(200), "lng": 114.05, "lat": 22.05})
    before = Enterprise.objects.count()
    with pytest.raises(DomainError):
        enterprises_bulk_create(actor=None, rows=[{"name": "x", "credit_code": uscc(200), "jurisdiction": world.grid_a}])
    with pytest.raises(DomainError):
        enterprises_bulk_create(actor=None, rows=[{"name": "x", "credit_code": uscc(201), "jurisdiction": world.grid_a},
                                                  {"name": "y", "credit_code": uscc(201), "jurisdiction": world.grid_a}])
    assert Enterprise.objects.count() == before
