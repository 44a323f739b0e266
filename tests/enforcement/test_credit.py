"""The credit register (信用名单): listing with its three-year term, early removal only after 12
months unless the decision was annulled, scope on the page and the API, and the plan's
classification reading the status (issue 18: the rule set's credit had no source)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from anjian.core.errors import DomainError, InvalidTransition, NotAllowed
from anjian.enforcement import services
from anjian.enforcement.models import CreditListing
from anjian.rules import enforcement as rules

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("listed", "ends", "early"), [
    (dt.date(2026, 3, 1), dt.date(2029, 2, 28), dt.date(2027, 3, 1)),
    (dt.date(2024, 2, 29), dt.date(2027, 2, 27), dt.date(2025, 2, 28)),  # leap day: the month's last day
    (dt.date(2026, 1, 31), dt.date(2029, 1, 30), dt.date(2027, 1, 31)),
])
def test_terms(listed, ends, early):
    assert rules.credit_listing_ends(listed) == ends
    assert rules.credit_early_removal_from(listed) == early


def test_status_on_a_day():
    bad = ("bad", dt.date(2026, 1, 1), dt.date(2028, 12, 31), None)
    good = ("good", dt.date(2025, 1, 1), dt.date(2027, 12, 31), None)
    assert rules.credit_status([bad, good], dt.date(2026, 6, 1)) == "bad"  # a 失信 listing outweighs trust
    assert rules.credit_status([good], dt.date(2026, 6, 1)) == "good"
    assert rules.credit_status([bad], dt.date(2025, 12, 31)) == ""
    assert rules.credit_status([("bad", dt.date(2026, 1, 1), dt.date(2028, 12, 31), dt.date(2027, 2, 1))],
                               dt.date(2027, 2, 1)) == ""  # the day of removal no longer counts
    with pytest.raises(TypeError):
        rules.credit_status([bad], dt.datetime(2026, 1, 1))  # type: ignore[arg-type]


def _list(world, actor, ent=None, **kw):
    data = {"kind": "bad", "decision_number": "示应急失信〔2026〕1号", "authority": "示范市应急管理局",
            "reason": "发生较大生产安全责任事故", "listed_on": dt.date(2026, 3, 1)} | kw
    return services.credit_list(actor=actor, enterprise=ent or world.ent_a, **data)


def test_listing_and_removal_rules(world):
    admin = world.user("city_admin")
    with time_machine.travel(dt.datetime(2026, 6, 1, 10), tick=False):
        listing = _list(world, admin)
        assert listing.ends_on == dt.date(2029, 2, 28) and listing.in_force(dt.date(2026, 6, 1))
        with pytest.raises(DomainError):  # already on it
            _list(world, admin, listed_on=dt.date(2026, 5, 1))
        with pytest.raises(DomainError):  # in the future
            _list(world, admin, ent=world.ent_b, listed_on=dt.date(2026, 7, 1))
        with pytest.raises(DomainError) as early:  # before 12 months: no early removal
            services.credit_remove(actor=admin, listing=listing, reason="已整改")
        assert "2027-03-01" in early.value.message
        assert CreditListing.objects.get().removed_on is None
        # a decision annulled ends it at once
        services.credit_remove(actor=admin, listing=listing, reason="复议撤销原决定", revoked=True)
        listing.refresh_from_db()
        assert listing.removed_on == dt.date(2026, 6, 1) and listing.removal_reason.startswith("决定撤销")
        with pytest.raises(InvalidTransition):  # once
            services.credit_remove(actor=admin, listing=listing, reason="再次移出", revoked=True)
    with time_machine.travel(dt.datetime(2027, 3, 2, 10), tick=False):
        second = _list(world, admin, decision_number="示应急失信〔2026〕2号", listed_on=dt.date(2026, 3, 1))
        services.credit_remove(actor=admin, listing=second, reason="信用修复，提前移出")
        assert CreditListing.objects.get(pk=second.pk).removed_on == dt.date(2027, 3, 2)


def test_outsiders_cannot_list_and_nothing_changes(world):
    with pytest.raises(NotAllowed):
        _list(world, world.user("district_a"), ent=world.ent_b)
    with pytest.raises(NotAllowed):
        _list(world, world.user("enterprise"))
    assert not CreditListing.objects.exists()


def test_page_and_api_within_scope(world, login):
    admin = world.user("city_admin")
    with time_machine.travel(dt.datetime(2026, 6, 1, 10), tick=False):
        listing = _list(world, admin, ent=world.ent_b)
        c = login("city_admin")
        page = c.get("/enforcement/credit/").content.decode()
        assert world.ent_b.name in page and "管理中" in page and "严重失信主体名单" in page
        a = login("district_a")
        assert world.ent_b.name not in a.get("/enforcement/credit/").content.decode()
        assert a.post(f"/enforcement/credit/{listing.pk}/remove/", {"reason": "x", "revoked": "on"}).status_code == 404
        assert CreditListing.objects.get().removed_on is None
        # the page's form lists an enterprise of the user's own district
        r = a.post("/enforcement/credit/", {"enterprise": world.ent_a.pk, "kind": "good", "decision_number": "甲守信1号",
                                            "authority": "甲区应急管理局", "reason": "连续三年无事故",
                                            "listed_on": "2026-05-01"})
        assert r.status_code == 302 and CreditListing.objects.filter(enterprise=world.ent_a, kind="good").exists()
        # the API refuses an enterprise outside the scope and stores nothing
        before = CreditListing.objects.count()
        r = a.post("/api/v1/enforcement/credit", json.dumps({
            "enterprise_id": world.ent_b.pk, "decision_number": "x", "authority": "y", "reason": "z",
            "listed_on": "2026-05-01"}), content_type="application/json")
        assert r.status_code == 404 and r.json()["field"] == "enterprise_id"
        assert CreditListing.objects.count() == before
        c = login("city_admin")  # the same test client: log the city back in
        got = c.get("/api/v1/enforcement/credit?kind=bad").json()
        assert [x["enterprise_id"] for x in got] == [world.ent_b.pk]
        r = c.post(f"/api/v1/enforcement/credit/{listing.pk}/remove",
                   json.dumps({"reason": "复议撤销", "revoked": True}), content_type="application/json")
        assert r.status_code == 200 and r.json()["removed_on"] == "2026-06-01"


def test_the_plan_classifies_a_listed_enterprise_as_bad_credit(world):
    admin = world.user("city_admin")
    with time_machine.travel(dt.datetime(2026, 11, 1, 10), tick=False):
        ents = list(services.enterprises_of(world.ema, world.district_a))
        assert ents
        target = ents[0]
        _list(world, admin, ent=target, listed_on=dt.date(2026, 10, 1))
        plan = services.plan_generate(actor=admin, department=world.ema, jurisdiction=world.district_a, year=2027)
        row = plan.targets.get(enterprise=target)
        assert (row.klass, row.quota, row.rule_label) == ("D", 12, "列入严重失信主体名单")
        others = plan.targets.exclude(enterprise=target)
        assert not others.filter(rule_label="列入严重失信主体名单").exists()
