from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridsConfig(AppConfig):
    name = "anjian.grids"
    label = "grids"
    verbose_name = _("网格化管理")

    def ready(self) -> None:
        from anjian.accounts.actions import register

        for code, label in [
            ("grids.view", _("查看网格、巡查任务与覆盖率")),
            ("grids.manage", _("管理网格人员")),
            ("grids.plan", _("生成巡查计划")),
            ("grids.patrol", _("网格巡查签到与记录")),
            ("grids.reassign", _("全市企业网格重新归属")),
        ]:
            register(code, label, _("网格"))
        from anjian.core.menu import Entry
        from anjian.core.menu import register as menu_register

        menu_register(Entry(_("三、隐患排查与监测"), _("我的巡查"), "grids:tasks", "grids.patrol", "bi-phone", 10))
        menu_register(Entry(_("三、隐患排查与监测"), _("网格巡查覆盖"), "grids:coverage", "grids.view",
                            "bi-grid-3x3", 11))
        menu_register(Entry(_("三、隐患排查与监测"), _("网格"), "grids:list", "grids.view", "bi-bounding-box", 12))
        from anjian.enterprises.follow import register_follower
        from anjian.grids import services  # noqa: F401 - registers the due kind and the job handler
        from anjian.grids.follow import FOLLOWER

        register_follower(FOLLOWER)  # open patrol tasks follow a moved enterprise into its new grid
