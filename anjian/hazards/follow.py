"""Open hazards follow their enterprise when it moves to another unit (``enterprises.follow``)."""

from django.utils.translation import gettext_noop

from anjian.enterprises.follow import Follower
from anjian.hazards.models import OPEN_STATUSES, Hazard

FOLLOWER = Follower(code="hazards", label=gettext_noop("未销号隐患"),
                    queryset=lambda: Hazard.objects.filter(status__in=OPEN_STATUSES), title=str)
