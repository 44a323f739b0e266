"""The law library (plan item 32): search by words, kind and force; the rules citing each text;
local rules added by the office; the API."""

from __future__ import annotations

import datetime as dt

import pytest

from anjian.core.errors import DomainError, NotAllowed
from anjian.emergency import services
from anjian.emergency.models import LawEntry
from anjian.rules import laws

pytestmark = pytest.mark.django_db


def test_catalogue_loaded_by_migration_and_sync_is_idempotent():
    assert set(LawEntry.objects.filter(from_catalogue=True).values_list("key", flat=True)) == {e.key for e in laws.LAWS}
    assert services.law_catalogue_sync() == 0
    old = LawEntry.objects.get(key="yaglbf-2016")
    assert old.replaced_by.key == "yaglbf-2019"
    assert not old.in_force_on(dt.date(2020, 1, 1)) and old.in_force_on(dt.date(2018, 1, 1))


def test_search_page_by_words_and_force(world, login):
    client = login("grid_inspector")
    page = client.get("/emergency/laws/", {"q": "应急预案管理办法", "state": "in_force", "on": "2025-06-01"}).content.decode()
    assert "应急管理部令第2号" in page and "国办发〔2024〕5号" in page
    assert "国家安全生产监督管理总局令第88号" not in page and "国办发〔2013〕101号" not in page
    page = client.get("/emergency/laws/", {"q": "应急预案", "state": "repealed", "on": "2025-06-01"}).content.decode()
    assert "国家安全生产监督管理总局令第88号" in page and "应急管理部令第2号" not in page
    page = client.get("/emergency/laws/", {"kind": "standard", "q": "29639"}).content.decode()
    assert "GB/T 29639-2020" in page and "GB/T 29639-2013" in page and "AQ/T 9007" not in page


def test_detail_links_the_rules_that_cite_it_and_back(world, login):
    client = login("enterprise")
    page = client.get("/emergency/laws/yaglbf-2019/").content.decode()
    assert "emergency.plan_filing_due" in page and "第二十六条" in page and "第三十三条" in page
    assert "2019-09-01" in page
    old = client.get("/emergency/laws/yaglbf-2016/").content.decode()
    assert "已废止或失效" in old and "/emergency/laws/yaglbf-2019/" in old
    rules = client.get("/emergency/laws/rules/").content.decode()
    assert 'id="rule-emergency.drill_interval_months"' in rules
    assert "/emergency/laws/yjtl-2019/" in rules and "/emergency/laws/aqt9007-2019/" not in rules
    assert client.get("/emergency/laws/no-such-law/").status_code == 404


def test_office_adds_a_local_rule_and_others_may_not(world, login):
    before = LawEntry.objects.count()
    denied = login("regulator").post("/emergency/laws/new/", {"kind": "local", "title": "示范市安全生产条例",
                                                                "effective_on": "2024-03-01"})
    assert denied.status_code in (403, 404) and LawEntry.objects.count() == before
    client = login("district_a")
    bad = client.post("/emergency/laws/new/", {"kind": "local", "title": "示范市安全生产条例", "effective_on": "2024-03-01",
                                               "repealed_on": "2024-01-01"})
    assert bad.status_code == 422 and "废止日期须晚于施行日期" in bad.content.decode()
    assert LawEntry.objects.count() == before
    ok = client.post("/emergency/laws/new/", {"kind": "local", "title": "示范市安全生产条例", "number": "示范市人大常委会公告第5号",
                                              "effective_on": "2024-03-01"})
    assert ok.status_code == 302
    entry = LawEntry.objects.get(title="示范市安全生产条例")
    assert not entry.from_catalogue and entry.in_force_on(dt.date(2024, 3, 1))
    edit = client.post(f"/emergency/laws/{entry.key}/edit/", {"kind": "local", "title": "示范市安全生产条例",
                                                              "effective_on": "2024-03-01", "repealed_on": "2026-01-01"})
    assert edit.status_code == 302
    entry.refresh_from_db()
    assert entry.repealed_on == dt.date(2026, 1, 1)
    assert client.get("/emergency/laws/yaglbf-2019/edit/").status_code == 404  # the catalogue follows the rules
    with pytest.raises(DomainError):
        services.law_update(actor=world.user("district_a"), entry=LawEntry.objects.get(key="yaglbf-2019"), title="x")
    with pytest.raises(NotAllowed):
        services.law_create(actor=world.user("enterprise"), kind="local", title="x", effective_on=dt.date(2024, 1, 1))


def test_api(world, login):
    client = login("grid_inspector")
    rows = client.get("/api/v1/emergency/laws", {"q": "应急条例"}).json()
    assert [r["key"] for r in rows] == ["yjtl-2019"]
    one = client.get("/api/v1/emergency/laws/yaglbf-2016").json()
    assert one["replaced_by"] == "yaglbf-2019" and one["in_force"] is False
    assert {"rule": "emergency.plan_filing_due", "article": "第二十六条"} in \
        client.get("/api/v1/emergency/laws/yaglbf-2019").json()["cited_by"]
    assert client.get("/api/v1/emergency/laws/nope").status_code == 404
    made = login("city_admin").post("/api/v1/emergency/laws", {"title": "示范市应急预案管理实施细则",
                                                                "effective_on": "2025-01-01"},
                                    content_type="application/json")
    assert made.status_code == 201 and made.json()["kind"] == "local"
    assert login("enterprise").post("/api/v1/emergency/laws", {"title": "x", "effective_on": "2025-01-01"},
                                    content_type="application/json").status_code in (403, 404)
