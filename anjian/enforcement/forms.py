"""Forms of the enforcement pages; every row chosen is looked up within the user's scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.core.forms import DateInput, ScopedModelChoiceField, bootstrap, scope_fields
from anjian.enforcement.models import CaseClass, Disposition, InspectionKind, PenaltyKind


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
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}))
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
