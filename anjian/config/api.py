"""The REST API at /api/v1/ (django-ninja, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Browsers use their session (with CSRF); machines send ``Authorization: Bearer <token>``.
Out-of-scope objects are 404, exactly as in the pages."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.security import APIKeyCookie, HttpBearer

from anjian.accidents.api import router as accidents_router
from anjian.accounts.api import router as accounts_router
from anjian.accounts.services import token_authenticate
from anjian.checklists.api import router as checklists_router
from anjian.committee.api import router as committee_router
from anjian.core.api import require  # noqa: F401 - moved to core (issue 15); kept for apps written before
from anjian.core.errors import DomainError
from anjian.core.middleware import current_request_id
from anjian.documents.api import router as exports_router
from anjian.emergency.api import router as emergency_router
from anjian.enforcement.api import router as enforcement_router
from anjian.enterprises.api import router as enterprises_router
from anjian.funds.api import router as funds_router
from anjian.grids.api import router as grids_router
from anjian.hazards.api import router as hazards_router
from anjian.inbox.api import router as inbox_router
from anjian.jobs.api import router as jobs_router
from anjian.monitoring.api import router as monitoring_router
from anjian.orgs.api import router as orgs_router
from anjian.public_reports.api import router as public_reports_router
from anjian.responsibility.api import router as responsibility_router
from anjian.training.api import router as training_router
from anjian.vehicles.api import router as vehicles_router

log = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
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


_ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "description": "detail: the message in the request's language (or, for 422, the list of invalid "
    "fields); zh/en: both languages; field: the input at fault",
    "properties": {
        "detail": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "object"}}]},
        "zh": {"type": "string"},
        "en": {"type": "string"},
        "field": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "error_id": {"type": "string"},
    },
}
_ERRORS = {
    "400": "请求被拒绝（业务规则） / refused by a domain rule",
    "401": "未认证或令牌无效 / not authenticated",
    "403": "无权执行该操作或缺少 CSRF 令牌 / not allowed, or CSRF token missing",
    "404": "对象不存在或不在您的管辖范围内 / not found or outside your scope",
    "422": "输入不符合接口定义 / the input does not match the schema",
}
_UNSAFE_ERRORS = {"409": "当前状态不允许该操作 / not allowed in the current state"}


class AnjianAPI(NinjaAPI):
    """The API, whose OpenAPI documents every error status an operation can answer with."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = _ERROR_SCHEMA
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        for methods in schema.get("paths", {}).values():
            for method, operation in methods.items():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                errors = dict(_ERRORS)
                if method.lower() in ("post", "put", "patch", "delete"):
                    errors.update(_UNSAFE_ERRORS)
                for status, description in errors.items():
                    if int(status) not in operation["responses"] and status not in operation["responses"]:
                        operation["responses"][status] = {"description": description, **ref}
        return schema


api = AnjianAPI(
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


@api.exception_handler(DataError)
@api.exception_handler(OverflowError)
@api.exception_handler(DjangoValidationError)
def invalid_for_database(request: HttpRequest, exc: Exception) -> Any:
    """A value the schema let through but the database refuses: still the client's input, a 400 —
    logged with the request id so the limit missing from the schema can be added."""
    log.warning("input refused by the database on %s: %s", request.path, exc)
    return api.create_response(
        request,
        {
            "detail": "输入的值超出允许范围 / a value is outside the allowed range",
            "zh": "输入的值超出允许范围",
            "en": "A value is outside the allowed range",
            "field": None,
            "error_id": current_request_id(),
        },
        status=400,
    )


def _register() -> None:
    api.add_router("/accounts", accounts_router)
    api.add_router("/orgs", orgs_router)
    api.add_router("/enterprises", enterprises_router)
    api.add_router("/inbox", inbox_router)
    api.add_router("/jobs", jobs_router)
    api.add_router("/exports", exports_router)
    api.add_router("/grids", grids_router)
    api.add_router("/hazards", hazards_router)
    api.add_router("/checklists", checklists_router)
    api.add_router("/accidents", accidents_router)
    api.add_router("/monitoring", monitoring_router)
    api.add_router("/vehicles", vehicles_router)
    api.add_router("/reports", public_reports_router)
    api.add_router("/enforcement", enforcement_router)
    api.add_router("/committee", committee_router)
    api.add_router("/responsibility", responsibility_router)
    api.add_router("/funds", funds_router)
    api.add_router("/training", training_router)
    api.add_router("/emergency", emergency_router)


_register()
