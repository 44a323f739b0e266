"""Forms of the funds app: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.forms import QueryForm, ScopedModelChoiceField, bootstrap, scope_fields
from anjian.funds.models import CostRegime, CostUse, TechKind
from anjian.rules.funds import CONSTRUCTION_RATES, TRANSPORT_RATES

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}

CATEGORY_LABELS = {
    "mining": _("矿山工程"), "railway": _("铁路工程"), "building": _("房屋建筑工程"), "urban_rail": _("城市轨道交通工程"),
    "water_power": _("水利水电工程"), "electric_power": _("电力工程"), "smelting": _("冶炼工程"),
    "electromechanical": _("机电安装工程"), "chemical_petroleum": _("化工石油工程"), "telecom": _("通信工程"),
    "municipal": _("市政公用工程"), "port_waterway": _("港口与航道工程"), "highway": _("公路工程"),
    "ordinary_freight": _("普通货运"), "passenger": _("客运"), "pipeline": _("管道运输"),
    "special_freight": _("危险品等特殊货运"),
}
CATEGORY_CHOICES = [("", _("（不适用）")),
                    *[(k, CATEGORY_LABELS[k]) for k in CONSTRUCTION_RATES], *[(k, CATEGORY_LABELS[k]) for k in TRANSPORT_RATES]]


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one input; the cleaned value is the list of uploads (the attachments
    mechanism checks their type and size)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultiFileInput(attrs={"accept": "image/*,.pdf,.docx,.xlsx"}))
        kwargs.setdefault("help_text", _("可选多个文件：图片、PDF、Word、Excel，单个不超过 20 MB"))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        one = super().clean
        if isinstance(data, (list, tuple)):
            if data:
                return [one(d, initial) for d in data]
            data = None
        got = one(data, initial)
        return [got] if got else []


def files_field(label: Any, *, required: bool = False) -> FilesField:
    return FilesField(label=label, required=required)


class _Form(forms.Form):
    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)
        scope_fields(self, user)


def _year() -> int:
    return timezone.localdate().year


class YearFilter(QueryForm):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)


class LineForm(_Form):
    owner = ScopedModelChoiceField("orgs.jurisdictions@funds.manage", label=_("资金管理辖区"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, initial=_year)
    code = forms.CharField(label=_("科目编码"), max_length=30)
    name = forms.CharField(label=_("预算科目"), max_length=200)
    amount = forms.DecimalField(label=_("预算金额（元）"), **MONEY)


class AllocationForm(_Form):
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions@funds.manage", label=_("下达辖区"))
    project = forms.CharField(label=_("项目"), max_length=200)
    amount = forms.DecimalField(label=_("下达金额（元）"), **MONEY)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class SpendingForm(_Form):
    allocation = forms.TypedChoiceField(label=_("经费下达"), coerce=int)
    spent_on = forms.DateField(label=_("支出日期"), widget=DATE)
    amount = forms.DecimalField(label=_("支出金额（元）"), **MONEY)
    voucher_no = forms.CharField(label=_("凭证号"), max_length=60)
    payee = forms.CharField(label=_("收款单位"), max_length=200, required=False)
    purpose = forms.CharField(label=_("用途"), max_length=300)
    files = files_field(_("凭证扫描件"))


class VoucherForm(_Form):
    pk = forms.IntegerField(label=_("支出记录序号"), min_value=1)
    files = files_field(_("凭证扫描件"), required=True)


class ReverseForm(_Form):
    kind = forms.ChoiceField(label=_("冲销对象"), choices=[("spending", _("支出")), ("allocation", _("下达"))])
    pk = forms.IntegerField(label=_("记录序号"), min_value=1)
    reason = forms.CharField(label=_("冲销原因"), max_length=300)


class CostForm(_Form):
    enterprise = ScopedModelChoiceField("enterprises@funds.cost", search=True, label=_("企业"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, initial=_year)
    regime = forms.ChoiceField(label=_("提取类别"), choices=CostRegime.choices)
    category = forms.ChoiceField(label=_("细分类别"), choices=CATEGORY_CHOICES, required=False,
                                 help_text=_("建设工程按工程类别、交通运输按业务类别；危险品按营业收入分段累退"))
    base = forms.DecimalField(label=_("计提依据（元）"), **MONEY, help_text=_("上年度营业收入或建筑安装工程造价"))
    extracted = forms.DecimalField(label=_("实际提取（元）"), **MONEY)
    carried_over = forms.DecimalField(label=_("上年结余（元）"), **MONEY, initial=0)


class CostUseForm(_Form):
    used_on = forms.DateField(label=_("使用日期"), widget=DATE)
    use = forms.ChoiceField(label=_("使用范围"), choices=CostUse.choices)
    amount = forms.DecimalField(label=_("金额（元）"), **MONEY)
    description = forms.CharField(label=_("说明"), max_length=300)


class ProviderForm(_Form):
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions@funds.custody", label=_("备案辖区"))
    name = forms.CharField(label=_("机构名称"), max_length=200)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18, required=False)
    qualification = forms.CharField(label=_("资质"), max_length=200)
    staff_count = forms.IntegerField(label=_("专业技术人员数"), min_value=0)
    capacity = forms.IntegerField(label=_("可托管企业数"), min_value=0)
    staff_usernames = forms.CharField(label=_("服务人员账号"), required=False,
                                      help_text=_("已开通的托管机构用户名，多个用逗号分隔"))


class ContractForm(_Form):
    provider = ScopedModelChoiceField("funds.providers", label=_("托管服务机构"))
    enterprise = ScopedModelChoiceField("enterprises@funds.custody", search=True, label=_("托管企业"))
    number = forms.CharField(label=_("合同编号"), max_length=60)
    starts_at = forms.DateTimeField(label=_("起始时间"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("终止时间"), widget=DATETIME)
    fee = forms.DecimalField(label=_("服务费（元）"), **MONEY, initial=0)
    visit_every_days = forms.IntegerField(label=_("上门服务周期（天）"), min_value=1, max_value=365, initial=30)
    accident_prone = forms.BooleanField(label=_("事故多发企业"), required=False)
    services = forms.CharField(label=_("服务内容"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class VisitForm(_Form):
    visited_on = forms.DateField(label=_("服务日期"), widget=DATE, initial=timezone.localdate)
    content = forms.CharField(label=_("服务内容"), widget=forms.Textarea(attrs={"rows": 2}))
    hazards_found = forms.IntegerField(label=_("发现隐患数"), min_value=0, initial=0)
    hazards_fixed = forms.IntegerField(label=_("整改隐患数"), min_value=0, initial=0)
    files = files_field(_("现场照片与服务单"))


class EvidenceForm(_Form):
    visit = forms.TypedChoiceField(label=_("托管服务记录"), coerce=int)
    files = files_field(_("现场照片与服务单"), required=True)


class ReasonForm(_Form):
    reason = forms.CharField(label=_("原因"), max_length=300)


class TechForm(_Form):
    enterprise = ScopedModelChoiceField("enterprises@funds.tech", search=True, label=_("企业"))
    kind = forms.ChoiceField(label=_("技术类型"), choices=TechKind.choices)
    quantity = forms.IntegerField(label=_("数量"), min_value=1, initial=1)
    installed_on = forms.DateField(label=_("安装日期"), widget=DATE)
    supplier = forms.CharField(label=_("供应/安装单位"), max_length=200, required=False)
    maintenance_every_days = forms.IntegerField(label=_("维护周期（天）"), min_value=1, max_value=3650, initial=180)
    sensor_code = forms.CharField(label=_("联网测点编码"), max_length=64, required=False,
                                  help_text=_("接入监测报警的测点编码，未联网留空"))


class TechFilter(QueryForm):
    kind = forms.ChoiceField(label=_("技术类型"), choices=[("", _("全部")), *TechKind.choices], required=False)


class CampaignForm(_Form):
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions@funds.campaign", label=_("组织辖区"))
    name = forms.CharField(label=_("推广行动"), max_length=200)
    kind = forms.ChoiceField(label=_("技术类型"), choices=TechKind.choices)
    sector = ScopedModelChoiceField("orgs.sectors", search=True, label=_("行业"), required=False,
                                    help_text=_("推广对象：该辖区内此行业的企业；留空为全部行业"))
    max_employees = forms.IntegerField(label=_("从业人数上限"), min_value=1, required=False)
    deadline = forms.DateField(label=_("完成期限"), widget=DATE)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
