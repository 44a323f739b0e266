"""The public portal (no login): report, then track by code and secret."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from anjian.core.errors import DomainError
from anjian.orgs.selectors import public_outline
from anjian.public_reports import services, throttle
from anjian.public_reports.forms import ReportForm
from anjian.public_reports.models import Channel, Report

REFERRER_POLICY = "same-origin"


def _finish(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    new = getattr(request, "_aj_new_device", "")
    if new or throttle.DEVICE_COOKIE not in request.COOKIES:
        response.set_cookie(throttle.DEVICE_COOKIE, new or throttle.device_token(request), max_age=365 * 86400,
                            httponly=True, samesite="Lax", secure=request.is_secure())
    # same-origin: no referrer ever leaves for a third party (the reporter's privacy), while the
    # browser still sends this site's Origin with the form posts. "no-referrer" made Chromium
    # post with "Origin: null", which the CSRF check rightly refuses (issue 12).
    response["Referrer-Policy"] = REFERRER_POLICY
    return response


def _done(request: HttpRequest, report: Report, secret: str) -> HttpResponse:
    response = render(request, "public_reports/public/done.html", {"code": report.display_code, "secret": secret})
    response["Cache-Control"] = "no-store"
    return _finish(request, response)


def _form_page(request: HttpRequest, form: ReportForm, status: int) -> HttpResponse:
    return _finish(request, render(request, "public_reports/public/form.html", {"form": form}, status=status))


def outline(request: HttpRequest) -> HttpResponse:
    """The city's and its districts' boundaries for the form's map (public administrative
    boundaries, so the map shows where the city is even without a base map)."""
    response = JsonResponse(public_outline(), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=3600"
    response["Vary"] = "Cookie, Accept-Language"
    return response


@never_cache
@csrf_protect
def report_form(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _form_page(request, ReportForm(), 200)
    form = ReportForm(request.POST, request.FILES)
    status = 200
    if form.is_valid():
        d = form.cleaned_data
        try:
            # a retry of a stored submission is not counted against the rate limits
            if services.find_submission(channel=Channel.PUBLIC, actor=None,
                                        idempotency_key=d["idempotency_key"]) is None:
                throttle.check_submit(request)
            enterprise = services.enterprise_by_name(d["enterprise_name"])
            report, secret, _created = services.report_submit(
                actor=None, channel=Channel.PUBLIC, report_type=d["report_type"], description=d["description"],
                address=d["address"], lng=d["lng"], lat=d["lat"], occurred_at=d["occurred_at"],
                enterprise=enterprise, enterprise_name=d["enterprise_name"], identity=form.identity(),
                files=d["files"], idempotency_key=d["idempotency_key"],
            )
            return _done(request, report, secret)
        except DomainError as exc:
            status = exc.status if exc.status in (409, 429) else 400
            field = exc.field if exc.field in form.fields and not form.fields[exc.field].widget.is_hidden else None
            form.add_error(field, exc.message)
    else:
        status = 400
    return _form_page(request, form, status)


@never_cache
@csrf_protect
def track(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {"code": request.POST.get("code", "")}
    status = 200
    if request.method == "POST":
        try:
            throttle.check_track(request)
            report = services.report_track(request.POST.get("code", ""), request.POST.get("secret", ""))
            if report is None:
                context["error"] = "not_found"
                status = 404
            else:
                context["info"] = services.public_view(report)
        except DomainError as exc:
            context["error_message"] = exc.message
            status = exc.status
    response = render(request, "public_reports/public/track.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return _finish(request, response)
