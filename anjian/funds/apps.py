from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "anjian.funds"
    label = "funds"
    verbose_name = _("安全投入与托管")

    def ready(self) -> None:
        from anjian.accounts.actions import register
        from anjian.audit.services import register_attribution
        from anjian.core.menu import Entry
        from anjian.core.menu import register as menu_register
        from anjian.funds import services  # registers due kinds and verbs

        register_attribution(services.custody_attribution)  # events by custody staff name both parties

        group = _("安全投入与托管")
        for code, label in [
            ("funds.view", _("查看专项经费、安全生产费用、托管与安全技术")),
            ("funds.manage", _("管理专项经费预算、下达与支出")),
            ("funds.cost", _("填报企业安全生产费用")),
            ("funds.custody", _("管理托管机构与托管合同")),
            ("funds.visit", _("填报托管服务记录")),
            ("funds.tech", _("登记安全技术装备")),
            ("funds.campaign", _("组织安全技术推广行动")),
        ]:
            register(code, label, group)
        section = _("五、投入与机制")
        for entry in [
            Entry(section, _("专项经费"), "funds:lines", "funds.manage", "bi-cash-stack", 10, territorial=True),
            Entry(section, _("企业安全生产费用"), "funds:costs", "funds.view", "bi-wallet2", 11),
            Entry(section, _("安全生产托管"), "funds:contracts", "funds.view", "bi-briefcase", 12),
            Entry(section, _("安全技术装备"), "funds:tech", "funds.view", "bi-cpu", 13),
            Entry(section, _("安全技术推广"), "funds:campaigns", "funds.campaign", "bi-megaphone", 14, territorial=True),
        ]:
            menu_register(entry)
