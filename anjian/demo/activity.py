"""A year of activity for the synthetic demo city: grids, hazards, public reports, accidents, monitoring.

Everything here goes through the apps' own service functions, exactly as a person using the
platform would cause it — so every record has its row history, its timeline events, its inbox
items, its document numbers and its routing. Where a person acts, a demo user is the actor
(``grid`` patrols, ``district1`` confirms, ``enterprise`` rectifies, ``hotline`` takes calls …);
where the actor would be an enterprise without a login, a member of the public or a device, the
actor is ``None`` (shown as 系统) and the note or finder name says who it was.

Dates: services that accept a past time (``found_at``, ``occurred_at``/``known_at``/``reported_at``,
penalty dates, investigation dates, sensor timestamps) get dates spread over the past ~13 months;
services that stamp ``now`` themselves (report received, confirmation, write-off …) do so.

Deterministic: one ``random.Random`` seeded from the builder's seeded generator; rows are chosen
by position in id order, so the same seed and scale give the same records (timestamps that the
services stamp ``now`` and the public reports' random tracking codes aside).
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
import time
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from anjian.accidents import services as acs
from anjian.accidents import targets as tg
from anjian.accidents.monthly import monthly_report_request, previous_month
from anjian.accounts.models import Membership, Role, User
from anjian.accounts.services import membership_grant, user_create
from anjian.core.scoping import can
from anjian.demo import geometry as geo
from anjian.demo.names import ROADS, _person
from anjian.documents.models import DocumentSeries
from anjian.enterprises.models import Enterprise, EnterpriseStatus
from anjian.grids.models import GridRole, PatrolStatus, PatrolTask
from anjian.grids.services import grid_staff_set, patrol_plan_generate, patrol_record_create
from anjian.hazards import services as hs
from anjian.hazards.models import Hazard, HazardStatus
from anjian.monitoring.ingest import RawReading, ingest
from anjian.monitoring.models import Alarm
from anjian.monitoring.services import (
    SubstanceRow,
    alarm_acknowledge,
    alarm_close,
    hazard_source_create,
    sensor_create,
    sensors_check_offline,
)
from anjian.public_reports import services as ps
from anjian.public_reports.models import Channel, RejectReason, ReportType
from anjian.public_reports.rewards import reward_approve, reward_propose
from anjian.rules import accidents as law

# --- catalogues ----------------------------------------------------------------------------

# (category, description, measures) — general hazards by the enterprise's flags or sector.
HAZARDS_BY_FLAG: dict[str, tuple[tuple[str, str, str], ...]] = {
    "dust_explosion": (
        ("粉尘防爆", "打磨工位除尘管道积尘较厚，未按规定每班清扫并记录", "建立清扫制度，每班清扫除尘管道并登记"),
        ("粉尘防爆", "除尘器卸灰口未设置锁气卸灰装置", "加装锁气卸灰装置，卸灰时停机"),
    ),
    "hazardous_chemicals": (
        ("危险化学品", "危化品仓库内氧化剂与易燃液体混存，未分区隔离", "按禁忌物料分区存放，设置隔离"),
        ("危险化学品", "装卸区静电接地报警器损坏，槽车卸车未接地", "修复静电接地报警器，卸车前检查接地"),
        ("危险化学品", "甲类仓库防爆灯具损坏，部分电气线路未穿管保护", "更换防爆灯具，线路穿管"),
    ),
    "ammonia_refrigeration": (
        ("液氨制冷", "氨制冷机房氨气浓度报警装置未与事故排风机联锁", "实现报警与事故排风联锁并测试"),
        ("液氨制冷", "速冻车间氨管道阀门无标识，部分保温层破损", "补设阀门标识，修复保温层"),
    ),
    "confined_space": (
        ("有限空间", "污水池有限空间入口未设置警示标识，作业审批记录缺失", "设置警示标识，严格执行作业审批"),
        ("有限空间", "有限空间作业未配备气体检测仪和正压式呼吸器", "配备检测仪和呼吸器，作业前检测"),
    ),
    "crowded_place": (
        ("消防安全", "安全出口被货物堵塞，疏散通道宽度不足", "清理疏散通道，保持安全出口畅通"),
        ("消防安全", "应急照明和疏散指示标志部分损坏", "更换损坏的应急照明和疏散指示标志"),
    ),
}
HAZARDS_BY_SECTOR: dict[str, tuple[tuple[str, str, str], ...]] = {
    "62": (("燃气安全", "厨房使用瓶装液化石油气，未安装可燃气体报警装置", "安装可燃气体报警装置和紧急切断阀"),),
    "47": (("高处作业", "外脚手架作业层未满铺脚手板，未设置挡脚板", "满铺脚手板，设置挡脚板和防护栏杆"),),
    "48": (("有限空间", "管网检查井作业未设置专人监护", "设专人监护，作业前检测气体"),),
    "50": (("高处作业", "室内装修使用的移动式操作平台无防护栏杆", "加设防护栏杆，作业人员系安全带"),),
    "54": (("车辆安全", "部分营运车辆卫星定位装置离线，动态监控未落实", "修复定位装置，落实动态监控"),),
    "59": (("仓储安全", "货架超高堆放，叉车通道被占用", "限高堆放，清理叉车通道"),),
    "81": (("消防安全", "汽修车间内违规存放汽油桶，灭火器过期", "清理汽油桶，更换灭火器"),),
}
HAZARDS_GENERAL: tuple[tuple[str, str, str], ...] = (
    ("电气安全", "配电箱未上锁，线路私拉乱接，部分电线绝缘层破损", "规范敷设线路，配电箱加锁"),
    ("特种设备", "叉车未按期检验仍在使用", "停用叉车，检验合格后使用"),
    ("安全管理", "未建立全员安全生产责任制，新员工未经三级安全教育上岗", "建立责任制，补齐培训"),
    ("机械防护", "冲床未安装光电保护装置，传动部位防护罩缺失", "加装光电保护和防护罩"),
    ("警示标志", "危险作业场所未设置安全警示标志", "按规范设置安全警示标志"),
    ("消防安全", "灭火器压力不足，消火栓被杂物遮挡", "更换灭火器，清理消火栓周边"),
    ("应急管理", "未制定生产安全事故应急预案，未组织演练", "编制应急预案并组织演练"),
)
# Places without an enterprise file: (place name, category, description, measures).
PLACES: tuple[tuple[str, str, str, str], ...] = (
    ("居民楼底商电动自行车维修点", "无证照经营", "居民楼一层有人无证从事电动自行车维修，现场堆放废旧电池",
     "依法取缔，清理废旧电池"),
    ("城中村出租屋", "消防安全", "出租屋内电动自行车入户充电，楼道堆放杂物", "劝导拆除，设置集中充电点"),
    ("夜市摊档", "燃气安全", "夜市摊档使用的液化气瓶无检验标识，软管老化", "停用无标识气瓶，更换软管"),
    ("临时仓储点", "消防安全", "空地临时搭建彩钢板仓库，存放泡沫包装材料，无消防设施", "拆除违建，清运易燃物"),
)
MAJOR_CHEM = ("重大事故隐患：罐区可燃气体报警", "液化石油气球罐区可燃气体检测报警装置 3 处失效，未与紧急切断联锁",
              "化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）")
MAJOR_DUST = ("重大事故隐患：粉尘防爆", "除尘系统未设置泄爆装置，砂光工位除尘器设在车间内",
              "工贸企业重大事故隐患判定标准（应急管理部令第10号）")
MAJOR_GENERAL = ("重大事故隐患：有限空间", "有限空间作业场所未辨识、未设置明显安全警示标志，作业未执行审批",
                 "工贸企业重大事故隐患判定标准（应急管理部令第10号）")
PLAN = {
    "targets_tasks": "全部恢复罐区可燃气体检测报警功能，并与紧急切断阀联锁，消除重大事故隐患",
    "methods_measures": "更换失效探测器 3 台，新增联锁逻辑并经第三方测试；整改期间罐区禁止动火和装卸作业",
    "funds_materials": "整改资金 38 万元，由企业安全生产费用列支；探测器与控制模块已采购",
    "organisation_people": "总经理任组长，安全总监负责实施，设备部和仪表班组落实",
    "deadline_requirements": "45 日内完成，每周向属地应急管理部门报送进展",
    "safety_emergency": "整改期间每 2 小时人工巡检并用便携式检测仪检测，应急物资和人员 24 小时值守",
}

# Accident scenes: (category, GB/T 6441-1986 code, GB 6441—2025 code, description).
ACCIDENT_SCENES: tuple[tuple[str, str, str, str], ...] = (
    ("industrial_commercial", "03", "WSA10004", "操作工在清理冲压机模具时设备误启动，右手被压伤"),
    ("industrial_commercial", "09", "WSA10010", "工人在仓库货架上取货时从约 3 米高处坠落"),
    ("industrial_commercial", "01", "WSA10001", "吊装作业中钢管滑落，击中地面作业人员"),
    ("industrial_commercial", "04", "WSA10005", "行车吊运钢材时吊索断裂，钢材坠落砸伤司索工"),
    ("industrial_commercial", "05", "WSA10006", "电工带电检修配电柜时触电"),
    ("industrial_commercial", "10", "WSA10012", "基坑开挖时边坡局部坍塌，掩埋一名工人"),
    ("industrial_commercial", "07", "WSA10008", "反应釜取样时物料喷溅，操作工面部灼伤"),
    ("industrial_commercial", "02", "WSA10002", "厂区内叉车倒车时撞伤装卸工"),
    ("road_traffic", "02", "WSA10003", "货车在路口右转时与电动自行车发生碰撞"),
    ("road_traffic", "02", "WSA10003", "客运车辆在高架桥匝道追尾前方小型货车"),
    ("fire", "08", "WSA10009", "厨房油锅起火引燃排烟管道，火势蔓延至大堂"),
    ("fire", "08", "WSA10009", "仓库内电动自行车电池充电时起火"),
    ("other", "06", "WSA10007", "游泳馆一名顾客溺水，救生员施救后送医"),
)
SCENE_SECTORS = {"road_traffic": ("54", "58"), "fire": ("62", "52", "59", "61"), "other": ("89", "90")}

# Sensors of the chemical showcase: (code, name, kind, unit, low, high, high_high, range, interval s,
# baseline, noise, deadband).
SENSORS: tuple[tuple[Any, ...], ...] = (
    ("GT-101", "甲醇罐组可燃气体探测器", "combustible_gas", "%LEL", None, 20.0, 50.0, (0.0, 100.0), 60, 2.0, 0.3, 2.0),
    ("GT-102", "液化石油气球罐区可燃气体探测器", "combustible_gas", "%LEL", None, 20.0, 50.0, (0.0, 100.0), 60, 2.5, 0.3,
     2.0),
    ("GT-103", "装卸站台可燃气体探测器", "combustible_gas", "%LEL", None, 20.0, 50.0, (0.0, 100.0), 60, 1.8, 0.3, 2.0),
    ("AT-201", "液氯库房有毒气体探测器（氯气）", "toxic_gas", "ppm", None, 1.0, 2.0, (0.0, 10.0), 60, 0.05, 0.02, 0.1),
    ("AT-202", "液氯汽化间有毒气体探测器（氯气）", "toxic_gas", "ppm", None, 1.0, 2.0, (0.0, 10.0), 60, 0.05, 0.02,
     0.1),
    ("TT-301", "甲醇储罐 T-301 温度", "temperature", "℃", None, 40.0, 50.0, (-20.0, 100.0), 300, 24.0, 0.3, 1.0),
    ("PT-401", "液化石油气球罐 V-401 压力", "pressure", "MPa", None, 1.4, 1.6, (0.0, 2.5), 300, 0.72, 0.01, 0.05),
    ("LT-501", "甲醇储罐 T-301 液位", "liquid_level", "m", 1.0, 9.0, 10.0, (0.0, 12.0), 300, 6.2, 0.03, 0.2),
    ("LT-502", "液氯储罐 V-502 液位", "liquid_level", "m", 0.3, 2.4, 2.7, (0.0, 3.0), 300, 1.6, 0.01, 0.05),
)
EXCURSION_SENSOR, FALSE_ALARM_SENSOR, SILENT_SENSOR = "GT-102", "AT-202", "LT-502"


class Activity:
    """Builds the activity on a finished :class:`anjian.demo.generator.Builder`."""

    def __init__(self, builder: Any) -> None:
        self.b = builder
        self.rng = random.Random(builder.rng.getrandbits(64))
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.users = {u.username: u for u in User.objects.filter(username__in=[
            "admin", "city_office", "district1", "district2", "street", "regulator", "grid", "enterprise", "custody",
            "hotline", "leader"])}
        self.counts: dict[str, int] = {}
        self.street0 = builder.streets[0]
        self.ema = builder.departments["市应急管理局"]

        self.custody_ids = set(Membership.objects.filter(user__username="custody", role__code="custody")
                               .values_list("enterprise_id", flat=True))
        self.hazards_by_district: dict[int, list[Any]] = {}
        self.refusals: dict[int, int] = {}

    # --- helpers -----------------------------------------------------------------------------

    def u(self, name: str) -> Any:
        return self.users[name]

    def district_actor(self, index: int) -> Any:
        """The district office's demo user for the first two districts; the city office beyond."""
        return self.u(f"district{index + 1}") if index < 2 else self.u("city_office")

    def district_index(self, jurisdiction: Any) -> int:
        for i, d in enumerate(self.b.districts):
            if jurisdiction.path.startswith(d.path):
                return i
        return 0

    def ago(self, days: float, hour: int | None = None) -> dt.datetime:
        """A moment ``days`` ago, at a working hour (local time) when ``hour`` is given."""
        moment = self.now - dt.timedelta(days=days)
        if hour is not None:
            local = timezone.localtime(moment).replace(hour=hour, minute=self.rng.randrange(60), second=0,
                                                       microsecond=0)
            moment = min(local, self.now - dt.timedelta(minutes=5))
        return moment

    def rectifier(self, ent: Any) -> Any:
        """Who enters the enterprise's own steps: its login, its custody provider, the street office
        for enterprises of the demo street; otherwise nobody with a login (系统, the note says who)."""
        if ent is None:
            return None
        if ent.pk == self.b.showcase[0].pk:
            return self.u("enterprise")
        if ent.pk in self.custody_ids:
            return self.u("custody")
        if ent.jurisdiction.path.startswith(self.street0.path):
            return self.u("street")
        return None

    def enterprises_of(self, district: Any) -> list[int]:
        return list(Enterprise.objects.filter(jurisdiction__path__startswith=district.path,
                                              status=EnterpriseStatus.OPERATING).order_by("id")
                    .values_list("id", flat=True))

    def enterprise(self, pk: int) -> Any:
        return Enterprise.objects.select_related("jurisdiction", "sector", "department").get(pk=pk)

    def person(self) -> str:
        return _person(self.rng)

    def run(self) -> dict[str, int]:
        steps = (self.build_grids, self.build_hazards, self.build_public_reports, self.build_accidents,
                 self.build_monitoring)
        started = time.perf_counter()
        for step in steps:
            with transaction.atomic():
                step()
        self.b.out(f"  活动数据用时 {time.perf_counter() - started:.1f} 秒")
        return self.counts

    # --- grids -------------------------------------------------------------------------------

    def build_grids(self) -> None:
        """Grid staff for the demo grid and its neighbours, this quarter's patrol plan from today,
        and a few patrols (one far from the site, one with a finding that becomes a hazard)."""

        admin, street = self.u("admin"), self.u("street")
        inspector_role = Role.objects.get(code="grid_inspector")
        grids = [g for g in self.b.grids if g.path.startswith(self.street0.path)][:6]
        staff = 0
        for n, grid in enumerate(grids):
            leader = user_create(actor=admin, username=f"gridlead{n + 1:02d}", password=None,
                                 display_name=f"{self.person()}（网格长）", must_change_password=False)
            membership_grant(actor=admin, user=leader, role=inspector_role, jurisdiction=grid)
            grid_staff_set(actor=street, grid=grid, user=leader, role=GridRole.LEADER)
            if n == 0:
                inspector = self.u("grid")
            else:
                inspector = user_create(actor=admin, username=f"gridstaff{n + 1:02d}", password=None,
                                        display_name=self.person(), must_change_password=False)
                membership_grant(actor=admin, user=inspector, role=inspector_role, jurisdiction=grid)
            grid_staff_set(actor=street, grid=grid, user=inspector, role=GridRole.INSPECTOR)
            staff += 2
        last_month = (self.today.month - 1) // 3 * 3 + 3
        quarter_end = (dt.date(self.today.year, 12, 31) if last_month == 12
                       else dt.date(self.today.year, last_month + 1, 1) - dt.timedelta(days=1))
        tasks = 0
        for grid in grids:
            tasks += len(patrol_plan_generate(actor=street, grid=grid, start=self.today, end=quarter_end))
        # Patrols in the demo grid by the demo inspector: near the site, one far, one finding.
        grid_user = self.u("grid")
        open_tasks = list(PatrolTask.objects.filter(grid=grids[0], status=PatrolStatus.OPEN, due_date=self.today)
                          .select_related("enterprise").order_by("id")[:6])
        records = 0
        for k, task in enumerate(open_tasks):
            ent = task.enterprise
            far = k == 2
            dx, dy = (0.009, 0.006) if far else (self.rng.uniform(-3, 3) * 1e-4, self.rng.uniform(-3, 3) * 1e-4)
            findings = []
            if k == 4:
                category, description, _m = self.pick_general(ent)
                findings = [{"category": category, "description": description}]
            patrol_record_create(
                actor=grid_user, enterprise=ent, task=task, lng=ent.lng + dx, lat=ent.lat + dy,
                accuracy_m=round(self.rng.uniform(5, 25), 1),
                answers={"消防通道": "合格", "安全警示标志": "合格" if not findings else "不合格",
                         "特种设备检验": "合格"},
                note="签到位置在厂区外（门卫室登记后入场）" if far else "例行巡查", findings=findings,
            )
            records += 1
        # A neighbouring grid's inspector patrols too.
        if len(grids) > 1:
            other = PatrolTask.objects.filter(grid=grids[1], status=PatrolStatus.OPEN).select_related(
                "enterprise", "inspector").order_by("id").first()
            if other is not None and other.inspector is not None:
                ent = Enterprise.objects.get(pk=other.enterprise_id)
                patrol_record_create(actor=other.inspector, enterprise=ent, task=other, lng=ent.lng, lat=ent.lat,
                                     accuracy_m=8.0, answers={"消防通道": "合格"}, note="例行巡查")
                records += 1
        self.counts.update({"grid_staff": staff, "patrol_tasks": tasks, "patrol_records": records})
        self.b.out(f"  网格人员 {staff} 人，巡查任务 {tasks} 项，巡查记录 {records} 条")

    # --- hazards -----------------------------------------------------------------------------

    def pick_general(self, ent: Any) -> tuple[str, str, str]:
        pool: list[tuple[str, str, str]] = []
        for flag in ent.flags or []:
            pool += HAZARDS_BY_FLAG.get(flag, ())
        pool += HAZARDS_BY_SECTOR.get(ent.sector.code if ent.sector_id else "", ())
        if not pool or self.rng.random() < 0.3:
            pool = pool + list(HAZARDS_GENERAL)
        return self.rng.choice(pool)

    def target_state(self, age: float) -> str:
        table: tuple[tuple[str, int], ...]
        if age > 120:
            table = (("written_off", 70), ("rejected", 10), ("rectifying", 12), ("submitted", 4), ("confirmed", 4))
        elif age > 30:
            table = (("written_off", 40), ("rectifying", 25), ("submitted", 10), ("confirmed", 12), ("rejected", 8),
                     ("reported", 5))
        else:
            table = (("reported", 30), ("confirmed", 22), ("rectifying", 25), ("submitted", 10), ("written_off", 5),
                     ("rejected", 8))
        return self.rng.choices([s for s, _w in table], weights=[w for _s, w in table])[0]

    def reporter_for(self, source: str, ent: Any, d_index: int) -> tuple[Any, str]:
        """(actor, finder name) of a hazard found by ``source`` at ``ent``."""
        if source == "patrol":
            if ent is not None and ent.jurisdiction_id == self.b.grids[0].pk:
                return self.u("grid"), ""
            if ent is not None and ent.jurisdiction.path.startswith(self.street0.path):
                return self.u("street"), ""
            return self.district_actor(d_index), f"{self.person()}（网格员）"
        if source == "self_inspection":
            actor = self.rectifier(ent)
            if actor is not None and actor.username in ("enterprise", "custody"):
                return actor, ""
            return None, f"{(ent.safety_manager or ent.principal) if ent else ''}（企业自查）"
        if source == "inspection":
            if ent is not None and ent.department_id == self.ema.pk and self.rng.random() < 0.6:
                return self.u("regulator"), ""
            return self.district_actor(d_index), ""
        if source == "supervision":
            return self.u("city_office"), ""
        return self.district_actor(d_index), ""

    def confirmer(self, h: Any, d_index: int) -> Any:
        if h.department_id == self.ema.pk and self.rng.random() < 0.4:
            return self.u("regulator")
        return self.district_actor(d_index)

    def hazard(self, *, d_index: int, ent: Any, source: str, found_at: dt.datetime, target: str,
               what: tuple[str, str, str], level: str = "general", standard_item: str = "",
               place: tuple[str, float, float] | None = None, deadline_days: int | None = None,
               send_back: bool = False) -> Any:
        """One hazard taken through its lifecycle to ``target`` by the services."""

        category, description, measures = what
        actor, finder = self.reporter_for(source, ent, d_index)
        kwargs: dict[str, Any] = {}
        if place is not None:
            kwargs = {"place_name": place[0], "lng": place[1], "lat": place[2]}
        h = hs.hazard_report(actor=actor, source=source, category=category, description=description, level=level,
                             enterprise=ent, standard_item=standard_item, found_at=found_at, finder_name=finder,
                             **kwargs)
        self.hazards_by_district.setdefault(d_index, []).append(h)
        if target == "reported":
            return h
        checker = self.confirmer(h, d_index)
        if target == "rejected":
            visible = [x for x in self.hazards_by_district[d_index][:-1] if can(checker, "hazards.view", x)]
            earlier = [x for x in visible if x.enterprise_id == h.enterprise_id] or visible
            refused = self.refusals.get(d_index, 0)
            self.refusals[d_index] = refused + 1
            if earlier and (refused + d_index) % 2 == 1:  # alternate: not a hazard, duplicate, …
                return hs.hazard_reject(actor=checker, hazard=h, reason="duplicate", duplicate_of=earlier[-1],
                                        note=f"与 {earlier[-1].code} 为同一隐患，重复上报")
            return hs.hazard_reject(actor=checker, hazard=h, reason="not_a_hazard",
                                    note="现场核实：已按规范设置，不构成事故隐患")
        days = deadline_days if deadline_days is not None else self.rng.choice((3, 7, 10, 15, 30))
        h = hs.hazard_confirm(actor=checker, hazard=h, deadline=found_at + dt.timedelta(days=days),
                              responsible_person=(ent.safety_manager or ent.principal) if ent else self.person(),
                              measures=measures, note="经现场核实，情况属实")
        if target == "confirmed":
            return h
        doer = self.rectifier(ent)
        who = "" if doer is not None else f"（企业{('负责人' + ent.principal) if ent else '属地'}报送，系统代录）"
        h = hs.hazard_start_rectification(actor=doer, hazard=h, note=f"已制定整改措施：{measures}{who}")
        if target == "rectifying":
            return h
        h = hs.hazard_submit(actor=doer, hazard=h, note=f"已完成整改：{measures}，附整改后照片{who}")
        if send_back:
            h = hs.hazard_send_back(actor=checker, hazard=h, note="复查发现整改不到位，请补充整改",
                                    deadline=self.now + dt.timedelta(days=7))
            h = hs.hazard_submit(actor=doer, hazard=h, note=f"已按复查意见补充整改{who}")
        if target == "submitted":
            return h
        return hs.hazard_write_off(actor=checker, hazard=h, note="复查合格，同意销号")

    def build_hazards(self) -> None:
        rng = self.rng
        sources = ("patrol", "self_inspection", "inspection", "supervision", "other")
        weights = (40, 20, 25, 5, 10)
        made = 0
        for d_index, district in enumerate(self.b.districts):
            pool = self.enterprises_of(district)
            n = rng.randint(22, 32)
            grid_rings = [(g, r) for g, r in zip(self.b.grids, self.b.grid_rings, strict=True)
                          if g.path.startswith(district.path)]
            specs = []
            for k in range(n):
                age = rng.uniform(0.2, 395) if k % 3 else rng.uniform(0.2, 60)  # a third recent
                specs.append((age, k))
            specs.sort(reverse=True)  # oldest first, so duplicates point back in time
            # Every state in every district: the six most recent take one each, and two older ones
            # are still being rectified long after their deadline (overdue); the rest are drawn.
            forced = dict(zip(range(n - 6, n), ("rejected", "written_off", "submitted", "rectifying", "confirmed",
                                                "reported"), strict=True))
            forced.update({n // 4: "rectifying", n // 3: "rectifying"})
            for position, (age, k) in enumerate(specs):
                found_at = self.ago(age, hour=rng.randint(8, 17))
                target = forced.get(position) or self.target_state(age)
                if k % 11 == 5 and grid_rings:
                    _grid, ring = rng.choice(grid_rings)
                    lng, lat = geo.random_point_in(ring, rng)
                    place, *what = rng.choice(PLACES)
                    self.hazard(d_index=d_index, ent=None, source=rng.choice(("patrol", "other")), found_at=found_at,
                                target=target, what=(what[0], what[1], what[2]), place=(place, lng, lat))
                else:
                    ent = self.enterprise(rng.choice(pool))
                    source = rng.choices(sources, weights=weights)[0]
                    self.hazard(d_index=d_index, ent=ent, source=source, found_at=found_at, target=target,
                                what=self.pick_general(ent), send_back=target == "written_off" and k % 7 == 0)
                made += 1
        # Risk scores (LEC / LS) on some open hazards.
        scored = 0
        for d_index, district in enumerate(self.b.districts):
            open_ones = list(Hazard.objects.filter(jurisdiction__path__startswith=district.path, status__in=[
                HazardStatus.CONFIRMED, HazardStatus.RECTIFYING]).order_by("id"))
            for h in open_ones[::3]:
                if scored % 2 == 0:
                    factors = {"l": rng.choice(("1", "3", "6")), "e": rng.choice(("2", "3", "6")),
                               "c": rng.choice(("3", "7", "15"))}
                    hs.hazard_risk_assess(actor=self.district_actor(d_index), hazard=h, method="lec", factors=factors)
                else:
                    hs.hazard_risk_assess(actor=self.district_actor(d_index), hazard=h, method="ls",
                                          factors={"l": rng.randint(1, 4), "s": rng.randint(1, 4)})
                scored += 1
        made += self.build_major_hazards(DocumentSeries)
        self.counts.update({"hazards": Hazard.objects.count(), "hazard_risk_scores": scored})
        self.b.out(f"  隐患 {Hazard.objects.count()} 条（风险评价 {scored} 条）")

    def build_major_hazards(self, series_model: Any) -> int:
        """重大 hazards: the chemical showcase's under 挂牌督办 with its six-part plan; the furniture
        showcase's applied, reviewed, penalised three times in 180 days (Art. 113 flag); one
        written off in the second district; and one found by the monitoring system."""

        chem, _cold, furniture, _restaurant = self.b.showcase
        regulator, district1, enterprise_user = self.u("regulator"), self.u("district1"), self.u("enterprise")
        # 1. Chemical showcase: inspection → confirmed → plan → rectifying → listed by the district.
        h = hs.hazard_report(actor=regulator, source="inspection", category=MAJOR_CHEM[0], description=MAJOR_CHEM[1],
                             level="major", enterprise=chem, standard_item=MAJOR_CHEM[2], found_at=self.ago(38, 10))
        h = hs.hazard_confirm(actor=regulator, hazard=h, responsible_person=chem.safety_manager,
                              note="执法检查发现，依据判定标准认定为重大事故隐患")
        h = hs.hazard_plan_set(actor=enterprise_user, hazard=h, plan=PLAN, deadline=self.now + dt.timedelta(days=21))
        h = hs.hazard_start_rectification(actor=enterprise_user, hazard=h, note="按治理方案开始整改，罐区停止装卸")
        hs.hazard_risk_assess(actor=regulator, hazard=h, method="lec", factors={"l": "3", "e": "6", "c": "40"})
        series = series_model.objects.get(code="demo-district-1-committee")
        hs.hazard_listing_create(actor=district1, hazard=h, level="district", series=series,
                                 issuer=self.b.district_offices[0].name, deadline=self.today + dt.timedelta(days=21),
                                 requirements="每周五前报送整改进展；整改完成后申请销号")
        self.hazards_by_district.setdefault(0, []).append(h)
        # 2. Furniture showcase: penalised three times within 180 days, then applied and reviewed.
        h2 = hs.hazard_report(actor=self.u("street"), source="patrol", category=MAJOR_DUST[0],
                              description=MAJOR_DUST[1], level="major", enterprise=furniture,
                              standard_item=MAJOR_DUST[2], found_at=self.ago(175, 15))
        h2 = hs.hazard_confirm(actor=regulator, hazard=h2, responsible_person=furniture.safety_manager,
                               note="依据工贸企业重大事故隐患判定标准认定")
        plan = {**PLAN, "targets_tasks": "除尘系统整体改造，消除粉尘爆炸重大事故隐患",
                "methods_measures": "除尘器移至室外并设置泄爆片，加装锁气卸灰和火花探测装置",
                "funds_materials": "整改资金 22 万元"}
        h2 = hs.hazard_plan_set(actor=self.u("street"), hazard=h2, plan=plan)
        h2 = hs.hazard_start_rectification(actor=self.u("street"), hazard=h2, note="企业按方案整改（街道代录）")
        for n, days in enumerate((170, 100, 25), start=1):
            hs.hazard_penalty_record(
                actor=regulator, hazard=h2, decided_on=self.today - dt.timedelta(days=days),
                amount=Decimal(30_000 * n), document_number=f"（示）应急罚〔{(self.today - dt.timedelta(days=days)).year}〕"
                f"{20 + n * 7}号", note="存在重大事故隐患，逾期未整改",
            )
        h2 = hs.hazard_apply_writeoff(actor=self.u("street"), hazard=h2,
                                      note="除尘系统改造完成，经第三方检测合格，申请销号（街道代录）")
        h2 = hs.hazard_review(actor=regulator, hazard=h2, passed=True, note="现场核查：泄爆、卸灰装置已按方案设置")
        # 3. Second district: a major hazard found, treated and written off.
        if len(self.b.districts) > 1:
            district2 = self.u("district2")
            pool = self.enterprises_of(self.b.districts[1])
            ent = self.enterprise(pool[len(pool) // 3])
            h3 = hs.hazard_report(actor=district2, source="supervision", category=MAJOR_GENERAL[0],
                                  description=MAJOR_GENERAL[1], level="major", enterprise=ent,
                                  standard_item=MAJOR_GENERAL[2], found_at=self.ago(250, 9))
            h3 = hs.hazard_confirm(actor=district2, hazard=h3, responsible_person=ent.principal, note="认定为重大事故隐患")
            h3 = hs.hazard_plan_set(actor=None, hazard=h3, plan={**PLAN, "targets_tasks": "完成有限空间辨识和管理台账",
                                                                  "methods_measures": "设置警示标志，配备检测和防护设备，"
                                                                                      "建立作业审批制度"})
            h3 = hs.hazard_start_rectification(actor=None, hazard=h3, note="企业按方案整改（系统代录）")
            h3 = hs.hazard_apply_writeoff(actor=None, hazard=h3, note="整改完成，申请销号（企业书面申请）")
            h3 = hs.hazard_review(actor=district2, hazard=h3, passed=True, note="现场核查通过")
            hs.hazard_write_off(actor=district2, hazard=h3, note="同意销号")
            self.hazards_by_district.setdefault(1, []).append(h3)
        # 4. Found by the monitoring system (an alarm handled as real, months ago), written off.
        h4 = hs.hazard_report(actor=None, source="alarm", category="监测报警",
                              description="测点 GT-101（甲醇罐组可燃气体探测器）高报，报警值 26%LEL；"
                                          "处置情况：法兰垫片老化微量泄漏，已紧固更换", enterprise=chem,
                              found_at=self.ago(64, 3), finder_name="监测预警系统")
        h4 = hs.hazard_confirm(actor=regulator, hazard=h4, deadline=self.ago(60), note="报警核实属实")
        h4 = hs.hazard_start_rectification(actor=enterprise_user, hazard=h4, note="更换垫片")
        h4 = hs.hazard_submit(actor=enterprise_user, hazard=h4, note="已更换法兰垫片并检测无泄漏")
        hs.hazard_write_off(actor=regulator, hazard=h4, note="复查合格")
        return 4

    # --- public reports ----------------------------------------------------------------------

    def build_public_reports(self) -> None:
        """About ten reports (more in a bigger city) through the web form, the hotline and Open311,
        in every state; one reward proposed and approved."""

        _ensure_reject_reasons()
        rng = self.rng
        hotline, city_office = self.u("hotline"), self.u("city_office")
        n_rounds = 1 if len(self.b.districts) <= 2 else 2  # ten reports a round: a few weeks' worth
        made = 0
        ent_of: dict[int, Any] = {}  # report → the enterprise it is about (even when not picked)
        phones = iter(f"139{rng.randrange(10**8):08d}" for _ in range(100))

        def identity(consent: bool = False) -> dict[str, Any]:
            return {"name": self.person(), "phone": next(phones), "reward_consent": consent,
                    "contact_preference": "phone"}

        def submit(d_index: int, channel: str, rtype: str, text: str, *, ident: dict[str, Any] | None = None,
                   ent: Any = None) -> Any:
            """File a report about an enterprise of the district, pinned at its site (so it stays in
            that district); some reporters only type the name, without picking the enterprise."""
            nonlocal made
            if ent is None:
                pool = self.enterprises_of(self.b.districts[d_index])
                ent = self.enterprise(pool[rng.randrange(len(pool))])
            actor = hotline if channel == Channel.HOTLINE else None
            report, _secret, _created = ps.report_submit(
                actor=actor, channel=channel, report_type=rtype, description=text.format(name=ent.name),
                address=ent.address, lng=ent.lng, lat=ent.lat, occurred_at=self.ago(rng.uniform(1, 20)),
                enterprise=ent if rng.random() < 0.7 else None, enterprise_name=ent.name, identity=ident,
                idempotency_key=f"demo-{self.b.seed}-{self.b.scale_name}-{made}",
            )
            made += 1
            ent_of[report.pk] = ent
            return report

        for r in range(n_rounds):
            d0 = (2 * r) % len(self.b.districts)
            d1 = (2 * r + 1) % len(self.b.districts)
            a0, a1 = self.district_actor(d0), self.district_actor(d1)
            # 1 + 2: a real-name web report with a duplicate merged into it; handled with a new
            # hazard, verified as substantiated with a fine, replied, closed; reward approved.
            first = submit(d0, Channel.PUBLIC, ReportType.HAZARD,
                           "{name} 车间消防通道长期堆放纸箱，晚上有工人在车间内吸烟", ident=identity(consent=True))
            dup = submit(d0, Channel.PUBLIC, ReportType.HAZARD, "{name} 车间通道堆满纸箱，担心发生火灾",
                         ent=ent_of[first.pk])
            ps.report_merge(actor=a0, report=dup, into=first, note="同一单位同一事项，合并办理")
            ps.report_accept(actor=a0, report=first, note="属于安全生产举报，予以受理")
            ps.report_dispatch(actor=a0, report=first, note="请属地街道会同行业部门核查")
            ps.report_handle(actor=a0, report=first, note="现场核查属实，已责令清理通道并立案处罚",
                             create_hazard=True, hazard_category="消防安全",
                             hazard_description="疏散通道堆放杂物，消防通道不畅通", hazard_description_confirmed=True)
            ps.report_verify(actor=a0, report=first, result="substantiated", fine_yuan=Decimal(20_000),
                             note="对该单位罚款 2 万元")
            ps.report_reply(actor=a0, report=first, text="经核查，您反映的问题属实。执法部门已责令该单位清理消防通道，"
                                                          "并依法作出罚款处理。感谢您的监督。")
            ps.report_close(actor=a0, report=first, note="已答复，办结")
            reward = reward_propose(actor=a0, report=first, note="按罚款金额计算奖励")
            approver = city_office if a0 != city_office else self.u("admin")  # not the proposer
            reward_approve(actor=approver, reward=reward, approve=True, note="同意")
            # 3: a hotline call, handled with a hazard, partly substantiated, replied.
            call = submit(d1, Channel.HOTLINE, ReportType.HAZARD, "来电反映 {name} 液化气瓶放在后厨通道，没有报警器",
                          ident=identity())
            ps.report_accept(actor=a1, report=call)
            ps.report_dispatch(actor=a1, report=call, note="转属地核查")
            ps.report_handle(actor=a1, report=call, note="现场发现未安装燃气报警器，气瓶已移出", create_hazard=True,
                             hazard_category="燃气安全", hazard_description="使用瓶装液化石油气的场所未安装可燃气体报警装置",
                             hazard_description_confirmed=True)
            ps.report_verify(actor=a1, report=call, result="partly", note="气瓶位置问题属实，堵塞通道不属实")
            ps.report_reply(actor=a1, report=call, text="经核查，您反映的问题部分属实，已责令该单位整改。")
            # 4: Open311, outside the remit: not accepted.
            other = submit(d0, Channel.OPEN311, ReportType.OTHER, "{name} 门口噪音扰民，晚上十点后仍在装卸货物")
            reason = RejectReason.objects.get(code="outside_remit")
            ps.report_reject(actor=a0, report=other, reason=reason, note="噪声扰民不属于安全生产监管职责")
            # 5: a fresh anonymous web report waiting for triage.
            submit(d1, Channel.PUBLIC, ReportType.ILLEGAL_OPERATION, "{name} 疑似在居民楼内违规储存油漆和稀释剂")
            # 6: a hotline call accepted, not yet dispatched.
            waiting = submit(d0, Channel.HOTLINE, ReportType.HAZARD, "来电反映 {name} 叉车司机无证驾驶",
                             ident=identity())
            ps.report_accept(actor=a0, report=waiting)
            # 7: Open311 with a name, dispatched and being handled.
            o311 = submit(d1, Channel.OPEN311, ReportType.HAZARD, "{name} 有限空间作业没有人监护，也没有通风",
                          ident=identity())
            ps.report_accept(actor=a1, report=o311)
            ps.report_dispatch(actor=a1, report=o311, note="请行业部门核查")
            # 8: handled against an existing hazard, not substantiated, replied and closed.
            existing = next((h for h in self.hazards_by_district.get(d0, []) if h.enterprise_id), None)
            nosub = submit(d0, Channel.PUBLIC, ReportType.HAZARD, "{name} 仓库里堆放大量易燃物品",
                           ent=existing.enterprise if existing is not None else None)
            ps.report_accept(actor=a0, report=nosub)
            ps.report_dispatch(actor=a0, report=nosub)
            ps.report_handle(actor=a0, report=nosub, note="现场检查：仓库物品为金属配件，已建立隐患档案跟踪",
                             link=existing)
            ps.report_verify(actor=a0, report=nosub, result="not", note="举报情况不属实")
            ps.report_reply(actor=a0, report=nosub, text="经现场核查，未发现您反映的情况。感谢您的关注。")
            ps.report_close(actor=a0, report=nosub)
            # 9: a concealed-accident report, accepted and dispatched.
            hidden = submit(d1, Channel.PUBLIC, ReportType.CONCEALED_ACCIDENT,
                            "听说 {name} 上个月有工人受伤送医，单位没有上报")
            ps.report_accept(actor=a1, report=hidden)
            ps.report_dispatch(actor=a1, report=hidden, note="请核查是否存在瞒报")
            # 10: a hotline call without content: not accepted.
            vague = submit(d1, Channel.HOTLINE, ReportType.ILLEGAL_OPERATION, "来电称附近 {name} 一带有工厂不安全，"
                           "未能说明具体情况")
            ps.report_reject(actor=a1, report=vague, reason=RejectReason.objects.get(code="no_content"),
                             note="来电人未能提供具体单位和事实")
        self.counts["public_reports"] = made
        self.b.out(f"  群众举报 {made} 件")

    # --- accidents ---------------------------------------------------------------------------

    def type_code(self, occurred_at: dt.datetime, old: str, new: str) -> str:
        types = law.accident_types_for(timezone.localdate(occurred_at))
        return new if types.standard.startswith("GB 6441—2025") else old

    def build_accidents(self) -> None:
        """Accidents over 13 months (mostly 一般; one 较大 under investigation with a technical
        appraisal pausing the clock; one reported late), reference figures, this year's control
        targets split to the districts, and the job for last month's report."""

        rng = self.rng
        districts = self.b.districts
        total = min(60, 24 + 6 * len(districts))
        made = 0
        by_sector: dict[tuple[int, str], list[int]] = {}

        def pick(d_index: int, category: str) -> Any:
            sectors = SCENE_SECTORS.get(category)
            if sectors:
                key = (d_index, ",".join(sectors))
                if key not in by_sector:
                    by_sector[key] = list(Enterprise.objects.filter(
                        jurisdiction__path__startswith=districts[d_index].path, sector__code__in=sectors,
                    ).order_by("id").values_list("id", flat=True))
                if by_sector[key]:
                    return self.enterprise(rng.choice(by_sector[key]))
            pool = self.enterprises_of(districts[d_index])
            return self.enterprise(pool[rng.randrange(len(pool))])

        def report(d_index: int, scene: tuple[str, str, str, str], occurred_at: dt.datetime, *, deaths: int,
                   serious: int, minor: int, loss: int, late: bool = False, ent: Any = None,
                   actor: Any = None) -> Any:
            category, old, new, text = scene
            ent = ent or pick(d_index, category)
            known = occurred_at + dt.timedelta(minutes=rng.randint(5, 30))
            reported = known + (dt.timedelta(hours=rng.randint(4, 20)) if late
                                else dt.timedelta(minutes=rng.randint(15, 55)))
            reported = min(reported, self.now)
            place = ent.address if category != "road_traffic" else f"{districts[d_index].name}{rng.choice(ROADS)}与" \
                f"{rng.choice(ROADS)}交叉口"
            acc = acs.accident_report(actor=actor or self.district_actor(d_index), data={
                "enterprise": ent, "occurred_at": occurred_at, "known_at": known, "reported_at": reported,
                "place": place, "description": f"{text}。", "category": category,
                "type_code": self.type_code(occurred_at, old, new), "deaths": deaths, "serious_injuries": serious,
                "minor_injuries": minor, "direct_loss_yuan": loss, "measures": "现场救援，伤者送医，保护现场",
                "reporter": ent.principal or self.person(), "is_synthetic": True,
            })
            if actor is not None and acs.accident_verify_pending(acc):
                # Entered by the hotline long ago: the district verified it and passed it up then.
                acs.accident_verify(actor=self.district_actor(d_index), accident=acc, note="已核实并报市应急管理局")
            return acc

        scenes = list(ACCIDENT_SCENES)
        # Per scene: few road and fire scenes, each weighted up, so about half the accidents are on
        # roads or fires — as in the usual national split.
        weights = [{"industrial_commercial": 2, "road_traffic": 5, "fire": 3}.get(s[0], 2) for s in scenes]
        for k in range(total - 2):
            d_index = k % len(districts)
            age = rng.uniform(1, 395)
            occurred = self.ago(age, hour=rng.randint(7, 22))
            deaths = rng.choices((0, 1, 2), weights=(55, 38, 7))[0]
            actor = self.u("hotline") if k % 9 == 4 else None
            report(d_index, rng.choices(scenes, weights=weights)[0], occurred, deaths=deaths,
                   serious=rng.choices((0, 1, 2, 3), weights=(50, 30, 15, 5))[0], minor=rng.randint(0, 4),
                   loss=rng.randint(2, 150) * 10_000, actor=actor)
            made += 1
        # One reported late (迟报): the unit learnt of it at once and reported hours later.
        report(len(districts) - 1, ACCIDENT_SCENES[4], self.ago(rng.uniform(60, 90), hour=14), deaths=1, serious=0,
               minor=0, loss=600_000, late=True)
        made += 1
        # One 较大 accident: investigated by the city, technical appraisal pausing the clock.
        confined = list(Enterprise.objects.filter(jurisdiction__path__startswith=districts[0].path,
                                                  flags__icontains="confined_space").order_by("id")
                        .values_list("id", flat=True)[:20])
        ent = self.enterprise(confined[len(confined) // 2]) if confined else None
        occurred = self.ago(44, hour=10)
        larger = report(0, ("industrial_commercial", "19", "WSA10023",
                            "两名工人未经气体检测进入污水池清淤，一人中毒昏迷，另两人盲目施救相继中毒，共三人死亡"),
                        occurred, deaths=3, serious=1, minor=0, loss=4_200_000, ent=ent)
        made += 1
        city_office = self.u("city_office")
        inv = acs.investigation_open(actor=city_office, accident=larger, team_leader=f"{self.person()}（市应急管理局）",
                                     team_members="市应急管理局、市公安局、市总工会、演示一区人民政府",
                                     started_on=timezone.localdate(occurred) + dt.timedelta(days=1))
        acs.investigation_appraisal_start(actor=city_office, investigation=inv,
                                          started_on=self.today - dt.timedelta(days=12),
                                          note="委托技术鉴定机构对现场气体成分和检测仪器进行技术鉴定")
        # Reference figures (this year and last) and control targets split to the districts.
        year = self.today.year
        for y in (year - 1, year):
            for d in districts:
                acs.reference_figure_set(actor=city_office, year=y, jurisdiction=d, data={
                    "gdp_yi_yuan": Decimal(rng.randint(300, 900)) + Decimal(rng.randint(0, 99)) / 100,
                    "industrial_employed": rng.randint(50_000, 200_000),
                    "motor_vehicles": rng.randint(100_000, 400_000), "source": "演示数据（合成）",
                })
        deaths_target = tg.target_set(actor=city_office, year=year, jurisdiction=self.b.city, metric="deaths",
                                      quota=max(6, len(districts) * 4), note="年度生产安全事故死亡人数控制指标")
        tg.target_split(actor=city_office, target=deaths_target)
        larger_target = tg.target_set(actor=city_office, year=year, jurisdiction=self.b.city, metric="larger", quota=2,
                                      note="较大及以上事故起数控制指标")
        tg.target_split(actor=city_office, target=larger_target)
        warnings = tg.targets_warn(year=year, day=self.today)
        # Last month's report: requested as the scheduler would on the 1st. The job is enqueued when
        # this transaction commits and runs in the worker (`anjian rundemo` starts one): building
        # the Word file with its charts takes seconds, the demo build does not wait for it.
        y, m = previous_month(self.today)
        monthly_report_request(actor=city_office, year=y, month=m, jurisdiction=self.b.city)
        self.counts.update({"accidents": made, "target_warnings": warnings})
        self.b.out(f"  事故 {made} 起（含较大事故 1 起、迟报 1 起），控制指标预警 {warnings} 项，"
                   f"{y}年{m}月事故月报已交后台任务生成")

    # --- monitoring --------------------------------------------------------------------------

    def build_monitoring(self) -> None:
        """The chemical showcase's major hazard source, its sensors and the last 24 h of readings
        through the real ingest path: one excursion (alarm acknowledged), one false alarm (closed
        with a reason), one silent sensor (offline)."""

        rng = self.rng
        chem = self.b.showcase[0]
        user = self.u("enterprise")
        tank_farm = hazard_source_create(
            actor=user, enterprise=chem, name="罐区（甲醇、液化石油气、液氯储存）", unit_kind="storage",
            boundary="厂区东侧罐区防火堤以内，含装卸站台", exposed_population=120,
            substances=[SubstanceRow("液氯", "7782-50-5", "12"), SubstanceRow("甲醇", "67-56-1", "260", "W5.3"),
                        SubstanceRow("液化石油气", "68476-85-7", "28", "W2")],
            filed_on=self.today - dt.timedelta(days=300),
        )
        sensors = {}
        for code, name, kind, unit, low, high, hh, (rmin, rmax), interval, _base, _noise, deadband in SENSORS:
            sensors[code] = sensor_create(actor=user, enterprise=chem, code=f"AD-{code}", data={
                "name": name, "kind": kind, "unit": unit, "low": low, "high": high, "high_high": hh,
                "deadband": deadband, "min_duration_s": 0, "expected_interval_s": interval, "range_min": rmin,
                "range_max": rmax, "lng": chem.lng + rng.uniform(-4, 4) * 1e-4,
                "lat": chem.lat + rng.uniform(-4, 4) * 1e-4, "source": tank_farm,
            })
        # The last 24 h, at each sensor's interval, in time order.
        start = self.now - dt.timedelta(hours=24)
        excursion = (self.now - dt.timedelta(hours=6, minutes=20), self.now - dt.timedelta(hours=6, minutes=8))
        false_spike = (self.now - dt.timedelta(hours=2, minutes=31), self.now - dt.timedelta(hours=2, minutes=28))
        silent_from = self.now - dt.timedelta(hours=5)
        rows: list[tuple[dt.datetime, RawReading]] = []
        for code, _name, kind, unit, _low, high, _hh, (rmin, rmax), interval, base, noise, _db in SENSORS:
            drift = 0.0
            moment = start + dt.timedelta(seconds=rng.randrange(interval))
            while moment <= self.now - dt.timedelta(seconds=5):
                if code == SILENT_SENSOR and moment >= silent_from:
                    break
                drift = max(-2 * noise, min(2 * noise, drift + rng.gauss(0, noise / 8)))
                value = base + drift + rng.gauss(0, noise)
                if kind == "temperature":  # a day's warming and cooling
                    hour = timezone.localtime(moment).hour + timezone.localtime(moment).minute / 60
                    value += 3.0 * (1 - abs(hour - 14) / 12)
                if code == EXCURSION_SENSOR and excursion[0] <= moment <= excursion[1]:
                    value = high * (1.2 + 0.4 * rng.random())
                if code == FALSE_ALARM_SENSOR and false_spike[0] <= moment <= false_spike[1]:
                    value = 2.6 + rng.random()
                value = round(max(rmin, min(rmax, value)), 3)
                rows.append((moment, RawReading(f"AD-{code}", int(moment.timestamp() * 1000), value, unit)))
                moment += dt.timedelta(seconds=interval)
        rows.sort(key=lambda r: r[0])
        stored = raised = 0
        for i in range(0, len(rows), 2_000):
            result = ingest([raw for _t, raw in rows[i:i + 2_000]], now=self.now)
            stored += result.stored
            raised += result.raised
        offline = sensors_check_offline(now=self.now)
        alarm = Alarm.objects.filter(sensor=sensors[EXCURSION_SENSOR]).exclude(kind="offline").order_by("id").first()
        if alarm is not None:
            alarm_acknowledge(actor=user, alarm=alarm, note="中控室确认：V-401 球罐根部阀法兰泄漏，已安排处置")
        false = Alarm.objects.filter(sensor=sensors[FALSE_ALARM_SENSOR]).exclude(kind="offline").order_by("id").first()
        if false is not None:
            alarm_close(actor=user, alarm=false, note="现场确认无泄漏", false_alarm=True,
                        false_reason="仪表工标定探测器时未切换维护模式，标准气触发报警")
        self.counts.update({"sensors": len(sensors), "readings": stored, "alarms": raised + offline})
        self.b.out(f"  重大危险源 1 个，测点 {len(sensors)} 个，读数 {stored:,} 条，报警 {raised + offline} 次")


def _ensure_reject_reasons() -> None:
    """The reasons the public_reports migration seeds (``flush`` in ``--reset`` erases them)."""

    seeded = importlib.import_module("anjian.public_reports.migrations.0002_reject_reasons")
    for code, label, label_en, public_text, order in seeded.REASONS:
        RejectReason.objects.get_or_create(
            code=code, defaults={"label": label, "label_en": label_en, "public_text": public_text, "order": order})


def build_activity(builder: Any) -> dict[str, int]:
    """Add a year of activity to the city ``builder`` has just built; returns the counts."""
    return Activity(builder).run()
