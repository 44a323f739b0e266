"""Pages for letters and the assessment. Out of scope is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.audit.selectors import timeline_for
from anjian.core.errors import DomainError
from anjian.core.pagination import keyset_page, list_query
from anjian.core.scoping import can, has_action
from anjian.core.views import post_form_action, require_action
from anjian.documents.exports import bytes_response, column, xlsx_response
from anjian.documents.models import Attachment
from anjian.orgs.models import Jurisdiction, JurisdictionLevel
from anjian.responsibility import services
from anjian.responsibility.accident_cases import accident_case_open, cases_by_accident, supervised_accidents
from anjian.responsibility.documents import assessment_report, letter_document
from anjian.responsibility.forms import (
    AckForm,
    AppealForm,
    IndicatorRows,
    IssueForm,
    PolicyForm,
    PostTemplateForm,
    RoundForm,
    SchemeForm,
    SchemeRulesForm,
    TemplateForm,
    enterprises_for_posts,
    rows_to_indicators,
)
from anjian.responsibility.models import (
    Letter,
    LetterLevel,
    LetterStatus,
    LetterTemplate,
    Policy,
    Result,
    ResultStatus,
    Round,
    RoundStatus,
    Score,
    TemplateStatus,
)
from anjian.responsibility.policy import city_of, policy_for
from anjian.responsibility.selectors import (
    letter_board,
    letter_list,
    result_list,
    results_visible,
    round_list,
    scheme_list,
    template_list,
)


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
            column("number", "编号"), column(lambda x: x.template.title, "责任书"), column("recipient_name", "责任单位"),
            column("issued_on", "下达日期"), column("ack_due", "签收期限"), column(lambda x: x.get_status_display(), "状态"),
            column("acknowledged_at", "签收时间"), column("signatory", "责任人")], "安全生产责任书.xlsx")
    page = keyset_page(qs, request.GET, sort="-id", size=20)
    return render(request, "responsibility/letters.html", {
        "page": page, "query": list_query(request.GET), "state": state, "q": filters["q"],
        "states": [(v, _(label)) for v, label in LETTER_STATES],
        "templates": template_list(user=request.user)[:20],
        "can_manage": has_action(request.user, "responsibility.manage"),
    })


TEMPLATE_COLUMNS = [
    column("year", "年度"), column("title", "责任书名称"), column(lambda t: t.get_level_display(), "签订层级"),
    column("issuer", "下达机关"), column(lambda t: t.enterprise.name if t.enterprise_id else t.jurisdiction.name, "下达单位"),
    column("ack_days", "签收期限(天)"), column(lambda t: t.get_status_display(), "状态"), column("n", "已下达"),
    column("acknowledged", "已签收"), column("overdue", "逾期未签收"),
]


@require_action("responsibility.view")
def template_list_view(request: HttpRequest) -> HttpResponse:
    """Every letter template in scope with its signing board (the letters page shows the latest 20)."""
    year, level, status = request.GET.get("year", ""), request.GET.get("level", ""), request.GET.get("status", "")
    qs = template_list(user=request.user).select_related("enterprise")
    if year.isdigit():
        qs = qs.filter(year=int(year))
    if level in LetterLevel.values:
        qs = qs.filter(level=level)
    if status in TemplateStatus.values:
        qs = qs.filter(status=status)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(qs.order_by("-year", "id"), TEMPLATE_COLUMNS, "安全生产责任书模板.xlsx")
    page = keyset_page(qs, request.GET, sort="-id", size=20)
    return render(request, "responsibility/templates.html", {
        "page": page, "query": list_query(request.GET), "year": year, "level": level, "status": status,
        "levels": LetterLevel.choices, "statuses": TemplateStatus.choices,
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
    manage = services.may_issue(request.user, t)
    left = services.recipients_left(t) if manage else []
    posts = t.level == LetterLevel.ENTERPRISE_POST
    return render(request, "responsibility/template.html", {
        "t": t, "targets": t.targets.all(), "board": letter_board(user=request.user, template=t),
        "letters": letter_list(user=request.user, filters={"template": t}).order_by("id")[:500],
        "recipients": [u if isinstance(u, str) else u.name for u in left],
        "issue_form": IssueForm(user=request.user, optional=posts) if manage and left else None,
        "events": timeline_for(t), "back": "responsibility:posts" if posts else "responsibility:letters",
    })


@require_POST
@require_action("responsibility.view")
def template_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Bulk issue to every recipient of the level left: a job with its progress page."""
    t = _template(request, pk)
    if not services.may_issue(request.user, t):
        raise Http404
    form = IssueForm(request.POST, user=request.user, optional=t.level == LetterLevel.ENTERPRISE_POST)
    started: list[Any] = []
    if post_form_action(request, form, lambda d: started.append(services.letters_issue_start(
            actor=request.user, template=t, series=d["series"])), _("已开始批量下达，完成后可在本页查看")):
        return redirect("jobs:detail", started[0].pk)
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
    if request.GET.get("export") == "xlsx":
        return xlsx_response(scheme_list(user=request.user).order_by("-year", "id"), [
            column("year", "年度"), column("name", "考核方案"), column(lambda x: x.jurisdiction.name, "考核辖区"),
            column(lambda x: x.get_subjects_display(), "考核对象")], "考核方案.xlsx")
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
                                       subjects=d["subjects"],
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


