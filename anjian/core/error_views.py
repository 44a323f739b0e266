"""The app's own error pages: in the user's language, with a way back, and for a server error
the request id (the ``X-Request-ID`` every log line carries) for the user to quote."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import get_language

from anjian.core.middleware import current_request_id

logger = logging.getLogger(__name__)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"path": request.path}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the shell's context processors: the database may be what failed."""

    request_id = getattr(request, "request_id", "") or current_request_id()
    context = {"request_id": request_id, "LANG": (get_language() or "zh-hans").lower()}
    try:
        body = loader.get_template("500.html").render(context)
    except Exception:  # a broken template must not hide the original error behind another one
        logger.exception("the 500 page itself failed to render")
        body = "<h1>Server Error (500)</h1>"
    return HttpResponseServerError(body)
