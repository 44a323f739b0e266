"""Forms of the risk settings pages. They only parse input; the rules live in ``orgs.risk``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.core.forms import ScopedModelChoiceField, scope_fields
from anjian.orgs.models import INHERENT_RISK_CHOICES, RiskMethod


class SectorRiskForm(forms.Form):
    inherent_risk = forms.ChoiceField(
        label=_("行业固有风险"),
        choices=[("", _("沿用门类/默认")), *INHERENT_RISK_CHOICES],
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


class _Thresholds(forms.Form):
    red = forms.DecimalField(label=_("红色阈值"), max_digits=8, decimal_places=2,
                             widget=forms.NumberInput(attrs={"class": "form-control", "step": "any"}))
    orange = forms.DecimalField(label=_("橙色阈值"), max_digits=8, decimal_places=2,
                                widget=forms.NumberInput(attrs={"class": "form-control", "step": "any"}))
    yellow = forms.DecimalField(label=_("黄色阈值"), max_digits=8, decimal_places=2,
                                widget=forms.NumberInput(attrs={"class": "form-control", "step": "any"}))
    note = forms.CharField(label=_("依据"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"class": "form-control"}),
                           help_text=_("如地方标准编号"))


class PolicyEditForm(_Thresholds):
    pass


class PolicyCreateForm(_Thresholds):
    method = forms.ChoiceField(label=_("评价方法"), choices=RiskMethod.choices,
                               widget=forms.Select(attrs={"class": "form-select"}))
    jurisdiction = ScopedModelChoiceField(
        "orgs.jurisdictions@orgs.risk", label=_("适用辖区"), required=False, empty_label=_("全市"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    sector = ScopedModelChoiceField(
        "orgs.sectors", search=True, label=_("适用行业"), required=False, help_text=_("留空为所有行业"),
    )

    field_order = ["method", "jurisdiction", "sector", "red", "orange", "yellow", "note"]

    def __init__(self, *args: Any, user: Any, citywide: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from anjian.orgs.models import JurisdictionLevel

        scope_fields(self, user)
        self.fields["sector"].widget.attrs["class"] = "form-control"
        self.fields["jurisdiction"].bind(user, narrow=lambda qs: qs.filter(level__lte=JurisdictionLevel.STREET))
        self.fields["jurisdiction"].label_from_instance = lambda j: ("\u3000" * j.depth) + j.name
        if not citywide:
            self.fields["jurisdiction"].required = True
            self.fields["jurisdiction"].empty_label = None
