from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from anjian.core.forms import ScopedModelChoiceField, scope_fields
from anjian.monitoring.models import SensorKind, UnitKind
from anjian.monitoring.services import SENSOR_FIELDS, SubstanceRow

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


class SensorForm(forms.Form):
    """Sensor settings as typed; the rules (threshold order, deadband, unique topic, …) are the
    service's, whose refusals are shown beside the field they name."""

    enterprise = ScopedModelChoiceField("enterprises@monitoring.change", search=True, label=_("企业"))
    code = forms.CharField(label=_("测点编码"), max_length=64)
    name = forms.CharField(label=_("测点名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=SensorKind.choices)
    unit = forms.CharField(label=_("计量单位"), max_length=16, required=False,
                           help_text=_("留空则按类型取默认单位"))
    source = ScopedModelChoiceField("monitoring.sources", label=_("重大危险源单元"), required=False)
    low = forms.FloatField(label=_("低报阈值"), required=False)
    high = forms.FloatField(label=_("高报阈值"), required=False)
    high_high = forms.FloatField(label=_("高高报阈值"), required=False)
    deadband = forms.FloatField(label=_("回差"), required=False, initial=0)
    min_duration_s = forms.IntegerField(label=_("最短持续时间（秒）"), required=False, initial=0)
    expected_interval_s = forms.IntegerField(label=_("上报周期（秒）"), required=False, initial=60)
    topic = forms.CharField(label=_("MQTT主题"), max_length=200, required=False,
                            help_text=_("留空则为 anjian/企业编号/测点编码"))
    range_min = forms.FloatField(label=_("量程下限"), required=False)
    range_max = forms.FloatField(label=_("量程上限"), required=False)
    lng = forms.FloatField(label=_("经度(WGS-84)"), required=False)
    lat = forms.FloatField(label=_("纬度(WGS-84)"), required=False)

    def __init__(self, *args: Any, user: Any, sensor: Any = None, **kwargs: Any) -> None:
        if sensor is not None:
            kwargs.setdefault("initial", {f: getattr(sensor, f) for f in SENSOR_FIELDS})
        super().__init__(*args, **kwargs)
        scope_fields(self, user)
        if sensor is not None:  # enterprise and code are fixed once created
            del self.fields["enterprise"]
            del self.fields["code"]
            self.fields["reason"] = forms.CharField(label=_("修改原因"), max_length=200, required=False)
            self.fields["source"].bind(user, narrow=lambda qs: qs.filter(enterprise_id=sensor.enterprise_id))
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in SENSOR_FIELDS}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"}))
