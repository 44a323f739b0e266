"""Forms of the enforcement pages; every row chosen is looked up within the user's scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.core.forms import DateInput, ScopedModelChoiceField, bootstrap, scope_fields
from anjian.enforcement.models import (
    CampaignField,
    CaseClass,
    Disposition,
    InspectionKind,
    OhKind,
    PenaltyKind,
    StdGrade,
)


class _Form(forms.Form):
    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_fields(self, user)
        bootstrap(self, size="lg")


class InspectionStartForm(_Form):
    enterprise = ScopedModelChoiceField("enterprises", search=True, label=_("被检查单位"))
    inspector_1 = ScopedModelChoiceField("enforcement.inspectors", label=_("执法人员一"))
    inspector_2 = ScopedModelChoiceField("enforcement.inspectors", label=_("执法人员二"))
    kind = forms.ChoiceField(label=_("检查类型"), choices=InspectionKind.choices)
    place = forms.CharField(label=_("检查场所"), required=False, max_length=200)


class FindingForm(_Form):
    checklist_item = ScopedModelChoiceField("checklists.hazard_items", search=True, required=False,
                                            label=_("检查条目"))
    description = forms.CharField(label=_("问题描述"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    disposition = forms.ChoiceField(label=_("处理"), choices=Disposition.choices)
    is_major = forms.BooleanField(label=_("重大隐患"), required=False)
    legal_basis = forms.CharField(label=_("违反的规定"), required=False, max_length=300)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput())
    lat = forms.FloatField(required=False, widget=forms.HiddenInput())
    accuracy = forms.FloatField(required=False, widget=forms.HiddenInput())


class InspectionCompleteForm(_Form):
    content = forms.CharField(label=_("检查内容"), widget=forms.Textarea(attrs={"rows": 3}))
    handling = forms.CharField(label=_("处理情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    accompanied_by = forms.CharField(label=_("被检查单位陪同人员"), required=False, max_length=100)
    head_signed = forms.BooleanField(label=_("负责人已签字"), required=False, initial=True)
    refusal_note = forms.CharField(label=_("拒绝签字情况"), required=False, max_length=200)


class CaseFileForm(_Form):
    cause = forms.CharField(label=_("案由"), max_length=200)
    facts = forms.CharField(label=_("违法事实"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(label=_("违反的规定"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class OnTheSpotForm(_Form):
    cause = forms.CharField(label=_("案由"), max_length=200)
    facts = forms.CharField(label=_("违法事实"), widget=forms.Textarea(attrs={"rows": 2}))
    legal_basis = forms.CharField(label=_("违反的规定"), max_length=300)
    penalty_basis = forms.CharField(label=_("处罚依据"), max_length=300)
    penalty_kind = forms.ChoiceField(label=_("处罚种类"), choices=[(PenaltyKind.WARNING, PenaltyKind.WARNING.label),
                                                                  (PenaltyKind.FINE, PenaltyKind.FINE.label)])
    fine = forms.DecimalField(label=_("罚款(元)"), required=False, min_value=0, decimal_places=2)
    received_by = forms.CharField(label=_("受送达人"), max_length=50)


class OrderForm(_Form):
    items = forms.CharField(label=_("须整改的问题（每行一项）"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("整改期限"), widget=DateInput())


class RecheckForm(_Form):
    results = forms.CharField(label=_("复查结果（每行对应一项）"), widget=forms.Textarea(attrs={"rows": 3}))
    passed = forms.BooleanField(label=_("整改合格"), required=False)


class NotifyForm(_Form):
    facts = forms.CharField(label=_("违法事实"), widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(label=_("违反的规定"), widget=forms.Textarea(attrs={"rows": 2}))
    penalty_basis = forms.CharField(label=_("处罚依据"), widget=forms.Textarea(attrs={"rows": 2}))
    penalty_kind = forms.ChoiceField(label=_("处罚种类"), choices=PenaltyKind.choices)
    proposed_fine = forms.DecimalField(label=_("拟罚款(元)"), required=False, min_value=0, decimal_places=2)


class RespondForm(_Form):
    statement = forms.CharField(label=_("陈述申辩意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    hearing_requested = forms.BooleanField(label=_("申请听证"), required=False)


class DecideForm(_Form):
    penalty_kind = forms.ChoiceField(label=_("处罚种类"), choices=PenaltyKind.choices)
    fine = forms.DecimalField(label=_("罚款(元)"), required=False, min_value=0, decimal_places=2)
    penalty_basis = forms.CharField(label=_("处罚依据"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DeliverForm(_Form):
    delivered_on = forms.DateField(label=_("送达日期"), widget=DateInput())
    method = forms.CharField(label=_("送达方式"), max_length=40, initial=_("直接送达"))
    received_by = forms.CharField(label=_("受送达人"), max_length=50)


class PayForm(_Form):
    paid_on = forms.DateField(label=_("缴款日期"), widget=DateInput())
    receipts = forms.FileField(label=_("缴款凭证"), required=False)


class CloseForm(_Form):
    note = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PlanGenerateForm(_Form):
    department = ScopedModelChoiceField("orgs.regulators", label=_("执法部门"))
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions", search=True, label=_("计划区域"))
    year = forms.IntegerField(label=_("年度"), min_value=2020, max_value=2100)


class TargetAdjustForm(_Form):
    klass = forms.ChoiceField(label=_("分类"), choices=CaseClass.choices)
    quota = forms.IntegerField(label=_("年度检查次数"), min_value=0, max_value=52)
    note = forms.CharField(label=_("调整理由"), max_length=200)


class NoteForm(_Form):
    note = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DrawForm(_Form):
    matter = ScopedModelChoiceField("enforcement.matters", label=_("抽查事项"))
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions", search=True, label=_("抽查区域"))
    ratio_percent = forms.DecimalField(label=_("抽查比例(%)"), min_value=0, max_value=100, initial=5)
    seed = forms.CharField(label=_("随机种子（留空自动生成）"), required=False, max_length=100)


class StdCertForm(_Form):
    enterprise = ScopedModelChoiceField("enterprises", search=True, label=_("企业"))
    grade = forms.ChoiceField(label=_("等级"), choices=StdGrade.choices)
    number = forms.CharField(label=_("证书编号"), max_length=80)
    issuer = forms.CharField(label=_("定级部门"), max_length=100)
    issued_on = forms.DateField(label=_("定级日期"), widget=DateInput())
    standard = forms.CharField(label=_("定级标准"), required=False, max_length=200)


class OhDeclareForm(_Form):
    enterprise = ScopedModelChoiceField("enterprises", search=True, label=_("企业"))
    kind = forms.ChoiceField(label=_("申报类型"), choices=OhKind.choices)
    workers = forms.IntegerField(label=_("劳动者总数"), min_value=0)
    dust = forms.CharField(label=_("粉尘（名称:接触人数，多项用逗号分隔）"), required=False, max_length=500)
    chemical = forms.CharField(label=_("化学因素"), required=False, max_length=500)
    physical = forms.CharField(label=_("物理因素"), required=False, max_length=500)
    radiation = forms.CharField(label=_("放射性因素"), required=False, max_length=500)
    biological = forms.CharField(label=_("生物因素"), required=False, max_length=500)
    other = forms.CharField(label=_("其他因素"), required=False, max_length=500)
    workplaces = forms.CharField(label=_("工作场所（逗号分隔）"), required=False, max_length=500)
    has_highly_toxic = forms.BooleanField(label=_("使用高毒物品"), required=False)
    health_checked = forms.IntegerField(label=_("在岗体检人数"), min_value=0, initial=0)
    tested_on = forms.DateField(label=_("检测日期"), required=False, widget=DateInput())
    test_passed = forms.BooleanField(label=_("检测合格"), required=False)

    def factors(self) -> dict[str, list[dict[str, Any]]]:
        """"矽尘:12，噪声:3" → [{"name": "矽尘", "exposed": 12}, …] per category."""
        out: dict[str, list[dict[str, Any]]] = {}
        for cat in ("dust", "chemical", "physical", "radiation", "biological", "other"):
            text = (self.cleaned_data.get(cat) or "").replace("，", ",").replace("：", ":")
            rows = []
            for part in filter(None, (p.strip() for p in text.split(","))):
                name, _sep, n = part.partition(":")
                rows.append({"name": name.strip(), "exposed": int(n) if n.strip().isdigit() else 0})
            if rows:
                out[cat] = rows
        return out


class CampaignForm(_Form):
    title = forms.CharField(label=_("专项整治名称"), max_length=200)
    field = forms.ChoiceField(label=_("领域"), choices=CampaignField.choices)
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions", search=True, label=_("范围"))
    lead = ScopedModelChoiceField("orgs.departments", label=_("牵头部门"))
    sector_codes = forms.CharField(label=_("行业代码（逗号分隔）"), required=False, max_length=200)
    starts_on = forms.DateField(label=_("开始日期"), widget=DateInput())
    ends_on = forms.DateField(label=_("结束日期"), widget=DateInput())
    goals = forms.CharField(label=_("工作目标"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CampaignTaskForm(_Form):
    department = ScopedModelChoiceField("orgs.departments", label=_("责任部门"))
    title = forms.CharField(label=_("任务"), max_length=200)
    due_on = forms.DateField(label=_("完成时限"), widget=DateInput())


class CampaignReportForm(_Form):
    report = forms.CharField(label=_("完成情况"), widget=forms.Textarea(attrs={"rows": 2}))


class CampaignCloseForm(_Form):
    summary = forms.CharField(label=_("工作总结"), widget=forms.Textarea(attrs={"rows": 3}))


class SelfAssessForm(_Form):
    enterprise = ScopedModelChoiceField("enterprises", search=True, label=_("企业"))
    version = ScopedModelChoiceField("enforcement.scoring_tables", label=_("评分标准"))
    deductions = forms.CharField(label=_("扣分（每行：条目编号:扣分）"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    not_applicable = forms.CharField(label=_("缺项条目编号（逗号分隔）"), required=False, max_length=2000)

    def parsed(self) -> tuple[dict[str, str], list[str]]:
        deductions: dict[str, str] = {}
        for line in (self.cleaned_data.get("deductions") or "").replace("：", ":").splitlines():
            code, _sep, points = line.partition(":")
            if code.strip():
                deductions[code.strip()] = points.strip() or "0"
        na = [c.strip() for c in (self.cleaned_data.get("not_applicable") or "").replace("，", ",").split(",")
              if c.strip()]
        return deductions, na
