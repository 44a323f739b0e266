"""Reject, re-route and report validation."""

from __future__ import annotations

import pytest

from anjian.audit.selectors import timeline_for
from anjian.core.errors import DomainError, InvalidTransition, NotAllowed
from anjian.hazards import services as hs
from anjian.hazards.models import Hazard
from anjian.orgs.models import Sector

from .helpers import due_rows, open_item, snapshot

pytestmark = pytest.mark.django_db


def _report(world, **kw):
    data = {"actor": world.user("grid_inspector"), "source": "patrol", "enterprise": world.ent_a,
            "category": "消防通道堵塞", "description": "堆放货物"}
    data.update(kw)
    return hs.hazard_report(**data)


def test_reject_requires_reason_and_note_and_duplicate_target(world):
    regulator = world.user("regulator")
    first, second = _report(world), _report(world)
    with pytest.raises(DomainError) as exc:
        hs.hazard_reject(actor=regulator, hazard=second, reason="", note="x")
    assert exc.value.field == "reason"
    with pytest.raises(DomainError) as exc:
        hs.hazard_reject(actor=regulator, hazard=second, reason="duplicate", note="重复")
    assert exc.value.field == "duplicate_of"
    with pytest.raises(InvalidTransition):
        hs.hazard_reject(actor=regulator, hazard=second, reason="not_a_hazard", note="  ")
    assert Hazard.objects.get(pk=second.pk).status == "reported"
    hs.hazard_reject(actor=regulator, hazard=second, reason="duplicate", note="与前一条重复", duplicate_of=first)
    second.refresh_from_db()
    assert (second.status, second.reject_reason, second.duplicate_of) == ("rejected", "duplicate", first)
    assert due_rows(second) == [("hazards.confirm", "done")]


def test_report_places_without_enterprise_by_point(world):
    h = _report(world, enterprise=None, place_name="甲一网格废品回收点", lng=114.01, lat=22.01, accuracy_m=20)
    assert (h.jurisdiction, h.sector, h.department, h.enterprise) == (world.grid_a, None, None, None)
    assert h.routing_rule == "未指定行业，未路由 / no sector, not routed"
    assert open_item(h).owner_jurisdiction == world.street_a  # the grid's street office confirms it


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"category": " "}, "category"),
        ({"description": ""}, "description"),
        ({"enterprise": None}, "enterprise"),
        ({"lng": 114.0}, "lng"),
        ({"source": "rumour"}, "source"),
        ({"level": "huge"}, "level"),
    ],
)
def test_report_validation(world, kw, field):
    with pytest.raises(DomainError) as exc:
        _report(world, **kw)
    assert exc.value.field == field
    assert Hazard.objects.count() == 0


def test_reroute_is_audited_and_moves_the_inbox_item(world):
    h = _report(world)
    regulator, inspector = world.user("regulator"), world.user("grid_inspector")
    before = snapshot(h)
    with pytest.raises(NotAllowed):
        hs.hazard_reroute(actor=inspector, hazard=h, reason="x", department=world.housing)
    with pytest.raises(DomainError):
        hs.hazard_reroute(actor=regulator, hazard=h, reason=" ", department=world.housing)
    assert snapshot(h) == before
    hs.hazard_reroute(actor=regulator, hazard=h, reason="实为建筑施工", sector=Sector.objects.get(code="47"))
    h.refresh_from_db()
    assert (h.department, h.sector.code) == (world.housing, "47")
    assert h.routing_rule == "行业 E 建筑业 @ 全市默认 → 示范市住房和建设局"
    assert open_item(h).owner_department == world.housing
    event = timeline_for(h).get(verb="hazard.rerouted")
    assert event.summary == "改派：示范市应急管理局（990101001001）→ 示范市住房和建设局（990101001001）"
    assert event.note == "实为建筑施工"
    assert event.data["before"]["department"] == "示范市应急管理局"
    assert h.history.order_by("-history_id").first().history_change_reason == "改派：实为建筑施工"
    # The regulator of 应急管理局 no longer sees it; 住建局's sector does.
    assert list(Hazard.objects.restrict(regulator, "view")) == []
