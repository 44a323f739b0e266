"""Writes for hazards. Every write: one transaction on a locked row, row history, timeline event;
every status change goes through ``HAZARD_WORKFLOW.apply`` (which also moves the inbox item)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from anjian.audit.services import Msg, record_event
from anjian.checklists.models import VersionStatus
from anjian.core.errors import DomainError, InvalidTransition, NotAllowed, NotFoundInScope
from anjian.core.lookups import within_choice
from anjian.core.scoping import can, scope_allows
from anjian.documents.attachments import attachments_add
from anjian.documents.imports import has_dependents, history_stamps
from anjian.documents.numbering import number_issue
from anjian.enterprises.models import Enterprise
from anjian.enterprises.risk import schedule_recompute
from anjian.hazards.models import (
    OPEN_STATUSES,
    Hazard,
    HazardLevel,
    HazardListing,
    HazardPenalty,
    HazardSource,
    HazardStatus,
    ListingLevel,
    ListingStatus,
    ReferralStatus,
    RejectReason,
    RepeatOffenderFlag,
)
from anjian.hazards.workflow import HAZARD_WORKFLOW
from anjian.inbox.models import DueState
from anjian.inbox.services import due_close, due_open
from anjian.orgs.models import Department, Jurisdiction, JurisdictionLevel, Sector
from anjian.orgs.risk import resolve_bands
from anjian.orgs.services import locate_jurisdiction, route_department
from anjian.rules import hazards as rules
from anjian.rules import risk

PHOTO_BEFORE = "before"
PHOTO_AFTER = "after"
PLAN_KEYS = tuple(key for key, _zh, _en in rules.TREATMENT_PLAN_PARTS)


def _rule_level(level: str) -> rules.HazardLevel:
    return rules.HazardLevel(level)


def _lock(hazard: Hazard, actor: Any) -> Hazard:
    """The hazard's row, locked; outside the actor's view scope it does not exist."""
    locked = Hazard.objects.select_for_update(of=("self",)).select_related(
        "jurisdiction", "department", "sector", "enterprise"
    ).get(pk=hazard.pk)
    if actor is not None and not can(actor, "hazards.view", locked):
        raise NotFoundInScope()
    return locked


def _save(hazard: Hazard, reason: str, fields: Iterable[str]) -> None:
    hazard._change_reason = reason  # type: ignore[attr-defined]
    hazard.save(update_fields=list(fields))
    schedule_recompute(hazard.enterprise_id)  # open/overdue counts move the enterprise's colour


def _apply(hazard: Hazard, target: str, *, actor: Any, note: str = "", data: dict[str, Any] | None = None) -> None:
    hazard._change_reason = f"状态：{HazardStatus(target).label}"  # type: ignore[attr-defined]
    HAZARD_WORKFLOW.apply(hazard, target, actor=actor, note=note, data=data)
    schedule_recompute(hazard.enterprise_id)


def _aware(value: dt.datetime | None, name: str) -> dt.datetime | None:
    if value is not None and timezone.is_naive(value):
        raise DomainError(f"{name} 须带时区", f"{name} must be time-zone aware", field=name)
    return value


# 《安全生产事故隐患排查治理暂行规定》（原国家安全监管总局令第16号）took effect on 2008-02-01:
# a hazard in this ledger is found on or after that day. Earlier dates are typing errors (a
# year 1 or 0208 would otherwise be stored and break every deadline and statistic).
EARLIEST_FOUND = dt.date(2008, 2, 1)


def _check_not_before_regime(found_at: dt.datetime, *, row: int | None = None) -> None:
    day = found_at.date() if found_at.year <= 1 else timezone.localdate(found_at)
    if day < EARLIEST_FOUND:
        where_zh, where_en = (f"第 {row} 行：", f"Row {row}: ") if row else ("", "")
        raise DomainError(f"{where_zh}发现时间不能早于 2008-02-01（隐患排查治理暂行规定施行日）",
                          f"{where_en}The time found cannot be before 2008-02-01 (when the hazard rules took effect)",
                          field="found_at")


def _from_checklist_item(item: Any, category: str, standard_item: str) -> tuple[str, str]:
    """A hazard found against a checklist item: only items of a published or retired version
    (an old record keeps its version); the category defaults to the item's text and a 重大
    criterion item fills the standard clause when none is given."""

    if item.version.status == VersionStatus.DRAFT:
        raise DomainError("不能引用草稿版本的检查条目", "A draft version's item cannot be used", field="checklist_item")
    if item.is_major_criterion and not standard_item.strip():
        standard_item = item.standard_clause
    return category or item.as_category(), standard_item


# --- report --------------------------------------------------------------------------------


@transaction.atomic
def hazard_report(
    *,
    actor: Any,
    source: str,
    category: str,
    description: str,
    level: str = HazardLevel.GENERAL,
    enterprise: Enterprise | None = None,
    place_name: str = "",
    address: str = "",
    lng: float | None = None,
    lat: float | None = None,
    accuracy_m: float | None = None,
    jurisdiction: Jurisdiction | None = None,
    sector: Sector | None = None,
    standard_item: str = "",
    found_at: dt.datetime | None = None,
    finder_name: str = "",
    photos: Iterable[Any] = (),
    checklist_item: Any = None,
) -> Hazard:
    """Record a hazard found by any source. Territory: the point's smallest unit, else the
    enterprise's, else the one given; sector: the enterprise's unless given; department: routed."""
    if source not in HazardSource.values:
        raise DomainError(f"未知的隐患来源：{source}", f"Unknown source: {source}", field="source")
    if level not in HazardLevel.values:
        raise DomainError(f"未知的隐患等级：{level}", f"Unknown level: {level}", field="level")
    category, description = category.strip(), description.strip()
    if checklist_item is not None:
        category, standard_item = _from_checklist_item(checklist_item, category, standard_item)
    if not category:
        raise DomainError("请填写隐患类别或排查项", "The category is required", field="category")
    if not description:
        raise DomainError("请填写隐患描述", "The description is required", field="description")
    if enterprise is None and not place_name.strip():
        raise DomainError("请选择企业或填写场所名称", "Choose an enterprise or name the place", field="enterprise")
    if (lng is None) != (lat is None):
        raise DomainError("经纬度须同时填写", "Give both longitude and latitude", field="lng")
    if lng is not None and lat is not None and not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise DomainError("经纬度超出范围", "Longitude/latitude out of range", field="lng")
    found_at = _aware(found_at, "found_at") or timezone.now()
    if found_at > timezone.now() + dt.timedelta(minutes=5):
        raise DomainError("发现时间不能晚于当前时间", "The time found cannot be in the future", field="found_at")
    _check_not_before_regime(found_at)

    place = located = locate_jurisdiction(lng, lat) if lng is not None and lat is not None else None
    if place is None:
        place = enterprise.jurisdiction if enterprise is not None else jurisdiction
    if place is None:
        raise DomainError("请填写位置或指定属地", "Give a location or a jurisdiction", field="jurisdiction")
    if sector is None and enterprise is not None:
        sector = enterprise.sector
    if enterprise is not None and actor is not None and not scope_allows(
        actor, "hazards.report", jurisdiction=enterprise.jurisdiction, sector=enterprise.sector
    ):
        # A record about an enterprise takes the enterprise's place and sector: only staff who
        # supervise it may say otherwise (an enterprise cannot file itself into another district).
        place, sector = enterprise.jurisdiction, enterprise.sector
    if actor is not None and not scope_allows(
        actor, "hazards.report", jurisdiction=place, sector=sector, enterprise=enterprise
    ):
        if located is not None:
            # the point the phone gave is outside the reporter's grid: say so, not "no right"
            where = located.full_name()
            raise NotAllowed(
                f"定位点在{where}，不在您负责的网格（辖区）内：请核对定位（可重新定位），"
                "或清除经纬度后按企业所在地上报",
                f"The located point is in {where}, outside your grid: check the location (locate again), "
                "or clear the coordinates to report at the enterprise's address",
                field="lng",
            )
        raise NotAllowed("您无权在该辖区/企业上报隐患", "You may not report hazards there")
    department, rule = route_department(sector, place)
    now = timezone.now()
    hazard = Hazard(
        source=source,
        enterprise=enterprise,
        place_name="" if enterprise is not None else place_name.strip(),
        address=address.strip() or (enterprise.address if enterprise is not None else ""),
        lng=lng if lng is not None else (enterprise.lng if enterprise is not None else None),
        lat=lat if lat is not None else (enterprise.lat if enterprise is not None else None),
        location_accuracy_m=accuracy_m,
        jurisdiction=place,
        sector=sector,
        department=department,
        routing_rule=rule[:300],
        category=category[:200],
        checklist_item=checklist_item,
        description=description,
        level=level,
        standard_item=standard_item.strip()[:300],
        finder=actor if getattr(actor, "pk", None) else None,
        finder_name=finder_name.strip() or (getattr(actor, "display_name", "") or getattr(actor, "username", "")),
        found_at=found_at,
        reported_at=now,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    hazard._change_reason = "上报"  # type: ignore[attr-defined]
    hazard.save()
    schedule_recompute(hazard.enterprise_id)
    record_event(
        hazard,
        "hazard.reported",
        actor=actor,
        summary=Msg(gettext_noop("上报隐患（{source}，{level}）：{unit} {category}"), source=HazardSource(source).label,
                    level=HazardLevel(level).label, unit=hazard.unit_name, category=category),
        data={"routing": rule, "jurisdiction": place.code, "department": department.name if department else None},
    )
    photos = list(photos)
    if photos:
        attachments_add(owner=hazard, files=photos, actor=actor, role=PHOTO_BEFORE)
    owner = HAZARD_WORKFLOW.states[HazardStatus.REPORTED].owner(hazard)  # type: ignore[misc]
    state = HAZARD_WORKFLOW.states[HazardStatus.REPORTED]
    due_open(
        hazard,
        state.due_kind,  # type: ignore[arg-type]
        title=f"{state.label}：{HAZARD_WORKFLOW.title(hazard)}",
        due_at=state.deadline(hazard),  # type: ignore[misc]
        url=HAZARD_WORKFLOW.url(hazard),
        owner_jurisdiction=owner.jurisdiction,
        owner_department=owner.department,
        sector=owner.sector,
    )
    return hazard


# --- confirm / reject ---------------------------------------------------------------------


def default_deadline(hazard: Hazard, level: str | None = None, *, at: dt.datetime | None = None) -> dt.datetime:
    """The rule's rectification deadline (``rules.hazards.rectification_due``) for a hazard
    confirmed ``at`` (now): the term runs from the order to rectify, i.e. the confirmation, never
    from an earlier day the hazard was found (a report confirmed three days later would be overdue
    the moment it is confirmed)."""
    start = max(hazard.found_at, at or timezone.now())
    return rules.rectification_due(start, _rule_level(level or hazard.level))


@transaction.atomic
def hazard_confirm(
    *,
    actor: Any,
    hazard: Hazard,
    level: str | None = None,
    standard_item: str | None = None,
    deadline: dt.datetime | None = None,
    responsible_person: str = "",
    measures: str = "",
    funds: Decimal | None = None,
    note: str = "",
) -> Hazard:
    """Confirm a reported hazard, fixing its level and rectification deadline (by default the
    rule's term, ``default_deadline``: 一般 立即 — the end of the day it is confirmed —, 重大 the
    local default until the plan sets one)."""
    h = _lock(hazard, actor)
    if level is not None:
        if level not in HazardLevel.values:
            raise DomainError(f"未知的隐患等级：{level}", f"Unknown level: {level}", field="level")
        h.level = level
    if standard_item is not None:
        h.standard_item = standard_item.strip()[:300]
    deadline = _aware(deadline, "deadline")
    h.deadline = deadline or default_deadline(h)
    if responsible_person:
        h.responsible_person = responsible_person.strip()[:50]
    if measures:
        h.measures = measures.strip()
    if funds is not None:
        if funds < 0:
            raise DomainError("整改资金不能为负", "Funds cannot be negative", field="funds")
        h.funds = funds
    _save(h, gettext_noop("确认"), ["level", "standard_item", "deadline", "responsible_person", "measures", "funds"])
    _apply(
        h,
        HazardStatus.CONFIRMED,
        actor=actor,
        note=note,
        data={"level": h.level, "deadline": timezone.localtime(h.deadline).isoformat()},
    )
    return h


@transaction.atomic
def hazard_reject(
    *, actor: Any, hazard: Hazard, reason: str, note: str, duplicate_of: Hazard | None = None
) -> Hazard:
    """Refuse a report: a duplicate (of another hazard the actor can see) or not a hazard."""
    h = _lock(hazard, actor)
    if reason not in RejectReason.values:
        raise DomainError("请选择不予确认的原因", "Choose why the report is refused", field="reason")
    if reason == RejectReason.DUPLICATE:
        if duplicate_of is None or duplicate_of.pk == h.pk:
            raise DomainError("重复上报须指明原隐患", "Name the hazard this duplicates", field="duplicate_of")
        if actor is not None and not can(actor, "hazards.view", duplicate_of):
            raise NotFoundInScope()
    h.reject_reason = reason
    h.duplicate_of = duplicate_of if reason == RejectReason.DUPLICATE else None
    _save(h, "不予确认", ["reject_reason", "duplicate_of"])
    _apply(h, HazardStatus.REJECTED, actor=actor, note=note, data={"reason": reason,
                                                                    "duplicate_of": h.duplicate_of_id})
    return h


# --- plan and rectification ---------------------------------------------------------------


@transaction.atomic
def hazard_plan_set(
    *, actor: Any, hazard: Hazard, plan: Mapping[str, str], deadline: dt.datetime | None = None
) -> Hazard:
    """Store the 重大 hazard's treatment plan (16号令 Art. 15, six parts); its deadline, when
    given, becomes the rectification deadline. Incomplete plans may be saved as drafts; the
    start of rectification is what requires all six parts."""
    h = _lock(hazard, actor)
    if actor is not None and not can(actor, "hazards.rectify", h):
        raise NotAllowed("您无权编制该隐患的治理方案", "You may not set this hazard's plan")
    if h.level != HazardLevel.MAJOR:
        raise InvalidTransition("仅重大隐患需要治理方案", "Only major hazards need a treatment plan")
    if h.status not in (HazardStatus.CONFIRMED, HazardStatus.RECTIFYING):
        raise InvalidTransition("当前状态不能修改治理方案", "The plan cannot be changed in this state")
    cleaned = {key: str(plan.get(key) or "").strip() for key in PLAN_KEYS}
    h.plan = cleaned
    fields = ["plan"]
    deadline = _aware(deadline, "deadline")
    if deadline is not None:
        h.deadline = deadline
        fields.append("deadline")
    _save(h, "治理方案", fields)
    missing = rules.missing_plan_parts(cleaned)
    record_event(
        h,
        "hazard.plan_set",
        actor=actor,
        summary=Msg(gettext_noop("编制治理方案（完整）")) if not missing
        else Msg(gettext_noop("编制治理方案（缺{n}项）"), n=len(missing)),
        data={"missing": missing},
    )
    if deadline is not None:
        _reopen_due(h)
    return h


@transaction.atomic
def hazard_start_rectification(*, actor: Any, hazard: Hazard, note: str = "") -> Hazard:
    h = _lock(hazard, actor)
    _apply(h, HazardStatus.RECTIFYING, actor=actor, note=note)
    return h


@transaction.atomic
def hazard_submit(*, actor: Any, hazard: Hazard, note: str, photos: Iterable[Any] = ()) -> Hazard:
    """一般: the unit reports the rectification done, with photos after."""
    h = _lock(hazard, actor)
    h.submitted_at = timezone.now()
    if h.status != HazardStatus.RECTIFYING:
        raise InvalidTransition("当前状态不能提交验收", "Cannot submit in this state")
    _save(h, "提交验收", ["submitted_at"])
    _apply(h, HazardStatus.SUBMITTED, actor=actor, note=note)
    photos = list(photos)
    if photos:
        attachments_add(owner=h, files=photos, actor=actor, role=PHOTO_AFTER)
    return h


@transaction.atomic
def hazard_send_back(*, actor: Any, hazard: Hazard, note: str, deadline: dt.datetime | None = None) -> Hazard:
    """The verifier refuses the rectification; a new deadline may be set."""
    h = _lock(hazard, actor)
    if h.status != HazardStatus.SUBMITTED:
        raise InvalidTransition("当前状态不能退回整改", "Cannot send back in this state")
    deadline = _aware(deadline, "deadline")
    if deadline is not None:
        h.deadline = deadline
        _save(h, "退回整改", ["deadline"])
    _apply(h, HazardStatus.RECTIFYING, actor=actor, note=note)
    return h


@transaction.atomic
def hazard_apply_writeoff(*, actor: Any, hazard: Hazard, note: str, photos: Iterable[Any] = ()) -> Hazard:
    """重大: the unit applies in writing for 销号 after treatment; the review clock starts."""
    h = _lock(hazard, actor)
    if h.status != HazardStatus.RECTIFYING:
        raise InvalidTransition("当前状态不能申请销号", "Cannot apply for write-off in this state")
    if not note.strip():
        raise InvalidTransition("销号申请须说明治理情况", "Describe the treatment", field="note")
    h.applied_at = timezone.now()
    _save(h, gettext_noop("销号申请"), ["applied_at"])
    _apply(h, HazardStatus.APPLIED, actor=actor, note=note,
           data={"review_due": timezone.localtime(rules.review_due(h.applied_at)).isoformat()})
    for listing in HazardListing.objects.filter(hazard=h, status=ListingStatus.LISTED):
        _listing_due(listing, h)  # the application brings the listing's verification forward
    photos = list(photos)
    if photos:
        attachments_add(owner=h, files=photos, actor=actor, role=PHOTO_AFTER)
    return h


@transaction.atomic
def hazard_review(*, actor: Any, hazard: Hazard, passed: bool, note: str) -> Hazard:
    """重大: the on-site review of a write-off application; failing sends it back to rectifying."""
    h = _lock(hazard, actor)
    if h.status != HazardStatus.APPLIED:
        raise InvalidTransition("当前状态不能现场核查", "No review is pending")
    h.reviewed_at = timezone.now()
    _save(h, gettext_noop("现场核查"), ["reviewed_at"])
    _apply(h, HazardStatus.REVIEWED if passed else HazardStatus.RECTIFYING, actor=actor, note=note,
           data={"passed": passed})
    return h


@transaction.atomic
def hazard_write_off(*, actor: Any, hazard: Hazard, note: str = "") -> Hazard:
    """销号: 一般 after verification of the submitted rectification, 重大 after a passed review."""
    h = _lock(hazard, actor)
    h.written_off_at = timezone.now()
    if h.status not in (HazardStatus.SUBMITTED, HazardStatus.REVIEWED):
        raise InvalidTransition("当前状态不能销号", "Cannot write off in this state")
    _save(h, gettext_noop("销号"), ["written_off_at"])
    _apply(h, HazardStatus.WRITTEN_OFF, actor=actor, note=note)
    _write_off_listings(h, actor)
    return h


# --- routing ------------------------------------------------------------------------------


def _reopen_due(h: Hazard) -> None:
    """Re-open the current state's inbox item with the hazard's present owner and deadline."""
    state = HAZARD_WORKFLOW.state_of(h)
    if state.final or not state.due_kind or state.deadline is None:
        return
    due_at = state.deadline(h)
    if due_at is None:
        return
    owner = state.owner(h) if state.owner else None
    due_open(
        h,
        state.due_kind,
        title=f"{state.label}：{HAZARD_WORKFLOW.title(h)}",
        due_at=due_at,
        url=HAZARD_WORKFLOW.url(h),
        owner_jurisdiction=owner.jurisdiction if owner else None,
        owner_department=owner.department if owner else None,
        owner_enterprise=owner.enterprise if owner else None,
        sector=owner.sector if owner else None,
    )


@transaction.atomic
def hazard_reroute(
    *,
    actor: Any,
    hazard: Hazard,
    reason: str,
    department: Department | None = None,
    jurisdiction: Jurisdiction | None = None,
    sector: Sector | None = None,
) -> Hazard:
    """Change the territory, sector and/or regulator of an open hazard (audited). With a new
    sector or territory and no department given, the routing table is applied again."""
    h = _lock(hazard, actor)
    if actor is not None and not can(actor, "hazards.reroute", h):
        raise NotAllowed("您无权改派该隐患", "You may not re-route this hazard")
    if not reason.strip():
        raise DomainError("改派须说明理由", "A reason is required", field="reason")
    if h.status not in [s for s in HazardStatus.values if not HAZARD_WORKFLOW.states[s].final]:
        raise InvalidTransition("已办结的隐患不能改派", "A closed hazard cannot be re-routed")
    if actor is not None:  # the destination must be in the actor's scope too, not only the hazard

        if not within_choice(actor, "orgs.jurisdictions@hazards.reroute", jurisdiction):
            raise NotAllowed("改派的属地不在您的管辖范围内", "The new jurisdiction is outside your scope")
        if not within_choice(actor, "orgs.departments@hazards.reroute", department):
            raise NotAllowed("改派的监管部门不在您的管辖范围内", "The new department is outside your scope")
    before = {
        "jurisdiction": h.jurisdiction.code,
        "sector": h.sector.code if h.sector_id else None,
        "department": h.department.name if h.department_id else None,
        "routing_rule": h.routing_rule,
    }
    if jurisdiction is not None:
        h.jurisdiction = jurisdiction
    if sector is not None:
        h.sector = sector
    if department is not None:
        h.department = department
        h.routing_rule = f"人工改派 → {department.name}：{reason.strip()}"[:300]
    else:
        routed, rule = route_department(h.sector, h.jurisdiction)
        h.department = routed
        h.routing_rule = rule[:300]
    after = {
        "jurisdiction": h.jurisdiction.code,
        "sector": h.sector.code if h.sector_id else None,
        "department": h.department.name if h.department_id else None,
        "routing_rule": h.routing_rule,
    }
    if after == before:
        raise DomainError("改派前后没有变化", "Nothing changes", field="department")
    _save(h, (gettext_noop("改派") + f"：{reason.strip()}")[:100], ["jurisdiction", "sector", "department", "routing_rule"])
    record_event(
        h,
        "hazard.rerouted",
        actor=actor,
        summary=Msg(gettext_noop("改派：{d1}（{j1}）→ {d2}（{j2}）"), d1=before["department"] or gettext_lazy("无"),
                    j1=before["jurisdiction"], d2=after["department"] or gettext_lazy("无"), j2=after["jurisdiction"]),
        note=reason.strip(),
        data={"before": before, "after": after},
    )
    _reopen_due(h)
    return h


# --- penalties and repeat offenders (安全生产法 Art. 113) ---------------------------------------

REFERRAL_DUE_DAYS = 10
"""Days the district office has to act on a repeat-offender referral (local default; no source fixes it)."""


def _district_of(jurisdiction: Jurisdiction) -> Jurisdiction:
    """The district (区) containing ``jurisdiction`` — itself if it is one; the city if above."""

    if jurisdiction.level <= JurisdictionLevel.DISTRICT:
        return jurisdiction
    return jurisdiction.ancestors().filter(level=JurisdictionLevel.DISTRICT).first() or jurisdiction


def _city_of(jurisdiction: Jurisdiction) -> Jurisdiction:
    if jurisdiction.level == JurisdictionLevel.CITY:
        return jurisdiction
    return jurisdiction.ancestors().filter(level=JurisdictionLevel.CITY).first() or jurisdiction


@transaction.atomic
def hazard_penalty_record(
    *,
    actor: Any,
    hazard: Hazard,
    decided_on: dt.date,
    amount: Decimal | int | str,
    document_number: str,
    note: str = "",
) -> HazardPenalty:
    """Record a penalty decision about a hazard, then check 安全生产法 Art. 113(1) for its
    enterprise. The penalties counted are the enterprise's penalties about 重大 hazards (the Act:
    "存在重大事故隐患 … 受到本法规定的行政处罚"), up to today. A match flags the enterprise once per
    rule and cluster end: an event on the enterprise's timeline and an inbox item for the
    district office of the enterprise."""
    h = _lock(hazard, actor)
    if actor is not None and not can(actor, "hazards.penalty", h):
        raise NotAllowed("您无权录入该隐患的行政处罚", "You may not record penalties for this hazard")
    if h.enterprise_id is None:
        raise DomainError("无企业档案的场所不能录入行政处罚", "A place without an enterprise file cannot be penalised",
                          field="hazard")
    if isinstance(decided_on, dt.datetime) or not isinstance(decided_on, dt.date):
        raise DomainError("处罚决定日期无效", "Invalid decision date", field="decided_on")
    today = timezone.localdate()
    if decided_on > today:
        raise DomainError("处罚决定日期不能晚于今天", "The decision date cannot be in the future", field="decided_on")
    number = (document_number or "").strip()
    if not number:
        raise DomainError("须填写处罚决定书文号", "The decision's document number is required", field="document_number")
    if HazardPenalty.objects.filter(document_number=number).exists():
        raise DomainError("该处罚决定书文号已录入", "This decision is already recorded", field="document_number")
    try:
        money = Decimal(str(amount))
    except ArithmeticError as exc:
        raise DomainError("罚款金额无效", "Invalid amount", field="amount") from exc
    if money < 0:
        raise DomainError("罚款金额不能为负数", "The amount cannot be negative", field="amount")
    penalty = HazardPenalty(hazard=h, enterprise=h.enterprise, decided_on=decided_on, amount=money,
                            document_number=number, note=note.strip()[:300], created_by=actor if getattr(actor, "pk", None) else None)
    penalty._change_reason = gettext_noop("录入行政处罚")  # type: ignore[attr-defined]
    penalty.save()
    data = {"document_number": number, "decided_on": decided_on.isoformat(), "amount": str(money),
            "hazard": h.pk}
    record_event(h, "hazard.penalised", actor=actor, summary=Msg(gettext_noop("行政处罚 {number}"), number=number),
                 note=note, data=data)
    record_event(h.enterprise, "hazard.penalised", actor=actor,
                 summary=Msg(gettext_noop("隐患行政处罚 {number}（{code}）"), number=number, code=h.code),
                 note=note, data=data)
    _check_repeat_offender(h.enterprise, actor=actor, today=today)
    return penalty


def _check_repeat_offender(enterprise: Enterprise, *, actor: Any, today: dt.date) -> RepeatOffenderFlag | None:
    dates = HazardPenalty.objects.filter(enterprise=enterprise, hazard__level=HazardLevel.MAJOR).values_list(
        "decided_on", flat=True)
    finding = rules.is_repeat_offender(list(dates), today)
    if finding is None:
        return None
    district = _district_of(enterprise.jurisdiction)
    flag, created = RepeatOffenderFlag.objects.get_or_create(
        enterprise=enterprise, rule=finding.rule.value, window_end=finding.window_end,
        defaults={"rule_label": finding.rule.label, "window_start": finding.window_start,
                  "penalty_count": len(finding.dates), "district": district},
    )
    if not created:
        return flag
    summary = Msg(gettext_noop("重复处罚：{rule}（{start}至{end}，{n}次），提请移送"), rule=finding.rule.label,
                  start=finding.window_start, end=finding.window_end, n=len(finding.dates))
    record_event(enterprise, "hazard.repeat_offender", actor=actor, summary=summary,
                 data={"rule": finding.rule.value, "dates": [d.isoformat() for d in finding.dates],
                       "district": district.code})
    due_open(flag, "hazards.referral", title=f"{enterprise.name}：安全生产法第一百一十三条 {finding.rule.label}，研究提请关闭",
             due_at=timezone.now() + dt.timedelta(days=REFERRAL_DUE_DAYS),
             url=f"/enterprises/{enterprise.pk}/", owner_jurisdiction=district)
    return flag


@transaction.atomic
def repeat_offender_decide(*, actor: Any, flag: RepeatOffenderFlag, referred: bool, note: str) -> RepeatOffenderFlag:
    """The district office's decision on an Art. 113 flag: refer the enterprise to the people's
    government for closure (提请关闭), or not, with the reasons. Closes the referral inbox item."""
    f = RepeatOffenderFlag.objects.select_for_update().get(pk=flag.pk)
    if actor is not None and not can(actor, "hazards.view", f):
        raise NotFoundInScope()
    if actor is not None and not can(actor, "hazards.penalty", f):
        raise NotAllowed("您无权处理该重复处罚移送", "You may not decide on this referral")
    if f.status != ReferralStatus.PENDING:
        raise InvalidTransition("该移送已作出决定", "This referral has already been decided")
    note = (note or "").strip()
    if not note:
        raise DomainError("请说明决定理由", "Give the reasons for the decision", field="note")
    f.status = ReferralStatus.REFERRED if referred else ReferralStatus.DECLINED
    f.decided_at, f.decided_by, f.decision_note = timezone.now(), actor if getattr(actor, "pk", None) else None, note
    f.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    record_event(f.enterprise, "hazard.referral_decided", actor=actor,
                 summary=Msg(gettext_noop("安全生产法第一百一十三条 {rule}：{status}"), rule=f.rule_label,
                             status=ReferralStatus(f.status).label), note=note,
                 data={"flag": f.pk, "status": f.status})
    due_close(f, "hazards.referral")
    return f


# --- 挂牌督办 (listed supervision) -------------------------------------------------------------


@transaction.atomic
def hazard_listing_create(
    *,
    actor: Any,
    hazard: Hazard,
    level: str,
    series: Any,
    issuer: str,
    deadline: dt.date,
    requirements: str = "",
) -> HazardListing:
    """List an open 重大 hazard for supervision by its district or its city (挂牌督办): take the
    notice number from ``series`` (a ``documents.DocumentSeries``), record the listing and an event.
    One active listing per hazard; it is taken off (摘牌) when the hazard is written off."""
    h = _lock(hazard, actor)
    if actor is not None and not (can(actor, "hazards.supervise", h) and can(actor, "documents.issue", series)):
        raise NotAllowed("您无权对该隐患挂牌督办", "You may not list this hazard for supervision")
    if h.level != HazardLevel.MAJOR:
        raise DomainError("只有重大隐患可以挂牌督办", "Only a major hazard can be listed for supervision", field="level")
    if h.status in (HazardStatus.WRITTEN_OFF, HazardStatus.REJECTED):
        raise DomainError("该隐患已销号或不予确认", "The hazard is closed", field="hazard")
    if HazardListing.objects.filter(hazard=h, status=ListingStatus.LISTED).exists():
        raise DomainError("该隐患已在挂牌督办中", "The hazard is already listed", field="hazard")
    if level not in ListingLevel.values:
        raise DomainError("督办层级无效", "Invalid listing level", field="level")
    if isinstance(deadline, dt.datetime) or not isinstance(deadline, dt.date):
        raise DomainError("督办整改期限无效", "Invalid deadline", field="deadline")
    today = timezone.localdate()
    if deadline < today:
        raise DomainError("督办整改期限不能早于今天", "The deadline cannot be in the past", field="deadline")
    if not (issuer or "").strip():
        raise DomainError("须填写督办机关", "The issuing office is required", field="issuer")
    supervisor = _district_of(h.jurisdiction) if level == ListingLevel.DISTRICT else _city_of(h.jurisdiction)
    listing = HazardListing(hazard=h, level=level, supervisor=supervisor, issuer=issuer.strip()[:100],
                            issued_on=today, deadline=deadline, requirements=(requirements or "").strip(),
                            created_by=actor if getattr(actor, "pk", None) else None)
    title = f"关于对{h.unit_name}重大事故隐患挂牌督办的通知"

    listing.issued_number = number_issue(series=series, actor=actor, title=title)
    listing.number = listing.issued_number.text
    listing._change_reason = "挂牌督办"  # type: ignore[attr-defined]
    listing.save()
    listing.issued_number.object_id = str(listing.pk)

    listing.issued_number.content_type = ContentType.objects.get_for_model(HazardListing)
    listing.issued_number.save(update_fields=["object_id", "content_type"])
    record_event(h, "hazard.listed", actor=actor,
                 summary=Msg(gettext_noop("{level} {number}，期限 {deadline}"), level=ListingLevel(level).label,
                             number=listing.number, deadline=timezone.localdate(deadline) if isinstance(deadline, dt.datetime)
                             else deadline),
                 note=listing.requirements, data={"listing": listing.pk, "number": listing.number, "level": level,
                                                  "supervisor": supervisor.code, "deadline": deadline.isoformat()})
    _listing_due(listing, h)
    return listing


def _listing_due(listing: HazardListing, h: Hazard) -> None:
    """The supervising office's on-site verification (``rules.hazards.listing_verification_due``:
    within 10 days of the listed deadline or of the unit's write-off application, whichever
    comes first). Closed when the hazard is written off (摘牌); escalates like the hazard's items."""
    deadline_end = timezone.make_aware(dt.datetime.combine(listing.deadline, dt.time(23, 59, 59)))
    due_open(listing, "hazards.listing", title=f"挂牌督办现场核查：{h.unit_name}（{listing.number}）",
             due_at=rules.listing_verification_due(deadline=deadline_end, applied_at=h.applied_at),
             url=HAZARD_WORKFLOW.url(h), owner_jurisdiction=listing.supervisor, sector=h.sector)


