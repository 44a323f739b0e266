from __future__ import annotations

import io
import json
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.audit.selectors import timeline_for
from anjian.checklists import services
from anjian.checklists.forms import (
    ItemImportForm,
    JsonLoadForm,
    PublishForm,
    TemplateFilterForm,
    TemplateForm,
)
from anjian.checklists.imports import HEADERS, ChecklistItemImport, checklist_import_start
from anjian.checklists.models import ChecklistTemplate, ChecklistVersion, VersionStatus
from anjian.checklists.selectors import (
    can_manage,
    previous_version,
    template_list,
    version_diff,
    version_get,
    versions_visible,
)
from anjian.core.apischema import json_depth
from anjian.core.errors import DomainError
from anjian.core.pagination import keyset_page
from anjian.core.scoping import has_action
from anjian.core.views import partial_or_full, post_form_action, require_action
from anjian.documents.exports import bytes_response
from anjian.documents.uploads import refuse_oversize
from anjian.documents.views import import_page

JSON_MAX_DEPTH = 32  # a 浙里办 file nests five levels; deeper is refused before any work on it
JSON_TOO_DEEP = (f"JSON 嵌套超过 {JSON_MAX_DEPTH} 层，不是检查表文件",
                 f"The JSON is nested deeper than {JSON_MAX_DEPTH} levels: not a checklist file")


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    for key in ("after", "before"):
        query.pop(key, None)
    return query.urlencode()


@require_action("checklists.view")
def template_list_view(request: HttpRequest) -> HttpResponse:
    form = TemplateFilterForm(request.GET or None, user=request.user)
    qs = template_list(user=request.user, filters=form.filters())
    page = keyset_page(qs, request.GET, sort="code", size=30)
    template = partial_or_full(request, "checklists/list.html", "checklists/partials/_table.html")
    return render(request, template, {"form": form, "page": page, "query": _query(request),
                                      "can_manage": has_action(request.user, "checklists.manage")})


def _template(request: HttpRequest, pk: int) -> ChecklistTemplate:
    t = template_list(user=request.user).filter(pk=pk).first()
    if t is None:
        raise Http404
    return t


@require_action("checklists.view")
def template_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    t = _template(request, pk)
    versions = list(versions_visible(user=request.user, template=t))
    wanted = request.GET.get("v")
    current = next((v for v in versions if str(v.number) == wanted), None) if wanted else None
    if current is None:
        current = next((v for v in versions if v.status == VersionStatus.PUBLISHED), versions[0] if versions else None)
    manage = can_manage(request.user, t)
    items = list(current.items.all()) if current else []
    return render(request, "checklists/detail.html", {
        "t": t, "versions": versions, "current": current, "items": items, "can_manage": manage,
        "has_draft": any(v.status == VersionStatus.DRAFT for v in versions),
        "total_points": sum(i.points or 0 for i in items) if any(i.points is not None for i in items) else None,
        "publish_form": PublishForm() if manage and current and current.is_draft else None,
        "events": timeline_for(t) if manage else [],
    })


