"""Safety training and publicity (plan section 六): trainees, sessions with phone sign-in,
attendance hours and exam scores, personal certificates (built on the enterprise's licences and
their expiry to-dos), the multi-year training plan, and publicity activities."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anjian.audit.history import HistoryBase
from anjian.core.scoping import RestrictedQuerySet, ScopeSpec


def _by() -> models.ForeignKey:
    return models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")


class TraineeRole(models.TextChoices):
    PRINCIPAL = "principal", _("主要负责人")
    SAFETY_MANAGER = "safety_manager", _("安全生产管理人员")
    WORKER = "worker", _("从业人员")
    OTHER = "other", _("其他")


class Group(models.TextChoices):
    OFFICIAL = "official", _("政府部门领导干部和工作人员")
    ENTERPRISE_KEY = "enterprise_key", _("生产经营单位重点人群")
    WORKER = "worker", _("企业从业人员")
    STUDENT = "student", _("在校学生")
    RESIDENT = "resident", _("社区居民")


class Trainee(models.Model):
    """A person who is trained: an enterprise's principal, safety manager or worker, an official,
    a student or a resident. ``jurisdiction`` is where the person belongs (the enterprise's place
    for its staff)."""

    SCOPE = ScopeSpec(territory="jurisdiction", sector="enterprise__sector", department="enterprise__department",
                      enterprise="enterprise")

    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("所在企业"), null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="+")
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("所在辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    role = models.CharField(_("岗位"), max_length=20, choices=TraineeRole.choices, default=TraineeRole.WORKER)
    group = models.CharField(_("人群类别"), max_length=20, choices=Group.choices, default=Group.WORKER)
    high_risk = models.BooleanField(_("高危行业"), default=False,
                                    help_text=_("煤矿、非煤矿山、危险化学品、烟花爆竹、金属冶炼"))
    started_on = models.DateField(_("上岗/任职日期"), null=True, blank=True)
    created_by = _by()
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("培训人员")
        verbose_name_plural = _("培训人员")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["phone"], name="training_trainee_phone")]

    def __str__(self) -> str:
        return self.name


def _code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


class Trainer(models.Model):
    """A trainer of the registry (师资库): a jurisdiction's, or an enterprise's own."""

    SCOPE = ScopeSpec(territory="jurisdiction", sector="enterprise__sector", enterprise="enterprise")

    name = models.CharField(_("姓名"), max_length=50)
    organisation = models.CharField(_("工作单位"), max_length=200, blank=True)
    title = models.CharField(_("职称/资格"), max_length=200, blank=True)
    subjects = models.CharField(_("擅长领域"), max_length=300, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("所属辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("所属企业"), null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="+")
    is_active = models.BooleanField(_("在库"), default=True)
    created_by = _by()
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("授课教师")
        verbose_name_plural = _("授课教师")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation}）" if self.organisation else self.name


class Course(models.Model):
    """A course of the catalogue (课程目录): subject, hours, target role and sector, trainer.
    Sessions are opened from a course and take its title, hours, audience and trainer."""

    SCOPE = ScopeSpec(territory="jurisdiction", sector="enterprise__sector", enterprise="enterprise")

    code = models.CharField(_("课程编号"), max_length=30, blank=True)
    title = models.CharField(_("课程名称"), max_length=200)
    subject = models.CharField(_("培训内容"), max_length=300)
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    role = models.CharField(_("适用岗位"), max_length=20, choices=TraineeRole.choices, blank=True,
                            help_text=_("留空为不限岗位"))
    group = models.CharField(_("培训对象"), max_length=20, choices=Group.choices, default=Group.ENTERPRISE_KEY)
    high_risk = models.BooleanField(_("高危行业"), default=False,
                                    help_text=_("煤矿、非煤矿山、危险化学品、烟花爆竹、金属冶炼"))
    sector = models.ForeignKey("orgs.Sector", verbose_name=_("适用行业"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    refresher = models.BooleanField(_("再培训"), default=False)
    trainer = models.ForeignKey(Trainer, verbose_name=_("授课教师"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="courses")
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("所属辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("所属企业"), null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="+")
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = _by()
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("培训课程")
        verbose_name_plural = _("培训课程")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return f"{self.title}（{self.hours} 学时）"


class TrainingSession(models.Model):
    """One training class: organised by a jurisdiction's office (optionally for a department,
    whose people then see it), or by an enterprise for its staff (which its sector's regulator
    also sees). Opened from a catalogue course, whose title, hours and trainer it copies."""

    SCOPE = ScopeSpec(territory="jurisdiction", sector="enterprise__sector", department="department",
                      enterprise="enterprise")

    course = models.ForeignKey(Course, verbose_name=_("课程目录"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="sessions")
    title = models.CharField(_("培训课程"), max_length=200)
    group = models.CharField(_("培训对象"), max_length=20, choices=Group.choices, default=Group.ENTERPRISE_KEY)
    refresher = models.BooleanField(_("再培训"), default=False)
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    trainer = models.CharField(_("授课教师"), max_length=100, blank=True)
    teacher = models.ForeignKey(Trainer, verbose_name=_("师资库教师"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="sessions")
    place = models.CharField(_("培训地点"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("组织辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("组织企业"), null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey("orgs.Department", verbose_name=_("主办部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   help_text=_("政府组织的行业培训填写，该部门人员可查看"))
    has_exam = models.BooleanField(_("考试"), default=False)
    pass_score = models.PositiveIntegerField(_("合格分数"), default=60)
    sign_code = models.CharField(_("签到码"), max_length=6, default=_code, unique=True)
    closed_at = models.DateTimeField(_("结班时间"), null=True, blank=True)
    created_by = _by()
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("培训班次")
        verbose_name_plural = _("培训班次")
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def sign_in_open(self, at=None) -> bool:  # type: ignore[no-untyped-def]
        """Sign-in opens 30 minutes before the start and closes at the end."""
        at = at or timezone.now()
        return self.starts_at - timezone.timedelta(minutes=30) <= at <= self.ends_at


class Attendance(models.Model):
    """A trainee enrolled in a session; signed in (phone or roll call), with hours and score."""

    SCOPE = ScopeSpec(territory="trainee__jurisdiction", sector="trainee__enterprise__sector",
                      department="trainee__enterprise__department", enterprise="trainee__enterprise")

    session = models.ForeignKey(TrainingSession, verbose_name=_("培训班次"), on_delete=models.CASCADE,
                                related_name="attendances")
    trainee = models.ForeignKey(Trainee, verbose_name=_("培训人员"), on_delete=models.CASCADE, related_name="attendances")
    signed_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    signed_by_phone = models.BooleanField(_("手机签到"), default=False)
    hours = models.DecimalField(_("获得学时"), max_digits=5, decimal_places=1, default=0)
    score = models.PositiveIntegerField(_("考试成绩"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训签到")
        verbose_name_plural = _("培训签到")
        ordering = ["session", "trainee__name"]
        constraints = [models.UniqueConstraint(fields=["session", "trainee"], name="training_attendance_once")]

    def __str__(self) -> str:
        return f"{self.session} {self.trainee}"

    @property
    def passed(self) -> bool | None:
        if self.score is None:
            return None
        return self.score >= self.session.pass_score


class CertificateKind(models.TextChoices):
    PRINCIPAL = "principal_cert", _("主要负责人安全生产知识和管理能力考核合格证")
    MANAGER = "manager_cert", _("安全生产管理人员考核合格证")
    SPECIAL_OPERATION = "special_operation", _("特种作业操作证")
    SPECIAL_EQUIPMENT = "special_equipment", _("特种设备作业人员证")


class PersonCertificate(models.Model):
    """A person's certificate. The certificate itself is the enterprise's licence row (its expiry
    to-do already exists); this adds the holder, the renewal application date and the 复审."""

    SCOPE = ScopeSpec(territory="trainee__jurisdiction", sector="trainee__enterprise__sector",
                      department="trainee__enterprise__department", enterprise="trainee__enterprise")

    trainee = models.ForeignKey(Trainee, verbose_name=_("持证人"), on_delete=models.CASCADE, related_name="certificates")
    licence = models.OneToOneField("enterprises.Licence", verbose_name=_("证照"), on_delete=models.CASCADE,
                                   related_name="+")
    kind = models.CharField(_("证书类型"), max_length=24, choices=CertificateKind.choices)
    issued_on = models.DateField(_("发证日期"))
    expires_on = models.DateField(_("有效期至"))
    renew_from = models.DateField(_("应申请延续日期"))
    next_review_on = models.DateField(_("下次复审日期"), null=True, blank=True)
    created_by = _by()
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员证书")
        verbose_name_plural = _("人员证书")
        ordering = ["expires_on", "id"]

    def __str__(self) -> str:
        return f"{self.trainee} {self.get_kind_display()}"


class TrainingPlan(models.Model):
    """The multi-year (3–5 years) plan to train officials, enterprise key people, students and
    residents (plan item 27)."""

    SCOPE = ScopeSpec(territory="jurisdiction")

    name = models.CharField(_("规划名称"), max_length=200)
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    start_year = models.PositiveIntegerField(_("起始年度"))
    end_year = models.PositiveIntegerField(_("截止年度"))
    created_by = _by()
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("全员培训规划")
        verbose_name_plural = _("全员培训规划")
        ordering = ["-start_year", "-id"]

    def __str__(self) -> str:
        return self.name


class PlanTarget(models.Model):
    SCOPE = ScopeSpec(territory="plan__jurisdiction")

    plan = models.ForeignKey(TrainingPlan, verbose_name=_("规划"), on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveIntegerField(_("年度"))
    group = models.CharField(_("人群类别"), max_length=20, choices=Group.choices)
    target = models.PositiveIntegerField(_("目标人数"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度培训目标")
        verbose_name_plural = _("年度培训目标")
        ordering = ["year", "group"]
        constraints = [models.UniqueConstraint(fields=["plan", "year", "group"], name="training_plan_target")]

    def __str__(self) -> str:
        return f"{self.plan} {self.year} {self.get_group_display()}"


class ActivityKind(models.TextChoices):
    SAFETY_MONTH = "safety_month", _("安全生产月")
    CONSULT_DAY = "consult_day", _("安全宣传咨询日")
    FIRE_DAY = "fire_day", _("消防日")
    DISASTER_DAY = "disaster_day", _("防灾减灾日")
    LECTURE = "lecture", _("讲座、论坛")
    CONTEST = "contest", _("知识竞赛")
    MEDIA = "media", _("媒体专栏与公益广告")
    OTHER = "other", _("其他")


class PublicityActivity(models.Model):
    """A publicity activity (宣传活动) with organiser, place, reach and materials."""

    SCOPE = ScopeSpec(territory="jurisdiction")

    kind = models.CharField(_("活动类型"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("活动名称"), max_length=200)
    organiser = models.CharField(_("主办单位"), max_length=200)
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    place = models.CharField(_("地点"), max_length=200)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    reach = models.PositiveIntegerField(_("受众人次"), default=0)
    materials = models.PositiveIntegerField(_("发放资料（份）"), default=0)
    description = models.TextField(_("活动内容"), blank=True)
    is_public = models.BooleanField(_("对外公布"), default=True)
    created_by = _by()
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("宣传活动")
        verbose_name_plural = _("宣传活动")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title
