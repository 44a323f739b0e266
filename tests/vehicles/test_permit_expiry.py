"""A vehicle permit's expiry is a to-do in the carrier's inbox (and nobody else's): opened when
the permit is registered, closed when a later one of the same kind is, cancelled when the permit
is removed or the vehicle taken off the road, back when it returns."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from anjian.inbox.models import DueItem, DueState
from anjian.inbox.selectors import due_item_list
from anjian.vehicles import services
from tests.vehicles.factories import make_vehicle

D = dt.date
NOW = dt.datetime(2026, 12, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))  # the permits below are dated around it
KIND = services.DUE_PERMIT_EXPIRY


def _items(state=DueState.OPEN):
    return list(DueItem.objects.filter(kind=KIND, state=state).order_by("id"))


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_permit_expiry_waits_in_the_carriers_inbox_only(world):
    owner = world.users["enterprise"]
    vehicle = make_vehicle(world)
    first = services.permit_add(actor=owner, vehicle=vehicle, kind="transport", number="粤交运管4401",
                                valid_from=D(2024, 1, 1), valid_until=D(2027, 3, 31))
    services.permit_add(actor=owner, vehicle=vehicle, kind="pass", number="通行-1", valid_from=None, valid_until=None)
    [item] = _items()  # the pass has no end: nothing to renew
    assert item.object_id == str(first.pk) and item.owner_enterprise == world.ent_a
    assert item.title == "道路运输证到期：粤A12345" and item.url == f"/vehicles/{vehicle.pk}/"
    assert item.due_at.date() == D(2027, 3, 31)
    assert list(due_item_list(user=owner)) == [item]
    for other in ("district_a", "district_b", "regulator", "grid_inspector"):
        assert item not in due_item_list(user=world.users[other])

    # Renewed: the old permit's to-do is done, the new one's is open.
    renewed = services.permit_add(actor=owner, vehicle=vehicle, kind="transport", number="粤交运管4402",
                                  valid_from=D(2027, 3, 1), valid_until=D(2031, 3, 31))
    assert [i.object_id for i in _items()] == [str(renewed.pk)]
    assert [i.object_id for i in _items(DueState.DONE)] == [str(first.pk)]

    # Taken off the road: cancelled; back on it: the current permit's to-do again.
    services.vehicle_set_enabled(actor=owner, vehicle=vehicle, enabled=False, reason="停运检修")
    assert _items() == []
    services.vehicle_set_enabled(actor=owner, vehicle=vehicle, enabled=True)
    assert [i.object_id for i in _items()] == [str(renewed.pk)]

    # The renewal was entered by mistake and removed: the earlier permit is the one to renew again.
    services.permit_remove(actor=owner, permit=renewed)
    assert [i.object_id for i in _items()] == [str(first.pk)]


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_permit_form_opens_the_to_do(world, login):
    vehicle = make_vehicle(world)
    client = login("enterprise")
    r = client.post(f"/vehicles/{vehicle.pk}/permits/", {"kind": "hazmat", "number": "粤危运2026-1",
                                                         "valid_from": "2026-01-01", "valid_until": "2026-12-31"})
    assert r.status_code == 302
    [item] = _items()
    assert item.title == "危险货物道路运输许可到期：粤A12345"
    page = client.get("/inbox/").content.decode()
    assert "危险货物道路运输许可到期：粤A12345" in page
