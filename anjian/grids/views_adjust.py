"""行政区划调整 pages: split a street (draw or import the new part), merge two streets, and the
list of adjustments with what moved (``grids.adjustments``). Preview first; the commit starts
the reassignment job and opens its progress page."""

from __future__ import annotations

import json
from typing import Any

import shapely
from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.errors import DomainError
from anjian.core.forms import ScopedModelChoiceField, bootstrap, scope_fields
from anjian.core.pagination import keyset_page
from anjian.core.scoping import get_in_scope
from anjian.core.views import require_action
from anjian.documents.uploads import refuse_oversize
from anjian.grids import adjustments
from anjian.grids.models import Adjustment
from anjian.orgs.adjust import parse_geometry
from anjian.orgs.boundaries import CRS_CHOICES
from anjian.orgs.models import Jurisdiction
from anjian.orgs.services import boundary_feature

CRS_LABELS = {"wgs84": gettext_lazy("WGS-84（GPS）"), "cgcs2000": gettext_lazy("CGCS2000（国家大地坐标系）"),
              "gcj02": gettext_lazy("GCJ-02（高德、腾讯地图）")}


class SplitForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("新单位名称"), max_length=100)
    code = forms.CharField(label=gettext_lazy("新单位区划代码"), max_length=32,
                           help_text=gettext_lazy("与原单位同位数，以上级区划代码开头"))
    reason = forms.CharField(label=gettext_lazy("调整依据"), max_length=300,
                             help_text=gettext_lazy("如：区划调整批复文号"))
    geometry = forms.CharField(widget=forms.HiddenInput, required=False)
    file = forms.FileField(label=gettext_lazy("或导入新单位边界文件"), required=False,
                           help_text=gettext_lazy("GeoJSON 或压缩的 Shapefile（.zip），取其中的面"))
    crs = forms.ChoiceField(label=gettext_lazy("文件坐标系"), choices=[(c, CRS_LABELS[c]) for c in CRS_CHOICES],
                            initial="wgs84", required=False)


class MergeForm(forms.Form):
    other = ScopedModelChoiceField("orgs.jurisdictions@orgs.change", label=gettext_lazy("并入本单位的单位"))
    reason = forms.CharField(label=gettext_lazy("调整依据"), max_length=300,
                             help_text=gettext_lazy("如：区划调整批复文号"))


def _unit(request: HttpRequest, pk: int) -> Jurisdiction:
    j = get_in_scope(Jurisdiction.objects.select_related("parent").filter(is_active=True), request.user,
                     "orgs.change", pk=pk)
    if j.parent_id is None:
        raise Http404
    return j


def _preview_context(preview: adjustments.Preview) -> dict[str, Any]:
    shapes = {"part": preview.geometry, "rest": preview.rest}
    return {
        "preview": preview,
        "preview_shapes": {k: json.loads(shapely.to_geojson(v)) for k, v in shapes.items() if v is not None},
    }


@require_action("orgs.change")
def split_view(request: HttpRequest, pk: int) -> HttpResponse:
    j = _unit(request, pk)
    form = SplitForm(request.POST or None, request.FILES or None)
    bootstrap(form)
    refuse_oversize(request, form)  # too large: refused while it streamed in (documents.uploads)
    context: dict[str, Any] = {"j": j, "form": form}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                upload = d.get("file")
                if upload:
                    geometry = adjustments.geometry_from_upload(upload.read(), upload.name, d.get("crs") or "wgs84")
                elif d.get("geometry"):
                    geometry = parse_geometry(d["geometry"])
                else:
                    raise DomainError("请在地图上画出新单位的范围，或导入边界文件",
                                      "Draw the new unit on the map or import its boundary file", field="geometry")
                if request.POST.get("commit"):
                    adjustment = adjustments.split_commit(actor=request.user, unit=j, geometry=geometry, name=d["name"],
                                                          code=d["code"], reason=d["reason"])
                    messages.success(request, _("已拆分，正在按新边界调整企业及其未办结记录的归属。"))
                    return redirect("jobs:detail", pk=adjustment.job_id)
                preview = adjustments.split_preview(actor=request.user, unit=j, geometry=geometry, name=d["name"],
                                                    code=d["code"])
            except DomainError as exc:
                form.add_error(exc.field if exc.field in ("name", "code", "reason", "file") else None, exc.message)
            else:
                status = 200
                form.data = form.data.copy()
                form.data["geometry"] = shapely.to_geojson(geometry)
                context.update(_preview_context(preview))
    return render(request, "grids/adjust_split.html", context, status=status)


@require_action("orgs.change")
def merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    j = _unit(request, pk)
    form = MergeForm(request.POST or None)
    scope_fields(form, request.user)
    field = form.fields["other"]
    assert isinstance(field, ScopedModelChoiceField)
    field.queryset = field.queryset.filter(parent_id=j.parent_id, level=j.level, is_active=True).exclude(pk=j.pk)
    bootstrap(form)
    context: dict[str, Any] = {"j": j, "form": form}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                if request.POST.get("commit"):
                    adjustment = adjustments.merge_commit(actor=request.user, unit=j, other=d["other"],
                                                          reason=d["reason"])
                    messages.success(request, _("已合并，正在调整企业、未办结记录和待办的归属。"))
                    return redirect("jobs:detail", pk=adjustment.job_id)
                preview = adjustments.merge_preview(actor=request.user, unit=j, other=d["other"])
            except DomainError as exc:
                form.add_error(exc.field if exc.field in ("other", "reason") else None, exc.message)
            else:
                status = 200
                context.update(_preview_context(preview))
    return render(request, "grids/adjust_merge.html", context, status=status)


@require_action("orgs.change")
def adjust_geojson(request: HttpRequest, pk: int) -> JsonResponse:
    """The unit and its siblings (for the split and merge maps)."""
    j = _unit(request, pk)
    features = [{**boundary_feature(j), "properties": {"role": "unit", "name": j.name, "code": j.code, "id": j.pk}}]
    for s in Jurisdiction.objects.filter(parent_id=j.parent_id, is_active=True).exclude(pk=j.pk).exclude(boundary="")[:500]:
        features.append({**boundary_feature(s), "properties": {"role": "sibling", "name": s.name, "code": s.code, "id": s.pk}})
    return JsonResponse({"type": "FeatureCollection", "features": [f for f in features if f.get("geometry")]},
                        json_dumps_params={"ensure_ascii": False})


@require_action("orgs.change")
def adjustment_list_view(request: HttpRequest) -> HttpResponse:
    qs = Adjustment.objects.restrict(request.user, "orgs.change").select_related("unit", "other", "parent", "job", "created_by")
    page = keyset_page(qs, request.GET, sort="-id")
    return render(request, "grids/adjust_list.html", {"page": page})