@require_action("responsibility.assess")
def scheme_indicators_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The indicator editor: two levels (a row names its first-level group), points, scoring rule
    (automatic from a figure, or by hand), standard or deduction per item, grade lines, veto items."""
    s = _scheme(request, pk)
    if not can(request.user, "responsibility.assess", s):
        raise Http404
    locked = s.rounds.exists()
    current = services.indicators_of(s)
    initial = [{"group": g["name"] if i == 0 else "", "name": c["name"], "points": c["points"], "metric": c["metric"],
                "comparator": c["comparator"], "threshold": c["threshold"], "rule": c["rule"]}
               for g in current for i, c in enumerate(g["children"])]
    rules_initial = {"band_excellent": s.band_excellent, "band_good": s.band_good, "band_pass": s.band_pass,
                     "veto_grade": s.veto_grade, "veto_accountability": s.veto_accountability}
    rows = IndicatorRows(request.POST or None, initial=initial, prefix="rows")
    form = SchemeRulesForm(request.POST or None, initial=rules_initial)
    error = ""
    if request.method == "POST" and not locked:
        if rows.is_valid() and form.is_valid():
            d = form.cleaned_data
            try:
                services.scheme_indicators_set(
                    actor=request.user, scheme=s, indicators=rows_to_indicators(rows.cleaned_data),
                    bands=[d["band_excellent"], d["band_good"], d["band_pass"]], veto_grade=d["veto_grade"],
                    veto_accountability=d["veto_accountability"])
            except DomainError as exc:
                if exc.status == 404:
                    raise Http404 from exc
                error = exc.message
            else:
                messages.success(request, _("已保存考核指标"))
                return redirect("responsibility:scheme", pk=s.pk)
        else:
            error = _("请检查标红的内容")
    return render(request, "responsibility/indicators.html", {
        "s": s, "rows": rows, "form": form, "locked": locked, "error": error,
    }, status=400 if error else 200)


@require_action("responsibility.assess")
def policy_view(request: HttpRequest) -> HttpResponse:
    """The city's settings for letters and the assessment (the law-fixed values stay in rules)."""
    city = next((j for j in Jurisdiction.objects.restrict(request.user, "responsibility.assess")
                 .filter(level=JurisdictionLevel.CITY).order_by("path")[:1]), None)
    if city is None:  # a district office reads its city's settings
        own = Jurisdiction.objects.restrict(request.user, "responsibility.assess").order_by("path").first()
        city = city_of(own)
        if city is None:
            raise Http404
        editable = False
    else:
        editable = True
    current = policy_for(city)
    form = PolicyForm(request.POST or None, instance=Policy(**{f: getattr(current, f) for f in services.POLICY_FIELDS}))
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            try:
                services.policy_save(actor=request.user, jurisdiction=city,
                                     data={f: form.cleaned_data[f] for f in services.POLICY_FIELDS})
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("已保存责任体系设置"))
                return redirect("responsibility:policy")
    events = timeline_for(current) if current.pk else []
    return render(request, "responsibility/policy.html", {"form": form, "city": city, "editable": editable,
                                                          "events": events}, status=400 if form.errors else 200)


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
        return xlsx_response(results, [column("rank", "排名"), column("unit_name", "单位"), column("total", "得分"),
                                       column("grade_label", "等次"), column(lambda x: "是" if x.vetoed else "否", "一票否决"),
                                       column("veto_reason", "否决事由"), column(lambda x: x.get_status_display(), "状态")],
                             "考核排名.xlsx")
    if request.GET.get("export") == "indicators":  # one row per unit and indicator, with its figures
        scores = (Score.objects.filter(result__in=[x.pk for x in results])
                  .select_related("result", "indicator", "indicator__parent")
                  .order_by("result__rank", "result_id", "indicator__parent__order", "indicator__order", "indicator_id"))
        return xlsx_response(scores, [
            column(lambda s: s.result.rank, "排名"), column(lambda s: s.result.unit_name, "单位"),
            column(lambda s: s.indicator.parent.name if s.indicator.parent_id else "", "一级指标"),
            column(lambda s: s.indicator.name, "指标"), column(lambda s: s.indicator.points, "分值"),
            column(lambda s: s.indicator.get_metric_display(), "评分方式"), column("threshold", "目标值"),
            column("value", "实际值"), column("self_points", "自评分"), column("points", "得分"),
            column("source_text", "数据说明"), column("evidence", "佐证/说明"),
        ], "考核指标得分明细.xlsx")
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
    if request.GET.get("export") == "xlsx":
        every = list(supervised_accidents(user=request.user))
        opened = cases_by_accident(every)
        return xlsx_response(every, [
            column(lambda a: timezone.localtime(a.occurred_at), "发生时间"), column("unit_name", "事故单位"),
            column(lambda a: a.district.name, "所在区"), column("deaths", "死亡人数"),
            column(lambda a: a.get_supervision_display(), "督办级别"),
            column(lambda a: opened[a.pk].get_status_display() if a.pk in opened else "未立案", "督办状态"),
        ], "事故督办.xlsx")
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


