"""The synthetic demo city 示范市: territory, departments, enterprises, licences and one login per role.

Everything is generated from a seeded ``random.Random``: the same seed and scale give the same city.
All of it is labelled synthetic — the city is 示范市, districts are 演示一区…, codes start with 99
(an unused range of GB/T 2260), and jurisdictions and enterprises carry ``is_synthetic=True``.

What goes through services and what is bulk-written:

- services (row history + timeline event, exactly like real data): the city, districts and streets,
  departments, sector routes, users and memberships, a handful of showcase enterprises in the first
  grid, and the licences (so their expiry opens to-do items);
- ``bulk_create_with_history`` in batches (one row version each, change reason
  ``合成演示数据批量生成``, no timeline event): communities, grids and the bulk of the enterprises.
  This is what keeps ``--scale megacity`` (20,000 grids, 1,000,000 enterprises) to minutes.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from anjian.accounts.models import Membership, Role, User
from anjian.accounts.services import membership_grant, roles_ensure_system, user_create
from anjian.demo import geometry as geo
from anjian.demo.activity import build_activity  # a year of activity through the services
from anjian.demo.committee import build_committee_year
from anjian.demo.emergency import build_emergency
from anjian.demo.enforcement import build_enforcement
from anjian.demo.funds_training import build_funds_training
from anjian.demo.names import ROADS, _person
from anjian.demo.vehicles import build_vehicles
from anjian.documents.models import DocumentSeries
from anjian.enterprises.models import Enterprise, LicenceKind
from anjian.enterprises.risk import RiskInputs, enterprise_set_risk, evaluate, recompute_all, risk_flags
from anjian.enterprises.services import enterprise_create, licence_add
from anjian.orgs.models import Jurisdiction, JurisdictionLevel, Sector
from anjian.orgs.risk import sector_inherent_map
from anjian.orgs.services import (
    department_create,
    invalidate_locator,
    jurisdiction_create,
    route_department,
    route_set,
    sectors_load_gb4754,
)
from anjian.rules.uscc import org_code_check_char, uscc_check_char

CITY_CODE = "990300"
CITY_NAME = "示范市"
CUSTODY_PROVIDER = f"{CITY_NAME}安全技术服务有限公司"  # the custody login's own unit (synthetic)
DEMO_PASSWORD = "Demo-Anjian-2026"  # noqa: S105 - the documented, printed demo password
SYNTHETIC_REASON = "合成演示数据批量生成"
# Registering-office code used in the synthetic credit codes (positions 3–8): province 44 with a
# prefecture number (99) that GB/T 2260 does not use.
USCC_DIVISION = "449903"

NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Scale:
    districts: int
    streets: int
    communities_per_street: int
    grids: int
    enterprises: int


SCALES: dict[str, Scale] = {
    "small": Scale(districts=2, streets=4, communities_per_street=2, grids=40, enterprises=1_000),
    "city": Scale(districts=10, streets=75, communities_per_street=5, grids=2_000, enterprises=100_000),
    "megacity": Scale(districts=10, streets=75, communities_per_street=8, grids=20_000, enterprises=1_000_000),
}


@dataclass(frozen=True)
class SectorProfile:
    """How common an industry is among supervised units, and what it looks like."""

    code: str  # GB/T 4754 division
    weight: float
    words: tuple[str, ...]  # industry words for names
    sizes: tuple[float, float, float, float]  # micro, small, medium, large
    flags: tuple[tuple[str, float], ...] = ()
    individual: float = 0.0  # share of individual businesses (个体工商户)
    public: bool = False  # schools, hospitals: 事业单位


PROFILES: tuple[SectorProfile, ...] = (
    SectorProfile("52", 20, ("便利店", "超市", "五金店", "商行", "百货"), (0.7, 0.25, 0.04, 0.01),
                  (("crowded_place", 0.05),), individual=0.5),
    SectorProfile("62", 17, ("餐厅", "酒楼", "小吃店", "茶餐厅", "火锅店"), (0.7, 0.27, 0.03, 0.0),
                  (("crowded_place", 0.08),), individual=0.5),
    SectorProfile("51", 7, ("贸易", "商贸", "供应链", "实业"), (0.5, 0.4, 0.09, 0.01)),
    SectorProfile("61", 3, ("酒店", "宾馆", "公寓"), (0.4, 0.45, 0.13, 0.02), (("crowded_place", 0.4),)),
    SectorProfile("13", 1.5, ("食品加工", "粮油", "肉类加工"), (0.3, 0.5, 0.17, 0.03),
                  (("ammonia_refrigeration", 0.25), ("confined_space", 0.3))),
    SectorProfile("14", 1, ("食品", "饮品"), (0.3, 0.5, 0.18, 0.02), (("confined_space", 0.2),)),
    SectorProfile("18", 1.5, ("服饰", "制衣"), (0.3, 0.5, 0.18, 0.02)),
    SectorProfile("20", 0.8, ("木业", "木制品"), (0.3, 0.55, 0.15, 0.0), (("dust_explosion", 0.5),)),
    SectorProfile("21", 1.5, ("家具", "家居"), (0.3, 0.5, 0.18, 0.02), (("dust_explosion", 0.4),)),
    SectorProfile("22", 0.5, ("纸业", "包装"), (0.2, 0.5, 0.27, 0.03), (("confined_space", 0.5),)),
    SectorProfile("23", 1, ("印刷", "彩印"), (0.4, 0.5, 0.1, 0.0), (("hazardous_chemicals", 0.2),)),
    SectorProfile("25", 0.1, ("石化", "燃料"), (0.0, 0.3, 0.5, 0.2),
                  (("hazardous_chemicals", 1.0), ("major_hazard_source", 0.6))),
    SectorProfile("26", 1.2, ("化工", "涂料", "新材料", "化学"), (0.1, 0.5, 0.3, 0.1),
                  (("hazardous_chemicals", 0.95), ("major_hazard_source", 0.15), ("confined_space", 0.3))),
    SectorProfile("27", 0.4, ("制药", "生物医药"), (0.1, 0.4, 0.4, 0.1), (("hazardous_chemicals", 0.6),)),
    SectorProfile("29", 2, ("塑胶", "橡胶制品", "塑料"), (0.3, 0.55, 0.13, 0.02)),
    SectorProfile("30", 1, ("建材", "陶瓷", "玻璃"), (0.2, 0.55, 0.22, 0.03), (("dust_explosion", 0.1),)),
    SectorProfile("32", 0.3, ("铝业", "金属材料"), (0.1, 0.4, 0.4, 0.1), (("dust_explosion", 0.3),)),
    SectorProfile("33", 3, ("五金", "金属制品", "精密机件"), (0.3, 0.55, 0.13, 0.02), (("dust_explosion", 0.15),)),
    SectorProfile("34", 2, ("机械", "设备"), (0.2, 0.55, 0.22, 0.03)),
    SectorProfile("38", 2, ("电器", "电气", "照明"), (0.2, 0.55, 0.2, 0.05)),
    SectorProfile("39", 3, ("电子", "科技", "通信设备"), (0.2, 0.5, 0.22, 0.08), (("hazardous_chemicals", 0.05),)),
    SectorProfile("10", 0.1, ("石场", "矿业"), (0.2, 0.6, 0.2, 0.0)),
    SectorProfile("44", 0.15, ("电力", "热电"), (0.0, 0.3, 0.5, 0.2), (("confined_space", 0.3),)),
    SectorProfile("45", 0.2, ("燃气", "能源"), (0.1, 0.4, 0.4, 0.1), (("hazardous_chemicals", 1.0),)),
    SectorProfile("47", 3, ("建筑工程", "建设"), (0.1, 0.5, 0.3, 0.1)),
    SectorProfile("48", 1.5, ("市政工程", "路桥"), (0.1, 0.5, 0.3, 0.1), (("confined_space", 0.3),)),
    SectorProfile("50", 2, ("装饰工程", "装修"), (0.4, 0.5, 0.1, 0.0)),
    SectorProfile("54", 3, ("运输", "物流", "客运"), (0.4, 0.45, 0.13, 0.02)),
    SectorProfile("58", 1, ("货运代理", "物流"), (0.4, 0.45, 0.13, 0.02)),
    SectorProfile("59", 2, ("仓储", "冷链", "物流园"), (0.3, 0.45, 0.2, 0.05),
                  (("ammonia_refrigeration", 0.15), ("hazardous_chemicals", 0.08))),
    SectorProfile("70", 2, ("物业管理", "置业"), (0.3, 0.5, 0.18, 0.02), (("confined_space", 0.2),)),
    SectorProfile("80", 3, ("洗衣店", "美容店", "家政服务"), (0.8, 0.18, 0.02, 0.0), individual=0.6),
    SectorProfile("81", 2, ("汽修厂", "维修部"), (0.7, 0.28, 0.02, 0.0), individual=0.5),
    SectorProfile("88", 0.5, ("文化中心", "剧院"), (0.3, 0.5, 0.18, 0.02), (("crowded_place", 0.8),)),
    SectorProfile("89", 0.5, ("体育馆", "健身中心"), (0.4, 0.5, 0.1, 0.0), (("crowded_place", 0.7),)),
    SectorProfile("90", 2, ("娱乐城", "KTV", "游乐场"), (0.4, 0.5, 0.1, 0.0), (("crowded_place", 0.9),)),
    SectorProfile("83", 2, ("学校", "幼儿园", "培训中心"), (0.2, 0.5, 0.28, 0.02), (("crowded_place", 0.9),),
                  public=True),
    SectorProfile("84", 1.5, ("医院", "卫生院", "诊所"), (0.4, 0.4, 0.15, 0.05), (("crowded_place", 0.6),),
                  public=True),
)

# Inherent risk of a sector: the configured ``orgs.Sector.inherent_risk`` (local configuration,
# resolved division → section → blue exactly as the risk engine does), read once per build.
_INHERENT: dict[str, tuple[str, str]] = {}

BRAND = "安康瑞丰华泰鑫盛恒达宏远永兴金鹏嘉禾博源启明新晨立信德润天成东升汇通广益联合万顺宝丽鸿运长青福泽晟隆"
STREET_WORDS = "明德安和福田兴华东湖西岭南湾北港青松翠竹长乐永宁瑞景文昌金沙银湖丰泽新桥"

# City departments: (name, short, doc abbreviation, kind, sector codes routed to it).
CITY_DEPARTMENTS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("示范市安全生产委员会办公室", "市安委办", "示安委办", "committee", ()),
    ("示范市应急管理局", "市应急管理局", "示应急", "regulator", ("B", "C", "D")),
    ("示范市住房和建设局", "市住建局", "示建", "regulator", ("E", "45", "70")),
    ("示范市交通运输局", "市交通局", "示交", "regulator", ("G",)),
    ("示范市商务局", "市商务局", "示商", "regulator", ("F", "H")),
    ("示范市文化广电旅游体育局", "市文广旅体局", "示文广旅体", "regulator", ("R",)),
    ("示范市教育局", "市教育局", "示教", "regulator", ("P",)),
    ("示范市卫生健康委员会", "市卫健委", "示卫健", "regulator", ("Q",)),
    ("示范市市场监督管理局", "市市场监管局", "示市监", "regulator", ("O",)),
)


@dataclass
class Login:
    username: str
    role: str
    scope: str


@dataclass
class DemoResult:
    seed: int
    scale: str
    counts: dict[str, int] = field(default_factory=dict)
    logins: list[Login] = field(default_factory=list)


def city_exists() -> bool:
    return Jurisdiction.objects.filter(code=CITY_CODE).exists()


def _chinese_numeral(n: int) -> str:
    if n <= 10:
        return NUMERALS[n - 1]
    return "十" + NUMERALS[n - 11] if n < 20 else f"{n}"


def _spread(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def credit_code(index: int, *, category: str, mult: int, offset: int) -> str:
    """A valid, unique synthetic unified social credit code for the ``index``-th unit.

    The organisation-code body is an affine permutation of the index modulo 10^8 (``mult`` is odd
    and not a multiple of 5, so it is coprime with 10^8): distinct indexes give distinct codes.
    """

    body = f"{(index * mult + offset) % 100_000_000:08d}"
    first17 = category + USCC_DIVISION + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)


def _risk(sector_code: str, section: str, flags: list[str]) -> tuple[str, list[Any]]:
    """A new unit's colour and explanation (no hazards or accidents yet), as the risk engine computes it."""
    if not _INHERENT:
        codes = dict(Sector.objects.values_list("id", "code"))
        _INHERENT.update({codes[pk]: value for pk, value in sector_inherent_map().items()})
    inherent, source = _INHERENT.get(sector_code, ("blue", ""))
    colour, lines = _risk_cached(inherent, source, tuple(flags))
    return colour, list(lines)


