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
from anjian.accidents.services import accident_report, accident_stamps, accidents_import_undo
from anjian.core.scoping import scope_allows
from anjian.core.text import CellError, is_blank, normalise, parse_bool, parse_decimal, parse_int, parse_month
from anjian.documents.imports import (
    Change,
    Context,
    ImportSpec,
    RowError,
    RowProblem,
    read_cell,
    register_import,
)
from anjian.documents.values import parse_ledger_date, read_sector
from anjian.jobs.services import Progress
from anjian.orgs.models import Jurisdiction, Sector
from anjian.orgs.places import PlaceError, PlaceResolver
from anjian.orgs.services import locate_jurisdiction
from anjian.rules import accidents as law
from anjian.rules.accident_keywords import propose_type
from anjian.rules.industry_map import isic_section, naics_section

HEADERS: dict[str, list[str]] = {
    "external_id": ["原始编号", "事故编号", "事件编号", "ID", "case id", "Inspection #", "Inspection Nr",
                    "Inspection Number", "Inspection", "Summary Nr", "summary_nr", "Event ID", "Incident ID"],
    "occurred_at": ["发生时间", "事故发生时间", "发生日期", "EventDate", "event date", "Date of Incident",
                    "Incident Date", "event_date"],
    "unit_name": ["事故单位", "单位名称", "Employer", "Company", "Employer Name", "Establishment Name", "estab_name"],
    "place": ["发生地点", "事故地点", "Address1", "address"],
    "address2": ["Address2"],
    "city": ["City"],
    "state": ["State"],
    "zip": ["Zip", "zip code"],
    "lat": ["纬度", "Latitude", "lat"],
    "lng": ["经度", "Longitude", "lng", "lon"],
    "sector": ["行业代码", "国民经济行业代码"],
    "naics": ["NAICS", "Primary NAICS", "NAICS Code"],
    "isic": ["ISIC", "ISIC Rev.4", "ISIC code"],
    "jurisdiction_code": ["属地代码", "辖区代码", "区划代码"],
    "jurisdiction_name": ["属地", "区域", "所属区"],
    "category": ["事故类别"],
    "type": ["事故类型", "事故类型代码", "EventTitle", "event title"],
    "deaths": ["死亡", "死亡人数", "Fatalities", "Deaths", "Number of Fatalities", "Killed"],
    # one row per victim: what happened to that person (OSHA "Fatality or Catastrophe", IMIS degree)
    "outcome": ["Fatality or Catastrophe", "Fatality/Catastrophe", "Fat/Cat", "FatCat", "Degree of Injury",
                "degree_of_inj", "Fatality", "Fatal", "伤害程度", "伤亡情况"],
    "victim": ["Victim(s)", "Victim", "Victims", "Victim Name", "伤亡人员", "遇难人员", "受害人"],
    "missing": ["下落不明", "失踪"],
    "serious_injuries": ["重伤", "重伤人数", "Hospitalized"],
    "amputation": ["Amputation", "截肢"],
    "minor_injuries": ["轻伤", "轻伤人数"],
    "loss": ["直接经济损失(元)", "直接经济损失", "经济损失(元)"],
    "loss_wan": ["直接经济损失(万元)", "经济损失(万元)"],
    "description": ["事故简要经过", "事故经过", "简要经过", "Final Narrative", "Narrative", "Hazard Description",
                    "Event Description", "event_desc", "Abstract"],
    "nature": ["NatureTitle", "Nature"],
    "body_part": ["Part of Body Title"],
    "source": ["SourceTitle", "Source"],
    "measures": ["已经采取的措施", "采取措施"],
    "reporter": ["报告人"],
}
LABEL = {key: labels[0] for key, labels in HEADERS.items()}
FOREIGN_NOTES = {"external_id": "原始编号", "naics": "NAICS", "isic": "ISIC", "amputation": "截肢(Amputation)",
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
                day_only = parse_ledger_date(value)
            except CellError as exc:
                if exc.code != "date_format":
                    raise RowError(LABEL["occurred_at"], exc.zh, exc.en, value) from exc
                try:  # a historical record may give the month only: the first of that month
                    day_only = parse_month(value)
                except CellError as exc2:
                    raise RowError(LABEL["occurred_at"], exc2.zh, exc2.en, value) from exc2
            hm = _TIME.search(text.split(" ", 1)[1]) if isinstance(text, str) and " " in text else None
            moment = dt.datetime.combine(day_only, dt.time(int(hm[1]), int(hm[2])) if hm else dt.time.min)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


# What happened to the person of a victim row (OSHA "Fatality or Catastrophe", the IMIS degree of
# injury 1/2/3, or Chinese words) → the count it adds to. OSHA calls an event with three or more
# workers hospitalised a catastrophe: its victim rows are hospitalised, i.e. serious injuries.
OUTCOMES: dict[str, str] = {
    **dict.fromkeys(("fatality", "fatal", "f", "death", "died", "killed", "死亡", "遇难", "1"), "deaths"),
    **dict.fromkeys(("catastrophe", "cat", "c", "hospitalized", "hospitalised", "hospitalized injuries",
                     "hospitalized injury", "重伤", "2"), "serious_injuries"),
    **dict.fromkeys(("non hospitalized", "non-hospitalized", "nonhospitalized", "non hospitalized injuries",
                     "non-hospitalized injuries", "轻伤", "3"), "minor_injuries"),
    **dict.fromkeys(("下落不明", "失踪", "missing"), "missing"),
    **dict.fromkeys(("none", "no injury", "无伤害", "未受伤"), ""),
}
COUNT_KEYS = ("deaths", "missing", "serious_injuries", "minor_injuries")
OUTCOME_LABEL = {"deaths": "死亡", "serious_injuries": "重伤", "minor_injuries": "轻伤", "missing": "下落不明",
                 "": "未受伤"}


def read_outcome(raw: dict[str, Any]) -> str | None:
    """The count a victim row adds to (``deaths`` …, ``""`` for none), ``None`` when the row has
    no outcome cell. A yes/no cell (a column headed "Fatality") means a death or none."""
    value = raw.get("outcome")
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = normalise(value).lower()
    if text in OUTCOMES:
        return OUTCOMES[text]
    try:
        return "deaths" if parse_bool(value) else ""
    except CellError:
        pass
    raise RowError(LABEL["outcome"], f"不能识别的伤亡情况“{text}”，应为 死亡/重伤/轻伤 或 Fatality/Catastrophe",
                   f"unknown outcome “{text}”: expected Fatality, Catastrophe, Hospitalized, Non Hospitalized "
                   "(or 死亡/重伤/轻伤)", value)


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
        ctx.cache["places"] = PlaceResolver.of(jurisdictions)  # 甲一街道办事处, 440305001000 …
        ctx.cache["sectors"] = {s.code: s for s in Sector.objects.all()}
        default = ctx.params.get("jurisdiction")
        ctx.cache["default"] = next((j for j in jurisdictions if j.pk == default), None)
        ctx.cache["categories"] = {
            **{c.value: c.value for c in law.AccidentCategory}, **{c.label: c.value for c in law.AccidentCategory}}

    def _jurisdiction(self, raw: dict[str, Any], ctx: Context, notes: list[str]) -> tuple[Jurisdiction, Any, Any]:
        if code := _text(raw, "jurisdiction_code"):
            found = ctx.cache["by_code"].get(code) or ctx.cache["places"].by_division_code(code)
            if found is None:
                raise RowError(LABEL["jurisdiction_code"], f"没有区划代码 {code}", f"no area with code {code}", code)
            return found, None, None
        if name := _text(raw, "jurisdiction_name"):
            try:
                found = ctx.cache["by_name"].get(name) or ctx.cache["places"].by_any_name(name)
            except PlaceError as exc:
                raise RowError(LABEL["jurisdiction_name"], exc.zh, exc.en, name) from exc
            if found is None:
                raise RowError(LABEL["jurisdiction_name"], f"没有名为 {name} 的区域", f"no area named {name}", name)
            return found, None, None
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
        type_text = _text(raw, "type")
        proposal = None
        chosen = (ctx.params.get("overrides") or {}).get(str(row_no))
        if chosen:
            # the type the person chose for this row in the preview
            accident_type = chosen_type(chosen, day)
            if type_text and type_text not in (accident_type.code, accident_type.name_zh):
                notes.append(f"原始事故类型：{type_text}")
            type_text = accident_type.code
        elif type_text:
            accident_type = mapped_type(type_text, day)
        else:
            # no type given: proposed from the narrative (GB 6441 keywords), to be confirmed
            proposal = propose_type(description)
            accident_type = (law.GB6441_1986.by_code(proposal.code) if law.accident_types_for(day) is law.GB6441_1986
                             else law.to_2025_type(proposal.code))
            type_text = OTHER_1986
        sector = read_sector(raw, "sector", LABEL["sector"], ctx.cache["sectors"])
        if sector is None:
            for key, section_of in (("naics", naics_section), ("isic", isic_section)):
                if (code := _text(raw, key)) and (section := section_of(code)):
                    sector = ctx.cache["sectors"].get(section)
                    notes.append(f"行业由 {key.upper()} {code} 对应为 GB/T 4754 门类 {section}")
                    break
        outcome = read_outcome(raw)
        victim = _text(raw, "victim")
        explicit = {key for key in COUNT_KEYS if not is_blank(raw.get(key))}
        counts = {key: _count(raw, key) for key in COUNT_KEYS}
        if outcome and outcome not in explicit:
            counts[outcome] += 1
        serious = max(counts["serious_injuries"], _count(raw, "amputation"))
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
        if not chosen and type_text != OTHER_1986 and type_text not in (accident_type.code, accident_type.name_zh):
            notes.append(f"原始事故类型：{type_text}")
        if proposal is not None:
            notes.append(f"事故类型按经过推定：{accident_type.name_zh}"
                         + (f"（关键词“{proposal.keyword}”）" if proposal.keyword else "（未找到关键词）") + "，请核对")
        event = _text(raw, "external_id")
        per_victim = outcome is not None or bool(victim)
        return {
            "is_imported": True,
            "type_proposal": ({"code": accident_type.code, "name": accident_type.name_zh, "keyword": proposal.keyword}
                              if proposal is not None else None),
            "_type_how": "chosen" if chosen else ("proposed" if proposal is not None else "given"),
            "_event": event or (f"{unit_name}|{occurred_at.isoformat()}" if per_victim else ""),
            "_victim": (f"{victim or '?'}（{OUTCOME_LABEL.get(outcome or '', '伤亡情况不详')}）" if per_victim else ""),
            "_explicit": sorted(explicit),
            "occurred_at": occurred_at, "known_at": occurred_at, "reported_at": occurred_at,
            "unit_name": unit_name, "place": (place or jurisdiction.name)[:300], "lng": lng, "lat": lat,
            "jurisdiction": jurisdiction, "sector": sector, "category": category, "type_code": accident_type.code,
            "description": description, "deaths": counts["deaths"], "missing": counts["missing"],
            "serious_injuries": serious, "minor_injuries": counts["minor_injuries"], "direct_loss_yuan": loss,
            "measures": _text(raw, "measures", newlines=True), "other": "\n".join(notes),
            "reporter": (_text(raw, "reporter") or "历史数据导入")[:50],
        }

    def preview_notes(self, data: dict[str, Any]) -> list[str]:
        """What the person should confirm before storing a row: the accident type proposed from
        the narrative (with its keyword) and the victims merged into one event."""
        out = []
        if proposal := data.get("type_proposal"):
            out.append(f"事故类型（按经过推定，请核对）：{proposal['name']}"
                       + (f" ← “{proposal['keyword']}”" if proposal["keyword"] else ""))
        if data.get("_victims"):
            out.append("伤亡人员：" + "；".join(data["_victims"]))
        return out

    # --- the preview the person confirms (documents.imports) --------------------------------

    override_key = "type"

    def override_choices(self, ctx: Context) -> list[tuple[str, str]]:
        return [(t.code, f"{t.code} {t.name_zh}（{lst.standard}）")
                for lst in (law.GB6441_1986, law.GB6441_2025) for t in lst.types]

    def preview_rows(self, rows: list[tuple[int, dict[str, Any]]], ctx: Context) -> dict[int, list[Change]]:
        """Per event (its first row): the type — proposed from the narrative with its keyword,
        given in the file, or chosen — and the deaths and injuries counted over its victim
        rows; the other victim rows of the event name the row they are merged into."""
        events, _problems = merge_events(rows)
        out: dict[int, list[Change]] = {}
        for row_no, row in events:
            kind = law.accident_types_for(timezone.localtime(row["occurred_at"]).date())
            name = next((t.name_zh for t in kind.types if t.code == row["type_code"]), row["type_code"])
            how = row.get("_type_how")
            proposal = row.get("type_proposal") or {}
            shown = (f"{row['type_code']} {name}"
                     + ("（按经过推定" + (f"，关键词“{proposal.get('keyword')}”" if proposal.get("keyword") else "，未找到关键词")
                        + "，请核对）" if how == "proposed" else "（已选择）" if how == "chosen" else ""))
            changes = [Change("事故类型", "", shown), Change("死亡人数", "", str(row["deaths"]))]
            for key, label in (("missing", "下落不明人数"), ("serious_injuries", "重伤人数"), ("minor_injuries", "轻伤人数")):
                if row[key]:
                    changes.append(Change(label, "", str(row[key])))
            if row.get("_rows", 1) > 1:
                changes.append(Change("伤亡人员", "", f"{row['_rows']} 行合并为一起事故：" + "；".join(row["_victims"])))
            out[row_no] = changes
        first_of: dict[str, int] = {}
        for row_no, row in rows:
            key = row.get("_event") or ""
            if key and key in first_of:
                out[row_no] = [Change("伤亡人员", "", f"并入第 {first_of[key]} 行的事故：{row.get('_victim', '')}")]
            elif key:
                first_of[key] = row_no
        return out

    def group_of(self, data: dict[str, Any]) -> str:
        return str(data.get("_event") or "")

    def check_all(self, rows: list[tuple[int, dict[str, Any]]], ctx: Context) -> list[RowProblem]:
        events, problems = merge_events(rows)
        seen: dict[tuple[str, dt.datetime], int] = {}
        for row_no, row in events:
            key = (row["unit_name"], row["occurred_at"])
            if key in seen:
                problems.append(RowProblem(row_no, LABEL["unit_name"], row["unit_name"],
                                           f"与第 {seen[key]} 行重复（同一单位、同一时间）",
                                           f"duplicates row {seen[key]} (same unit and time)"))
            seen.setdefault(key, row_no)
        for start in range(0, len(events), 500):
            chunk = events[start:start + 500]
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
        events, _problems = merge_events(rows)
        done = 0
        by_event: dict[str, int] = {}
        ids_by_row: dict[int, int] = {}
        for row_no, row in events:
            acc = accident_report(actor=ctx.actor, data={k: v for k, v in row.items()
                                                         if not k.startswith("_") and k != "type_proposal"})
            deaths += acc.deaths
            done += row.get("_rows", 1)
            ids_by_row[row_no] = acc.pk
            if row.get("_event"):
                by_event[row["_event"]] = acc.pk
            progress.advance(base + done)
        # every row names the accident it went into (victim rows of one event: the same one)
        ids = [ids_by_row.get(n) or by_event[data["_event"]] for n, data in rows]
        return {"created": len(events), "ids": ids, "deaths": deaths}

    # --- undo (documents.imports); no update by key: an accident has no number of its own that a
    # ledger or foreign data carries over (an OSHA inspection number is kept in the notes only).

    def stamps(self, ids: list[str]) -> dict[str, str]:
        return accident_stamps([int(i) for i in ids])

    def undo(self, created: list[tuple[str, str]], updated: list[tuple[str, dict[str, Any], str]], ctx: Context) -> None:
        accidents_import_undo(actor=ctx.actor, created=created, note=f"导入文件 {ctx.params.get('filename', '')}")


def chosen_type(code: str, day: dt.date) -> law.AccidentType:
    """The type the person chose for a row: a code of the list in force on the day, or a
    GB/T 6441-1986 code carried over to GB 6441—2025 on a later day."""
    types = law.accident_types_for(day)
    for t in types.types:
        if t.code == code:
            return t
    if types is not law.GB6441_1986 and any(t.code == code for t in law.GB6441_1986.types):
        return law.to_2025_type(code)
    raise RowError(LABEL["type"], f"所选类型 {code} 不属于事故发生时施行的 {types.standard}",
                   f"the type chosen, {code}, is not in {types.standard}, in force on the day", code)


def merge_events(rows: list[tuple[int, dict[str, Any]]]) -> tuple[list[tuple[int, dict[str, Any]]], list[RowProblem]]:
    """Victim rows of one event → one accident. Rows with the same event (the original event or
    inspection number; without one, the same unit and time when the rows are victim rows) are
    merged: counts derived from each row's outcome are added up (three "Fatality" rows → 3
    deaths), counts given in a count column are an event's figure repeated on its rows (the
    largest is kept), the narratives and notes are joined, the victims listed. Rows of one event
    that disagree on the time are reported."""
    merged: dict[str, tuple[int, dict[str, Any]]] = {}
    out: list[tuple[int, dict[str, Any]]] = []
    problems: list[RowProblem] = []
    for row_no, row in rows:
        key = row.get("_event") or ""
        if not key or key not in merged:
            explicit = row.get("_explicit", ())
            first = {**row, "_rows": 1, "_victims": [row["_victim"]] if row.get("_victim") else [],
                     "_summed": {k: (0 if k in explicit else row[k]) for k in COUNT_KEYS},
                     "_given": {k: (row[k] if k in explicit else 0) for k in COUNT_KEYS}}
            out.append((row_no, first))
            if key:
                merged[key] = (row_no, first)
            continue
        first_no, acc = merged[key]
        if row["occurred_at"] != acc["occurred_at"]:
            problems.append(RowProblem(row_no, LABEL["occurred_at"], row["occurred_at"].strftime("%Y-%m-%d %H:%M"),
                                       f"与第 {first_no} 行同属一个事件，发生时间却不同",
                                       f"same event as row {first_no} but a different time"))
            continue
        acc["_rows"] += 1
        if row.get("_victim"):
            acc["_victims"].append(row["_victim"])
        for k in COUNT_KEYS:
            if k in row.get("_explicit", ()):
                acc["_given"][k] = max(acc["_given"][k], row[k])
            else:
                acc["_summed"][k] += row[k]
        if row["description"] and row["description"] not in acc["description"]:
            acc["description"] = f"{acc['description']}\n{row['description']}"
        for line in row["other"].splitlines():
            if line not in acc["other"].splitlines():
                acc["other"] = f"{acc['other']}\n{line}".strip()
    for _row_no, acc in out:
        if acc["_rows"] > 1:
            for k in COUNT_KEYS:
                acc[k] = max(acc["_summed"][k], acc["_given"][k])
        if acc["_victims"]:
            acc["other"] = (acc["other"] + "\n伤亡人员：" + "；".join(acc["_victims"])).strip()
            acc["other"] = (acc["other"] + f"\n由 {acc['_rows']} 行伤亡人员记录合并").strip() if acc["_rows"] > 1 else acc["other"]
    return out, problems
