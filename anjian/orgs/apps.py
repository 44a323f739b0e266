from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "anjian.orgs"
    label = "orgs"
    verbose_name = _("组织与辖区")

    def ready(self) -> None:
        # its actions (orgs.view, orgs.change, orgs.risk) are in the catalogue of accounts, the app above
        from anjian.core.menu import Entry
        from anjian.core.menu import register as menu_register

        menu_register(Entry(_("设置"), _("风险分级设置"), "orgs:risk_settings", "orgs.risk", "bi-sliders", 5))
