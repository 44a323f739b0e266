from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VehiclesConfig(AppConfig):
    name = "anjian.vehicles"
    label = "vehicles"
    verbose_name = _("两客一危车辆")

    def ready(self) -> None:
        from anjian.accounts.actions import register as register_action
        from anjian.core.maplayers import MapLayer
        from anjian.core.maplayers import register as register_layer
        from anjian.core.menu import Entry
        from anjian.core.menu import register as register_menu
        from anjian.vehicles.selectors import cockpit_layer

        group = _("两客一危车辆")
        for code, label in [
            ("vehicles.view", _("查看两客一危车辆、定位与轨迹")),
            ("vehicles.change", _("登记车辆与证件、上报定位")),
            ("vehicles.manage", _("设置电子围栏与核定线路")),
        ]:
            register_action(code, label, group)
        section = _("五、投入与机制")
        for entry in [
            Entry(section, _("车辆监控地图"), "vehicles:map", "vehicles.view", "bi-truck", 46),
            Entry(section, _("两客一危车辆"), "vehicles:list", "vehicles.view", "bi-truck-front", 47),
            Entry(section, _("电子围栏"), "vehicles:geofences", "vehicles.view", "bi-bounding-box", 48),
        ]:
            register_menu(entry)
        # the cockpit's map shows where the vehicles are (the dashboard does not know this app)
        register_layer(MapLayer(code="vehicles", label=_("两客一危车辆"), action="vehicles.view", points=cockpit_layer,
                                order=60, colour="#6f42c1", on=False))
