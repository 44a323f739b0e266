"""The page shell: messages shown once, the app's own 404/500 pages, filters reading 全部, the
menu and header each role sees, and the enterprise role's own home figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine

import anjian
from anjian.hazards import services as hs
from anjian.hazards.models import Hazard

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def hazard(world):
    with time_machine.travel(T0, tick=False):
        return hs.hazard_report(actor=world.user("grid_inspector"), source="patrol", enterprise=world.ent_a,
                                category="消防通道堵塞", description="仓库北侧消防通道堆放货物", lng=114.05, lat=22.05)


def test_a_success_message_appears_once(login, hazard):
    client = login("district_a")
    response = client.post(f"/hazards/{hazard.pk}/act/confirmed/", {"level": "general", "note": "属实"}, follow=True)
    assert Hazard.objects.get(pk=hazard.pk).status == "confirmed"
    assert response.content.decode().count("已办理") == 1


def test_only_the_base_template_shows_messages():
    """A page template that loops over ``messages`` itself repeats what base.html already shows."""
    root = Path(anjian.__file__).parent
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.html")
                 if "in messages" in p.read_text(encoding="utf-8") and p.name != "base.html"]
    assert offenders == []


LISTS = ["/hazards/", "/hazards/statistics/", "/enterprises/", "/accidents/", "/accidents/statistics/",
         "/reports/", "/checklists/"]


@pytest.mark.parametrize("url", LISTS)
def test_filters_offer_all_not_dashes(login, url):
    client = login("city_admin")
    page = client.get(url).content.decode()
    assert "---------" not in page
    assert '<option value="" selected>全部</option>' in page
    client.cookies["django_language"] = "en"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "---------" not in page and '<option value="" selected>All</option>' in page


@pytest.mark.parametrize("persona", ["district_a", "anonymous"])
def test_404_is_the_apps_own_page_with_a_way_back(login, persona):
    client = login(persona)
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page and 'data-testid="error-home"' in page
    assert 'href="/"' in page if persona != "anonymous" else 'href="/accounts/login/"' in page
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 404 and "Page not found" in page and "页面不存在" not in page


def test_404_for_a_row_outside_the_scope_is_the_same_page(login, world):
    response = login("district_b").get(f"/enterprises/{world.ent_a.pk}/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()
    assert "甲区化工有限公司" not in response.content.decode()


@pytest.mark.urls("tests.core.urls_boom")
@pytest.mark.parametrize("lang,title", [("zh-hans", "系统出错"), ("en", "Server error")])
def test_500_shows_the_request_id_in_the_users_language(client, lang, title):
    client.raise_request_exception = False
    response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE=lang, HTTP_X_REQUEST_ID="req-abc12345")
    page = response.content.decode()
    assert response.status_code == 500
    assert title in page and 'data-testid="error-id">req-abc12345<' in page
    assert 'href="/"' in page
