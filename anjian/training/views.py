"""Pages of the training app (section 六): sessions with phone sign-in, people and their hours,
certificates, the multi-year plan and publicity (with a public page of upcoming activities)."""

from __future__ import annotations

import io
from typing import Any

import segno
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from anjian.audit.selectors import timeline_for
from anjian.core.errors import DomainError
from anjian.core.net import client_ip
from anjian.core.pagination import keyset_page
from anjian.core.scoping import can, has_action, has_action_over_territory
from anjian.core.views import post_form_action, require_action
from anjian.documents.export_jobs import export_is_large
from anjian.documents.exports import bytes_response
from anjian.documents.models import Attachment
from anjian.documents.views_exports import export_or_start
from anjian.training import forms as f
from anjian.training import selectors as sel
from anjian.training import services
from anjian.training.exports import EXPORT, export_rows
from anjian.training.models import (
    Attendance,
    Group,
    PersonCertificate,
    PublicityActivity,
    TrainingSession,
)

GROUP_WORDS = {"干部": Group.OFFICIAL, "企业重点人群": Group.ENTERPRISE_KEY, "从业人员": Group.WORKER,
               "学生": Group.STUDENT, "居民": Group.RESIDENT,
               "officials": Group.OFFICIAL, "key": Group.ENTERPRISE_KEY, "workers": Group.WORKER,
               "students": Group.STUDENT, "residents": Group.RESIDENT}


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


def _dt(v: Any) -> str:
    return timezone.localtime(v).strftime("%Y-%m-%d %H:%M") if v else "—"


def _try(request: HttpRequest, form: Any, do: Any) -> HttpResponse | None:
    if request.method == "POST" and form.is_valid():
        try:
            return do(form.cleaned_data)  # type: ignore[no-any-return]
        except DomainError as exc:
            if exc.status == 404 and exc.field not in form.fields:
                raise Http404 from exc
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return None


def _form(request: HttpRequest, form: Any, title: str, crumbs: list[tuple[str, str]]) -> HttpResponse:
    return render(request, "training/form.html", {"form": form, "title": title, "crumbs": crumbs})


# --------------------------------------------------------------------------- sessions


@require_action("training.view")
def sessions_view(request: HttpRequest) -> HttpResponse:
    page = keyset_page(sel.sessions(user=request.user), request.GET, sort="-starts_at", size=30)
    rows = [{"url": reverse("training:session", args=[s.pk]),
             "cells": [s.title, s.get_group_display(), s.hours, _dt(s.starts_at), s.place,
                       s.enterprise.name if s.enterprise_id else s.jurisdiction.name, f"{s.present}/{s.enrolled}",
                       {"tag": "secondary", "text": _("已结班")} if s.closed_at else {"tag": "success", "text": _("进行中")}]}
            for s in page.rows]
    buttons = [{"label": _("新建培训班次"), "url": reverse("training:session_new"), "testid": "btn-new"}] \
        if has_action(request.user, "training.manage") else []
    buttons.append({"label": _("手机签到"), "url": reverse("training:sign"), "icon": "bi-phone", "testid": "btn-sign"})
    return render(request, "training/page.html", {
        "title": _("培训班次"), "buttons": buttons,
        "tables": [{"testid": "sessions", "page": page, "rows": rows,
                    "headers": [_("培训课程"), _("培训对象"), _("学时"), _("开始时间"), _("培训地点"), _("组织单位"), _("签到/报名"),
                                _("状态")]}]})


@require_action("training.manage")
def session_new_view(request: HttpRequest) -> HttpResponse:
    initial = {"course": request.GET["course"]} if request.GET.get("course", "").isdigit() else None
    form = f.SessionForm(request.POST or None, user=request.user, initial=initial)
    crumbs = [(_("培训班次"), reverse("training:sessions"))]
    def do(d: dict[str, Any]) -> Any:
        d["group"] = d["group"] or None
        if d["course"] is not None and not d["refresher"]:
            d["refresher"] = None  # the course says
        return redirect("training:session", pk=services.session_create(actor=request.user, **d).pk)

    done = _try(request, form, do)
    return done or _form(request, form, _("新建培训班次"), crumbs)


