from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "anjian.dashboard"
    label = "dashboard"
    verbose_name = _("工作台")

    def ready(self) -> None:
        from anjian.core.menu import Entry
        from anjian.core.menu import register as menu_register
        from anjian.dashboard import cockpit  # noqa: F401  (registers the cockpit's map layers)

        menu_register(Entry(_("工作台"), _("领导驾驶舱"), "dashboard:cockpit", "dashboard.cockpit",
                            "bi-speedometer2", 2, territorial=True))
