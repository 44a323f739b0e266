"""Pages for letters and the assessment. Out of scope is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.audit.selectors import timeline_for
from anjian.core.errors import DomainError
from anjian.core.pagination import keyset_page
from anjian.core.scoping import can, has_action
from anjian.core.views import post_form_action, require_action
from anjian.documents.exports import Column, bytes_response, xlsx_response
from anjian.documents.models import Attachment
from anjian.responsibility import services
from anjian.responsibility.accident_cases import accident_case_open, cases_by_accident, supervised_accidents
from anjian.responsibility.documents import assessment_report, letter_document
from anjian.responsibility.forms import AckForm, AppealForm, IssueForm, RoundForm, SchemeForm, TemplateForm
from anjian.responsibility.models import (
    Letter,
    LetterStatus,
    LetterTemplate,
    Result,
    ResultStatus,
    Round,
    RoundStatus,
)
from anjian.responsibility.selectors import (
    letter_board,
    letter_list,
    result_list,
    results_visible,
    round_list,
    scheme_list,
    template_list,
)


def C(value: Any, header: str) -> Column:
    return Column(header, value if callable(value) else (lambda row, attr=value: getattr(row, attr)))


def _query(request: HttpRequest) -> str:
    q = request.GET.copy()
    q.pop("after", None)
    q.pop("before", None)
    return q.urlencode()


def _refused(form: Any, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


LETTER_STATES = [("issued", "待签收"), ("overdue", "逾期未签收"), ("acknowledged", "已签收")]


@require_action("responsibility.view")
def letter_list_view(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    filters = {"state": state, "q": request.GET.get("q", "")}
    qs = letter_list(user=request.user, filters=filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(qs.order_by("id"), [
            C("number", "编号"), C(lambda x: x.template.title, "责任书"), C("recipient_name", "责任单位"),
            C("issued_on", "下达日期"), C("ack_due", "签收期限"), C(lambda x: x.get_status_display(), "状态"),
            C("acknowledged_at", "签收时间"), C("signatory", "责任人")], "安全生产责任书.xlsx")
    page = keyset_page(qs, request.GET, sort="-id", size=20)
    return render(request, "responsibility/letters.html", {
        "page": page, "query": _query(request), "state": state, "q": filters["q"],
        "states": [(v, _(label)) for v, label in LETTER_STATES],
        "templates": template_list(user=request.user)[:20],
        "can_manage": has_action(request.user, "responsibility.manage"),
    })


@require_action("responsibility.manage")
def template_create_view(request: HttpRequest) -> HttpResponse:
    form = TemplateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        targets = form.targets()
        if not form.errors:
            d = form.cleaned_data
            try:
                t = services.template_create(actor=request.user, year=d["year"], level=d["level"], title=d["title"],
                                             jurisdiction=d["jurisdiction"], issuer=d["issuer"], body=d["body"],
                                             targets=targets, ack_days=d["ack_days"])
            except DomainError as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("已保存责任书模板，请选择编号序列后下达"))
                return redirect("responsibility:template", pk=t.pk)
    return render(request, "responsibility/template_form.html", {"form": form})


def _template(request: HttpRequest, pk: int) -> LetterTemplate:
    t = template_list(user=request.user).filter(pk=pk).first()
    if t is None:
        raise Http404
    return t


@require_action("responsibility.view")
def template_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    t = _template(request, pk)
    manage = can(request.user, "responsibility.manage", t)
    return render(request, "responsibility/template.html", {
        "t": t, "targets": t.targets.all(), "board": letter_board(user=request.user, template=t),
        "letters": letter_list(user=request.user, filters={"template": t}).order_by("id")[:500],
        "recipients": services.recipients_of(t) if manage and t.status == "draft" else [],
        "issue_form": IssueForm(user=request.user) if manage else None, "events": timeline_for(t),
    })


@require_POST
@require_action("responsibility.manage")
def template_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    t = _template(request, pk)
    form = IssueForm(request.POST, user=request.user)
    post_form_action(request, form, lambda d: services.letters_issue(actor=request.user, template=t, series=d["series"]),
                     lambda letters: _("已下达 %(n)d 份责任书") % {"n": len(letters)})
    return redirect("responsibility:template", pk=t.pk)


def _letter(request: HttpRequest, pk: int) -> Letter:
    lt = letter_list(user=request.user).filter(pk=pk).first()
    if lt is None:
        raise Http404
    return lt


@require_action("responsibility.view")
def letter_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    lt = _letter(request, pk)
    can_ack = lt.status == LetterStatus.ISSUED and can(request.user, "responsibility.ack", lt)
    files = Attachment.objects.filter(content_type=ContentType.objects.get_for_model(Letter), object_id=str(lt.pk))
    return render(request, "responsibility/letter.html", {
        "lt": lt, "targets": lt.template.targets.all(), "ack_form": AckForm() if can_ack else None, "files": files,
        "events": timeline_for(lt),
    })


@require_POST
@require_action("responsibility.ack")
def letter_ack_view(request: HttpRequest, pk: int) -> HttpResponse:
    lt = _letter(request, pk)
    form = AckForm(request.POST, request.FILES)
    post_form_action(request, form, lambda d: services.letter_acknowledge(
        actor=request.user, letter=lt, method=d["method"], signatory=d["signatory"],
        files=request.FILES.getlist("files")), _("已签收"))
    return redirect("responsibility:letter", pk=lt.pk)


@require_action("responsibility.view")
def letter_docx_view(request: HttpRequest, pk: int) -> HttpResponse:
    lt = _letter(request, pk)
    return bytes_response(letter_document(lt).to_bytes(), f"{lt.number}.docx")


# --- assessment --------------------------------------------------------------------------------


@require_action("responsibility.view")
def scheme_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "responsibility/schemes.html", {
        "schemes": scheme_list(user=request.user)[:100], "own": result_list(user=request.user)[:50],
        "can_assess": has_action(request.user, "responsibility.assess"),
    })


@require_action("responsibility.assess")
def scheme_create_view(request: HttpRequest) -> HttpResponse:
    form = SchemeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            s = services.scheme_create(actor=request.user, year=d["year"], name=d["name"], jurisdiction=d["jurisdiction"],
                                       subjects=d["subjects"], indicators=services.default_indicators(),
                                       veto_grade=d["veto_grade"], veto_accountability=d["veto_accountability"])
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("已制定考核方案（默认指标）"))
            return redirect("responsibility:scheme", pk=s.pk)
    return render(request, "responsibility/form.html", {"form": form, "title": _("制定考核方案"),
                                                        "back": "responsibility:schemes"})


def _scheme(request: HttpRequest, pk: int) -> Any:
    s = scheme_list(user=request.user).filter(pk=pk).first()
    if s is None:
        raise Http404
    return s


@require_action("responsibility.view")
def scheme_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    s = _scheme(request, pk)
    assess = can(request.user, "responsibility.assess", s)
    groups = [(g, list(g.children.all())) for g in s.indicators.filter(parent__isnull=True)]
    form = RoundForm(request.POST or None) if assess else None
    if request.method == "POST" and form is not None and form.is_valid():
        d = form.cleaned_data
        try:
            r = services.round_open(actor=request.user, scheme=s, stage=d["stage"], period_start=d["period_start"],
                                    period_end=d["period_end"], self_due=d["self_due"])
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("已开始考核并完成自动评分"))
            return redirect("responsibility:round", pk=r.pk)
    return render(request, "responsibility/scheme.html", {"s": s, "groups": groups, "rounds": round_list(
        user=request.user, scheme=s), "form": form})


def _round(request: HttpRequest, pk: int) -> Round:
    r = Round.objects.restrict(request.user, "responsibility.view").filter(pk=pk).first()
    if r is None:
        own = Result.objects.restrict(request.user, "responsibility.view").filter(round_id=pk).first()
        r = own.round if own is not None else None
    if r is None:
        raise Http404
    return r


@require_action("responsibility.view")
def round_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    r = _round(request, pk)
    results = list(results_visible(user=request.user, round=r))
    if request.GET.get("export") == "xlsx":
        return xlsx_response(results, [C("rank", "排名"), C("unit_name", "单位"), C("total", "得分"),
                                       C("grade_label", "等次"), C(lambda x: "是" if x.vetoed else "否", "一票否决"),
                                       C("veto_reason", "否决事由"), C(lambda x: x.get_status_display(), "状态")],
                             "考核排名.xlsx")
    office = can(request.user, "responsibility.assess", r)
    top = max((float(x.total) for x in results), default=0) or 100
    return render(request, "responsibility/round.html", {
        "r": r, "results": [(x, round(float(x.total) * 100 / top)) for x in results], "office": office,
        "can_publish": office and r.status != RoundStatus.PUBLISHED,
    })


@require_POST
@require_action("responsibility.assess")
def round_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    r = _round(request, pk)
    try:
        if action == "compute":
            services.round_compute(actor=request.user, round=r)
            messages.success(request, _("已重新计算自动评分"))
        elif action == "publish":
            services.round_publish(actor=request.user, round=r)
            messages.success(request, _("已公布考核结果"))
        else:
            raise Http404
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from exc
        messages.error(request, exc.message)
    return redirect("responsibility:round", pk=r.pk)


@require_action("responsibility.view")
def round_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    r = _round(request, pk)
    if not (can(request.user, "responsibility.assess", r)
            or (r.status == RoundStatus.PUBLISHED and can(request.user, "responsibility.view", r))):
        raise Http404
    return bytes_response(assessment_report(r).to_bytes(), f"考核通报-{r.scheme.year}-{r.stage}.docx")


def _result(request: HttpRequest, pk: int) -> Result:
    res = Result.objects.filter(pk=pk).select_related("round__scheme").first()
    if res is None or not results_visible(user=request.user, round=res.round).filter(pk=pk).exists():
        raise Http404
    return res


@require_action("responsibility.view")
def result_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    res = _result(request, pk)
    scores = list(res.scores.select_related("indicator", "indicator__parent"))
    office = can(request.user, "responsibility.assess", res.round)
    unit = can(request.user, "responsibility.self", res) and not office
    if request.method == "POST":
        manual = {s.indicator_id: request.POST.get(f"points_{s.indicator_id}", "") for s in scores if not s.auto}
        manual = {k: v for k, v in manual.items() if v != ""}
        try:
            if request.POST.get("do") == "self" and unit:
                services.result_self_submit(actor=request.user, result=res, points=manual, note=request.POST.get("note", ""),
                                            evidence={s.indicator_id: request.POST.get(f"evidence_{s.indicator_id}", "")
                                                      for s in scores if not s.auto})
            elif request.POST.get("do") == "review" and office:
                services.result_review(actor=request.user, result=res, points=manual, answer=request.POST.get("answer", ""))
            elif request.POST.get("do") == "appeal" and unit:
                form = AppealForm(request.POST)
                services.result_appeal(actor=request.user, result=res,
                                       reason=form.data.get("reason", ""))
            else:
                raise Http404
        except DomainError as exc:
            if exc.status == 404:
                raise Http404 from exc
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存"))
            return redirect("responsibility:result", pk=res.pk)
    return render(request, "responsibility/result.html", {
        "res": res, "scores": scores, "office": office,
        "self_open": unit and res.status == ResultStatus.SELF,
        "review_open": office and res.status in (ResultStatus.SUBMITTED, ResultStatus.APPEALED, ResultStatus.SELF)
        and (res.round.status != RoundStatus.PUBLISHED or res.status == ResultStatus.APPEALED),
        "appeal_open": unit and res.status == ResultStatus.REVIEWED, "appeal_form": AppealForm(),
        "events": timeline_for(res),
    })


# --- accidents under supervision → 督办 matters ---------------------------------------------------


@require_action("committee.view")
def accident_cases_view(request: HttpRequest) -> HttpResponse:
    accidents = list(supervised_accidents(user=request.user)[:200])
    cases = cases_by_accident(accidents)
    return render(request, "responsibility/accident_cases.html", {
        "rows": [(a, cases.get(a.pk)) for a in accidents], "can_open": has_action(request.user, "committee.supervise"),
    })


@require_POST
@require_action("committee.supervise")
def accident_case_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    accident = supervised_accidents(user=request.user).filter(pk=pk).first()
    if accident is None:
        raise Http404
    try:
        case = accident_case_open(actor=request.user, accident=accident)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from exc
        messages.error(request, exc.message)
        return redirect("responsibility:accident_cases")
    messages.success(request, _("已立案督办"))
    return redirect("committee:case", pk=case.pk)
