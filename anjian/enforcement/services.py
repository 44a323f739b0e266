"""Writes for enforcement. Every write: one transaction, a scope check, a timeline event; status
changes through ``CASE_WORKFLOW`` / ``PLAN_WORKFLOW`` (which move the inbox items).

Enforcement sits above hazards: a finding that is a hazard is reported through
``hazards.services.hazard_report``, and a penalty decision about hazards is recorded through
``hazards.services.hazard_penalty_record`` (安全生产法 Art. 113 repeat-offender check)."""

from __future__ import annotations

import datetime as dt
import math
import secrets
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from anjian.audit.display import register_verbs
from anjian.audit.services import Msg, record_event
from anjian.core.errors import DomainError, InvalidTransition, NotAllowed, NotFoundInScope
from anjian.core.lookups import within_choice
from anjian.core.scoping import can, scope_allows
from anjian.documents.attachments import attachments_add
from anjian.documents.models import DocumentSeries
from anjian.documents.numbering import number_issue
from anjian.enforcement.models import (
    Campaign,
    CampaignField,
    CampaignStatus,
    CampaignTarget,
    CampaignTask,
    Case,
    CaseDocument,
    CaseStatus,
    ClassificationRule,
    CreditKind,
    CreditListing,
    Disposition,
    DocKind,
    DrawPick,
    DrawStatus,
    Finding,
    InspectableMatter,
    Inspection,
    InspectionKind,
    InspectionPlan,
    InspectionStatus,
    Inspector,
    OhDeclaration,
    OhKind,
    PenaltyKind,
    PlanStatus,
    PlanTarget,
    Policy,
    Procedure,
    RandomDraw,
    SelfAssessment,
    StandardizationCert,
    StdGrade,
)
from anjian.enforcement.policy import hearing_limits
from anjian.enforcement.workflow import (
    CASE_WORKFLOW,
    DUE_CAMPAIGN_TASK,
    DUE_HEARING,
    DUE_HEARING_ATTEND,
    DUE_OH_ANNUAL,
    DUE_OH_CHANGE,
    DUE_OH_INITIAL,
    DUE_PLAN_PROGRESS,
    DUE_RECHECK,
    DUE_RECTIFY,
    DUE_STD_EXPIRY,
    PLAN_WORKFLOW,
    due_date,
    end_of_day,
    maybe,
    safe,
)
from anjian.enterprises.models import Enterprise, EnterpriseKind, EnterpriseStatus
from anjian.enterprises.models import RiskColour as EnterpriseRiskColour
from anjian.hazards import services as hazard_services
from anjian.inbox.models import DueItem, DueState
from anjian.inbox.services import due_close, due_open
from anjian.jobs.registry import job_handler
from anjian.jobs.services import job_start
from anjian.orgs.models import Department, Jurisdiction, Sector
from anjian.orgs.selectors import city_of
from anjian.rules import enforcement as rules
from anjian.rules import occupational as oh_rules
from anjian.rules import standardization as std_rules

PHOTO = "finding"

register_verbs([  # the timeline's names for events written here (the workflows register their own)
    ("enforcement.rules_set", gettext_lazy("分类分级规则")),
    ("enforcement.rules_reset", gettext_lazy("分类分级规则恢复默认")),
    ("enforcement.policy", gettext_lazy("执法设置")),
    ("hazard.case_opened", gettext_lazy("立案")),
    ("hazard.case_attached", gettext_lazy("执法案件")),
    ("case.hazard_attached", gettext_lazy("涉及隐患")),
    ("credit.listed", gettext_lazy("列入信用名单")),
    ("credit.removed", gettext_lazy("移出信用名单")),
])

# Series per document kind: 机关代字 + this abbreviation, e.g. 示应急罚决〔2026〕3号.
SERIES_ABBR = {
    DocKind.FILING: ("立", "立案审批表"),
    DocKind.ORDER: ("责改", "责令限期整改指令书"),
    DocKind.RECHECK: ("复查", "整改复查意见书"),
    DocKind.NOTICE: ("罚告", "行政处罚告知书"),
    DocKind.HEARING_NOTICE: ("听通", "听证会通知书"),
    DocKind.HEARING_REPORT: ("听报", "听证会报告书"),
    DocKind.DECISION: ("罚决", "行政处罚决定书"),
    DocKind.SIMPLE: ("简罚", "当场行政处罚决定书"),
    DocKind.DUNNING: ("催缴", "罚款催缴通知书"),
    DocKind.CLOSING: ("结", "结案审批表"),
    "record": ("检记", "现场检查记录"),
}

# The default rule set (regulations.md §10.2, after 山西省应急管理厅 2025 for hazardous
# chemicals and non-high-risk sectors); each department may edit its own copy.
DEFAULT_RULES: list[dict[str, Any]] = [
    {"order": 5, "label": "列入严重失信主体名单", "klass": "D", "quota": 12, "credits": ["bad"]},
    {"order": 10, "label": "危险化学品企业·未达标", "klass": "D", "quota": 12, "flag": "hazardous_chemicals",
     "grades": [""]},
    {"order": 20, "label": "危险化学品企业·三级", "klass": "C", "quota": 8, "flag": "hazardous_chemicals",
     "grades": ["3"]},
    {"order": 30, "label": "危险化学品企业·二级", "klass": "B", "quota": 4, "flag": "hazardous_chemicals",
     "grades": ["2"]},
    {"order": 40, "label": "危险化学品企业·一级", "klass": "A", "quota": 2, "flag": "hazardous_chemicals"},
    {"order": 50, "label": "三年内发生事故或一年内受处罚两次以上", "klass": "D", "quota": 6, "min_accidents_3y": 1},
    {"order": 55, "label": "一年内受处罚两次以上", "klass": "D", "quota": 6, "min_penalties_1y": 2},
    {"order": 60, "label": "重大/较大风险", "klass": "C", "quota": 4, "risk_colours": ["red", "orange"]},
    {"order": 70, "label": "标准化一级", "klass": "A", "quota": 1, "grades": ["1"]},
    {"order": 80, "label": "标准化二级", "klass": "B", "quota": 2, "grades": ["2"]},
    {"order": 90, "label": "标准化三级", "klass": "C", "quota": 4, "grades": ["3"]},
    {"order": 99, "label": "未评级企业", "klass": "D", "quota": 6},
]


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def may_act_for(actor: Any, action: str, department: Department) -> bool:
    """Whether the actor holds ``action`` for this department: through a grant on the department
    (its sectors) or on a territory that contains the department's seat."""
    if actor is None:
        return True
    if scope_allows(actor, action, jurisdiction=department.jurisdiction):
        return True
    return any(scope_allows(actor, action, jurisdiction=department.jurisdiction, sector=s)
               for s in department.sectors.all())


def _require_dept(actor: Any, action: str, department: Department, zh: str, en: str) -> None:
    if not may_act_for(actor, action, department):
        raise NotAllowed(zh, en)


def _lock(model: Any, obj: Any, actor: Any) -> Any:
    row = model.objects.select_for_update(of=("self",)).get(pk=obj.pk)
    if actor is not None and not can(actor, "enforcement.view", row):
        raise NotFoundInScope()
    return row


def _need(actor: Any, action: str, obj: Any, zh: str, en: str) -> None:
    if actor is not None and not can(actor, action, obj):
        raise NotAllowed(zh, en)


def enterprises_of(department: Department, jurisdiction: Jurisdiction, sector_code: str = "") -> Any:
    """Operating enterprises in the department's sectors within ``jurisdiction``'s subtree."""
    sector_ids = Sector.ids_within(department.sectors.all())
    qs = Enterprise.objects.filter(
        sector_id__in=sector_ids, jurisdiction__path__startswith=jurisdiction.path,
    ).exclude(status=EnterpriseStatus.CLOSED)
    if sector_code:
        sector = Sector.objects.filter(code=sector_code).first()
        if sector is not None:
            qs = qs.filter(sector_id__in=Sector.ids_within([sector]))
    return qs


def _check_area(department: Department, jurisdiction: Jurisdiction) -> None:
    if not jurisdiction.path.startswith(department.jurisdiction.path):
        raise DomainError("区域须在该部门的辖区之内", "The area must lie within the department's territory",
                          field="jurisdiction")


def series_for(department: Department, kind: str) -> DocumentSeries:
    """The department's numbering series for a document kind (created on first use)."""
    abbr, name = SERIES_ABBR[kind]
    code = f"enf-{department.pk}-{kind}"
    series, _created = DocumentSeries.objects.get_or_create(code=code, defaults={
        "prefix": f"{department.doc_abbr or department.short_name or department.name}{abbr}",
        "name": name, "department": department, "jurisdiction": department.jurisdiction,
    })
    return series


# --- inspector directory and matters ---------------------------------------------------------


@transaction.atomic
def inspector_add(*, actor: Any, department: Department, name: str, cert_no: str, user: Any = None,
                  avoid: Iterable[Enterprise] = ()) -> Inspector:
    """Add an officer to the inspector directory (执法检查人员名录库)."""
    _require_dept(actor, "enforcement.draw", department, "您无权维护该部门的执法人员名录",
                  "You may not edit this department's inspector directory")
    name, cert_no = name.strip(), cert_no.strip()
    if not name or not cert_no:
        raise DomainError("须填写姓名和执法证号", "Name and enforcement ID are required", field="cert_no")
    if Inspector.objects.filter(cert_no=cert_no).exists():
        raise DomainError("该执法证号已在名录中", "This enforcement ID is already listed", field="cert_no")
    ins = Inspector.objects.create(department=department, name=name, cert_no=cert_no, user=user)
    ins.avoid.set(list(avoid))
    record_event(ins, "inspector.added", actor=actor, summary=Msg(gettext_noop("执法人员入库：{name}"), name=name))
    return ins


@transaction.atomic
def inspector_set_avoid(*, actor: Any, inspector: Inspector, enterprises: Iterable[Enterprise], note: str) -> Inspector:
    """Record the enterprises an officer must stand aside from (conflict of interest, 回避)."""
    ins = _lock(Inspector, inspector, actor)
    _need(actor, "enforcement.draw", ins, "您无权维护该执法人员", "You may not edit this inspector")
    ins.avoid.set(list(enterprises))
    record_event(ins, "inspector.avoid", actor=actor, summary=Msg(gettext_noop("设置回避企业")), note=note,
                 data={"enterprises": sorted(e.pk for e in ins.avoid.all())})
    return ins


@transaction.atomic
def matter_add(*, actor: Any, department: Department, name: str, basis: str, sector_code: str = "") -> InspectableMatter:
    """Add a matter to the random-inspection list (随机抽查事项清单)."""
    _require_dept(actor, "enforcement.draw", department, "您无权维护该部门的抽查事项",
                  "You may not edit this department's inspection matters")
    if not name.strip() or not basis.strip():
        raise DomainError("须填写抽查事项和依据", "The matter and its basis are required", field="name")
    m = InspectableMatter.objects.create(department=department, name=name.strip(), basis=basis.strip(),
                                         sector_code=sector_code.strip())
    record_event(m, "matter.added", actor=actor, summary=Msg(gettext_noop("新增抽查事项：{name}"), name=m.name))
    return m


# --- classification and the annual plan -----------------------------------------------------


@transaction.atomic
def rules_reset_default(*, actor: Any, department: Department) -> list[ClassificationRule]:
    """Replace the department's rule set with the default one."""
    _require_dept(actor, "enforcement.plan", department, "您无权维护该部门的分类分级规则",
                  "You may not edit this department's classification rules")
    ClassificationRule.objects.filter(department=department).delete()
    out = [ClassificationRule.objects.create(department=department, **spec) for spec in DEFAULT_RULES]
    record_event(department, "enforcement.rules_reset", actor=actor, summary=Msg(gettext_noop("分类分级规则恢复默认")))
    return out


