"""Historical accident import (``ImportSpec`` ``accidents``): Chinese ledgers and foreign data
such as an OSHA severe-injury report, mapped onto the quick-report fields.

Column mapping (any of the labels, case and width insensitive):

* what happened ← 事故简要经过 / 事故经过 / Final Narrative / Narrative (line breaks kept);
* time ← 发生时间 / EventDate (``date_order`` ``mdy`` or ``dmy`` for foreign dates such as
  ``1/5/2015``; ``ymd`` forms are always understood);
* unit ← 事故单位 / Employer; place ← 发生地点 / Address1 (+ Address2, City, State, Zip);
* serious injuries ← 重伤 / Hospitalized, and Amputation: OSHA counts an amputee who is
  hospitalised in both columns, so the larger of the two is taken, never their sum;
  deaths ← 死亡 (an OSHA severe-injury report has no deaths: 0);
* type ← 事故类型 (code or name of the list in force on the day) or an OSHA EventTitle, mapped
  by keywords to GB/T 6441-1986 and, from 2026-07-01, on to GB 6441—2025;
* area ← 属地代码 / 区域 (name), else the point if it lies inside the city, else the
  ``jurisdiction`` chosen for the import; points outside the city are kept in the notes only;
* NAICS, the original ID and other foreign columns go to 其他应当报告的情况.

Historical rows are recorded as reported when they happened (no 迟报 judgement). The whole file
is checked first; one bad row and nothing is imported (the framework's error report lists all).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.utils import timezone

from anjian.accidents.models import Accident
from anjian.accidents.services import accident_report
from anjian.core.scoping import scope_allows
from anjian.core.text import CellError, is_blank, normalise, parse_date, parse_decimal, parse_int
from anjian.documents.imports import Context, ImportSpec, RowError, RowProblem, read_cell, register_import
from anjian.jobs.services import Progress
from anjian.orgs.models import Jurisdiction, Sector
from anjian.orgs.services import locate_jurisdiction
from anjian.rules import accidents as law

HEADERS: dict[str, list[str]] = {
    "external_id": ["原始编号", "事故编号", "ID", "case id"],
    "occurred_at": ["发生时间", "事故发生时间", "发生日期", "EventDate", "event date"],
    "unit_name": ["事故单位", "单位名称", "Employer"],
    "place": ["发生地点", "事故地点", "Address1", "address"],
    "address2": ["Address2"],
    "city": ["City"],
    "state": ["State"],
    "zip": ["Zip", "zip code"],
    "lat": ["纬度", "Latitude", "lat"],
    "lng": ["经度", "Longitude", "lng", "lon"],
    "sector": ["行业代码", "国民经济行业代码"],
    "naics": ["NAICS", "Primary NAICS"],
    "jurisdiction_code": ["属地代码", "辖区代码", "区划代码"],
    "jurisdiction_name": ["属地", "区域", "所属区"],
    "category": ["事故类别"],
    "type": ["事故类型", "事故类型代码", "EventTitle", "event title"],
    "deaths": ["死亡", "死亡人数", "Fatalities"],
    "missing": ["下落不明", "失踪"],
    "serious_injuries": ["重伤", "重伤人数", "Hospitalized"],
    "amputation": ["Amputation", "截肢"],
    "minor_injuries": ["轻伤", "轻伤人数"],
    "loss": ["直接经济损失(元)", "直接经济损失", "经济损失(元)"],
    "loss_wan": ["直接经济损失(万元)", "经济损失(万元)"],
    "description": ["事故简要经过", "事故经过", "简要经过", "Final Narrative", "Narrative"],
    "nature": ["NatureTitle", "Nature"],
    "body_part": ["Part of Body Title"],
    "source": ["SourceTitle", "Source"],
    "measures": ["已经采取的措施", "采取措施"],
    "reporter": ["报告人"],
}
LABEL = {key: labels[0] for key, labels in HEADERS.items()}
FOREIGN_NOTES = {"external_id": "原始编号", "naics": "NAICS", "amputation": "截肢(Amputation)",
                 "nature": "伤害性质(Nature)", "body_part": "受伤部位(Part of Body)", "source": "致害物(Source)"}

# OSHA event titles (OIICS) → GB/T 6441-1986 codes, by the first keyword found (order matters).
EVENT_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("electric", "05"), ("drown", "06"), ("fire", "08"), ("explosion", "18"), ("burn", "07"),
    ("caught in", "03"), ("compressed", "03"), ("machinery", "03"), ("crane", "04"), ("hoist", "04"),
    ("fall", "09"), ("collapse", "10"), ("cave-in", "10"), ("trench", "10"),
    ("vehicle", "02"), ("transportation", "02"), ("forklift", "02"), ("struck by", "01"),
    ("toxic", "19"), ("oxygen", "19"), ("inhalation", "19"), ("poison", "19"),
)
OTHER_1986 = "20"


def mapped_type(value: str, day: dt.date) -> law.AccidentType:
    """The accident type on ``day`` for a code, a Chinese name or an English event title."""
    types = law.accident_types_for(day)
    text = normalise(value)
    for t in types.types:
        if text in (t.code, t.name_zh) or text.lower() == t.name_en:
            return t
    if text.isdigit() and len(text) == 1:
        text = f"0{text}"
    for t in law.GB6441_1986.types:
        if text in (t.code, t.name_zh):
            code = t.code
            break
    else:
        lowered = text.lower()
        if not re.search(r"[a-z]", lowered):
            raise RowError(LABEL["type"], f"{value} 不是 {types.standard} 的事故类型", f"{value} is not a type of {types.standard}", value)
        code = next((c for word, c in EVENT_KEYWORDS if word in lowered), OTHER_1986)
    return law.GB6441_1986.by_code(code) if types is law.GB6441_1986 else law.to_2025_type(code)


_FOREIGN_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+(\d{1,2}):(\d{2})(?::\d{2})?)?")
_TIME = re.compile(r"(\d{1,2})[:：](\d{2})")


def parse_when(value: Any, order: str) -> dt.datetime:
    """A local date and time; ``order`` (``mdy``/``dmy``) reads foreign ``1/5/2015`` dates."""
    if isinstance(value, dt.datetime):
        moment = value
    else:
        text = normalise(value) if isinstance(value, str) else value
        m = _FOREIGN_DATE.fullmatch(text) if isinstance(text, str) and order in ("mdy", "dmy") else None
        if m:
            first, second, year = int(m[1]), int(m[2]), int(m[3])
            month, day = (first, second) if order == "mdy" else (second, first)
            try:
                moment = dt.datetime(year, month, day, int(m[4] or 0), int(m[5] or 0))
            except ValueError as exc:
                raise RowError(LABEL["occurred_at"], f"{value} 不是有效日期", f"{value} is not a valid date", value) from exc
        else:
            try:
                day_only = parse_date(value)
            except CellError as exc:
                raise RowError(LABEL["occurred_at"], exc.zh, exc.en, value) from exc
            hm = _TIME.search(text.split(" ", 1)[1]) if isinstance(text, str) and " " in text else None
            moment = dt.datetime.combine(day_only, dt.time(int(hm[1]), int(hm[2])) if hm else dt.time.min)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _count(raw: dict[str, Any], key: str) -> int:
    number = read_cell(raw, key, LABEL[key], parse_int, 0)
    if number < 0:
        raise RowError(LABEL[key], "不能为负数", "must not be negative", raw.get(key))
    return number


def _text(raw: dict[str, Any], key: str, *, newlines: bool = False) -> str:
    value = raw.get(key)
    return "" if is_blank(value) else normalise(value, keep_newlines=newlines)


@register_import
class AccidentImport(ImportSpec):
    kind = "accidents"
    label = "历史事故导入"
    action = "accidents.import"
    headers = HEADERS
    required = frozenset({"occurred_at", "unit_name", "description"})
    batch_size = 500

    def prepare(self, ctx: Context) -> None:
        jurisdictions = list(Jurisdiction.objects.filter(is_active=True))
        ctx.cache["by_code"] = {j.code: j for j in jurisdictions}
        ctx.cache["by_name"] = {j.name: j for j in jurisdictions}
        ctx.cache["sectors"] = {s.code: s for s in Sector.objects.all()}
        default = ctx.params.get("jurisdiction")
        ctx.cache["default"] = next((j for j in jurisdictions if j.pk == default), None)
        ctx.cache["categories"] = {
            **{c.value: c.value for c in law.AccidentCategory}, **{c.label: c.value for c in law.AccidentCategory}}

    def _jurisdiction(self, raw: dict[str, Any], ctx: Context, notes: list[str]) -> tuple[Jurisdiction, Any, Any]:
        if code := _text(raw, "jurisdiction_code"):
            if code not in ctx.cache["by_code"]:
                raise RowError(LABEL["jurisdiction_code"], f"没有区划代码 {code}", f"no area with code {code}", code)
            return ctx.cache["by_code"][code], None, None
        if name := _text(raw, "jurisdiction_name"):
            if name not in ctx.cache["by_name"]:
                raise RowError(LABEL["jurisdiction_name"], f"没有名为 {name} 的区域", f"no area named {name}", name)
            return ctx.cache["by_name"][name], None, None
        lng = lat = None
        if not is_blank(raw.get("lng")) and not is_blank(raw.get("lat")):
            try:
                lng, lat = float(parse_decimal(raw["lng"])), float(parse_decimal(raw["lat"]))
            except CellError as exc:
                raise RowError(LABEL["lng"], exc.zh, exc.en, raw.get("lng")) from exc
            if not (-180 <= lng <= 180 and -90 <= lat <= 90):
                raise RowError(LABEL["lng"], "坐标超出范围", "coordinates out of range", f"{lng},{lat}")
            located = locate_jurisdiction(lng, lat)
            if located is not None:
                return located, lng, lat
            notes.append(f"原始坐标（不在本市范围内）：{lat}, {lng}")
        if ctx.cache["default"] is None:
            raise RowError(LABEL["jurisdiction_code"], "无法确定属地：请填写属地代码，或导入时选择默认区域",
                           "no area: give an area code or choose a default area for the import")
        return ctx.cache["default"], None, None

    def validate_row(self, row_no: int, raw: dict[str, Any], ctx: Context) -> dict[str, Any]:
        notes: list[str] = []
        occurred_at = parse_when(raw.get("occurred_at"), ctx.params.get("date_order", "ymd"))
        day = timezone.localtime(occurred_at).date()
        if occurred_at > timezone.now():
            raise RowError(LABEL["occurred_at"], "发生时间晚于当前时间", "the time is in the future", raw.get("occurred_at"))
        if day < law.GB6441_1986.effective_from:
            raise RowError(LABEL["occurred_at"], "早于 1987-02-01，不在统计范围", "before 1987-02-01", raw.get("occurred_at"))
        unit_name = _text(raw, "unit_name")
        description = _text(raw, "description", newlines=True)
        for key, value in (("unit_name", unit_name), ("description", description)):
            if not value:
                raise RowError(LABEL[key], "必填", "required", raw.get(key))
        if len(unit_name) > 200:
            raise RowError(LABEL["unit_name"], "超过 200 个字符", "longer than 200 characters", unit_name)
        jurisdiction, lng, lat = self._jurisdiction(raw, ctx, notes)
        if not scope_allows(ctx.actor, "accidents.report", jurisdiction=jurisdiction):
            raise RowError(LABEL["jurisdiction_code"], f"{jurisdiction.name} 不在您的管辖范围内",
                           f"{jurisdiction.name} is outside your area", jurisdiction.code)
        category_text = _text(raw, "category") or ctx.params.get("category") or law.AccidentCategory.INDUSTRIAL_COMMERCIAL.value
        category = ctx.cache["categories"].get(category_text)
        if category is None:
            raise RowError(LABEL["category"], f"未知的事故类别 {category_text}", f"unknown category {category_text}",
                           category_text)
        type_text = _text(raw, "type") or OTHER_1986
        accident_type = mapped_type(type_text, day)
        sector = None
        if code := _text(raw, "sector"):
            sector = ctx.cache["sectors"].get(code)
            if sector is None:
                raise RowError(LABEL["sector"], f"没有行业代码 {code}", f"no sector code {code}", code)
        serious = max(_count(raw, "serious_injuries"), _count(raw, "amputation"))
        loss = Decimal(0)
        for key, factor in (("loss", 1), ("loss_wan", 10000)):
            if not is_blank(raw.get(key)):
                try:
                    loss = parse_decimal(raw[key], allow_wan=factor == 1) * factor
                except CellError as exc:
                    raise RowError(LABEL[key], exc.zh, exc.en, raw.get(key)) from exc
                if loss < 0:
                    raise RowError(LABEL[key], "不能为负数", "must not be negative", raw.get(key))
        place = ", ".join(p for p in (_text(raw, "place"), _text(raw, "address2"), _text(raw, "city"),
                                       " ".join(p for p in (_text(raw, "state"), _text(raw, "zip")) if p)) if p)
        for key, label in FOREIGN_NOTES.items():
            if text := _text(raw, key):
                notes.append(f"{label}：{text}")
        if type_text != OTHER_1986 and type_text not in (accident_type.code, accident_type.name_zh):
            notes.append(f"原始事故类型：{type_text}")
        return {
            "occurred_at": occurred_at, "known_at": occurred_at, "reported_at": occurred_at,
            "unit_name": unit_name, "place": (place or jurisdiction.name)[:300], "lng": lng, "lat": lat,
            "jurisdiction": jurisdiction, "sector": sector, "category": category, "type_code": accident_type.code,
            "description": description, "deaths": _count(raw, "deaths"), "missing": _count(raw, "missing"),
            "serious_injuries": serious, "minor_injuries": _count(raw, "minor_injuries"), "direct_loss_yuan": loss,
            "measures": _text(raw, "measures", newlines=True), "other": "\n".join(notes),
            "reporter": (_text(raw, "reporter") or "历史数据导入")[:50],
        }

    def check_all(self, rows: list[tuple[int, dict[str, Any]]], ctx: Context) -> list[RowProblem]:
        problems: list[RowProblem] = []
        seen: dict[tuple[str, dt.datetime], int] = {}
        for row_no, row in rows:
            key = (row["unit_name"], row["occurred_at"])
            if key in seen:
                problems.append(RowProblem(row_no, LABEL["unit_name"], row["unit_name"],
                                           f"与第 {seen[key]} 行重复（同一单位、同一时间）",
                                           f"duplicates row {seen[key]} (same unit and time)"))
            seen.setdefault(key, row_no)
        for start in range(0, len(rows), 500):
            chunk = rows[start:start + 500]
            existing = set(Accident.objects.filter(
                occurred_at__in=[r["occurred_at"] for _, r in chunk], unit_name__in=[r["unit_name"] for _, r in chunk],
            ).values_list("unit_name", "occurred_at"))
            problems.extend(
                RowProblem(n, LABEL["unit_name"], r["unit_name"], "系统中已有同一单位、同一时间的事故",
                           "an accident of this unit at this time is already recorded")
                for n, r in chunk if (r["unit_name"], r["occurred_at"]) in existing
            )
        return problems

    def commit(self, rows: list[tuple[int, dict[str, Any]]], ctx: Context, progress: Progress) -> dict[str, Any]:
        base = ctx.cache.get("progress_base", 0)
        deaths = 0
        for done, (_row_no, row) in enumerate(rows, start=1):
            acc = accident_report(actor=ctx.actor, data=row)
            deaths += acc.deaths
            progress.advance(base + done)
        return {"created": len(rows), "deaths": deaths}
