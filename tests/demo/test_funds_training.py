"""The demo city has sections 五 and 六: the fund ledger balances, custody contracts took over the
custody login's grants (to the minute), technology, training, certificates and publicity."""

from __future__ import annotations

import pytest

from anjian.accounts.models import Membership
from anjian.funds import selectors as fsel
from anjian.funds.models import (
    CampaignTarget,
    CustodyContract,
    CustodyVisit,
    FundSpending,
    SafetyCostYear,
    TechInstallation,
)
from anjian.inbox.models import DueItem, DueState
from anjian.training.models import Attendance, PersonCertificate, PublicityActivity, TrainingPlan
from tests.demo.test_demo import _built_once, demo_city  # noqa: F401 - the module-scoped demo city

pytestmark = pytest.mark.django_db


def test_demo_has_sections_five_and_six(demo_city):  # noqa: F811
    assert FundSpending.objects.filter(reverses__isnull=False).exists()  # a correction kept in the ledger
    year = FundSpending.objects.first().allocation.line.year
    rows = fsel.ledger_rows(user=None, year=year)
    for b in list(fsel.balances_by(rows, "line").values()) + list(fsel.balances_by(rows, "district").values()):
        assert b.allocated == b.spent + b.remaining and b.remaining >= 0
    assert SafetyCostYear.objects.exists()
    contracts = list(CustodyContract.objects.all())
    assert contracts and CustodyVisit.objects.exists()
    custody_grants = Membership.objects.filter(user__username="custody", is_active=True, role__code="custody")
    assert custody_grants.count() == len(contracts) and not custody_grants.filter(ends_at__isnull=True).exists()
    assert TechInstallation.objects.exists()
    open_targets = CampaignTarget.objects.filter(done_at__isnull=True)
    assert DueItem.objects.filter(kind="funds.tech_campaign", state=DueState.OPEN).count() == open_targets.count()
    assert Attendance.objects.filter(signed_at__isnull=False).exists()
    assert PersonCertificate.objects.exists()
    assert DueItem.objects.filter(kind="training.cert_renewal", state=DueState.OPEN).exists()
    assert TrainingPlan.objects.exists() and PublicityActivity.objects.count() >= 5
