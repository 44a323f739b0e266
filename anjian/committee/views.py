"""Pages of the committee's work: lists (filters in the URL, keyset pages, Excel export),
details with their timeline, and the forms of each step. Out of scope is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.audit.models import Event
from anjian.audit.selectors import timeline_for
from anjian.committee import services
from anjian.committee.documents import interview_document, notice_document
from anjian.committee.forms import (
    CaseFilterForm,
    CaseForm,
    FeedbackForm,
    InterviewForm,
    MeetingForm,
    MemberForm,
    MinutesForm,
    NoteForm,
    NoticeForm,
    SignInForm,
    VisitForm,
    VisitRecordForm,
)
from anjian.committee.models import (
    Case,
    Interview,
    Meeting,
    MemberUnit,
    Notice,
    NoticeReceipt,
    Task,
    TaskStatus,
    Visit,
)
from anjian.committee.selectors import (
    case_list,
    interview_list,
    meeting_list,
    member_list,
    notice_list,
    receipts_of,
    task_list,
    tasks_of_case,
)
from anjian.committee.workflow import TASK_WORKFLOW
from anjian.core.errors import DomainError
from anjian.core.pagination import keyset_page, list_query
from anjian.core.scoping import can, has_action
from anjian.core.views import post_form_action, require_action
from anjian.documents.exports import bytes_response, column, xlsx_response
from anjian.documents.models import Attachment
from anjian.hazards.models import Hazard


def _form_page(request: HttpRequest, form: Any, title: str, back: str, template: str = "committee/form.html",
               **extra: Any) -> HttpResponse:
    return render(request, template, {"form": form, "title": title, "back": back, **extra})


def _refused(form: Any, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# --- cases and tasks -----------------------------------------------------------------------------

CASE_COLUMNS = [
    column("number", "督办文号"), column("title", "督办事项"), column(lambda c: c.get_source_display(), "来源"),
    column("leader", "批示领导"), column("instructed_on", "批示/决定日期"), column(lambda c: c.get_status_display(), "状态"),
]


@require_action("committee.view")
def case_list_view(request: HttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    qs = case_list(user=request.user, filters=form.filters())
    if request.GET.get("export") == "xlsx":
        return xlsx_response(qs.order_by("-created_at"), CASE_COLUMNS, "督办事项.xlsx")
    page = keyset_page(qs, request.GET, sort="-created_at", size=20)
    return render(request, "committee/cases.html", {
        "form": form, "page": page, "query": list_query(request.GET),
        "can_create": has_action(request.user, "committee.supervise"),
    })


@require_action("committee.supervise")
def case_create_view(request: HttpRequest) -> HttpResponse:
    form = CaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        tasks = form.tasks()
        if not form.errors:
            d = form.cleaned_data
            try:
                case = services.case_create(
                    actor=request.user, source=d["source"], title=d["title"], content=d["content"],
                    jurisdiction=d["jurisdiction"], tasks=tasks, leader=d["leader"],
                    instructed_on=d["instructed_on"], series=d["series"],
                )
            except DomainError as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("已登记督办事项并分解到承办单位"))
                return redirect("committee:case", pk=case.pk)
    return render(request, "committee/case_form.html", {"form": form})


def _case(request: HttpRequest, pk: int) -> Case:
    case = case_list(user=request.user).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


@require_action("committee.view")
def case_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    issuer = can(request.user, "committee.supervise", case)
    tasks = list(tasks_of_case(user=request.user, case=case))
    return render(request, "committee/case.html", {
        "case": case, "tasks": tasks, "issuer": issuer,
        "events": timeline_for(case) if can(request.user, "committee.view", case) else [],
        "can_close": issuer and case.status == "open" and all(t.status == TaskStatus.CLOSED for t in tasks),
    })


@require_POST
@require_action("committee.supervise")
def case_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    post_form_action(request, NoteForm(request.POST), lambda d: services.case_close(actor=request.user, case=case,
                                                                                      note=d["note"]), _("已办结"))
    return redirect("committee:case", pk=case.pk)


@require_action("committee.view")
def task_list_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = task_list(user=request.user, filters={"status": status} if status in TaskStatus.values else None)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(qs.order_by("deadline"), [
            column(lambda t: t.case.title, "督办事项"), column(lambda t: t.unit_name, "承办单位"),
            column("requirement", "办理要求"), column("deadline", "办理期限"), column(lambda t: t.get_status_display(), "状态"),
        ], "督办任务.xlsx")
    page = keyset_page(qs, request.GET, sort="deadline", size=20)
    return render(request, "committee/tasks.html", {"page": page, "status": status, "query": list_query(request.GET),
                                                    "statuses": TaskStatus.choices})


def _task(request: HttpRequest, pk: int) -> Task:
    task = task_list(user=request.user).filter(pk=pk).first()
    if task is None:
        # the issuer reaches every task of its cases
        task = Task.objects.filter(pk=pk, case__in=Case.objects.restrict(request.user, "committee.view")).first()
    if task is None:
        raise Http404
    return task


@require_action("committee.view")
def task_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    handler = can(request.user, "committee.handle", task) and task.status == TaskStatus.ASSIGNED
    issuer = can(request.user, "committee.supervise", task.case)
    files = Attachment.objects.filter(content_type=ContentType.objects.get_for_model(Task), object_id=str(task.pk))
    return render(request, "committee/task.html", {
        "task": task, "handler": handler, "issuer": issuer and task.status == TaskStatus.SUBMITTED,
        "feedback_form": FeedbackForm() if handler else None, "note_form": NoteForm(),
        "events": timeline_for(task), "files": files,
    })


@require_POST
@require_action("committee.handle")
def task_read_view(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    try:
        services.task_read(actor=request.user, task=task)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已签收"))
    return redirect("committee:task", pk=task.pk)


@require_POST
@require_action("committee.handle")
def task_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    form = FeedbackForm(request.POST, request.FILES)
    post_form_action(request, form, lambda d: services.task_submit(
        actor=request.user, task=task, feedback=d["feedback"], files=request.FILES.getlist("files")), _("已反馈"))
    return redirect("committee:task", pk=task.pk)


@require_POST
@require_action("committee.supervise")
def task_review_view(request: HttpRequest, pk: int, target: str) -> HttpResponse:
    task = _task(request, pk)
    if target == "close":
        post_form_action(request, NoteForm(request.POST), lambda d: services.task_close(
            actor=request.user, task=task, note=d["note"]), _("已审核办结"))
    elif target == "return":
        post_form_action(request, NoteForm(request.POST), lambda d: services.task_return(
            actor=request.user, task=task, note=d["note"]), _("已退回重办"))
    else:
        raise Http404
    return redirect("committee:task", pk=task.pk)


# --- meetings ------------------------------------------------------------------------------------


@require_action("committee.view")
def meeting_list_view(request: HttpRequest) -> HttpResponse:
    qs = meeting_list(user=request.user)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(qs, [column("title", "会议名称"), column(lambda m: m.get_kind_display(), "会议类型"),
                                  column("held_at", "召开时间"), column("place", "地点"),
                                  column(lambda m: m.get_status_display(), "状态")], "安委会会议.xlsx")
    page = keyset_page(qs, request.GET, sort="-held_at", size=20)
    return render(request, "committee/meetings.html", {"page": page, "query": list_query(request.GET),
                                                       "can_create": has_action(request.user, "committee.manage")})


@require_action("committee.manage")
def meeting_create_view(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            m = services.meeting_create(actor=request.user, jurisdiction=d["jurisdiction"], kind=d["kind"],
                                        title=d["title"], held_at=d["held_at"], place=d["place"], chair=d["chair"],
                                        agenda=d["agenda"])
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("已登记会议"))
            return redirect("committee:meeting", pk=m.pk)
    return _form_page(request, form, _("登记会议"), "committee:meetings")


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    m = meeting_list(user=request.user).filter(pk=pk).first()
    if m is None:
        raise Http404
    return m


@require_action("committee.view")
def meeting_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    m = _meeting(request, pk)
    manage = can(request.user, "committee.manage", m)
    return render(request, "committee/meeting.html", {
        "m": m, "attendance": m.attendance.select_related("department"), "decisions": m.decisions.all(),
        "sign_form": SignInForm(user=request.user, meeting=m, initial={"name": request.user.display_name}),
        "minutes_form": MinutesForm(user=request.user, initial={"minutes": m.minutes}) if manage else None,
        "manage": manage, "events": timeline_for(m),
    })


@require_POST
@require_action("committee.view")
def meeting_sign_in_view(request: HttpRequest, pk: int) -> HttpResponse:
    m = _meeting(request, pk)
    form = SignInForm(request.POST, user=request.user, meeting=m)
    post_form_action(request, form, lambda d: services.meeting_sign_in(
        actor=request.user, meeting=m, name=d["name"], department=d["department"]), _("已签到"))
    return redirect("committee:meeting", pk=m.pk)


@require_POST
@require_action("committee.manage")
def meeting_minutes_view(request: HttpRequest, pk: int) -> HttpResponse:
    m = _meeting(request, pk)
    form = MinutesForm(request.POST, user=request.user)
    post_form_action(request, form, lambda d: services.meeting_minutes(
        actor=request.user, meeting=m, minutes=d["minutes"], series=d["series"]), _("已印发会议纪要"))
    return redirect("committee:meeting", pk=m.pk)


# --- notices -------------------------------------------------------------------------------------


@require_action("committee.view")
def notice_list_view(request: HttpRequest) -> HttpResponse:
    qs = notice_list(user=request.user)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(qs, [column("number", "文号"), column("title", "标题"),
                                  column(lambda n: n.get_kind_display(), "类型"), column("issued_on", "发文日期")],
                             "通报.xlsx")
    page = keyset_page(qs, request.GET, sort="-issued_on", size=20)
    return render(request, "committee/notices.html", {"page": page, "query": list_query(request.GET),
                                                      "can_create": has_action(request.user, "committee.supervise")})


@require_action("committee.supervise")
def notice_create_view(request: HttpRequest) -> HttpResponse:
    form = NoticeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            n = services.notice_issue(actor=request.user, jurisdiction=d["jurisdiction"], kind=d["kind"],
                                      title=d["title"], body=d["body"], issuer=d["issuer"],
                                      recipients=d["recipients"], series=d["series"])
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("已印发通报"))
            return redirect("committee:notice", pk=n.pk)
    return _form_page(request, form, _("印发通报"), "committee:notices")


def _notice(request: HttpRequest, pk: int) -> Notice:
    n = notice_list(user=request.user).filter(pk=pk).first()
    if n is None:
        raise Http404
    return n


@require_action("committee.view")
def notice_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    n = _notice(request, pk)
    receipts = list(receipts_of(user=request.user, notice=n))
    mine = [r for r in receipts if r.read_at is None and can(request.user, "committee.handle", r)]
    return render(request, "committee/notice.html", {"n": n, "receipts": receipts, "mine": mine,
                                                     "events": timeline_for(n)})


@require_POST
@require_action("committee.handle")
def notice_read_view(request: HttpRequest, pk: int, receipt_pk: int) -> HttpResponse:
    n = _notice(request, pk)
    r = NoticeReceipt.objects.restrict(request.user, "committee.handle").filter(pk=receipt_pk, notice=n).first()
    if r is None:
        raise Http404
    services.notice_read(actor=request.user, receipt=r)
    messages.success(request, _("已确认阅读"))
    return redirect("committee:notice", pk=n.pk)


@require_action("committee.view")
def notice_docx_view(request: HttpRequest, pk: int) -> HttpResponse:
    n = _notice(request, pk)
    return bytes_response(notice_document(n).to_bytes(), f"{n.number or n.pk}.docx")


# --- interviews ----------------------------------------------------------------------------------


@require_action("committee.view")
def interview_list_view(request: HttpRequest) -> HttpResponse:
    qs = interview_list(user=request.user)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(qs, [column("number", "编号"), column(lambda i: i.target_name, "被约谈单位"),
                                  column("interviewees", "被约谈人"), column("held_on", "约谈日期"),
                                  column("follow_up_on", "跟踪检查日期")], "约谈.xlsx")
    page = keyset_page(qs, request.GET, sort="-held_on", size=20)
    return render(request, "committee/interviews.html", {"page": page, "query": list_query(request.GET),
                                                         "can_create": has_action(request.user, "committee.supervise")})


@require_action("committee.supervise")
def interview_create_view(request: HttpRequest) -> HttpResponse:
    form = InterviewForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            iv = services.interview_record(
                actor=request.user, jurisdiction=d["jurisdiction"], target=d["target"], interviewees=d["interviewees"],
                interviewer=d["interviewer"], reason=d["reason"], held_on=d["held_on"], commitments=d["commitments"],
                follow_up_on=d["follow_up_on"], place=d["place"], series=d["series"])
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("已登记约谈，跟踪检查已列入督办"))
            return redirect("committee:interview", pk=iv.pk)
    return _form_page(request, form, _("登记约谈"), "committee:interviews")


def _interview(request: HttpRequest, pk: int) -> Interview:
    iv = interview_list(user=request.user).filter(pk=pk).first()
    if iv is None:
        raise Http404
    return iv


@require_action("committee.view")
def interview_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    iv = _interview(request, pk)
    return render(request, "committee/interview.html", {"iv": iv, "cases": iv.cases.all(), "events": timeline_for(iv)})


@require_action("committee.view")
def interview_docx_view(request: HttpRequest, pk: int) -> HttpResponse:
    iv = _interview(request, pk)
    return bytes_response(interview_document(iv).to_bytes(), f"约谈记录-{iv.pk}.docx")


# --- member units --------------------------------------------------------------------------------


@require_action("committee.view")
def member_list_view(request: HttpRequest) -> HttpResponse:
    current = request.GET.get("all") != "1"
    qs = member_list(user=request.user, current=current)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(qs, [column(lambda m: m.jurisdiction.name, "安委会"), column(lambda m: m.department.name, "成员单位"),
                                  column(lambda m: m.get_role_display(), "身份"), column("representative", "安委会成员"),
                                  column("representative_post", "成员职务"), column("liaison", "联络员"),
                                  column("liaison_phone", "联络员电话")], "安委会成员单位.xlsx")
    return render(request, "committee/members.html", {"members": qs[:500], "current": current,
                                                      "can_manage": has_action(request.user, "committee.manage")})


@require_action("committee.manage")
def member_set_view(request: HttpRequest) -> HttpResponse:
    form = MemberForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.member_set(actor=request.user, jurisdiction=d["jurisdiction"], department=d["department"],
                                role=d["role"], representative=d["representative"],
                                representative_post=d["representative_post"], liaison=d["liaison"],
                                liaison_phone=d["liaison_phone"])
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("已保存成员单位"))
            return redirect("committee:members")
    return _form_page(request, form, _("调整成员单位"), "committee:members")


@require_action("committee.view")
def member_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    m = MemberUnit.objects.restrict(request.user, "committee.view").filter(pk=pk).select_related("department").first()
    if m is None:
        raise Http404
    return render(request, "committee/member.html", {"m": m, "versions": m.history.all()[:50],
                                                     "can_manage": can(request.user, "committee.manage", m)})


@require_POST
@require_action("committee.manage")
def member_leave_view(request: HttpRequest, pk: int) -> HttpResponse:
    m = MemberUnit.objects.restrict(request.user, "committee.manage").filter(pk=pk).first()
    if m is None:
        raise Http404
    services.member_leave(actor=request.user, member=m)
    messages.success(request, _("已退出安委会"))
    return redirect("committee:members")


# --- supervision visits (督导) -------------------------------------------------------------------


@require_action("committee.view")
def visit_list_view(request: HttpRequest) -> HttpResponse:
    qs = Visit.objects.restrict(request.user, "committee.view")
    if request.GET.get("export") == "xlsx":
        return xlsx_response(qs, [column("title", "督导事项"), column(lambda v: v.get_focus_display(), "督导类型"),
                                  column("target", "督导对象"), column("leader", "带队领导"), column("planned_on", "计划日期"),
                                  column(lambda v: v.get_status_display(), "状态"), column("findings", "发现问题")], "督导.xlsx")
    page = keyset_page(qs, request.GET, sort="-planned_on", size=20)
    return render(request, "committee/visits.html", {"page": page, "query": list_query(request.GET),
                                                     "can_create": has_action(request.user, "committee.supervise")})


@require_action("committee.supervise")
def visit_create_view(request: HttpRequest) -> HttpResponse:
    form = VisitForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            v = services.visit_plan(actor=request.user, jurisdiction=d["jurisdiction"], focus=d["focus"],
                                    title=d["title"], target=d["target"], leader=d["leader"], planned_on=d["planned_on"])
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("已制定督导计划"))
            return redirect("committee:visit", pk=v.pk)
    return _form_page(request, form, _("制定督导计划"), "committee:visits")


@require_action("committee.view")
def visit_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    v = Visit.objects.restrict(request.user, "committee.view").filter(pk=pk).first()
    if v is None:
        raise Http404
    form = None
    if v.status == "planned" and can(request.user, "committee.supervise", v):
        form = VisitRecordForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                tasks = form.tasks()
                services.visit_record(actor=request.user, visit=v, findings=form.cleaned_data["findings"],
                                      files=request.FILES.getlist("files"), tasks=tasks, hazards=form.hazards())
            except ValidationError as exc:
                form.add_error("unit", exc)
            except DomainError as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("已记录督导情况"))
                return redirect("committee:visit", pk=v.pk)
    files = Attachment.objects.filter(content_type=ContentType.objects.get_for_model(Visit), object_id=str(v.pk))
    done = Event.objects.filter(content_type=ContentType.objects.get_for_model(Visit), object_id=str(v.pk),
                                verb="committee.visit_done").first()
    hazard_ids = (done.data or {}).get("hazards", []) if done else []
    hazards = Hazard.objects.restrict(request.user, "hazards.view").filter(pk__in=hazard_ids).select_related("enterprise")
    return render(request, "committee/visit.html", {"v": v, "form": form, "files": files, "events": timeline_for(v),
                                                    "hazards": hazards})


__all__ = ["TASK_WORKFLOW"]
