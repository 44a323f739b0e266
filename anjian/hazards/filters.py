"""The hazard query form: one definition for the list page, the map, the export and the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.forms import QueryForm, ScopedModelChoiceField
from anjian.hazards.models import HazardLevel, HazardSource, HazardStatus


class HazardFilterForm(QueryForm):
    q = forms.CharField(label=_("关键词"), required=False)
    level = forms.ChoiceField(label=_("等级"), choices=[("", _("全部")), *HazardLevel.choices], required=False)
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部")), *HazardStatus.choices], required=False)
    overdue = forms.BooleanField(label=_("仅逾期"), required=False)
    source = forms.ChoiceField(label=_("来源"), choices=[("", _("全部")), *HazardSource.choices], required=False)
    sector = ScopedModelChoiceField("orgs.sectors", label=_("行业"), required=False, empty_label=_("全部"))
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions", label=_("区域"), required=False, empty_label=_("全部"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].bind(user, narrow=lambda qs: qs.filter(level__lte=3))
        self.fields["sector"].bind(user, narrow=lambda qs: qs.filter(parent__isnull=True))
        for name, field in self.fields.items():
            css = "form-check-input" if name == "overdue" else "form-select" if isinstance(
                field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def filters(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}


class HazardStatsForm(QueryForm):
    """The statistics query: a year (of the found time) and optional area, sector and source."""

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions", label=_("区域"), required=False, empty_label=_("全部"))
    sector = ScopedModelChoiceField("orgs.sectors", label=_("行业"), required=False, empty_label=_("全部"))
    source = forms.ChoiceField(label=_("来源"), choices=[("", _("全部")), *HazardSource.choices], required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].bind(user, narrow=lambda qs: qs.filter(level__lte=3))
        self.fields["sector"].bind(user, narrow=lambda qs: qs.filter(parent__isnull=True))
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field, forms.ChoiceField)
                                          else "form-control")

    def selected_year(self) -> int:
        return (self.cleaned_data.get("year") if self.is_valid() else None) or timezone.localdate().year

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if k != "year" and v}