RULE_CREDITS = ("good", "", "bad")
RULE_FIELDS = ("order", "label", "klass", "quota", "sector_code", "risk_colours", "grades", "credits",
               "min_accidents_3y", "min_penalties_1y", "flag")


@transaction.atomic
def rules_set(*, actor: Any, department: Department, rows: Sequence[dict[str, Any]], note: str = "") -> list[ClassificationRule]:
    """Replace the department's classification rule set (安全生产法 Art. 62(2)): each row gives a
    class A–D and an annual quota 0–52 to the enterprises matching all of its conditions (sector
    code and below, risk colours, standardisation grades — "" for not graded —, credit, accidents
    in three years, penalties in one year, a key-supervision flag); the first matching row by
    order decides. The last row should match everything."""
    _require_dept(actor, "enforcement.plan", department, "您无权维护该部门的分类分级规则",
                  "You may not edit this department's classification rules")
    if not rows or len(rows) > 100:
        raise DomainError("规则须有 1–100 条", "Give 1–100 rules", field="rows")
    colours = set(EnterpriseRiskColour.values)
    clean: list[dict[str, Any]] = []
    for n, row in enumerate(rows, start=1):
        unknown = set(row) - set(RULE_FIELDS)
        if unknown:
            raise DomainError(f"第 {n} 条规则有未知的项：{'、'.join(sorted(unknown))}", f"Rule {n}: unknown keys {sorted(unknown)}",
                              field="rows")
        label, klass = str(row.get("label", "")).strip(), str(row.get("klass", ""))
        try:
            quota, order = int(row.get("quota", -1)), int(row.get("order", n * 10))
            mins = {k: (None if row.get(k) in (None, "") else int(row[k])) for k in ("min_accidents_3y", "min_penalties_1y")}
        except (TypeError, ValueError) as exc:
            raise DomainError(f"第 {n} 条规则的数字无效", f"Rule {n}: invalid number", field="rows") from exc
        lists = {k: [str(v) for v in (row.get(k) or [])] for k in ("risk_colours", "grades", "credits")}
        if (not label or klass not in ("A", "B", "C", "D") or not 0 <= quota <= 52 or not 0 <= order <= 32767
                or any(v is not None and not 0 <= v <= 1000 for v in mins.values())
                or not set(lists["risk_colours"]) <= colours or not set(lists["grades"]) <= {"", "1", "2", "3"}
                or not set(lists["credits"]) <= set(RULE_CREDITS)):
            raise DomainError(f"第 {n} 条规则无效：须有说明，分类为 A–D，年度检查次数 0–52，风险等级、标准化等级、信用状况取规定的值",
                              f"Rule {n} is invalid: a label, class A–D, quota 0–52 and known colours, grades and credit "
                              "values are required", field="rows")
        clean.append({"order": order, "label": label[:100], "klass": klass, "quota": quota,
                      "sector_code": str(row.get("sector_code") or "").strip().upper()[:10], **lists, **mins,
                      "flag": str(row.get("flag") or "").strip()[:40]})
    before = list(ClassificationRule.objects.filter(department=department).values(*RULE_FIELDS))
    ClassificationRule.objects.filter(department=department).delete()
    out = [ClassificationRule.objects.create(department=department, **spec) for spec in clean]
    record_event(department, "enforcement.rules_set", actor=actor, note=note,
                 summary=Msg(gettext_noop("分类分级规则更新：{n} 条"), n=len(out)),
                 data={"before": before, "after": clean})
    return out


def _rule_objects(department: Department) -> list[tuple[rules.ClassRule, ClassificationRule]]:
    rows = list(ClassificationRule.objects.filter(department=department))
    if not rows:
        rows = [ClassificationRule(department=department, **spec) for spec in DEFAULT_RULES]
    return [(rules.ClassRule(
        order=r.order, klass=r.klass, quota=r.quota, sector_prefix=r.sector_code,
        risk_colours=tuple(r.risk_colours or ()), grades=tuple(r.grades or ()), credits=tuple(r.credits or ()),
        min_accidents_3y=r.min_accidents_3y, min_penalties_1y=r.min_penalties_1y, flag=r.flag, label=r.label,
    ), r) for r in rows]


def standardization_grade(enterprise: Enterprise) -> str:
    """The enterprise's standardisation grade today ("1"/"2"/"3", "" when not graded)."""
    return standardization_grade_on(enterprise, timezone.localdate())


def credit_statuses(enterprise_ids: Any, on: dt.date) -> dict[int, str]:
    """Each enterprise's credit status on a day ("bad", "good"; absent: normal), from the listings."""
    by_enterprise: dict[int, list[tuple[str, dt.date, dt.date, dt.date | None]]] = {}
    for ent_id, kind, listed_on, ends_on, removed_on in CreditListing.objects.filter(
            enterprise__in=enterprise_ids, listed_on__lte=on, ends_on__gte=on).values_list(
            "enterprise_id", "kind", "listed_on", "ends_on", "removed_on"):
        by_enterprise.setdefault(ent_id, []).append((kind, listed_on, ends_on, removed_on))
    statuses = {ent_id: rules.credit_status(rows, on) for ent_id, rows in by_enterprise.items()}
    return {ent_id: status for ent_id, status in statuses.items() if status}


def enterprise_facts(enterprise: Enterprise, *, penalties_1y: int = 0, accidents_3y: int = 0,
                     grade: str | None = None, credit: str = "") -> rules.EnterpriseFacts:
    sector = enterprise.sector
    # the codes above the sector, nearest first, from its path (/C/17/171/1713/): no query per level
    ancestors = list(reversed(sector.path.strip("/").split("/")[:-1])) if sector is not None and sector.path else []
    return rules.EnterpriseFacts(
        sector_code=sector.code if sector else "", sector_ancestors=tuple(ancestors),
        risk_colour=enterprise.risk_colour,
        standardization_grade=standardization_grade(enterprise) if grade is None else grade, credit=credit,
        accidents_3y=accidents_3y, penalties_1y=penalties_1y, flags=tuple(enterprise.flags or ()),
    )


PLAN_INLINE_MAX = 20_000
"""Enterprises a plan may cover and still be generated within the request; a larger one (a city
department's plan over a megacity: ~1 minute for 1,000,000 enterprises, docs/benchmarks.md) is a
job for the worker, so no request runs into the web server's timeout."""
PLAN_JOB = "enforcement.plan"


def plan_generate_start(*, actor: Any, department: Department, jurisdiction: Jurisdiction,
                        year: int) -> InspectionPlan | Any:
    """Generate the plan now when it is small, else start the job that does (``plan_generate_job``):
    returns the plan, or the job whose page follows the progress and links to the plan."""
    _require_dept(actor, "enforcement.plan", department, "您无权编制该部门的检查计划",
                  "You may not draw up this department's plan")
    _check_area(department, jurisdiction)
    if enterprises_of(department, jurisdiction).count() <= PLAN_INLINE_MAX:
        return plan_generate(actor=actor, department=department, jurisdiction=jurisdiction, year=year)
    return job_start(PLAN_JOB, actor=actor, params={"department": department.pk, "jurisdiction": jurisdiction.pk,
                                                    "year": int(year)},
                     title=f"{department.name}{int(year)}年度安全生产监督检查计划（{jurisdiction.name}）")


def _plan_link(result: Any) -> tuple[Any, str] | None:
    return (gettext_lazy("查看检查计划"), reverse("enforcement:plan", args=[result["plan"]])) if result.get("plan") else None


@job_handler(PLAN_JOB, results={"targets": gettext_lazy("检查对象"), "inspections": gettext_lazy("计划检查次数")},
             link=_plan_link)
def plan_generate_job(job: Any, progress: Any) -> dict[str, Any]:
    department = Department.objects.get(pk=job.params["department"])
    jurisdiction = Jurisdiction.objects.get(pk=job.params["jurisdiction"])
    progress.set_total(1, "正在分类分级并生成检查对象")
    plan = plan_generate(actor=job.created_by, department=department, jurisdiction=jurisdiction,
                         year=int(job.params["year"]))
    figures = plan.targets.aggregate(n=Count("id"), quota=Sum("quota"))
    progress.advance(1, "计划已生成")
    return {"plan": plan.pk, "targets": figures["n"] or 0, "inspections": figures["quota"] or 0}


@transaction.atomic
def plan_generate(*, actor: Any, department: Department, jurisdiction: Jurisdiction, year: int) -> InspectionPlan:
    """Generate (or regenerate, while a draft) the department's annual 监督检查计划 for an area:
    every enterprise of its sectors there is classified by the rule set and gets its quota."""
    _require_dept(actor, "enforcement.plan", department, "您无权编制该部门的检查计划",
                  "You may not draw up this department's plan")
    _check_area(department, jurisdiction)
    plan, _created = InspectionPlan.objects.select_for_update().get_or_create(
        department=department, jurisdiction=jurisdiction, year=year,
        defaults={"title": f"{department.name}{year}年度安全生产监督检查计划（{jurisdiction.name}）",
                  "created_by": _user(actor)})
    if plan.status != PlanStatus.DRAFT:
        raise InvalidTransition("计划已提交，不能重新生成", "The plan has been submitted and cannot be regenerated")
    plan.targets.all().delete()
    rule_set = _rule_objects(department)
    since = dt.date(year - 1, 1, 1)
    penalties = dict(Case.objects.filter(decided_on__gte=since, department__isnull=False)
                     .values("enterprise").annotate(n=Count("id")).values_list("enterprise", "n"))
    # accidents of the last three years (the accidents app's model through the app registry: a
    # domain app reads, not imports, its peers)
    accident_model = apps.get_model("accidents", "Accident")
    accidents = dict(accident_model.objects.filter(
        enterprise__isnull=False, occurred_at__date__gte=dt.date(year - 3, 1, 1))
        .values("enterprise").annotate(n=Count("id")).values_list("enterprise", "n"))
    today = timezone.localdate()
    grades: dict[int, str] = {}
    for ent_id, grade in StandardizationCert.objects.filter(
            revoked_on__isnull=True, issued_on__lte=today, valid_until__gte=today,
            enterprise__in=enterprises_of(department, jurisdiction)).values_list("enterprise_id", "grade"):
        grades[ent_id] = min(grade, grades.get(ent_id, grade))
    # credit as on the plan's first day (or today, for a plan drawn up during its year)
    credits = credit_statuses(enterprises_of(department, jurisdiction), max(dt.date(year, 1, 1), today))
    targets = []
    for ent in enterprises_of(department, jurisdiction).select_related("sector"):
        facts = enterprise_facts(ent, penalties_1y=penalties.get(ent.pk, 0), accidents_3y=accidents.get(ent.pk, 0),
                                 grade=grades.get(ent.pk, ""), credit=credits.get(ent.pk, ""))
        match = rules.classify(facts, [r for r, _row in rule_set])
        if match is None:
            continue
        targets.append(PlanTarget(plan=plan, enterprise=ent, klass=match.klass, quota=match.quota,
                                  rule_label=match.label))
    PlanTarget.objects.bulk_create(targets, batch_size=1000)
    record_event(plan, "plan.generated", actor=actor,
                 summary=Msg(gettext_noop("生成计划：{n} 家企业，{q} 次检查"), n=len(targets),
                             q=sum(t.quota for t in targets)))
    return plan


