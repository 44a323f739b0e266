from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsibilityConfig(AppConfig):
    name = "anjian.responsibility"
    label = "responsibility"
    verbose_name = _("责任体系与考核")

    def ready(self) -> None:
        from anjian.accounts.actions import register

        for code, label in [
            ("responsibility.view", _("查看责任书与考核")),
            ("responsibility.manage", _("制定与下达责任书")),
            ("responsibility.ack", _("签收责任书")),
            ("responsibility.assess", _("制定考核方案、评分与审核")),
            ("responsibility.self", _("考核自评与申诉")),
        ]:
            register(code, label, _("责任体系"))
        from anjian.core.menu import Entry
        from anjian.core.menu import register as menu_register
        from anjian.responsibility import services  # noqa: F401 - registers the due-item kinds and verbs

        section = _("一、责任体系")
        menu_register(Entry(section, _("安全生产责任书"), "responsibility:letters", "responsibility.view",
                            "bi-pen", 10))
        menu_register(Entry(section, _("考核评价"), "responsibility:schemes", "responsibility.view",
                            "bi-trophy", 11, territorial=True))
        menu_register(Entry(_("二、统筹协调"), _("事故督办"), "responsibility:accident_cases", "committee.supervise",
                            "bi-exclamation-octagon", 15, territorial=True))