@functools.lru_cache(maxsize=4096)
def _risk_cached(inherent: str, source: str, flags: tuple[str, ...]) -> tuple[str, tuple[Any, ...]]:
    colour, lines = evaluate(RiskInputs(sector_inherent=inherent, sector_source=source, flags=risk_flags(flags, False)))
    return colour, tuple(lines)


class Builder:
    def __init__(self, *, scale: str, seed: int, out: Callable[[str], None] = print, batch: int = 5_000) -> None:
        if scale not in SCALES:
            raise ValueError(f"unknown scale {scale!r}")
        self.scale_name = scale
        self.scale = SCALES[scale]
        self.seed = seed
        self.rng = random.Random(seed)
        self.out = out
        self.batch = batch
        self.result = DemoResult(seed=seed, scale=scale)
        _INHERENT.clear()  # sector configuration may differ between databases
        self.today = timezone.localdate()
        # Credit codes: an affine permutation of the unit's index (coprime multiplier) — unique.
        self.uscc_mult = self.rng.randrange(1, 10_000_000) * 10 + self.rng.choice((1, 3, 7, 9))
        self.uscc_offset = self.rng.randrange(100_000_000)

    def _uscc(self, index: int, category: str) -> str:
        return credit_code(index, category=category, mult=self.uscc_mult, offset=self.uscc_offset)

    # --- territory ------------------------------------------------------------------------

    def build_territory(self) -> None:
        from shapely.geometry import Polygon  # heavy optional library: imported on use


        rng, s = self.rng, self.scale
        outline = geo.convex_blob(rng, 114.2, 22.65, 0.38, 0.24)
        self.city = jurisdiction_create(
            actor=None, code=CITY_CODE, name=CITY_NAME, name_en="Demo City (synthetic)", level=JurisdictionLevel.CITY,
            parent=None, geometry=Polygon(outline), is_synthetic=True,
        )
        self.districts: list[Any] = []
        self.streets: list[Any] = []
        street_rings: list[tuple[Any, geo.Ring]] = []
        words = list(STREET_WORDS)
        names_used: set[str] = set()
        for d, (ring, n_streets) in enumerate(
            zip(geo.partition(outline, s.districts, rng), _spread(s.streets, s.districts), strict=True), start=1
        ):
            numeral = _chinese_numeral(d)
            district = jurisdiction_create(
                actor=None, code=f"{CITY_CODE[:4]}{d:02d}", name=f"演示{numeral}区", name_en=f"Demo District {d}",
                level=JurisdictionLevel.DISTRICT, parent=self.city, geometry=Polygon(ring), is_synthetic=True,
            )
            self.districts.append(district)
            for k, street_ring in enumerate(geo.partition(ring, n_streets, rng), start=1):
                name = ""
                while not name or name in names_used:
                    name = rng.choice(words) + rng.choice(words) + "街道"
                names_used.add(name)
                street = jurisdiction_create(
                    actor=None, code=f"{district.code}{k:03d}", name=name, level=JurisdictionLevel.STREET,
                    parent=district, geometry=Polygon(street_ring), is_synthetic=True,
                )
                self.streets.append(street)
                street_rings.append((street, street_ring))
        self.out(f"  辖区：1 市，{len(self.districts)} 区，{len(self.streets)} 街道")

        # Communities and grids: bulk-written (one row version each, no timeline event).
        communities: list[Any] = []
        community_rings: list[geo.Ring] = []
        for street, ring in street_rings:
            for c, cring in enumerate(geo.partition(ring, s.communities_per_street, rng), start=1):
                code = f"{street.code}{c:03d}"
                name = street.name.removesuffix("街道") + _chinese_numeral(c) + "社区"
                communities.append(self._jurisdiction(code, name, JurisdictionLevel.COMMUNITY, street, cring))
                community_rings.append(cring)
        self._bulk(Jurisdiction, communities)
        grids: list[Any] = []
        self.grid_rings: list[geo.Ring] = []
        for community, ring, n in zip(
            communities, community_rings, _spread(s.grids, len(communities)), strict=True
        ):
            for g, gring in enumerate(geo.partition(ring, n, rng), start=1):
                grids.append(
                    self._jurisdiction(f"{community.code}{g:03d}", f"{community.name}第{g}网格",
                                       JurisdictionLevel.GRID, community, gring)
                )
                self.grid_rings.append(gring)
        self._bulk(Jurisdiction, grids)
        self.communities, self.grids = communities, grids
        invalidate_locator()
        self.out(f"  社区 {len(communities)} 个，网格 {len(grids)} 个")

    def _jurisdiction(self, code: str, name: str, level: int, parent: Any, ring: geo.Ring) -> Any:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        cx, cy = sum(xs) / len(xs), sum(ys) / len(ys)  # vertex mean: inside a convex ring
        return Jurisdiction(
            code=code, name=name, level=level, parent=parent, path=f"{parent.path}{code}/", depth=parent.depth + 1,
            boundary=geo.to_geojson(ring), min_lng=min(xs), min_lat=min(ys), max_lng=max(xs), max_lat=max(ys),
            center_lng=cx, center_lat=cy, is_synthetic=True,
        )

    def _bulk(self, model: Any, rows: list[Any]) -> None:
        for start in range(0, len(rows), self.batch):
            bulk_create_with_history(
                rows[start:start + self.batch], model, batch_size=self.batch, default_change_reason=SYNTHETIC_REASON
            )

    # --- departments ------------------------------------------------------------------------

    def build_departments(self) -> None:
        sectors = {s.code: s for s in Sector.objects.all()}
        self.departments: dict[str, Any] = {}
        for name, short, abbr, kind, codes in CITY_DEPARTMENTS:
            dept = department_create(
                actor=None, name=name, kind=kind, jurisdiction=self.city, sectors=[sectors[c] for c in codes],
                short_name=short, doc_abbr=abbr,
            )
            self.departments[short] = dept
            for code in codes:
                route_set(actor=None, sector=sectors[code], department=dept, note="演示数据：示范市行业监管分工（合成）")
        self.district_offices = []
        for d, district in enumerate(self.districts, start=1):
            numeral = _chinese_numeral(d)
            self.district_offices.append(department_create(
                actor=None, name=f"{district.name}安全生产委员会办公室", kind="committee", jurisdiction=district,
                short_name=f"{district.name}安委办", doc_abbr=f"示{numeral}安委办",
            ))
        for street in self.streets:
            department_create(
                actor=None, name=f"{street.name}办事处安全生产办公室", kind="street", jurisdiction=street,
                short_name=f"{street.name}安办",
            )
        # Numbering series (configuration rows; the documents app has no service for them).
        committee = self.departments["市安委办"]
        series = [("demo-city-committee", "示安委办", "市安委办发文", self.city, committee),
                  ("demo-city-ema-orders", "示应急责改", "市应急管理局责令限期整改", self.city,
                   self.departments["市应急管理局"])]
        for d, (district, office) in enumerate(zip(self.districts, self.district_offices, strict=True), start=1):
            series.append((f"demo-district-{d}-committee", office.doc_abbr, f"{office.short_name}发文", district, office))
        for code, prefix, name, jur, dept in series:
            DocumentSeries.objects.get_or_create(
                code=code, defaults={"prefix": prefix, "name": name, "jurisdiction": jur, "department": dept}
            )
        self.sectors = sectors
        self.out(f"  部门 {len(CITY_DEPARTMENTS) + len(self.districts) + len(self.streets)} 个，文号序列 {len(series)} 个")

    # --- enterprises --------------------------------------------------------------------------

    def _route_map(self) -> dict[str, Any]:
        return {p.code: route_department(self.sectors[p.code], self.city)[0] for p in PROFILES}

    def build_showcase(self) -> None:
        """A few enterprises in the first grid, made through the enterprise service (with events)."""

        ring = self.grid_rings[0]
        specs = [
            ("示范市安达化工有限公司", "26", "medium", 160, ["hazardous_chemicals", "confined_space"]),
            ("示范市恒达冷链仓储有限公司", "59", "small", 45, ["ammonia_refrigeration"]),
            ("示范市瑞丰家具制造有限公司", "21", "small", 80, ["dust_explosion"]),
            ("示范市好味道餐厅", "62", "micro", 8, []),
        ]
        self.showcase = []
        for index, (name, code, size, employees, flags) in enumerate(specs):
            lng, lat = geo.random_point_in(ring, self.rng)
            colour, lines = _risk(code, self.sectors[code].parent.code, flags)
            ent = enterprise_create(actor=None, data={
                "name": name, "sector": self.sectors[code], "size": size, "employees": employees, "flags": flags,
                "lng": lng, "lat": lat, "credit_code": self._uscc(index, "91"),
                "address": f"{CITY_NAME}{self.districts[0].name}{self.streets[0].name}{ROADS[index]}{index + 1}号",
                "principal": _person(self.rng), "safety_manager": _person(self.rng),
            }, jurisdiction=self.grids[0])
            self.showcase.append(enterprise_set_risk(enterprise=ent, colour=colour, explanation=lines))
        # The synthetic label is not an editable field of the service: set it on these rows only.
        Enterprise.objects.filter(pk__in=[e.pk for e in self.showcase]).update(is_synthetic=True)
        for ent in self.showcase:
            ent.is_synthetic = True

    def build_enterprises(self) -> None:
        rng, total = self.rng, self.scale.enterprises - len(self.showcase)
        routes = self._route_map()
        profiles = list(PROFILES)
        weights = [p.weight for p in profiles]
        grid_weights = [0.2 + rng.random() ** 2 for _ in self.grids]  # uneven density
        first_index = len(self.showcase)
        street_of = {s.pk: s for s in self.streets}
        community_street = {c.pk: street_of[c.parent_id] for c in self.communities}
        district_of = {d.pk: d for d in self.districts}
        now = timezone.now()
        sizes = ("micro", "small", "medium", "large")
        employees_by_size = {"micro": (1, 9), "small": (10, 99), "medium": (100, 999), "large": (1000, 3000)}
        done = 0
        batch: list[Enterprise] = []
        grid_choices = rng.choices(range(len(self.grids)), weights=grid_weights, k=total)
        profile_choices = rng.choices(profiles, weights=weights, k=total)
        for i in range(total):
            p, gi = profile_choices[i], grid_choices[i]
            grid = self.grids[gi]
            street = community_street[grid.parent_id]
            district = district_of[street.parent_id]
            sector = self.sectors[p.code]
            size = rng.choices(sizes, weights=p.sizes)[0]
            individual = size == "micro" and rng.random() < p.individual
            brand = rng.choice(BRAND) + rng.choice(BRAND)
            word = rng.choice(p.words)
            if p.public:
                kind, category, name = "public", "12", f"{CITY_NAME}{district.name}{brand}{word}"
            elif individual:
                kind, category, name = "individual", "92", f"{district.name}{brand}{word}"
            else:
                kind, category, name = "enterprise", "91", f"{CITY_NAME}{brand}{word}有限公司"
            flags = sorted({f for f, share in p.flags if rng.random() < share})
            colour, lines = _risk(p.code, sector.parent.code, flags)
            lng, lat = geo.random_point_in(self.grid_rings[gi], rng)
            lo, hi = employees_by_size[size]
            batch.append(Enterprise(
                name=name, credit_code=self._uscc(first_index + i, category), kind=kind,
                sector=sector, size=size, employees=rng.randint(lo, hi), address=(
                    f"{CITY_NAME}{district.name}{street.name}{rng.choice(ROADS)}{rng.randint(1, 999)}号"),
                lng=lng, lat=lat, jurisdiction=grid, department=routes[p.code], principal=_person(rng),
                safety_manager=_person(rng) if size != "micro" else "", flags=flags, risk_colour=colour,
                risk_explanation=lines, is_synthetic=True, created_at=now, updated_at=now,
            ))
            if len(batch) >= self.batch:
                self._bulk(Enterprise, batch)
                done += len(batch)
                batch = []
                self.out(f"  企业 {done:,}/{total:,}")
        if batch:
            self._bulk(Enterprise, batch)
            done += len(batch)
        self.out(f"  企业 {done + len(self.showcase):,} 家（其中 {len(self.showcase)} 家示例企业经服务创建）")

    def build_licences(self) -> None:
        """Licences for the showcase and for some hazardous-chemicals units; a few expire soon."""

        rng = self.rng
        chem = list(
            Enterprise.objects.filter(is_synthetic=True, sector__code__in=["25", "26", "45"])
            .order_by("id").values_list("id", flat=True)[:60]
        )
        ids = [e.pk for e in self.showcase[:3]] + [pk for pk in chem if pk not in {e.pk for e in self.showcase}]
        made = 0
        for n, pk in enumerate(ids):
            ent = Enterprise.objects.get(pk=pk)
            # Every fourth expires within the next month (an inbox item), the rest in 1–3 years.
            days = rng.randint(5, 28) if n % 4 == 0 else rng.randint(365, 3 * 365)
            until = self.today + dt.timedelta(days=days)
            kind = LicenceKind.HAZCHEM_OPERATION if "hazardous_chemicals" in ent.flags else LicenceKind.STANDARDIZATION
            licence_add(actor=None, enterprise=ent, data={
                "kind": kind, "number": f"（示）WH安许证字〔{until.year - 3}〕{1000 + n}号", "issued_by": "示范市应急管理局",
                "valid_from": until - dt.timedelta(days=3 * 365), "valid_until": until,
            })
            made += 1
        self.result.counts["licences"] = made
        self.out(f"  证照 {made} 个")

    # --- people -------------------------------------------------------------------------------

    def build_users(self) -> None:


        roles = {r.code: r for r in Role.objects.all()}
        # Argon2 costs about a second per hash here: check the demo password against the policy and
        # hash it once, then give every demo user that same hash.
        validate_password(DEMO_PASSWORD)
        password_hash = make_password(DEMO_PASSWORD)

        def create(username: str, display: str, unit_name: str = "") -> Any:
            user = user_create(actor=None, username=username, password=None, display_name=display,
                               must_change_password=False, unit_name=unit_name)
            User.objects.filter(pk=user.pk).update(password=password_hash)
            return user

        ema = self.departments["市应急管理局"]
        custody_ents = list(
            Enterprise.objects.filter(jurisdiction__path__startswith=self.streets[0].path, size__in=["micro", "small"])
            .exclude(pk__in=[e.pk for e in self.showcase]).order_by("id")[:3]
        )
        start = self.today - dt.timedelta(days=180)
        people: list[tuple[str, str, str, str, dict[str, Any]]] = [
            ("admin", "演示管理员", "city_admin", CITY_NAME, {"jurisdiction": self.city}),
            ("city_office", "市安委办演示用户", "city_office", f"{CITY_NAME}（市安委办）",
             {"jurisdiction": self.city, "department": self.departments["市安委办"]}),
        ]
        for d, district in enumerate(self.districts[:2], start=1):
            people.append((f"district{d}", f"{district.name}安委办演示用户", "district_office", district.name,
                           {"jurisdiction": district, "department": self.district_offices[d - 1]}))
        # delegated administration (区系统管理员): users, grants, departments and boundaries of one district
        people.append(("district1_admin", f"{self.districts[0].name}系统管理员演示用户", "district_admin",
                       self.districts[0].name, {"jurisdiction": self.districts[0]}))
        people += [
            ("street", f"{self.streets[0].name}演示用户", "street_office", self.streets[0].name,
             {"jurisdiction": self.streets[0]}),
            ("regulator", "应急管理局演示用户", "regulator", ema.name, {"department": ema}),
            ("grid", "网格员演示用户", "grid_inspector", self.grids[0].name, {"jurisdiction": self.grids[0]}),
            ("enterprise", "企业演示用户", "enterprise", self.showcase[0].name, {"enterprise": self.showcase[0]}),
            ("hotline", "热线坐席演示用户", "hotline", "本人录入的举报与事故", {}),  # sees only what it entered
            ("hotline_lead", "热线班长演示用户", "hotline_supervisor", f"{CITY_NAME}（说明理由后调阅）",
             {"jurisdiction": self.city}),
            ("leader", "领导演示用户", "leader", f"{CITY_NAME}（只读）", {"jurisdiction": self.city}),
        ]
        for username, display, role, scope, grant in people:
            user = create(username, display)
            membership_grant(actor=None, user=user, role=roles[role], **grant)
            self.result.logins.append(Login(username, str(roles[role].name), scope))
        # the supervisor also takes calls: an intake grant of its own
        membership_grant(actor=None, user=User.objects.get(username="hotline_lead"), role=roles["hotline"])
        custody = create("custody", "托管机构演示用户", CUSTODY_PROVIDER)
        for ent in custody_ents:
            membership_grant(actor=None, user=custody, role=roles["custody"], enterprise=ent, valid_from=start,
                             valid_until=start + dt.timedelta(days=365))
        self.result.logins.append(Login("custody", str(roles["custody"].name), f"{len(custody_ents)} 家托管企业（合同期内）"))
        self.out(f"  演示账号 {len(self.result.logins)} 个")

    def build(self) -> DemoResult:
        self.out(f"生成合成演示城市「{CITY_NAME}」：规模 {self.scale_name}，随机种子 {self.seed}")
        _INHERENT.clear()  # read the configured sector colours afresh for this database
        with transaction.atomic():
            sectors_load_gb4754()
            roles_ensure_system()
            self.build_territory()
            self.build_departments()
            self.build_showcase()
        self.build_enterprises()
        with transaction.atomic():
            self.build_licences()
            self.build_users()
        self.result.counts.update(build_activity(self))
        self.result.counts.update(build_enforcement(self))  # 执法检查: plans, draws, inspections, cases
        self.result.counts.update(build_committee_year(self))  # the committee's year (docs/responsibility.md)
        self.result.counts.update(build_funds_training(self))  # sections 五 and 六
        self.result.counts.update(build_emergency(self))  # section 八: plans, drills, resources, incidents, alerts
        self.result.counts.update(build_vehicles(self))  # 两客一危 vehicles, geofences, positions, alarms
        # Settle every enterprise's risk colour against the year of activity, as the nightly job
        # does (the on-change recomputes run after commit, which a build inside an outer
        # transaction — a test, a caller's atomic block — never reaches).
        recompute_all()

        self.result.counts.update({
            "districts": len(self.districts), "streets": len(self.streets), "communities": len(self.communities),
            "grids": len(self.grids), "jurisdictions": Jurisdiction.objects.filter(is_synthetic=True).count(),
            "enterprises": Enterprise.objects.filter(is_synthetic=True).count(),
        })
        return self.result


