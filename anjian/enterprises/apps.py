from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "anjian.enterprises"
    label = "enterprises"
    verbose_name = _("企业档案")

    def ready(self) -> None:
        from anjian.enterprises import (  # noqa: F401 - registers the import, the export and the detail tabs
            exports,
            imports,
            risk,  # registers the recompute job
            tabs,
        )
        from anjian.orgs import risk as orgs_risk

        orgs_risk.RECOMPUTE_ALL.append(risk.recompute_all_start)  # the button on the risk settings page
