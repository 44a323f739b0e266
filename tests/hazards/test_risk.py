"""Per-hazard LEC / LS scoring with the four colours, through the service and the page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from anjian.core.errors import DomainError, NotAllowed, NotFoundInScope
from anjian.hazards import services as hs
from anjian.hazards.models import Hazard

from .helpers import verbs

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def hazard(world):
    with time_machine.travel(T0, tick=False):
        return hs.hazard_report(actor=world.user("grid_inspector"), source="patrol", enterprise=world.ent_a,
                                category="电气线路老化", description="配电箱线路老化")


@pytest.mark.parametrize(("method", "factors", "score", "colour"), [
    ("lec", {"l": "6", "e": "6", "c": "15"}, Decimal("540"), "red"),
    ("lec", {"l": "3", "e": "6", "c": "15"}, Decimal("270"), "orange"),
    ("lec", {"l": "3", "e": "6", "c": "7"}, Decimal("126"), "yellow"),
    ("lec", {"l": "1", "e": "6", "c": "7"}, Decimal("42"), "blue"),
    ("ls", {"l": 4, "s": 5}, Decimal("20"), "red"),
    ("ls", {"l": 3, "s": 3}, Decimal("9"), "orange"),
    ("ls", {"l": 2, "s": 2}, Decimal("4"), "yellow"),
    ("ls", {"l": 1, "s": 3}, Decimal("3"), "blue"),
])
def test_scores_and_colours(world, hazard, method, factors, score, colour):
    hs.hazard_risk_assess(actor=world.user("regulator"), hazard=hazard, method=method, factors=factors)
    h = Hazard.objects.get(pk=hazard.pk)
    assert (h.risk_method, h.risk_score, h.risk_colour) == (method, score, colour)
    assert verbs(h)[-1] == "hazard.risk_assessed"


def test_invalid_and_refused_change_nothing(world, hazard):
    with pytest.raises(DomainError):
        hs.hazard_risk_assess(actor=world.user("regulator"), hazard=hazard, method="lec",
                              factors={"l": "5", "e": "6", "c": "7"})
    with pytest.raises(DomainError):
        hs.hazard_risk_assess(actor=world.user("regulator"), hazard=hazard, method="ls", factors={"l": 6, "s": 1})
    with pytest.raises(NotFoundInScope):
        hs.hazard_risk_assess(actor=world.user("district_b"), hazard=hazard, method="ls", factors={"l": 1, "s": 1})
    with pytest.raises(NotAllowed):
        hs.hazard_risk_assess(actor=world.user("enterprise"), hazard=hazard, method="ls", factors={"l": 1, "s": 1})
    h = Hazard.objects.get(pk=hazard.pk)
    assert (h.risk_method, h.risk_score, h.risk_colour) == ("", None, "")
    assert "hazard.risk_assessed" not in verbs(h)


def test_page_form_and_display(world, hazard, login):
    data = {"method": "lec", "lec_l": "6", "lec_e": "6", "lec_c": "15"}
    assert login("district_b").post(f"/hazards/{hazard.pk}/risk/", data).status_code == 404
    assert login("enterprise").post(f"/hazards/{hazard.pk}/risk/", data).status_code == 404
    assert Hazard.objects.get(pk=hazard.pk).risk_colour == ""
    client = login("district_a")
    assert client.post(f"/hazards/{hazard.pk}/risk/", data).status_code == 302
    html = client.get(f"/hazards/{hazard.pk}/").content.decode()
    assert 'class="badge fs-6 risk-red" data-testid="risk-colour">重大风险（红）<' in html
    assert "D = 6 × 6 × 15 = 540" in html


def test_api(world, hazard, login):
    url = f"/api/v1/hazards/{hazard.pk}/risk"
    body = {"method": "ls", "factors": {"l": 3, "s": 3}}
    assert login("district_b").post(url, body, content_type="application/json").status_code == 404
    response = login("regulator").post(url, body, content_type="application/json")
    assert response.status_code == 200
    assert (response.json()["risk_score"], response.json()["risk_colour"]) in (("9.00", "orange"), (9.0, "orange"))
