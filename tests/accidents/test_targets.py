"""Control targets: split to districts, progress with amber/red thresholds, inbox warnings, page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from anjian.accidents.models import ControlTarget
from anjian.accidents.targets import elapsed_share, target_progress, target_set, target_split, targets_warn
from anjian.core.errors import DomainError, NotAllowed
from anjian.inbox.models import DueItem, DueState

from .factories import at

pytestmark = pytest.mark.django_db


def test_proportional_split_adds_up(world, history):
    admin = world.user("city_admin")
    city = target_set(actor=admin, year=2026, jurisdiction=world.city, metric="deaths", quota=10)
    shares = target_split(actor=admin, target=city)
    # 10 × 3/4 = 7.5 and 10 × 1/4 = 2.5 → largest remainder, ties to the first district
    assert [(t.jurisdiction.name, t.quota, t.parent_id) for t in shares] == [("甲区", 8, city.pk), ("乙区", 2, city.pk)]
    with pytest.raises(DomainError):
        target_split(actor=admin, target=city, manual={world.district_a.pk: 5, world.district_b.pk: 4})
    manual = target_split(actor=admin, target=city, manual={world.district_a.pk: 6, world.district_b.pk: 4})
    assert [t.quota for t in manual] == [6, 4]
    assert ControlTarget.objects.count() == 3


def test_only_the_office_sets_targets(world):
    with pytest.raises(NotAllowed):
        target_set(actor=world.user("district_a"), year=2026, jurisdiction=world.city, metric="deaths", quota=5)
    with pytest.raises(NotAllowed):
        target_set(actor=world.user("regulator"), year=2026, jurisdiction=world.district_a, metric="deaths", quota=5)
    assert ControlTarget.objects.count() == 0


def test_progress_status_and_inbox_warnings(world, history):
    admin = world.user("city_admin")
    target_set(actor=admin, year=2026, jurisdiction=world.city, metric="deaths", quota=10)
    target_set(actor=admin, year=2026, jurisdiction=world.district_a, metric="deaths", quota=2)
    target_set(actor=admin, year=2026, jurisdiction=world.district_b, metric="deaths", quota=5)
    target_set(actor=admin, year=2026, jurisdiction=world.district_b, metric="larger", quota=1)
    day = dt.date(2026, 3, 31)
    assert elapsed_share(day) == Decimal(90) / 365
    rows = {(r["target"].jurisdiction.name, r["target"].metric): r
            for r in target_progress(user=admin, year=2026, day=day)}
    assert (rows[("示范市", "deaths")]["actual"], rows[("示范市", "deaths")]["status"]) == (2, "green")
    assert (rows[("甲区", "deaths")]["actual"], rows[("甲区", "deaths")]["status"]) == (2, "red")
    assert rows[("甲区", "deaths")]["percent"] == Decimal("100.0")
    assert (rows[("乙区", "deaths")]["actual"], rows[("乙区", "deaths")]["status"]) == (0, "green")
    # 2 deaths against 10 by 31 March: 2 < 8 and 2 < 10 × 90/365 = 2.47 → green; by 1 March (59 days) amber
    assert next(r for r in target_progress(user=admin, year=2026, day=dt.date(2026, 3, 1))
                if r["target"].jurisdiction_id == world.city.pk)["status"] == "amber"
    assert [r["target"].jurisdiction.name for r in target_progress(user=world.user("district_b"), year=2026, day=day)] == [
        "乙区", "乙区"]
    with time_machine.travel(at(2026, 3, 31, 8), tick=False):
        assert targets_warn(day=day) == 1
    item = DueItem.objects.get(kind="accidents.target_warning")
    assert (item.owner_jurisdiction, item.state) == (world.district_a, DueState.OPEN)
    assert item.title == "红色预警：甲区死亡人数已达2（控制数2）"
    # raising the quota clears the warning on the next run
    target_set(actor=admin, year=2026, jurisdiction=world.district_a, metric="deaths", quota=20)
    with time_machine.travel(at(2026, 4, 1, 8), tick=False):
        assert targets_warn(day=dt.date(2026, 4, 1)) == 0
    item.refresh_from_db()
    assert item.state == DueState.CANCELLED  # withdrawn: the warning no longer applies


@pytest.mark.parametrize(("persona", "status"), [("city_admin", 302), ("district_a", 302), ("regulator", 404),
                                                  ("enterprise", 404), ("anonymous", 302)])
def test_targets_page_matrix(login, world, persona, status):
    client = login(persona)
    assert client.get("/accidents/targets/?year=2026").status_code == (302 if persona == "anonymous" else 200)
    response = client.post("/accidents/targets/?year=2026",
                           {"op": "set", "year": "2026", "jurisdiction": world.district_a.pk, "metric": "deaths",
                            "quota": "3"})
    assert response.status_code == status
    expected = 1 if persona in ("city_admin", "district_a") else 0
    assert ControlTarget.objects.count() == expected


def test_warning_text_follows_the_count_and_keeps_its_schedule(world, django_capture_on_commit_callbacks):
    """"死亡人数已达18" must not stay after the count reached 21: a new accident (or a supplement)
    brings the open warning's figures up to date at once; its deadline and escalation run on."""
    from tests.accidents.factories import report

    admin = world.user("city_admin")
    with time_machine.travel(at(2026, 3, 20, 8), tick=False):
        target_set(actor=admin, year=2026, jurisdiction=world.district_a, metric="deaths", quota=2)
        with django_capture_on_commit_callbacks(execute=True):
            report(world, actor=admin, **{"occurred_at": at(2026, 3, 10, 8), "known_at": at(2026, 3, 10, 8),
                                          "reported_at": at(2026, 3, 10, 8, 30)}, deaths=2)
        item = DueItem.objects.get(kind="accidents.target_warning")
        assert item.title == "红色预警：甲区死亡人数已达2（控制数2）"
        due_at, escalate_at = item.due_at, item.escalate_at
    with time_machine.travel(at(2026, 3, 22, 8), tick=False), django_capture_on_commit_callbacks(execute=True):
        report(world, actor=admin, unit_name="甲区另一单位", **{"occurred_at": at(2026, 3, 21, 8),
                   "known_at": at(2026, 3, 21, 8), "reported_at": at(2026, 3, 21, 8, 30)}, deaths=1)
    item.refresh_from_db()
    assert item.title == "红色预警：甲区死亡人数已达3（控制数2）"
    assert (item.due_at, item.escalate_at, item.state) == (due_at, escalate_at, DueState.OPEN)
