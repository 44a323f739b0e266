"""The enterprise query form: one definition for the list page, the export and the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.core.forms import QueryForm, ScopedModelChoiceField, scope_fields
from anjian.enterprises.models import EnterpriseSize, EnterpriseStatus, RiskColour, flag_choices


class EnterpriseFilterForm(QueryForm):
    q = forms.CharField(label=_("名称/信用代码"), required=False)
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions", label=_("属地"), required=False, empty_label=_("全部"))
    sector = ScopedModelChoiceField("orgs.sectors", label=_("行业"), required=False, empty_label=_("全部"))
    risk_colour = forms.ChoiceField(label=_("风险等级"), choices=[("", _("全部")), *RiskColour.choices], required=False)
    size = forms.ChoiceField(label=_("规模"), choices=[("", _("全部")), *EnterpriseSize.choices], required=False)
    status = forms.ChoiceField(label=_("经营状态"), choices=[("", _("全部")), *EnterpriseStatus.choices], required=False)
    flag = forms.ChoiceField(
        label=_("重点监管"), choices=lambda: [("", _("全部")), *flag_choices()], required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_fields(self, user)
        self.fields["jurisdiction"].bind(user, narrow=lambda qs: qs.filter(level__lte=3))
        # sections and divisions (a filter on one includes every group and class below it)
        self.fields["sector"].bind(user, narrow=lambda qs: qs.filter(parent__parent__isnull=True))
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"

    def filters(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}
