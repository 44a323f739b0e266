"""Forms for reporting a hazard and for each lifecycle step. They only parse input; the
services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from anjian.core.forms import DateInput, ScopedModelChoiceField, bootstrap, scope_fields
from anjian.hazards.models import HazardLevel, HazardSource, ListingLevel, RejectReason
from anjian.hazards.services import default_deadline
from anjian.rules.hazards import TREATMENT_PLAN_PARTS
from anjian.rules.risk import LEC_C_VALUES, LEC_E_VALUES, LEC_L_VALUES


def _end_of(day: dt.date | None) -> dt.datetime | None:
    """A deadline date means 24:00 of that day, local time."""
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


class HazardReportForm(forms.Form):
    enterprise = ScopedModelChoiceField("enterprises", search=True, label=_("企业（名称或统一社会信用代码）"),
                                        required=False)
    place_name = forms.CharField(label=_("场所名称（无企业档案时）"), required=False, max_length=200)
    source = forms.ChoiceField(label=_("来源"), choices=HazardSource.choices, initial=HazardSource.PATROL)
    level = forms.ChoiceField(label=_("隐患等级"), choices=HazardLevel.choices, initial=HazardLevel.GENERAL)
    checklist_item = ScopedModelChoiceField("checklists.hazard_items", label=_("排查标准条目（可选）"), required=False,
                                            help_text=_("选择后隐患类别按条目填写；重大隐患判定项自动带出判定标准条款"))
    category = forms.CharField(label=_("隐患类别/排查项"), max_length=200)
    description = forms.CharField(label=_("隐患描述"), widget=forms.Textarea(attrs={"rows": 3}))
    standard_item = forms.CharField(label=_("重大隐患判定标准条款"), required=False, max_length=300)
    address = forms.CharField(label=_("地点"), required=False, max_length=300)
    lng = forms.FloatField(label=_("经度"), required=False, widget=forms.NumberInput(attrs={"step": "any"}))
    lat = forms.FloatField(label=_("纬度"), required=False, widget=forms.NumberInput(attrs={"step": "any"}))
    accuracy_m = forms.FloatField(label=_("定位精度(米)"), required=False, widget=forms.NumberInput(attrs={"step": "any"}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["category"].widget.attrs["class"] = "form-control form-control-lg"
        self.fields["enterprise"].widget.attrs["class"] = "form-control form-control-lg"
        bootstrap(self, size="lg")
        for name in ("category", "description", "source", "level"):
            self.fields[name].widget.attrs["required"] = True
        scope_fields(self, user)
        self.fields["category"].required = False  # filled from the checklist item when one is chosen
        self.fields["category"].widget.attrs.pop("required", None)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["enterprise_obj"] = data.get("enterprise")
        return data


class ConfirmForm(forms.Form):
    level = forms.ChoiceField(label=_("隐患等级"), choices=HazardLevel.choices)
    standard_item = forms.CharField(label=_("重大隐患判定标准条款"), required=False, max_length=300)
    deadline = forms.DateField(label=_("整改期限（留空按规定）"), required=False,
                               widget=DateInput())
    responsible_person = forms.CharField(label=_("整改责任人"), required=False, max_length=50)
    measures = forms.CharField(label=_("整改措施"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    funds = forms.DecimalField(label=_("整改资金(元)"), required=False, min_value=0, decimal_places=2)
    note = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, hazard: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self, size="lg")
        if hazard is not None:
            # say what "按规定" means for this hazard, confirmed now (rules.hazards.rectification_due)
            general = timezone.localdate(default_deadline(hazard, HazardLevel.GENERAL))
            major = timezone.localdate(default_deadline(hazard, HazardLevel.MAJOR))
            self.fields["deadline"].help_text = _(
                "留空按规定：一般隐患立即整改，期限为%(general)s当日；重大隐患期限为%(major)s，以治理方案的时限为准"
            ) % {"general": date_format(general, "DATE_FORMAT"), "major": date_format(major, "DATE_FORMAT")}

    def deadline_at(self) -> dt.datetime | None:
        return _end_of(self.cleaned_data.get("deadline"))


class RejectForm(forms.Form):
    reason = forms.ChoiceField(label=_("原因"), choices=RejectReason.choices)
    duplicate_of = forms.IntegerField(label=_("重复于（隐患编号）"), required=False)
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self, size="lg")


class NoteForm(forms.Form):
    note = forms.CharField(label=_("意见/说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("新的整改期限"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self, size="lg")

    def deadline_at(self) -> dt.datetime | None:
        return _end_of(self.cleaned_data.get("deadline"))


class PlanForm(forms.Form):
    deadline = forms.DateField(label=_("治理时限"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, zh, _en in TREATMENT_PLAN_PARTS:
            self.fields[key] = forms.CharField(label=zh, required=False, widget=forms.Textarea(attrs={"rows": 2}))
        bootstrap(self, size="lg")

    def plan(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key) or "" for key, _zh, _en in TREATMENT_PLAN_PARTS}

    def deadline_at(self) -> dt.datetime | None:
        return _end_of(self.cleaned_data.get("deadline"))


class RerouteForm(forms.Form):
    department = ScopedModelChoiceField("orgs.regulators@hazards.reroute", search=True, label=_("监管部门"),
                                        required=False)
    reason = forms.CharField(label=_("改派理由"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self, size="lg")
        scope_fields(self, user)


class ListingForm(forms.Form):
    level = forms.ChoiceField(label=_("督办层级"), choices=ListingLevel.choices)
    series = ScopedModelChoiceField("documents.series", label=_("文号序列"))
    issuer = forms.CharField(label=_("督办机关"), max_length=100)
    deadline = forms.DateField(label=_("督办整改期限"), widget=DateInput())
    requirements = forms.CharField(label=_("督办要求"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self, size="lg")
        scope_fields(self, user)


def _choices(values: Any) -> list[tuple[str, str]]:
    ordered = sorted(values, key=lambda v: -v)
    return [("", "—"), *[(str(v), str(v)) for v in ordered]]


class RiskForm(forms.Form):
    """LEC (L, E, C from the fixed tables) or LS (L and S 1–5); the service checks the values."""

    method = forms.ChoiceField(label=_("评价方法"), choices=[("lec", _("LEC 作业条件危险性评价法")),
                                                          ("ls", _("LS 风险矩阵法"))])
    lec_l = forms.ChoiceField(label=_("L 事故发生的可能性"), required=False)
    lec_e = forms.ChoiceField(label=_("E 暴露于危险环境的频繁程度"), required=False)
    lec_c = forms.ChoiceField(label=_("C 发生事故可能造成的后果"), required=False)
    ls_l = forms.ChoiceField(label=_("L 可能性（1–5）"), required=False,
                             choices=[("", "—"), *[(str(i), str(i)) for i in range(1, 6)]])
    ls_s = forms.ChoiceField(label=_("S 严重性（1–5）"), required=False,
                             choices=[("", "—"), *[(str(i), str(i)) for i in range(1, 6)]])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lec_l"].choices = _choices(LEC_L_VALUES)
        self.fields["lec_e"].choices = _choices(LEC_E_VALUES)
        self.fields["lec_c"].choices = _choices(LEC_C_VALUES)
        bootstrap(self, size="lg")

    def factors(self) -> dict[str, Any]:
        d = self.cleaned_data
        if d["method"] == "lec":
            return {"l": d["lec_l"] or None, "e": d["lec_e"] or None, "c": d["lec_c"] or None}
        return {"l": int(d["ls_l"]) if d["ls_l"] else None, "s": int(d["ls_s"]) if d["ls_s"] else None}
