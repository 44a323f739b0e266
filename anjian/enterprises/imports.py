"""The enterprise ledger import (企业台账导入): one row per enterprise, all or nothing.

Columns and rules are listed in docs/enterprises.md. Rows are validated in batches (points are
located with one polygon-index call per batch); duplicate credit codes inside the file and
against the register are reported row by row, never merged; the commit goes through
``enterprises_bulk_create``.
"""

from __future__ import annotations

import io
from typing import Any

from anjian.core.errors import DomainError
from anjian.core.scoping import can
from anjian.core.text import CellError, is_blank, parse_bool, parse_float, parse_headcount
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
from anjian.documents.values import read_sector
from anjian.enterprises.models import FLAGS, Enterprise, EnterpriseSize
from anjian.enterprises.services import (
    _scope_checker,
    enterprise_snapshot,
    enterprise_stamps,
    enterprises_bulk_create,
    enterprises_import_undo,
    enterprises_import_update,
    normalise_point,
)
from anjian.jobs.services import Progress
from anjian.orgs.models import Jurisdiction, Sector
from anjian.orgs.places import PlaceError, PlaceResolver
from anjian.orgs.services import locate_jurisdiction_ids
from anjian.rules.uscc import InvalidUSCC, validate_uscc

BASE_HEADERS: dict[str, list[str]] = {
    "name": ["单位名称", "企业名称", "name", "enterprise name"],
    "credit_code": ["统一社会信用代码", "信用代码", "credit code", "uscc"],
    "sector": ["行业代码", "行业", "sector", "sector code", "industry code"],
    "size": ["规模", "企业规模", "size"],
    "employees": ["从业人数", "职工人数", "employees", "staff"],
    "address": ["地址", "经营地址", "address"],
    "lng": ["经度", "longitude", "lng", "lon"],
    "lat": ["纬度", "latitude", "lat"],
    "crs": ["坐标系", "crs", "coordinate system"],
    "jurisdiction_code": ["所属辖区代码", "辖区代码", "属地代码", "jurisdiction code", "jurisdiction"],
    # a row without coordinates is placed by these names (orgs.places), each within the one above
    "district": ["所属区", "所在区", "区县", "区（县）", "district"],
    "street": ["街道", "所属街道", "所在街道", "镇街", "街道（镇）", "乡镇街道", "street", "sub-district"],
    "community": ["社区", "所属社区", "所在社区", "社区（村）", "村居", "community"],
    "principal": ["主要负责人", "负责人", "principal"],
    "principal_phone": ["负责人电话", "主要负责人电话", "principal phone"],
    "safety_manager": ["安全管理人员", "safety manager"],
    "safety_manager_phone": ["安全管理人员电话", "safety manager phone"],
}
HEADERS: dict[str, list[str]] = {**BASE_HEADERS, **{k: [zh, en] for k, (zh, en) in FLAGS.items()}}
LABEL = {key: labels[0] for key, labels in HEADERS.items()}
# More ways ledgers write the headers (for the column mapping only; closeness finds the rest).
SYNONYMS: dict[str, list[str]] = {
    "name": ["单位全称", "企业(单位)名称", "生产经营单位名称", "公司名称"],
    "credit_code": ["社会信用代码", "统一代码", "组织机构代码", "信用代码证号"],
    "sector": ["所属行业", "行业类别", "国民经济行业代码", "行业分类"],
    "employees": ["从业人员数", "从业人员", "员工人数", "职工总数", "在岗人数"],
    "address": ["详细地址", "单位地址", "注册地址", "生产经营地址", "生产地址"],
    "principal": ["法定代表人", "法人代表", "主要负责人姓名"],
    "principal_phone": ["主要负责人联系电话", "负责人联系电话", "法人电话", "联系电话"],
    "safety_manager": ["安全负责人", "安全管理员", "分管安全负责人"],
    "safety_manager_phone": ["安全负责人电话", "安全管理员电话", "分管安全负责人电话"],
    "jurisdiction_code": ["行政区划代码", "区划代码", "所属区域代码"],
}

SIZES = {
    **{str(label): value for value, label in EnterpriseSize.choices},
    **{value: value for value in EnterpriseSize.values},
    "大": "large", "中": "medium", "小": "small", "微": "micro",
}
CRS = {"wgs-84": "wgs84", "wgs84": "wgs84", "gps": "wgs84", "gcj-02": "gcj02", "gcj02": "gcj02", "火星坐标": "gcj02"}
TEXT_LIMITS = {"name": 200, "address": 300, "principal": 50, "principal_phone": 30, "safety_manager": 50,
               "safety_manager_phone": 30}

