"""Demo data for plan sections 五 and 六: the special fund ledger, the enterprises' safety cost,
custody contracts (taking over the custody login's dated grants), safety technology and a
campaign, training (people, sessions, hours, certificates, the multi-year plan) and publicity.

Everything goes through the services, so the rows have their timelines and to-dos. Deterministic
for a seed: rows are chosen by position in id order and the builder's seeded generator.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from anjian.accounts.models import Membership, User
from anjian.accounts.services import membership_revoke
from anjian.enterprises.models import Enterprise
from anjian.funds import services as fs
from anjian.funds.models import CostUse, TechKind
from anjian.monitoring.models import Sensor
from anjian.orgs.models import Department, DepartmentKind
from anjian.rules.funds import required_extraction
from anjian.training import services as ts

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def builder_regulator(district: Any) -> Any:
    """The 应急管理局 serving ``district`` (the district's own, else the city's), if any: the
    government sessions for hazardous-chemicals firms are held for it."""
    for place in (district, district.parent):
        dept = Department.objects.filter(jurisdiction=place, kind=DepartmentKind.REGULATOR,
                                         name__contains="应急").order_by("id").first()
        if dept is not None:
            return dept
    return None


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _picture(name: str, rng: random.Random) -> SimpleUploadedFile:
    """A small synthetic photo or scan (a PNG of coloured blocks), for the demo's attachments."""
    img = Image.new("RGB", (320, 220), (240, 240, 235))
    draw = ImageDraw.Draw(img)
    for _k in range(6):
        x, y = rng.randint(0, 260), rng.randint(0, 170)
        draw.rectangle((x, y, x + rng.randint(30, 60), y + rng.randint(20, 50)),
                       fill=(rng.randint(60, 220), rng.randint(60, 220), rng.randint(60, 220)))
    for k in range(5):
        draw.line((20, 30 + 35 * k, 300, 30 + 35 * k), fill=(90, 90, 90), width=2)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue())


