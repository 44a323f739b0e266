from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicReportsConfig(AppConfig):
    name = "anjian.public_reports"
    label = "public_reports"
    verbose_name = _("举报受理与奖励")

    def ready(self) -> None:
        from anjian.accounts.actions import register
        from anjian.core.menu import Entry
        from anjian.core.menu import register as menu_register

        for code, label in [
            ("public_reports.view", _("查看举报")),
            ("public_reports.triage", _("受理、合并、交办、答复举报")),
            ("public_reports.handle", _("核查办理举报")),
            ("public_reports.verify", _("核实举报")),
            ("public_reports.reward", _("举报奖励审批与发放")),
            ("public_reports.identity", _("查看举报人身份（保密）")),
            ("public_reports.hotline", _("热线录入举报")),
            ("public_reports.lookup", _("说明理由后调阅举报（热线班长）")),
        ]:
            register(code, label, _("举报"))
        menu_register(Entry(_("三、隐患排查与监测"), _("举报受理"), "public_reports:inbox", "public_reports.view",
                            "bi-megaphone", 30))
        menu_register(Entry(_("三、隐患排查与监测"), _("热线录入"), "public_reports:hotline", "public_reports.hotline",
                            "bi-telephone", 31))
        menu_register(Entry(_("三、隐患排查与监测"), _("调阅举报"), "public_reports:lookup", "public_reports.lookup",
                            "bi-search", 31))
        menu_register(Entry(_("三、隐患排查与监测"), _("举报统计"), "public_reports:stats", "public_reports.view",
                            "bi-bar-chart", 32))
        menu_register(Entry(_("设置"), _("举报奖励标准"), "public_reports:policies",
                            "public_reports.reward", "bi-cash-coin", 2))
        from anjian.enterprises.follow import register_follower
        from anjian.public_reports import workflow  # noqa: F401 - registers the due-item kinds
        from anjian.public_reports.follow import FOLLOWER

        register_follower(FOLLOWER)  # reports in progress follow a moved enterprise
        # last: the export's filter form needs the actions registered above
        from anjian.public_reports import exports  # noqa: F401 - registers the list's export (large ones run as a job)