def _write_off_listings(h: Hazard, actor: Any) -> None:
    for listing in HazardListing.objects.select_for_update().filter(hazard=h, status=ListingStatus.LISTED):
        listing.status = ListingStatus.WRITTEN_OFF
        listing.written_off_at = timezone.now()
        listing._change_reason = gettext_noop("隐患销号，摘牌")  # type: ignore[attr-defined]
        listing.save(update_fields=["status", "written_off_at"])
        due_close(listing, "hazards.listing")
        record_event(h, "hazard.listing_written_off", actor=actor,
                     summary=Msg(gettext_noop("摘牌 {number}"), number=listing.number),
                     data={"listing": listing.pk, "number": listing.number})


# --- per-hazard risk (LEC / LS) ---------------------------------------------------------------


@transaction.atomic
def hazard_risk_assess(*, actor: Any, hazard: Hazard, method: str, factors: Mapping[str, Any]) -> Hazard:
    """Score the hazard's risk with LEC (D = L×E×C) or the LS matrix (R = L×S) under the most
    specific band policy for its jurisdiction and sector (``orgs.risk.resolve_bands``; none →
    the defaults of ``rules.risk``), and store the factors, the policy, the score and the colour."""

    h = _lock(hazard, actor)
    if actor is not None and not can(actor, "hazards.confirm", h):
        raise NotAllowed("您无权评价该隐患的风险", "You may not assess this hazard's risk")
    if h.status in (HazardStatus.WRITTEN_OFF, HazardStatus.REJECTED):
        raise InvalidTransition("已销号或不予确认的隐患不能评价风险", "The hazard is closed")

    if method not in ("lec", "ls"):
        raise DomainError("评价方法须为 LEC 或 LS", "The method must be LEC or LS", field="method")
    resolved = resolve_bands(method, jurisdiction=h.jurisdiction, sector=h.sector)  # most specific policy
    try:
        if method == "lec":
            res = risk.lec_score(factors.get("l"), factors.get("e"), factors.get("c"),  # type: ignore[arg-type]
                                 bands=resolved.bands)  # type: ignore[arg-type]
            stored: dict[str, Any] = {"l": str(res.l), "e": str(res.e), "c": str(res.c)}
            score, colour = res.d, res.colour
        elif method == "ls":
            lv, sv = factors.get("l"), factors.get("s")
            res2 = risk.ls_score(int(lv) if isinstance(lv, str) and lv.isdigit() else lv,  # type: ignore[arg-type]
                                 int(sv) if isinstance(sv, str) and sv.isdigit() else sv,  # type: ignore[arg-type]
                                 bands=resolved.bands)  # type: ignore[arg-type]
            stored = {"l": res2.likelihood, "s": res2.severity}
            score, colour = Decimal(res2.r), res2.colour
        else:
            raise DomainError("评价方法须为 LEC 或 LS", "The method must be LEC or LS", field="method")
    except risk.RiskRuleError as exc:
        raise DomainError(exc.zh, exc.en, field="factors") from exc
    stored["policy"] = resolved.as_record()  # which band policy applied (national default: id None)
    h.risk_method, h.risk_factors, h.risk_score, h.risk_colour = method, stored, score, colour.value
    _save(h, gettext_noop("风险评价"), ["risk_method", "risk_factors", "risk_score", "risk_colour"])
    record_event(h, "hazard.risk_assessed", actor=actor,
                 summary=Msg(gettext_noop("风险评价 {method} = {score}（{colour}）"), method=method.upper(), score=str(score),
                             colour=colour.label),
                 data={"method": method, "factors": stored, "score": str(score), "colour": colour.value,
                       "policy": stored["policy"]})
    return h


