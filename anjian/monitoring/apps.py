from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "anjian.monitoring"
    label = "monitoring"
    verbose_name = _("重大危险源与监测预警")

    def ready(self) -> None:
        from anjian.accounts.actions import register as register_action
        from anjian.core.menu import Entry
        from anjian.core.menu import register as register_menu

        group = _("监测预警")
        for code, label in [
            ("monitoring.view", _("查看重大危险源与监测数据")),
            ("monitoring.change", _("维护重大危险源与测点、上报数据")),
            ("monitoring.ack", _("确认与处置报警")),
        ]:
            register_action(code, label, group)
        section = _("五、投入与机制")
        for entry in [
            Entry(section, _("重大危险源"), "monitoring:sources", "monitoring.view", "bi-radioactive", 40),
            Entry(section, _("重大危险源辨识计算器"), "monitoring:calculator", "dashboard.view", "bi-calculator", 41),
            Entry(section, _("监测报警"), "monitoring:alarms", "monitoring.view", "bi-bell", 42),
            Entry(section, _("监测测点"), "monitoring:sensors", "monitoring.view", "bi-broadcast", 43),
            Entry(section, _("测点地图"), "monitoring:map", "monitoring.view", "bi-geo-alt", 44),
            Entry(section, _("报警统计"), "monitoring:stats", "monitoring.view", "bi-bar-chart", 45),
        ]:
            register_menu(entry)
        from anjian.enterprises.risk import register_factor
        from anjian.monitoring.risk_factors import FACTOR

        register_factor(FACTOR)  # counted into the enterprise risk colour
