"""Authorization matrix for every staff route: each persona gets the allowed status, or a 404 /
redirect to login with nothing changed."""

from __future__ import annotations

import pytest

from anjian.accounts.models import Role
from anjian.accounts.services import membership_grant, user_create
from anjian.audit.models import Event
from anjian.public_reports.models import Report, ReportStatus
from anjian.testing.world import PASSWORD

from .helpers import file_report, real_name

pytestmark = pytest.mark.django_db

ALL = ["city_admin", "district_a", "district_b", "regulator", "grid_inspector", "enterprise", "anonymous"]
VIEWERS_ANY = {"city_admin", "district_a", "district_b", "regulator"}  # hold public_reports.view somewhere
VIEWERS_A = {"city_admin", "district_a", "regulator"}  # may see a report about ent_a in district A
IDENTITY_A = {"city_admin", "district_a"}
TRIAGE_A = {"city_admin", "district_a", "regulator"}


def _expect(persona: str, allowed: set[str], ok: int = 200) -> int:
    if persona == "anonymous":
        return 302
    return ok if persona in allowed else 404


GET_ROUTES = [
    ("/reports/", VIEWERS_ANY),
    ("/reports/stats/", VIEWERS_ANY),
    ("/reports/export.csv", VIEWERS_ANY),
    ("/reports/export.xlsx", VIEWERS_ANY),
    ("/reports/hotline/", {"city_admin"}),
    ("/reports/{pk}/", VIEWERS_A),
    ("/reports/{pk}/identity/", IDENTITY_A),
    ("/reports/policies/", {"city_admin", "district_a", "district_b"}),
]


@pytest.mark.parametrize("persona", ALL)
def test_get_routes(login, world, persona):
    """Every GET route for one persona (one world per persona keeps the matrix fast)."""
    r, _ = file_report(world, identity=real_name())
    client = login(persona)
    for url, allowed in GET_ROUTES:
        events = Event.objects.count()
        resp = client.get(url.format(pk=r.pk))
        assert (url, resp.status_code) == (url, _expect(persona, allowed))
        if resp.status_code == 302:
            assert resp["Location"].startswith("/accounts/login/")
        if "identity" in url:
            assert Event.objects.count() == events + (1 if resp.status_code == 200 else 0)


@pytest.mark.parametrize("persona", ALL)
def test_accept_post(login, world, persona):
    r, _ = file_report(world)
    resp = login(persona).post(f"/reports/{r.pk}/accept/")
    r.refresh_from_db()
    if persona in TRIAGE_A:
        assert resp.status_code == 302 and resp["Location"] == f"/reports/{r.pk}/"
        assert r.status == ReportStatus.ACCEPTED
    else:
        assert resp.status_code == (302 if persona == "anonymous" else 404)
        assert r.status == ReportStatus.RECEIVED and r.accepted_at is None


@pytest.mark.parametrize("persona", ALL)
def test_hotline_post(login, world, persona):
    data = {"idempotency_key": "hk-1", "report_type": "illegal_operation", "description": "无证经营加油点，夜间售油",
            "address": "乙区某村口", "real_name": "0", "consent": "on"}
    resp = login(persona).post("/reports/hotline/", data)
    if persona == "city_admin":
        assert resp.status_code == 200 and 'data-testid="code"' in resp.content.decode()
        assert Report.objects.filter(channel="hotline").count() == 1
    else:
        assert resp.status_code == (302 if persona == "anonymous" else 404)
        assert Report.objects.count() == 0


def test_hotline_operator_sees_only_own_entries(client, world):
    op = user_create(actor=None, username="op1", password=PASSWORD, display_name="坐席1", must_change_password=False)
    membership_grant(actor=None, user=op, role=Role.objects.get(code="hotline"))
    other, _ = file_report(world)
    client.login(username="op1", password=PASSWORD)
    data = {"idempotency_key": "hk-2", "report_type": "hazard", "description": "商场消防通道被堵",
            "address": "甲区某商场", "real_name": "1", "name": "来电人", "phone": "13700000000", "consent": "on"}
    assert client.post("/reports/hotline/", data).status_code == 200
    mine = Report.objects.get(channel="hotline")
    assert mine.created_by == op
    assert client.get(f"/reports/{mine.pk}/").status_code == 200
    assert client.get(f"/reports/{other.pk}/").status_code == 404
    assert client.get(f"/reports/{mine.pk}/identity/").status_code == 404
    listing = client.get("/reports/").content.decode()
    assert mine.display_code in listing and other.display_code not in listing


@pytest.mark.parametrize("persona", ALL)
def test_reward_propose_post(login, world, persona):
    from decimal import Decimal

    from anjian.public_reports import services as ps
    from anjian.public_reports.models import Reward

    r, _ = file_report(world, identity=real_name())
    admin = world.user("city_admin")
    ps.report_accept(actor=admin, report=r)
    ps.report_dispatch(actor=admin, report=r)
    ps.report_handle(actor=admin, report=r, note="查处")
    ps.report_verify(actor=admin, report=r, result="substantiated", fine_yuan=Decimal(40000))
    resp = login(persona).post(f"/reports/{r.pk}/reward/propose/")
    if persona in IDENTITY_A:  # the reward role
        assert resp.status_code == 302
        assert Reward.objects.get(report=r).amount == Decimal(6000)
    else:
        assert resp.status_code == (302 if persona == "anonymous" else 404)
        assert not Reward.objects.exists()