@transaction.atomic
def plan_target_adjust(*, actor: Any, target: PlanTarget, klass: str, quota: int, note: str) -> PlanTarget:
    t = PlanTarget.objects.select_for_update().select_related("plan").get(pk=target.pk)
    if actor is not None and not can(actor, "enforcement.view", t.plan):
        raise NotFoundInScope()
    _need(actor, "enforcement.plan", t.plan, "您无权调整该计划", "You may not adjust this plan")
    if t.plan.status != PlanStatus.DRAFT:
        raise InvalidTransition("只有编制中的计划可以调整", "Only a draft plan can be adjusted")
    if not note.strip():
        raise DomainError("请说明调整理由", "Give the reason for the adjustment", field="note")
    if quota < 0 or quota > 52:
        raise DomainError("年度检查次数须在 0–52 之间", "The quota must be 0–52", field="quota")
    before = {"klass": t.klass, "quota": t.quota}
    t.klass, t.quota, t.adjusted, t.adjust_note = klass, quota, True, note.strip()[:200]
    t.save(update_fields=["klass", "quota", "adjusted", "adjust_note"])
    record_event(t.plan, "plan.adjusted", actor=actor,
                 summary=Msg(gettext_noop("调整 {name}：{k}类 {q} 次"), name=t.enterprise.name, k=klass, q=quota),
                 note=note, data={"target": t.pk, "before": before})
    return t


@transaction.atomic
def plan_move(*, actor: Any, plan: InspectionPlan, target: str, note: str = "") -> InspectionPlan:
    """Submit, send back, approve or publish a plan (publishing gives it a number)."""
    p = _lock(InspectionPlan, plan, actor)
    if target == PlanStatus.PUBLISHED:
        p.published_at = timezone.now()
        p.save(update_fields=["published_at"])
    PLAN_WORKFLOW.apply(p, target, actor=actor, note=note)
    if target == PlanStatus.PUBLISHED:
        due_open(p, DUE_PLAN_PROGRESS, title=_progress_title(p), due_at=end_of_day(dt.date(p.year, 12, 31)),
                 url=f"/enforcement/plans/{p.pk}/", owner_department=p.department)
    return p


def _progress_title(plan: InspectionPlan) -> str:
    done = Inspection.objects.filter(plan_target__plan=plan, status=InspectionStatus.DONE).count()
    quota = sum(plan.targets.values_list("quota", flat=True))
    return f"{plan.title}：已检查 {done}/{quota} 次"


def _refresh_progress(plan: InspectionPlan) -> None:
    """Keep the plan's to-do title true (已检查 n/m) without restarting its deadline."""
    DueItem.objects.filter(content_type=ContentType.objects.get_for_model(InspectionPlan), object_id=str(plan.pk),
                           kind=DUE_PLAN_PROGRESS, state=DueState.OPEN).update(title=_progress_title(plan)[:300])


def _plan_target_for(department: Department, enterprise: Enterprise, day: dt.date) -> PlanTarget | None:
    """The published plan's entry for this enterprise this year, if any (an inspection counts
    towards it)."""
    return PlanTarget.objects.filter(plan__department=department, plan__year=day.year,
                                     plan__status=PlanStatus.PUBLISHED, enterprise=enterprise).first()


# --- 双随机 draws -------------------------------------------------------------------------


def _draw_result(draw: RandomDraw) -> list[tuple[int, list[int]]]:
    """Re-run a draw from its stored seed, population and inspector pool."""
    k = max(1, math.ceil(len(draw.population) * float(draw.ratio_percent) / 100)) if draw.population else 0
    picked = rules.draw(draw.seed, draw.population, k)
    pool = {int(i): set(av) for i, av in draw.inspector_pool}
    out = []
    for ent_id in picked:
        eligible = [i for i, avoid in pool.items() if ent_id not in avoid]
        out.append((ent_id, rules.draw(f"{draw.seed}/{ent_id}", eligible, rules.MIN_INSPECTORS)))
    return out


@transaction.atomic
def draw_run(*, actor: Any, department: Department, jurisdiction: Jurisdiction, matter: InspectableMatter,
             ratio_percent: Decimal | int | str, seed: str = "") -> RandomDraw:
    """A 双随机 draw: targets from the target directory (the department's sectors in the area,
    narrowed to the matter's sector), two inspectors per target from the directory, those who
    must stand aside excluded. The seed, the population and the pool are stored; anyone can
    re-run the draw (``draw_verify``)."""
    _require_dept(actor, "enforcement.draw", department, "您无权为该部门组织抽查", "You may not draw for this department")
    _check_area(department, jurisdiction)
    if matter.department_id != department.pk or not matter.is_active:
        raise DomainError("抽查事项不属于该部门", "The matter is not this department's", field="matter")
    try:
        ratio = Decimal(str(ratio_percent))
    except InvalidOperation as exc:
        raise DomainError("抽查比例无效", "Invalid ratio", field="ratio_percent") from exc
    if not (Decimal("0") < ratio <= Decimal("100")):
        raise DomainError("抽查比例须在 0–100% 之间", "The ratio must be between 0 and 100%", field="ratio_percent")
    population = sorted(enterprises_of(department, jurisdiction, matter.sector_code).values_list("pk", flat=True))
    if not population:
        raise DomainError("该区域没有可抽查的对象", "No targets in this area", field="jurisdiction")
    inspectors = Inspector.objects.filter(department=department, is_active=True).prefetch_related("avoid")
    pool = [[i.pk, sorted(e.pk for e in i.avoid.all())] for i in inspectors]
    seed = (seed or "").strip() or f"{department.pk}-{jurisdiction.code}-{timezone.now():%Y%m%d%H%M%S}-{secrets.token_hex(4)}"
    draw = RandomDraw.objects.create(department=department, jurisdiction=jurisdiction, matter=matter, seed=seed[:100],
                                     ratio_percent=ratio, population=population, inspector_pool=pool,
                                     created_by=_user(actor))
    for n, (ent_id, ins) in enumerate(_draw_result(draw), start=1):
        if len(ins) < rules.MIN_INSPECTORS:
            raise DomainError("可派执法人员不足两名（已排除回避人员），请先补充执法人员名录",
                              "Fewer than two eligible inspectors (after conflicts of interest)", field="matter")
        pick = DrawPick.objects.create(draw=draw, order=n, enterprise_id=ent_id)
        pick.inspectors.set(ins)
    record_event(draw, "draw.run", actor=actor,
                 summary=Msg(gettext_noop("双随机抽取：{n}/{total} 家，种子 {seed}"), n=draw.picks.count(),
                             total=len(population), seed=draw.seed),
                 data={"seed": draw.seed, "picked": [p.enterprise_id for p in draw.picks.all()]})
    return draw


@transaction.atomic
def draw_recheck(*, actor: Any, draw: RandomDraw) -> bool:
    """Re-run a stored draw from its seed (anyone who may see it) and put the result on its
    timeline: reproduced or not."""
    if actor is not None and not can(actor, "enforcement.view", draw):
        raise NotFoundInScope()
    ok = draw_verify(draw)
    record_event(draw, "draw.rechecked", actor=actor,
                 summary=Msg(gettext_noop("复核抽查：结果一致") if ok else gettext_noop("复核抽查：结果不一致")),
                 data={"reproduced": ok})
    return ok


def draw_verify(draw: RandomDraw) -> bool:
    """Whether re-running the stored draw gives the stored result (same targets, same pairs)."""
    stored = [(p.enterprise_id, sorted(i.pk for i in p.inspectors.all()))
              for p in draw.picks.order_by("order").prefetch_related("inspectors")]
    return stored == [(e, sorted(i)) for e, i in _draw_result(draw)]


@transaction.atomic
def draw_publish(*, actor: Any, draw: RandomDraw) -> RandomDraw:
    """Publish the draw's result on the public site (一公开)."""
    d = _lock(RandomDraw, draw, actor)
    _need(actor, "enforcement.draw", d, "您无权公示该抽查", "You may not publish this draw")
    if d.status == DrawStatus.PUBLISHED:
        raise InvalidTransition("已公示", "Already published")
    d.status, d.published_at = DrawStatus.PUBLISHED, timezone.now()
    d.save(update_fields=["status", "published_at"])
    record_event(d, "draw.published", actor=actor, summary=Msg(gettext_noop("抽查结果已公示")))
    return d


# --- inspections -----------------------------------------------------------------------------


@transaction.atomic
def inspection_start(*, actor: Any, department: Department, enterprise: Enterprise, inspectors: Sequence[Inspector],
                     kind: str = InspectionKind.PLAN, place: str = "", draw_pick: DrawPick | None = None,
                     plan_target: PlanTarget | None = None, checklist_version: Any = None,
                     started_at: dt.datetime | None = None, campaign: Campaign | None = None) -> Inspection:
    """Open an on-site inspection by at least two officers of the department (行政处罚法 Art. 42),
    none of whom must stand aside for this enterprise."""
    _require_dept(actor, "enforcement.inspect", department, "您无权以该部门名义检查", "You may not inspect for this department")
    if actor is not None and not scope_allows(actor, "enforcement.inspect", jurisdiction=enterprise.jurisdiction,
                                              sector=enterprise.sector, enterprise=enterprise):
        raise NotFoundInScope()
    if kind not in InspectionKind.values:
        raise DomainError("未知的检查类型", "Unknown inspection kind", field="kind")
    if draw_pick is not None:
        if draw_pick.draw.department_id != department.pk:
            raise DomainError("抽查结果属于其他部门", "The draw is another department's", field="draw_pick")
        kind = InspectionKind.RANDOM
        if not inspectors:  # the officers drawn for this target
            inspectors = list(draw_pick.inspectors.all())
    if campaign is not None:
        if campaign.status != CampaignStatus.ACTIVE:
            raise DomainError("专项整治已总结", "The campaign is closed", field="campaign")
        if not campaign.targets.filter(enterprise=enterprise).exists():
            raise DomainError("该企业不是本次专项整治的整治对象", "The enterprise is not a target of the campaign",
                              field="campaign")
        if (actor is not None and not can(actor, "enforcement.view", campaign)
                and not campaign.tasks.filter(department=department).exists()):
            raise NotFoundInScope()  # neither seen by the actor nor tasking the inspecting department
        kind = InspectionKind.CAMPAIGN
    officers = list({i.pk: i for i in inspectors}.values())
    if len(officers) < rules.MIN_INSPECTORS:
        raise DomainError("执法检查须有两名以上执法人员（行政处罚法第四十二条）",
                          "At least two officers must inspect (Administrative Penalty Law Art. 42)", field="inspectors")
    for i in officers:
        if i.department_id != department.pk or not i.is_active:
            raise DomainError(f"{i.name}不是本部门在库执法人员", f"{i.name} is not an active officer of the department",
                              field="inspectors")
        if i.avoid.filter(pk=enterprise.pk).exists():
            raise DomainError(f"{i.name}与该企业存在利害关系，应当回避", f"{i.name} must stand aside", field="inspectors")
    if draw_pick is not None and draw_pick.enterprise_id != enterprise.pk:
        raise DomainError("抽查结果与被检查单位不符", "The draw pick is another enterprise's", field="draw_pick")
    if plan_target is not None and plan_target.enterprise_id != enterprise.pk:
        raise DomainError("计划对象与被检查单位不符", "The plan target is another enterprise's", field="plan_target")
    if plan_target is None and draw_pick is None and campaign is None:
        plan_target = _plan_target_for(department, enterprise, timezone.localdate())
    insp = Inspection.objects.create(
        kind=kind, department=department, enterprise=enterprise, jurisdiction=enterprise.jurisdiction,
        sector=enterprise.sector, place=(place or enterprise.address or enterprise.name)[:200],
        draw_pick=draw_pick, plan_target=plan_target, checklist_version=checklist_version, campaign=campaign,
        started_at=started_at or timezone.now(), created_by=_user(actor),
    )
    insp.inspectors.set(officers)
    record_event(insp, "inspection.started", actor=actor,
                 summary=Msg(gettext_noop("开始现场检查：{names}"), names="、".join(i.name for i in officers)))
    return insp