def _session(request: HttpRequest, pk: int) -> TrainingSession:
    s = sel.sessions(user=request.user).filter(pk=pk).first()
    if s is None:
        raise Http404
    return s


@require_action("training.view")
def session_view(request: HttpRequest, pk: int) -> HttpResponse:
    s = _session(request, pk)
    manage = has_action(request.user, "training.manage") and can(request.user, "training.manage", s)
    facts = [(_("培训课程"), s.title), (_("培训对象"), s.get_group_display()), (_("学时"), s.hours),
             (_("课程目录"), s.course.title if s.course_id else "—"), (_("主办部门"), s.department.name if s.department_id else "—"),
             (_("授课教师"), s.trainer), (_("培训地点"), s.place), (_("开始时间"), _dt(s.starts_at)),
             (_("结束时间"), _dt(s.ends_at)), (_("组织单位"), s.enterprise.name if s.enterprise_id else s.jurisdiction.name),
             (_("考试"), _("是（%(n)s 分合格）") % {"n": s.pass_score} if s.has_exam else _("否")),
             (_("结班时间"), _dt(s.closed_at))]
    sign_url = request.build_absolute_uri(reverse("training:sign_code", args=[s.sign_code])) if manage else ""
    if manage:
        facts.insert(0, (_("签到码"), f"{s.sign_code} · {sign_url}"))
    actions = []
    if manage and not s.closed_at:
        actions.append({"title": _("报名"), "url": reverse("training:enrol", args=[pk]), "form": f.EnrolForm(user=request.user),
                        "button": _("加入名单"), "testid": "enrol-form"})
        actions.append({"title": _("登记考勤与成绩"), "url": reverse("training:attend", args=[pk]),
                        "form": f.AttendanceForm(user=request.user), "button": _("保存"), "testid": "attend-form"})
    rows = []
    for a in sel.attendances(user=request.user, session=s):
        passed = a.passed
        rows.append({"cells": [a.pk, a.trainee.name, a.trainee.get_role_display(),
                               a.trainee.enterprise.name if a.trainee.enterprise_id else "—",
                               _dt(a.signed_at) + (" " + _("（手机）") if a.signed_by_phone else ""), a.hours,
                               "—" if a.score is None else a.score,
                               "—" if passed is None else ({"tag": "success", "text": _("合格")} if passed
                                                           else {"tag": "danger", "text": _("不合格")})]})
    if manage and not s.closed_at and timezone.now() >= s.ends_at:
        actions.append({"title": _("结班（考勤与成绩录入完毕）"), "url": reverse("training:close", args=[pk]),
                        "form": f.CloseForm(user=request.user), "button": _("结班"), "testid": "close-form"})
    return render(request, "training/page.html", {
        "title": s.title, "crumbs": [(_("培训班次"), reverse("training:sessions"))], "facts": facts, "actions": actions,
        "tables": [{"title": _("签到名单"), "testid": "roster", "rows": rows,
                    "headers": [_("序号"), _("姓名"), _("岗位"), _("所在企业"), _("签到时间"), _("获得学时"), _("考试成绩"), _("结果")]}],
        "events": timeline_for(s) if manage else None,
        "qr": {"svg": sign_qr_svg(sign_url), "code": s.sign_code, "url": sign_url,
               "full": reverse("training:sign_screen", args=[pk])} if manage and not s.closed_at else None})


def sign_qr_svg(url: str, scale: int = 6) -> str:
    """The QR code of the sign-in link as inline SVG (segno: pure Python, no image library)."""
    return str(segno.make(url, error="m").svg_inline(scale=scale, border=2, dark="#000", light="#fff", omitsize=True))


