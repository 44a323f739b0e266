"""Reads for letters and the assessment, from the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from anjian.responsibility.models import (
    Letter,
    LetterStatus,
    LetterTemplate,
    Result,
    Round,
    RoundStatus,
    Scheme,
)


def template_list(*, user: Any) -> QuerySet[LetterTemplate]:
    return LetterTemplate.objects.restrict(user, "responsibility.view").select_related("jurisdiction").annotate(
        n=Count("letters"),
        acknowledged=Count("letters", filter=Q(letters__status=LetterStatus.ACKNOWLEDGED)),
        overdue=Count("letters", filter=Q(letters__status=LetterStatus.ISSUED, letters__ack_due__lt=timezone.localdate())),
    )


def letter_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Letter]:
    qs = Letter.objects.restrict(user, "responsibility.view")
    f = filters or {}
    if f.get("template"):
        qs = qs.filter(template=f["template"])
    if f.get("year"):
        qs = qs.filter(template__year=f["year"])
    state = f.get("state")
    if state == "acknowledged":
        qs = qs.filter(status=LetterStatus.ACKNOWLEDGED)
    elif state == "issued":
        qs = qs.filter(status=LetterStatus.ISSUED, ack_due__gte=timezone.localdate())
    elif state == "overdue":
        qs = qs.filter(status=LetterStatus.ISSUED, ack_due__lt=timezone.localdate())
    if q := (f.get("q") or "").strip():
        qs = qs.filter(Q(recipient_name__icontains=q) | Q(number__icontains=q))
    return qs.select_related("template", "jurisdiction", "department", "enterprise")


def letter_board(*, user: Any, template: LetterTemplate) -> dict[str, int]:
    qs = letter_list(user=user).filter(template=template)
    today = timezone.localdate()
    return qs.aggregate(
        total=Count("id"),
        acknowledged=Count("id", filter=Q(status=LetterStatus.ACKNOWLEDGED)),
        waiting=Count("id", filter=Q(status=LetterStatus.ISSUED, ack_due__gte=today)),
        overdue=Count("id", filter=Q(status=LetterStatus.ISSUED, ack_due__lt=today)),
    )


def scheme_list(*, user: Any) -> QuerySet[Scheme]:
    return Scheme.objects.restrict(user, "responsibility.view").select_related("jurisdiction")


def round_list(*, user: Any, scheme: Scheme) -> QuerySet[Round]:
    return Round.objects.restrict(user, "responsibility.view").filter(scheme=scheme)


def results_visible(*, user: Any, round: Round) -> QuerySet[Result]:
    """The assessing office sees every unit's result; once the round is published, so does
    anyone who may see the round; before that a unit sees only its own."""
    qs = round.results.all()
    office = Round.objects.restrict(user, "responsibility.assess").filter(pk=round.pk).exists()
    if office or (round.status == RoundStatus.PUBLISHED
                  and Round.objects.restrict(user, "responsibility.view").filter(pk=round.pk).exists()):
        return qs.order_by("rank", "id")
    own = Result.objects.restrict(user, "responsibility.view").filter(round=round)
    return own.order_by("rank", "id")


def result_list(*, user: Any) -> QuerySet[Result]:
    """Results the user's units were assessed on (their own), newest first."""
    return Result.objects.restrict(user, "responsibility.view").select_related("round__scheme").order_by("-round_id")