@transaction.atomic
def finding_add(*, actor: Any, inspection: Inspection, description: str, disposition: str,
                checklist_item: Any = None, legal_basis: str = "", is_major: bool = False,
                lng: float | None = None, lat: float | None = None, accuracy_m: float | None = None,
                photos: Iterable[Any] = (), recorded_at: dt.datetime | None = None) -> Finding:
    """Record what the inspection found. A hazard goes into the hazard lifecycle (as found by
    执法检查); a violation waits to be put in a case. ``recorded_at``: when the finding was noted
    on the phone (offline, docs/mechanisms/offline.md), never later than now nor before the
    inspection started."""
    insp = _lock(Inspection, inspection, actor)
    _need(actor, "enforcement.inspect", insp, "您无权记录该检查", "You may not record this inspection")
    if insp.status != InspectionStatus.OPEN:
        raise InvalidTransition("检查已结束", "The inspection is finished")
    if disposition not in Disposition.values:
        raise DomainError("未知的处理方式", "Unknown disposition", field="disposition")
    description = description.strip()
    if not description and checklist_item is not None:
        description = checklist_item.as_category()
    if not description:
        raise DomainError("请描述发现的问题", "Describe what was found", field="description")
    if accuracy_m is not None and not 0 <= accuracy_m <= 100_000:
        raise DomainError("定位精度超出范围", "The location accuracy is out of range", field="accuracy")
    photos = list(photos)
    now = timezone.now()
    when = now if recorded_at is None else max(min(recorded_at, now), insp.started_at)
    f = Finding.objects.create(inspection=insp, checklist_item=checklist_item, description=description,
                               legal_basis=legal_basis.strip()[:300] or (checklist_item.legal_basis[:300]
                                                                         if checklist_item is not None else ""),
                               disposition=disposition, is_major=is_major, lng=lng, lat=lat, accuracy_m=accuracy_m,
                               created_at=when)
    if disposition == Disposition.HAZARD:
        hazard = hazard_services.hazard_report(
            actor=actor, source="inspection", category="" if checklist_item else description[:200],
            description=description, level="major" if is_major else "general",  # hazards' HazardSource/HazardLevel
            enterprise=insp.enterprise, lng=lng, lat=lat, accuracy_m=accuracy_m, checklist_item=checklist_item,
            found_at=when, finder_name="、".join(i.name for i in insp.inspectors.all())[:50], photos=photos,
        )
        f.hazard = hazard
        f.save(update_fields=["hazard"])
    elif photos:
        attachments_add(owner=f, files=photos, actor=actor, role=PHOTO)
    record_event(insp, "inspection.finding", actor=actor,
                 summary=Msg(gettext_noop("检查发现（{d}）：{text}"), d=Disposition(disposition).label,
                             text=description[:60]))
    return f


@transaction.atomic
def inspection_complete(*, actor: Any, inspection: Inspection, content: str, handling: str = "",
                        accompanied_by: str = "", head_signed: bool = True, refusal_note: str = "") -> Inspection:
    """Close the on-site record (安全生产法 Art. 68) and give it its number. A unit head who
    refuses to sign is noted."""
    insp = _lock(Inspection, inspection, actor)
    _need(actor, "enforcement.inspect", insp, "您无权记录该检查", "You may not record this inspection")
    if insp.status != InspectionStatus.OPEN:
        raise InvalidTransition("检查已结束", "The inspection is finished")
    if not content.strip():
        raise DomainError("请填写检查内容", "The content is required", field="content")
    if not head_signed and not refusal_note.strip():
        raise DomainError("负责人拒绝签字的，须记录情况（安全生产法第六十八条）",
                          "Note the refusal to sign (Work Safety Law Art. 68)", field="refusal_note")
    issued = number_issue(series=series_for(insp.department, "record"), actor=actor, obj=insp,
                          title=f"现场检查记录（{insp.enterprise.name}）")
    insp.content, insp.handling, insp.accompanied_by = content.strip(), handling.strip(), accompanied_by.strip()[:100]
    insp.head_signed, insp.refusal_note = head_signed, refusal_note.strip()[:200]
    insp.status, insp.ended_at, insp.record_number = InspectionStatus.DONE, timezone.now(), issued.text
    insp._change_reason = "检查结束"  # type: ignore[attr-defined]
    insp.save()
    record_event(insp, "inspection.done", actor=actor,
                 summary=Msg(gettext_noop("检查结束，现场检查记录 {n}"), n=issued.text))
    if insp.plan_target_id:
        _refresh_progress(insp.plan_target.plan)
    return insp


# --- the case file ---------------------------------------------------------------------------


def _doc(case: Case, kind: str, actor: Any, fields: dict[str, Any], *, deadline: dt.date | None = None,
         numbered: bool = True, issued_on: dt.date | None = None) -> CaseDocument:
    issued = None
    title = f"{DocKind(kind).label}（{case.enterprise.name}）"
    if numbered:
        issued = number_issue(series=series_for(case.department, kind), actor=actor, obj=case, title=title)
    doc = CaseDocument.objects.create(case=case, kind=kind, number=issued.text if issued else "", issued_number=issued,
                                      issued_on=issued_on or timezone.localdate(), fields=fields, deadline=deadline,
                                      created_by=_user(actor))
    record_event(case, "case.document", actor=actor,
                 summary=Msg(gettext_noop("制作文书：{kind} {number}"), kind=DocKind(kind).label, number=doc.number),
                 data={"document": doc.pk, "kind": kind})
    return doc


def _open_due(case: Case) -> None:
    """Open the to-do of a case's starting state (later states are opened by the workflow)."""
    state = CASE_WORKFLOW.state_of(case)
    if state.due_kind and state.deadline and state.owner:
        deadline = state.deadline(case)
        if deadline is None:
            return
        owner = state.owner(case)
        due_open(case, state.due_kind, title=f"{state.label}：{case.enterprise.name} {case.cause}", due_at=deadline,
                 url=CASE_WORKFLOW.url(case), owner_jurisdiction=owner.jurisdiction,
                 owner_department=owner.department, owner_enterprise=owner.enterprise, sector=owner.sector)


def _fine(value: Any, field: str = "fine") -> Decimal:
    try:
        money = Decimal(str(value if value not in (None, "") else "0"))
    except InvalidOperation as exc:
        raise DomainError("金额无效", "Invalid amount", field=field) from exc
    if money < 0:
        raise DomainError("金额不能为负数", "The amount cannot be negative", field=field)
    return money.quantize(Decimal("0.01"))


@transaction.atomic
def case_file(*, actor: Any, department: Department, enterprise: Enterprise, cause: str, facts: str = "",
              legal_basis: str = "", inspection: Inspection | None = None, findings: Iterable[Finding] = (),
              filed_on: dt.date | None = None, hazards: Iterable[Any] = ()) -> Case:
    """立案: open a case (立案审批表, numbered; the case number is that number). The decision is due
    within 90 days (行政处罚法 Art. 60) — a to-do in the department's inbox. ``hazards``: hazards of
    the enterprise the case is about (opened from a hazard's page); the decision is recorded
    against them (安全生产法 Art. 113)."""
    _require_dept(actor, "enforcement.handle", department, "您无权以该部门名义立案", "You may not open cases for this department")
    if actor is not None and not scope_allows(actor, "enforcement.handle", jurisdiction=enterprise.jurisdiction,
                                              sector=enterprise.sector, enterprise=enterprise):
        raise NotFoundInScope()
    if not cause.strip():
        raise DomainError("请填写案由", "The cause is required", field="cause")
    if inspection is not None and (inspection.enterprise_id != enterprise.pk or inspection.department_id != department.pk):
        raise DomainError("来源检查与当事人或部门不符", "The inspection is another party's or department's",
                          field="inspection")
    findings = list(findings)
    if any(f.inspection_id != getattr(inspection, "pk", None) for f in findings):
        raise DomainError("检查发现不属于该检查", "A finding belongs to another inspection", field="findings")
    hazards = list(hazards)
    for h in hazards:
        _check_hazard(actor, h, enterprise)
    filed_on = filed_on or timezone.localdate()
    case = Case.objects.create(department=department, enterprise=enterprise, jurisdiction=enterprise.jurisdiction,
                               sector=enterprise.sector, inspection=inspection, cause=cause.strip()[:200],
                               facts=facts.strip(), legal_basis=legal_basis.strip(), filed_on=filed_on,
                               created_by=_user(actor))
    for f in findings:
        f.case = case
        f.save(update_fields=["case"])
        if f.hazard_id:
            case.hazards.add(f.hazard_id)
    case.hazards.add(*hazards)
    doc = _doc(case, DocKind.FILING, actor, {"cause": case.cause, "facts": case.facts, "source":
                                              inspection.code if inspection else
                                              "、".join(h.code for h in hazards)}, issued_on=filed_on)
    case.number = doc.number
    case.save(update_fields=["number"])
    record_event(case, "case.filed", actor=actor, summary=Msg(gettext_noop("立案 {number}"), number=case.number))
    for h in hazards:
        record_event(h, "hazard.case_opened", actor=actor,
                     summary=Msg(gettext_noop("立案查处：{number}"), number=case.number))
    _open_due(case)
    return case


def _check_hazard(actor: Any, hazard: Any, enterprise: Enterprise) -> None:
    """A hazard a case may be about: one the actor sees (else 404), of the case's party."""
    if actor is not None and not can(actor, "hazards.view", hazard):
        raise NotFoundInScope()
    if hazard.enterprise_id != enterprise.pk:
        raise DomainError("隐患不属于本案当事人", "The hazard is not the party's", field="hazard")


CASE_OPEN_FOR_HAZARDS = (CaseStatus.FILED, CaseStatus.NOTIFIED, CaseStatus.HEARING, CaseStatus.HEARD)


@transaction.atomic
def case_attach_hazard(*, actor: Any, case: Case, hazard: Any, note: str = "") -> Case:
    """Attach a hazard of the party to a case not yet decided (the penalty for it belongs to the
    case file: the decision is then recorded against the hazard, 安全生产法 Art. 113)."""
    c = _case(case, actor, "enforcement.handle")
    _check_hazard(actor, hazard, c.enterprise)
    if c.procedure != Procedure.GENERAL or c.status not in CASE_OPEN_FOR_HAZARDS:
        raise InvalidTransition("该案件已作出决定，不能再关联隐患；请另行立案",
                                "The case has been decided; open a new case for this hazard")
    if c.hazards.filter(pk=hazard.pk).exists():
        raise DomainError("该隐患已关联本案", "The hazard is already part of this case", field="hazard")
    c.hazards.add(hazard)
    record_event(c, "case.hazard_attached", actor=actor, note=note,
                 summary=Msg(gettext_noop("关联隐患 {code}"), code=hazard.code))
    record_event(hazard, "hazard.case_attached", actor=actor, note=note,
                 summary=Msg(gettext_noop("关联执法案件：{number}"), number=c.number))
    return c


def _case(case: Case, actor: Any, action: str) -> Case:
    c = _lock(Case, case, actor)
    _need(actor, action, c, "您无权办理该案件", "You may not act on this case")
    return c


@transaction.atomic
def case_order(*, actor: Any, case: Case, items: Sequence[str], deadline: dt.date, immediate: bool = False) -> CaseDocument:
    """责令限期整改指令书: the problems, one per line, and the deadline; the enterprise gets a
    to-do to rectify, the department one to re-check within 10 days of the deadline (15号令)."""
    c = _case(case, actor, "enforcement.handle")
    if c.status == CaseStatus.CLOSED:
        raise InvalidTransition("案件已结案", "The case is closed")
    items = [i.strip() for i in items if i.strip()]
    if not items:
        raise DomainError("请列明须整改的问题", "List the problems to rectify", field="items")
    today = timezone.localdate()
    if deadline < today:
        raise DomainError("整改期限不能早于今天", "The deadline cannot be in the past", field="deadline")
    doc = _doc(c, DocKind.ORDER, actor, {"items": items, "immediate": immediate, "deadline": deadline.isoformat()},
               deadline=deadline)
    due_open(doc, DUE_RECTIFY, title=f"责令限期整改：{c.enterprise.name}（{doc.number}）", due_at=end_of_day(deadline),
             url=CASE_WORKFLOW.url(c), owner_enterprise=c.enterprise, owner_jurisdiction=c.jurisdiction, sector=c.sector)
    due_open(doc, DUE_RECHECK, title=f"整改复查：{c.enterprise.name}（{doc.number}）",
             due_at=end_of_day(due_date(rules.recheck_due, deadline)), url=CASE_WORKFLOW.url(c), owner_department=c.department)
    return doc


