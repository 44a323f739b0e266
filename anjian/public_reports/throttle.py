"""Rate limits for the public endpoints, per client IP and per device token, in the cache.

Counters are fixed windows (``cache.add`` then ``cache.incr``: atomic in Redis and locmem).
Keys hold a hash of the IP, never the IP itself. Limits are settings with generous defaults
so a real reporter — one phone, one office NAT — is never stopped:
``PUBLIC_REPORT_RATE_IP`` (30 new reports per hour per IP), ``PUBLIC_REPORT_RATE_DEVICE``
(10 per hour per device) and ``PUBLIC_TRACK_RATE_IP`` (60 tracking look-ups per hour per IP).
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from anjian.core.errors import DomainError
from anjian.core.net import client_ip

DEVICE_COOKIE = "aj_device"
WINDOW_S = 3600


class RateLimited(DomainError):
    status = 429

    def __init__(self) -> None:
        super().__init__("提交过于频繁，请稍后再试；紧急情况请拨打 12350 热线。",
                         "Too many submissions, please try again later; in an emergency call 12350.")


def device_token(request: HttpRequest) -> str:
    token = request.COOKIES.get(DEVICE_COOKIE, "")
    if not token or len(token) > 64:
        token = getattr(request, "_aj_new_device", "") or secrets.token_urlsafe(18)
        request._aj_new_device = token  # type: ignore[attr-defined]
    return token


def _digest(value: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:32]


def _hit(key: str, limit: int) -> bool:
    """Count one hit; True while within the limit."""
    if limit <= 0:
        return True
    cache.add(key, 0, WINDOW_S)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW_S)
        count = 1
    return count <= limit


def check_submit(request: HttpRequest) -> None:
    ip_ok = _hit(f"pr:ip:{_digest(client_ip(request))}", int(getattr(settings, "PUBLIC_REPORT_RATE_IP", 30)))
    dev_ok = _hit(f"pr:dev:{_digest(device_token(request))}", int(getattr(settings, "PUBLIC_REPORT_RATE_DEVICE", 10)))
    if not (ip_ok and dev_ok):
        raise RateLimited()


def check_track(request: HttpRequest) -> None:
    if not _hit(f"pr:track:{_digest(client_ip(request))}", int(getattr(settings, "PUBLIC_TRACK_RATE_IP", 60))):
        raise RateLimited()
