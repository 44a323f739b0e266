"""Accident pages: list (filters, export), detail with timeline, quick report, supplement,
misreport finding and the investigation page. Views parse, authorise and call services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.accidents import services
from anjian.accidents import targets as targets_service
from anjian.accidents.choices import Category, FollowUp, InvestigationStatus
from anjian.accidents.choices import Category as Categories
from anjian.accidents.exports import EXPORT
from anjian.accidents.forms import (
    AccidentFilterForm,
    AccidentReportForm,
    AccountabilityForm,
    MisreportForm,
    StatisticsForm,
    SupplementForm,
)
from anjian.accidents.imports import HEADERS
from anjian.accidents.models import (
    Accident,
    Accountability,
    ControlTarget,
    Investigation,
    MonthlyReport,
    RectificationMeasure,
    TargetMetric,
)
from anjian.accidents.monthly import JOB_KIND, REGENERATE_ACTION, monthly_report_request, previous_month
from anjian.accidents.selectors import accident_list
from anjian.accidents.stats import Period, accident_indicators, statistics_report
from anjian.audit.selectors import history_for, timeline_for
from anjian.core.errors import DomainError
from anjian.core.lookups import lookup
from anjian.core.pagination import keyset_page
from anjian.core.scoping import can, get_in_scope, has_action
from anjian.core.views import partial_or_full, post_form_action, require_action
from anjian.documents.imports import import_start, preview_imports
from anjian.documents.models import Attachment
from anjian.documents.views_exports import export_or_start
from anjian.jobs.models import Job, JobStatus
from anjian.orgs.models import DepartmentKind, Jurisdiction

TABS = [("basic", gettext_lazy("基本信息")), ("supplements", gettext_lazy("续报/补报")),
        ("accountability", gettext_lazy("责任追究")), ("timeline", gettext_lazy("流程记录")),
        ("history", gettext_lazy("变更记录"))]


@require_action("accidents.view")
def accident_list_view(request: HttpRequest) -> HttpResponse:
    form = AccidentFilterForm(request.GET or None, user=request.user)
    qs = accident_list(user=request.user, filters=form.filters())
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):  # a job (我的导出) above EXPORT_IMMEDIATE_MAX_ROWS rows
        return export_or_start(request, EXPORT, export)
    page = keyset_page(qs, request.GET, sort="-occurred_at", size=20)
    template = partial_or_full(request, "accidents/list.html", "accidents/partials/_table.html")
    query = request.GET.copy()
    for key in ("after", "before", "export"):
        query.pop(key, None)
    return render(request, template, {
        "form": form, "page": page, "query": query.urlencode(),
        "can_report": has_action(request.user, "accidents.report"),
    })


def _accident(request: HttpRequest, pk: int) -> Accident:
    return get_in_scope(
        Accident.objects.select_related("jurisdiction", "sector", "department", "enterprise"),
        request.user, "accidents.view", pk=pk,
    )


@require_action("accidents.view")
def accident_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    acc = _accident(request, pk)
    tab = request.GET.get("tab", "basic")
    user = request.user
    context: dict[str, Any] = {
        "a": acc, "tab": tab, "tabs": TABS,
        "investigation": Investigation.objects.filter(accident=acc).first(),
        "can_supplement": can(user, "accidents.supplement", acc),
        "can_misreport": can(user, "accidents.misreport", acc),
        "can_investigate": can(user, "accidents.investigate", acc),
        "misreports": acc.misreports.all(),
        "verify_pending": services.accident_verify_pending(acc, user) if can(user, "accidents.investigate", acc) else [],
    }
    if tab == "supplements":
        context["supplements"] = acc.supplements.all()
        context["supplement_form"] = SupplementForm(initial=_supplement_initial(acc))
        context["misreport_form"] = MisreportForm()
    if tab == "accountability":
        context["records"] = acc.accountabilities.all()
        context["accountability_form"] = AccountabilityForm()
        context["follow_up_choices"] = FollowUp.choices
    if tab == "timeline":
        context["events"] = timeline_for(acc)
    if tab == "history":
        context["history"] = history_for(acc)
    return render(request, "accidents/detail.html", context)


@require_action("accidents.report")
def accident_report_view(request: HttpRequest) -> HttpResponse:
    form = AccidentReportForm(request.POST or None, user=request.user,
                              initial={"occurred_at": timezone.localtime().replace(second=0, microsecond=0)})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            acc = services.accident_report(actor=request.user, data=data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("快报已登记：%(grade)s") % {"grade": acc.get_grade_display() or acc.get_kind_display()})
            return redirect("accidents:detail", pk=acc.pk)
    return render(request, "accidents/report.html", {"form": form})


@require_action("accidents.investigate")
def accident_verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    """核报: completes the accident's 核报 to-dos (a new report, a raised grade) that are the user's."""
    acc = _accident(request, pk)
    if request.method == "POST":
        post_form_action(request, forms.Form(request.POST), lambda d: services.accident_verify(
            actor=request.user, accident=acc, note=request.POST.get("note", "")), _("已核报"))
    return redirect("accidents:detail", pk=acc.pk)


def _supplement_initial(acc: Accident) -> dict[str, Any]:
    """A 续报 starts from the last report's figures (the latest 续报, counted or not, else the
    快报 as it stands): the reporter changes what changed instead of typing everything again."""
    last = acc.supplements.order_by("-created_at", "-id").first()
    source = last if last is not None else acc
    return {"changed_on": timezone.localdate(), **{k: getattr(source, k) for k in services.COUNTED_FIELDS}}


@require_action("accidents.supplement")
def accident_supplement_view(request: HttpRequest, pk: int) -> HttpResponse:
    acc = _accident(request, pk)
    form = SupplementForm(request.POST or None, initial=_supplement_initial(acc))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        changed_on, note = data.pop("changed_on"), data.pop("note")
        try:
            sup = services.accident_supplement(actor=request.user, accident=acc, changed_on=changed_on,
                                               figures=data, note=note)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if sup.counted:
                messages.success(request, _("续报已登记"))
            else:
                messages.warning(request, _("已超过补报期限，本次续报不计入统计，仅作记录"))
            return redirect(f"/accidents/{acc.pk}/?tab=supplements")
    return render(request, "accidents/supplement.html", {"a": acc, "form": form})


@require_action("accidents.misreport")
def accident_misreport_view(request: HttpRequest, pk: int) -> HttpResponse:
    acc = _accident(request, pk)
    form = MisreportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.accident_mark_misreport(actor=request.user, accident=acc, kind=form.cleaned_data["kind"],
                                             note=form.cleaned_data["note"], evidence=request.FILES.getlist("evidence"))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("认定已登记"))
        return redirect(f"/accidents/{acc.pk}/?tab=supplements")
    return redirect(f"/accidents/{acc.pk}/?tab=supplements")


@require_action("accidents.investigate")
def accountability_view(request: HttpRequest, pk: int) -> HttpResponse:
    acc = _accident(request, pk)
    if request.method == "POST":
        try:
            if record_id := request.POST.get("record"):
                record = get_in_scope(Accountability.objects.all(), request.user, "accidents.view",
                                      pk=record_id, accident=acc)
                services.accountability_follow_up(actor=request.user, record=record,
                                                  status=request.POST.get("follow_up", ""),
                                                  note=request.POST.get("follow_up_note", ""))
            else:
                form = AccountabilityForm(request.POST)
                if not form.is_valid():
                    raise DomainError("请检查填写内容", "Check the form")
                services.accountability_add(actor=request.user, accident=acc, data=form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存"))
    return redirect(f"/accidents/{acc.pk}/?tab=accountability")


def _day(request: HttpRequest, key: str) -> dt.date:
    try:
        return dt.date.fromisoformat(request.POST.get(key, ""))
    except ValueError as exc:
        raise DomainError("请填写日期（YYYY-MM-DD）", "Give a date (YYYY-MM-DD)", field=key) from exc


def _measures(text: str) -> list[dict[str, Any]]:
    """One measure per line: ``措施｜责任单位｜YYYY-MM-DD`` (the date may be left out)."""
    out = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.replace("|", "｜").split("｜")]
        if not parts[0]:
            continue
        due = None
        if len(parts) > 2 and parts[2]:
            try:
                due = dt.date.fromisoformat(parts[2])
            except ValueError as exc:
                raise DomainError(f"日期格式不正确：{parts[2]}", f"Bad date: {parts[2]}", field="measures") from exc
        out.append({"text": parts[0], "responsible": parts[1] if len(parts) > 1 else "", "due_on": due})
    return out


def _investigation_op(request: HttpRequest, acc: Accident, inv: Investigation | None) -> None:
    op, user, post = request.POST.get("op", ""), request.user, request.POST
    if op == "open":
        services.investigation_open(actor=user, accident=acc, team_leader=post.get("team_leader", ""),
                                    team_members=post.get("team_members", ""), started_on=_day(request, "day"))
        return
    if inv is None:
        raise DomainError("尚未立案调查", "No investigation yet")
    note = post.get("note", "")
    if op == "appraisal_start":
        services.investigation_appraisal_start(actor=user, investigation=inv, started_on=_day(request, "day"), note=note)
    elif op == "appraisal_end":
        services.investigation_appraisal_end(actor=user, investigation=inv, ended_on=_day(request, "day"), note=note)
    elif op == "extend":
        days = post.get("days", "")
        if not days.isdigit():
            raise DomainError("请填写延长天数", "Give the days", field="days")
        services.investigation_extend(actor=user, investigation=inv, days=int(days), note=note)
    elif op == "report":
        services.investigation_submit_report(actor=user, investigation=inv, submitted_on=_day(request, "day"),
                                             files=request.FILES.getlist("files"), note=note)
    elif op == "reply":
        services.investigation_reply(actor=user, investigation=inv, replied_on=_day(request, "day"),
                                     reply_text=post.get("reply_text", ""), measures=_measures(post.get("measures", "")))
    elif op == "publish":
        services.investigation_publish(actor=user, investigation=inv, published_on=_day(request, "day"))
    elif op == "measure_done":
        measure = get_in_scope(RectificationMeasure.objects.all(), user, "accidents.view",
                               pk=post.get("measure", "0") or 0, investigation=inv)
        services.measure_complete(actor=user, measure=measure, done_on=_day(request, "day"), note=note)
    elif op == "close":
        services.investigation_close(actor=user, investigation=inv, closed_on=_day(request, "day"), note=note)
    else:
        raise DomainError("未知操作", "Unknown operation")


@require_action("accidents.view")
def investigation_view(request: HttpRequest, pk: int) -> HttpResponse:
    acc = _accident(request, pk)
    inv = Investigation.objects.filter(accident=acc).select_related("lead_jurisdiction").first()
    if request.method == "POST":
        if not has_action(request.user, "accidents.investigate") and not has_action(request.user, "accidents.close"):
            raise Http404
        try:
            _investigation_op(request, acc, inv)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存"))
        return redirect("accidents:investigation", pk=acc.pk)
    context: dict[str, Any] = {
        "a": acc, "inv": inv, "today": timezone.localdate(), "S": InvestigationStatus,
        "can_investigate": can(request.user, "accidents.investigate", acc),
        "can_close": can(request.user, "accidents.close", acc),
    }
    if inv is not None:
        context["measures"] = inv.measures.all()
        context["events"] = timeline_for(inv)


        context["reports"] = Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(Investigation), object_id=str(inv.pk), role="report")
    return render(request, "accidents/investigation.html", context)


@require_action("accidents.view")
def statistics_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = StatisticsForm(request.GET or None, user=request.user, initial={"year": today.year})
    f = form.cleaned_data if form.is_valid() else {}
    year, month = f.get("year") or today.year, f.get("month")
    period = Period.month(year, int(month)) if month else Period.year(year)
    filters = {k: v for k, v in f.items() if k in ("jurisdiction", "category", "origin") and v}
    data = statistics_report(user=request.user, period=period, filters=filters)
    root = f.get("jurisdiction") or Jurisdiction.objects.restrict(request.user, "orgs.view").order_by("depth").first()
    # a year's report for exactly this area has the year's rows by category: no second grouping
    same = period.is_year and filters == {"jurisdiction": root}
    indicators = accident_indicators(user=request.user, year=year, jurisdiction=root,
                                     by_category=data["by"]["category"] if same else None) if root else None
    return render(request, "accidents/statistics.html", {
        "form": form, "data": data, "indicators": indicators, "period": period,
        "cmp": data["comparison"], "by": data["by"],
    })


@require_action("accidents.view")
def targets_view(request: HttpRequest) -> HttpResponse:
    """Targets in scope with progress bars: areas, then sector regulators; offices with
    ``accidents.targets`` set targets and split them to districts or departments."""

    raw_year = request.GET.get("year", "")
    year = int(raw_year) if raw_year.isdigit() and 1987 <= int(raw_year) <= 2100 else timezone.localdate().year
    can_set = has_action(request.user, "accidents.targets")
    if request.method == "POST":
        if not can_set:
            raise Http404
        try:
            if request.POST.get("op") == "split":
                target = get_in_scope(ControlTarget.objects.all(), request.user, "accidents.targets",
                                      pk=request.POST.get("target", "0") or 0)
                targets_service.target_split(actor=request.user, target=target,
                                             to=request.POST.get("to", "districts"))
            else:
                department = None
                if raw_dept := request.POST.get("department", ""):
                    # the department or area must be one the user sets targets for (not merely sees)
                    depts = lookup("orgs.departments_inside@accidents.targets")
                    department = depts.find(request.user, raw_dept, by="pk") if raw_dept.isdigit() else None
                    if department is None:
                        raise depts.refused("department")
                    jur = department.jurisdiction
                else:
                    places = lookup("orgs.jurisdictions@accidents.targets")
                    raw_jur = request.POST.get("jurisdiction", "")
                    jur = places.find(request.user, raw_jur, by="pk") if raw_jur.isdigit() else None
                    if jur is None:
                        raise places.refused("jurisdiction")
                quota = request.POST.get("quota", "")
                if not quota.isdigit():
                    raise DomainError("请填写控制数", "Give the quota", field="quota")
                targets_service.target_set(actor=request.user, year=int(request.POST.get("year", year)), jurisdiction=jur,
                                           metric=request.POST.get("metric", ""), quota=int(quota),
                                           category=request.POST.get("category", ""), department=department)
        except DomainError as exc:
            if exc.status == 404:  # a department or area outside the user's reach: absent, as everywhere
                raise Http404 from exc
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存"))
        return redirect(f"/accidents/targets/?year={year}")
    rows = targets_service.target_progress(user=request.user, year=year)

    departments = (
        lookup("orgs.departments_inside@accidents.targets").queryset(request.user)
        .filter(kind=DepartmentKind.REGULATOR, jurisdiction__level__lte=2)
        .select_related("jurisdiction").order_by("jurisdiction__path", "name")
        if can_set else []
    )
    return render(request, "accidents/targets.html", {
        "warnings": targets_service.warnings_for(request.user),
        "area_rows": [r for r in rows if not r["target"].department_id],
        "department_rows": [r for r in rows if r["target"].department_id],
        "year": year, "can_set": can_set,
        "jurisdictions": lookup("orgs.jurisdictions@accidents.targets").queryset(request.user).filter(level__lte=2),
        "departments": departments,
        "categories": Category.choices, "metrics": TargetMetric.choices,
        "share": (targets_service.elapsed_share(timezone.localdate()) * 100).quantize(1),
    })


@require_action("accidents.view")
def target_warning_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """知悉并部署 on a target warning in the user's own 我的待办 (the area's or the department's)."""

    target = get_in_scope(ControlTarget.objects.all(), request.user, "accidents.view", pk=pk)
    if request.method == "POST":
        post_form_action(request, forms.Form(request.POST), lambda d: targets_service.target_warning_acknowledge(
            actor=request.user, target=target, note=request.POST.get("note", "")), _("已知悉预警"))
    return redirect(f"/accidents/targets/?year={target.year}")