@transaction.atomic
def case_recheck_apply(*, actor: Any, order: CaseDocument, note: str = "") -> CaseDocument:
    """The enterprise reports the rectification done and asks for the re-check: the re-check is
    then due within 10 days of the application (15号令)."""
    doc = CaseDocument.objects.select_for_update().select_related("case").get(pk=order.pk)
    c = doc.case
    if actor is not None and not can(actor, "enforcement.view", c):
        raise NotFoundInScope()
    _need(actor, "enforcement.respond", c, "您无权申请复查", "You may not apply for the re-check")
    if doc.kind != DocKind.ORDER or doc.done_on:
        raise InvalidTransition("该指令书已复查", "This order has been re-checked")
    today = timezone.localdate()
    doc.fields = {**doc.fields, "applied_on": today.isoformat(), "apply_note": note.strip()[:500]}
    doc.save(update_fields=["fields"])
    due_close(doc, DUE_RECTIFY)
    due_open(doc, DUE_RECHECK, title=f"整改复查（已申请）：{c.enterprise.name}（{doc.number}）",
             due_at=end_of_day(due_date(rules.recheck_due, doc.deadline or today, today)), url=CASE_WORKFLOW.url(c),
             owner_department=c.department)
    record_event(c, "case.recheck_applied", actor=actor, summary=Msg(gettext_noop("申请整改复查 {n}"), n=doc.number),
                 note=note)
    return doc


@transaction.atomic
def case_recheck(*, actor: Any, order: CaseDocument, results: Sequence[str], passed: bool,
                 continue_penalty: bool = True) -> CaseDocument:
    """整改复查意见书: the result per item of the order, and whether the case goes on to a penalty."""
    doc = CaseDocument.objects.select_for_update().select_related("case").get(pk=order.pk)
    c = _case(doc.case, actor, "enforcement.handle")
    if doc.kind != DocKind.ORDER or doc.done_on:
        raise InvalidTransition("该指令书已复查", "This order has been re-checked")
    items = doc.fields.get("items", [])
    results = list(results) + [""] * (len(items) - len(results))
    rec = _doc(c, DocKind.RECHECK, actor, {"order": doc.number, "items": items, "results": results[:len(items)],
                                           "passed": passed, "continue_penalty": continue_penalty})
    doc.done_on = timezone.localdate()
    doc.save(update_fields=["done_on"])
    due_close(doc, DUE_RECTIFY)
    due_close(doc, DUE_RECHECK)
    return rec


@transaction.atomic
def case_notify(*, actor: Any, case: Case, facts: str, legal_basis: str, penalty_basis: str, penalty_kind: str,
                proposed_fine: Any, notified_on: dt.date | None = None) -> Case:
    """行政处罚告知书 (行政处罚法 Art. 44): facts, reasons, basis, proposed penalty and the rights to
    state, defend and ask for a hearing within 5 working days (Art. 64, 85)."""
    c = _case(case, actor, "enforcement.handle")
    if penalty_kind not in PenaltyKind.values:
        raise DomainError("未知的处罚种类", "Unknown penalty kind", field="penalty_kind")
    if not facts.strip() or not penalty_basis.strip():
        raise DomainError("须写明违法事实和处罚依据", "Facts and the penalty basis are required", field="facts")
    fine = _fine(proposed_fine, "proposed_fine")
    notified_on = notified_on or timezone.localdate()
    hearing_due = maybe(rules.hearing_request_due, notified_on)
    ground = hearing_right(c, penalty_kind, fine)
    c.facts, c.legal_basis, c.penalty_basis = facts.strip(), legal_basis.strip(), penalty_basis.strip()
    c.penalty_kind, c.proposed_fine, c.notified_on = penalty_kind, fine, notified_on
    c.save(update_fields=["facts", "legal_basis", "penalty_basis", "penalty_kind", "proposed_fine", "notified_on"])
    _doc(c, DocKind.NOTICE, actor, {"facts": c.facts, "legal_basis": c.legal_basis, "penalty_basis": c.penalty_basis,
                                    "penalty_kind": penalty_kind, "proposed_fine": str(fine),
                                    "hearing_due": hearing_due.isoformat() if hearing_due else "",
                                    "hearing_right": ground,
                                    "hearing_ground": rules.HEARING_GROUNDS.get(ground, "")},
         deadline=hearing_due, issued_on=notified_on)
    c._change_reason = "送达行政处罚告知书"  # type: ignore[attr-defined]
    CASE_WORKFLOW.apply(c, CaseStatus.NOTIFIED, actor=actor)
    return c


def hearing_right(case: Case, penalty_kind: str | None = None, fine: Any = None) -> str:
    """The ground of 行政处罚法 Art. 63(1) on which the penalty carries the party's right to a
    hearing (``rules.enforcement.hearing_right``) — of the penalty given, else of the one notified —
    or "" (none, or nothing notified yet)."""
    if penalty_kind is None:  # what the notice told the party stands, whatever the settings say since
        notice = case.documents.filter(kind=DocKind.NOTICE).order_by("-id").values_list("fields", flat=True).first()
        if notice is not None:
            return str(notice.get("hearing_right", "large_fine"))  # notices made before this check told of a hearing
    kind = penalty_kind if penalty_kind is not None else case.penalty_kind
    if kind not in PenaltyKind.values:
        return ""
    amount = fine if penalty_kind is not None else case.proposed_fine
    individual, organisation = hearing_limits(case.jurisdiction)  # the province's 较大数额, as the city set them
    return rules.hearing_right(kind, amount or 0, organisation=case.enterprise.kind != EnterpriseKind.INDIVIDUAL,
                               large_fine_individual=individual, large_fine_organisation=organisation)


POLICY_FIELDS = ("hearing_fine_individual", "hearing_fine_organisation", "hearing_fine_basis")
HEARING_FINE_MAX = Decimal("100000000")


@transaction.atomic
def policy_save(*, actor: Any, jurisdiction: Jurisdiction, data: dict[str, Any]) -> Policy:
    """Save the city's enforcement settings (``POLICY_FIELDS``). Only the city's own office or a
    city department that approves cases sets them; a case already notified keeps what it was told."""
    city = city_of(jurisdiction)
    if city is None or city.pk != jurisdiction.pk:
        raise DomainError("执法设置由市级设定", "These settings are set by the city", field="jurisdiction")
    _need(actor, "enforcement.approve", city, "您无权修改执法设置", "You may not change the enforcement settings")
    row = Policy.objects.select_for_update().filter(jurisdiction=city).first() or Policy(jurisdiction=city)
    before = {f: getattr(row, f) for f in POLICY_FIELDS}
    for f in POLICY_FIELDS:
        if f in data:
            setattr(row, f, data[f])
    for f in ("hearing_fine_individual", "hearing_fine_organisation"):
        try:
            amount = Decimal(str(getattr(row, f)))
        except InvalidOperation:
            amount = Decimal(-1)
        if not Decimal(0) < amount <= HEARING_FINE_MAX:
            raise DomainError("较大数额须大于 0 元且不超过 1 亿元", "The amount must be above 0 and at most 100,000,000 yuan",
                              field=f)
        setattr(row, f, amount)
    row.hearing_fine_basis = str(row.hearing_fine_basis or "").strip()
    row.save()
    changed = [str(Policy._meta.get_field(f).verbose_name) for f in POLICY_FIELDS if before[f] != getattr(row, f)]
    record_event(row, "enforcement.policy", actor=actor,
                 summary=Msg(gettext_noop("修改：{fields}"), fields="、".join(changed) or "—"))
    return row


@transaction.atomic
def case_respond(*, actor: Any, case: Case, statement: str, hearing_requested: bool = False) -> Case:
    """The party states its case (陈述申辩) and may ask for a hearing (Art. 64) — recorded with a
    陈述申辩笔录; the department then decides."""
    c = _lock(Case, case, actor)
    if not statement.strip() and not hearing_requested:
        raise DomainError("请填写陈述申辩意见或申请听证", "Give a statement or ask for a hearing", field="statement")
    if hearing_requested and c.status == CaseStatus.NOTIFIED and not hearing_right(c):
        raise DomainError("告知的处罚不属于听证范围（行政处罚法第六十三条：较大数额罚款、责令停产停业等），可以陈述、申辩",
                          "The notified penalty carries no right to a hearing (Administrative Penalty Law Art. 63: "
                          "large fines, orders to stop production …); the party may state its case",
                          field="hearing_requested")
    window_end = maybe(rules.hearing_request_due, c.notified_on) if c.notified_on else None
    if window_end is not None and timezone.localdate() > window_end and hearing_requested:
        raise DomainError("已超过听证申请期限", "The hearing request period is over", field="hearing_requested")
    c.statement, c.hearing_requested, c.responded_on = statement.strip(), hearing_requested, timezone.localdate()
    c.save(update_fields=["statement", "hearing_requested", "responded_on"])
    CASE_WORKFLOW.apply(c, CaseStatus.HEARING if hearing_requested else CaseStatus.HEARD, actor=actor)
    _doc(c, DocKind.STATEMENT, actor, {"statement": c.statement, "hearing_requested": hearing_requested},
         numbered=False)
    return c


def _hearing_case(case: Case, actor: Any) -> Case:
    c = _case(case, actor, "enforcement.handle")
    if c.status != CaseStatus.HEARING:
        raise InvalidTransition("该案件不在听证程序中", "The case is not awaiting a hearing")
    return c


@transaction.atomic
def case_hearing_notice(*, actor: Any, case: Case, hearing_at: dt.datetime, place: str, host: str,
                        notice_on: dt.date | None = None) -> CaseDocument:
    """听证会通知书 (行政处罚法 Art. 64(2)): the time and place, given at least 7 working days before
    the hearing (Art. 85); the hearing is chaired by someone who did not investigate the case
    (Art. 64(4)). The party gets a to-do for the hearing day; the department's to-do moves to
    that day."""
    c = _hearing_case(case, actor)
    if timezone.is_naive(hearing_at):
        hearing_at = timezone.make_aware(hearing_at)
    notice_on = notice_on or timezone.localdate()
    if notice_on > timezone.localdate():
        raise DomainError("通知日期不能晚于今天", "The notice date cannot be in the future", field="notice_on")
    if c.responded_on and notice_on < c.responded_on:
        raise DomainError("通知日期不能早于听证申请日期", "The notice cannot precede the request", field="notice_on")
    place, host = place.strip(), host.strip()
    if not place or not host:
        raise DomainError("须填写听证地点和主持人", "The place and the presiding officer are required", field="place")
    hearing_on = timezone.localdate(hearing_at)
    earliest = safe(rules.hearing_earliest, notice_on)
    if hearing_on < earliest:
        raise DomainError(f"应当在举行听证的七个工作日前通知当事人，最早可于 {earliest:%Y-%m-%d} 举行（行政处罚法第六十四条、第八十五条）",
                          f"The party must be told 7 working days before the hearing; the earliest date is {earliest}"
                          " (Administrative Penalty Law Art. 64, 85)", field="hearing_at")
    investigators = set()
    if c.inspection_id:
        investigators = {i.name for i in c.inspection.inspectors.all()}
    if host in investigators:
        raise DomainError("听证应当由非本案调查人员主持（行政处罚法第六十四条）",
                          "The hearing is chaired by someone who did not investigate the case (Art. 64)", field="host")
    if c.documents.filter(kind=DocKind.HEARING_RECORD).exists():
        raise InvalidTransition("听证已举行", "The hearing has been held")
    c.hearing_at, c.hearing_place, c.hearing_host = hearing_at, place[:200], host[:50]
    c.save(update_fields=["hearing_at", "hearing_place", "hearing_host"])
    local = timezone.localtime(hearing_at)
    doc = _doc(c, DocKind.HEARING_NOTICE, actor, {
        "hearing_at": local.isoformat(), "place": c.hearing_place, "host": c.hearing_host,
        "requested_on": c.responded_on.isoformat() if c.responded_on else ""},
        deadline=hearing_on, issued_on=notice_on)
    url = CASE_WORKFLOW.url(c)
    due_open(c, DUE_HEARING, title=f"举行听证：{c.enterprise.name} {c.cause}（{local:%m-%d %H:%M}）",
             due_at=end_of_day(hearing_on), url=url, owner_department=c.department)
    due_open(doc, DUE_HEARING_ATTEND, title=f"参加听证：{c.cause}（{local:%Y-%m-%d %H:%M}，{c.hearing_place}）",
             due_at=end_of_day(hearing_on), url=url, owner_enterprise=c.enterprise, owner_jurisdiction=c.jurisdiction,
             sector=c.sector)
    return doc


