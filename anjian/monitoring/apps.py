from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "anjian.monitoring"
    label = "monitoring"
    verbose_name = _("重大危险源与监测预警")
