"""Plan filing (预案管理办法 Art. 21–28, 33–36): every waiting state puts its to-do in exactly the
acting unit's inbox; refusals change nothing."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest
import time_machine

from anjian.core.errors import DomainError, NotAllowed, NotFoundInScope
from anjian.emergency import services
from anjian.emergency.documents import registration_bytes
from anjian.emergency.models import EmergencyPlan, PlanStatus, RevisionTrigger
from anjian.emergency.selectors import risk_gaps
from anjian.inbox.selectors import due_item_list
from anjian.monitoring.models import HazardSource

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 11, 2, 10, 0, tzinfo=SH)


def _mine(world, persona: str, kind: str | None = None) -> list[tuple[str, int]]:
    return sorted((i.kind, int(i.object_id)) for i in due_item_list(user=world.user(persona))
                  if i.kind.startswith("emergency.") and (kind is None or i.kind == kind))


def _reviewed_plan(world, actor):
    plan = services.plan_create(actor=actor, plan_type="comprehensive", title="综合应急预案",
                                enterprise=world.ent_a, accident_types=["火灾", "中毒和窒息"])
    services.plan_review_record(actor=actor, plan=plan, kind="review", held_on=dt.date(2026, 10, 30),
                                conclusion="修改后通过", experts="张三、李四")
    return plan


@time_machine.travel(MONDAY, tick=False)
def test_enterprise_plan_filing_round_trip(world):
    ent_user, regulator = world.user("enterprise"), world.user("regulator")
    plan = services.plan_create(actor=ent_user, plan_type="comprehensive", title="综合应急预案", enterprise=world.ent_a)
    # a hazardous-chemicals unit needs a written review before it signs (Art. 21)
    with pytest.raises(DomainError):
        services.plan_publish(actor=ent_user, plan=plan, signed_by="王总", published_on=dt.date(2026, 11, 2))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and plan.published_on is None
    services.plan_review_record(actor=ent_user, plan=plan, kind="review", held_on=dt.date(2026, 10, 30),
                                conclusion="通过")
    services.plan_publish(actor=ent_user, plan=plan, signed_by="王总", published_on=dt.date(2026, 11, 2))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED and plan.must_file
    assert plan.filing_due == dt.date(2026, 11, 30)  # 20 working days
    assert plan.filing_department == world.ema
    assert plan.evaluation_due == dt.date(2029, 11, 2)
    # the enterprise files: its inbox, nobody else's
    assert ("emergency.file_plan", plan.pk) in _mine(world, "enterprise")
    assert _mine(world, "regulator", "emergency.file_plan") == []
    assert _mine(world, "district_a", "emergency.file_plan") == []

    services.plan_submit(actor=ent_user, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED and plan.check_due == dt.date(2026, 11, 9)  # 5 working days
    assert _mine(world, "enterprise", "emergency.file_plan") == []
    assert _mine(world, "regulator", "emergency.check_filing") == [("emergency.check_filing", plan.pk)]
    assert _mine(world, "district_a", "emergency.check_filing") == []

    # the district office is not this plan's filing authority: refused, nothing changes
    with pytest.raises(NotAllowed):
        services.plan_accept(actor=world.user("district_a"), plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED and not plan.filing_number
    # the enterprise cannot file its own plan either
    with pytest.raises(NotAllowed):
        services.plan_accept(actor=ent_user, plan=plan)

    services.plan_return(actor=regulator, plan=plan, note="缺少风险评估结果和应急资源调查清单")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED and "风险评估" in plan.return_reason
    assert _mine(world, "enterprise", "emergency.file_plan") == [("emergency.file_plan", plan.pk)]
    assert _mine(world, "regulator", "emergency.check_filing") == []

    services.plan_submit(actor=ent_user, plan=plan)
    services.plan_accept(actor=regulator, plan=plan, note="材料齐全")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.FILED and plan.filing_number == f"YJBA2026-{plan.pk:05d}"
    docx = registration_bytes(plan)  # the registration form (Word)
    assert docx[:2] == b"PK" and plan.filing_number.encode() in zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml")
    assert _mine(world, "regulator", "emergency.check_filing") == []
    assert _mine(world, "enterprise", "emergency.file_plan") == []


@time_machine.travel(MONDAY, tick=False)
def test_return_needs_the_list_of_what_is_missing(world):
    plan = _reviewed_plan(world, world.user("enterprise"))
    services.plan_publish(actor=world.user("enterprise"), plan=plan, signed_by="王总", published_on=dt.date(2026, 11, 2))
    services.plan_submit(actor=world.user("enterprise"), plan=plan)
    with pytest.raises(DomainError):
        services.plan_return(actor=world.user("regulator"), plan=plan, note=" ")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_out_of_scope_users_cannot_touch_the_plan(world):
    plan = _reviewed_plan(world, world.user("enterprise"))
    services.plan_publish(actor=world.user("enterprise"), plan=plan, signed_by="王总", published_on=dt.date.today())
    for persona in ("district_b", "grid_inspector"):
        with pytest.raises((NotFoundInScope, NotAllowed)):
            services.plan_submit(actor=world.user(persona), plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED
    assert not EmergencyPlan.objects.restrict(world.user("district_b"), "emergency.view").filter(pk=plan.pk).exists()
    with pytest.raises(NotAllowed):
        services.plan_create(actor=world.user("enterprise"), plan_type="onsite", title="x", enterprise=world.ent_b)
    assert not EmergencyPlan.objects.filter(enterprise=world.ent_b).exists()


@time_machine.travel(MONDAY, tick=False)
def test_government_plan_files_with_the_level_above_and_deemed_filed(world):
    district = world.user("district_a")
    plan = services.plan_create(actor=district, plan_type="special", title="甲区危险化学品事故专项预案",
                                jurisdiction=world.district_a)
    services.plan_publish(actor=district, plan=plan, signed_by="区长", published_on=dt.date(2026, 11, 2))
    plan.refresh_from_db()
    assert plan.must_file and plan.filing_jurisdiction == world.city and plan.filing_department is None
    assert _mine(world, "district_a", "emergency.file_plan") == [("emergency.file_plan", plan.pk)]
    services.plan_submit(actor=district, plan=plan)
    assert _mine(world, "city_admin", "emergency.check_filing") == [("emergency.check_filing", plan.pk)]
    assert _mine(world, "district_a", "emergency.check_filing") == []
    with pytest.raises(NotAllowed):  # a district cannot file its own plan
        services.plan_accept(actor=district, plan=plan)
    # the city lets 5 working days pass: the plan counts as filed (Art. 26)
    with time_machine.travel(dt.datetime(2026, 11, 10, 8, 0, tzinfo=SH), tick=False):
        assert services.plans_deem_filed() == 1
    plan.refresh_from_db()
    assert plan.status == PlanStatus.FILED and plan.filed_by_default and plan.filed_on == dt.date(2026, 11, 9)
    assert _mine(world, "city_admin", "emergency.check_filing") == []


@time_machine.travel(MONDAY, tick=False)
def test_drill_restarts_the_clock_and_problems_raise_a_revision(world):
    ent_user = world.user("enterprise")
    plan = _reviewed_plan(world, ent_user)
    services.plan_publish(actor=ent_user, plan=plan, signed_by="王总", published_on=dt.date(2026, 5, 4))
    item = next(i for i in due_item_list(user=ent_user) if i.kind == "emergency.drill")
    # hazardous chemicals: high-risk, every 6 months
    assert item.due_at.astimezone(SH).date() == dt.date(2026, 11, 4)
    services.drill_record(actor=ent_user, plan=plan, title="泄漏处置演练", held_on=dt.date(2026, 10, 20),
                          content="single", form="live", problems="报警联络表过期")
    item = next(i for i in due_item_list(user=ent_user) if i.kind == "emergency.drill")
    assert item.due_at.astimezone(SH).date() == dt.date(2027, 4, 20)
    trig = RevisionTrigger.objects.get(plan=plan)
    assert trig.code == "drill" and ("emergency.revise_plan", trig.pk) in _mine(world, "enterprise")
    # a new version, once published, supersedes the old one and settles the revision
    new = services.plan_new_version(actor=ent_user, plan=plan)
    services.plan_review_record(actor=ent_user, plan=new, kind="review", held_on=dt.date(2026, 11, 1), conclusion="通过")
    services.plan_publish(actor=ent_user, plan=new, signed_by="王总", published_on=dt.date(2026, 11, 2))
    plan.refresh_from_db()
    trig.refresh_from_db()
    assert plan.status == PlanStatus.SUPERSEDED and trig.resolved_at is not None
    assert ("emergency.revise_plan", trig.pk) not in _mine(world, "enterprise")


def test_evaluation_every_three_years(world):
    ent_user = world.user("enterprise")
    plan = _reviewed_plan(world, ent_user)
    with time_machine.travel(MONDAY, tick=False):
        services.plan_publish(actor=ent_user, plan=plan, signed_by="王总", published_on=dt.date(2026, 11, 2))
        services.plan_evaluate(actor=ent_user, plan=plan, evaluated_on=dt.date(2026, 11, 2), conclusion="适用")
    plan.refresh_from_db()
    assert plan.evaluation_due == dt.date(2029, 11, 2)
    assert any(k == "emergency.evaluate_plan" for k, _pk in _mine(world, "enterprise"))


def test_risk_gaps_name_uncovered_accident_types_and_hazard_sources(world, login):
    """ent_a (manufacturing, hazardous chemicals) has a comprehensive plan covering 火灾 and 爆炸 only:
    机械伤害, 触电, 中毒和窒息, 灼烫 are uncovered; with a major hazard source and no 专项 plan or
    on-site scheme, the source is named too. A 专项 plan covering the rest closes both gaps."""
    major = HazardSource.objects.create(enterprise=world.ent_a, name="液氯储罐区", unit_kind="storage", is_major=True,
                                        assessed_on=dt.date(2026, 1, 1), next_reassessment_due=dt.date(2029, 1, 1))
    plan = services.plan_create(actor=None, plan_type="comprehensive", title="综合应急预案", enterprise=world.ent_a,
                                accident_types=["火灾", "爆炸"])
    services.plan_review_record(actor=None, plan=plan, kind="review", held_on=dt.date.today(), conclusion="通过")
    services.plan_publish(actor=None, plan=plan, signed_by="王总", published_on=dt.date.today())
    rows = {g["enterprise"].pk: g for g in risk_gaps(user=world.user("city_admin"))}
    assert rows[world.ent_a.pk]["missing_types"] == ["机械伤害", "触电", "中毒和窒息", "灼烫"]
    assert rows[world.ent_a.pk]["hazard_sources"] == [major.name]
    assert world.ent_a.pk not in {g["enterprise"].pk for g in risk_gaps(user=world.user("district_b"))}
    page = login("district_a").get("/emergency/plans/gaps/").content.decode()
    assert "液氯储罐区" in page and "机械伤害" in page
    special = services.plan_create(actor=None, plan_type="special", title="危化品专项预案", enterprise=world.ent_a,
                                   accident_types=["机械伤害", "触电", "中毒和窒息", "灼烫"])
    services.plan_review_record(actor=None, plan=special, kind="review", held_on=dt.date.today(), conclusion="通过")
    services.plan_publish(actor=None, plan=special, signed_by="王总", published_on=dt.date.today())
    assert world.ent_a.pk not in {g["enterprise"].pk for g in risk_gaps(user=world.user("city_admin"))}
