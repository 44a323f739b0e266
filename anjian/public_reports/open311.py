"""Open311 GeoReport v2 at /open311/v2/ (spec: wiki.open311.org/GeoReport_v2).

* Services are the report types; every service has a definition (attributes), so
  ``metadata`` is true.
* POST ``requests.{fmt}`` needs an ``api_key`` — an anjian API token whose user holds
  ``public_reports.hotline`` (a 12345/12350 gateway acts like a hotline operator) — unless
  ``OPEN311_ALLOW_ANONYMOUS`` is set; anonymous posts are rate limited like the portal. An
  ``Idempotency-Key`` header (extension) makes retries store one report. ``first_name``,
  ``last_name``, ``phone`` and ``email`` go to the confidential identity record only. The
  secret for the public tracking page is returned once, in the POST response's ``service_notice``.
* GET ``requests`` needs an api_key too: it returns the reports the key's user may view (a
  gateway: the reports it submitted). Descriptions of reports are not public data here —
  they can identify the reporter or warn the enterprise.
* Statuses: open / closed, with ``status_notes`` (the reporter-facing status and the public
  reply) and the internal status in the extension field ``anjian_status``.
* Errors: ``[{"code": …, "description": …}]`` / ``<errors><error>…`` with the HTTP status.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from anjian.accounts.services import token_authenticate
from anjian.core.errors import DomainError
from anjian.core.scoping import has_action
from anjian.public_reports import services, throttle
from anjian.public_reports.models import Channel, ContactPreference, Report, ReportStatus, ReportType

SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-28T00:00:00Z"
CLOSED = {ReportStatus.REPLIED, ReportStatus.CLOSED, ReportStatus.REJECTED, ReportStatus.MERGED}
MAX_REQUESTS = 1000

SERVICE_TEXT = {
    ReportType.HAZARD: ("安全生产事故隐患", "Work-safety hazard", "隐患,安全隐患,hazard"),
    ReportType.ILLEGAL_OPERATION: ("非法违法生产经营建设", "Illegal production, operation or construction",
                                   "非法,违法,无证,illegal"),
    ReportType.CONCEALED_ACCIDENT: ("瞒报谎报生产安全事故", "Concealed or falsely reported accident",
                                    "瞒报,谎报,事故,accident"),
    ReportType.OTHER: ("其他安全生产问题", "Other work-safety matter", "其他,other"),
}

ATTRIBUTES = [
    {"variable": True, "code": "enterprise_name", "datatype": "string", "required": False,
     "datatype_description": "单位名称 / name of the enterprise", "order": 1,
     "description": "被举报单位名称（如知道）/ The enterprise reported, if known"},
    {"variable": True, "code": "occurred_at", "datatype": "datetime", "required": False,
     "datatype_description": "ISO 8601", "order": 2, "description": "发生时间 / When it happened"},
    {"variable": True, "code": "reward", "datatype": "singlevaluelist", "required": False,
     "datatype_description": None, "order": 3,
     "description": "申请举报奖励（需实名：first_name/last_name 与 phone）/ Ask for a reward (needs name and phone)",
     "values": [{"key": "no", "name": "否 / No"}, {"key": "yes", "name": "是 / Yes"}]},
]


# --- rendering -----------------------------------------------------------------------------


def _xml_value(parent: ET.Element, tag: str, value: Any, item_tags: dict[str, str]) -> None:
    el = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for k, v in value.items():
            _xml_value(el, k, v, item_tags)
    elif isinstance(value, list):
        for item in value:
            _xml_value(el, item_tags[tag], item, item_tags)
    elif isinstance(value, bool):
        el.text = "true" if value else "false"
    elif value is not None:
        el.text = str(value)


ITEM_TAGS = {"services": "service", "service_requests": "request", "attributes": "attribute", "values": "value",
             "endpoints": "endpoint", "formats": "format", "errors": "error"}


def render(fmt: str, root: str, data: Any, status: int = 200) -> HttpResponse:
    """JSON as data; XML by the Spark convention (a list becomes repeated item elements)."""
    if fmt == "xml":
        if isinstance(data, list):
            el = ET.Element(root)
            for item in data:
                _xml_value(el, ITEM_TAGS[root], item, ITEM_TAGS)
        else:
            el = ET.Element(root)
            for k, v in data.items():
                _xml_value(el, k, v, ITEM_TAGS)
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(el, encoding="utf-8", xml_declaration=False)
        return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
    return HttpResponse(json.dumps(data, ensure_ascii=False), status=status,
                        content_type="application/json; charset=utf-8")


def error(fmt: str, status: int, description: str, code: int | None = None) -> HttpResponse:
    return render(fmt if fmt in ("json", "xml") else "xml", "errors",
                  [{"code": code or status, "description": description}], status=status)


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _service(code: str) -> dict[str, Any]:
    zh, en, keywords = SERVICE_TEXT[ReportType(code)]
    return {"service_code": code, "service_name": f"{zh} / {en}", "description": f"举报{zh} / Report: {en}",
            "metadata": True, "type": "realtime", "keywords": keywords, "group": "安全生产 / work safety"}


def request_out(r: Report) -> dict[str, Any]:
    pv = services.public_view(r)
    notes = pv["status"] + (f"：{r.public_reply}" if r.public_reply else "")
    updated = r.closed_at or r.replied_at or r.verified_at or r.handled_at or r.dispatched_at or r.accepted_at
    expected = None
    if r.handling_due and r.status not in CLOSED:
        expected = _iso(timezone.make_aware(dt.datetime.combine(r.handling_due, dt.time(23, 59, 59))))
    return {
        "service_request_id": r.tracking_code,
        "status": "closed" if r.status in CLOSED else "open",
        "status_notes": notes,
        "service_name": _service(r.report_type)["service_name"],
        "service_code": r.report_type,
        "description": r.description[:4000],
        "agency_responsible": r.department.name if r.department_id else None,
        "service_notice": None,
        "requested_datetime": _iso(r.received_at),
        "updated_datetime": _iso(updated or r.received_at),
        "expected_datetime": expected,
        "address": r.address or None,
        "address_id": None,
        "zipcode": None,
        "lat": r.lat,
        "long": r.lng,
        "media_url": None,
        "anjian_status": r.status,
    }


# --- views ---------------------------------------------------------------------------------


def _fmt(fmt: str) -> str | None:
    return fmt if fmt in ("json", "xml") else None


def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    if _fmt(fmt) is None:
        return error("xml", 404, "Unknown format")
    url = request.build_absolute_uri(reverse("open311:discovery", args=["json"])).rsplit("/", 1)[0] + "/"
    data = {
        "changeset": CHANGESET,
        "contact": getattr(settings, "OPEN311_CONTACT", "安全生产举报热线 12350"),
        "key_service": getattr(settings, "OPEN311_KEY_SERVICE", "向市安委办申请 API 令牌 / ask the city safety office for an API token"),
        "endpoints": [{"specification": SPEC, "url": url, "changeset": CHANGESET,
                       "type": getattr(settings, "OPEN311_ENDPOINT_TYPE", "production"),
                       "formats": ["text/xml", "application/json"]}],
    }
    return render(fmt, "discovery", data)


def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    if _fmt(fmt) is None:
        return error("xml", 404, "Unknown format")
    return render(fmt, "services", [_service(c) for c in ReportType.values])


def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    if _fmt(fmt) is None:
        return error("xml", 404, "Unknown format")
    if code not in ReportType.values:
        return error(fmt, 404, f"service_code {code} not found")
    return render(fmt, "service_definition", {"service_code": code, "attributes": ATTRIBUTES})


def _partner(request: HttpRequest) -> Any:
    key = request.POST.get("api_key") or request.GET.get("api_key") or ""
    user = token_authenticate(key) if key else None
    if user is not None and has_action(user, "public_reports.hotline"):
        return user
    return None


@csrf_exempt
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if _fmt(fmt) is None:
        return error("xml", 404, "Unknown format")
    if request.method == "POST":
        return _post_request(request, fmt)
    if request.method != "GET":
        return error(fmt, 405, "Method not allowed")
    user = _partner(request)
    if user is None:
        return error(fmt, 403, "Missing or invalid api_key")
    qs = Report.objects.restrict(user, "public_reports.view").select_related("department")
    p = request.GET
    if p.get("service_request_id"):
        ids = [services.normalise_code(x) for x in p["service_request_id"].split(",") if x.strip()]
        qs = qs.filter(tracking_code__in=ids)
    else:
        if p.get("service_code"):
            codes = [c.strip() for c in p["service_code"].split(",") if c.strip()]
            if any(c not in ReportType.values for c in codes):
                return error(fmt, 404, "service_code not found")
            qs = qs.filter(report_type__in=codes)
        if p.get("status"):
            wanted = {s.strip() for s in p["status"].split(",")}
            if not wanted <= {"open", "closed"}:
                return error(fmt, 400, "status must be open or closed")
            if wanted == {"open"}:
                qs = qs.exclude(status__in=CLOSED)
            elif wanted == {"closed"}:
                qs = qs.filter(status__in=CLOSED)
        start = end = None
        for name in ("start_date", "end_date"):
            if p.get(name):
                value = parse_datetime(p[name])
                if value is None or timezone.is_naive(value):
                    return error(fmt, 400, f"{name} must be ISO 8601 with a time zone")
                if name == "start_date":
                    start = value
                else:
                    end = value
        if start is None and end is None:
            start = timezone.now() - dt.timedelta(days=90)
        if start is not None:
            qs = qs.filter(received_at__gte=start)
        if end is not None:
            qs = qs.filter(received_at__lte=end)
    rows = [request_out(r) for r in qs.order_by("-received_at", "-id")[:MAX_REQUESTS]]
    return render(fmt, "service_requests", rows)


def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    if _fmt(fmt) is None:
        return error("xml", 404, "Unknown format")
    user = _partner(request)
    if user is None:
        return error(fmt, 403, "Missing or invalid api_key")
    r = (Report.objects.restrict(user, "public_reports.view").select_related("department")
         .filter(tracking_code=services.normalise_code(request_id)).first())
    if r is None:
        return error(fmt, 404, f"service_request_id {request_id} not found")
    return render(fmt, "service_requests", [request_out(r)])


def _float(value: str | None, name: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except ValueError as exc:
        raise DomainError(f"{name} 须为数字", f"{name} must be a number", field=name) from exc


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    p = request.POST
    user = _partner(request)
    if user is None and not getattr(settings, "OPEN311_ALLOW_ANONYMOUS", False):
        return error(fmt, 403, "Missing or invalid api_key")
    code = p.get("service_code", "")
    if not code:
        return error(fmt, 400, "service_code was not provided")
    if code not in ReportType.values:
        return error(fmt, 404, f"service_code {code} not found")
    key = request.headers.get("Idempotency-Key", "").strip() or None  # namespaced by the service
    identity = None
    name = f"{p.get('last_name', '')}{p.get('first_name', '')}".strip()
    if name or p.get("phone"):
        identity = {"name": name, "phone": p.get("phone", ""), "contact_preference": ContactPreference.PHONE,
                    "reward_consent": p.get("attribute[reward]") == "yes"}
    try:
        if user is None and services.find_submission(channel=Channel.OPEN311, actor=None,
                                                     idempotency_key=key) is None:
            throttle.check_submit(request)
        occurred = None
        if p.get("attribute[occurred_at]"):
            occurred = parse_datetime(p["attribute[occurred_at]"])
            if occurred is None:
                raise DomainError("发生时间格式不正确", "attribute[occurred_at] must be ISO 8601", field="occurred_at")
        enterprise_name = p.get("attribute[enterprise_name]", "")
        report, secret, _created = services.report_submit(
            actor=user, channel=Channel.OPEN311, report_type=code, description=p.get("description", ""),
            address=p.get("address_string", ""), lng=_float(p.get("long"), "long"), lat=_float(p.get("lat"), "lat"),
            occurred_at=occurred, enterprise=services.enterprise_by_name(enterprise_name),
            enterprise_name=enterprise_name, identity=identity, idempotency_key=key,
        )
    except DomainError as exc:
        return error(fmt, exc.status if exc.status in (409, 429) else 400, exc.en)
    notice = (f"已收到。查询码 {report.display_code}，查询密码 {secret}（仅此一次显示）。"
              f" Received. Tracking code {report.display_code}, secret {secret} (shown once).")
    return render(fmt, "service_requests", [{"service_request_id": report.tracking_code, "service_notice": notice}])
