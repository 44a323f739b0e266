"""Content-Security-Policy: the pages run only the application's own scripts.

Every response gets a policy; a fresh nonce per request (``request.csp_nonce``) lets the few
inline ``<script nonce="{{ request.csp_nonce }}">`` blocks of the templates run, and nothing
else inline (no ``onclick=``; a script injected into a page through a stored text would not
run). Styles allow ``'unsafe-inline'`` for ``style=""`` attributes and htmx's indicator
style (styles cannot run code). Images may come from the map tile server
(``MAP_TILE_URL``). ``CSP_REPORT_ONLY`` sends the policy as report-only (to try a change).
The OpenAPI page (``/api/v1/docs``) loads Swagger UI from its CDN and gets a policy allowing
that page only.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

DOCS_PATHS = ("/api/v1/docs",)
SWAGGER_CDN = "https://cdn.jsdelivr.net"


def _tile_origin() -> str:
    url = getattr(settings, "MAP_TILE_URL", "") or ""
    parts = urlsplit(url.replace("{s}", "a").replace("{z}", "0").replace("{x}", "0").replace("{y}", "0"))
    if parts.scheme in ("http", "https") and parts.netloc:
        host = parts.netloc
        if "{s}" in url:  # Leaflet's sub-domains a/b/c
            host = "*." + host.split(".", 1)[1] if "." in host else host
        return f"{parts.scheme}://{host}"
    return ""


def policy(nonce: str, path: str = "") -> str:
    tiles = _tile_origin()
    if path.startswith(DOCS_PATHS):
        script = f"'self' 'unsafe-inline' {SWAGGER_CDN}"
        style = f"'self' 'unsafe-inline' {SWAGGER_CDN}"
    else:
        script = f"'self' 'nonce-{nonce}'"
        style = "'self' 'unsafe-inline'"
    img = " ".join(x for x in ("'self'", "data:", "blob:", tiles, SWAGGER_CDN if path.startswith(DOCS_PATHS) else "") if x)
    return "; ".join([
        "default-src 'self'",
        f"script-src {script}",
        f"style-src {style}",
        f"img-src {img}",
        "font-src 'self' data:",
        "connect-src 'self'",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        header = ("Content-Security-Policy-Report-Only" if getattr(settings, "CSP_REPORT_ONLY", False)
                  else "Content-Security-Policy")
        if header not in response:
            response[header] = policy(nonce, request.path)
        return response
