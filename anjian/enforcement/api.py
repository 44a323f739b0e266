"""Enforcement API: cases (with documents, deadlines and available steps), the payment and
response steps, inspections, and draws with their audit (re-run from the stored seed).
Out-of-scope rows are 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from anjian.core.api import require
from anjian.core.apischema import Id, In, Limit, Param, Year
from anjian.core.errors import DomainError
from anjian.core.lookups import Ref, resolve_refs
from anjian.core.scoping import get_in_scope
from anjian.enforcement import services
from anjian.enforcement.models import (
    Campaign,
    Case,
    ClassificationRule,
    CreditListing,
    Finding,
    Inspection,
    InspectionPlan,
    Inspector,
    PlanTarget,
    RandomDraw,
    StandardizationCert,
)
from anjian.enforcement.selectors import (
    campaign_list,
    campaign_progress,
    case_deadlines_estimated,
    case_documents,
    case_list,
    case_transitions,
    draw_list,
    draw_progress,
    inspection_list,
    oh_statistics,
    plan_list,
    plan_progress,
)
from anjian.jobs.api import JobOut

router = Router(tags=["enforcement"])


class CaseOut(Schema):
    id: int
    number: str
    procedure: str
    status: str
    enterprise_id: int
    enterprise: str
    department: str
    cause: str
    penalty_kind: str
    fine: Decimal | None
    filed_on: dt.date
    notified_on: dt.date | None
    decided_on: dt.date | None
    delivered_on: dt.date | None
    paid_on: dt.date | None
    surcharge: Decimal

    @staticmethod
    def resolve_enterprise(obj: Case) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_department(obj: Case) -> str:
        return obj.department.name


class DocumentOut(Schema):
    id: int
    kind: str
    number: str
    issued_on: dt.date
    deadline: dt.date | None
    delivered_on: dt.date | None


class DeadlineOut(Schema):
    key: str
    date: dt.date
    estimate: bool = False  # the year has no holiday data yet: the earliest the date can be


class CaseDetailOut(CaseOut):
    hearing_at: dt.datetime | None
    hearing_place: str
    hearing_host: str
    hearing_right: str = Field(description="行政处罚法第六十三条的听证事由：large_fine / suspend；空为不属于听证范围 / "
                                           "the Art. 63 ground of the party's hearing right, empty when none")
    documents: list[DocumentOut]
    deadlines: list[DeadlineOut]
    transitions: list[dict]


class InspectionOut(Schema):
    id: int
    code: str
    kind: str
    status: str
    enterprise_id: int
    department_id: int
    place: str
    started_at: dt.datetime
    ended_at: dt.datetime | None


class DrawOut(Schema):
    id: int
    department_id: int
    jurisdiction_id: int
    matter_id: int
    seed: str
    ratio_percent: Decimal
    population: list[int]
    status: str
    picks: list[dict]
    reproduced: bool
    progress: dict


class _DrawOut(DrawOut):
    @staticmethod
    def resolve_picks(obj: RandomDraw) -> list:
        return obj.picks_out  # type: ignore[attr-defined,no-any-return]


class RespondIn(In):
    db_model = Case
    statement: str = ""
    hearing_requested: bool = False


class PayIn(In):
    paid_on: dt.date


def _case(request: HttpRequest, pk: int) -> Case:
    return get_in_scope(Case.objects.select_related("enterprise", "department"), request.user, "enforcement.view", pk=pk)


def _detail(request: HttpRequest, c: Case) -> Case:
    c.documents_out = list(case_documents(user=request.user, case=c))  # type: ignore[attr-defined]
    c.deadlines_out = [{"key": k, "date": d, "estimate": est}  # type: ignore[attr-defined]
                       for k, d, est in case_deadlines_estimated(c)]
    c.transitions_out = [{"target": t.target, "action": t.action, "label": str(t.label)}  # type: ignore[attr-defined]
                         for t in case_transitions(case=c, user=request.user)]
    c.hearing_right = services.hearing_right(c)  # type: ignore[attr-defined]
    return c


class _Detail(CaseDetailOut):
    @staticmethod
    def resolve_documents(obj: Case) -> list:
        return obj.documents_out  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_deadlines(obj: Case) -> list:
        return obj.deadlines_out  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_transitions(obj: Case) -> list:
        return obj.transitions_out  # type: ignore[attr-defined,no-any-return]


@router.get("/cases", response=list[CaseOut], summary="案件列表 / cases in scope (keyset by id, newest first)")
def list_cases(request: HttpRequest, status: str = "", after_id: Id | None = None, limit: Limit = 100):
    require(request, "enforcement.view")
    qs = case_list(user=request.user, status=status).order_by("-id")
    if after_id:
        qs = qs.filter(id__lt=after_id)
    return list(qs[: max(1, min(limit, 1000))])


@router.get("/cases/{pk}", response=_Detail, summary="案卷 / one case with its documents, deadlines and steps")
def get_case(request: HttpRequest, pk: Id):
    require(request, "enforcement.view")
    return _detail(request, _case(request, pk))


@router.post("/cases/{pk}/respond", response=_Detail, summary="陈述申辩 / the party states its case")
def respond_case(request: HttpRequest, pk: Id, payload: RespondIn):
    require(request, "enforcement.respond")
    c = services.case_respond(actor=request.user, case=_case(request, pk), statement=payload.statement,
                              hearing_requested=payload.hearing_requested)
    return _detail(request, _case(request, c.pk))


@router.post("/cases/{pk}/pay", response=_Detail, summary="缴纳罚款 / record the payment of the fine")
def pay_case(request: HttpRequest, pk: Id, payload: PayIn):
    require(request, "enforcement.pay")
    c = services.case_pay(actor=request.user, case=_case(request, pk), paid_on=payload.paid_on)
    return _detail(request, _case(request, c.pk))


@router.get("/inspections", response=list[InspectionOut], summary="现场检查 / inspections in scope")
def list_inspections(request: HttpRequest, after_id: Id | None = None, limit: Limit = 100):
    require(request, "enforcement.view")
    qs = inspection_list(user=request.user).order_by("-id")
    if after_id:
        qs = qs.filter(id__lt=after_id)
    return list(qs[: max(1, min(limit, 1000))])


@router.get("/inspections/{pk}", response=InspectionOut, summary="现场检查 / one inspection")
def get_inspection(request: HttpRequest, pk: Id):
    require(request, "enforcement.view")
    return get_in_scope(Inspection.objects.all(), request.user, "enforcement.view", pk=pk)


def _draw_out(request: HttpRequest, pk: int) -> RandomDraw:
    d = get_in_scope(RandomDraw.objects.all(), request.user, "enforcement.view", pk=pk)
    d.picks_out = [{"id": p.pk, "order": p.order, "enterprise_id": p.enterprise_id,  # type: ignore[attr-defined]
                    "inspector_ids": sorted(i.pk for i in p.inspectors.all())}
                   for p in d.picks.order_by("order").prefetch_related("inspectors")]
    d.reproduced = services.draw_verify(d)  # type: ignore[attr-defined]
    d.progress = draw_progress(d)  # type: ignore[attr-defined]
    return d


@router.get("/draws/{pk}", response=_DrawOut, summary="双随机抽查 / a draw, its seed and population, re-run to audit it")
def get_draw(request: HttpRequest, pk: Id):
    require(request, "enforcement.view")
    return _draw_out(request, pk)



class CampaignOut(Schema):
    id: int
    title: str
    field: str
    jurisdiction_code: str
    lead: str
    starts_on: dt.date
    ends_on: dt.date
    status: str

    @staticmethod
    def resolve_jurisdiction_code(obj: Campaign) -> str:
        return obj.jurisdiction.code

    @staticmethod
    def resolve_lead(obj: Campaign) -> str:
        return obj.lead.name


class CertOut(Schema):
    id: int
    enterprise_id: int
    grade: str
    number: str
    issuer: str
    issued_on: dt.date
    valid_until: dt.date
    revoked_on: dt.date | None


@router.get("/campaigns", response=list[CampaignOut], summary="专项整治 / campaigns in scope")
def list_campaigns(request: HttpRequest, after_id: Id | None = None, limit: Limit = 100):
    require(request, "enforcement.view")
    qs = campaign_list(user=request.user).order_by("-id")
    if after_id:
        qs = qs.filter(id__lt=after_id)
    return list(qs[: max(1, min(limit, 1000))])


@router.get("/campaigns/{pk}/progress", summary="专项整治进度 / targets inspected, findings, tasks")
def get_campaign_progress(request: HttpRequest, pk: Id):
    require(request, "enforcement.view")
    c = get_in_scope(Campaign.objects.all(), request.user, "enforcement.view", pk=pk)
    p = campaign_progress(c)
    return {"targets": p["targets"], "inspected": p["inspected"], "percent": p["percent"], "hazards": p["hazards"],
            "violations": p["violations"], "tasks": len(p["tasks"]), "tasks_done": p["tasks_done"]}


@router.get("/standardization", response=list[CertOut], summary="标准化等级 / standardisation grades in scope")
def list_certs(request: HttpRequest, after_id: Id | None = None, limit: Limit = 100):
    require(request, "enforcement.view")
    qs = StandardizationCert.objects.restrict(request.user, "enforcement.view").order_by("-id")
    if after_id:
        qs = qs.filter(id__lt=after_id)
    return list(qs[: max(1, min(limit, 1000))])


class CreditOut(Schema):
    id: int
    enterprise_id: int
    kind: str
    decision_number: str
    authority: str
    reason: str
    listed_on: dt.date
    ends_on: dt.date
    removed_on: dt.date | None
    removal_reason: str


class CreditIn(In):
    db_model = CreditListing
    enterprise_id: Annotated[int, Ref("enterprises@enforcement.plan")]
    kind: Annotated[str, Field(pattern="^(bad|good)$")] = "bad"
    decision_number: str
    authority: str
    reason: str
    listed_on: dt.date


class CreditRemoveIn(In):
    db_model = CreditListing
    reason: Annotated[str, Field(max_length=300)]
    revoked: bool = False
    removed_on: dt.date | None = None


@router.get("/credit", response=list[CreditOut],
            summary="信用名单 / enterprises on the 严重失信 (bad) or trust (good) list in scope")
def list_credit(request: HttpRequest, kind: Param = "", enterprise_id: Id | None = None, after_id: Id | None = None,
                limit: Limit = 100):
    require(request, "enforcement.view")
    qs = CreditListing.objects.restrict(request.user, "enforcement.view").order_by("-id")
    if kind:
        qs = qs.filter(kind=kind)
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    if after_id:
        qs = qs.filter(id__lt=after_id)
    return list(qs[: max(1, min(limit, 1000))])


@router.post("/credit", response={201: CreditOut}, summary="列入信用名单 / list an enterprise (three years)")
def create_credit(request: HttpRequest, payload: CreditIn):
    require(request, "enforcement.plan")
    refs = resolve_refs(request.user, payload)
    listing = services.credit_list(actor=request.user, enterprise=refs["enterprise_id"], kind=payload.kind,
                                   decision_number=payload.decision_number, authority=payload.authority,
                                   reason=payload.reason, listed_on=payload.listed_on)
    return Status(201, listing)


@router.post("/credit/{pk}/remove", response=CreditOut,
             summary="移出信用名单 / early removal (严重失信: after 12 months) or the decision annulled (revoked)")
def remove_credit(request: HttpRequest, pk: Id, payload: CreditRemoveIn):
    require(request, "enforcement.plan")
    listing = get_in_scope(CreditListing.objects.all(), request.user, "enforcement.view", pk=pk)
    return services.credit_remove(actor=request.user, listing=listing, reason=payload.reason, revoked=payload.revoked,
                                  removed_on=payload.removed_on)


@router.get("/occupational/statistics", summary="职业病危害申报统计 / declarations, exposure, dust and highly "
            "toxic substances by district or sector")
def oh_stats(request: HttpRequest, by: str = "district"):
    require(request, "enforcement.view")
    return oh_statistics(user=request.user, by="sector" if by == "sector" else "district")


# --- writes: plans, draws, inspections, the hearing -------------------------------------------


class PlanOut(Schema):
    id: int
    department_id: int
    jurisdiction_id: int
    year: int
    title: str
    status: str
    number: str
    progress: dict

    @staticmethod
    def resolve_progress(obj: InspectionPlan) -> dict:
        p = plan_progress(obj)
        return {"targets": p["targets"], "quota": p["quota"], "done": p["done"], "percent": p["percent"],
                "by_class": dict(p["by_class"])}


class PlanTargetOut(Schema):
    id: int
    enterprise_id: int
    klass: str
    quota: int
    rule_label: str
    adjusted: bool
    adjust_note: str


class PlanIn(In):
    db_model = InspectionPlan
    department_id: Annotated[int, Ref("orgs.departments")]
    jurisdiction_code: Annotated[str, Ref("orgs.jurisdictions", by="code")]
    year: Year


class TargetAdjustIn(In):
    db_model = PlanTarget
    klass: str = Field(pattern="^[ABCD]$")
    quota: int = Field(ge=0, le=52)
    note: str = Field(min_length=1, max_length=200)


class NoteIn(In):
    note: str = Field(default="", max_length=2000)


class DrawIn(In):
    db_model = RandomDraw
    department_id: Annotated[int, Ref("orgs.departments")]
    jurisdiction_code: Annotated[str, Ref("orgs.jurisdictions", by="code")]
    matter_id: Annotated[int, Ref("enforcement.matters")]
    ratio_percent: Decimal = Field(gt=0, le=100, max_digits=5, decimal_places=2)
    seed: str = ""


class RecheckOut(Schema):
    reproduced: bool


class InspectionIn(In):
    db_model = Inspection
    department_id: Annotated[int, Ref("orgs.departments")]
    enterprise_id: Annotated[int, Ref("enterprises")]
    inspector_ids: list[Id] = Field(default_factory=list, max_length=20)
    kind: str = "plan"
    place: str = ""
    draw_pick_id: Annotated[int | None, Ref("enforcement.draw_picks")] = None
    campaign_id: Annotated[int | None, Ref("enforcement.campaigns")] = None


class FindingIn(In):
    db_model = Finding
    description: str = ""
    disposition: str
    checklist_item_id: Annotated[int | None, Ref("checklists.hazard_items")] = None
    legal_basis: str = ""
    is_major: bool = False
    lng: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)
    accuracy_m: float | None = Field(default=None, ge=0, le=100_000)


class FindingOut(Schema):
    id: int
    inspection_id: int
    description: str
    disposition: str
    is_major: bool
    hazard_id: int | None
    case_id: int | None


class CompleteIn(In):
    db_model = Inspection
    content: str
    handling: str = ""
    accompanied_by: str = ""
    head_signed: bool = True
    refusal_note: str = ""


class InspectionDetailOut(InspectionOut):
    draw_pick_id: int | None
    campaign_id: int | None
    plan_target_id: int | None
    record_number: str
    findings: list[FindingOut]

    @staticmethod
    def resolve_findings(obj: Inspection) -> list:
        return list(obj.findings.all())


class HearingNoticeIn(In):
    hearing_at: dt.datetime
    place: str = Field(max_length=200)
    host: str = Field(max_length=50)
    notice_on: dt.date | None = None


class HearingRecordIn(In):
    held_on: dt.date
    attendees: str = Field(default="", max_length=1000)
    proceedings: str
    party_absent: bool = False
    party_signed: bool = True
    refusal_note: str = Field(default="", max_length=200)


class HearingReportIn(In):
    opinion: str
    recommendation: str


def _plan(request: HttpRequest, pk: int) -> InspectionPlan:
    return get_in_scope(InspectionPlan.objects.all(), request.user, "enforcement.view", pk=pk)


@router.get("/plans", response=list[PlanOut], summary="监督检查计划 / plans in scope")
def list_plans(request: HttpRequest, after_id: Id | None = None, limit: Limit = 100):
    require(request, "enforcement.view")
    qs = plan_list(user=request.user).order_by("-id")
    if after_id:
        qs = qs.filter(id__lt=after_id)
    return list(qs[:limit])


@router.post("/plans", response={201: PlanOut, 202: JobOut},
             summary="生成（或在编制中重新生成）年度监督检查计划 / generate a plan",
             description="A plan over more than 20,000 enterprises is generated by a job: the answer is 202 with "
                         "the job (`GET /api/v1/jobs/{id}`; its result names the plan). / 企业超过 2 万家的计划由后台任务生成，"
                         "返回 202 及任务。")
def create_plan(request: HttpRequest, payload: PlanIn):
    require(request, "enforcement.plan")
    refs = resolve_refs(request.user, payload)
    made = services.plan_generate_start(actor=request.user, department=refs["department_id"],
                                        jurisdiction=refs["jurisdiction_code"], year=payload.year)
    if not isinstance(made, InspectionPlan):
        return Status(202, made)
    return Status(201, _plan(request, made.pk))


@router.get("/plans/{pk}", response=PlanOut, summary="监督检查计划及进度 / one plan with its progress per class")
def get_plan(request: HttpRequest, pk: Id):
    require(request, "enforcement.view")
    return _plan(request, pk)


@router.get("/plans/{pk}/targets", response=list[PlanTargetOut], summary="计划检查对象 / the plan's targets")
def list_plan_targets(request: HttpRequest, pk: Id, after_id: Id | None = None, limit: Limit = 100):
    require(request, "enforcement.view")
    plan = _plan(request, pk)
    qs = PlanTarget.objects.restrict(request.user, "enforcement.view").filter(plan=plan).order_by("id")
    if after_id:
        qs = qs.filter(id__gt=after_id)
    return list(qs[:limit])


@router.post("/plans/{pk}/targets/{target_pk}", response=PlanTargetOut,
             summary="调整计划对象的分类与检查次数（须说明理由）/ adjust a target")
def adjust_plan_target(request: HttpRequest, pk: Id, target_pk: Id, payload: TargetAdjustIn):
    require(request, "enforcement.plan")
    plan = _plan(request, pk)
    target = get_in_scope(PlanTarget.objects.filter(plan=plan), request.user, "enforcement.view", pk=target_pk)
    return services.plan_target_adjust(actor=request.user, target=target, klass=payload.klass, quota=payload.quota,
                                       note=payload.note)


@router.post("/plans/{pk}/move/{target}", response=PlanOut,
             summary="提交审批 submitted / 退回 draft / 审批通过 approved / 公布 published")
def move_plan(request: HttpRequest, pk: Id, target: Param, payload: NoteIn):
    require(request, "enforcement.view")
    plan = _plan(request, pk)
    services.plan_move(actor=request.user, plan=plan, target=target, note=payload.note)
    return _plan(request, pk)


@router.get("/draws", response=list[_DrawOut], summary="双随机抽查 / draws in scope")
def list_draws(request: HttpRequest, after_id: Id | None = None, limit: Annotated[int, Field(ge=1, le=100)] = 20):
    require(request, "enforcement.view")
    qs = draw_list(user=request.user).order_by("-id")
    if after_id:
        qs = qs.filter(id__lt=after_id)
    return [_draw_out(request, d.pk) for d in qs[:limit]]


@router.post("/draws", response={201: _DrawOut}, summary="双随机抽取（记录种子，可复核）/ perform a draw")
def create_draw(request: HttpRequest, payload: DrawIn):
    require(request, "enforcement.draw")
    refs = resolve_refs(request.user, payload)
    d = services.draw_run(actor=request.user, department=refs["department_id"], jurisdiction=refs["jurisdiction_code"],
                          matter=refs["matter_id"], ratio_percent=payload.ratio_percent, seed=payload.seed)
    return Status(201, _draw_out(request, d.pk))


@router.post("/draws/{pk}/recheck", response=RecheckOut, summary="复核抽查：按存档种子重新抽取 / re-run a draw from its seed")
def recheck_draw(request: HttpRequest, pk: Id):
    require(request, "enforcement.view")
    d = get_in_scope(RandomDraw.objects.all(), request.user, "enforcement.view", pk=pk)
    return {"reproduced": services.draw_recheck(actor=request.user, draw=d)}


@router.post("/draws/{pk}/publish", response=_DrawOut, summary="公示抽查结果 / publish on the public site")
def publish_draw(request: HttpRequest, pk: Id):
    require(request, "enforcement.draw")
    d = get_in_scope(RandomDraw.objects.all(), request.user, "enforcement.view", pk=pk)
    services.draw_publish(actor=request.user, draw=d)
    return _draw_out(request, pk)


def _inspection(request: HttpRequest, pk: int) -> Inspection:
    return get_in_scope(Inspection.objects.all(), request.user, "enforcement.view", pk=pk)


@router.post("/inspections", response={201: InspectionDetailOut},
             summary="开始现场检查（可关联抽查结果或专项整治）/ start an inspection")
def create_inspection(request: HttpRequest, payload: InspectionIn):
    require(request, "enforcement.inspect")
    refs = resolve_refs(request.user, payload)
    ids = list(dict.fromkeys(payload.inspector_ids))
    officers = list(Inspector.objects.restrict(request.user, "enforcement.view").filter(pk__in=ids))
    if len(officers) != len(ids):
        raise DomainError("所选执法人员不存在或不在您的管辖范围内", "An inspector is unknown or outside your reach",
                          field="inspector_ids")
    insp = services.inspection_start(actor=request.user, department=refs["department_id"],
                                     enterprise=refs["enterprise_id"], inspectors=officers, kind=payload.kind,
                                     place=payload.place, draw_pick=refs["draw_pick_id"], campaign=refs["campaign_id"])
    return Status(201, _inspection(request, insp.pk))


@router.get("/inspections/{pk}/detail", response=InspectionDetailOut, summary="现场检查及检查发现 / with its findings")
def get_inspection_detail(request: HttpRequest, pk: Id):
    require(request, "enforcement.view")
    return _inspection(request, pk)


@router.post("/inspections/{pk}/findings", response={201: FindingOut},
             summary="记录检查发现：符合 ok / 隐患 hazard（进入隐患闭环）/ 违法行为 violation（待立案）")
def add_finding(request: HttpRequest, pk: Id, payload: FindingIn):
    require(request, "enforcement.inspect")
    insp = _inspection(request, pk)
    refs = resolve_refs(request.user, payload)
    f = services.finding_add(actor=request.user, inspection=insp, description=payload.description,
                             disposition=payload.disposition, checklist_item=refs["checklist_item_id"],
                             legal_basis=payload.legal_basis, is_major=payload.is_major, lng=payload.lng,
                             lat=payload.lat, accuracy_m=payload.accuracy_m)
    return Status(201, f)


@router.post("/inspections/{pk}/complete", response=InspectionDetailOut,
             summary="结束检查，编号现场检查记录 / close the on-site record")
def complete_inspection(request: HttpRequest, pk: Id, payload: CompleteIn):
    require(request, "enforcement.inspect")
    insp = _inspection(request, pk)
    services.inspection_complete(actor=request.user, inspection=insp, content=payload.content,
                                 handling=payload.handling, accompanied_by=payload.accompanied_by,
                                 head_signed=payload.head_signed, refusal_note=payload.refusal_note)
    return _inspection(request, pk)


@router.post("/cases/{pk}/hearing/notice", response=_Detail,
             summary="听证会通知书（听证七个工作日前）/ give notice of the hearing")
def hearing_notice(request: HttpRequest, pk: Id, payload: HearingNoticeIn):
    require(request, "enforcement.handle")
    c = services.case_hearing_notice(actor=request.user, case=_case(request, pk), hearing_at=payload.hearing_at,
                                     place=payload.place, host=payload.host, notice_on=payload.notice_on)
    return _detail(request, _case(request, c.case_id))


@router.post("/cases/{pk}/hearing/record", response=_Detail, summary="听证笔录 / the hearing record")
def hearing_record(request: HttpRequest, pk: Id, payload: HearingRecordIn):
    require(request, "enforcement.handle")
    d = services.case_hearing_record(actor=request.user, case=_case(request, pk), held_on=payload.held_on,
                                     attendees=payload.attendees, proceedings=payload.proceedings,
                                     party_absent=payload.party_absent, party_signed=payload.party_signed,
                                     refusal_note=payload.refusal_note)
    return _detail(request, _case(request, d.case_id))


@router.post("/cases/{pk}/hearing/report", response=_Detail, summary="听证会报告书（转入待决定）/ the hearing report")
def hearing_report(request: HttpRequest, pk: Id, payload: HearingReportIn):
    require(request, "enforcement.handle")
    c = services.case_hearing_report(actor=request.user, case=_case(request, pk), opinion=payload.opinion,
                                     recommendation=payload.recommendation)
    return _detail(request, _case(request, c.pk))


class RuleIO(Schema):
    order: int = Field(ge=0, le=32767)
    label: str = Field(min_length=1, max_length=100)
    klass: str = Field(pattern="^[ABCD]$")
    quota: int = Field(ge=0, le=52)
    sector_code: Annotated[str, Ref("orgs.sectors", by="code")] = Field(default="", max_length=10)
    risk_colours: list[Annotated[str, Field(max_length=8)]] = Field(default_factory=list, max_length=8)
    grades: list[Annotated[str, Field(max_length=1)]] = Field(default_factory=list, max_length=4)
    credits: list[Annotated[str, Field(max_length=8)]] = Field(default_factory=list, max_length=3)
    min_accidents_3y: int | None = Field(default=None, ge=0, le=1000)
    min_penalties_1y: int | None = Field(default=None, ge=0, le=1000)
    flag: str = Field(default="", max_length=40)


class RulesIn(In):
    department_id: Annotated[int, Ref("orgs.departments")]
    rules: list[RuleIO] = Field(min_length=1, max_length=100)
    note: str = Field(default="", max_length=2000)


@router.get("/rules", response=list[RuleIO], summary="分类分级规则（首条匹配）/ a department's classification rule set")
def get_rules(request: HttpRequest, department_id: Id):
    require(request, "enforcement.view")
    rows = ClassificationRule.objects.restrict(request.user, "enforcement.view").filter(department_id=department_id)
    if not rows.exists():  # the default set applies until the department saves its own
        return [RuleIO(**spec) for spec in services.DEFAULT_RULES]
    return list(rows.order_by("order", "id"))


@router.put("/rules", response=list[RuleIO], summary="替换分类分级规则（留痕）/ replace a department's rule set")
def put_rules(request: HttpRequest, payload: RulesIn):
    require(request, "enforcement.plan")
    refs = resolve_refs(request.user, payload)
    for row in payload.rules:  # a rule's sector is a GB/T 4754 code (any level), refused when unknown
        resolve_refs(request.user, row)
    return services.rules_set(actor=request.user, department=refs["department_id"],
                              rows=[r.model_dump() for r in payload.rules], note=payload.note)


class CaseFromHazardIn(In):
    db_model = Case
    department_id: Annotated[int, Ref("orgs.departments")]
    hazard_id: Annotated[int, Ref("hazards")]
    cause: str = Field(min_length=1, max_length=200)
    facts: str = Field(default="", max_length=5000)
    legal_basis: str = Field(default="", max_length=2000)


class AttachHazardIn(In):
    hazard_id: Annotated[int, Ref("hazards")]
    note: str = Field(default="", max_length=300)


@router.post("/hazard-cases", response={201: _Detail},
             summary="由隐患立案（处罚在案卷中作出，决定记入隐患）/ open a case about a hazard")
def case_from_hazard(request: HttpRequest, payload: CaseFromHazardIn):
    require(request, "enforcement.handle")
    refs = resolve_refs(request.user, payload)
    hazard = refs["hazard_id"]
    if hazard.enterprise_id is None:
        raise DomainError("无企业档案的场所不能立案", "A place without an enterprise file cannot be a party",
                          field="hazard_id")
    c = services.case_file(actor=request.user, department=refs["department_id"], enterprise=hazard.enterprise,
                           cause=payload.cause, facts=payload.facts, legal_basis=payload.legal_basis, hazards=[hazard])
    return Status(201, _detail(request, _case(request, c.pk)))


@router.post("/cases/{pk}/hazards", response=_Detail, summary="关联隐患到尚未决定的案件 / attach a hazard to an open case")
def case_attach_hazard(request: HttpRequest, pk: Id, payload: AttachHazardIn):
    require(request, "enforcement.handle")
    refs = resolve_refs(request.user, payload)
    c = services.case_attach_hazard(actor=request.user, case=_case(request, pk), hazard=refs["hazard_id"],
                                    note=payload.note)
    return _detail(request, _case(request, c.pk))
