"""The REST API at /api/v1/ (django-ninja, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Browsers use their session (with CSRF); machines send ``Authorization: Bearer <token>``.
Out-of-scope objects are 404, exactly as in the pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer

from anjian.core.errors import DomainError


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from anjian.accounts.services import token_authenticate

        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session; CSRF is enforced for unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


api = NinjaAPI(
    title="anjian API",
    version="1",
    description="安监平台接口 / anjian work-safety supervision API",
    auth=[TokenAuth(), SessionAuth(csrf=True)],
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> Any:
    return api.create_response(
        request, {"detail": exc.message, "zh": exc.zh, "en": exc.en, "field": exc.field}, status=exc.status
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> Any:
    return api.create_response(request, {"detail": "Not found", "zh": "对象不存在或不在您的管辖范围内"}, status=404)


def require(request: HttpRequest, action: str) -> None:
    from anjian.core.scoping import has_action

    if not has_action(request.user, action):
        raise HttpError(404, "Not found")


def _register() -> None:
    from anjian.accidents.api import router as accidents_router
    from anjian.accounts.api import router as accounts_router
    from anjian.checklists.api import router as checklists_router
    from anjian.enterprises.api import router as enterprises_router
    from anjian.grids.api import router as grids_router
    from anjian.hazards.api import router as hazards_router
    from anjian.inbox.api import router as inbox_router
    from anjian.jobs.api import router as jobs_router
    from anjian.monitoring.api import router as monitoring_router
    from anjian.orgs.api import router as orgs_router
    from anjian.public_reports.api import router as public_reports_router

    api.add_router("/accounts", accounts_router)
    api.add_router("/orgs", orgs_router)
    api.add_router("/enterprises", enterprises_router)
    api.add_router("/inbox", inbox_router)
    api.add_router("/jobs", jobs_router)
    api.add_router("/grids", grids_router)
    api.add_router("/hazards", hazards_router)
    api.add_router("/checklists", checklists_router)
    api.add_router("/accidents", accidents_router)
    api.add_router("/monitoring", monitoring_router)
    api.add_router("/reports", public_reports_router)


_register()
