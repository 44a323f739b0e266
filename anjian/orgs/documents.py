"""The 安全生产职责清单 as an official document (Word, GB/T 9704 layout)."""

from __future__ import annotations

import datetime as dt

from anjian.documents.word import OfficialDocument
from anjian.orgs.models import Department, DepartmentKind, Duty, Jurisdiction


def duties_document(*, place: Jurisdiction, year: int, rows: list[tuple[Department, list[Duty]]], on: dt.date) -> OfficialDocument:
    office = Department.objects.filter(jurisdiction=place, kind=DepartmentKind.COMMITTEE_OFFICE, is_active=True).first()
    issuer = office.name if office else f"{place.name}安全生产委员会办公室"
    doc = OfficialDocument(f"{place.name}{year}年度安全生产职责清单", None, issuer, on)
    doc.paragraph(
        "根据《中华人民共和国安全生产法》第三条、第九条和第十条，按照“管行业必须管安全、管业务必须管安全、"
        "管生产经营必须管安全”和“党政同责、一岗双责”的要求，现将各部门及主要岗位的安全生产职责公布如下。"
    )
    for department, duties in rows:
        doc.heading(department.name, 1)
        for duty in duties:
            if duty.post:
                doc.heading(duty.post, 2)
            for part in [p for p in duty.text.splitlines() if p.strip()]:
                doc.paragraph(part.strip())
            if duty.basis:
                doc.paragraph(f"依据：{duty.basis}")
    return doc
