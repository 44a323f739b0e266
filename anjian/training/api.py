"""Training API: sessions, hours against the required hours, certificates, publicity; the phone
sign-in is a page (no account), not an API call."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import Http404, HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from anjian.core.api import require
from anjian.core.apischema import Id, In, Limit, Year
from anjian.core.lookups import Ref, resolve_refs
from anjian.training import selectors as sel
from anjian.training import services
from anjian.training.models import Course

router = Router(tags=["training"])


class SessionOut(Schema):
    id: int
    title: str
    group: str
    hours: Decimal
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    enterprise_id: int | None
    jurisdiction_id: int
    department_id: int | None
    course_id: int | None
    trainer: str
    enrolled: int = 0
    present: int = 0
    closed_at: dt.datetime | None


class SessionIn(Schema):
    course_id: Annotated[int | None, Ref("training.courses")] = None
    title: str = ""
    hours: Decimal | None = None
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    jurisdiction_id: Annotated[int | None, Ref("orgs.jurisdictions@training.manage")] = None
    enterprise_id: Annotated[int | None, Ref("enterprises@training.manage")] = None
    department_id: Annotated[int | None, Ref("orgs.departments")] = None
    teacher_id: Annotated[int | None, Ref("training.trainers")] = None
    has_exam: bool = False
    pass_score: int = 60


class CourseIn(In):
    db_model = Course
    title: str
    subject: str
    hours: Decimal
    code: str = ""
    role: str = ""
    group: str = "enterprise_key"
    high_risk: bool = False
    refresher: bool = False
    sector_id: Annotated[int | None, Ref("orgs.sectors")] = None
    trainer_id: Annotated[int | None, Ref("training.trainers")] = None
    jurisdiction_id: Annotated[int | None, Ref("orgs.jurisdictions@training.manage")] = None
    enterprise_id: Annotated[int | None, Ref("enterprises@training.manage")] = None


class CourseOut(Schema):
    id: int
    code: str
    title: str
    subject: str
    hours: Decimal
    role: str
    group: str
    high_risk: bool
    sector_id: int | None
    refresher: bool
    trainer_id: int | None
    jurisdiction_id: int
    enterprise_id: int | None


class TrainerIn(Schema):
    name: str
    organisation: str = ""
    title: str = ""
    subjects: str = ""
    phone: str = ""
    jurisdiction_id: Annotated[int | None, Ref("orgs.jurisdictions@training.manage")] = None
    enterprise_id: Annotated[int | None, Ref("enterprises@training.manage")] = None


class TrainerOut(Schema):
    id: int
    name: str
    organisation: str
    title: str
    subjects: str
    jurisdiction_id: int
    enterprise_id: int | None


class FileOut(Schema):
    id: int
    name: str
    mime: str
    size: int
    url: str

    @staticmethod
    def resolve_name(obj: object) -> str:
        return obj.original_name  # type: ignore[attr-defined, no-any-return]

    @staticmethod
    def resolve_url(obj: object) -> str:
        return f"/documents/attachments/{obj.pk}/"  # type: ignore[attr-defined]


class HoursOut(Schema):
    trainee_id: int
    name: str
    role: str
    enterprise_id: int | None
    required: int | None
    attended: Decimal
    shortfall: Decimal


class CertificateOut(Schema):
    id: int
    trainee_id: int
    kind: str
    issued_on: dt.date
    expires_on: dt.date
    renew_from: dt.date
    next_review_on: dt.date | None
    licence_id: int


class ActivityOut(Schema):
    id: int
    kind: str
    title: str
    organiser: str
    place: str
    starts_on: dt.date
    ends_on: dt.date
    reach: int
    materials: int


def _page(qs, after_id, limit):  # type: ignore[no-untyped-def]
    qs = qs.order_by("id")
    if after_id:
        qs = qs.filter(id__gt=after_id)
    return list(qs[: max(1, min(limit, 1000))])


@router.get("/sessions", response=list[SessionOut], summary="培训班次 / training sessions")
def sessions(request: HttpRequest, after_id: Id | None = None, limit: Limit = 100):
    require(request, "training.view")
    return _page(sel.sessions(user=request.user), after_id, limit)


def _refs(request: HttpRequest, payload: Schema, names: dict[str, str]) -> dict:
    refs = resolve_refs(request.user, payload)
    data = payload.dict()
    for field, arg in names.items():
        data.pop(field, None)
        data[arg] = refs.get(field)
    return data


@router.post("/sessions", response={201: SessionOut}, summary="开设培训班次（可按课程目录）/ open a session (from a course)")
def session_create(request: HttpRequest, payload: SessionIn):
    require(request, "training.manage")
    data = _refs(request, payload, {"course_id": "course", "jurisdiction_id": "jurisdiction",
                                    "enterprise_id": "enterprise", "department_id": "department",
                                    "teacher_id": "teacher"})
    return Status(201, services.session_create(actor=request.user, **data))


@router.get("/courses", response=list[CourseOut], summary="课程目录 / course catalogue")
def courses(request: HttpRequest, after_id: Id | None = None, limit: Limit = 100):
    require(request, "training.view")
    return _page(sel.courses(user=request.user), after_id, limit)


@router.post("/courses", response={201: CourseOut}, summary="新增课程 / add a course")
def course_create(request: HttpRequest, payload: CourseIn):
    require(request, "training.manage")
    data = _refs(request, payload, {"sector_id": "sector", "trainer_id": "trainer", "jurisdiction_id": "jurisdiction",
                                    "enterprise_id": "enterprise"})
    return Status(201, services.course_save(actor=request.user, **data))


@router.get("/trainers", response=list[TrainerOut], summary="师资库 / trainers")
def trainers(request: HttpRequest, after_id: Id | None = None, limit: Limit = 100):
    require(request, "training.view")
    return _page(sel.trainers(user=request.user), after_id, limit)


@router.post("/trainers", response={201: TrainerOut}, summary="登记授课教师 / register a trainer")
def trainer_create(request: HttpRequest, payload: TrainerIn):
    require(request, "training.manage")
    data = _refs(request, payload, {"jurisdiction_id": "jurisdiction", "enterprise_id": "enterprise"})
    return Status(201, services.trainer_save(actor=request.user, **data))


@router.post("/activities/{pk}/files", response={201: list[FileOut]},
             summary="上传活动照片与资料 / upload an activity's photos and materials (multipart, field files)")
def activity_files(request: HttpRequest, pk: Id, files: list[UploadedFile] = File(...)):  # noqa: B008 - ninja's way
    require(request, "training.publicity")
    a = sel.activities(user=request.user).filter(pk=pk).first()
    if a is None:
        raise Http404
    return Status(201, services.activity_attach(actor=request.user, activity=a, files=files))


@router.get("/hours", response=list[HoursOut], summary="人员学时与应训学时 / hours against required hours")
def hours(request: HttpRequest, year: Year, short_only: bool = False):
    require(request, "training.view")
    return [{"trainee_id": r["trainee"].pk, "name": r["trainee"].name, "role": r["trainee"].role,
             "enterprise_id": r["trainee"].enterprise_id, "required": r["required"], "attended": r["attended"],
             "shortfall": r["shortfall"]} for r in sel.hours_report(user=request.user, year=year, short_only=short_only)]


@router.get("/certificates", response=list[CertificateOut], summary="人员证书 / personal certificates")
def certificates(request: HttpRequest, after_id: Id | None = None, limit: Limit = 100):
    require(request, "training.view")
    return _page(sel.certificates(user=request.user), after_id, limit)


@router.get("/activities", response=list[ActivityOut], summary="宣传活动 / publicity activities")
def activities(request: HttpRequest, after_id: Id | None = None, limit: Limit = 100):
    require(request, "training.view")
    return _page(sel.activities(user=request.user), after_id, limit)
