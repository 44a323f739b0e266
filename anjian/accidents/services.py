"""Writes for accidents: quick report, supplements, misreport findings, investigation and
accountability. Each is one transaction writing the row, its history and a timeline event.
The law (grades, time limits, windows, due dates) comes from ``anjian.rules.accidents``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from anjian.accidents.choices import (
    AccidentKind,
    FollowUp,
    InvestigationStatus,
    Measure,
    Misreport,
    SubjectKind,
)
from anjian.accidents.hooks import accident_graded, supervision_raised
from anjian.accidents.models import (
    Accident,
    AccidentMisreport,
    AccidentSupplement,
    Accountability,
    Investigation,
    RectificationMeasure,
    ReferenceFigure,
)
from anjian.accidents.targets import targets_refresh_after_commit
from anjian.audit.services import Both, Msg, record_event
from anjian.core.errors import DomainError, NotAllowed, NotFoundInScope
from anjian.core.scoping import can, scope_allows
from anjian.core.workflow import Owner, State, Transition, Workflow
from anjian.documents.attachments import attachments_add
from anjian.documents.imports import has_dependents, history_stamps
from anjian.enterprises.risk import schedule_recompute
from anjian.inbox import registry as due_registry
from anjian.inbox.models import DueItem, DueState
from anjian.inbox.services import due_close, due_open
from anjian.orgs.models import Jurisdiction, JurisdictionLevel
from anjian.orgs.services import locate_jurisdiction, route_department
from anjian.rules import accidents as law

GRADE_RAISED = due_registry.register(
    due_registry.DueKind(
        code="accidents.grade_raised",
        label="事故等级升级核报",
        action="accidents.investigate",
        closed_by="核报",
        remind_before=dt.timedelta(hours=1),
        escalate_after=dt.timedelta(hours=2),
        escalate_every=dt.timedelta(hours=2),
    )
)

VERIFY_REPORT = due_registry.register(
    due_registry.DueKind(
        code="accidents.verify",
        label="事故接报待核报",
        action="accidents.investigate",
        closed_by="核报",
        unit_level=JurisdictionLevel.DISTRICT,
        remind_before=dt.timedelta(hours=1),
        escalate_after=dt.timedelta(hours=2),
        escalate_every=dt.timedelta(hours=2),
    )
)
"""条例493 Art. 10–11: the county-level authority that receives a report checks it and passes it up
within 2 hours (核报). Opened for a 快报 recorded by someone else (the unit, a grid inspector, the
hotline, a street office); a report the district or the sector regulator records itself is already
in their hands."""
VERIFY_KINDS = (VERIFY_REPORT.code, GRADE_RAISED.code)

COUNTED_FIELDS = ("deaths", "missing", "trapped", "serious_injuries", "minor_injuries", "direct_loss_yuan")
COUNT_FIELDS = COUNTED_FIELDS[:-1]


def _is_actor(actor: Any) -> bool:
    return getattr(actor, "pk", None) is not None


def _count(data: dict[str, Any], key: str, label: str) -> int:
    value = data.get(key, 0)
    if value in (None, ""):
        return 0
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise DomainError(f"{label}必须是整数", f"{key} must be a whole number", field=key) from exc
    if number < 0 or number != Decimal(str(value)):
        raise DomainError(f"{label}必须是非负整数", f"{key} must be a non-negative whole number", field=key)
    return number


def _money(value: Any, key: str = "direct_loss_yuan") -> Decimal:
    if value in (None, ""):
        return Decimal(0)
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise DomainError("金额格式不正确", "The amount is not a number", field=key) from exc
    if not amount.is_finite() or amount < 0:
        raise DomainError("金额不能为负数", "The amount must not be negative", field=key)
    return amount.quantize(Decimal("0.01"))


def supervision_thresholds() -> tuple[int, int]:
    """The city's thresholds for 重点督办 and 挂牌督办 (deaths), national defaults 1 and 3."""
    key = int(getattr(settings, "ACCIDENT_SUPERVISION_KEY_DEATHS", 1))
    full = int(getattr(settings, "ACCIDENT_SUPERVISION_FULL_DEATHS", 3))
    return key, full


def _supervision(deaths: int) -> int:
    key, full = supervision_thresholds()
    return int(law.supervision_level(deaths, key_threshold=key, full_threshold=full))


def _grade(acc: Accident) -> None:
    """Set grade and reason (an accident) or the 较大涉险 criteria (an at-risk event)."""
    if acc.kind == AccidentKind.LARGER_AT_RISK:
        met = law.larger_at_risk_criteria(
            people_at_risk=acc.people_at_risk,
            trapped_or_missing=acc.trapped + acc.missing,
            evacuated=acc.evacuated,
            serious_pollution=acc.serious_pollution,
            key_site_endangered=acc.key_site_endangered,
        )
        if not met:
            raise DomainError(
                "未达到较大涉险事故的任何一项标准（涉险10人以上、3人以上被困或下落不明、疏散500人以上、严重污染、危及重要场所）",
                "None of the 较大涉险事故 criteria (21号令) is met",
                field="kind",
            )
        acc.grade = None
        acc.grade_reason = "较大涉险事故（21号令）：" + "、".join(c.label for c in met)
        return
    explained = law.accident_grade_explained(acc.deaths, acc.serious_injuries, Decimal(acc.direct_loss_yuan))
    acc.grade = int(explained.grade)
    acc.grade_reason = explained.zh
    acc._grade_reason_en = explained.en  # type: ignore[attr-defined]  # for the timeline, in both languages


def _choice(obj: Any, field: str) -> Any:
    """The (lazy) choice label of ``obj.<field>``, translated when the timeline is read."""
    return dict(obj._meta.get_field(field).flatchoices).get(getattr(obj, field), getattr(obj, field))


