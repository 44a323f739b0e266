from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecklistsConfig(AppConfig):
    name = "anjian.checklists"
    label = "checklists"
    verbose_name = _("排查标准")

    def ready(self) -> None:
        from anjian.accounts.actions import register
        from anjian.checklists import imports  # noqa: F401 - registers the item import
        from anjian.core.menu import Entry
        from anjian.core.menu import register as menu_register

        register("checklists.view", _("查看排查标准"), _("排查标准"))
        register("checklists.manage", _("维护、导入、发布排查标准"), _("排查标准"))
        menu_register(Entry(_("三、隐患排查与监测"), _("排查标准"), "checklists:list", "checklists.view",
                            "bi-card-checklist", 25))
