"""执法设置: the province's "较大数额罚款" (行政处罚法 Art. 63(1)(1)) set by the city. The city office
or a city department that approves cases changes it on the page; a district reads it; the hearing
right of a new notice follows it, and a notice already given keeps the right it told of."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from anjian.audit.models import Event
from anjian.core.errors import DomainError, NotAllowed
from anjian.enforcement import services
from anjian.enforcement.models import DocKind, Policy
from anjian.enforcement.policy import hearing_limits, policy_for
from anjian.rules import enforcement as rules
from tests.enforcement.helpers import NOW, filed_case, inspectors


def _notify(world, officers, fine):
    case = filed_case(world, officers)
    services.case_notify(actor=world.users["regulator"], case=case, facts="储罐区可燃气体报警器未投用",
                         legal_basis="《安全生产法》第三十六条第二款", penalty_basis="《安全生产法》第九十九条第（二）项",
                         penalty_kind="fine", proposed_fine=fine)
    case.refresh_from_db()
    return case


@pytest.mark.django_db
def test_defaults_until_the_city_sets_its_provinces_figures(world):
    assert policy_for(world.street_a).pk is None
    assert hearing_limits(world.grid_a) == (rules.HEARING_FINE_INDIVIDUAL, rules.HEARING_FINE_ORGANISATION)
    with time_machine.travel(NOW, tick=False):
        officers = inspectors(world)
        below = _notify(world, officers, Decimal("40000"))
        assert services.hearing_right(below) == ""  # below the default 50,000 for a unit
        services.policy_save(actor=world.users["city_admin"], jurisdiction=world.city,
                             data={"hearing_fine_individual": Decimal("10000"), "hearing_fine_organisation": Decimal("30000"),
                                   "hearing_fine_basis": "本省行政处罚听证较大数额标准第二条"})
        assert hearing_limits(world.district_a) == (Decimal("10000"), Decimal("30000"))
        after = _notify(world, officers, Decimal("40000"))
        assert services.hearing_right(after) == "large_fine"
        notice = after.documents.get(kind=DocKind.NOTICE)
        assert notice.fields["hearing_right"] == "large_fine"
        # The earlier notice told the party it had no hearing right: that stands.
        assert services.hearing_right(below) == ""
        # Raising the figure again does not take the right from the notice that gave it.
        services.policy_save(actor=world.users["city_admin"], jurisdiction=world.city,
                             data={"hearing_fine_organisation": Decimal("80000")})
        assert services.hearing_right(after) == "large_fine"
        services.case_respond(actor=world.users["enterprise"], case=after, statement="", hearing_requested=True)
    assert Event.objects.filter(verb="enforcement.policy").count() == 2


@pytest.mark.django_db
def test_only_the_city_sets_them_and_bad_figures_change_nothing(world):
    with pytest.raises(NotAllowed):
        services.policy_save(actor=world.users["district_a"], jurisdiction=world.city,
                             data={"hearing_fine_organisation": Decimal("1")})
    with pytest.raises(DomainError, match="市级"):
        services.policy_save(actor=world.users["city_admin"], jurisdiction=world.district_a,
                             data={"hearing_fine_organisation": Decimal("1")})
    for bad in (Decimal("0"), Decimal("-5"), Decimal("100000001")):
        with pytest.raises(DomainError) as exc:
            services.policy_save(actor=world.users["city_admin"], jurisdiction=world.city,
                                 data={"hearing_fine_individual": bad})
        assert "yuan" in exc.value.en
    assert not Policy.objects.exists() and not Event.objects.filter(verb="enforcement.policy").exists()


@pytest.mark.django_db
def test_settings_page(world, login):
    client = login("city_admin")
    page = client.get("/enforcement/settings/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "执法设置" in html and "20000" in html and "50000" in html and 'data-testid="policy-defaults"' in html
    bad = client.post("/enforcement/settings/", {"hearing_fine_individual": "0", "hearing_fine_organisation": "30000",
                                                 "hearing_fine_basis": ""})
    assert bad.status_code == 400 and not Policy.objects.exists()
    ok = client.post("/enforcement/settings/", {"hearing_fine_individual": "10000", "hearing_fine_organisation": "30000",
                                                "hearing_fine_basis": "本省规定"})
    assert ok.status_code == 302
    row = Policy.objects.get()
    assert row.jurisdiction == world.city and row.hearing_fine_organisation == Decimal("30000")
    html = client.get("/enforcement/settings/").content.decode()
    assert "本省规定" in html and "修改" in html  # the timeline names the change
    # A district office reads its city's figures and cannot post.
    district = login("district_a")
    html = district.get("/enforcement/settings/").content.decode()
    assert "30000" in html and "区级只读" in html
    assert district.post("/enforcement/settings/", {"hearing_fine_individual": "1", "hearing_fine_organisation": "1",
                                                    "hearing_fine_basis": ""}).status_code == 404
    row.refresh_from_db()
    assert row.hearing_fine_organisation == Decimal("30000")
    # An enterprise has no settings page.
    assert login("enterprise").get("/enforcement/settings/").status_code in (403, 404)
