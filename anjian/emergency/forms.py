from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.forms import QueryForm, ScopedModelChoiceField, bootstrap
from anjian.emergency.models import (
    CERTAINTY_CHOICES,
    SEVERITY_CHOICES,
    URGENCY_CHOICES,
    DrillContent,
    DrillForm,
    DrillPurpose,
    DrillTopic,
    LawKind,
    LogKind,
    PlanStatus,
    PlanType,
    Readiness,
    ReviewKind,
    TeamKind,
    UnitKind,
)
from anjian.rules.emergency import REVISION_TRIGGERS

DATE = forms.DateInput(attrs={"type": "date"})


class _Form(forms.Form):
    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, ScopedModelChoiceField):
                field.bind(user)
        bootstrap(self)


class PlanFilterForm(QueryForm):
    q = forms.CharField(label=_("关键词"), required=False)
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部")), *PlanStatus.choices], required=False)
    plan_type = forms.ChoiceField(label=_("预案类型"), choices=[("", _("全部")), *PlanType.choices], required=False)
    owner_kind = forms.ChoiceField(label=_("编制单位类型"), choices=[("", _("全部")), *UnitKind.choices], required=False)
    overdue = forms.BooleanField(label=_("仅备案逾期"), required=False)

    def filters(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}


class PlanForm(_Form):
    enterprise = ScopedModelChoiceField("enterprises@emergency.plan", search=True, label=_("生产经营单位"),
                                        required=False, help_text=_("政府预案不填，改选辖区或部门"))
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions@emergency.plan", label=_("政府预案：辖区"),
                                          required=False)
    department = ScopedModelChoiceField("orgs.departments@emergency.plan", label=_("政府预案：部门"), required=False)
    plan_type = forms.ChoiceField(label=_("预案类型"), choices=PlanType.choices)
    title = forms.CharField(label=_("预案名称"), max_length=200)
    accident_types = forms.CharField(label=_("涵盖的事故类型"), required=False, help_text=_("以顿号或逗号分隔"))
    summary = forms.CharField(label=_("预案简本"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    response_card = forms.CharField(label=_("应急处置卡"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                                    help_text=_("每行一步：岗位、报警电话、处置步骤"))

    def types(self) -> list[str]:
        raw = self.cleaned_data.get("accident_types") or ""
        return [t.strip() for t in raw.replace("，", ",").replace("、", ",").split(",") if t.strip()]


class PublishForm(_Form):
    signed_by = forms.CharField(label=_("签署人（主要负责人）"), max_length=50)
    published_on = forms.DateField(label=_("公布日期"), widget=DATE, initial=timezone.localdate)


class NoteForm(_Form):
    note = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReviewForm(_Form):
    kind = forms.ChoiceField(label=_("方式"), choices=ReviewKind.choices)
    held_on = forms.DateField(label=_("日期"), widget=DATE)
    experts = forms.CharField(label=_("评审专家"), required=False)
    conclusion = forms.CharField(label=_("评审意见"), widget=forms.Textarea(attrs={"rows": 2}))
    passed = forms.BooleanField(label=_("通过"), required=False, initial=True)


class EvaluateForm(_Form):
    evaluated_on = forms.DateField(label=_("评估日期"), widget=DATE, initial=timezone.localdate)
    conclusion = forms.CharField(label=_("评估结论"), widget=forms.Textarea(attrs={"rows": 2}))
    revise = forms.BooleanField(label=_("需要修订"), required=False)


class RevisionForm(_Form):
    code = forms.ChoiceField(label=_("修订情形"), choices=[(c, zh) for c, zh, _en in REVISION_TRIGGERS])
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DrillRecordForm(_Form):
    plan = ScopedModelChoiceField("emergency.plans@emergency.drill", label=_("演练预案"), required=False)
    enterprise = ScopedModelChoiceField("enterprises@emergency.drill", search=True, label=_("单位（无预案时）"),
                                        required=False)
    title = forms.CharField(label=_("演练名称"), max_length=200)
    topic = forms.ChoiceField(label=_("演练类别"), choices=DrillTopic.choices)
    content = forms.ChoiceField(label=_("演练内容"), choices=DrillContent.choices)
    form = forms.ChoiceField(label=_("演练形式"), choices=DrillForm.choices)
    purpose = forms.ChoiceField(label=_("演练目的"), choices=DrillPurpose.choices)
    held_on = forms.DateField(label=_("演练日期"), widget=DATE, initial=timezone.localdate)
    participants = forms.IntegerField(label=_("参演人数"), min_value=0, initial=0)
    evaluation = forms.CharField(label=_("评估报告"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    problems = forms.CharField(label=_("发现的问题"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                               help_text=_("填写后将提出预案修订待办"))


class TeamForm(_Form):
    name = forms.CharField(label=_("队伍名称"), max_length=200)
    kind = forms.ChoiceField(label=_("队伍类型"), choices=TeamKind.choices)
    enterprise = ScopedModelChoiceField("enterprises@emergency.resource", search=True, label=_("所属单位"),
                                        required=False)
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions@emergency.resource", label=_("属地"), required=False)
    specialties = forms.CharField(label=_("专长"), required=False)
    equipment = forms.CharField(label=_("主要装备"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    leader = forms.CharField(label=_("负责人"), required=False)
    phone = forms.CharField(label=_("值班电话"), required=False)
    address = forms.CharField(label=_("驻地"), required=False)
    lng = forms.FloatField(label=_("经度"), required=False)
    lat = forms.FloatField(label=_("纬度"), required=False)
    readiness = forms.ChoiceField(label=_("战备状态"), choices=Readiness.choices)


class WarehouseForm(_Form):
    name = forms.CharField(label=_("仓库名称"), max_length=200)
    enterprise = ScopedModelChoiceField("enterprises@emergency.resource", search=True, label=_("所属单位"),
                                        required=False)
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions@emergency.resource", label=_("属地"), required=False)
    keeper = forms.CharField(label=_("保管人"), required=False)
    phone = forms.CharField(label=_("电话"), required=False)
    address = forms.CharField(label=_("地址"), required=False)
    lng = forms.FloatField(label=_("经度"), required=False)
    lat = forms.FloatField(label=_("纬度"), required=False)


MOVE_CHOICES = [("receipt", _("入库")), ("issue", _("出库")), ("transfer", _("调拨")), ("count", _("盘点"))]


class MovementForm(_Form):
    kind = forms.ChoiceField(label=_("业务"), choices=MOVE_CHOICES)
    material = forms.CharField(label=_("物资名称"), max_length=100)
    quantity = forms.DecimalField(label=_("数量（盘点时为实存数）"), min_value=0, decimal_places=2)
    unit = forms.CharField(label=_("计量单位"), required=False, max_length=10)
    expires_on = forms.DateField(label=_("有效期至"), widget=DATE, required=False)
    minimum = forms.DecimalField(label=_("最低储备"), min_value=0, required=False)
    destination = ScopedModelChoiceField("emergency.warehouses@emergency.resource", label=_("调入仓库"), required=False)
    note = forms.CharField(label=_("说明"), required=False, max_length=300)


class IncidentForm(_Form):
    title = forms.CharField(label=_("事件名称"), max_length=200)
    accident = ScopedModelChoiceField("emergency.accidents", label=_("来自事故报告"), required=False)
    alarm = ScopedModelChoiceField("emergency.alarms", label=_("来自监测报警"), required=False)
    enterprise = ScopedModelChoiceField("enterprises@emergency.command", search=True, label=_("涉事单位"),
                                        required=False)
    lng = forms.FloatField(label=_("经度"), required=False)
    lat = forms.FloatField(label=_("纬度"), required=False)
    address = forms.CharField(label=_("地点"), required=False)
    needs = forms.CharField(label=_("所需物资"), required=False, help_text=_("以逗号分隔，如：吸附棉, 防毒面具"))
    commander = forms.CharField(label=_("现场指挥"), required=False)
    description = forms.CharField(label=_("事件概况"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class LogForm(_Form):
    kind = forms.ChoiceField(label=_("类型"), choices=LogKind.choices)
    team = ScopedModelChoiceField("emergency.teams", label=_("队伍"), required=False)
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(_Form):
    review = forms.CharField(label=_("处置评估"), widget=forms.Textarea(attrs={"rows": 3}))


class AlertForm(_Form):
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions@emergency.alert", label=_("发布辖区"))
    event = forms.CharField(label=_("事件"), max_length=100)
    urgency = forms.ChoiceField(label=_("紧迫程度"), choices=URGENCY_CHOICES)
    severity = forms.ChoiceField(label=_("严重程度"), choices=SEVERITY_CHOICES)
    certainty = forms.ChoiceField(label=_("确定程度"), choices=CERTAINTY_CHOICES)
    headline_zh = forms.CharField(label=_("标题（中文）"), max_length=200)
    headline_en = forms.CharField(label=_("标题（英文）"), max_length=200, required=False)
    description_zh = forms.CharField(label=_("描述（中文）"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    description_en = forms.CharField(label=_("描述（英文）"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    instruction_zh = forms.CharField(label=_("防御指引（中文）"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    instruction_en = forms.CharField(label=_("防御指引（英文）"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    area_desc = forms.CharField(label=_("影响区域"), max_length=300)
    polygons = forms.CharField(label=_("多边形"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                               help_text=_("每行一个：纬度,经度 纬度,经度 …（首尾相同）"))
    circles = forms.CharField(label=_("圆形区域"), required=False, help_text=_("每行一个：纬度,经度 半径(公里)"))
    expires = forms.DateTimeField(label=_("失效时间"), required=False,
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    @staticmethod
    def lines(value: str) -> list[str]:
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class AlertImportForm(forms.Form):
    file = forms.FileField(label=_("CAP 文件"))


class TeamMemberForm(_Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    role = forms.CharField(label=_("职务"), max_length=50, required=False)
    specialty = forms.CharField(label=_("专长"), max_length=100, required=False)
    phone = forms.CharField(label=_("电话"), max_length=30, required=False)
    certified = forms.BooleanField(label=_("经培训考核合格"), required=False)


class ReadinessForm(_Form):
    readiness = forms.ChoiceField(label=_("战备状态"), choices=Readiness.choices)


class ExpertForm(_Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    specialties = forms.CharField(label=_("专业领域"), max_length=300)
    organisation = forms.CharField(label=_("工作单位"), max_length=200, required=False)
    title = forms.CharField(label=_("职称"), max_length=50, required=False)
    phone = forms.CharField(label=_("电话"), max_length=30, required=False)
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions@emergency.resource", label=_("所在地"))
    lng = forms.FloatField(label=_("经度"), required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("纬度"), required=False, min_value=-90, max_value=90)


class ShelterForm(_Form):
    name = forms.CharField(label=_("避难场所"), max_length=200)
    capacity = forms.IntegerField(label=_("容纳人数"), min_value=0, max_value=10_000_000)
    address = forms.CharField(label=_("地址"), max_length=300, required=False)
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions@emergency.resource", label=_("属地"), required=False)
    lng = forms.FloatField(label=_("经度"), required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("纬度"), required=False, min_value=-90, max_value=90)


class LawFilterForm(QueryForm):
    q = forms.CharField(label=_("名称或文号"), required=False)
    kind = forms.ChoiceField(label=_("类别"), choices=[("", _("全部")), *LawKind.choices], required=False)
    state = forms.ChoiceField(label=_("效力"), required=False, choices=[
        ("", _("全部")), ("in_force", _("现行有效")), ("repealed", _("已废止或失效")), ("pending", _("尚未施行"))])
    on = forms.DateField(label=_("截至日期"), widget=DATE, required=False)

    def filters(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}


class LawForm(_Form):
    kind = forms.ChoiceField(label=_("类别"), choices=LawKind.choices, initial=LawKind.LOCAL)
    title = forms.CharField(label=_("名称"), max_length=200)
    number = forms.CharField(label=_("文号或标准号"), max_length=100, required=False)
    issuer = forms.CharField(label=_("发布机关"), max_length=200, required=False)
    issued_on = forms.DateField(label=_("发布日期"), widget=DATE, required=False)
    effective_on = forms.DateField(label=_("施行日期"), widget=DATE)
    repealed_on = forms.DateField(label=_("废止或失效日期"), widget=DATE, required=False)
    replaced_by = ScopedModelChoiceField("emergency.laws", search=True, label=_("被替代为"), required=False)
    summary = forms.CharField(label=_("摘要"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    link = forms.URLField(label=_("全文链接"), required=False, assume_scheme="https")


class DutyFilterForm(QueryForm):
    start = forms.DateField(label=_("起始日期"), widget=DATE, required=False)
    days = forms.IntegerField(label=_("天数"), min_value=1, max_value=62, required=False)


class DutyShiftForm(_Form):
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions@emergency.resource", label=_("值班单位（辖区应急办）"),
                                          required=False)
    department = ScopedModelChoiceField("orgs.departments@emergency.resource", label=_("值班单位（部门）"),
                                        required=False, help_text=_("部门值班时选择部门，否则选择辖区"))
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    leader = forms.CharField(label=_("带班领导"), max_length=50)
    leader_phone = forms.CharField(label=_("带班领导电话"), max_length=30, required=False)
    officer = forms.CharField(label=_("值班员"), max_length=50)
    officer_phone = forms.CharField(label=_("值班电话"), max_length=30)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class ReasonForm(_Form):
    reason = forms.CharField(label=_("原因"), max_length=200)