# --- ledger import (台账导入) ---------------------------------------------------------------

LEDGER_STATUSES = (HazardStatus.REPORTED, HazardStatus.CONFIRMED, HazardStatus.RECTIFYING, HazardStatus.WRITTEN_OFF)


def hazards_import_ledger(
    *, actor: Any, rows: list[dict[str, Any]], note: str = "", on_progress: Any = None
) -> list[int]:
    """Create hazards from an existing ledger, all or nothing (call inside one transaction).

    Each row names its ``enterprise`` (already matched in the actor's scope), ``category``,
    ``description``, ``level``, ``found_at``, ``status`` (one of ``LEDGER_STATUSES``: a rectified
    row comes in as written off on ``written_off_at``) and optionally ``deadline``,
    ``responsible_person``, ``measures``, ``finder_name``, ``address``, ``lng``/``lat``, ``source``.
    Each hazard gets its history row, one ``hazard.imported`` timeline event, and, while open,
    the inbox item of its state (with the rule's deadline when the ledger gives none).
    """
    routes: dict[tuple[int | None, int], tuple[Any, str]] = {}
    ids: list[int] = []
    now = timezone.now()
    user = actor if getattr(actor, "pk", None) else None
    for n, row in enumerate(rows, start=1):
        enterprise: Enterprise = row["enterprise"]
        place, sector = enterprise.jurisdiction, enterprise.sector
        if actor is not None and not scope_allows(actor, "hazards.import", jurisdiction=place, sector=sector,
                                                  enterprise=enterprise):
            raise NotAllowed(f"第 {n} 行：您无权导入该企业的隐患", f"Row {n}: you may not import this enterprise's hazards")
        status, level = row["status"], row["level"]
        if status not in LEDGER_STATUSES or level not in HazardLevel.values:
            raise DomainError(f"第 {n} 行：状态或等级无效", f"Row {n}: invalid status or level", field="status")
        found_at = _aware(row["found_at"], "found_at")
        assert found_at is not None
        _check_not_before_regime(found_at, row=n)
        key = (sector.pk if sector else None, place.pk)
        if key not in routes:
            routes[key] = route_department(sector, place)
        department, rule = routes[key]
        deadline = _aware(row.get("deadline"), "deadline")
        if deadline is None and status in (HazardStatus.CONFIRMED, HazardStatus.RECTIFYING):
            deadline = rules.rectification_due(found_at, _rule_level(level))
        h = Hazard(
            source=row.get("source") or HazardSource.OTHER, enterprise=enterprise, address=row.get("address") or enterprise.address,
            lng=row.get("lng") if row.get("lng") is not None else enterprise.lng,
            lat=row.get("lat") if row.get("lat") is not None else enterprise.lat,
            jurisdiction=place, sector=sector, department=department, routing_rule=rule[:300],
            category=row["category"][:200], description=row["description"], level=level,
            standard_item=(row.get("standard_item") or "")[:300], finder_name=(row.get("finder_name") or "")[:50],
            found_at=found_at, reported_at=now, responsible_person=(row.get("responsible_person") or "")[:50],
            measures=row.get("measures") or "", deadline=deadline, status=status,
            written_off_at=_aware(row.get("written_off_at"), "written_off_at") if status == HazardStatus.WRITTEN_OFF else None,
            created_by=user,
        )
        h._change_reason = gettext_noop("台账导入") + (f"：{note}" if note else "")  # type: ignore[attr-defined]
        h.save()
        schedule_recompute(h.enterprise_id)
        record_event(h, "hazard.imported", actor=actor,
                     summary=Msg(gettext_noop("台账导入（{status}，{level}）：{enterprise} {category}"),
                                 status=HazardStatus(status).label, level=HazardLevel(level).label,
                                 enterprise=enterprise.name, category=h.category),
                     data={"status": status, "note": note, "routing": rule})
        if status != HazardStatus.WRITTEN_OFF:
            _reopen_due(h)
        ids.append(h.pk)
        if on_progress is not None:
            on_progress(n)
    return ids


