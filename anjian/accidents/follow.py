"""Accidents whose investigation is not closed follow their enterprise when it moves
(``enterprises.follow``); the district they count in follows the new unit."""

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_noop

from anjian.accidents.choices import InvestigationStatus
from anjian.accidents.models import Accident
from anjian.enterprises.follow import Follower
from anjian.inbox.services import unit_at
from anjian.orgs.models import Jurisdiction, JurisdictionLevel


def _district(obj: Any, unit: Jurisdiction) -> dict[str, Any]:
    return {"district": unit_at(unit, JurisdictionLevel.DISTRICT)}


FOLLOWER = Follower(
    code="accidents", label=gettext_noop("调查未结案的事故"),
    queryset=lambda: Accident.objects.exclude(Q(investigation__status=InvestigationStatus.CLOSED)),
    title=lambda a: a.title, also=_district,
)
