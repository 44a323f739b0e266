"""Major hazard sources (GB 18218-2018), sensors, readings and alarms.

Every model is scoped through its enterprise's territory, sector, department and the enterprise
itself, the way ``enterprises.Licence`` is. ``Reading`` is the high-volume table: append-only,
BigAutoField, one (sensor, ts) unique index that both serves range queries and rejects duplicates.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anjian.audit.history import HistoryBase
from anjian.core.scoping import RestrictedQuerySet, ScopeSpec

ENTERPRISE_SCOPE = ScopeSpec(
    territory="enterprise__jurisdiction",
    sector="enterprise__sector",
    department="enterprise__department",
    enterprise="enterprise",
)


class UnitKind(models.TextChoices):
    PRODUCTION = "production", _("生产单元")
    STORAGE = "storage", _("储存单元")


class HazardSource(models.Model):
    """One production or storage unit assessed under GB 18218-2018 (重大危险源辨识与分级)."""

    SCOPE = ENTERPRISE_SCOPE

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="hazard_sources"
    )
    name = models.CharField(_("单元名称"), max_length=200)
    unit_kind = models.CharField(_("单元类型"), max_length=12, choices=UnitKind.choices)
    boundary = models.TextField(_("单元边界描述"), blank=True)
    exposed_population = models.PositiveIntegerField(_("厂区边界外500米范围内常住人口"), default=0)
    s = models.FloatField(_("S（Σq/Q）"), default=0)
    is_major = models.BooleanField(_("构成重大危险源"), default=False)
    r = models.FloatField(_("R"), null=True, blank=True)
    alpha = models.DecimalField(_("α"), max_digits=4, decimal_places=1, default=1)
    grade = models.PositiveSmallIntegerField(_("级别"), null=True, blank=True)
    grade_label = models.CharField(_("级别名称"), max_length=10, blank=True)
    explanation = models.JSONField(_("辨识分级说明"), default=list, blank=True)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    assessed_on = models.DateField(_("评估日期"))
    next_reassessment_due = models.DateField(_("下次评估期限"))
    retired = models.BooleanField(_("已核销"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("重大危险源")
        verbose_name_plural = _("重大危险源")
        ordering = ["-id"]
        indexes = [models.Index(fields=["enterprise", "id"], name="mon_src_ent_id")]

    def __str__(self) -> str:
        return f"{self.enterprise.name} {self.name}" if self.enterprise_id else self.name

    @property
    def grade_colour(self) -> str:
        """一级 red, 二级 orange, 三级 yellow, 四级 blue (the fixed risk colours)."""
        return {1: "red", 2: "orange", 3: "yellow", 4: "blue"}.get(self.grade or 0, "")


class HazardSubstance(models.Model):
    """A substance (or hazard class) held in a unit, with its maximum quantity in tonnes."""

    SCOPE = ScopeSpec(
        territory="source__enterprise__jurisdiction",
        sector="source__enterprise__sector",
        department="source__enterprise__department",
        enterprise="source__enterprise",
    )

    source = models.ForeignKey(HazardSource, verbose_name=_("重大危险源"), on_delete=models.CASCADE, related_name="substances")
    name = models.CharField(_("物质名称或危险性类别"), max_length=100)
    cas = models.CharField(_("CAS号"), max_length=20, blank=True)
    quantity_t = models.DecimalField(_("最大存在量（吨）"), max_digits=14, decimal_places=4)
    hazard_classes = models.CharField(_("危险性类别"), max_length=60, blank=True)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("危险物质")
        verbose_name_plural = _("危险物质")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} {self.quantity_t} t"


class SensorKind(models.TextChoices):
    COMBUSTIBLE_GAS = "combustible_gas", _("可燃气体")
    TOXIC_GAS = "toxic_gas", _("有毒气体")
    TEMPERATURE = "temperature", _("温度")
    PRESSURE = "pressure", _("压力")
    LIQUID_LEVEL = "liquid_level", _("液位")
    FLOW = "flow", _("流量")
    OTHER = "other", _("其他")


DEFAULT_UNITS = {
    SensorKind.COMBUSTIBLE_GAS: "%LEL",
    SensorKind.TOXIC_GAS: "ppm",
    SensorKind.TEMPERATURE: "℃",
    SensorKind.PRESSURE: "MPa",
    SensorKind.LIQUID_LEVEL: "m",
    SensorKind.FLOW: "m3/h",
}


class SensorState(models.TextChoices):
    NORMAL = "normal", _("正常")
    ALARM = "alarm", _("报警")
    OFFLINE = "offline", _("离线")
    UNKNOWN = "unknown", _("未上线")


class Sensor(models.Model):
    """A measuring point. Thresholds are optional; ``deadband`` is the hysteresis band and
    ``min_duration_s`` how long a crossing must last before an alarm is raised."""

    SCOPE = ENTERPRISE_SCOPE

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="sensors"
    )
    source = models.ForeignKey(
        HazardSource, verbose_name=_("重大危险源单元"), null=True, blank=True, on_delete=models.SET_NULL, related_name="sensors"
    )
    code = models.CharField(_("测点编码"), max_length=64, unique=True)
    name = models.CharField(_("测点名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=SensorKind.choices)
    unit = models.CharField(_("单位"), max_length=16)
    low = models.FloatField(_("低报阈值"), null=True, blank=True)
    high = models.FloatField(_("高报阈值"), null=True, blank=True)
    high_high = models.FloatField(_("高高报阈值"), null=True, blank=True)
    deadband = models.FloatField(_("回差"), default=0)
    min_duration_s = models.PositiveIntegerField(_("最短持续时间（秒）"), default=0)
    expected_interval_s = models.PositiveIntegerField(_("上报周期（秒）"), default=60)
    topic = models.CharField(_("MQTT主题"), max_length=200, blank=True)
    range_min = models.FloatField(_("量程下限"), null=True, blank=True)
    range_max = models.FloatField(_("量程上限"), null=True, blank=True)
    lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=SensorState.choices, default=SensorState.UNKNOWN)
    last_value = models.FloatField(_("最新值"), null=True, blank=True)
    last_ts = models.DateTimeField(_("最新读数时间"), null=True, blank=True)
    offline_after = models.DateTimeField(_("离线判定时间"), null=True, blank=True)
    eval_state = models.JSONField(_("判定状态"), default=dict, blank=True)
    enabled = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase], excluded_fields=["last_value", "last_ts", "offline_after", "eval_state", "state"]
    )

    class Meta:
        verbose_name = _("监测测点")
        verbose_name_plural = _("监测测点")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["enterprise", "code"], name="mon_sensor_ent"),
            # No index on the live columns the ingester rewrites every batch (last_ts, last_value,
            # offline_after, eval_state): on PostgreSQL those updates then stay HOT (same page, no
            # index writes; fillfactor 70, migration 0003). The offline check scans the table.
            models.Index(fields=["state"], name="mon_sensor_state"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["topic"], condition=~models.Q(topic=""), name="mon_sensor_topic_unique",
                violation_error_message=_("MQTT主题已被其他测点使用"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Reading(models.Model):
    """One measurement. Append-only: never updated, removed only by the retention job."""

    id = models.BigAutoField(primary_key=True)
    sensor = models.ForeignKey(Sensor, verbose_name=_("测点"), on_delete=models.CASCADE, related_name="+", db_index=False)
    ts = models.DateTimeField(_("时间"))
    value = models.FloatField(_("数值"))

    class Meta:
        verbose_name = _("监测数据")
        verbose_name_plural = _("监测数据")
        constraints = [
            models.UniqueConstraint(
                fields=["sensor", "ts"], name="mon_reading_sensor_ts", violation_error_message=_("同一测点同一时刻的读数重复")
            )
        ]

    def __str__(self) -> str:
        return f"{self.sensor_id}@{self.ts:%Y-%m-%d %H:%M:%S}={self.value}"


class RollupPeriod(models.TextChoices):
    MINUTE = "minute", _("分钟")
    HOUR = "hour", _("小时")


class ReadingRollup(models.Model):
    """Downsampled readings: min / max / mean / count per sensor and minute or hour bucket.

    Written only by ``readings_rollup`` (an upsert on (sensor, period, bucket), so re-running it is
    harmless); kept after the raw readings are removed by the retention job, and read by the
    sensor chart for days and weeks."""

    id = models.BigAutoField(primary_key=True)
    sensor = models.ForeignKey(Sensor, verbose_name=_("测点"), on_delete=models.CASCADE, related_name="+", db_index=False)
    period = models.CharField(_("粒度"), max_length=6, choices=RollupPeriod.choices)
    bucket = models.DateTimeField(_("时段起点"))
    min = models.FloatField(_("最小值"))
    max = models.FloatField(_("最大值"))
    avg = models.FloatField(_("平均值"))
    count = models.PositiveIntegerField(_("读数条数"))

    class Meta:
        verbose_name = _("监测数据汇总")
        verbose_name_plural = _("监测数据汇总")
        constraints = [
            models.UniqueConstraint(fields=["sensor", "period", "bucket"], name="mon_rollup_sensor_period_bucket")
        ]

    def __str__(self) -> str:
        return f"{self.sensor_id} {self.period} {self.bucket:%Y-%m-%d %H:%M}"


class RejectReason(models.TextChoices):
    UNKNOWN_SENSOR = "unknown_sensor", _("未知测点")
    UNIT_MISMATCH = "unit_mismatch", _("单位不符")
    OUT_OF_RANGE = "out_of_range", _("超出量程")
    CLOCK_SKEW = "clock_skew", _("时钟偏差")
    DUPLICATE = "duplicate", _("重复读数")
    MALFORMED = "malformed", _("格式错误")


class IngestCounter(models.Model):
    """Rejected readings per day and reason (incremented with ``F()``)."""

    day = models.DateField(_("日期"))
    reason = models.CharField(_("原因"), max_length=20, choices=RejectReason.choices)
    count = models.BigIntegerField(_("条数"), default=0)

    class Meta:
        verbose_name = _("接入校验计数")
        verbose_name_plural = _("接入校验计数")
        constraints = [models.UniqueConstraint(fields=["day", "reason"], name="mon_ingest_counter_day_reason")]

    def __str__(self) -> str:
        return f"{self.day} {self.reason} {self.count}"


class AlarmKind(models.TextChoices):
    LOW = "low", _("低报")
    HIGH = "high", _("高报")
    HIGH_HIGH = "high_high", _("高高报")
    OFFLINE = "offline", _("离线")
    # Alarms about a subject other than a sensor (``Alarm.subject``): raised by another app through
    # ``services.alarm_raise_for`` — the vehicles app's geofence and speed checks.
    NO_GO = "no_go", _("驶入禁行区域")
    OFF_ROUTE = "off_route", _("偏离核定线路")
    OFF_HOURS = "off_hours", _("非核定时段通行")
    SPEEDING = "speeding", _("超速")


class AlarmStatus(models.TextChoices):
    NEW = "new", _("待确认")
    ACKNOWLEDGED = "acknowledged", _("已确认")
    HANDLED = "handled", _("已处置")
    CLOSED = "closed", _("已关闭")


class Alarm(models.Model):
    """One alarm: raised by the evaluator or the offline check, deduplicated while active.

    ``active`` is the condition (cleared when the value is back in range or the sensor reports
    again); ``status`` is the people's side (acknowledge, handle, close).

    An alarm names a sensor, or — raised by another app through ``services.alarm_raise_for`` — a
    *subject* (a vehicle): ``subject`` is its label, ``subject_url`` its page and ``subject_key``
    the deduplication key (at most one active alarm per key, e.g. ``vehicle:12:speeding``). Both
    kinds share the workflow, the inbox to-dos, the audit trail and the pages."""

    SCOPE = ENTERPRISE_SCOPE

    sensor = models.ForeignKey(
        Sensor, verbose_name=_("测点"), on_delete=models.CASCADE, related_name="alarms", null=True, blank=True
    )
    subject = models.CharField(_("报警对象"), max_length=200, blank=True)
    subject_url = models.CharField(_("报警对象页面"), max_length=200, blank=True)
    subject_key = models.CharField(_("去重键"), max_length=100, blank=True)
    unit = models.CharField(_("单位"), max_length=16, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("报警类型"), max_length=10, choices=AlarmKind.choices)
    status = models.CharField(_("处置状态"), max_length=12, choices=AlarmStatus.choices, default=AlarmStatus.NEW)
    active = models.BooleanField(_("报警持续中"), default=True)
    raised_at = models.DateTimeField(_("报警时间"))
    cleared_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    value = models.FloatField(_("报警值"), null=True, blank=True)
    peak = models.FloatField(_("峰值"), null=True, blank=True)
    threshold = models.FloatField(_("阈值"), null=True, blank=True)
    created_at = models.DateTimeField(_("入库时间"), default=timezone.now)
    false_alarm = models.BooleanField(_("误报"), default=False)
    false_reason = models.CharField(_("误报原因"), max_length=200, blank=True)
    real = models.BooleanField(_("确认为真实险情"), default=False)
    hazard_ref = models.CharField(_("关联隐患"), max_length=64, blank=True)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase], excluded_fields=["peak"])

    class Meta:
        verbose_name = _("报警")
        verbose_name_plural = _("报警")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sensor"], condition=models.Q(active=True) & ~models.Q(kind="offline"),
                name="mon_alarm_one_active_value_alarm", violation_error_message=_("该测点已有持续中的超限报警"),
            ),
            models.UniqueConstraint(
                fields=["sensor"], condition=models.Q(active=True, kind="offline"),
                name="mon_alarm_one_active_offline", violation_error_message=_("该测点已有持续中的离线报警"),
            ),
            models.UniqueConstraint(
                fields=["subject_key"], condition=models.Q(active=True) & ~models.Q(subject_key=""),
                name="mon_alarm_one_active_per_subject", violation_error_message=_("该对象已有持续中的同类报警"),
            ),
            models.CheckConstraint(
                condition=models.Q(sensor__isnull=False) | ~models.Q(subject=""), name="mon_alarm_sensor_or_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["enterprise", "raised_at"], name="mon_alarm_ent_time"),
            models.Index(fields=["sensor", "raised_at"], name="mon_alarm_sensor_time"),
            models.Index(fields=["status", "raised_at"], name="mon_alarm_status_time"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_code} {self.get_kind_display()} {timezone.localtime(self.raised_at):%Y-%m-%d %H:%M}"

    @property
    def subject_code(self) -> str:
        """The sensor's code, or the subject's label (a vehicle's plate)."""
        return self.sensor.code if self.sensor_id else self.subject

    @property
    def subject_name(self) -> str:
        return self.sensor.name if self.sensor_id else self.subject

    @property
    def value_unit(self) -> str:
        return self.sensor.unit if self.sensor_id else self.unit
