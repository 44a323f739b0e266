"""两客一危 vehicles (plan item 23): vehicles with their carrier, cargo and permits, their positions,
and geofences (no-go areas and permitted routes with time windows, speed-limit zones).

``Vehicle`` is scoped through its carrier (an ``enterprises.Enterprise``) like monitoring's sensors
are through theirs; ``Geofence`` through its jurisdiction. ``Position`` is the high-volume table:
append-only, BigAutoField, one (vehicle, ts) unique index serving tracks and rejecting duplicates;
the latest position is kept on the vehicle row (the live map reads only that).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anjian.audit.history import HistoryBase
from anjian.core.scoping import RestrictedQuerySet, ScopeSpec

CARRIER_SCOPE = ScopeSpec(
    territory="carrier__jurisdiction",
    sector="carrier__sector",
    department="carrier__department",
    enterprise="carrier",
)


class VehicleKind(models.TextChoices):
    HAZMAT = "hazmat", _("危险货物运输车辆")
    COACH = "coach", _("旅游包车")
    BUS = "bus", _("三类以上班线客车")


class CargoClass(models.TextChoices):
    """GB 6944-2012 classes of dangerous goods."""

    C1 = "1", _("第1类 爆炸品")
    C2 = "2", _("第2类 气体")
    C3 = "3", _("第3类 易燃液体")
    C4 = "4", _("第4类 易燃固体、易于自燃的物质、遇水放出易燃气体的物质")
    C5 = "5", _("第5类 氧化性物质和有机过氧化物")
    C6 = "6", _("第6类 毒性物质和感染性物质")
    C7 = "7", _("第7类 放射性物质")
    C8 = "8", _("第8类 腐蚀性物质")
    C9 = "9", _("第9类 杂项危险物质和物品")


class Vehicle(models.Model):
    SCOPE = CARRIER_SCOPE

    plate = models.CharField(_("车牌号"), max_length=16, unique=True)
    kind = models.CharField(_("车辆类型"), max_length=8, choices=VehicleKind.choices)
    carrier = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("运输企业"), on_delete=models.PROTECT, related_name="vehicles"
    )
    cargo_class = models.CharField(_("危险货物类别"), max_length=2, choices=CargoClass.choices, blank=True)
    un_number = models.CharField(_("联合国编号"), max_length=4, blank=True)
    cargo_name = models.CharField(_("货物名称"), max_length=100, blank=True)
    seats = models.PositiveSmallIntegerField(_("核定载客"), null=True, blank=True)
    device_id = models.CharField(_("车载终端编号"), max_length=32, unique=True)
    route = models.ForeignKey(
        "vehicles.Geofence", verbose_name=_("核定线路"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="vehicles",
    )
    enabled = models.BooleanField(_("启用"), default=True)
    # the latest position (written by the ingester, not tracked in history)
    last_ts = models.DateTimeField(_("最新定位时间"), null=True, blank=True)
    last_lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    last_lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)
    last_speed = models.FloatField(_("速度（公里/小时）"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase], excluded_fields=["last_ts", "last_lng", "last_lat", "last_speed"])

    class Meta:
        verbose_name = _("两客一危车辆")
        verbose_name_plural = _("两客一危车辆")
        ordering = ["plate"]
        indexes = [models.Index(fields=["carrier", "plate"], name="veh_vehicle_carrier")]

    def __str__(self) -> str:
        return self.plate


class PermitKind(models.TextChoices):
    TRANSPORT = "transport", _("道路运输证")
    HAZMAT = "hazmat", _("危险货物道路运输许可")
    PASS = "pass", _("危险货物通行证")
    OPERATION = "operation", _("客运线路（包车）标志牌")


class Permit(models.Model):
    SCOPE = ScopeSpec(
        territory="vehicle__carrier__jurisdiction",
        sector="vehicle__carrier__sector",
        department="vehicle__carrier__department",
        enterprise="vehicle__carrier",
    )

    vehicle = models.ForeignKey(Vehicle, verbose_name=_("车辆"), on_delete=models.CASCADE, related_name="permits")
    kind = models.CharField(_("证件类型"), max_length=10, choices=PermitKind.choices)
    number = models.CharField(_("证件编号"), max_length=64)
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("车辆证件")
        verbose_name_plural = _("车辆证件")
        ordering = ["vehicle", "kind", "-valid_until"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Position(models.Model):
    """One GNSS fix. Append-only: never updated."""

    id = models.BigAutoField(primary_key=True)
    vehicle = models.ForeignKey(Vehicle, verbose_name=_("车辆"), on_delete=models.CASCADE, related_name="+", db_index=False)
    ts = models.DateTimeField(_("定位时间"))
    lng = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    speed = models.FloatField(_("速度（公里/小时）"))

    class Meta:
        verbose_name = _("车辆定位")
        verbose_name_plural = _("车辆定位")
        constraints = [
            models.UniqueConstraint(
                fields=["vehicle", "ts"], name="veh_position_vehicle_ts",
                violation_error_message=_("同一车辆同一时刻的定位重复"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.vehicle_id}@{self.ts:%Y-%m-%d %H:%M:%S}"


class GeofenceKind(models.TextChoices):
    NO_GO = "no_go", _("禁行区域")
    ROUTE = "route", _("核定线路")
    SPEED = "speed", _("限速区域")


class Geofence(models.Model):
    """A no-go area (polygon, forbidden during its windows or always), a permitted route (a line
    with a corridor width, or a polygon; allowed during its windows or always) or a speed-limit
    zone. ``geometry`` is GeoJSON in WGS-84; the bounding box is stored for the index."""

    SCOPE = ScopeSpec(territory="jurisdiction")

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=8, choices=GeofenceKind.choices)
    jurisdiction = models.ForeignKey(
        "orgs.Jurisdiction", verbose_name=_("所属辖区"), on_delete=models.PROTECT, related_name="+"
    )
    geometry = models.JSONField(_("范围"))
    corridor_m = models.PositiveIntegerField(_("线路走廊宽度（米）"), default=200)
    windows = models.JSONField(_("时段"), default=list, blank=True)
    vehicle_kinds = models.JSONField(_("适用车辆类型"), default=list, blank=True)
    speed_limit_kmh = models.FloatField(_("限速（公里/小时）"), null=True, blank=True)
    enabled = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("电子围栏")
        verbose_name_plural = _("电子围栏")
        ordering = ["kind", "name"]
        indexes = [models.Index(fields=["jurisdiction", "kind"], name="veh_fence_jur_kind")]

    def __str__(self) -> str:
        return self.name


class VehicleAlarm(models.Model):
    """Where and about which geofence a vehicle's alarm was raised. The alarm itself is a
    ``monitoring.Alarm`` (one lifecycle for all alarms, docs/vehicles.md)."""

    SCOPE = CARRIER_SCOPE

    alarm = models.OneToOneField("monitoring.Alarm", verbose_name=_("报警"), on_delete=models.CASCADE, related_name="vehicle_link")
    vehicle = models.ForeignKey(Vehicle, verbose_name=_("车辆"), on_delete=models.CASCADE, related_name="alarm_links")
    carrier = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("运输企业"), on_delete=models.CASCADE, related_name="+"
    )
    geofence = models.ForeignKey(
        Geofence, verbose_name=_("电子围栏"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lng = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("车辆报警")
        verbose_name_plural = _("车辆报警")
        indexes = [models.Index(fields=["vehicle", "alarm"], name="veh_alarm_vehicle")]

    def __str__(self) -> str:
        return f"{self.vehicle_id} {self.alarm_id}"
