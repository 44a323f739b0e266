"""Forms of the risk settings and boundary import pages. They only parse input; the rules live in
``orgs.risk`` and ``orgs.boundaries``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from anjian.core.forms import ScopedModelChoiceField, ScopedModelMultipleChoiceField, scope_fields
from anjian.orgs.models import (
    INHERENT_RISK_CHOICES,
    DepartmentKind,
    JurisdictionLevel,
    RiskMethod,
)


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
        scope_fields(self, user)
        self.fields["sector"].widget.attrs["class"] = "form-control"
        self.fields["jurisdiction"].bind(user, narrow=lambda qs: qs.filter(level__lte=JurisdictionLevel.STREET))
        self.fields["jurisdiction"].label_from_instance = lambda j: ("\u3000" * j.depth) + j.name
        if not citywide:
            self.fields["jurisdiction"].required = True
            self.fields["jurisdiction"].empty_label = None


class BoundaryUploadForm(forms.Form):
    """A boundary file and how to read it. Columns left blank are guessed from the file."""

    file = forms.FileField(label=_("边界文件"), help_text=_("GeoJSON（.geojson/.json）或压缩的 Shapefile（.zip，含 .shp/.shx/.dbf，可含 .prj/.cpg）"))
    level = forms.TypedChoiceField(label=_("导入层级"), coerce=int, choices=[])
    parent = ScopedModelChoiceField("orgs.jurisdictions@orgs.change", label=_("上级辖区"))
    crs = forms.ChoiceField(label=_("坐标系"), choices=[
        ("wgs84", _("WGS-84（GPS）")), ("cgcs2000", _("CGCS2000 地理坐标（与 WGS-84 相差厘米级）")),
        ("gcj02", _("GCJ-02（高德、腾讯地图导出）")),
    ])
    code_column = forms.CharField(label=_("代码列"), max_length=64, required=False, help_text=_("留空则自动识别"))
    name_column = forms.CharField(label=_("名称列"), max_length=64, required=False, help_text=_("留空则自动识别"))
    parent_column = forms.CharField(label=_("上级代码列"), max_length=64, required=False,
                                    help_text=_("各要素的上级不同时填写；留空则都归入所选上级辖区"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [c for c in JurisdictionLevel.choices if c[0] > JurisdictionLevel.CITY]
        scope_fields(self, user)
        self.fields["parent"].bind(user, narrow=lambda qs: qs.filter(level__lt=JurisdictionLevel.GRID))
        self.fields["parent"].label_from_instance = lambda j: ("\u3000" * j.depth) + f"{j.name}（{j.code}）"

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > settings.BOUNDARY_MAX_BYTES:  # also refused while it streams in (documents.uploads)
            raise forms.ValidationError(_("文件超过 %(n)d MB") % {"n": settings.BOUNDARY_MAX_BYTES // 1048576})
        return f


class BoundaryRemapForm(forms.Form):
    code_column = forms.ChoiceField(label=_("代码列"), choices=[])
    name_column = forms.ChoiceField(label=_("名称列"), choices=[])
    parent_column = forms.ChoiceField(label=_("上级代码列"), choices=[], required=False)

    def __init__(self, *args: Any, columns: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = [(c, c) for c in columns]
        self.fields["code_column"].choices = options
        self.fields["name_column"].choices = options
        self.fields["parent_column"].choices = [("", _("（无：都归入所选上级辖区）")), *options]


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类别"), choices=DepartmentKind.choices)
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions", search=True, label=_("所属辖区"))
    short_name = forms.CharField(label=_("简称"), max_length=30, required=False)
    doc_abbr = forms.CharField(label=_("发文机关代字"), max_length=30, required=False, help_text=_("如：深安委办"))
    name_en = forms.CharField(label=_("英文名称"), max_length=200, required=False)
    sectors = ScopedModelMultipleChoiceField(
        "orgs.sectors", label=_("监管行业"), required=False,
        help_text=_("按住 Ctrl（手机上逐项点选）可多选；选门类即含其下各大类"),
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_fields(self, user)
        # a department supervises sections and divisions (a choice of 1,971 rows down to the classes
        # would be unusable; a class belongs to its division anyway)
        self.fields["sectors"].bind(user, narrow=lambda qs: qs.filter(parent__parent__isnull=True))
        if editing:
            del self.fields["jurisdiction"]


class RouteForm(forms.Form):
    sector = ScopedModelChoiceField("orgs.sectors", search=True, label=_("行业"))
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions", search=True, label=_("适用辖区"), required=False,
                                          help_text=_("留空为全市默认"))
    department = ScopedModelChoiceField("orgs.departments", search=True, label=_("监管部门"))
    note = forms.CharField(label=_("依据"), max_length=200, required=False, help_text=_("如：市政府部门安全生产职责规定"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_fields(self, user)


class DutyForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    post = forms.CharField(label=_("岗位"), max_length=60, required=False,
                           help_text=_("留空为部门职责；填写则为该岗位的职责，如“分管副局长”"))
    text = forms.CharField(label=_("职责内容"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8}))
    basis = forms.CharField(label=_("依据"), max_length=300, required=False, help_text=_("如：《安全生产法》第十条"))
