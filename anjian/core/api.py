"""What every app's ``api.py`` (django-ninja router) shares, so that no app imports ``config``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError

from anjian.core.scoping import has_action


def require(request: HttpRequest, action: str) -> None:
    """404 (never 403) unless the request's user holds ``action`` somewhere."""
    if not has_action(request.user, action):
        raise HttpError(404, "Not found")
