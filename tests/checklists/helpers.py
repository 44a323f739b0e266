from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from anjian.checklists import services as cs
from anjian.checklists.models import ChecklistTemplate, ChecklistVersion
from anjian.orgs.models import Sector

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "checklists"
ZLB_JSON = SHARED / "inspection_checklists_zlb_h5" / "enterprise_safety_inspection_checklists.json"
SCORING_CSV = SHARED / "safety_standardization_scoring_warehouse_logistics" / \
    "warehouse_logistics_safety_standardization_scoring_items.csv"


def shared_file(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"shared checklist data not found at {path} (it lives next to the repository in ../shared)")
    return path


ITEMS = [
    {"code": "1", "section": "消防", "text": "安全出口、疏散通道畅通", "legal_basis": "消防法第二十八条"},
    {"code": "2", "section": "电气", "text": "电气线路规范敷设", "legal_basis": ""},
    {"code": "3", "section": "有限空间", "text": "有限空间作业审批", "is_major_criterion": True,
     "standard_clause": "工贸行业重大事故隐患判定标准 第四条第（一）项"},
]


def published(sector_code: str | None = "C", code: str = "CL-C", items: list[dict[str, Any]] | None = None,
              owner: Any = None) -> ChecklistVersion:
    sector = Sector.objects.get(code=sector_code) if sector_code else None
    template = ChecklistTemplate.objects.filter(code=code).first() or cs.template_create(
        actor=None, code=code, name=f"{code} 检查表", sector=sector, owner=owner)
    version = cs.version_create_draft(actor=None, template=template, copy_items=False)
    cs.version_items_set(actor=None, version=version, items=items or ITEMS)
    return cs.version_publish(actor=None, version=version)


def xlsx(rows: list[list[Any]], name: str = "条目.xlsx") -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())
