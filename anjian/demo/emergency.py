"""Emergency management for the demo city (plan section 八): plans at every filing stage, a year of
drills (some on time, one overdue), teams with members, experts, shelters, warehouses with a
stock ledger (one item below its minimum, one expiring), an open and a closed incident, and a
published CAP alert. Everything goes through ``anjian.emergency.services``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from anjian.accounts.models import User
from anjian.emergency import services
from anjian.emergency.cap import build_xml
from anjian.emergency.models import CapAlert


def _users() -> dict[str, Any]:
    return {u.username: u for u in User.objects.filter(username__in=["admin", "city_office", "district1", "enterprise",
                                                                        "regulator"])}


@transaction.atomic
def build_emergency(builder: Any) -> dict[str, int]:
    u = _users()
    today = timezone.localdate()
    days = dt.timedelta
    chem, cold, furniture = builder.showcase[0], builder.showcase[1], builder.showcase[2]
    ent_user = u.get("enterprise")
    plans = []

    def plan(ent: Any, kind: str, title: str, *, published: dt.date | None, types: list[str], card: str = "") -> Any:
        p = services.plan_create(actor=None, plan_type=kind, title=title, enterprise=ent, accident_types=types,
                                 summary=f"{title}（简本）：预警与报告、应急响应、处置措施、应急保障。", response_card=card)
        if published is not None:
            services.plan_review_record(actor=None, plan=p, kind="review", held_on=published - days(10),
                                        experts="李工、周工、陈工", conclusion="预案要素齐全，修改完善后通过")
            services.plan_publish(actor=ent_user if ent is chem else None, plan=p, signed_by=ent.principal or "主要负责人",
                                  published_on=published)
        plans.append(p)
        return p

    card = "发现泄漏：立即向班长和控制室报告\n佩戴正压式空气呼吸器，关闭进料阀\n启动喷淋，疏散下风向人员\n拨打119并报告安全管理人员"
    comprehensive = plan(chem, "comprehensive", "生产安全事故综合应急预案", published=today - days(330),
                         types=["火灾", "爆炸", "中毒和窒息", "灼烫"])
    services.plan_submit(actor=ent_user, plan=comprehensive)
    services.plan_accept(actor=None, plan=comprehensive, note="材料齐全，予以备案")
    onsite = plan(chem, "onsite", "储罐区泄漏现场处置方案", published=today - days(8), types=["中毒和窒息"], card=card)
    special = plan(cold, "special", "液氨泄漏专项应急预案", published=today - days(400), types=["中毒和窒息"])
    plan(furniture, "comprehensive", "粉尘爆炸事故综合应急预案", published=None, types=["爆炸", "火灾"])
    gov = services.plan_create(actor=None, plan_type="special", title=f"{builder.districts[0].name}危险化学品事故专项应急预案",
                               jurisdiction=builder.districts[0])
    services.plan_publish(actor=None, plan=gov, signed_by="区人民政府", published_on=today - days(3))
    services.plan_submit(actor=u.get("district1"), plan=gov)
    plans.append(gov)

    drills = [
        (comprehensive, "综合应急预案桌面推演", today - days(330), "comprehensive", "tabletop", ""),
        (comprehensive, "火灾爆炸综合演练", today - days(160), "comprehensive", "live", ""),
        (special, "液氨泄漏处置演练", today - days(380), "single", "live", "喷淋水幕启动时间超过3分钟"),
    ]
    for p, title, held, content, form, problems in drills:
        services.drill_record(actor=None, plan=p, title=title, held_on=held, content=content, form=form,
                              participants=40, evaluation="演练达到预期目的，人员熟悉处置流程。", problems=problems)
    del onsite  # the on-site plan has not been drilled yet: its first drill falls due in six months

    district, street = builder.districts[0], builder.streets[0]
    lng0, lat0 = chem.lng or 0.0, chem.lat or 0.0
    teams = [
        services.team_create(actor=None, name=f"{district.name}综合应急救援大队", kind="general", jurisdiction=district,
                             lng=lng0 + 0.02, lat=lat0 + 0.01, specialties="火灾扑救、抢险救援", leader="赵队长",
                             phone="0755-12345678", equipment="消防车4辆、抢险车2辆", readiness="ready"),
        services.team_create(actor=None, name="市危险化学品专业救援队", kind="professional", jurisdiction=builder.city,
                             lng=lng0 - 0.05, lat=lat0 + 0.03, specialties="危化品泄漏堵漏、洗消、侦检", leader="钱队长",
                             phone="0755-87654321", equipment="侦检车、洗消车、堵漏器材", readiness="ready"),
        services.team_create(actor=None, name=f"{chem.name}兼职救援队", kind="professional", enterprise=chem,
                             lng=lng0, lat=lat0, specialties="初期处置", leader=chem.safety_manager or "安全员",
                             readiness="standby"),
        services.team_create(actor=None, name=f"{street.name}应急志愿者队", kind="volunteer", jurisdiction=street,
                             specialties="疏散引导、后勤保障", readiness="ready"),
    ]
    for team in teams[:2]:
        for name, role in (("孙明", "队长"), ("李强", "班长"), ("周涛", "队员"), ("吴刚", "队员")):
            services.team_member_add(actor=None, team=team, name=name, role=role, certified=True)
    for index, (name, field, org) in enumerate((
            ("陈建国", "危险化学品、化工工艺", "示范市化工研究院"), ("林海", "消防、火灾调查", "示范市消防救援支队"),
            ("王芳", "职业卫生、中毒救治", "示范市职业病防治院"), ("刘洋", "建筑施工、起重机械", "示范市建筑科学研究院"))):
        services.expert_create(actor=None, name=name, specialties=field, organisation=org, title="高级工程师",
                               jurisdiction=builder.city, phone=f"0755-8600000{index}",
                               lng=lng0 + 0.03, lat=lat0 - 0.02)
    for index, (name, cap) in enumerate((("中心公园应急避难场所", 5000), ("第一中学体育馆", 1200))):
        services.shelter_create(actor=None, name=name, jurisdiction=district, lng=lng0 + 0.01 * (index + 1),
                                lat=lat0 - 0.01, capacity=cap, address=f"{district.name}{name}")
    wh = services.warehouse_create(actor=None, name=f"{district.name}应急物资储备库", jurisdiction=district,
                                   lng=lng0 + 0.015, lat=lat0 + 0.015, keeper="郑保管", phone="0755-11112222")
    wh2 = services.warehouse_create(actor=None, name=f"{chem.name}应急物资柜", enterprise=chem, lng=lng0, lat=lat0)
    for material, qty, unit, minimum, expires in (("吸附棉", 200, "包", 50, None), ("防毒面具", 80, "个", 100, None),
                                                  ("正压式空气呼吸器", 20, "套", 10, today + days(20)),
                                                  ("消防水带", 60, "盘", 20, None)):
        services.stock_receive(actor=None, warehouse=wh, material=material, quantity=qty, unit=unit, minimum=minimum,
                               expires_on=expires)
    services.stock_issue(actor=None, warehouse=wh, material="吸附棉", quantity=30, note="支援园区演练")
    services.stock_transfer(actor=None, source=wh, destination=wh2, material="防毒面具", quantity=10)
    services.stock_count(actor=None, warehouse=wh, material="消防水带", counted=58, note="季度盘点")

    open_inc = services.incident_open(actor=None, title=f"{chem.name}储罐区液体泄漏", lng=lng0, lat=lat0,
                                      enterprise=chem, needs="吸附棉, 防毒面具", commander="赵队长",
                                      description="储罐区阀门法兰处发生泄漏，企业已启动现场处置方案。")
    services.incident_log_add(actor=None, incident=open_inc, kind="dispatch", team=teams[1], text="调派危化救援队2车12人")
    services.incident_log_add(actor=None, incident=open_inc, kind="update", text="泄漏点已初步封堵，下风向200米已疏散")
    closed = services.incident_open(actor=None, title=f"{street.name}仓库火情", lng=lng0 + 0.01, lat=lat0 + 0.02)
    services.incident_log_add(actor=None, incident=closed, kind="arrival", team=teams[0], text="到场处置")
    services.incident_close(actor=None, incident=closed, review="明火已扑灭，无人员伤亡；暴露出仓库消防通道堵塞问题。")

    alert = services.alert_create(
        actor=None, jurisdiction=builder.city, event="危险化学品泄漏", urgency="Immediate", severity="Severe",
        certainty="Observed", headline_zh=f"{district.name}化工储罐泄漏预警", headline_en="Chemical tank leak warning",
        description_zh="储罐区发生泄漏，正在处置。", description_en="A storage tank is leaking; response under way.",
        instruction_zh="下风向居民关闭门窗，听从现场指挥。", instruction_en="Residents downwind: close windows, follow instructions.",
        area_desc=f"{district.name}{street.name}", circles=[f"{lat0:.4f},{lng0:.4f} 2"],
        expires=timezone.now() + days(1))
    services.alert_approve(actor=None, alert=alert)
    services.alert_publish(actor=None, alert=alert)
    # a warning received from the (synthetic) weather service: drawn on the resource map
    ring = " ".join(f"{lat0 + dy:.4f},{lng0 + dx:.4f}" for dx, dy in ((-.05, -.04), (.06, -.04), (.06, .05), (-.05, .05), (-.05, -.04)))
    received = CapAlert(
        identifier=f"demo-weather-{today:%Y%m%d}", sender="weather@demo.invalid", sent=timezone.now(), msg_type="Alert",
        category="Met", event="暴雨", urgency="Expected", severity="Severe", certainty="Likely",
        headline_zh=f"{district.name}暴雨橙色预警", headline_en="Orange rainstorm warning",
        description_zh="未来6小时将出现50毫米以上降雨。", description_en="Over 50 mm of rain in the next 6 hours.",
        instruction_zh="停止户外作业，检查排水设施，危化品仓库做好防汛。", instruction_en="Stop outdoor work; check drainage.",
        area_desc=f"{district.name}", polygons=[ring], expires=timezone.now() + days(2))
    services.alert_receive(actor=None, data=build_xml(received).encode("utf-8"))
    services.law_catalogue_sync()
    services.law_create(actor=None, kind="local", title=f"{builder.city.name}生产安全事故应急预案管理实施细则（示范）",
                        number=f"{builder.city.name[:1]}应急规〔2024〕1号", issuer=f"{builder.city.name}应急管理局",
                        issued_on=dt.date(2024, 5, 20), effective_on=dt.date(2024, 7, 1),
                        summary="演示数据：本市对预案备案、演练报告和值班的补充规定。")
    shifts = _duty_roster(builder, today)
    return {"emergency_plans": len(plans), "emergency_drills": len(drills), "emergency_teams": len(teams),
            "emergency_incidents": 2, "cap_alerts": 2, "emergency_duty_shifts": shifts}


def _duty_roster(builder: Any, today: dt.date) -> int:
    """A fortnight of 24-hour shifts (08:00–08:00) for the city office and the first district office."""
    leaders = ("张副局长", "李副局长", "王副主任")
    officers = (("陈值班", "0755-88880001"), ("林值班", "0755-88880002"), ("黄值班", "0755-88880003"),
                ("吴值班", "0755-88880004"))
    n = 0
    for offset, unit in enumerate((builder.city, builder.districts[0])):
        for day in range(-3, 11):
            start = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=day), dt.time(8, 0)))
            officer, phone = officers[(day + offset) % len(officers)]
            services.duty_shift_create(actor=None, jurisdiction=unit, starts_at=start,
                                       ends_at=start + dt.timedelta(days=1), leader=leaders[(day + offset) % 3],
                                       leader_phone=f"1380000{(day + 3) % 10}{offset}00", officer=officer,
                                       officer_phone=phone)
            n += 1
    return n
