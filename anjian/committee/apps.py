from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteeConfig(AppConfig):
    name = "anjian.committee"
    label = "committee"
    verbose_name = _("安委会统筹协调")

    def ready(self) -> None:
        from anjian.accounts.actions import register

        for code, label in [
            ("committee.view", _("查看安委会工作与督办")),
            ("committee.manage", _("管理成员单位、会议与纪要")),
            ("committee.supervise", _("督办、审核办结、通报与约谈")),
            ("committee.handle", _("办理督办任务、签收通报")),
        ]:
            register(code, label, _("安委会"))
        from anjian.committee import (
            services,  # noqa: F401 - registers the timeline verbs
            tasks,  # noqa: F401 - registers the periodic escalation
            workflow,  # noqa: F401 - registers the due-item kinds
        )
        from anjian.core.menu import Entry
        from anjian.core.menu import register as menu_register

        section = _("二、统筹协调")
        for label, url, action, icon, order in [
            (_("督办事项"), "committee:cases", "committee.view", "bi-flag", 10),
            (_("安委会会议"), "committee:meetings", "committee.view", "bi-people", 11),
            (_("通报"), "committee:notices", "committee.view", "bi-megaphone", 12),
            (_("约谈"), "committee:interviews", "committee.view", "bi-chat-square-text", 13),
            (_("成员单位"), "committee:members", "committee.view", "bi-diagram-2", 14),
            (_("督导"), "committee:visits", "committee.view", "bi-binoculars", 16),
        ]:
            menu_register(Entry(section, label, url, action, icon, order))
