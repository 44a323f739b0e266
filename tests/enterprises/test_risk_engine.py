"""The enterprise risk engine: the colour follows hazards, accidents and flags (recomputed after
commit, with row history and a timeline event), the whole-city job equals the per-enterprise
computation, and the detail page explains the colour."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anjian.audit.selectors import timeline_for
from anjian.enterprises.models import Enterprise
from anjian.enterprises.risk import (
    JOB_KIND,
    enterprise_risk_inputs,
    evaluate,
    recompute_all,
    schedule_recompute,
)
from anjian.enterprises.services import enterprise_update
from anjian.hazards import services as hs
from anjian.hazards.models import HazardLevel
from anjian.jobs.models import Job
from anjian.jobs.services import job_start
from anjian.orgs.models import Sector
from anjian.orgs.risk import sector_set_inherent_risk
from anjian.rules import hazards as hazard_rules

pytestmark = pytest.mark.django_db

PLAN = {key: "已落实" for key, _zh, _en in hazard_rules.TREATMENT_PLAN_PARTS}


@pytest.fixture(autouse=True)
def _world_committed(world):
    """The test wraps everything in one transaction, so the recomputes the world's creation
    scheduled would run only at a commit that never comes: run them now, as a commit would."""
    from django.db import connection

    pending = getattr(connection, "_anjian_risk_pending", None)
    if pending is not None and not pending.done:
        pending.callback()


def _colour(ent) -> str:
    return Enterprise.objects.get(pk=ent.pk).risk_colour


def _zh(ent) -> list[str]:
    return [line["zh"] for line in Enterprise.objects.get(pk=ent.pk).risk_explanation]


def _risk_events(ent) -> list[str]:
    return [e.summary for e in timeline_for(ent).filter(verb="risk_changed").order_by("id")]


def _expected(ent):
    ent = Enterprise.objects.select_related("sector__parent").get(pk=ent.pk)
    return evaluate(enterprise_risk_inputs(ent))


def _accident(world, ent, *, days_ago: int, deaths: int, kind: str = "accident"):
    from anjian.accidents.services import accident_report

    when = timezone.now() - dt.timedelta(days=days_ago)
    from anjian.rules.accidents import accident_types_for

    fall = next(t for t in accident_types_for(timezone.localdate(when)).types if t.name_zh == "高处坠落")
    return accident_report(actor=None, data={
        "enterprise": ent, "occurred_at": when, "known_at": when + dt.timedelta(minutes=5),
        "reported_at": when + dt.timedelta(minutes=30), "place": "车间", "description": "高处坠落",
        "category": "industrial_commercial", "type_code": fall.code, "deaths": deaths, "reporter": "张三", "kind": kind,
    })


def test_major_hazard_raises_the_colour_and_write_off_lowers_it(world, django_capture_on_commit_callbacks):
    ent, regulator, owner = world.ent_a, world.user("regulator"), world.user("enterprise")
    with django_capture_on_commit_callbacks(execute=True):
        schedule_recompute(ent.pk)
    # Sector 26 (local default orange, 60) + hazardous chemicals (15) = 75: orange.
    assert _colour(ent) == "orange"
    assert _zh(ent)[0] == "行业固有风险为橙色（较大风险）：60 分（行业 26 的本地配置）"
    assert Enterprise.objects.get(pk=ent.pk).risk_computed_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        h = hs.hazard_report(actor=world.user("grid_inspector"), source="patrol", enterprise=ent,
                             category="储罐区防火堤破损", description="裂缝", level=HazardLevel.MAJOR)
    assert _colour(ent) == "orange"  # an unconfirmed report does not count
    with django_capture_on_commit_callbacks(execute=True):
        hs.hazard_confirm(actor=regulator, hazard=h, note="属实")
    assert _colour(ent) == "red"
    assert "未整改重大事故隐患 1 项：+30 分" in _zh(ent)
    assert _risk_events(ent) == ["风险等级 橙（较大风险） → 红（重大风险）"]

    with django_capture_on_commit_callbacks(execute=True):
        hs.hazard_plan_set(actor=owner, hazard=h, plan=PLAN)
        hs.hazard_start_rectification(actor=owner, hazard=h)
        hs.hazard_apply_writeoff(actor=owner, hazard=h, note="已修复")
        hs.hazard_review(actor=regulator, hazard=h, passed=True, note="合格")
    assert _colour(ent) == "red"  # still open until 销号
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        hs.hazard_write_off(actor=regulator, hazard=h, note="销号")
    assert _colour(ent) == "orange"
    assert _risk_events(ent) == ["风险等级 橙（较大风险） → 红（重大风险）", "风险等级 红（重大风险） → 橙（较大风险）"]
    assert len([c for c in callbacks if getattr(c, "__self__", None).__class__.__name__ == "_Pending"]) == 1
    reasons = list(Enterprise.history.filter(id=ent.pk).values_list("risk_colour", "history_change_reason")
                   .order_by("history_id"))
    assert reasons[0] == ("orange", "新建")  # the first colour is set when the enterprise is created
    assert [r for r in reasons if r[1] == "风险等级重算"] == [("red", "风险等级重算"), ("orange", "风险等级重算")]
    assert (_colour(ent), Enterprise.objects.get(pk=ent.pk).risk_explanation) == _expected(ent)


def test_rejected_report_and_rolled_back_transaction_change_nothing(world, django_capture_on_commit_callbacks):
    from django.db import transaction

    ent = world.ent_a
    with django_capture_on_commit_callbacks(execute=True):
        schedule_recompute(ent.pk)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        hs.hazard_report(actor=None, source="patrol", enterprise=ent, category="x", description="y",
                         level=HazardLevel.MAJOR)
        raise RuntimeError("rolled back")
    assert _colour(ent) == "orange"
    with django_capture_on_commit_callbacks(execute=True):
        h = hs.hazard_report(actor=None, source="patrol", enterprise=ent, category="x", description="y",
                             level=HazardLevel.MAJOR)
        hs.hazard_reject(actor=None, hazard=h, reason="not_a_hazard", note="不构成")
    assert _colour(ent) == "orange"
    assert _risk_events(ent) == []


def test_accident_deaths_raise_the_colour(world, django_capture_on_commit_callbacks):
    ent = world.ent_b  # 47 房屋建筑业: inherits E (local default orange, 60)
    with django_capture_on_commit_callbacks(execute=True):
        schedule_recompute(ent.pk)
    assert _colour(ent) == "orange"
    with django_capture_on_commit_callbacks(execute=True):
        _accident(world, ent, days_ago=800, deaths=0)  # older than a year, no deaths: nothing
    assert _colour(ent) == "orange"
    with django_capture_on_commit_callbacks(execute=True):
        _accident(world, ent, days_ago=10, deaths=1)
    assert _colour(ent) == "red"  # 60 + 20 (accident) + 30 (death) = 110
    assert _zh(ent)[1:3] == ["近一年发生事故 1 起：+20 分", "近三年事故死亡 1 人：+30 分"]
    assert _risk_events(ent) == ["风险等级 橙（较大风险） → 红（重大风险）"]


def test_a_death_keeps_a_blue_sector_at_least_orange(world, django_capture_on_commit_callbacks):
    sector_set_inherent_risk(actor=None, sector=Sector.objects.get(code="E"), colour="")
    ent = world.ent_b
    with django_capture_on_commit_callbacks(execute=True):
        _accident(world, ent, days_ago=500, deaths=1)  # 0 + 30 = 30 (yellow), death floor → orange
    assert _colour(ent) == "orange"
    assert _zh(ent)[0].endswith("（行业未设置，默认蓝色）")
    assert _zh(ent)[-1] == "近三年发生死亡事故，风险等级不低于橙色（较大风险）"


def test_flag_change_recomputes(world, django_capture_on_commit_callbacks):
    ent = world.ent_a2  # 47, no flags: orange 60
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_update(actor=world.user("district_a"), enterprise=ent,
                          data={"flags": ["major_hazard_source", "confined_space"]})
    assert _colour(ent) == "red"  # 60 + 30 + 10
    assert "构成危险化学品重大危险源：+30 分" in _zh(ent)
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_update(actor=world.user("district_a"), enterprise=ent, data={"flags": ["high_risk_sector"]})
    assert _colour(ent) == "orange"  # high_risk_sector is the sector's inherent colour, not extra points


def test_city_job_equals_per_enterprise_computation(world, django_capture_on_commit_callbacks):
    regulator = world.user("regulator")
    past = timezone.now() - dt.timedelta(days=3)
    # ent_a: one open general hazard, overdue; one open major. ent_b: an accident. ent_a2: nothing.
    g = hs.hazard_report(actor=None, source="patrol", enterprise=world.ent_a, category="a", description="b",
                         found_at=past - dt.timedelta(days=1))
    hs.hazard_confirm(actor=regulator, hazard=g, deadline=past)
    m = hs.hazard_report(actor=None, source="patrol", enterprise=world.ent_a, category="c", description="d",
                         level=HazardLevel.MAJOR)
    hs.hazard_confirm(actor=regulator, hazard=m)
    _accident(world, world.ent_b, days_ago=30, deaths=0)
    extra = [world.ent_a2]
    # Stale stored colours (nothing ran on commit here): the job must fix them all.
    Enterprise.objects.update(risk_colour="blue", risk_explanation=[], risk_computed_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(JOB_KIND, actor=world.user("city_admin"), title="重算")
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert job.result == {"count": 3, "changed": 3, "raised": 3, "lowered": 0}
    for ent in [world.ent_a, world.ent_b, *extra]:
        stored = Enterprise.objects.get(pk=ent.pk)
        assert (stored.risk_colour, stored.risk_explanation) == _expected(ent)
        assert stored.risk_computed_at is not None
    a = Enterprise.objects.get(pk=world.ent_a.pk)
    assert a.risk_colour == "red"
    assert {"逾期未整改隐患 1 项：+10 分", "未整改一般事故隐患 1 项：+2 分"} <= {line["zh"] for line in a.risk_explanation}
    assert Enterprise.objects.get(pk=world.ent_b.pk).risk_colour == "orange"  # 60 + 20 = 80
    assert timeline_for(a).filter(verb="risk_changed").count() == 1
    assert a.history.first().history_change_reason == "风险等级重算"
    # Running again changes nothing.
    assert recompute_all()["changed"] == 0
    assert Job.objects.filter(kind=JOB_KIND).count() == 1


def test_detail_page_explains_the_colour(world, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        schedule_recompute(world.ent_a.pk)
    client = login("district_a")
    html = client.get(f"/enterprises/{world.ent_a.pk}/").content.decode()
    assert 'data-testid="risk-explanation"' in html
    assert "行业固有风险为橙色（较大风险）：60 分（行业 26 的本地配置）" in html
    assert "涉及危险化学品：+15 分" in html and "评定于" in html
    client.cookies["django_language"] = "en"
    en = client.get(f"/enterprises/{world.ent_a.pk}/").content.decode()
    assert "sector inherent risk orange (considerable risk): 60 points (local setting of sector 26)" in en
    # The recompute button: allowed to who may change the enterprise, 404 outside.
    assert login("district_b").post(f"/enterprises/{world.ent_a.pk}/risk/recompute/").status_code == 404
    assert login("district_a").post(f"/enterprises/{world.ent_a.pk}/risk/recompute/").status_code == 302
