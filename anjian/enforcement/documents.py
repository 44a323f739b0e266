"""The enforcement documents in Word (GB/T 9704 layout via ``documents.word.OfficialDocument``),
with the fields regulations.md §10.4 lists for each (安全生产法 Art. 68; 行政处罚法 Art. 44, 59,
61, 64, 67, 72; 原安监总局令第15号)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from anjian.documents.word import OfficialDocument, format_cn_date
from anjian.enforcement.models import Case, CaseDocument, DocKind, Inspection, PenaltyKind
from anjian.rules import enforcement as rules
from anjian.rules.workdays import HolidayDataMissing

RIGHTS = ("如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起"
          "行政诉讼。行政复议和行政诉讼期间，本决定不停止执行（《中华人民共和国行政处罚法》第七十三条）。")


def _d(value: Any) -> str:
    if isinstance(value, str) and value:
        value = dt.date.fromisoformat(value)
    return format_cn_date(value) if isinstance(value, dt.date) else ""


def _dt(value: dt.datetime) -> str:
    """``2026年3月12日10时00分`` (the date as official documents write it, then the time)."""
    return f"{format_cn_date(value.date())}{value.hour}时{value.minute:02d}分"


def _party(doc: OfficialDocument, case: Case) -> None:
    e = case.enterprise
    doc.paragraph("\n".join([
        f"当事人：{e.name}",
        f"统一社会信用代码：{e.credit_code or '—'}",
        f"地址：{e.address or e.jurisdiction.full_name()}",
        f"法定代表人（主要负责人）：{e.principal or '—'}    联系电话：{e.principal_phone or '—'}",
    ]), indent=False)


def _sentence(text: str) -> str:
    text = (text or "").strip()
    return text if not text or text[-1] in "。；！？.;" else text + "。"


def _penalty_text(kind: str, fine: Any) -> str:
    if kind == PenaltyKind.WARNING:
        return "警告"
    text = f"罚款人民币{Decimal(str(fine or 0)):,.2f}元"
    return f"责令停产停业整顿，并处{text}" if kind == PenaltyKind.SUSPEND else text


def inspection_record(insp: Inspection) -> OfficialDocument:
    """现场检查记录 (安全生产法 Art. 68)."""
    doc = OfficialDocument("现场检查记录", insp.record_number or None, insp.department.name,
                           timezone.localdate(insp.ended_at or insp.started_at), letterhead=insp.department.name,
                           imprint=False)
    e = insp.enterprise
    started = timezone.localtime(insp.started_at)
    ended = timezone.localtime(insp.ended_at) if insp.ended_at else None
    officers = list(insp.inspectors.all())
    doc.paragraph("\n".join([
        f"被检查单位：{e.name}",
        f"地址：{e.address or e.jurisdiction.full_name()}",
        f"法定代表人（主要负责人）：{e.principal or '—'}    联系电话：{e.principal_phone or '—'}",
        f"检查场所：{insp.place}",
        f"检查时间：{started:%Y年%m月%d日%H时%M分}至{ended:%Y年%m月%d日%H时%M分}" if ended
        else f"检查时间：{started:%Y年%m月%d日%H时%M分}起",
        "执法人员及证号：" + "、".join(f"{i.name}（{i.cert_no}）" for i in officers),
        f"被检查单位陪同人员：{insp.accompanied_by or '—'}",
    ]), indent=False)
    doc.paragraph(f"我们是{insp.department.name}执法人员，已出示执法证件（《中华人民共和国安全生产法》第六十七条）。")
    doc.heading("检查内容", 1)
    doc.paragraph(insp.content or "—")
    doc.heading("发现的问题", 1)
    findings = list(insp.findings.all())
    if findings:
        doc.table(["序号", "问题", "违反的规定", "处理"],
                  [[str(n), f.description, f.legal_basis or "—", f.get_disposition_display()]
                   for n, f in enumerate(findings, start=1)], col_widths_mm=[12, 70, 50, 24])
    else:
        doc.paragraph("未发现问题。")
    doc.heading("处理情况", 1)
    doc.paragraph(insp.handling or "—")
    signature = "被检查单位负责人（签名）：" + ("__________" if insp.head_signed else f"拒绝签字。{insp.refusal_note}")
    doc.paragraph("执法人员（签名）：__________  __________\n" + signature, indent=False)
    return doc


def case_document(d: CaseDocument) -> OfficialDocument:
    """Any document of the case file, from the fields it was issued with."""
    case, f = d.case, d.fields or {}
    kind = DocKind(d.kind)
    doc = OfficialDocument(str(kind.label), d.number or None, case.department.name, d.issued_on,
                           letterhead=case.department.name, imprint=False,
                           addressee=None if kind in (DocKind.FILING, DocKind.CLOSING, DocKind.STATEMENT,
                                                      DocKind.RECEIPT, DocKind.DECISION, DocKind.SIMPLE,
                                                      DocKind.HEARING_RECORD, DocKind.HEARING_REPORT)
                           else f"{case.enterprise.name}：")
    if kind == DocKind.FILING:
        _party(doc, case)
        doc.paragraph(f"案由：{f.get('cause', case.cause)}", indent=False)
        doc.paragraph(f"案件来源：{('现场检查 ' + f['source']) if f.get('source') else '其他'}", indent=False)
        doc.paragraph(f"简要案情：{f.get('facts') or '—'}", indent=False)
        try:
            due = f"应当于{_d(rules.decision_due(d.issued_on))}前作出行政处罚决定。"
        except HolidayDataMissing:
            due = "应当自立案之日起九十日内作出行政处罚决定。"
        doc.paragraph(f"立案日期：{_d(d.issued_on)}。依照《中华人民共和国行政处罚法》第六十条，{due}", indent=False)
        doc.paragraph("承办人意见：建议立案调查。\n负责人审批意见：同意立案。", indent=False)
    elif kind == DocKind.ORDER:
        doc.paragraph("经查，你单位存在下列问题：", indent=True)
        for n, item in enumerate(f.get("items", []), start=1):
            doc.paragraph(f"{n}. {item}")
        when = "立即" if f.get("immediate") else f"于{_d(f.get('deadline'))}前"
        doc.paragraph(f"依据《中华人民共和国安全生产法》第六十五条的规定，现责令你单位{when}整改完毕，"
                      "达到有关法律法规、规章和国家标准或者行业标准的要求。整改期间，你单位应当采取措施，确保安全。"
                      "逾期未整改或者整改不合格的，依法予以处理。本机关将于整改期限届满或者你单位申请之日起十日内进行复查。")
        doc.paragraph("如不服本指令，可以依法在六十日内申请行政复议，或者在六个月内依法向人民法院提起行政诉讼，"
                      "但本指令不停止执行，法律另有规定的除外。")
        doc.paragraph("执法人员（签名）：__________  __________\n被检查单位签收：__________    年  月  日", indent=False)
    elif kind == DocKind.RECHECK:
        doc.paragraph(f"本机关于{_d(d.issued_on)}对你单位执行《责令限期整改指令书》（{f.get('order', '')}）的情况进行了复查，"
                      "复查意见如下：")
        rows = [[str(n), item, res or "—"] for n, (item, res) in
                enumerate(zip(f.get("items", []), f.get("results", []), strict=False), start=1)]
        doc.table(["序号", "责令整改的问题", "复查结果"], rows, col_widths_mm=[12, 80, 64])
        doc.paragraph("复查结论：" + ("已整改合格。" if f.get("passed") else "未按要求整改完毕。")
                      + ("本案将依法进入行政处罚程序。" if f.get("continue_penalty") else ""))
        doc.paragraph("执法人员（签名）：__________  __________\n被复查单位签收：__________", indent=False)
    elif kind == DocKind.NOTICE:
        doc.paragraph(_sentence(f"经查，你单位{f.get('facts', '')}"))
        doc.paragraph(f"以上事实违反了{f.get('legal_basis') or '有关规定'}。依据{f.get('penalty_basis', '')}的规定，"
                      f"本机关拟对你单位作出{_penalty_text(f.get('penalty_kind', ''), f.get('proposed_fine'))}的行政处罚。")
        within = (f"在{_d(f['hearing_due'])}前（收到本告知书之日起五个工作日内）" if f.get("hearing_due")
                  else "自收到本告知书之日起五个工作日内")
        if f.get("hearing_right", "large_fine"):  # notices made before the Art. 63 check told of the hearing
            doc.paragraph("依据《中华人民共和国行政处罚法》第四十四条、第四十五条、第六十三条和第六十四条的规定，你单位有权进行"
                          "陈述和申辩，并有权要求举行听证。你单位如要求听证，应当" + within
                          + "向本机关提出；逾期视为放弃上述权利。")
        else:
            doc.paragraph("依据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，你单位有权进行陈述和申辩。"
                          "你单位如陈述、申辩，应当" + within + "向本机关提出；逾期视为放弃上述权利。"
                          "拟作出的行政处罚不属于该法第六十三条规定的听证范围。")
        doc.paragraph("联系人：__________    联系电话：__________", indent=False)
    elif kind == DocKind.STATEMENT:
        _party(doc, case)
        doc.paragraph(f"陈述申辩意见：{f.get('statement') or '—'}", indent=False)
        doc.paragraph("申请听证：" + ("是" if f.get("hearing_requested") else "否"), indent=False)
        doc.paragraph("当事人（签名）：__________    记录人：__________", indent=False)
    elif kind == DocKind.HEARING_NOTICE:
        at = dt.datetime.fromisoformat(f["hearing_at"]) if f.get("hearing_at") else None
        doc.paragraph(("你单位于" + _d(f.get("requested_on")) + "提出的" if f.get("requested_on") else "你单位提出的")
                      + f"听证申请收悉。根据《中华人民共和国行政处罚法》第六十四条的规定，本机关决定就{case.cause}一案举行听证，"
                      "现将有关事项通知如下：")
        doc.table(["项目", "内容"], [
            ["听证时间", _dt(at) if at else "—"],
            ["听证地点", f.get("place", "")],
            ["听证主持人", f.get("host", "")],
            ["案件编号", case.code],
        ], col_widths_mm=[40, 116])
        doc.paragraph("听证不公开举行，涉及国家秘密、商业秘密或者个人隐私依法予以保密的除外。你单位可以亲自参加听证，也可以委托"
                      "一至二人代理，委托代理人的须提交授权委托书。你单位认为主持人与本案有直接利害关系的，有权申请回避。"
                      "你单位无正当理由拒不出席听证或者未经许可中途退出听证的，视为放弃听证权利，本机关终止听证"
                      "（第六十四条第（四）（五）（七）项）。")
        doc.paragraph("联系人：__________    联系电话：__________", indent=False)
    elif kind == DocKind.HEARING_RECORD:
        _party(doc, case)
        at = dt.datetime.fromisoformat(f["hearing_at"]) if f.get("hearing_at") else None
        doc.paragraph("\n".join([
            f"案由：{case.cause}",
            f"听证时间：{_dt(at)}" if at else f"听证日期：{_d(f.get('held_on'))}",
            f"听证地点：{f.get('place', '')}",
            f"主持人：{f.get('host', '')}",
            f"出席人员：{f.get('attendees') or '—'}",
        ]), indent=False)
        if f.get("party_absent"):
            doc.paragraph("当事人经依法通知，无正当理由未出席听证，视为放弃听证权利，听证终止（《中华人民共和国行政处罚法》"
                          "第六十四条第（七）项）。")
        doc.heading("听证过程", 1)
        doc.paragraph(f.get("proceedings") or "—")
        if f.get("party_absent"):
            sign = "当事人（签名）：未出席"
        elif f.get("party_signed"):
            sign = "当事人（签名或者盖章）：__________"
        else:
            sign = f"当事人拒绝签字或者盖章。{f.get('refusal_note', '')}"
        doc.paragraph("本笔录已交当事人审核（第六十四条第（八）项）。\n" + sign
                      + "\n主持人（签名）：__________    记录人（签名）：__________", indent=False)
    elif kind == DocKind.HEARING_REPORT:
        _party(doc, case)
        doc.paragraph(f"案由：{case.cause}\n主持人：{f.get('host', '')}", indent=False)
        doc.heading("听证基本情况", 1)
        doc.paragraph(("当事人未出席听证，视为放弃听证权利。" if f.get("waived") else "")
                      + (f.get("opinion") or "—"))
        doc.heading("处理建议", 1)
        doc.paragraph(f.get("recommendation") or "—")
        doc.paragraph("本报告连同听证笔录报本机关负责人，依照《中华人民共和国行政处罚法》第六十五条、第五十七条作出决定。\n"
                      "主持人（签名）：__________", indent=False)
    elif kind in (DocKind.DECISION, DocKind.SIMPLE):
        _party(doc, case)
        doc.paragraph(_sentence(f"经查，你单位{f.get('facts', '')}"))
        if f.get("legal_basis"):
            doc.paragraph(f"以上事实违反了{f['legal_basis']}的规定。")
        if kind == DocKind.DECISION:
            said = f.get("statement") or ""
            doc.paragraph("本机关已告知你单位拟作出行政处罚的事实、理由、依据及依法享有的权利。"
                          + (f"你单位提出陈述申辩：{said}。经复核，" if said else "你单位在法定期限内未提出陈述申辩。")
                          + (("你单位申请了听证，经依法通知未出席，视为放弃听证权利。" if f.get("hearing_waived")
                              else "你单位申请了听证，本机关依法组织了听证。") if f.get("hearing_requested") else ""))
        doc.paragraph(f"依据{f.get('penalty_basis') or '有关规定'}，本机关决定对你单位给予"
                      f"{_penalty_text(f.get('penalty_kind', ''), f.get('fine'))}的行政处罚。")
        if Decimal(str(f.get("fine") or 0)) > 0:
            doc.paragraph("罚款限你单位自收到本决定书之日起十五日内缴至指定银行或者通过电子支付系统缴纳"
                          "（《中华人民共和国行政处罚法》第六十七条）。到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款，"
                          "加处罚款的数额不超出罚款的数额（第七十二条）。")
        doc.paragraph(RIGHTS)
        if kind == DocKind.SIMPLE:
            doc.paragraph(f"本决定当场交付当事人。当事人（签名）：{f.get('received_by', '')}    执法人员（签名）：__________",
                          indent=False)
    elif kind == DocKind.RECEIPT:
        rows = [["送达文书", f.get("document", "")], ["受送达人", case.enterprise.name],
                ["送达地点", case.enterprise.address or case.enterprise.jurisdiction.full_name()],
                ["送达方式", f.get("method", "")], ["送达日期", _d(d.issued_on)],
                ["收件人（签名）", f.get("received_by", "")]]
        if f.get("payment_due"):  # empty when the year has no holiday data yet
            rows.append(["罚款缴纳期限", _d(f["payment_due"])])
        doc.table(["项目", "内容"], rows, col_widths_mm=[40, 116])
        doc.paragraph("送达人（签名）：__________  __________", indent=False)
    elif kind == DocKind.DUNNING:
        doc.paragraph(f"本机关于{_d(case.decided_on)}对你单位作出的行政处罚决定，罚款人民币"
                      f"{Decimal(str(f.get('fine') or 0)):,.2f}元，缴纳期限已于{_d(f.get('payment_due'))}届满，你单位至今未缴纳。"
                      f"依据《中华人民共和国行政处罚法》第七十二条，截至{_d(d.issued_on)}，加处罚款人民币"
                      f"{Decimal(str(f.get('surcharge') or 0)):,.2f}元。请你单位接到本通知后立即缴纳罚款及加处罚款；"
                      "逾期仍不缴纳的，本机关将依法申请人民法院强制执行。")
    elif kind == DocKind.CLOSING:
        _party(doc, case)
        doc.paragraph(f"案由：{case.cause}", indent=False)
        if f.get("dropped"):
            doc.paragraph(f"处理结果：撤销立案（不予行政处罚）。理由：{f.get('note', '')}", indent=False)
        else:
            doc.paragraph(f"处理结果：{_penalty_text(case.penalty_kind, case.fine)}；执行情况：缴款日期 {_d(f.get('paid_on'))}，"
                          f"加处罚款 {Decimal(str(f.get('surcharge') or 0)):,.2f} 元。", indent=False)
        doc.paragraph("承办人意见：建议结案。\n负责人审批意见：同意结案。", indent=False)
    return doc


def document_bytes(d: CaseDocument) -> bytes:
    return case_document(d).to_bytes()


def inspection_record_bytes(insp: Inspection) -> bytes:
    return inspection_record(insp).to_bytes()


def campaign_report(campaign: Any, progress: dict[str, Any]) -> OfficialDocument:
    """The campaign's closing report (工作总结) in the GB/T 9704 layout."""
    doc = OfficialDocument(f"关于{campaign.title}工作情况的报告", None, campaign.lead.name,
                           timezone.localdate(), letterhead=campaign.lead.name)
    doc.paragraph(f"按照部署，{campaign.lead.name}于{_d(campaign.starts_on)}至{_d(campaign.ends_on)}在"
                  f"{campaign.jurisdiction.name}组织开展{campaign.get_field_display()}领域专项整治。现将有关情况报告如下：")
    doc.heading("工作目标", 1)
    doc.paragraph(campaign.goals or "—")
    doc.heading("工作进展", 1)
    doc.paragraph(f"纳入整治对象{progress['targets']}家，已检查{progress['inspected']}家（{progress['percent']}%），"
                  f"发现事故隐患{progress['hazards']}项、违法行为{progress['violations']}项；"
                  f"分解任务{len(progress['tasks'])}项，已完成{progress['tasks_done']}项。")
    if progress["tasks"]:
        doc.table(["责任部门", "任务", "完成时限", "完成情况"],
                  [[t.department.name, t.title, _d(t.due_on), (t.report or "未完成") if t.done_on else "未完成"]
                   for t in progress["tasks"]], col_widths_mm=[36, 52, 28, 40], caption="表1 任务完成情况")
    doc.heading("工作总结", 1)
    doc.paragraph(campaign.summary or "—")
    return doc
