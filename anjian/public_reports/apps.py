from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicReportsConfig(AppConfig):
    name = "anjian.public_reports"
    label = "public_reports"
    verbose_name = _("举报受理与奖励")
