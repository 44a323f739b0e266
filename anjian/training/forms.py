"""Forms of the training app: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.forms import QueryForm, ScopedModelChoiceField, bootstrap, scope_fields
from anjian.training.models import ActivityKind, CertificateKind, Group, TraineeRole

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


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


class _Form(forms.Form):
    def __init__(self, *args: Any, user: Any = None, size: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self, size=size)
        scope_fields(self, user)


class TraineeForm(_Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    enterprise = ScopedModelChoiceField("enterprises@training.manage", search=True, label=_("所在企业"), required=False)
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions@training.manage", label=_("所在辖区"), required=False,
                                          help_text=_("非企业人员（干部、学生、居民）填写"))
    role = forms.ChoiceField(label=_("岗位"), choices=TraineeRole.choices)
    group = forms.ChoiceField(label=_("人群类别"), choices=Group.choices)
    started_on = forms.DateField(label=_("上岗/任职日期"), widget=DATE, required=False)


class HoursFilter(QueryForm):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    short = forms.BooleanField(label=_("仅学时不足"), required=False)


class TrainerForm(_Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    organisation = forms.CharField(label=_("工作单位"), max_length=200, required=False)
    title = forms.CharField(label=_("职称/资格"), max_length=200, required=False)
    subjects = forms.CharField(label=_("擅长领域"), max_length=300, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions@training.manage", label=_("所属辖区"), required=False)
    enterprise = ScopedModelChoiceField("enterprises@training.manage", search=True, label=_("所属企业"), required=False,
                                        help_text=_("企业内部教师填写"))


class CourseForm(_Form):
    title = forms.CharField(label=_("课程名称"), max_length=200)
    code = forms.CharField(label=_("课程编号"), max_length=30, required=False)
    subject = forms.CharField(label=_("培训内容"), max_length=300)
    hours = forms.DecimalField(label=_("学时"), max_digits=5, decimal_places=1, min_value=0)
    role = forms.ChoiceField(label=_("适用岗位"), choices=[("", _("不限岗位")), *TraineeRole.choices], required=False)
    group = forms.ChoiceField(label=_("培训对象"), choices=Group.choices)
    high_risk = forms.BooleanField(label=_("高危行业"), required=False,
                                   help_text=_("煤矿、非煤矿山、危险化学品、烟花爆竹、金属冶炼"))
    sector = ScopedModelChoiceField("orgs.sectors", search=True, label=_("适用行业"), required=False)
    refresher = forms.BooleanField(label=_("再培训"), required=False)
    trainer = ScopedModelChoiceField("training.trainers", search=True, label=_("授课教师"), required=False)
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions@training.manage", label=_("所属辖区"), required=False)
    enterprise = ScopedModelChoiceField("enterprises@training.manage", search=True, label=_("所属企业"), required=False,
                                        help_text=_("企业自有课程填写"))


class SessionForm(_Form):
    course = ScopedModelChoiceField("training.courses", search=True, label=_("课程目录"), required=False,
                                    help_text=_("从课程目录选择时，课程名称、学时、培训对象和教师取自课程"))
    title = forms.CharField(label=_("培训课程"), max_length=200, required=False)
    group = forms.ChoiceField(label=_("培训对象"), choices=[("", _("（取自课程）")), *Group.choices], required=False)
    refresher = forms.BooleanField(label=_("再培训"), required=False)
    hours = forms.DecimalField(label=_("学时"), max_digits=5, decimal_places=1, min_value=0, required=False)
    teacher = ScopedModelChoiceField("training.trainers", search=True, label=_("授课教师"), required=False)
    place = forms.CharField(label=_("培训地点"), max_length=200)
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=DATETIME)
    enterprise = ScopedModelChoiceField("enterprises@training.manage", search=True, label=_("组织企业"), required=False,
                                        help_text=_("企业内部培训填写；政府组织的培训留空并选择辖区"))
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions@training.manage", label=_("组织辖区"), required=False)
    department = ScopedModelChoiceField("orgs.departments", label=_("主办部门"), required=False,
                                        help_text=_("政府组织的行业培训填写，该部门人员可查看"))
    has_exam = forms.BooleanField(label=_("考试"), required=False)
    pass_score = forms.IntegerField(label=_("合格分数"), min_value=0, max_value=100, initial=60)


class EnrolForm(_Form):
    trainee = ScopedModelChoiceField("training.trainees@training.manage", search=True, label=_("培训人员"))


class AttendanceForm(_Form):
    attendance = forms.IntegerField(label=_("序号"), min_value=1, help_text=_("签到名单中的序号"))
    present = forms.BooleanField(label=_("出勤"), required=False)
    hours = forms.DecimalField(label=_("获得学时"), max_digits=5, decimal_places=1, min_value=0, required=False)
    score = forms.IntegerField(label=_("考试成绩"), min_value=0, max_value=100, required=False)


class CloseForm(_Form):
    pass


class SignInForm(_Form):
    code = forms.CharField(label=_("签到码"), max_length=6, min_length=6,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    phone = forms.CharField(label=_("手机号"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))


class CertificateForm(_Form):
    trainee = ScopedModelChoiceField("training.trainees@training.certify", search=True, label=_("持证人"))
    kind = forms.ChoiceField(label=_("证书类型"), choices=CertificateKind.choices)
    number = forms.CharField(label=_("证号"), max_length=80)
    issued_on = forms.DateField(label=_("发证日期"), widget=DATE)
    issued_by = forms.CharField(label=_("发证机关"), max_length=100, required=False)
    years_in_job = forms.IntegerField(label=_("本岗位连续从业年限"), min_value=0, initial=0, required=False,
                                      help_text=_("特种作业连续从业满 10 年且无违法记录的，复审周期延长至 6 年"))


class RenewForm(_Form):
    issued_on = forms.DateField(label=_("新证发证日期"), widget=DATE, initial=timezone.localdate)
    number = forms.CharField(label=_("新证号"), max_length=80, required=False)


class ReviewForm(_Form):
    reviewed_on = forms.DateField(label=_("复审日期"), widget=DATE, initial=timezone.localdate)


class PlanForm(_Form):
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions@training.plan", label=_("辖区"))
    name = forms.CharField(label=_("规划名称"), max_length=200)
    start_year = forms.IntegerField(label=_("起始年度"), min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label=_("截止年度"), min_value=2000, max_value=2100)
    targets = forms.CharField(label=_("年度目标"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                              help_text=_("每行一项：年度 人群 目标人数，人群为：干部、企业重点人群、从业人员、学生、居民，如「2027 学生 5000」"))


class ActivityForm(_Form):
    jurisdiction = ScopedModelChoiceField("orgs.jurisdictions@training.publicity", label=_("辖区"))
    kind = forms.ChoiceField(label=_("活动类型"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("活动名称"), max_length=200)
    organiser = forms.CharField(label=_("主办单位"), max_length=200)
    place = forms.CharField(label=_("地点"), max_length=200)
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE)
    reach = forms.IntegerField(label=_("受众人次"), min_value=0, initial=0)
    materials = forms.IntegerField(label=_("发放资料（份）"), min_value=0, initial=0)
    description = forms.CharField(label=_("活动内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    is_public = forms.BooleanField(label=_("对外公布"), required=False, initial=True)
    files = FilesField(label=_("活动照片与资料"), required=False)


class ActivityFilesForm(_Form):
    files = FilesField(label=_("活动照片与资料"), required=True)


class YearFilter(QueryForm):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
