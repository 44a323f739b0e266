"""View helpers: action checks that answer 404 (not 403) to users outside a feature."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

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
    from django.contrib import messages

    from anjian.core.errors import DomainError

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