@transaction.atomic
def case_hearing_record(*, actor: Any, case: Case, held_on: dt.date, attendees: str, proceedings: str,
                        party_absent: bool = False, party_signed: bool = True, refusal_note: str = "") -> CaseDocument:
    """听证笔录 (行政处罚法 Art. 64(8)): who attended, the investigators' case, the party's statement
    and cross-examination; the party signs it after checking it, a refusal is noted. A party who
    does not attend without good reason is deemed to waive the hearing (Art. 64(7))."""
    c = _hearing_case(case, actor)
    notice = c.documents.filter(kind=DocKind.HEARING_NOTICE).order_by("-id").first()
    if notice is None or c.hearing_at is None:
        raise InvalidTransition("须先送达听证会通知书", "Send the hearing notice first")
    if c.documents.filter(kind=DocKind.HEARING_RECORD).exists():
        raise InvalidTransition("听证笔录已制作", "The hearing record exists")
    if held_on < timezone.localdate(c.hearing_at) or held_on > timezone.localdate():
        raise DomainError("听证日期须在通知的听证时间之后、今天之前", "The hearing date must be between the noticed date "
                          "and today", field="held_on")
    if not proceedings.strip():
        raise DomainError("请记录听证过程", "Record the proceedings", field="proceedings")
    if not party_absent and not party_signed and not refusal_note.strip():
        raise DomainError("当事人拒绝签字的，须记录情况", "Note the party's refusal to sign", field="refusal_note")
    c.hearing_waived = party_absent
    c.save(update_fields=["hearing_waived"])
    doc = _doc(c, DocKind.HEARING_RECORD, actor, {
        "held_on": held_on.isoformat(), "hearing_at": timezone.localtime(c.hearing_at).isoformat(),
        "place": c.hearing_place, "host": c.hearing_host, "attendees": attendees.strip()[:1000],
        "proceedings": proceedings.strip(), "party_absent": party_absent, "party_signed": party_signed and not party_absent,
        "refusal_note": refusal_note.strip()[:200]}, numbered=False, issued_on=held_on)
    due_close(notice, DUE_HEARING_ATTEND)
    return doc


@transaction.atomic
def case_hearing_report(*, actor: Any, case: Case, opinion: str, recommendation: str) -> Case:
    """听证会报告书: the presiding officer's account and recommendation; the department then decides
    on the record (行政处罚法 Art. 65) — the case moves on to 待决定."""
    c = _hearing_case(case, actor)
    if not c.documents.filter(kind=DocKind.HEARING_RECORD).exists():
        raise InvalidTransition("须先制作听证笔录", "Record the hearing first")
    if not opinion.strip() or not recommendation.strip():
        raise DomainError("须填写听证意见和处理建议", "The findings and the recommendation are required", field="opinion")
    _doc(c, DocKind.HEARING_REPORT, actor, {"opinion": opinion.strip(), "recommendation": recommendation.strip(),
                                            "host": c.hearing_host, "waived": c.hearing_waived})
    c._change_reason = "听证会报告"  # type: ignore[attr-defined]
    CASE_WORKFLOW.apply(c, CaseStatus.HEARD, actor=actor)
    return c


@transaction.atomic
def case_decide(*, actor: Any, case: Case, penalty_kind: str, fine: Any, penalty_basis: str = "",
                decided_on: dt.date | None = None) -> Case:
    """行政处罚决定书 (行政处罚法 Art. 59), within 90 days of filing (Art. 60). Delivery is then due
    within 7 working days (Art. 61). The decision is recorded against the case's hazards
    (安全生产法 Art. 113 repeat-offender check)."""
    c = _case(case, actor, "enforcement.decide")
    if penalty_kind not in PenaltyKind.values:
        raise DomainError("未知的处罚种类", "Unknown penalty kind", field="penalty_kind")
    money = _fine(fine)
    if penalty_kind == PenaltyKind.WARNING and money:
        raise DomainError("警告不处罚款", "A warning carries no fine", field="fine")
    if penalty_kind != PenaltyKind.WARNING and not money:
        raise DomainError("须填写罚款金额", "The fine is required", field="fine")
    ground = hearing_right(c, penalty_kind, money)
    if ground and not c.hearing_requested and not hearing_right(c):  # Art. 63 grounds the notice lacked
        raise DomainError(f"该处罚决定属于听证范围（{rules.HEARING_GROUNDS[ground]}），但告知书告知的处罚不含听证权利；"
                          "不能作出未告知的较重处罚（行政处罚法第四十四条、第六十二条、第六十三条）",
                          "This decision carries the right to a hearing (Administrative Penalty Law Art. 63) but the "
                          "notice did not: a heavier penalty than notified cannot be decided (Art. 44, 62, 63)",
                          field="fine")
    decided_on = decided_on or timezone.localdate()
    c.penalty_kind, c.fine, c.decided_on = penalty_kind, money, decided_on
    if penalty_basis.strip():
        c.penalty_basis = penalty_basis.strip()
    c.save(update_fields=["penalty_kind", "fine", "decided_on", "penalty_basis"])
    c._change_reason = "作出行政处罚决定"  # type: ignore[attr-defined]
    CASE_WORKFLOW.apply(c, CaseStatus.DECIDED, actor=actor)
    doc = _doc(c, DocKind.DECISION, actor, {
        "facts": c.facts, "legal_basis": c.legal_basis, "penalty_basis": c.penalty_basis,
        "penalty_kind": penalty_kind, "fine": str(money), "statement": c.statement,
        "hearing_requested": c.hearing_requested, "hearing_waived": c.hearing_waived}, issued_on=decided_on)
    _feed_hazard_penalty(c, doc, actor)
    return c


def _feed_hazard_penalty(c: Case, doc: CaseDocument, actor: Any) -> None:
    hazard = c.hazards.order_by("-level", "id").first()  # "major" sorts after "general"
    if hazard is None or c.decided_on is None or c.decided_on > timezone.localdate():
        return
    hazard_services.hazard_penalty_record(actor=None, hazard=hazard, decided_on=c.decided_on, amount=c.fine or 0,
                                          document_number=doc.number, note=f"案件 {c.code}")


@transaction.atomic
def case_deliver(*, actor: Any, case: Case, delivered_on: dt.date, method: str, received_by: str) -> Case:
    """Delivery of the decision with its receipt (送达回执). A fine is due within 15 days of
    receipt (Art. 67): a to-do in the enterprise's inbox. A warning is executed on delivery."""
    c = _case(case, actor, "enforcement.handle")
    if not received_by.strip() or not method.strip():
        raise DomainError("须填写送达方式和受送达人", "Method and recipient are required", field="received_by")
    if c.decided_on and delivered_on < c.decided_on:
        raise DomainError("送达日期不能早于决定日期", "Delivery cannot precede the decision", field="delivered_on")
    if delivered_on > timezone.localdate():
        raise DomainError("送达日期不能晚于今天", "The delivery date cannot be in the future", field="delivered_on")
    c.delivered_on, c.delivery_method, c.received_by = delivered_on, method.strip()[:40], received_by.strip()[:50]
    if not c.fine:
        c.paid_on = delivered_on
    c.save(update_fields=["delivered_on", "delivery_method", "received_by", "paid_on"])
    decision = c.documents.filter(kind__in=(DocKind.DECISION, DocKind.SIMPLE)).order_by("-id").first()
    fields: dict[str, Any] = {"document": decision.number if decision else "", "method": c.delivery_method,
                              "received_by": c.received_by}
    if c.fine:
        due = maybe(rules.payment_due, delivered_on)
        fields["payment_due"] = due.isoformat() if due else ""
    _doc(c, DocKind.RECEIPT, actor, fields, numbered=False, issued_on=delivered_on)
    if decision is not None:
        decision.delivered_on, decision.received_by = delivered_on, c.received_by
        decision.save(update_fields=["delivered_on", "received_by"])
    CASE_WORKFLOW.apply(c, CaseStatus.DELIVERED if c.fine else CaseStatus.PAID, actor=actor)
    return c


def surcharge_now(case: Case, on: dt.date | None = None) -> Decimal | None:
    """The late-payment surcharge (Art. 72) owed if paid on ``on`` (default today); None when
    the payment deadline falls in a year without holiday data (it is then not guessed)."""
    if not case.fine or not case.delivered_on:
        return Decimal("0.00")
    due = maybe(rules.payment_due, case.delivered_on)
    if due is None:
        return None
    return rules.late_payment_surcharge(case.fine, due, on or timezone.localdate())


@transaction.atomic
def case_dun(*, actor: Any, case: Case) -> CaseDocument:
    """罚款催缴通知书 after the payment deadline, with the surcharge accrued (Art. 72)."""
    c = _case(case, actor, "enforcement.handle")
    if c.status != CaseStatus.DELIVERED or not c.delivered_on:
        raise InvalidTransition("只有待缴款的案件可以催缴", "Only a case awaiting payment can be dunned")
    due = safe(rules.payment_due, c.delivered_on)
    if timezone.localdate() <= due:
        raise InvalidTransition(f"缴款期限至 {due:%Y-%m-%d}，尚未逾期", "Payment is not overdue yet")
    return _doc(c, DocKind.DUNNING, actor, {"fine": str(c.fine), "payment_due": due.isoformat(),
                                            "surcharge": str(surcharge_now(c) or 0)})


@transaction.atomic
def case_pay(*, actor: Any, case: Case, paid_on: dt.date, receipts: Iterable[Any] = ()) -> Case:
    """Payment of the fine (by the party with its bank receipt, or recorded by the department);
    a late payment carries the Art. 72 surcharge."""
    c = _lock(Case, case, actor)
    if c.delivered_on and paid_on < c.delivered_on:
        raise DomainError("缴款日期不能早于送达日期", "Payment cannot precede delivery", field="paid_on")
    if paid_on > timezone.localdate():
        raise DomainError("缴款日期不能晚于今天", "The payment date cannot be in the future", field="paid_on")
    surcharge = surcharge_now(c, paid_on)
    c.paid_on, c.surcharge = paid_on, surcharge if surcharge is not None else Decimal("0")
    c.save(update_fields=["paid_on", "surcharge"])
    CASE_WORKFLOW.apply(c, CaseStatus.PAID, actor=actor, note="" if surcharge is not None else
                        "缴款期限所在年度尚无节假日数据，加处罚款未计算，请维护后核定",
                        data={"surcharge": str(c.surcharge), "surcharge_known": surcharge is not None})
    receipts = list(receipts)
    if receipts:
        attachments_add(owner=c, files=receipts, actor=actor, role="payment")
    return c


