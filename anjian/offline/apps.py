from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfflineConfig(AppConfig):
    name = "anjian.offline"
    label = "offline"
    verbose_name = _("离线填报")

    def ready(self) -> None:
        from anjian.core.menu import Entry, register

        register(Entry(_("工作台"), _("待发送"), "offline:queue", "hazards.report", "bi-cloud-upload", 5))
