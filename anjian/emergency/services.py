"""Writes for emergency management. Every write: one transaction, the row (locked when it
changes), a timeline event, and the to-dos it opens or closes; plan status changes go through
``PLAN_WORKFLOW``."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from anjian.accounts.models import Membership
from anjian.audit.display import register_verbs
from anjian.audit.services import Msg, record_event
from anjian.core.errors import DomainError, NotAllowed, NotFoundInScope
from anjian.core.scoping import can, has_action, scope_allows
from anjian.emergency import cap
from anjian.emergency.models import (
    RULE_PLAN_TYPE,
    AlertDirection,
    AlertStatus,
    CapAlert,
    Drill,
    DutyShift,
    EmergencyPlan,
    Expert,
    Incident,
    IncidentLog,
    IncidentSource,
    IncidentStatus,
    LawEntry,
    LawKind,
    LogKind,
    MovementKind,
    PlanReview,
    PlanStatus,
    PlanType,
    ReviewKind,
    RevisionTrigger,
    Shelter,
    Stock,
    StockMovement,
    Team,
    TeamMember,
    UnitKind,
    Warehouse,
)
from anjian.emergency.workflow import (
    DUE_DRILL,
    DUE_EVALUATE,
    DUE_INCIDENT,
    DUE_REVISE,
    PLAN_WORKFLOW,
    end_of_day,
    plan_unit,
)
from anjian.enterprises.models import Enterprise, EnterpriseSize
from anjian.inbox.services import due_close, due_open
from anjian.orgs.models import Department, Jurisdiction, Sector
from anjian.orgs.services import locate_jurisdiction
from anjian.rules import emergency as rules
from anjian.rules import laws
from anjian.rules.workdays import KNOWN_YEARS

register_verbs([
    ("emergency.created", _("新建")),
    ("emergency.changed", _("修改")),
    ("emergency.reviewed", _("预案评审")),
    ("emergency.evaluated", _("预案评估")),
    ("emergency.revision", _("提出修订")),
    ("emergency.version", _("新版本")),
    ("emergency.deemed_filed", _("视为备案")),
    ("emergency.member", _("队员")),
    ("emergency.stock", _("库存变动")),
    ("emergency.drill", _("演练")),
    ("emergency.log", _("处置记录")),
    ("emergency.closed", _("结束处置")),
    ("emergency.alert", _("预警")),
    ("emergency.auto_incident", _("自动启动应急处置")),
    ("emergency.law", _("法规库")),
    ("emergency.duty", _("值班")),
])

# 预案管理办法 Art. 36 sets no time for a revision; the city gives the unit 30 days (local setting).
REVISION_DAYS = 30


def _today() -> dt.date:
    return timezone.localdate()


def sector_codes(sector: Sector | None) -> list[str]:
    """The sector's code and those of its parents (GB/T 4754 section, division, group, class)."""
    codes: list[str] = []
    while sector is not None:
        codes.append(sector.code)
        sector = sector.parent
    return codes


def _enterprise_facts(ent: Enterprise) -> dict[str, Any]:
    return {"sector_codes": sector_codes(ent.sector), "flags": list(ent.flags or [])}


def enterprise_high_risk(ent: Enterprise) -> bool:
    """On the list of 预案管理办法 Art. 26 / 应急条例 Art. 7 (files plans, drills every 6 months)."""
    return rules.must_file(**_enterprise_facts(ent))


def _medium_or_larger(ent: Enterprise) -> bool:
    return ent.size in (EnterpriseSize.MEDIUM, EnterpriseSize.LARGE)


def _lock_plan(plan: EmergencyPlan, actor: Any) -> EmergencyPlan:
    locked = EmergencyPlan.objects.select_for_update(of=("self",)).select_related(
        "enterprise", "jurisdiction", "department", "sector", "filing_department", "filing_jurisdiction"
    ).get(pk=plan.pk)
    if actor is not None and not can(actor, "emergency.view", locked):
        raise NotFoundInScope()
    return locked


def _require(actor: Any, action: str, obj: Any) -> None:
    if actor is not None and not can(actor, action, obj):
        raise NotAllowed("您无权办理此事项", "You may not do this here")


def acts_for_unit(actor: Any, plan: EmergencyPlan) -> bool:
    """Whether ``actor`` works for the unit that owns the plan: an enterprise's plan is written,
    signed, filed, evaluated and revised by the enterprise itself (its regulator and territory
    supervise it, they do not file for it); a government body's by that body."""
    if actor is None or actor.is_superuser:
        return True
    if not has_action(actor, "emergency.plan"):
        return False
    members = Membership.objects.filter(user=actor, is_active=True)
    if plan.enterprise_id:
        return members.filter(enterprise_id=plan.enterprise_id).exists()
    if plan.department_id:
        return members.filter(department_id=plan.department_id).exists()
    return members.filter(jurisdiction_id=plan.jurisdiction_id).exists()


def _require_unit(actor: Any, plan: EmergencyPlan) -> None:
    if not acts_for_unit(actor, plan):
        raise NotAllowed("只有编制单位本身可以办理", "Only the plan's own unit may do this")


# --- plans ---------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *, actor: Any, plan_type: str, title: str, enterprise: Enterprise | None = None,
    jurisdiction: Jurisdiction | None = None, department: Department | None = None,
    accident_types: Iterable[str] = (), summary: str = "", response_card: str = "",
) -> EmergencyPlan:
    """A new plan in draft: an enterprise's (its territory, sector and regulator follow it) or a
    government body's (a jurisdiction's office or a department)."""
    if plan_type not in PlanType.values:
        raise DomainError("未知的预案类型", "Unknown plan type", field="plan_type")
    title = title.strip()
    if not title:
        raise DomainError("请填写预案名称", "The title is required", field="title")
    if enterprise is not None:
        kind, jurisdiction, sector, department = (UnitKind.ENTERPRISE, enterprise.jurisdiction, enterprise.sector,
                                                  enterprise.department)
    else:
        if jurisdiction is None and department is not None:
            jurisdiction = department.jurisdiction
        if jurisdiction is None:
            raise DomainError("须指定企业或政府部门", "Choose an enterprise or a government body", field="enterprise")
        kind, sector = UnitKind.GOVERNMENT, None
    if actor is not None:
        allowed = (scope_allows(actor, "emergency.plan", jurisdiction=jurisdiction, sector=sector, enterprise=enterprise)
                   if enterprise is not None or department is None
                   else Membership.objects.filter(user=actor, department=department, is_active=True).exists()
                   or scope_allows(actor, "emergency.plan", jurisdiction=jurisdiction))
        if enterprise is not None:
            allowed = allowed and Membership.objects.filter(user=actor, enterprise=enterprise, is_active=True).exists()
        if not allowed or not has_action(actor, "emergency.plan"):
            raise NotAllowed("您无权为该单位编制预案", "You may not write plans for this unit")
    plan = EmergencyPlan.objects.create(
        owner_kind=kind, enterprise=enterprise, jurisdiction=jurisdiction, sector=sector, department=department,
        plan_type=plan_type, title=title[:200], accident_types=[t.strip() for t in accident_types if t.strip()],
        summary=summary, response_card=response_card, created_by=actor if getattr(actor, "pk", None) else None,
    )
    record_event(plan, "emergency.created", actor=actor, summary=Msg(gettext_noop("编制应急预案：{title}"), title=plan.title))
    return plan


