"""The hazard ledger import (隐患台账导入): an existing Excel/CSV ledger, one row per hazard, all or
nothing.

Enterprises are matched among those the importer may import hazards for (``hazards.import``
on the enterprise's place and sector, or the own enterprise): by 统一社会信用代码 first, else by
the exact name. Rows marked rectified (已整改/已销号 …) come in as written off on their 整改完成时间;
open rows come in as 待确认, 待整改 or 整改中 with the ledger's deadline (else the rule's) and get
their inbox item. The commit goes through ``hazards_import_ledger`` (history, one timeline event
per hazard). Columns and rules are listed in docs/hazards.md.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from django.utils import timezone

from anjian.core.scoping import scope_allows
from anjian.core.text import is_blank, normalise, parse_float
from anjian.documents.imports import (
    Change,
    Context,
    ImportSpec,
    RowError,
    RowProblem,
    read_cell,
    read_text,
    register_import,
)
from anjian.documents.values import parse_ledger_date
from anjian.enterprises.models import Enterprise
from anjian.hazards.models import OPEN_STATUSES, Hazard, HazardLevel, HazardSource, HazardStatus
from anjian.hazards.services import (
    IMPORT_UPDATABLE,
    hazard_import_snapshot,
    hazard_import_update,
    hazard_stamps,
    hazards_import_ledger,
    hazards_import_undo,
)
from anjian.jobs.services import Progress

HEADERS: dict[str, list[str]] = {
    "code": ["隐患编号", "编号", "hazard number", "number"],
    "enterprise_name": ["企业名称", "单位名称", "被检查单位", "企业/场所", "enterprise", "enterprise name",
                        "enterprise/site"],
    "credit_code": ["统一社会信用代码", "信用代码", "uscc", "credit code"],
    "description": ["隐患描述", "隐患内容", "存在问题", "隐患情况", "description"],
    "category": ["类别", "隐患类别", "隐患类型", "排查项", "category"],
    "level": ["等级", "隐患等级", "隐患级别", "level"],
    "found_at": ["发现时间", "发现日期", "排查时间", "检查日期", "found at", "found"],
    "deadline": ["整改期限", "整改时限", "限期整改日期", "deadline"],
    "responsible_person": ["整改责任人", "责任人", "responsible person"],
    "measures": ["整改措施", "整改要求", "measures"],
    "status": ["状态", "整改状态", "整改情况", "status"],
    "written_off_at": ["整改完成时间", "销号时间", "完成时间", "验收时间", "rectified at"],
    "finder_name": ["发现人", "检查人", "排查人", "finder"],
    "source": ["来源", "隐患来源", "source"],
    "address": ["地址", "隐患地点", "地点", "address"],
    "lnglat": ["经纬度", "坐标", "lnglat"],
    "lng": ["经度", "longitude", "lng"],
    "lat": ["纬度", "latitude", "lat"],
    "standard_item": ["判定标准条款", "重大隐患判定标准条款", "standard item"],
}
LABEL = {key: labels[0] for key, labels in HEADERS.items()}

LEVELS = {"一般": HazardLevel.GENERAL, "一般隐患": HazardLevel.GENERAL, "一般事故隐患": HazardLevel.GENERAL,
          "general": HazardLevel.GENERAL, "重大": HazardLevel.MAJOR, "重大隐患": HazardLevel.MAJOR,
          "重大事故隐患": HazardLevel.MAJOR, "major": HazardLevel.MAJOR}
STATUSES = {
    **dict.fromkeys(("已整改", "已销号", "整改完成", "已完成", "已闭环", "已验收", "rectified", "written off", "closed"), HazardStatus.WRITTEN_OFF),
    **dict.fromkeys(("整改中", "正在整改", "rectifying"), HazardStatus.RECTIFYING),
    # the write-off steps of an exported list: rectified, not yet written off
    **dict.fromkeys(("待验收", "销号申请待核查", "核查通过待销号"), HazardStatus.RECTIFYING),
    **dict.fromkeys(("未整改", "待整改", "已确认", "限期整改", "open", "confirmed"), HazardStatus.CONFIRMED),
    **dict.fromkeys(("待确认", "待核实", "reported"), HazardStatus.REPORTED),
}
SOURCES = {**{str(label): value for value, label in HazardSource.choices}, **{v: v for v in HazardSource.values},
           "自查": HazardSource.SELF_INSPECTION, "检查": HazardSource.INSPECTION, "巡查": HazardSource.PATROL,
           "举报": HazardSource.PUBLIC_REPORT}
TEXT_LIMITS = {"enterprise_name": 200, "category": 200, "responsible_person": 50, "finder_name": 50,
               "address": 300, "standard_item": 300}
DEFAULT_CATEGORY = "其他"
_CODE = re.compile(r"^YH(\d{4})-(\d{1,12})$")
# the ledger states of a stored hazard (an update may not move it: the workflow does)
_LEDGER_STATE = {HazardStatus.REPORTED: HazardStatus.REPORTED, HazardStatus.CONFIRMED: HazardStatus.CONFIRMED,
                 HazardStatus.WRITTEN_OFF: HazardStatus.WRITTEN_OFF}
_TIME = re.compile(r"(\d{1,2})[:：](\d{2})")
_PAIR = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*[,，;；\s]\s*([+-]?\d+(?:\.\d+)?)\s*$")

TEMPLATE_COLUMNS = ["enterprise_name", "credit_code", "description", "category", "level", "found_at", "deadline",
                    "responsible_person", "measures", "status", "written_off_at", "finder_name", "address", "lnglat"]
TEMPLATE_EXAMPLES = [
    {"enterprise_name": "示例化工有限公司", "credit_code": "", "description": "二号车间配电箱门损坏，线路裸露",
     "category": "电气安全", "level": "一般", "found_at": "2026-03-02 10:30", "deadline": "2026-03-09",
     "responsible_person": "张三", "measures": "更换配电箱门，整理线路", "status": "已整改",
     "written_off_at": "2026-03-06", "finder_name": "李四", "address": "", "lnglat": ""},
    {"enterprise_name": "示例化工有限公司", "credit_code": "", "description": "有限空间作业未审批即进入",
     "category": "有限空间", "level": "重大", "found_at": "2026-03-05", "deadline": "2026-04-05",
     "responsible_person": "张三", "measures": "停止作业，完善审批制度", "status": "整改中", "written_off_at": "",
     "finder_name": "李四", "address": "", "lnglat": "114.05,22.05"},
]


def _text(raw: dict[str, Any], key: str, *, newlines: bool = False) -> str:
    return read_text(raw, key, LABEL[key], limit=TEXT_LIMITS.get(key), newlines=newlines)


def _day(raw: dict[str, Any], key: str) -> dt.date | None:
    return read_cell(raw, key, LABEL[key], parse_ledger_date)


def _moment(raw: dict[str, Any], key: str, *, end_of_day: bool = False) -> dt.datetime | None:
    """A local date (and time when the cell has one) → aware; a bare date as a deadline is 23:59:59."""
    value = raw.get(key)
    day = _day(raw, key)
    if day is None:
        return None
    if isinstance(value, dt.datetime) and not (end_of_day and value.time() == dt.time.min):
        moment = value
    elif isinstance(value, dt.datetime):
        # an Excel date cell reads as midnight: as a deadline it is the day itself, to its end,
        # like a typed date (a deadline of 00:00 would fall due a day early)
        moment = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=value.tzinfo)
    else:
        text = normalise(value) if isinstance(value, str) else ""
        hm = _TIME.search(text.split(" ", 1)[1]) if " " in text else None
        if hm and (int(hm[1]) > 23 or int(hm[2]) > 59):
            raise RowError(LABEL[key], f"{value} 的时间无效", f"{value} has an invalid time", value)
        default = dt.time(23, 59, 59) if end_of_day else dt.time.min
        moment = dt.datetime.combine(day, dt.time(int(hm[1]), int(hm[2])) if hm else default)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _coordinate(raw: dict[str, Any], key: str) -> float | None:
    return read_cell(raw, key, LABEL[key], parse_float)


@register_import
class HazardLedgerImport(ImportSpec):
    kind = "hazards"
    label = "隐患台账导入"
    action = "hazards.import"
    headers = HEADERS
    required = frozenset({"description"})
    key_field = "code"  # the register's 编号 (YH2026-000123): an export imports back as an update

    def prepare(self, ctx: Context) -> None:
        ctx.cache["now"] = timezone.now()

    def _enterprises(self, rows: list[tuple[int, dict[str, Any]]], ctx: Context) -> tuple[dict[str, Any], dict[str, list[Any]]]:
        codes = {_text(raw, "credit_code").upper() for _n, raw in rows} - {""}
        names = {normalise(raw.get("enterprise_name") or "") for _n, raw in rows} - {""}
        scope = Enterprise.objects.restrict(ctx.actor, self.action).select_related("jurisdiction", "sector")
        by_code = {e.credit_code: e for e in scope.filter(credit_code__in=codes)} if codes else {}
        by_name: dict[str, list[Any]] = {}
        if names:
            for e in scope.filter(name__in=names):
                by_name.setdefault(e.name, []).append(e)
        return by_code, by_name

    def validate_batch(
        self, rows: list[tuple[int, dict[str, Any]]], ctx: Context
    ) -> list[tuple[int, dict[str, Any]] | RowProblem]:
        by_code, by_name = self._enterprises(rows, ctx)
        out: list[tuple[int, dict[str, Any]] | RowProblem] = []
        for row_no, raw in rows:
            try:
                out.append((row_no, self._row(raw, ctx, by_code, by_name)))
            except RowError as exc:
                out.append(RowProblem(row_no, exc.column, exc.value, exc.zh, exc.en))
        return out

    def _row(self, raw: dict[str, Any], ctx: Context, by_code: dict[str, Any], by_name: dict[str, list[Any]]) -> dict[str, Any]:
        code, name = _text(raw, "credit_code").upper(), _text(raw, "enterprise_name")
        enterprise = None
        if code:
            enterprise = by_code.get(code)
            if enterprise is None:
                raise RowError(LABEL["credit_code"], f"您的管辖范围内没有统一社会信用代码为 {code} 的企业",
                               f"no enterprise with credit code {code} in your scope", code)
        elif name:
            found = by_name.get(name, [])
            if not found:
                raise RowError(LABEL["enterprise_name"], f"您的管辖范围内没有名为「{name}」的企业（名称须与企业档案完全一致）",
                               f"no enterprise named {name} in your scope (the name must match the register exactly)", name)
            if len(found) > 1:
                raise RowError(LABEL["enterprise_name"], f"有 {len(found)} 家企业名为「{name}」，请填写统一社会信用代码",
                               f"{len(found)} enterprises are named {name}: give the credit code", name)
            enterprise = found[0]
        else:
            raise RowError(LABEL["enterprise_name"], "请填写企业名称或统一社会信用代码",
                           "give the enterprise name or credit code", None)
        description = _text(raw, "description", newlines=True)
        if not description:
            raise RowError(LABEL["description"], "隐患描述不能为空", "the description is required", raw.get("description"))
        level_text = _text(raw, "level")
        level = (LEVELS.get(level_text) or LEVELS.get(level_text.lower())) if level_text else HazardLevel.GENERAL
        if level is None:
            raise RowError(LABEL["level"], "等级应为 一般 或 重大", "the level must be 一般 (general) or 重大 (major)",
                           raw.get("level"))
        status_text = _text(raw, "status")
        status = (STATUSES.get(status_text) or STATUSES.get(status_text.lower())) if status_text else HazardStatus.CONFIRMED
        if status is None:
            raise RowError(LABEL["status"], "状态应为 待确认、待整改、整改中 或 已整改",
                           "the status must be 待确认, 待整改, 整改中 or 已整改 (reported/open/rectifying/rectified)",
                           raw.get("status"))
        source_text = _text(raw, "source")
        source = SOURCES.get(source_text) if source_text else HazardSource.OTHER
        if source is None:
            raise RowError(LABEL["source"], "未知的隐患来源", "unknown source", raw.get("source"))
        found_at = _moment(raw, "found_at")
        if found_at is None:
            raise RowError(LABEL["found_at"], "发现时间不能为空", "the time found is required", raw.get("found_at"))
        if found_at > ctx.cache["now"] + dt.timedelta(minutes=5):
            raise RowError(LABEL["found_at"], "发现时间不能晚于当前时间", "the time found cannot be in the future",
                           raw.get("found_at"))
        deadline = _moment(raw, "deadline", end_of_day=True)
        if deadline is not None and deadline < found_at:
            raise RowError(LABEL["deadline"], "整改期限早于发现时间", "the deadline is before the time found",
                           raw.get("deadline"))
        done = _moment(raw, "written_off_at", end_of_day=False)
        if status == HazardStatus.WRITTEN_OFF:
            if done is None:
                raise RowError(LABEL["written_off_at"], "已整改的隐患须填写整改完成时间",
                               "a rectified hazard needs the date it was rectified", None)
            if done.date() < found_at.date() or done > ctx.cache["now"] + dt.timedelta(minutes=5):
                raise RowError(LABEL["written_off_at"], "整改完成时间须在发现时间之后且不晚于今天",
                               "the date rectified must fall between the time found and today", raw.get("written_off_at"))
            done = max(done, found_at)
        lng, lat = _coordinate(raw, "lng"), _coordinate(raw, "lat")
        pair = _text(raw, "lnglat")
        if pair and lng is None and lat is None:
            m = _PAIR.match(pair)
            if not m:
                raise RowError(LABEL["lnglat"], "经纬度应写成 经度,纬度（如 114.05,22.05）",
                               "write the position as longitude,latitude (like 114.05,22.05)", pair)
            lng, lat = float(m[1]), float(m[2])
        if (lng is None) != (lat is None):
            raise RowError(LABEL["lat"] if lat is None else LABEL["lng"], "经度和纬度须同时填写",
                           "give both longitude and latitude", None)
        if lng is not None and lat is not None and not (-180 <= lng <= 180 and -90 <= lat <= 90):
            raise RowError(LABEL["lnglat"], "经纬度超出范围", "longitude/latitude out of range", f"{lng},{lat}")
        code_text = _text(raw, "code").upper()
        if code_text and not _CODE.match(code_text):
            raise RowError(LABEL["code"], "隐患编号应形如 YH2026-000123（新隐患留空）",
                           "a hazard number looks like YH2026-000123 (leave it blank for a new hazard)", code_text)
        return {
            "code": code_text, "enterprise": enterprise, "description": description,
            "category": _text(raw, "category") or DEFAULT_CATEGORY, "level": level, "status": status,
            "source": source, "found_at": found_at, "deadline": deadline, "written_off_at": done,
            "responsible_person": _text(raw, "responsible_person"), "measures": _text(raw, "measures", newlines=True),
            "finder_name": _text(raw, "finder_name"), "address": _text(raw, "address"), "lng": lng, "lat": lat,
            "standard_item": _text(raw, "standard_item"),
        }

    def commit(self, rows: list[tuple[int, dict[str, Any]]], ctx: Context, progress: Progress) -> dict[str, Any]:
        base = ctx.cache.get("progress_base", 0)
        ids = hazards_import_ledger(
            actor=ctx.actor, rows=[data for _row_no, data in rows], note=f"导入文件 {ctx.params.get('filename', '')}",
            on_progress=lambda n: progress.advance(base + n, f"已导入 {n} 行 / {n} rows imported"),
        )
        open_count = sum(1 for _n, d in rows if d["status"] != HazardStatus.WRITTEN_OFF)
        return {"created": len(ids), "ids": ids, "open": open_count, "written_off": len(ids) - open_count}

    # --- update by 编号 and undo (documents.imports) --------------------------------------------
    # A row carrying the 编号 of a hazard in the importer's scope is that hazard (an export edited
    # and imported back); a number the importer cannot see is a new hazard, as a blank one is.

    def existing(self, keys: list[str], ctx: Context) -> dict[str, Any]:
        wanted = {int(m[2]): key for key in keys if (m := _CODE.match(key))}
        found: dict[str, Any] = {}
        scope = Hazard.objects.restrict(ctx.actor, "hazards.view") if ctx.actor is not None else Hazard.objects.all()
        for start in range(0, len(wanted), 500):
            part = list(wanted)[start:start + 500]
            for h in scope.filter(pk__in=part).select_related("enterprise", "jurisdiction", "sector"):
                if h.code == wanted[h.pk]:
                    found[h.code] = h
        return found

    def changes(self, obj: Any, data: dict[str, Any], raw: dict[str, Any], ctx: Context) -> list[Change]:
        if ctx.actor is not None and not scope_allows(ctx.actor, self.action, jurisdiction=obj.jurisdiction,
                                                      sector=obj.sector, enterprise=obj.enterprise):
            raise RowError(LABEL["code"], "您无权修改该隐患", "you may not change this hazard", obj.code)
        if data["enterprise"] != obj.enterprise:
            raise RowError(LABEL["enterprise_name"], f"隐患 {obj.code} 属于「{obj.unit_name}」，不能改到其他企业",
                           f"hazard {obj.code} belongs to {obj.unit_name}: it cannot move to another enterprise",
                           raw.get("enterprise_name") or raw.get("credit_code"))
        workflow = "，请在隐患页面按流程办理"
        workflow_en = ": use the hazard's page (the workflow's own step)"
        if not is_blank(raw.get("level")) and data["level"] != obj.level:
            raise RowError(LABEL["level"], f"隐患等级不能通过导入修改{workflow}",
                           f"the level cannot be changed by an import{workflow_en}", raw.get("level"))
        if not is_blank(raw.get("status")) and data["status"] != _LEDGER_STATE.get(obj.status, HazardStatus.RECTIFYING):
            raise RowError(LABEL["status"], f"隐患状态（{obj.get_status_display()}）不能通过导入修改{workflow}",
                           f"the state ({obj.status}) cannot be changed by an import{workflow_en}", raw.get("status"))
        if not is_blank(raw.get("deadline")) and obj.deadline is not None and data["deadline"] is not None and (
                timezone.localtime(data["deadline"]).date() != timezone.localtime(obj.deadline).date()):
            raise RowError(LABEL["deadline"], f"整改期限不能通过导入修改（延期须经审批）{workflow}",
                           f"the deadline cannot be changed by an import (an extension is approved){workflow_en}",
                           raw.get("deadline"))
        new = _updates(obj, data, raw)
        if new and obj.status not in OPEN_STATUSES:
            raise RowError(LABEL["status"], "已销号或不予确认的隐患不能通过导入修改",
                           "a closed hazard cannot be changed by an import", obj.get_status_display())
        return [Change(str(Hazard._meta.get_field(k).verbose_name), _shown(getattr(obj, k)), _shown(v))
                for k, v in new.items()]

    def update(self, items: list[tuple[int, dict[str, Any], Any]], ctx: Context) -> list[tuple[str, dict[str, Any], str]]:
        out = []
        note = f"导入文件 {ctx.params.get('filename', '')}"
        for _row_no, data, obj in items:
            before = hazard_import_snapshot(obj)
            h = hazard_import_update(actor=ctx.actor, hazard=obj, data=_updates(obj, data, data.get("_raw", {})), note=note)
            out.append((str(h.pk), before, self.stamps([str(h.pk)]).get(str(h.pk), "")))
        return out

    def stamps(self, ids: list[str]) -> dict[str, str]:
        return hazard_stamps([int(i) for i in ids])

    def undo(self, created: list[tuple[str, str]], updated: list[tuple[str, dict[str, Any], str]], ctx: Context) -> None:
        hazards_import_undo(actor=ctx.actor, created=created, updated=updated,
                            note=f"导入文件 {ctx.params.get('filename', '')}")


def _updates(obj: Any, data: dict[str, Any], raw: dict[str, Any]) -> dict[str, Any]:
    """What a row changes on a stored hazard: the wording cells the row fills in (a blank cell
    keeps the stored value); the position when both coordinates are given."""
    out: dict[str, Any] = {}
    for key in IMPORT_UPDATABLE:
        if key in ("lng", "lat"):
            continue
        if not is_blank(raw.get(key)) and data.get(key):
            out[key] = data[key]
    if data.get("lng") is not None and data.get("lat") is not None:
        out["lng"], out["lat"] = data["lng"], data["lat"]
    return {k: v for k, v in out.items() if not _same(getattr(obj, k), v)}


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, float) or isinstance(new, float):
        return old is not None and new is not None and round(float(old), 6) == round(float(new), 6)
    return bool(old == new)


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def template_workbook() -> bytes:
    """The blank ledger template with two example rows and a notes sheet."""

    from openpyxl import Workbook  # heavy optional library: imported on use
    from openpyxl.styles import Font, PatternFill  # heavy optional library: imported on use

    wb = Workbook()
    ws = wb.active
    ws.title = "隐患台账"
    ws.append([LABEL[k] + ("*" if k in ("description", "found_at") else "") for k in TEMPLATE_COLUMNS])
    for example in TEMPLATE_EXAMPLES:
        ws.append([example.get(k, "") for k in TEMPLATE_COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E7F0FF")
        ws.column_dimensions[cell.column_letter].width = 16
    notes = wb.create_sheet("填写说明")
    for line in [
        "企业：填写统一社会信用代码，或与企业档案完全一致的企业名称；只能导入您管辖范围内企业的隐患。",
        "等级：一般 / 重大（留空为一般）。状态：待确认 / 待整改 / 整改中 / 已整改（留空为待整改）。",
        "已整改的行按已销号导入，须填写整改完成时间；未整改的行按规定生成待办，未填整改期限的按规定期限计算。",
        "日期：2026-03-02、2026/3/2 或 2026年3月2日，发现时间可带时刻（2026-03-02 10:30）。经纬度：经度,纬度（WGS-84）。",
        "整批校验：任何一行有错都不会导入，请下载错误报告修改后重新导入。",
    ]:
        notes.append([line])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
