"""执法检查 for the synthetic demo city, through the services: the 应急管理局's inspector
directory, a graded plan for the first district, a 双随机 draw (published), inspections of the
drawn enterprises, and cases at every stage of the case file (one closed, one awaiting payment,
one awaiting the party's statement, one in the hearing procedure, one just filed, one on-the-spot
penalty), and an inspection for the campaign's first target."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from anjian.accounts.models import User
from anjian.core.errors import DomainError
from anjian.enforcement import services
from anjian.enforcement.models import Disposition, InspectionKind, PlanStatus
from anjian.rules import enforcement as enforcement_rules
from anjian.rules.workdays import KNOWN_YEARS, HolidayDataMissing

OFFICERS = ["陈立新", "林志强", "黄晓明", "周建华", "吴海涛", "郑文博"]


def _anchor(today: dt.date) -> dt.date:
    """A day ~40 days back whose deadlines fall inside the years with holiday data."""
    day = today - dt.timedelta(days=40)
    last = max(KNOWN_YEARS)
    return day if day.year < last or (day.year == last and day.month <= 10) else dt.date(last, 10, 12)


def build_enforcement(gen: Any) -> dict[str, int]:
    ema = gen.departments["市应急管理局"]
    district = gen.districts[0]
    regulator = User.objects.filter(username="regulator").first()
    officers = [services.inspector_add(actor=None, department=ema, name=name, cert_no=f"DEMO-{gen.seed}-{n:03d}",
                                       user=regulator if n == 1 else None)
                for n, name in enumerate(OFFICERS, start=1)]
    counts = {"enforcement_inspectors": len(officers)}
    extra, campaign = _standardization_and_health(gen, ema, district)
    counts.update(extra)
    plan = services.plan_generate(actor=None, department=ema, jurisdiction=district, year=gen.today.year + 1)
    services.plan_move(actor=None, plan=plan, target=PlanStatus.SUBMITTED)
    counts["enforcement_plan_targets"] = plan.targets.count()
    matter = services.matter_add(actor=None, department=ema, name="危险化学品和工贸企业安全生产主体责任落实情况",
                                 basis="《中华人民共和国安全生产法》第六十二条、第六十五条")
    try:
        draw = services.draw_run(actor=None, department=ema, jurisdiction=district, matter=matter, ratio_percent=5,
                                 seed=f"demo-{gen.seed}-{district.code}")
    except DomainError:
        return counts
    services.draw_publish(actor=None, draw=draw)
    picks = list(draw.picks.select_related("enterprise").prefetch_related("inspectors")[:6])
    counts["enforcement_draw_picks"] = draw.picks.count()
    base = _anchor(gen.today)
    cases = 0
    for n, pick in enumerate(picks):
        ent = pick.enterprise
        insp = services.inspection_start(actor=None, department=ema, enterprise=ent, inspectors=list(pick.inspectors.all()),
                                         kind=InspectionKind.RANDOM, draw_pick=pick)
        services.finding_add(actor=None, inspection=insp, description="安全警示标志设置不规范",
                             disposition=Disposition.HAZARD, lng=ent.lng, lat=ent.lat)
        services.finding_add(actor=None, inspection=insp, description="未如实记录安全生产教育和培训情况",
                             disposition=Disposition.VIOLATION, legal_basis="《中华人民共和国安全生产法》第二十八条第四款")
        services.inspection_complete(actor=None, inspection=insp, content="检查安全生产责任制、教育培训和现场安全管理",
                                     handling="现场发现问题已责令改正", accompanied_by="企业安全管理人员")
        if n == 5:
            services.case_on_the_spot(actor=None, inspection=insp, cause="安全警示标志缺失", facts="作业现场未设置安全警示标志",
                                      legal_basis="《中华人民共和国安全生产法》第三十五条",
                                      penalty_basis="《中华人民共和国安全生产法》第九十九条第（一）项",
                                      penalty_kind="fine", fine=Decimal("2000"), received_by=ent.principal or "企业负责人")
            cases += 1
            continue
        try:
            _case_to_stage(insp, n, base)
            cases += 1
        except (DomainError, HolidayDataMissing):  # a year without holiday data: the case stays where it got
            continue
    counts["enforcement_cases"] = cases
    counts["campaign_inspections"] = _campaign_inspection(ema, campaign, officers, {p.enterprise_id for p in picks})
    return counts


def _campaign_inspection(ema: Any, campaign: Any, officers: list[Any], skip: set[int]) -> int:
    """One inspection for a target of the campaign (counted on its progress page): a hazard and a
    compliant item."""
    target = campaign.targets.filter(enterprise__in=services.enterprises_of(ema, campaign.jurisdiction)).exclude(
        enterprise_id__in=skip).select_related("enterprise").order_by("id").first()
    if target is None:
        return 0
    ent = target.enterprise
    officers = [o for o in officers if not o.avoid.filter(pk=ent.pk).exists()][:2]
    insp = services.inspection_start(actor=None, department=ema, enterprise=ent, inspectors=officers, campaign=campaign)
    services.finding_add(actor=None, inspection=insp, description="危险化学品仓库未按规定设置可燃气体报警装置",
                         disposition=Disposition.HAZARD, lng=ent.lng, lat=ent.lat)
    services.finding_add(actor=None, inspection=insp, description="危险化学品出入库台账记录完整", disposition=Disposition.OK)
    services.inspection_complete(actor=None, inspection=insp, content="危险化学品专项整治：储存、出入库管理和报警装置",
                                 handling="隐患已责令限期整改", accompanied_by="企业安全管理人员")
    return 1


def _standardization_and_health(gen: Any, ema: Any, district: Any) -> tuple[dict[str, int], Any]:
    """Standardisation grades (they feed the plan's classification), occupational-hazard
    declarations, and a hazardous-chemicals campaign with a task for the 应急管理局."""
    ents = list(services.enterprises_of(ema, district).order_by("id")[:12])
    today = gen.today
    certs = 0
    for n, ent in enumerate(ents[:6]):
        issued = today - dt.timedelta(days=200 + 160 * n)  # some expire within the year: reminders
        services.std_cert_record(actor=None, enterprise=ent, grade=str(n % 3 + 1), number=f"示应急标〔{issued.year}〕{n + 1}号",
                                 issuer=ema.name, issued_on=issued, standard="工贸企业安全生产标准化定级标准")
        certs += 1
    # the credit register: one enterprise on the 严重失信 list (class D in next year's plan), one trusted
    listed = list(services.enterprises_of(ema, district).order_by("-id")[:2])
    for n, (ent, kind, reason) in enumerate(zip(listed, ("bad", "good"), (
            "发生较大生产安全责任事故，受到行政处罚", "连续三年未发生生产安全事故，标准化一级"), strict=False), start=1):
        services.credit_list(actor=None, enterprise=ent, kind=kind, decision_number=f"示应急信〔{today.year}〕{n}号",
                             authority=ema.name, reason=reason, listed_on=today - dt.timedelta(days=200))
    declared = 0
    for n, ent in enumerate(ents[6:12]):
        workers = max(ent.employees, 20)
        services.oh_declare(actor=None, enterprise=ent, kind="annual" if n % 2 else "initial", workers=workers,
                            factors={"dust": [{"name": "其他粉尘", "exposed": workers // 5}]} if n % 3 != 2 else
                            {"physical": [{"name": "噪声", "exposed": workers // 4}],
                             "chemical": [{"name": "苯", "exposed": 3}]},
                            workplaces=["生产车间"], has_highly_toxic=n % 3 == 2, health_checked=workers // 5,
                            declared_on=today - dt.timedelta(days=30 * (n + 1)))
        declared += 1
    committee = gen.departments["市安委办"]
    campaign = services.campaign_create(
        actor=None, title=f"{today.year}年危险化学品安全专项整治", field="chemicals", jurisdiction=gen.city,
        lead=committee, starts_on=today - dt.timedelta(days=60), ends_on=today + dt.timedelta(days=120),
        goals="全面排查危险化学品生产、储存、使用企业，整治重大事故隐患。", sector_codes=["C"])
    services.campaign_task_add(actor=None, campaign=campaign, department=ema, title="完成辖区危险化学品企业全覆盖检查",
                               due_on=today + dt.timedelta(days=60))
    return ({"standardization_certs": certs, "credit_listings": len(listed), "oh_declarations": declared, "campaign_targets": campaign.targets.count()},
            campaign)


def _case_to_stage(insp: Any, stage: int, base: dt.date) -> None:
    """Stage 0: closed; 1: awaiting payment; 2: awaiting the party's statement; 3: the party asked
    for a hearing and it is noticed (held after 7 working days); 4: filed."""
    day = base + dt.timedelta(days=stage)
    case = services.case_file(actor=None, department=insp.department, enterprise=insp.enterprise,
                              cause="未如实记录安全生产教育和培训情况", facts="抽查发现企业未如实记录从业人员安全生产教育和培训情况",
                              legal_basis="《中华人民共和国安全生产法》第二十八条第四款", inspection=insp,
                              findings=list(insp.findings.filter(disposition=Disposition.VIOLATION)), filed_on=day)
    if stage == 3:
        _hearing_case(case)
        return
    if stage >= 4:
        return
    services.case_notify(actor=None, case=case, facts=case.facts, legal_basis=case.legal_basis,
                         penalty_basis="《中华人民共和国安全生产法》第九十七条第（四）项", penalty_kind="fine",
                         proposed_fine=Decimal("30000"), notified_on=day + dt.timedelta(days=2))
    if stage == 2:
        return
    decided = day + dt.timedelta(days=12)
    services.case_decide(actor=None, case=case, penalty_kind="fine", fine=Decimal("20000"), decided_on=decided)
    services.case_deliver(actor=None, case=case, delivered_on=decided + dt.timedelta(days=1), method="直接送达",
                          received_by=insp.enterprise.principal or "企业负责人")
    if stage == 1:
        return
    services.case_pay(actor=None, case=case, paid_on=decided + dt.timedelta(days=8))
    services.case_close(actor=None, case=case, note="罚款已缴清，结案")


def _hearing_case(case: Any) -> None:
    """Noticed today, the party asks for a hearing today, the notice names a day 7 working days on
    (行政处罚法 Art. 64) and a presiding officer who did not investigate."""
    today = timezone.localdate()
    services.case_notify(actor=None, case=case, facts=case.facts, legal_basis=case.legal_basis,
                         penalty_basis="《中华人民共和国安全生产法》第九十七条第（四）项", penalty_kind="fine",
                         proposed_fine=Decimal("50000"), notified_on=today)
    services.case_respond(actor=None, case=case, statement="拟处罚款数额过高，申请听证", hearing_requested=True)
    day = enforcement_rules.hearing_earliest(today) + dt.timedelta(days=1)
    services.case_hearing_notice(actor=None, case=case, place="市应急管理局第三会议室", host="法制审核科 许明",
                                 hearing_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30))))
