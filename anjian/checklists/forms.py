"""Forms for checklists: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.checklists.models import ChecklistKind
from anjian.core.forms import QueryForm, bootstrap
from anjian.orgs.models import Jurisdiction, Sector


class TemplateFilterForm(QueryForm):
    q = forms.CharField(label=_("名称/编码"), required=False)
    sector = forms.ModelChoiceField(label=_("适用行业"), queryset=Sector.objects.all(), required=False,
                                    empty_label=_("全部"))
    general = forms.BooleanField(label=_("仅通用"), required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=[("", _("全部")), *ChecklistKind.choices], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def filters(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}


class TemplateForm(forms.Form):
    code = forms.CharField(label=_("编码"), max_length=40, help_text=_("字母、数字、点、下划线或连字符，如 WH-01"))
    name = forms.CharField(label=_("名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=ChecklistKind.choices)
    sector = forms.ModelChoiceField(label=_("适用行业"), queryset=Sector.objects.all(), required=False,
                                    empty_label=_("通用（所有行业）"))
    owner = forms.ModelChoiceField(label=_("制定单位辖区"), queryset=Jurisdiction.objects.filter(depth__lte=1),
                                   required=False, empty_label=_("全市"))
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class PublishForm(forms.Form):
    effective_date = forms.DateField(label=_("生效日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("版本说明"), required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class ItemImportForm(forms.Form):
    file = forms.FileField(label=_("条目文件（.xlsx 或 .csv）"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class JsonLoadForm(forms.Form):
    file = forms.FileField(label=_("检查表 JSON 文件"), widget=forms.ClearableFileInput(attrs={"accept": ".json"}))
    sector = forms.ModelChoiceField(label=_("适用行业"), queryset=Sector.objects.all(), required=False,
                                    empty_label=_("通用（所有行业）"))
    publish = forms.BooleanField(label=_("导入后立即发布"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)