@require_action("accidents.view")
def monthly_reports_view(request: HttpRequest) -> HttpResponse:
    """Generated monthly reports in scope; offices with ``accidents.targets`` generate/regenerate."""

    user = request.user
    can_generate = has_action(user, REGENERATE_ACTION)
    if request.method == "POST":
        if not can_generate:
            raise Http404
        try:
            if report_id := request.POST.get("report"):
                report = get_in_scope(MonthlyReport.objects.select_related("jurisdiction"), user, REGENERATE_ACTION,
                                      pk=report_id)
                year, month, jur = report.year, report.month, report.jurisdiction
            else:
                jur = get_in_scope(Jurisdiction.objects.all(), user, "orgs.view", pk=request.POST.get("jurisdiction", "0") or 0)
                raw_year, raw_month = request.POST.get("year", ""), request.POST.get("month", "")
                if not (raw_year.isdigit() and raw_month.isdigit()):
                    raise DomainError("请选择年份和月份", "Choose the year and month", field="month")
                year, month = int(raw_year), int(raw_month)
            job = monthly_report_request(actor=user, year=year, month=month, jurisdiction=jur)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已开始生成“%(title)s”，完成后本页自动显示下载") % {"title": job.title})
        return redirect("accidents:reports")
    reports = MonthlyReport.objects.restrict(user, "accidents.view").select_related("jurisdiction", "generated_by")
    # the user's generations still running: the list polls itself until they are done
    running = list(Job.objects.restrict(user, "jobs.view").filter(
        kind=JOB_KIND, created_by=user, status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).order_by("id")[:10])
    context = {"reports": reports[:120], "can_generate": can_generate, "running": running}
    if getattr(request, "htmx", False):
        return render(request, "accidents/_reports_list.html", context)
    default_year, default_month = previous_month(timezone.localdate())
    return render(request, "accidents/reports.html", {
        **context,
        "jurisdictions": Jurisdiction.objects.restrict(user, REGENERATE_ACTION).filter(level__lte=2).order_by("path")
        if can_generate else [],
        "default_year": default_year, "default_month": default_month, "months": range(1, 13),
    })