def build_funds_training(builder: Any) -> dict[str, int]:
    """Add sections 五 and 六 to the city ``builder`` has built; returns the counts."""
    rng = random.Random(builder.rng.random())
    today = builder.today
    year = today.year
    city = builder.city
    district1 = builder.districts[0]
    admin = User.objects.get(username="admin")
    d1 = User.objects.get(username="district1")
    ent_user = User.objects.get(username="enterprise")
    counts: dict[str, int] = {}
    with transaction.atomic():
        # --- the special fund: lines, allocations to districts, spending with vouchers, corrections
        lines = [fs.line_create(actor=admin, owner=city, year=year, code=code, name=name, amount=Decimal(amount))
                 for code, name, amount in (("2101", "重大事故隐患治理", 8_000_000), ("2102", "安全生产宣传教育培训", 3_000_000),
                                            ("2103", "安全生产科技推广（科技兴安）", 4_000_000))]
        n_spend = 0
        for line in lines:
            share = (line.amount * Decimal("0.8") / len(builder.districts[:4])).quantize(Decimal(1))
            for district in builder.districts[:4]:
                alloc = fs.allocation_create(actor=admin, line=line, jurisdiction=district, project=f"{district.name}{line.name}",
                                             amount=share)
                for k in range(rng.randint(1, 4)):
                    amount = (share * Decimal(rng.randint(5, 20)) / 100).quantize(Decimal(1))
                    voucher = f"记-{line.code}-{district.code[-2:]}-{k + 1:03d}"
                    fs.spending_record(actor=admin, allocation=alloc, spent_on=today - dt.timedelta(days=rng.randint(5, 200)),
                                       amount=amount, voucher_no=voucher,
                                       payee=rng.choice(["安全技术服务中心", "宣传印务公司", "消防器材公司", "培训学校"]),
                                       purpose=f"{line.name}支出",
                                       files=[_picture(f"凭证{voucher}.png", rng)] if k == 0 else None)
                    n_spend += 1
        first = lines[0].allocations.order_by("id").first()
        s = first.spendings.order_by("id").first() if first else None
        if s is not None:
            fs.spending_correct(actor=admin, spending=s, amount=s.amount + 1000, reason="凭证金额录入错误，更正")
        counts["fund_lines"], counts["fund_spendings"] = len(lines), n_spend

        # --- enterprises' safety cost: hazardous-chemicals firms and builders of the first district
        ents = list(Enterprise.objects.filter(jurisdiction__path__startswith=district1.path, is_synthetic=True)
                    .order_by("id")[:400])
        chem = [e for e in ents if "hazardous_chemicals" in (e.flags or [])][:15]
        build = [e for e in ents if e.sector and e.sector.code.startswith("4")][:10]
        n_cost = 0
        for e in chem + build:
            regime, category = ("hazardous_goods", "") if e in chem else ("construction", "building")
            base = Decimal(rng.randint(5, 300) * 1_000_000)
            required = required_extraction(regime=regime, category=category, base=base)
            extracted = (required * Decimal(rng.choice([1, 1, 1, 0.8, 1.1]))).quantize(Decimal(1))
            rec = fs.cost_year_save(actor=None, enterprise=e, year=year, regime=regime, category=category, base=base,
                                    extracted=extracted, carried_over=Decimal(rng.randint(0, 200_000)))
            for _k in range(rng.randint(1, 4)):
                fs.cost_use_add(actor=None, record=rec, used_on=today - dt.timedelta(days=rng.randint(1, 250)),
                                use=rng.choice(CostUse.values), amount=(extracted * Decimal(rng.randint(5, 25)) / 100)
                                .quantize(Decimal(1)), description=rng.choice(["更换防爆电气", "应急演练", "劳保用品采购",
                                                                             "安全培训", "隐患整改"]))
            n_cost += 1
        counts["safety_costs"] = n_cost

        # --- custody: the demo provider takes over the custody login's dated grants as contracts
        custody = User.objects.filter(username="custody").first()
        if custody is not None:
            provider = fs.provider_save(actor=None, jurisdiction=district1, name=custody.unit_name or "安全技术服务有限公司",
                                        credit_code="", qualification="安全评价机构乙级资质", staff_count=18, capacity=20,
                                        staff=[custody])
            old = list(Membership.objects.filter(user=custody, role__code="custody", is_active=True,
                                                 enterprise__isnull=False).select_related("enterprise").order_by("id"))
            for i, m in enumerate(old):
                starts = _at(m.valid_from or today - dt.timedelta(days=180), 9)
                ends = _at(m.valid_until or today + dt.timedelta(days=185), 18)
                membership_revoke(actor=None, membership=m)
                contract = fs.contract_register(actor=None, provider=provider, enterprise=m.enterprise,
                                                number=f"TG-{year}-{i + 1:03d}", starts_at=starts, ends_at=ends,
                                                fee=Decimal(rng.randint(2, 6) * 10_000), services="隐患排查、制度建设、培训、应急预案",
                                                accident_prone=True)
                for k in range(3):
                    found = rng.randint(0, 5)
                    fs.visit_record(actor=custody, contract=contract,
                                    visited_on=today - dt.timedelta(days=30 * (3 - k)), content="月度上门检查与指导",
                                    hazards_found=found, hazards_fixed=rng.randint(0, found),
                                    files=[_picture("现场检查照片.png", rng)] if k == 2 else None)
            counts["custody_contracts"] = len(old)

        # --- safety technology: gas alarms at restaurants, a campaign for the rest
        restaurants = [e for e in ents if e.sector and e.sector.code.startswith("62")]
        for e in restaurants[: len(restaurants) // 2]:
            fs.installation_add(actor=None, enterprise=e, kind=TechKind.GAS_ALARM, quantity=rng.randint(1, 4),
                                installed_on=today - dt.timedelta(days=rng.randint(30, 400)), supplier="燃气安全设备公司",
                                maintenance_every_days=180)
        for e in chem[:8]:  # a leak shut-off linked to the enterprise's gas detector where it has one
            point = Sensor.objects.filter(enterprise=e, kind__in=("combustible_gas", "toxic_gas")).order_by("id").first()
            fs.installation_add(actor=None, enterprise=e, kind=TechKind.LEAK_SHUTOFF,
                                installed_on=today - dt.timedelta(days=rng.randint(30, 400)), supplier="自控工程公司",
                                sensor_code=point.code if point else "")
            fs.installation_add(actor=None, enterprise=e, kind=TechKind.VIDEO, quantity=rng.randint(4, 20),
                                installed_on=today - dt.timedelta(days=rng.randint(30, 400)))
        if restaurants:
            fs.campaign_create(actor=d1, jurisdiction=district1, name="餐饮场所可燃气体报警装置全覆盖", kind=TechKind.GAS_ALARM,
                               deadline=today + dt.timedelta(days=90), enterprises=restaurants[:60])
        counts["tech_installations"] = len(restaurants) // 2 + 2 * len(chem[:8])

        # --- training: people of the showcase enterprise and the chemical firms
        showcase = builder.showcase[0]
        people = []
        for e in [showcase, *chem[:9]]:
            for role, group in (("principal", "enterprise_key"), ("safety_manager", "enterprise_key"),
                                ("worker", "worker"), ("worker", "worker"), ("worker", "worker")):
                people.append(ts.trainee_save(
                    actor=ent_user if e.pk == showcase.pk else None, name=_name(rng), role=role, group=group, enterprise=e,
                    phone=f"139{rng.randint(10_000_000, 99_999_999)}",
                    started_on=today - dt.timedelta(days=rng.choice([60, 400, 900, 2000]))))
        for _k in range(20):
            people.append(ts.trainee_save(actor=None, name=_name(rng), role="other", group=rng.choice(["student", "resident"]),
                                          jurisdiction=district1))
        counts["trainees"] = len(people)
        managers = [p for p in people if p.role in ("principal", "safety_manager")]
        # the trainer registry and the course catalogue the sessions are opened from
        expert = ts.trainer_save(actor=d1, name="陈安", organisation="市安全生产培训中心", title="注册安全工程师",
                                 subjects="危险化学品、有限空间", jurisdiction=district1)
        lecturer = ts.trainer_save(actor=d1, name="林平", organisation="区消防救援大队", title="消防宣传员",
                                   subjects="消防、应急疏散", jurisdiction=district1)
        ts.trainer_save(actor=ent_user, name=_name(rng), organisation=showcase.name, title="安全管理人员",
                        subjects="车间级安全教育", enterprise=showcase)
        courses = [
            ts.course_save(actor=d1, code="AQ-01", title="危险化学品企业主要负责人和安全管理人员再培训",
                           subject="法律法规更新、事故案例、重大危险源管理", hours=Decimal(16), role="principal",
                           high_risk=True, refresher=True, group="enterprise_key", trainer=expert, jurisdiction=district1),
            ts.course_save(actor=d1, code="AQ-02", title="新上岗从业人员安全培训", subject="岗位安全操作规程、劳动防护、应急处置",
                           hours=Decimal(24), role="worker", group="worker", trainer=expert, jurisdiction=district1),
            ts.course_save(actor=d1, code="AQ-03", title="社区居民安全知识讲座", subject="用电用气、消防、防灾减灾",
                           hours=Decimal(2), group="resident", trainer=lecturer, jurisdiction=district1),
            ts.course_save(actor=d1, code="AQ-04", title="有限空间作业安全专题培训", subject="有限空间辨识、通风检测、监护与救援",
                           hours=Decimal(8), role="safety_manager", group="enterprise_key", trainer=expert,
                           jurisdiction=district1),
        ]
        regulator = builder_regulator(district1)
        sessions = []
        for k, (course, who) in enumerate((
                (courses[0], managers), (courses[1], [p for p in people if p.role == "worker"][:20]),
                (courses[2], [p for p in people if p.role == "other"]))):
            start = _at(today - dt.timedelta(days=40 + 20 * k), 9)
            s = ts.session_create(actor=d1, course=course, place="区应急管理局培训中心", starts_at=start,
                                  ends_at=start + dt.timedelta(hours=8), jurisdiction=district1, has_exam=k < 2,
                                  department=regulator if k == 0 else None)
            ts.session_enrol(actor=d1, session=s, trainees=who)
            for a in s.attendances.order_by("id"):
                present = rng.random() < 0.85
                ts.attendance_record(actor=d1, attendance=a, present=present,
                                     hours=s.hours if rng.random() < 0.8 else s.hours / 2,
                                     score=rng.randint(50, 100) if present and s.has_exam else None)
            ts.session_close(actor=d1, session=s)
            sessions.append(s)
        upcoming = ts.session_create(actor=d1, course=courses[3], place="区应急管理局培训中心",
                                     starts_at=_at(today + dt.timedelta(days=7), 9),
                                     ends_at=_at(today + dt.timedelta(days=7), 17), jurisdiction=district1,
                                     department=regulator)
        ts.session_enrol(actor=d1, session=upcoming, trainees=managers[:10])
        own = [p for p in people if p.enterprise_id == showcase.pk]
        inhouse = ts.session_create(actor=ent_user, title="车间级安全教育", hours=Decimal(8), place="厂区会议室",
                                    starts_at=_at(today + dt.timedelta(days=3), 14),
                                    ends_at=_at(today + dt.timedelta(days=3), 18), enterprise=showcase, group="worker")
        ts.session_enrol(actor=ent_user, session=inhouse, trainees=own)
        counts["training_sessions"] = len(sessions) + 2
        counts["training_courses"] = len(courses)

        # --- certificates: some due for renewal soon, some special operations awaiting 复审
        n_cert = 0
        for i, p in enumerate(people):
            if p.enterprise_id is None:
                continue
            kind = {"principal": "principal_cert", "safety_manager": "manager_cert"}.get(p.role, "special_operation")
            if p.role == "worker" and i % 3:
                continue
            years = 3 if kind != "special_operation" else 6
            issued = today - dt.timedelta(days=rng.randint(30, 365 * years - 20))
            ts.certificate_register(actor=None, trainee=p, kind=kind, number=f"{year}{i:06d}", issued_on=issued,
                                    issued_by="省应急管理厅")
            n_cert += 1
        counts["certificates"] = n_cert

        # --- the multi-year plan (item 27) and publicity (items 24–25)
        targets = []
        for y in range(year, year + 3):
            for group, base in (("official", 300), ("enterprise_key", 2000), ("worker", 20000), ("student", 30000),
                                ("resident", 50000)):
                targets.append((y, group, base * (1 + y - year)))
        ts.plan_save(actor=admin, jurisdiction=city, name=f"{year}—{year + 2}年全员安全培训规划", start_year=year,
                     end_year=year + 2, targets=targets)
        activities = [
            ("safety_month", "“安全生产月”启动仪式", dt.date(year, 6, 1), dt.date(year, 6, 30), 5000, 20000),
            ("consult_day", "安全宣传咨询日", dt.date(year, 6, 16), dt.date(year, 6, 16), 3000, 8000),
            ("fire_day", "“119”消防宣传日", dt.date(year, 11, 9), dt.date(year, 11, 9), 2000, 5000),
            ("contest", "安全生产知识竞赛", dt.date(year, 9, 20), dt.date(year, 9, 20), 600, 0),
            ("lecture", "企业主要负责人安全讲座", today + dt.timedelta(days=10), today + dt.timedelta(days=10), 0, 0),
            ("media", "安全生产公益广告投放", today + dt.timedelta(days=3), today + dt.timedelta(days=33), 0, 0),
        ]
        for kind, title, start, end, reach, materials in activities:
            ts.activity_save(actor=d1, jurisdiction=district1, kind=kind, title=title, organiser=f"{district1.name}安委办",
                             place=f"{district1.name}文化广场", starts_on=start, ends_on=end, reach=reach, materials=materials,
                             description="现场咨询、展板展示、发放宣传资料",
                             files=[_picture(f"{title}现场照片.png", rng)] if start <= today else None)
        counts["publicity_activities"] = len(activities)
    return counts
