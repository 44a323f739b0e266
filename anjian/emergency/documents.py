"""The filing registration form (生产经营单位生产安全事故应急预案备案登记表, 预案管理办法 Art. 26),
Word in the GB/T 9704 layout via ``documents.word.OfficialDocument``."""

from __future__ import annotations

from anjian.documents.word import OfficialDocument, format_cn_date
from anjian.emergency.models import EmergencyPlan


def registration(plan: EmergencyPlan) -> OfficialDocument:
    authority = plan.filing_department.name if plan.filing_department_id else (
        plan.filing_jurisdiction.name if plan.filing_jurisdiction_id else plan.jurisdiction.name)
    doc = OfficialDocument("应急预案备案登记表", plan.filing_number, authority, plan.filed_on)
    rows = [
        ("备案编号", plan.filing_number),
        ("单位名称", plan.unit_name),
        ("预案名称", f"{plan.title}（第{plan.version}版）"),
        ("预案类型", str(plan.get_plan_type_display())),
        ("涵盖事故类型", "、".join(plan.accident_types) or "—"),
        ("签署人", plan.signed_by),
        ("公布日期", format_cn_date(plan.published_on) if plan.published_on else "—"),
        ("提交备案日期", format_cn_date(plan.submitted_on) if plan.submitted_on else "—"),
        ("备案日期", format_cn_date(plan.filed_on) if plan.filed_on else "—"),
        ("受理部门", authority),
    ]
    doc.table(["项目", "内容"], rows, [40, 116])
    text = "经审查，该单位报送的应急预案备案材料齐全，予以备案。"
    if plan.filed_by_default:
        text = "受理部门未在五个工作日内完成审查，依照《生产安全事故应急预案管理办法》第二十六条，视为已备案。"
    doc.paragraph(text)
    return doc


def registration_bytes(plan: EmergencyPlan) -> bytes:
    return registration(plan).to_bytes()
