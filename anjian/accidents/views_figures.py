"""设置 › 统计参考数据: GDP, 工矿商贸就业人员 and 机动车保有量 per year and area — the
denominators of the accident indicators (亿元GDP生产安全事故死亡率 …), entered by the offices
(``services.reference_figure_set``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.accidents.models import ReferenceFigure
from anjian.accidents.services import reference_figure_set
from anjian.core.errors import DomainError
from anjian.core.forms import ScopedModelChoiceField, bootstrap, scope_fields
from anjian.core.pagination import keyset_page
from anjian.core.views import require_action

ACTION = "accidents.targets"


class FigureForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=1987, max_value=2100)
    jurisdiction = ScopedModelChoiceField(f"orgs.jurisdictions@{ACTION}", label=gettext_lazy("区域"))
    gdp_yi_yuan = forms.DecimalField(label=gettext_lazy("地区生产总值(亿元)"), max_digits=14, decimal_places=2,
                                     min_value=0, required=False)
    industrial_employed = forms.IntegerField(label=gettext_lazy("工矿商贸就业人员(人)"), min_value=0, required=False)
    motor_vehicles = forms.IntegerField(label=gettext_lazy("机动车保有量(辆)"), min_value=0, required=False)
    source = forms.CharField(label=gettext_lazy("数据来源"), max_length=200, required=False,
                             help_text=gettext_lazy("如：深圳市统计年鉴2026"))

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        scope_fields(self, user)
        bootstrap(self)


@require_action(ACTION)
def figures_view(request: HttpRequest) -> HttpResponse:
    form = FigureForm(request.POST or None, user=request.user,
                      initial={"year": timezone.localdate().year - 1})
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        try:
            reference_figure_set(actor=request.user, year=d.pop("year"), jurisdiction=d.pop("jurisdiction"), data=d)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已保存"))
            return redirect("accidents:figures")
    qs = ReferenceFigure.objects.restrict(request.user, ACTION).select_related("jurisdiction")
    page = keyset_page(qs, request.GET, sort="-id", size=30)
    return render(request, "accidents/figures.html", {"form": form, "page": page}, status=400 if form.errors else 200)