# What an import may change on a stored hazard (update by 编号): the ledger's wording. Its level,
# state, deadline and enterprise move only through the workflow's own steps.
IMPORT_UPDATABLE = ("description", "category", "measures", "responsible_person", "address", "standard_item",
                    "finder_name", "lng", "lat")


def hazard_import_snapshot(hazard: Hazard) -> dict[str, Any]:
    return {k: getattr(hazard, k) for k in IMPORT_UPDATABLE}


@transaction.atomic
def hazard_import_update(*, actor: Any, hazard: Hazard, data: Mapping[str, Any], note: str = "") -> Hazard:
    """Correct an open hazard's ledger wording from an import row (update by 编号): only the
    fields of ``IMPORT_UPDATABLE``; a written-off hazard, or one outside the actor's import
    scope, is refused."""
    h = _lock(hazard, actor)
    if actor is not None and not scope_allows(actor, "hazards.import", jurisdiction=h.jurisdiction, sector=h.sector,
                                              enterprise=h.enterprise):
        raise NotFoundInScope()
    if h.status not in OPEN_STATUSES:
        raise InvalidTransition("已销号或不予确认的隐患不能通过导入修改", "A closed hazard cannot be changed by an import")
    fields = [k for k in IMPORT_UPDATABLE if k in data and getattr(h, k) != data[k]]
    if not fields:
        return h
    for k in fields:
        setattr(h, k, data[k])
    _save(h, (gettext_noop("导入更新") + (f"：{note}" if note else ""))[:100], fields)
    record_event(h, "hazard.import_updated", actor=actor, note=note,
                 summary=Msg(gettext_noop("导入更新：{fields}"), fields="、".join(
                     str(Hazard._meta.get_field(k).verbose_name) for k in fields)),
                 data={"fields": fields})
    return h


