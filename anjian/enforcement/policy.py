"""The city's enforcement settings (``models.Policy``), read here and written by
``services.policy_save`` from the settings page 执法设置. A city without a row uses the defaults
of ``anjian.rules.enforcement``."""

from __future__ import annotations

from decimal import Decimal

from anjian.enforcement.models import Policy
from anjian.orgs.models import Jurisdiction
from anjian.orgs.selectors import city_of


def policy_for(jurisdiction: Jurisdiction | None) -> Policy:
    """The policy of the jurisdiction's city (an unsaved row with the defaults when none is set)."""
    city = city_of(jurisdiction)
    row = Policy.objects.filter(jurisdiction=city).first() if city is not None else None
    return row or Policy(jurisdiction=city)


def hearing_limits(jurisdiction: Jurisdiction | None) -> tuple[Decimal, Decimal]:
    """The "较大数额罚款" of the jurisdiction's province as its city set them: (individual, unit)."""
    p = policy_for(jurisdiction)
    return Decimal(p.hearing_fine_individual), Decimal(p.hearing_fine_organisation)
