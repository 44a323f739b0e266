"""Word documents of the committee (GB/T 9704 layout via ``documents.word.OfficialDocument``):
the notice (通报) and the interview record (约谈记录)."""

from __future__ import annotations

from anjian.committee.models import Interview, Notice
from anjian.documents.word import OfficialDocument, format_cn_date


def notice_document(notice: Notice) -> OfficialDocument:
    receipts = list(notice.receipts.select_related("jurisdiction", "department"))
    doc = OfficialDocument(notice.title, notice.number, notice.issuer, notice.issued_on,
                           addressee="、".join(r.unit_name for r in receipts) + "：")
    for para in [p.strip() for p in notice.body.splitlines() if p.strip()]:
        doc.paragraph(para)
    return doc


def interview_document(iv: Interview) -> OfficialDocument:
    doc = OfficialDocument(f"约谈{iv.target_name}记录", iv.number, f"{iv.jurisdiction.name}安全生产委员会办公室",
                           iv.held_on)
    doc.paragraph(
        "\n".join([
            f"约谈时间：{format_cn_date(iv.held_on)}",
            f"约谈地点：{iv.place or '—'}",
            f"约谈人：{iv.interviewer}",
            f"被约谈单位：{iv.target_name}",
            f"被约谈人：{iv.interviewees}",
        ])
    )
    doc.heading("约谈事由", 1)
    doc.paragraph(iv.reason)
    doc.heading("整改承诺", 1)
    for para in [p.strip() for p in iv.commitments.splitlines() if p.strip()]:
        doc.paragraph(para)
    doc.heading("跟踪检查", 1)
    doc.paragraph(f"约谈单位将于{format_cn_date(iv.follow_up_on)}前对整改承诺的落实情况进行跟踪检查。")
    doc.paragraph("被约谈人（签字）：　　　　　　　　约谈人（签字）：")
    return doc
