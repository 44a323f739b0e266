from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.core.forms import ScopedModelChoiceField, bootstrap, scope_fields


class SeriesForm(forms.Form):
    """A numbering series: its 机关代字 and whose it is (the number's form is GB/T 9704's)."""

    code = forms.SlugField(label=_("代码"), max_length=40, help_text=_("仅用于识别，如 futian-orders；保存后不可修改"))
    prefix = forms.CharField(label=_("机关代字"), max_length=40, help_text=_("如：深福应急责改"))
    name = forms.CharField(label=_("名称"), max_length=100, help_text=_("如：责令限期整改指令书"))
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions@documents.series", label=_("所属辖区"), required=False,
                                          empty_label=_("（按发文部门）"))
    department = ScopedModelChoiceField("orgs.departments_inside@documents.series", label=_("发文部门"),
                                        required=False, empty_label=_("（不指定部门）"))

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_fields(self, user)
        if editing:
            self.fields["code"].required = False
            self.fields["code"].disabled = True
        bootstrap(self)
