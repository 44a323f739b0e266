"""Forms of the accident pages: the query form, the quick report and the supplement."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anjian.accidents.choices import AccidentKind, Category, Grade, Measure, Misreport, SubjectKind, bilingual
from anjian.core.forms import DateInput, QueryForm, ScopedModelChoiceField, bootstrap, scope_fields
from anjian.rules.accidents import GB6441_1986, GB6441_2025

TYPE_CHOICES = [
    (format_lazy("{} {}", GB6441_2025.standard, _("（2026-07-01起）")),
     [(t.code, bilingual(f"{t.code} {t.name_zh}", f"{t.code} {t.name_en}")) for t in GB6441_2025.types]),
    (format_lazy("{} {}", GB6441_1986.standard, _("（至2026-06-30）")),
     [(t.code, bilingual(f"{t.code} {t.name_zh}", f"{t.code} {t.name_en}")) for t in GB6441_1986.types]),
]
DATE = DateInput()  # renders YYYY-MM-DD, the only value <input type="date"> accepts
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


# Where an accident record comes from: reported here (快报) or imported (ledgers, foreign data).
ORIGIN_CHOICES = [("", _("全部")), ("reported", _("本系统接报")), ("imported", _("导入的历史数据"))]


class AccidentFilterForm(QueryForm):
    start = forms.DateField(label=_("发生日期起"), required=False, widget=DATE)
    end = forms.DateField(label=_("发生日期止"), required=False, widget=DATE)
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions", label=_("区域"), required=False, empty_label=_("全部"))
    category = forms.ChoiceField(label=_("事故类别"), choices=[("", _("全部")), *Category.choices], required=False)
    grade = forms.TypedChoiceField(label=_("等级"), choices=[("", _("全部")), *Grade.choices], required=False,
                                   coerce=int, empty_value=None)
    type_code = forms.ChoiceField(label=_("事故类型"), choices=[("", _("全部")), *TYPE_CHOICES], required=False)
    kind = forms.ChoiceField(label=_("性质"), choices=[("", _("全部")), *AccidentKind.choices], required=False)
    q = forms.CharField(label=_("事故单位"), required=False)
    origin = forms.ChoiceField(label=_("来源"), choices=ORIGIN_CHOICES, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].bind(user, narrow=lambda qs: qs.filter(level__lte=3))

    def filters(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}


class AccidentReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("性质"), choices=AccidentKind.choices, initial=AccidentKind.ACCIDENT)
    enterprise = ScopedModelChoiceField("enterprises@accidents.report", search=True, label=_("事故单位（档案）"),
                                        required=False)
    unit_name = forms.CharField(label=_("事故单位名称"), max_length=200, required=False,
                                help_text=_("未建档单位请填写名称"))
    unit_overview = forms.CharField(label=_("单位概况"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    occurred_at = forms.DateTimeField(label=_("发生时间"), widget=DATETIME)
    known_at = forms.DateTimeField(label=_("单位负责人接报时间"), widget=DATETIME)
    reported_at = forms.DateTimeField(label=_("报告时间"), widget=DATETIME, required=False,
                                      help_text=_("留空为当前时间"))
    place = forms.CharField(label=_("发生地点"), max_length=300)
    lng = forms.FloatField(label=_("经度(WGS-84)"), required=False)
    lat = forms.FloatField(label=_("纬度(WGS-84)"), required=False)
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions", search=True, label=_("属地"), required=False,
                                          help_text=_("有坐标时按坐标自动确定"))
    sector = ScopedModelChoiceField("orgs.sectors", search=True, label=_("行业"), required=False)
    category = forms.ChoiceField(label=_("事故类别"), choices=Category.choices)
    type_code = forms.ChoiceField(label=_("事故类型"), choices=TYPE_CHOICES)
    description = forms.CharField(label=_("事故简要经过"), widget=forms.Textarea(attrs={"rows": 4}))
    deaths = forms.IntegerField(label=_("死亡"), min_value=0, initial=0)
    missing = forms.IntegerField(label=_("下落不明"), min_value=0, initial=0)
    trapped = forms.IntegerField(label=_("被困"), min_value=0, initial=0)
    serious_injuries = forms.IntegerField(label=_("重伤（含急性工业中毒）"), min_value=0, initial=0)
    minor_injuries = forms.IntegerField(label=_("轻伤"), min_value=0, initial=0)
    direct_loss_yuan = forms.DecimalField(label=_("初步估计直接经济损失(元)"), min_value=0, initial=0, decimal_places=2)
    people_at_risk = forms.IntegerField(label=_("涉险人数"), min_value=0, initial=0, required=False)
    evacuated = forms.IntegerField(label=_("紧急疏散人数"), min_value=0, initial=0, required=False)
    serious_pollution = forms.BooleanField(label=_("对环境造成严重污染"), required=False)
    key_site_endangered = forms.BooleanField(label=_("危及重要场所和设施安全"), required=False)
    measures = forms.CharField(label=_("已经采取的措施"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    other = forms.CharField(label=_("其他应当报告的情况"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    reporter = forms.CharField(label=_("报告人"), max_length=50)
    reporter_phone = forms.CharField(label=_("报告人电话"), max_length=30, required=False)

    SECTIONS = [
        (_("事故单位"), ["kind", "enterprise", "unit_name", "unit_overview"]),
        (_("时间与地点"), ["occurred_at", "known_at", "reported_at", "place", "lng", "lat", "jurisdiction", "sector"]),
        (_("事故情况"), ["category", "type_code", "description"]),
        (_("伤亡与损失"), ["deaths", "missing", "trapped", "serious_injuries", "minor_injuries", "direct_loss_yuan"]),
        (_("较大涉险情形"), ["people_at_risk", "evacuated", "serious_pollution", "key_site_endangered"]),
        (_("措施与报告人"), ["measures", "other", "reporter", "reporter_phone"]),
    ]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_fields(self, user)

    def sections(self) -> list[tuple[Any, list[Any]]]:
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]


class SupplementForm(forms.Form):
    changed_on = forms.DateField(label=_("伤亡变化日期"), widget=DATE)
    deaths = forms.IntegerField(label=_("死亡"), min_value=0)
    missing = forms.IntegerField(label=_("下落不明"), min_value=0)
    trapped = forms.IntegerField(label=_("被困"), min_value=0)
    serious_injuries = forms.IntegerField(label=_("重伤"), min_value=0)
    minor_injuries = forms.IntegerField(label=_("轻伤"), min_value=0)
    direct_loss_yuan = forms.DecimalField(label=_("直接经济损失(元)"), min_value=0, decimal_places=2)
    note = forms.CharField(label=_("续报说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class MisreportForm(forms.Form):
    kind = forms.ChoiceField(label=_("认定类型"), choices=Misreport.choices)
    note = forms.CharField(label=_("认定情况"), widget=forms.Textarea(attrs={"rows": 2}))


class AccountabilityForm(forms.Form):
    subject_kind = forms.ChoiceField(label=_("对象类型"), choices=SubjectKind.choices)
    name = forms.CharField(label=_("姓名/单位名称"), max_length=200)
    position = forms.CharField(label=_("职务/性质"), max_length=200, required=False)
    measure = forms.ChoiceField(label=_("处理措施"), choices=Measure.choices)
    fine_yuan = forms.DecimalField(label=_("罚款金额(元)"), min_value=0, required=False)
    detail = forms.CharField(label=_("处理情况"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class StatisticsForm(QueryForm):
    year = forms.IntegerField(label=_("年度"), min_value=1987, max_value=2100)
    month = forms.TypedChoiceField(label=_("月份"), choices=[], coerce=int, empty_value=None, required=False)
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions", label=_("区域"), required=False, empty_label=_("全部"))
    category = forms.ChoiceField(label=_("事故类别"), choices=[("", _("全部")), *Category.choices], required=False)
    origin = forms.ChoiceField(label=_("来源"), choices=ORIGIN_CHOICES, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].bind(user, narrow=lambda qs: qs.filter(level__lte=2))
        self.fields["month"].choices = [("", _("全年")), *[(m, gettext("%(month)d月") % {"month": m}) for m in range(1, 13)]]


class FigureForm(forms.Form):
    """设置 › 统计参考数据: one year's denominators of an area (``services.reference_figure_set``)."""

    year = forms.IntegerField(label=_("年度"), min_value=1987, max_value=2100)
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions@accidents.targets", label=_("区域"))
    gdp_yi_yuan = forms.DecimalField(label=_("地区生产总值(亿元)"), max_digits=14, decimal_places=2,
                                     min_value=0, required=False)
    industrial_employed = forms.IntegerField(label=_("工矿商贸就业人员(人)"), min_value=0, required=False)
    motor_vehicles = forms.IntegerField(label=_("机动车保有量(辆)"), min_value=0, required=False)
    source = forms.CharField(label=_("数据来源"), max_length=200, required=False,
                             help_text=_("如：深圳市统计年鉴2026"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_fields(self, user)
        bootstrap(self)
