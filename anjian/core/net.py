"""The client's address, for rate limits (login throttling, the public portal)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR; behind the reverse proxy (``BEHIND_PROXY``) the address the proxy saw: the
    *last* entry of X-Forwarded-For, which the proxy appends — the earlier entries are whatever
    the client sent and cannot be trusted (a client could otherwise pick a new address for
    every guess). Without this, every request behind the proxy would share one address and one
    client's failures would lock everybody out."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if forwarded:
            return str(forwarded[-1])
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")
