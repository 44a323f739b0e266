"""Import of checklist items (Excel/CSV) into a draft version, all or nothing.

The columns accept Chinese labels and the English ones of the warehouse-logistics scoring
standard CSV (``seq, category, project, content, score, scoring_method``). Subtotal rows
(项目 ``小计``, ``总计``) are not items: they are checked instead — each element's subtotal must
equal the sum of its items' points and the grand total the sum of all — and a mismatch is a row
error. The commit replaces the draft's items through ``version_items_set``.
"""

from __future__ import annotations

from typing import Any

from anjian.checklists.models import ChecklistVersion, VersionStatus
from anjian.checklists.services import _require_manage, version_items_set
from anjian.core.errors import DomainError, InvalidTransition
from anjian.core.text import parse_bool, parse_int
from anjian.documents.imports import (
    Context,
    ImportSpec,
    RowError,
    RowProblem,
    import_start,
    read_cell,
    read_text,
    register_import,
)
from anjian.jobs.services import Progress

HEADERS: dict[str, list[str]] = {
    "code": ["条目编码", "编号", "序号", "seq", "code", "no"],
    "section": ["类别", "要素", "检查类别", "category", "section"],
    "subsection": ["项目", "检查项目", "project", "subsection"],
    "text": ["检查内容", "检查项", "内容", "标准要求", "content", "text", "item"],
    "legal_basis": ["依据", "法律依据", "检查依据", "legal basis", "basis"],
    "points": ["分值", "标准分值", "score", "points"],
    "scoring_method": ["评分办法", "扣分办法", "评分标准", "scoring_method", "scoring method"],
    "is_major_criterion": ["重大隐患判定项", "是否重大隐患", "major"],
    "standard_clause": ["判定标准条款", "重大隐患判定标准条款", "standard clause"],
}
LABEL = {key: labels[0] for key, labels in HEADERS.items()}
SUBTOTAL, TOTAL = "小计", "总计"
TEXT_LIMITS = {"code": 40, "section": 200, "subsection": 200, "standard_clause": 300}


def _text(raw: dict[str, Any], key: str, *, newlines: bool = False) -> str:
    return read_text(raw, key, LABEL[key], limit=TEXT_LIMITS.get(key), newlines=newlines)


@register_import
class ChecklistItemImport(ImportSpec):
    kind = "checklist_items"
    label = "排查标准条目导入"
    action = "checklists.manage"
    headers = HEADERS
    required = frozenset({"text"})

    def validate_row(self, row_no: int, raw: dict[str, Any], ctx: Context) -> dict[str, Any]:
        subsection = _text(raw, "subsection")
        text = _text(raw, "text", newlines=True)
        points = read_cell(raw, "points", LABEL["points"], parse_int)
        if points is not None and points < 0:
            raise RowError(LABEL["points"], "分值不能为负", "points cannot be negative", raw["points"])
        if subsection in (SUBTOTAL, TOTAL) and not text:
            if points is None:
                raise RowError(LABEL["points"], "小计/总计行须有分值", "a subtotal/total row needs its points", None)
            return {"_total": subsection, "section": _text(raw, "section"), "points": points}
        if not text:
            raise RowError(LABEL["text"], "检查内容不能为空", "the item text is required", raw.get("text"))
        major = read_cell(raw, "is_major_criterion", LABEL["is_major_criterion"], parse_bool, False)
        clause = _text(raw, "standard_clause")
        if major and not clause:
            raise RowError(LABEL["standard_clause"], "重大隐患判定项须写明判定标准条款",
                           "a major-hazard criterion needs its standard clause", None)
        return {
            "code": _text(raw, "code") or str(row_no), "section": _text(raw, "section"), "subsection": subsection,
            "text": text, "legal_basis": _text(raw, "legal_basis", newlines=True), "points": points,
            "scoring_method": _text(raw, "scoring_method", newlines=True), "is_major_criterion": major,
            "standard_clause": clause,
        }

    def check_all(self, rows: list[tuple[int, dict[str, Any]]], ctx: Context) -> list[RowProblem]:
        problems: list[RowProblem] = []
        first: dict[str, int] = {}
        by_section: dict[str, int] = {}
        grand = 0
        items = 0
        for row_no, data in rows:
            total = data.get("_total")
            if total == SUBTOTAL:
                expected = by_section.get(data["section"], 0)
                if data["points"] != expected:
                    problems.append(RowProblem(row_no, LABEL["points"], data["points"],
                                               f"{data['section']} 小计 {data['points']} 与条目分值之和 {expected} 不符",
                                               f"the subtotal of {data['section']} ({data['points']}) is not the sum "
                                               f"of its items ({expected})"))
                continue
            if total == TOTAL:
                if data["points"] != grand:
                    problems.append(RowProblem(row_no, LABEL["points"], data["points"],
                                               f"总计 {data['points']} 与条目分值之和 {grand} 不符",
                                               f"the total ({data['points']}) is not the sum of all items ({grand})"))
                continue
            items += 1
            code = data["code"]
            if code in first:
                problems.append(RowProblem(row_no, LABEL["code"], code, f"与第 {first[code]} 行的条目编码重复",
                                           f"same item code as row {first[code]}"))
            else:
                first[code] = row_no
            by_section[data["section"]] = by_section.get(data["section"], 0) + (data["points"] or 0)
            grand += data["points"] or 0
        if not items and rows:
            problems.append(RowProblem(rows[0][0], LABEL["text"], None, "文件中没有检查条目",
                                       "the file holds no checklist items"))
        return problems

    def commit(self, rows: list[tuple[int, dict[str, Any]]], ctx: Context, progress: Progress) -> dict[str, Any]:
        version = ChecklistVersion.objects.get(pk=ctx.params["version"])
        items = [data for _row_no, data in rows if "_total" not in data]
        count = version_items_set(actor=ctx.actor, version=version, items=items,
                                  note=f"导入文件 {ctx.params.get('filename', '')}")
        progress.advance(ctx.cache.get("progress_base", 0) + len(rows))
        return {"created": count, "version": version.number}


def checklist_import_start(*, actor: Any, version: ChecklistVersion, upload: Any) -> Any:
    """Start the import into a draft version the actor manages (checked before anything is stored)."""

    _require_manage(actor, version.template)
    if version.status != VersionStatus.DRAFT:
        raise InvalidTransition("只能导入到草稿版本", "Items can only be imported into a draft version")
    if upload is None:
        raise DomainError("请选择文件", "Choose a file", field="file")
    return import_start(kind=ChecklistItemImport.kind, actor=actor, upload=upload, params={"version": version.pk})
