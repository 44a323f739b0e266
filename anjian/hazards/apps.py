from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "anjian.hazards"
    label = "hazards"
    verbose_name = _("隐患排查治理")

    def ready(self) -> None:
        from anjian.accounts.actions import register

        for code, label in [
            ("hazards.view", _("查看隐患")),
            ("hazards.report", _("上报隐患")),
            ("hazards.confirm", _("确认/不予确认隐患")),
            ("hazards.rectify", _("整改隐患、编制治理方案、申请销号")),
            ("hazards.verify", _("验收、现场核查与销号")),
            ("hazards.reroute", _("改派隐患属地与监管部门")),
            ("hazards.supervise", _("挂牌督办")),
            ("hazards.penalty", _("重复处罚企业提请关闭（安全生产法第一百一十三条）")),
            ("hazards.import", _("导入隐患台账")),
        ]:
            register(code, label, _("隐患"))
        from anjian.core.menu import Entry
        from anjian.core.menu import register as menu_register
        from anjian.hazards import (
            exports,  # noqa: F401 - registers the list's export (large ones run as a job)
            imports,  # noqa: F401 - registers the ledger import
            workflow,  # noqa: F401 - registers the due-item kinds
        )

        menu_register(Entry(_("三、隐患排查与监测"), _("隐患台账"), "hazards:list", "hazards.view",
                            "bi-exclamation-triangle", 20))
        menu_register(Entry(_("三、隐患排查与监测"), _("上报隐患"), "hazards:report", "hazards.report",
                            "bi-camera", 21))
        menu_register(Entry(_("三、隐患排查与监测"), _("隐患统计"), "hazards:statistics", "hazards.view",
                            "bi-bar-chart", 22, territorial=True))

        from anjian.enterprises.risk import register_factor
        from anjian.hazards.risk_factors import FACTOR

        register_factor(FACTOR)  # counted into the enterprise risk colour

        from anjian.enterprises.follow import register_follower
        from anjian.hazards.follow import FOLLOWER

        register_follower(FOLLOWER)  # open hazards follow a moved enterprise

        from anjian.enterprises.tabs import DetailTab, register_tab

        register_tab(DetailTab("hazards", _("隐患"), "hazards/enterprise_tab.html", "hazards.view", order=50,
                               context=_enterprise_tab))


def _enterprise_tab(request, enterprise):  # type: ignore[no-untyped-def]
    from anjian.core.scoping import has_action
    from anjian.hazards.models import OPEN_STATUSES
    from anjian.hazards.selectors import hazard_list, penalty_list, repeat_flags_for

    qs = hazard_list(user=request.user, filters={"enterprise": enterprise})
    return {
        "hazards": qs.order_by("-id")[:50],
        "hazards_open": qs.filter(status__in=OPEN_STATUSES).count(),
        "hazards_total": qs.count(),
        "can_report_hazard": has_action(request.user, "hazards.report"),
        "repeat_flags": repeat_flags_for(user=request.user, enterprise=enterprise),
        "may_decide_referral": has_action(request.user, "hazards.penalty"),
        "penalties": penalty_list(user=request.user, enterprise=enterprise)[:50],
    }
