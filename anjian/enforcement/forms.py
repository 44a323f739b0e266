"""Forms of the enforcement pages; every row chosen is looked up within the user's scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.core.forms import DateInput, ScopedModelChoiceField, bootstrap, scope_fields
from anjian.enforcement.models import (
    CampaignField,
    CaseClass,
    CreditKind,
    Disposition,
    InspectionKind,
    OhKind,
    PenaltyKind,
    Policy,
    StdGrade,
)
from anjian.enforcement.services import may_act_for
from anjian.enterprises.models import RiskColour, flag_choices


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
    draw_pick = ScopedModelChoiceField("enforcement.draw_picks", required=False, label=_("双随机抽查结果"),
                                       help_text=_("为抽中的检查对象检查时选择，计入该次抽查的进度"))
    campaign = ScopedModelChoiceField("enforcement.campaigns", required=False, label=_("专项整治"),
                                      help_text=_("为专项整治的整治对象检查时选择，计入整治进度"))


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


class HazardCaseForm(CaseFileForm):
    """立案 from a hazard's page: the department (one the user may open cases for) and the case."""

    department = ScopedModelChoiceField("orgs.regulators", label=_("执法部门"))
    field_order = ["department", "cause", "facts", "legal_basis"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        field = self.fields["department"]
        ids = [d.pk for d in field.queryset if user is not None and may_act_for(user, "enforcement.handle", d)]  # type: ignore[attr-defined]
        field.bind(user, narrow=lambda qs: qs.filter(pk__in=ids))  # type: ignore[attr-defined]
        self.order_fields(self.field_order)


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


DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class HearingNoticeForm(_Form):
    hearing_at = forms.DateTimeField(label=_("听证时间"), widget=DATETIME,
                                     help_text=_("至少在七个工作日之后（行政处罚法第六十四条）"))
    place = forms.CharField(label=_("听证地点"), max_length=200)
    host = forms.CharField(label=_("听证主持人"), max_length=50, help_text=_("非本案调查人员"))


class HearingRecordForm(_Form):
    held_on = forms.DateField(label=_("听证日期"), widget=DateInput())
    attendees = forms.CharField(label=_("出席人员"), max_length=1000, required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))
    proceedings = forms.CharField(label=_("听证过程"), widget=forms.Textarea(attrs={"rows": 5}),
                                  help_text=_("调查人员提出的事实、证据和处罚建议，当事人的陈述、申辩和质证"))
    party_absent = forms.BooleanField(label=_("当事人无正当理由未出席（视为放弃听证）"), required=False)
    party_signed = forms.BooleanField(label=_("当事人已审核签字"), required=False, initial=True)
    refusal_note = forms.CharField(label=_("拒绝签字情况"), max_length=200, required=False)


class HearingReportForm(_Form):
    opinion = forms.CharField(label=_("听证基本情况及意见"), widget=forms.Textarea(attrs={"rows": 4}))
    recommendation = forms.CharField(label=_("处理建议"), widget=forms.Textarea(attrs={"rows": 3}))


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


class CreditListForm(_Form):
    enterprise = ScopedModelChoiceField("enterprises", search=True, label=_("企业"))
    kind = forms.ChoiceField(label=_("名单"), choices=CreditKind.choices)
    decision_number = forms.CharField(label=_("决定文号"), max_length=80)
    authority = forms.CharField(label=_("作出决定的部门"), max_length=100)
    reason = forms.CharField(label=_("列入事由"), max_length=300)
    listed_on = forms.DateField(label=_("列入日期"), widget=DateInput())


class CreditRemoveForm(_Form):
    reason = forms.CharField(label=_("移出事由"), max_length=300)
    revoked = forms.BooleanField(label=_("决定撤销（不受满12个月限制）"), required=False)
    removed_on = forms.DateField(label=_("移出日期"), widget=DateInput(), required=False)


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


# --- the classification rule set (分类分级规则) ------------------------------------------------

GRADE_CHOICES = [("none", _("未评级")), ("1", _("一级")), ("2", _("二级")), ("3", _("三级"))]
CREDIT_CHOICES = [("good", _("守信")), ("normal", _("一般")), ("bad", _("失信"))]


class RulesDepartmentForm(_Form):
    """The department whose rule set the page shows: a regulator the user may plan for."""

    department = ScopedModelChoiceField("orgs.regulators", label=_("执法部门"))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        field = self.fields["department"]
        from anjian.enforcement.services import may_act_for  # the check rules_set makes

        ids = [d.pk for d in field.queryset if user is not None and may_act_for(user, "enforcement.plan", d)]  # type: ignore[attr-defined]
        field.bind(user, narrow=lambda qs: qs.filter(pk__in=ids))  # type: ignore[attr-defined]


