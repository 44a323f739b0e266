from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("原密码"), widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("新密码"), widget=forms.PasswordInput)
    new_password2 = forms.CharField(label=_("确认新密码"), widget=forms.PasswordInput)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致"))
        return data


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
