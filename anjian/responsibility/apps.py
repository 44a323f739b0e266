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
        from anjian.accidents.hooks import register_supervision_hook
        from anjian.core.menu import Entry
        from anjian.core.menu import register as menu_register
        from anjian.responsibility import services  # noqa: F401 - registers the due-item kinds, verbs and the issue job
        from anjian.responsibility.accident_cases import on_supervision_raised

        register_supervision_hook(on_supervision_raised)  # an accident under supervision opens its 督办 matter
        from anjian.committee.policy import register_terms_source
        from anjian.responsibility.policy import committee_terms

        register_terms_source(committee_terms)  # the committee's deadlines are set on this app's settings page

        section = _("一、责任体系")
        menu_register(Entry(section, _("安全生产责任书"), "responsibility:letters", "responsibility.view",
                            "bi-pen", 10))
        menu_register(Entry(section, _("考核评价"), "responsibility:schemes", "responsibility.view",
                            "bi-trophy", 11, territorial=True))
        menu_register(Entry(_("设置"), _("责任体系设置"), "responsibility:policy", "responsibility.assess",
                            "bi-sliders", 12, territorial=True))
        menu_register(Entry(section, _("岗位安全责任书"), "responsibility:posts", "responsibility.ack",
                            "bi-person-badge", 13))
        menu_register(Entry(_("二、统筹协调"), _("事故督办"), "responsibility:accident_cases", "committee.supervise",
                            "bi-exclamation-octagon", 15, territorial=True))