@transaction.atomic
def plan_update(*, actor: Any, plan: EmergencyPlan, **fields: Any) -> EmergencyPlan:
    """Edit a draft's text (title, accident types, 简本, 应急处置卡)."""
    plan = _lock_plan(plan, actor)
    _require(actor, "emergency.plan", plan)
    _require_unit(actor, plan)
    if plan.status != PlanStatus.DRAFT:
        raise DomainError("已公布的预案不能修改，请发布新版本", "A published plan cannot be edited: issue a new version")
    allowed = {"title", "accident_types", "summary", "response_card"}
    changed = []
    for name, value in fields.items():
        if name not in allowed:
            raise DomainError(f"不能修改：{name}", f"Cannot change {name}", field=name)
        if getattr(plan, name) != value:
            setattr(plan, name, value)
            changed.append(name)
    if changed:
        plan._change_reason = "修改预案"  # type: ignore[attr-defined]
        plan.save(update_fields=changed)
        record_event(plan, "emergency.changed", actor=actor, summary=Msg(gettext_noop("修改预案：{title}"), title=plan.title),
                     data={"fields": changed})
    return plan


@transaction.atomic
def plan_review_record(*, actor: Any, plan: EmergencyPlan, kind: str, held_on: dt.date, conclusion: str,
                       experts: str = "", passed: bool = True) -> PlanReview:
    plan = _lock_plan(plan, actor)
    _require(actor, "emergency.plan", plan)
    _require_unit(actor, plan)
    if kind not in ReviewKind.values:
        raise DomainError("未知的评审方式", "Unknown review kind", field="kind")
    if not conclusion.strip():
        raise DomainError("请填写评审意见", "The conclusion is required", field="conclusion")
    review = PlanReview.objects.create(plan=plan, kind=kind, held_on=held_on, experts=experts, conclusion=conclusion,
                                       passed=passed)
    record_event(plan, "emergency.reviewed", actor=actor, summary=Msg(
        gettext_noop("{kind}：{result}"), kind=ReviewKind(kind).label, result=_("通过") if passed else _("未通过")))
    return review


def _needs_written_review(plan: EmergencyPlan) -> bool:
    if plan.enterprise_id is None:
        return False
    ent = plan.enterprise
    return rules.needs_written_review(**_enterprise_facts(ent), medium_or_larger=_medium_or_larger(ent))


def _open_drill_due(plan: EmergencyPlan, last: dt.date | None) -> None:
    government = plan.enterprise_id is None
    high_risk = not government and enterprise_high_risk(plan.enterprise)
    months = rules.drill_interval_months(plan_type=RULE_PLAN_TYPE[PlanType(plan.plan_type)], high_risk=high_risk,
                                         government=government)
    due = rules.drill_due(last_drill=last, since=plan.published_on or _today(), interval_months=months)
    owner = plan_unit(plan)
    due_open(plan, DUE_DRILL, title=f"应急演练：{plan.unit_name} {plan.title}", due_at=end_of_day(due),
             url=reverse("emergency:plan_detail", args=[plan.pk]), owner_enterprise=owner.enterprise,
             owner_jurisdiction=owner.jurisdiction, owner_department=owner.department, sector=owner.sector)


def _open_evaluation_due(plan: EmergencyPlan) -> None:
    if plan.evaluation_due is None:
        return
    owner = plan_unit(plan)
    due_open(plan, DUE_EVALUATE, title=f"预案评估：{plan.unit_name} {plan.title}", due_at=end_of_day(plan.evaluation_due),
             url=reverse("emergency:plan_detail", args=[plan.pk]), owner_enterprise=owner.enterprise,
             owner_jurisdiction=owner.jurisdiction, owner_department=owner.department, sector=owner.sector)


def _filing_authority(plan: EmergencyPlan) -> tuple[Department | None, Jurisdiction | None]:
    """预案管理办法 Art. 26 (分级属地): an enterprise files with its sector regulator, or without one
    with its county-level office; a government body with the office one level up."""
    if plan.enterprise_id:
        if plan.enterprise.department_id:
            return plan.enterprise.department, None
        return None, plan.jurisdiction
    return None, plan.jurisdiction.parent


@transaction.atomic
def plan_publish(*, actor: Any, plan: EmergencyPlan, signed_by: str, published_on: dt.date) -> EmergencyPlan:
    """Signed by the 主要负责人 and announced (Art. 24): the filing deadline (Art. 26), the 3-year
    evaluation (Art. 35) and the next drill (Art. 33) start from here. A new version supersedes
    the one before it and settles its revision triggers."""
    plan = _lock_plan(plan, actor)
    _require_unit(actor, plan)
    if published_on > _today():
        raise DomainError("公布日期不能晚于今天", "The date cannot be in the future", field="published_on")
    if _needs_written_review(plan) and not plan.reviews.filter(kind=ReviewKind.REVIEW, passed=True).exists():
        raise DomainError("该单位的预案须经书面评审（预案管理办法第二十一条），请先录入通过的评审",
                          "This unit's plan needs a passed written review first (Art. 21)", field="signed_by")
    plan.signed_by, plan.published_on = signed_by.strip(), published_on
    if plan.enterprise_id:
        ent = plan.enterprise
        plan.must_file = rules.must_file(**_enterprise_facts(ent))
        periodic = rules.needs_periodic_evaluation(**_enterprise_facts(ent), medium_or_larger=_medium_or_larger(ent))
    else:
        plan.must_file = plan.jurisdiction.parent_id is not None  # 国办发〔2024〕5号: filed with the body above
        periodic = True
    plan.filing_due = rules.plan_filing_due(published_on) if plan.must_file else None
    plan.filing_department, plan.filing_jurisdiction = _filing_authority(plan)
    plan.evaluation_due = rules.evaluation_due(published_on) if periodic else None
    plan.save(update_fields=["signed_by", "published_on", "must_file", "filing_due", "filing_department",
                             "filing_jurisdiction", "evaluation_due"])
    plan._change_reason = "签署公布"  # type: ignore[attr-defined]
    PLAN_WORKFLOW.apply(plan, PlanStatus.PUBLISHED, actor=actor)
    _open_evaluation_due(plan)
    _open_drill_due(plan, None)
    if plan.previous_id:
        old = EmergencyPlan.objects.select_for_update().get(pk=plan.previous_id)
        if old.status not in (PlanStatus.SUPERSEDED, PlanStatus.DRAFT):
            PLAN_WORKFLOW.apply(old, PlanStatus.SUPERSEDED, actor=None, note=f"被第{plan.version}版替代")
        for kind in (DUE_DRILL, DUE_EVALUATE):
            due_close(old, kind)
        for trig in RevisionTrigger.objects.select_for_update().filter(plan=old, resolved_at__isnull=True):
            trig.resolved_at = timezone.now()
            trig.save(update_fields=["resolved_at"])
            due_close(trig, DUE_REVISE)
    return plan


@transaction.atomic
def plan_submit(*, actor: Any, plan: EmergencyPlan, note: str = "") -> EmergencyPlan:
    """Send the filing materials (Art. 26); the authority's 5-working-day check starts."""
    plan = _lock_plan(plan, actor)
    _require_unit(actor, plan)
    plan.submitted_on = _today()
    plan.check_due = rules.filing_check_due(plan.submitted_on)
    plan.submitted_by = actor if getattr(actor, "pk", None) else None
    plan.return_reason = ""
    plan.save(update_fields=["submitted_on", "check_due", "submitted_by", "return_reason"])
    PLAN_WORKFLOW.apply(plan, PlanStatus.SUBMITTED, actor=actor, note=note)
    return plan


