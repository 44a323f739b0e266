"""The installable app: the manifest, the service worker at the root scope, the 待发送 page, and the
JSON answers the offline queue gets from the three phone forms (docs/mechanisms/offline.md)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from anjian.core.errors import DomainError
from anjian.core.views import require_action
from anjian.offline.services import Conflict, Outcome

# bump when the service worker's shell changes: the old caches are dropped on activation
SW_VERSION = "1"
HEADER = "X-Anjian-Offline"
# the pages the service worker keeps for offline use (a GET of a path starting with one)
OFFLINE_PAGES = ["/offline/", "/hazards/new/", "/grids/tasks/", "/grids/patrol/", "/enforcement/inspections/"]
SHELL = [
    "vendor/bootstrap-5.3.9/css/bootstrap.min.css",
    "vendor/bootstrap-icons-1.13.2/font/bootstrap-icons.min.css",
    "vendor/bootstrap-icons-1.13.2/font/fonts/bootstrap-icons.woff2",
    "vendor/bootstrap-5.3.9/js/bootstrap.bundle.min.js",
    "vendor/htmx-2.0.11/htmx.min.js",
    "anjian/anjian.css",
    "anjian/favicon.svg",
    "anjian/lookup.js",
    "enforcement/geolocate.js",
    "offline/offline.js",
    "offline/icon-192.png",
]


def wants_json(request: HttpRequest) -> bool:
    """The post comes from ``offline.js``, which reads a JSON answer: ``1`` the queue sending in
    the background, ``direct`` the page's own submit on line (it then opens the result)."""
    return request.headers.get(HEADER) in ("1", "direct")


def flashes(request: HttpRequest) -> bool:
    """Whether a success message is for the next page: not for a record the queue sends in the
    background (the user is elsewhere; the 待发送 list says it went)."""
    return request.headers.get(HEADER) != "1"


def answer(request: HttpRequest, outcome: Outcome) -> HttpResponse:
    """Where a stored (or replayed) post leads: JSON for the queue, a redirect for the page."""
    if wants_json(request):
        return JsonResponse({"ok": True, "url": outcome.url, "replayed": not outcome.created})
    return HttpResponseRedirect(outcome.url)


def refusal(exc: DomainError | None = None, *, errors: str = "", status: int = 422) -> JsonResponse:
    """A refused post for the queue: both messages; a conflict also says which fields to resend."""
    if exc is None:
        return JsonResponse({"ok": False, "error": errors, "error_en": errors, "accept": {}}, status=status)
    return JsonResponse({
        "ok": False, "error": exc.zh, "error_en": exc.en, "field": exc.field,
        "accept": exc.accept if isinstance(exc, Conflict) else {},
    }, status=exc.status if 400 <= exc.status < 500 else 400)


@require_GET
def service_worker_view(request: HttpRequest) -> HttpResponse:
    """``/sw.js``: served from the root so its scope is the whole site; never cached by HTTP (the
    browser checks it for updates on each navigation)."""
    body = render_to_string("offline/sw.js", {
        "version": json.dumps(SW_VERSION), "shell": json.dumps([static(p) for p in SHELL]),
        "pages": json.dumps(OFFLINE_PAGES), "queue_url": json.dumps(reverse("offline:queue")),
    })
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def manifest_view(request: HttpRequest) -> JsonResponse:
    """The web app manifest (installable: name, icons 192/512, standalone, start URL)."""
    data: dict[str, Any] = {
        "name": _("安全生产监管 · 巡查"),
        "short_name": _("安监巡查"),
        "description": _("网格巡查、现场检查、隐患上报；无网络时先存手机，联网后发送"),
        "lang": "zh-Hans",
        "id": "/",
        "start_url": "/grids/tasks/?source=app",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0d6efd",
        "icons": [
            {"src": static("offline/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("offline/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": static("offline/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
            {"src": static("offline/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
        "shortcuts": [
            {"name": _("上报隐患"), "url": "/hazards/new/"},
            {"name": _("待发送"), "url": "/offline/"},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@never_cache
@require_action("hazards.report")
def queue_view(request: HttpRequest) -> HttpResponse:
    """The 待发送 page: the forms kept on this phone (IndexedDB, drawn by ``offline.js``)."""
    return render(request, "offline/queue.html", {})


def form_errors(form: Any) -> str:
    """A form's errors as the user reads them: each field's label, then its messages."""
    parts = []
    for name, errors in form.errors.items():
        label = str(form.fields[name].label) if name in form.fields and form.fields[name].label else ""
        text = "；".join(str(e) for e in errors)
        parts.append(f"{label}：{text}" if label else text)
    return "；".join(parts)
