from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergencyConfig(AppConfig):
    name = "anjian.emergency"
    label = "emergency"
    verbose_name = _("应急管理")

    def ready(self) -> None:
        from anjian.accidents.hooks import on_accident_graded
        from anjian.accounts.actions import register
        from anjian.core import menu
        from anjian.emergency import (
            services,
            workflow,  # noqa: F401 - registers the due-item kinds
        )
        from anjian.monitoring.hooks import on_alarm_level
        from anjian.orgs.selectors import MAP_ACTIONS

        # accidents and monitoring sit below emergency: they call these through their registries
        on_accident_graded(services.incident_for_accident)
        on_alarm_level(services.incident_for_alarm)
        MAP_ACTIONS["emergency"] = "emergency.view"  # the resource maps draw the territory of this action
        from anjian.documents.imports import FileImport, register_file_import

        def receive_cap(actor: Any, data: bytes, filename: str) -> dict[str, Any]:
            alert = services.alert_receive(actor=actor, data=data)
            return {"stored": True, "id": alert.pk, "identifier": alert.identifier, "headline": alert.headline_zh}

        # `anjian import cap FILE --as USERNAME`, in the import command family
        register_file_import(FileImport("cap", "CAP 预警", "CAP_MAX_BYTES", receive_cap))

        group = _("应急管理")
        for code, label in [
            ("emergency.view", _("查看应急管理信息")),
            ("emergency.plan", _("编制、公布应急预案并提交备案")),
            ("emergency.file", _("应急预案备案审查")),
            ("emergency.resource", _("管理救援队伍、专家、避难场所与应急物资")),
            ("emergency.drill", _("记录应急演练")),
            ("emergency.command", _("应急处置指挥")),
            ("emergency.alert", _("编写预警信息")),
            ("emergency.alert_approve", _("审核、发布预警信息")),
            ("emergency.alert_import", _("接收外部预警")),
            ("emergency.law", _("维护法律法规标准库")),
        ]:
            register(code, label, group)
        section = _("八、应急管理")
        for entry in [
            menu.Entry(section, _("应急预案"), "emergency:plans", "emergency.view", "bi-journal-text", 1),
            menu.Entry(section, _("应急演练"), "emergency:drills", "emergency.view", "bi-people", 2),
            menu.Entry(section, _("演练义务"), "emergency:obligations", "emergency.view", "bi-calendar-check", 3),
            menu.Entry(section, _("救援队伍"), "emergency:teams", "emergency.view", "bi-shield-plus", 4),
            menu.Entry(section, _("应急物资"), "emergency:warehouses", "emergency.view", "bi-box-seam", 5),
            menu.Entry(section, _("应急处置"), "emergency:incidents", "emergency.view", "bi-broadcast", 6),
            menu.Entry(section, _("预警信息"), "emergency:alerts", "emergency.view", "bi-bell", 7),
            menu.Entry(section, _("应急资源地图"), "emergency:map", "emergency.view", "bi-geo-alt", 8),
            menu.Entry(section, _("值班表"), "emergency:duty", "emergency.view", "bi-telephone", 9),
            menu.Entry(section, _("法律法规标准库"), "emergency:laws", "emergency.view", "bi-book", 10),
        ]:
            menu.register(entry)
