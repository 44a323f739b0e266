"""Forms for the committee's work: they parse input; the services decide. Every unit a user can
choose is offered (and accepted) from the user's own scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.committee.models import CaseSource, MeetingKind, MemberRole, NoticeKind, VisitFocus
from anjian.core.forms import DateInput, QueryForm, ScopedModelChoiceField, bootstrap
from anjian.documents.models import DocumentSeries
from anjian.hazards.models import HazardLevel
from anjian.orgs.models import Department, DepartmentKind, Jurisdiction, JurisdictionLevel

ROWS = 5
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def area_choices(user: Any, action: str) -> list[tuple[str, str]]:
    """The committee areas (city, districts, streets) where the user may ``action``."""
    qs = Jurisdiction.objects.restrict(user, action).filter(level__lte=JurisdictionLevel.STREET, is_active=True)
    return [(str(j.pk), j.name) for j in qs.order_by("path")[:200]]


def unit_choices(user: Any, action: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Districts and streets (``j:<id>``) and departments (``d:<id>``) the user reaches."""
    jurs = Jurisdiction.objects.restrict(user, action).filter(
        level__in=[JurisdictionLevel.DISTRICT, JurisdictionLevel.STREET], is_active=True).order_by("path")[:300]
    depts = Department.objects.restrict(user, action).filter(is_active=True).exclude(
        kind__in=[DepartmentKind.COMMITTEE_OFFICE, DepartmentKind.STREET_OFFICE]).order_by("name")[:300]
    return [
        (str(_("辖区")), [(f"j:{j.pk}", j.name) for j in jurs]),
        (str(_("部门")), [(f"d:{d.pk}", d.name) for d in depts]),
    ]


def resolve_unit(user: Any, action: str, value: str) -> Any:
    kind, _sep, pk = (value or "").partition(":")
    model = {"j": Jurisdiction, "d": Department}.get(kind)
    if model is None or not pk.isdigit():
        return None
    return model.objects.restrict(user, action).filter(pk=int(pk)).first()


def series_choices(user: Any) -> list[tuple[str, str]]:
    return [(str(s.pk), str(s)) for s in DocumentSeries.objects.restrict(user, "documents.issue").order_by("code")[:100]]


def resolve_series(user: Any, value: str) -> Any:
    return DocumentSeries.objects.restrict(user, "documents.issue").filter(pk=int(value)).first() if value.isdigit() else None


class _UserForm(forms.Form):
    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if "jurisdiction" in self.fields:
            self.fields["jurisdiction"].choices = area_choices(user, self.action)  # type: ignore[attr-defined]
        if "series" in self.fields:
            self.fields["series"].choices = [("", _("（不编号）") if not self.fields["series"].required else "—"),
                                             *series_choices(user)]  # type: ignore[attr-defined]
        bootstrap(self)

    action = "committee.supervise"

    def clean_jurisdiction(self) -> Any:
        jur = Jurisdiction.objects.restrict(self.user, self.action).filter(pk=self.cleaned_data["jurisdiction"]).first()
        if jur is None:
            raise forms.ValidationError(_("所选项不存在或不在您的管辖范围内"))
        return jur

    def clean_series(self) -> Any:
        value = self.cleaned_data.get("series") or ""
        if not value:
            return None
        s = resolve_series(self.user, value)
        if s is None:
            raise forms.ValidationError(_("所选项不存在或不在您的管辖范围内"))
        return s


