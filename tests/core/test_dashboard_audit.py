"""Home and inbox pages per persona, the language switch, request ids in the audit trail, the
audit search page, append-only events, and pinned query counts."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from anjian.accounts.models import Role
from anjian.audit.models import Event
from anjian.audit.services import record_event
from anjian.enterprises.models import Enterprise
from anjian.inbox.registry import DueKind, register
from anjian.inbox.selectors import due_counts, due_item_list
from anjian.inbox.services import due_open, escalate_overdue
from anjian.orgs.models import JurisdictionLevel
from anjian.orgs.services import jurisdiction_create

pytestmark = pytest.mark.django_db

KIND = register(DueKind(code="tests.dash", label="测试", escalate_after=dt.timedelta(days=1), max_level=2))
T0 = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def items(world):
    made = [
        due_open(world.ent_a, KIND.code, title="甲网格逾期事项", due_at=T0 - dt.timedelta(days=2),
                 owner_jurisdiction=world.grid_a),
        due_open(world.ent_a2, KIND.code, title="甲区事项", due_at=T0 + dt.timedelta(days=1),
                 owner_jurisdiction=world.district_a),
        due_open(world.ent_b, KIND.code, title="乙区事项", due_at=T0 + dt.timedelta(days=5),
                 owner_jurisdiction=world.district_b),
    ]
    with time_machine.travel(T0, tick=False):
        escalate_overdue()  # the grid item climbs to street A
    return made


ENTERPRISES = {"city_admin": 3, "district_a": 2, "district_b": 1, "regulator": 1, "grid_inspector": 1, "enterprise": 1}
PLACES = {"city_admin": "city", "district_a": "district_a", "district_b": "district_b", "regulator": "city"}
MINE = {  # persona → (total, overdue, escalated) of "mine" at T0
    "city_admin": (0, 0, 0),
    "district_a": (1, 0, 0),
    "district_b": (1, 0, 0),
    "regulator": (0, 0, 0),
    "grid_inspector": (1, 1, 1),
    "enterprise": (0, 0, 0),
}


@pytest.mark.parametrize("persona", list(ENTERPRISES))
def test_home_figures_are_the_scoped_counts(world, login, items, persona):
    user = world.user(persona)
    with time_machine.travel(T0, tick=False):
        response = login(persona).get("/")
        assert response.status_code == 200
        ctx = response.context
        assert ctx["counts"] == dict(zip(("total", "overdue", "escalated"), MINE[persona], strict=True))
        assert ctx["counts"] == due_counts(user=user)
        html = response.content.decode()
        if persona == "enterprise":  # its own enterprise's figures, not "辖区内企业 1"
            assert [e.pk for e in ctx["figures"]["own"]] == [world.ent_a.pk]
            assert "enterprises" not in ctx["figures"] and "fig-enterprises" not in html
            return
        if persona in PLACES:  # offices and regulators: the cockpit's figures of their own place (issue 21)
            assert ctx["figures"]["place"] == getattr(world, PLACES[persona]) and ctx["figures"]["tiles"]
            assert "enterprises" not in ctx["figures"]
            return
        assert ctx["figures"]["enterprises"] == ENTERPRISES[persona] == Enterprise.objects.restrict(user, "view").count()
        assert f'data-testid="fig-enterprises">{ENTERPRISES[persona]}<' in html


def test_home_for_anonymous_redirects(world, client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("persona", "bucket", "when", "titles"),
    [
        ("district_a", "mine", "", ["甲区事项"]),
        ("district_a", "scope", "", ["甲网格逾期事项", "甲区事项"]),
        ("district_a", "scope", "overdue", ["甲网格逾期事项"]),
        ("district_a", "scope", "soon", ["甲区事项"]),
        ("district_a", "scope", "escalated", ["甲网格逾期事项"]),
        ("district_b", "scope", "", ["乙区事项"]),
        ("district_b", "mine", "", ["乙区事项"]),
        ("grid_inspector", "mine", "", ["甲网格逾期事项"]),
        ("enterprise", "scope", "", []),
        ("city_admin", "scope", "", ["甲网格逾期事项", "甲区事项", "乙区事项"]),
    ],
)
def test_inbox_page_buckets(world, login, items, persona, bucket, when, titles):
    with time_machine.travel(T0, tick=False):
        response = login(persona).get(f"/inbox/?bucket={bucket}&when={when}")
        assert response.status_code == 200
        assert [i.title for i in response.context["page"].rows] == titles
        html = response.content.decode()
    for item in items:
        assert (item.title in html) == (item.title in titles)


def test_inbox_partial_for_htmx(world, login, items):
    with time_machine.travel(T0, tick=False):
        response = login("district_a").get("/inbox/?bucket=scope", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and 'data-testid="inbox"' in html
    assert "已升级1级至甲一街道" in html


def test_language_switch_to_english(world, login):
    client = login("district_a")
    assert '<html lang="zh-Hans">' in client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.cookies["django_language"].value == "en"
    assert '<html lang="en">' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-Hans">' in client.get("/").content.decode()


# --- audit ---------------------------------------------------------------------------------


def test_request_id_is_echoed_and_stored_on_history_and_events(world, login):
    role = Role.objects.get(code="leader")
    client = login("city_admin")
    response = client.post(f"/accounts/roles/{role.pk}/", {"actions": ["dashboard.view"]},
                           headers={"X-Request-ID": "req-test-0001"})
    assert response["X-Request-ID"] == "req-test-0001"
    assert role.history.first().request_id == "req-test-0001"
    assert Event.objects.get(verb="actions_changed").request_id == "req-test-0001"
    generated = client.get("/", headers={"X-Request-ID": "bad id!"})["X-Request-ID"]
    assert len(generated) == 32 and generated != "bad id!"
    assert Event.objects.filter(request_id="").count() == Event.objects.count() - 1  # world built outside requests


def test_audit_search_filters(world, login):
    with time_machine.travel(dt.datetime(2026, 2, 1, 4, 0, tzinfo=dt.UTC), tick=False):
        old = record_event(world.ent_a, "inspected", actor=world.user("district_a"), summary="二月检查 甲区化工")
    client = login("city_admin")
    role = Role.objects.get(code="leader")
    client.post(f"/accounts/roles/{role.pk}/", {"actions": ["dashboard.view"]}, headers={"X-Request-ID": "req-audit-42"})

    def ids(query: str) -> list[int]:
        response = client.get(f"/audit/?{query}")
        assert response.status_code == 200
        return [e.pk for e in response.context["page"].rows]

    changed = Event.objects.get(verb="actions_changed")
    assert ids("request_id=req-audit-42") == [changed.pk]
    assert ids("q=二月检查") == [old.pk]
    assert ids("actor=district_a") == [old.pk]
    assert ids("verb=inspected") == [old.pk]
    assert ids("start=2026-02-01&end=2026-02-01") == [old.pk]
    assert ids("start=2026-02-02&end=2026-02-28") == []
    ct = ContentType.objects.get_for_model(Role)
    assert ids(f"model={ct.pk}&actor=city_admin") == [changed.pk]
    assert "二月检查 甲区化工" in client.get("/audit/?q=二月").content.decode()


@pytest.mark.parametrize("persona", ["district_a", "district_b", "regulator", "grid_inspector", "enterprise"])
def test_audit_search_is_404_for_others(world, login, persona):
    assert login(persona).get("/audit/").status_code == 404


def test_events_are_append_only(world):
    event = record_event(world.ent_a, "x", actor=None, summary="原文")
    event.summary = "篡改"
    with pytest.raises(RuntimeError, match="append-only"):
        event.save()
    assert Event.objects.get(pk=event.pk).summary == "原文"
    assert event.actor_label == "系统"


# --- query counts --------------------------------------------------------------------------


@pytest.fixture
def many_items(world):
    for i in range(25):
        j = jurisdiction_create(actor=None, code=f"990101001{i + 100:03d}", name=f"网格{i}",
                                level=JurisdictionLevel.GRID, parent=world.street_a)
        due_open(j, KIND.code, title=f"事项{i}", due_at=T0 - dt.timedelta(days=2 + i % 3), owner_jurisdiction=j,
                 owner_department=world.ema if i % 2 else None, owner_enterprise=world.ent_a if i % 5 == 0 else None)
    with time_machine.travel(T0, tick=False):
        escalate_overdue()


# Session, user, grants, office label, to-do badge and unread badge are the page shell (6);
# the pages add their own few. Listing more rows must never add queries.
def test_home_query_count_is_pinned(world, login, many_items, django_assert_max_num_queries):
    # 14 as in tests/test_query_counts.py (issue 21): the home is per role (cockpit-lite figures, what
    # waits); its figures are cached per user and place for a minute, so the pin is the warm page
    # (the cold one is bounded in tests/dashboard/test_cockpit.py)
    client = login("city_admin")
    with time_machine.travel(T0, tick=False):
        assert client.get("/").status_code == 200
        with django_assert_max_num_queries(14):
            assert client.get("/").status_code == 200


def test_inbox_query_count_is_pinned(world, login, many_items, django_assert_max_num_queries):
    client = login("district_a")
    with time_machine.travel(T0, tick=False):
        assert len(due_item_list(user=world.user("district_a"), bucket="scope")) == 25
        with django_assert_max_num_queries(8):
            response = client.get("/inbox/?bucket=scope")
    assert len(response.context["page"].rows) == 25


def test_jurisdictions_list_query_count_is_pinned(world, login, many_items, django_assert_max_num_queries):
    client = login("city_admin")
    with django_assert_max_num_queries(8):
        response = client.get("/orgs/jurisdictions/")
    assert len(response.context["page"].rows) == 32