def _local_date(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


def _accident_type(code: str, occurred_on: dt.date) -> law.AccidentType:
    types = law.accident_types_for(occurred_on)
    try:
        return types.by_code(code)
    except KeyError as exc:
        raise DomainError(
            f"事故类型代码 {code} 不属于 {types.standard}（{occurred_on} 发生的事故适用该标准）",
            f"Type code {code} is not in {types.standard}, which applies to accidents on {occurred_on}",
            field="type_code",
        ) from exc


def _aware(value: Any, key: str, label: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise DomainError(f"请填写{label}", f"{key} is required", field=key)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _place(data: dict[str, Any], enterprise: Any) -> Jurisdiction:
    lng, lat = data.get("lng"), data.get("lat")
    if lng is not None and lat is not None:
        located = locate_jurisdiction(lng, lat)
        if located is not None:
            return located
    given = data.get("jurisdiction")
    if given is not None:
        return given
    if enterprise is not None:
        return enterprise.jurisdiction
    raise DomainError("请填写事故地点坐标、属地或事故单位", "Give a point, a jurisdiction or the unit", field="jurisdiction")


def ancestor_at(jurisdiction: Jurisdiction, level: int) -> Jurisdiction:
    """The jurisdiction's ancestor (or itself) at ``level``; the root if the tree has none."""
    codes = [c for c in jurisdiction.path.strip("/").split("/") if c]
    found = {j.code: j for j in Jurisdiction.objects.filter(code__in=codes)}
    chain = [found[c] for c in codes if c in found]
    for node in reversed(chain):
        if node.level == level:
            return node
    return chain[0]


_ADMIN_TO_TREE = {
    law.AdminLevel.COUNTY: JurisdictionLevel.DISTRICT,
    law.AdminLevel.CITY: JurisdictionLevel.CITY,
}


def responsible_jurisdiction(jurisdiction: Jurisdiction, grade: law.AccidentGrade) -> Jurisdiction:
    """The jurisdiction whose government investigates (条例493 Art. 19): the district for 一般,
    the city for 较大; above that (province, State Council) the city office, the highest we have."""
    level = _ADMIN_TO_TREE.get(law.investigating_level(grade), JurisdictionLevel.CITY)
    return ancestor_at(jurisdiction, level)


# --- quick report -------------------------------------------------------------------------


@transaction.atomic
def accident_report(*, actor: Any, data: dict[str, Any]) -> Accident:
    """Record a 快报: computes the grade with its reason, the unit's report deadline and lateness
    (迟报), the jurisdiction (from the point), the sector regulator and the supervision level."""
    enterprise = data.get("enterprise")
    occurred_at = _aware(data.get("occurred_at"), "occurred_at", "发生时间")
    known_at = _aware(data.get("known_at") or occurred_at, "known_at", "接报时间")
    reported_at = _aware(data.get("reported_at") or timezone.now(), "reported_at", "报告时间")
    if known_at < occurred_at:
        raise DomainError("接报时间不能早于发生时间", "known_at is before occurred_at", field="known_at")
    if reported_at < known_at:
        raise DomainError("报告时间不能早于接报时间", "reported_at is before known_at", field="reported_at")
    if occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise DomainError("发生时间不能晚于当前时间", "occurred_at is in the future", field="occurred_at")
    if _local_date(occurred_at) < law.GB6441_1986.effective_from:
        raise DomainError(
            "发生时间早于 GB 6441-86 施行日期 1987-02-01，不在事故统计范围",
            "occurred_at is before 1987-02-01 (GB 6441-86), outside accident statistics",
            field="occurred_at",
        )
    unit_name = (data.get("unit_name") or (enterprise.name if enterprise else "")).strip()
    if not unit_name:
        raise DomainError("请填写事故单位", "The unit is required", field="unit_name")
    for key, label in (("place", "发生地点"), ("description", "事故简要经过"), ("reporter", "报告人")):
        if not (data.get(key) or "").strip():
            raise DomainError(f"请填写{label}", f"{key} is required", field=key)
    category = data.get("category") or ""
    if category not in {c.value for c in law.AccidentCategory}:
        raise DomainError("请选择事故类别", "Choose a category", field="category")
    accident_type = _accident_type((data.get("type_code") or "").strip(), _local_date(occurred_at))
    jurisdiction = _place(data, enterprise)
    sector = data.get("sector") or (enterprise.sector if enterprise is not None else None)
    if enterprise is not None and _is_actor(actor) and not scope_allows(
        actor, "accidents.report", jurisdiction=enterprise.jurisdiction, sector=enterprise.sector
    ):
        # A record about an enterprise takes the enterprise's place and sector unless staff who
        # supervise it say otherwise: an enterprise reporting its own accident with a point in
        # another district (or another sector) cannot route it away from its supervisors. The
        # point it gave stays the accident's point.
        jurisdiction, sector = enterprise.jurisdiction, enterprise.sector
    if _is_actor(actor) and not scope_allows(
        actor, "accidents.report", jurisdiction=jurisdiction, sector=sector, enterprise=enterprise
    ):
        raise NotAllowed("您无权报告该辖区/行业的事故", "You may not report accidents there")
    department, routing = route_department(sector, jurisdiction)
    acc = Accident(
        kind=data.get("kind") or AccidentKind.ACCIDENT,
        enterprise=enterprise,
        unit_name=unit_name[:200],
        unit_overview=data.get("unit_overview") or "",
        occurred_at=occurred_at,
        known_at=known_at,
        reported_at=reported_at,
        place=data["place"].strip()[:300],
        lng=data.get("lng"),
        lat=data.get("lat"),
        jurisdiction=jurisdiction,
        district=ancestor_at(jurisdiction, JurisdictionLevel.DISTRICT),
        sector=sector,
        department=department,
        routing=routing[:300],
        category=category,
        type_code=accident_type.code,
        type_name=accident_type.name_zh,
        type_standard=accident_type.standard,
        description=data["description"].strip(),
        measures=data.get("measures") or "",
        other=data.get("other") or "",
        reporter=data["reporter"].strip()[:50],
        reporter_phone=(data.get("reporter_phone") or "")[:30],
        people_at_risk=_count(data, "people_at_risk", "涉险人数"),
        evacuated=_count(data, "evacuated", "疏散人数"),
        serious_pollution=bool(data.get("serious_pollution")),
        key_site_endangered=bool(data.get("key_site_endangered")),
        direct_loss_yuan=_money(data.get("direct_loss_yuan")),
        created_by=actor if _is_actor(actor) else None,
        is_synthetic=bool(data.get("is_synthetic")),
        is_imported=bool(data.get("is_imported")),
    )
    if acc.kind not in AccidentKind.values:
        raise DomainError("事故性质不正确", "Unknown kind", field="kind")
    for key, label in (("deaths", "死亡人数"), ("missing", "下落不明人数"), ("trapped", "被困人数"),
                       ("serious_injuries", "重伤人数"), ("minor_injuries", "轻伤人数")):
        setattr(acc, key, _count(data, key, label))
    _grade(acc)
    acc.reported_grade = acc.grade
    acc.report_due_at = law.unit_report_deadline(known_at)
    lateness = law.report_lateness(known_at, reported_at, acc.report_due_at)
    acc.late_minutes = None if lateness is None else max(1, int(lateness.total_seconds() // 60))
    acc.supervision = _supervision(acc.deaths)
    acc._change_reason = "快报"  # type: ignore[attr-defined]
    acc.save()
    supervision_raised(acc, before=0, actor=actor)
    schedule_recompute(acc.enterprise_id)  # accidents and deaths move the enterprise's colour
    record_event(
        acc, "reported", actor=actor,
        summary=Msg(gettext_noop("快报：{title}，{reason}"), title=acc.title,
                    reason=Both(acc.grade_reason, getattr(acc, "_grade_reason_en", ""))),
        data={"grade": acc.grade, "routing": routing, "jurisdiction": jurisdiction.code},
    )
    if acc.is_imported:
        # A record imported from a ledger or foreign data is history, not a report: it opens no
        # 核报 to-do, raises no target warning and is never judged late.
        return acc
    _open_verify(acc, actor)
    accident_graded(acc, actor)  # registered receivers (emergency opens an incident at or above a grade)

    targets_refresh_after_commit(acc.occurred_at)
    if acc.late_minutes is not None:
        record_event(
            acc, "late", actor=None,
            summary=Msg(gettext_noop("迟报：报告时限 {due}，迟报 {minutes} 分钟"), due=acc.report_due_at,
                        minutes=acc.late_minutes),
            data={"late_minutes": acc.late_minutes},
        )
    return acc


def _open_verify(acc: Accident, actor: Any) -> None:
    """The district's 核报 to-do, unless the reporter is the district office or the regulator."""
    assert acc.district is not None
    if _is_actor(actor) and scope_allows(actor, "accidents.investigate", jurisdiction=acc.district, sector=acc.sector):
        return
    due_open(
        acc, VERIFY_REPORT.code,
        title=f"事故接报，请核报：{acc.title}",
        due_at=law.upward_report_deadline(max(acc.reported_at, timezone.now())),
        url=f"/accidents/{acc.pk}/",
        owner_jurisdiction=acc.district, sector=acc.sector,
    )


def accident_verify_pending(accident: Accident, user: Any = None) -> list[Any]:
    """The open 核报 items of the accident (a new report, a raised grade) the user may complete."""

    items = list(DueItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Accident), object_id=str(accident.pk),
        kind__in=VERIFY_KINDS, state=DueState.OPEN,
    ).select_related("owner_jurisdiction"))
    if user is None or user.is_superuser:
        return items
    return [i for i in items if scope_allows(user, "accidents.investigate", jurisdiction=i.owner_jurisdiction,
                                             sector=accident.sector)]


@transaction.atomic
def accident_verify(*, actor: Any, accident: Accident, note: str = "") -> Accident:
    """核报: the receiving authority has checked the report (or the raised grade) and passed it
    up (条例493 Art. 10–11). Completes the accident's open 核报 items that are the actor's."""

    _require(actor, "accidents.investigate", accident, "您无权核报该事故", "You may not verify this accident")
    acc = Accident.objects.select_for_update().get(pk=accident.pk)
    pending = accident_verify_pending(acc, actor if _is_actor(actor) else None)
    if not pending:
        raise DomainError("该事故没有待您核报的事项", "Nothing to verify on this accident")
    kinds = sorted({i.kind for i in pending})
    for kind in kinds:
        due_close(acc, kind)
    what = "、".join("等级变化" if k == GRADE_RAISED.code else "事故信息" for k in kinds)
    units = "、".join(sorted({i.owner_jurisdiction.name for i in pending if i.owner_jurisdiction}))
    record_event(acc, "verified", actor=actor, summary=f"{units}已核报{what}", note=note.strip(),
                 data={"kinds": kinds})
    return acc


# --- supplements --------------------------------------------------------------------------


def _require(actor: Any, action: str, acc: Accident, zh: str, en: str) -> None:
    if not _is_actor(actor):
        return
    if not can(actor, "accidents.view", acc):
        raise NotFoundInScope()
    if not can(actor, action, acc):
        raise NotAllowed(zh, en)


@transaction.atomic
def accident_supplement(
    *, actor: Any, accident: Accident, changed_on: dt.date, figures: dict[str, Any], note: str = ""
) -> AccidentSupplement:
    """A 续报/补报 with the new totals. Inside the Art. 13 window they replace the figures (and
    may raise the grade, which is flagged to the higher level); after it they are kept as a
    note and do not count for the statistics."""
    _require(actor, "accidents.supplement", accident, "您无权续报该事故", "You may not supplement this accident")
    acc = Accident.objects.select_for_update().get(pk=accident.pk)
    category = law.AccidentCategory(acc.category)
    occurred_on = _local_date(acc.occurred_at)
    if changed_on > timezone.localdate():
        raise DomainError("伤亡变化日期不能晚于今天", "changed_on is in the future", field="changed_on")
    try:
        counted = law.casualty_change_counts(occurred_on, changed_on, category)
    except ValueError as exc:
        raise DomainError("伤亡变化日期不能早于事故发生日期", "changed_on is before the accident", field="changed_on") from exc
    new = {key: _count(figures, key, key) if key in figures else getattr(acc, key) for key in COUNT_FIELDS}
    new["direct_loss_yuan"] = _money(figures["direct_loss_yuan"]) if "direct_loss_yuan" in figures else acc.direct_loss_yuan
    window_end = law.supplement_window_end(occurred_on, category)
    before = acc.grade
    supplement = AccidentSupplement(
        accident=acc, changed_on=changed_on, counted=counted, window_end=window_end, grade_before=before,
        grade_after=before, note=note, created_by=actor if _is_actor(actor) else None, **new,
    )
    changes = {k: [str(getattr(acc, k)), str(v)] for k, v in new.items() if getattr(acc, k) != v}
    if not counted:
        supplement.save()
        record_event(
            acc, "supplement_note", actor=actor,
            summary=Msg(gettext_noop("补报超过期限（{end} 后），不计入统计，仅作记录"), end=window_end),
            note=note, data={"changes": changes, "changed_on": str(changed_on)},
        )
        return supplement
    for key, value in new.items():
        setattr(acc, key, value)
    _grade(acc)
    supervision_before = acc.supervision
    acc.supervision = _supervision(acc.deaths)
    acc.updated_at = timezone.now()
    supplement.grade_after = acc.grade
    raised = before is not None and acc.grade is not None and acc.grade > before
    if raised:
        acc.grade_raised = True
    acc._change_reason = gettext_noop("续报") + f"：{changed_on}"  # type: ignore[attr-defined]
    acc.save()
    supplement.save()
    supervision_raised(acc, before=supervision_before, actor=actor)
    schedule_recompute(acc.enterprise_id)
    record_event(
        acc, "supplemented", actor=actor,
        summary=Msg(gettext_noop("续报：{changes}"), changes=[
            Msg(gettext_noop("{field} {old} → {new}"), field=Accident._meta.get_field(k).verbose_name, old=a, new=b)
            for k, (a, b) in changes.items()]),
        note=note, data={"changes": changes, "changed_on": str(changed_on)},
    )
    if raised:
        _flag_grade_raised(acc, law.AccidentGrade(before), law.AccidentGrade(acc.grade), changed_on, actor)
    if acc.grade != before:
        accident_graded(acc, actor)

    targets_refresh_after_commit(acc.occurred_at)
    return supplement


def _flag_grade_raised(
    acc: Accident, before: law.AccidentGrade, after: law.AccidentGrade, changed_on: dt.date, actor: Any
) -> None:
    higher = responsible_jurisdiction(acc.jurisdiction, after)
    reinvestigate = law.higher_government_may_reinvestigate(
        before, after, occurred_on=_local_date(acc.occurred_at), changed_on=changed_on,
        category=law.AccidentCategory(acc.category),
    )
    due_open(
        acc,
        GRADE_RAISED.code,
        title=f"事故等级由{before.label}升为{after.label}，请核报：{acc.title}",
        due_at=law.upward_report_deadline(timezone.now()),
        url=f"/accidents/{acc.pk}/",
        owner_jurisdiction=higher,
    )
    record_event(
        acc, "grade_raised", actor=actor,
        summary=Msg(gettext_noop("等级升高：{old} → {new}，已报{to}（上级政府可另行组织调查，条例493第二十条）")
                    if reinvestigate else gettext_noop("等级升高：{old} → {new}，已报{to}"),
                    old=Both(before.label, before.label_en), new=Both(after.label, after.label_en), to=higher.name),
        data={"from": int(before), "to": int(after), "to_jurisdiction": higher.code, "reinvestigate": reinvestigate},
    )


def accident_grade_raise_acknowledge(*, actor: Any, accident: Accident, note: str = "") -> Accident:
    """The higher level 核报s a raised grade: the same action as :func:`accident_verify`."""
    return accident_verify(actor=actor, accident=accident, note=note)


# --- misreport findings -------------------------------------------------------------------


@transaction.atomic
def accident_mark_misreport(
    *, actor: Any, accident: Accident, kind: str, note: str, evidence: Iterable[Any]
) -> AccidentMisreport:
    """Record a 迟报/漏报/谎报/瞒报 finding (14号令 Art. 5) with its evidence."""
    _require(actor, "accidents.misreport", accident, "您无权认定迟报、漏报、谎报、瞒报", "You may not record misreporting")
    if kind not in Misreport.values:
        raise DomainError("请选择认定类型", "Choose the kind of misreporting", field="kind")
    if not note.strip():
        raise DomainError("请填写认定情况", "Describe the finding", field="note")
    files = list(evidence)
    if not files:
        raise DomainError("请上传证据材料", "Evidence is required", field="evidence")
    acc = Accident.objects.select_for_update().get(pk=accident.pk)
    finding = AccidentMisreport.objects.create(
        accident=acc, kind=kind, note=note.strip(), found_by=actor if _is_actor(actor) else None
    )
    attachments_add(owner=finding, files=files, actor=actor, role="evidence")
    label = law.MisreportKind(kind).label
    record_event(acc, "misreport", actor=actor, summary=Msg(gettext_noop("认定{label}"), label=label), note=note.strip(),
                 data={"kind": kind, "finding": finding.pk})
    return finding


# --- investigation ------------------------------------------------------------------------

INVESTIGATION_REPORT_DUE = due_registry.register(
    due_registry.DueKind(code="accidents.investigation_report", label="事故调查报告期限",
                         action="accidents.investigate", closed_by="提交调查报告",
                         remind_before=dt.timedelta(days=10), escalate_after=dt.timedelta(days=1))
)
REPLY_DUE = due_registry.register(
    due_registry.DueKind(code="accidents.reply", label="事故调查报告批复期限",
                         action="accidents.investigate", closed_by="登记批复",
                         remind_before=dt.timedelta(days=3), escalate_after=dt.timedelta(days=1))
)
RECTIFICATION_DUE = due_registry.register(
    due_registry.DueKind(code="accidents.rectification", label="事故整改措施落实",
                         action="accidents.close", closed_by="结案",
                         unit_level=JurisdictionLevel.DISTRICT,
                         remind_before=dt.timedelta(days=15), escalate_after=dt.timedelta(days=7))
)


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def _rectification_deadline(inv: Investigation) -> dt.datetime | None:
    days = [m.due_on for m in inv.measures.all() if m.due_on and m.done_on is None]
    if days:
        return _end_of(max(days))
    return _end_of((inv.replied_on or timezone.localdate()) + dt.timedelta(days=365))


def _all_measures_done(inv: Investigation) -> str | None:
    if not inv.measures.exists():
        return "尚未登记整改措施"
    pending = inv.measures.filter(done_on__isnull=True).count()
    return f"尚有{pending}项整改措施未落实" if pending else None


def _owner(inv: Investigation) -> Any:
    return Owner(jurisdiction=inv.lead_jurisdiction)


def _workflow() -> Any:
    s = InvestigationStatus
    return Workflow(
        name="investigation",
        field_name="status",
        states=[
            State(s.INVESTIGATING, s.INVESTIGATING.label, owner=_owner, due_kind=INVESTIGATION_REPORT_DUE.code,
                  deadline=lambda inv: _end_of(inv.due_on)),
            State(s.APPRAISAL, s.APPRAISAL.label),
            State(s.REPORTED, s.REPORTED.label, owner=_owner, due_kind=REPLY_DUE.code,
                  deadline=lambda inv: _end_of(inv.reply_due_on) if inv.reply_due_on else None),
            State(s.RECTIFYING, s.RECTIFYING.label, owner=lambda inv: _rectifying_owner(inv),
                  due_kind=RECTIFICATION_DUE.code, deadline=_rectification_deadline),
            State(s.CLOSED, s.CLOSED.label, final=True),
        ],
        transitions=[
            Transition((s.INVESTIGATING,), s.APPRAISAL, "accidents.investigate", gettext_lazy("委托技术鉴定")),
            Transition((s.APPRAISAL,), s.INVESTIGATING, "accidents.investigate", gettext_lazy("技术鉴定完成")),
            Transition((s.INVESTIGATING,), s.REPORTED, "accidents.investigate", gettext_lazy("提交调查报告")),
            Transition((s.REPORTED,), s.RECTIFYING, "accidents.investigate", gettext_lazy("政府批复")),
            Transition((s.RECTIFYING,), s.CLOSED, "accidents.close", gettext_lazy("结案"), guards=(_all_measures_done,)),
        ],
        title=lambda inv: inv.accident.title,
        url=lambda inv: f"/accidents/{inv.accident_id}/investigation/",
    )


def _rectifying_owner(inv: Investigation) -> Any:
    acc = inv.accident
    return Owner(jurisdiction=acc.jurisdiction, enterprise=acc.enterprise, department=acc.department)


INVESTIGATION_WORKFLOW = _workflow()


def _locked(inv: Investigation, actor: Any) -> Investigation:
    if _is_actor(actor) and not can(actor, "accidents.view", inv):
        raise NotFoundInScope()
    return Investigation.objects.select_for_update().select_related("accident").get(pk=inv.pk)


def _need(actor: Any, action: str, inv: Investigation) -> None:
    if _is_actor(actor) and not can(actor, action, inv):
        raise NotAllowed("您无权办理该事故调查", "You may not act on this investigation")


def _day_arg(value: Any, key: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise DomainError("请填写日期", f"{key} must be a date", field=key)
    if value > timezone.localdate():
        raise DomainError("日期不能晚于今天", f"{key} is in the future", field=key)
    return value


@transaction.atomic
def investigation_open(
    *, actor: Any, accident: Accident, team_leader: str, team_members: str = "", started_on: dt.date | None = None
) -> Investigation:
    """Set up the investigation team at the level the grade requires (条例493 Art. 19)."""
    _require(actor, "accidents.investigate", accident, "您无权组织事故调查", "You may not open investigations")
    acc = Accident.objects.select_for_update().get(pk=accident.pk)
    if acc.kind != AccidentKind.ACCIDENT or acc.grade is None:
        raise DomainError("较大涉险事故不组织事故调查", "A 较大涉险事故 is not investigated as an accident")
    if Investigation.objects.filter(accident=acc).exists():
        raise DomainError("该事故已立案调查", "The accident is already under investigation")
    if not team_leader.strip():
        raise DomainError("请填写调查组组长", "The team leader is required", field="team_leader")
    grade = law.AccidentGrade(acc.grade)
    lead = responsible_jurisdiction(acc.jurisdiction, grade)
    if _is_actor(actor) and not scope_allows(actor, "accidents.investigate", jurisdiction=lead, sector=acc.sector):
        raise NotAllowed(
            f"{grade.label}由{law.investigating_level(grade).label}组织调查（条例493第十九条），应由{lead.name}立案",
            f"A {grade.label_en.lower()} is investigated at {law.investigating_level(grade).label_en} level",
        )
    started = _day_arg(started_on or timezone.localdate(), "started_on")
    if started < _local_date(acc.occurred_at):
        raise DomainError("成立日期不能早于事故发生日期", "started_on is before the accident", field="started_on")
    inv = Investigation(
        accident=acc, lead_jurisdiction=lead, team_leader=team_leader.strip()[:50], team_members=team_members.strip(),
        started_on=started, due_on=law.investigation_due(_local_date(acc.occurred_at)),
        created_by=actor if _is_actor(actor) else None,
    )
    inv._change_reason = "成立调查组"  # type: ignore[attr-defined]
    inv.save()
    state = INVESTIGATION_WORKFLOW.states[InvestigationStatus.INVESTIGATING]
    due_open(
        inv, INVESTIGATION_REPORT_DUE.code, title=f"{state.label}：{acc.title}", due_at=_end_of(inv.due_on),
        url=INVESTIGATION_WORKFLOW.url(inv), owner_jurisdiction=lead,
    )
    record_event(
        acc, "investigation_opened", actor=actor,
        summary=Msg(gettext_noop("{lead}成立事故调查组（组长：{leader}），调查报告期限 {due}"), lead=lead.name,
                    leader=inv.team_leader, due=inv.due_on),
        data={"investigation": inv.pk, "lead": lead.code},
    )
    record_event(inv, "opened", actor=actor, summary=Msg(gettext_noop("成立调查组，期限 {due}"), due=inv.due_on))
    return inv


def _recompute_due(inv: Investigation) -> None:
    inv.due_on = law.investigation_due(
        _local_date(inv.accident.occurred_at), extension_days=inv.extension_days, appraisal_days=inv.appraisal_days
    )


@transaction.atomic
def investigation_appraisal_start(*, actor: Any, investigation: Investigation, started_on: dt.date, note: str = "") -> Investigation:
    """Commission a technical appraisal: the investigation period stops running (Art. 27)."""
    inv = _locked(investigation, actor)
    inv.appraisal_started_on = _day_arg(started_on, "started_on")
    INVESTIGATION_WORKFLOW.apply(inv, InvestigationStatus.APPRAISAL, actor=actor, note=note,
                                 data={"appraisal_started_on": str(started_on)})
    inv._change_reason = "委托技术鉴定"  # type: ignore[attr-defined]
    inv.save(update_fields=["appraisal_started_on"])
    return inv


@transaction.atomic
def investigation_appraisal_end(*, actor: Any, investigation: Investigation, ended_on: dt.date, note: str = "") -> Investigation:
    """The appraisal result is in: its days are added and the period runs again."""
    inv = _locked(investigation, actor)
    ended = _day_arg(ended_on, "ended_on")
    assert inv.appraisal_started_on is not None
    if ended < inv.appraisal_started_on:
        raise DomainError("鉴定结束日期不能早于开始日期", "ended_on is before the appraisal started", field="ended_on")
    days = (ended - inv.appraisal_started_on).days
    _need(actor, "accidents.investigate", inv)
    inv.appraisal_days += days
    inv.appraisal_started_on = None
    _recompute_due(inv)
    inv._change_reason = gettext_noop("技术鉴定不计入调查期限的天数") + f"：{days}"  # type: ignore[attr-defined]
    inv.save(update_fields=["appraisal_days", "appraisal_started_on", "due_on"])
    INVESTIGATION_WORKFLOW.apply(
        inv, InvestigationStatus.INVESTIGATING, actor=actor, note=note,
        data={"appraisal_days": days, "due_on": str(inv.due_on)},
    )
    return inv


@transaction.atomic
def investigation_extend(*, actor: Any, investigation: Investigation, days: int, note: str) -> Investigation:
    """An extension approved by the investigating government (at most 60 days in all)."""
    inv = _locked(investigation, actor)
    _need(actor, "accidents.investigate", inv)
    if inv.status != InvestigationStatus.INVESTIGATING:
        raise DomainError("只能在调查中延长期限", "Only a running investigation can be extended")
    if not note.strip():
        raise DomainError("请填写延期批准情况", "Give the approval", field="note")
    try:
        inv.extension_days += int(days)
        _recompute_due(inv)
    except ValueError as exc:
        raise DomainError(str(exc).split(" / ")[0], str(exc).split(" / ")[-1], field="days") from exc
    inv._change_reason = gettext_noop("批准延长的天数") + f"：{days}"  # type: ignore[attr-defined]
    inv.save(update_fields=["extension_days", "due_on"])
    due_open(inv, INVESTIGATION_REPORT_DUE.code, title=f"调查中：{inv.accident.title}", due_at=_end_of(inv.due_on),
             url=INVESTIGATION_WORKFLOW.url(inv), owner_jurisdiction=inv.lead_jurisdiction)
    record_event(inv, "extended", actor=actor, summary=Msg(gettext_noop("批准延长{days}日，新期限 {due}"), days=days, due=inv.due_on),
                 note=note)
    return inv


@transaction.atomic
def investigation_submit_report(
    *, actor: Any, investigation: Investigation, submitted_on: dt.date, files: Iterable[Any], note: str = ""
) -> Investigation:
    """Upload the investigation report; the reply is due by grade (Art. 32)."""
    inv = _locked(investigation, actor)
    files = list(files)
    if not files:
        raise DomainError("请上传调查报告", "Upload the report", field="files")
    inv.report_submitted_on = _day_arg(submitted_on, "submitted_on")
    inv.reply_due_on = law.reply_due(inv.report_submitted_on, law.AccidentGrade(inv.accident.grade))
    INVESTIGATION_WORKFLOW.apply(inv, InvestigationStatus.REPORTED, actor=actor, note=note,
                                 data={"reply_due_on": str(inv.reply_due_on)})
    inv._change_reason = "提交调查报告"  # type: ignore[attr-defined]
    inv.save(update_fields=["report_submitted_on", "reply_due_on"])
    attachments_add(owner=inv, files=files, actor=actor, role="report")
    if inv.report_submitted_on > inv.due_on:
        record_event(inv, "report_late", actor=None,
                     summary=Msg(gettext_noop("调查报告逾期提交（期限 {due}，提交 {on}）"), due=inv.due_on,
                                 on=inv.report_submitted_on))
    return inv


@transaction.atomic
def investigation_reply(
    *, actor: Any, investigation: Investigation, replied_on: dt.date, reply_text: str, measures: list[dict[str, Any]]
) -> Investigation:
    """The government's reply (批复) with the rectification measures it requires."""
    inv = _locked(investigation, actor)
    if not reply_text.strip():
        raise DomainError("请填写批复意见", "The reply text is required", field="reply_text")
    if not measures:
        raise DomainError("请至少登记一项整改措施", "At least one measure is required", field="measures")
    inv.replied_on = _day_arg(replied_on, "replied_on")
    inv.reply_text = reply_text.strip()
    for m in measures:
        if not (m.get("text") or "").strip() or not (m.get("responsible") or "").strip():
            raise DomainError("整改措施和责任单位必填", "Each measure needs a text and a responsible unit", field="measures")
        RectificationMeasure.objects.create(
            investigation=inv, text=m["text"].strip(), responsible=m["responsible"].strip()[:200], due_on=m.get("due_on")
        )
    INVESTIGATION_WORKFLOW.apply(inv, InvestigationStatus.RECTIFYING, actor=actor, note=reply_text,
                                 data={"measures": len(measures)})
    inv._change_reason = "政府批复"  # type: ignore[attr-defined]
    inv.save(update_fields=["replied_on", "reply_text"])
    if inv.replied_on > (inv.reply_due_on or inv.replied_on):
        record_event(inv, "reply_late", actor=None, summary=Msg(gettext_noop("批复逾期（期限 {due}）"), due=inv.reply_due_on))
    return inv


@transaction.atomic
def measure_complete(*, actor: Any, measure: RectificationMeasure, done_on: dt.date, note: str) -> RectificationMeasure:
    if _is_actor(actor) and not can(actor, "accidents.view", measure):
        raise NotFoundInScope()
    if _is_actor(actor) and not can(actor, "accidents.investigate", measure):
        raise NotAllowed("您无权登记整改落实情况", "You may not record rectification")
    m = RectificationMeasure.objects.select_for_update().select_related("investigation__accident").get(pk=measure.pk)
    if m.investigation.status != InvestigationStatus.RECTIFYING:
        raise DomainError("当前不在整改落实阶段", "The investigation is not in rectification")
    if m.done_on is not None:
        raise DomainError("该措施已落实", "Already done")
    if not note.strip():
        raise DomainError("请填写落实情况", "Describe what was done", field="note")
    m.done_on = _day_arg(done_on, "done_on")
    m.evidence_note = note.strip()
    m._change_reason = "整改落实"  # type: ignore[attr-defined]
    m.save(update_fields=["done_on", "evidence_note"])
    record_event(m.investigation, "measure_done", actor=actor, summary=Msg(gettext_noop("整改措施已落实：{text}"), text=m.text[:60]),
                 note=note)
    return m


@transaction.atomic
def investigation_publish(*, actor: Any, investigation: Investigation, published_on: dt.date) -> Investigation:
    """Record that the report was made public (条例493 Art. 34)."""
    inv = _locked(investigation, actor)
    _need(actor, "accidents.investigate", inv)
    if inv.replied_on is None:
        raise DomainError("批复后方可公开调查报告", "Publish after the reply")
    inv.published_on = _day_arg(published_on, "published_on")
    inv._change_reason = gettext_noop("公开调查报告")  # type: ignore[attr-defined]
    inv.save(update_fields=["published_on"])
    record_event(inv, "published", actor=actor, summary=Msg(gettext_noop("调查报告已向社会公布（{on}）"), on=published_on))
    return inv


@transaction.atomic
def investigation_close(*, actor: Any, investigation: Investigation, closed_on: dt.date, note: str = "") -> Investigation:
    """结案: only when every rectification measure is done (guard in the workflow)."""
    inv = _locked(investigation, actor)
    inv.closed_on = _day_arg(closed_on, "closed_on")
    INVESTIGATION_WORKFLOW.apply(inv, InvestigationStatus.CLOSED, actor=actor, note=note)
    inv._change_reason = "结案"  # type: ignore[attr-defined]
    inv.save(update_fields=["closed_on"])
    record_event(inv.accident, "closed", actor=actor, summary=Msg(gettext_noop("事故结案（{on}）"), on=closed_on), note=note)
    return inv


# --- accountability -----------------------------------------------------------------------


@transaction.atomic
def accountability_add(*, actor: Any, accident: Accident, data: dict[str, Any]) -> Accountability:
    _require(actor, "accidents.investigate", accident, "您无权登记责任追究", "You may not record accountability")
    if data.get("subject_kind") not in SubjectKind.values:
        raise DomainError("请选择对象类型", "Choose person or unit", field="subject_kind")
    if data.get("measure") not in Measure.values:
        raise DomainError("请选择处理措施", "Choose the measure", field="measure")
    name = (data.get("name") or "").strip()
    if not name:
        raise DomainError("请填写姓名或单位名称", "The name is required", field="name")
    fine = data.get("fine_yuan")
    if data["measure"] == Measure.FINE:
        if fine in (None, ""):
            raise DomainError("罚款须填写金额", "A fine needs an amount", field="fine_yuan")
        fine = _money(fine, "fine_yuan")
    else:
        fine = None
    record = Accountability.objects.create(
        accident=accident, subject_kind=data["subject_kind"], name=name[:200], position=(data.get("position") or "")[:200],
        measure=data["measure"], fine_yuan=fine, detail=data.get("detail") or "",
        created_by=actor if _is_actor(actor) else None,
    )
    record_event(accident, "accountability_added", actor=actor,
                 summary=Msg(gettext_noop("责任追究：{name}（{kind}）{measure} {fine}元") if fine is not None
                             else gettext_noop("责任追究：{name}（{kind}）{measure}"), name=record.name,
                             kind=_choice(record, "subject_kind"), measure=_choice(record, "measure"), fine=fine))
    return record


@transaction.atomic
def accountability_follow_up(*, actor: Any, record: Accountability, status: str, note: str) -> Accountability:
    if _is_actor(actor) and not can(actor, "accidents.view", record):
        raise NotFoundInScope()
    if _is_actor(actor) and not can(actor, "accidents.investigate", record):
        raise NotAllowed("您无权更新责任追究落实情况", "You may not update accountability")
    if status not in FollowUp.values:
        raise DomainError("落实状态不正确", "Unknown status", field="status")
    rec = Accountability.objects.select_for_update().get(pk=record.pk)
    old = _choice(rec, "follow_up")
    rec.follow_up, rec.follow_up_note = status, note.strip()
    rec._change_reason = "落实情况"  # type: ignore[attr-defined]
    rec.save(update_fields=["follow_up", "follow_up_note"])
    record_event(rec.accident, "accountability_follow_up", actor=actor,
                 summary=Msg(gettext_noop("责任追究落实：{name} {old} → {new}"), name=rec.name, old=old,
                             new=_choice(rec, "follow_up")), note=note)
    return rec


# --- reference figures ------------------------------------------------------------------


@transaction.atomic
def reference_figure_set(*, actor: Any, year: int, jurisdiction: Jurisdiction, data: dict[str, Any]) -> Any:
    """Enter or correct the GDP / employment / vehicle figures of one year and area."""

    if _is_actor(actor) and not scope_allows(actor, "accidents.targets", jurisdiction=jurisdiction):
        raise NotAllowed("您无权录入该区域的参考数据", "You may not enter figures for this area")
    if not 1987 <= int(year) <= 2100:
        raise DomainError("年度不正确", "Bad year", field="year")
    values = {
        "gdp_yi_yuan": _money(data["gdp_yi_yuan"], "gdp_yi_yuan") if data.get("gdp_yi_yuan") not in (None, "") else None,
        "industrial_employed": _count(data, "industrial_employed", "就业人员") if data.get("industrial_employed") not in (None, "") else None,
        "motor_vehicles": _count(data, "motor_vehicles", "机动车保有量") if data.get("motor_vehicles") not in (None, "") else None,
        "source": (data.get("source") or "")[:200],
        "entered_by": actor if _is_actor(actor) else None,
        "updated_at": timezone.now(),
    }
    figure, created = ReferenceFigure.objects.update_or_create(year=int(year), jurisdiction=jurisdiction, defaults=values)
    record_event(figure, "set", actor=actor,
                 summary=Msg(gettext_noop("录入{year}年{place}统计参考数据") if created
                             else gettext_noop("修改{year}年{place}统计参考数据"), year=year, place=jurisdiction.name),
                 data={k: str(v) for k, v in values.items() if k not in ("entered_by", "updated_at")})
    return figure


def accident_stamps(ids: list[int]) -> dict[str, str]:
    """The latest history version of each accident (undo of an import compares it)."""
    return history_stamps(Accident, ids)


@transaction.atomic
def accidents_import_undo(*, actor: Any, created: list[tuple[str, str]], note: str = "") -> int:
    """Undo an import of historical accidents: the imported accidents it created are deleted —
    only when none changed since (history version still the import's), nothing refers to one
    and the actor may still import accidents there; otherwise nothing is undone."""
    ids = [int(pk) for pk, _stamp in created]
    current = accident_stamps(ids)
    objs = Accident.objects.select_for_update().in_bulk(ids)
    touched: list[str] = []
    for pk, stamp in created:
        acc = objs.get(int(pk))
        if acc is None or not acc.is_imported or current.get(pk) != stamp or has_dependents(acc):
            touched.append(f"#{pk}" if acc is None else acc.unit_name)
        elif actor is not None and not scope_allows(actor, "accidents.import", jurisdiction=acc.jurisdiction):
            raise NotAllowed("您已无权处理这些事故记录，不能撤销", "You may no longer act on these accidents: cannot undo")
    if touched:
        names = "、".join(touched[:5]) + ("等" if len(touched) > 5 else "")
        raise DomainError(
            f"{len(touched)} 起事故在导入后已被修改或已有关联记录（{names}），不能撤销",
            f"{len(touched)} accidents changed after the import or have related records ({', '.join(touched[:5])}): "
            "the import cannot be undone",
        )
    reason = ("撤销导入" + (f"：{note}" if note else ""))[:100]
    enterprises = set()
    for pk, _stamp in created:
        acc = objs[int(pk)]
        due_close(acc, state=DueState.CANCELLED)
        record_event(acc, "deleted", actor=actor, note=note,
                     summary=Msg(gettext_noop("撤销导入，删除：{unit}"), unit=acc.unit_name))
        enterprises.add(acc.enterprise_id)
        acc._change_reason = reason  # type: ignore[attr-defined]
        acc.delete()
    for enterprise_id in enterprises:
        if enterprise_id:
            schedule_recompute(enterprise_id)
    return len(created)
