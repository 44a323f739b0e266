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
