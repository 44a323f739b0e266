"""The page shell: messages shown once, the app's own 404/500 pages, filters reading 全部, the
menu and header each role sees, and the enterprise role's own home figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.contrib.staticfiles import finders

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


def _active_menu_urls(user):
    from anjian.core.menu import menu_for

    return {i["url"] for s in menu_for(user, "/") for i in s["items"]}


TERRITORIAL = {"/accidents/statistics/", "/accidents/targets/", "/accidents/reports/", "/hazards/statistics/"}


def test_an_enterprise_does_not_get_the_territorys_statistics_menus(world):
    enterprise = _active_menu_urls(world.user("enterprise"))
    assert not enterprise & TERRITORIAL
    assert {"/", "/inbox/", "/hazards/", "/accidents/", "/enterprises/"} <= enterprise
    for persona in ("district_a", "regulator", "city_admin"):
        assert _active_menu_urls(world.user(persona)) >= TERRITORIAL, persona


def test_the_enterprise_home_shows_its_own_figures(world, login):
    from anjian.enterprises.services import licence_add
    from anjian.monitoring.services import sensor_create

    with time_machine.travel(T0, tick=False):
        h = hs.hazard_report(actor=world.user("grid_inspector"), source="patrol", enterprise=world.ent_a,
                             category="消防通道堵塞", description="堆放货物", lng=114.05, lat=22.05)
        hs.hazard_confirm(actor=world.user("district_a"), hazard=h, level="general",
                          deadline=T0 + dt.timedelta(days=3))
        hs.hazard_report(actor=world.user("district_a"), source="patrol", enterprise=world.ent_a2,
                         category="别家的隐患", description="不计入", lng=114.15, lat=22.15)
        for days, number in ((30, "A-1"), (-5, "A-2"), (200, "A-3")):
            licence_add(actor=world.user("district_a"), enterprise=world.ent_a,
                        data={"kind": "safety_production", "number": number,
                              "valid_until": T0.date() + dt.timedelta(days=days)})
        licence_add(actor=world.user("district_b"), enterprise=world.ent_b,
                    data={"kind": "safety_production", "number": "B-1", "valid_until": T0.date()})
        sensor_create(actor=world.user("enterprise"), enterprise=world.ent_a, code="A-T1",
                      data={"name": "储罐温度", "kind": "temperature"})
    with time_machine.travel(T0 + dt.timedelta(days=5), tick=False):  # the hazard is now overdue
        response = login("enterprise").get("/")
    page = response.content.decode()
    assert response.status_code == 200
    [own] = response.context["figures"]["own"]
    assert (own.pk, own.hazards_to_fix, own.hazards_overdue) == (world.ent_a.pk, 1, 1)
    assert (own.licences_expiring, own.licences_expired) == (1, 1)
    assert own.sensors == {"unknown": 1} and own.alarms_active == 0
    assert 'data-testid="fig-hazards-to-fix">1<' in page and 'data-testid="fig-licences-expiring">1<' in page
    assert "未上线 1" in page and "辖区内企业" not in page and "甲区化工有限公司" in page


@pytest.mark.parametrize("unit_name,label", [("示范安全技术服务有限公司", "示范安全技术服务有限公司 · 托管服务机构"),
                                             ("", "托管服务机构")])
def test_a_custody_providers_header_names_its_own_unit_not_a_client(world, client, unit_name, label):
    import re

    from anjian.accounts.models import Role
    from anjian.accounts.services import membership_grant, user_create
    from anjian.testing.world import PASSWORD

    user = user_create(actor=None, username="provider", password=PASSWORD, display_name="托管机构人员",
                       must_change_password=False, unit_name=unit_name)
    for ent in (world.ent_a, world.ent_a2):
        membership_grant(actor=None, user=user, role=Role.objects.get(code="custody"), enterprise=ent)
    assert client.login(username="provider", password=PASSWORD)
    page = client.get("/").content.decode()
    office = re.search(r'data-testid="office">([^<]*)<', page).group(1)
    assert office == label
    assert "甲区化工有限公司" not in office and "甲区建设集团" not in office
    # its home shows both clients' own figures
    assert page.count('data-testid="own-enterprise"') == 2


def test_the_enterprise_users_header_still_names_its_enterprise(world, login):
    page = login("enterprise").get("/").content.decode()
    assert 'data-testid="office">甲区化工有限公司 · 企业用户<' in page


def test_pages_name_the_platform_icon_and_favicon_ico_leads_to_it(client, world):
    """Chromium asked for /favicon.ico on every first load and logged a 404."""
    login_page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon"' in login_page and "anjian/favicon.svg" in login_page
    public_page = client.get("/public/").content.decode()
    assert "anjian/favicon.svg" in public_page
    redirect = client.get("/favicon.ico")
    assert redirect.status_code == 301 and redirect["Location"].endswith("favicon.svg")
    assert finders.find("anjian/favicon.svg")