def acts_for_authority(actor: Any, plan: EmergencyPlan) -> bool:
    """Whether ``actor`` works for the plan's filing authority (never for the unit filing it)."""
    if actor is None or actor.is_superuser:
        return True
    if not has_action(actor, "emergency.file"):
        return False
    if plan.filing_department_id:
        return Membership.objects.filter(user=actor, is_active=True).filter(
            Q(department_id=plan.filing_department_id) | Q(jurisdiction__parent__isnull=True)
        ).exists()
    target = plan.filing_jurisdiction or plan.jurisdiction
    own = plan.jurisdiction if plan.enterprise_id is None else None
    if own is not None and Membership.objects.filter(user=actor, is_active=True, jurisdiction=own).exists():
        return False
    return scope_allows(actor, "emergency.file", jurisdiction=target)


def _require_authority(actor: Any, plan: EmergencyPlan) -> None:
    if not acts_for_authority(actor, plan):
        raise NotAllowed("只有备案受理部门可以审查该预案", "Only the filing authority may check this plan")


@transaction.atomic
def plan_accept(*, actor: Any, plan: EmergencyPlan, note: str = "") -> EmergencyPlan:
    """The materials are complete: file the plan and issue its registration (Art. 26)."""
    plan = _lock_plan(plan, actor)
    _require_authority(actor, plan)
    plan.filed_on = _today()
    plan.filing_number = f"YJBA{plan.filed_on:%Y}-{plan.pk:05d}"
    plan.save(update_fields=["filed_on", "filing_number"])
    PLAN_WORKFLOW.apply(plan, PlanStatus.FILED, actor=actor, note=note)
    return plan


@transaction.atomic
def plan_return(*, actor: Any, plan: EmergencyPlan, note: str) -> EmergencyPlan:
    """Incomplete: everything missing is listed at once (Art. 26); the unit supplements and
    files again within 20 working days."""
    plan = _lock_plan(plan, actor)
    _require_authority(actor, plan)
    plan.return_reason = note.strip()
    plan.filing_due = rules.plan_filing_due(_today())
    plan.save(update_fields=["return_reason", "filing_due"])
    PLAN_WORKFLOW.apply(plan, PlanStatus.RETURNED, actor=actor, note=note)
    return plan


@transaction.atomic
def plans_deem_filed(*, today: dt.date | None = None) -> int:
    """Art. 26: an authority that lets the 5 working days pass without explanation has filed the
    plan. Run nightly by the system."""
    today = today or _today()
    done = 0
    # a check_due in a year without the State Council's holiday notice is only the earliest the
    # period can end (rules.emergency.filing_check_due): never deem a plan filed on a guess
    for plan in EmergencyPlan.objects.select_for_update().filter(
            status=PlanStatus.SUBMITTED, check_due__lt=today, check_due__year__in=sorted(KNOWN_YEARS)):
        plan.filed_on, plan.filed_by_default = plan.check_due, True
        plan.filing_number = f"YJBA{plan.check_due:%Y}-{plan.pk:05d}"
        plan.save(update_fields=["filed_on", "filed_by_default", "filing_number"])
        PLAN_WORKFLOW.apply(plan, PlanStatus.FILED, actor=None, note="受理部门逾期未审查，视为已备案")
        record_event(plan, "emergency.deemed_filed", actor=None,
                     summary=Msg(gettext_noop("逾期未审查，视为已备案：{title}"), title=plan.title))
        done += 1
    return done


@transaction.atomic
def plan_evaluate(*, actor: Any, plan: EmergencyPlan, evaluated_on: dt.date, conclusion: str,
                  revise: bool = False) -> EmergencyPlan:
    """The periodic evaluation (Art. 35); a conclusion that the plan must change raises a revision."""
    plan = _lock_plan(plan, actor)
    _require(actor, "emergency.plan", plan)
    _require_unit(actor, plan)
    if plan.status in (PlanStatus.DRAFT, PlanStatus.SUPERSEDED):
        raise DomainError("只能评估现行预案", "Only a plan in force can be evaluated")
    if not conclusion.strip():
        raise DomainError("请填写评估结论", "The conclusion is required", field="conclusion")
    plan.last_evaluated_on = evaluated_on
    plan.evaluation_due = rules.evaluation_due(evaluated_on)
    plan.save(update_fields=["last_evaluated_on", "evaluation_due"])
    record_event(plan, "emergency.evaluated", actor=actor, note=conclusion,
                 summary=Msg(gettext_noop("预案评估：{title}"), title=plan.title))
    _open_evaluation_due(plan)
    if revise:
        _raise_revision(actor, plan, "other", conclusion)
    return plan


def _raise_revision(actor: Any, plan: EmergencyPlan, code: str, note: str) -> RevisionTrigger:
    if code not in {c for c, _zh, _en in rules.REVISION_TRIGGERS}:
        raise DomainError("未知的修订情形", "Unknown revision trigger", field="code")
    trig = RevisionTrigger.objects.create(plan=plan, code=code, note=note,
                                          due_on=_today() + dt.timedelta(days=REVISION_DAYS))
    owner = plan_unit(plan)
    due_open(trig, DUE_REVISE, title=f"预案修订：{plan.unit_name} {plan.title}", due_at=end_of_day(trig.due_on),
             url=reverse("emergency:plan_detail", args=[plan.pk]), owner_enterprise=owner.enterprise,
             owner_jurisdiction=owner.jurisdiction, owner_department=owner.department, sector=owner.sector)
    label = next(zh for c, zh, _en in rules.REVISION_TRIGGERS if c == code)
    record_event(plan, "emergency.revision", actor=actor, note=note,
                 summary=Msg(gettext_noop("提出修订：{reason}"), reason=label))
    return trig


@transaction.atomic
def plan_revision_raise(*, actor: Any, plan: EmergencyPlan, code: str, note: str = "") -> RevisionTrigger:
    """One of the six events of Art. 36 happened: the unit must revise the plan (a to-do)."""
    plan = _lock_plan(plan, actor)
    if actor is not None and not (can(actor, "emergency.plan", plan) or can(actor, "emergency.file", plan)):
        raise NotAllowed("您无权办理此事项", "You may not do this here")
    if plan.status in (PlanStatus.DRAFT, PlanStatus.SUPERSEDED):
        raise DomainError("只能对现行预案提出修订", "Only a plan in force can be revised")
    return _raise_revision(actor, plan, code, note)