def hazard_stamps(ids: list[int]) -> dict[str, str]:
    """The latest history version of each hazard (undo of an import compares it)."""
    return history_stamps(Hazard, ids)


@transaction.atomic
def hazards_import_undo(*, actor: Any, created: list[tuple[str, str]],
                        updated: Iterable[tuple[str, dict[str, Any], str]] = (), note: str = "") -> int:
    """Undo a ledger import: the hazards it created are deleted (their open to-dos cancelled) and
    those it updated get their earlier wording back — only when none of them changed since (its
    history version is still the import's), nothing refers to a created one and the actor may
    still import hazards there; otherwise nothing is undone."""
    updated = list(updated)
    ids = [int(pk) for pk, _stamp in created] + [int(pk) for pk, _before, _stamp in updated]
    current = hazard_stamps(ids)
    objs = Hazard.objects.select_for_update(of=("self",)).select_related("enterprise").in_bulk(ids)
    touched: list[str] = []
    created_ids = {pk for pk, _stamp in created}
    for pk, stamp in [*created, *((pk, stamp) for pk, _before, stamp in updated)]:
        h = objs.get(int(pk))
        if h is None or current.get(pk) != stamp or (pk in created_ids and has_dependents(h)):
            touched.append(f"#{pk}" if h is None else f"{h.enterprise.name if h.enterprise else h.place_name} {h.category}")
        elif actor is not None and not scope_allows(actor, "hazards.import", jurisdiction=h.jurisdiction,
                                                    sector=h.sector, enterprise=h.enterprise):
            raise NotAllowed("您已无权处理这些隐患，不能撤销", "You may no longer act on these hazards: cannot undo")
    if touched:
        names = "、".join(touched[:5]) + ("等" if len(touched) > 5 else "")
        raise DomainError(
            f"{len(touched)} 条隐患在导入后已被处理或修改（{names}），不能撤销",
            f"{len(touched)} hazards changed after the import ({', '.join(touched[:5])}): the import cannot be undone",
        )
    reason = ("撤销导入" + (f"：{note}" if note else ""))[:100]
    enterprises = set()
    for pk, before, _stamp in updated:
        h = objs[int(pk)]
        fields = [k for k in IMPORT_UPDATABLE if k in before and getattr(h, k) != before[k]]
        for k in fields:
            setattr(h, k, before[k])
        if fields:
            _save(h, reason, fields)
            record_event(h, "hazard.import_updated", actor=actor, note=note,
                         summary=Msg(gettext_noop("撤销导入，恢复：{fields}"), fields="、".join(
                             str(Hazard._meta.get_field(k).verbose_name) for k in fields)),
                         data={"fields": fields, "undo": True})
    for pk, _stamp in created:
        h = objs[int(pk)]
        due_close(h, state=DueState.CANCELLED)
        record_event(h, "deleted", actor=actor, note=note,
                     summary=Msg(gettext_noop("撤销导入，删除：{category}"), category=h.category))
        enterprises.add(h.enterprise_id)
        h._change_reason = reason  # type: ignore[attr-defined]
        h.delete()
    for enterprise_id in enterprises:
        schedule_recompute(enterprise_id)
    return len(created) + len(updated)
