"""Reads of the training app: every query starts from ``restrict(user, action)``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from anjian.rules import training as rules
from anjian.training import catalogue
from anjian.training.models import (
    Attendance,
    Course,
    Group,
    PersonCertificate,
    PublicityActivity,
    Trainee,
    Trainer,
    TrainingPlan,
    TrainingSession,
)
from anjian.training.services import required_for


def _scoped(model: Any, user: Any, action: str = "training.view") -> Any:
    return model.objects.all() if user is None else model.objects.restrict(user, action)


def sessions(*, user: Any) -> Any:
    return _scoped(TrainingSession, user).select_related("jurisdiction", "enterprise", "course", "department").annotate(
        enrolled=Count("attendances"), present=Count("attendances", filter=Q(attendances__signed_at__isnull=False)))


def courses(*, user: Any) -> Any:
    """The catalogue the user reads: their scope and the government courses above them."""
    return catalogue.visible(Course, user).select_related("jurisdiction", "enterprise", "sector", "trainer")


def trainers(*, user: Any) -> Any:
    return catalogue.visible(Trainer, user).select_related("jurisdiction", "enterprise").annotate(
        n_courses=Count("courses", distinct=True), n_sessions=Count("sessions", distinct=True))


def trainees(*, user: Any) -> Any:
    return _scoped(Trainee, user).select_related("enterprise", "jurisdiction")


def attendances(*, user: Any, session: TrainingSession) -> Any:
    """The session's roster, limited to the people the user may see."""
    return _scoped(Attendance, user).filter(session=session).select_related("trainee", "trainee__enterprise")


def hours_report(*, user: Any, year: int, short_only: bool = False) -> list[dict[str, Any]]:
    """Per person: hours attended in ``year`` against the hours their role and sector require."""
    start = timezone.make_aware(dt.datetime(year, 1, 1))
    end = timezone.make_aware(dt.datetime(year + 1, 1, 1))
    qs = trainees(user=user).annotate(attended=Sum("attendances__hours", filter=Q(
        attendances__signed_at__gte=start, attendances__signed_at__lt=end)))
    out = []
    for t in qs:
        required = required_for(t, year)
        attended = t.attended or Decimal(0)
        short = rules.hours_shortfall(required=required, attended=float(attended))
        if short_only and not short:
            continue
        out.append({"trainee": t, "required": required, "attended": attended, "shortfall": Decimal(str(short))})
    return out


def certificates(*, user: Any) -> Any:
    return _scoped(PersonCertificate, user).select_related("trainee", "trainee__enterprise", "licence")


def group_coverage(*, user: Any, year: int) -> list[dict[str, Any]]:
    """People trained (signed in at least once) in ``year`` per population group."""
    rows = (_scoped(Attendance, user).filter(signed_at__year=year).values("trainee__group")
            .annotate(people=Count("trainee", distinct=True), hours=Sum("hours")))
    got = {r["trainee__group"]: r for r in rows}
    return [{"group": label, "code": code, "people": got.get(code, {}).get("people", 0),
             "hours": got.get(code, {}).get("hours") or 0} for code, label in Group.choices]


def plans(*, user: Any) -> Any:
    return _scoped(TrainingPlan, user, "training.plan").select_related("jurisdiction")


def plan_progress(plan: TrainingPlan) -> list[dict[str, Any]]:
    """Each target with the people of that group in the plan's territory trained that year."""
    out = []
    for t in plan.targets.all():
        done = (Attendance.objects.filter(signed_at__year=t.year, trainee__group=t.group,
                                          trainee__jurisdiction__path__startswith=plan.jurisdiction.path)
                .values("trainee").distinct().count())
        out.append({"target": t, "done": done, "rate": round(done * 100 / t.target, 1) if t.target else None})
    return out


def activities(*, user: Any) -> Any:
    return _scoped(PublicityActivity, user).select_related("jurisdiction")


def public_activities(*, today: dt.date | None = None) -> Any:
    """Upcoming and ongoing public activities, for the page without login."""
    today = today or timezone.localdate()
    return PublicityActivity.objects.filter(is_public=True, ends_on__gte=today).order_by("starts_on", "id")[:50]


def activity_stats(*, user: Any, year: int) -> list[dict[str, Any]]:
    rows = (activities(user=user).filter(starts_on__year=year).values("kind")
            .annotate(n=Count("id"), reach=Sum("reach"), materials=Sum("materials")))
    labels = dict(PublicityActivity._meta.get_field("kind").choices)
    return [{"kind": labels.get(r["kind"], r["kind"]), "n": r["n"], "reach": r["reach"] or 0,
             "materials": r["materials"] or 0} for r in rows]
