"""Graded plans (quotas add up, adjust, approve with a to-do) and reproducible 双随机 draws."""

from __future__ import annotations

import pytest
import time_machine

from anjian.core.errors import NotAllowed
from anjian.enforcement import services
from anjian.enforcement.models import PlanStatus, RandomDraw
from anjian.inbox.models import DueItem, DueState
from tests.enforcement.helpers import NOW, inspectors


@pytest.mark.django_db
def test_plan_generate_adjust_approve(world):
    reg = world.users["regulator"]
    with time_machine.travel(NOW, tick=False):
        plan = services.plan_generate(actor=reg, department=world.ema, jurisdiction=world.city, year=2026)
        targets = list(plan.targets.all())
        # only the department's sectors: the chemical firm (C) is in, the builders (E) are not
        assert [t.enterprise for t in targets] == [world.ent_a]
        assert targets[0].klass == "D" and targets[0].quota == 12  # hazardous chemicals, not graded
        from anjian.enforcement.selectors import plan_progress

        progress = plan_progress(plan)
        assert progress["quota"] == sum(t.quota for t in targets) == sum(r["quota"] for _k, r in progress["by_class"])
        services.plan_target_adjust(actor=reg, target=targets[0], klass="C", quota=8, note="已取得三级标准化证书")
        with pytest.raises(NotAllowed):
            services.plan_generate(actor=world.users["district_a"], department=world.ema, jurisdiction=world.city,
                                   year=2027)
        services.plan_move(actor=reg, plan=plan, target=PlanStatus.SUBMITTED)
        item = DueItem.objects.get(kind="enforcement.plan_approve", object_id=str(plan.pk), state=DueState.OPEN)
        assert item.owner_department == world.ema
        services.plan_move(actor=reg, plan=plan, target=PlanStatus.APPROVED)
        services.plan_move(actor=reg, plan=plan, target=PlanStatus.PUBLISHED)
        progress = DueItem.objects.get(kind="enforcement.plan_progress", object_id=str(plan.pk), state=DueState.OPEN)
        assert progress.owner_department == world.ema and progress.title.endswith("已检查 0/8 次")
        a, b, _c = inspectors(world)
        insp = services.inspection_start(actor=reg, department=world.ema, enterprise=world.ent_a, inspectors=[a, b])
        assert insp.plan_target == targets[0]  # counted towards the published plan
        services.inspection_complete(actor=reg, inspection=insp, content="按计划检查")
        progress.refresh_from_db()
        assert progress.title.endswith("已检查 1/8 次") and progress.due_at.year == 2026
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED and plan.published_at is not None
    assert not DueItem.objects.filter(kind="enforcement.plan_approve", state=DueState.OPEN).exists()


@pytest.mark.django_db
def test_draw_is_reproducible_scoped_and_excludes_conflicts(world):
    reg = world.users["regulator"]
    with time_machine.travel(NOW, tick=False):
        a, b, c = inspectors(world)
        matter = services.matter_add(actor=reg, department=world.ema, name="危险化学品企业安全生产条件",
                                     basis="《安全生产法》第六十二条")
        draw = services.draw_run(actor=reg, department=world.ema, jurisdiction=world.district_a, matter=matter,
                                 ratio_percent=100, seed="2026-甲区-01")
    assert draw.population == [world.ent_a.pk]  # district A, the department's sectors only
    pick = draw.picks.get()
    assert pick.enterprise == world.ent_a
    assert set(pick.inspectors.all()) == {a, b}  # 王执法 stands aside for ent_a
    assert services.draw_verify(draw)
    # tampering with the stored result is detected
    pick.inspectors.set([a, c])
    assert not services.draw_verify(RandomDraw.objects.get(pk=draw.pk))
    with pytest.raises(NotAllowed):  # another department's draw
        services.draw_run(actor=reg, department=world.housing, jurisdiction=world.district_b, matter=matter,
                          ratio_percent=5)


@pytest.mark.django_db
def test_draw_publish_shows_on_public_site(world, client):
    reg = world.users["regulator"]
    with time_machine.travel(NOW, tick=False):
        inspectors(world)
        matter = services.matter_add(actor=reg, department=world.ema, name="有限空间作业", basis="工贸企业有限空间作业安全规定")
        draw = services.draw_run(actor=reg, department=world.ema, jurisdiction=world.city, matter=matter,
                                 ratio_percent=50, seed="s")
    assert "有限空间作业" not in client.get("/enforcement/public/draws/").content.decode()
    services.draw_publish(actor=reg, draw=draw)
    page = client.get("/enforcement/public/draws/").content.decode()
    assert "有限空间作业" in page and world.ent_a.name in page
    # on the public site: linked from the reporting page's bar, no login
    assert 'href="/public/draws/"' in client.get("/public/").content.decode()
    page = client.get("/public/draws/").content.decode()
    assert "有限空间作业" in page and world.ent_a.name in page and draw.seed in page


@pytest.mark.django_db
def test_rule_set_through_the_api_and_accident_history_classifies(world, client):
    """A department replaces its rule set (audited, validated, scoped); the accidents of the last
    three years and the penalties of the last year are facts the rules see."""
    from anjian.accounts.services import token_create
    from anjian.enforcement.models import ClassificationRule
    from tests.accidents.factories import report as accident

    reg = world.users["regulator"]
    _t, raw = token_create(actor=reg, name="t")
    h = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    rules = [{"order": 10, "label": "三年内发生事故", "klass": "D", "quota": 9, "min_accidents_3y": 1},
             {"order": 99, "label": "其他", "klass": "A", "quota": 1}]
    with time_machine.travel(NOW, tick=False):
        defaults = client.get(f"/api/v1/enforcement/rules?department_id={world.ema.pk}", **h).json()
        assert defaults[0]["label"] == "列入严重失信主体名单" and len(defaults) == 12  # the credit row first (issue 18)
        bad = client.put("/api/v1/enforcement/rules", {"department_id": world.ema.pk, "rules": [
            {**rules[0], "klass": "E"}]}, content_type="application/json", **h)
        assert bad.status_code == 422 and not ClassificationRule.objects.exists()
        unknown = client.put("/api/v1/enforcement/rules", {"department_id": world.ema.pk, "rules": [
            {**rules[0], "sector_code": "Z99"}]}, content_type="application/json", **h)  # no such GB/T 4754 code
        assert unknown.status_code == 400 and unknown.json()["field"] == "sector_code"
        assert not ClassificationRule.objects.exists()
        _t2, raw2 = token_create(actor=world.users["district_b"], name="t")
        other = client.put("/api/v1/enforcement/rules", {"department_id": world.ema.pk, "rules": rules},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw2}")
        assert other.status_code in (400, 403, 404) and not ClassificationRule.objects.exists()
        r = client.put("/api/v1/enforcement/rules", {"department_id": world.ema.pk, "rules": rules, "note": "试行"},
                       content_type="application/json", **h)
        assert r.status_code == 200 and [x["klass"] for x in r.json()] == ["D", "A"]
        plan = services.plan_generate(actor=reg, department=world.ema, jurisdiction=world.city, year=2026)
        assert [(t.klass, t.quota) for t in plan.targets.all()] == [("A", 1)]
    with time_machine.travel(NOW.replace(month=4), tick=False):
        accident(world)  # ent_a, 10 March 2026
        plan = services.plan_generate(actor=reg, department=world.ema, jurisdiction=world.city, year=2026)
        assert [(t.klass, t.quota, t.rule_label) for t in plan.targets.all()] == [("D", 9, "三年内发生事故")]
