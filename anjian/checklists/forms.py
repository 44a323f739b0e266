"""Forms for checklists: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.checklists.models import ChecklistKind
from anjian.core.forms import QueryForm, ScopedModelChoiceField, bootstrap, scope_fields


class TemplateFilterForm(QueryForm):
    q = forms.CharField(label=_("名称/编码"), required=False)
    sector = ScopedModelChoiceField("orgs.sectors", label=_("适用行业"), required=False, empty_label=_("全部"))
    general = forms.BooleanField(label=_("仅通用"), required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=[("", _("全部")), *ChecklistKind.choices], required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)
        scope_fields(self, user)
        self.fields["sector"].bind(user, narrow=lambda qs: qs.filter(parent__parent__isnull=True))

    def filters(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}


class TemplateForm(forms.Form):
    code = forms.CharField(label=_("编码"), max_length=40, help_text=_("字母、数字、点、下划线或连字符，如 WH-01"))
    name = forms.CharField(label=_("名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=ChecklistKind.choices)
    sector = ScopedModelChoiceField("orgs.sectors", search=True, label=_("适用行业"), required=False,
                                    help_text=_("留空为通用（所有行业）"))
    owner = ScopedModelChoiceField("orgs.jurisdictions@checklists.manage", label=_("制定单位辖区"), required=False,
                                   empty_label=_("全市"))
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)
        scope_fields(self, user)
        self.fields["owner"].bind(user, narrow=lambda qs: qs.filter(depth__lte=1))


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
    sector = ScopedModelChoiceField("orgs.sectors", search=True, label=_("适用行业"), required=False,
                                    help_text=_("留空为通用（所有行业）"))
    publish = forms.BooleanField(label=_("导入后立即发布"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)
        scope_fields(self, user)
