from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccidentsConfig(AppConfig):
    name = "anjian.accidents"
    label = "accidents"
    verbose_name = _("事故管理")

    def ready(self) -> None:
        from anjian.accounts.actions import register
        from anjian.core import menu

        group = _("事故管理")
        for code, label in [
            ("accidents.view", _("查看事故")),
            ("accidents.report", _("事故快报")),
            ("accidents.supplement", _("事故续报/补报")),
            ("accidents.investigate", _("事故调查与责任追究")),
            ("accidents.close", _("事故结案")),
            ("accidents.misreport", _("认定迟报、漏报、谎报、瞒报")),
            ("accidents.targets", _("事故控制指标与参考数据")),
            ("accidents.import", _("导入历史事故")),
        ]:
            register(code, label, group)
        section = _("七、事故管理")
        for entry in [
            menu.Entry(section, _("事故信息"), "accidents:list", "accidents.view", "bi-exclamation-octagon", 1),
            menu.Entry(section, _("事故快报"), "accidents:report", "accidents.report", "bi-megaphone", 2),
            menu.Entry(section, _("事故统计"), "accidents:statistics", "accidents.view", "bi-bar-chart", 3, territorial=True),
            menu.Entry(section, _("控制指标"), "accidents:targets", "accidents.view", "bi-speedometer2", 4, territorial=True),
            menu.Entry(section, _("事故月报"), "accidents:reports", "accidents.view", "bi-file-earmark-word", 5,
                       territorial=True),
            menu.Entry(section, _("历史事故导入"), "accidents:import", "accidents.import", "bi-upload", 6),
        ]:
            menu.register(entry)
        from anjian.accidents import exports, imports, monthly  # noqa: F401  (register the export, the import and the report job)
        from anjian.accidents.risk_factors import FACTOR
        from anjian.enterprises.risk import register_factor

        register_factor(FACTOR)  # counted into the enterprise risk colour
        from anjian.accidents.follow import FOLLOWER as FOLLOW
        from anjian.enterprises.follow import register_follower

        register_follower(FOLLOW)  # accidents under investigation follow a moved enterprise
        from anjian.accidents.rollup import CODE, accident_rollup_refresh
        from anjian.core.rollups import register_rollup

        register_rollup(CODE, accident_rollup_refresh)  # refreshed by the hourly statistics job with the hazards'