@require_action("accidents.view")
def monthly_report_download_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:


    report = get_in_scope(MonthlyReport.objects.all(), request.user, "accidents.view", pk=pk)
    field = {"docx": report.docx, "xlsx": report.xlsx}.get(fmt)
    if not field:
        raise Http404
    return FileResponse(field.open("rb"), as_attachment=True, filename=f"{report.title}.{fmt}")


@require_action("accidents.import")
def accident_import_view(request: HttpRequest) -> HttpResponse:
    """Upload a ledger (xlsx/csv) of historical accidents, then confirm it on the batch's page
    (``documents.imports``): the column mapping, the dry run with every error, and per event the
    accident type (proposed from the narrative, changeable per row) and the deaths counted."""

    jurisdictions = Jurisdiction.objects.restrict(request.user, "accidents.import").filter(level__lte=2).order_by("path")
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError("请选择文件", "Choose a file", field="file")
            params: dict[str, Any] = {"date_order": request.POST.get("date_order", "ymd")
                                      if request.POST.get("date_order") in ("ymd", "mdy", "dmy") else "ymd"}
            if raw := request.POST.get("jurisdiction"):
                params["jurisdiction"] = get_in_scope(Jurisdiction.objects.all(), request.user, "accidents.import", pk=raw).pk
            if (category := request.POST.get("category", "")) in Category.values:
                params["category"] = category
            with preview_imports():
                batch = import_start(kind="accidents", actor=request.user, upload=upload, params=params)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            # the mapping, the dry run and the preview to confirm (type proposed from the
            # narrative, deaths per event) come first, on the batch's page; nothing is stored yet
            return redirect("documents:import_batch", pk=batch.pk)

    return render(request, "accidents/import.html", {
        "jurisdictions": jurisdictions, "categories": Categories.choices,
        "columns": [(key, labels) for key, labels in HEADERS.items()],
    })