def demo_build(*, scale: str = "small", seed: int = 2026, out: Callable[[str], None] = print) -> DemoResult:
    """Build the synthetic city into an empty database (raises if it already exists)."""
    if city_exists():
        raise ValueError("demo city already exists")
    return Builder(scale=scale, seed=seed, out=out).build()


def demo_logins() -> list[Login]:
    """The demo logins that exist in the database, with their role and scope (for ``rundemo``)."""

    rows: dict[str, Login] = {}
    order = ["admin", "city_office", "district1", "district2", "district1_admin", "street", "regulator", "grid",
             "enterprise", "custody", "hotline", "hotline_lead", "leader"]
    members = (
        Membership.objects.filter(user__username__in=order, is_active=True)
        .select_related("user", "role", "jurisdiction", "department", "enterprise").order_by("id")
    )
    counts: dict[str, int] = {}
    for m in members:
        if m.enterprise_id:  # custody contracts: "… 等 3 家"
            counts[m.user.username] = counts.get(m.user.username, 0) + 1
        if m.user.username not in rows:
            unit = m.department or m.enterprise or m.jurisdiction
            rows[m.user.username] = Login(m.user.username, m.role.name, str(unit) if unit else "本人录入的记录")
    for name, n in counts.items():
        if n > 1:
            rows[name].scope = f"{rows[name].scope} 等 {n} 家"
    return [rows[name] for name in order if name in rows]
