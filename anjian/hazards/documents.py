"""The 挂牌督办 notice (Word, GB/T 9704 layout via ``documents.word.OfficialDocument``)."""

from __future__ import annotations

from django.utils import timezone

from anjian.documents.word import OfficialDocument, format_cn_date
from anjian.hazards.models import HazardListing, ListingLevel


def listing_notice(listing: HazardListing) -> OfficialDocument:
    h = listing.hazard
    doc = OfficialDocument(
        f"关于对{h.unit_name}重大事故隐患挂牌督办的通知",
        listing.number,
        listing.issuer,
        listing.issued_on,
        addressee=f"{h.unit_name}：",
    )
    level = "区级" if listing.level == ListingLevel.DISTRICT else "市级"
    doc.paragraph(
        f"经排查，你单位存在重大事故隐患。根据《中华人民共和国安全生产法》第四十一条和重大事故隐患治理督办制度，"
        f"决定对该隐患实行{level}挂牌督办。现将有关事项通知如下："
    )
    doc.heading("隐患基本情况", 1)
    found = timezone.localtime(h.found_at).date()
    facts = [
        f"隐患编号：{h.code}",
        f"隐患名称：{h.category}",
        f"隐患描述：{h.description}",
        f"所在地点：{h.address or h.jurisdiction.full_name()}",
        f"发现时间：{format_cn_date(found)}",
    ]
    if h.standard_item:
        facts.append(f"判定依据：{h.standard_item}")
    if h.responsible_person:
        facts.append(f"整改责任人：{h.responsible_person}")
    doc.paragraph("\n".join(facts))
    doc.heading("督办要求", 1)
    doc.paragraph(
        f"你单位须严格落实重大事故隐患治理方案，于{format_cn_date(listing.deadline)}前完成整改，"
        "治理期间落实安全防范和应急措施；整改完成后向督办单位提出销号申请，经现场核查合格后予以摘牌。"
    )
    if listing.requirements:
        doc.paragraph(listing.requirements)
    return doc


def listing_notice_bytes(listing: HazardListing) -> bytes:
    return listing_notice(listing).to_bytes()
