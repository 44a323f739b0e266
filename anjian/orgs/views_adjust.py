"""行政区划调整 pages: one unit's boundary edited on the map, and its renaming (``orgs.adjust``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anjian.core.errors import DomainError
from anjian.core.forms import bootstrap
from anjian.core.scoping import get_in_scope, has_action
from anjian.core.views import require_action
from anjian.orgs import adjust
from anjian.orgs.models import Jurisdiction
from anjian.orgs.services import boundary_feature


class BoundaryEditForm(forms.Form):
    geometry = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=gettext_lazy("调整依据"), max_length=300,
                             help_text=gettext_lazy("如：区划调整批复文号、测绘成果编号"))


class RenameForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("新名称"), max_length=100)
    reason = forms.CharField(label=gettext_lazy("调整依据"), max_length=300,
                             help_text=gettext_lazy("如：民政部门更名批复文号"))


def _unit(request: HttpRequest, pk: int) -> Jurisdiction:
    j = get_in_scope(Jurisdiction.objects.select_related("parent"), request.user, "orgs.change", pk=pk)
    if j.parent_id is None:
        raise Http404
    return j


@require_action("orgs.change")
def boundary_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    j = _unit(request, pk)
    form = BoundaryEditForm(request.POST or None, initial={"geometry": j.boundary})
    rename = RenameForm(initial={"name": j.name})
    for f in (form, rename):
        bootstrap(f)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                geometry = adjust.parse_geometry(form.cleaned_data["geometry"])
                warnings = adjust.jurisdiction_boundary_edit(actor=request.user, jurisdiction=j, geometry=geometry,
                                                             reason=form.cleaned_data["reason"])
            except DomainError as exc:
                form.add_error(exc.field if exc.field in ("reason",) else None, exc.message)
            else:
                messages.success(request, _("边界已更新。请运行网格重新归属，使企业按新边界归属。"))
                for w in warnings:
                    messages.warning(request, w.zh if (request.LANGUAGE_CODE or "").startswith("zh") else w.en)
                return redirect("orgs:boundary_edit", j.pk)
    return render(request, "orgs/boundary_edit.html", {
        "j": j, "form": form, "rename": rename, "can_reassign": has_action(request.user, "grids.reassign"),
    }, status=status)


@require_action("orgs.change")
def boundary_edit_geojson(request: HttpRequest, pk: int) -> JsonResponse:
    """The unit (editable) and its parent and siblings (for reference) as GeoJSON."""
    j = _unit(request, pk)
    parent = j.parent
    assert parent is not None
    features = [{**boundary_feature(j), "properties": {"role": "unit", "name": j.name, "code": j.code}}]
    features.append({**boundary_feature(parent), "properties": {"role": "parent", "name": parent.name, "code": parent.code}})
    for s in Jurisdiction.objects.filter(parent=parent, is_active=True).exclude(pk=j.pk).exclude(boundary="")[:500]:
        features.append({**boundary_feature(s), "properties": {"role": "sibling", "name": s.name, "code": s.code}})
    return JsonResponse({"type": "FeatureCollection", "features": [f for f in features if f.get("geometry")]},
                        json_dumps_params={"ensure_ascii": False})


@require_POST
@require_action("orgs.change")
def rename_view(request: HttpRequest, pk: int) -> HttpResponse:
    j = _unit(request, pk)
    form = RenameForm(request.POST)
    if form.is_valid():
        try:
            adjust.jurisdiction_rename(actor=request.user, jurisdiction=j, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已更名。"))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("orgs:boundary_edit", j.pk)