@transaction.atomic
def plan_new_version(*, actor: Any, plan: EmergencyPlan) -> EmergencyPlan:
    """A draft of the next version (Art. 37: re-prepared, reviewed, signed and filed again)."""
    plan = _lock_plan(plan, actor)
    _require(actor, "emergency.plan", plan)
    _require_unit(actor, plan)
    if plan.status in (PlanStatus.DRAFT, PlanStatus.SUPERSEDED):
        raise DomainError("只能为现行预案编制新版本", "Only a plan in force can get a new version")
    if EmergencyPlan.objects.filter(previous=plan).exclude(status=PlanStatus.SUPERSEDED).exists():
        raise DomainError("该预案已有新版本", "This plan already has a newer version")
    new = EmergencyPlan.objects.create(
        owner_kind=plan.owner_kind, enterprise=plan.enterprise, jurisdiction=plan.jurisdiction, sector=plan.sector,
        department=plan.department, plan_type=plan.plan_type, title=plan.title, version=plan.version + 1,
        previous=plan, accident_types=plan.accident_types, summary=plan.summary, response_card=plan.response_card,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    record_event(new, "emergency.version", actor=actor, summary=Msg(gettext_noop("编制第{n}版"), n=new.version))
    return new


@transaction.atomic
def plan_supersede(*, actor: Any, plan: EmergencyPlan, note: str = "") -> EmergencyPlan:
    """Withdraw a plan in force (废止); its drill and evaluation to-dos close."""
    plan = _lock_plan(plan, actor)
    _require_unit(actor, plan)
    PLAN_WORKFLOW.apply(plan, PlanStatus.SUPERSEDED, actor=actor, note=note)
    for kind in (DUE_DRILL, DUE_EVALUATE):
        due_close(plan, kind)
    return plan


# --- teams, experts, shelters ---------------------------------------------------------------


def _place(actor: Any, *, enterprise: Enterprise | None, jurisdiction: Jurisdiction | None,
           lng: float | None, lat: float | None, department: Department | None = None
           ) -> tuple[Jurisdiction, Sector | None, Department | None]:
    """Where a resource sits: its enterprise's unit, else the point's smallest unit, else the one given;
    the actor must hold ``emergency.resource`` there."""
    sector = None
    if enterprise is not None:
        jurisdiction, sector, department = enterprise.jurisdiction, enterprise.sector, enterprise.department
    elif lng is not None and lat is not None:
        jurisdiction = locate_jurisdiction(lng, lat) or jurisdiction
    if jurisdiction is None:
        raise DomainError("须指定属地或坐标", "A place is required", field="jurisdiction")
    if actor is not None:
        ok = scope_allows(actor, "emergency.resource", jurisdiction=jurisdiction, sector=sector, enterprise=enterprise)
        if not ok and department is not None:
            ok = has_action(actor, "emergency.resource") and Membership.objects.filter(
                user=actor, department=department, is_active=True).exists()
        if not ok:
            raise NotAllowed("您无权在该单位登记应急资源", "You may not register resources there")
    return jurisdiction, sector, department


@transaction.atomic
def team_create(*, actor: Any, name: str, kind: str, enterprise: Enterprise | None = None,
                jurisdiction: Jurisdiction | None = None, department: Department | None = None,
                lng: float | None = None, lat: float | None = None, **fields: Any) -> Team:
    jur, sector, dept = _place(actor, enterprise=enterprise, jurisdiction=jurisdiction, lng=lng, lat=lat,
                               department=department)
    team = Team.objects.create(name=name.strip(), kind=kind, enterprise=enterprise, jurisdiction=jur, sector=sector,
                               department=dept, lng=lng, lat=lat, **fields)
    record_event(team, "emergency.created", actor=actor, summary=Msg(gettext_noop("登记救援队伍：{name}"), name=team.name))
    return team


@transaction.atomic
def team_member_add(*, actor: Any, team: Team, name: str, role: str = "", specialty: str = "", phone: str = "",
                    certified: bool = False) -> TeamMember:
    team = Team.objects.select_for_update().get(pk=team.pk)
    _require(actor, "emergency.resource", team)
    member = TeamMember.objects.create(team=team, name=name.strip(), role=role, specialty=specialty, phone=phone,
                                       certified=certified)
    record_event(team, "emergency.member", actor=actor, summary=Msg(gettext_noop("新增队员：{name}"), name=member.name))
    return member


@transaction.atomic
def team_set_readiness(*, actor: Any, team: Team, readiness: str) -> Team:
    team = Team.objects.select_for_update().get(pk=team.pk)
    _require(actor, "emergency.resource", team)
    team.readiness = readiness
    team._change_reason = "战备状态"  # type: ignore[attr-defined]
    team.save(update_fields=["readiness"])
    record_event(team, "emergency.changed", actor=actor, summary=Msg(gettext_noop("战备状态：{s}"),
                                                                     s=team.get_readiness_display()))
    return team


@transaction.atomic
def expert_create(*, actor: Any, name: str, specialties: str, jurisdiction: Jurisdiction,
                  department: Department | None = None, **fields: Any) -> Expert:
    _place(actor, enterprise=None, jurisdiction=jurisdiction, lng=None, lat=None, department=department)
    expert = Expert.objects.create(name=name.strip(), specialties=specialties, jurisdiction=jurisdiction,
                                   department=department, **fields)
    record_event(expert, "emergency.created", actor=actor, summary=Msg(gettext_noop("登记专家：{name}"), name=expert.name))
    return expert


@transaction.atomic
def shelter_create(*, actor: Any, name: str, jurisdiction: Jurisdiction | None = None, lng: float | None = None,
                   lat: float | None = None, capacity: int = 0, address: str = "",
                   department: Department | None = None) -> Shelter:
    jur, _sector, dept = _place(actor, enterprise=None, jurisdiction=jurisdiction, lng=lng, lat=lat,
                                department=department)
    shelter = Shelter.objects.create(name=name.strip(), jurisdiction=jur, department=dept, lng=lng, lat=lat,
                                     capacity=capacity, address=address)
    record_event(shelter, "emergency.created", actor=actor, summary=Msg(gettext_noop("登记避难场所：{name}"), name=shelter.name))
    return shelter


# --- warehouses and the stock ledger --------------------------------------------------------


@transaction.atomic
def warehouse_create(*, actor: Any, name: str, enterprise: Enterprise | None = None,
                     jurisdiction: Jurisdiction | None = None, department: Department | None = None,
                     lng: float | None = None, lat: float | None = None, **fields: Any) -> Warehouse:
    jur, sector, dept = _place(actor, enterprise=enterprise, jurisdiction=jurisdiction, lng=lng, lat=lat,
                               department=department)
    wh = Warehouse.objects.create(name=name.strip(), enterprise=enterprise, jurisdiction=jur, sector=sector,
                                  department=dept, lng=lng, lat=lat, **fields)
    record_event(wh, "emergency.created", actor=actor, summary=Msg(gettext_noop("登记物资仓库：{name}"), name=wh.name))
    return wh


def _qty(value: Any) -> Decimal:
    q = Decimal(str(value))
    if q <= 0:
        raise DomainError("数量须大于零", "The quantity must be positive", field="quantity")
    return q


def _lock_stock(actor: Any, warehouse: Warehouse, material: str, unit: str = "") -> Stock:
    if actor is not None and not can(actor, "emergency.resource", warehouse):
        if can(actor, "emergency.view", warehouse):
            raise NotAllowed("您无权管理该仓库", "You may not manage this warehouse")
        raise NotFoundInScope()
    material = material.strip()
    if not material:
        raise DomainError("请填写物资名称", "The material is required", field="material")
    stock, _created = Stock.objects.get_or_create(warehouse=warehouse, material=material,
                                                  defaults={"unit": unit.strip() or "件"})
    return Stock.objects.select_for_update().get(pk=stock.pk)


def _move(actor: Any, stock: Stock, kind: str, delta: Decimal, note: str = "", expires_on: dt.date | None = None,
          incident: Incident | None = None) -> StockMovement:
    new_balance = stock.balance + delta
    if new_balance < 0:
        raise DomainError(f"库存不足：{stock.material} 结存 {stock.balance}{stock.unit}",
                          f"Not enough stock: {stock.balance} {stock.unit} of {stock.material}", field="quantity")
    stock.balance = new_balance
    if expires_on and (stock.expires_on is None or expires_on < stock.expires_on):
        stock.expires_on = expires_on
    stock.save(update_fields=["balance", "expires_on"])
    mv = StockMovement.objects.create(stock=stock, kind=kind, quantity=delta, balance_after=new_balance, note=note[:300],
                                      expires_on=expires_on, incident=incident,
                                      actor=actor if getattr(actor, "pk", None) else None)
    record_event(stock.warehouse, "emergency.stock", actor=actor, summary=Msg(
        gettext_noop("{kind}：{material} {qty}{unit}，结存 {balance}"), kind=MovementKind(kind).label,
        material=stock.material, qty=str(delta), unit=stock.unit, balance=str(new_balance)))
    return mv


@transaction.atomic
def stock_receive(*, actor: Any, warehouse: Warehouse, material: str, quantity: Any, unit: str = "",
                  expires_on: dt.date | None = None, minimum: Any = None, note: str = "") -> StockMovement:
    stock = _lock_stock(actor, warehouse, material, unit)
    if minimum is not None:
        stock.minimum = Decimal(str(minimum))
        stock.save(update_fields=["minimum"])
    return _move(actor, stock, MovementKind.RECEIPT, _qty(quantity), note, expires_on)


@transaction.atomic
def stock_issue(*, actor: Any, warehouse: Warehouse, material: str, quantity: Any, note: str = "",
                incident: Incident | None = None) -> StockMovement:
    """Issue stock; the balance row is locked first, so parallel issues never overdraw it."""
    stock = _lock_stock(actor, warehouse, material)
    return _move(actor, stock, MovementKind.ISSUE, -_qty(quantity), note, incident=incident)


@transaction.atomic
def stock_transfer(*, actor: Any, source: Warehouse, destination: Warehouse, material: str, quantity: Any,
                   note: str = "") -> tuple[StockMovement, StockMovement]:
    """Move stock between two warehouses, both of which the actor manages (the destination is
    checked like the source). Rows are locked in id order so two opposite transfers cannot deadlock."""
    if source.pk == destination.pk:
        raise DomainError("调出与调入仓库相同", "Source and destination are the same", field="destination")
    if actor is not None and not can(actor, "emergency.resource", destination):
        raise NotAllowed("您无权向该仓库调入物资", "You may not move stock into that warehouse", field="destination")
    qty = _qty(quantity)
    first, second = sorted([source, destination], key=lambda w: w.pk)
    locked = {w.pk: _lock_stock(actor, w, material) for w in (first, second)}
    src, dst = locked[source.pk], locked[destination.pk]
    if not dst.unit or dst.balance == 0:
        dst.unit = src.unit
        dst.save(update_fields=["unit"])
    out = _move(actor, src, MovementKind.TRANSFER_OUT, -qty, note)
    into = _move(actor, dst, MovementKind.TRANSFER_IN, qty, note, src.expires_on)
    StockMovement.objects.filter(pk=out.pk).update(counterpart=into)
    StockMovement.objects.filter(pk=into.pk).update(counterpart=out)
    return out, into


@transaction.atomic
def stock_count(*, actor: Any, warehouse: Warehouse, material: str, counted: Any, note: str = "") -> StockMovement | None:
    """A stock count: the difference to the book balance is booked as a movement (none if equal)."""
    stock = _lock_stock(actor, warehouse, material)
    counted_qty = Decimal(str(counted))
    if counted_qty < 0:
        raise DomainError("盘点数量不能为负", "The count cannot be negative", field="counted")
    diff = counted_qty - stock.balance
    if diff == 0:
        return None
    return _move(actor, stock, MovementKind.COUNT, diff, note or f"盘点实存 {counted_qty}")


# --- drills ---------------------------------------------------------------------------------


@transaction.atomic
def drill_record(*, actor: Any, title: str, held_on: dt.date, content: str, form: str, purpose: str = "test",
                 topic: str = "plan", plan: EmergencyPlan | None = None, enterprise: Enterprise | None = None,
                 jurisdiction: Jurisdiction | None = None, participants: int = 0, evaluation: str = "",
                 problems: str = "") -> Drill:
    """Record a drill (AQ/T 9007 types) with its evaluation report (Art. 34); a drill of a plan
    restarts that plan's drill clock; problems found raise a revision (Art. 36 (5))."""
    if held_on > _today():
        raise DomainError("演练日期不能晚于今天", "The date cannot be in the future", field="held_on")
    department = None
    if plan is not None:
        plan = _lock_plan(plan, actor)
        if plan.status in (PlanStatus.DRAFT, PlanStatus.SUPERSEDED):
            raise DomainError("只能演练现行预案", "Only a plan in force can be drilled", field="plan")
        enterprise, jurisdiction, department = plan.enterprise, plan.jurisdiction, plan.department
        sector = plan.sector
        if actor is not None and not can(actor, "emergency.drill", plan):
            raise NotAllowed("您无权为该单位记录演练", "You may not record drills for this unit")
    elif enterprise is not None:
        jurisdiction, sector, department = enterprise.jurisdiction, enterprise.sector, enterprise.department
    else:
        sector = None
    if jurisdiction is None:
        raise DomainError("须指定预案、单位或属地", "Choose a plan, a unit or a place", field="plan")
    if actor is not None and plan is None and not scope_allows(
            actor, "emergency.drill", jurisdiction=jurisdiction, sector=sector, enterprise=enterprise):
        raise NotAllowed("您无权为该单位记录演练", "You may not record drills for this unit")
    drill = Drill.objects.create(
        plan=plan, enterprise=enterprise, jurisdiction=jurisdiction, sector=sector, department=department,
        title=title.strip()[:200], topic=topic, content=content, form=form, purpose=purpose, held_on=held_on,
        participants=participants, evaluation=evaluation, problems=problems,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    record_event(drill, "emergency.drill", actor=actor, summary=Msg(gettext_noop("记录演练：{title}"), title=drill.title))
    if plan is not None:
        last = Drill.objects.filter(plan=plan).order_by("-held_on").values_list("held_on", flat=True).first()
        _open_drill_due(plan, last)
        record_event(plan, "emergency.drill", actor=actor, summary=Msg(gettext_noop("演练：{title}（{day}）"),
                                                                       title=drill.title, day=held_on))
        if problems.strip():
            _raise_revision(actor, plan, "drill", problems)
    return drill


# --- incidents ------------------------------------------------------------------------------


@transaction.atomic
def incident_open(*, actor: Any, title: str, lng: float, lat: float, source: str = IncidentSource.DIRECT,
                  accident: Any = None, alarm: Any = None, enterprise: Enterprise | None = None,
                  description: str = "", needs: str = "", address: str = "", commander: str = "",
                  automatic: bool = False) -> Incident:
    """Open an incident: from an accident report or a monitoring alarm (the caller has looked it
    up in the actor's scope), from a received alert, or entered directly at a point. An accident
    or an alarm has one incident at most."""
    if source not in IncidentSource.values:
        raise DomainError("未知的事件来源", "Unknown source", field="source")
    if accident is not None and Incident.objects.filter(accident=accident).exists():
        raise DomainError("该事故已启动应急处置", "An incident is already open for this accident", field="accident")
    if alarm is not None and Incident.objects.filter(alarm=alarm).exists():
        raise DomainError("该报警已启动应急处置", "An incident is already open for this alarm", field="alarm")
    sector = department = None
    jurisdiction = None
    if accident is not None:
        enterprise = accident.enterprise
        jurisdiction, sector, department = accident.jurisdiction, accident.sector, accident.department
    elif alarm is not None:
        enterprise = alarm.enterprise
    if enterprise is not None and jurisdiction is None:
        jurisdiction, sector, department = enterprise.jurisdiction, enterprise.sector, enterprise.department
    if jurisdiction is None:
        jurisdiction = locate_jurisdiction(lng, lat)
    if jurisdiction is None:
        raise DomainError("该位置不在本市范围内", "The point is outside the city", field="lng")
    if actor is not None and not scope_allows(actor, "emergency.command", jurisdiction=jurisdiction, sector=sector,
                                              enterprise=enterprise):
        raise NotAllowed("您无权在该地启动应急处置", "You may not open an incident there")
    incident = Incident.objects.create(
        source=source, accident=accident, alarm=alarm, title=title.strip()[:200], description=description,
        needs=needs, enterprise=enterprise, jurisdiction=jurisdiction, sector=sector, department=department,
        address=address, lng=lng, lat=lat, commander=commander, created_by=actor if getattr(actor, "pk", None) else None,
        automatic=automatic,
    )
    record_event(incident, "emergency.auto_incident" if automatic else "emergency.created", actor=actor,
                 summary=Msg(gettext_noop("启动应急处置：{title}"), title=incident.title))
    if automatic:
        due_open(incident, DUE_INCIDENT, title=f"应急事件待处置：{incident.title}"[:300],
                 due_at=incident.opened_at + dt.timedelta(minutes=30),
                 url=reverse("emergency:incident_detail", args=[incident.pk]),
                 owner_jurisdiction=jurisdiction, sector=sector)
    return incident


# A local setting: an accident of this grade or above (条例493 Art. 3: 1 一般, 2 较大, 3 重大, 4 特别重大)
# opens an incident by itself, as does an alarm of the highest level (高高报).
AUTO_INCIDENT_GRADE = 2
AUTO_INCIDENT_ALARM_KINDS = ("high_high",)


def _auto_place(lng: float | None, lat: float | None, enterprise: Any, jurisdiction: Any) -> tuple[float, float] | None:
    if lng is not None and lat is not None:
        return lng, lat
    if enterprise is not None and enterprise.lng is not None and enterprise.lat is not None:
        return enterprise.lng, enterprise.lat
    if jurisdiction is not None and jurisdiction.center_lng is not None and jurisdiction.center_lat is not None:
        return jurisdiction.center_lng, jurisdiction.center_lat
    return None


def _auto_open(origin: Any, *, lookup: dict[str, Any], place: tuple[float, float] | None, **kwargs: Any) -> Incident | None:
    """Open the incident of an accident or an alarm once (idempotent: a second call, or a race with
    another writer, finds the existing one). Runs inside the caller's transaction; a refusal
    (no place known) is written on the origin's timeline and does not undo the caller's work."""
    existing = Incident.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    if place is None:
        record_event(origin, "emergency.auto_incident", actor=None,
                     summary=Msg(gettext_noop("未能自动启动应急处置：位置不明，请值班人员手工启动")))
        return None
    try:
        with transaction.atomic():
            return incident_open(actor=None, lng=place[0], lat=place[1], automatic=True, **lookup, **kwargs)
    except IntegrityError:  # another writer opened it a moment ago
        return Incident.objects.filter(**lookup).first()
    except DomainError as exc:
        if Incident.objects.filter(**lookup).exists():
            return Incident.objects.filter(**lookup).first()
        record_event(origin, "emergency.auto_incident", actor=None,
                     summary=Msg(gettext_noop("未能自动启动应急处置：{reason}"), reason=exc.message))
        return None


def incident_for_accident(accident: Any, actor: Any = None) -> Incident | None:
    """The receiver of ``accidents.hooks``: an accident at or above ``AUTO_INCIDENT_GRADE`` opens
    an incident in the duty office's inbox (once). Lower grades and imported records open none."""
    if accident.grade is None or accident.grade < AUTO_INCIDENT_GRADE or getattr(accident, "is_imported", False):
        return None
    ent = accident.enterprise if accident.enterprise_id else None
    return _auto_open(accident, lookup={"accident": accident},
                      place=_auto_place(accident.lng, accident.lat, ent, accident.jurisdiction),
                      source=IncidentSource.ACCIDENT, title=f"{accident.title}（{accident.get_grade_display()}）",
                      description=accident.grade_reason, address=accident.place)


def incident_for_alarm(alarm: Any) -> Incident | None:
    """The receiver of ``monitoring.hooks``: a high-high alarm opens an incident (once)."""
    if alarm.kind not in AUTO_INCIDENT_ALARM_KINDS:
        return None
    ent = alarm.enterprise
    return _auto_open(alarm, lookup={"alarm": alarm}, place=_auto_place(None, None, ent, ent.jurisdiction),
                      source=IncidentSource.ALARM, title=f"{ent.name} {alarm.subject_name} {alarm.get_kind_display()}",
                      address=ent.address or "")


@transaction.atomic
def incident_log_add(*, actor: Any, incident: Incident, kind: str, text: str, team: Team | None = None,
                     at: dt.datetime | None = None) -> IncidentLog:
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    _require(actor, "emergency.command", incident)
    if incident.status != IncidentStatus.OPEN:
        raise DomainError("事件已结束", "The incident is closed")
    if kind not in LogKind.values:
        raise DomainError("未知的记录类型", "Unknown kind", field="kind")
    if team is not None and actor is not None and not can(actor, "emergency.view", team):
        raise NotFoundInScope()
    if not text.strip():
        raise DomainError("请填写内容", "The text is required", field="text")
    log = IncidentLog.objects.create(incident=incident, kind=kind, team=team, text=text.strip(), at=at or timezone.now(),
                                     actor=actor if getattr(actor, "pk", None) else None)
    due_close(incident, DUE_INCIDENT)
    record_event(incident, "emergency.log", actor=actor, summary=Msg(gettext_noop("{kind}：{text}"),
                                                                     kind=LogKind(kind).label, text=log.text[:100]))
    return log


@transaction.atomic
def incident_close(*, actor: Any, incident: Incident, review: str) -> Incident:
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    _require(actor, "emergency.command", incident)
    if incident.status != IncidentStatus.OPEN:
        raise DomainError("事件已结束", "The incident is already closed")
    if not review.strip():
        raise DomainError("请填写处置评估", "The review is required", field="review")
    incident.status, incident.closed_at, incident.review = IncidentStatus.CLOSED, timezone.now(), review.strip()
    incident._change_reason = "结束处置"  # type: ignore[attr-defined]
    incident.save(update_fields=["status", "closed_at", "review"])
    due_close(incident, DUE_INCIDENT)
    record_event(incident, "emergency.closed", actor=actor, summary=Msg(gettext_noop("结束处置：{title}"), title=incident.title))
    return incident


# --- CAP alerts -----------------------------------------------------------------------------


@transaction.atomic
def alert_create(*, actor: Any, jurisdiction: Jurisdiction, event: str, urgency: str, severity: str, certainty: str,
                 headline_zh: str, area_desc: str, polygons: list[str] | None = None, circles: list[str] | None = None,
                 headline_en: str = "", description_zh: str = "", description_en: str = "",
                 instruction_zh: str = "", instruction_en: str = "", expires: dt.datetime | None = None,
                 category: str = "Safety", department: Department | None = None, original: CapAlert | None = None,
                 msg_type: str = "Alert") -> CapAlert:
    """Draft an alert to publish. ``original`` with ``msg_type`` Update or Cancel follows one up."""
    if actor is not None and not scope_allows(actor, "emergency.alert", jurisdiction=jurisdiction):
        # a department (应急管理局) writes alerts as itself, within its own territory
        member = Membership.objects.filter(user=actor, is_active=True, department__isnull=False).select_related(
            "department__jurisdiction")
        if department is not None:
            member = member.filter(department=department)
        m = member.first()
        if (m is None or not has_action(actor, "emergency.alert")
                or not jurisdiction.path.startswith(m.department.jurisdiction.path)):
            raise NotAllowed("您无权为该辖区编写预警", "You may not write alerts for this area")
        department = m.department
    cap.check_fields(urgency=urgency, severity=severity, certainty=certainty, category=category,
                     polygons=polygons or [], circles=circles or [], msg_type=msg_type)
    if not headline_zh.strip() or not area_desc.strip() or not event.strip():
        raise DomainError("请填写事件、标题和影响区域", "Event, headline and area are required", field="headline_zh")
    if (msg_type == "Alert") != (original is None):
        raise DomainError("更新或取消须引用原预警", "An Update or Cancel references the original", field="original")
    if original is not None and (original.direction != AlertDirection.OUT or original.status != AlertStatus.PUBLISHED):
        raise DomainError("只能更新或取消已发布的预警", "Only a published alert can be updated or cancelled")
    alert = CapAlert.objects.create(
        direction=AlertDirection.OUT, identifier=f"anjian-{uuid.uuid4()}", sender=cap.SENDER, msg_type=msg_type,
        original=original, event=event.strip(), category=category, urgency=urgency, severity=severity,
        certainty=certainty, headline_zh=headline_zh.strip(), headline_en=headline_en.strip(),
        description_zh=description_zh, description_en=description_en, instruction_zh=instruction_zh,
        instruction_en=instruction_en, area_desc=area_desc.strip(), polygons=polygons or [], circles=circles or [],
        expires=expires, jurisdiction=jurisdiction, department=department,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    record_event(alert, "emergency.alert", actor=actor, summary=Msg(gettext_noop("编写预警：{h}"), h=alert.headline_zh))
    return alert


def _lock_alert(alert: CapAlert, actor: Any) -> CapAlert:
    locked = CapAlert.objects.select_for_update().get(pk=alert.pk)
    if actor is not None and not can(actor, "emergency.view", locked):
        raise NotFoundInScope()
    return locked


@transaction.atomic
def alert_approve(*, actor: Any, alert: CapAlert) -> CapAlert:
    """A second person approves (four eyes): the author cannot approve their own alert."""
    alert = _lock_alert(alert, actor)
    _require(actor, "emergency.alert_approve", alert)
    if alert.status != AlertStatus.DRAFT or alert.direction != AlertDirection.OUT:
        raise DomainError("只能审核草稿", "Only a draft can be approved")
    if actor is not None and alert.created_by_id == getattr(actor, "pk", None):
        raise DomainError("不能审核自己编写的预警", "You cannot approve your own alert")
    alert.status, alert.approved_by = AlertStatus.APPROVED, actor if getattr(actor, "pk", None) else None
    alert.save(update_fields=["status", "approved_by"])
    record_event(alert, "emergency.alert", actor=actor, summary=Msg(gettext_noop("审核通过：{h}"), h=alert.headline_zh))
    return alert


@transaction.atomic
def alert_publish(*, actor: Any, alert: CapAlert) -> CapAlert:
    """Publish an approved alert: its CAP 1.2 XML is built and validated against the OASIS schema
    (an invalid message is refused and nothing changes)."""
    alert = _lock_alert(alert, actor)
    _require(actor, "emergency.alert_approve", alert)
    if alert.status != AlertStatus.APPROVED:
        raise DomainError("只能发布已审核的预警", "Only an approved alert can be published")
    alert.sent = timezone.now().replace(microsecond=0)
    alert.effective = alert.effective or alert.sent
    if alert.original_id:
        orig = alert.original
        alert.references = f"{orig.sender},{orig.identifier},{cap.cap_time(orig.sent)}"
    alert.xml = cap.build_xml(alert)
    errors = cap.validate(alert.xml.encode())
    if errors:
        raise DomainError("CAP 报文未通过 OASIS 模式校验：" + "；".join(errors[:3]), "Invalid CAP: " + "; ".join(errors[:3]))
    alert.status = AlertStatus.PUBLISHED
    alert.save(update_fields=["sent", "effective", "references", "xml", "status"])
    record_event(alert, "emergency.alert", actor=actor, summary=Msg(gettext_noop("发布预警：{h}"), h=alert.headline_zh))
    return alert


@transaction.atomic
def alert_receive(*, actor: Any, data: bytes, jurisdiction: Jurisdiction | None = None) -> CapAlert:
    """Store a CAP alert received from the weather service or the province (upload, API, command).
    Unsafe XML (a DOCTYPE, entities), invalid CAP or a repeated identifier is refused, nothing stored."""
    parsed = cap.parse(data)
    if jurisdiction is None:
        jurisdiction = Jurisdiction.objects.filter(parent__isnull=True).order_by("id").first()
    if jurisdiction is None:
        raise DomainError("尚未设置辖区", "No jurisdiction is set up")
    if actor is not None and not scope_allows(actor, "emergency.alert_import", jurisdiction=jurisdiction):
        raise NotAllowed("您无权接收预警", "You may not receive alerts")
    if CapAlert.objects.filter(identifier=parsed["identifier"][:200]).exists():
        raise DomainError(f"该预警已接收：{parsed['identifier']}", f"Already received: {parsed['identifier']}")
    original = None
    if parsed["references"]:
        ident = parsed["references"].split()[0].split(",")[1] if "," in parsed["references"] else ""
        original = CapAlert.objects.filter(identifier=ident).first()
    alert = CapAlert.objects.create(
        direction=AlertDirection.IN, status=AlertStatus.RECEIVED, identifier=parsed["identifier"][:200],
        sender=parsed["sender"][:200], sent=parsed["sent"], msg_type=parsed["msg_type"][:8], original=original,
        references=parsed["references"], event=parsed["event"][:100], category=parsed["category"][:10],
        urgency=parsed["urgency"], severity=parsed["severity"], certainty=parsed["certainty"],
        headline_zh=(parsed["headline"] or parsed["event"])[:200], description_zh=parsed["description"],
        instruction_zh=parsed["instruction"], area_desc=parsed["area_desc"][:300] or "-",
        polygons=parsed["polygons"], circles=parsed["circles"], effective=parsed["effective"],
        expires=parsed["expires"], xml=data.decode(parsed["encoding"], errors="replace"), jurisdiction=jurisdiction,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    record_event(alert, "emergency.alert", actor=actor, summary=Msg(gettext_noop("接收预警：{h}"), h=alert.headline_zh))
    return alert


# --- the law library ------------------------------------------------------------------------


def law_catalogue_sync() -> int:
    """Bring the library's catalogue entries in line with ``anjian.rules.laws.LAWS`` (the texts the
    rules cite); returns how many were created or changed. Idempotent; local entries untouched."""
    changed = 0
    by_key: dict[str, LawEntry] = {}
    for law in laws.LAWS:
        values = {"kind": law.kind, "title": law.title, "number": law.number, "issuer": law.issuer,
                  "issued_on": law.issued_on, "effective_on": law.effective_on, "repealed_on": law.repealed_on,
                  "from_catalogue": True}
        entry = LawEntry.objects.filter(key=law.key).first()
        if entry is None:
            entry = LawEntry.objects.create(key=law.key, **values)
            changed += 1
        elif any(getattr(entry, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(entry, k, v)
            entry._change_reason = "规则引用目录更新"  # type: ignore[attr-defined]
            entry.save()
            changed += 1
        by_key[law.key] = entry
    for law in laws.LAWS:
        target = by_key.get(law.replaced_by) if law.replaced_by else None
        entry = by_key[law.key]
        if entry.replaced_by_id != (target.pk if target else None):
            LawEntry.objects.filter(pk=entry.pk).update(replaced_by=target)
    return changed


def _law_clean(kind: str, title: str, effective_on: Any, repealed_on: Any, replaced_by: LawEntry | None,
               entry: LawEntry | None = None) -> None:
    if kind not in LawKind.values:
        raise DomainError("请选择类别", "Choose the kind", field="kind")
    if not title.strip():
        raise DomainError("请填写名称", "The title is required", field="title")
    if effective_on is None:
        raise DomainError("请填写施行日期", "The date in force is required", field="effective_on")
    if repealed_on is not None and repealed_on <= effective_on:
        raise DomainError("废止日期须晚于施行日期", "The repeal date must be after the date in force", field="repealed_on")
    if replaced_by is not None and entry is not None and replaced_by.pk == entry.pk:
        raise DomainError("不能被自身替代", "An entry cannot replace itself", field="replaced_by")


@transaction.atomic
def law_create(*, actor: Any, kind: str, title: str, effective_on: dt.date, number: str = "", issuer: str = "",
               issued_on: dt.date | None = None, repealed_on: dt.date | None = None,
               replaced_by: LawEntry | None = None, summary: str = "", link: str = "") -> LawEntry:
    """Add a text to the library (typically a local rule of the city)."""
    if actor is not None and not has_action(actor, "emergency.law"):
        raise NotAllowed("您无权维护法规标准库", "You may not maintain the law library")
    _law_clean(kind, title, effective_on, repealed_on, replaced_by)
    entry = LawEntry.objects.create(
        key=f"local-{uuid.uuid4().hex[:12]}", kind=kind, title=title.strip(), number=number.strip(),
        issuer=issuer.strip(), issued_on=issued_on, effective_on=effective_on, repealed_on=repealed_on,
        replaced_by=replaced_by, summary=summary, link=link, created_by=actor if getattr(actor, "pk", None) else None)
    record_event(entry, "emergency.law", actor=actor, summary=Msg(gettext_noop("收录：{title}"), title=entry.title))
    return entry


@transaction.atomic
def law_update(*, actor: Any, entry: LawEntry, **fields: Any) -> LawEntry:
    """Change a local entry (catalogue entries follow the rules' catalogue and are read-only here)."""
    entry = LawEntry.objects.select_for_update().get(pk=entry.pk)
    if actor is not None and not has_action(actor, "emergency.law"):
        raise NotAllowed("您无权维护法规标准库", "You may not maintain the law library")
    if entry.from_catalogue:
        raise DomainError("规则引用的法规随规则目录更新，不能在此修改", "A text cited by the rules follows the rules' catalogue")
    allowed = {"kind", "title", "number", "issuer", "issued_on", "effective_on", "repealed_on", "replaced_by",
               "summary", "link"}
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError("未知的字段", "Unknown field")
    merged = {f: fields.get(f, getattr(entry, f)) for f in allowed}
    _law_clean(merged["kind"], merged["title"], merged["effective_on"], merged["repealed_on"], merged["replaced_by"],
               entry)
    for k, v in merged.items():
        setattr(entry, k, v.strip() if isinstance(v, str) else v)
    entry._change_reason = "修改"  # type: ignore[attr-defined]
    entry.save()
    record_event(entry, "emergency.law", actor=actor, summary=Msg(gettext_noop("修改：{title}"), title=entry.title))
    return entry


# --- duty rosters ---------------------------------------------------------------------------


def _duty_unit_allowed(actor: Any, jurisdiction: Jurisdiction, department: Department | None) -> bool:
    if actor is None:
        return True
    if department is not None:
        return has_action(actor, "emergency.resource") and (
            scope_allows(actor, "emergency.resource", jurisdiction=department.jurisdiction)
            or Membership.objects.filter(user=actor, department=department, is_active=True).exists())
    return scope_allows(actor, "emergency.resource", jurisdiction=jurisdiction)


@transaction.atomic
def duty_shift_create(*, actor: Any, jurisdiction: Jurisdiction | None, department: Department | None = None,
                      starts_at: dt.datetime, ends_at: dt.datetime, leader: str, officer: str, officer_phone: str,
                      leader_phone: str = "", note: str = "") -> DutyShift:
    """Add a shift to the roster of an office (a jurisdiction) or a department. Shifts of one unit
    never overlap (the unit's row is locked while checking)."""
    if department is not None:
        jurisdiction = department.jurisdiction
    if jurisdiction is None:
        raise DomainError("请选择值班单位", "Choose the unit on duty", field="jurisdiction")
    if not _duty_unit_allowed(actor, jurisdiction, department):
        raise NotAllowed("您无权编排该单位的值班", "You may not keep that unit's roster")
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise DomainError("结束时间须晚于开始时间", "The shift must end after it starts", field="ends_at")
    if ends_at - starts_at > dt.timedelta(days=7):
        raise DomainError("一个班次不超过7天", "A shift lasts at most 7 days", field="ends_at")
    if not leader.strip() or not officer.strip() or not officer_phone.strip():
        raise DomainError("请填写带班领导、值班员和值班电话", "The leader, the officer and the duty phone are required",
                          field="officer")
    (Department.objects.select_for_update().filter(pk=department.pk) if department is not None
     else Jurisdiction.objects.select_for_update().filter(pk=jurisdiction.pk)).first()
    clash = DutyShift.objects.filter(jurisdiction=jurisdiction, department=department, starts_at__lt=ends_at,
                                     ends_at__gt=starts_at).first()
    if clash is not None:
        raise DomainError(f"与已有班次（{timezone.localtime(clash.starts_at):%m-%d %H:%M}–"
                          f"{timezone.localtime(clash.ends_at):%m-%d %H:%M}，{clash.officer}）重叠",
                          "The shift overlaps an existing one", field="starts_at")
    shift = DutyShift.objects.create(
        jurisdiction=jurisdiction, department=department, starts_at=starts_at, ends_at=ends_at, leader=leader.strip(),
        leader_phone=leader_phone.strip(), officer=officer.strip(), officer_phone=officer_phone.strip(),
        note=note.strip(), created_by=actor if getattr(actor, "pk", None) else None)
    record_event(shift, "emergency.duty", actor=actor,
                 summary=Msg(gettext_noop("排班：{unit} {leader}带班，{officer}值班"), unit=shift.unit_name,
                             leader=shift.leader, officer=shift.officer))
    return shift


@transaction.atomic
def duty_shift_delete(*, actor: Any, shift: DutyShift, reason: str) -> None:
    shift = DutyShift.objects.select_for_update(of=("self",)).select_related("jurisdiction", "department").get(pk=shift.pk)
    if actor is not None and not can(actor, "emergency.resource", shift) and not _duty_unit_allowed(
            actor, shift.jurisdiction, shift.department):
        raise NotAllowed("您无权编排该单位的值班", "You may not keep that unit's roster")
    if not reason.strip():
        raise DomainError("请填写撤销原因", "The reason is required", field="reason")
    record_event(shift, "emergency.duty", actor=actor, note=reason.strip(),
                 summary=Msg(gettext_noop("撤销班次：{unit} {officer}"), unit=shift.unit_name, officer=shift.officer))
    shift._change_reason = reason.strip()[:100]  # type: ignore[attr-defined]
    shift.delete()
