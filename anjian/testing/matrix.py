"""A reusable authorization-matrix helper for tests.

Describe each route once — method, URL, optional POST data — and the status each standing
persona must get. The helper logs in as every persona, makes the request, checks the status, and
for every *denied* request (404, 403, 401, 405, or a redirect to the login page) checks that the
database did not change at all: same row count and same highest id in every table.

    check_matrix(login, [
        Route("GET", "/enterprises/", allow={"city_admin", "district_a", ...}),
        Route("POST", f"/enterprises/{pk}/edit/", data={...}, allow={"city_admin"}, ok=302),
    ])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Max

PERSONAS = (
    "city_admin",
    "district_a",
    "district_b",
    "regulator",
    "grid_inspector",
    "enterprise",
    "anonymous",
)
DENIED = {401, 403, 404, 405}


@dataclass(frozen=True)
class Route:
    method: str
    url: str
    allow: frozenset[str] | set[str]
    ok: int = 200
    data: dict[str, Any] = field(default_factory=dict)
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def db_fingerprint() -> dict[str, tuple[int, Any]]:
    """Row count and highest primary key of every table the project owns."""
    result: dict[str, tuple[int, Any]] = {}
    for model in apps.get_models():
        if not model.__module__.startswith(("anjian.", "django.contrib.auth")):
            continue
        agg = model._default_manager.aggregate(m=Max("pk"))
        result[model._meta.label] = (model._default_manager.count(), agg["m"])
    return result


def _is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and "/accounts/login/" in response.get("Location", "")


def check_matrix(
    login: Callable[[str], Any], routes: Iterable[Route], personas: Iterable[str] = PERSONAS
) -> list[str]:
    """Run every route as every persona; return the list of mismatches (empty when all agree)."""
    problems: list[str] = []
    for persona in personas:
        client = login(persona)
        for route in routes:
            before = db_fingerprint() if route.method != "GET" else None
            kwargs: dict[str, Any] = {"headers": route.headers} if route.headers else {}
            if route.method == "GET":
                response = client.get(route.url, **kwargs)
            elif route.content_type:
                response = getattr(client, route.method.lower())(
                    route.url, data=route.data, content_type=route.content_type, **kwargs
                )
            else:
                response = getattr(client, route.method.lower())(route.url, data=route.data, **kwargs)
            allowed = persona in route.allow
            status = response.status_code
            if allowed and status != route.ok:
                problems.append(f"{persona} {route.method} {route.url}: expected {route.ok}, got {status}")
            if not allowed:
                denied = status in DENIED or _is_login_redirect(response)
                if not denied:
                    problems.append(f"{persona} {route.method} {route.url}: expected a denial, got {status}")
                if before is not None and db_fingerprint() != before:
                    problems.append(f"{persona} {route.method} {route.url}: denied but the database changed")
    return problems
