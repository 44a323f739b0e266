"""The authorization matrix of the foundation's pages and API routes, with the reusable helper."""

from __future__ import annotations

import pytest

from anjian.accounts.models import Role
from anjian.documents.models import DocumentSeries
from anjian.testing.matrix import PERSONAS, Route, check_matrix

pytestmark = pytest.mark.django_db

STAFF = set(PERSONAS) - {"anonymous"}
ADMIN = {"city_admin"}
DISTRICTS = {"city_admin", "district_a", "district_b"}


def test_foundation_routes_matrix(world, login):
    role = Role.objects.get(code="leader")
    series = DocumentSeries.objects.create(
        code="a-notice", prefix="甲安委办", name="通知", jurisdiction=world.district_a
    )
    routes = [
        Route("GET", "/", allow=STAFF),
        Route("GET", "/inbox/", allow=STAFF),
        Route("GET", "/messages/", allow=STAFF),
        Route("GET", "/jobs/", allow=STAFF),
        Route("GET", "/accounts/tokens/", allow=STAFF),
        Route("GET", "/accounts/password/", allow=STAFF),
        Route("GET", "/accounts/users/", allow={"city_admin", "district_a", "district_b"}),
        Route("GET", "/accounts/roles/", allow=ADMIN),
        Route("GET", f"/accounts/roles/{role.pk}/", allow=ADMIN),
        Route(
            "POST",
            f"/accounts/roles/{role.pk}/",
            data={"name": "领导", "actions": ["dashboard.view"]},
            allow=ADMIN,
            ok=302,
        ),
        Route("GET", "/audit/", allow=ADMIN),
        Route("GET", "/documents/numbers/", allow=DISTRICTS | {"regulator"}),
        Route(
            "POST",
            "/documents/numbers/take/",
            data={"series": series.pk, "title": "关于开展检查的通知"},
            allow={"city_admin", "district_a"},
            ok=302,
        ),
        Route("GET", "/api/v1/accounts/me", allow=STAFF),
        Route("GET", "/api/v1/orgs/jurisdictions", allow=STAFF - {"grid_inspector", "enterprise"}),
        Route(
            "GET",
            f"/api/v1/orgs/jurisdictions/{world.district_a.pk}",
            allow={"city_admin", "district_a", "regulator"},
        ),
        Route("GET", "/api/v1/inbox/", allow=STAFF),
    ]
    assert check_matrix(login, routes) == []


def test_helper_reports_a_wrong_expectation(world, login):
    """The helper can fail: claiming district B may open district A's page is caught."""
    route = Route("GET", f"/orgs/jurisdictions/{world.district_a.pk}/", allow={"district_b"})
    assert check_matrix(login, [route], personas=["district_b"]) == [
        f"district_b GET /orgs/jurisdictions/{world.district_a.pk}/: expected 200, got 404"
    ]
