from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "anjian.enforcement"
    label = "enforcement"
    verbose_name = _("执法检查")

    def ready(self) -> None:
        from anjian.accounts.actions import register

        for code, label in [
            ("enforcement.view", _("查看执法检查与案件")),
            ("enforcement.plan", _("编制监督检查计划、维护分类分级规则")),
            ("enforcement.approve", _("审批、公布监督检查计划")),
            ("enforcement.draw", _("维护抽查事项与执法人员名录、双随机抽取与公示")),
            ("enforcement.inspect", _("现场检查、记录检查发现")),
            ("enforcement.handle", _("立案、制作送达执法文书、结案")),
            ("enforcement.decide", _("作出行政处罚决定（含当场处罚）")),
            ("enforcement.respond", _("当事人陈述申辩、申请复查")),
            ("enforcement.pay", _("缴纳罚款、登记缴款")),
            ("enforcement.standardize", _("标准化自评、职业病危害项目申报")),
        ]:
            register(code, label, _("执法检查"))
        from anjian.core.menu import Entry
        from anjian.core.menu import register as menu_register
        from anjian.enforcement import (
            lookups,  # noqa: F401 - registers the inspector look-up
            workflow,  # noqa: F401 - registers the due-item kinds
        )
        from anjian.enforcement.views import hazard_links
        from anjian.hazards.links import register_hazard_links

        register_hazard_links("enforcement", hazard_links)  # a hazard's penalty belongs to its case file

        section = _("四、执法检查")
        menu_register(Entry(section, _("现场检查"), "enforcement:inspections", "enforcement.inspect",
                            "bi-clipboard-check", 40, territorial=True))
        menu_register(Entry(section, _("执法案件"), "enforcement:cases", "enforcement.view", "bi-folder2-open", 41))
        menu_register(Entry(section, _("监督检查计划"), "enforcement:plans", "enforcement.plan", "bi-calendar-check",
                            42, territorial=True))
        menu_register(Entry(section, _("双随机抽查"), "enforcement:draws", "enforcement.draw", "bi-shuffle", 43,
                            territorial=True))
        menu_register(Entry(section, _("专项整治"), "enforcement:campaigns", "enforcement.view", "bi-flag", 44,
                            territorial=True))
        menu_register(Entry(section, _("安全生产标准化"), "enforcement:standardization", "enforcement.view",
                            "bi-award", 45))
        menu_register(Entry(section, _("信用名单"), "enforcement:credit", "enforcement.view", "bi-shield-exclamation",
                            45))
        menu_register(Entry(section, _("职业病危害申报"), "enforcement:occupational", "enforcement.view",
                            "bi-lungs", 46))
        menu_register(Entry(_("设置"), _("执法设置"), "enforcement:policy", "enforcement.approve", "bi-sliders", 14,
                            territorial=True))