@require_action("training.manage")
def sign_screen_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The screen the trainer shows: a large QR code and the 6-digit code; scanning it opens the
    phone sign-in page with the code filled in."""
    s = _session(request, pk)
    if not can(request.user, "training.manage", s):
        raise Http404
    url = request.build_absolute_uri(reverse("training:sign_code", args=[s.sign_code]))
    return render(request, "training/sign_screen.html", {"s": s, "url": url, "svg": sign_qr_svg(url, scale=12)})


@require_POST
@require_action("training.manage")
def enrol_view(request: HttpRequest, pk: int) -> HttpResponse:
    s = _session(request, pk)
    post_form_action(request, f.EnrolForm(request.POST, user=request.user),
                     lambda d: services.session_enrol(actor=request.user, session=s, trainees=[d["trainee"]]), _("已加入名单"))
    return redirect("training:session", pk=pk)


@require_POST
@require_action("training.manage")
def attend_view(request: HttpRequest, pk: int) -> HttpResponse:
    s = _session(request, pk)

    def do(d: dict[str, Any]) -> Any:
        a = Attendance.objects.restrict(request.user, "training.manage").filter(session=s, pk=d["attendance"]).first()
        if a is None:
            raise Http404
        return services.attendance_record(actor=request.user, attendance=a, present=d["present"], hours=d["hours"],
                                          score=d["score"])

    post_form_action(request, f.AttendanceForm(request.POST, user=request.user), do, _("已保存"))
    return redirect("training:session", pk=pk)


@require_POST
@require_action("training.manage")
def close_view(request: HttpRequest, pk: int) -> HttpResponse:
    s = _session(request, pk)
    post_form_action(request, f.CloseForm(request.POST, user=request.user),
                     lambda d: services.session_close(actor=request.user, session=s), _("已结班"))
    return redirect("training:session", pk=pk)


def sign_view(request: HttpRequest, code: str = "") -> HttpResponse:
    """The phone sign-in page (no login): the session's code (typed, or in the link of the QR
    code the trainer shows) and the trainee's phone number. Throttled per address and per
    session (``services.sign_in``): too many tries answer 429."""
    form = f.SignInForm(request.POST or None, initial={"code": code[:6]}, size="lg")
    done = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            a = services.sign_in(code=form.cleaned_data["code"], phone=form.cleaned_data["phone"], ip=client_ip(request))
        except services.SignInThrottled as exc:
            form.add_error(None, exc.message)
            status = 429
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            done = {"name": a.trainee.name, "title": a.session.title, "at": _dt(a.signed_at)}
    return render(request, "training/sign.html", {"form": form, "done": done}, status=status)


# --------------------------------------------------------------------------- catalogue and trainers


@require_action("training.view")
def courses_view(request: HttpRequest) -> HttpResponse:
    page = keyset_page(sel.courses(user=request.user), request.GET, sort="title", size=30)
    rows = []
    for c in page.rows:
        short = services.course_shortfall(c)
        rows.append({"url": reverse("training:course", args=[c.pk]),
                     "cells": [c.title, c.subject, c.hours, c.get_role_display() if c.role else _("不限岗位"),
                               c.sector.name if c.sector_id else (_("高危行业") if c.high_risk else _("不限行业")),
                               c.trainer.name if c.trainer_id else "—",
                               c.enterprise.name if c.enterprise_id else c.jurisdiction.name,
                               {"tag": "warning", "text": _("低于最低学时 %(n)s") % {"n": short}} if short else "—"]})
    buttons = []
    if has_action(request.user, "training.manage"):
        buttons = [{"label": _("新增课程"), "url": reverse("training:course_new"), "testid": "btn-new"},
                   {"label": _("师资库"), "url": reverse("training:trainers"), "icon": "bi-person-badge",
                    "testid": "btn-trainers"}]
    return render(request, "training/page.html", {
        "title": _("课程目录"), "buttons": buttons,
        "tables": [{"testid": "courses", "page": page, "rows": rows,
                    "headers": [_("课程名称"), _("培训内容"), _("学时"), _("适用岗位"), _("适用行业"), _("授课教师"),
                                _("所属单位"), _("对照最低学时")]}]})


@require_action("training.manage")
def course_new_view(request: HttpRequest) -> HttpResponse:
    form = f.CourseForm(request.POST or None, user=request.user)
    crumbs = [(_("课程目录"), reverse("training:courses"))]
    return _try(request, form, lambda d: redirect("training:course", pk=services.course_save(
        actor=request.user, **d).pk)) or _form(request, form, _("新增课程"), crumbs)


@require_action("training.view")
def course_view(request: HttpRequest, pk: int) -> HttpResponse:
    c = sel.courses(user=request.user).filter(pk=pk).first()
    if c is None:
        raise Http404
    short = services.course_shortfall(c)
    facts = [(_("课程名称"), c.title), (_("课程编号"), c.code), (_("培训内容"), c.subject), (_("学时"), c.hours),
             (_("适用岗位"), c.get_role_display() if c.role else _("不限岗位")), (_("培训对象"), c.get_group_display()),
             (_("适用行业"), c.sector.name if c.sector_id else (_("高危行业") if c.high_risk else _("不限行业"))),
             (_("再培训"), _("是") if c.refresher else _("否")), (_("授课教师"), str(c.trainer) if c.trainer_id else "—"),
             (_("对照最低学时"), _("低于最低学时 %(n)s") % {"n": short} if short else _("符合或不适用"))]
    sessions = [{"url": reverse("training:session", args=[s.pk]), "cells": [s.title, _dt(s.starts_at), s.place, s.hours]}
                for s in sel.sessions(user=request.user).filter(course=c)[:50]]
    buttons = []
    if has_action(request.user, "training.manage"):
        buttons.append({"label": _("按此课程开班"), "url": reverse("training:session_new") + f"?course={c.pk}",
                        "testid": "btn-open-session"})
    return render(request, "training/page.html", {
        "title": c.title, "crumbs": [(_("课程目录"), reverse("training:courses"))], "facts": facts, "buttons": buttons,
        "tables": [{"title": _("开班记录"), "testid": "course-sessions", "rows": sessions,
                    "headers": [_("培训课程"), _("开始时间"), _("培训地点"), _("学时")]}]})


@require_action("training.view")
def trainers_view(request: HttpRequest) -> HttpResponse:
    page = keyset_page(sel.trainers(user=request.user), request.GET, sort="name", size=30)
    rows = [{"cells": [t.name, t.organisation or "—", t.title or "—", t.subjects or "—",
                       t.enterprise.name if t.enterprise_id else t.jurisdiction.name, t.n_courses, t.n_sessions]}
            for t in page.rows]
    buttons = [{"label": _("登记教师"), "url": reverse("training:trainer_new"), "testid": "btn-new"}] \
        if has_action(request.user, "training.manage") else []
    return render(request, "training/page.html", {
        "title": _("师资库"), "buttons": buttons, "crumbs": [(_("课程目录"), reverse("training:courses"))],
        "tables": [{"testid": "trainers", "page": page, "rows": rows,
                    "headers": [_("姓名"), _("工作单位"), _("职称/资格"), _("擅长领域"), _("所属单位"), _("课程数"), _("授课班次")]}]})


@require_action("training.manage")
def trainer_new_view(request: HttpRequest) -> HttpResponse:
    form = f.TrainerForm(request.POST or None, user=request.user)
    crumbs = [(_("师资库"), reverse("training:trainers"))]

    def do(d: dict[str, Any]) -> Any:
        services.trainer_save(actor=request.user, **d)
        messages.success(request, _("已登记"))
        return redirect("training:trainers")

    return _try(request, form, do) or _form(request, form, _("登记教师"), crumbs)


# --------------------------------------------------------------------------- people and hours


@require_action("training.view")
def trainees_view(request: HttpRequest) -> HttpResponse:
    form = f.HoursFilter(request.GET or None)
    year = _year(request)
    short = bool(form.is_valid() and form.cleaned_data.get("short"))
    report = sel.hours_report(user=request.user, year=year, short_only=short)[:500]
    rows = [{"cells": [r["trainee"].name, r["trainee"].get_role_display(), r["trainee"].get_group_display(),
                       r["trainee"].enterprise.name if r["trainee"].enterprise_id else r["trainee"].jurisdiction.name,
                       _("是") if r["trainee"].high_risk else _("否"),
                       "—" if r["required"] is None else r["required"], r["attended"],
                       {"tag": "danger", "text": r["shortfall"]} if r["shortfall"] else "0"]} for r in report]
    tables = [{"title": _("%(year)s 年培训学时") % {"year": year}, "testid": "hours", "rows": rows,
               "headers": [_("姓名"), _("岗位"), _("人群类别"), _("所在单位"), _("高危行业"), _("应训学时"), _("已训学时"), _("差额")]}]
    if has_action_over_territory(request.user, "training.view"):
        tables.append({"title": _("培训覆盖（按人群）"), "testid": "groups", "headers": [_("人群类别"), _("受训人数"), _("学时")],
                       "rows": [{"cells": [g["group"], g["people"], g["hours"]]} for g in sel.group_coverage(user=request.user, year=year)]})
    buttons = []
    if has_action(request.user, "training.manage"):
        buttons.append({"label": _("登记培训人员"), "url": reverse("training:trainee_new"), "testid": "btn-new"})
    buttons.append({"label": _("导出培训记录"), "url": reverse("training:export") + f"?year={year}", "icon": "bi-download",
                    "testid": "btn-export"})
    return render(request, "training/page.html", {"title": _("培训人员与学时"), "filter_form": form, "tables": tables,
                                                  "buttons": buttons})


@require_action("training.manage")
def trainee_new_view(request: HttpRequest) -> HttpResponse:
    form = f.TraineeForm(request.POST or None, user=request.user)
    crumbs = [(_("培训人员与学时"), reverse("training:trainees"))]

    def do(d: dict[str, Any]) -> Any:
        services.trainee_save(actor=request.user, **d)
        messages.success(request, _("已登记"))
        return redirect("training:trainees")

    return _try(request, form, do) or _form(request, form, _("登记培训人员"), crumbs)


@require_action("training.view")
def export_view(request: HttpRequest) -> HttpResponse:
    """Training records of the year (安全生产法 Art. 28: time, content, attendees, results) and the
    hours against the required hours."""
    year = _year(request)
    wb = Workbook()
    ws = wb.active
    ws.title = _("培训记录")
    ws.append([_("培训课程"), _("开始时间"), _("结束时间"), _("培训地点"), _("授课教师"), _("姓名"), _("所在企业"), _("签到时间"),
               _("获得学时"), _("考试成绩")])
    qs = export_rows(request.user, {"year": [str(year)]}).order_by("session__starts_at", "id")
    if export_is_large(qs.count()):  # every record, written by a job into 我的导出 (no cut-off)
        return export_or_start(request, EXPORT, "xlsx")
    for a in qs:
        ws.append([a.session.title, _dt(a.session.starts_at), _dt(a.session.ends_at), a.session.place, a.session.trainer,
                   a.trainee.name, a.trainee.enterprise.name if a.trainee.enterprise_id else "", _dt(a.signed_at) if a.signed_at else "",
                   float(a.hours), a.score])
    ws = wb.create_sheet(_("学时统计"))
    ws.append([_("姓名"), _("岗位"), _("所在单位"), _("应训学时"), _("已训学时"), _("差额")])
    for r in sel.hours_report(user=request.user, year=year):
        t = r["trainee"]
        ws.append([t.name, str(t.get_role_display()), t.enterprise.name if t.enterprise_id else t.jurisdiction.name,
                   r["required"], float(r["attended"]), float(r["shortfall"])])
    buf = io.BytesIO()
    wb.save(buf)
    return bytes_response(buf.getvalue(), f"培训记录-{year}.xlsx")


# --------------------------------------------------------------------------- certificates


@require_action("training.view")
def certificates_view(request: HttpRequest) -> HttpResponse:
    qs = sel.certificates(user=request.user)
    q = request.GET.get("q", "").strip()[:50]
    if q:
        qs = qs.filter(trainee__name__startswith=q)
    today = timezone.localdate()
    page = keyset_page(qs, request.GET, sort="expires_on", size=30)

    def state(c: PersonCertificate) -> Any:
        if c.expires_on < today:
            return {"tag": "danger", "text": _("已过期")}
        if c.renew_from <= today:
            return {"tag": "warning", "text": _("应申请延续")}
        if c.next_review_on and c.next_review_on <= today:
            return {"tag": "warning", "text": _("应复审")}
        return {"tag": "success", "text": _("有效")}

    certify = has_action(request.user, "training.certify")
    rows = [{"url": reverse("training:certificate", args=[c.pk]) if certify else "",
             "cells": [c.trainee.name, c.get_kind_display(), c.licence.number,
                       c.trainee.enterprise.name if c.trainee.enterprise_id else "—", c.issued_on.strftime("%Y-%m-%d"),
                       c.expires_on.strftime("%Y-%m-%d"), c.renew_from.strftime("%Y-%m-%d"),
                       c.next_review_on.strftime("%Y-%m-%d") if c.next_review_on else "—", state(c)]} for c in page.rows]
    buttons = [{"label": _("登记证书"), "url": reverse("training:certificate_new"), "testid": "btn-new"}] if certify else []
    return render(request, "training/page.html", {
        "title": _("人员证书"), "buttons": buttons,
        "tables": [{"testid": "certificates", "page": page, "rows": rows,
                    "headers": [_("持证人"), _("证书类型"), _("证号"), _("所在企业"), _("发证日期"), _("有效期至"), _("应申请延续日期"),
                                _("下次复审日期"), _("状态")]}]})


@require_action("training.certify")
def certificate_new_view(request: HttpRequest) -> HttpResponse:
    form = f.CertificateForm(request.POST or None, user=request.user)
    crumbs = [(_("人员证书"), reverse("training:certificates"))]

    def do(d: dict[str, Any]) -> Any:
        d["years_in_job"] = d.get("years_in_job") or 0
        services.certificate_register(actor=request.user, **d)
        messages.success(request, _("已登记，延续与复审提醒已生成"))
        return redirect("training:certificates")

    return _try(request, form, do) or _form(request, form, _("登记证书"), crumbs)


def _certificate(request: HttpRequest, pk: int) -> PersonCertificate:
    c = sel.certificates(user=request.user).filter(pk=pk).first()
    if c is None:
        raise Http404
    return c


@require_action("training.certify")
def certificate_view(request: HttpRequest, pk: int) -> HttpResponse:
    c = _certificate(request, pk)
    facts = [(_("持证人"), c.trainee.name), (_("证书类型"), c.get_kind_display()), (_("证号"), c.licence.number),
             (_("发证机关"), c.licence.issued_by), (_("发证日期"), c.issued_on.strftime("%Y-%m-%d")),
             (_("有效期至"), c.expires_on.strftime("%Y-%m-%d")), (_("应申请延续日期"), c.renew_from.strftime("%Y-%m-%d")),
             (_("下次复审日期"), c.next_review_on.strftime("%Y-%m-%d") if c.next_review_on else "—")]
    actions = [{"title": _("证书延续（换发新证）"), "url": reverse("training:renew", args=[pk]), "form": f.RenewForm(user=request.user),
                "button": _("保存"), "testid": "renew-form"}]
    if c.next_review_on:
        actions.append({"title": _("登记复审"), "url": reverse("training:review", args=[pk]),
                        "form": f.ReviewForm(user=request.user), "button": _("保存"), "testid": "review-form"})
    return render(request, "training/page.html", {
        "title": f"{c.trainee.name} {c.get_kind_display()}", "crumbs": [(_("人员证书"), reverse("training:certificates"))],
        "facts": facts, "actions": actions, "events": timeline_for(c.trainee)})


@require_POST
@require_action("training.certify")
def renew_view(request: HttpRequest, pk: int) -> HttpResponse:
    c = _certificate(request, pk)
    post_form_action(request, f.RenewForm(request.POST, user=request.user),
                     lambda d: services.certificate_renew(actor=request.user, certificate=c, **d), _("已延续"))
    return redirect("training:certificate", pk=pk)


@require_POST
@require_action("training.certify")
def review_view(request: HttpRequest, pk: int) -> HttpResponse:
    c = _certificate(request, pk)
    post_form_action(request, f.ReviewForm(request.POST, user=request.user),
                     lambda d: services.certificate_reviewed(actor=request.user, certificate=c, **d), _("已登记复审"))
    return redirect("training:certificate", pk=pk)


# --------------------------------------------------------------------------- plan


@require_action("training.plan")
def plans_view(request: HttpRequest) -> HttpResponse:
    if not has_action_over_territory(request.user, "training.plan"):
        raise Http404
    tables = []
    for plan in sel.plans(user=request.user)[:20]:
        tables.append({"title": f"{plan.name}（{plan.start_year}–{plan.end_year}，{plan.jurisdiction.name}）",
                       "testid": f"plan-{plan.pk}", "headers": [_("年度"), _("人群类别"), _("目标人数"), _("已培训"), _("完成率")],
                       "rows": [{"cells": [p["target"].year, p["target"].get_group_display(), p["target"].target, p["done"],
                                           "—" if p["rate"] is None else f"{p['rate']}%"]} for p in sel.plan_progress(plan)]})
    return render(request, "training/page.html", {
        "title": _("全员培训规划"), "tables": tables,
        "buttons": [{"label": _("新建规划"), "url": reverse("training:plan_new"), "testid": "btn-new"}]})


def _targets(text: str) -> list[tuple[int, str, int]]:
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        parts = line.replace("，", " ").replace(",", " ").split()
        if not parts:
            continue
        if len(parts) != 3 or not parts[0].isdigit() or not parts[2].isdigit() or parts[1].lower() not in GROUP_WORDS:
            raise DomainError(f"第 {n} 行格式应为「年度 人群 目标人数」", f"Line {n} must read 'year group target'",
                              field="targets")
        out.append((int(parts[0]), str(GROUP_WORDS[parts[1].lower()]), int(parts[2])))
    return out


@require_action("training.plan")
def plan_new_view(request: HttpRequest) -> HttpResponse:
    form = f.PlanForm(request.POST or None, user=request.user)
    crumbs = [(_("全员培训规划"), reverse("training:plans"))]

    def do(d: dict[str, Any]) -> Any:
        services.plan_save(actor=request.user, jurisdiction=d["jurisdiction"], name=d["name"], start_year=d["start_year"],
                           end_year=d["end_year"], targets=_targets(d["targets"]))
        messages.success(request, _("已保存"))
        return redirect("training:plans")

    return _try(request, form, do) or _form(request, form, _("新建规划"), crumbs)


# --------------------------------------------------------------------------- publicity


@require_action("training.view")
def activities_view(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    page = keyset_page(sel.activities(user=request.user).filter(starts_on__year=year), request.GET, sort="-starts_on", size=30)
    rows = [{"url": reverse("training:activity", args=[a.pk]),
             "cells": [a.title, a.get_kind_display(), a.organiser, a.place, a.starts_on.strftime("%Y-%m-%d"),
                       a.ends_on.strftime("%Y-%m-%d"), a.reach, a.materials]} for a in page.rows]
    stats = [{"cells": [s["kind"], s["n"], s["reach"], s["materials"]]} for s in sel.activity_stats(user=request.user, year=year)]
    buttons = [{"label": _("登记宣传活动"), "url": reverse("training:activity_new"), "testid": "btn-new"}] \
        if has_action(request.user, "training.publicity") else []
    buttons.append({"label": _("公开活动页"), "url": reverse("training:public_activities"), "icon": "bi-globe",
                    "testid": "btn-public"})
    return render(request, "training/page.html", {
        "title": _("宣传活动"), "filter_form": f.YearFilter(request.GET or None), "buttons": buttons,
        "tables": [{"testid": "activities", "page": page, "rows": rows,
                    "headers": [_("活动名称"), _("活动类型"), _("主办单位"), _("地点"), _("开始日期"), _("结束日期"), _("受众人次"),
                                _("发放资料（份）")]},
                   {"title": _("%(year)s 年统计") % {"year": year}, "testid": "stats", "rows": stats,
                    "headers": [_("活动类型"), _("场次"), _("受众人次"), _("发放资料（份）")]}]})


@require_action("training.publicity")
def activity_new_view(request: HttpRequest) -> HttpResponse:
    form = f.ActivityForm(request.POST or None, request.FILES or None, user=request.user)
    crumbs = [(_("宣传活动"), reverse("training:activities"))]

    def do(d: dict[str, Any]) -> Any:
        a = services.activity_save(actor=request.user, **d)
        messages.success(request, _("已登记"))
        return redirect("training:activity", pk=a.pk)

    return _try(request, form, do) or _form(request, form, _("登记宣传活动"), crumbs)


def _activity(request: HttpRequest, pk: int) -> PublicityActivity:
    a = sel.activities(user=request.user).filter(pk=pk).first()
    if a is None:
        raise Http404
    return a


@require_action("training.view")
def activity_view(request: HttpRequest, pk: int) -> HttpResponse:
    a = _activity(request, pk)
    ct = ContentType.objects.get_for_model(PublicityActivity)
    files = list(Attachment.objects.filter(content_type=ct, object_id=str(a.pk)).order_by("id"))
    facts = [(_("活动名称"), a.title), (_("活动类型"), a.get_kind_display()), (_("主办单位"), a.organiser),
             (_("辖区"), a.jurisdiction.name), (_("地点"), a.place), (_("开始日期"), a.starts_on.strftime("%Y-%m-%d")),
             (_("结束日期"), a.ends_on.strftime("%Y-%m-%d")), (_("受众人次"), a.reach), (_("发放资料（份）"), a.materials),
             (_("对外公布"), _("是") if a.is_public else _("否")), (_("活动内容"), a.description)]
    actions = []
    if has_action(request.user, "training.publicity") and can(request.user, "training.publicity", a):
        actions.append({"title": _("上传活动照片与资料"), "url": reverse("training:activity_files", args=[pk]),
                        "form": f.ActivityFilesForm(user=request.user), "button": _("上传"), "testid": "files-form",
                        "open": not files})
    return render(request, "training/page.html", {
        "title": a.title, "crumbs": [(_("宣传活动"), reverse("training:activities"))], "facts": facts, "actions": actions,
        "gallery": [{"url": reverse("documents:attachment", args=[x.pk]), "name": x.original_name, "image": x.is_image}
                    for x in files],
        "events": timeline_for(a)})


@require_POST
@require_action("training.publicity")
def activity_files_view(request: HttpRequest, pk: int) -> HttpResponse:
    a = _activity(request, pk)
    post_form_action(request, f.ActivityFilesForm(request.POST, request.FILES, user=request.user),
                     lambda d: services.activity_attach(actor=request.user, activity=a, files=d["files"]), _("已上传"))
    return redirect("training:activity", pk=pk)


def public_activities_view(request: HttpRequest) -> HttpResponse:
    """Upcoming public activities, open to everyone."""
    return render(request, "training/public_activities.html", {"activities": sel.public_activities()})
