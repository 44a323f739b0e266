"""Entry forms for the registry. They only parse input; every rule lives in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.core.forms import ScopedModelChoiceField, scope_fields
from anjian.enterprises.models import (
    Enterprise,
    EnterpriseKind,
    EnterpriseSize,
    EnterpriseStatus,
    LicenceKind,
    flag_choices,
)
from anjian.enterprises.services import normalise_point

CRS_CHOICES = [("wgs84", _("WGS-84（GPS、天地图）")), ("gcj02", _("GCJ-02（高德、腾讯地图）"))]

SECTIONS = [
    (_("基本信息"), ["name", "credit_code", "kind", "sector", "size", "employees", "status"]),
    (_("位置"), ["address", "crs", "lng", "lat", "jurisdiction"]),
    (_("负责人"), ["principal", "principal_phone", "safety_manager", "safety_manager_phone"]),
    (_("监管标识"), ["flags"]),
]


class _MarkInvalid:
    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()


class EnterpriseForm(_MarkInvalid, forms.Form):
    name = forms.CharField(label=_("单位名称"), max_length=200)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=30, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=EnterpriseKind.choices, initial=EnterpriseKind.ENTERPRISE)
    sector = ScopedModelChoiceField("orgs.sectors", search=True, label=_("行业"), required=False)
    size = forms.ChoiceField(label=_("规模"), choices=EnterpriseSize.choices, initial=EnterpriseSize.SMALL)
    employees = forms.IntegerField(label=_("从业人数"), min_value=0, initial=0)
    status = forms.ChoiceField(label=_("经营状态"), choices=EnterpriseStatus.choices, initial=EnterpriseStatus.OPERATING)
    address = forms.CharField(label=_("地址"), max_length=300, required=False)
    crs = forms.ChoiceField(label=_("坐标系"), choices=CRS_CHOICES, initial="wgs84", widget=forms.RadioSelect)
    lng = forms.FloatField(label=_("经度"), required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("纬度"), required=False, min_value=-90, max_value=90)
    jurisdiction = ScopedModelChoiceField(
        "orgs.jurisdictions", search=True, label=_("属地（无坐标时必选）"), required=False,
        help_text=_("有坐标时按辖区边界自动确定属地"),
    )
    principal = forms.CharField(label=_("主要负责人"), max_length=50, required=False)
    principal_phone = forms.CharField(label=_("负责人电话"), max_length=30, required=False)
    safety_manager = forms.CharField(label=_("安全管理人员"), max_length=50, required=False)
    safety_manager_phone = forms.CharField(label=_("安全管理人员电话"), max_length=30, required=False)
    flags = forms.MultipleChoiceField(
        label=_("重点监管标识"), choices=flag_choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    SUPERVISION_FIELDS = ("sector", "status", "crs", "lng", "lat", "jurisdiction", "flags")

    def __init__(self, *args: Any, user: Any, enterprise: Enterprise | None = None, supervisor: bool = True,
                 **kwargs: Any) -> None:
        if enterprise is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{f: getattr(enterprise, f) for f in ("name", "credit_code", "kind", "size", "employees", "status",
                                                       "address", "lng", "lat", "principal", "principal_phone",
                                                       "safety_manager", "safety_manager_phone", "flags")},
                "sector": enterprise.sector_id,
                "crs": "wgs84",
            }
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        scope_fields(self, user)
        if enterprise is not None and not supervisor:
            # The enterprise edits its own record: what decides who supervises it is shown but
            # changed only through a change request (services.change_request_submit).
            for name in self.SUPERVISION_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("由监管部门修改；如需变更，请提交变更申请")
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
                widget.attrs["class"] = "form-check-input"
                continue
            widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if name in ("lng", "lat"):
                widget.attrs.update({"step": "any", "inputmode": "decimal"})
            if name.endswith("phone"):
                widget.attrs["inputmode"] = "tel"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("lng") is None) != (data.get("lat") is None):
            self.add_error("lat" if data.get("lat") is None else "lng", _("经度和纬度须同时填写"))
        return data

    def sections(self) -> list[tuple[Any, list[Any]]]:
        return [(title, [self[f] for f in names]) for title, names in SECTIONS]

    def service_data(self) -> tuple[dict[str, Any], Any]:
        """(data for the service with the point converted to WGS-84, the chosen jurisdiction or None)."""

        d = self.cleaned_data
        lng, lat = normalise_point(d.get("lng"), d.get("lat"), crs=d.get("crs") or "wgs84")
        data = {k: d[k] for k in ("name", "credit_code", "kind", "sector", "size", "employees", "status", "address",
                                  "principal", "principal_phone", "safety_manager", "safety_manager_phone", "flags")}
        data["lng"], data["lat"] = lng, lat
        return data, d.get("jurisdiction")


class _StyledForm(_MarkInvalid, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"


class LicenceForm(_StyledForm):
    kind = forms.ChoiceField(label=_("证照类型"), choices=LicenceKind.choices)
    number = forms.CharField(label=_("证号"), max_length=80)
    holder = forms.CharField(label=_("持证人"), max_length=50, required=False)
    issued_by = forms.CharField(label=_("发证机关"), max_length=100, required=False)
    valid_from = forms.DateField(label=_("有效期起"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("有效期至"), widget=forms.DateInput(attrs={"type": "date"}))


class LicenceRenewForm(_StyledForm):
    valid_until = forms.DateField(label=_("新有效期至"), widget=forms.DateInput(attrs={"type": "date"}))
    number = forms.CharField(label=_("新证号（可空）"), max_length=80, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("台账文件（.xlsx 或 .csv）"), widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.csv"}))


class ChangeRequestForm(_StyledForm):
    """The enterprise's proposal: only the fields filled in are proposed."""

    sector = ScopedModelChoiceField("orgs.sectors", search=True, label=_("行业"), required=False)
    status = forms.ChoiceField(label=_("经营状态"), choices=[("", "—"), *EnterpriseStatus.choices], required=False)
    crs = forms.ChoiceField(label=_("坐标系"), choices=CRS_CHOICES, initial="wgs84", widget=forms.RadioSelect)
    lng = forms.FloatField(label=_("经度"), required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("纬度"), required=False, min_value=-90, max_value=90)
    flags = forms.MultipleChoiceField(label=_("重点监管标识（勾选变更后的全部标识）"), choices=flag_choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)
    change_flags = forms.BooleanField(label=_("变更监管标识"), required=False)
    reason = forms.CharField(label=_("变更理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_fields(self, user)
        for field in self.fields.values():
            if isinstance(field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.CheckboxInput)):
                field.widget.attrs["class"] = "form-check-input"

    def changes(self) -> dict[str, Any]:
        d = self.cleaned_data
        out: dict[str, Any] = {}
        if d.get("sector") is not None:
            out["sector_code"] = d["sector"].code
        if d.get("status"):
            out["status"] = d["status"]
        if d.get("lng") is not None and d.get("lat") is not None:
            out["lng"], out["lat"] = normalise_point(d["lng"], d["lat"], crs=d.get("crs") or "wgs84")
        if d.get("change_flags"):
            out["flags"] = list(d.get("flags") or [])
        return out


class DecisionForm(_StyledForm):
    note = forms.CharField(label=_("审核意见"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