@transaction.atomic
def case_close(*, actor: Any, case: Case, note: str = "") -> Case:
    """结案审批表; or, while only filed, 撤销立案 / 不予处罚 with the reasons."""
    c = _case(case, actor, "enforcement.handle")
    dropped = c.status == CaseStatus.FILED
    if dropped and not note.strip():
        raise DomainError("撤销立案须说明理由", "Give the reasons for dropping the case", field="note")
    c.closed_on, c.close_note = timezone.localdate(), note.strip()
    c.save(update_fields=["closed_on", "close_note"])
    CASE_WORKFLOW.apply(c, CaseStatus.CLOSED, actor=actor, note=note)
    _doc(c, DocKind.CLOSING, actor, {"dropped": dropped, "note": c.close_note, "fine": str(c.fine or 0),
                                     "surcharge": str(c.surcharge), "paid_on": c.paid_on.isoformat() if c.paid_on else ""})
    for doc in c.documents.filter(kind=DocKind.ORDER, done_on__isnull=True):
        due_close(doc, DUE_RECTIFY)
        due_close(doc, DUE_RECHECK)
    return c


@transaction.atomic
def case_on_the_spot(*, actor: Any, inspection: Inspection, cause: str, facts: str, legal_basis: str,
                     penalty_basis: str, penalty_kind: str, fine: Any, received_by: str) -> Case:
    """简易程序 (行政处罚法 Art. 51–52): a warning, or a fine up to 200 yuan (a citizen) / 3000
    yuan (an organisation), decided and delivered on the spot; the fine is due within 15 days."""
    insp = _lock(Inspection, inspection, actor)
    _need(actor, "enforcement.decide", insp, "您无权当场处罚", "You may not decide on the spot")
    money = _fine(fine)
    organisation = insp.enterprise.kind != EnterpriseKind.INDIVIDUAL
    if penalty_kind not in (PenaltyKind.WARNING, PenaltyKind.FINE):
        raise DomainError("简易程序只能给予警告或罚款", "On the spot: a warning or a fine only", field="penalty_kind")
    if not rules.on_the_spot_allowed(money, organisation=organisation):
        limit = rules.ON_THE_SPOT_LIMIT_ORGANISATION if organisation else rules.ON_THE_SPOT_LIMIT_INDIVIDUAL
        raise DomainError(f"当场处罚的罚款不能超过 {limit} 元（行政处罚法第五十一条），请按普通程序立案",
                          f"On-the-spot fines are limited to {limit} yuan (Art. 51); open a case", field="fine")
    if penalty_kind == PenaltyKind.WARNING:
        money = Decimal("0.00")
    today = timezone.localdate()
    c = Case.objects.create(procedure=Procedure.SIMPLE, department=insp.department, enterprise=insp.enterprise,
                            jurisdiction=insp.jurisdiction, sector=insp.sector, inspection=insp, cause=cause.strip()[:200],
                            facts=facts.strip(), legal_basis=legal_basis.strip(), penalty_basis=penalty_basis.strip(),
                            penalty_kind=penalty_kind, fine=money, filed_on=today, decided_on=today,
                            delivered_on=today, delivery_method="当场交付", received_by=received_by.strip()[:50],
                            status=CaseStatus.DELIVERED if money else CaseStatus.PAID,
                            paid_on=None if money else today, created_by=_user(actor))
    doc = _doc(c, DocKind.SIMPLE, actor, {"facts": c.facts, "legal_basis": c.legal_basis,
                                          "penalty_basis": c.penalty_basis, "penalty_kind": penalty_kind,
                                          "fine": str(money), "received_by": c.received_by})
    c.number = doc.number
    c.save(update_fields=["number"])
    record_event(c, "case.on_the_spot", actor=actor, summary=Msg(gettext_noop("当场处罚 {number}"), number=c.number))
    _open_due(c)
    return c


def cases_open_count(enterprise: Enterprise) -> int:
    return Case.objects.filter(enterprise=enterprise).filter(~Q(status=CaseStatus.CLOSED)).count()


# --- standardisation (item 21) ---------------------------------------------------------------


def standardization_grade_on(enterprise: Enterprise, day: dt.date) -> str:
    """The best grade of the enterprise's certificates valid on ``day`` ("" when none)."""
    grades = StandardizationCert.objects.filter(enterprise=enterprise, revoked_on__isnull=True,
                                                issued_on__lte=day, valid_until__gte=day).values_list("grade", flat=True)
    return min(grades, default="")


@transaction.atomic
def std_cert_record(*, actor: Any, enterprise: Enterprise, grade: str, number: str, issuer: str, issued_on: dt.date,
                    standard: str = "") -> StandardizationCert:
    """Record a standardisation grade (一/二/三级) with its issuing body, date and 3-year validity;
    the enterprise gets a reminder before it expires (a to-do in its inbox)."""
    if actor is not None and not scope_allows(actor, "enforcement.plan", jurisdiction=enterprise.jurisdiction,
                                              sector=enterprise.sector, enterprise=enterprise):
        raise NotAllowed("您无权录入该企业的标准化等级", "You may not record this enterprise's grade")
    if grade not in StdGrade.values:
        raise DomainError("未知的标准化等级", "Unknown grade", field="grade")
    if not number.strip() or not issuer.strip():
        raise DomainError("须填写证书编号和定级部门", "Number and issuing body are required", field="number")
    if issued_on > timezone.localdate():
        raise DomainError("定级日期不能晚于今天", "The date cannot be in the future", field="issued_on")
    cert = StandardizationCert.objects.create(
        enterprise=enterprise, grade=grade, number=number.strip()[:80], issuer=issuer.strip()[:100],
        issued_on=issued_on, valid_until=std_rules.valid_until(issued_on), standard=standard.strip()[:200],
        created_by=_user(actor))
    record_event(enterprise, "standardization.graded", actor=actor,
                 summary=Msg(gettext_noop("安全生产标准化{grade}（{number}），有效期至 {until}"),
                             grade=cert.get_grade_display(), number=cert.number, until=cert.valid_until))
    for older in StandardizationCert.objects.filter(enterprise=enterprise).exclude(pk=cert.pk):
        due_close(older, DUE_STD_EXPIRY)
    due_open(cert, DUE_STD_EXPIRY, title=f"安全生产标准化{cert.get_grade_display()}到期：{enterprise.name}",
             due_at=end_of_day(cert.valid_until), url="/enforcement/standardization/",
             owner_enterprise=enterprise, owner_jurisdiction=enterprise.jurisdiction, sector=enterprise.sector)
    return cert


@transaction.atomic
def std_cert_revoke(*, actor: Any, cert: StandardizationCert, reason: str) -> StandardizationCert:
    c = _lock(StandardizationCert, cert, actor)
    _need(actor, "enforcement.plan", c, "您无权撤销该等级", "You may not revoke this grade")
    if not reason.strip():
        raise DomainError("须说明撤销原因", "Give the reason", field="reason")
    c.revoked_on, c.revoke_reason = timezone.localdate(), reason.strip()[:200]
    c.save(update_fields=["revoked_on", "revoke_reason"])
    due_close(c, DUE_STD_EXPIRY)
    record_event(c.enterprise, "standardization.revoked", actor=actor, note=reason,
                 summary=Msg(gettext_noop("撤销安全生产标准化等级 {number}"), number=c.number))
    return c


@transaction.atomic
def credit_list(*, actor: Any, enterprise: Enterprise, kind: str, decision_number: str, authority: str, reason: str,
                listed_on: dt.date) -> CreditListing:
    """Put an enterprise on the 严重失信主体名单 (three years, 应急管理部令第11号) or a trust list
    (also three years here, a local choice) by a decision already taken; the plan's rule set reads it."""
    if actor is not None and not scope_allows(actor, "enforcement.plan", jurisdiction=enterprise.jurisdiction,
                                              sector=enterprise.sector, enterprise=enterprise):
        raise NotAllowed("您无权将该企业列入信用名单", "You may not list this enterprise")
    if kind not in CreditKind.values:
        raise DomainError("未知的信用名单", "Unknown list", field="kind")
    if not decision_number.strip() or not authority.strip() or not reason.strip():
        raise DomainError("须填写决定文号、作出决定的部门和列入事由", "The decision number, authority and reason are required",
                          field="decision_number")
    if listed_on > timezone.localdate():
        raise DomainError("列入日期不能晚于今天", "The date cannot be in the future", field="listed_on")
    ends_on = rules.credit_listing_ends(listed_on)
    if CreditListing.objects.filter(enterprise=enterprise, kind=kind, removed_on__isnull=True,
                                    ends_on__gte=listed_on, listed_on__lte=ends_on).exists():
        raise DomainError("该企业已在此名单中", "The enterprise is already on this list", field="enterprise")
    listing = CreditListing.objects.create(
        enterprise=enterprise, kind=kind, decision_number=decision_number.strip()[:80],
        authority=authority.strip()[:100], reason=reason.strip()[:300], listed_on=listed_on, ends_on=ends_on,
        created_by=_user(actor))
    record_event(enterprise, "credit.listed", actor=actor,
                 summary=Msg(gettext_noop("列入{kind}（{number}），管理期限至 {until}"), kind=listing.get_kind_display(),
                             number=listing.decision_number, until=listing.ends_on))
    return listing


@transaction.atomic
def credit_remove(*, actor: Any, listing: CreditListing, reason: str, revoked: bool = False,
                  removed_on: dt.date | None = None) -> CreditListing:
    """Take an enterprise off a list before its term: early removal after credit repair (a
    严重失信 listing only after 12 months), or ``revoked`` when the decision itself was annulled."""
    c = _lock(CreditListing, listing, actor)
    _need(actor, "enforcement.plan", c, "您无权移出该名单", "You may not remove this listing")
    day = removed_on or timezone.localdate()
    if not reason.strip():
        raise DomainError("须说明移出事由", "Give the reason", field="reason")
    if c.removed_on is not None or day > c.ends_on:
        raise InvalidTransition("该名单已移出或已期满", "The listing has already ended")
    if day < c.listed_on or day > timezone.localdate():
        raise DomainError("移出日期须在列入日期与今天之间", "The date must be between the listing and today",
                          field="removed_on")
    earliest = rules.credit_early_removal_from(c.listed_on)
    if c.kind == CreditKind.BAD and not revoked and day < earliest:
        raise DomainError(f"列入严重失信主体名单满12个月（{earliest:%Y-%m-%d} 起）方可提前移出；决定被撤销的请选择“决定撤销”",
                          f"Early removal is possible from {earliest:%Y-%m-%d} (12 months on the list); "
                          "choose 'decision annulled' if the decision was revoked", field="removed_on")
    c.removed_on, c.removal_reason = day, (("决定撤销：" if revoked else "") + reason.strip())[:300]
    c.save(update_fields=["removed_on", "removal_reason"])
    record_event(c.enterprise, "credit.removed", actor=actor, note=reason,
                 summary=Msg(gettext_noop("移出{kind}（{number}）"), kind=c.get_kind_display(), number=c.decision_number))
    return c


