"""First run: `anjian setup` and the first-run page turn an empty database into a working city."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from anjian.accounts.models import Membership, User
from anjian.accounts.setup import setup_code
from anjian.audit.models import Event
from anjian.core.scoping import has_action
from anjian.documents.models import DocumentSeries
from anjian.orgs.models import Department, Jurisdiction, JurisdictionLevel, Sector

PASSWORD = "Chengshi-Anquan-2026"

pytestmark = pytest.mark.django_db


def _setup(code: str = "440300", name: str = "深圳市", **extra: str) -> str:
    out = io.StringIO()
    stdin = io.StringIO(PASSWORD + "\n")
    import sys

    real = sys.stdin
    sys.stdin = stdin
    try:
        call_command("setup", "--city-name", name, "--city-code", code, "--admin", "chief", "--admin-name", "李主任",
                     "--office-abbr", extra.get("abbr", "深安委办"), "--password-stdin", stdout=out)
    finally:
        sys.stdin = real
    return out.getvalue()


def test_setup_command_leaves_a_working_empty_city():
    text = _setup()
    assert "440300" in text
    city = Jurisdiction.objects.get(parent__isnull=True)
    assert (city.code, city.name, city.level) == ("440300", "深圳市", JurisdictionLevel.CITY)
    office = Department.objects.get(jurisdiction=city)
    assert (office.kind, office.doc_abbr) == ("committee", "深安委办")
    assert DocumentSeries.objects.get(department=office).prefix == "深安委办"
    assert Sector.objects.filter(parent__isnull=True).count() == 20  # GB/T 4754-2017 sections A–T
    admin = User.objects.get(username="chief")
    assert admin.check_password(PASSWORD) and not admin.must_change_password
    assert Membership.objects.get(user=admin).jurisdiction == city
    assert has_action(admin, "accounts.manage")
    assert Event.objects.filter(verb="city_setup").count() == 1
    assert not Jurisdiction.objects.filter(is_synthetic=True).exists()


def test_a_second_setup_is_refused_and_changes_nothing():
    _setup()
    before = (Jurisdiction.objects.count(), User.objects.count(), Department.objects.count())
    with pytest.raises(CommandError, match="已经完成初始化"):
        _setup(code="440100", name="广州市")
    assert (Jurisdiction.objects.count(), User.objects.count(), Department.objects.count()) == before


@pytest.mark.parametrize("code, message", [("44030", "6位"), ("440000", "区县"), ("440305001", "6位")])
def test_a_bad_division_code_is_refused_with_nothing_stored(code, message):
    with pytest.raises(CommandError, match=message):
        _setup(code=code)
    assert not Jurisdiction.objects.exists() and not User.objects.exists()


def test_a_county_code_sets_up_a_district_and_a_municipality_a_city():
    _setup(code="440305", name="南山区")
    assert Jurisdiction.objects.get().level == JurisdictionLevel.DISTRICT


def test_municipality_code_is_a_city():
    _setup(code="310000", name="上海市", abbr="沪安委办")
    assert Jurisdiction.objects.get().level == JurisdictionLevel.CITY


def test_first_run_page(client, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    assert client.get("/accounts/login/").url == "/setup/"
    page = client.get("/setup/")
    assert page.status_code == 200 and "初始化码" in page.content.decode()
    code = (tmp_path / "setup-code.txt").read_text().strip()
    assert code == setup_code() and oct((tmp_path / "setup-code.txt").stat().st_mode)[-3:] == "600"
    form = {"setup_code": "WRONG-CODE", "city_name": "深圳市", "city_code": "440300", "admin_username": "chief",
            "password": PASSWORD, "password2": PASSWORD}
    refused = client.post("/setup/", form)
    assert refused.status_code == 400 and "初始化码不正确" in refused.content.decode()
    assert not Jurisdiction.objects.exists() and not User.objects.exists()
    weak = client.post("/setup/", {**form, "setup_code": code.lower(), "password": "short", "password2": "short"})
    assert weak.status_code == 400 and not Jurisdiction.objects.exists() and not User.objects.exists()
    done = client.post("/setup/", {**form, "setup_code": code.lower()})
    assert done.status_code == 302 and done.url == "/"
    assert client.get("/").status_code == 200  # logged in as the new administrator
    assert not (tmp_path / "setup-code.txt").exists()
    assert client.get("/setup/").status_code == 404
    client.logout()
    assert client.get("/accounts/login/").status_code == 200


def test_first_run_page_in_english(client, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    page = client.get("/setup/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Setup code" in page.content.decode() and "初始化码" not in page.content.decode()