# --- enterprise → posts (岗位安全责任书) -------------------------------------------------------------


@require_action("responsibility.view")
def posts_view(request: HttpRequest) -> HttpResponse:
    """An enterprise's letters to its posts: its templates, and a new one."""
    from_user = enterprises_for_posts(request.user)
    can_create = from_user.exists()
    templates = template_list(user=request.user).filter(level=LetterLevel.ENTERPRISE_POST).select_related("enterprise")
    form = PostTemplateForm(request.POST or None, user=request.user) if can_create else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            try:
                t = services.template_create(actor=request.user, year=d["year"], level=LetterLevel.ENTERPRISE_POST,
                                             title=d["title"], enterprise=d["enterprise"], posts=d["posts"],
                                             issuer=d["enterprise"].name, body=d["body"], targets=[],
                                             ack_days=d["ack_days"])
            except DomainError as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("已保存岗位责任书，请下达给各岗位"))
                return redirect("responsibility:template", pk=t.pk)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(letter_list(user=request.user).filter(template__level=LetterLevel.ENTERPRISE_POST)
                             .order_by("id"), [
            column("number", "编号"), column(lambda x: x.template.enterprise.name, "下达企业"), column("post", "岗位"),
            column("issued_on", "下达日期"), column("ack_due", "签收期限"), column(lambda x: x.get_status_display(), "状态"),
            column("signatory", "岗位责任人")], "岗位安全责任书.xlsx")
    return render(request, "responsibility/posts.html", {"templates": templates[:100], "form": form},
                  status=400 if form is not None and form.errors else 200)
