"""Writes of the training app: trainees, sessions and sign-in, scores, certificates (on top of
the enterprise's licences), the multi-year plan and publicity activities."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from anjian.accounts.models import LoginCounter, Membership
from anjian.accounts.services import counter_bump, counter_key  # the one throttle counter mechanism
from anjian.audit.display import register_verbs
from anjian.audit.services import Msg, record_event
from anjian.core.errors import DomainError, NotFoundInScope
from anjian.core.scoping import can, scope_allows
from anjian.documents.attachments import attachments_add
from anjian.enterprises.models import LicenceKind
from anjian.enterprises.services import licence_add, licence_renew
from anjian.inbox import registry as due_registry
from anjian.inbox.services import due_close, due_open
from anjian.rules import training as rules
from anjian.training import catalogue
from anjian.training.models import (
    Attendance,
    CertificateKind,
    Course,
    PersonCertificate,
    PlanTarget,
    PublicityActivity,
    Trainee,
    TraineeRole,
    Trainer,
    TrainingPlan,
    TrainingSession,
)

CERT_RENEWAL = due_registry.register(due_registry.DueKind(
    code="training.cert_renewal", label=_("人员证书延续申请"), action="training.certify", closed_by=_("登记新证"),
    remind_before=dt.timedelta(days=15), escalate_after=dt.timedelta(days=7),
))
CERT_REVIEW = due_registry.register(due_registry.DueKind(
    code="training.cert_review", label=_("特种作业操作证复审"), action="training.certify", closed_by=_("登记复审"),
    remind_before=dt.timedelta(days=60), escalate_after=dt.timedelta(days=7),
))
SESSION_RECORDS = due_registry.register(due_registry.DueKind(
    code="training.session_records", label=_("录入培训考勤与成绩"), action="training.manage", closed_by=_("结班"),
    remind_before=dt.timedelta(hours=12), escalate_after=dt.timedelta(days=3),
))

register_verbs([
    ("trainee_saved", _("登记培训人员")),
    ("training_session_created", _("新建培训班次")),
    ("training_enrolled", _("报名培训")),
    ("training_signed_in", _("培训签到")),
    ("training_scored", _("登记考勤与成绩")),
    ("training_session_closed", _("培训结班")),
    ("certificate_registered", _("登记人员证书")),
    ("certificate_renewed", _("人员证书延续")),
    ("certificate_reviewed", _("人员证书复审")),
    ("training_plan_saved", _("保存全员培训规划")),
    ("publicity_saved", _("登记宣传活动")),
    ("publicity_files_added", _("上传活动照片与资料")),
    ("trainer_saved", _("登记授课教师")),
    ("course_saved", _("保存培训课程")),
    ("training_sign_in_refused", _("签到尝试过多")),
])

HIGH_RISK_FLAGS = frozenset({"hazardous_chemicals", "high_risk_sector"})
LICENCE_KIND = {
    CertificateKind.PRINCIPAL: LicenceKind.PRINCIPAL_CERT,
    CertificateKind.MANAGER: LicenceKind.MANAGER_CERT,
    CertificateKind.SPECIAL_OPERATION: LicenceKind.SPECIAL_OPERATION,
    CertificateKind.SPECIAL_EQUIPMENT: LicenceKind.OTHER,
}


def _uid(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))


def _custody_membership(actor: Any, enterprise: Any) -> Membership | None:
    """The dated custody membership through which ``actor`` (a custody provider's staff member)
    acts for ``enterprise`` right now, if any (granted by a filed custody contract)."""
    if enterprise is None or not getattr(actor, "pk", None):
        return None
    now = timezone.now()
    return (Membership.objects.filter(user=actor, enterprise=enterprise, role__code="custody", is_active=True,
                                      starts_at__lte=now, ends_at__gt=now).first())


def _in_catalogue(actor: Any, row: Any) -> bool:
    """A course or trainer the actor may use: in their scope, or a government entry above them."""
    return bool(catalogue.visible(type(row), actor).filter(pk=row.pk).exists())


def _event(obj: Any, verb: str, *, actor: Any, summary: Msg, enterprise: Any = None, note: str = "") -> None:
    """``record_event``; when the actor is a custody provider's staff member acting for the
    enterprise, the event names both: the person and the enterprise in the text, and
    ``on_behalf_of`` / ``custody_membership`` in its data (the membership leads to the contract
    and the provider)."""
    m = _custody_membership(actor, enterprise)
    if m is None:
        record_event(obj, verb, actor=actor, summary=summary, note=note)
        return
    record_event(obj, verb, actor=actor, note=note, data={"on_behalf_of": enterprise.pk, "custody_membership": m.pk},
                 summary=Msg(gettext_noop("托管服务人员 {person} 代 {enterprise}：{what}"),
                             person=getattr(actor, "display_name", "") or str(actor), enterprise=enterprise.name,
                             what=summary))


def _require_place(actor: Any, action: str, jurisdiction: Any, enterprise: Any = None) -> None:
    if actor is None:
        return
    ok = can(actor, action, enterprise) if enterprise is not None else scope_allows(actor, action, jurisdiction=jurisdiction)
    if not ok:
        raise NotFoundInScope()


# --------------------------------------------------------------------------- trainees and sessions


@transaction.atomic
def trainee_save(*, actor: Any, name: str, role: str, group: str, enterprise: Any = None, jurisdiction: Any = None,
                 phone: str = "", high_risk: bool | None = None, started_on: dt.date | None = None,
                 trainee: Trainee | None = None) -> Trainee:
    if enterprise is not None:
        jurisdiction = enterprise.jurisdiction
        if high_risk is None:
            high_risk = bool(HIGH_RISK_FLAGS & set(enterprise.flags or []))
    if jurisdiction is None:
        raise DomainError("请选择所在企业或辖区", "Choose the enterprise or the jurisdiction", field="jurisdiction")
    _require_place(actor, "training.manage", jurisdiction, enterprise)
    if trainee is not None and actor is not None and not can(actor, "training.manage", trainee):
        raise NotFoundInScope()
    if not name.strip():
        raise DomainError("请填写姓名", "The name is required", field="name")
    fields = {"name": name.strip(), "role": role, "group": group, "enterprise": enterprise, "jurisdiction": jurisdiction,
              "phone": phone.strip(), "high_risk": bool(high_risk), "started_on": started_on}
    if trainee is None:
        trainee = Trainee.objects.create(created_by=_uid(actor), **fields)
    else:
        for k, v in fields.items():
            setattr(trainee, k, v)
        trainee.save()
    _event(trainee, "trainee_saved", actor=actor, enterprise=trainee.enterprise,
           summary=Msg(gettext_noop("登记培训人员：{name}"), name=trainee.name))
    return trainee


# --------------------------------------------------------------------------- trainers and courses


@transaction.atomic
def trainer_save(*, actor: Any, name: str, jurisdiction: Any = None, enterprise: Any = None, organisation: str = "",
                 title: str = "", subjects: str = "", phone: str = "", is_active: bool = True,
                 trainer: Trainer | None = None) -> Trainer:
    """A trainer of the registry: a jurisdiction's (government trainers) or an enterprise's own."""
    if enterprise is not None:
        jurisdiction = enterprise.jurisdiction
    if jurisdiction is None:
        raise DomainError("请选择所属辖区或企业", "Choose the jurisdiction or the enterprise", field="jurisdiction")
    _require_place(actor, "training.manage", jurisdiction, enterprise)
    if trainer is not None and actor is not None and not can(actor, "training.manage", trainer):
        raise NotFoundInScope()
    if not name.strip():
        raise DomainError("请填写姓名", "The name is required", field="name")
    fields = {"name": name.strip(), "jurisdiction": jurisdiction, "enterprise": enterprise,
              "organisation": organisation.strip(), "title": title.strip(), "subjects": subjects.strip(),
              "phone": phone.strip(), "is_active": is_active}
    if trainer is None:
        trainer = Trainer.objects.create(created_by=_uid(actor), **fields)
    else:
        for k, v in fields.items():
            setattr(trainer, k, v)
        trainer.save()
    _event(trainer, "trainer_saved", actor=actor, enterprise=enterprise,
           summary=Msg(gettext_noop("登记授课教师：{name}"), name=trainer.name))
    return trainer


@transaction.atomic
def course_save(*, actor: Any, title: str, subject: str, hours: Decimal, jurisdiction: Any = None, enterprise: Any = None,
                code: str = "", role: str = "", group: str = "enterprise_key", high_risk: bool = False, sector: Any = None,
                refresher: bool = False, trainer: Trainer | None = None, is_active: bool = True,
                course: Course | None = None) -> Course:
    """A course of the catalogue (subject, hours, target role and sector, trainer); sessions are
    opened from it. ``course_shortfall`` compares its hours with the national minimum for its
    role (a course may be one of several making up the minimum, so it is shown, not refused)."""
    if enterprise is not None:
        jurisdiction = enterprise.jurisdiction
    if jurisdiction is None:
        raise DomainError("请选择所属辖区或企业", "Choose the jurisdiction or the enterprise", field="jurisdiction")
    _require_place(actor, "training.manage", jurisdiction, enterprise)
    if course is not None and actor is not None and not can(actor, "training.manage", course):
        raise NotFoundInScope()
    if trainer is not None and actor is not None and not _in_catalogue(actor, trainer):
        raise NotFoundInScope()
    hours = Decimal(hours)
    if hours <= 0 or hours > 200:
        raise DomainError("学时须在 0 到 200 之间", "Hours must be between 0 and 200", field="hours")
    if not title.strip() or not subject.strip():
        raise DomainError("请填写课程名称和培训内容", "Give the title and the subject", field="title")
    fields = {"title": title.strip(), "subject": subject.strip(), "hours": hours, "jurisdiction": jurisdiction,
              "enterprise": enterprise, "code": code.strip(), "role": role, "group": group, "high_risk": high_risk,
              "sector": sector, "refresher": refresher, "trainer": trainer, "is_active": is_active}
    if course is None:
        course = Course.objects.create(created_by=_uid(actor), **fields)
    else:
        for k, v in fields.items():
            setattr(course, k, v)
        course.save()
    _event(course, "course_saved", actor=actor, enterprise=enterprise,
           summary=Msg(gettext_noop("培训课程：{title}，{hours} 学时"), title=course.title, hours=str(course.hours)))
    return course


def course_shortfall(course: Course) -> int | None:
    """How many hours short of the national minimum for its role the course is (None: no
    minimum applies, or no role named)."""
    if course.role in ("", TraineeRole.OTHER):
        return None
    need = rules.required_hours(role=course.role, high_risk=course.high_risk, refresher=course.refresher)
    if need is None:
        return None
    return max(0, need - int(course.hours))


def _session_owner(session: TrainingSession) -> dict[str, Any]:
    if session.enterprise_id:
        return {"owner_enterprise": session.enterprise, "sector": session.enterprise.sector}
    return {"owner_jurisdiction": session.jurisdiction}


@transaction.atomic
def session_create(*, actor: Any, place: str, starts_at: dt.datetime, ends_at: dt.datetime, title: str = "",
                   hours: Decimal | None = None, jurisdiction: Any = None, enterprise: Any = None,
                   group: str | None = None, refresher: bool | None = None, trainer: str = "",
                   teacher: Trainer | None = None, course: Course | None = None, department: Any = None,
                   has_exam: bool = False, pass_score: int = 60) -> TrainingSession:
    """A training class, opened from a catalogue ``course`` (its title, hours, audience, refresher
    flag and trainer, unless given) or described directly. A government class may name the
    ``department`` it is held for (a sector regulator then sees it). Its organiser (the
    enterprise, or the jurisdiction's office) gets a to-do to enter the attendance and scores
    when it ends."""
    if enterprise is not None:
        jurisdiction = enterprise.jurisdiction
    if jurisdiction is None:
        raise DomainError("请选择组织辖区", "Choose the organising jurisdiction", field="jurisdiction")
    _require_place(actor, "training.manage", jurisdiction, enterprise)
    if teacher is not None and actor is not None and not _in_catalogue(actor, teacher):
        raise NotFoundInScope()
    if course is not None:
        if actor is not None and not _in_catalogue(actor, course):
            raise NotFoundInScope()
        title = title.strip() or course.title
        hours = course.hours if hours is None else hours
        group = group or course.group
        refresher = course.refresher if refresher is None else refresher
        teacher = teacher or course.trainer  # the course's own trainer, chosen with the course
    if teacher is not None:
        trainer = trainer.strip() or teacher.name
    if department is not None:
        if enterprise is not None:
            raise DomainError("企业内部培训不填写主办部门", "An enterprise's own session has no department",
                              field="department")
        if not (jurisdiction.path.startswith(department.jurisdiction.path)
                or department.jurisdiction.path.startswith(jurisdiction.path)):
            raise DomainError("主办部门不在组织辖区", "The department is not in the organising jurisdiction",
                              field="department")
    if not title.strip():
        raise DomainError("请选择课程或填写培训课程名称", "Choose a course or give the title", field="title")
    if hours is None:
        raise DomainError("请填写学时", "Give the hours", field="hours")
    if ends_at <= starts_at:
        raise DomainError("结束时间须晚于开始时间", "The end must be after the start", field="ends_at")
    hours = Decimal(hours)
    if hours <= 0 or hours > 200:
        raise DomainError("学时须在 0 到 200 之间", "Hours must be between 0 and 200", field="hours")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                s = TrainingSession.objects.create(
                    title=title.strip(), hours=hours, place=place.strip(), starts_at=starts_at, ends_at=ends_at,
                    jurisdiction=jurisdiction, enterprise=enterprise, group=group or "enterprise_key",
                    refresher=bool(refresher), trainer=trainer.strip(), teacher=teacher, course=course,
                    department=department, has_exam=has_exam, pass_score=pass_score, created_by=_uid(actor))
            break
        except IntegrityError:  # a sign-in code already taken: draw another
            continue
    else:
        raise DomainError("签到码生成失败，请重试", "Could not draw a sign-in code; try again")
    due_open(s, SESSION_RECORDS.code, title=f"{s.title} 录入考勤与成绩", due_at=ends_at + dt.timedelta(days=3),
             url=f"/training/sessions/{s.pk}/", **_session_owner(s))
    _event(s, "training_session_created", actor=actor, enterprise=enterprise, summary=Msg(
        gettext_noop("新建培训班次：{title}，{hours} 学时"), title=s.title, hours=str(s.hours)))
    return s


@transaction.atomic
def session_enrol(*, actor: Any, session: TrainingSession, trainees: list[Trainee]) -> int:
    """Put people on a session's roster; each must be in the actor's scope, and an enterprise's
    session takes only its own staff."""
    if actor is not None and not can(actor, "training.manage", session):
        raise NotFoundInScope()
    if session.closed_at:
        raise DomainError("该班次已结班", "The session is closed")
    n = 0
    for t in trainees:
        if actor is not None and not can(actor, "training.manage", t):
            raise NotFoundInScope()
        if session.enterprise_id and t.enterprise_id != session.enterprise_id:
            raise DomainError(f"{t.name} 不是本企业人员", f"{t.name} is not on the enterprise's staff", field="trainees")
        _a, created = Attendance.objects.get_or_create(session=session, trainee=t)
        n += int(created)
    _event(session, "training_enrolled", actor=actor, enterprise=session.enterprise,
           summary=Msg(gettext_noop("报名 {n} 人"), n=n))
    return n


class SignInThrottled(DomainError):
    status = 429

    def __init__(self) -> None:
        super().__init__("签到尝试次数过多，请 15 分钟后再试，或请组织单位现场登记",
                         "Too many sign-in attempts: try again in 15 minutes, or ask the organiser to record you")


SIGN_WINDOW = 900  # seconds of a throttle window, like the login throttle's default


def _sign_limits() -> tuple[int, int]:
    return (int(getattr(settings, "TRAINING_SIGN_IP_ATTEMPTS", 20)),
            int(getattr(settings, "TRAINING_SIGN_SESSION_ATTEMPTS", 30)))


def sign_in(*, code: str, phone: str, ip: str = "", now: dt.datetime | None = None) -> Attendance:
    """Phone sign-in (no account): the session's 6-digit code and the phone number of a person on
    its roster, while sign-in is open. Full hours are credited; the organiser can correct them.

    Throttled like the login (the same database counters, ``accounts.LoginCounter``): each try
    first reserves an attempt on the client address's counter and, once the code names an open
    session, on that session's counter; past ``TRAINING_SIGN_IP_ATTEMPTS`` (20) or
    ``TRAINING_SIGN_SESSION_ATTEMPTS`` (30) in 15 minutes the try is refused unchecked. A
    successful sign-in gives both their attempt back, so a classroom behind one address is not
    locked out by its own sign-ins. The counters are written outside the sign-in's transaction,
    so a refused try still counts."""
    ip_limit, session_limit = _sign_limits()
    ip_key = counter_key("sign-ip", ip or "unknown")
    if counter_bump(ip_key, SIGN_WINDOW) > ip_limit:
        raise SignInThrottled()
    now = now or timezone.now()
    s = TrainingSession.objects.filter(sign_code=code.strip()).first()
    if s is None or s.closed_at or not s.sign_in_open(now):
        raise DomainError("签到码无效或不在签到时间内", "The code is not valid or sign-in is not open", field="code")
    session_key = counter_key("sign-session", str(s.pk))
    n = counter_bump(session_key, SIGN_WINDOW)
    if n > session_limit:
        if n == session_limit + 1:
            record_event(s, "training_sign_in_refused", actor=None, summary=Msg(gettext_noop(
                "手机签到失败次数过多，暂停 15 分钟（{n} 次）"), n=session_limit))
        raise SignInThrottled()
    a = _sign_in_checked(session=s, phone=phone, now=now)
    LoginCounter.objects.filter(key__in=[ip_key, session_key], count__gt=0).update(count=F("count") - 1)
    return a


@transaction.atomic
def _sign_in_checked(*, session: TrainingSession, phone: str, now: dt.datetime) -> Attendance:
    a = (Attendance.objects.select_for_update().select_related("trainee", "session")
         .filter(session=session, trainee__phone=phone.strip()).first())
    if a is None or not phone.strip():
        raise DomainError("该手机号不在本班次名单中，请联系组织单位", "This phone number is not on the roster", field="phone")
    if a.signed_at is None:
        a.signed_at, a.signed_by_phone, a.hours = now, True, session.hours
        a.save(update_fields=["signed_at", "signed_by_phone", "hours"])
        record_event(session, "training_signed_in", actor=None,
                     summary=Msg(gettext_noop("{name} 手机签到"), name=a.trainee.name))
    return a


@transaction.atomic
def attendance_record(*, actor: Any, attendance: Attendance, present: bool, hours: Decimal | None = None,
                      score: int | None = None) -> Attendance:
    """Roll call and exam score by the organiser."""
    s = attendance.session
    if actor is not None and not can(actor, "training.manage", s):
        raise NotFoundInScope()
    if s.closed_at:
        raise DomainError("该班次已结班", "The session is closed")
    a = Attendance.objects.select_for_update().get(pk=attendance.pk)
    hours = Decimal(s.hours if hours is None else hours)
    if present and not (0 <= hours <= s.hours):
        raise DomainError("获得学时不能超过班次学时", "Hours cannot exceed the session's", field="hours")
    if score is not None and not 0 <= score <= 100:
        raise DomainError("成绩须在 0 到 100 之间", "The score must be 0–100", field="score")
    a.signed_at = (a.signed_at or timezone.now()) if present else None
    a.hours = hours if present else Decimal(0)
    a.score = score if present else None
    a.save(update_fields=["signed_at", "hours", "score"])
    if not present:
        summary = Msg(gettext_noop("{name}：缺勤"), name=a.trainee.name)
    elif score is None:
        summary = Msg(gettext_noop("{name}：出勤，{hours} 学时"), name=a.trainee.name, hours=str(a.hours))
    else:
        summary = Msg(gettext_noop("{name}：出勤，{hours} 学时，成绩 {score}"), name=a.trainee.name, hours=str(a.hours),
                      score=score)
    _event(s, "training_scored", actor=actor, enterprise=s.enterprise or a.trainee.enterprise, summary=summary)
    return a


@transaction.atomic
def session_close(*, actor: Any, session: TrainingSession) -> TrainingSession:
    if actor is not None and not can(actor, "training.manage", session):
        raise NotFoundInScope()
    s = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if s.closed_at:
        raise DomainError("该班次已结班", "The session is already closed")
    if timezone.now() < s.ends_at:
        raise DomainError("培训尚未结束", "The session has not ended yet")
    s.closed_at = timezone.now()
    s.save(update_fields=["closed_at"])
    due_close(s, SESSION_RECORDS.code)
    _event(s, "training_session_closed", actor=actor, enterprise=s.enterprise, summary=Msg(
        gettext_noop("结班：{n} 人出勤"), n=s.attendances.filter(signed_at__isnull=False).count()))
    return s


# --------------------------------------------------------------------------- certificates


def _cert_dues(cert: PersonCertificate) -> None:
    t = cert.trainee
    ent = t.enterprise
    due_open(cert, CERT_RENEWAL.code, title=f"{t.name} {cert.get_kind_display()} 申请延续",
             due_at=_end_of(cert.renew_from), url=f"/training/certificates/?q={t.name}", owner_enterprise=ent,
             sector=ent.sector)
    if cert.next_review_on:
        due_open(cert, CERT_REVIEW.code, title=f"{t.name} {cert.get_kind_display()} 复审",
                 due_at=_end_of(cert.next_review_on), url=f"/training/certificates/?q={t.name}",
                 owner_enterprise=ent, sector=ent.sector)
    else:
        due_close(cert, CERT_REVIEW.code)


def _next_review(kind: str, issued_on: dt.date, years_in_job: int, after: dt.date) -> dt.date | None:
    return next((d for d in rules.review_dates(kind=kind, issued_on=issued_on, years_in_job=years_in_job)
                 if d > after), None)


@transaction.atomic
def certificate_register(*, actor: Any, trainee: Trainee, kind: str, number: str, issued_on: dt.date,
                         issued_by: str = "", years_in_job: int = 0) -> PersonCertificate:
    """A person's certificate: the enterprise's licence row (with its expiry to-do) plus the
    renewal application date and the 复审 by the rules (44号令 Art. 25, 30号令 Art. 21–22); the
    renewal and the review are to-dos in the enterprise's inbox, visible to its regulator."""
    if actor is not None and not can(actor, "training.certify", trainee):
        raise NotFoundInScope()
    if trainee.enterprise_id is None:
        raise DomainError("只有企业人员登记证书", "Certificates are for enterprise staff", field="trainee")
    if issued_on > timezone.localdate():
        raise DomainError("发证日期不能晚于今天", "The issue date is in the future", field="issued_on")
    expires, renew_from = rules.certificate_dates(kind=kind, issued_on=issued_on)
    lic = licence_add(actor=actor, enterprise=trainee.enterprise, data={
        "kind": LICENCE_KIND[CertificateKind(kind)], "number": number.strip(), "holder": trainee.name,
        "issued_by": issued_by.strip(), "valid_from": issued_on, "valid_until": expires})
    cert = PersonCertificate.objects.create(
        trainee=trainee, licence=lic, kind=kind, issued_on=issued_on, expires_on=expires, renew_from=renew_from,
        next_review_on=_next_review(kind, issued_on, years_in_job, timezone.localdate()), created_by=_uid(actor))
    _cert_dues(cert)
    _event(trainee, "certificate_registered", actor=actor, enterprise=trainee.enterprise, summary=Msg(
        gettext_noop("登记证书：{kind} {number}，有效期至 {until}"), kind=cert.get_kind_display(), number=lic.number,
        until=str(expires)))
    return cert


@transaction.atomic
def certificate_renew(*, actor: Any, certificate: PersonCertificate, issued_on: dt.date, number: str = "") -> PersonCertificate:
    if actor is not None and not can(actor, "training.certify", certificate):
        raise NotFoundInScope()
    cert = PersonCertificate.objects.select_for_update().get(pk=certificate.pk)
    expires, renew_from = rules.certificate_dates(kind=cert.kind, issued_on=issued_on)
    licence_renew(actor=actor, licence=cert.licence, valid_until=expires, number=number.strip())
    cert.issued_on, cert.expires_on, cert.renew_from = issued_on, expires, renew_from
    cert.next_review_on = _next_review(cert.kind, issued_on, 0, timezone.localdate())
    cert.save(update_fields=["issued_on", "expires_on", "renew_from", "next_review_on"])
    due_close(cert, CERT_RENEWAL.code)
    _cert_dues(cert)
    _event(cert.trainee, "certificate_renewed", actor=actor, enterprise=cert.trainee.enterprise, summary=Msg(
        gettext_noop("证书延续：{kind}，有效期至 {until}"), kind=cert.get_kind_display(), until=str(expires)))
    return cert


@transaction.atomic
def certificate_reviewed(*, actor: Any, certificate: PersonCertificate, reviewed_on: dt.date) -> PersonCertificate:
    """Record a passed 复审; the next one (if any within the validity) becomes the to-do."""
    if actor is not None and not can(actor, "training.certify", certificate):
        raise NotFoundInScope()
    cert = PersonCertificate.objects.select_for_update().get(pk=certificate.pk)
    if cert.next_review_on is None:
        raise DomainError("该证书没有待复审", "No review is due for this certificate")
    due_close(cert, CERT_REVIEW.code)
    cert.next_review_on = _next_review(cert.kind, cert.issued_on, 0, max(reviewed_on, cert.next_review_on))
    cert.save(update_fields=["next_review_on"])
    _cert_dues(cert)
    _event(cert.trainee, "certificate_reviewed", actor=actor, enterprise=cert.trainee.enterprise, summary=Msg(
        gettext_noop("证书复审：{kind}，{day}"), kind=cert.get_kind_display(), day=str(reviewed_on)))
    return cert


# --------------------------------------------------------------------------- plan and publicity


@transaction.atomic
def plan_save(*, actor: Any, jurisdiction: Any, name: str, start_year: int, end_year: int,
              targets: list[tuple[int, str, int]]) -> TrainingPlan:
    """The 3–5-year plan (item 27) with a target head count per year and population group."""
    _require_place(actor, "training.plan", jurisdiction)
    if not 3 <= end_year - start_year + 1 <= 5:
        raise DomainError("规划期为 3 至 5 年", "The plan covers 3 to 5 years", field="end_year")
    plan = TrainingPlan.objects.create(jurisdiction=jurisdiction, name=name.strip(), start_year=start_year,
                                       end_year=end_year, created_by=_uid(actor))
    for year, group, target in targets:
        if not start_year <= year <= end_year:
            raise DomainError("目标年度超出规划期", "A target year is outside the plan", field="targets")
        PlanTarget.objects.update_or_create(plan=plan, year=year, group=group, defaults={"target": target})
    record_event(plan, "training_plan_saved", actor=actor, summary=Msg(gettext_noop("全员培训规划：{name}"), name=plan.name))
    return plan


@transaction.atomic
def activity_save(*, actor: Any, jurisdiction: Any, kind: str, title: str, organiser: str, place: str,
                  starts_on: dt.date, ends_on: dt.date, reach: int = 0, materials: int = 0, description: str = "",
                  is_public: bool = True, activity: PublicityActivity | None = None,
                  files: list[Any] | None = None) -> PublicityActivity:
    """A publicity activity; ``files`` are its photos and materials (attachments)."""
    _require_place(actor, "training.publicity", jurisdiction)
    if activity is not None and actor is not None and not can(actor, "training.publicity", activity):
        raise NotFoundInScope()
    if ends_on < starts_on:
        raise DomainError("结束日期不能早于开始日期", "The end date is before the start", field="ends_on")
    fields = {"jurisdiction": jurisdiction, "kind": kind, "title": title.strip(), "organiser": organiser.strip(),
              "place": place.strip(), "starts_on": starts_on, "ends_on": ends_on, "reach": reach,
              "materials": materials, "description": description, "is_public": is_public}
    if activity is None:
        activity = PublicityActivity.objects.create(created_by=_uid(actor), **fields)
    else:
        for k, v in fields.items():
            setattr(activity, k, v)
        activity.save()
    if files:
        attachments_add(owner=activity, files=files, actor=actor, role="publicity")
    record_event(activity, "publicity_saved", actor=actor, summary=Msg(gettext_noop("宣传活动：{title}"), title=activity.title))
    return activity


@transaction.atomic
def activity_attach(*, actor: Any, activity: PublicityActivity, files: list[Any]) -> list[Any]:
    """Add photos and materials to an activity (usually after it took place)."""
    if actor is not None and not can(actor, "training.publicity", activity):
        raise NotFoundInScope()
    if not files:
        raise DomainError("请选择照片或资料文件", "Choose the photos or materials", field="files")
    activity = PublicityActivity.objects.select_for_update().get(pk=activity.pk)
    added = attachments_add(owner=activity, files=files, actor=actor, role="publicity")
    record_event(activity, "publicity_files_added", actor=actor,
                 summary=Msg(gettext_noop("上传活动照片与资料 {n} 个"), n=len(added)))
    return added


def required_for(trainee: Trainee, year: int) -> int | None:
    """Hours ``trainee`` needs in ``year``: initial training in the year they started, else the
    annual refresher (3号令 Art. 9, 13)."""
    if trainee.role == TraineeRole.OTHER:
        return None
    refresher = trainee.started_on is not None and trainee.started_on.year < year
    return rules.required_hours(role=trainee.role, high_risk=trainee.high_risk, refresher=refresher)


__all__ = [
    "CERT_RENEWAL",
    "CERT_REVIEW",
    "SESSION_RECORDS",
    "SignInThrottled",
    "activity_attach",
    "activity_save",
    "attendance_record",
    "certificate_register",
    "certificate_renew",
    "certificate_reviewed",
    "course_save",
    "course_shortfall",
    "plan_save",
    "required_for",
    "session_close",
    "session_create",
    "session_enrol",
    "sign_in",
    "trainee_save",
    "trainer_save",
]
