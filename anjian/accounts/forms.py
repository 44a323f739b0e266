from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.core.forms import ScopedModelChoiceField, scope_fields
from anjian.core.lookups import lookup
from anjian.orgs.models import JurisdictionLevel


class LoginForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput)


class PasswordSetForm(forms.Form):
    """The new password, set through a one-time link (``services.password_link_use``)."""

    new_password = forms.CharField(label=_("新密码"), widget=forms.PasswordInput)
    new_password2 = forms.CharField(label=_("确认新密码"), widget=forms.PasswordInput)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致"))
        return data


class PasswordChangeForm(PasswordSetForm):
    """The new password twice, after the old one."""

    old_password = forms.CharField(label=_("原密码"), widget=forms.PasswordInput)
    field_order = ["old_password", "new_password", "new_password2"]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("用途"), max_length=100)
    days = forms.IntegerField(label=_("有效天数"), min_value=1, max_value=3650, initial=365)


class SetupForm(forms.Form):
    """The first-run page: the city, its committee office and the first administrator."""

    setup_code = forms.CharField(
        label=_("初始化码"), max_length=40,
        help_text=_("服务器在首次打开本页时生成，写在数据目录的 setup-code.txt 中，并记录在服务器日志里。"),
    )
    city_name = forms.CharField(label=_("城市名称"), max_length=100, help_text=_("如：深圳市"))
    city_code = forms.CharField(
        label=_("行政区划代码"), max_length=6, min_length=6,
        help_text=_("6位数字：市（如 440300）或单独使用平台的区县（如 440305）"),
    )
    office_abbr = forms.CharField(label=_("安委办发文机关代字"), max_length=30, required=False, help_text=_("如：深安委办"))
    admin_username = forms.CharField(label=_("管理员用户名"), max_length=150)
    admin_name = forms.CharField(label=_("管理员姓名"), max_length=50, required=False)
    admin_phone = forms.CharField(label=_("管理员手机"), max_length=20, required=False)
    password = forms.CharField(label=_("管理员密码"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("确认密码"), widget=forms.PasswordInput)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致"))
        return data


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    display_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机"), max_length=20, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)


class UserEditForm(forms.Form):
    display_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机"), max_length=20, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)


class GrantForm(forms.Form):
    """A role in one scope: a jurisdiction, a department, or an enterprise (by its credit code).
    The choices are only what the administrator manages; the service checks again."""

    role = ScopedModelChoiceField("accounts.roles", label=_("角色"), empty_label=_("请选择"))
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions@accounts.manage", label=_("辖区"), required=False,
                                          empty_label=_("（不按辖区）"))
    department = ScopedModelChoiceField("orgs.departments@accounts.manage", label=_("部门"), required=False,
                                        empty_label=_("（不按部门）"))
    enterprise_code = forms.CharField(label=_("企业统一社会信用代码"), max_length=18, required=False)
    valid_from = forms.DateField(label=_("生效日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._user = user
        scope_fields(self, user)
        self.fields["jurisdiction"].bind(user, narrow=lambda qs: qs.filter(level__lt=JurisdictionLevel.GRID))
        self.fields["jurisdiction"].label_from_instance = lambda j: ("\u3000" * j.depth) + j.name
        self.fields["department"].label_from_instance = lambda d: f"{d.jurisdiction.name} · {d.name}"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code = (data.get("enterprise_code") or "").strip().upper()
        data["enterprise"] = None
        if code:
            data["enterprise"] = lookup("enterprises").find(self._user, code, by="credit_code")
            if data["enterprise"] is None:
                self.add_error("enterprise_code", _("您的辖区内没有该信用代码的企业"))
        chosen = [k for k in ("jurisdiction", "department", "enterprise") if data.get(k)]
        if "enterprise" in chosen and len(chosen) > 1:
            self.add_error(None, _("企业授权不能同时选择辖区或部门"))
        return data


class UserImportForm(forms.Form):
    file = forms.FileField(label=_("用户名单（.xlsx 或 .csv）"),
                           widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.csv"}))