@require_action("checklists.manage")
def template_create_view(request: HttpRequest) -> HttpResponse:
    form = TemplateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            t = services.template_create(actor=request.user, code=d["code"], name=d["name"], kind=d["kind"],
                                         sector=d["sector"], owner=d["owner"], description=d["description"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已新建排查标准，请新建草稿版本并导入条目"))
            return redirect("checklists:detail", pk=t.pk)
    return render(request, "checklists/form.html", {"form": form})


@require_POST
@require_action("checklists.manage")
def draft_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    t = _template(request, pk)
    if not can_manage(request.user, t):
        raise Http404
    try:
        v = services.version_create_draft(actor=request.user, template=t, note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("checklists:detail", pk=t.pk)
    return redirect(_at(t.pk, v.number))


def _at(template_pk: int, number: int) -> str:
    return f"{reverse('checklists:detail', args=[template_pk])}?v={number}"


def _version(request: HttpRequest, pk: int) -> ChecklistVersion:
    return version_get(user=request.user, pk=pk)


def _managed_version(request: HttpRequest, pk: int) -> ChecklistVersion:
    """A version of a template the user manages; any other is absent (404) for writes."""
    v = version_get(user=request.user, pk=pk)
    if not can_manage(request.user, v.template):
        raise Http404
    return v


@require_POST
@require_action("checklists.manage")
def version_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    v = _managed_version(request, pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("生效日期格式不正确"))
    else:
        try:
            services.version_publish(actor=request.user, version=v, effective_date=form.cleaned_data["effective_date"],
                                     note=form.cleaned_data["note"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已发布"))
    return redirect(_at(v.template_id, v.number))


@require_POST
@require_action("checklists.manage")
def version_retire_view(request: HttpRequest, pk: int) -> HttpResponse:
    v = _managed_version(request, pk)
    post_form_action(request, forms.Form(request.POST),
                     lambda d: services.version_retire(actor=request.user, version=v, note=request.POST.get("note", "")),
                     _("已废止"))
    return redirect(_at(v.template_id, v.number))


@require_POST
@require_action("checklists.manage")
def version_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    v = _managed_version(request, pk)
    post_form_action(request, forms.Form(request.POST),
                     lambda d: services.version_delete_draft(actor=request.user, version=v), _("已删除草稿"))
    return redirect("checklists:detail", pk=v.template_id)


@require_action("checklists.view")
def version_items_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone view of one version: one card per item, grouped by section."""
    v = _version(request, pk)
    groups: list[tuple[str, list[Any]]] = []
    for item in v.items.all():
        if not groups or groups[-1][0] != item.section:
            groups.append((item.section, []))
        groups[-1][1].append(item)
    return render(request, "checklists/items.html", {"v": v, "t": v.template, "groups": groups})


@require_action("checklists.view")
def version_diff_view(request: HttpRequest, pk: int) -> HttpResponse:
    v = _version(request, pk)
    prev = previous_version(v)
    if prev is not None and prev.status == VersionStatus.DRAFT and not can_manage(request.user, v.template):
        prev = None
    return render(request, "checklists/diff.html", {"v": v, "t": v.template, "prev": prev,
                                                    "diff": version_diff(prev, v)})


@require_action("checklists.manage")
def version_import_view(request: HttpRequest, pk: int) -> HttpResponse:
    v = _managed_version(request, pk)
    return import_page(request, ItemImportForm, ChecklistItemImport, "checklists/import.html",
                       lambda upload: checklist_import_start(actor=request.user, version=v, upload=upload),
                       {"v": v, "t": v.template})


@require_action("checklists.manage")
def json_load_view(request: HttpRequest) -> HttpResponse:
    form = JsonLoadForm(request.POST or None, request.FILES or None, user=request.user)
    refuse_oversize(request, form)  # too large: refused while it streamed in (documents.uploads)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            limit = settings.CHECKLIST_JSON_MAX_BYTES // 1048576
            if upload.size > settings.CHECKLIST_JSON_MAX_BYTES:
                raise DomainError(f"文件过大（上限 {limit} MB）", f"The file is too large ({limit} MB at most)", field="file")
            try:
                data = json.loads(upload.read().decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise DomainError(f"不是有效的 UTF-8 JSON 文件：{exc}", f"Not a valid UTF-8 JSON file: {exc}",
                                  field="file") from exc
            except RecursionError as exc:
                raise DomainError(JSON_TOO_DEEP[0], JSON_TOO_DEEP[1], field="file") from exc
            if json_depth(data, JSON_MAX_DEPTH) > JSON_MAX_DEPTH:
                raise DomainError(JSON_TOO_DEEP[0], JSON_TOO_DEEP[1], field="file")
            versions = services.checklists_load_zlb(actor=request.user, data=data, sector=form.cleaned_data["sector"],
                                                    publish=form.cleaned_data["publish"])
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("已导入 %(n)d 个检查表") % {"n": len(versions)})
            return redirect("checklists:list")
    return render(request, "checklists/json_load.html", {"form": form})


@require_action("checklists.manage")
def import_template_view(request: HttpRequest) -> HttpResponse:
    from openpyxl import Workbook  # heavy optional library: imported on use


    wb = Workbook()
    ws = wb.active
    ws.title = "检查条目"
    ws.append([labels[0] for labels in HEADERS.values()])
    ws.append(["1", "消防安全", "疏散通道", "安全出口、疏散通道是否畅通，未被占用、堵塞、封闭",
               "《中华人民共和国消防法》第二十八条", "", "", "否", ""])
    ws.append(["2", "有限空间", "警示标志", "有限空间作业场所是否设置明显的安全警示标志",
               "《工贸企业有限空间作业安全规定》第十一条", "", "", "是", "工贸行业重大事故隐患判定标准 第四条第（一）项"])
    buf = io.BytesIO()
    wb.save(buf)
    return bytes_response(buf.getvalue(), "checklist-items-template.xlsx")
