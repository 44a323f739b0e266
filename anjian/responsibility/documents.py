"""Word documents (GB/T 9704 layout via ``documents.word.OfficialDocument``): the responsibility
letter (责任书) and the assessment report (考核情况通报) with its ranking table and chart."""

from __future__ import annotations

from django.utils import timezone

from anjian.documents.charts import bar_chart
from anjian.documents.word import OfficialDocument, format_cn_date
from anjian.responsibility.models import Letter, Round

SIGN_OFF = "甲方（签章）：{issuer}　　　　乙方（签章）：{unit}\n甲方代表（签字）：　　　　　　　乙方责任人（签字）：{who}"


def post_letter_document(letter: Letter) -> OfficialDocument:
    """An enterprise's letter to one post (岗位安全生产责任书): 安全生产法 Art. 22 asks the
    enterprise's all-staff responsibility system to name each post's people, scope and assessment."""
    t = letter.template
    doc = OfficialDocument(f"{t.year}年度岗位安全生产责任书", letter.number, t.issuer, letter.issued_on,
                           addressee=f"{letter.post}岗位：", imprint=False)
    doc.paragraph(
        f"依据《中华人民共和国安全生产法》第二十二条，为落实{t.issuer}全员安全生产责任制，明确{letter.post}岗位"
        f"{t.year}年度的安全生产责任范围和考核标准，签订本责任书。"
    )
    doc.heading("岗位安全生产责任", 1)
    for line in [x.strip() for x in t.body.splitlines() if x.strip()]:
        doc.paragraph(line)
    doc.heading("考核", 1)
    doc.paragraph("本责任书履行情况纳入本单位年度安全生产考核，考核结果与岗位绩效挂钩。")
    doc.paragraph(f"本责任书一式两份，双方各执一份，自签订之日起生效，有效期至{t.year}年12月31日。")
    doc.paragraph(f"单位（盖章）：{t.issuer}\n岗位责任人（签字）：{letter.signatory or ''}")
    return doc


def letter_document(letter: Letter) -> OfficialDocument:
    t = letter.template
    if letter.post:
        return post_letter_document(letter)
    doc = OfficialDocument(f"{t.year}年度安全生产责任书", letter.number, t.issuer, letter.issued_on,
                           addressee=f"{letter.recipient_name}：", imprint=False)
    doc.paragraph(
        f"为全面落实安全生产责任制，坚持“管行业必须管安全、管业务必须管安全、管生产经营必须管安全”，"
        f"明确{letter.recipient_name}{t.year}年度安全生产工作目标和责任，依据《中华人民共和国安全生产法》，"
        "签订本责任书。"
    )
    doc.heading("工作目标", 1)
    targets = list(t.targets.all())
    if targets:
        doc.table(["序号", "目标", "考核口径"],
                  [[str(i), tg.text, f"{tg.get_metric_display()} {tg.get_comparator_display()} {tg.value.normalize()}"]
                   for i, tg in enumerate(targets, start=1)], col_widths_mm=[16, 80, 60])
    doc.heading("工作要求", 1)
    for line in [x.strip() for x in t.body.splitlines() if x.strip()]:
        doc.paragraph(line)
    doc.heading("考核与奖惩", 1)
    doc.paragraph("本责任书目标完成情况纳入年度安全生产考核评价，实行年初定指标、年中查进度、年终算总账；"
                  "发生较大及以上生产安全事故的，实行一票否决。")
    doc.heading("其他", 1)
    doc.paragraph(f"本责任书一式两份，双方各执一份，自签订之日起生效，有效期至{t.year}年12月31日。")
    doc.paragraph(SIGN_OFF.format(issuer=t.issuer, unit=letter.recipient_name, who=letter.signatory or ""))
    return doc


def assessment_report(rnd: Round) -> OfficialDocument:
    scheme = rnd.scheme
    results = list(rnd.results.order_by("rank", "id"))
    issuer = f"{scheme.jurisdiction.name}安全生产委员会办公室"
    doc = OfficialDocument(f"关于{scheme.year}年度安全生产考核{rnd.get_stage_display()}情况的通报", None, issuer,
                           timezone.localdate(), addressee="各区人民政府，市有关单位：")
    doc.paragraph(
        f"根据《{scheme.name}》，市安委办对{len(results)}个单位{format_cn_date(rnd.period_start)}至"
        f"{format_cn_date(rnd.period_end)}的安全生产工作进行了考核评价，现将有关情况通报如下："
    )
    doc.heading("考核结果", 1)
    doc.table(["排名", "单位", "得分", "等次", "一票否决"],
              [[str(r.rank or ""), r.unit_name, f"{r.total}", r.grade_label, "是" if r.vetoed else "否"] for r in results],
              col_widths_mm=[16, 60, 24, 24, 30], caption="表1 考核得分与排名")
    if results:
        doc.image(bar_chart([r.unit_name for r in results], {"得分": [float(r.total) for r in results]},
                            title="各单位考核得分"), caption="图1 各单位考核得分")
    vetoed = [r for r in results if r.vetoed]
    if vetoed:
        doc.heading("一票否决情况", 1)
        for r in vetoed:
            doc.paragraph(f"{r.unit_name}：{r.veto_reason.replace(chr(10), '；')}。")
    doc.heading("工作要求", 1)
    doc.paragraph("各单位要对照考核发现的问题认真整改，排名靠后的单位要深入分析原因，于15日内将整改情况报市安委办。")
    return doc
