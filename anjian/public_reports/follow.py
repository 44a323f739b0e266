"""Public reports in progress follow the reported enterprise when it moves (``enterprises.follow``)."""

from django.utils.translation import gettext_noop

from anjian.enterprises.follow import Follower
from anjian.public_reports.models import OPEN_STATUSES, Report

FOLLOWER = Follower(code="public_reports", label=gettext_noop("办理中的举报"),
                    queryset=lambda: Report.objects.filter(status__in=OPEN_STATUSES), title=str)
