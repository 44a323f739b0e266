"""Forms for vehicles, permits and geofences: values as typed; the rules are the services'."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.core.forms import ScopedModelChoiceField, scope_fields
from anjian.vehicles.models import CargoClass, GeofenceKind, PermitKind, VehicleKind
from anjian.vehicles.services import GEOFENCE_FIELDS, VEHICLE_FIELDS


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxSelectMultiple):
            continue
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class VehicleForm(forms.Form):
    carrier = ScopedModelChoiceField("enterprises@vehicles.change", search=True, label=_("运输企业"))
    plate = forms.CharField(label=_("车牌号"), max_length=16)
    kind = forms.ChoiceField(label=_("车辆类型"), choices=VehicleKind.choices)
    device_id = forms.CharField(label=_("车载终端编号"), max_length=32)
    cargo_class = forms.ChoiceField(label=_("危险货物类别"), choices=[("", "—"), *CargoClass.choices], required=False)
    un_number = forms.CharField(label=_("联合国编号"), max_length=4, required=False)
    cargo_name = forms.CharField(label=_("货物名称"), max_length=100, required=False)
    seats = forms.IntegerField(label=_("核定载客"), required=False, min_value=1, max_value=199)
    route = ScopedModelChoiceField("vehicles.routes", label=_("核定线路"), required=False)

    def __init__(self, *args: Any, user: Any, vehicle: Any = None, **kwargs: Any) -> None:
        if vehicle is not None:
            kwargs.setdefault("initial", {f: getattr(vehicle, f) for f in VEHICLE_FIELDS})
        super().__init__(*args, **kwargs)
        scope_fields(self, user)
        if vehicle is not None:  # the carrier is fixed once registered
            del self.fields["carrier"]
            self.fields["reason"] = forms.CharField(label=_("修改原因"), max_length=200, required=False)
        _style(self)

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in VEHICLE_FIELDS}


class PermitForm(forms.Form):
    kind = forms.ChoiceField(label=_("证件类型"), choices=PermitKind.choices)
    number = forms.CharField(label=_("证件编号"), max_length=64)
    valid_from = forms.DateField(label=_("有效期起"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("有效期至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class GeofenceForm(forms.Form):
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions@vehicles.manage", search=True, label=_("所属辖区"))
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=GeofenceKind.choices)
    windows = forms.CharField(label=_("时段"), max_length=200, required=False,
                              help_text=_("如 07:00-09:00，17:00-19:00；禁行区域在这些时段禁行，线路在这些时段允许通行；留空为全天"))
    vehicle_kinds = forms.MultipleChoiceField(label=_("适用车辆类型"), choices=VehicleKind.choices, required=False,
                                              widget=forms.CheckboxSelectMultiple, help_text=_("不选为全部类型"))
    speed_limit_kmh = forms.FloatField(label=_("限速（公里/小时）"), required=False, min_value=5, max_value=150)
    corridor_m = forms.IntegerField(label=_("线路走廊宽度（米）"), required=False, initial=200, min_value=10, max_value=5000)
    geometry = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, fence: Any = None, **kwargs: Any) -> None:
        if fence is not None:
            initial = {f: getattr(fence, f) for f in GEOFENCE_FIELDS}
            initial["windows"] = "，".join(f"{a}-{b}" for a, b in fence.windows)
            initial["geometry"] = json.dumps(fence.geometry)
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        scope_fields(self, user)
        if fence is not None:
            del self.fields["jurisdiction"]
            self.fields["reason"] = forms.CharField(label=_("修改原因"), max_length=200, required=False)
        elif not self.is_bound:  # the user's own (top) jurisdiction as the default
            top = self.fields["jurisdiction"].queryset.order_by("depth", "path").first()
            if top is not None:
                self.initial.setdefault("jurisdiction", top.pk)
        _style(self)

    def clean_geometry(self) -> Any:
        raw = self.cleaned_data.get("geometry") or ""
        if not raw.strip():
            raise forms.ValidationError(_("请在地图上画出范围"))
        try:
            value = json.loads(raw)
        except ValueError as exc:
            raise forms.ValidationError(_("范围不是有效的GeoJSON几何")) from exc
        if not isinstance(value, dict):
            raise forms.ValidationError(_("范围不是有效的GeoJSON几何"))
        return value

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in GEOFENCE_FIELDS}
