from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from anjian.monitoring.models import UnitKind
from anjian.monitoring.services import SubstanceRow

MIN_ROWS = 5


def rows_from(data: QueryDict | dict[str, Any]) -> list[SubstanceRow]:
    """Substance rows posted as name_0/cas_0/qty_0/cls_0 …; always at least ``MIN_ROWS`` (blank
    rows for typing), and one spare row after the last filled one."""
    count = 0
    for key in data:
        if key.startswith("name_") and key[5:].isdigit():
            count = max(count, int(key[5:]) + 1)
    rows = [
        SubstanceRow(
            name=str(data.get(f"name_{i}", "")).strip(), cas=str(data.get(f"cas_{i}", "")).strip(),
            quantity=str(data.get(f"qty_{i}", "")).strip(), hazard_classes=str(data.get(f"cls_{i}", "")).strip(),
        )
        for i in range(min(count, 200))
    ]
    while len(rows) < MIN_ROWS or (rows and rows[-1].name):
        rows.append(SubstanceRow(name=""))
    return rows


class PopulationForm(forms.Form):
    exposed_population = forms.IntegerField(label=_("厂区边界外500米范围内常住人口"), min_value=0, initial=0)


class SourceForm(forms.Form):
    name = forms.CharField(label=_("单元名称"), max_length=200)
    unit_kind = forms.ChoiceField(label=_("单元类型"), choices=UnitKind.choices)
    boundary = forms.CharField(label=_("单元边界描述"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    exposed_population = forms.IntegerField(label=_("厂区边界外500米范围内常住人口"), min_value=0, initial=0)
    filed_on = forms.DateField(label=_("备案日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    files = forms.FileField(label=_("附件（评估报告等）"), required=False)

    def __init__(self, *args: Any, change: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if change:
            self.fields["reason"] = forms.CharField(
                label=_("变更内容（触发重新辨识与评估）"), widget=forms.Textarea(attrs={"rows": 2})
            )
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)