class RuleRowForm(forms.Form):
    """One row of a department's rule set as the page edits it; ``rule_rows`` turns the rows into
    what ``services.rules_set`` takes."""

    order = forms.IntegerField(label=_("顺序"), min_value=0, max_value=32767)
    label = forms.CharField(label=_("规则说明"), max_length=100)
    klass = forms.ChoiceField(label=_("分类"), choices=CaseClass.choices)
    quota = forms.IntegerField(label=_("年度检查次数"), min_value=0, max_value=52)
    sector = ScopedModelChoiceField("orgs.sectors", search=True, required=False, label=_("行业（含下级）"))
    risk_colours = forms.MultipleChoiceField(label=_("风险等级"), required=False, widget=forms.CheckboxSelectMultiple)
    grades = forms.MultipleChoiceField(label=_("标准化等级"), required=False, choices=GRADE_CHOICES,
                                       widget=forms.CheckboxSelectMultiple)
    credits = forms.MultipleChoiceField(label=_("信用状况"), required=False, choices=CREDIT_CHOICES,
                                        widget=forms.CheckboxSelectMultiple)
    min_accidents_3y = forms.IntegerField(label=_("三年内事故起数不少于"), required=False, min_value=0, max_value=1000)
    min_penalties_1y = forms.IntegerField(label=_("一年内行政处罚次数不少于"), required=False, min_value=0, max_value=1000)
    flag = forms.ChoiceField(label=_("重点监管标识"), required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["risk_colours"].choices = RiskColour.choices
        self.fields["flag"].choices = [("", _("不限")), *flag_choices()]
        for name in ("risk_colours", "grades", "credits"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        scope_fields(self, user)
        bootstrap(self, size="sm")

    def has_changed(self) -> bool:
        """An added row counts only once it has a label ("说明留空的新行不保存"): the editor's
        renumbering alone does not make a blank row a rule."""
        return bool(str(self.data.get(self.add_prefix("label"), "")).strip()) and super().has_changed()


class _RuleRows(forms.BaseFormSet):  # type: ignore[type-arg]
    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "user": self.user}

    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


RuleRows = forms.formset_factory(RuleRowForm, formset=_RuleRows, extra=1, can_delete=True, max_num=100,
                                 validate_max=True)


class RulesNoteForm(forms.Form):
    note = forms.CharField(label=_("修改说明（留痕）"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


def rule_initial(row: Any) -> dict[str, Any]:
    """A stored (or default) rule as the initial values of a row form."""
    get = (lambda k: row.get(k)) if isinstance(row, dict) else (lambda k: getattr(row, k, None))
    return {"order": get("order"), "label": get("label"), "klass": get("klass"), "quota": get("quota"),
            "sector": get("sector_code") or None, "risk_colours": list(get("risk_colours") or []),
            "grades": ["none" if g == "" else g for g in (get("grades") or [])],
            "credits": ["normal" if c == "" else c for c in (get("credits") or [])],
            "min_accidents_3y": get("min_accidents_3y"), "min_penalties_1y": get("min_penalties_1y"),
            "flag": get("flag") or ""}


def rule_rows(formset: Any) -> list[dict[str, Any]]:
    """The kept rows of a valid formset, in their order, as ``services.rules_set`` rows (blank
    added rows and rows marked for deletion are left out)."""
    rows = []
    for form in formset.forms:
        d = form.cleaned_data
        if not d or d.get("DELETE"):
            continue
        rows.append({"order": d["order"], "label": d["label"], "klass": d["klass"], "quota": d["quota"],
                     "sector_code": d["sector"].code if d.get("sector") else "",
                     "risk_colours": list(d["risk_colours"]),
                     "grades": ["" if g == "none" else g for g in d["grades"]],
                     "credits": ["" if c == "normal" else c for c in d["credits"]],
                     "min_accidents_3y": d.get("min_accidents_3y"), "min_penalties_1y": d.get("min_penalties_1y"),
                     "flag": d.get("flag") or ""})
    return sorted(rows, key=lambda r: r["order"])


class PolicyForm(forms.ModelForm):
    """The city's enforcement settings (执法设置)."""

    class Meta:
        model = Policy
        fields = ["hearing_fine_individual", "hearing_fine_organisation", "hearing_fine_basis"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("hearing_fine_individual", "hearing_fine_organisation"):
            self.fields[name].min_value = 0.01  # type: ignore[attr-defined]
        bootstrap(self)
