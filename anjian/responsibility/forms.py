"""Forms for letters and the assessment: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.committee.forms import area_choices, resolve_series, series_choices
from anjian.core.forms import DateInput, bootstrap
from anjian.enterprises.models import Enterprise
from anjian.orgs.models import Jurisdiction
from anjian.responsibility.models import (
    COMPARATOR_CHOICES,
    METRIC_CHOICES,
    AckMethod,
    LetterLevel,
    Policy,
    Stage,
    SubjectKind,
)

TARGET_ROWS = 5


class _AreaForm(forms.Form):
    action = "responsibility.manage"

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if "jurisdiction" in self.fields:
            self.fields["jurisdiction"].choices = area_choices(user, self.action)  # type: ignore[attr-defined]
        if "series" in self.fields:
            self.fields["series"].choices = series_choices(user)  # type: ignore[attr-defined]
        bootstrap(self)

    def clean_jurisdiction(self) -> Any:
        jur = Jurisdiction.objects.restrict(self.user, self.action).filter(pk=self.cleaned_data["jurisdiction"]).first()
        if jur is None:
            raise forms.ValidationError(_("所选项不存在或不在您的管辖范围内"))
        return jur

    def clean_series(self) -> Any:
        s = resolve_series(self.user, self.cleaned_data.get("series") or "")
        if s is None:
            raise forms.ValidationError(_("所选项不存在或不在您的管辖范围内"))
        return s


class TemplateForm(_AreaForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    level = forms.ChoiceField(label=_("签订层级"),
                              choices=[c for c in LetterLevel.choices if c[0] != LetterLevel.ENTERPRISE_POST])
    jurisdiction = forms.ChoiceField(label=_("下达辖区"))
    title = forms.CharField(label=_("责任书名称"), max_length=200)
    issuer = forms.CharField(label=_("下达机关"), max_length=100)
    ack_days = forms.IntegerField(label=_("签收期限(天)"), min_value=1, max_value=90, initial=15)
    body = forms.CharField(label=_("责任内容"), widget=forms.Textarea(attrs={"rows": 5}), help_text=_("每行一条工作要求"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        for i in range(1, TARGET_ROWS + 1):
            self.fields[f"metric_{i}"] = forms.ChoiceField(label=_("指标"), choices=[("", "—"), *METRIC_CHOICES],
                                                           required=False)
            self.fields[f"comparator_{i}"] = forms.ChoiceField(label=_("比较"), choices=COMPARATOR_CHOICES, required=False)
            self.fields[f"value_{i}"] = forms.DecimalField(label=_("目标值"), required=False, max_digits=10,
                                                           decimal_places=2)
            self.fields[f"text_{i}"] = forms.CharField(label=_("目标表述"), max_length=200, required=False)
        bootstrap(self)

    def rows(self) -> list[tuple[Any, ...]]:
        return [(self[f"metric_{i}"], self[f"comparator_{i}"], self[f"value_{i}"], self[f"text_{i}"])
                for i in range(1, TARGET_ROWS + 1)]

    def targets(self) -> list[dict[str, Any]]:
        out = []
        for i in range(1, TARGET_ROWS + 1):
            metric = self.cleaned_data.get(f"metric_{i}")
            if not metric:
                continue
            value = self.cleaned_data.get(f"value_{i}")
            if value is None:
                self.add_error(f"value_{i}", _("须填写目标值"))
                continue
            out.append({"metric": metric, "comparator": self.cleaned_data.get(f"comparator_{i}") or "le",
                        "value": value, "text": self.cleaned_data.get(f"text_{i}") or ""})
        return out


class IssueForm(_AreaForm):
    series = forms.ChoiceField(label=_("责任书编号序列"))

    def __init__(self, *args: Any, user: Any, optional: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        if optional:  # an enterprise numbers its post letters itself
            self.fields["series"].required = False
            self.fields["series"].choices = [("", _("（企业自行编号）")), *self.fields["series"].choices]  # type: ignore[attr-defined]

    def clean_series(self) -> Any:
        if not self.cleaned_data.get("series") and not self.fields["series"].required:
            return None
        return super().clean_series()


class PostTemplateForm(forms.Form):
    """An enterprise's letters to its posts (企业→岗位)."""

    enterprise = forms.ChoiceField(label=_("下达企业"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("责任书名称"), max_length=200, initial=_("岗位安全生产责任书"))
    posts = forms.CharField(label=_("岗位"), widget=forms.Textarea(attrs={"rows": 5}),
                            help_text=_("每行一个岗位，如：生产部经理"))
    body = forms.CharField(label=_("责任内容"), widget=forms.Textarea(attrs={"rows": 5}), help_text=_("每行一条工作要求"))
    ack_days = forms.IntegerField(label=_("签收期限(天)"), min_value=1, max_value=90, initial=15)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["enterprise"].choices = [(str(e.pk), e.name) for e in enterprises_for_posts(user)[:200]]  # type: ignore[attr-defined]
        bootstrap(self)

    def clean_enterprise(self) -> Any:
        value = self.cleaned_data["enterprise"]
        e = enterprises_for_posts(self.user).filter(pk=int(value)).first() if str(value).isdigit() else None
        if e is None:
            raise forms.ValidationError(_("所选项不存在或不在您的管辖范围内"))
        return e


def enterprises_for_posts(user: Any) -> Any:
    """The enterprises a user may issue post letters for: the ones it may change (its own, for an
    enterprise user)."""
    return Enterprise.objects.restrict(user, "enterprises.change").order_by("name")


class IndicatorRowForm(forms.Form):
    group = forms.CharField(label=_("一级指标"), max_length=200, required=False)
    name = forms.CharField(label=_("二级指标"), max_length=200, required=False)
    points = forms.DecimalField(label=_("分值"), max_digits=6, decimal_places=2, required=False)
    metric = forms.ChoiceField(label=_("评分方式"), choices=METRIC_CHOICES, required=False)
    comparator = forms.ChoiceField(label=_("比较"), choices=COMPARATOR_CHOICES, required=False)
    threshold = forms.DecimalField(label=_("标准值/每项扣分"), max_digits=10, decimal_places=2, required=False)
    rule = forms.CharField(label=_("评分细则"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self, size="sm")


IndicatorRows = forms.formset_factory(IndicatorRowForm, extra=3)


def rows_to_indicators(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Formset rows (a row names its group) to the two-level shape; rows without a name are skipped,
    a row without a group joins the group above it."""
    groups: list[dict[str, Any]] = []
    current = ""
    for row in rows:
        if not row or not (row.get("name") or "").strip():
            continue
        current = (row.get("group") or "").strip() or current
        g = next((x for x in groups if x["name"] == current), None)
        if g is None:
            g = {"name": current, "children": []}
            groups.append(g)
        g["children"].append({"name": row["name"], "points": row.get("points") if row.get("points") is not None else "",
                              "metric": row.get("metric") or "manual", "comparator": row.get("comparator") or "",
                              "threshold": row.get("threshold") or 0, "rule": row.get("rule") or ""})
    return groups


class SchemeRulesForm(forms.Form):
    band_excellent = forms.DecimalField(label=_("优秀线"), max_digits=5, decimal_places=2)
    band_good = forms.DecimalField(label=_("良好线"), max_digits=5, decimal_places=2)
    band_pass = forms.DecimalField(label=_("合格线"), max_digits=5, decimal_places=2)
    veto_grade = forms.TypedChoiceField(label=_("一票否决事故等级"), coerce=int,
                                        choices=[(2, _("较大及以上事故")), (3, _("重大及以上事故"))])
    veto_accountability = forms.BooleanField(label=_("领导干部被问责一票否决"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class PolicyForm(forms.ModelForm):
    class Meta:
        model = Policy
        fields = ["ack_days", "ack_remind_days", "weight_accidents", "weight_hazards", "weight_responsibility",
                  "weight_basics", "rectification_threshold", "overdue_deduct", "band_excellent", "band_good",
                  "band_pass", "veto_grade", "veto_accountability", "case_days_key", "case_days_full",
                  "task_review_days", "notice_read_days", "overdue_answer_days"]
        widgets = {"veto_grade": forms.Select(choices=[(2, _("较大及以上事故")), (3, _("重大及以上事故"))])}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class AckForm(forms.Form):
    method = forms.ChoiceField(label=_("签收方式"), choices=AckMethod.choices, widget=forms.RadioSelect,
                               initial=AckMethod.ONLINE)
    signatory = forms.CharField(label=_("责任人"), max_length=50)
    files = forms.FileField(label=_("盖章扫描件"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*,.pdf"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self, size="lg")


class SchemeForm(_AreaForm):
    action = "responsibility.assess"
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("考核方案"), max_length=200)
    jurisdiction = forms.ChoiceField(label=_("考核辖区"))
    subjects = forms.ChoiceField(label=_("考核对象"), choices=SubjectKind.choices)
    veto_grade = forms.TypedChoiceField(label=_("一票否决事故等级"), coerce=int,
                                        choices=[(2, _("较大及以上事故")), (3, _("重大及以上事故"))])
    veto_accountability = forms.BooleanField(label=_("领导干部被问责一票否决"), required=False, initial=True)


class RoundForm(forms.Form):
    stage = forms.ChoiceField(label=_("阶段"), choices=Stage.choices)
    period_start = forms.DateField(label=_("统计起始"), widget=DateInput())
    period_end = forms.DateField(label=_("统计截止"), widget=DateInput())
    self_due = forms.DateField(label=_("自评截止"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class AppealForm(forms.Form):
    reason = forms.CharField(label=_("申诉理由"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)
