"""Risk band policies (LEC / LS thresholds per jurisdiction and sector) and sector inherent
colours: resolution by specificity, validation, audit, use by the hazard risk service, and the
settings pages' authorization (district B cannot touch district A's policy; nothing changes)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from anjian.audit.selectors import timeline_for
from anjian.core.errors import DomainError, NotAllowed, NotFoundInScope
from anjian.hazards import services as hs
from anjian.hazards.models import Hazard
from anjian.orgs.models import RiskBandPolicy, Sector
from anjian.orgs.risk import resolve_bands, risk_policy_delete, risk_policy_save, sector_set_inherent_risk
from anjian.rules import risk as rules
from anjian.testing.matrix import Route, check_matrix

pytestmark = pytest.mark.django_db


def _policy(world, *, jurisdiction=None, sector=None, method="lec", red=300, orange=150, yellow=60, actor=None):
    return risk_policy_save(actor=actor, method=method, red=red, orange=orange, yellow=yellow,
                            jurisdiction=jurisdiction, sector=sector)


@pytest.fixture
def hazard(world):
    return hs.hazard_report(actor=world.user("grid_inspector"), source="patrol", enterprise=world.ent_a,
                            category="电气线路老化", description="配电箱线路老化")


def test_most_specific_policy_wins(world):
    c, c26 = Sector.objects.get(code="C"), Sector.objects.get(code="26")
    place = world.grid_a  # city → district A → street → grid
    assert resolve_bands("lec", jurisdiction=place, sector=c26).policy is None
    assert resolve_bands("lec", jurisdiction=place, sector=c26).bands == rules.NATIONAL_LEC_BANDS
    assert resolve_bands("ls", jurisdiction=place, sector=c26).bands == rules.DEFAULT_LS_BANDS

    city_all = _policy(world, red=900, orange=800, yellow=700)
    city_c = _policy(world, sector=c, red=901, orange=800, yellow=700)
    city_26 = _policy(world, sector=c26, red=902, orange=800, yellow=700)
    dist_all = _policy(world, jurisdiction=world.district_a, red=903, orange=800, yellow=700)
    dist_c = _policy(world, jurisdiction=world.district_a, sector=c, red=904, orange=800, yellow=700)
    _policy(world, jurisdiction=world.district_b, sector=c26, red=905, orange=800, yellow=700)  # elsewhere
    _policy(world, sector=c26, method="ls", red=21, orange=10, yellow=5)  # other method

    expected = [dist_c, dist_all, city_26, city_c, city_all]
    for policy in expected:
        resolved = resolve_bands("lec", jurisdiction=place, sector=c26)
        assert resolved.policy == policy
        assert resolved.bands == rules.LecBands(policy.red, policy.orange, policy.yellow)
        policy.delete()
    assert resolve_bands("lec", jurisdiction=place, sector=c26).policy is None
    # A street-level policy is nearer than the district's.
    street = _policy(world, jurisdiction=world.street_a, red=500, orange=400, yellow=10)
    district = _policy(world, jurisdiction=world.district_a, sector=c26, red=501, orange=400, yellow=10)
    assert resolve_bands("lec", jurisdiction=place, sector=c26).policy == street
    assert resolve_bands("lec", jurisdiction=world.district_a, sector=c26).policy == district


@pytest.mark.parametrize(("method", "values", "zh"), [
    ("lec", (160, 320, 70), "LEC 分级阈值必须严格递减且非负"),
    ("lec", (320, 160, -1), "LEC 分级阈值必须严格递减且非负"),
    ("ls", (20, 9, 1), "LS 分级阈值必须是 25 ≥ 红 > 橙 > 黄 > 1 的整数"),
    ("ls", (26, 9, 4), "LS 分级阈值必须是 25 ≥ 红 > 橙 > 黄 > 1 的整数"),
    ("ls", ("20.5", 9, 4), "LS 阈值必须是整数"),
    ("lec", ("abc", 9, 4), "阈值必须是数字"),
    ("xyz", (3, 2, 1), "评价方法须为 LEC 或 LS"),
])
def test_invalid_thresholds_are_refused_in_both_languages(world, method, values, zh):
    with pytest.raises(DomainError) as err:
        _policy(world, method=method, red=values[0], orange=values[1], yellow=values[2],
                actor=world.user("city_admin"))
    assert err.value.zh.startswith(zh)
    assert err.value.en
    assert not RiskBandPolicy.objects.exists()


def test_duplicate_is_refused_and_edit_is_audited(world):
    admin = world.user("city_admin")
    p = _policy(world, jurisdiction=world.district_a, actor=admin)
    with pytest.raises(DomainError) as err:
        _policy(world, jurisdiction=world.district_a, actor=admin)
    assert "已有分级阈值" in err.value.zh
    assert RiskBandPolicy.objects.count() == 1
    risk_policy_save(actor=world.user("district_a"), method="lec", red=400, orange=200, yellow=80, policy=p,
                     note="某地方标准")
    p.refresh_from_db()
    assert (p.red, p.orange, p.yellow, p.note) == (Decimal(400), Decimal(200), Decimal(80), "某地方标准")
    assert [e.verb for e in timeline_for(p).order_by("id")] == ["created", "updated"]
    assert list(p.history.order_by("history_id").values_list("history_change_reason", flat=True)) == [
        "新建风险分级阈值", "修改风险分级阈值"]


def test_scope_of_policy_services(world):
    pa = _policy(world, jurisdiction=world.district_a)
    with pytest.raises(NotFoundInScope):
        risk_policy_save(actor=world.user("district_b"), method="lec", red=999, orange=200, yellow=80, policy=pa)
    with pytest.raises(NotFoundInScope):
        risk_policy_delete(actor=world.user("district_b"), policy=pa)
    with pytest.raises(NotAllowed):
        _policy(world, jurisdiction=world.district_a, sector=Sector.objects.get(code="26"),
                actor=world.user("district_b"))
    with pytest.raises(NotAllowed):  # city-wide needs the city administrator
        _policy(world, actor=world.user("district_a"))
    with pytest.raises(NotAllowed):
        sector_set_inherent_risk(actor=world.user("district_a"), sector=Sector.objects.get(code="26"), colour="red")
    pa.refresh_from_db()
    assert pa.red == Decimal(300)
    assert RiskBandPolicy.objects.count() == 1
    assert Sector.objects.get(code="26").inherent_risk == "orange"


def test_hazard_assessment_uses_and_records_the_policy(world, hazard, login):
    factors = {"l": "6", "e": "6", "c": "15"}  # D = 540
    hs.hazard_risk_assess(actor=world.user("regulator"), hazard=hazard, method="lec", factors=factors)
    h = Hazard.objects.get(pk=hazard.pk)
    assert (h.risk_colour, h.risk_factors["policy"]["id"]) == ("red", None)
    assert h.risk_factors["policy"]["zh"] == "国家默认阈值"

    p = _policy(world, jurisdiction=world.district_a, sector=Sector.objects.get(code="26"), red=600, orange=500,
                yellow=100)
    hs.hazard_risk_assess(actor=world.user("regulator"), hazard=hazard, method="lec", factors=factors)
    h.refresh_from_db()
    assert h.risk_colour == "orange"  # 540 ≤ 600 under the district's own bands
    assert h.risk_factors["policy"] == {"id": p.pk, "zh": f"甲区 · 26 {p.sector.name}（#{p.pk}）",
                                        "en": h.risk_factors["policy"]["en"],
                                        "thresholds": "D > 600 / > 500 / > 100"}
    assert h.risk_factors["l"] == "6"
    html = login("district_a").get(f"/hazards/{h.pk}/").content.decode()
    assert 'data-testid="risk-policy"' in html and f"甲区 · 26 {p.sector.name}（#{p.pk}）" in html


def test_sector_inherent_colour_resolution_and_audit(world):
    s47, e = Sector.objects.get(code="47"), Sector.objects.get(code="E")
    assert (s47.inherent_risk, e.inherent_risk) == ("", "orange")  # local defaults seeded on load
    assert s47.resolved_inherent_risk() == ("orange", "E")
    assert Sector.objects.get(code="62").resolved_inherent_risk() == ("blue", "")
    sector_set_inherent_risk(actor=world.user("city_admin"), sector=s47, colour="red")
    s47.refresh_from_db()
    assert s47.resolved_inherent_risk() == ("red", "47")
    assert [ev.verb for ev in timeline_for(s47)] == ["inherent_risk_set"]
    with pytest.raises(DomainError):
        sector_set_inherent_risk(actor=world.user("city_admin"), sector=s47, colour="purple")
    assert Sector.objects.get(code="47").inherent_risk == "red"


def test_settings_pages_matrix(world, login):
    pa = _policy(world, jurisdiction=world.district_a)
    sector = Sector.objects.get(code="26")
    edit = {"red": "310", "orange": "150", "yellow": "60", "note": ""}
    problems = check_matrix(login, [
        Route("GET", "/orgs/risk/", allow={"city_admin", "district_a", "district_b"}),
        Route("GET", f"/orgs/risk/policies/{pa.pk}/", allow={"city_admin", "district_a"}),
        Route("POST", f"/orgs/risk/policies/{pa.pk}/", data=edit, allow={"city_admin", "district_a"}, ok=302),
        Route("POST", f"/orgs/risk/sectors/{sector.pk}/", data={"inherent_risk": "red"}, allow={"city_admin"}, ok=302),
        Route("POST", "/orgs/risk/recompute/", allow={"city_admin"}, ok=302),
    ])
    assert problems == []


def test_district_b_cannot_edit_or_delete_district_a_policy(world, login):
    pa = _policy(world, jurisdiction=world.district_a)
    client = login("district_b")
    assert client.post(f"/orgs/risk/policies/{pa.pk}/", {"red": "999", "orange": "150", "yellow": "60"}).status_code == 404
    assert client.post(f"/orgs/risk/policies/{pa.pk}/delete/").status_code == 404
    # Creating one for district A from district B: the jurisdiction is not offered.
    response = client.post("/orgs/risk/policies/", {"method": "lec", "jurisdiction": world.district_a.pk,
                                                    "red": "500", "orange": "150", "yellow": "60"})
    assert response.status_code == 400
    page = client.get("/orgs/risk/").content.decode()
    assert f'data-testid="policy-{pa.pk}"' not in page
    pa.refresh_from_db()
    assert pa.red == Decimal(300)
    assert RiskBandPolicy.objects.count() == 1
    # District A can, and sees its own policy as editable.
    client = login("district_a")
    assert client.post("/orgs/risk/policies/", {"method": "ls", "jurisdiction": world.district_a.pk,
                                                "red": "20", "orange": "10", "yellow": "4"}).status_code == 302
    bad = client.post("/orgs/risk/policies/", {"method": "ls", "jurisdiction": world.district_a.pk,
                                               "sector": Sector.objects.get(code="26").pk,
                                               "red": "9", "orange": "10", "yellow": "4"})
    assert bad.status_code == 400 and "LS 分级阈值必须是" in bad.content.decode()
    assert client.post(f"/orgs/risk/policies/{pa.pk}/delete/").status_code == 302
    assert list(RiskBandPolicy.objects.values_list("method", flat=True)) == ["ls"]
