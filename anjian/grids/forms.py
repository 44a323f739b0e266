"""Forms of the grid settings page (设置 › 网格人员与巡查计划)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.forms import ScopedModelChoiceField, bootstrap, scope_fields
from anjian.grids.models import GridRole
from anjian.grids.selectors import staff_candidates
from anjian.orgs.models import JurisdictionLevel


class StaffForm(forms.Form):
    grid = ScopedModelChoiceField("orgs.jurisdictions@grids.manage", label=gettext_lazy("网格"))
    username = forms.CharField(label=gettext_lazy("人员用户名"), max_length=150,
                               help_text=gettext_lazy("须已在本辖区内授权的用户（如网格员角色）"))
    role = forms.ChoiceField(label=gettext_lazy("职务"), choices=GridRole.choices, initial=GridRole.INSPECTOR)
    active = forms.TypedChoiceField(label=gettext_lazy("状态"), coerce=lambda v: v == "1",
                                    choices=[("1", gettext_lazy("在岗")), ("0", gettext_lazy("离岗"))])

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._user = user
        scope_fields(self, user)
        self.fields["grid"].bind(user, narrow=lambda qs: qs.filter(level=JurisdictionLevel.GRID))
        bootstrap(self)

    def clean_username(self) -> Any:
        found = staff_candidates(self._user).filter(username=self.cleaned_data["username"].strip()).first()
        if found is None:
            raise forms.ValidationError(_("您的辖区内没有该用户"))
        return found


class PlanForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
