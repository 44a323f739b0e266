"""View helpers: action checks that answer 404 (not 403) to users outside a feature."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext

from anjian.core.errors import DomainError
from anjian.core.lookups import LIMIT, lookup
from anjian.core.scoping import has_action


def require_action(action: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Logged-in users only; users none of whose roles grant ``action`` get a 404."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_action(request.user, action):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def partial_or_full(request: HttpRequest, full: str, partial: str) -> str:
    """HTMX requests get the partial template, others the full page."""
    return partial if getattr(request, "htmx", False) else full


def post_form_action(
    request: HttpRequest,
    form: Any,
    do: Callable[[dict[str, Any]], Any],
    success: str | Callable[[Any], str],
) -> bool:
    """The shape of a button-with-a-form POST: validate ``form``, call ``do(cleaned_data)`` (a
    service call), and say how it went as a flash message — ``success`` (or ``success(result)``),
    the service's ``DomainError`` message, or the form's errors. A ``DomainError`` with status 404
    (the object left the user's scope) is a 404, as everywhere. Returns True when the service ran.
    The caller redirects."""

    if not form.is_valid():
        messages.error(request, form.errors.as_text())
        return False
    try:
        result = do(form.cleaned_data)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from exc
        messages.error(request, exc.message)
        return False
    messages.success(request, success(result) if callable(success) else success)
    return True


def lookup_view(request: HttpRequest, key: str) -> HttpResponse:
    """Suggestions for a search-as-you-type choice: at most ``LIMIT`` rows of the user's scope
    whose name or code starts with ``q``, grouped and sorted (JSON). Unknown lookups and users
    without the lookup's action get a 404, like every page outside a user's reach."""

    if not request.user.is_authenticated:
        raise Http404
    try:
        entry = lookup(key)
    except KeyError as exc:
        raise Http404 from exc
    if entry.action is not None and not has_action(request.user, entry.action):
        raise Http404
    q = request.GET.get("q", "")[:100]
    rows = entry.suggest(request.user, q, limit=LIMIT + 1)
    more = len(rows) > LIMIT
    groups = [
        {"label": label, "items": [
            {"pk": entry.value_of(row), "label": entry.label(row), "detail": entry.detail(row) if entry.detail else ""}
            for row in members
        ]}
        for label, members in entry.grouped(rows[:LIMIT])
    ]
    return JsonResponse({
        "groups": groups,
        "more": gettext("仅显示前 %(n)d 项，请输入更多文字") % {"n": LIMIT} if more else "",
        "empty": gettext("没有匹配项（仅限您的管辖范围）"),
    })