class CaseForm(_UserForm):
    source = forms.ChoiceField(label=_("来源"), choices=[c for c in CaseSource.choices if c[0] != "interview"])
    jurisdiction = forms.ChoiceField(label=_("督办辖区"))
    title = forms.CharField(label=_("督办事项"), max_length=200)
    leader = forms.CharField(label=_("批示领导"), max_length=50, required=False)
    instructed_on = forms.DateField(label=_("批示/决定日期"), widget=DateInput(), required=False)
    content = forms.CharField(label=_("批示/决定内容"), widget=forms.Textarea(attrs={"rows": 3}))
    series = forms.ChoiceField(label=_("督办文号序列"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        units = [("", "—"), *unit_choices(user, "committee.view")]
        for i in range(1, ROWS + 1):
            self.fields[f"unit_{i}"] = forms.ChoiceField(label=_("承办单位"), choices=units, required=i == 1)
            self.fields[f"requirement_{i}"] = forms.CharField(label=_("办理要求"), max_length=500, required=False)
            self.fields[f"deadline_{i}"] = forms.DateField(label=_("办理期限"), widget=DateInput(), required=i == 1)
        bootstrap(self)

    def rows(self) -> list[tuple[Any, Any, Any]]:
        return [(self[f"unit_{i}"], self[f"requirement_{i}"], self[f"deadline_{i}"]) for i in range(1, ROWS + 1)]

    def tasks(self) -> list[dict[str, Any]]:
        out = []
        for i in range(1, ROWS + 1):
            value = self.cleaned_data.get(f"unit_{i}")
            if not value:
                continue
            unit = resolve_unit(self.user, "committee.view", value)
            if unit is None:
                self.add_error(f"unit_{i}", _("所选项不存在或不在您的管辖范围内"))
                continue
            if not self.cleaned_data.get(f"deadline_{i}"):
                self.add_error(f"deadline_{i}", _("须填写办理期限"))
                continue
            out.append({"unit": unit, "requirement": self.cleaned_data.get(f"requirement_{i}") or "",
                        "deadline": self.cleaned_data[f"deadline_{i}"]})
        return out


class CaseFilterForm(QueryForm):
    q = forms.CharField(label=_("关键词"), required=False)
    source = forms.ChoiceField(label=_("来源"), choices=[("", _("全部")), *CaseSource.choices], required=False)
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部")), ("open", _("督办中")), ("closed", _("已办结"))],
                               required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def filters(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}


class FeedbackForm(forms.Form):
    feedback = forms.CharField(label=_("办理情况"), widget=forms.Textarea(attrs={"rows": 4}))
    files = forms.FileField(label=_("佐证材料"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*,.pdf,.doc,.docx"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class MeetingForm(_UserForm):
    action = "committee.manage"
    jurisdiction = forms.ChoiceField(label=_("安委会"))
    kind = forms.ChoiceField(label=_("会议类型"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("会议名称"), max_length=200)
    held_at = forms.DateTimeField(label=_("召开时间"), widget=DATETIME)
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    chair = forms.CharField(label=_("主持人"), max_length=50, required=False)
    agenda = forms.CharField(label=_("议程"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class SignInForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    department = forms.ChoiceField(label=_("单位"), required=False)

    def __init__(self, *args: Any, user: Any, meeting: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        depts = Department.objects.filter(jurisdiction__path__startswith=meeting.jurisdiction.path, is_active=True)
        self.fields["department"].choices = [("", "—"), *[(str(d.pk), d.name) for d in depts.order_by("name")[:300]]]
        bootstrap(self, size="lg")

    def clean_department(self) -> Any:
        value = self.cleaned_data.get("department") or ""
        return Department.objects.filter(pk=int(value)).first() if value.isdigit() else None


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("会议纪要"), widget=forms.Textarea(attrs={"rows": 6}))
    series = forms.ChoiceField(label=_("纪要文号序列"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["series"].choices = [("", _("（不编号）")), *series_choices(user)]
        bootstrap(self)

    def clean_series(self) -> Any:
        value = self.cleaned_data.get("series") or ""
        return resolve_series(self.user, value) if value else None


class NoticeForm(_UserForm):
    jurisdiction = forms.ChoiceField(label=_("发文辖区"))
    kind = forms.ChoiceField(label=_("类型"), choices=NoticeKind.choices)
    title = forms.CharField(label=_("标题"), max_length=200)
    issuer = forms.CharField(label=_("发文机关"), max_length=100)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 6}))
    recipients = forms.MultipleChoiceField(label=_("接收单位"), widget=forms.SelectMultiple(attrs={"size": 8}))
    series = forms.ChoiceField(label=_("文号序列"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["recipients"].choices = unit_choices(user, "committee.view")
        self.fields["series"].choices = series_choices(user)

    def clean_recipients(self) -> list[Any]:
        units = [resolve_unit(self.user, "committee.view", v) for v in self.cleaned_data["recipients"]]
        if any(u is None for u in units):
            raise forms.ValidationError(_("所选项不存在或不在您的管辖范围内"))
        return units


class InterviewForm(_UserForm):
    jurisdiction = forms.ChoiceField(label=_("约谈辖区"))
    target = forms.ChoiceField(label=_("被约谈单位"))
    interviewees = forms.CharField(label=_("被约谈人"), max_length=300)
    interviewer = forms.CharField(label=_("约谈人"), max_length=100)
    held_on = forms.DateField(label=_("约谈日期"), widget=DateInput())
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    reason = forms.CharField(label=_("约谈事由"), widget=forms.Textarea(attrs={"rows": 3}))
    commitments = forms.CharField(label=_("整改承诺"), widget=forms.Textarea(attrs={"rows": 3}))
    follow_up_on = forms.DateField(label=_("跟踪检查日期"), widget=DateInput())
    series = forms.ChoiceField(label=_("文号序列"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["target"].choices = [("", "—"), *unit_choices(user, "committee.view")]

    def clean_target(self) -> Any:
        unit = resolve_unit(self.user, "committee.view", self.cleaned_data["target"])
        if unit is None:
            raise forms.ValidationError(_("所选项不存在或不在您的管辖范围内"))
        return unit


class MemberForm(_UserForm):
    action = "committee.manage"
    jurisdiction = forms.ChoiceField(label=_("安委会"))
    department = forms.ChoiceField(label=_("成员单位"))
    role = forms.ChoiceField(label=_("身份"), choices=MemberRole.choices)
    representative = forms.CharField(label=_("安委会成员"), max_length=50, required=False)
    representative_post = forms.CharField(label=_("成员职务"), max_length=60, required=False)
    liaison = forms.CharField(label=_("联络员"), max_length=50, required=False)
    liaison_phone = forms.CharField(label=_("联络员电话"), max_length=30, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        depts = Department.objects.restrict(user, "orgs.view").filter(is_active=True).order_by("name")[:300]
        self.fields["department"].choices = [(str(d.pk), d.name) for d in depts]

    def clean_department(self) -> Any:
        value = self.cleaned_data["department"]
        d = Department.objects.restrict(self.user, "orgs.view").filter(pk=int(value)).first() if value.isdigit() else None
        if d is None:
            raise forms.ValidationError(_("所选项不存在或不在您的管辖范围内"))
        return d


class VisitForm(_UserForm):
    jurisdiction = forms.ChoiceField(label=_("督导辖区"))
    focus = forms.ChoiceField(label=_("督导类型"), choices=VisitFocus.choices)
    title = forms.CharField(label=_("督导事项"), max_length=200)
    target = forms.CharField(label=_("督导对象"), max_length=200)
    leader = forms.CharField(label=_("带队领导"), max_length=50)
    planned_on = forms.DateField(label=_("计划日期"), widget=DateInput())


class VisitRecordForm(forms.Form):
    findings = forms.CharField(label=_("发现问题"), widget=forms.Textarea(attrs={"rows": 4}))
    files = forms.FileField(label=_("现场照片"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))
    unit = forms.ChoiceField(label=_("交办单位"), required=False)
    requirement = forms.CharField(label=_("整改要求"), max_length=500, required=False)
    deadline = forms.DateField(label=_("整改期限"), widget=DateInput(), required=False)
    # a finding at an enterprise: registered as a hazard (source 督导检查) and routed to its regulator
    hazard_enterprise = ScopedModelChoiceField("enterprises@hazards.report", search=True, required=False,
                                               label=_("发现隐患的企业"))
    hazard_category = forms.CharField(label=_("隐患类别"), max_length=200, required=False)
    hazard_description = forms.CharField(label=_("隐患描述"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    hazard_level = forms.ChoiceField(label=_("隐患等级"), choices=HazardLevel.choices, initial=HazardLevel.GENERAL,
                                     required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"].choices = [("", _("（不交办）")), *unit_choices(user, "committee.view")]
        self.fields["hazard_enterprise"].bind(user)
        bootstrap(self, size="lg")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("hazard_enterprise") is not None and not (data.get("hazard_description") or "").strip():
            self.add_error("hazard_description", _("请填写隐患描述"))
        return data

    def hazards(self) -> list[dict[str, Any]]:
        enterprise = self.cleaned_data.get("hazard_enterprise")
        if enterprise is None:
            return []
        return [{"enterprise": enterprise, "category": self.cleaned_data.get("hazard_category") or "督导发现",
                 "description": self.cleaned_data["hazard_description"].strip(),
                 "level": self.cleaned_data.get("hazard_level") or HazardLevel.GENERAL}]

    def tasks(self) -> list[dict[str, Any]]:
        value = self.cleaned_data.get("unit")
        if not value:
            return []
        unit = resolve_unit(self.user, "committee.view", value)
        if unit is None or not self.cleaned_data.get("deadline"):
            raise forms.ValidationError(_("交办单位须在您的管辖范围内，并填写整改期限"))
        return [{"unit": unit, "requirement": self.cleaned_data.get("requirement") or self.cleaned_data["findings"],
                 "deadline": self.cleaned_data["deadline"]}]
