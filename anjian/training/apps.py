from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "anjian.training"
    label = "training"
    verbose_name = _("宣传培训")

    def ready(self) -> None:
        from anjian.accounts.actions import register
        from anjian.core.menu import Entry
        from anjian.core.menu import register as menu_register
        from anjian.training import exports, services  # noqa: F401 - registers the records export, due kinds and verbs

        group = _("宣传培训")
        for code, label in [
            ("training.view", _("查看培训、证书与宣传活动")),
            ("training.manage", _("组织培训班次、登记人员与成绩")),
            ("training.certify", _("登记人员证书")),
            ("training.plan", _("制定全员培训规划")),
            ("training.publicity", _("登记宣传活动")),
        ]:
            register(code, label, group)
        section = _("六、宣传培训")
        for entry in [
            Entry(section, _("培训班次"), "training:sessions", "training.view", "bi-easel", 10),
            Entry(section, _("课程目录"), "training:courses", "training.view", "bi-journal-text", 10),
            Entry(section, _("培训人员与学时"), "training:trainees", "training.view", "bi-people", 11),
            Entry(section, _("人员证书"), "training:certificates", "training.view", "bi-award", 12),
            Entry(section, _("全员培训规划"), "training:plans", "training.plan", "bi-calendar-range", 13, territorial=True),
            Entry(section, _("宣传活动"), "training:activities", "training.view", "bi-megaphone", 14),
        ]:
            menu_register(entry)
