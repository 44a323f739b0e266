"""The API near Django's own cost (issue 22): a slim handler for machine calls, plain JSON rows.

**The slim stack.** A request to ``/api/`` that carries ``Authorization: Bearer …`` and no session
cookie is a machine's call: it has no session, no messages, no CSRF token to check (the token is
not sent by a browser on its own), no htmx. ``anjian.config.wsgi`` hands such requests to
``TokenApiHandler``, a Django handler whose middleware is ``settings.MIDDLEWARE`` without
``SKIPPED_FOR_TOKEN_CALLS`` (every other entry — security headers, request id, CSP, locale from
``Accept-Language``, the upload limit, clickjacking header, row-history request — stays, in the
same order, so a middleware added later is kept unless it is named here). Every other request,
browsers' calls to ``/api/`` included, goes through the full stack exactly as before (CSRF
checked). ``AnonymousUntilAuthenticated`` gives the request an anonymous ``user`` until the
API's token authentication sets the token's user (the audit's actor and the history's user).

**Plain rows.** ``json_response`` renders plain Python rows (built from ``values_list`` tuples)
with django-ninja's encoder and content type, so an endpoint can answer its documented schema
without building model instances and pydantic objects per row — byte for byte the JSON the schema
would give (each endpoint that uses it has a test comparing both).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse
from ninja.responses import NinjaJSONEncoder

SKIPPED_FOR_TOKEN_CALLS = frozenset({
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files are never under /api/
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",  # the token authenticates instead
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
})
_ANONYMOUS = "anjian.core.apifast.AnonymousUntilAuthenticated"
API_PREFIX = "/api/"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"  # as django-ninja's JSONRenderer


def token_middleware(full: list[str]) -> list[str]:
    """The slim stack: the full one without the skipped entries, an anonymous user where the
    authentication middleware was."""
    out = []
    for path in full:
        if path == "django.contrib.auth.middleware.AuthenticationMiddleware":
            out.append(_ANONYMOUS)
        elif path not in SKIPPED_FOR_TOKEN_CALLS:
            out.append(path)
    return out


def is_token_api_call(environ: dict[str, Any]) -> bool:
    """A machine's call: under /api/, a bearer token, no session cookie (a browser's session —
    even with a token beside it — keeps the full stack and its CSRF check)."""
    if not environ.get("PATH_INFO", "").startswith(API_PREFIX):
        return False
    if environ.get("HTTP_AUTHORIZATION", "")[:7].lower() != "bearer ":
        return False
    return f"{settings.SESSION_COOKIE_NAME}=" not in environ.get("HTTP_COOKIE", "")


class TokenApiHandler(WSGIHandler):
    """A WSGI handler for machine calls with the slim middleware stack (``token_middleware``)."""

    def load_middleware(self, is_async: bool = False) -> None:
        # BaseHandler reads settings.MIDDLEWARE; swapped only while this handler is built, once at
        # start-up (wsgi import), before any request is served.
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = token_middleware(list(full))
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full


class AnonymousUntilAuthenticated:
    """``request.user`` is anonymous until the API's token authentication sets the token's user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.user = AnonymousUser()
        return self.get_response(request)


def json_response(data: Any, status: int = 200) -> HttpResponse:
    """``data`` (plain dicts, lists, datetimes, decimals) as django-ninja renders a response."""
    return HttpResponse(json.dumps(data, cls=NinjaJSONEncoder), status=status, content_type=JSON_CONTENT_TYPE)
