"""Forms: parse and show only; the rules live in the services."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.core.forms import QueryForm, ScopedModelChoiceField, scope_fields
from anjian.core.scoping import has_action
from anjian.public_reports.models import (
    Channel,
    ContactPreference,
    ReportStatus,
    ReportType,
    RewardPolicyConfig,
    Verification,
)

INPUT = {"class": "form-control form-control-lg"}
SELECT = {"class": "form-select form-select-lg"}
CHECK = {"class": "form-check-input"}


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultiFileInput(attrs={"class": "form-control form-control-lg",
                                                            "accept": "image/*,video/mp4", "capture": "environment"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultiFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ReportForm(forms.Form):
    """The public report form (and, with ``caller_*`` labels, the hotline form)."""

    # the length is checked by the service (services.submission_key) with a clear message
    idempotency_key = forms.CharField(widget=forms.HiddenInput)
    report_type = forms.ChoiceField(label=_("举报类型"), choices=ReportType.choices, widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    description = forms.CharField(
        label=_("举报内容"), widget=forms.Textarea(attrs={**INPUT, "rows": 5}), max_length=5000,
        help_text=_("发生了什么？请尽量写清单位、地点、时间和具体情况。"),
    )
    enterprise_name = forms.CharField(label=_("被举报单位名称（如知道）"), required=False, max_length=200,
                                      widget=forms.TextInput(attrs=INPUT))
    address = forms.CharField(label=_("地点"), required=False, max_length=300, widget=forms.TextInput(attrs=INPUT),
                              help_text=_("在地图上点选位置，或填写详细地址。"))
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    occurred_at = forms.DateTimeField(
        label=_("发生时间"), required=False, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={**INPUT, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    files = MultiFileField(label=_("照片或视频"), required=False,
                           help_text=_("最多 6 个；照片或 MP4 视频，每个不超过 20 MB。"))
    real_name = forms.TypedChoiceField(
        label=_("举报方式"), choices=[("0", _("匿名举报")), ("1", _("实名举报"))], coerce=lambda v: v == "1",
        initial="0", widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        help_text=_("只有申请举报奖励时才需要实名和联系电话；您的身份依法保密，不会告知被举报单位。"),
    )
    name = forms.CharField(label=_("姓名"), required=False, max_length=50, widget=forms.TextInput(attrs=INPUT))
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=20,
                            widget=forms.TextInput(attrs={**INPUT, "inputmode": "tel", "autocomplete": "tel"}))
    id_number = forms.CharField(label=_("身份证号（领取奖励时需要）"), required=False, max_length=18,
                                widget=forms.TextInput(attrs=INPUT))
    contact_preference = forms.ChoiceField(label=_("联系方式"), choices=ContactPreference.choices, required=False,
                                           widget=forms.Select(attrs=SELECT))
    reward_consent = forms.BooleanField(label=_("我申请举报奖励"), required=False, widget=forms.CheckboxInput(attrs=CHECK))
    consent = forms.BooleanField(
        label=_("我保证所举报的内容真实，知道捏造、歪曲事实诬告他人须承担法律责任；同意为核查本举报处理上述信息。"),
        error_messages={"required": _("请阅读并勾选承诺")}, widget=forms.CheckboxInput(attrs=CHECK),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", secrets.token_urlsafe(24))

    def identity(self) -> dict[str, Any] | None:
        d = self.cleaned_data
        if not d.get("real_name"):
            return None
        return {k: d.get(k) for k in ("name", "phone", "id_number", "contact_preference", "reward_consent")}


class HotlineForm(ReportForm):
    """The operator enters a caller's report; the caller's contact is kept apart all the same."""

    enterprise = ScopedModelChoiceField("enterprises", search=True, label=_("企业档案（如能确定）"), required=False)
    consent = forms.BooleanField(label=_("已向来电人告知如实举报的责任及保密承诺"),
                                 error_messages={"required": _("请确认已告知来电人")},
                                 widget=forms.CheckboxInput(attrs=CHECK))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if has_action(user, "enterprises.view"):
            self.fields["enterprise"].widget.attrs.update(INPUT)
            scope_fields(self, user)
        else:  # an operator who may not see the registry types the name only
            del self.fields["enterprise"]
        self.fields["name"].label = _("来电人姓名")
        self.fields["phone"].label = _("来电号码")
        self.fields["real_name"].help_text = _("来电人要求匿名时选择匿名；姓名与号码依法保密。")


class RejectForm(forms.Form):
    reason = ScopedModelChoiceField("public_reports.reject_reasons", label=_("不予受理理由"),
                                    widget=forms.Select(attrs={"class": "form-select"}))
    note = forms.CharField(label=_("内部说明"), required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_fields(self, user)


class DispatchForm(forms.Form):
    department = ScopedModelChoiceField("orgs.departments@public_reports.triage", search=True, label=_("承办部门"),
                                        required=False, help_text=_("留空则按属地和行业自动确定"))
    note = forms.CharField(label=_("交办意见"), required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].widget.attrs["class"] = "form-control"
        scope_fields(self, user)


class VerifyForm(forms.Form):
    result = forms.ChoiceField(label=_("核查结论"), choices=Verification.choices, widget=forms.Select(attrs={"class": "form-select"}))
    fine_yuan = forms.DecimalField(label=_("罚款金额(元)"), required=False, min_value=0, max_digits=14, decimal_places=2,
                                   widget=forms.NumberInput(attrs={"class": "form-control"}))
    deaths = forms.IntegerField(label=_("瞒报谎报死亡人数"), required=False, min_value=0,
                                widget=forms.NumberInput(attrs={"class": "form-control"}))
    accident_grade = forms.ChoiceField(label=_("最终认定事故等级"), required=False,
                                       choices=[("", "—"), ("一般", _("一般")), ("较大", _("较大")), ("重大", _("重大")), ("特别重大", _("特别重大"))],
                                       widget=forms.Select(attrs={"class": "form-select"}))
    note = forms.CharField(label=_("核查情况"), required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))


class FilterForm(QueryForm):
    q = forms.CharField(label=_("关键词/查询码"), required=False, widget=forms.TextInput(attrs={"class": "form-control"}))
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *ReportStatus.choices],
                               widget=forms.Select(attrs={"class": "form-select"}))
    channel = forms.ChoiceField(label=_("渠道"), required=False, choices=[("", _("全部"))],
                                widget=forms.Select(attrs={"class": "form-select"}))
    report_type = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部")), *ReportType.choices],
                                    widget=forms.Select(attrs={"class": "form-select"}))
    overdue = forms.BooleanField(label=_("仅超期"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    sort = forms.ChoiceField(label=_("排序"), required=False,
                             choices=[("-id", _("最新收到")), ("handling_due", _("办理期限"))],
                             widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [("", _("全部")), *Channel.choices]


class PolicyForm(forms.ModelForm):
    """A jurisdiction's reward policy; defaults are the national figures."""

    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions@public_reports.reward", label=_("辖区"),
                                          widget=forms.Select(attrs={"class": "form-select"}))

    class Meta:
        model = RewardPolicyConfig
        fields = ["jurisdiction", "violation_rate", "violation_min", "violation_max", "minimum_without_fine",
                  "per_death_general", "per_death_larger", "per_death_major", "per_death_extra", "concealed_cap",
                  "claim_period_days", "handling_days", "handling_extension_days", "feedback_days"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].bind(user, narrow=lambda qs: qs.filter(level__lte=2))
        for name, field in self.fields.items():
            if name != "jurisdiction":
                css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-control"
                field.widget.attrs["class"] = css

    def validate_unique(self) -> None:  # one per jurisdiction: the service updates the existing one
        return None
