"""设置 › 统计参考数据: GDP, 工矿商贸就业人员 and 机动车保有量 per year and area — the
denominators of the accident indicators (亿元GDP生产安全事故死亡率 …), entered by the offices
(``services.reference_figure_set``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accidents.forms import FigureForm
from anjian.accidents.models import ReferenceFigure
from anjian.accidents.services import reference_figure_set
from anjian.core.errors import DomainError
from anjian.core.pagination import keyset_page
from anjian.core.views import require_action

ACTION = "accidents.targets"  # 事故控制指标与参考数据


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