# The template workbook: headers in this order and one example row.
TEMPLATE_COLUMNS = ["name", "credit_code", "sector", "size", "employees", "address", "lng", "lat", "crs",
                    "jurisdiction_code", "principal", "principal_phone", "safety_manager", "safety_manager_phone",
                    *FLAGS]
TEMPLATE_EXAMPLE = {
    "name": "示例化工有限公司", "credit_code": "91440300MA5DXXXX0X", "sector": "26", "size": "小型", "employees": 56,
    "address": "示范市甲区工业路1号", "lng": 114.05, "lat": 22.05, "crs": "WGS-84", "jurisdiction_code": "",
    "principal": "张三", "principal_phone": "13800000000", "safety_manager": "李四",
    "safety_manager_phone": "13900000000", "hazardous_chemicals": "是",
}


def _text(raw: dict[str, Any], key: str) -> str:
    return read_text(raw, key, LABEL[key], limit=TEXT_LIMITS.get(key, 300))


def _float(raw: dict[str, Any], key: str) -> float | None:
    return read_cell(raw, key, LABEL[key], parse_float)


@register_import
class EnterpriseImport(ImportSpec):
    kind = "enterprises"
    label = "企业台账导入"
    action = "enterprises.import"
    headers = HEADERS
    synonyms = SYNONYMS
    required = frozenset({"name"})
    key_field = "credit_code"

    def prepare(self, ctx: Context) -> None:
        ctx.cache["sectors"] = {s.code: s for s in Sector.objects.all()}
        ctx.cache["jur_by_id"] = {j.pk: j for j in Jurisdiction.objects.filter(is_active=True)}
        ctx.cache["jur_by_code"] = {j.code: j for j in ctx.cache["jur_by_id"].values()}
        ctx.cache["allowed"] = _scope_checker(ctx.actor, self.action)
        ctx.cache["places"] = PlaceResolver.for_user(ctx.actor)

    # --- per row --------------------------------------------------------------------------

    def _parse(self, raw: dict[str, Any], ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {k: _text(raw, k) for k in TEXT_LIMITS}
        if not out["name"]:
            raise RowError(LABEL["name"], "单位名称不能为空", "the name is required", raw.get("name"))
        code = _text(raw, "credit_code").upper()
        if code:
            try:
                code = validate_uscc(code)
            except InvalidUSCC as exc:
                raise RowError(LABEL["credit_code"], exc.zh, exc.en, raw.get("credit_code")) from exc
        out["credit_code"] = code
        out["sector"] = read_sector(raw, "sector", LABEL["sector"], ctx.cache["sectors"])
        size_text = _text(raw, "size")
        if size_text:
            size = SIZES.get(size_text) or SIZES.get(size_text.lower())
            if size is None:
                raise RowError(LABEL["size"], "规模应为 大型/中型/小型/微型", "size must be 大型/中型/小型/微型 (large/medium/small/micro)", raw.get("size"))
            out["size"] = size
        if not is_blank(raw.get("employees")):
            out["employees"] = read_cell(raw, "employees", LABEL["employees"], parse_headcount)
        flags = []
        for key in FLAGS:
            if is_blank(raw.get(key)):
                continue
            try:
                if parse_bool(raw[key]):
                    flags.append(key)
            except CellError as exc:
                raise RowError(LABEL[key], exc.zh, exc.en, raw[key]) from exc
        out["flags"] = flags
        self._place_by_names(raw, ctx)
        lng, lat = _float(raw, "lng"), _float(raw, "lat")
        if (lng is None) != (lat is None):
            column = LABEL["lat"] if lat is None else LABEL["lng"]
            raise RowError(column, "经度和纬度须同时填写", "give both longitude and latitude", raw.get("lat") if lat is None else raw.get("lng"))
        crs_text = _text(raw, "crs").lower().replace(" ", "")
        crs = CRS.get(crs_text) if crs_text else "wgs84"
        if crs is None:
            raise RowError(LABEL["crs"], "坐标系应为 WGS-84 或 GCJ-02", "coordinate system must be WGS-84 or GCJ-02", raw.get("crs"))
        try:
            out["lng"], out["lat"] = normalise_point(lng, lat, crs=crs)
        except DomainError as exc:
            raise RowError(LABEL["lng"], exc.zh, exc.en, f"{lng}, {lat}") from exc
        jcode = _text(raw, "jurisdiction_code") or _stored_place(code, ctx) or str(ctx.params.get("default_area") or "")
        out["_jcode"] = jcode
        if jcode and jcode not in ctx.cache["jur_by_code"]:
            raise RowError(LABEL["jurisdiction_code"], f"未知的辖区代码 {jcode}", f"unknown jurisdiction code {jcode}", jcode)
        if out["lng"] is None and not jcode:
            raise RowError(LABEL["jurisdiction_code"], "请填写坐标或所属辖区代码", "give coordinates or a jurisdiction code", None)
        return out

    def _place_by_names(self, raw: dict[str, Any], ctx: Context) -> None:
        """A 行政区划代码 in its 12-digit statistical form is read as the jurisdiction's code; a
        row with neither coordinates nor a code is placed by its district, street and community
        names within the importer's territory (``orgs.places``). The code found is written into
        the row's ``jurisdiction_code`` cell, which the placement below then uses."""
        places = ctx.cache["places"]
        code = _text(raw, "jurisdiction_code")
        if code:
            if (found := places.by_division_code(code)) is not None:
                raw["jurisdiction_code"] = found.code
            return
        if not is_blank(raw.get("lng")) or not is_blank(raw.get("lat")):
            return
        try:
            place = places.place(district=_text(raw, "district"), street=_text(raw, "street"),
                                 community=_text(raw, "community"))
        except PlaceError as exc:
            raise RowError(LABEL[exc.field], exc.zh, exc.en, exc.value) from exc
        if place is not None:
            raw["jurisdiction_code"] = place.code

    def validate_batch(
        self, rows: list[tuple[int, dict[str, Any]]], ctx: Context
    ) -> list[tuple[int, dict[str, Any]] | RowProblem]:
        parsed: list[tuple[int, dict[str, Any]] | RowProblem] = []
        for row_no, raw in rows:
            try:
                parsed.append((row_no, self._parse(raw, ctx)))
            except RowError as exc:
                parsed.append(RowProblem(row_no, exc.column, exc.value, exc.zh, exc.en))
        with_point = [r for r in parsed if not isinstance(r, RowProblem) and r[1]["lng"] is not None]
        located = locate_jurisdiction_ids([(r[1]["lng"], r[1]["lat"]) for r in with_point])
        for (_row_no, data), jid in zip(with_point, located, strict=True):
            data["_jid"] = jid
        out: list[tuple[int, dict[str, Any]] | RowProblem] = []
        for item in parsed:
            if isinstance(item, RowProblem):
                out.append(item)
                continue
            row_no, data = item
            jid, jcode = data.pop("_jid", None), data.pop("_jcode")
            place = ctx.cache["jur_by_id"].get(jid) if jid else ctx.cache["jur_by_code"].get(jcode)
            if place is None:
                out.append(RowProblem(row_no, LABEL["lng"], f"{data['lng']:.6f}, {data['lat']:.6f}",
                                      "坐标不在任何辖区边界内，且未填写所属辖区代码",
                                      "the point lies outside every boundary and no jurisdiction code is given"))
                continue
            if not ctx.cache["allowed"](place, data["sector"]):
                out.append(RowProblem(row_no, LABEL["jurisdiction_code"], place.code,
                                      f"{place.name} 不在您的管辖范围内（或行业不属于您的部门）",
                                      f"{place.name} is outside your scope (or the sector is not yours)"))
                continue
            data["jurisdiction"] = place
            out.append((row_no, data))
        return out

    def commit(self, rows: list[tuple[int, dict[str, Any]]], ctx: Context, progress: Progress) -> dict[str, Any]:
        base = ctx.cache.get("progress_base", 0)
        ids = enterprises_bulk_create(
            actor=ctx.actor,
            rows=[data for _row_no, data in rows],
            note=f"导入文件 {ctx.params.get('filename', '')}",
            on_progress=lambda n: progress.advance(base + n, f"导入中：已保存 {base + n} 行 / storing: {base + n} rows stored"),
            routes=ctx.cache.setdefault("routes", {}),  # the same few routes for every chunk
        )
        return {"created": len(ids), "ids": ids}

    # --- update by key and undo (documents.imports) ------------------------------------------

    def existing(self, keys: list[str], ctx: Context) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for start in range(0, len(keys), 500):
            for ent in Enterprise.objects.filter(credit_code__in=keys[start : start + 500]).select_related(
                "jurisdiction", "sector"
            ):
                found[ent.credit_code] = ent
        return found

    def changes(self, obj: Any, data: dict[str, Any], raw: dict[str, Any], ctx: Context) -> list[Change]:
        if ctx.actor is not None and not can(ctx.actor, "enterprises.change", obj):
            raise RowError(LABEL["credit_code"], "该统一社会信用代码的企业已由其他单位登记，不在您的管辖范围内",
                           "an enterprise outside your scope holds this credit code", obj.credit_code)
        return [Change(UPDATE_LABELS.get(k, LABEL.get(k, k)), _shown(k, getattr(obj, k)), _shown(k, v))
                for k, v in update_fields(obj, data, raw).items()]

    def update(self, items: list[tuple[int, dict[str, Any], Any]], ctx: Context) -> list[tuple[str, dict[str, Any], str]]:
        out = []
        for _row_no, data, obj in items:
            before = enterprise_snapshot(obj)
            ent = enterprises_import_update(actor=ctx.actor, enterprise=obj, data=update_fields(obj, data, data.get("_raw", {})),
                                            note=f"导入文件 {ctx.params.get('filename', '')}")
            out.append((str(ent.pk), before, self.stamps([str(ent.pk)]).get(str(ent.pk), "")))
        return out

    def stamps(self, ids: list[str]) -> dict[str, str]:
        return enterprise_stamps([int(i) for i in ids])

    def undo(self, created: list[tuple[str, str]], updated: list[tuple[str, dict[str, Any], str]], ctx: Context) -> None:
        enterprises_import_undo(actor=ctx.actor, created=created, updated=updated,
                                note=f"导入文件 {ctx.params.get('filename', '')}")


def _stored_place(code: str, ctx: Context) -> str:
    """When updating by key, a row without a place keeps the stored enterprise's place."""
    if not code or not ctx.params.get("update"):
        return ""
    return Enterprise.objects.filter(credit_code=code).values_list("jurisdiction__code", flat=True).first() or ""


UPDATE_LABELS = {"jurisdiction": "所属辖区", "flags": "重点监管标识"}
_TEXT_FIELDS = ("name", "address", "principal", "principal_phone", "safety_manager", "safety_manager_phone")


def update_fields(obj: Any, data: dict[str, Any], raw: dict[str, Any]) -> dict[str, Any]:
    """What a row changes on a stored enterprise: only the cells the row fills in (a blank cell
    keeps the stored value; a flag column says 是 or 否 for its own flag)."""
    out: dict[str, Any] = {}
    for key in _TEXT_FIELDS:
        if not is_blank(raw.get(key)) and data.get(key):
            out[key] = data[key]
    for key in ("sector", "size", "employees"):
        if not is_blank(raw.get(key)) and data.get(key) is not None:
            out[key] = data[key]
    given = [k for k in FLAGS if not is_blank(raw.get(k))]
    if given:
        flags = set(obj.flags or [])
        for key in given:
            (flags.add if key in data.get("flags", []) else flags.discard)(key)
        out["flags"] = sorted(flags)
    if data.get("lng") is not None and data.get("lat") is not None:
        out["lng"], out["lat"] = data["lng"], data["lat"]
    place = data.get("jurisdiction")
    if place is not None and place != obj.jurisdiction and (data.get("lng") is not None or not is_blank(raw.get("jurisdiction_code"))):
        out["jurisdiction"] = place
    return {k: v for k, v in out.items() if getattr(obj, k) != v and not (k == "flags" and sorted(obj.flags or []) == v)}


def _shown(key: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if key == "flags":
        return "、".join(FLAGS[f][0] for f in value if f in FLAGS)
    if key == "size":
        return str(dict(EnterpriseSize.choices).get(value, value))
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)


def template_workbook() -> bytes:
    """The blank ledger template: required headers marked ``*``, one example row."""

    from openpyxl import Workbook  # heavy optional library: imported on use
    from openpyxl.styles import Font, PatternFill  # heavy optional library: imported on use

    wb = Workbook()
    ws = wb.active
    ws.title = "企业台账"
    headers = [LABEL[k] + ("*" if k in EnterpriseImport.required else "") for k in TEMPLATE_COLUMNS]
    ws.append(headers)
    ws.append([TEMPLATE_EXAMPLE.get(k, "否" if k in FLAGS else "") for k in TEMPLATE_COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E7F0FF")
    for i, h in enumerate(headers, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = max(10, len(h) * 2 + 2)
    notes = wb.create_sheet("填写说明")
    for line in [
        "带 * 的列为必填；其余可空。",
        "行业代码：GB/T 4754-2017 任一层级，如 C、26、171、1713、C1713 或“C1713 棉印染精加工”；按所填层级保存。",
        "规模：大型/中型/小型/微型；坐标系：WGS-84（默认）或 GCJ-02（高德、腾讯地图坐标）。",
        "无坐标时填写所属辖区代码；有坐标时按辖区边界自动确定属地。",
        "重点监管标识列填 是/否。统一社会信用代码不得重复（文件内或已登记的），重复将整批退回。",
    ]:
        notes.append([line])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
