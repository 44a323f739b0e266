"""The safety committee's work (安委会, plan items 5–6, 8–10, 19): member units and their people,
meetings with sign-in, minutes and decisions, supervision cases (督办: a leader's instruction, a
meeting decision, key supervision, an interview's follow-up, an accident's supervision) split into
tasks for units, notices (通报) with read receipts, and interviews (约谈).

Who sees what: a case, a meeting, a notice or an interview belongs to the committee's territory
(``jurisdiction``; its office's users see it); a task belongs to the unit that must act (a
district is a jurisdiction, a bureau a department), and so does a notice's receipt. Units see the
cases and notices that reach them through their tasks and receipts (``selectors``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anjian.audit.history import HistoryBase
from anjian.core.scoping import RestrictedQuerySet, ScopeSpec


class MemberRole(models.TextChoices):
    LEAD = "lead", _("主任/副主任单位")
    MEMBER = "member", _("成员单位")


class MemberUnit(models.Model):
    """A department's seat on a committee, with its representative and liaison (history kept)."""

    SCOPE = ScopeSpec(territory="jurisdiction", department="department")

    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("安委会所属辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    department = models.ForeignKey("orgs.Department", verbose_name=_("成员单位"), on_delete=models.PROTECT,
                                   related_name="committee_seats")
    role = models.CharField(_("身份"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    representative = models.CharField(_("安委会成员"), max_length=50, blank=True)
    representative_post = models.CharField(_("成员职务"), max_length=60, blank=True)
    liaison = models.CharField(_("联络员"), max_length=50, blank=True)
    liaison_phone = models.CharField(_("联络员电话"), max_length=30, blank=True)
    joined_on = models.DateField(_("加入日期"), default=timezone.localdate)
    left_on = models.DateField(_("退出日期"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("安委会成员单位")
        verbose_name_plural = _("安委会成员单位")
        ordering = ["jurisdiction__path", "role", "department__name"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "department"], name="committee_member_unique")]

    def __str__(self) -> str:
        return self.department.name


class MeetingKind(models.TextChoices):
    QUARTERLY = "quarterly", _("季度防范重特大事故工作会议")
    SPECIAL = "special", _("专项工作会议")
    MEMBER = "member", _("成员单位会议")
    LIAISON = "liaison", _("联络员会议")
    ONSITE = "onsite", _("现场会")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("待召开")
    HELD = "held", _("已召开待纪要")
    MINUTED = "minuted", _("已印发纪要")


class Meeting(models.Model):
    SCOPE = ScopeSpec(territory="jurisdiction")

    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("安委会所属辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    kind = models.CharField(_("会议类型"), max_length=12, choices=MeetingKind.choices)
    title = models.CharField(_("会议名称"), max_length=200)
    held_at = models.DateTimeField(_("召开时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    chair = models.CharField(_("主持人"), max_length=50, blank=True)
    agenda = models.TextField(_("议程"), blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    minutes_number = models.CharField(_("纪要文号"), max_length=60, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    invited = models.ManyToManyField("orgs.Department", verbose_name=_("参会单位"), blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase], m2m_fields=[invited])

    class Meta:
        verbose_name = _("安委会会议")
        verbose_name_plural = _("安委会会议")
        ordering = ["-held_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """One sign-in (签到) at a meeting: a person, for a unit, at a time (on a phone)."""

    SCOPE = ScopeSpec(territory="meeting__jurisdiction", creator="user")

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="attendance")
    department = models.ForeignKey("orgs.Department", verbose_name=_("单位"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("账号"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    signed_at = models.DateTimeField(_("签到时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("会议签到")
        verbose_name_plural = _("会议签到")
        ordering = ["signed_at", "id"]

    def __str__(self) -> str:
        return self.name


class CaseSource(models.TextChoices):
    INSTRUCTION = "instruction", _("领导批示")
    DECISION = "decision", _("会议决定事项")
    KEY = "key", _("重点督查督办")
    INTERVIEW = "interview", _("约谈整改跟踪")
    ACCIDENT = "accident", _("事故督办")
    VISIT = "visit", _("督导发现问题")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("督办中")
    CLOSED = "closed", _("已办结")


class Case(models.Model):
    """A supervised matter (督办事项), split into tasks for units, closed by its issuer."""

    SCOPE = ScopeSpec(territory="jurisdiction", department="issuer_department")

    source = models.CharField(_("来源"), max_length=12, choices=CaseSource.choices)
    number = models.CharField(_("督办文号"), max_length=60, blank=True)
    title = models.CharField(_("督办事项"), max_length=200)
    content = models.TextField(_("批示/决定内容"))
    leader = models.CharField(_("批示领导"), max_length=50, blank=True)
    instructed_on = models.DateField(_("批示/决定日期"), default=timezone.localdate)
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("督办辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    issuer_department = models.ForeignKey("orgs.Department", verbose_name=_("督办单位"), null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="decisions")
    interview = models.ForeignKey("Interview", verbose_name=_("约谈"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="cases")
    source_ref = models.CharField(_("来源记录"), max_length=200, blank=True, help_text=_("如事故编号"))
    status = models.CharField(_("状态"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closing_note = models.TextField(_("办结意见"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", _("待办理")
    SUBMITTED = "submitted", _("已反馈待审核")
    CLOSED = "closed", _("已办结")


class Task(models.Model):
    """One unit's share of a case: requirement, deadline, read receipt, feedback, evidence."""

    SCOPE = ScopeSpec(territory="jurisdiction", department="department")

    case = models.ForeignKey(Case, verbose_name=_("督办事项"), on_delete=models.CASCADE, related_name="tasks")
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("承办辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    department = models.ForeignKey("orgs.Department", verbose_name=_("承办部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    requirement = models.TextField(_("办理要求"))
    deadline = models.DateField(_("办理期限"))
    status = models.CharField(_("状态"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED)
    read_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    feedback = models.TextField(_("办理情况"), blank=True)
    submitted_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    escalated = models.BooleanField(_("已升级督办"), default=False)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("督办任务")
        verbose_name_plural = _("督办任务")
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return f"{self.case.title} · {self.unit_name}"

    @property
    def unit_name(self) -> str:
        return self.department.name if self.department_id else self.jurisdiction.name

    @property
    def is_overdue(self) -> bool:
        return self.status == TaskStatus.ASSIGNED and self.deadline < timezone.localdate()

    @property
    def on_time(self) -> bool | None:
        """Answered by the deadline (None while nothing is answered and the deadline runs)."""
        if self.submitted_at is not None:
            return timezone.localtime(self.submitted_at).date() <= self.deadline
        return False if self.deadline < timezone.localdate() else None


class NoticeKind(models.TextChoices):
    CRITICISM = "criticism", _("通报批评")
    SITUATION = "situation", _("情况通报")
    COMMENDATION = "commendation", _("通报表扬")


class Notice(models.Model):
    """A 通报, numbered, sent to units that confirm reading it."""

    SCOPE = ScopeSpec(territory="jurisdiction")

    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("发文辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    kind = models.CharField(_("类型"), max_length=14, choices=NoticeKind.choices)
    number = models.CharField(_("文号"), max_length=60)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    issuer = models.CharField(_("发文机关"), max_length=100)
    issued_on = models.DateField(_("发文日期"), default=timezone.localdate)
    case = models.ForeignKey(Case, verbose_name=_("相关督办事项"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="notices")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.title


class NoticeReceipt(models.Model):
    SCOPE = ScopeSpec(territory="jurisdiction", department="department")

    notice = models.ForeignKey(Notice, verbose_name=_("通报"), on_delete=models.CASCADE, related_name="receipts")
    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("接收辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    department = models.ForeignKey("orgs.Department", verbose_name=_("接收部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("阅读人"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("通报接收")
        verbose_name_plural = _("通报接收")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.unit_name

    @property
    def unit_name(self) -> str:
        return self.department.name if self.department_id else self.jurisdiction.name


class Interview(models.Model):
    """A 约谈: who was interviewed, why, what they committed to, and when it is checked."""

    SCOPE = ScopeSpec(territory="jurisdiction")

    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("约谈辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    number = models.CharField(_("编号"), max_length=60, blank=True)
    target_jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("被约谈辖区"), on_delete=models.PROTECT,
                                            related_name="+")
    target_department = models.ForeignKey("orgs.Department", verbose_name=_("被约谈部门"), null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")
    interviewees = models.CharField(_("被约谈人"), max_length=300)
    interviewer = models.CharField(_("约谈人"), max_length=100)
    reason = models.TextField(_("约谈事由"))
    held_on = models.DateField(_("约谈日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    commitments = models.TextField(_("整改承诺"))
    follow_up_on = models.DateField(_("跟踪检查日期"))
    case = models.ForeignKey(Case, verbose_name=_("起因督办事项"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("约谈")
        verbose_name_plural = _("约谈")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.target_name} {self.held_on:%Y-%m-%d}"

    @property
    def target_name(self) -> str:
        return self.target_department.name if self.target_department_id else self.target_jurisdiction.name


class VisitFocus(models.TextChoices):
    SECTOR = "sector", _("重点行业")
    PLACE = "place", _("重点部位")
    AREA = "area", _("重点区域")
    HOLIDAY = "holiday", _("重大节假日")


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("待督导")
    DONE = "done", _("已督导")


class Visit(models.Model):
    """A supervision visit (督导, plan item 4): planned for a key sector, place, area or holiday,
    led by a leader, recorded on a phone; its findings become supervised tasks."""

    SCOPE = ScopeSpec(territory="jurisdiction")

    jurisdiction = models.ForeignKey("orgs.Jurisdiction", verbose_name=_("督导辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    focus = models.CharField(_("督导类型"), max_length=10, choices=VisitFocus.choices)
    title = models.CharField(_("督导事项"), max_length=200)
    target = models.CharField(_("督导对象"), max_length=200, help_text=_("如：甲区危险化学品企业、春节期间人员密集场所"))
    leader = models.CharField(_("带队领导"), max_length=50)
    planned_on = models.DateField(_("计划日期"))
    status = models.CharField(_("状态"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED)
    done_on = models.DateField(_("督导日期"), null=True, blank=True)
    findings = models.TextField(_("发现问题"), blank=True)
    case = models.ForeignKey(Case, verbose_name=_("督办事项"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryBase])

    class Meta:
        verbose_name = _("督导")
        verbose_name_plural = _("督导")
        ordering = ["-planned_on", "-id"]

    def __str__(self) -> str:
        return self.title
