"""Emergency API: plans and their filing steps, drill obligations, nearest resources of an
incident, alerts (list, receive a CAP file). Out-of-scope rows are 404, as in the pages."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema, Status

from anjian.core.api import require
from anjian.core.apischema import Day, Id, In, Limit, Param, When
from anjian.core.errors import DomainError, NotFoundInScope
from anjian.core.lookups import Ref, resolve_refs
from anjian.core.scoping import get_in_scope
from anjian.emergency import services
from anjian.emergency.models import DutyShift, EmergencyPlan, Incident, LawEntry, PlanStatus
from anjian.emergency.selectors import (
    alerts_in_scope,
    drill_obligations,
    duty_shifts,
    law_citations,
    law_list,
    nearest_resources,
    on_duty_now,
    plan_list,
    resource_points,
)

router = Router(tags=["emergency"])


class PlanOut(Schema):
    id: int
    owner_kind: str
    enterprise_id: int | None
    unit_name: str
    jurisdiction_code: str
    plan_type: str
    title: str
    version: int
    accident_types: list[str]
    status: str
    signed_by: str
    published_on: dt.date | None
    must_file: bool
    filing_due: dt.date | None
    submitted_on: dt.date | None
    check_due: dt.date | None
    filed_on: dt.date | None
    filing_number: str
    filed_by_default: bool
    return_reason: str
    evaluation_due: dt.date | None

    @staticmethod
    def resolve_jurisdiction_code(obj: EmergencyPlan) -> str:
        return obj.jurisdiction.code


class PlanIn(In):
    db_model = EmergencyPlan
    plan_type: str
    title: str
    enterprise_id: Annotated[int | None, Ref("enterprises@emergency.plan")] = None
    jurisdiction_code: Annotated[str | None, Ref("orgs.jurisdictions@emergency.plan", by="code")] = None
    accident_types: list[str] = []
    summary: str = ""
    response_card: str = ""


class PublishIn(In):
    signed_by: str
    published_on: dt.date


class NoteIn(In):
    note: str = ""


class ObligationOut(Schema):
    unit: str
    enterprise_id: int | None
    plan_id: int | None
    what: str
    interval_months: int
    last: dt.date | None
    due: dt.date
    overdue: bool


class AlertOut(Schema):
    id: int
    direction: str
    identifier: str
    sender: str
    sent: dt.datetime | None
    msg_type: str
    event: str
    urgency: str
    severity: str
    certainty: str
    headline_zh: str
    headline_en: str
    area_desc: str
    polygons: list[str]
    circles: list[str]
    expires: dt.datetime | None
    status: str


def _plan(request: HttpRequest, pk: int) -> EmergencyPlan:
    return get_in_scope(EmergencyPlan.objects.select_related("enterprise", "jurisdiction", "department"),
                        request.user, "emergency.view", pk=pk)


@router.get("/plans", response=list[PlanOut], summary="应急预案列表 / plans in scope (keyset by id, newest first)")
def list_plans(request: HttpRequest, status: Param = "", plan_type: Param = "", q: Param = "",
               after_id: Id | None = None, limit: Limit = 100):
    require(request, "emergency.view")
    qs = plan_list(user=request.user, filters={"status": status, "plan_type": plan_type, "q": q}).order_by("-id")
    if after_id:
        qs = qs.filter(id__lt=after_id)
    return list(qs[: max(1, min(limit, 1000))])


@router.get("/plans/{pk}", response=PlanOut, summary="预案详情 / one plan")
def get_plan(request: HttpRequest, pk: Id):
    require(request, "emergency.view")
    return _plan(request, pk)


@router.post("/plans", response={201: PlanOut}, summary="编制预案（草稿） / create a draft plan")
def create_plan(request: HttpRequest, payload: PlanIn):
    require(request, "emergency.plan")
    refs = resolve_refs(request.user, payload)
    plan = services.plan_create(actor=request.user, plan_type=payload.plan_type, title=payload.title,
                                enterprise=refs["enterprise_id"], jurisdiction=refs["jurisdiction_code"],
                                accident_types=payload.accident_types, summary=payload.summary,
                                response_card=payload.response_card)
    return Status(201, _plan(request, plan.pk))


@router.post("/plans/{pk}/publish", response=PlanOut, summary="签署公布 / sign and announce (starts the filing deadline)")
def publish_plan(request: HttpRequest, pk: Id, payload: PublishIn):
    require(request, "emergency.plan")
    services.plan_publish(actor=request.user, plan=_plan(request, pk), signed_by=payload.signed_by,
                          published_on=payload.published_on)
    return _plan(request, pk)


@router.post("/plans/{pk}/{step}", response=PlanOut,
             summary="备案：submit（提交）/ accept（准予备案）/ return（退回补正，须注明全部缺项） / a filing step")
def plan_step(request: HttpRequest, pk: Id, step: Param, payload: NoteIn):
    require(request, "emergency.view")
    plan = _plan(request, pk)
    if step == "submit":
        services.plan_submit(actor=request.user, plan=plan, note=payload.note)
    elif step == "accept":
        services.plan_accept(actor=request.user, plan=plan, note=payload.note)
    elif step == "return":
        services.plan_return(actor=request.user, plan=plan, note=payload.note)
    else:
        raise DomainError(f"未知的步骤：{step}", f"Unknown step: {step}", field="step")
    return _plan(request, pk)


@router.get("/filing-queue", response=list[PlanOut], summary="待审查的备案 / plans waiting for the caller's check")
def filing_queue(request: HttpRequest):
    require(request, "emergency.file")
    return [p for p in plan_list(user=request.user).filter(status=PlanStatus.SUBMITTED).order_by("check_due")[:500]
            if services.acts_for_authority(request.user, p)]


@router.get("/obligations", response=list[ObligationOut], summary="演练义务 / drills due in scope")
def obligations(request: HttpRequest):
    require(request, "emergency.view")
    return [ObligationOut(unit=o.unit, enterprise_id=o.enterprise_id, plan_id=o.plan.pk if o.plan else None,
                          what=o.what, interval_months=o.interval_months, last=o.last, due=o.due, overdue=o.overdue)
            for o in drill_obligations(user=request.user)[:2000]]


@router.get("/incidents/{pk}/nearest", summary="就近资源 / nearest teams, warehouses, experts and shelters (km)")
def nearest(request: HttpRequest, pk: Id):
    require(request, "emergency.view")
    inc = get_in_scope(Incident.objects.all(), request.user, "emergency.view", pk=pk)
    near = nearest_resources(user=request.user, incident=inc)
    return {
        "teams": [{"id": t.pk, "name": t.name, "km": round(d, 2), "readiness": t.readiness} for t, d in near["teams"]],
        "warehouses": [{"id": w.pk, "name": w.name, "km": round(d, 2),
                        "stock": [{"material": s.material, "balance": str(s.balance), "unit": s.unit} for s in st]}
                       for w, d, st in near["warehouses"]],
        "experts": [{"id": e.pk, "name": e.name, "km": round(d, 2)} for e, d in near["experts"]],
        "shelters": [{"id": s.pk, "name": s.name, "km": round(d, 2), "capacity": s.capacity} for s, d in near["shelters"]],
    }


@router.get("/alerts", response=list[AlertOut], summary="预警信息 / alerts in scope (sent and received)")
def list_alerts(request: HttpRequest, direction: Param = "", limit: Limit = 100):
    require(request, "emergency.view")
    qs = alerts_in_scope(request.user).order_by("-id")
    if direction:
        qs = qs.filter(direction=direction)
    return list(qs[: max(1, min(limit, 1000))])


@router.post("/alerts/receive", response={201: AlertOut}, url_name="emergency_alert_receive",
             summary="接收 CAP 预警（请求体为 CAP 1.1/1.2 XML） / receive a CAP alert (body: the XML)")
def receive_alert(request: HttpRequest):
    require(request, "emergency.alert_import")
    alert = services.alert_receive(actor=request.user, data=request.body)
    return Status(201, alert)


class LawOut(Schema):
    key: str
    kind: str
    title: str
    number: str
    issuer: str
    issued_on: dt.date | None
    effective_on: dt.date
    repealed_on: dt.date | None
    replaced_by: str | None
    in_force: bool
    cited_by: list[dict[str, str]]

    @staticmethod
    def resolve_replaced_by(obj: LawEntry) -> str | None:
        return obj.replaced_by.key if obj.replaced_by_id else None

    @staticmethod
    def resolve_cited_by(obj: LawEntry) -> list[dict[str, str]]:
        return [{"rule": c["rule"], "article": c["article"]} for c in law_citations(obj)]


class LawIn(In):
    db_model = LawEntry
    kind: str = "local"
    title: str
    number: str = ""
    issuer: str = ""
    issued_on: Day | None = None
    effective_on: dt.date
    repealed_on: Day | None = None
    summary: str = ""


class DutyOut(Schema):
    id: int
    unit_name: str
    jurisdiction_code: str
    department_id: int | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    leader: str
    leader_phone: str
    officer: str
    officer_phone: str
    note: str

    @staticmethod
    def resolve_jurisdiction_code(obj: DutyShift) -> str:
        return obj.jurisdiction.code


class DutyIn(In):
    db_model = DutyShift
    jurisdiction_code: Annotated[str | None, Ref("orgs.jurisdictions@emergency.resource", by="code")] = None
    department_id: Annotated[int | None, Ref("orgs.departments@emergency.resource")] = None
    starts_at: dt.datetime
    ends_at: dt.datetime
    leader: str
    leader_phone: str = ""
    officer: str
    officer_phone: str
    note: str = ""


@router.get("/laws", response=list[LawOut],
            summary="法律法规标准库 / the law library (q: words of the title or number; state: in_force, repealed, pending)")
def list_laws(request: HttpRequest, q: Param = "", kind: Param = "", state: Param = "", on: Day | None = None,
              limit: Limit = 200):
    require(request, "emergency.view")
    return list(law_list(q=q, kind=kind, state=state, on=on)[: max(1, min(limit, 1000))])


@router.get("/laws/{key}", response=LawOut, summary="一部法规 / one text, with the rules citing it")
def get_law(request: HttpRequest, key: Param):
    require(request, "emergency.view")
    entry = LawEntry.objects.select_related("replaced_by").filter(key=key).first()
    if entry is None:
        raise NotFoundInScope()
    return entry


@router.post("/laws", response={201: LawOut}, summary="收录法规（如地方规定） / add a text (e.g. a local rule)")
def create_law(request: HttpRequest, payload: LawIn):
    require(request, "emergency.law")
    entry = services.law_create(actor=request.user, **payload.dict())
    return Status(201, entry)


@router.get("/duty", response=list[DutyOut], summary="值班表 / shifts in scope overlapping [start, end)")
def list_duty(request: HttpRequest, start: When | None = None, end: When | None = None,
              limit: Limit = 500):
    require(request, "emergency.view")
    return list(duty_shifts(user=request.user, start=start, end=end)[: max(1, min(limit, 2000))])


@router.get("/duty/now", response=list[DutyOut], summary="当前值班 / who is on duty now in each unit in scope")
def duty_now(request: HttpRequest):
    require(request, "emergency.view")
    return on_duty_now(user=request.user)


@router.post("/duty", response={201: DutyOut}, summary="排班 / add a shift (shifts of one unit never overlap)")
def create_duty(request: HttpRequest, payload: DutyIn):
    require(request, "emergency.resource")
    refs = resolve_refs(request.user, payload)
    shift = services.duty_shift_create(
        actor=request.user, jurisdiction=refs["jurisdiction_code"], department=refs["department_id"],
        starts_at=payload.starts_at, ends_at=payload.ends_at, leader=payload.leader, leader_phone=payload.leader_phone,
        officer=payload.officer, officer_phone=payload.officer_phone, note=payload.note)
    return Status(201, DutyShift.objects.select_related("jurisdiction", "department").get(pk=shift.pk))


@router.get("/resources/map", summary="应急资源点位与接收预警区域（GeoJSON） / teams, warehouses, experts, shelters and received alerts' areas in scope")
def resources_map(request: HttpRequest):
    require(request, "emergency.view")
    return resource_points(user=request.user)