@transaction.atomic
def self_assess(*, actor: Any, enterprise: Enterprise, version: Any, deductions: dict[str, Any],
                not_applicable: Iterable[str] = (), assessed_on: dt.date | None = None) -> SelfAssessment:
    """A self-assessment against a published scoring table (checklist of kind 标准化评分): the
    deductions per item code, items that do not apply leave the base. Handing it in is the
    enterprise's application for review, so it closes the expiry reminder."""
    if actor is not None and not scope_allows(actor, "enforcement.standardize", jurisdiction=enterprise.jurisdiction,
                                              sector=enterprise.sector, enterprise=enterprise):
        raise NotAllowed("您无权为该企业自评", "You may not assess this enterprise")
    # values of checklists' ChecklistKind / VersionStatus (a domain app reads, not imports, its peers)
    if version.template.kind != "standardization_scoring" or version.status != "published":
        raise DomainError("须选择已发布的标准化评分标准", "Choose a published scoring table", field="version")
    items = {i.code: i for i in version.items.all()}
    na = sorted(set(not_applicable))
    unknown = [c for c in [*deductions, *na] if c not in items]
    if unknown:
        raise DomainError(f"评分标准中没有条目：{'、'.join(unknown[:5])}", f"Unknown items: {unknown[:5]}",
                          field="deductions")
    clean: dict[str, str] = {}
    total = Decimal(0)
    for code, raw in deductions.items():
        value = _fine(raw, "deductions")
        if value > (items[code].points or 0):
            raise DomainError(f"条目 {code} 扣分超过其分值", f"Item {code}: deduction above its points", field="deductions")
        clean[code] = str(value)
        total += value
    points = sum(i.points or 0 for i in items.values())
    na_points = sum(items[c].points or 0 for c in na)
    score = std_rules.percent_score(points, total, na_points)
    a = SelfAssessment.objects.create(enterprise=enterprise, version=version, deductions=clean, not_applicable=na,
                                      score=score, reaches=std_rules.grade_for_score(score),
                                      assessed_on=assessed_on or timezone.localdate(), created_by=_user(actor))
    record_event(enterprise, "standardization.self_assessed", actor=actor,
                 summary=Msg(gettext_noop("标准化自评 {score} 分"), score=score))
    for cert in StandardizationCert.objects.filter(enterprise=enterprise):
        due_close(cert, DUE_STD_EXPIRY)
    return a


# --- occupational health (item 18) -----------------------------------------------------------

OH_CATEGORIES = {key for key, _zh, _en in oh_rules.CATEGORIES}


@transaction.atomic
def oh_declare(*, actor: Any, enterprise: Enterprise, kind: str, factors: dict[str, list[dict[str, Any]]],
               workplaces: Sequence[str] = (), workers: int = 0, tested_on: dt.date | None = None,
               test_passed: bool | None = None, health_checked: int = 0, has_highly_toxic: bool = False,
               reason: str = "", declared_on: dt.date | None = None) -> OhDeclaration:
    """职业病危害项目申报 (initial / change / annual). Factors are grouped by the six categories of
    the 2015 catalogue, each ``{"name": …, "exposed": n}``. The next annual update is then due
    11–13 months later (a to-do in the enterprise's inbox); a pending initial or change
    declaration is closed."""
    if actor is not None and not scope_allows(actor, "enforcement.standardize", jurisdiction=enterprise.jurisdiction,
                                              sector=enterprise.sector, enterprise=enterprise):
        raise NotAllowed("您无权为该企业申报", "You may not declare for this enterprise")
    if kind not in OhKind.values:
        raise DomainError("未知的申报类型", "Unknown declaration kind", field="kind")
    bad = [k for k in factors if k not in OH_CATEGORIES]
    if bad:
        raise DomainError(f"未知的危害因素类别：{'、'.join(bad)}", f"Unknown categories: {bad}", field="factors")
    clean: dict[str, list[dict[str, Any]]] = {}
    exposed = 0
    for cat, rows in factors.items():
        out = []
        for row in rows:
            name = str(row.get("name", "")).strip()
            n = int(row.get("exposed", 0) or 0)
            if not name or n < 0:
                raise DomainError("每个危害因素须有名称和接触人数", "Each factor needs a name and a count", field="factors")
            out.append({"name": name[:100], "exposed": n})
            exposed = max(exposed, n)
        if out:
            clean[cat] = out
    if workers and exposed > workers:
        raise DomainError("接触人数不能超过劳动者总数", "Exposed workers exceed the workforce", field="factors")
    declared_on = declared_on or timezone.localdate()
    d = OhDeclaration.objects.create(
        enterprise=enterprise, kind=kind, declared_on=declared_on, reason=reason.strip()[:200], factors=clean,
        workplaces=[w.strip()[:100] for w in workplaces if w.strip()], workers=workers,
        exposed=sum(max((r["exposed"] for r in rows), default=0) for rows in clean.values()) if clean else 0,
        tested_on=tested_on, test_passed=test_passed, health_checked=health_checked,
        has_dust=bool(clean.get("dust")), has_highly_toxic=has_highly_toxic, created_by=_user(actor))
    record_event(enterprise, "occupational.declared", actor=actor,
                 summary=Msg(gettext_noop("职业病危害项目{kind}"), kind=d.get_kind_display()))
    due_close(enterprise, DUE_OH_CHANGE)
    due_close(enterprise, DUE_OH_INITIAL)
    due_open(enterprise, DUE_OH_ANNUAL, title=f"职业病危害项目年度更新：{enterprise.name}",
             due_at=end_of_day(oh_rules.declaration_due(oh_rules.Kind.ANNUAL, declared_on)),
             url="/enforcement/occupational/", owner_enterprise=enterprise,
             owner_jurisdiction=enterprise.jurisdiction, sector=enterprise.sector)
    return d


@transaction.atomic
def oh_event(*, actor: Any, enterprise: Enterprise, kind: str, event_on: dt.date, note: str = "") -> None:
    """A project accepted (initial declaration due in 30 days) or a substantial change (change
    declaration due in 15 days): a to-do in the enterprise's inbox."""
    if actor is not None and not scope_allows(actor, "enforcement.plan", jurisdiction=enterprise.jurisdiction,
                                              sector=enterprise.sector, enterprise=enterprise):
        raise NotAllowed("您无权登记该企业的申报事项", "You may not record this for the enterprise")
    if kind not in (OhKind.INITIAL, OhKind.CHANGE):
        raise DomainError("只有首次申报和变更申报由事项触发", "Only initial and change declarations are triggered",
                          field="kind")
    due = oh_rules.declaration_due(oh_rules.Kind(kind), event_on)
    code = DUE_OH_INITIAL if kind == OhKind.INITIAL else DUE_OH_CHANGE
    due_open(enterprise, code, title=f"职业病危害项目{OhKind(kind).label}：{enterprise.name}", due_at=end_of_day(due),
             url="/enforcement/occupational/", owner_enterprise=enterprise,
             owner_jurisdiction=enterprise.jurisdiction, sector=enterprise.sector)
    record_event(enterprise, "occupational.due", actor=actor, note=note,
                 summary=Msg(gettext_noop("职业病危害项目{kind}应于 {due} 前完成"), kind=OhKind(kind).label, due=due))


# --- sector campaigns (专项整治, item 17) --------------------------------------------------------


@transaction.atomic
def campaign_create(*, actor: Any, title: str, field: str, jurisdiction: Jurisdiction, lead: Department,
                    starts_on: dt.date, ends_on: dt.date, goals: str = "", sector_codes: Sequence[str] = ()) -> Campaign:
    """Launch a sector campaign in a territory: the enterprises of its sectors there become its
    targets."""
    if actor is not None and not scope_allows(actor, "enforcement.plan", jurisdiction=jurisdiction):
        raise NotAllowed("您无权在该范围组织专项整治", "You may not run a campaign there")
    if field not in CampaignField.values:
        raise DomainError("未知的整治领域", "Unknown field", field="field")
    if ends_on < starts_on:
        raise DomainError("结束日期不能早于开始日期", "The end cannot precede the start", field="ends_on")
    if not title.strip():
        raise DomainError("请填写名称", "The title is required", field="title")
    if actor is not None and not within_choice(actor, "orgs.departments", lead):
        raise DomainError("所选部门不存在或不在您的管辖范围内", "The department is outside your reach", field="lead")
    codes = [c.strip().upper() for c in sector_codes if c.strip()]
    c = Campaign.objects.create(title=title.strip()[:200], field=field, jurisdiction=jurisdiction, lead=lead,
                                sector_codes=codes, starts_on=starts_on, ends_on=ends_on, goals=goals.strip(),
                                created_by=_user(actor))
    sectors = list(Sector.objects.filter(code__in=codes))
    if sectors:
        ents = Enterprise.objects.filter(sector_id__in=Sector.ids_within(sectors),
                                         jurisdiction__path__startswith=jurisdiction.path
                                         ).exclude(status=EnterpriseStatus.CLOSED).values_list("pk", flat=True)
        CampaignTarget.objects.bulk_create([CampaignTarget(campaign=c, enterprise_id=pk) for pk in ents],
                                           batch_size=1000)
    record_event(c, "campaign.created", actor=actor,
                 summary=Msg(gettext_noop("部署专项整治：{n} 家整治对象"), n=c.targets.count()))
    return c


@transaction.atomic
def campaign_task_add(*, actor: Any, campaign: Campaign, department: Department, title: str,
                      due_on: dt.date) -> CampaignTask:
    """Give a department a task of the campaign: a to-do in that department's inbox."""
    c = _lock(Campaign, campaign, actor)
    _need(actor, "enforcement.plan", c, "您无权分配该专项整治的任务", "You may not assign tasks of this campaign")
    if c.status != CampaignStatus.ACTIVE:
        raise InvalidTransition("专项整治已总结", "The campaign is closed")
    if actor is not None and not within_choice(actor, "orgs.departments", department):
        raise DomainError("所选部门不存在或不在您的管辖范围内", "The department is outside your reach", field="department")
    if not title.strip():
        raise DomainError("请填写任务", "The task is required", field="title")
    t = CampaignTask.objects.create(campaign=c, department=department, title=title.strip()[:200], due_on=due_on)
    due_open(t, DUE_CAMPAIGN_TASK, title=f"{c.title}：{t.title}", due_at=end_of_day(due_on),
             url=f"/enforcement/campaigns/tasks/{t.pk}/", owner_department=department)
    record_event(c, "campaign.task", actor=actor,
                 summary=Msg(gettext_noop("分配任务：{dept} {title}"), dept=department.name, title=t.title))
    return t


@transaction.atomic
def campaign_task_done(*, actor: Any, task: CampaignTask, report: str) -> CampaignTask:
    t = CampaignTask.objects.select_for_update().select_related("campaign").get(pk=task.pk)
    if actor is not None and not can(actor, "enforcement.view", t):
        raise NotFoundInScope()
    _need(actor, "enforcement.inspect", t, "您无权报告该任务", "You may not report on this task")
    if t.done_on:
        raise InvalidTransition("任务已完成", "The task is done")
    if not report.strip():
        raise DomainError("请填写完成情况", "Describe what was done", field="report")
    t.done_on, t.report = timezone.localdate(), report.strip()
    t.save(update_fields=["done_on", "report"])
    due_close(t, DUE_CAMPAIGN_TASK)
    record_event(t.campaign, "campaign.task_done", actor=actor, note=report,
                 summary=Msg(gettext_noop("任务完成：{dept} {title}"), dept=t.department.name, title=t.title))
    return t


@transaction.atomic
def campaign_close(*, actor: Any, campaign: Campaign, summary: str) -> Campaign:
    c = _lock(Campaign, campaign, actor)
    _need(actor, "enforcement.plan", c, "您无权总结该专项整治", "You may not close this campaign")
    if c.status != CampaignStatus.ACTIVE:
        raise InvalidTransition("专项整治已总结", "The campaign is closed")
    if not summary.strip():
        raise DomainError("请填写工作总结", "The summary is required", field="summary")
    c.status, c.summary = CampaignStatus.CLOSED, summary.strip()
    c.save(update_fields=["status", "summary"])
    for t in c.tasks.filter(done_on__isnull=True):
        due_close(t, DUE_CAMPAIGN_TASK)
    record_event(c, "campaign.closed", actor=actor, summary=Msg(gettext_noop("专项整治总结")))
    return c
